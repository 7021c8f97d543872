//! Alpine and Wolfi secdb (YAML or JSON; a whole branch file or one package per file).
//!
//! `secfixes` maps a fixed version to the CVEs it fixes; the key `0` means the branch was
//! never affected. One advisory fragment per CVE and package; fragments merge by CVE.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{nullable, Ctx};
use crate::record::{simple_events, Advisory, Affected, Range, Status};

#[derive(Deserialize, Default)]
struct Secdb {
    #[serde(default)]
    distroversion: Option<String>,
    #[serde(default)]
    reponame: Option<String>,
    #[serde(default)]
    urlprefix: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    packages: Vec<PkgWrap>,
    // One package per file (vuln-list layout).
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    secfixes: BTreeMap<String, Option<Vec<Option<String>>>>,
}

#[derive(Deserialize)]
struct PkgWrap {
    pkg: Pkg,
}

#[derive(Deserialize)]
struct Pkg {
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    secfixes: BTreeMap<String, Option<Vec<Option<String>>>>,
}

/// Parses a secdb JSON document.
pub fn parse_json(ctx: &mut Ctx<'_>, value: Value) -> Vec<Advisory> {
    match serde_json::from_value::<Secdb>(value) {
        Ok(db) => convert(ctx, db),
        Err(e) => {
            ctx.warn("", format!("not a secdb document: {e}"));
            Vec::new()
        }
    }
}

/// Parses a secdb YAML document.
pub fn parse_yaml(ctx: &mut Ctx<'_>, text: &str) -> Vec<Advisory> {
    match serde_yaml_ng::from_str::<Secdb>(text) {
        Ok(db) => convert(ctx, db),
        Err(e) => {
            ctx.warn("", format!("not a secdb document: {e}"));
            Vec::new()
        }
    }
}

/// The distro release: `v3.10` → `alpine:3.10`; no `distroversion`: Wolfi or Chainguard
/// (rolling), else a `3.10`/`v3.10` path component.
fn distro(ctx: &Ctx<'_>, db: &Secdb) -> Option<String> {
    if let Some(v) = db.distroversion.as_deref().filter(|v| !v.is_empty()) {
        return Some(format!("alpine:{}", v.trim_start_matches('v')));
    }
    let hint = format!(
        "{} {} {}",
        db.urlprefix.as_deref().unwrap_or(""),
        ctx.file,
        ctx.source
    )
    .to_ascii_lowercase();
    if hint.contains("chainguard") {
        return Some("chainguard".into());
    }
    if hint.contains("wolfi") || db.reponame.as_deref() == Some("os") {
        return Some("wolfi".into());
    }
    ctx.file.split('/').find_map(|c| {
        let c = c.trim_start_matches('v');
        let ok = c.contains('.')
            && c.split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        ok.then(|| format!("alpine:{c}"))
    })
}

type Fixes = BTreeMap<String, Option<Vec<Option<String>>>>;

fn convert(ctx: &mut Ctx<'_>, db: Secdb) -> Vec<Advisory> {
    let Some(distro) = distro(ctx, &db) else {
        ctx.warn(
            "",
            "secdb file names no distroversion and its path no release; skipped",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut packages: Vec<(String, Fixes)> = db
        .packages
        .into_iter()
        .map(|p| (p.pkg.name, p.pkg.secfixes))
        .collect();
    if let Some(name) = db.name {
        packages.push((name, db.secfixes));
    }
    for (name, secfixes) in packages {
        for (version, ids) in secfixes {
            let version = version.trim().to_owned();
            for entry in ids.unwrap_or_default().into_iter().flatten() {
                // Entries are `CVE-…`, sometimes followed by other ids (`CVE-… XSA-…`).
                let mut tokens = entry.split_whitespace();
                let Some(id) = tokens.next() else { continue };
                // A typo seen upstream: `CVE_2019-2426`.
                let fixed_id = id.strip_prefix("CVE_").map(|rest| format!("CVE-{rest}"));
                let id = fixed_id.as_deref().unwrap_or(id);
                let aliases = tokens.map(str::to_owned).collect();
                if version.is_empty() {
                    ctx.warn(id, format!("{name}: empty fixed version; skipped"));
                    continue;
                }
                let never = version == "0";
                out.push(Advisory {
                    id: id.to_owned(),
                    aliases,
                    affected: vec![Affected {
                        ecosystem: "apk".into(),
                        distro: distro.clone(),
                        name: name.clone(),
                        ranges: if never {
                            Vec::new()
                        } else {
                            vec![Range::Ecosystem {
                                events: simple_events(None, Some(&version)),
                            }]
                        },
                        versions: Vec::new(),
                        status: if never {
                            Status::NotAffected
                        } else {
                            Status::Fixed
                        },
                        fixed: (!never).then(|| version.clone()),
                        severity: None,
                        cpes: Vec::new(),
                    }],
                    ..Advisory::default()
                });
            }
        }
    }
    out
}
