//! VEX in: statements by the software's vendor or the user that a vulnerability does not affect
//! a product (OpenVEX, CycloneDX VEX, CSAF VEX). A finding a statement covers with
//! `not_affected` or `fixed` leaves the findings and is kept under `suppressed` with the
//! statement's reason.

use serde_json::Value;

use sekisho_model::Finding;

/// What a statement says about a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VexStatus {
    /// The product is not affected (or the finding is a false positive).
    NotAffected,
    /// The product contains the fix.
    Fixed,
    /// The product is affected.
    Affected,
    /// Not decided yet.
    UnderInvestigation,
}

impl VexStatus {
    /// Whether a finding covered by the statement is suppressed.
    pub fn suppresses(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }

    fn as_str(self) -> &'static str {
        match self {
            VexStatus::NotAffected => "not_affected",
            VexStatus::Fixed => "fixed",
            VexStatus::Affected => "affected",
            VexStatus::UnderInvestigation => "under_investigation",
        }
    }
}

/// One statement: a vulnerability, the products (purls) it is about, what it says and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatement {
    /// The vulnerability ID (CVE, GHSA, ...).
    pub vulnerability: String,
    /// Purls of the products; a purl without a version covers every version.
    pub products: Vec<String>,
    /// The status.
    pub status: VexStatus,
    /// The justification or impact statement, when given.
    pub justification: String,
    /// The document it came from.
    pub source: String,
}

/// Read a VEX document (format detected from its content). `name` names it in errors and in
/// the reasons kept with suppressed findings.
pub fn parse(bytes: &[u8], name: &str) -> Result<Vec<VexStatement>, String> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("{name}: not valid JSON: {e}"))?;
    let context = doc.get("@context").and_then(Value::as_str).unwrap_or("");
    if context.contains("openvex") {
        return Ok(openvex(&doc, name));
    }
    if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        return Ok(cyclonedx(&doc, name));
    }
    if doc.pointer("/document/category").and_then(Value::as_str) == Some("csaf_vex") {
        return Ok(csaf(&doc, name));
    }
    Err(format!(
        "{name}: not a VEX document this reads (OpenVEX, CycloneDX with vulnerabilities, CSAF VEX)"
    ))
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn openvex(doc: &Value, name: &str) -> Vec<VexStatement> {
    let mut out = Vec::new();
    for s in doc["statements"].as_array().into_iter().flatten() {
        // v0.2 `{"name": "CVE-..."}`, v0.0.1 a plain string.
        let vulnerability = match &s["vulnerability"] {
            Value::String(id) => id.clone(),
            v => text(&v["name"]),
        };
        let status = match s["status"].as_str().unwrap_or("") {
            "not_affected" => VexStatus::NotAffected,
            "fixed" => VexStatus::Fixed,
            "affected" => VexStatus::Affected,
            _ => VexStatus::UnderInvestigation,
        };
        let mut products = Vec::new();
        for p in s["products"].as_array().into_iter().flatten() {
            let subcomponents: Vec<String> = p["subcomponents"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    c.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| text(&c["@id"]))
                })
                .collect();
            if subcomponents.is_empty() {
                products.push(
                    p.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| text(&p["@id"])),
                );
            } else {
                products.extend(subcomponents);
            }
        }
        let justification = [&s["justification"], &s["impact_statement"]]
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(": ");
        out.push(VexStatement {
            vulnerability,
            products,
            status,
            justification,
            source: name.to_string(),
        });
    }
    out
}

fn cyclonedx(doc: &Value, name: &str) -> Vec<VexStatement> {
    // `affects[].ref` names a component by bom-ref; the component carries the purl.
    let mut purl_of = std::collections::HashMap::new();
    let mut stack: Vec<&Value> = doc["components"].as_array().into_iter().flatten().collect();
    while let Some(c) = stack.pop() {
        if let (Some(r), Some(p)) = (c["bom-ref"].as_str(), c["purl"].as_str()) {
            purl_of.insert(r.to_string(), p.to_string());
        }
        stack.extend(c["components"].as_array().into_iter().flatten());
    }
    let mut out = Vec::new();
    for v in doc["vulnerabilities"].as_array().into_iter().flatten() {
        let status = match v.pointer("/analysis/state").and_then(Value::as_str) {
            Some("not_affected" | "false_positive") => VexStatus::NotAffected,
            Some("resolved" | "resolved_with_pedigree") => VexStatus::Fixed,
            Some("exploitable") => VexStatus::Affected,
            _ => VexStatus::UnderInvestigation,
        };
        let products = v["affects"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| {
                let r = text(&a["ref"]);
                purl_of.get(&r).cloned().unwrap_or(r)
            })
            .collect();
        let justification = [
            v.pointer("/analysis/justification"),
            v.pointer("/analysis/detail"),
        ]
        .iter()
        .filter_map(|j| j.and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join(": ");
        out.push(VexStatement {
            vulnerability: text(&v["id"]),
            products,
            status,
            justification,
            source: name.to_string(),
        });
    }
    out
}

fn csaf(doc: &Value, name: &str) -> Vec<VexStatement> {
    // Product IDs to purls: products in the branch tree, then relationships that name a
    // product "as a component of" another (the component's purl stands for the pair).
    let mut purl_of = std::collections::HashMap::new();
    let mut stack: Vec<&Value> = doc
        .pointer("/product_tree/branches")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    while let Some(b) = stack.pop() {
        let product = &b["product"];
        if let (Some(id), Some(purl)) = (
            product["product_id"].as_str(),
            product
                .pointer("/product_identification_helper/purl")
                .and_then(Value::as_str),
        ) {
            purl_of.insert(id.to_string(), purl.to_string());
        }
        stack.extend(b["branches"].as_array().into_iter().flatten());
    }
    for r in doc
        .pointer("/product_tree/relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let reference = text(&r["product_reference"]);
        if let (Some(id), Some(purl)) = (
            r.pointer("/full_product_name/product_id")
                .and_then(Value::as_str),
            purl_of.get(&reference).cloned(),
        ) {
            purl_of.insert(id.to_string(), purl);
        }
    }
    let mut out = Vec::new();
    for v in doc["vulnerabilities"].as_array().into_iter().flatten() {
        let id = v["cve"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| text(&v.pointer("/ids/0/text").cloned().unwrap_or_default()));
        for (key, status) in [
            ("known_not_affected", VexStatus::NotAffected),
            ("fixed", VexStatus::Fixed),
            ("known_affected", VexStatus::Affected),
            ("under_investigation", VexStatus::UnderInvestigation),
        ] {
            let products: Vec<String> = v
                .pointer(&format!("/product_status/{key}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| purl_of.get(p.as_str()?).cloned())
                .collect();
            if products.is_empty() {
                continue;
            }
            let justification = v["flags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["label"].as_str())
                .collect::<Vec<_>>()
                .join(", ");
            out.push(VexStatement {
                vulnerability: id.clone(),
                products,
                status,
                justification,
                source: name.to_string(),
            });
        }
    }
    out
}

/// A purl without qualifiers and subpath, split into (base, version).
fn purl_parts(purl: &str) -> (&str, Option<&str>) {
    let core = purl.split(['?', '#']).next().unwrap_or(purl);
    match core.rsplit_once('@') {
        // `pkg:npm/%40scope/x@1` has its scope encoded; a bare `@` after the type is a version.
        Some((base, version)) if base.contains('/') => (base, Some(version)),
        _ => (core, None),
    }
}

/// Whether the statement's product purl covers the package purl: the same package (type,
/// namespace, name) and, when the statement names a version, the same version.
fn covers(product: &str, package: &str) -> bool {
    let (pb, pv) = purl_parts(product);
    let (kb, kv) = purl_parts(package);
    pb.eq_ignore_ascii_case(kb) && (pv.is_none() || pv == kv)
}

/// Move the findings a suppressing statement covers out of `findings`; each keeps the reason
/// in its vulnerability details. Returns them.
pub fn apply(statements: &[VexStatement], findings: &mut Vec<Finding>) -> Vec<Finding> {
    let mut suppressed = Vec::new();
    let mut kept = Vec::with_capacity(findings.len());
    for mut f in findings.drain(..) {
        let statement = f.vulnerability.as_deref().and_then(|v| {
            statements.iter().find(|s| {
                s.status.suppresses()
                    && (s.vulnerability == f.id || v.aliases.contains(&s.vulnerability))
                    && s.products.iter().any(|p| covers(p, &v.purl))
            })
        });
        match statement {
            Some(s) => {
                if let Some(v) = f.vulnerability.as_deref_mut() {
                    let why = if s.justification.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", s.justification)
                    };
                    v.vex = Some(format!("{}{why}, {}", s.status.as_str(), s.source));
                }
                suppressed.push(f);
            }
            None => kept.push(f),
        }
    }
    *findings = kept;
    suppressed
}

#[cfg(test)]
mod tests {
    use super::*;
    use sekisho_model::{FindingKind, Severity, VulnInfo};

    fn finding(id: &str, aliases: &[&str], purl: &str) -> Finding {
        let mut f = Finding::new(FindingKind::Vulnerability, id, Severity::High, id, "");
        f.vulnerability = Some(Box::new(VulnInfo {
            package: "x".into(),
            ecosystem: "npm".into(),
            purl: purl.into(),
            installed: "1".into(),
            fixed: None,
            status: "fixed".into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            sources: vec![],
            severity_source: String::new(),
            cvss: None,
            score: None,
            references: vec![],
            vex: None,
        }));
        f
    }

    #[test]
    fn openvex_cyclonedx_and_csaf() {
        let openvex = br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[
            {"vulnerability":{"name":"CVE-2020-8203"},"products":[{"@id":"pkg:oci/app","subcomponents":[{"@id":"pkg:npm/lodash"}]}],
             "status":"not_affected","justification":"vulnerable_code_not_in_execute_path"},
            {"vulnerability":"CVE-2021-1","products":["pkg:npm/lodash@4.17.15"],"status":"affected"}]}"#;
        let s = parse(openvex, "app.openvex.json").unwrap();
        assert_eq!(s.len(), 2);
        let mut findings = vec![
            finding("CVE-2020-8203", &[], "pkg:npm/lodash@4.17.15"),
            finding("GHSA-x", &["CVE-2020-8203"], "pkg:npm/lodash@4.17.20"),
            finding("CVE-2021-1", &[], "pkg:npm/lodash@4.17.15"),
            finding("CVE-2020-8203", &[], "pkg:npm/underscore@1.0.0"),
        ];
        let gone = apply(&s, &mut findings);
        assert_eq!(gone.len(), 2);
        assert_eq!(findings.len(), 2);
        assert!(gone[0]
            .vulnerability
            .as_ref()
            .unwrap()
            .vex
            .as_ref()
            .unwrap()
            .contains("vulnerable_code_not_in_execute_path"));

        let cdx = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"bom-ref":"c1","purl":"pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64"}],
            "vulnerabilities":[{"id":"CVE-2023-45853","analysis":{"state":"not_affected","justification":"code_not_reachable"},"affects":[{"ref":"c1"}]}]}"#;
        let s = parse(cdx, "vex.cdx.json").unwrap();
        let mut findings = vec![finding(
            "CVE-2023-45853",
            &[],
            "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12.8",
        )];
        assert_eq!(apply(&s, &mut findings).len(), 1);

        let csaf = br#"{"document":{"category":"csaf_vex"},"product_tree":{"branches":[{"branches":[{"product":{"product_id":"P1","product_identification_helper":{"purl":"pkg:rpm/redhat/openssl@3.0.7-1.el9"}}}]}],
            "relationships":[{"product_reference":"P1","relates_to_product_reference":"RHEL9","full_product_name":{"product_id":"RHEL9:P1"}}]},
            "vulnerabilities":[{"cve":"CVE-2023-1","product_status":{"known_not_affected":["RHEL9:P1"]},"flags":[{"label":"vulnerable_code_not_present","product_ids":["RHEL9:P1"]}]}]}"#;
        let s = parse(csaf, "cve-2023-1.json").unwrap();
        assert_eq!(s[0].products, ["pkg:rpm/redhat/openssl@3.0.7-1.el9"]);
        assert_eq!(s[0].status, VexStatus::NotAffected);
        assert!(parse(b"{}", "x.json").is_err());
        assert!(parse(b"not json", "x.json").unwrap_err().contains("x.json"));
    }
}
