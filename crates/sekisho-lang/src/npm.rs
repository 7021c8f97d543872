//! JavaScript: installed `node_modules` packages and npm, yarn, pnpm and bun lockfiles.
//!
//! Ids are `name@version` as Trivy writes them. Dependency graphs are resolved with hash maps
//! (linear in the file's size); lockfile nesting is walked with an explicit stack.

use std::collections::{HashMap, HashSet, VecDeque};

use sekisho_model::PackageKind;
use serde_json::{Map, Value};

use crate::{LangError, LangPackage, Parsed, Relationship};

/// Deepest nesting (lockfile v1 `dependencies`, directory levels walked up while resolving a
/// dependency) followed before giving up with a warning.
const MAX_DEPTH: usize = 256;

fn pkg(name: &str, version: &str) -> LangPackage {
    LangPackage::new(PackageKind::Npm, name, version)
}

/// `name@rest` split at the first `@` that is not the scope's: `@types/ms@0.7.34` gives
/// `("@types/ms", "0.7.34")`; `None` without such an `@`.
fn split_name(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    let (name, rest) = (&spec[..at], &spec[at + 1..]);
    (!name.is_empty()).then_some((name, rest))
}

/// Keys of a JSON object member (`dependencies`, ...), empty when absent or not an object.
fn json_keys<'a>(v: &'a Value, member: &str) -> impl Iterator<Item = &'a str> {
    v.get(member)
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys().map(String::as_str))
}

fn json_bool(v: &Value, member: &str) -> bool {
    v.get(member).and_then(Value::as_bool).unwrap_or(false)
}

fn push_unique(list: &mut Vec<String>, id: &str) {
    if !list.iter().any(|d| d == id) {
        list.push(id.to_string());
    }
}

/// `node_modules/**/package.json` of an installed package: `name`, `version` and the licence
/// (`license` as a string or `{type}`, or a `licenses` array). Without a name or a version
/// (a package.json that is not a package's, such as test data) nothing is returned.
pub fn package_json(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "package.json";
    let doc: Value = serde_json::from_slice(content).map_err(|e| LangError::malformed(F, e))?;
    if !doc.is_object() {
        return Err(LangError::malformed(F, "not a JSON object"));
    }
    let mut parsed = Parsed::default();
    let name = doc.get("name").and_then(Value::as_str).unwrap_or("");
    let version = doc.get("version").and_then(Value::as_str).unwrap_or("");
    if name.is_empty() || version.is_empty() {
        return Ok(parsed);
    }
    let mut p = pkg(name, version);
    p.licenses = json_licenses(&doc);
    parsed.packages.push(p);
    Ok(parsed)
}

fn json_licenses(doc: &Value) -> Vec<String> {
    fn one(v: &Value) -> Option<String> {
        let s = match v {
            Value::String(s) => s.as_str(),
            Value::Object(o) => o.get("type")?.as_str()?,
            _ => return None,
        };
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_string())
    }
    if let Some(l) = doc.get("license").and_then(one) {
        return vec![l];
    }
    match doc.get("licenses") {
        Some(Value::Array(a)) => a.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// `package-lock.json`, `npm-shrinkwrap.json` and `node_modules/.package-lock.json`:
/// lockfileVersion 2 and 3 from `packages` (each package's `location` is its key), version 1
/// from the nested `dependencies` (locations built the same way). `dev`, `optional` and
/// `devOptional` packages are marked dev; workspace links are replaced by their targets;
/// dependencies are resolved as node does (nested `node_modules` first, then up the tree).
/// With the root project's entry (v2/v3), its dependencies and the workspaces are Direct and
/// the rest Indirect.
pub fn package_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "package-lock.json";
    let doc: Value = serde_json::from_slice(content).map_err(|e| LangError::malformed(F, e))?;
    let root = doc
        .as_object()
        .ok_or_else(|| LangError::malformed(F, "not a JSON object"))?;
    if let Some(packages) = root.get("packages") {
        let packages = packages
            .as_object()
            .ok_or_else(|| LangError::malformed(F, "packages is not an object"))?;
        return Ok(lock_packages(packages));
    }
    match root.get("dependencies") {
        None => Ok(Parsed::default()),
        Some(Value::Object(deps)) => Ok(lock_v1(deps)),
        Some(_) => Err(LangError::malformed(F, "dependencies is not an object")),
    }
}

/// The name a lockfile key implies: what follows its last `node_modules/`, else its last
/// path component.
fn name_from_key(key: &str) -> &str {
    match key.rfind("node_modules/") {
        Some(i) => &key[i + "node_modules/".len()..],
        None => key.rsplit('/').next().unwrap_or(key),
    }
}

/// Node's lookup of `dep` required from the package at `from` (a `node_modules` path, `""` for
/// the project): `from/node_modules/dep`, then the same from each parent directory. `links`
/// maps a link's key to its target key. Returns the key found.
fn node_resolve<'a>(
    from: &str,
    dep: &str,
    keys: &HashMap<&'a str, usize>,
    links: &HashMap<&str, &'a str>,
) -> Option<&'a str> {
    let mut dir = from;
    for _ in 0..MAX_DEPTH {
        let cand = if dir.is_empty() {
            format!("node_modules/{dep}")
        } else {
            format!("{dir}/node_modules/{dep}")
        };
        if let Some(target) = links.get(cand.as_str()) {
            if let Some((k, _)) = keys.get_key_value(target) {
                return Some(k);
            }
        }
        if let Some((k, _)) = keys.get_key_value(cand.as_str()) {
            return Some(k);
        }
        if dir.is_empty() {
            return None;
        }
        dir = dir.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    }
    None
}

const DEP_KINDS: [&str; 2] = ["dependencies", "optionalDependencies"];
const ALL_DEP_KINDS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
];

fn lock_packages(packages: &Map<String, Value>) -> Parsed {
    let mut parsed = Parsed::default();
    // Links: `node_modules/wsa` -> `packages/wsa`, and the name each target is linked as.
    let mut links: HashMap<&str, &str> = HashMap::new();
    let mut linked_name: HashMap<&str, &str> = HashMap::new();
    for (key, v) in packages {
        if json_bool(v, "link") {
            if let Some(target) = v.get("resolved").and_then(Value::as_str) {
                links.insert(key.as_str(), target);
                linked_name.insert(target, name_from_key(key));
            }
        }
    }
    let mut keys: HashMap<&str, usize> = HashMap::new();
    let mut entries: Vec<(&str, &Value)> = Vec::new();
    for (key, v) in packages {
        if key.is_empty() || json_bool(v, "link") {
            continue;
        }
        if !v.is_object() {
            parsed
                .warnings
                .push(format!("packages[{key:?}]: not an object, skipped"));
            continue;
        }
        let Some(version) = v.get("version").and_then(Value::as_str) else {
            parsed
                .warnings
                .push(format!("packages[{key:?}]: no version, skipped"));
            continue;
        };
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .or_else(|| {
                (!key.contains("node_modules/"))
                    .then(|| linked_name.get(key.as_str()).copied())
                    .flatten()
            })
            .unwrap_or_else(|| name_from_key(key));
        let mut p = pkg(name, version);
        p.location = Some(key.clone());
        p.dev = ["dev", "optional", "devOptional"]
            .iter()
            .any(|f| json_bool(v, f));
        keys.insert(key.as_str(), parsed.packages.len());
        parsed.packages.push(p);
        entries.push((key.as_str(), v));
    }
    for (i, (key, v)) in entries.iter().enumerate() {
        let mut deps = Vec::new();
        for kind in DEP_KINDS {
            for dep in json_keys(v, kind) {
                if let Some(k) = node_resolve(key, dep, &keys, &links) {
                    deps.push(parsed.packages[keys[k]].id.clone());
                }
            }
        }
        let list = &mut parsed.packages[i].dependencies;
        for d in deps {
            push_unique(list, &d);
        }
    }
    // Relationships, when the project's own entry is there (not in the hidden lockfile).
    if let Some(project) = packages.get("") {
        let mut direct: HashSet<usize> = HashSet::new();
        let mut from: Vec<(&str, &Value)> = vec![("", project)];
        for target in links.values() {
            if let Some(&i) = keys.get(target) {
                direct.insert(i);
                from.push((entries[i].0, entries[i].1));
            }
        }
        for (key, v) in from {
            for kind in ALL_DEP_KINDS {
                for dep in json_keys(v, kind) {
                    if let Some(k) = node_resolve(key, dep, &keys, &links) {
                        direct.insert(keys[k]);
                    }
                }
            }
        }
        for (i, p) in parsed.packages.iter_mut().enumerate() {
            p.relationship = if direct.contains(&i) {
                Relationship::Direct
            } else {
                Relationship::Indirect
            };
        }
    }
    parsed
}

fn lock_v1(deps: &Map<String, Value>) -> Parsed {
    let mut parsed = Parsed::default();
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut entries: Vec<&Value> = Vec::new();
    // (location, name, entry, depth); pushed in reverse so that pops follow file order.
    let mut stack: Vec<(String, &str, &Value, usize)> = deps
        .iter()
        .rev()
        .map(|(n, v)| (format!("node_modules/{n}"), n.as_str(), v, 1))
        .collect();
    while let Some((location, name, v, depth)) = stack.pop() {
        let Some(version) = v.get("version").and_then(Value::as_str) else {
            parsed
                .warnings
                .push(format!("dependencies {location:?}: no version, skipped"));
            continue;
        };
        // An alias records the real package: `"npm:real-name@1.0.0"`.
        let (name, version) = version
            .strip_prefix("npm:")
            .and_then(split_name)
            .unwrap_or((name, version));
        let mut p = pkg(name, version);
        p.dev = json_bool(v, "dev") || json_bool(v, "optional");
        if let Some(nested) = v.get("dependencies").and_then(Value::as_object) {
            if depth >= MAX_DEPTH {
                parsed.warnings.push(format!(
                    "dependencies {location:?}: nested deeper than {MAX_DEPTH}, children skipped"
                ));
            } else {
                for (n, c) in nested.iter().rev() {
                    stack.push((format!("{location}/node_modules/{n}"), n, c, depth + 1));
                }
            }
        }
        keys.insert(location.clone(), parsed.packages.len());
        p.location = Some(location);
        parsed.packages.push(p);
        entries.push(v);
    }
    let key_refs: HashMap<&str, usize> = keys.iter().map(|(k, &i)| (k.as_str(), i)).collect();
    let no_links = HashMap::new();
    for (i, v) in entries.iter().enumerate() {
        let Some(from) = parsed.packages[i].location.clone() else {
            continue;
        };
        let mut list = Vec::new();
        for dep in json_keys(v, "requires") {
            if let Some(k) = node_resolve(&from, dep, &key_refs, &no_links) {
                push_unique(&mut list, &parsed.packages[key_refs[k]].id);
            }
        }
        parsed.packages[i].dependencies = list;
    }
    parsed
}

/// `yarn.lock`: yarn 1 (its own format) and berry (YAML with `__metadata`). Entries listing
/// several descriptors give one package; `workspace:`, `link:` and `portal:` entries (the
/// project and its workspaces) are not packages, but with berry their dependencies are
/// Direct and the rest Indirect (yarn 1 does not record the project: Unknown). Dependencies are
/// resolved through the descriptors.
pub fn yarn_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "yarn.lock";
    let text = std::str::from_utf8(content).map_err(|e| LangError::malformed(F, e))?;
    let entries = if text.lines().any(|l| l.starts_with("__metadata:")) {
        yarn_berry_entries(text)?
    } else {
        yarn_v1_entries(text)?
    };
    Ok(yarn_packages(entries))
}

/// One yarn.lock entry.
#[derive(Default)]
struct YarnEntry {
    descriptors: Vec<String>,
    /// Real name (from the resolution, or the alias target).
    name: String,
    version: String,
    /// `(name, range)` of each dependency.
    deps: Vec<(String, String)>,
    /// A workspace, link or portal: not a package.
    local: bool,
    /// A `patch:` of another entry: the same package.
    patch: bool,
}

fn is_local_range(range: &str) -> bool {
    ["workspace:", "link:", "portal:"]
        .iter()
        .any(|p| range.starts_with(p))
}

/// The real name a descriptor `name@range` stands for (`alias@npm:real@^1` is `real`).
fn descriptor_name(desc: &str) -> Option<(&str, &str)> {
    let (name, range) = split_name(desc)?;
    if let Some((real, real_range)) = range.strip_prefix("npm:").and_then(split_name) {
        return Some((real, real_range));
    }
    Some((name, range))
}

/// yarn 1: unquote a token (`"@types/ms@0.7.34"` or `ms@^2`).
fn yarn_unquote(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => s.to_string(),
    }
}

/// yarn 1: `key value` split at the first white space outside quotes.
fn yarn_key_value(line: &str) -> (String, String) {
    let line = line.trim();
    let mut in_quote = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            ' ' | '\t' if !in_quote => {
                return (yarn_unquote(&line[..i]), yarn_unquote(&line[i + 1..]));
            }
            _ => {}
        }
    }
    (yarn_unquote(line.trim_end_matches(':')), String::new())
}

fn yarn_v1_entries(text: &str) -> Result<Vec<YarnEntry>, LangError> {
    let mut entries: Vec<YarnEntry> = Vec::new();
    let mut in_deps = false;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            let header = trimmed.strip_suffix(':').ok_or_else(|| {
                LangError::malformed("yarn.lock", format!("line {}: not an entry", n + 1))
            })?;
            let descriptors: Vec<String> = header
                .split(", ")
                .map(yarn_unquote)
                .filter(|d| !d.is_empty())
                .collect();
            entries.push(YarnEntry {
                descriptors,
                ..YarnEntry::default()
            });
            in_deps = false;
            continue;
        }
        let Some(entry) = entries.last_mut() else {
            return Err(LangError::malformed(
                "yarn.lock",
                format!("line {}: indented line before any entry", n + 1),
            ));
        };
        if indent <= 2 {
            let (key, value) = yarn_key_value(trimmed);
            in_deps = value.is_empty()
                && trimmed.ends_with(':')
                && matches!(key.as_str(), "dependencies" | "optionalDependencies");
            if key == "version" {
                entry.version = value;
            }
        } else if in_deps {
            let (name, range) = yarn_key_value(trimmed);
            entry.deps.push((name, range));
        }
    }
    for e in &mut entries {
        let Some((name, range)) = e.descriptors.first().and_then(|d| descriptor_name(d)) else {
            continue;
        };
        e.local = is_local_range(range);
        e.name = name.to_string();
    }
    Ok(entries)
}

fn yaml_string(v: &serde_yaml_ng::Value) -> Option<String> {
    match v {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        serde_yaml_ng::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn yarn_berry_entries(text: &str) -> Result<Vec<YarnEntry>, LangError> {
    let doc: serde_yaml_ng::Mapping =
        serde_yaml_ng::from_str(text).map_err(|e| LangError::malformed("yarn.lock", e))?;
    let mut entries = Vec::new();
    for (key, v) in &doc {
        let Some(key) = yaml_string(key) else {
            continue;
        };
        if key == "__metadata" {
            continue;
        }
        let descriptors: Vec<String> = key
            .split(',')
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .collect();
        let resolution = v
            .get("resolution")
            .and_then(yaml_string)
            .unwrap_or_default();
        let version = v.get("version").and_then(yaml_string).unwrap_or_default();
        let Some((name, local, patch)) = descriptor_name(&resolution)
            .or_else(|| descriptors.first().and_then(|d| descriptor_name(d)))
            .map(|(n, r)| (n.to_string(), is_local_range(r), r.starts_with("patch:")))
        else {
            continue;
        };
        let deps = v
            .get("dependencies")
            .and_then(serde_yaml_ng::Value::as_mapping)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, r)| Some((yaml_string(k)?, yaml_string(r)?)))
                    .collect()
            })
            .unwrap_or_default();
        entries.push(YarnEntry {
            descriptors,
            name,
            local,
            patch,
            version,
            deps,
        });
    }
    Ok(entries)
}

fn yarn_packages(entries: Vec<YarnEntry>) -> Parsed {
    let mut parsed = Parsed::default();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut descriptor_id: HashMap<&str, String> = HashMap::new();
    // Entry index -> package index (None for local entries).
    let mut owner: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    for e in &entries {
        if e.local {
            owner.push(None);
            continue;
        }
        if e.name.is_empty() || e.version.is_empty() {
            parsed.warnings.push(format!(
                "entry {:?}: no name or version, skipped",
                e.descriptors.join(", ")
            ));
            owner.push(None);
            continue;
        }
        let id = format!("{}@{}", e.name, e.version);
        for d in &e.descriptors {
            descriptor_id.insert(d.as_str(), id.clone());
        }
        if let Some(&i) = by_id.get(&id) {
            owner.push(if e.patch { None } else { Some(i) });
            continue;
        }
        if e.patch {
            // Emitted by the entry it patches.
            owner.push(None);
            continue;
        }
        by_id.insert(id, parsed.packages.len());
        owner.push(Some(parsed.packages.len()));
        parsed.packages.push(pkg(&e.name, &e.version));
    }
    let lookup = |name: &str, range: &str| -> Option<&String> {
        descriptor_id
            .get(format!("{name}@{range}").as_str())
            .or_else(|| descriptor_id.get(format!("{name}@npm:{range}").as_str()))
    };
    let mut direct: HashSet<usize> = HashSet::new();
    let mut has_project = false;
    for (e, o) in entries.iter().zip(&owner) {
        let resolved: Vec<&String> = e.deps.iter().filter_map(|(n, r)| lookup(n, r)).collect();
        match o {
            Some(i) => {
                for id in resolved {
                    push_unique(&mut parsed.packages[*i].dependencies, id);
                }
            }
            None if e.local => {
                has_project = true;
                direct.extend(resolved.iter().filter_map(|id| by_id.get(*id)));
            }
            None => {}
        }
    }
    if has_project {
        for (i, p) in parsed.packages.iter_mut().enumerate() {
            p.relationship = if direct.contains(&i) {
                Relationship::Direct
            } else {
                Relationship::Indirect
            };
        }
    }
    parsed
}

/// `pnpm-lock.yaml`: lockfile 5.x (`/name/1.0.0_peer`), 6.x (`/name@1.0.0(peer)`) and 9.x
/// (`packages` plus `snapshots`, `name@1.0.0(peer)`): peer suffixes are stripped, dev from
/// the `dev` flags (5.x, 6.x) or, when there are none, from the importers: packages no
/// importer's `dependencies` / `optionalDependencies` reach are dev. Importers' dependencies
/// are Direct, the rest Indirect.
pub fn pnpm_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "pnpm-lock.yaml";
    let text = std::str::from_utf8(content).map_err(|e| LangError::malformed(F, e))?;
    let doc: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| LangError::malformed(F, e))?;
    if doc.is_null() {
        return Ok(Parsed::default());
    }
    let Some(root) = doc.as_mapping() else {
        return Err(LangError::malformed(F, "not a mapping"));
    };
    let major = root
        .get("lockfileVersion")
        .and_then(yaml_string)
        .and_then(|v| v.split('.').next().and_then(|m| m.parse::<u32>().ok()))
        .unwrap_or(9);
    let mut parsed = Parsed::default();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut dev_flags = false;
    let empty = serde_yaml_ng::Mapping::new();
    let packages = root
        .get("packages")
        .and_then(serde_yaml_ng::Value::as_mapping)
        .unwrap_or(&empty);
    for (key, v) in packages {
        let Some(key) = yaml_string(key) else {
            continue;
        };
        let parsed_key = pnpm_key(&key, major);
        let name = v
            .get("name")
            .and_then(yaml_string)
            .or_else(|| parsed_key.map(|(n, _)| n.to_string()));
        let version = v
            .get("version")
            .and_then(yaml_string)
            .or_else(|| parsed_key.map(|(_, v)| v.to_string()));
        let (Some(name), Some(version)) = (name, version) else {
            parsed
                .warnings
                .push(format!("packages[{key:?}]: no name or version, skipped"));
            continue;
        };
        if name.is_empty() || version.is_empty() {
            continue;
        }
        let mut p = pkg(&name, &version);
        if let Some(dev) = v.get("dev").and_then(serde_yaml_ng::Value::as_bool) {
            dev_flags = true;
            p.dev = dev;
        }
        // Keys resolve to ids through `ids` too (tarball and git packages have their own).
        let key_id = parsed_key.map(|(n, v)| format!("{n}@{v}"));
        if let Some(&i) = ids.get(&p.id) {
            if let Some(k) = key_id {
                ids.entry(k).or_insert(i);
            }
            continue;
        }
        let i = parsed.packages.len();
        ids.insert(p.id.clone(), i);
        if let Some(k) = key_id {
            ids.entry(k).or_insert(i);
        }
        parsed.packages.push(p);
    }
    // Dependencies: from `snapshots` (9.x) or from the package entries.
    let graph = if major >= 9 {
        root.get("snapshots")
            .and_then(serde_yaml_ng::Value::as_mapping)
            .unwrap_or(&empty)
    } else {
        packages
    };
    for (key, v) in graph {
        let Some(key) = yaml_string(key) else {
            continue;
        };
        let Some(&i) = pnpm_key(&key, major)
            .and_then(|(n, ver)| ids.get(&format!("{n}@{ver}")))
            .or_else(|| ids.get(&key))
        else {
            continue;
        };
        for kind in DEP_KINDS {
            let Some(deps) = v.get(kind).and_then(serde_yaml_ng::Value::as_mapping) else {
                continue;
            };
            for (n, r) in deps {
                let (Some(n), Some(r)) = (yaml_string(n), yaml_string(r)) else {
                    continue;
                };
                if let Some(&j) = pnpm_ref(&n, &r, major).and_then(|id| ids.get(&id)) {
                    let id = parsed.packages[j].id.clone();
                    push_unique(&mut parsed.packages[i].dependencies, &id);
                }
            }
        }
    }
    // Importers: the projects of the workspace (or the lockfile's own top level).
    let mut importers: Vec<&serde_yaml_ng::Value> = Vec::new();
    match root
        .get("importers")
        .and_then(serde_yaml_ng::Value::as_mapping)
    {
        Some(m) => importers.extend(m.values()),
        None => importers.push(&doc),
    }
    let mut prod_roots: Vec<usize> = Vec::new();
    let mut direct: HashSet<usize> = HashSet::new();
    for imp in importers {
        for kind in ["dependencies", "optionalDependencies", "devDependencies"] {
            let Some(deps) = imp.get(kind).and_then(serde_yaml_ng::Value::as_mapping) else {
                continue;
            };
            for (n, r) in deps {
                let reference = match r {
                    serde_yaml_ng::Value::Mapping(m) => m.get("version").and_then(yaml_string),
                    other => yaml_string(other),
                };
                let (Some(n), Some(r)) = (yaml_string(n), reference) else {
                    continue;
                };
                if let Some(&j) = pnpm_ref(&n, &r, major).and_then(|id| ids.get(&id)) {
                    direct.insert(j);
                    if kind != "devDependencies" {
                        prod_roots.push(j);
                    }
                }
            }
        }
    }
    if !direct.is_empty() {
        if !dev_flags {
            let prod = reachable(&parsed.packages, &ids, prod_roots);
            for (i, p) in parsed.packages.iter_mut().enumerate() {
                p.dev = !prod.contains(&i);
            }
        }
        for (i, p) in parsed.packages.iter_mut().enumerate() {
            p.relationship = if direct.contains(&i) {
                Relationship::Direct
            } else {
                Relationship::Indirect
            };
        }
    }
    Ok(parsed)
}

/// Indexes of the packages reachable from `start` along `dependencies`.
fn reachable(
    packages: &[LangPackage],
    ids: &HashMap<String, usize>,
    start: Vec<usize>,
) -> HashSet<usize> {
    let mut seen = HashSet::new();
    let mut queue: VecDeque<usize> = start.into();
    while let Some(i) = queue.pop_front() {
        if !seen.insert(i) {
            continue;
        }
        for d in &packages[i].dependencies {
            if let Some(&j) = ids.get(d) {
                if !seen.contains(&j) {
                    queue.push_back(j);
                }
            }
        }
    }
    seen
}

/// Name and version of a pnpm package key, peer suffix removed.
fn pnpm_key(key: &str, major: u32) -> Option<(&str, &str)> {
    let key = key.split('(').next().unwrap_or(key);
    let key = key.strip_prefix('/').unwrap_or(key);
    if major >= 6 {
        return split_name(key).filter(|(_, v)| !v.is_empty());
    }
    // 5.x: `[registry/]name/version[_peers]`, `@scope/name/version`.
    let (rest, version) = key.rsplit_once('/')?;
    let version = version.split('_').next().unwrap_or(version);
    let name = match rest.rsplit_once('/') {
        Some((before, last)) => match before.rsplit('/').next() {
            Some(scope) if scope.starts_with('@') => {
                &rest[rest.len() - last.len() - scope.len() - 1..]
            }
            _ => last,
        },
        None => rest,
    };
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

/// The id a dependency reference points to: a version (`2.1.2`, `2.1.2(peer@1)`,
/// `2.1.2_peer@1`), an alias (`/real/1.0.0`, `/real@1.0.0`, `real@1.0.0`) or nothing for
/// `link:` / `file:`.
fn pnpm_ref(name: &str, reference: &str, major: u32) -> Option<String> {
    if reference.starts_with("link:") || reference.starts_with("file:") {
        return None;
    }
    if reference.starts_with('/') {
        return pnpm_key(reference, major).map(|(n, v)| format!("{n}@{v}"));
    }
    if major < 6 {
        // 5.x aliases are keys (`/real/1.0.0`); `_` starts the peer suffix.
        let plain = reference.split('_').next().unwrap_or(reference);
        return Some(format!("{name}@{plain}"));
    }
    let plain = reference.split('(').next().unwrap_or(reference);
    if let Some((n, v)) = split_name(plain) {
        return Some(format!("{n}@{v}"));
    }
    Some(format!("{name}@{plain}"))
}

/// `bun.lock` (bun's JSONC text lockfile): `packages` entries `key: ["name@version", registry,
/// {dependencies}, integrity]`, keys being install paths (`debug/ms` is the `ms` under
/// `debug`). Workspace and link entries are not packages; workspaces' dependencies are Direct
/// (the rest Indirect) and packages their `dependencies` / `optionalDependencies` do not reach
/// are dev.
pub fn bun_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const F: &str = "bun.lock";
    let json = strip_jsonc(content);
    let doc: Value = serde_json::from_slice(&json).map_err(|e| LangError::malformed(F, e))?;
    let root = doc
        .as_object()
        .ok_or_else(|| LangError::malformed(F, "not a JSON object"))?;
    let mut parsed = Parsed::default();
    let Some(packages) = root.get("packages") else {
        return Ok(parsed);
    };
    let packages = packages
        .as_object()
        .ok_or_else(|| LangError::malformed(F, "packages is not an object"))?;
    let mut keys: HashMap<&str, usize> = HashMap::new();
    let mut metas: Vec<(&str, Option<&Value>)> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (key, v) in packages {
        let Some(spec) = v.get(0).and_then(Value::as_str) else {
            parsed
                .warnings
                .push(format!("packages[{key:?}]: no name@version, skipped"));
            continue;
        };
        let Some((name, version)) = split_name(spec) else {
            parsed.warnings.push(format!(
                "packages[{key:?}]: {spec:?} is not name@version, skipped"
            ));
            continue;
        };
        if version.is_empty() || is_local_range(version) {
            continue;
        }
        let p = pkg(name, version);
        let i = parsed.packages.len();
        ids.entry(p.id.clone()).or_insert(i);
        keys.insert(key.as_str(), i);
        // The metadata object is the third element of registry packages, else the first object.
        let meta = v
            .get(2)
            .filter(|m| m.is_object())
            .or_else(|| v.as_array().and_then(|a| a.iter().find(|m| m.is_object())));
        metas.push((key.as_str(), meta));
        parsed.packages.push(p);
    }
    for (i, (key, meta)) in metas.iter().enumerate() {
        let Some(meta) = meta else {
            continue;
        };
        let mut list = Vec::new();
        for kind in DEP_KINDS {
            for dep in json_keys(meta, kind) {
                if let Some(j) = bun_resolve(key, dep, &keys) {
                    push_unique(&mut list, &parsed.packages[j].id);
                }
            }
        }
        parsed.packages[i].dependencies = list;
    }
    let Some(workspaces) = root.get("workspaces").and_then(Value::as_object) else {
        return Ok(parsed);
    };
    let mut direct: HashSet<usize> = HashSet::new();
    let mut prod_roots = Vec::new();
    for (path, ws) in workspaces {
        // A workspace's own packages are keyed under its name (`wsa/ms`).
        let from = if path.is_empty() {
            ""
        } else {
            ws.get("name").and_then(Value::as_str).unwrap_or("")
        };
        for kind in ALL_DEP_KINDS {
            for dep in json_keys(ws, kind) {
                if let Some(j) = bun_resolve(from, dep, &keys) {
                    direct.insert(j);
                    if kind != "devDependencies" {
                        prod_roots.push(j);
                    }
                }
            }
        }
    }
    let prod = reachable(&parsed.packages, &ids, prod_roots);
    for (i, p) in parsed.packages.iter_mut().enumerate() {
        p.dev = !prod.contains(&i);
        p.relationship = if direct.contains(&i) {
            Relationship::Direct
        } else {
            Relationship::Indirect
        };
    }
    Ok(parsed)
}

/// bun's lookup of `dep` from the package keyed `from`: `from/dep`, then from each parent
/// package (`a/b` → `a`, scoped names counting as one: `@s/x/y` → `@s/x`), then `dep`.
fn bun_resolve(from: &str, dep: &str, keys: &HashMap<&str, usize>) -> Option<usize> {
    let mut dir = from;
    for _ in 0..MAX_DEPTH {
        let cand = if dir.is_empty() {
            dep.to_string()
        } else {
            format!("{dir}/{dep}")
        };
        if let Some(&i) = keys.get(cand.as_str()) {
            return Some(i);
        }
        if dir.is_empty() {
            return None;
        }
        dir = match dir.rsplit_once('/') {
            Some((before, _)) => match before.rsplit_once('/') {
                Some((up, scope)) if scope.starts_with('@') => up,
                None if before.starts_with('@') => "",
                _ => before,
            },
            None => "",
        };
    }
    None
}

/// JSONC to JSON: `//` and `/* */` comments and trailing commas removed (outside strings).
fn strip_jsonc(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    let mut in_string = false;
    while i < input.len() {
        let b = input[i];
        if in_string {
            out.push(b);
            if b == b'\\' && i + 1 < input.len() {
                out.push(input[i + 1]);
                i += 2;
                continue;
            }
            if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                out.push(b);
                i += 1;
            }
            b'/' if input.get(i + 1) == Some(&b'/') => {
                while i < input.len() && input[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if input.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < input.len() && !(input[i] == b'*' && input.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
            }
            b'}' | b']' => {
                // Drop a comma that only white space separates from this closer.
                let mut j = out.len();
                while j > 0 && out[j - 1].is_ascii_whitespace() {
                    j -= 1;
                }
                if j > 0 && out[j - 1] == b',' {
                    out.remove(j - 1);
                }
                out.push(b);
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// What a project's `package.json` adds to the yarn lockfile beside it (which does not record
/// the project): the project itself as the root (when it has a name and version), its
/// `dependencies`/`optionalDependencies` as direct dependencies and the rest indirect, and
/// what only its `devDependencies` bring in marked dev. A dependency is the lockfile's package
/// of that name whose version satisfies the range (or the only one of that name).
pub fn apply_package_json(parsed: &mut Parsed, manifest: &[u8]) {
    let Ok(doc) = serde_json::from_slice::<Value>(manifest) else {
        return;
    };
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in parsed.packages.iter().enumerate() {
        by_name.entry(p.name.as_str()).or_default().push(i);
    }
    let pick = |name: &str, range: &str| -> Option<usize> {
        let candidates = by_name.get(name)?;
        if let [only] = candidates.as_slice() {
            return Some(*only);
        }
        candidates.iter().copied().find(|&i| {
            sekisho_version::satisfies(
                sekisho_version::Ecosystem::Npm,
                &parsed.packages[i].version,
                range,
            )
            .unwrap_or(false)
        })
    };
    let starts = |kinds: &[&str]| -> Vec<usize> {
        kinds
            .iter()
            .filter_map(|k| doc.get(*k).and_then(Value::as_object))
            .flat_map(|deps| deps.iter())
            .filter_map(|(name, range)| pick(name, range.as_str().unwrap_or("*")))
            .collect()
    };
    let normal = starts(&["dependencies", "optionalDependencies", "peerDependencies"]);
    let dev = starts(&["devDependencies"]);
    let direct: HashSet<usize> = normal.iter().chain(&dev).copied().collect();
    let dev_only = crate::dev_only(&parsed.packages, normal.clone(), dev);
    for (i, p) in parsed.packages.iter_mut().enumerate() {
        p.dev |= dev_only[i];
        p.relationship = if direct.contains(&i) {
            Relationship::Direct
        } else {
            Relationship::Indirect
        };
    }
    let name = doc.get("name").and_then(Value::as_str).unwrap_or("");
    let version = doc.get("version").and_then(Value::as_str).unwrap_or("");
    if !name.is_empty() && !version.is_empty() {
        let mut root = pkg(name, version);
        root.relationship = Relationship::Root;
        root.licenses = json_licenses(&doc);
        let mut deps: Vec<String> = normal
            .iter()
            .map(|&i| parsed.packages[i].id.clone())
            .collect();
        deps.sort();
        deps.dedup();
        root.dependencies = deps;
        parsed.packages.insert(0, root);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_the_version() {
        assert_eq!(
            split_name("@types/ms@0.7.34"),
            Some(("@types/ms", "0.7.34"))
        );
        assert_eq!(split_name("ms@npm:2.1.2"), Some(("ms", "npm:2.1.2")));
        assert_eq!(split_name("ms"), None);
        assert_eq!(split_name("@"), None);
        assert_eq!(
            descriptor_name("sw@npm:string-width@^4"),
            Some(("string-width", "^4"))
        );
    }

    #[test]
    fn pnpm_keys() {
        assert_eq!(
            pnpm_key("/@types/ms/0.7.34", 5),
            Some(("@types/ms", "0.7.34"))
        );
        assert_eq!(
            pnpm_key("/foo/1.0.0_@babel+core@7.0.0", 5),
            Some(("foo", "1.0.0"))
        );
        assert_eq!(
            pnpm_key("registry.example.com/foo/1.0.0", 5),
            Some(("foo", "1.0.0"))
        );
        assert_eq!(
            pnpm_key("/@a/b@1.0.0(react@18.0.0)", 6),
            Some(("@a/b", "1.0.0"))
        );
        assert_eq!(
            pnpm_key("debug@4.3.4(supports-color@8.1.1)", 9),
            Some(("debug", "4.3.4"))
        );
        assert_eq!(
            pnpm_ref("sw", "string-width@4.2.3", 9).as_deref(),
            Some("string-width@4.2.3")
        );
        assert_eq!(
            pnpm_ref("x", "1.0.0(y@2.0.0)", 9).as_deref(),
            Some("x@1.0.0")
        );
        assert_eq!(
            pnpm_ref("x", "1.0.0_y@2.0.0", 5).as_deref(),
            Some("x@1.0.0")
        );
        assert_eq!(pnpm_ref("x", "link:../x", 9), None);
    }

    #[test]
    fn jsonc() {
        let got = strip_jsonc(b"{ \"a\": [1, 2,], // c\n \"b,\": \"//x\", /* y */ }");
        let v: Value = serde_json::from_slice(&got).unwrap();
        assert_eq!(v["b,"], "//x");
        assert_eq!(v["a"][1], 2);
    }

    #[test]
    fn bun_parents() {
        let keys: HashMap<&str, usize> = [("ms", 0), ("@s/x/ms", 1)].into_iter().collect();
        assert_eq!(bun_resolve("@s/x", "ms", &keys), Some(1));
        assert_eq!(bun_resolve("@s/x/@t/y", "ms", &keys), Some(1));
        assert_eq!(bun_resolve("a/b", "ms", &keys), Some(0));
    }
}
