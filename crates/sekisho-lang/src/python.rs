//! Python: installed distributions (`*.dist-info/METADATA`, `*.egg-info`) and lockfiles
//! (`requirements*.txt`, `Pipfile.lock`, `poetry.lock`, `uv.lock`, `pylock.toml`, `pdm.lock`).
//!
//! Names are kept as the file writes them; lookups between packages of one file (dependency
//! graphs) compare PEP 503 normal forms, as the tools do.

use std::collections::{HashMap, HashSet, VecDeque};

use sekisho_model::PackageKind;

use crate::purl::pep503;
use crate::{LangError, LangPackage, Parsed, Relationship};

fn pkg(name: &str, version: &str) -> LangPackage {
    LangPackage::new(PackageKind::Pypi, name, version)
}

/// `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, `EGG-INFO/PKG-INFO` and `*.egg-info` files:
/// RFC 822 headers `Name`, `Version` and the licence (`License-Expression`, else a one-line
/// `License` other than `UNKNOWN`, else the `Classifier: License :: ...` leaves).
pub fn metadata(path: &str, content: &[u8]) -> Result<Parsed, LangError> {
    let text = String::from_utf8_lossy(content);
    let headers = rfc822_headers(&text);
    let get = |key: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut parsed = Parsed::default();
    let (Some(name), Some(version)) = (get("Name"), get("Version")) else {
        parsed
            .warnings
            .push(format!("{path}: no Name or no Version header"));
        return Ok(parsed);
    };
    let mut p = pkg(name, version);
    p.licenses = python_licenses(&headers);
    parsed.packages.push(p);
    Ok(parsed)
}

/// Header fields of an RFC 822 block: stops at the first empty line (the description body);
/// continuation lines (leading white space) are joined to their field with a newline.
fn rfc822_headers(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

fn python_licenses(headers: &[(String, String)]) -> Vec<String> {
    let field = |key: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("UNKNOWN"))
    };
    if let Some(expr) = field("License-Expression") {
        return vec![expr.to_string()];
    }
    let license = field("License");
    if let Some(l) = license.filter(|l| !l.contains('\n')) {
        return vec![l.to_string()];
    }
    let classifiers: Vec<String> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("Classifier"))
        .filter_map(|(_, v)| {
            let parts: Vec<&str> = v.split("::").map(str::trim).collect();
            if parts.len() < 2 || parts[0] != "License" {
                return None;
            }
            let leaf = parts[parts.len() - 1];
            (!leaf.is_empty() && leaf != "OSI Approved").then(|| leaf.to_string())
        })
        .collect();
    if !classifiers.is_empty() {
        return classifiers;
    }
    // A licence text pasted into `License`: its first line names it often enough.
    license
        .and_then(|l| l.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|l| vec![l.to_string()])
        .unwrap_or_default()
}

/// `requirements*.txt`: the pinned lines (`name==version`, `name===version`), with extras,
/// environment markers, `--hash` options, comments and `\` continuations removed. Unpinned
/// requirements, URLs and option lines (`-r`, `-c`, `-e`, `--index-url`, ...) are skipped:
/// includes are not followed here.
pub fn requirements(content: &[u8]) -> Result<Parsed, LangError> {
    let text = String::from_utf8_lossy(content);
    let mut parsed = Parsed::default();
    let mut logical = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let line = strip_comment(line);
        if let Some(stripped) = line.trim_end().strip_suffix('\\') {
            logical.push_str(stripped);
            logical.push(' ');
            if lines.peek().is_some() {
                continue;
            }
        } else {
            logical.push_str(line);
        }
        let req = std::mem::take(&mut logical);
        if let Some(p) = requirement(req.trim(), &mut parsed.warnings) {
            parsed.packages.push(p);
        }
    }
    Ok(parsed)
}

/// A line without its `#` comment (a `#` at the start or after white space).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

fn requirement(line: &str, warnings: &mut Vec<String>) -> Option<LangPackage> {
    if line.is_empty() || line.starts_with('-') {
        return None;
    }
    let line = line.split(';').next().unwrap_or("");
    // Options after the requirement (`--hash=...`) end it; spaces around `==` are allowed.
    let spec: String = line
        .split_whitespace()
        .take_while(|t| !t.starts_with("--"))
        .collect();
    let (name, version) = match spec.split_once("===") {
        Some(nv) => nv,
        None => spec.split_once("==")?,
    };
    let name = name.split('[').next().unwrap_or("").trim();
    let version = version.split(',').next().unwrap_or("").trim();
    if version.is_empty() || version.contains('*') {
        return None;
    }
    if !valid_name(name) {
        warnings.push(format!("requirement {line:?}: not a distribution name"));
        return None;
    }
    Some(pkg(name, version))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// The distribution name at the start of a PEP 508 requirement (`colorama; os_name == "nt"`,
/// `foo[bar]>=1`).
fn pep508_name(req: &str) -> &str {
    let req = req.trim_start();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(req.len());
    &req[..end]
}

/// `Pipfile.lock`: the `default` section, then `develop` (marked dev). Entries without a
/// version (VCS and path requirements) are skipped.
pub fn pipfile_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "Pipfile.lock";
    let doc: serde_json::Value =
        serde_json::from_slice(content).map_err(|e| LangError::malformed(F, e))?;
    let root = doc
        .as_object()
        .ok_or_else(|| LangError::malformed(F, "not a JSON object"))?;
    let mut parsed = Parsed::default();
    for (section, dev) in [("default", false), ("develop", true)] {
        let Some(entries) = root.get(section) else {
            continue;
        };
        let Some(entries) = entries.as_object() else {
            parsed.warnings.push(format!("{section}: not an object"));
            continue;
        };
        for (name, entry) in entries {
            let Some(version) = entry.get("version") else {
                continue;
            };
            let Some(version) = version.as_str() else {
                parsed
                    .warnings
                    .push(format!("{section}.{name}: version is not a string"));
                continue;
            };
            let version = version.trim_start_matches('=').trim();
            if version.is_empty() {
                continue;
            }
            let mut p = pkg(name, version);
            p.dev = dev;
            parsed.packages.push(p);
        }
    }
    Ok(parsed)
}

fn parse_toml(format: &'static str, content: &[u8]) -> Result<toml::Table, LangError> {
    let text = std::str::from_utf8(content).map_err(|e| LangError::malformed(format, e))?;
    toml::from_str(text).map_err(|e| LangError::malformed(format, e))
}

/// The `[[package]]` (or `[[packages]]`) array of a TOML lockfile.
fn toml_packages<'a>(
    format: &'static str,
    doc: &'a toml::Table,
    key: &str,
) -> Result<&'a [toml::Value], LangError> {
    match doc.get(key) {
        None => Ok(&[]),
        Some(toml::Value::Array(a)) => Ok(a),
        Some(_) => Err(LangError::malformed(
            format,
            format!("{key} is not an array"),
        )),
    }
}

/// Name and version of one TOML package record, or a warning naming the record.
fn name_version<'a>(
    value: &'a toml::Value,
    index: usize,
    warnings: &mut Vec<String>,
) -> Option<(&'a toml::Table, &'a str, &'a str)> {
    let Some(table) = value.as_table() else {
        warnings.push(format!("package #{index}: not a table"));
        return None;
    };
    let name = table.get("name").and_then(toml::Value::as_str);
    let version = table.get("version").and_then(toml::Value::as_str);
    match (name, version) {
        (Some(n), Some(v)) if !n.is_empty() && !v.is_empty() => Some((table, n, v)),
        (Some(n), _) if !n.is_empty() => {
            // Directory and VCS packages of pylock.toml / uv.lock may lack a version.
            warnings.push(format!("package {n}: no version, skipped"));
            None
        }
        _ => {
            warnings.push(format!("package #{index}: no name"));
            None
        }
    }
}

/// Packages of one lockfile by PEP 503 name, for dependency lookups: each name's
/// `(version, id)` list.
#[derive(Default)]
struct ByName(HashMap<String, Vec<(String, String)>>);

impl ByName {
    fn add(&mut self, p: &LangPackage) {
        self.0
            .entry(pep503(&p.name))
            .or_default()
            .push((p.version.clone(), p.id.clone()));
    }

    /// The id of the package `name` (at `version` when given, or when the name has several).
    fn find(&self, name: &str, version: Option<&str>) -> Option<&str> {
        let candidates = self.0.get(&pep503(name))?;
        if let Some(v) = version {
            if let Some((_, id)) = candidates.iter().find(|(cv, _)| cv == v) {
                return Some(id);
            }
        }
        candidates.first().map(|(_, id)| id.as_str())
    }
}

/// `poetry.lock` (lock-version 1.x and 2.x): dev from `category = "dev"` (1.x) or `groups`
/// without `main` (2.x); the dependency graph from `[package.dependencies]`. Packages no other
/// locked package depends on must be required by the project itself: they are marked Direct
/// (the others may be direct too; without `pyproject.toml` that is not known).
pub fn poetry_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "poetry.lock";
    let doc = parse_toml(F, content)?;
    let mut parsed = Parsed::default();
    let mut records = Vec::new();
    for (i, value) in toml_packages(F, &doc, "package")?.iter().enumerate() {
        let Some((table, name, version)) = name_version(value, i, &mut parsed.warnings) else {
            continue;
        };
        let mut p = pkg(name, version);
        let category = table.get("category").and_then(toml::Value::as_str);
        let groups = string_array(table.get("groups"));
        p.dev = category == Some("dev") || (!groups.is_empty() && !groups.contains(&"main"));
        records.push((p, table));
    }
    let mut by_name = ByName::default();
    for (p, _) in &records {
        by_name.add(p);
    }
    let mut depended: HashSet<String> = HashSet::new();
    for (p, table) in &mut records {
        let Some(deps) = table.get("dependencies").and_then(toml::Value::as_table) else {
            continue;
        };
        for (dep, spec) in deps {
            let version = poetry_pinned_version(spec);
            if let Some(id) = by_name.find(dep, version.as_deref()) {
                if id != p.id && !p.dependencies.iter().any(|d| d == id) {
                    p.dependencies.push(id.to_string());
                    depended.insert(id.to_string());
                }
            }
        }
    }
    for (mut p, _) in records {
        if !depended.contains(&p.id) {
            p.relationship = Relationship::Direct;
        }
        parsed.packages.push(p);
    }
    Ok(parsed)
}

/// The exact version a Poetry dependency spec pins (`"1.0"`, `"==1.0"`, `{version = "1.0"}`),
/// to choose between locked packages of one name.
fn poetry_pinned_version(spec: &toml::Value) -> Option<String> {
    let v = match spec {
        toml::Value::String(s) => s.as_str(),
        toml::Value::Table(t) => t.get("version")?.as_str()?,
        _ => return None,
    };
    let v = v.trim().trim_start_matches("==").trim();
    (!v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')).then(|| v.into())
}

fn string_array(value: Option<&toml::Value>) -> Vec<&str> {
    value
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(toml::Value::as_str).collect())
        .unwrap_or_default()
}

/// Dependency references of a uv / pylock record: `[{ name, version? }]` arrays.
fn dep_refs(value: Option<&toml::Value>) -> Vec<(&str, Option<&str>)> {
    value
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|d| {
                    let t = d.as_table()?;
                    let name = t.get("name")?.as_str()?;
                    Some((name, t.get("version").and_then(toml::Value::as_str)))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Dependency references in a table of arrays (`optional-dependencies`, `dev-dependencies`).
fn grouped_dep_refs(value: Option<&toml::Value>) -> Vec<(&str, Option<&str>)> {
    value
        .and_then(toml::Value::as_table)
        .map(|t| t.values().flat_map(|v| dep_refs(Some(v))).collect())
        .unwrap_or_default()
}

/// `uv.lock`: the project (`source = { editable = "." }` or `{ virtual = "." }`) is the Root;
/// its dependencies (and dev-dependencies) are Direct, the rest Indirect; packages only
/// reachable through the project's `dev-dependencies` groups are dev. Dependencies include
/// the optional (extra) ones of each package.
pub fn uv_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "uv.lock";
    let doc = parse_toml(F, content)?;
    let mut parsed = Parsed::default();
    let mut records = Vec::new();
    for (i, value) in toml_packages(F, &doc, "package")?.iter().enumerate() {
        let Some((table, name, version)) = name_version(value, i, &mut parsed.warnings) else {
            continue;
        };
        let source = table.get("source").and_then(toml::Value::as_table);
        let is_root = source.is_some_and(|s| {
            ["editable", "virtual"]
                .iter()
                .any(|k| s.get(*k).and_then(toml::Value::as_str) == Some("."))
        });
        let mut p = pkg(name, version);
        if is_root {
            p.relationship = Relationship::Root;
        }
        records.push((p, table));
    }
    let mut by_name = ByName::default();
    for (p, _) in &records {
        by_name.add(p);
    }
    let resolve = |refs: Vec<(&str, Option<&str>)>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (name, version) in refs {
            if let Some(id) = by_name.find(name, version) {
                if !out.iter().any(|d| d == id) {
                    out.push(id.to_string());
                }
            }
        }
        out
    };
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut root_prod: Vec<String> = Vec::new();
    let mut root: Option<usize> = None;
    for (i, (p, table)) in records.iter_mut().enumerate() {
        let mut deps = resolve(dep_refs(table.get("dependencies")));
        for d in resolve(grouped_dep_refs(table.get("optional-dependencies"))) {
            if !deps.contains(&d) {
                deps.push(d);
            }
        }
        if p.relationship == Relationship::Root && root.is_none() {
            root = Some(i);
            root_prod = deps.clone();
            for d in resolve(grouped_dep_refs(table.get("dev-dependencies"))) {
                if !deps.contains(&d) {
                    deps.push(d);
                }
            }
        }
        p.dependencies = deps;
        index.entry(p.id.clone()).or_insert(i);
    }
    if let Some(r) = root {
        let root_id = records[r].0.id.clone();
        let direct: HashSet<String> = records[r].0.dependencies.iter().cloned().collect();
        // Production closure: from the root's non-dev dependencies.
        let prod = closure(&records, &index, root_prod);
        for (p, _) in &mut records {
            if p.id == root_id {
                continue;
            }
            p.relationship = if direct.contains(&p.id) {
                Relationship::Direct
            } else {
                Relationship::Indirect
            };
            p.dev = !prod.contains(&p.id);
        }
    }
    parsed.packages = records.into_iter().map(|(p, _)| p).collect();
    Ok(parsed)
}

/// Ids reachable from `start` along `dependencies` (breadth first, each package once).
fn closure<T>(
    records: &[(LangPackage, T)],
    index: &HashMap<String, usize>,
    start: Vec<String>,
) -> HashSet<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut queue: VecDeque<String> = start.into();
    while let Some(id) = queue.pop_front() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(&i) = index.get(&id) {
            for d in &records[i].0.dependencies {
                if !seen.contains(d) {
                    queue.push_back(d.clone());
                }
            }
        }
    }
    seen
}

/// `pylock.toml` (PEP 751): `[[packages]]` with `name`, `version` and `dependencies`
/// references. Packages without a version (directories, VCS) are skipped with a warning.
pub fn pylock(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "pylock.toml";
    let doc = parse_toml(F, content)?;
    let mut parsed = Parsed::default();
    let mut records = Vec::new();
    for (i, value) in toml_packages(F, &doc, "packages")?.iter().enumerate() {
        if let Some((table, name, version)) = name_version(value, i, &mut parsed.warnings) {
            records.push((pkg(name, version), table));
        }
    }
    let mut by_name = ByName::default();
    for (p, _) in &records {
        by_name.add(p);
    }
    for (p, table) in &mut records {
        for (name, version) in dep_refs(table.get("dependencies")) {
            if let Some(id) = by_name.find(name, version) {
                if !p.dependencies.iter().any(|d| d == id) {
                    p.dependencies.push(id.to_string());
                }
            }
        }
    }
    parsed.packages = records.into_iter().map(|(p, _)| p).collect();
    Ok(parsed)
}

/// `pdm.lock`: `[[package]]` with `name`, `version`, `groups` (dev unless `default` is one of
/// them) and PEP 508 `dependencies` strings (those naming a locked package make the graph).
pub fn pdm_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "pdm.lock";
    let doc = parse_toml(F, content)?;
    let mut parsed = Parsed::default();
    let mut records = Vec::new();
    for (i, value) in toml_packages(F, &doc, "package")?.iter().enumerate() {
        let Some((table, name, version)) = name_version(value, i, &mut parsed.warnings) else {
            continue;
        };
        let mut p = pkg(name, version);
        let groups = string_array(table.get("groups"));
        p.dev = !groups.is_empty() && !groups.contains(&"default");
        records.push((p, table));
    }
    let mut by_name = ByName::default();
    for (p, _) in &records {
        by_name.add(p);
    }
    for (p, table) in &mut records {
        for req in string_array(table.get("dependencies")) {
            let name = pep508_name(req);
            if name.is_empty() {
                continue;
            }
            if let Some(id) = by_name.find(name, None) {
                if id != p.id && !p.dependencies.iter().any(|d| d == id) {
                    p.dependencies.push(id.to_string());
                }
            }
        }
    }
    parsed.packages = records.into_iter().map(|(p, _)| p).collect();
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines() {
        let text = b"# comment\nFoo[bar,baz] == 1.0 ; python_version < \"3.9\" # pinned\n\
            -r other.txt\n-e git+https://x/y#egg=y\nbar===2.0 \\\n    --hash=sha256:abc \\\n    \
            --hash=sha256:def\nbaz>=1\nqux==1.*\nzap==3.0,!=3.0.1\n";
        let parsed = requirements(text).unwrap();
        let got: Vec<_> = parsed
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(got, [("Foo", "1.0"), ("bar", "2.0"), ("zap", "3.0")]);
    }

    #[test]
    fn licence_sources() {
        let m = b"Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense: UNKNOWN\n\
            Classifier: License :: OSI Approved :: MIT License\n\nLicense: body\n";
        let p = &metadata("x.dist-info/METADATA", m).unwrap().packages[0];
        assert_eq!(p.licenses, ["MIT License"]);
        let m = b"Name: x\nVersion: 1\nLicense-Expression: Apache-2.0 OR MIT\nLicense: BSD\n";
        let p = &metadata("x.dist-info/METADATA", m).unwrap().packages[0];
        assert_eq!(p.licenses, ["Apache-2.0 OR MIT"]);
        let m = b"Name: x\nVersion: 1\nLicense: BSD 3-Clause\n        Copyright (c)\n";
        let p = &metadata("x.dist-info/METADATA", m).unwrap().packages[0];
        assert_eq!(p.licenses, ["BSD 3-Clause"]);
    }
}
