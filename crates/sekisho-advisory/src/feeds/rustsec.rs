//! RustSec advisories: Markdown with a ```` ```toml ```` front-matter block.

use serde::Deserialize;

use super::semver_req::complement_events;
use super::{nullable, push_alias, Ctx};
use crate::record::{
    Advisory, Affected, ConstraintSyntax, Display, Event, Range, Severity, Status,
};

#[derive(Deserialize)]
struct Doc {
    advisory: Adv,
    #[serde(default)]
    versions: Versions,
}

#[derive(Deserialize)]
struct Adv {
    id: String,
    package: String,
    #[serde(default)]
    date: Option<toml::Value>,
    #[serde(default, deserialize_with = "nullable")]
    aliases: Vec<String>,
    #[serde(default)]
    cvss: Option<String>,
    #[serde(default)]
    informational: Option<String>,
    #[serde(default)]
    withdrawn: Option<toml::Value>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    references: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Versions {
    #[serde(default, deserialize_with = "nullable")]
    patched: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    unaffected: Vec<String>,
}

fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses one RustSec Markdown file.
pub fn parse(ctx: &mut Ctx<'_>, text: &str) -> Vec<Advisory> {
    let body = text.trim_start().trim_start_matches("```toml");
    let Some((front, rest)) = body.split_once("\n```") else {
        ctx.warn("", "unterminated ```toml block");
        return Vec::new();
    };
    let doc: Doc = match toml::from_str(front) {
        Ok(d) => d,
        Err(e) => {
            ctx.warn("", format!("bad RustSec front matter: {}", e.message()));
            return Vec::new();
        }
    };
    let adv = doc.advisory;
    let rest = rest.trim_start_matches('`').trim();
    let (summary, details) = match rest.split_once('\n') {
        Some((first, more)) if first.starts_with('#') => (
            Some(first.trim_start_matches('#').trim().to_owned()),
            Some(more.trim().to_owned()),
        ),
        _ => (None, Some(rest.to_owned())),
    };
    let mut aliases = Vec::new();
    for a in &adv.aliases {
        push_alias(&mut aliases, &adv.id, a);
    }
    let mut severity = Vec::new();
    if adv.cvss.is_some() || adv.informational.is_some() {
        severity.push(Severity {
            source: ctx.source.to_owned(),
            label: adv.informational.clone(),
            cvss: adv.cvss.into_iter().collect(),
            score: None,
        });
    }
    let v = doc.versions;
    let mut not_affected = v.patched.clone();
    not_affected.extend(v.unaffected.iter().cloned());
    let range = match complement_events(&not_affected) {
        Some(events) => Range::Semver { events },
        None => Range::Constraint {
            syntax: ConstraintSyntax::Cargo,
            vulnerable: Vec::new(),
            patched: v.patched.clone(),
            unaffected: v.unaffected.clone(),
        },
    };
    let fixed = range
        .events()
        .iter()
        .find_map(|e| match e {
            Event::Fixed(f) => Some(f.clone()),
            _ => None,
        })
        .or_else(|| v.patched.first().cloned());
    let mut references: Vec<String> = adv.url.into_iter().collect();
    references.extend(adv.references);
    vec![Advisory {
        aliases,
        severity,
        withdrawn: adv.withdrawn.as_ref().map(value_text),
        affected: vec![Affected {
            ecosystem: "cargo".into(),
            distro: String::new(),
            name: adv.package,
            ranges: vec![range],
            versions: Vec::new(),
            status: if v.patched.is_empty() {
                Status::AffectedNoFix
            } else {
                Status::Fixed
            },
            fixed,
            severity: None,
            cpes: Vec::new(),
        }],
        display: Display {
            summary,
            details,
            references,
            published: adv.date.as_ref().map(value_text),
            modified: None,
        },
        id: adv.id,
    }]
}
