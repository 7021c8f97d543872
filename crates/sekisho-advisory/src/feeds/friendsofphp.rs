//! FriendsOfPHP security-advisories (`<vendor>/<package>/*.yaml`): one range per branch, a
//! list of Composer constraints that must all hold.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{file_stem, nullable, push_alias, Ctx};
use crate::ecosystem::normalize_name;
use crate::record::{Advisory, Affected, ConstraintSyntax, Display, Range, Status};

#[derive(Deserialize)]
struct Doc {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    cve: Option<String>,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    branches: BTreeMap<String, Option<Branch>>,
}

#[derive(Deserialize)]
struct Branch {
    #[serde(default, deserialize_with = "nullable")]
    versions: Vec<String>,
}

/// Parses one FriendsOfPHP YAML file.
pub fn parse(ctx: &mut Ctx<'_>, text: &str) -> Vec<Advisory> {
    let doc: Doc = match serde_yaml_ng::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            ctx.warn("", format!("not a FriendsOfPHP advisory: {e}"));
            return Vec::new();
        }
    };
    let package = match doc
        .reference
        .as_deref()
        .and_then(|r| r.strip_prefix("composer://"))
    {
        Some(p) => p.to_owned(),
        None => {
            // The path: `<vendor>/<package>/<file>`.
            let parts: Vec<&str> = ctx.file.split('/').collect();
            if parts.len() < 3 {
                ctx.warn(
                    "",
                    "no composer:// reference and no vendor/package path; skipped",
                );
                return Vec::new();
            }
            format!("{}/{}", parts[parts.len() - 3], parts[parts.len() - 2])
        }
    };
    let cve = doc
        .cve
        .as_deref()
        .map(str::trim)
        .filter(|c| c.starts_with("CVE-"));
    let id = match cve {
        Some(c) => c.to_owned(),
        None => format!("FOP-{package}-{}", file_stem(ctx.file)),
    };
    let mut aliases = Vec::new();
    if let Some(c) = cve {
        push_alias(&mut aliases, &id, c);
    }
    let mut vulnerable = Vec::new();
    let mut all_bounded = true;
    let mut fixed = None;
    for (_, branch) in doc.branches {
        let Some(branch) = branch else { continue };
        let parts: Vec<String> = branch
            .versions
            .iter()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if parts.is_empty() {
            continue;
        }
        let upper = parts
            .iter()
            .find(|p| p.starts_with('<') && !p.starts_with("<="));
        match upper {
            Some(u) => fixed = Some(u.trim_start_matches('<').trim().to_owned()),
            None => all_bounded = false,
        }
        vulnerable.push(parts.join(", "));
    }
    if vulnerable.is_empty() {
        ctx.warn(&id, "no branch with versions; skipped");
        return Vec::new();
    }
    vec![Advisory {
        aliases,
        affected: vec![Affected {
            ecosystem: "composer".into(),
            distro: String::new(),
            name: normalize_name("composer", &package),
            status: if all_bounded {
                Status::Fixed
            } else {
                Status::AffectedNoFix
            },
            fixed: if all_bounded { fixed } else { None },
            ranges: vec![Range::Constraint {
                syntax: ConstraintSyntax::Composer,
                vulnerable,
                patched: Vec::new(),
                unaffected: Vec::new(),
            }],
            versions: Vec::new(),
            severity: None,
            cpes: Vec::new(),
        }],
        display: Display {
            summary: doc.title,
            references: doc.link.into_iter().collect(),
            ..Display::default()
        },
        id,
        ..Advisory::default()
    }]
}
