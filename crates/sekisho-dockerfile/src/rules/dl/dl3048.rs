//! DL3048: Invalid label key.

use crate::rules::prelude::*;

/// DL3048's metadata and check.
pub(crate) static DL3048: RuleInfo = RuleInfo {
    code: "DL3048",
    severity: Style,
    message: "Invalid label key.",
    onbuild: true,
    default_on: true,
    doc: "Label keys should be lower-case reverse-DNS (`a-z0-9.-`), not in reserved namespaces.",
    check: Check::Label(check),
};

/// DL3048: Invalid label key.
fn check(it: &Item, pairs: &[(String, String)], s: &mut Sink) {
    let bad = pairs.iter().position(|(l, _)| {
        let first_ok = l.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let last_ok = l
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let chars_ok = l
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'));
        let reserved = l.starts_with("com.docker.")
            || l.starts_with("io.docker.")
            || l.starts_with("org.dockerproject.");
        let consecutive = l.contains("..") || l.contains("--");
        !first_ok || !last_ok || !chars_ok || reserved || consecutive
    });
    if let Some(i) = bad {
        s.fail_at(it.loc_word(i));
    }
}
