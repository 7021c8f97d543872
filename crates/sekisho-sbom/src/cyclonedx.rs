//! CycloneDX 1.6 JSON (<https://cyclonedx.org/docs/1.6/json/>).

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{json, Value};

use std::collections::{BTreeSet, HashMap};

use crate::{stable_uuid, TOOL_NAME, TOOL_VERSION};
use sekisho_model::{vulnerability_source, Finding, FindingKind, Package, Report};

/// Write the report as a CycloneDX 1.6 JSON document (pretty-printed, keys sorted). Components
/// and vulnerabilities are built and written one at a time, so memory does not grow with a JSON
/// tree of the whole document (100,000 packages took 1.5 GB that way). The `vulnerabilities`
/// section is written when the report has vulnerability findings: one entry per ID, affecting
/// every component a finding of that ID names.
pub fn write(inv: &Report, out: impl std::io::Write) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(out, &Document(inv))
}

/// The document as a string (tests, small reports).
pub fn render(inv: &Report) -> String {
    let mut buf = Vec::new();
    // Writing JSON of in-memory data to a Vec cannot fail.
    let _ = write(inv, &mut buf);
    String::from_utf8(buf).unwrap_or_default() + "\n"
}

const IMAGE_REF: &str = "image";

struct Document<'a>(&'a Report);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let image_version = inv
            .source
            .manifest_digest
            .clone()
            .or_else(|| inv.source.image_id.clone())
            .unwrap_or_default();
        let mut image = json!({
            "bom-ref": IMAGE_REF,
            "type": "container",
            "name": inv.source.name(),
        });
        if !image_version.is_empty() {
            image["version"] = json!(image_version);
        }
        // Keys in sorted order, as a JSON map with sorted keys writes them.
        let has_vulns = inv
            .findings()
            .iter()
            .any(|f| f.kind == FindingKind::Vulnerability && f.vulnerability.is_some());
        let mut m = s.serialize_map(Some(8 + usize::from(has_vulns)))?;
        m.serialize_entry("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json")?;
        m.serialize_entry("bomFormat", "CycloneDX")?;
        m.serialize_entry("components", &Components(inv))?;
        m.serialize_entry("dependencies", &Dependencies(inv))?;
        m.serialize_entry(
            "metadata",
            &json!({
                "component": image,
                "timestamp": inv.created.to_string(),
                "tools": {"components": [{"name": TOOL_NAME, "type": "application", "version": TOOL_VERSION}]},
            }),
        )?;
        m.serialize_entry("serialNumber", &format!("urn:uuid:{}", stable_uuid(inv)))?;
        m.serialize_entry("specVersion", "1.6")?;
        m.serialize_entry("version", &1)?;
        if has_vulns {
            m.serialize_entry("vulnerabilities", &Vulnerabilities(inv))?;
        }
        m.end()
    }
}

fn os_ref(os: &sekisho_model::OsInfo) -> String {
    format!("os:{}@{}", os.id, os.version)
}

fn bom_ref(i: usize, pkg: &Package) -> String {
    format!("{}#{i}", pkg.purl)
}

/// The operating system, then every package, each made when it is written.
struct Components<'a>(&'a Report);

impl Serialize for Components<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let mut seq = s.serialize_seq(None)?;
        if let Some(os) = &inv.os {
            let mut c = json!({
                "bom-ref": os_ref(os),
                "type": "operating-system",
                "name": os.id,
                "version": os.version,
                "description": os.pretty_name,
            });
            // Red Hat content sets: the repositories the image's rpms were installed from.
            let sets: Vec<Value> = os
                .content_manifests
                .iter()
                .flat_map(|m| &m.content_sets)
                .map(|set| json!({"name": "sekisho:os:contentSet", "value": set}))
                .collect();
            if !sets.is_empty() {
                c["properties"] = Value::Array(sets);
            }
            seq.serialize_element(&c)?;
        }
        for (i, pkg) in inv.packages.iter().enumerate() {
            seq.serialize_element(&component(pkg, &bom_ref(i, pkg)))?;
        }
        seq.end()
    }
}

/// One entry of `dependencies` (fields in sorted order, like the rest of the document).
#[derive(serde::Serialize)]
struct Dependency<'a> {
    #[serde(rename = "dependsOn")]
    depends_on: DependsOn<'a>,
    #[serde(rename = "ref")]
    reference: &'static str,
}

/// The image's entry, then one per package whose source recorded its dependencies.
struct Dependencies<'a>(&'a Report);

impl Serialize for Dependencies<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let mut seq = s.serialize_seq(None)?;
        seq.serialize_element(&Dependency {
            depends_on: DependsOn(inv),
            reference: IMAGE_REF,
        })?;
        for (i, to) in crate::dependency_edges(inv) {
            let refs: Vec<String> = to.iter().map(|&j| bom_ref(j, &inv.packages[j])).collect();
            seq.serialize_element(&json!({
                "dependsOn": refs,
                "ref": bom_ref(i, &inv.packages[i]),
            }))?;
        }
        seq.end()
    }
}

/// The image depends on the OS and every package.
struct DependsOn<'a>(&'a Report);

impl Serialize for DependsOn<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let mut seq = s.serialize_seq(None)?;
        if let Some(os) = &inv.os {
            seq.serialize_element(&os_ref(os))?;
        }
        for (i, pkg) in inv.packages.iter().enumerate() {
            seq.serialize_element(&bom_ref(i, pkg))?;
        }
        seq.end()
    }
}

fn component(pkg: &Package, bom_ref: &str) -> Value {
    let mut c = json!({
        "bom-ref": bom_ref,
        "type": "library",
        "name": pkg.name,
        "version": pkg.version,
        "purl": pkg.purl,
    });
    if !pkg.supplier.is_empty() {
        c["supplier"] = json!({"name": pkg.supplier});
    }
    if !pkg.licenses.is_empty() {
        c["licenses"] = Value::Array(
            pkg.licenses
                .iter()
                .map(|l| json!({"license": {"name": l}}))
                .collect(),
        );
    }
    let mut props = vec![
        json!({"name": "sekisho:package:type", "value": pkg.kind.as_str()}),
        json!({"name": "sekisho:location:path", "value": pkg.path}),
        json!({"name": "sekisho:layer:index", "value": pkg.layer.index.to_string()}),
    ];
    if !pkg.layer.diff_id.is_empty() {
        props.push(json!({"name": "sekisho:layer:diffID", "value": pkg.layer.diff_id}));
    }
    if !pkg.source_name.is_empty() {
        props.push(json!({"name": "sekisho:package:srcName", "value": pkg.source_name}));
    }
    if !pkg.source_version.is_empty() {
        props.push(json!({"name": "sekisho:package:srcVersion", "value": pkg.source_version}));
    }
    if !pkg.arch.is_empty() {
        props.push(json!({"name": "sekisho:package:arch", "value": pkg.arch}));
    }
    if pkg.dev {
        c["scope"] = json!("optional");
        props.push(json!({"name": "sekisho:package:dev", "value": "true"}));
    }
    if let Some(owner) = &pkg.owner {
        props.push(json!({"name": "sekisho:package:owner", "value": owner}));
    }
    if let Some(reason) = &pkg.third_party {
        props.push(json!({"name": "sekisho:package:thirdParty", "value": reason}));
    }
    if let Some(label) = &pkg.modularity_label {
        props.push(json!({"name": "sekisho:package:modularityLabel", "value": label}));
    }
    c["properties"] = Value::Array(props);
    c
}

/// Which component a vulnerability finding is about: the package with the finding's purl at the
/// finding's path (the same purl can be installed at several paths: two copies of a library),
/// else the first package with that purl.
struct PackageIndex<'a> {
    by_location: HashMap<(&'a str, &'a str), usize>,
    by_purl: HashMap<&'a str, usize>,
}

impl<'a> PackageIndex<'a> {
    fn new(inv: &'a Report) -> Self {
        let mut by_location = HashMap::new();
        let mut by_purl = HashMap::new();
        for (i, p) in inv.packages.iter().enumerate() {
            by_location
                .entry((p.purl.as_str(), p.path.trim_start_matches('/')))
                .or_insert(i);
            by_purl.entry(p.purl.as_str()).or_insert(i);
        }
        PackageIndex {
            by_location,
            by_purl,
        }
    }

    fn find(&self, purl: &str, path: Option<&str>) -> Option<usize> {
        let path = path.unwrap_or_default().trim_start_matches('/');
        self.by_location
            .get(&(purl, path))
            .or_else(|| self.by_purl.get(purl))
            .copied()
    }
}

/// One entry per vulnerability ID, in the order the report lists the IDs (most severe first),
/// each made when it is written.
struct Vulnerabilities<'a>(&'a Report);

impl Serialize for Vulnerabilities<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let mut order: Vec<&str> = Vec::new();
        let mut by_id: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in inv.findings() {
            if f.kind != FindingKind::Vulnerability || f.vulnerability.is_none() {
                continue;
            }
            by_id
                .entry(f.id.as_str())
                .or_insert_with(|| {
                    order.push(f.id.as_str());
                    Vec::new()
                })
                .push(f);
        }
        let index = PackageIndex::new(inv);
        let mut seq = s.serialize_seq(Some(order.len()))?;
        for id in order {
            seq.serialize_element(&vulnerability(inv, &index, id, &by_id[id]))?;
        }
        seq.end()
    }
}

/// `{name, url}` of the source publishing `id`.
fn source_of(id: &str) -> Value {
    let (name, url) = vulnerability_source(id);
    json!({"name": name, "url": url})
}

/// The CycloneDX scoring method of a CVSS vector.
fn cvss_method(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:3.1/") {
        "CVSSv31"
    } else if vector.starts_with("CVSS:3.0/") {
        "CVSSv3"
    } else if vector.starts_with("CVSS:4.0/") {
        "CVSSv4"
    } else if vector.starts_with("AV:") || vector.starts_with("CVSS:2") {
        "CVSSv2"
    } else {
        "other"
    }
}

/// A finding's rating: the severity, with the CVSS score, method and vector when a vector was
/// scored, else method `other` (a distro's or a feed's label); the source is the feed that
/// gave it.
fn rating(f: &Finding) -> Value {
    let mut r = json!({"severity": f.severity.as_str().to_ascii_lowercase()});
    let Some(v) = &f.vulnerability else {
        return r;
    };
    if let Some(score) = v.score {
        r["score"] = json!(score);
    }
    match &v.cvss {
        Some(vector) => {
            r["method"] = json!(cvss_method(vector));
            r["vector"] = json!(vector);
        }
        None if !v.severity_source.is_empty() => r["method"] = json!("other"),
        None => {}
    }
    if !v.severity_source.is_empty() {
        // `cvss (ghsa)`, `distro (debian)`, `label (osv)`: the feed is in parentheses.
        let name = v
            .severity_source
            .split_once('(')
            .map_or(v.severity_source.as_str(), |(_, rest)| {
                rest.trim_end_matches(')')
            });
        r["source"] = json!({"name": name});
        r["justification"] = json!(v.severity_source);
    }
    r
}

/// The impact analysis a feed's status implies (CycloneDX 1.6 `impactAnalysisState` and
/// `response`): a status says the installed version is affected (`exploitable`), unless it is
/// still being looked at (`in_triage`); a fix means `update`, a vendor that will not fix
/// `will_not_fix`, a release past its end of life `can_not_fix`.
fn analysis_of(status: &str) -> (&'static str, Option<&'static str>) {
    match status {
        "fixed" => ("exploitable", Some("update")),
        "will-not-fix" => ("exploitable", Some("will_not_fix")),
        "end-of-life" => ("exploitable", Some("can_not_fix")),
        "under-investigation" => ("in_triage", None),
        "not-affected" => ("not_affected", None),
        // affected-no-fix, fix-deferred, anything newer.
        _ => ("exploitable", None),
    }
}

fn vulnerability(inv: &Report, index: &PackageIndex<'_>, id: &str, findings: &[&Finding]) -> Value {
    let first = findings[0];
    let mut v = json!({
        "bom-ref": format!("vulnerability:{id}"),
        "id": id,
        "source": source_of(id),
    });
    let infos: Vec<&sekisho_model::VulnInfo> = findings
        .iter()
        .filter_map(|f| f.vulnerability.as_deref())
        .collect();
    let aliases: BTreeSet<&str> = infos
        .iter()
        .flat_map(|i| i.aliases.iter().map(String::as_str))
        .filter(|a| *a != id)
        .collect();
    if !aliases.is_empty() {
        v["references"] = aliases
            .iter()
            .map(|a| json!({"id": a, "source": source_of(a)}))
            .collect();
    }
    let mut ratings: Vec<Value> = Vec::new();
    for f in findings {
        let r = rating(f);
        if !ratings.contains(&r) {
            ratings.push(r);
        }
    }
    v["ratings"] = Value::Array(ratings);
    if !first.title.is_empty() && first.title != id {
        v["description"] = json!(first.title);
    }
    let mut recommendations: Vec<String> = Vec::new();
    for i in &infos {
        if let Some(fixed) = &i.fixed {
            let text = format!("Upgrade {} to {fixed}", i.package);
            if !recommendations.contains(&text) {
                recommendations.push(text);
            }
        }
    }
    if !recommendations.is_empty() {
        v["recommendation"] = json!(recommendations.join("; "));
    }
    // Advisories are URLs (`iri-reference`): keep the references that are web addresses.
    let urls: BTreeSet<&str> = infos
        .iter()
        .flat_map(|i| i.references.iter().map(String::as_str))
        .filter(|u| {
            (u.starts_with("https://") || u.starts_with("http://"))
                && !u.contains(|c: char| c.is_whitespace() || c.is_control())
        })
        .collect();
    if !urls.is_empty() {
        v["advisories"] = urls.iter().map(|u| json!({"url": u})).collect();
    }
    // One analysis for the vulnerability: affected wherever any copy is, the responses of
    // every status, and each package's status in the detail.
    let mut state = "not_affected";
    let mut responses: Vec<&str> = Vec::new();
    let mut statuses: Vec<String> = Vec::new();
    for i in &infos {
        let (s, response) = analysis_of(&i.status);
        state = match (state, s) {
            ("exploitable", _) | (_, "exploitable") => "exploitable",
            ("in_triage", _) | (_, "in_triage") => "in_triage",
            _ => "not_affected",
        };
        if let Some(r) = response {
            if !responses.contains(&r) {
                responses.push(r);
            }
        }
        let line = format!("{} {}: {}", i.package, i.installed, i.status);
        if !statuses.contains(&line) {
            statuses.push(line);
        }
    }
    let mut analysis = json!({"state": state, "detail": statuses.join("; ")});
    if !responses.is_empty() {
        analysis["response"] = json!(responses);
    }
    v["analysis"] = analysis;
    // The components affected, each once (`affects` items are unique), with the versions.
    let mut affects: Vec<(usize, Vec<&str>)> = Vec::new();
    for f in findings {
        let Some(i) = &f.vulnerability else { continue };
        let Some(pkg) = index.find(&i.purl, f.path.as_deref()) else {
            continue;
        };
        match affects.iter_mut().find(|(p, _)| *p == pkg) {
            Some((_, versions)) if !versions.contains(&i.installed.as_str()) => {
                versions.push(&i.installed)
            }
            Some(_) => {}
            None => affects.push((pkg, vec![&i.installed])),
        }
    }
    if !affects.is_empty() {
        v["affects"] = affects
            .iter()
            .map(|(p, versions)| {
                json!({
                    "ref": bom_ref(*p, &inv.packages[*p]),
                    "versions": versions
                        .iter()
                        .map(|ver| json!({"version": ver, "status": "affected"}))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
    }
    let sources: BTreeSet<&str> = infos
        .iter()
        .flat_map(|i| i.sources.iter().map(String::as_str))
        .collect();
    if !sources.is_empty() {
        v["properties"] = sources
            .iter()
            .map(|s| json!({"name": "sekisho:vulnerability:feed", "value": s}))
            .collect();
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use sekisho_model::{LayerRef, PackageKind, Severity, SourceInfo, Timestamp, VulnInfo};

    fn package(name: &str, version: &str, path: &str) -> Package {
        Package {
            kind: PackageKind::Npm,
            name: name.into(),
            version: version.into(),
            epoch: None,
            arch: String::new(),
            source_name: String::new(),
            source_version: String::new(),
            licenses: Vec::new(),
            supplier: String::new(),
            third_party: None,
            modularity_label: None,
            purl: format!("pkg:npm/{name}@{version}"),
            layer: LayerRef::default(),
            path: path.into(),
            files: Vec::new(),
            dependencies: Vec::new(),
            dev: false,
            owner: None,
        }
    }

    fn vuln(id: &str, pkg: &Package, status: &str, fixed: Option<&str>) -> Finding {
        let mut f = Finding::new(
            FindingKind::Vulnerability,
            id,
            Severity::High,
            "Prototype pollution",
            "details",
        )
        .at_path(&pkg.path);
        f.vulnerability = Some(Box::new(VulnInfo {
            package: pkg.name.clone(),
            ecosystem: "npm".into(),
            purl: pkg.purl.clone(),
            installed: pkg.version.clone(),
            fixed: fixed.map(Into::into),
            status: status.into(),
            aliases: vec!["GHSA-p6mc-m468-83gw".into()],
            sources: vec!["ghsa".into()],
            severity_source: "cvss (ghsa)".into(),
            cvss: Some("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
            score: Some(7.4),
            references: vec![
                "https://github.com/lodash/lodash/issues/4874".into(),
                "not a url".into(),
            ],
            vex: None,
        }));
        f
    }

    #[test]
    fn vulnerabilities_merge_per_id_and_point_at_components() {
        let mut report = Report::new(SourceInfo::default(), Timestamp::UNIX_EPOCH);
        // The same purl at two paths: each finding names its own copy.
        let a = package(
            "lodash",
            "4.17.15",
            "/srv/a/node_modules/lodash/package.json",
        );
        let b = package(
            "lodash",
            "4.17.15",
            "/srv/b/node_modules/lodash/package.json",
        );
        let other = package(
            "minimist",
            "1.2.0",
            "/srv/a/node_modules/minimist/package.json",
        );
        report.packages = vec![other.clone(), a.clone(), b.clone()];
        report.findings = Some(vec![
            vuln("CVE-2020-8203", &b, "fixed", Some("4.17.19")),
            vuln("CVE-2020-8203", &a, "fixed", Some("4.17.19")),
            vuln("DEBIAN-CVE-2021-1", &other, "will-not-fix", None),
        ]);
        let doc: Value = serde_json::from_str(&render(&report)).unwrap();
        let vulns = doc["vulnerabilities"].as_array().unwrap();
        assert_eq!(vulns.len(), 2);
        let v = &vulns[0];
        assert_eq!(v["id"], "CVE-2020-8203");
        assert_eq!(v["source"]["name"], "NVD");
        assert_eq!(
            v["source"]["url"],
            "https://nvd.nist.gov/vuln/detail/CVE-2020-8203"
        );
        assert_eq!(v["references"][0]["id"], "GHSA-p6mc-m468-83gw");
        assert_eq!(v["references"][0]["source"]["name"], "GitHub");
        let refs: Vec<&str> = v["affects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["ref"].as_str().unwrap())
            .collect();
        assert_eq!(
            refs,
            ["pkg:npm/lodash@4.17.15#2", "pkg:npm/lodash@4.17.15#1"]
        );
        // Every affected ref is a component's bom-ref.
        let components: Vec<&str> = doc["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["bom-ref"].as_str().unwrap())
            .collect();
        assert!(refs.iter().all(|r| components.contains(r)));
        assert_eq!(v["ratings"].as_array().unwrap().len(), 1);
        assert_eq!(v["ratings"][0]["severity"], "high");
        assert_eq!(v["ratings"][0]["method"], "CVSSv31");
        assert_eq!(v["ratings"][0]["score"], 7.4);
        assert_eq!(v["recommendation"], "Upgrade lodash to 4.17.19");
        assert_eq!(v["description"], "Prototype pollution");
        assert_eq!(v["analysis"]["state"], "exploitable");
        assert_eq!(v["analysis"]["response"][0], "update");
        assert_eq!(v["advisories"].as_array().unwrap().len(), 1);
        let w = &vulns[1];
        assert_eq!(w["source"]["name"], "OSV");
        assert_eq!(w["analysis"]["response"][0], "will_not_fix");
        assert!(w.get("recommendation").is_none());
        assert_eq!(w["affects"][0]["ref"], "pkg:npm/minimist@1.2.0#0");
        // No vulnerability findings: no section.
        report.findings = Some(Vec::new());
        let doc: Value = serde_json::from_str(&render(&report)).unwrap();
        assert!(doc.get("vulnerabilities").is_none());
    }
}
