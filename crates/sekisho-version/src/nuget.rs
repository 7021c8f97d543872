//! NuGet versions, ordered as `NuGetVersion` orders them.
//!
//! One to four numbers (missing ones are 0, leading zeros ignored), an optional `-` release
//! label of dot-separated identifiers (a pre-release, compared SemVer-style but
//! case-insensitively) and optional `+` metadata, which is ignored.

use std::cmp::Ordering;

use crate::util::cmp_digits;
use crate::{Ecosystem, VersionError};

/// A parsed NuGet version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NugetVersion {
    /// The four numbers, as digit strings.
    pub numbers: [String; 4],
    /// Release label identifiers, lowercased.
    pub release: Vec<String>,
}

impl NugetVersion {
    /// Parses a NuGet version; `None` if it is not one.
    pub fn parse(s: &str) -> Option<NugetVersion> {
        let s = s.trim();
        let s = s.split_once('+').map_or(s, |(v, _)| v);
        let (nums, label) = match s.split_once('-') {
            Some((n, l)) => (n, Some(l)),
            None => (s, None),
        };
        let parts: Vec<&str> = nums.split('.').collect();
        if parts.is_empty()
            || parts.len() > 4
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        let mut numbers: [String; 4] = Default::default();
        for (i, p) in parts.iter().enumerate() {
            numbers[i] = p.to_string();
        }
        let release = match label {
            None => Vec::new(),
            Some(l) => {
                let ids: Vec<String> = l.split('.').map(str::to_ascii_lowercase).collect();
                if ids.iter().any(|i| {
                    i.is_empty() || !i.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                }) {
                    return None;
                }
                ids
            }
        };
        Some(NugetVersion { numbers, release })
    }

    /// Whether this is a pre-release.
    pub fn is_prerelease(&self) -> bool {
        !self.release.is_empty()
    }
}

impl Ord for NugetVersion {
    fn cmp(&self, o: &Self) -> Ordering {
        for (a, b) in self.numbers.iter().zip(o.numbers.iter()) {
            let c = cmp_digits(a, b);
            if c != Ordering::Equal {
                return c;
            }
        }
        match (self.release.is_empty(), o.release.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            _ => {}
        }
        let num = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
        for (a, b) in self.release.iter().zip(o.release.iter()) {
            let c = match (num(a), num(b)) {
                (true, true) => cmp_digits(a, b),
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => a.cmp(b),
            };
            if c != Ordering::Equal {
                return c;
            }
        }
        self.release.len().cmp(&o.release.len())
    }
}

impl PartialOrd for NugetVersion {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Parses a NuGet version, naming it on failure.
pub fn parse(s: &str) -> Result<NugetVersion, VersionError> {
    NugetVersion::parse(s)
        .ok_or_else(|| VersionError::version(Ecosystem::Nuget, s, "not a NuGet version"))
}

/// Compares two NuGet versions.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let c = |a, b| compare(a, b).unwrap();
        assert_eq!(c("1.0", "1.0.0.0"), Ordering::Equal);
        assert_eq!(c("1.0.0-BETA", "1.0.0-beta"), Ordering::Equal);
        assert_eq!(c("1.0.0-beta", "1.0.0"), Ordering::Less);
        assert!(compare("1.0.0.0.0", "1").is_err());
    }
}
