//! Smaller ecosystems: Dart, Elixir, Swift, CocoaPods, Conan, Julia, conda environments.

use std::collections::{HashMap, HashSet};

use sekisho_model::PackageKind;
use serde_json::Value as Json;
use serde_yaml_ng::Value as Yaml;

use crate::{LangError, LangPackage, Parsed, Relationship};

/// Sets each package's dependencies from names (or other keys) through `lookup`, dropping
/// unknown ones, self references and repeats.
fn resolve_dependencies(
    packages: &mut [LangPackage],
    wanted: Vec<Vec<String>>,
    lookup: &HashMap<String, usize>,
) {
    let ids: Vec<String> = packages.iter().map(|p| p.id.clone()).collect();
    for (i, (pkg, names)) in packages.iter_mut().zip(wanted).enumerate() {
        let mut seen = HashSet::new();
        for name in names {
            if let Some(&j) = lookup.get(&name) {
                if j != i && seen.insert(j) {
                    pkg.dependencies.push(ids[j].clone());
                }
            }
        }
        pkg.dependencies.sort();
    }
}

fn yaml_str(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn parse_yaml(format: &'static str, content: &[u8]) -> Result<Yaml, LangError> {
    serde_yaml_ng::from_slice(content).map_err(|e| LangError::malformed(format, e))
}

// ---------------------------------------------------------------------------------------------
// Dart

/// Reads `pubspec.lock`: every entry of `packages` (name → `version`, `dependency`, `source`).
/// `dependency` `direct main` / `direct overridden` → [`Relationship::Direct`], `direct dev` →
/// Direct and dev, `transitive` → [`Relationship::Indirect`]. SDK packages (`source: sdk`,
/// such as `flutter`) are kept with the version the file records (`0.0.0`), as Trivy does.
/// Not YAML or `packages` not a mapping: malformed (a file without `packages` has no
/// packages); an entry without a version: skipped with a warning.
pub fn pubspec_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "pubspec.lock";
    let doc = parse_yaml(FORMAT, content)?;
    let mut parsed = Parsed::default();
    let packages = match doc.get("packages") {
        None | Some(Yaml::Null) => return Ok(parsed),
        Some(Yaml::Mapping(m)) => m,
        Some(_) => return Err(LangError::malformed(FORMAT, "`packages` not a mapping")),
    };
    let mut seen = HashSet::new();
    for (key, entry) in packages {
        let Some(name) = yaml_str(key) else {
            parsed
                .warnings
                .push(format!("{FORMAT}: a package key is not a string, skipped"));
            continue;
        };
        let Some(version) = entry.get("version").and_then(yaml_str) else {
            parsed
                .warnings
                .push(format!("{FORMAT} {name:?}: no version, skipped"));
            continue;
        };
        let dependency = entry.get("dependency").and_then(Yaml::as_str).unwrap_or("");
        let mut pkg = LangPackage::new(PackageKind::Pub, name, version);
        pkg.relationship = match dependency {
            "direct main" | "direct dev" | "direct overridden" => Relationship::Direct,
            "transitive" => Relationship::Indirect,
            _ => Relationship::Unknown,
        };
        pkg.dev = dependency == "direct dev";
        if seen.insert(pkg.id.clone()) {
            parsed.packages.push(pkg);
        }
    }
    Ok(parsed)
}

// ---------------------------------------------------------------------------------------------
// Elixir

/// An Elixir term as `mix.lock` writes them.
#[derive(Debug, Clone, PartialEq)]
enum Term {
    Str(String),
    Atom(String),
    /// Numbers, booleans, `nil` and anything else kept as its text.
    Other(String),
    List(Vec<Term>),
    Tuple(Vec<Term>),
    Map(Vec<(Term, Term)>),
}

impl Term {
    fn text(&self) -> Option<&str> {
        match self {
            Term::Str(s) | Term::Atom(s) => Some(s),
            _ => None,
        }
    }
}

/// Deepest nesting of Elixir terms read (a `mix.lock` nests 4 deep).
const MAX_TERM_DEPTH: usize = 64;

/// A recursive-descent reader of the Elixir term subset `mix.lock` uses: `%{}` maps with
/// `"key": value` or `key => value` pairs, `{}` tuples, `[]` lists with keyword pairs
/// (`hex: :decimal` → the tuple `{:hex, :decimal}`), strings, atoms (`:name`,
/// `:"quoted"`), numbers, `true` / `false` / `nil`.
struct TermReader<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> TermReader<'a> {
    fn skip_space(&mut self) {
        while let Some(&c) = self.s.get(self.pos) {
            if c.is_ascii_whitespace() {
                self.pos += 1;
            } else if c == b'#' {
                while self.s.get(self.pos).is_some_and(|&c| c != b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.s.get(self.pos).copied()
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected {:?} at byte {}", c as char, self.pos))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let start = self.pos;
        self.pos += 1; // opening quote
        let mut out = Vec::new();
        while let Some(&c) = self.s.get(self.pos) {
            self.pos += 1;
            match c {
                b'"' => return Ok(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let Some(&n) = self.s.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    out.push(match n {
                        b'n' => b'\n',
                        b't' => b'\t',
                        other => other,
                    });
                }
                _ => out.push(c),
            }
        }
        Err(format!("unterminated string at byte {start}"))
    }

    fn bare_word(&mut self) -> String {
        let start = self.pos;
        while let Some(&c) = self.s.get(self.pos) {
            if c.is_ascii_alphanumeric()
                || matches!(c, b'_' | b'.' | b'?' | b'!' | b'@' | b'-' | b'+')
            {
                self.pos += 1;
            } else {
                break;
            }
        }
        String::from_utf8_lossy(&self.s[start..self.pos]).into_owned()
    }

    /// A term; inside a list or map a keyword pair `key: value` comes back as a 2-tuple with
    /// an atom key when `keyword` is set.
    fn term(&mut self, depth: usize, keyword: bool) -> Result<Term, String> {
        if depth > MAX_TERM_DEPTH {
            return Err("terms nested too deep".to_string());
        }
        let Some(c) = self.peek() else {
            return Err("unexpected end".to_string());
        };
        let term = match c {
            b'%' => {
                self.pos += 1;
                self.expect(b'{')?;
                let items = self.sequence(b'}', depth, true)?;
                let mut pairs = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Term::Tuple(mut kv) if kv.len() == 2 => {
                            let v = kv.pop().unwrap_or(Term::Other(String::new()));
                            let k = kv.pop().unwrap_or(Term::Other(String::new()));
                            pairs.push((k, v));
                        }
                        _ => return Err("map entry is not key: value".to_string()),
                    }
                }
                return Ok(Term::Map(pairs));
            }
            b'{' => {
                self.pos += 1;
                Term::Tuple(self.sequence(b'}', depth, false)?)
            }
            b'[' => {
                self.pos += 1;
                Term::List(self.sequence(b']', depth, true)?)
            }
            b'"' => Term::Str(self.string()?),
            b':' => {
                self.pos += 1;
                if self.s.get(self.pos) == Some(&b'"') {
                    Term::Atom(self.string()?)
                } else {
                    let word = self.bare_word();
                    if word.is_empty() {
                        return Err(format!("empty atom at byte {}", self.pos));
                    }
                    Term::Atom(word)
                }
            }
            _ => {
                let word = self.bare_word();
                if word.is_empty() {
                    return Err(format!("unexpected {:?} at byte {}", c as char, self.pos));
                }
                // `key: value` keyword pair.
                if keyword && self.s.get(self.pos) == Some(&b':') {
                    self.pos += 1;
                    let value = self.term(depth + 1, false)?;
                    return Ok(Term::Tuple(vec![Term::Atom(word), value]));
                }
                Term::Other(word)
            }
        };
        if keyword {
            // `"key": value` (quoted keyword key) or `key => value`.
            if let Term::Str(key) = &term {
                if self.s.get(self.pos) == Some(&b':') {
                    self.pos += 1;
                    let value = self.term(depth + 1, false)?;
                    return Ok(Term::Tuple(vec![Term::Atom(key.clone()), value]));
                }
            }
            if self.peek() == Some(b'=') && self.s.get(self.pos + 1) == Some(&b'>') {
                self.pos += 2;
                let value = self.term(depth + 1, false)?;
                return Ok(Term::Tuple(vec![term, value]));
            }
        }
        Ok(term)
    }

    /// Comma-separated terms up to `close` (a trailing comma allowed).
    fn sequence(&mut self, close: u8, depth: usize, keyword: bool) -> Result<Vec<Term>, String> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None => return Err("unexpected end".to_string()),
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => {}
            }
            items.push(self.term(depth + 1, keyword)?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                Some(c) => return Err(format!("unexpected {:?} at byte {}", c as char, self.pos)),
                None => return Err("unexpected end".to_string()),
            }
        }
    }
}

/// Reads `mix.lock` (an Elixir map of app name → lock tuple) without evaluating it. Hex
/// entries `{:hex, :package, "version", hash, managers, deps, repo, hash}` become packages
/// named by the Hex package (the second element, which is also the map key unless the
/// dependency is renamed); their dependencies are the entries of `deps`
/// (`{:app, requirement, opts}`) that the lock holds. `:git` and `:path` entries have no Hex
/// version and are left out. Relationships are unknown (the lock does not say which apps
/// `mix.exs` names). A file that is not such a map: malformed; an entry that is not a
/// well-formed hex tuple: skipped with a warning.
pub fn mix_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "mix.lock";
    let mut reader = TermReader { s: content, pos: 0 };
    let doc = reader
        .term(0, false)
        .map_err(|e| LangError::malformed(FORMAT, e))?;
    if reader.peek().is_some() {
        return Err(LangError::malformed(
            FORMAT,
            format!("text after the map at byte {}", reader.pos),
        ));
    }
    let Term::Map(entries) = doc else {
        return Err(LangError::malformed(FORMAT, "not a map"));
    };
    let mut parsed = Parsed::default();
    let mut by_app: HashMap<String, usize> = HashMap::new();
    let mut wanted: Vec<Vec<String>> = Vec::new();
    for (key, value) in &entries {
        let Some(app) = key.text() else {
            parsed
                .warnings
                .push(format!("{FORMAT}: an entry key is not a name, skipped"));
            continue;
        };
        let Term::Tuple(fields) = value else {
            parsed
                .warnings
                .push(format!("{FORMAT} {app:?}: not a tuple, skipped"));
            continue;
        };
        match fields.first() {
            Some(Term::Atom(scm)) if scm == "hex" => {}
            Some(Term::Atom(_)) => continue, // :git, :path: no Hex version
            _ => {
                parsed
                    .warnings
                    .push(format!("{FORMAT} {app:?}: no source atom, skipped"));
                continue;
            }
        }
        let (Some(name), Some(Term::Str(version))) =
            (fields.get(1).and_then(Term::text), fields.get(2))
        else {
            parsed.warnings.push(format!(
                "{FORMAT} {app:?}: no package name and version, skipped"
            ));
            continue;
        };
        if by_app.contains_key(app) {
            continue;
        }
        let deps = match fields.get(5) {
            Some(Term::List(deps)) => deps
                .iter()
                .filter_map(|d| match d {
                    Term::Tuple(t) => t.first().and_then(Term::text).map(str::to_string),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        by_app.insert(app.to_string(), parsed.packages.len());
        parsed
            .packages
            .push(LangPackage::new(PackageKind::Hex, name, version.as_str()));
        wanted.push(deps);
    }
    resolve_dependencies(&mut parsed.packages, wanted, &by_app);
    Ok(parsed)
}

// ---------------------------------------------------------------------------------------------
// Swift

/// Reads `Package.resolved`: version 1 (`object.pins[]` with `package`, `repositoryURL`) and
/// versions 2 and 3 (`pins[]` with `identity`, `location`). The name is the repository
/// location without scheme, user and `.git` (`https://github.com/apple/swift-nio.git` →
/// `github.com/apple/swift-nio`; `git@github.com:apple/swift-nio.git` likewise); the version is
/// `state.version`, else `state.branch`. Not JSON or no pins array: malformed; a pin without
/// location or without version and branch (a bare revision): skipped with a warning.
pub fn swift_resolved(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "Package.resolved";
    let doc: Json = serde_json::from_slice(content).map_err(|e| LangError::malformed(FORMAT, e))?;
    let version = doc.get("version").and_then(Json::as_i64).unwrap_or(1);
    let pins = if version > 1 {
        doc.get("pins")
    } else {
        doc.get("object").and_then(|o| o.get("pins"))
    }
    .or_else(|| doc.get("pins"))
    .and_then(Json::as_array)
    .ok_or_else(|| LangError::malformed(FORMAT, "no `pins` array"))?;
    let mut parsed = Parsed::default();
    let mut seen = HashSet::new();
    for (i, pin) in pins.iter().enumerate() {
        let location = ["location", "repositoryURL"]
            .iter()
            .find_map(|k| pin.get(*k).and_then(Json::as_str))
            .filter(|l| !l.is_empty());
        let label = ["identity", "package"]
            .iter()
            .find_map(|k| pin.get(*k).and_then(Json::as_str))
            .unwrap_or("");
        let Some(location) = location else {
            parsed
                .warnings
                .push(format!("{FORMAT} pin {i} {label:?}: no location, skipped"));
            continue;
        };
        let state = pin.get("state");
        let text = |k: &str| {
            state
                .and_then(|s| s.get(k))
                .and_then(Json::as_str)
                .filter(|v| !v.is_empty())
        };
        let Some(version) = text("version").or_else(|| text("branch")) else {
            parsed.warnings.push(format!(
                "{FORMAT} pin {label:?}: neither version nor branch, skipped"
            ));
            continue;
        };
        let pkg = LangPackage::new(PackageKind::Swift, swift_name(location), version);
        if seen.insert(pkg.id.clone()) {
            parsed.packages.push(pkg);
        }
    }
    Ok(parsed)
}

/// A repository location as a name: scheme, user and `.git` dropped, scp-style `host:path`
/// turned into `host/path`.
fn swift_name(location: &str) -> String {
    let mut s = location.trim();
    let had_scheme = if let Some((_, rest)) = s.split_once("://") {
        s = rest;
        true
    } else {
        false
    };
    if let Some((user, rest)) = s.split_once('@') {
        if !user.contains('/') {
            s = rest;
        }
    }
    let s = s.trim_end_matches('/');
    let s = s.strip_suffix(".git").unwrap_or(s);
    if !had_scheme && !s.starts_with('/') {
        if let Some((host, path)) = s.split_once(':') {
            if !host.contains('/') {
                return format!("{host}/{}", path.trim_start_matches('/'));
            }
        }
    }
    s.to_string()
}

// ---------------------------------------------------------------------------------------------
// CocoaPods

/// `Name (version)` → name and version; a dependency line `Name (~> 1.0)` or `Name` → name.
fn pod_spec(s: &str) -> Option<(&str, &str)> {
    let (name, rest) = s.split_once(" (")?;
    let version = rest.trim().strip_suffix(')')?.trim();
    let name = name.trim();
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

/// Reads `Podfile.lock`: each entry of `PODS` (`"Name (1.0)"`, or a mapping
/// `"Name (1.0)": ["Dep (~> 2.0)", …]`); subspecs keep their full name (`Firebase/Core`).
/// Pods named under `DEPENDENCIES` are [`Relationship::Direct`], the others
/// [`Relationship::Indirect`]. Dependencies are resolved by name to the pods of the file. Not
/// YAML or `PODS` not a list: malformed; an entry that is not `Name (version)`: skipped with a
/// warning.
pub fn podfile_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "Podfile.lock";
    let doc = parse_yaml(FORMAT, content)?;
    let mut parsed = Parsed::default();
    let pods = match doc.get("PODS") {
        None | Some(Yaml::Null) => return Ok(parsed),
        Some(Yaml::Sequence(s)) => s,
        Some(_) => return Err(LangError::malformed(FORMAT, "`PODS` not a list")),
    };
    let direct: Option<HashSet<String>> =
        doc.get("DEPENDENCIES")
            .and_then(Yaml::as_sequence)
            .map(|deps| {
                deps.iter()
                    .filter_map(Yaml::as_str)
                    .filter_map(|d| d.split_whitespace().next())
                    .map(str::to_string)
                    .collect()
            });
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut wanted: Vec<Vec<String>> = Vec::new();
    let mut add = |parsed: &mut Parsed, spec: &str, deps: Vec<String>| {
        let Some((name, version)) = pod_spec(spec) else {
            parsed.warnings.push(format!(
                "{FORMAT} pod {spec:?}: not `Name (version)`, skipped"
            ));
            return;
        };
        if by_name.contains_key(name) {
            return;
        }
        let mut pkg = LangPackage::new(PackageKind::Cocoapods, name, version);
        pkg.relationship = match &direct {
            Some(set) if set.contains(name) => Relationship::Direct,
            Some(_) => Relationship::Indirect,
            None => Relationship::Unknown,
        };
        by_name.insert(name.to_string(), parsed.packages.len());
        parsed.packages.push(pkg);
        wanted.push(deps);
    };
    for pod in pods {
        match pod {
            Yaml::String(spec) => add(&mut parsed, spec, Vec::new()),
            Yaml::Mapping(m) => {
                for (spec, deps) in m {
                    let Some(spec) = spec.as_str() else {
                        parsed
                            .warnings
                            .push(format!("{FORMAT}: a pod key is not a string, skipped"));
                        continue;
                    };
                    let deps = deps
                        .as_sequence()
                        .map(|d| {
                            d.iter()
                                .filter_map(Yaml::as_str)
                                .filter_map(|d| d.split_whitespace().next())
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default();
                    add(&mut parsed, spec, deps);
                }
            }
            _ => parsed.warnings.push(format!(
                "{FORMAT}: a pod is neither a string nor a mapping, skipped"
            )),
        }
    }
    resolve_dependencies(&mut parsed.packages, wanted, &by_name);
    Ok(parsed)
}

// ---------------------------------------------------------------------------------------------
// Conan

/// `name/version[@user/channel][#revision[%timestamp]]` → name and version.
fn conan_ref(r: &str) -> Option<(&str, &str)> {
    let r = r.split('#').next().unwrap_or(r);
    let r = r.split('@').next().unwrap_or(r);
    let (name, version) = r.split_once('/')?;
    let (name, version) = (name.trim(), version.trim());
    (!name.is_empty() && !version.is_empty() && !version.contains('/')).then_some((name, version))
}

/// Reads `conan.lock`. Version 1 (Conan 1, `graph_lock.nodes`): every node with a `ref`,
/// id `name/version`; the nodes node `0` (the consumer) requires are
/// [`Relationship::Direct`], the others [`Relationship::Indirect`] (node `0` itself, when it
/// has a ref, is [`Relationship::Root`]); dependencies from each node's `requires` and
/// `build_requires`; a node reached only through `build_requires` is dev. Version 2
/// (Conan 2): the refs of `requires` (relationship unknown: the list is flat) and of
/// `build_requires` / `python_requires` (dev). Not JSON or neither shape: malformed; a ref that
/// is not `name/version…`: skipped with a warning.
pub fn conan_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "conan.lock";
    let doc: Json = serde_json::from_slice(content).map_err(|e| LangError::malformed(FORMAT, e))?;
    let mut parsed = Parsed::default();
    if let Some(nodes) = doc.get("graph_lock").and_then(|g| g.get("nodes")) {
        let nodes = nodes
            .as_object()
            .ok_or_else(|| LangError::malformed(FORMAT, "`graph_lock.nodes` not an object"))?;
        let list = |node: &Json, key: &str| -> Vec<String> {
            node.get(key)
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let direct: HashSet<String> = nodes
            .get("0")
            .map(|root| list(root, "requires"))
            .unwrap_or_default()
            .into_iter()
            .collect();
        // Nodes some node requires at run time (not build-only).
        let host_required: HashSet<String> =
            nodes.values().flat_map(|n| list(n, "requires")).collect();
        let mut by_node: HashMap<String, usize> = HashMap::new();
        let mut seen_ids: HashMap<String, usize> = HashMap::new();
        let mut wanted: Vec<Vec<String>> = Vec::new();
        // Nodes in numeric order where the keys are numbers.
        let mut keys: Vec<&String> = nodes.keys().collect();
        // A total order (numbers first, by value; then the other keys as text), so a hostile
        // lock cannot make the sort inconsistent.
        keys.sort_by_key(|k| match k.parse::<u64>() {
            Ok(n) => (0, n, k.as_str()),
            Err(_) => (1, 0, k.as_str()),
        });
        for key in keys {
            let node = &nodes[key.as_str()];
            let Some(r) = node
                .get("ref")
                .and_then(Json::as_str)
                .filter(|r| !r.is_empty())
            else {
                continue;
            };
            let Some((name, version)) = conan_ref(r) else {
                parsed.warnings.push(format!(
                    "{FORMAT} node {key}: ref {r:?} not name/version, skipped"
                ));
                continue;
            };
            let id = format!("{name}/{version}");
            if let Some(&i) = seen_ids.get(&id) {
                by_node.insert(key.clone(), i);
                continue;
            }
            let mut pkg = LangPackage::new(PackageKind::Conan, name, version);
            pkg.id = id.clone();
            pkg.relationship = if key == "0" {
                Relationship::Root
            } else if direct.contains(key.as_str()) {
                Relationship::Direct
            } else {
                Relationship::Indirect
            };
            pkg.dev = key != "0" && !host_required.contains(key.as_str());
            let mut deps = list(node, "requires");
            deps.extend(list(node, "build_requires"));
            let i = parsed.packages.len();
            seen_ids.insert(id, i);
            by_node.insert(key.clone(), i);
            parsed.packages.push(pkg);
            wanted.push(deps);
        }
        resolve_dependencies(&mut parsed.packages, wanted, &by_node);
        return Ok(parsed);
    }
    if doc.get("requires").is_none()
        && doc.get("build_requires").is_none()
        && doc.get("python_requires").is_none()
    {
        return Err(LangError::malformed(
            FORMAT,
            "neither `graph_lock.nodes` nor `requires`",
        ));
    }
    let mut seen = HashSet::new();
    for (key, dev) in [
        ("requires", false),
        ("build_requires", true),
        ("python_requires", true),
    ] {
        let Some(refs) = doc.get(key) else { continue };
        let Some(refs) = refs.as_array() else {
            return Err(LangError::malformed(FORMAT, format!("`{key}` not a list")));
        };
        for r in refs {
            let Some((name, version)) = r.as_str().and_then(conan_ref) else {
                parsed
                    .warnings
                    .push(format!("{FORMAT} {key}: {r} not name/version, skipped"));
                continue;
            };
            let mut pkg = LangPackage::new(PackageKind::Conan, name, version);
            pkg.id = format!("{name}/{version}");
            pkg.dev = dev;
            if seen.insert(pkg.id.clone()) {
                parsed.packages.push(pkg);
            }
        }
    }
    Ok(parsed)
}

// ---------------------------------------------------------------------------------------------
// Julia

/// Reads a Julia `Manifest.toml`: format 2 (`manifest_format = "2.0"`, entries under
/// `[[deps.Name]]`) and format 1 (top-level `[[Name]]`). The id is the entry's `uuid`; the
/// dependencies are its `deps`, a list of names (resolved when the name has one entry) or a
/// table name → uuid. A standard-library entry (no `version`, no `git-tree-sha1`, `path` or
/// `repo-url`) takes the manifest's `julia_version` (its real version: the stdlib ships with
/// Julia) and is left out when the manifest does not record one (format 1). Not TOML:
/// malformed; an entry without `uuid`: skipped with a warning.
pub fn julia_manifest(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "Manifest.toml";
    let text = std::str::from_utf8(content).map_err(|e| LangError::malformed(FORMAT, e))?;
    let doc: toml::Table = toml::from_str(text).map_err(|e| LangError::malformed(FORMAT, e))?;
    let julia_version = doc.get("julia_version").and_then(toml::Value::as_str);
    let v2 = doc.contains_key("manifest_format");
    let deps: &toml::Table = if v2 {
        match doc.get("deps") {
            Some(toml::Value::Table(t)) => t,
            None => return Ok(Parsed::default()),
            Some(_) => return Err(LangError::malformed(FORMAT, "`deps` not a table")),
        }
    } else {
        &doc
    };
    let mut parsed = Parsed::default();
    // uuid → index; name → uuid when the name has exactly one entry.
    let mut by_uuid: HashMap<String, usize> = HashMap::new();
    let mut unique_name: HashMap<&str, Option<&str>> = HashMap::new();
    let mut wanted: Vec<Vec<DepRef<'_>>> = Vec::new();
    for (name, entries) in deps {
        let Some(entries) = entries.as_array() else {
            continue; // format 1: other top-level keys
        };
        for entry in entries {
            let Some(entry) = entry.as_table() else {
                parsed
                    .warnings
                    .push(format!("{FORMAT} {name:?}: entry not a table, skipped"));
                continue;
            };
            let Some(uuid) = entry.get("uuid").and_then(toml::Value::as_str) else {
                parsed
                    .warnings
                    .push(format!("{FORMAT} {name:?}: no uuid, skipped"));
                continue;
            };
            unique_name
                .entry(name.as_str())
                .and_modify(|u| *u = None)
                .or_insert(Some(uuid));
            let version = match entry.get("version").and_then(toml::Value::as_str) {
                Some(v) => v,
                None => {
                    let stdlib = !["git-tree-sha1", "path", "repo-url"]
                        .iter()
                        .any(|k| entry.contains_key(*k));
                    match (stdlib, julia_version) {
                        (true, Some(v)) => v,
                        (true, None) => continue,
                        (false, _) => "",
                    }
                }
            };
            if by_uuid.contains_key(uuid) {
                continue;
            }
            let mut pkg = LangPackage::new(PackageKind::Julia, name.as_str(), version);
            pkg.id = uuid.to_string();
            let refs = match entry.get("deps") {
                Some(toml::Value::Array(a)) => a
                    .iter()
                    .filter_map(toml::Value::as_str)
                    .map(DepRef::Name)
                    .collect(),
                Some(toml::Value::Table(t)) => t
                    .values()
                    .filter_map(toml::Value::as_str)
                    .map(DepRef::Uuid)
                    .collect(),
                _ => Vec::new(),
            };
            by_uuid.insert(uuid.to_string(), parsed.packages.len());
            parsed.packages.push(pkg);
            wanted.push(refs);
        }
    }
    let wanted: Vec<Vec<String>> = wanted
        .into_iter()
        .map(|refs| {
            refs.into_iter()
                .filter_map(|r| match r {
                    DepRef::Uuid(u) => Some(u.to_string()),
                    DepRef::Name(n) => unique_name.get(n).copied().flatten().map(str::to_string),
                })
                .collect()
        })
        .collect();
    resolve_dependencies(&mut parsed.packages, wanted, &by_uuid);
    Ok(parsed)
}

/// A Julia `deps` reference: by name (format 1 and 2 lists) or by uuid (tables).
enum DepRef<'a> {
    Name(&'a str),
    Uuid(&'a str),
}

// ---------------------------------------------------------------------------------------------
// conda

/// A conda match spec (`name=1.2.3=build`, `name==1.2.3`, `name 1.2.3 build`,
/// `channel::name=1.2.3`, `name>=1.0`) → name and the pinned version (empty when the spec pins
/// none, as with `>=`, `<`, `*` or no version at all).
fn conda_spec(spec: &str) -> (String, String) {
    let spec = spec.split('#').next().unwrap_or(spec).trim();
    let spec = spec.rsplit_once("::").map_or(spec, |(_, s)| s);
    let spec = spec.split('[').next().unwrap_or(spec);
    let name_end = spec
        .find(|c: char| c.is_whitespace() || matches!(c, '=' | '<' | '>' | '!' | '~'))
        .unwrap_or(spec.len());
    let name = spec[..name_end].to_string();
    let rest = spec[name_end..].trim_start();
    let version = if let Some(v) = rest.strip_prefix("==") {
        v
    } else if let Some(v) = rest.strip_prefix('=') {
        v
    } else if rest.starts_with(|c: char| c.is_ascii_digit()) {
        rest
    } else {
        ""
    };
    let version = version
        .split(|c: char| c == '=' || c.is_whitespace())
        .next()
        .unwrap_or("");
    (name, pinned(version))
}

/// A version that pins one release: starts with a digit and has no wildcard or range.
fn pinned(v: &str) -> String {
    let ok = v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '!' | '-'));
    if ok {
        v.to_string()
    } else {
        String::new()
    }
}

/// A pip requirement line (`name==1.2.3`, `name[extra]>=1`, `name==1.0 ; marker`) → name and
/// the `==` version (empty when not pinned); `None` for options (`-r`, `--index-url`, `-e`)
/// and URLs, which name no PyPI package.
fn pip_spec(line: &str) -> Option<(String, String)> {
    let line = line.split(';').next().unwrap_or(line).trim();
    let line = line.split(" #").next().unwrap_or(line).trim();
    if line.is_empty() || line.starts_with('-') || line.contains("://") || line.contains('@') {
        return None;
    }
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() {
        return None;
    }
    let mut rest = line[name_end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.split_once(']').map_or("", |(_, r)| r).trim_start();
    }
    let version = rest
        .strip_prefix("===")
        .or_else(|| rest.strip_prefix("=="))
        .map(|v| v.split(',').next().unwrap_or("").trim())
        .filter(|v| !v.contains('*'))
        .unwrap_or("");
    Some((name.to_string(), version.to_string()))
}

/// Reads a conda `environment.yml`: every string of `dependencies` as a conda package (name,
/// and the version the spec pins, empty when it pins none, as Trivy reports them), and the
/// requirements of a `pip:` sub-list as PyPI packages (they are installed by pip from PyPI;
/// options and URLs skipped). Relationships are unknown (hand-written files name what the
/// user asked for, `conda env export` names everything). Not YAML or `dependencies` not a
/// list: malformed; an entry of another shape: skipped with a warning.
pub fn conda_environment(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "environment.yml";
    let doc = parse_yaml(FORMAT, content)?;
    let mut parsed = Parsed::default();
    if !matches!(doc, Yaml::Mapping(_) | Yaml::Null) {
        return Err(LangError::malformed(FORMAT, "not a mapping"));
    }
    let deps = match doc.get("dependencies") {
        None | Some(Yaml::Null) => return Ok(parsed),
        Some(Yaml::Sequence(s)) => s,
        Some(_) => return Err(LangError::malformed(FORMAT, "`dependencies` not a list")),
    };
    let mut seen = HashSet::new();
    let mut push = |parsed: &mut Parsed, pkg: LangPackage| {
        if seen.insert((pkg.kind, pkg.id.clone())) {
            parsed.packages.push(pkg);
        }
    };
    for (i, dep) in deps.iter().enumerate() {
        match dep {
            Yaml::String(spec) => {
                let (name, version) = conda_spec(spec);
                if name.is_empty() {
                    parsed
                        .warnings
                        .push(format!("{FORMAT} dependency {spec:?}: no name, skipped"));
                    continue;
                }
                push(
                    &mut parsed,
                    LangPackage::new(PackageKind::Conda, name, version),
                );
            }
            Yaml::Mapping(m) => {
                for (key, list) in m {
                    let key = key.as_str().unwrap_or("");
                    let Some(list) = list.as_sequence().filter(|_| key == "pip") else {
                        parsed.warnings.push(format!(
                            "{FORMAT} dependency {i}: `{key}` is not a pip list, skipped"
                        ));
                        continue;
                    };
                    for line in list.iter().filter_map(Yaml::as_str) {
                        if let Some((name, version)) = pip_spec(line) {
                            push(
                                &mut parsed,
                                LangPackage::new(PackageKind::Pypi, name, version),
                            );
                        }
                    }
                }
            }
            _ => parsed.warnings.push(format!(
                "{FORMAT} dependency {i}: neither a string nor a pip list, skipped"
            )),
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swift_names() {
        for (loc, want) in [
            (
                "https://github.com/apple/swift-nio.git",
                "github.com/apple/swift-nio",
            ),
            (
                "https://github.com/apple/swift-nio",
                "github.com/apple/swift-nio",
            ),
            (
                "git@github.com:apple/swift-nio.git",
                "github.com/apple/swift-nio",
            ),
            ("ssh://git@example.com/team/pkg.git", "example.com/team/pkg"),
            ("/Users/me/src/local-pkg", "/Users/me/src/local-pkg"),
        ] {
            assert_eq!(swift_name(loc), want, "{loc}");
        }
    }

    #[test]
    fn conda_specs() {
        for (spec, name, version) in [
            ("bzip2=1.0.8=h998d150_5", "bzip2", "1.0.8"),
            ("numpy==1.24.3", "numpy", "1.24.3"),
            ("python=3.11", "python", "3.11"),
            ("python>=3.8", "python", ""),
            ("pip", "pip", ""),
            ("conda-forge::openssl=3.0.8", "openssl", "3.0.8"),
            ("zlib 1.2.13 h5eee18b_0", "zlib", "1.2.13"),
            ("scipy=1.10.*", "scipy", ""),
        ] {
            assert_eq!(
                conda_spec(spec),
                (name.to_string(), version.to_string()),
                "{spec}"
            );
        }
    }

    #[test]
    fn pip_specs() {
        assert_eq!(
            pip_spec("requests[socks]==2.31.0 ; python_version > '3'"),
            Some(("requests".into(), "2.31.0".into()))
        );
        assert_eq!(pip_spec("flask>=2"), Some(("flask".into(), String::new())));
        assert_eq!(pip_spec("-r requirements.txt"), None);
        assert_eq!(pip_spec("git+https://github.com/x/y.git"), None);
    }

    #[test]
    fn conan_refs() {
        assert_eq!(conan_ref("zlib/1.2.11"), Some(("zlib", "1.2.11")));
        assert_eq!(
            conan_ref("zlib/1.2.11#abc%1690000000.0"),
            Some(("zlib", "1.2.11"))
        );
        assert_eq!(
            conan_ref("poco/1.9.4@user/stable#rev"),
            Some(("poco", "1.9.4"))
        );
        assert_eq!(conan_ref("conanfile"), None);
    }
}
