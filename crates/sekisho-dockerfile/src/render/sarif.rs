//! SARIF 2.1.0.

use std::collections::BTreeSet;

use super::FileReport;
use crate::Severity;

/// Renders a SARIF 2.1.0 log.
pub fn render(reports: &[FileReport]) -> String {
    let codes: BTreeSet<&str> = reports
        .iter()
        .flat_map(|r| r.findings.iter().map(|f| f.code.as_str()))
        .collect();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|c| {
            let help = crate::explain(c).unwrap_or_default();
            serde_json::json!({
                "id": c,
                "shortDescription": {"text": help.lines().nth(2).unwrap_or(c)},
                "help": {"text": help},
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|r| {
            r.findings.iter().map(move |f| {
                let level = match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    _ => "note",
                };
                serde_json::json!({
                    "ruleId": f.code,
                    "level": level,
                    "message": {"text": f.message},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": r.path},
                            "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line}
                        }
                    }]
                })
            })
        })
        .collect();
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "sekisho",
                "informationUri": "https://github.com/sekisho/sekisho",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
