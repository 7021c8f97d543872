//! # sekisho-report
//!
//! Every way sekisho shows a [`Report`]: the table for people, the native JSON
//! (`schema/report.schema.json`), SARIF 2.1.0 (written in [`sarif`] only), and the Dockerfile
//! linter's formats in [`lint`]. CycloneDX and SPDX live in `sekisho-sbom`.

mod findings;
pub mod lint;
pub mod sarif;
mod table;

use sekisho_model::Report;

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
