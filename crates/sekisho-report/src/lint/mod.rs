//! The linter's output formats: tty (rustc-style snippets), json (hadolint's shape),
//! checkstyle, gitlab (Code Climate) and junit; SARIF goes through the one SARIF writer.

mod checkstyle;
mod gitlab;
mod json;
mod junit;
mod tty;

use std::collections::BTreeMap;

use sekisho_model::{Finding, LintLevel, RuleInfo};

/// Output format of `sekisho dockerfile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable, with the offending line and a caret.
    Tty,
    /// hadolint-compatible JSON array.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// Checkstyle XML.
    Checkstyle,
    /// GitLab Code Quality (Code Climate) JSON.
    Gitlab,
    /// JUnit XML.
    Junit,
}

impl Format {
    /// Every format with the name users type (`--format NAME`).
    pub const ALL: [(&'static str, Format); 6] = [
        ("tty", Format::Tty),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("checkstyle", Format::Checkstyle),
        ("gitlab", Format::Gitlab),
        ("junit", Format::Junit),
    ];
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, f)| *f)
            .ok_or_else(|| format!("unknown format {s:?}"))
    }
}

/// The findings for one linted file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// Display name (`-` for stdin).
    pub path: String,
    /// The file's text (used for source snippets).
    pub source: String,
    /// Lint findings (with a region), sorted by line.
    pub findings: Vec<Finding>,
}

/// One finding as the linter's formats print it.
struct Row<'a> {
    code: &'a str,
    severity: LintLevel,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
}

impl FileReport {
    fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.findings.iter().map(|f| {
            let region = f.region.unwrap_or(sekisho_model::Region {
                line: 1,
                column: 1,
                end_line: 1,
            });
            Row {
                code: &f.id,
                severity: f.severity.lint(),
                message: &f.details,
                line: region.line,
                column: region.column,
                end_line: region.end_line,
            }
        })
    }
}

/// Renders reports in a format; `rules` describes the codes for SARIF, `color` only affects
/// `tty`.
pub fn render(
    format: Format,
    reports: &[FileReport],
    rules: &BTreeMap<String, RuleInfo>,
    color: bool,
) -> String {
    match format {
        Format::Tty => tty::render(reports, color),
        Format::Json => json::render(reports),
        Format::Sarif => {
            let findings: Vec<Finding> = reports.iter().flat_map(|r| r.findings.clone()).collect();
            crate::sarif::render(&findings, rules, false)
        }
        Format::Checkstyle => checkstyle::render(reports),
        Format::Gitlab => gitlab::render(reports),
        Format::Junit => junit::render(reports),
    }
}

/// Escapes text for XML attributes and content.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use sekisho_model::{FindingKind, Region};

    fn sample() -> Vec<FileReport> {
        let region = Region {
            line: 2,
            column: 1,
            end_line: 2,
        };
        vec![FileReport {
            path: "Dockerfile".into(),
            source: "FROM debian\nRUN apt-get install foo\n".into(),
            findings: vec![Finding::new(
                FindingKind::Lint,
                "DL3008",
                LintLevel::Warning.severity(),
                "Pin versions",
                "Pin <versions> & \"quote\"",
            )
            .at_source("Dockerfile", region)],
        }]
    }

    fn render(f: Format, reports: &[FileReport], color: bool) -> String {
        super::render(f, reports, &BTreeMap::new(), color)
    }

    #[test]
    fn all_formats_render() {
        for f in [
            Format::Tty,
            Format::Json,
            Format::Sarif,
            Format::Checkstyle,
            Format::Gitlab,
            Format::Junit,
        ] {
            let out = render(f, &sample(), false);
            assert!(out.contains("DL3008"), "{f:?}: {out}");
        }
        let j: serde_json::Value =
            serde_json::from_str(&render(Format::Json, &sample(), false)).unwrap();
        assert_eq!(j[0]["level"], "warning");
        assert_eq!(j[0]["file"], "Dockerfile");
        let s: serde_json::Value =
            serde_json::from_str(&render(Format::Sarif, &sample(), false)).unwrap();
        assert_eq!(s["version"], "2.1.0");
        let g: serde_json::Value =
            serde_json::from_str(&render(Format::Gitlab, &sample(), false)).unwrap();
        assert_eq!(g[0]["severity"], "major");
        assert!(render(Format::Checkstyle, &sample(), false).contains("&lt;versions&gt;"));
        let t = render(Format::Tty, &sample(), false);
        assert!(t.contains("2 | RUN apt-get install foo"), "{t}");
    }
}
