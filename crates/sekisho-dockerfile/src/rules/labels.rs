//! Label schema rules (DL3049-DL3058), driven by `label-schema` in the config.

use std::collections::HashSet;

use super::{Item, Sink};
use crate::parser::Args;

fn schema_of<'a>(s: &'a Sink, ty: &str) -> Vec<&'a String> {
    s.cfg
        .label_schema
        .iter()
        .filter(|(_, t)| t.as_str() == ty)
        .map(|(k, _)| k)
        .collect()
}

fn check_type(items: &[Item], s: &mut Sink, ty: &str, msg: &str, bad: fn(&str) -> bool) {
    let labels: Vec<String> = schema_of(s, ty).into_iter().cloned().collect();
    for label in labels {
        for it in items {
            if let Args::Label(pairs) = it.args() {
                if pairs.iter().any(|(k, v)| *k == label && bad(v)) {
                    s.fail_msg(it.line, msg.replace("{}", &label));
                }
            }
        }
    }
}

/// DL3049: Label is missing.
pub fn dl3049(items: &[Item], s: &mut Sink) {
    let labels: Vec<String> = s.cfg.label_schema.keys().cloned().collect();
    for label in labels {
        // (image name, alias, line)
        let mut good: HashSet<String> = HashSet::new();
        let mut bad: Vec<(Option<String>, usize)> = vec![];
        let mut cur: Option<(String, Option<String>, usize)> = None;
        for it in items {
            match it.args() {
                Args::From(f) => {
                    if good.contains(&f.image.name) {
                        if let Some(a) = &f.alias {
                            good.insert(a.clone());
                        }
                    } else {
                        bad.push((f.alias.clone(), it.line));
                    }
                    cur = Some((f.image.name.clone(), f.alias.clone(), it.line));
                }
                Args::Copy(c) => {
                    if let Some(from) = &c.from {
                        bad.retain(|(a, _)| a.as_deref() != Some(from.as_str()));
                    }
                }
                Args::Label(pairs) if pairs.iter().any(|(k, _)| *k == label) => {
                    if let Some((_, alias, line)) = &cur {
                        if let Some(a) = alias {
                            good.insert(a.clone());
                        }
                        bad.retain(|(_, l)| l != line);
                    }
                }
                _ => {}
            }
        }
        for (_, l) in bad {
            s.fail_msg(l, format!("Label `{label}` is missing."));
        }
    }
}

/// DL3050: Superfluous label(s) present.
pub fn dl3050(items: &[Item], s: &mut Sink) {
    if !s.cfg.strict_labels {
        return;
    }
    let keys: Vec<String> = s.cfg.label_schema.keys().cloned().collect();
    for it in items {
        if let Args::Label(pairs) = it.args() {
            if pairs.iter().any(|(k, _)| !keys.contains(k)) {
                s.fail(it.line);
            }
        }
    }
}

/// DL3051: label is empty.
pub fn dl3051(items: &[Item], s: &mut Sink) {
    let labels: Vec<String> = s.cfg.label_schema.keys().cloned().collect();
    for label in labels {
        for it in items {
            if let Args::Label(pairs) = it.args() {
                if pairs.iter().any(|(k, v)| *k == label && v.is_empty()) {
                    s.fail_msg(it.line, format!("label `{label}` is empty."));
                }
            }
        }
    }
}

fn bad_url(v: &str) -> bool {
    let Some((scheme, rest)) = v.split_once(':') else {
        return true;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    !scheme_ok
        || rest
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

/// DL3052: Label is not a valid URL.
pub fn dl3052(items: &[Item], s: &mut Sink) {
    check_type(items, s, "url", "Label `{}` is not a valid URL.", bad_url);
}

/// Validates an RFC 3339 date-time.
pub fn is_rfc3339(v: &str) -> bool {
    let b = v.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return false;
        }
    }
    match &v[i..] {
        "Z" | "z" => true,
        tz => {
            let t = tz.as_bytes();
            t.len() == 6
                && matches!(t[0], b'+' | b'-')
                && t[1..3].iter().all(u8::is_ascii_digit)
                && t[3] == b':'
                && t[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

/// DL3053: Label is not a valid time format - must be conform to RFC3339.
pub fn dl3053(items: &[Item], s: &mut Sink) {
    check_type(
        items,
        s,
        "rfc3339",
        "Label `{}` is not a valid time format - must be conform to RFC3339.",
        |v| !is_rfc3339(v),
    );
}

/// Common SPDX license identifiers.
const SPDX: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AGPL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.1",
    "Apache-2.0",
    "Artistic-2.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-4-Clause",
    "BSL-1.0",
    "CC0-1.0",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "GPL-1.0",
    "GPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "ISC",
    "LGPL-2.0",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "MIT",
    "MIT-0",
    "MPL-1.1",
    "MPL-2.0",
    "MS-PL",
    "MS-RL",
    "NCSA",
    "OFL-1.1",
    "OpenSSL",
    "PHP-3.01",
    "PostgreSQL",
    "Python-2.0",
    "Ruby",
    "Unlicense",
    "UPL-1.0",
    "Vim",
    "W3C",
    "WTFPL",
    "X11",
    "Zlib",
    "ZPL-2.1",
];

/// DL3054: Label is not a valid SPDX identifier.
pub fn dl3054(items: &[Item], s: &mut Sink) {
    check_type(
        items,
        s,
        "spdx",
        "Label `{}` is not a valid SPDX identifier.",
        |v| !SPDX.contains(&v),
    );
}

/// DL3055: Label is not a valid git hash.
pub fn dl3055(items: &[Item], s: &mut Sink) {
    check_type(
        items,
        s,
        "hash",
        "Label `{}` is not a valid git hash.",
        |v| {
            v.chars().any(|c| !matches!(c, '0'..='9' | 'a'..='f'))
                || (v.len() != 40 && v.len() != 7)
        },
    );
}

/// Validates a semantic version (2.0.0).
pub fn is_semver(v: &str) -> bool {
    let (core, _build) = v.split_once('+').unwrap_or((v, ""));
    let (core, pre) = match core.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (core, None),
    };
    let nums: Vec<&str> = core.split('.').collect();
    nums.len() == 3
        && nums.iter().all(|n| {
            !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
                && !(n.len() > 1 && n.starts_with('0'))
        })
        && pre.is_none_or(|p| {
            !p.is_empty()
                && p.split('.').all(|x| {
                    !x.is_empty() && x.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
        })
}

/// DL3056: Label does not conform to semantic versioning.
pub fn dl3056(items: &[Item], s: &mut Sink) {
    check_type(
        items,
        s,
        "semver",
        "Label `{}` does not conform to semantic versioning.",
        |v| !is_semver(v),
    );
}

fn bad_email(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return true;
    };
    local.is_empty()
        || domain.is_empty()
        || domain.starts_with('.')
        || domain.ends_with('.')
        || v.chars().any(char::is_whitespace)
}

/// DL3058: Label is not a valid email format - must be conform to RFC5322.
pub fn dl3058(items: &[Item], s: &mut Sink) {
    check_type(
        items,
        s,
        "email",
        "Label `{}` is not a valid email format - must be conform to RFC5322.",
        bad_email,
    );
}
