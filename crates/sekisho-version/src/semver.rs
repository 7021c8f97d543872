//! SemVer 2 versions, for npm, Cargo, Go modules, pub and Hex.
//!
//! Parsing is lenient in the ways real version data needs: a leading `v` (Go) is skipped, a
//! missing minor or patch is 0, numbers may be any size, and anything after the third number
//! that starts with `.` is treated as build metadata (ignored, as `+…` is: Go's `+incompatible`
//! too). Pre-releases sort before their release; their dot-separated identifiers compare as
//! numbers when all digits (below any word) and as ASCII otherwise. Go pseudo-versions are
//! pre-releases and so sort correctly.

use std::cmp::Ordering;

use crate::util::{cmp_digits, split_while};
use crate::{Ecosystem, VersionError};

/// A SemVer version; numbers are digit strings, so any size compares exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemVer {
    /// Major version number.
    pub major: String,
    /// Minor version number ("0" when absent).
    pub minor: String,
    /// Patch version number ("0" when absent).
    pub patch: String,
    /// Pre-release identifiers (empty for a release).
    pub pre: Vec<String>,
    /// How many of major, minor and patch were written (1 to 3).
    pub parts: u8,
}

impl SemVer {
    /// Parses a version leniently (see the module documentation); `None` if it is not one.
    pub fn parse(s: &str) -> Option<SemVer> {
        let s = s.trim();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let mut nums: Vec<&str> = Vec::new();
        let mut rest = s;
        loop {
            let (n, r) = split_while(rest, |c| c.is_ascii_digit());
            if n.is_empty() {
                return None;
            }
            nums.push(n);
            rest = r;
            if nums.len() == 3 {
                break;
            }
            match rest.strip_prefix('.') {
                Some(r) => rest = r,
                None => break,
            }
        }
        let mut pre = Vec::new();
        if let Some(r) = rest.strip_prefix('-') {
            let (p, after) = r.split_once('+').map_or((r, ""), |(p, b)| (p, b));
            let _ = after;
            pre = p.split('.').map(str::to_string).collect();
            rest = "";
        }
        if !rest.is_empty() && !rest.starts_with('+') && !rest.starts_with('.') {
            return None;
        }
        let get = |i: usize| nums.get(i).map_or("0", |v| v).to_string();
        Some(SemVer {
            major: get(0),
            minor: get(1),
            patch: get(2),
            pre,
            parts: nums.len() as u8,
        })
    }

    /// Whether this is a pre-release.
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    /// Major, minor and patch only.
    pub fn release(&self) -> SemVer {
        SemVer {
            pre: Vec::new(),
            ..self.clone()
        }
    }
}

fn cmp_ident(a: &str, b: &str) -> Ordering {
    let num = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    match (num(a), num(b)) {
        (true, true) => cmp_digits(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

impl Ord for SemVer {
    fn cmp(&self, o: &Self) -> Ordering {
        cmp_digits(&self.major, &o.major)
            .then_with(|| cmp_digits(&self.minor, &o.minor))
            .then_with(|| cmp_digits(&self.patch, &o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (x, y) in self.pre.iter().zip(o.pre.iter()) {
                        let c = cmp_ident(x, y);
                        if c != Ordering::Equal {
                            return c;
                        }
                    }
                    self.pre.len().cmp(&o.pre.len())
                }
            })
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Parses a version of a SemVer ecosystem, naming the ecosystem on failure.
pub fn parse(eco: Ecosystem, s: &str) -> Result<SemVer, VersionError> {
    SemVer::parse(s).ok_or_else(|| VersionError::version(eco, s, "not a semantic version"))
}

/// Compares two SemVer versions of `eco`.
pub fn compare(eco: Ecosystem, a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(eco, a)?.cmp(&parse(eco, b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let c = |a, b| compare(Ecosystem::Golang, a, b).unwrap();
        assert_eq!(c("v1.2.3", "1.2.3"), Ordering::Equal);
        assert_eq!(c("v2.0.0+incompatible", "v2.0.0"), Ordering::Equal);
        assert_eq!(
            c("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1"),
            Ordering::Less
        );
        assert_eq!(c("1.0.0-alpha", "1.0.0-alpha.1"), Ordering::Less);
        assert!(compare(Ecosystem::Npm, "x", "1").is_err());
        assert!(compare(Ecosystem::Npm, "1.2a", "1").is_err());
    }
}
