//! Composer (Packagist) versions.
//!
//! [`compare`] orders versions as PHP's `version_compare` does once a leading `v` is removed,
//! which is what Packagist's reference vectors record: the version is canonicalised (`-`, `_`,
//! `+` and other punctuation become `.`, and a `.` is put between digits and letters), then
//! compared part by part: numbers as numbers, words by their special form (`dev < alpha = a <
//! beta = b < RC = rc < number < pl = p`, anything else below `dev`).
//!
//! [`normalize`] is Composer's `VersionParser::normalize` (`1.2` → `1.2.0.0`, `v1.0-beta2` →
//! `1.0.0.0-beta2`, `dev-main`), used by constraint matching, where Composer compares the
//! normalised forms.

use std::cmp::Ordering;

/// PHP's `php_canonicalize_version`.
fn canonicalize(v: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(v.len() * 2);
    let Some((&first, rest)) = v.split_first() else {
        return out;
    };
    let isdig = |c: u8| c.is_ascii_digit();
    let isndig = |c: u8| !c.is_ascii_digit() && c != b'.';
    let special = |c: u8| c == b'-' || c == b'_' || c == b'+';
    out.push(first);
    let mut lp = first;
    for &c in rest {
        let lq = out.last().copied().unwrap_or(0);
        if special(c) {
            if lq != b'.' {
                out.push(b'.');
            }
        } else if (isndig(lp) && isdig(c)) || (isdig(lp) && isndig(c)) {
            if lq != b'.' {
                out.push(b'.');
            }
            out.push(c);
        } else if !c.is_ascii_alphanumeric() {
            if lq != b'.' {
                out.push(b'.');
            }
        } else {
            out.push(c);
        }
        lp = c;
    }
    out
}

fn special_form(part: &[u8]) -> i32 {
    const FORMS: [(&[u8], i32); 10] = [
        (b"dev", 0),
        (b"alpha", 1),
        (b"a", 1),
        (b"beta", 2),
        (b"b", 2),
        (b"RC", 3),
        (b"rc", 3),
        (b"#", 4),
        (b"pl", 5),
        (b"p", 5),
    ];
    FORMS
        .iter()
        .find(|(name, _)| part.starts_with(name))
        .map_or(-1, |(_, o)| *o)
}

fn strtol(part: &[u8]) -> i64 {
    let mut v: i64 = 0;
    for &c in part.iter().take_while(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(c - b'0'));
    }
    v
}

const NUMBER_FORM: &[u8] = b"#N#";

/// PHP's `version_compare($a, $b)` (no operator), exactly.
pub fn php_version_compare(a: &str, b: &str) -> Ordering {
    let mut a: Vec<u8> = a.as_bytes().to_vec();
    let mut b: Vec<u8> = b.as_bytes().to_vec();
    // The recursive calls of the C code are tail calls: loop instead.
    loop {
        if a.is_empty() || b.is_empty() {
            return (!a.is_empty()).cmp(&!b.is_empty());
        }
        let v1 = if a[0] == b'#' {
            a.clone()
        } else {
            canonicalize(&a)
        };
        let v2 = if b[0] == b'#' {
            b.clone()
        } else {
            canonicalize(&b)
        };
        let (mut p1, mut p2) = (0usize, 0usize);
        let (mut n1, mut n2) = (true, true);
        let mut compare = Ordering::Equal;
        while p1 < v1.len() && p2 < v2.len() && n1 && n2 {
            let e1 = v1[p1..].iter().position(|&c| c == b'.').map(|i| p1 + i);
            let e2 = v2[p2..].iter().position(|&c| c == b'.').map(|i| p2 + i);
            n1 = e1.is_some();
            n2 = e2.is_some();
            let s1 = &v1[p1..e1.unwrap_or(v1.len())];
            let s2 = &v2[p2..e2.unwrap_or(v2.len())];
            let d1 = s1.first().is_some_and(u8::is_ascii_digit);
            let d2 = s2.first().is_some_and(u8::is_ascii_digit);
            compare = match (d1, d2) {
                (true, true) => strtol(s1).cmp(&strtol(s2)),
                (false, false) => special_form(s1).cmp(&special_form(s2)),
                (true, false) => special_form(NUMBER_FORM).cmp(&special_form(s2)),
                (false, true) => special_form(s1).cmp(&special_form(NUMBER_FORM)),
            };
            if compare != Ordering::Equal {
                break;
            }
            if let Some(e) = e1 {
                p1 = e + 1;
            }
            if let Some(e) = e2 {
                p2 = e + 1;
            }
        }
        if compare != Ordering::Equal {
            return compare;
        }
        if n1 {
            let rest = v1.get(p1..).unwrap_or(&[]);
            if rest.first().is_some_and(u8::is_ascii_digit) {
                return Ordering::Greater;
            }
            a = rest.to_vec();
            b = NUMBER_FORM.to_vec();
        } else if n2 {
            let rest = v2.get(p2..).unwrap_or(&[]);
            if rest.first().is_some_and(u8::is_ascii_digit) {
                return Ordering::Less;
            }
            a = NUMBER_FORM.to_vec();
            b = rest.to_vec();
        } else {
            return Ordering::Equal;
        }
    }
}

/// Compares two Packagist versions: `version_compare` with leading `v`/`V` removed. Never fails.
pub fn compare(a: &str, b: &str) -> Ordering {
    php_version_compare(
        a.trim_start_matches(['v', 'V']),
        b.trim_start_matches(['v', 'V']),
    )
}

fn expand_stability(s: &str) -> String {
    match s.to_ascii_lowercase().as_str() {
        "a" | "alpha" => "alpha".into(),
        "b" | "beta" => "beta".into(),
        "p" | "pl" | "patch" => "patch".into(),
        "rc" => "RC".into(),
        other => other.into(),
    }
}

/// Matches Composer's modifier regex `[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)
/// ((?:[.-]?\d+)*+)?)?([.-]?dev)?` against the whole of `s`; returns the normalised suffix.
fn modifier(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    let mut rest = lower.as_str();
    let stripped_sep = rest.strip_prefix(['.', '_', '-']);
    let candidates: Vec<&str> = match stripped_sep {
        Some(r) => vec![r, rest],
        None => vec![rest],
    };
    for cand in candidates {
        rest = cand;
        let mut out = String::new();
        let mut ok = true;
        let label = [
            "stable", "beta", "b", "rc", "alpha", "a", "patch", "pl", "p",
        ]
        .into_iter()
        .find(|l| rest.starts_with(l));
        if let Some(l) = label {
            rest = &rest[l.len()..];
            // ((?:[.-]?\d+)*+)
            let mut num = String::new();
            loop {
                let r = rest.strip_prefix(['.', '-']).unwrap_or(rest);
                let n = r.bytes().take_while(u8::is_ascii_digit).count();
                if n == 0 {
                    break;
                }
                num.push_str(&rest[..rest.len() - r.len() + n]);
                rest = &r[n..];
            }
            if l == "stable" && num.is_empty() {
                // `stable` alone: the plain version (a following -dev still applies below).
            } else {
                out.push('-');
                out.push_str(&expand_stability(l));
                out.push_str(num.trim_start_matches(['.', '-']));
            }
        }
        let r = rest.strip_prefix(['.', '-']).unwrap_or(rest);
        if r == "dev" {
            out.push_str("-dev");
            rest = "";
        }
        if !rest.is_empty() {
            ok = false;
        }
        if ok {
            return Some(out);
        }
    }
    None
}

/// Whether all of `s` matches Composer's date version `\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?`
/// (composer/semver 3.3): four digits, one to six groups of two, then at most one group of one
/// to three, each group after the first optionally preceded by one of `.`, `:`, `-`.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    // At most 4 + 6 * 3 + 4 bytes: longer never matches (and keeps the scan bounded).
    if b.len() > 26 || b.len() < 6 || !b[..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    // A group of `n` digits at `pos`, after an optional separator: where it ends.
    let group = |pos: usize, n: usize| -> Option<usize> {
        let start = if b.get(pos).is_some_and(|c| matches!(c, b'.' | b':' | b'-')) {
            pos + 1
        } else {
            pos
        };
        let end = start + n;
        (end <= b.len() && b[start..end].iter().all(u8::is_ascii_digit)).then_some(end)
    };
    // The positions reached after the first group and k groups of two.
    let mut reached = vec![4usize];
    let mut ends = Vec::new();
    for _ in 0..6 {
        reached = reached.iter().filter_map(|&p| group(p, 2)).collect();
        reached.sort_unstable();
        reached.dedup();
        ends.extend(reached.iter().copied());
    }
    ends.iter()
        .any(|&p| p == b.len() || (1..=3).any(|n| group(p, n) == Some(b.len())))
}

/// Composer's `VersionParser::normalize`; `None` where Composer throws.
pub fn normalize(version: &str) -> Option<String> {
    let mut v = version.trim();
    // "1.0 as 2.0": the aliased version.
    if let Some((a, _)) = v.split_once(" as ") {
        v = a.trim();
    }
    // A stability flag.
    if let Some((a, flag)) = v.rsplit_once('@') {
        if ["stable", "rc", "beta", "alpha", "dev"].contains(&flag.to_ascii_lowercase().as_str()) {
            v = a;
        }
    }
    if ["master", "trunk", "default"].contains(&v) {
        return Some(format!("dev-{v}"));
    }
    if v.len() >= 4 && v[..4].eq_ignore_ascii_case("dev-") {
        return Some(format!("dev-{}", &v[4..]));
    }
    if let Some((a, b)) = v.split_once('+') {
        if !a.is_empty() && !b.is_empty() && !a.contains([',', ' ']) && !b.contains(' ') {
            v = a;
        }
    }
    let body = v.strip_prefix(['v', 'V']).unwrap_or(v);
    // Classical: up to 4 numbers, the first of at most 5 digits.
    let mut nums: Vec<&str> = Vec::new();
    let mut rest = body;
    loop {
        let r = if nums.is_empty() {
            Some(rest)
        } else {
            rest.strip_prefix('.')
        };
        let Some(r) = r else { break };
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || nums.len() == 4 {
            break;
        }
        nums.push(&r[..n]);
        rest = &r[n..];
    }
    if !nums.is_empty() && nums[0].len() <= 5 {
        if let Some(m) = modifier(rest) {
            let mut out = String::new();
            for i in 0..4 {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(nums.get(i).copied().unwrap_or("0"));
            }
            return Some(out + &m);
        }
    }
    // Date based: numbers separated by . : - (see `is_date`), then a modifier.
    let date_len = body
        .bytes()
        .take_while(|c| c.is_ascii_digit() || matches!(c, b'.' | b':' | b'-'))
        .count();
    let date = body[..date_len].trim_end_matches(['.', ':', '-']);
    if is_date(date) {
        if let Some(m) = modifier(&body[date.len()..]) {
            let d: String = date
                .chars()
                .map(|c| if c.is_ascii_digit() { c } else { '.' })
                .collect();
            return Some(d + &m);
        }
    }
    // Branches: "1.x-dev", "feature-dev".
    let lower = v.to_ascii_lowercase();
    if let Some(head) = lower.strip_suffix("dev") {
        let head = &v[..head.len()];
        let head = head.strip_suffix(['.', '-']).unwrap_or(head);
        let b = head.strip_prefix(['v', 'V']).unwrap_or(head);
        let parts: Vec<&str> = b.split('.').collect();
        if !b.is_empty()
            && parts.len() <= 4
            && parts[0].bytes().all(|c| c.is_ascii_digit())
            && !parts[0].is_empty()
            && parts[1..].iter().all(|p| {
                !p.is_empty()
                    && (p.bytes().all(|c| c.is_ascii_digit()) || matches!(*p, "x" | "X" | "*"))
            })
        {
            let mut out: Vec<String> = parts
                .iter()
                .map(|p| match *p {
                    "x" | "X" | "*" => "9999999".to_string(),
                    n => n.to_string(),
                })
                .collect();
            while out.len() < 4 {
                out.push("9999999".to_string());
            }
            return Some(out.join(".") + "-dev");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_vectors() {
        assert_eq!(php_version_compare("1.0", "1.0.0"), Ordering::Less);
        assert_eq!(php_version_compare("1.0rc1", "1.0"), Ordering::Less);
        assert_eq!(php_version_compare("1.0pl1", "1.0"), Ordering::Greater);
        assert_eq!(php_version_compare("1.0-dev", "1.0-alpha"), Ordering::Less);
        assert_eq!(php_version_compare("1.", "1"), Ordering::Less);
        assert_eq!(compare("v1.2.3", "1.2.3"), Ordering::Equal);
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("1.2").as_deref(), Some("1.2.0.0"));
        assert_eq!(normalize("v1.0.0-beta2").as_deref(), Some("1.0.0.0-beta2"));
        assert_eq!(normalize("1.0.0-RC1").as_deref(), Some("1.0.0.0-RC1"));
        assert_eq!(normalize("1.0.0-p1").as_deref(), Some("1.0.0.0-patch1"));
        assert_eq!(normalize("1.0-dev").as_deref(), Some("1.0.0.0-dev"));
        assert_eq!(
            normalize("1.x-dev").as_deref(),
            Some("1.9999999.9999999.9999999-dev")
        );
        assert_eq!(normalize("dev-main").as_deref(), Some("dev-main"));
        assert_eq!(normalize("1.0.0+build").as_deref(), Some("1.0.0.0"));
        assert_eq!(normalize("20100102").as_deref(), Some("20100102"));
        assert_eq!(normalize("1.0.0-stable").as_deref(), Some("1.0.0.0"));
        assert_eq!(normalize("garbage"), None);
        // Date versions match Composer's date pattern exactly (found by the composer/semver
        // oracle: a 30-digit number is not a version for Composer).
        assert_eq!(normalize("2010-01-02.5").as_deref(), Some("2010.01.02.5"));
        assert_eq!(normalize("201001021").as_deref(), Some("201001021"));
        assert_eq!(
            normalize("20100102.12345").as_deref(),
            Some("20100102.12345")
        );
        assert_eq!(normalize("999999999999999999999999999991"), None);
        assert_eq!(normalize("2010010.2"), None);
        assert_eq!(normalize("2010-1-02"), None);
        assert_eq!(normalize("12345-6"), None);
    }
}
