//! Output formats: a table for people, native JSON, and SARIF 2.1.0.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::finding::{Category, FileState, Finding, Level};

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
pub fn render_table(findings: &[Finding], color: bool) -> String {
    let mut out = String::new();
    for (category, heading) in [
        (Category::Config, "Configuration"),
        (Category::Secret, "Secrets"),
        (Category::Dockerfile, "Dockerfile"),
    ] {
        let rows: Vec<&Finding> = findings.iter().filter(|f| f.category == category).collect();
        if rows.is_empty() {
            continue;
        }
        let count = |l: Level| rows.iter().filter(|f| f.level == l).count();
        let _ = writeln!(
            out,
            "{heading} ({} findings: FATAL {}, WARN {}, INFO {})",
            rows.len(),
            count(Level::Fatal),
            count(Level::Warn),
            count(Level::Info)
        );
        let id_w = rows.iter().map(|f| f.id.len()).max().unwrap_or(2).max(2);
        let layer_w = rows
            .iter()
            .map(|f| layer_text(f).len())
            .max()
            .unwrap_or(5)
            .max(5);
        let loc_w = rows
            .iter()
            .map(|f| f.location.chars().count())
            .max()
            .unwrap_or(8)
            .clamp(8, 48);
        let level_label = if category == Category::Secret {
            "SEVERITY"
        } else {
            "LEVEL"
        };
        let _ = writeln!(
            out,
            "{level_label:<8}  {:<id_w$}  {:<layer_w$}  {:<loc_w$}  DETAILS",
            "ID", "LAYER", "LOCATION"
        );
        for f in rows {
            let label = if category == Category::Secret {
                f.severity.as_str()
            } else {
                f.level.as_str()
            };
            let padded = format!("{label:<8}");
            let _ = writeln!(
                out,
                "{}  {:<id_w$}  {:<layer_w$}  {:<loc_w$}  {}",
                paint(&padded, f.level, color),
                f.id,
                layer_text(f),
                f.location,
                f.details
            );
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("No findings.\n");
    }
    out
}

/// Version of the native JSON audit format.
pub const JSON_SCHEMA_VERSION: &str = "1.0";

/// Native JSON: `{"schema_version": "1.0", "summary": {...}, "findings": [...]}`.
pub fn render_json(findings: &[Finding]) -> String {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        schema_version: &'static str,
        summary: BTreeMap<&'static str, usize>,
        findings: &'a [Finding],
    }
    let mut summary = BTreeMap::new();
    for (name, l) in [
        ("fatal", Level::Fatal),
        ("warn", Level::Warn),
        ("info", Level::Info),
    ] {
        summary.insert(name, findings.iter().filter(|f| f.level == l).count());
    }
    let doc = Report {
        schema_version: JSON_SCHEMA_VERSION,
        summary,
        findings,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string()) + "\n"
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Fatal => "error",
        Level::Warn => "warning",
        Level::Info => "note",
    }
}

/// Percent-encode a path for a SARIF `uri` (relative reference, `/` kept).
fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.trim_start_matches('/').bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// SARIF 2.1.0: one run of tool `sekisho`, one rule per check or secret rule reported, one
/// result per finding. File findings get a physical location (path relative to the image root,
/// with the line for secrets); others a logical location (`config Env[KEY]`, `history[3]`).
/// Layer, state and the secret's SHA-256 are in each result's `properties`.
pub fn render_sarif(findings: &[Finding]) -> String {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules: Vec<Value> = Vec::new();
    for f in findings {
        if rule_index.contains_key(f.id.as_str()) {
            continue;
        }
        rule_index.insert(&f.id, rules.len());
        let default_level = crate::checks::by_id(&f.id)
            .map(|c| c.level)
            .unwrap_or(f.level);
        let tag = match f.category {
            Category::Config => "config",
            Category::Secret => "secret",
            Category::Dockerfile => "dockerfile",
        };
        rules.push(json!({
            "id": f.id,
            "name": f.id.replace('-', ""),
            "shortDescription": { "text": f.title },
            "fullDescription": { "text": f.title },
            "defaultConfiguration": { "level": sarif_level(default_level) },
            "properties": { "tags": ["security", tag] },
        }));
    }
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let location = match &f.path {
                Some(path) => {
                    let mut physical = json!({
                        "artifactLocation": { "uri": uri_path(path), "uriBaseId": "IMAGEROOT" },
                    });
                    if let Some(s) = &f.secret {
                        physical["region"] = json!({ "startLine": s.line.max(1) });
                    }
                    json!({ "physicalLocation": physical })
                }
                None => json!({
                    "logicalLocations": [{ "name": f.location, "fullyQualifiedName": f.location, "kind": "object" }],
                }),
            };
            let mut props = serde_json::Map::new();
            props.insert("category".into(), json!(f.category));
            props.insert("level".into(), json!(f.level));
            props.insert("severity".into(), json!(f.severity));
            if let Some(l) = f.layer {
                props.insert("layer".into(), json!(l));
            }
            if let Some(m) = f.deleted_in {
                props.insert("deletedIn".into(), json!(m));
            }
            if let Some(s) = f.state {
                props.insert("state".into(), json!(s));
            }
            if let Some(h) = f.history_index {
                props.insert("historyIndex".into(), json!(h));
            }
            if let Some(s) = &f.secret {
                props.insert("secretSha256".into(), json!(s.sha256));
                props.insert("example".into(), json!(s.example));
            }
            json!({
                "ruleId": f.id,
                "ruleIndex": rule_index[f.id.as_str()],
                "level": sarif_level(f.level),
                "message": { "text": f.details },
                "locations": [location],
                "properties": props,
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "sekisho",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "originalUriBaseIds": {
                "IMAGEROOT": { "uri": "file:///", "description": { "text": "The root of the image's merged filesystem" } }
            },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string()) + "\n"
}
