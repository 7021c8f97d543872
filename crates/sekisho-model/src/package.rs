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
    /// Red Hat image content manifests (`/root/buildinfo/content_manifests/*.json`): the
    /// repositories (content sets) the rpms of a layer were installed from. Matching scopes
    /// Red Hat's records by them (through Red Hat's repository to CPE map in the database).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub content_manifests: Vec<ContentManifest>,
}

/// One Red Hat image content manifest (ICM): which content sets (yum/dnf repositories such as
/// `rhel-8-for-x86_64-baseos-rpms`) the build of one layer installed rpms from.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct ContentManifest {
    /// Absolute path of the manifest in the image.
    pub path: String,
    /// The layer whose copy of the manifest is in the final filesystem (0-based).
    pub layer: usize,
    /// `metadata.image_layer_index` as the build system wrote it, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_layer_index: Option<u64>,
    /// `content_sets`, in the manifest's order.
    pub content_sets: Vec<String>,
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
    /// Maintainer or vendor (dpkg `Maintainer`, apk `m:`, rpm `VENDOR`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub supplier: String,
    /// Why this OS package is judged not to be the distribution's own build (a third-party
    /// repository's: nginx.org, Docker, Microsoft, remi), with the evidence, e.g.
    /// `maintainer "Docker <support@docker.com>" is Docker's (docker.com), not debian's`;
    /// `None` for the distribution's packages, for packages without such evidence and for
    /// language packages. The distribution's advisories are not matched against third-party
    /// packages unless asked (`--match-third-party`). The heuristics are in
    /// `sekisho-inventory`'s `third_party` module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_party: Option<String>,
    /// rpm `MODULARITYLABEL` (`name:stream:version:context`, e.g.
    /// `nodejs:12:8030020201124152102:229f0a1c`) of a package installed from a module stream;
    /// see [`Package::module_stream`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modularity_label: Option<String>,
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

impl Package {
    /// The module stream (`name:stream`, e.g. `nodejs:12`) of an rpm installed from a module,
    /// from [`Package::modularity_label`]; `None` for a package outside any module (an empty
    /// label, or one without a stream, counts as none).
    pub fn module_stream(&self) -> Option<&str> {
        let label = self.modularity_label.as_deref()?;
        let mut colons = label.match_indices(':').map(|(i, _)| i);
        let first = colons.next()?;
        let end = colons.next().unwrap_or(label.len());
        let (name, stream) = (&label[..first], &label[first + 1..end]);
        (!name.is_empty() && !stream.is_empty()).then(|| &label[..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rpm(label: Option<&str>) -> Package {
        Package {
            kind: PackageKind::Rpm,
            name: "nodejs".into(),
            version: "1:12.19.1-1.module+el8.3.0+8934+7b4b9d40".into(),
            epoch: Some(1),
            arch: "x86_64".into(),
            source_name: String::new(),
            source_version: String::new(),
            licenses: Vec::new(),
            supplier: String::new(),
            third_party: None,
            modularity_label: label.map(str::to_string),
            purl: String::new(),
            layer: LayerRef::default(),
            path: String::new(),
            files: Vec::new(),
            dependencies: Vec::new(),
            dev: false,
            owner: None,
        }
    }

    #[test]
    fn module_streams() {
        let stream = |l| rpm(l).module_stream().map(str::to_string);
        assert_eq!(
            stream(Some("nodejs:12:8030020201124152102:229f0a1c")).as_deref(),
            Some("nodejs:12")
        );
        assert_eq!(stream(Some("perl:5.32")).as_deref(), Some("perl:5.32"));
        assert_eq!(stream(None), None);
        assert_eq!(stream(Some("")), None);
        assert_eq!(stream(Some("nodejs")), None);
        assert_eq!(stream(Some(":12:1:a")), None);
        assert_eq!(stream(Some("nodejs::1:a")), None);
    }
}
