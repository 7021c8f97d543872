//! Java: archives (jar, war, ear, nested jars) and Maven, Gradle and sbt files.
//!
//! An archive names its packages in `META-INF/maven/<group>/<artifact>/pom.properties` (a
//! shaded jar has one per bundled artifact); an archive with none falls back to its
//! `META-INF/MANIFEST.MF` and then to a `name-1.2.3.jar` file name. Archives inside archives
//! (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, an ear's `lib/*.jar`) are read the same way, within
//! [`Limits`]: only `pom.properties`, `MANIFEST.MF` and nested archives are decompressed, and the
//! bytes decompressed across all of them are counted, never trusting declared sizes.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

use quick_xml::events::Event;
use sekisho_model::PackageKind;

use crate::{LangError, LangPackage, Limits, Parsed, Relationship};

/// Extensions of Java archives, read as nested archives when found inside one.
const ARCHIVE_EXTENSIONS: [&str; 9] = [
    "jar", "war", "ear", "jpi", "hpi", "kar", "par", "sar", "nar",
];

/// Largest `pom.properties` or `MANIFEST.MF` read (both are a few hundred bytes in practice).
const MAX_TEXT_MEMBER: u64 = 1 << 20;

fn maven(name: String, version: String) -> LangPackage {
    LangPackage::new(PackageKind::Maven, name, version)
}

/// A Java archive (`*.jar`, `*.war`, `*.ear`, ...) held in memory; `path` is its path in the
/// image, for its file name.
///
/// Packages come from every `pom.properties`; when an archive (the outer one or a nested one)
/// has none, from its manifest (`Implementation-Title`/`-Version` with the group from
/// `Implementation-Vendor-Id` or `Bundle-SymbolicName`, as Trivy reads it), else from a file
/// name `artifact-1.2.3.jar` (name without group, as Syft does; Trivy only looks such a name up
/// in its Java database). Packages of nested archives carry the member path as `location`,
/// deeper levels joined with `!`. A damaged outer archive is an error; a damaged nested one, an
/// archive nested deeper than [`Limits::max_archive_depth`] and the end of the
/// [`Limits::max_archive_bytes`] budget are warnings.
pub fn archive(path: &str, content: &[u8], limits: &Limits) -> Result<Parsed, LangError> {
    let mut reader = ArchiveReader {
        limits,
        remaining: limits.max_archive_bytes,
        exhausted: false,
        parsed: Parsed::default(),
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    reader.read(name, content, None, 0)?;
    Ok(reader.parsed)
}

struct ArchiveReader<'a> {
    limits: &'a Limits,
    /// Decompressed bytes still allowed.
    remaining: u64,
    /// The budget ran out: nothing more is read.
    exhausted: bool,
    parsed: Parsed,
}

/// Why a member could not be read.
enum MemberError {
    /// The archive-wide budget ran out (already warned).
    Budget,
    /// Larger than a per-member cap.
    TooLarge,
    /// The zip library's complaint.
    Zip(String),
}

impl ArchiveReader<'_> {
    /// Read archive `bytes` named `name` (its file name, for the file-name fallback), whose
    /// packages get `location`, at nesting `depth` (0: the scanned file).
    fn read(
        &mut self,
        name: &str,
        bytes: &[u8],
        location: Option<&str>,
        depth: u32,
    ) -> Result<(), LangError> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| LangError::malformed("jar", format!("{name}: not a readable zip: {e}")))?;
        let mut own = Vec::new();
        let mut manifest: Option<Vec<u8>> = None;
        for index in 0..zip.len() {
            if self.exhausted {
                break;
            }
            let member = match zip.name_for_index(index) {
                Some(Ok(n)) => n.into_owned(),
                _ => continue,
            };
            if member.ends_with('/') {
                continue;
            }
            let base = member.rsplit('/').next().unwrap_or(&member);
            if base == "pom.properties" {
                match self.member(&mut zip, index, MAX_TEXT_MEMBER) {
                    Ok(text) => {
                        if let Some(p) = pom_properties(&text) {
                            own.push(p);
                        }
                    }
                    Err(e) => self.warn_member(name, &member, e),
                }
            } else if member.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
                match self.member(&mut zip, index, MAX_TEXT_MEMBER) {
                    Ok(text) => manifest = Some(text),
                    Err(e) => self.warn_member(name, &member, e),
                }
            } else if is_archive_name(base) {
                let inner_location = match location {
                    Some(l) => format!("{l}!{member}"),
                    None => member.clone(),
                };
                if depth + 1 > self.limits.max_archive_depth {
                    self.parsed.warnings.push(format!(
                        "{inner_location}: archive nested deeper than {} levels, not read",
                        self.limits.max_archive_depth
                    ));
                    continue;
                }
                let inner = match self.member(&mut zip, index, u64::MAX) {
                    Ok(b) => b,
                    Err(e) => {
                        self.warn_member(name, &member, e);
                        continue;
                    }
                };
                if let Err(e) = self.read(base, &inner, Some(&inner_location), depth + 1) {
                    self.parsed.warnings.push(format!("{inner_location}: {e}"));
                }
            }
        }
        if own.is_empty() {
            if let Some(p) = manifest.as_deref().and_then(manifest_package) {
                own.push(p);
            } else if let Some(p) = file_name_package(name) {
                own.push(p);
            }
        }
        for mut p in own {
            p.location = location.map(str::to_string);
            self.parsed.packages.push(p);
        }
        Ok(())
    }

    /// Decompress member `index`, at most `cap` bytes and within the archive-wide budget.
    fn member(
        &mut self,
        zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
        index: usize,
        cap: u64,
    ) -> Result<Vec<u8>, MemberError> {
        let file = zip
            .by_index(index)
            .map_err(|e| MemberError::Zip(e.to_string()))?;
        let budget = self.remaining;
        let allowed = budget.min(cap);
        let mut out = Vec::new();
        let read = file.take(allowed.saturating_add(1)).read_to_end(&mut out);
        let n = out.len() as u64;
        self.remaining = budget.saturating_sub(n.min(allowed));
        read.map_err(|e| MemberError::Zip(e.to_string()))?;
        if n > allowed {
            if cap < budget {
                return Err(MemberError::TooLarge);
            }
            self.exhausted = true;
            self.parsed.warnings.push(format!(
                "more than {} bytes decompressed from the archive: reading stopped",
                self.limits.max_archive_bytes
            ));
            return Err(MemberError::Budget);
        }
        Ok(out)
    }

    fn warn_member(&mut self, archive: &str, member: &str, e: MemberError) {
        match e {
            MemberError::Budget => {}
            MemberError::TooLarge => self.parsed.warnings.push(format!(
                "{archive}: {member} larger than {MAX_TEXT_MEMBER} bytes, not read"
            )),
            MemberError::Zip(e) => self
                .parsed
                .warnings
                .push(format!("{archive}: {member} not readable: {e}")),
        }
    }
}

fn is_archive_name(base: &str) -> bool {
    base.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && ARCHIVE_EXTENSIONS
                .iter()
                .any(|e| e.eq_ignore_ascii_case(ext))
    })
}

/// Java properties: `key=value`, `key: value` or `key value` lines; `#`/`!` comments;
/// backslash continuations.
fn properties(text: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut logical = String::new();
    for line in text.lines() {
        let line = line.trim_start();
        if logical.is_empty() && (line.starts_with('#') || line.starts_with('!')) {
            continue;
        }
        if let Some(head) = line.strip_suffix('\\') {
            logical.push_str(head);
            continue;
        }
        logical.push_str(line);
        let entry = std::mem::take(&mut logical);
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let split = entry
            .find(['=', ':'])
            .or_else(|| entry.find(char::is_whitespace));
        let (key, value) = match split {
            Some(i) => (&entry[..i], &entry[i + 1..]),
            None => (entry, ""),
        };
        out.insert(key.trim().to_string(), value.trim().to_string());
    }
    out
}

fn pom_properties(bytes: &[u8]) -> Option<LangPackage> {
    let props = properties(&String::from_utf8_lossy(bytes));
    let get = |k: &str| props.get(k).map(String::as_str).unwrap_or("");
    let (group, artifact, version) = (get("groupId"), get("artifactId"), get("version"));
    if group.is_empty() || artifact.is_empty() || version.is_empty() {
        return None;
    }
    Some(maven(format!("{group}:{artifact}"), version.to_string()))
}

/// The main section of a manifest: `Key: value` lines, continuation lines starting with a
/// space, up to the first blank line.
fn manifest_main(text: &str) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut last: Option<String> = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if let Some(rest) = line.strip_prefix(' ') {
            if let Some(v) = last.as_ref().and_then(|k| out.get_mut(k)) {
                v.push_str(rest);
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            let key = k.trim().to_ascii_lowercase();
            out.insert(key.clone(), v.trim().to_string());
            last = Some(key);
        }
    }
    out
}

/// A package from the manifest, as Trivy reads one: group from `Implementation-Vendor-Id`,
/// else `Bundle-SymbolicName` without its last dot-part, else `Implementation-Vendor`, else
/// `Specification-Vendor`; artifact from `Implementation-Title`, `Specification-Title`,
/// `Bundle-Name`; version from `Implementation-Version`, `Specification-Version`,
/// `Bundle-Version`. All three are needed.
fn manifest_package(bytes: &[u8]) -> Option<LangPackage> {
    let m = manifest_main(&String::from_utf8_lossy(bytes));
    let first = |keys: &[&str]| -> String {
        keys.iter()
            .filter_map(|k| m.get(*k))
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
            .unwrap_or("")
            .to_string()
    };
    let symbolic = m
        .get("bundle-symbolicname")
        .map(|s| s.split(';').next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    let group = match first(&["implementation-vendor-id"]) {
        g if !g.is_empty() => g,
        _ if !symbolic.is_empty() => match symbolic.rfind('.') {
            Some(i) if i > 0 => symbolic[..i].to_string(),
            _ => symbolic.clone(),
        },
        _ => first(&["implementation-vendor", "specification-vendor"]),
    };
    let artifact = first(&["implementation-title", "specification-title", "bundle-name"]);
    let version = first(&[
        "implementation-version",
        "specification-version",
        "bundle-version",
    ]);
    if group.is_empty() || artifact.is_empty() || version.is_empty() {
        return None;
    }
    Some(maven(format!("{group}:{artifact}"), version))
}

/// `artifact-1.2.3.jar` → `artifact` at `1.2.3` (split at the last `-` followed by a digit).
fn file_name_package(name: &str) -> Option<LangPackage> {
    let (stem, ext) = name.rsplit_once('.')?;
    if !ARCHIVE_EXTENSIONS
        .iter()
        .any(|e| e.eq_ignore_ascii_case(ext))
    {
        return None;
    }
    let b = stem.as_bytes();
    let split = (1..b.len().saturating_sub(1))
        .rev()
        .find(|&i| b[i] == b'-' && b[i + 1].is_ascii_digit())?;
    let (artifact, version) = (&stem[..split], &stem[split + 1..]);
    if artifact.is_empty() || version.contains(char::is_whitespace) {
        return None;
    }
    Some(maven(artifact.to_string(), version.to_string()))
}

// ---------------------------------------------------------------------------------------------
// pom.xml

#[derive(Default, Clone)]
struct PomDependency {
    group: String,
    artifact: String,
    version: String,
    scope: String,
}

#[derive(Default)]
struct PomFile {
    group: String,
    artifact: String,
    version: String,
    parent_group: String,
    parent_version: String,
    properties: BTreeMap<String, String>,
    dependencies: Vec<PomDependency>,
    managed: Vec<PomDependency>,
}

fn read_pom(content: &[u8]) -> Result<PomFile, LangError> {
    let mut reader = quick_xml::Reader::from_reader(content);
    let mut pom = PomFile::default();
    let mut stack: Vec<String> = Vec::new();
    let mut dep = PomDependency::default();
    let mut text = String::new();
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| LangError::malformed("pom.xml", e))?;
        match event {
            Event::Start(e) => {
                let name = AsRef::<str>::as_ref(&e.local_name()).to_string();
                stack.push(name);
                text.clear();
                if is_dependency(&stack) {
                    dep = PomDependency::default();
                }
            }
            Event::Text(t) => {
                text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) => match &*r {
                "lt" => text.push('<'),
                "gt" => text.push('>'),
                "amp" => text.push('&'),
                "apos" => text.push('\''),
                "quot" => text.push('"'),
                other => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        text.push(c);
                    } else {
                        text.push('&');
                        text.push_str(other);
                        text.push(';');
                    }
                }
            },
            Event::CData(t) => text.push_str(&t),
            Event::End(_) => {
                let value = std::mem::take(&mut text).trim().to_string();
                let path: Vec<&str> = stack.iter().map(String::as_str).collect();
                match path.as_slice() {
                    ["project", "groupId"] => pom.group = value,
                    ["project", "artifactId"] => pom.artifact = value,
                    ["project", "version"] => pom.version = value,
                    ["project", "parent", "groupId"] => pom.parent_group = value,
                    ["project", "parent", "version"] => pom.parent_version = value,
                    ["project", "properties", key] => {
                        pom.properties.insert(key.to_string(), value);
                    }
                    [.., "dependency", field] if is_dependency(&stack[..stack.len() - 1]) => {
                        match *field {
                            "groupId" => dep.group = value,
                            "artifactId" => dep.artifact = value,
                            "version" => dep.version = value,
                            "scope" => dep.scope = value,
                            _ => {}
                        }
                    }
                    _ if is_dependency(&stack) => {
                        let d = std::mem::take(&mut dep);
                        if stack.len() == 3 {
                            pom.dependencies.push(d);
                        } else {
                            pom.managed.push(d);
                        }
                    }
                    _ => {}
                }
                stack.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if pom.artifact.is_empty() && stack.is_empty() && pom.dependencies.is_empty() {
        return Err(LangError::malformed("pom.xml", "no <project> element"));
    }
    Ok(pom)
}

/// Whether `stack` is at a `<dependency>` of the project or of its `<dependencyManagement>`.
fn is_dependency(stack: &[String]) -> bool {
    let s: Vec<&str> = stack.iter().map(String::as_str).collect();
    matches!(
        s.as_slice(),
        ["project", "dependencies", "dependency"]
            | [
                "project",
                "dependencyManagement",
                "dependencies",
                "dependency"
            ]
    )
}

/// Replace every `${name}` in `value` from `vars`, repeatedly (properties naming properties),
/// at most a few rounds; `None` when something stays unresolved.
fn substitute(value: &str, vars: &BTreeMap<String, String>) -> Option<String> {
    let mut current = value.to_string();
    for _ in 0..8 {
        if !current.contains("${") {
            return Some(current);
        }
        let mut out = String::with_capacity(current.len());
        let mut rest = current.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}')?;
            out.push_str(vars.get(&after[..end])?);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        if out.len() > 64 * 1024 {
            return None;
        }
        current = out;
    }
    (!current.contains("${")).then_some(current)
}

/// `pom.xml`: the project itself (groupId and version inherited from `<parent>` when absent)
/// as the root, then its `<dependencies>` as direct dependencies.
///
/// `${...}` is replaced from the file's `<properties>` and `project.*`/`pom.*`/`parent.*`
/// values; a missing version is taken from the same file's `<dependencyManagement>`. Nothing
/// is fetched (no parent POMs, no BOM imports, no transitive dependencies). A dependency whose
/// version stays unknown is dropped with a warning, as Trivy drops it. `test` scope is marked
/// `dev`.
pub fn pom(content: &[u8]) -> Result<Parsed, LangError> {
    let pom = read_pom(content)?;
    let group = if pom.group.is_empty() {
        pom.parent_group.clone()
    } else {
        pom.group.clone()
    };
    let version = if pom.version.is_empty() {
        pom.parent_version.clone()
    } else {
        pom.version.clone()
    };
    let mut vars = pom.properties.clone();
    for prefix in ["project.", "pom.", ""] {
        vars.insert(format!("{prefix}groupId"), group.clone());
        vars.insert(format!("{prefix}artifactId"), pom.artifact.clone());
        vars.insert(format!("{prefix}version"), version.clone());
        vars.insert(format!("{prefix}parent.groupId"), pom.parent_group.clone());
        vars.insert(
            format!("{prefix}parent.version"),
            pom.parent_version.clone(),
        );
    }
    // Own properties win over the built-in names.
    for (k, v) in &pom.properties {
        vars.insert(k.clone(), v.clone());
    }
    let resolve = |v: &str| substitute(v, &vars).unwrap_or_default();
    let root_group = resolve(&group);
    let root_version = resolve(&version);
    let mut parsed = Parsed::default();
    let mut root = maven(
        format!("{root_group}:{}", resolve(&pom.artifact)),
        root_version,
    );
    root.relationship = Relationship::Root;
    let managed: HashMap<String, &PomDependency> = pom
        .managed
        .iter()
        .filter(|d| d.scope != "import")
        .map(|d| (format!("{}:{}", resolve(&d.group), resolve(&d.artifact)), d))
        .collect();
    let mut deps = Vec::new();
    for d in &pom.dependencies {
        let (g, a) = (resolve(&d.group), resolve(&d.artifact));
        if g.is_empty() || a.is_empty() {
            parsed.warnings.push(format!(
                "dependency {}:{} without a resolvable groupId or artifactId: skipped",
                d.group, d.artifact
            ));
            continue;
        }
        let name = format!("{g}:{a}");
        let managed = managed.get(&name);
        let raw_version = if d.version.is_empty() {
            managed.map(|m| m.version.as_str()).unwrap_or("")
        } else {
            d.version.as_str()
        };
        let version = resolve(raw_version);
        if version.is_empty() {
            parsed.warnings.push(format!(
                "dependency {name}: version {raw_version:?} not resolvable without other files: skipped"
            ));
            continue;
        }
        let scope = if d.scope.is_empty() {
            managed.map(|m| m.scope.as_str()).unwrap_or("")
        } else {
            d.scope.as_str()
        };
        let mut p = maven(name, version);
        p.relationship = Relationship::Direct;
        p.dev = scope == "test";
        deps.push(p);
    }
    root.dependencies = deps.iter().map(|d| d.id.clone()).collect();
    root.dependencies.sort();
    root.dependencies.dedup();
    parsed.packages.push(root);
    parsed.packages.extend(deps);
    Ok(parsed)
}

// ---------------------------------------------------------------------------------------------
// Gradle and sbt

/// `gradle.lockfile`: `group:artifact:version=configuration,...` lines; comments and the
/// `empty=` line are skipped. A package used only by `test*` configurations is marked `dev`.
pub fn gradle_lockfile(content: &[u8]) -> Result<Parsed, LangError> {
    let text =
        std::str::from_utf8(content).map_err(|e| LangError::malformed("gradle.lockfile", e))?;
    let mut parsed = Parsed::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let (coords, configurations) = line.split_once('=').unwrap_or((line, ""));
        let parts: Vec<&str> = coords.split(':').collect();
        let [group, artifact, version] = parts.as_slice() else {
            parsed.warnings.push(format!(
                "line {}: not group:artifact:version: {line:?}",
                n + 1
            ));
            continue;
        };
        if group.is_empty() || artifact.is_empty() || version.is_empty() {
            parsed
                .warnings
                .push(format!("line {}: empty coordinate", n + 1));
            continue;
        }
        let mut p = maven(format!("{group}:{artifact}"), version.to_string());
        let configs: Vec<&str> = configurations
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        p.dev = !configs.is_empty() && configs.iter().all(|c| c.starts_with("test"));
        parsed.packages.push(p);
    }
    Ok(parsed)
}

#[derive(serde::Deserialize)]
struct SbtLock {
    #[serde(default)]
    dependencies: Vec<SbtDependency>,
}

#[derive(serde::Deserialize)]
struct SbtDependency {
    #[serde(default)]
    org: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    configurations: Vec<String>,
}

/// `build.sbt.lock` (sbt-dependency-lock): `dependencies[]` with `org`, `name`, `version` and
/// `configurations`. A dependency in none of `compile`, `runtime` (only `test`, `provided`, ...)
/// is kept and marked `dev` (Trivy drops it).
pub fn sbt_lock(content: &[u8]) -> Result<Parsed, LangError> {
    let lock: SbtLock =
        serde_json::from_slice(content).map_err(|e| LangError::malformed("build.sbt.lock", e))?;
    let mut parsed = Parsed::default();
    for d in lock.dependencies {
        if d.org.is_empty() || d.name.is_empty() || d.version.is_empty() {
            parsed.warnings.push(format!(
                "dependency {}:{} without org, name or version",
                d.org, d.name
            ));
            continue;
        }
        let mut p = maven(format!("{}:{}", d.org, d.name), d.version);
        p.dev = !d
            .configurations
            .iter()
            .any(|c| c == "compile" || c == "runtime");
        parsed.packages.push(p);
    }
    Ok(parsed)
}
