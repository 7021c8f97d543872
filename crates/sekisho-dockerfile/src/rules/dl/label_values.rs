//! DL3052, DL3053, DL3054, DL3055, DL3056, DL3058.

use crate::rules::prelude::*;

/// DL3052's metadata and check.
pub(crate) static DL3052: RuleInfo = RuleInfo {
    code: "DL3052",
    severity: Warning,
    message: "Label is not a valid URL.",
    onbuild: true,
    default_on: true,
    doc: "A `url` schema label is not a URL.",
    check: Check::Label(dl3052),
};

/// DL3053's metadata and check.
pub(crate) static DL3053: RuleInfo = RuleInfo {
    code: "DL3053",
    severity: Warning,
    message: "Label is not a valid time format - must be conform to RFC3339.",
    onbuild: true,
    default_on: true,
    doc: "An `rfc3339` schema label is not an RFC 3339 timestamp.",
    check: Check::Label(dl3053),
};

/// DL3054's metadata and check.
pub(crate) static DL3054: RuleInfo = RuleInfo {
    code: "DL3054",
    severity: Warning,
    message: "Label is not a valid SPDX identifier.",
    onbuild: true,
    default_on: true,
    doc: "An `spdx` schema label is not a known SPDX license id.",
    check: Check::Label(dl3054),
};

/// DL3055's metadata and check.
pub(crate) static DL3055: RuleInfo = RuleInfo {
    code: "DL3055",
    severity: Warning,
    message: "Label is not a valid git hash.",
    onbuild: true,
    default_on: true,
    doc: "A `hash` schema label is not a 7 or 40 hex digit git hash.",
    check: Check::Label(dl3055),
};

/// DL3056's metadata and check.
pub(crate) static DL3056: RuleInfo = RuleInfo {
    code: "DL3056",
    severity: Warning,
    message: "Label does not conform to semantic versioning.",
    onbuild: true,
    default_on: true,
    doc: "A `semver` schema label is not a semantic version.",
    check: Check::Label(dl3056),
};

/// DL3058's metadata and check.
pub(crate) static DL3058: RuleInfo = RuleInfo {
    code: "DL3058",
    severity: Warning,
    message: "Label is not a valid email format - must be conform to RFC5322.",
    onbuild: true,
    default_on: true,
    doc: "An `email` schema label is not an email address.",
    check: Check::Label(dl3058),
};

fn schema_of<'a>(s: &'a Sink, ty: &str) -> Vec<&'a String> {
    s.cfg
        .label_schema
        .iter()
        .filter(|(_, t)| t.as_str() == ty)
        .map(|(k, _)| k)
        .collect()
}

/// Reports each schema label of type `ty` whose value in this LABEL is `bad`.
fn check_type(
    it: &Item,
    pairs: &[(String, String)],
    s: &mut Sink,
    ty: &str,
    msg: &str,
    bad: fn(&str) -> bool,
) {
    let labels: Vec<String> = schema_of(s, ty).into_iter().cloned().collect();
    for label in labels {
        if let Some(i) = pairs.iter().position(|(k, v)| *k == label && bad(v)) {
            s.fail_msg(it.loc_word(i), msg.replace("{}", &label));
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

/// Validates an RFC 3339 date-time.
pub(crate) fn is_rfc3339(v: &str) -> bool {
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

/// Validates a semantic version (2.0.0).
pub(crate) fn is_semver(v: &str) -> bool {
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

/// DL3052: Label is not a valid URL.
fn dl3052(it: &Item, pairs: &[(String, String)], s: &mut Sink) {
    check_type(
        it,
        pairs,
        s,
        "url",
        "Label `{}` is not a valid URL.",
        bad_url,
    );
}

/// DL3053: Label is not a valid time format - must be conform to RFC3339.
fn dl3053(it: &Item, pairs: &[(String, String)], s: &mut Sink) {
    check_type(
        it,
        pairs,
        s,
        "rfc3339",
        "Label `{}` is not a valid time format - must be conform to RFC3339.",
        |v| !is_rfc3339(v),
    );
}

/// DL3054: Label is not a valid SPDX identifier.
fn dl3054(it: &Item, pairs: &[(String, String)], s: &mut Sink) {
    check_type(
        it,
        pairs,
        s,
        "spdx",
        "Label `{}` is not a valid SPDX identifier.",
        |v| !SPDX.contains(&v),
    );
}

/// DL3055: Label is not a valid git hash.
fn dl3055(it: &Item, pairs: &[(String, String)], s: &mut Sink) {
    check_type(
        it,
        pairs,
        s,
        "hash",
        "Label `{}` is not a valid git hash.",
        |v| {
            v.chars().any(|c| !matches!(c, '0'..='9' | 'a'..='f'))
                || (v.len() != 40 && v.len() != 7)
        },
    );
}

/// DL3056: Label does not conform to semantic versioning.
fn dl3056(it: &Item, pairs: &[(String, String)], s: &mut Sink) {
    check_type(
        it,
        pairs,
        s,
        "semver",
        "Label `{}` does not conform to semantic versioning.",
        |v| !is_semver(v),
    );
}

/// DL3058: Label is not a valid email format - must be conform to RFC5322.
fn dl3058(it: &Item, pairs: &[(String, String)], s: &mut Sink) {
    check_type(
        it,
        pairs,
        s,
        "email",
        "Label `{}` is not a valid email format - must be conform to RFC5322.",
        bad_email,
    );
}
