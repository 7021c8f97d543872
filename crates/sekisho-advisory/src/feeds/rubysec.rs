//! rubysec ruby-advisory-db (`gems/<gem>/*.yml`): RubyGems requirement lists, kept as
//! constraints.

use serde::Deserialize;
use serde_yaml_ng::Value;

use super::{file_stem, nullable, push_alias, Ctx};
use crate::record::{Advisory, Affected, ConstraintSyntax, Display, Range, Severity, Status};

#[derive(Deserialize)]
struct Doc {
    gem: String,
    #[serde(default)]
    cve: Option<String>,
    #[serde(default)]
    ghsa: Option<String>,
    #[serde(default)]
    osvdb: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    cvss_v2: Option<Value>,
    #[serde(default)]
    cvss_v3: Option<Value>,
    #[serde(default)]
    cvss_v4: Option<Value>,
    #[serde(default, deserialize_with = "nullable")]
    patched_versions: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    unaffected_versions: Vec<String>,
}

/// Parses one rubysec YAML file.
pub fn parse(ctx: &mut Ctx<'_>, text: &str) -> Vec<Advisory> {
    let doc: Doc = match serde_yaml_ng::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            ctx.warn("", format!("not a rubysec record: {e}"));
            return Vec::new();
        }
    };
    let stem = file_stem(ctx.file);
    let cve = doc
        .cve
        .as_deref()
        .map(|c| format!("CVE-{}", c.trim_start_matches("CVE-")));
    let ghsa = doc
        .ghsa
        .as_deref()
        .map(|g| format!("GHSA-{}", g.trim_start_matches("GHSA-")));
    let osvdb = doc.osvdb.as_deref().map(|o| format!("OSVDB-{o}"));
    let id = if stem.starts_with("CVE-") || stem.starts_with("GHSA-") || stem.starts_with("OSVDB-")
    {
        stem.to_owned()
    } else {
        cve.clone()
            .or(ghsa.clone())
            .or(osvdb.clone())
            .unwrap_or_else(|| stem.to_owned())
    };
    let mut aliases = Vec::new();
    for a in [&cve, &ghsa, &osvdb].into_iter().flatten() {
        push_alias(&mut aliases, &id, a);
    }
    let score = [&doc.cvss_v4, &doc.cvss_v3, &doc.cvss_v2]
        .into_iter()
        .flatten()
        .find_map(|v| match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        });
    let severity = score
        .map(|s| Severity {
            source: ctx.source.to_owned(),
            label: None,
            cvss: Vec::new(),
            score: Some(s),
        })
        .into_iter()
        .collect();
    let fixed = doc.patched_versions.first().cloned();
    vec![Advisory {
        aliases,
        severity,
        withdrawn: None,
        affected: vec![Affected {
            ecosystem: "gem".into(),
            distro: String::new(),
            name: doc.gem.trim().to_owned(),
            status: if doc.patched_versions.is_empty() {
                Status::AffectedNoFix
            } else {
                Status::Fixed
            },
            fixed,
            ranges: vec![Range::Constraint {
                syntax: ConstraintSyntax::Gem,
                vulnerable: Vec::new(),
                patched: doc.patched_versions,
                unaffected: doc.unaffected_versions,
            }],
            versions: Vec::new(),
            severity: None,
            cpes: Vec::new(),
        }],
        display: Display {
            summary: doc.title,
            details: doc.description,
            references: doc.url.into_iter().collect(),
            published: doc.date,
            modified: None,
        },
        id,
    }]
}
