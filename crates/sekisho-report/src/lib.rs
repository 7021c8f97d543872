//! # sekisho-report
//!
//! Every way sekisho shows a [`Report`]: the table for people, the native JSON
//! (`schema/report.schema.json`), SARIF 2.1.0 (written in [`sarif`] only), GitLab's
//! dependency-scanning report ([`gitlab_ds`]), and the Dockerfile linter's formats in [`lint`].
//! CycloneDX and SPDX live in `sekisho-sbom`.

mod findings;
pub mod gitlab_ds;
pub mod lint;
pub mod sarif;
mod table;

use std::borrow::Cow;

use sekisho_model::Report;

/// Text from an image or a Dockerfile made safe for a terminal: control characters (escape
/// sequences, carriage returns, backspaces) and Unicode bidirectional overrides are shown as
/// `\u{..}` escapes instead of acting on the terminal. Human-readable writers pass every
/// field through this; machine formats (JSON, SARIF) escape by their own rules.
pub fn escape_control(text: &str) -> Cow<'_, str> {
    let bad =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The table: the image, OS and packages, then the findings of the scanners that ran. `color`
/// adds ANSI colours (callers decide: a terminal, no `NO_COLOR`).
pub fn render_table(report: &Report, color: bool) -> String {
    let packages = table::render(report, color);
    match &report.findings {
        Some(findings) => format!("{packages}\n{}", findings::render(findings, color)),
        None => packages,
    }
}

/// Only the findings table (no package section).
pub fn render_findings_table(findings: &[sekisho_model::Finding], color: bool) -> String {
    findings::render(findings, color)
}

/// The native JSON report, pretty-printed, fields in declaration order.
pub fn render_json(report: &Report) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(report).map(|s| s + "\n")
}

/// SARIF 2.1.0 of the report's findings; paths inside the image are relative to `IMAGEROOT`.
pub fn render_sarif(report: &Report) -> String {
    sarif::render(report.findings(), &report.rules, true)
}

/// GitLab's dependency-scanning report (schema 15.0.7) of the report's vulnerability findings.
pub fn render_gitlab_dependency_scanning(report: &Report) -> String {
    gitlab_ds::render(report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::escape_control("plain"), "plain");
        assert_eq!(super::escape_control("a\x1b[2Jb\r"), "a\\u{1b}[2Jb\\u{d}");
        assert_eq!(super::escape_control("x\u{202e}y"), "x\\u{202e}y");
    }
}
