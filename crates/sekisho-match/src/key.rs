//! How a package is looked up: ecosystem, distro release, name and version as the advisories
//! of that ecosystem write them.

use std::cmp::Ordering;

use sekisho_model::{OsInfo, Package, PackageKind};
use sekisho_version::{Ecosystem, VersionError};

/// What the database is asked for one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupKey {
    /// Purl type.
    pub ecosystem: String,
    /// Distro release (`debian:12`, `alpine:3.10`, `ubuntu:22.04`, `wolfi`); empty for
    /// language packages.
    pub distro: String,
    /// Name as the advisories key it (source package, origin, normalised name).
    pub name: String,
    /// The version to compare (source version for Debian, Go versions without `go`).
    pub version: String,
    /// The comparator.
    pub comparator: Option<Ecosystem>,
}

impl LookupKey {
    /// Compare two versions with this package's ecosystem rules.
    pub fn compare(&self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        match self.comparator {
            Some(eco) => sekisho_version::compare(eco, a, b),
            None => Ok(a.cmp(b)),
        }
    }
}

/// The distro release OS advisories are keyed by, from the detected OS.
fn distro(os: &OsInfo) -> Option<String> {
    let major = |v: &str| v.split('.').next().unwrap_or("").to_string();
    let major_minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if matches!(os.id.as_str(), "wolfi" | "chainguard") {
        return Some(os.id.clone());
    }
    if os.version.is_empty() {
        return None;
    }
    let release = match os.id.as_str() {
        "debian" => format!("debian:{}", major(&os.version)),
        "ubuntu" => format!("ubuntu:{}", major_minor(&os.version)),
        "alpine" => format!("alpine:{}", major_minor(&os.version)),
        "rhel" => format!("redhat:{}", major(&os.version)),
        "rocky" | "almalinux" | "centos" | "ol" | "amzn" | "fedora" | "photon" | "mariner"
        | "azurelinux" | "sles" | "opensuse-leap" => {
            format!("{}:{}", os.id, major(&os.version))
        }
        _ => return None,
    };
    Some(release)
}

/// The lookup key of `pkg` on `os`; `None` for packages that cannot be matched (no version,
/// an OS package on an undetected OS, a Go main module built without version information).
pub fn lookup_key(pkg: &Package, os: Option<&OsInfo>) -> Option<LookupKey> {
    if pkg.version.is_empty() {
        return None;
    }
    let ecosystem = pkg.kind.as_str().to_string();
    let comparator = Ecosystem::from_purl_type(&ecosystem);
    let key = |distro: String, name: &str, version: &str| LookupKey {
        ecosystem: ecosystem.clone(),
        distro,
        name: sekisho_advisory::normalize_name(&ecosystem, name),
        version: version.to_string(),
        comparator,
    };
    match pkg.kind {
        PackageKind::Deb | PackageKind::Apk => {
            let release = distro(os?)?;
            let name = if pkg.source_name.is_empty() {
                &pkg.name
            } else {
                &pkg.source_name
            };
            let version = if pkg.source_version.is_empty() {
                &pkg.version
            } else {
                &pkg.source_version
            };
            Some(key(release, name, version))
        }
        PackageKind::Rpm => {
            let release = distro(os?)?;
            // Red Hat's records of modular rpms are keyed `module:stream::name`
            // (`sekisho-advisory`'s CSAF reader), Trivy's convention.
            let name = match pkg.module_stream() {
                Some(stream) if release.starts_with("redhat:") => {
                    format!("{stream}::{}", pkg.name)
                }
                _ => pkg.name.clone(),
            };
            Some(key(release, &name, &pkg.version))
        }
        PackageKind::Golang => {
            // Go advisories write versions without the `v` and the toolchain without `go`.
            let version = if pkg.name == "stdlib" {
                pkg.version.strip_prefix("go")?
            } else {
                pkg.version.strip_prefix('v').unwrap_or(&pkg.version)
            };
            if version == "(devel)" {
                return None;
            }
            Some(key(String::new(), &pkg.name, version))
        }
        _ => Some(key(String::new(), &pkg.name, &pkg.version)),
    }
}
