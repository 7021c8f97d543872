//! Packages of every ecosystem and where they were found.

use serde::{Deserialize, Serialize};

/// One layer of the image.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct LayerRef {
    /// 0-based position in the manifest.
    pub index: usize,
    /// Blob digest as stored.
    pub digest: String,
    /// Digest of the uncompressed layer tar.
    pub diff_id: String,
    /// The history instruction that created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

/// The detected operating system.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct OsInfo {
    /// Lower-case distribution ID as in os-release `ID` (`alpine`, `debian`, `rhel`, `amzn` ...).
    pub id: String,
    /// Human name (`Debian GNU/Linux`).
    pub name: String,
    /// The most exact version known (`3.10.4`, `12.4`, `8.8`).
    pub version: String,
    /// Release codename when the distro has one (`bookworm`, `jammy`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    /// os-release `PRETTY_NAME` or an equivalent.
    pub pretty_name: String,
    /// The file the version came from.
    pub evidence: String,
}

/// The packaging system a package belongs to, named by its purl type: the OS package managers
/// and the language ecosystems. Ordered OS first, then languages, so reports group OS packages
/// ahead of application dependencies.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum PackageKind {
    /// Alpine / Wolfi apk.
    Apk,
    /// Debian / Ubuntu dpkg.
    Deb,
    /// RPM.
    Rpm,
    /// Python (PyPI).
    Pypi,
    /// JavaScript (npm, yarn, pnpm, bun).
    Npm,
    /// Java (Maven coordinates).
    Maven,
    /// Go modules.
    Golang,
    /// Rust crates.
    Cargo,
    /// Ruby gems.
    Gem,
    /// PHP Composer.
    Composer,
    /// .NET NuGet.
    Nuget,
    /// Conda.
    Conda,
    /// Dart / Flutter pub.
    Pub,
    /// Elixir / Erlang Hex.
    Hex,
    /// Swift Package Manager.
    Swift,
    /// CocoaPods.
    Cocoapods,
    /// Conan (C/C++).
    Conan,
    /// Julia.
    Julia,
}

impl PackageKind {
    /// The purl type and table heading.
    pub fn as_str(self) -> &'static str {
        match self {
            PackageKind::Apk => "apk",
            PackageKind::Deb => "deb",
            PackageKind::Rpm => "rpm",
            PackageKind::Pypi => "pypi",
            PackageKind::Npm => "npm",
            PackageKind::Maven => "maven",
            PackageKind::Golang => "golang",
            PackageKind::Cargo => "cargo",
            PackageKind::Gem => "gem",
            PackageKind::Composer => "composer",
            PackageKind::Nuget => "nuget",
            PackageKind::Conda => "conda",
            PackageKind::Pub => "pub",
            PackageKind::Hex => "hex",
            PackageKind::Swift => "swift",
            PackageKind::Cocoapods => "cocoapods",
            PackageKind::Conan => "conan",
            PackageKind::Julia => "julia",
        }
    }

    /// Whether this is an operating-system package manager (matched against distro advisories).
    pub fn is_os(self) -> bool {
        matches!(self, PackageKind::Apk | PackageKind::Deb | PackageKind::Rpm)
    }
}

/// One installed package of any ecosystem, where it was found and the layer that added it.
/// Reads back from its own JSON (fields left out when empty come back empty), except
/// [`Package::files`], which the JSON never carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Package {
    /// Package type.
    #[serde(rename = "type")]
    pub kind: PackageKind,
    /// Binary package name.
    pub name: String,
    /// Full version as the package manager compares it (rpm: `[epoch:]version-release`).
    pub version: String,
    /// RPM epoch, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u32>,
    /// CPU architecture as the package manager writes it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub arch: String,
    /// Source package name (dpkg `Source`, apk origin, rpm SOURCERPM name).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source_name: String,
    /// Source package version (may differ from the binary's, e.g. binNMUs).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source_version: String,
    /// Licences as the database records them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// Maintainer or vendor.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub supplier: String,
    /// Package URL.
    pub purl: String,
    /// The layer that introduced this package (name and version).
    pub layer: LayerRef,
    /// Where the package was found (absolute path in the image or project): the database
    /// file of an OS package; a lockfile; an installed package's own directory
    /// (`site-packages/x.dist-info`, `node_modules/x`) or file (a jar, a binary, a gemspec); a
    /// package inside an archive as `outer.war!WEB-INF/lib/x.jar`.
    pub path: String,
    /// Files the package owns (absolute paths), from the package database.
    #[serde(skip)]
    pub files: Vec<String>,
    /// Packages this one depends on, as purls (when the source records them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// A development, test or optional dependency (from a lockfile that says so): reported,
    /// marked, so filters can decide what to show.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dev: bool,
    /// The OS package that installed this language package's files (its purl), when one did
    /// (`python3-idna` owning `idna`'s dist-info): the same software, reported once for
    /// vulnerabilities, through the OS package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}
