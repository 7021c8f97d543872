//! The findings table for people.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::escape_control as clean;

use sekisho_model::{DockleLevel as Level, FileState, Finding, FindingKind, Severity};

/// A finding with its id, location and details made safe for a terminal.
type Row<'a> = (&'a Finding, Cow<'a, str>, Cow<'a, str>, Cow<'a, str>);

fn layer_text(f: &Finding) -> String {
    match (f.layer, f.state, f.deleted_in) {
        (Some(l), Some(FileState::Deleted), Some(m)) => format!("{l} (deleted in {m})"),
        (Some(l), Some(FileState::Deleted), None) => format!("{l} (deleted)"),
        (Some(l), Some(FileState::Replaced), Some(m)) => format!("{l} (replaced in {m})"),
        (Some(l), _, _) => l.to_string(),
        (None, _, _) => "-".to_string(),
    }
}

fn paint(text: &str, level: Level, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match level {
        Level::Fatal => "31",
        Level::Warn => "33",
        Level::Info => "35",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// A table for terminals: one section per scanner, one row per finding (level, ID, layer,
/// location, details). `color` adds ANSI colours to the levels.
pub fn render(findings: &[Finding], color: bool) -> String {
    let mut out = String::new();
    for (category, heading) in [
        (FindingKind::Config, "Configuration"),
        (FindingKind::Secret, "Secrets"),
        (FindingKind::Lint, "Dockerfile"),
        (FindingKind::Vulnerability, "Vulnerabilities"),
    ] {
        let rows: Vec<&Finding> = findings.iter().filter(|f| f.kind == category).collect();
        if rows.is_empty() {
            continue;
        }
        // The header counts what the rows show: Dockle levels, or severities for secrets and
        // vulnerabilities (which may also be unrated).
        let by_severity = matches!(category, FindingKind::Secret | FindingKind::Vulnerability);
        let mut scale = vec![
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
        ];
        if category == FindingKind::Vulnerability {
            scale.push(Severity::Unknown);
        }
        let counts = if by_severity {
            scale
                .iter()
                .map(|s| {
                    let n = rows.iter().filter(|f| f.severity == *s).count();
                    format!("{s} {n}")
                })
                .collect::<Vec<_>>()
        } else {
            [Level::Fatal, Level::Warn, Level::Info]
                .iter()
                .map(|l| {
                    let n = rows.iter().filter(|f| f.severity.dockle() == *l).count();
                    format!("{l} {n}")
                })
                .collect()
        };
        let noun = if rows.len() == 1 {
            "finding"
        } else {
            "findings"
        };
        let _ = writeln!(
            out,
            "{heading} ({} {noun}: {})",
            rows.len(),
            counts.join(", ")
        );
        // (finding, id, location, details) with image text made safe for a terminal.
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|f| (f, clean(&f.id), clean(&f.location), clean(&f.details)))
            .collect();
        let id_w = rows
            .iter()
            .map(|r| r.1.chars().count())
            .max()
            .unwrap_or(2)
            .max(2);
        let layer_w = rows
            .iter()
            .map(|r| layer_text(r.0).len())
            .max()
            .unwrap_or(5)
            .max(5);
        let loc_w = rows
            .iter()
            .map(|r| r.2.chars().count())
            .max()
            .unwrap_or(8)
            .clamp(8, 48);
        let level_label = if by_severity { "SEVERITY" } else { "LEVEL" };
        let _ = writeln!(
            out,
            "{level_label:<8}  {:<id_w$}  {:<layer_w$}  {:<loc_w$}  DETAILS",
            "ID", "LAYER", "LOCATION"
        );
        for (f, id, location, details) in rows {
            let label = if by_severity {
                f.severity.as_str()
            } else {
                f.severity.dockle().as_str()
            };
            let padded = format!("{label:<8}");
            let _ = writeln!(
                out,
                "{}  {:<id_w$}  {:<layer_w$}  {:<loc_w$}  {}",
                paint(&padded, f.severity.dockle(), color),
                id,
                layer_text(f),
                location,
                details
            );
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("No findings.\n");
    } else {
        out.push_str("`sekisho explain ID` describes any ID above.\n");
    }
    out
}
