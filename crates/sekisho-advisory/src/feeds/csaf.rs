//! Red Hat CSAF 2.0: security advisories (RHSA) and VEX documents (one per CVE); and the Red
//! Hat Security Data API CVE documents (`affected_release`, `package_state`).
//!
//! Product ids are `<product>:<component>`, built by `product_tree.relationships`; the
//! product's CPE gives the release (`cpe:/o:redhat:enterprise_linux:7` → `redhat:7`), the
//! component's purl or NEVRA the rpm name, fixed version and modularity stream. The CPE itself
//! is kept with the entry ([`Affected::cpes`]: every product of the release that states the
//! same thing about the same package), so that matching can scope an entry to the
//! repositories an image's rpms came from. A module's rpm is stored as `module:stream::name`;
//! the stream comes from the purl's `rpmmod` qualifier, from a `module:stream/name`
//! reference, or, in VEX documents, from the module product the rpm is a component of
//! (`pkg:rpmmod/redhat/perl@5.32:…`, itself a component of the platform).

use std::collections::HashMap;

use serde_json::Value;

use super::{push_alias, Ctx};
use crate::record::{simple_events, Advisory, Affected, Display, Range, Severity, Status};

/// Adds `cpe` to a sorted list of CPEs without repeating it.
fn add_cpe(cpes: &mut Vec<String>, cpe: &str) {
    let cpe = cpe.trim();
    if cpe.is_empty() {
        return;
    }
    if let Err(at) = cpes.binary_search_by(|c| c.as_str().cmp(cpe)) {
        cpes.insert(at, cpe.to_owned());
    }
}

/// What makes two statements of one document the same entry: release, name, status, fixed
/// version.
type EntryKey = (String, String, &'static str, Option<String>);

/// Entries of one document by [`EntryKey`]: the same statement for
/// another product of the release adds that product's CPE to the entry instead of repeating it.
#[derive(Default)]
struct Entries {
    affected: Vec<Affected>,
    at: HashMap<EntryKey, usize>,
}

impl Entries {
    /// The entry for this key, made by `make` when it is new; `cpe` is added to it.
    fn add(&mut self, key: EntryKey, cpe: &str, make: impl FnOnce() -> Affected) {
        let i = *self.at.entry(key).or_insert_with(|| {
            self.affected.push(make());
            self.affected.len() - 1
        });
        add_cpe(&mut self.affected[i].cpes, cpe);
    }
}

/// The release a product CPE's records are stored under (their `distro`): RHEL
/// (`cpe:/o:redhat:enterprise_linux:9::baseos`, `…:enterprise_linux:10.0`) → `redhat:<major>`;
/// any other product (an extended-support stream `cpe:/a:redhat:rhel_eus:9.2::appstream`,
/// OpenShift) the CPE itself.
pub fn release_of_cpe(cpe: &str) -> String {
    let parts: Vec<&str> = cpe.split(':').collect();
    if let Some(i) = parts.iter().position(|p| *p == "enterprise_linux") {
        if let Some(major) = parts
            .get(i + 1)
            .and_then(|v| v.split('.').next())
            .filter(|m| !m.is_empty())
        {
            return format!("redhat:{major}");
        }
    }
    cpe.to_owned()
}

fn collect_branches(
    v: &Value,
    cpes: &mut HashMap<String, String>,
    purls: &mut HashMap<String, String>,
) {
    let Some(branches) = v.get("branches").and_then(Value::as_array) else {
        return;
    };
    for b in branches {
        if let Some(p) = b.get("product") {
            if let Some(id) = p.get("product_id").and_then(Value::as_str) {
                let helper = p.get("product_identification_helper");
                if let Some(cpe) = helper.and_then(|h| h.get("cpe")).and_then(Value::as_str) {
                    cpes.insert(id.to_owned(), cpe.to_owned());
                }
                if let Some(purl) = helper.and_then(|h| h.get("purl")).and_then(Value::as_str) {
                    purls.insert(id.to_owned(), purl.to_owned());
                }
            }
        }
        collect_branches(b, cpes, purls);
    }
}

/// An rpm component: name, `epoch:version-release` when known, module stream.
struct Component {
    name: String,
    evr: Option<String>,
    module: Option<String>,
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// From `pkg:rpm/redhat/name@version-release?arch=src&epoch=1&rpmmod=mod:stream:…`.
fn component_from_purl(purl: &str) -> Option<Component> {
    let rest = purl.strip_prefix("pkg:rpm/")?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let last = path.rsplit('/').next()?;
    let (name, version) = match last.split_once('@') {
        Some((n, v)) => (n, Some(percent_decode(v))),
        None => (last, None),
    };
    let mut epoch = None;
    let mut module = None;
    for kv in query.split('&') {
        match kv.split_once('=') {
            Some(("epoch", e)) => epoch = Some(e.to_owned()),
            Some(("rpmmod", m)) => {
                let m = percent_decode(m);
                let mut it = m.split(':');
                if let (Some(n), Some(s)) = (it.next(), it.next()) {
                    module = Some(format!("{n}:{s}"));
                }
            }
            _ => {}
        }
    }
    let evr = version.map(|v| format!("{}:{v}", epoch.as_deref().unwrap_or("0")));
    Some(Component {
        name: percent_decode(name),
        evr,
        module,
    })
}

/// rpm architectures that end a NEVRA.
const ARCHES: [&str; 14] = [
    "src", "nosrc", "noarch", "x86_64", "i686", "i586", "i386", "aarch64", "ppc64le", "ppc64",
    "ppc", "s390x", "s390", "armv7hl",
];

/// From a NEVRA product reference `python3.9-0:3.9.18-3.el9_4.5.src`, a NEVR without the
/// architecture (`bind-32:9.11.4-26.P2.el7_9.13`), or a bare name.
fn component_from_nevra(s: &str) -> Component {
    let bare = || Component {
        name: s.to_owned(),
        evr: None,
        module: None,
    };
    let Some((n_ev, release_arch)) = s.rsplit_once('-') else {
        return bare();
    };
    let Some((name, ev)) = n_ev.rsplit_once('-') else {
        return bare();
    };
    if !ev.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return bare();
    }
    let release = match release_arch.rsplit_once('.') {
        Some((r, arch)) if ARCHES.contains(&arch) => r,
        _ => release_arch,
    };
    let ev = if ev.contains(':') {
        ev.to_owned()
    } else {
        format!("0:{ev}")
    };
    Component {
        name: name.to_owned(),
        evr: Some(format!("{ev}-{release}")),
        module: None,
    }
}

/// A component reference without a purl: a NEVRA, or `module:stream/name` (VEX writes a
/// module's unfixed component so).
fn component_from_ref(s: &str) -> Component {
    if let Some((module, name)) = s.split_once('/') {
        let mut parts = module.split(':');
        if let (Some(m), Some(stream)) = (parts.next(), parts.next()) {
            if !m.is_empty() && !stream.is_empty() && !name.is_empty() && !name.contains(':') {
                return Component {
                    name: name.to_owned(),
                    evr: None,
                    module: Some(format!("{m}:{stream}")),
                };
            }
        }
    }
    component_from_nevra(s)
}

/// The `name:stream` of a module product: from its purl (`pkg:rpmmod/redhat/perl@5.32:…`),
/// else from its product id (`perl:5.32:8100020240314121426:9fe1d287`); `None` for anything
/// else (a middle product that is not a module).
fn module_stream(product: &str, purl: Option<&String>) -> Option<String> {
    if let Some(rest) = purl.and_then(|p| p.strip_prefix("pkg:rpmmod/")) {
        let path = rest.split(['?', '#']).next().unwrap_or(rest);
        let last = path.rsplit('/').next().unwrap_or(path);
        if let Some((name, version)) = last.split_once('@') {
            let version = percent_decode(version);
            let stream = version.split(':').next().unwrap_or("");
            if !name.is_empty() && !stream.is_empty() {
                return Some(format!("{}:{stream}", percent_decode(name)));
            }
        }
    }
    // Only a full `name:stream:version:context` id with a numeric version is a module's.
    let parts: Vec<&str> = product.split(':').collect();
    match parts.as_slice() {
        [name, stream, version, _context]
            if !name.is_empty()
                && !stream.is_empty()
                && !version.is_empty()
                && version.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(format!("{name}:{stream}"))
        }
        _ => None,
    }
}

/// Whether a JSON document is a Red Hat Security Data API CVE record (`name`,
/// `affected_release`, `package_state`).
pub fn is_security_api(v: &Value) -> bool {
    v["name"].as_str().is_some_and(|n| n.starts_with("CVE-"))
        && (v.get("affected_release").is_some() || v.get("package_state").is_some())
}

/// Parses one Red Hat Security Data API CVE document: `affected_release` (fixed NEVR per
/// CPE) and `package_state` (`fix_state` per package and CPE).
pub fn parse_security_api(ctx: &mut Ctx<'_>, doc: &Value) -> Vec<Advisory> {
    let Some(id) = doc["name"].as_str().map(str::to_owned) else {
        return Vec::new();
    };
    let mut entries = Entries::default();
    let mut push = |cpe: &str,
                    name: String,
                    status: Status,
                    fixed: Option<String>,
                    severity: Option<String>| {
        let distro = release_of_cpe(cpe);
        let key = (distro.clone(), name.clone(), status.as_str(), fixed.clone());
        entries.add(key, cpe, || {
            let ranges = match status {
                Status::NotAffected | Status::UnderInvestigation => Vec::new(),
                _ => vec![Range::Ecosystem {
                    events: simple_events(None, fixed.as_deref()),
                }],
            };
            Affected {
                ecosystem: "rpm".into(),
                distro,
                name,
                ranges,
                versions: Vec::new(),
                status,
                fixed,
                severity,
                cpes: Vec::new(),
            }
        });
    };
    let impact = doc["threat_severity"].as_str().map(str::to_owned);
    for rel in doc["affected_release"].as_array().into_iter().flatten() {
        let (Some(cpe), Some(package)) = (rel["cpe"].as_str(), rel["package"].as_str()) else {
            continue;
        };
        let c = component_from_nevra(package);
        if c.evr.is_none() {
            ctx.warn(
                &id,
                format!("affected_release package {package:?} is not a NEVR; skipped"),
            );
            continue;
        }
        push(cpe, c.name, Status::Fixed, c.evr, impact.clone());
    }
    for st in doc["package_state"].as_array().into_iter().flatten() {
        let (Some(cpe), Some(package)) = (st["cpe"].as_str(), st["package_name"].as_str()) else {
            continue;
        };
        let status = match st["fix_state"].as_str().unwrap_or("") {
            "Affected" => Status::AffectedNoFix,
            "Will not fix" => Status::WillNotFix,
            "Fix deferred" => Status::FixDeferred,
            "Out of support scope" => Status::EndOfLife,
            "Not affected" => Status::NotAffected,
            "New" | "Under investigation" => Status::UnderInvestigation,
            other => {
                ctx.warn(
                    &id,
                    format!("{package}: unknown fix_state {other:?}; skipped"),
                );
                continue;
            }
        };
        // Modular packages are written `module:stream/name`.
        let name = match package.split_once('/') {
            Some((stream, n)) => format!("{stream}::{n}"),
            None => package.to_owned(),
        };
        push(cpe, name, status, None, impact.clone());
    }
    let affected = entries.affected;
    let mut severity = Vec::new();
    let cvss: Vec<String> = ["cvss3", "cvss"]
        .iter()
        .filter_map(|k| {
            doc[*k][format!("{k}_scoring_vector")]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    if impact.is_some() || !cvss.is_empty() {
        severity.push(Severity {
            source: ctx.source.to_owned(),
            label: impact,
            cvss,
            score: None,
        });
    }
    let text = |v: &Value| match v {
        Value::Array(a) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Value::String(s) => Some(s.clone()),
        _ => None,
    };
    vec![Advisory {
        severity,
        affected,
        display: Display {
            summary: doc["bugzilla"]["description"].as_str().map(str::to_owned),
            details: text(&doc["details"]),
            references: doc["references"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .flat_map(|r| r.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
                .collect(),
            published: doc["public_date"].as_str().map(str::to_owned),
            modified: None,
        },
        id,
        ..Advisory::default()
    }]
}

/// Parses one CSAF document.
pub fn parse(ctx: &mut Ctx<'_>, doc: &Value) -> Vec<Advisory> {
    let document = &doc["document"];
    let Some(id) = document["tracking"]["id"].as_str().map(str::to_owned) else {
        ctx.warn("", "CSAF document without document.tracking.id; skipped");
        return Vec::new();
    };
    let mut cpes = HashMap::new();
    let mut purls = HashMap::new();
    collect_branches(&doc["product_tree"], &mut cpes, &mut purls);
    // product id → (platform product, component product)
    let mut relations: HashMap<String, (String, String)> = HashMap::new();
    for rel in doc["product_tree"]["relationships"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let pid = rel["full_product_name"]["product_id"].as_str();
        let comp = rel["product_reference"].as_str();
        let platform = rel["relates_to_product_reference"].as_str();
        if let (Some(pid), Some(comp), Some(platform)) = (pid, comp, platform) {
            relations.insert(pid.to_owned(), (platform.to_owned(), comp.to_owned()));
        }
    }
    let resolve = |pid: &str| -> Option<(String, Component)> {
        let (first, comp) = relations.get(pid)?;
        let mut platform: &String = first;
        // A module's rpm in a VEX document is a component of the module, which is a
        // component of the platform: `AppStream-8.10.0.GA:perl:5.32:8100…:9fe1d287:perl-…`
        // relates to `AppStream-8.10.0.GA:perl:5.32:8100…:9fe1d287`, itself a relationship
        // whose product is the module (`pkg:rpmmod/redhat/perl@5.32:8100…:9fe1d287`).
        let mut module = None;
        if !cpes.contains_key(platform) {
            let (outer, module_ref) = relations.get(platform)?;
            module = Some(module_stream(module_ref, purls.get(module_ref))?);
            platform = outer;
        }
        let cpe = cpes.get(platform)?.clone();
        let mut c = purls
            .get(comp)
            .and_then(|p| component_from_purl(p))
            .unwrap_or_else(|| component_from_ref(comp));
        if c.name.is_empty() {
            c = component_from_ref(comp);
        }
        if c.module.is_none() {
            c.module = module;
        }
        Some((cpe, c))
    };
    let mut aliases = Vec::new();
    let mut severity = Vec::new();
    let mut entries = Entries::default();
    let mut details = None;
    let mut references = Vec::new();
    for r in document["references"].as_array().into_iter().flatten() {
        if let Some(u) = r["url"].as_str() {
            references.push(u.to_owned());
        }
    }
    if let Some(s) = document["aggregate_severity"]["text"].as_str() {
        severity.push(Severity {
            source: ctx.source.to_owned(),
            label: Some(s.to_owned()),
            cvss: Vec::new(),
            score: None,
        });
    }
    for vuln in doc["vulnerabilities"].as_array().into_iter().flatten() {
        let cve = vuln["cve"].as_str().unwrap_or("");
        push_alias(&mut aliases, &id, cve);
        if details.is_none() {
            details = vuln["notes"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|n| n["category"] == "description")
                .and_then(|n| n["text"].as_str())
                .map(str::to_owned);
        }
        for score in vuln["scores"].as_array().into_iter().flatten() {
            let cvss: Vec<String> = ["cvss_v3", "cvss_v2"]
                .iter()
                .filter_map(|k| score[*k]["vectorString"].as_str().map(str::to_owned))
                .collect();
            if !cvss.is_empty() && !severity.iter().any(|s: &Severity| s.cvss == cvss) {
                severity.push(Severity {
                    source: ctx.source.to_owned(),
                    label: None,
                    cvss,
                    score: None,
                });
            }
        }
        // Remediation and impact per product id.
        let mut remediation: HashMap<&str, (&str, &str)> = HashMap::new();
        for rem in vuln["remediations"].as_array().into_iter().flatten() {
            let cat = rem["category"].as_str().unwrap_or("");
            let det = rem["details"].as_str().unwrap_or("");
            for pid in rem["product_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                // A vendor fix outranks a workaround for the same product.
                if cat != "workaround" || !remediation.contains_key(pid) {
                    remediation.insert(pid, (cat, det));
                }
            }
        }
        let mut impact: HashMap<&str, &str> = HashMap::new();
        for t in vuln["threats"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["category"] == "impact")
        {
            let det = t["details"].as_str().unwrap_or("");
            for pid in t["product_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                impact.insert(pid, det);
            }
        }
        let status_lists = [
            ("fixed", Status::Fixed),
            ("first_fixed", Status::Fixed),
            ("known_affected", Status::AffectedNoFix),
            ("known_not_affected", Status::NotAffected),
            ("under_investigation", Status::UnderInvestigation),
        ];
        for (key, base) in status_lists {
            for pid in vuln["product_status"][key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let Some((cpe, comp)) = resolve(pid) else {
                    // Products that are not RPM components of a known platform (images, …).
                    continue;
                };
                let status = match base {
                    Status::AffectedNoFix => match remediation.get(pid) {
                        Some(("no_fix_planned", det))
                            if det.to_ascii_lowercase().contains("out of support") =>
                        {
                            Status::EndOfLife
                        }
                        Some(("no_fix_planned", _)) => Status::WillNotFix,
                        Some(("none_available", det))
                            if det.to_ascii_lowercase().contains("deferred") =>
                        {
                            Status::FixDeferred
                        }
                        _ => Status::AffectedNoFix,
                    },
                    s => s,
                };
                let name = match &comp.module {
                    Some(m) => format!("{m}::{}", comp.name),
                    None => comp.name.clone(),
                };
                let fixed = (status == Status::Fixed)
                    .then(|| comp.evr.clone())
                    .flatten();
                let distro = release_of_cpe(&cpe);
                let key = (distro.clone(), name.clone(), status.as_str(), fixed.clone());
                let severity = impact.get(pid).map(|s| (*s).to_owned());
                entries.add(key, &cpe, || {
                    let ranges = match status {
                        Status::Fixed
                        | Status::AffectedNoFix
                        | Status::WillNotFix
                        | Status::FixDeferred
                        | Status::EndOfLife => {
                            vec![Range::Ecosystem {
                                events: simple_events(None, fixed.as_deref()),
                            }]
                        }
                        _ => Vec::new(),
                    };
                    Affected {
                        ecosystem: "rpm".into(),
                        distro,
                        name,
                        ranges,
                        versions: Vec::new(),
                        status,
                        fixed,
                        severity,
                        cpes: Vec::new(),
                    }
                });
            }
        }
    }
    vec![Advisory {
        aliases,
        severity,
        withdrawn: None,
        affected: entries.affected,
        display: Display {
            summary: document["title"].as_str().map(str::to_owned),
            details,
            references,
            published: document["tracking"]["initial_release_date"]
                .as_str()
                .map(str::to_owned),
            modified: document["tracking"]["current_release_date"]
                .as_str()
                .map(str::to_owned),
        },
        id,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Warning;

    fn ctx_run<T>(f: impl FnOnce(&mut Ctx<'_>) -> T) -> (T, Vec<Warning>) {
        let mut warnings = Vec::new();
        let mut ctx = Ctx {
            source: "redhat",
            file: "x.json",
            warnings: &mut warnings,
        };
        let out = f(&mut ctx);
        (out, warnings)
    }

    /// The same statement for two products of one release is one entry with both CPEs;
    /// another fix is another entry with its own.
    #[test]
    fn entries_keep_their_products_cpes() {
        let product = |id: &str, cpe: &str| {
            serde_json::json!({"category": "product_name", "name": id,
                "product": {"name": id, "product_id": id,
                            "product_identification_helper": {"cpe": cpe}}})
        };
        let rel = |platform: &str, comp: &str| {
            serde_json::json!({"category": "default_component_of",
                "full_product_name": {"name": "x", "product_id": format!("{platform}:{comp}")},
                "product_reference": comp, "relates_to_product_reference": platform})
        };
        let doc = serde_json::json!({
            "document": {"category": "csaf_vex", "tracking": {"id": "CVE-2099-1"}},
            "product_tree": {
                "branches": [{"category": "vendor", "name": "Red Hat", "branches": [
                    product("AppStream-9", "cpe:/a:redhat:enterprise_linux:9::appstream"),
                    product("SAP-9", "cpe:/a:redhat:enterprise_linux:9::sap_hana"),
                    product("EUS-9.2", "cpe:/a:redhat:rhel_eus:9.2::appstream"),
                    product("red_hat_enterprise_linux_9", "cpe:/o:redhat:enterprise_linux:9")
                ]}],
                "relationships": [
                    rel("AppStream-9", "pkg-0:1.0-2.el9.x86_64"),
                    rel("SAP-9", "pkg-0:1.0-2.el9.x86_64"),
                    rel("EUS-9.2", "pkg-0:1.0-1.el9_2.x86_64"),
                    rel("red_hat_enterprise_linux_9", "other")
                ]
            },
            "vulnerabilities": [{"cve": "CVE-2099-1", "product_status": {
                "fixed": ["AppStream-9:pkg-0:1.0-2.el9.x86_64", "SAP-9:pkg-0:1.0-2.el9.x86_64",
                          "EUS-9.2:pkg-0:1.0-1.el9_2.x86_64"],
                "known_affected": ["red_hat_enterprise_linux_9:other"]}}]
        });
        let (advs, warnings) = ctx_run(|ctx| parse(ctx, &doc));
        assert!(warnings.is_empty(), "{warnings:?}");
        let got: Vec<(&str, &str, Vec<&str>)> = advs[0]
            .affected
            .iter()
            .map(|a| {
                (
                    a.distro.as_str(),
                    a.name.as_str(),
                    a.cpes.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "redhat:9",
                    "pkg",
                    vec![
                        "cpe:/a:redhat:enterprise_linux:9::appstream",
                        "cpe:/a:redhat:enterprise_linux:9::sap_hana"
                    ]
                ),
                (
                    "cpe:/a:redhat:rhel_eus:9.2::appstream",
                    "pkg",
                    vec!["cpe:/a:redhat:rhel_eus:9.2::appstream"]
                ),
                (
                    "redhat:9",
                    "other",
                    vec!["cpe:/o:redhat:enterprise_linux:9"]
                ),
            ]
        );

        let api = serde_json::json!({"name": "CVE-2099-2",
            "affected_release": [
                {"cpe": "cpe:/a:redhat:enterprise_linux:8::appstream", "package": "pkg-0:1.0-2.el8"},
                {"cpe": "cpe:/a:redhat:enterprise_linux:8::crb", "package": "pkg-0:1.0-2.el8"}],
            "package_state": [
                {"cpe": "cpe:/o:redhat:enterprise_linux:8", "package_name": "other", "fix_state": "Will not fix"}]});
        let (advs, _) = ctx_run(|ctx| parse_security_api(ctx, &api));
        let cpes: Vec<&Vec<String>> = advs[0].affected.iter().map(|a| &a.cpes).collect();
        assert_eq!(
            cpes,
            [
                &vec![
                    "cpe:/a:redhat:enterprise_linux:8::appstream".to_string(),
                    "cpe:/a:redhat:enterprise_linux:8::crb".to_string()
                ],
                &vec!["cpe:/o:redhat:enterprise_linux:8".to_string()]
            ]
        );
    }

    #[test]
    fn nevra_and_purl() {
        let c = component_from_nevra("python3.9-0:3.9.18-3.el9_4.5.src");
        assert_eq!(c.name, "python3.9");
        assert_eq!(c.evr.as_deref(), Some("0:3.9.18-3.el9_4.5"));
        let c = component_from_purl("pkg:rpm/redhat/nodejs@18.1-2.module%2Bel8?arch=src&epoch=1&rpmmod=nodejs:18:8090020230810")
            .unwrap();
        assert_eq!(c.name, "nodejs");
        assert_eq!(c.evr.as_deref(), Some("1:18.1-2.module+el8"));
        assert_eq!(c.module.as_deref(), Some("nodejs:18"));
        assert_eq!(
            release_of_cpe("cpe:/a:redhat:enterprise_linux:9::appstream"),
            "redhat:9"
        );
        let c = component_from_ref("nodejs:12/nodejs");
        assert_eq!(
            (c.name.as_str(), c.module.as_deref()),
            ("nodejs", Some("nodejs:12"))
        );
        let c = component_from_ref("perl-Carp-0:1.50-439.module+el8.10.0+21354+3ad137bb.noarch");
        assert_eq!(c.name, "perl-Carp");
        assert_eq!(c.module, None);
        assert_eq!(
            module_stream(
                "perl:5.32:8100020240314121426:9fe1d287",
                Some(&"pkg:rpmmod/redhat/perl@5.32:8100020240314121426:9fe1d287".to_string())
            )
            .as_deref(),
            Some("perl:5.32")
        );
        assert_eq!(
            module_stream("httpd:2.4:8100020240612075645:489197e6", None).as_deref(),
            Some("httpd:2.4")
        );
        assert_eq!(module_stream("AppStream-8.10.0.GA", None), None);
        assert_eq!(module_stream("openshift4/ose-cli:v4.12", None), None);
    }
}
