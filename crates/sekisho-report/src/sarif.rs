//! SARIF 2.1.0, written in one place for every scanner.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sekisho_model::{Finding, FindingKind, PathBase, RuleInfo, Severity};
use serde_json::{json, Value};

/// Percent-encode a path for a SARIF `uri` (relative reference, `/` kept).
fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.trim_start_matches('/').bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn rule(id: &str, first: &Finding, info: Option<&RuleInfo>) -> Value {
    let title = info.map_or(first.title.as_str(), |r| r.title.as_str());
    let default = info.map_or(first.severity, |r| r.default_severity);
    let mut rule = json!({
        "id": id,
        "name": id.replace('-', ""),
        "shortDescription": { "text": title },
        "fullDescription": { "text": title },
        "defaultConfiguration": { "level": default.sarif_level() },
        "properties": { "tags": ["security", first.kind.as_str()] },
    });
    if let Some(help) = info.and_then(|r| r.help.as_deref()) {
        rule["help"] = json!({ "text": help });
    }
    rule
}

/// A web address SARIF's `uri` format accepts (`helpUri`): http(s), no spaces or characters
/// a URI cannot hold unescaped.
fn is_web_uri(u: &str) -> bool {
    (u.starts_with("https://") || u.starts_with("http://"))
        && u.bytes()
            .all(|b| b.is_ascii_graphic() && !b"<>\"{}|\\^`".contains(&b))
}

/// GitHub code scanning's `security-severity` (0.0–10.0, as a string): the CVSS base score
/// when one was computed, else a score inside the severity's band; none for unrated findings.
fn security_severity(f: &Finding) -> Option<String> {
    let score = f
        .vulnerability
        .as_ref()
        .and_then(|v| v.score)
        .or(match f.severity {
            Severity::Critical => Some(9.5),
            Severity::High => Some(8.0),
            Severity::Medium => Some(5.5),
            Severity::Low => Some(2.0),
            Severity::Info | Severity::Unknown => None,
        })?;
    Some(format!("{score:.1}"))
}

/// The rule of a vulnerability ID, described by its first finding (the most severe: findings
/// are sorted): the advisory's title, its first reference as `helpUri`, the aliases and
/// references in `help`, the tags and `security-severity` code-scanning services read.
fn vulnerability_rule(id: &str, first: &Finding, info: Option<&RuleInfo>) -> Value {
    let title = info.map_or(first.title.as_str(), |r| r.title.as_str());
    let mut rule = json!({
        "id": id,
        "name": id.replace('-', ""),
        "shortDescription": { "text": title },
        "fullDescription": { "text": title },
        "defaultConfiguration": { "level": first.severity.sarif_level() },
        "properties": {
            "tags": ["vulnerability", "security", first.severity.as_str()],
            "precision": "very-high",
        },
    });
    if let Some(score) = security_severity(first) {
        rule["properties"]["security-severity"] = json!(score);
    }
    let Some(v) = &first.vulnerability else {
        return rule;
    };
    if let Some(url) = v.references.iter().find(|u| is_web_uri(u)) {
        rule["helpUri"] = json!(url);
    }
    let mut help = format!("{id}: {title}");
    if !v.aliases.is_empty() {
        let _ = write!(help, "\nAliases: {}", v.aliases.join(", "));
    }
    if let Some(score) = v.score {
        let _ = write!(help, "\nCVSS: {score:.1}");
        if let Some(vector) = &v.cvss {
            let _ = write!(help, " ({vector})");
        }
    }
    if !v.references.is_empty() {
        let _ = write!(help, "\nReferences:\n{}", v.references.join("\n"));
    }
    rule["help"] = json!({ "text": help });
    rule
}

/// What a result says: for a vulnerability, the package, its version and the fix.
fn message(f: &Finding) -> String {
    let Some(v) = &f.vulnerability else {
        return f.details.clone();
    };
    let fix = match &v.fixed {
        Some(fixed) => format!("fixed in {fixed}"),
        None => format!("no fixed version ({})", v.status),
    };
    format!(
        "Package {} version {} is vulnerable to {}; {fix}",
        v.package, v.installed, f.id
    )
}

fn location(f: &Finding) -> Value {
    let Some(path) = &f.path else {
        return json!({
            "logicalLocations": [{ "name": f.location, "fullyQualifiedName": f.location, "kind": "object" }],
        });
    };
    let mut physical = match f.path_base {
        // A path inside the image, relative to the image root.
        PathBase::Image => json!({
            "artifactLocation": { "uri": uri_path(path), "uriBaseId": "IMAGEROOT" },
        }),
        // A file of the user's project, as named (relative to where the scan ran).
        PathBase::Source => json!({ "artifactLocation": { "uri": uri_path(path) } }),
    };
    if let Some(r) = f.region {
        physical["region"] =
            json!({ "startLine": r.line, "startColumn": r.column, "endLine": r.end_line });
    } else if let Some(line) = f.line() {
        physical["region"] = json!({ "startLine": line });
    }
    json!({ "physicalLocation": physical })
}

fn result(f: &Finding, rule_index: usize) -> Value {
    let mut props = serde_json::Map::new();
    props.insert("category".into(), json!(f.kind));
    props.insert("level".into(), json!(f.severity.dockle()));
    props.insert("severity".into(), json!(f.severity));
    if let Some(l) = f.layer {
        props.insert("layer".into(), json!(l));
    }
    if let Some(m) = f.deleted_in {
        props.insert("deletedIn".into(), json!(m));
    }
    if let Some(s) = f.state {
        props.insert("state".into(), json!(s));
    }
    if let Some(h) = f.history_index {
        props.insert("historyIndex".into(), json!(h));
    }
    if let Some(s) = &f.secret {
        props.insert("secretSha256".into(), json!(s.sha256));
        props.insert("example".into(), json!(s.example));
    }
    if let Some(v) = &f.vulnerability {
        props.insert("package".into(), json!(v.package));
        props.insert("installedVersion".into(), json!(v.installed));
        if let Some(fixed) = &v.fixed {
            props.insert("fixedVersion".into(), json!(fixed));
        }
        props.insert("status".into(), json!(v.status));
        props.insert("purl".into(), json!(v.purl));
    }
    json!({
        "ruleId": f.id,
        "ruleIndex": rule_index,
        "level": f.severity.sarif_level(),
        "message": { "text": message(f) },
        "locations": [location(f)],
        "properties": props,
    })
}

/// SARIF 2.1.0: one run of tool `sekisho`, one rule per ID reported (described by `rules`
/// where known, else by its first finding; a vulnerability's rule by its finding's advisory
/// data: title, references, severity score), one result per finding. Files inside the image
/// are relative to the `IMAGEROOT` base (declared when `image` is true); files of the user's
/// project (a Dockerfile) are plain relative references, as code-scanning services expect;
/// other findings get a logical location (`config Env[KEY]`, `history[3]`). Layer, state,
/// the Dockle level, the secret's SHA-256 and a vulnerability's package, versions, status and
/// purl are in each result's `properties`.
pub fn render(findings: &[Finding], rules: &BTreeMap<String, RuleInfo>, image: bool) -> String {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rule_list: Vec<Value> = Vec::new();
    for f in findings {
        if !rule_index.contains_key(f.id.as_str()) {
            rule_index.insert(&f.id, rule_list.len());
            rule_list.push(match f.kind {
                FindingKind::Vulnerability => vulnerability_rule(&f.id, f, rules.get(&f.id)),
                _ => rule(&f.id, f, rules.get(&f.id)),
            });
        }
    }
    let results: Vec<Value> = findings
        .iter()
        .map(|f| result(f, rule_index[f.id.as_str()]))
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "sekisho",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_list,
            }
        },
    });
    if image {
        run["originalUriBaseIds"] = json!({
            "IMAGEROOT": { "uri": "file:///", "description": { "text": "The root of the image's merged filesystem" } }
        });
    }
    run["results"] = json!(results);
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string()) + "\n"
}
