//! RubyGems versions, ordered as `Gem::Version#<=>` orders them.
//!
//! A valid version is digits followed by `.`-separated alphanumeric parts, optionally a `-`
//! part (read as `.pre.`). It is split into segments (runs of digits and runs of letters); a
//! version with any letter segment is a pre-release. Trailing zeros of the numeric part and of
//! the pre-release part are ignored, and a letter segment sorts below any number.

use std::cmp::Ordering;

use crate::util::cmp_digits;
use crate::{Ecosystem, VersionError};

/// A segment of a gem version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A number, leading zeros removed.
    Number(String),
    /// A run of letters.
    Word(String),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Number(n) if n.is_empty())
    }
}

/// A parsed gem version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GemVersion {
    /// The version string as RubyGems keeps it (stripped, `-` as `.pre.`).
    pub version: String,
    /// Its segments.
    pub segments: Vec<Segment>,
}

fn valid(s: &str) -> bool {
    // [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?
    let (main, pre) = match s.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (s, None),
    };
    let mut parts = main.split('.');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    if !first_ok || !parts.all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric())) {
        return false;
    }
    match pre {
        None => true,
        Some(p) => p
            .split('.')
            .all(|x| !x.is_empty() && x.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')),
    }
}

impl GemVersion {
    /// Parses a version as `Gem::Version.new` does; `None` for a malformed one.
    pub fn parse(s: &str) -> Option<GemVersion> {
        let t = s.trim_matches([' ', '\t', '\r', '\n', '\x0c', '\x0b']);
        let t = if t.is_empty() { "0" } else { t };
        if !valid(t) {
            return None;
        }
        let version = t.replace('-', ".pre.");
        let mut segments = Vec::new();
        let b = version.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let start = i;
            if b[i].is_ascii_digit() {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                segments.push(Segment::Number(
                    version[start..i].trim_start_matches('0').to_string(),
                ));
            } else if b[i].is_ascii_alphabetic() {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                segments.push(Segment::Word(version[start..i].to_string()));
            } else {
                i += 1;
            }
        }
        Some(GemVersion { version, segments })
    }

    /// Whether the version has a letter segment.
    pub fn is_prerelease(&self) -> bool {
        self.segments.iter().any(|s| matches!(s, Segment::Word(_)))
    }

    /// `canonical_segments`: trailing zeros dropped from the numeric and the string parts.
    pub fn canonical_segments(&self) -> Vec<Segment> {
        let split = self
            .segments
            .iter()
            .position(|s| matches!(s, Segment::Word(_)))
            .unwrap_or(self.segments.len());
        let (num, rest) = self.segments.split_at(split);
        let trim = |p: &[Segment]| {
            let n = p.iter().rposition(|s| !s.is_zero()).map_or(0, |i| i + 1);
            p[..n].to_vec()
        };
        let mut out = trim(num);
        out.extend(trim(rest));
        out
    }

    /// `Gem::Version#release`: the version without its letter segments and what follows them.
    pub fn release(&self) -> GemVersion {
        let mut segs = self.segments.clone();
        while segs.iter().any(|s| matches!(s, Segment::Word(_))) {
            segs.pop();
        }
        from_segments(segs)
    }

    /// `Gem::Version#bump`: letter segments dropped, then the last but one number incremented.
    pub fn bump(&self) -> GemVersion {
        let mut segs = self.segments.clone();
        while segs.iter().any(|s| matches!(s, Segment::Word(_))) {
            segs.pop();
        }
        if segs.len() > 1 {
            segs.pop();
        }
        if let Some(Segment::Number(n)) = segs.last_mut() {
            *n = increment(n);
        }
        from_segments(segs)
    }
}

fn from_segments(segs: Vec<Segment>) -> GemVersion {
    let version = segs
        .iter()
        .map(|s| match s {
            Segment::Number(n) if n.is_empty() => "0",
            Segment::Number(n) | Segment::Word(n) => n.as_str(),
        })
        .collect::<Vec<_>>()
        .join(".");
    GemVersion {
        version,
        segments: segs,
    }
}

/// Adds one to a digit string without leading zeros.
pub(crate) fn increment(n: &str) -> String {
    let mut d: Vec<u8> = n.bytes().collect();
    let mut i = d.len();
    loop {
        if i == 0 {
            d.insert(0, b'1');
            break;
        }
        i -= 1;
        if d[i] == b'9' {
            d[i] = b'0';
        } else {
            d[i] += 1;
            break;
        }
    }
    String::from_utf8(d).unwrap_or_default()
}

impl Ord for GemVersion {
    fn cmp(&self, o: &Self) -> Ordering {
        if self.version == o.version {
            return Ordering::Equal;
        }
        let a = self.canonical_segments();
        let b = o.canonical_segments();
        let zero = Segment::Number(String::new());
        for i in 0..a.len().max(b.len()) {
            let l = a.get(i).unwrap_or(&zero);
            let r = b.get(i).unwrap_or(&zero);
            let c = match (l, r) {
                (Segment::Number(x), Segment::Number(y)) => cmp_digits(x, y),
                (Segment::Word(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Word(_)) => Ordering::Greater,
                (Segment::Word(x), Segment::Word(y)) => x.as_bytes().cmp(y.as_bytes()),
            };
            if c != Ordering::Equal {
                return c;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Parses a gem version, failing as RubyGems does on a malformed one.
pub fn parse(s: &str) -> Result<GemVersion, VersionError> {
    GemVersion::parse(s)
        .ok_or_else(|| VersionError::version(Ecosystem::Gem, s, "malformed version number string"))
}

/// Compares two gem versions.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(parse(a)?.cmp(&parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        let c = |a, b| compare(a, b).unwrap();
        assert_eq!(c("1.0", "1"), Ordering::Equal);
        assert_eq!(c("1.0.a", "1"), Ordering::Less);
        assert_eq!(c("1.0-1", "1.0.pre.1"), Ordering::Equal);
        assert_eq!(c("3.10", "3.9"), Ordering::Greater);
        assert!(compare("a1", "1").is_err());
        assert_eq!(GemVersion::parse("2.2.3").unwrap().bump().version, "2.3");
        assert_eq!(GemVersion::parse("2.9.9").unwrap().bump().version, "2.10");
        assert_eq!(
            GemVersion::parse("1.0.rc1").unwrap().release().version,
            "1.0"
        );
        assert_eq!(increment("99"), "100");
    }
}
