//! OSV records in JSON or YAML: GHSA, PyPA, Go vulndb, Debian (`DEBIAN-CVE`, `DSA`), Ubuntu,
//! and any OSV.dev dump.

use serde::Deserialize;
use serde_json::Value;

use super::{nullable, push_alias, Ctx};
use crate::ecosystem::{from_osv, normalize_name};
use crate::record::{Advisory, Affected, Display, Event, Range, Severity, Status};

#[derive(Deserialize)]
struct Osv {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    aliases: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    upstream: Vec<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    severity: Vec<OsvSeverity>,
    #[serde(default, deserialize_with = "nullable")]
    affected: Vec<OsvAffected>,
    #[serde(default, deserialize_with = "nullable")]
    references: Vec<OsvReference>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct OsvSeverity {
    #[serde(default)]
    score: Option<String>,
}

#[derive(Deserialize)]
struct OsvReference {
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
struct OsvAffected {
    #[serde(default)]
    package: Option<OsvPackage>,
    #[serde(default, deserialize_with = "nullable")]
    ranges: Vec<OsvRange>,
    #[serde(default, deserialize_with = "nullable")]
    versions: Vec<String>,
    #[serde(default)]
    ecosystem_specific: Option<Value>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct OsvPackage {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct OsvRange {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
    events: Vec<OsvEvent>,
}

#[derive(Deserialize)]
struct OsvEvent {
    #[serde(default)]
    introduced: Option<String>,
    #[serde(default)]
    fixed: Option<String>,
    #[serde(default)]
    last_affected: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

/// Parses one OSV JSON document.
pub fn parse_json(ctx: &mut Ctx<'_>, value: Value) -> Vec<Advisory> {
    match serde_json::from_value::<Osv>(value) {
        Ok(osv) => convert(ctx, osv).into_iter().collect(),
        Err(e) => {
            ctx.warn("", format!("not an OSV record: {e}"));
            Vec::new()
        }
    }
}

/// Parses one OSV YAML document (every scalar read as a string, so `1.10` stays `1.10`).
pub fn parse_yaml(ctx: &mut Ctx<'_>, text: &str) -> Vec<Advisory> {
    match serde_yaml_ng::from_str::<Osv>(text) {
        Ok(osv) => convert(ctx, osv).into_iter().collect(),
        Err(e) => {
            ctx.warn("", format!("not an OSV record: {e}"));
            Vec::new()
        }
    }
}

fn str_at<'a>(v: &'a Option<Value>, key: &str) -> Option<&'a str> {
    v.as_ref()?.get(key)?.as_str()
}

fn convert(ctx: &mut Ctx<'_>, osv: Osv) -> Option<Advisory> {
    if osv.id.trim().is_empty() {
        ctx.warn("", "OSV record without an id");
        return None;
    }
    let mut aliases = Vec::new();
    for a in osv.aliases.iter().chain(&osv.upstream) {
        push_alias(&mut aliases, &osv.id, a);
    }
    let cvss: Vec<String> = osv
        .severity
        .into_iter()
        .filter_map(|s| s.score)
        .filter(|s| !s.is_empty())
        .collect();
    let label = str_at(&osv.database_specific, "severity").map(str::to_owned);
    let mut severity = Vec::new();
    if label.is_some() || !cvss.is_empty() {
        severity.push(Severity {
            source: ctx.source.to_owned(),
            label,
            cvss,
            score: None,
        });
    }
    let mut affected = Vec::new();
    for (i, a) in osv.affected.into_iter().enumerate() {
        let Some(pkg) = a.package else { continue };
        if pkg.ecosystem.is_empty() || pkg.name.is_empty() {
            ctx.warn(
                &osv.id,
                format!("affected[{i}] has no package ecosystem or name; skipped"),
            );
            continue;
        }
        let (ecosystem, distro) = from_osv(&pkg.ecosystem);
        let mut ranges = Vec::new();
        for r in a.ranges {
            let events: Vec<Event> = r
                .events
                .into_iter()
                .filter_map(|e| {
                    e.introduced
                        .map(Event::Introduced)
                        .or(e.fixed.map(Event::Fixed))
                        .or(e.last_affected.map(Event::LastAffected))
                        .or(e.limit.map(Event::Limit))
                })
                .collect();
            match r.kind.as_str() {
                "ECOSYSTEM" => ranges.push(Range::Ecosystem { events }),
                "SEMVER" => ranges.push(Range::Semver { events }),
                _ => {}
            }
        }
        if ranges.is_empty() && a.versions.is_empty() {
            // Only GIT ranges: nothing a package version can be matched against.
            continue;
        }
        let fixed = ranges
            .iter()
            .flat_map(|r| r.events())
            .find_map(|e| match e {
                Event::Fixed(v) => Some(v.clone()),
                _ => None,
            });
        let status = if fixed.is_some() {
            Status::Fixed
        } else {
            Status::AffectedNoFix
        };
        let entry_severity = str_at(&a.ecosystem_specific, "urgency")
            .or_else(|| str_at(&a.ecosystem_specific, "ubuntu_priority"))
            .or_else(|| str_at(&a.ecosystem_specific, "severity"))
            .or_else(|| str_at(&a.database_specific, "severity"))
            .map(str::to_owned);
        affected.push(Affected {
            name: normalize_name(&ecosystem, &pkg.name),
            ecosystem,
            distro,
            ranges,
            versions: a.versions,
            status,
            fixed,
            severity: entry_severity,
            cpes: Vec::new(),
        });
    }
    Some(Advisory {
        id: osv.id,
        aliases,
        severity,
        withdrawn: osv.withdrawn,
        affected,
        display: Display {
            summary: osv.summary,
            details: osv.details,
            references: osv.references.into_iter().filter_map(|r| r.url).collect(),
            published: osv.published,
            modified: osv.modified,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_stay_strings() {
        let text = "id: PYSEC-0000-1\nmodified: 2024-01-01T00:00:00Z\naliases: ~\naffected:\n- package:\n    name: Foo.Bar\n    ecosystem: PyPI\n  ranges:\n  - type: GIT\n    repo: x\n    events:\n    - introduced: abc\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.10\n  versions:\n  - 1.10\n  - \"1.9\"\nwithdrawn: 2024-02-02\n";
        let mut warnings = Vec::new();
        let mut ctx = Ctx {
            source: "s",
            file: "f.yaml",
            warnings: &mut warnings,
        };
        let recs = parse_yaml(&mut ctx, text);
        assert!(warnings.is_empty(), "{warnings:?}");
        let a = &recs[0].affected[0];
        assert_eq!(a.name, "foo-bar");
        assert_eq!(a.versions, vec!["1.10", "1.9"]);
        assert_eq!(
            a.ranges,
            vec![Range::Ecosystem {
                events: vec![Event::Introduced("0".into()), Event::Fixed("1.10".into())]
            }]
        );
        assert_eq!(recs[0].withdrawn.as_deref(), Some("2024-02-02"));
    }

    #[test]
    fn malformed_records_warn() {
        let mut warnings = Vec::new();
        let mut ctx = Ctx {
            source: "s",
            file: "x/GHSA-1.json",
            warnings: &mut warnings,
        };
        let v = serde_json::json!({"id": "GHSA-1", "affected": [{"package": {"ecosystem": "npm"}, "ranges": []}, 7]});
        assert!(parse_json(&mut ctx, v).is_empty());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].to_string().contains("x/GHSA-1.json"));
    }
}
