//! Node.js security-wg advisories (`vuln/npm/<n>.json`): node-semver range strings, kept as
//! constraints.

use serde::Deserialize;
use serde_json::Value;

use super::{file_stem, nullable, push_alias, Ctx};
use crate::record::{Advisory, Affected, ConstraintSyntax, Display, Range, Severity, Status};

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    overview: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    publish_date: Option<String>,
    #[serde(default)]
    module_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    cves: Vec<String>,
    #[serde(default)]
    vulnerable_versions: Option<String>,
    #[serde(default)]
    patched_versions: Option<String>,
    #[serde(default)]
    references: Option<Value>,
    #[serde(default)]
    cvss_vector: Option<String>,
    #[serde(default)]
    cvss_score: Option<f64>,
}

/// Parses one security-wg JSON document.
pub fn parse(ctx: &mut Ctx<'_>, value: Value) -> Vec<Advisory> {
    let doc: Doc = match serde_json::from_value(value) {
        Ok(d) => d,
        Err(e) => {
            ctx.warn("", format!("not a security-wg record: {e}"));
            return Vec::new();
        }
    };
    let number = match &doc.id {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => file_stem(ctx.file).to_owned(),
    };
    let id = format!("NSWG-ECO-{number}");
    let Some(name) = doc.module_name.filter(|n| !n.trim().is_empty()) else {
        ctx.warn(&id, "no module_name; skipped");
        return Vec::new();
    };
    let clean = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let vulnerable = clean(doc.vulnerable_versions);
    let patched = clean(doc.patched_versions).filter(|p| p != "<0.0.0");
    let mut aliases = Vec::new();
    for c in &doc.cves {
        push_alias(&mut aliases, &id, c);
    }
    let mut severity = Vec::new();
    if doc.cvss_vector.is_some() || doc.cvss_score.is_some() {
        severity.push(Severity {
            source: ctx.source.to_owned(),
            label: None,
            cvss: doc
                .cvss_vector
                .into_iter()
                .filter(|v| !v.is_empty())
                .collect(),
            score: doc.cvss_score,
        });
    }
    let references = match doc.references {
        Some(Value::Array(a)) => a
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let published = doc
        .publish_date
        .filter(|d| !d.starts_with("1970-01-01"))
        .or(doc.created_at);
    vec![Advisory {
        id,
        aliases,
        severity,
        withdrawn: None,
        affected: vec![Affected {
            ecosystem: "npm".into(),
            distro: String::new(),
            name: name.trim().to_owned(),
            status: if patched.is_some() {
                Status::Fixed
            } else {
                Status::AffectedNoFix
            },
            fixed: patched.clone(),
            ranges: vec![Range::Constraint {
                syntax: ConstraintSyntax::Npm,
                vulnerable: vulnerable.into_iter().collect(),
                patched: patched.into_iter().collect(),
                unaffected: Vec::new(),
            }],
            versions: Vec::new(),
            severity: None,
            cpes: Vec::new(),
        }],
        display: Display {
            summary: doc.title,
            details: doc.overview,
            references,
            published,
            modified: doc.updated_at,
        },
    }]
}
