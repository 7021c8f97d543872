//! The Debian security tracker JSON: `{"<srcpkg>": {"CVE-…": {"releases": {"<codename>":
//! {"status", "fixed_version", "urgency", "nodsa_reason"}}}}}`. One fragment per CVE and
//! source package; fragments merge by CVE.

use serde_json::Value;

use super::Ctx;
use crate::record::{simple_events, Advisory, Affected, Display, Range, Status};

/// `bookworm` → `debian:12`; `sid` → `debian:sid`.
fn distro(codename: &str) -> String {
    const NAMES: [&str; 11] = [
        "lenny", "squeeze", "wheezy", "jessie", "stretch", "buster", "bullseye", "bookworm",
        "trixie", "forky", "duke",
    ];
    match NAMES.iter().position(|n| *n == codename) {
        Some(i) => format!("debian:{}", i + 5),
        None => format!("debian:{codename}"),
    }
}

/// Parses the tracker JSON (the whole document).
pub fn parse(ctx: &mut Ctx<'_>, value: &Value) -> Vec<Advisory> {
    let mut out = Vec::new();
    let Some(packages) = value.as_object() else {
        return out;
    };
    for (package, cves) in packages {
        let Some(cves) = cves.as_object() else {
            ctx.warn(package, "package entry is not an object; skipped");
            continue;
        };
        for (cve, entry) in cves {
            let mut affected = Vec::new();
            // `"releases": []` occurs for entries with no release data.
            if let Some(releases) = entry.get("releases").and_then(Value::as_object) {
                for (codename, rel) in releases {
                    let s = |k: &str| rel.get(k).and_then(Value::as_str).map(str::trim);
                    let urgency = s("urgency")
                        .map(|u| u.trim_end_matches('*').to_owned())
                        .filter(|u| !u.is_empty());
                    let fixed_version = s("fixed_version").filter(|v| !v.is_empty());
                    let (status, ranges, fixed) = match s("status") {
                        Some("resolved") => match fixed_version {
                            Some("0") | None => (Status::NotAffected, Vec::new(), None),
                            Some(v) => (
                                Status::Fixed,
                                vec![Range::Ecosystem {
                                    events: simple_events(None, Some(v)),
                                }],
                                Some(v.to_owned()),
                            ),
                        },
                        Some("open") => {
                            let status = match (urgency.as_deref(), s("nodsa_reason")) {
                                (Some("end-of-life"), _) => Status::EndOfLife,
                                (_, Some("ignored")) => Status::WillNotFix,
                                (_, Some("postponed")) => Status::FixDeferred,
                                _ => Status::AffectedNoFix,
                            };
                            (
                                status,
                                vec![Range::Ecosystem {
                                    events: simple_events(None, None),
                                }],
                                None,
                            )
                        }
                        Some("undetermined") => (Status::UnderInvestigation, Vec::new(), None),
                        other => {
                            ctx.warn(
                                cve,
                                format!("{package}/{codename}: unknown status {other:?}; skipped"),
                            );
                            continue;
                        }
                    };
                    affected.push(Affected {
                        ecosystem: "deb".into(),
                        distro: distro(codename),
                        name: package.clone(),
                        ranges,
                        versions: Vec::new(),
                        status,
                        fixed,
                        severity: urgency,
                        cpes: Vec::new(),
                    });
                }
            }
            if affected.is_empty() {
                continue;
            }
            out.push(Advisory {
                id: cve.clone(),
                affected,
                display: Display {
                    summary: entry
                        .get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    ..Display::default()
                },
                ..Advisory::default()
            });
        }
    }
    out
}
