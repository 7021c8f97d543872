//! Output formats: SARIF 2.1.0 validated against the official JSON schema and checked
//! structurally; JSON and table shapes.
//!
//! The SARIF 2.1.0 schema (rtm.5, the version OASIS published as the 2.1.0 standard) is not
//! copied into this repository: `scripts/test.sh` fetches it from the npm package
//! `@microsoft/jest-sarif` 1.0.0-beta.0 (`lib/schemas/sarif-2.1.0-rtm.5.json`, sha256
//! 2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8, checked there) and
//! passes its path in `SEKISHO_SARIF_SCHEMA`.

mod common;

use sekisho_audit::{
    AuditFinding, AuditOptions, FileState, Finding, FindingKind, SecretInfo, Severity,
};
use sekisho_model::{Region, Report, SourceInfo, Timestamp};
use sekisho_report::render_findings_table as render_table;
use serde_json::Value;

fn render_sarif(findings: &[Finding]) -> String {
    sekisho_report::sarif::render(findings, &Default::default(), true)
}

/// The native JSON report of an image with these findings.
fn render_json(findings: &[Finding]) -> String {
    let mut report = Report::new(SourceInfo::default(), Timestamp::UNIX_EPOCH);
    report.findings = Some(findings.to_vec());
    sekisho_report::render_json(&report).unwrap()
}

fn sarif_schema() -> String {
    let path = std::env::var("SEKISHO_SARIF_SCHEMA").expect(
        "SEKISHO_SARIF_SCHEMA is not set: run the tests with `bash scripts/test.sh`, which fetches the SARIF schema",
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}
const IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");

fn sample() -> Vec<Finding> {
    let check = sekisho_audit::checks::by_id("CIS-DI-0001").unwrap();
    vec![
        Finding::config(check, "no USER").at("config User"),
        Finding::config(
            sekisho_audit::checks::by_id("SK-IMG-002").unwrap(),
            "world-writable",
        )
        .at_path("usr/local/bin/run me.sh")
        .in_layer(Some(4)),
        {
            let mut f = Finding::new(
                FindingKind::Secret,
                "private-key",
                Severity::High,
                "Asymmetric Private Key",
                "key",
            )
            .at_path("/opt/app/certs/server.key")
            .in_layer(Some(3))
            .with_state(FileState::Deleted, Some(5));
            f.secret = Some(SecretInfo {
                masked: "-----BEGIN ****".into(),
                line_masked: "****".into(),
                line: 1,
                sha256: "00".repeat(32),
                example: false,
                category: "AsymmetricPrivateKey".into(),
            });
            f
        },
    ]
}

fn patch_patterns(v: &mut Value) -> usize {
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        Value::Object(map) => {
            let mut n = 0;
            for (k, child) in map.iter_mut() {
                if k == "pattern" && child == BAD {
                    *child = Value::from("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$");
                    n += 1;
                } else {
                    n += patch_patterns(child);
                }
            }
            n
        }
        Value::Array(items) => items.iter_mut().map(patch_patterns).sum(),
        _ => 0,
    }
}

fn schema_errors(doc: &Value) -> Vec<String> {
    let mut schema: Value = serde_json::from_str(&sarif_schema()).unwrap();
    patch_patterns(&mut schema);
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator.iter_errors(doc).map(|e| e.to_string()).collect()
}

fn validate(doc: &Value) {
    let mut schema: Value = serde_json::from_str(&sarif_schema()).unwrap();
    // The published schema's `language` patterns (of `run` and `toolComponent`) have a stray
    // `]` (valid in JavaScript's legacy regex syntax, rejected by Rust's regex engines and by the
    // draft-04 meta-schema's `format: regex`): escape it; nothing else of the schema changes.
    assert_eq!(patch_patterns(&mut schema), 2);
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

fn structural(doc: &Value, expected_results: usize) {
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "sekisho");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), expected_results);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], id);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0];
        assert!(loc.get("physicalLocation").is_some() || loc.get("logicalLocations").is_some());
        if let Some(uri) = loc.pointer("/physicalLocation/artifactLocation/uri") {
            let uri = uri.as_str().unwrap();
            assert!(!uri.starts_with('/') && !uri.contains(' '), "{uri}");
        }
    }
}

#[test]
fn sarif_sample_validates() {
    let doc: Value = serde_json::from_str(&render_sarif(&sample())).unwrap();
    validate(&doc);
    structural(&doc, 3);
    let secret = &doc["runs"][0]["results"][2];
    assert_eq!(secret["properties"]["deletedIn"], 5);
    assert_eq!(
        secret["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    assert_eq!(
        doc["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "usr/local/bin/run%20me.sh"
    );
    // The validator does reject what the schema forbids.
    let mut bad = doc.clone();
    bad["version"] = Value::from("2.0.0");
    assert!(!schema_errors(&bad).is_empty());
    let mut bad = doc.clone();
    bad["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!schema_errors(&bad).is_empty());
    // Empty report is valid too.
    let empty: Value = serde_json::from_str(&render_sarif(&[])).unwrap();
    validate(&empty);
    structural(&empty, 0);
}

#[test]
fn sarif_of_bad_practices_validates() {
    let path = format!("{IMAGES}/built/bad-practices.docker.tar.gz");
    assert!(
        std::path::Path::new(&path).exists(),
        "test data missing: {path} (the shared corpora must be at ../shared next to the repository)"
    );
    let findings = sekisho_scan::scan(&common::request(&path, &AuditOptions::default()))
        .unwrap()
        .findings
        .unwrap();
    let doc: Value = serde_json::from_str(&render_sarif(&findings)).unwrap();
    validate(&doc);
    structural(&doc, findings.len());
    // The native JSON never holds a secret in clear.
    let json = render_json(&findings);
    assert!(
        !json.contains("hunter2-not-real")
            && !json.contains("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    );
    let sarif = render_sarif(&findings);
    assert!(!sarif.contains("hunter2-not-real"));
    let table = render_table(&findings, false);
    assert!(!table.contains("hunter2-not-real"));
}

#[test]
fn json_and_table_shapes() {
    let f = sample();
    let doc: Value = serde_json::from_str(&render_json(&f)).unwrap();
    assert_eq!(doc["findings_summary"]["fatal"], 1);
    assert_eq!(doc["findings_summary"]["warn"], 2);
    assert_eq!(doc["findings"][2]["deleted_in"], 5);
    assert_eq!(doc["findings"][2]["state"], "deleted");
    assert_eq!(doc["findings"][0]["level"], "WARN");
    let table = render_table(&f, false);
    assert!(table.contains("3 (deleted in 5)"), "{table}");
    assert!(render_table(&f, true).contains("\x1b[31m"));
    assert_eq!(render_table(&[], false), "No findings.\n");
}

#[test]
fn sarif_locates_dockerfile_findings_in_the_repository() {
    let region = Region {
        line: 3,
        column: 5,
        end_line: 4,
    };
    let lint = Finding::new(
        FindingKind::Lint,
        "DL3008",
        Severity::Medium,
        "Pin versions in apt get install",
        "Pin versions in apt get install",
    )
    .at_source("docker/Dockerfile", region);
    let mut findings = sample();
    findings.push(lint);
    let doc: Value = serde_json::from_str(&render_sarif(&findings)).unwrap();
    validate(&doc);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let lint = &results[3]["locations"][0]["physicalLocation"];
    assert_eq!(lint["artifactLocation"]["uri"], "docker/Dockerfile");
    assert!(lint["artifactLocation"].get("uriBaseId").is_none());
    assert_eq!(lint["region"]["startLine"], 3);
    assert_eq!(lint["region"]["startColumn"], 5);
    assert_eq!(lint["region"]["endLine"], 4);
    let image = &results[1]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(image["uriBaseId"], "IMAGEROOT");
    assert_eq!(image["uri"], "usr/local/bin/run%20me.sh");
    // The report JSON carries the span too.
    let json: Value = serde_json::from_str(&render_json(&findings)).unwrap();
    let f = &json["findings"][3];
    assert_eq!(
        (
            f["line"].as_u64(),
            f["column"].as_u64(),
            f["end_line"].as_u64()
        ),
        (Some(3), Some(5), Some(4))
    );
}

/// A scan of debian-app for vulnerabilities only, against a database built from every shared
/// feed archive.
fn vulnerability_report() -> Report {
    let dir = std::env::temp_dir().join(format!("sekisho-outputs-vuln-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let feeds = std::path::Path::new(IMAGES).join("../advisories");
    let mut sources: Vec<std::path::PathBuf> = std::fs::read_dir(&feeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .collect();
    sources.sort();
    assert!(
        !sources.is_empty(),
        "feeds missing under {}",
        feeds.display()
    );
    let db = dir.join("advisories.db");
    sekisho_advisory::build(&db, &sources, "2026-12-05T00:00:00Z").unwrap();
    let opts = AuditOptions {
        config: false,
        secret: false,
        ..AuditOptions::default()
    };
    let mut request = common::request(&format!("{IMAGES}/built/debian-app.oci"), &opts);
    request.scanners.vuln = true;
    request.db = Some(db);
    let report = sekisho_scan::scan(&request).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    report
}

#[test]
fn vulnerability_outputs() {
    let report = vulnerability_report();
    let vulns: Vec<&Finding> = report
        .findings()
        .iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
        .collect();
    assert!(vulns.len() > 10, "{} vulnerability findings", vulns.len());

    // SARIF: validates; a rule per ID described by the advisory; results at the package's
    // file under IMAGEROOT.
    let doc: Value = serde_json::from_str(&sekisho_report::render_sarif(&report)).unwrap();
    validate(&doc);
    structural(&doc, report.findings().len());
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: std::collections::BTreeSet<&str> = vulns.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(rules.len(), ids.len());
    let mut with_help_uri = 0;
    for rule in rules {
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert_eq!(tags[0], "vulnerability");
        assert_eq!(tags[1], "security");
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        if tags[2] != "UNKNOWN" {
            let score: f64 = rule["properties"]["security-severity"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((0.0..=10.0).contains(&score), "{rule}");
        }
        with_help_uri += usize::from(rule.get("helpUri").is_some());
    }
    assert!(with_help_uri > 0);
    for (r, f) in run["results"].as_array().unwrap().iter().zip(&vulns) {
        let v = f.vulnerability.as_ref().unwrap();
        let text = r["message"]["text"].as_str().unwrap();
        assert!(
            text.starts_with(&format!(
                "Package {} version {} is vulnerable to {}; ",
                v.package, v.installed, f.id
            )),
            "{text}"
        );
        if let Some(fixed) = &v.fixed {
            assert!(text.ends_with(&format!("fixed in {fixed}")), "{text}");
        }
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "IMAGEROOT");
        assert_eq!(
            artifact["uri"].as_str().unwrap(),
            f.path.as_deref().unwrap().trim_start_matches('/')
        );
    }

    // GitLab dependency scanning: every finding with the schema's required fields.
    let gl: Value =
        serde_json::from_str(&sekisho_report::render_gitlab_dependency_scanning(&report)).unwrap();
    for key in ["start_time", "end_time"] {
        // yyyy-mm-ddThh:mm:ss, no zone.
        let t = gl["scan"][key].as_str().unwrap();
        assert!(t.len() == 19 && t.as_bytes()[10] == b'T', "{t}");
    }
    assert!(gl["dependency_files"].is_array());
    let web = |u: &Value| {
        let u = u.as_str().unwrap();
        u.starts_with("https://") || u.starts_with("http://")
    };
    let entries = gl["vulnerabilities"].as_array().unwrap();
    assert_eq!(entries.len(), vulns.len());
    let mut seen = std::collections::BTreeSet::new();
    for e in entries {
        assert!(seen.insert(e["id"].as_str().unwrap().to_string()), "{e}");
        let identifiers = e["identifiers"].as_array().unwrap();
        assert!(!identifiers.is_empty());
        for i in identifiers {
            assert!(["type", "name", "value"]
                .iter()
                .all(|k| !i[k].as_str().unwrap().is_empty()));
            assert!(web(&i["url"]), "{i}");
        }
        for l in e["links"].as_array().into_iter().flatten() {
            assert!(web(&l["url"]), "{l}");
        }
        assert!(!e["location"]["file"].as_str().unwrap().is_empty());
        assert!(e["location"]["dependency"]["package"]["name"].is_string());
        assert!(e["location"]["dependency"]["version"].is_string());
        assert!(["Critical", "High", "Medium", "Low", "Unknown", "Info"]
            .contains(&e["severity"].as_str().unwrap()));
        assert!(e["name"].as_str().unwrap().chars().count() <= 255);
    }
}
