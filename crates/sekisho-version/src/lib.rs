//! Exact version comparison and advisory constraint matching for every package ecosystem.
//!
//! Ecosystems are named by their purl type ([`Ecosystem::from_purl_type`]). Each one compares
//! versions the way its own package manager does:
//!
//! | ecosystem | reference behaviour |
//! | --- | --- |
//! | `deb` | dpkg `verrevcmp` (epoch, upstream, revision, `~`); Ubuntu too |
//! | `rpm` | rpm `rpmvercmp` with `~` and `^`, `epoch:version-release` |
//! | `apk` | apk-tools 2.10 (Alpine 3.10) `apk version -t`, invalid versions included |
//! | `pypi` | PEP 440 (`packaging`), with `packaging` < 22's `LegacyVersion` for the rest |
//! | `npm`, `cargo`, `golang`, `pub`, `hex` | SemVer 2 (lenient: leading `v`, missing minor/patch) |
//! | `maven` | Maven 3.8.6 `ComparableVersion` (3.8.7 and later differ on a word after `.`) |
//! | `gem` | RubyGems `Gem::Version` |
//! | `composer` | PHP `version_compare` after a leading `v` is removed |
//! | `nuget` | NuGet `NuGetVersion` (4 numeric parts, case-insensitive prerelease) |
//!
//! [`satisfies`] checks a version against a constraint in the syntax that advisories use for the
//! ecosystem (see [`range`]).
//!
//! Nothing here panics on any input, and no parser recurses on its input.

use std::cmp::Ordering;

pub mod apk;
pub mod composer;
pub mod deb;
pub mod gem;
pub mod maven;
pub mod nuget;
pub mod pep440;
pub mod range;
pub mod rpm;
pub mod semver;
mod util;

pub use range::satisfies;

/// A package ecosystem, named as its purl type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    /// Debian and Ubuntu packages (`pkg:deb`).
    Deb,
    /// RPM packages: Red Hat, Fedora, SUSE, … (`pkg:rpm`).
    Rpm,
    /// Alpine packages (`pkg:apk`).
    Apk,
    /// Python packages (`pkg:pypi`).
    Pypi,
    /// npm packages (`pkg:npm`).
    Npm,
    /// Maven artifacts (`pkg:maven`).
    Maven,
    /// Go modules (`pkg:golang`).
    Golang,
    /// Rust crates (`pkg:cargo`).
    Cargo,
    /// Ruby gems (`pkg:gem`).
    Gem,
    /// PHP Composer packages (`pkg:composer`).
    Composer,
    /// NuGet packages (`pkg:nuget`).
    Nuget,
    /// Dart and Flutter packages (`pkg:pub`).
    Pub,
    /// Erlang and Elixir packages (`pkg:hex`).
    Hex,
}

impl Ecosystem {
    /// Every ecosystem, in declaration order.
    pub const ALL: [Ecosystem; 13] = [
        Ecosystem::Deb,
        Ecosystem::Rpm,
        Ecosystem::Apk,
        Ecosystem::Pypi,
        Ecosystem::Npm,
        Ecosystem::Maven,
        Ecosystem::Golang,
        Ecosystem::Cargo,
        Ecosystem::Gem,
        Ecosystem::Composer,
        Ecosystem::Nuget,
        Ecosystem::Pub,
        Ecosystem::Hex,
    ];

    /// The ecosystem of a purl type (`deb`, `npm`, …; case-insensitive, as purl types are).
    pub fn from_purl_type(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(s))
    }

    /// The purl type of this ecosystem.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Deb => "deb",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Apk => "apk",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Npm => "npm",
            Ecosystem::Maven => "maven",
            Ecosystem::Golang => "golang",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Gem => "gem",
            Ecosystem::Composer => "composer",
            Ecosystem::Nuget => "nuget",
            Ecosystem::Pub => "pub",
            Ecosystem::Hex => "hex",
        }
    }
}

impl std::fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A version or constraint that the ecosystem's rules reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The version string is not a valid version of the ecosystem.
    #[error("invalid {ecosystem} version {version:?}: {reason}")]
    InvalidVersion {
        /// The ecosystem whose rules were applied.
        ecosystem: Ecosystem,
        /// The version as given.
        version: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The constraint string cannot be parsed.
    #[error("invalid {ecosystem} constraint {constraint:?}: {reason}")]
    InvalidConstraint {
        /// The ecosystem whose syntax was applied.
        ecosystem: Ecosystem,
        /// The constraint as given.
        constraint: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl VersionError {
    pub(crate) fn version(eco: Ecosystem, version: &str, reason: impl Into<String>) -> Self {
        VersionError::InvalidVersion {
            ecosystem: eco,
            version: version.to_string(),
            reason: reason.into(),
        }
    }

    pub(crate) fn constraint(eco: Ecosystem, constraint: &str, reason: impl Into<String>) -> Self {
        VersionError::InvalidConstraint {
            ecosystem: eco,
            constraint: constraint.to_string(),
            reason: reason.into(),
        }
    }
}

/// Compares two versions of one ecosystem as its package manager does.
///
/// Fails when either version is one that the ecosystem's tools reject outright (apk, Composer
/// and PyPI order every string, so they never fail).
pub fn compare(eco: Ecosystem, a: &str, b: &str) -> Result<Ordering, VersionError> {
    match eco {
        Ecosystem::Deb => deb::compare(a, b),
        Ecosystem::Rpm => rpm::compare(a, b),
        Ecosystem::Apk => Ok(apk::compare(a, b)),
        Ecosystem::Pypi => Ok(pep440::compare(a, b)),
        Ecosystem::Npm | Ecosystem::Golang | Ecosystem::Cargo | Ecosystem::Pub | Ecosystem::Hex => {
            semver::compare(eco, a, b)
        }
        Ecosystem::Maven => Ok(maven::compare(a, b)),
        Ecosystem::Gem => gem::compare(a, b),
        Ecosystem::Composer => Ok(composer::compare(a, b)),
        Ecosystem::Nuget => nuget::compare(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purl_types_round_trip() {
        for e in Ecosystem::ALL {
            assert_eq!(Ecosystem::from_purl_type(e.as_str()), Some(e));
        }
        assert_eq!(Ecosystem::from_purl_type("NPM"), Some(Ecosystem::Npm));
        assert_eq!(Ecosystem::from_purl_type("conda"), None);
    }

    #[test]
    fn error_names_version_and_ecosystem() {
        let e = compare(Ecosystem::Deb, "1:", "1").unwrap_err();
        let s = e.to_string();
        assert!(s.contains("deb") && s.contains("\"1:\""), "{s}");
    }
}
