//! Debian (and Ubuntu) versions, ordered as dpkg orders them.
//!
//! `[epoch:]upstream[-revision]`: the epoch is a number, the revision is what follows the last
//! `-`. Upstream and revision are compared with dpkg's `verrevcmp`: alternating runs of
//! non-digits (compared character by character, letters before other characters, `~` before
//! everything, even the end) and digits (compared as numbers).

use std::cmp::Ordering;

use crate::util::cmp_digits;
use crate::{Ecosystem, VersionError};

/// A parsed Debian version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebVersion<'a> {
    /// The epoch, 0 when absent.
    pub epoch: u32,
    /// The upstream version.
    pub upstream: &'a str,
    /// The Debian revision, empty when absent.
    pub revision: &'a str,
}

/// Parses a version as dpkg's `parseversion` does, failing where dpkg fails (warnings, such as
/// an upstream version that does not start with a digit, are accepted as dpkg accepts them).
pub fn parse(s: &str) -> Result<DebVersion<'_>, VersionError> {
    let err = |r: &str| VersionError::version(Ecosystem::Deb, s, r);
    let v = s.trim_matches(|c: char| c.is_ascii_whitespace());
    if v.is_empty() {
        return Err(err("version string is empty"));
    }
    if v.bytes().any(|c| c.is_ascii_whitespace()) {
        return Err(err("version string has embedded spaces"));
    }
    let (epoch, rest) = match v.split_once(':') {
        Some((e, rest)) => {
            if e.is_empty() {
                return Err(err("nothing before colon in version number"));
            }
            if !e.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err("epoch in version is not number"));
            }
            let n: u32 = e
                .parse()
                .ok()
                .filter(|n| *n <= i32::MAX as u32)
                .ok_or_else(|| err("epoch in version is too big"))?;
            (n, rest)
        }
        None => (0, v),
    };
    let (upstream, revision) = match rest.rfind('-') {
        Some(i) => {
            let r = &rest[i + 1..];
            if r.is_empty() {
                return Err(err("revision number is empty"));
            }
            (&rest[..i], r)
        }
        None => (rest, ""),
    };
    if upstream.is_empty() {
        return Err(err("version number is empty"));
    }
    Ok(DebVersion {
        epoch,
        upstream,
        revision,
    })
}

/// Compares two Debian versions.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a = parse(a)?;
    let b = parse(b)?;
    Ok(compare_parsed(&a, &b))
}

/// Compares two parsed Debian versions.
pub fn compare_parsed(a: &DebVersion<'_>, b: &DebVersion<'_>) -> Ordering {
    a.epoch
        .cmp(&b.epoch)
        .then_with(|| verrevcmp(a.upstream, b.upstream))
        .then_with(|| verrevcmp(a.revision, b.revision))
}

/// The weight of a non-digit character: `~` lowest (below the end of the string), then the end
/// and digits, then letters, then everything else.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => c as i32,
        Some(b'~') => -1,
        Some(c) => c as i32 + 256,
    }
}

/// dpkg's `verrevcmp`.
pub fn verrevcmp(a: &str, b: &str) -> Ordering {
    let a = a.as_bytes();
    let b = b.as_bytes();
    let (mut i, mut j) = (0, 0);
    let is_digit = |s: &[u8], k: usize| s.get(k).is_some_and(|c| c.is_ascii_digit());
    while i < a.len() || j < b.len() {
        while (i < a.len() && !is_digit(a, i)) || (j < b.len() && !is_digit(b, j)) {
            let ac = order(a.get(i).copied());
            let bc = order(b.get(j).copied());
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        let si = i;
        while is_digit(a, i) {
            i += 1;
        }
        let sj = j;
        while is_digit(b, j) {
            j += 1;
        }
        let da = std::str::from_utf8(&a[si.min(a.len())..i.max(si).min(a.len())]).unwrap_or("");
        let db = std::str::from_utf8(&b[sj.min(b.len())..j.max(sj).min(b.len())]).unwrap_or("");
        let o = cmp_digits(da, db);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let c = |a, b| compare(a, b).unwrap();
        assert_eq!(c("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(c("1:1.0", "2.0"), Ordering::Greater);
        assert_eq!(c("1.0-1", "1.0-1+deb11u1"), Ordering::Less);
        assert_eq!(c("0.0.0", "0:0.0.0-0"), Ordering::Equal);
        assert_eq!(c("1.0a", "1.0+"), Ordering::Less);
        assert!(compare("a:1", "1").is_err());
        assert!(compare("1-", "1").is_err());
        assert!(compare("", "1").is_err());
    }
}
