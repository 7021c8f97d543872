//! Python versions: PEP 440, as the `packaging` library orders them.
//!
//! Strings that are not PEP 440 versions are ordered as `packaging` before 22.0 ordered its
//! `LegacyVersion` (setuptools' old scheme): below every valid version, among themselves by a
//! key of zero-padded numbers and `*`-prefixed words. The reference vectors were made that way,
//! and advisories still name such versions.

use std::cmp::Ordering;

use crate::util::{cmp_digits, split_while};

/// Pre-release kinds, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PreKind {
    /// `a`, `alpha`.
    Alpha,
    /// `b`, `beta`.
    Beta,
    /// `rc`, `c`, `pre`, `preview`.
    Rc,
}

/// One segment of a local version label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalSegment {
    /// A number (digits, leading zeros kept but ignored).
    Number(String),
    /// A lowercase word.
    Word(String),
}

/// A valid PEP 440 version. Numbers are kept as digit strings, so any size compares exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pep440Version {
    /// The epoch (`N!`), `"0"` when absent.
    pub epoch: String,
    /// The release numbers.
    pub release: Vec<String>,
    /// The pre-release, if any.
    pub pre: Option<(PreKind, String)>,
    /// The post-release number, if any.
    pub post: Option<String>,
    /// The development release number, if any.
    pub dev: Option<String>,
    /// The local version label, if any.
    pub local: Option<Vec<LocalSegment>>,
}

fn take_num(s: &str) -> (Option<&str>, &str) {
    let (d, rest) = split_while(s, |c| c.is_ascii_digit());
    if d.is_empty() {
        (None, s)
    } else {
        (Some(d), rest)
    }
}

fn opt_sep(s: &str) -> &str {
    s.strip_prefix(['-', '_', '.']).unwrap_or(s)
}

/// `[-_.]? label [-_.]? number?` with the first label (in order) that matches.
fn take_labelled<'a, 'l>(
    s: &'a str,
    labels: &[&'l str],
) -> Option<(&'l str, Option<&'a str>, &'a str)> {
    let body = opt_sep(s);
    let label: &'l str = labels.iter().copied().find(|l| body.starts_with(l))?;
    let after = &body[label.len()..];
    let after_sep = opt_sep(after);
    match take_num(after_sep) {
        (Some(n), rest) => Some((label, Some(n), rest)),
        (None, _) => Some((label, None, after_sep)),
    }
}

impl Pep440Version {
    /// Parses a PEP 440 version (case-insensitive, surrounding whitespace and a `v` allowed).
    pub fn parse(s: &str) -> Option<Self> {
        let lower = s.trim().to_ascii_lowercase();
        let mut rest = lower.strip_prefix('v').unwrap_or(&lower);
        let (first, r) = take_num(rest);
        let first = first?;
        let (epoch, r) = match r.strip_prefix('!') {
            Some(r) => (first.to_string(), r),
            None => ("0".to_string(), rest),
        };
        rest = r;
        let mut release = Vec::new();
        loop {
            let (n, r) = take_num(rest);
            release.push(n?.to_string());
            rest = r;
            match rest.strip_prefix('.') {
                Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => rest = r,
                _ => break,
            }
        }
        let mut pre = None;
        if let Some((label, n, r)) = take_labelled(
            rest,
            &["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"],
        ) {
            let kind = match label {
                "alpha" | "a" => PreKind::Alpha,
                "beta" | "b" => PreKind::Beta,
                _ => PreKind::Rc,
            };
            pre = Some((kind, n.unwrap_or("0").to_string()));
            rest = r;
        }
        let mut post = None;
        if let Some((Some(n), r)) = rest.strip_prefix('-').map(take_num) {
            post = Some(n.to_string());
            rest = r;
        }
        if post.is_none() {
            if let Some((_, n, r)) = take_labelled(rest, &["post", "rev", "r"]) {
                post = Some(n.unwrap_or("0").to_string());
                rest = r;
            }
        }
        let mut dev = None;
        if let Some((_, n, r)) = take_labelled(rest, &["dev"]) {
            dev = Some(n.unwrap_or("0").to_string());
            rest = r;
        }
        let mut local = None;
        if let Some(l) = rest.strip_prefix('+') {
            let mut segs = Vec::new();
            for part in l.split(['-', '_', '.']) {
                if part.is_empty() || !part.bytes().all(|c| c.is_ascii_alphanumeric()) {
                    return None;
                }
                segs.push(if part.bytes().all(|c| c.is_ascii_digit()) {
                    LocalSegment::Number(part.to_string())
                } else {
                    LocalSegment::Word(part.to_string())
                });
            }
            local = Some(segs);
            rest = "";
        }
        if !rest.is_empty() {
            return None;
        }
        Some(Pep440Version {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    /// Whether this is a pre-release (has a pre-release or development part).
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    /// Whether this is a post-release.
    pub fn is_postrelease(&self) -> bool {
        self.post.is_some()
    }

    /// The version without its local label.
    pub fn public(&self) -> Self {
        Pep440Version {
            local: None,
            ..self.clone()
        }
    }

    /// The epoch and release only.
    pub fn base(&self) -> Self {
        Pep440Version {
            epoch: self.epoch.clone(),
            release: self.release.clone(),
            pre: None,
            post: None,
            dev: None,
            local: None,
        }
    }

    fn release_trimmed(&self) -> &[String] {
        let n = self
            .release
            .iter()
            .rposition(|d| d.bytes().any(|c| c != b'0'))
            .map_or(0, |i| i + 1);
        &self.release[..n]
    }
}

/// -inf < values < +inf, as `packaging`'s `_cmpkey` uses.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Bound<T> {
    NegInf,
    Val(T),
    PosInf,
}

struct Num<'a>(&'a str);
impl PartialEq for Num<'_> {
    fn eq(&self, o: &Self) -> bool {
        cmp_digits(self.0, o.0) == Ordering::Equal
    }
}
impl Eq for Num<'_> {}
impl PartialOrd for Num<'_> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Num<'_> {
    fn cmp(&self, o: &Self) -> Ordering {
        cmp_digits(self.0, o.0)
    }
}

fn cmp_release(a: &[String], b: &[String]) -> Ordering {
    let ai = a.iter().map(|s| Num(s));
    let bi = b.iter().map(|s| Num(s));
    ai.cmp(bi)
}

fn local_cmp(a: &LocalSegment, b: &LocalSegment) -> Ordering {
    match (a, b) {
        (LocalSegment::Number(x), LocalSegment::Number(y)) => cmp_digits(x, y),
        (LocalSegment::Word(x), LocalSegment::Word(y)) => x.cmp(y),
        (LocalSegment::Number(_), LocalSegment::Word(_)) => Ordering::Greater,
        (LocalSegment::Word(_), LocalSegment::Number(_)) => Ordering::Less,
    }
}

fn pre_key(v: &Pep440Version) -> Bound<(PreKind, Num<'_>)> {
    match (&v.pre, &v.post, &v.dev) {
        (None, None, Some(_)) => Bound::NegInf,
        (None, _, _) => Bound::PosInf,
        (Some((k, n)), _, _) => Bound::Val((*k, Num(n))),
    }
}

fn post_key(v: &Pep440Version) -> Bound<Num<'_>> {
    v.post
        .as_deref()
        .map_or(Bound::NegInf, |n| Bound::Val(Num(n)))
}

fn dev_key(v: &Pep440Version) -> Bound<Num<'_>> {
    v.dev
        .as_deref()
        .map_or(Bound::PosInf, |n| Bound::Val(Num(n)))
}

impl Ord for Pep440Version {
    fn cmp(&self, o: &Self) -> Ordering {
        cmp_digits(&self.epoch, &o.epoch)
            .then_with(|| cmp_release(self.release_trimmed(), o.release_trimmed()))
            .then_with(|| pre_key(self).cmp(&pre_key(o)))
            .then_with(|| post_key(self).cmp(&post_key(o)))
            .then_with(|| dev_key(self).cmp(&dev_key(o)))
            .then_with(|| match (&self.local, &o.local) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(x), Some(y)) => {
                    for (p, q) in x.iter().zip(y.iter()) {
                        let c = local_cmp(p, q);
                        if c != Ordering::Equal {
                            return c;
                        }
                    }
                    x.len().cmp(&y.len())
                }
            })
    }
}

impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The sort key of a `LegacyVersion` (`packaging` < 22's `_legacy_cmpkey`).
pub fn legacy_key(s: &str) -> Vec<String> {
    let lower = s.to_lowercase();
    let mut raw: Vec<String> = Vec::new();
    // re.split(r"(\d+|[a-z]+|\.|-)"): the matches and the text between them.
    let b = lower.as_str();
    let mut between_start = 0usize;
    let mut i = 0usize;
    let bytes = b.as_bytes();
    while i < bytes.len() {
        let c = bytes[i];
        let len = if c.is_ascii_digit() {
            bytes[i..].iter().take_while(|c| c.is_ascii_digit()).count()
        } else if c.is_ascii_lowercase() {
            bytes[i..]
                .iter()
                .take_while(|c| c.is_ascii_lowercase())
                .count()
        } else if c == b'.' || c == b'-' {
            1
        } else {
            0
        };
        if len == 0 {
            i += 1;
            continue;
        }
        raw.push(b.get(between_start..i).unwrap_or("").to_string());
        raw.push(b.get(i..i + len).unwrap_or("").to_string());
        i += len;
        between_start = i;
    }
    raw.push(b.get(between_start..).unwrap_or("").to_string());

    let mut parts: Vec<String> = Vec::new();
    let mut push = |part: String| {
        if part.starts_with('*') {
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part);
    };
    for part in raw {
        let part = match part.as_str() {
            "pre" | "preview" | "rc" => "c".to_string(),
            "-" => "final-".to_string(),
            "dev" => "@".to_string(),
            _ => part,
        };
        if part.is_empty() || part == "." {
            continue;
        }
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            push(format!("{part:0>8}"));
        } else {
            push(format!("*{part}"));
        }
    }
    push("*final".to_string());
    parts
}

/// A Python version: PEP 440 when it parses, else legacy (which sorts below every valid one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyVersion {
    /// Not PEP 440: its legacy sort key.
    Legacy(Vec<String>),
    /// A PEP 440 version.
    Valid(Pep440Version),
}

impl PyVersion {
    /// Parses any string.
    pub fn parse(s: &str) -> Self {
        match Pep440Version::parse(s) {
            Some(v) => PyVersion::Valid(v),
            None => PyVersion::Legacy(legacy_key(s)),
        }
    }
}

impl Ord for PyVersion {
    fn cmp(&self, o: &Self) -> Ordering {
        match (self, o) {
            (PyVersion::Valid(a), PyVersion::Valid(b)) => a.cmp(b),
            (PyVersion::Legacy(a), PyVersion::Legacy(b)) => a.cmp(b),
            (PyVersion::Legacy(_), PyVersion::Valid(_)) => Ordering::Less,
            (PyVersion::Valid(_), PyVersion::Legacy(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for PyVersion {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Compares two Python versions. Never fails (see [`PyVersion`]).
pub fn compare(a: &str, b: &str) -> Ordering {
    PyVersion::parse(a).cmp(&PyVersion::parse(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert_eq!(compare("1.0.dev0", "1.0a0"), Ordering::Less);
        assert_eq!(compare("1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(compare("1.0.post1", "1.0"), Ordering::Greater);
        assert_eq!(compare("1.0+local", "1.0"), Ordering::Greater);
        assert_eq!(compare("1!0.1", "2.0"), Ordering::Greater);
        assert_eq!(compare("trunk", "0.0.1"), Ordering::Less);
        assert!(Pep440Version::parse("1.0-1").unwrap().is_postrelease());
        assert!(Pep440Version::parse("1.0a1").unwrap().is_prerelease());
        assert!(Pep440Version::parse("1.0+").is_none());
    }
}
