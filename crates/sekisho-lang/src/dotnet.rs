//! .NET: `*.deps.json`, `packages.lock.json`, `packages.config`, `Directory.Packages.props`.
//!
//! `*.deps.json` is written next to a built application and lists what it loads at run time;
//! `packages.lock.json` is NuGet's lockfile (per target framework); `packages.config` is the
//! flat package list of old-style projects; `Directory.Packages.props` holds the versions of
//! central package management.

use std::collections::{HashMap, HashSet};

use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;
use sekisho_model::PackageKind;
use serde_json::{Map, Value};

use crate::{LangError, LangPackage, Parsed, Relationship};

/// Prefix of self-contained runtime packs in `.deps.json` (`runtimepack.Microsoft.NETCore.App.Runtime.linux-x64`).
const RUNTIME_PACK_PREFIX: &str = "runtimepack.";

/// Reads `*.deps.json`: the `libraries` of type `package`, `project` and `runtimepack`
/// (prefix `runtimepack.` dropped), ids `Name/Version` as the file writes them. When the
/// `targets` entry of `runtimeTarget.name` exists, a library it lists without `runtime`,
/// `runtimeTargets` or `native` assets (compile-time only) is left out, dependencies come
/// from its `dependencies`, the one project no library depends on is
/// [`Relationship::Root`], and, when that root has dependencies, the others are
/// [`Relationship::Direct`] or [`Relationship::Indirect`]. Without that target every library is
/// kept and relationships stay unknown (the project still the root when it is the only
/// project). Not JSON or not an object: malformed; a library key without `/`: skipped with a
/// warning.
pub fn deps_json(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "deps.json";
    let doc: Value =
        serde_json::from_slice(content).map_err(|e| LangError::malformed(FORMAT, e))?;
    let doc = doc
        .as_object()
        .ok_or_else(|| LangError::malformed(FORMAT, "not an object"))?;
    let empty = Map::new();
    let libraries = doc
        .get("libraries")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let runtime_target = doc
        .get("runtimeTarget")
        .and_then(|t| t.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    // Target libraries by id (`Name/Version`, runtime-pack prefix dropped).
    let target: Option<HashMap<String, &Map<String, Value>>> = doc
        .get("targets")
        .and_then(|t| t.get(runtime_target))
        .and_then(Value::as_object)
        .map(|libs| {
            libs.iter()
                .filter_map(|(key, lib)| {
                    let (name, version) = key.split_once('/')?;
                    Some((core_id(name, version), lib.as_object()?))
                })
                .collect()
        });

    let mut parsed = Parsed::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut projects: Vec<usize> = Vec::new();
    for (key, lib) in libraries {
        let Some((name, version)) = key.split_once('/') else {
            parsed.warnings.push(format!(
                "deps.json library {key:?}: not Name/Version, skipped"
            ));
            continue;
        };
        let kind = lib.get("type").and_then(Value::as_str).unwrap_or("");
        let is_project = kind.eq_ignore_ascii_case("project");
        if !(is_project
            || kind.eq_ignore_ascii_case("package")
            || kind.eq_ignore_ascii_case("runtimepack"))
        {
            continue;
        }
        let name = name.strip_prefix(RUNTIME_PACK_PREFIX).unwrap_or(name);
        let id = core_id(name, version);
        if let Some(libs) = &target {
            if let Some(entry) = libs.get(&id) {
                let has_assets = ["runtime", "runtimeTargets", "native"]
                    .iter()
                    .any(|k| entry.get(*k).is_some_and(not_empty));
                if !has_assets {
                    continue;
                }
            }
        }
        if index.contains_key(&id) {
            continue;
        }
        let mut pkg = LangPackage::new(PackageKind::Nuget, name, version);
        pkg.id = id.clone();
        if is_project {
            projects.push(parsed.packages.len());
        }
        index.insert(id, parsed.packages.len());
        parsed.packages.push(pkg);
    }

    // Every id some target library depends on.
    let dependencies_of = |lib: &Map<String, Value>| -> Vec<String> {
        lib.get("dependencies")
            .and_then(Value::as_object)
            .map(|deps| {
                deps.iter()
                    .filter_map(|(n, v)| Some(core_id(n, v.as_str()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let referenced: HashSet<String> = target
        .iter()
        .flat_map(|libs| libs.values())
        .flat_map(|lib| dependencies_of(lib))
        .collect();
    let roots: Vec<usize> = projects
        .iter()
        .copied()
        .filter(|&i| !referenced.contains(&parsed.packages[i].id))
        .collect();
    let root = (roots.len() == 1).then(|| roots[0]);

    let Some(libs) = &target else {
        if let Some(r) = root {
            parsed.packages[r].relationship = Relationship::Root;
        }
        return Ok(parsed);
    };
    let direct: HashSet<String> = root
        .and_then(|r| libs.get(&parsed.packages[r].id))
        .map(|lib| dependencies_of(lib).into_iter().collect())
        .unwrap_or_default();
    for (i, pkg) in parsed.packages.iter_mut().enumerate() {
        if Some(i) == root {
            pkg.relationship = Relationship::Root;
        } else if !direct.is_empty() {
            pkg.relationship = if direct.contains(&pkg.id) {
                Relationship::Direct
            } else {
                Relationship::Indirect
            };
        }
        if let Some(lib) = libs.get(&pkg.id) {
            let mut deps: Vec<String> = dependencies_of(lib)
                .into_iter()
                .filter(|d| index.contains_key(d) && *d != pkg.id)
                .collect();
            deps.sort();
            deps.dedup();
            pkg.dependencies = deps;
        }
    }
    Ok(parsed)
}

/// `Name/Version`, the id `.deps.json` uses (runtime-pack prefix dropped).
fn core_id(name: &str, version: &str) -> String {
    let name = name.strip_prefix(RUNTIME_PACK_PREFIX).unwrap_or(name);
    format!("{name}/{version}")
}

fn not_empty(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// Reads `packages.lock.json`: every package of every target framework under
/// `dependencies`, once per `name@resolved` (a package listed for several frameworks is one
/// package, its dependencies merged). `type` `Direct` → [`Relationship::Direct`],
/// `Transitive` / `CentralTransitive` → [`Relationship::Indirect`]; `Project` entries (other
/// projects of the solution) are left out. Dependencies are resolved to the versions the same
/// framework locks. Not JSON, or no `dependencies` object: malformed; an entry without
/// `resolved`: skipped with a warning.
pub fn packages_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "packages.lock.json";
    let doc: Value =
        serde_json::from_slice(content).map_err(|e| LangError::malformed(FORMAT, e))?;
    let frameworks = doc
        .get("dependencies")
        .and_then(Value::as_object)
        .ok_or_else(|| LangError::malformed(FORMAT, "no `dependencies` object"))?;
    let mut parsed = Parsed::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut dep_sets: Vec<HashSet<String>> = Vec::new();
    for (framework, entries) in frameworks {
        let Some(entries) = entries.as_object() else {
            parsed.warnings.push(format!(
                "{FORMAT} framework {framework:?}: not an object, skipped"
            ));
            continue;
        };
        for (name, entry) in entries {
            let kind = entry.get("type").and_then(Value::as_str).unwrap_or("");
            if kind.eq_ignore_ascii_case("project") {
                continue;
            }
            let Some(version) = entry
                .get("resolved")
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
            else {
                parsed.warnings.push(format!(
                    "{FORMAT} {framework} {name:?}: no `resolved` version, skipped"
                ));
                continue;
            };
            let id = format!("{name}@{version}");
            let i = *index.entry(id).or_insert_with(|| {
                parsed
                    .packages
                    .push(LangPackage::new(PackageKind::Nuget, name.as_str(), version));
                dep_sets.push(HashSet::new());
                parsed.packages.len() - 1
            });
            let pkg = &mut parsed.packages[i];
            if kind.eq_ignore_ascii_case("direct") {
                pkg.relationship = Relationship::Direct;
            } else if pkg.relationship == Relationship::Unknown {
                pkg.relationship = Relationship::Indirect;
            }
            if let Some(deps) = entry.get("dependencies").and_then(Value::as_object) {
                for dep_name in deps.keys() {
                    let resolved = entries
                        .get(dep_name)
                        .and_then(|d| d.get("resolved"))
                        .and_then(Value::as_str);
                    if let Some(v) = resolved {
                        dep_sets[i].insert(format!("{dep_name}@{v}"));
                    }
                }
            }
        }
    }
    for (pkg, deps) in parsed.packages.iter_mut().zip(dep_sets) {
        let mut deps: Vec<String> = deps
            .into_iter()
            .filter(|d| index.contains_key(d) && *d != pkg.id)
            .collect();
        deps.sort();
        pkg.dependencies = deps;
    }
    Ok(parsed)
}

/// One XML element of interest: its name and attributes (unescaped).
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Element {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.trim())
    }
}

/// Walk an XML document; `visit` sees each element with the names of its ancestors. Ill-formed
/// XML or a document that ends inside an element is malformed.
fn walk_xml(
    format: &'static str,
    content: &[u8],
    mut visit: impl FnMut(&[String], &Element),
) -> Result<(), LangError> {
    let content = content.strip_prefix(b"\xef\xbb\xbf").unwrap_or(content);
    let text = std::str::from_utf8(content).map_err(|e| LangError::malformed(format, e))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut saw_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| LangError::malformed(format, e))?;
        match event {
            Event::Start(e) => {
                let element = element(format, &e)?;
                visit(&stack, &element);
                stack.push(element.name);
                saw_root = true;
            }
            Event::Empty(e) => {
                let element = element(format, &e)?;
                visit(&stack, &element);
                saw_root = true;
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(LangError::malformed(
            format,
            format!("ends inside <{}>", stack.last().map_or("", String::as_str)),
        ));
    }
    if !saw_root {
        return Err(LangError::malformed(format, "no XML element"));
    }
    Ok(())
}

fn element(format: &'static str, e: &BytesStart<'_>) -> Result<Element, LangError> {
    let name = AsRef::<str>::as_ref(&e.local_name()).to_string();
    let mut attrs = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| LangError::malformed(format, err))?;
        let key = AsRef::<str>::as_ref(&attr.key.local_name()).to_string();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| LangError::malformed(format, err))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element { name, attrs })
}

/// Reads `packages.config`: each `<package id="…" version="…">` under `<packages>`, once per
/// `id@version`; `developmentDependency="true"` marks it dev (kept, not dropped).
/// Relationships are unknown (the list is flat). Ill-formed XML or a root other than
/// `<packages>`: malformed; a `<package>` without `id` or `version`: skipped with a warning.
pub fn packages_config(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "packages.config";
    let mut parsed = Parsed::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut root: Option<String> = None;
    let mut count = 0usize;
    walk_xml(FORMAT, content, |ancestors, el| {
        if ancestors.is_empty() {
            root.get_or_insert_with(|| el.name.clone());
            return;
        }
        if el.name != "package" || ancestors.len() != 1 || ancestors[0] != "packages" {
            return;
        }
        count += 1;
        let id = el.attr("id").unwrap_or("");
        let version = el.attr("version").unwrap_or("");
        if id.is_empty() || version.is_empty() {
            parsed.warnings.push(format!(
                "{FORMAT} <package> #{count} (id {id:?}): no id or version, skipped"
            ));
            return;
        }
        let mut pkg = LangPackage::new(PackageKind::Nuget, id, version);
        pkg.dev = el
            .attr("developmentDependency")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        if seen.insert(pkg.id.clone()) {
            parsed.packages.push(pkg);
        }
    })?;
    match root.as_deref() {
        Some("packages") => Ok(parsed),
        other => Err(LangError::malformed(
            FORMAT,
            format!("root element {:?}, not <packages>", other.unwrap_or("")),
        )),
    }
}

/// Reads `Directory.Packages.props` (central package management): `<PackageVersion>`,
/// `<PackageReference>` and `<GlobalPackageReference>` items of the `<ItemGroup>`s of
/// `<Project>`, name from `Include` (else `Update`), version from `Version` (also
/// `VersionOverride`), once per `name@version`. Relationships are unknown (the file declares
/// versions, not which projects use them). An item whose name or version is an MSBuild
/// property (`$(…)`) or empty is skipped with a warning. Ill-formed XML or a root other than
/// `<Project>`: malformed.
pub fn directory_packages_props(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "Directory.Packages.props";
    let mut parsed = Parsed::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut root: Option<String> = None;
    walk_xml(FORMAT, content, |ancestors, el| {
        if ancestors.is_empty() {
            root.get_or_insert_with(|| el.name.clone());
            return;
        }
        if !matches!(
            el.name.as_str(),
            "PackageVersion" | "PackageReference" | "GlobalPackageReference"
        ) || ancestors.last().map(String::as_str) != Some("ItemGroup")
        {
            return;
        }
        let name = el
            .attr("Include")
            .filter(|n| !n.is_empty())
            .or_else(|| el.attr("Update"))
            .unwrap_or("");
        let version = el
            .attr("Version")
            .filter(|v| !v.is_empty())
            .or_else(|| el.attr("VersionOverride"))
            .unwrap_or("");
        let is_property = |s: &str| s.contains("$(");
        if name.is_empty() || version.is_empty() || is_property(name) || is_property(version) {
            parsed.warnings.push(format!(
                "{FORMAT} <{}> {name:?} version {version:?}: no literal name and version, skipped",
                el.name
            ));
            return;
        }
        let pkg = LangPackage::new(PackageKind::Nuget, name, version);
        if seen.insert(pkg.id.clone()) {
            parsed.packages.push(pkg);
        }
    })?;
    match root.as_deref() {
        Some("Project") => Ok(parsed),
        other => Err(LangError::malformed(
            FORMAT,
            format!("root element {:?}, not <Project>", other.unwrap_or("")),
        )),
    }
}
