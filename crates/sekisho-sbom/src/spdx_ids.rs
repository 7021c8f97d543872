//! SPDX licence and exception identifiers, from the `spdx` crate's copy of the SPDX licence
//! list: whether a licence string from a package database can stand in an SPDX expression as
//! is. Anything else is written as `LicenseRef-...` with the original text, which is always
//! valid SPDX.

/// The identifier as the SPDX list spells it, for a licence or exception ID matched without
/// regard to case (as the SPDX specification matches them); a trailing `+` is kept.
pub fn canonical(text: &str) -> Option<String> {
    let (base, plus) = match text.strip_suffix('+') {
        Some(base) => (base, "+"),
        None => (text, ""),
    };
    let licence = spdx::license_id(base).map(|id| id.name).or_else(|| {
        spdx::identifiers::LICENSES
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(base))
            .map(|l| l.name)
    });
    if let Some(name) = licence {
        return Some(format!("{name}{plus}"));
    }
    if !plus.is_empty() {
        return None;
    }
    spdx::exception_id(base)
        .map(|e| e.name)
        .or_else(|| {
            spdx::identifiers::EXCEPTIONS
                .iter()
                .find(|e| e.name.eq_ignore_ascii_case(base))
                .map(|e| e.name)
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn identifiers() {
        assert_eq!(canonical("MIT").as_deref(), Some("MIT"));
        assert_eq!(canonical("mit").as_deref(), Some("MIT"));
        assert_eq!(canonical("GPL-2.0+").as_deref(), Some("GPL-2.0+"));
        assert_eq!(
            canonical("GPL-2.0-or-later").as_deref(),
            Some("GPL-2.0-or-later")
        );
        assert_eq!(
            canonical("Classpath-exception-2.0").as_deref(),
            Some("Classpath-exception-2.0")
        );
        assert_eq!(canonical("public-domain"), None);
        assert_eq!(canonical("GPL"), None);
    }
}
