//! Helpers shared by the ecosystem modules.

use std::cmp::Ordering;

/// Compares two runs of ASCII digits as unbounded non-negative integers.
pub(crate) fn cmp_digits(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Splits `s` at the end of its leading run of bytes satisfying `f`.
pub(crate) fn split_while(s: &str, f: impl Fn(u8) -> bool) -> (&str, &str) {
    let n = s.bytes().position(|c| !f(c)).unwrap_or(s.len());
    s.split_at(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits() {
        assert_eq!(cmp_digits("007", "7"), Ordering::Equal);
        assert_eq!(cmp_digits("", "0"), Ordering::Equal);
        assert_eq!(cmp_digits("99", "100"), Ordering::Less);
        assert_eq!(split_while("12ab", |c| c.is_ascii_digit()), ("12", "ab"));
    }
}
