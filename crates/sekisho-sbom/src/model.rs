//! The inventory report: what an image is and what is installed in it. One model serves every
//! output format (table, native JSON, CycloneDX, SPDX).

use serde::Serialize;

/// Version of the native JSON report format (see `schema/report.schema.json`).
pub const SCHEMA_VERSION: &str = "1.0";

/// Everything `sekisho image` learned about one image.
#[derive(Debug, Clone, Serialize)]
pub struct Inventory {
    /// Format version of this document.
    pub schema_version: String,
    /// The image that was scanned.
    pub source: SourceInfo,
    /// The operating system, or `None` for an image without one (scratch, static binaries).
    pub os: Option<OsInfo>,
    /// Installed packages, sorted by type, name, version, location.
    pub packages: Vec<Package>,
    /// Non-fatal problems met while reading the image.
    pub warnings: Vec<String>,
}

/// Identity of the scanned image.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SourceInfo {
    /// What the user typed.
    pub input: String,
    /// `docker-archive`, `oci-dir`, `oci-archive` or `dir`.
    pub kind: String,
    /// Tags found in the source.
    pub tags: Vec<String>,
    /// Manifest digest, when the source has a manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_digest: Option<String>,
    /// Config digest (the image ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    /// `os/arch[/variant]` from the config.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub platform: String,
    /// Layers, base first.
    pub layers: Vec<LayerRef>,
}

/// One layer of the image.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct LayerRef {
    /// 0-based position in the manifest.
    pub index: usize,
    /// Blob digest as stored.
    pub digest: String,
    /// Digest of the uncompressed layer tar.
    pub diff_id: String,
    /// The history instruction that created it.
    #[serde(skip_serializing_if = "Option::is_none")]
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

/// The packaging system a package belongs to.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum PackageKind {
    /// Alpine / Wolfi apk.
    Apk,
    /// Debian / Ubuntu dpkg.
    Deb,
    /// RPM.
    Rpm,
}

impl PackageKind {
    /// The purl type and table heading.
    pub fn as_str(self) -> &'static str {
        match self {
            PackageKind::Apk => "apk",
            PackageKind::Deb => "deb",
            PackageKind::Rpm => "rpm",
        }
    }
}

/// One installed package.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Package {
    /// Package type.
    #[serde(rename = "type")]
    pub kind: PackageKind,
    /// Binary package name.
    pub name: String,
    /// Full version as the package manager compares it (rpm: `[epoch:]version-release`).
    pub version: String,
    /// RPM epoch, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u32>,
    /// CPU architecture as the package manager writes it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub arch: String,
    /// Source package name (dpkg `Source`, apk origin, rpm SOURCERPM name).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source_name: String,
    /// Source package version (may differ from the binary's, e.g. binNMUs).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source_version: String,
    /// Licences as the database records them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// Maintainer or vendor.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub supplier: String,
    /// Package URL.
    pub purl: String,
    /// The layer that introduced this package (name and version).
    pub layer: LayerRef,
    /// The database file the package was read from (absolute path in the image).
    pub path: String,
    /// Files the package owns (absolute paths), from the package database.
    #[serde(skip)]
    pub files: Vec<String>,
}
