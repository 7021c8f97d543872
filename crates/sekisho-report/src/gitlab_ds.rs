//! GitLab's dependency-scanning report (security report schema 15.0.7,
//! `dependency-scanning-report-format.json`), so merge requests and the vulnerability report of
//! GitLab show sekisho's vulnerability findings.

use std::collections::HashMap;

use sekisho_model::{vulnerability_source, Finding, FindingKind, Report, Severity};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The schema version written (the report's `version`).
pub const SCHEMA_VERSION: &str = "15.0.7";

/// GitLab's severity names.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
        Severity::Unknown => "Unknown",
    }
}

/// An identifier's `type`: `cve`, `ghsa`, else the ID's prefix in lower case (`pysec`,
/// `rustsec`, `debian`, `alpine`, …).
fn identifier_type(id: &str) -> String {
    let prefix = id.split('-').next().unwrap_or(id);
    if prefix.is_empty() || prefix.len() == id.len() {
        "osv".to_string()
    } else {
        prefix.to_ascii_lowercase()
    }
}

fn identifier(id: &str) -> Value {
    let (_, url) = vulnerability_source(id);
    json!({ "type": identifier_type(id), "name": id, "value": id, "url": url })
}

/// At most `max` characters (the schema's `maxLength` counts characters).
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_string(),
        None => text.to_string(),
    }
}

/// A stable ID for a finding (same ID, package and file, same report ID), shaped as a UUID as
/// the schema recommends.
fn stable_id(f: &Finding, purl: &str) -> String {
    let mut h = Sha256::new();
    for part in [f.id.as_str(), purl, f.path.as_deref().unwrap_or("")] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let mut b: [u8; 16] = h.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

/// GitLab's time format: UTC, `yyyy-mm-ddThh:mm:ss`, no zone or fraction.
fn gitlab_time(report: &Report) -> String {
    report.created.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

fn vulnerability(f: &Finding, versions: &HashMap<(&str, &str), &str>) -> Option<Value> {
    let v = f.vulnerability.as_deref()?;
    let path = f
        .path
        .as_deref()
        .unwrap_or_default()
        .trim_start_matches('/');
    // The package's own version (an OS package matched by its source package has the source
    // version in `installed`).
    let version = versions
        .get(&(v.purl.as_str(), path))
        .copied()
        .unwrap_or(v.installed.as_str());
    let mut identifiers = vec![identifier(&f.id)];
    identifiers.extend(
        v.aliases
            .iter()
            .filter(|a| **a != f.id)
            .map(|a| identifier(a)),
    );
    let solution = match &v.fixed {
        Some(fixed) => format!("Upgrade {} to {fixed}.", v.package),
        None => format!("No fixed version of {} yet ({}).", v.package, v.status),
    };
    let mut description = format!(
        "{}\n\nPackage {} version {} is vulnerable to {}.",
        f.title, v.package, v.installed, f.id
    );
    if let Some(score) = v.score {
        description.push_str(&format!(" CVSS base score {score:.1}"));
        if let Some(vector) = &v.cvss {
            description.push_str(&format!(" ({vector})"));
        }
        description.push('.');
    }
    let links: Vec<Value> = v
        .references
        .iter()
        .filter(|u| {
            (u.starts_with("https://") || u.starts_with("http://"))
                && !u.contains(char::is_whitespace)
        })
        .map(|u| json!({ "url": u }))
        .collect();
    let mut out = json!({
        "id": stable_id(f, &v.purl),
        "name": truncate(&f.title, 255),
        "description": truncate(&description, 1_048_576),
        "severity": severity(f.severity),
        "solution": truncate(&solution, 7000),
        "identifiers": identifiers,
        "location": {
            "file": if path.is_empty() { v.package.as_str() } else { path },
            "dependency": {
                "package": { "name": v.package },
                "version": version,
            },
        },
    });
    if !links.is_empty() {
        out["links"] = Value::Array(links);
    }
    Some(out)
}

/// The report's vulnerability findings as a GitLab dependency-scanning report: `version`,
/// `scan` (analyzer and scanner `sekisho`, the report's time as start and end), one entry per
/// finding (a stable ID, the advisory's title, severity, the fix, the ID then its aliases as
/// identifiers, the package's file in the image relative to its root), an empty
/// `dependency_files` (the 15.0 schemas require the key; the packages are in the SBOM).
/// Findings of other scanners are not part of this format.
pub fn render(report: &Report) -> String {
    let versions: HashMap<(&str, &str), &str> = report
        .packages
        .iter()
        .map(|p| {
            (
                (p.purl.as_str(), p.path.trim_start_matches('/')),
                p.version.as_str(),
            )
        })
        .collect();
    let vulnerabilities: Vec<Value> = report
        .findings()
        .iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
        .filter_map(|f| vulnerability(f, &versions))
        .collect();
    let time = gitlab_time(report);
    let tool = json!({
        "id": "sekisho",
        "name": "sekisho",
        "version": env!("CARGO_PKG_VERSION"),
        "vendor": { "name": "sekisho" },
    });
    let doc = json!({
        "version": SCHEMA_VERSION,
        "schema": format!(
            "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v{SCHEMA_VERSION}/dist/dependency-scanning-report-format.json"
        ),
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": "dependency_scanning",
            "start_time": time,
            "end_time": time,
            "status": "success",
        },
        "vulnerabilities": vulnerabilities,
        "dependency_files": [],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string()) + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use sekisho_model::{SourceInfo, Timestamp, VulnInfo};

    fn finding(id: &str, fixed: Option<&str>) -> Finding {
        let mut f = Finding::new(
            FindingKind::Vulnerability,
            id,
            Severity::Critical,
            "zlib: heap overflow in inflate",
            "zlib 1:1.2.13 → 1.3",
        )
        .at_path("/var/lib/dpkg/status");
        f.vulnerability = Some(Box::new(VulnInfo {
            package: "zlib1g".into(),
            ecosystem: "deb".into(),
            purl: "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64".into(),
            installed: "1:1.2.13.dfsg-1".into(),
            fixed: fixed.map(Into::into),
            status: if fixed.is_some() {
                "fixed"
            } else {
                "affected-no-fix"
            }
            .into(),
            aliases: vec!["DEBIAN-CVE-2023-45853".into(), "GHSA-xxxx-yyyy-zzzz".into()],
            sources: vec!["debian".into()],
            severity_source: "cvss (nvd)".into(),
            cvss: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
            score: Some(9.8),
            references: vec!["https://security-tracker.debian.org/tracker/CVE-2023-45853".into()],
            vex: None,
        }));
        f
    }

    #[test]
    fn required_fields() {
        let mut report = Report::new(
            SourceInfo::default(),
            Timestamp::from_second(1_700_000_000).unwrap(),
        );
        let mut config = Finding::new(
            FindingKind::Config,
            "CIS-DI-0001",
            Severity::Medium,
            "no user",
            "no user",
        );
        config.path = None;
        report.findings = Some(vec![
            finding("CVE-2023-45853", Some("1:1.3.dfsg-1")),
            finding("CVE-2023-0001", None),
            config,
        ]);
        let doc: Value = serde_json::from_str(&render(&report)).unwrap();
        assert_eq!(doc["version"], SCHEMA_VERSION);
        let scan = &doc["scan"];
        for tool in ["analyzer", "scanner"] {
            for key in ["id", "name", "version"] {
                assert!(!scan[tool][key].as_str().unwrap().is_empty());
            }
            assert_eq!(scan[tool]["vendor"]["name"], "sekisho");
        }
        assert_eq!(scan["type"], "dependency_scanning");
        assert_eq!(scan["status"], "success");
        assert_eq!(scan["start_time"], "2023-11-14T22:13:20");
        assert_eq!(scan["end_time"], "2023-11-14T22:13:20");
        assert_eq!(doc["dependency_files"], json!([]));
        let vulns = doc["vulnerabilities"].as_array().unwrap();
        assert_eq!(vulns.len(), 2, "only vulnerability findings");
        let v = &vulns[0];
        let id = v["id"].as_str().unwrap();
        assert_eq!(id.len(), 36);
        assert_ne!(id, vulns[1]["id"].as_str().unwrap());
        // Stable: the same report gives the same IDs.
        let again: Value = serde_json::from_str(&render(&report)).unwrap();
        assert_eq!(again["vulnerabilities"][0]["id"], id);
        assert_eq!(v["name"], "zlib: heap overflow in inflate");
        assert_eq!(v["severity"], "Critical");
        assert_eq!(v["solution"], "Upgrade zlib1g to 1:1.3.dfsg-1.");
        assert!(vulns[1]["solution"]
            .as_str()
            .unwrap()
            .starts_with("No fixed version"));
        let ids = v["identifiers"].as_array().unwrap();
        assert_eq!(ids[0]["type"], "cve");
        assert_eq!(ids[0]["value"], "CVE-2023-45853");
        assert_eq!(
            ids[0]["url"],
            "https://nvd.nist.gov/vuln/detail/CVE-2023-45853"
        );
        assert_eq!(ids[1]["type"], "debian");
        assert_eq!(ids[2]["type"], "ghsa");
        for i in ids {
            for key in ["type", "name", "value"] {
                assert!(!i[key].as_str().unwrap().is_empty());
            }
            assert!(i["url"].as_str().unwrap().starts_with("https://"));
        }
        assert_eq!(v["location"]["file"], "var/lib/dpkg/status");
        assert_eq!(v["location"]["dependency"]["package"]["name"], "zlib1g");
        assert_eq!(v["location"]["dependency"]["version"], "1:1.2.13.dfsg-1");
        assert_eq!(
            v["links"][0]["url"],
            "https://security-tracker.debian.org/tracker/CVE-2023-45853"
        );
        // No vulnerabilities: a valid, empty report.
        report.findings = None;
        let doc: Value = serde_json::from_str(&render(&report)).unwrap();
        assert_eq!(doc["vulnerabilities"], json!([]));
    }
}
