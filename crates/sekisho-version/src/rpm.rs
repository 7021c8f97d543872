//! RPM versions, ordered as rpm's `rpmvercmp` orders them.
//!
//! `[epoch:]version[-release]`: the epoch is everything before the first `:` (0 when absent),
//! the release everything after the last `-`. Each part is compared with `rpmvercmp`: runs of
//! ASCII digits (as numbers) and ASCII letters (as strings, and below any number), everything
//! else a separator; `~` sorts before anything, even the end, and `^` after the end but before
//! anything else.
//!
//! A version without a release sorts before the same version with any release, even an empty
//! one (`1 < 1-`), as in the reference vectors.

use std::cmp::Ordering;

use crate::util::cmp_digits;
use crate::{Ecosystem, VersionError};

/// A parsed `epoch:version-release` label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpmVersion<'a> {
    /// The epoch as written; `None` when absent (compared as `0`).
    pub epoch: Option<&'a str>,
    /// The version.
    pub version: &'a str,
    /// The release, `None` when there is no `-`.
    pub release: Option<&'a str>,
}

/// Splits an `[epoch:]version[-release]` label.
pub fn parse(s: &str) -> Result<RpmVersion<'_>, VersionError> {
    let v = s.trim();
    if v.is_empty() {
        return Err(VersionError::version(
            Ecosystem::Rpm,
            s,
            "version string is empty",
        ));
    }
    let (epoch, rest) = match v.split_once(':') {
        Some((e, rest)) => (Some(e), rest),
        None => (None, v),
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((v, r)) => (v, Some(r)),
        None => (rest, None),
    };
    Ok(RpmVersion {
        epoch,
        version,
        release,
    })
}

/// Compares two RPM labels.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a = parse(a)?;
    let b = parse(b)?;
    Ok(compare_parsed(&a, &b))
}

/// Compares two parsed RPM labels.
pub fn compare_parsed(a: &RpmVersion<'_>, b: &RpmVersion<'_>) -> Ordering {
    rpmvercmp(a.epoch.unwrap_or("0"), b.epoch.unwrap_or("0"))
        .then_with(|| rpmvercmp(a.version, b.version))
        .then_with(|| match (a.release, b.release) {
            (Some(x), Some(y)) => rpmvercmp(x, y),
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
}

/// rpm's `rpmvercmp` (rpm 4.15 and later: with `^`).
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let a = a.as_bytes();
    let b = b.as_bytes();
    let (mut i, mut j) = (0usize, 0usize);
    let sep = |c: u8| !c.is_ascii_alphanumeric() && c != b'~' && c != b'^';
    while i < a.len() || j < b.len() {
        while i < a.len() && sep(a[i]) {
            i += 1;
        }
        while j < b.len() && sep(b[j]) {
            j += 1;
        }
        let ca = a.get(i).copied();
        let cb = b.get(j).copied();
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(ca), Some(_)) = (ca, cb) else {
            break;
        };
        let numeric = ca.is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let si = i;
        while i < a.len() && class(&a[i]) {
            i += 1;
        }
        let sj = j;
        while j < b.len() && class(&b[j]) {
            j += 1;
        }
        let sa = std::str::from_utf8(&a[si..i]).unwrap_or("");
        let sb = std::str::from_utf8(&b[sj..j]).unwrap_or("");
        if sb.is_empty() {
            // Segments of different kinds: a number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let o = if numeric {
            cmp_digits(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    match (i < a.len(), j < b.len()) {
        (false, false) => Ordering::Equal,
        (true, _) => Ordering::Greater,
        (false, true) => Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let c = |a, b| compare(a, b).unwrap();
        assert_eq!(c("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(c("1.0^git1", "1.0"), Ordering::Greater);
        assert_eq!(c("1.0^git1", "1.0.1"), Ordering::Less);
        assert_eq!(c("1:1.0-1", "2.0-1"), Ordering::Greater);
        assert_eq!(c("1.0-1.el8", "1.0-1.el8_2"), Ordering::Less);
        assert_eq!(c("1a", "1.0"), Ordering::Less);
    }
}
