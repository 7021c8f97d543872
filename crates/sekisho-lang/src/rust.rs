//! Rust: `Cargo.lock` and cargo-auditable binaries.
//!
//! Both give the same shape: packages with ids `name@version`, workspace members (no `source`
//! in `Cargo.lock`, `root` in auditable data) as [`Relationship::Root`], what they depend on as
//! direct, everything else indirect, and each package's dependencies as ids.

use std::collections::HashMap;
use std::io::Read;

use object::{Object, ObjectSection};
use sekisho_model::PackageKind;

use crate::{LangError, LangPackage, Parsed, Relationship};

/// Largest decompressed cargo-auditable JSON (real ones are a few KiB per hundred crates).
const MAX_AUDIT_JSON: u64 = 8 << 20;
/// Fat Mach-O members tried at most.
const MAX_FAT_ARCHES: usize = 16;

fn cargo(name: impl Into<String>, version: impl Into<String>) -> LangPackage {
    LangPackage::new(PackageKind::Cargo, name, version)
}

/// Root, direct and indirect from the dependency edges: roots are given; a non-root that a root
/// depends on is direct; the rest indirect.
fn relate(packages: &mut [LangPackage], roots: &[bool], edges: &[Vec<usize>]) {
    let mut direct = vec![false; packages.len()];
    for (i, deps) in edges.iter().enumerate() {
        if roots[i] {
            for &d in deps {
                direct[d] = true;
            }
        }
    }
    for (i, p) in packages.iter_mut().enumerate() {
        p.relationship = if roots[i] {
            Relationship::Root
        } else if direct[i] {
            Relationship::Direct
        } else {
            Relationship::Indirect
        };
    }
    let ids: Vec<String> = packages.iter().map(|p| p.id.clone()).collect();
    for (i, p) in packages.iter_mut().enumerate() {
        let mut deps: Vec<String> = edges[i].iter().map(|&d| ids[d].clone()).collect();
        deps.sort();
        deps.dedup();
        p.dependencies = deps;
    }
}

// ---------------------------------------------------------------------------------------------
// Cargo.lock

#[derive(serde::Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<LockPackage>,
    /// Cargo.lock before format v1 proper (2016 and older) kept the root crate apart.
    root: Option<LockPackage>,
}

#[derive(serde::Deserialize)]
struct LockPackage {
    name: String,
    version: String,
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// `Cargo.lock`, formats v1 to v4 (and the older `[root]` table): every `[[package]]`, its
/// `dependencies` (`name`, `name version` or `name version (source)`) resolved to ids.
/// Packages without `source` are workspace members or path dependencies: [`Relationship::Root`].
/// Dev-dependencies cannot be told apart without `Cargo.toml` and are listed like the others
/// (Trivy drops them using `Cargo.toml`).
pub fn cargo_lock(content: &[u8]) -> Result<Parsed, LangError> {
    let text = std::str::from_utf8(content).map_err(|e| LangError::malformed("Cargo.lock", e))?;
    let lock: Lock = toml::from_str(text).map_err(|e| LangError::malformed("Cargo.lock", e))?;
    let mut entries: Vec<LockPackage> = lock.root.into_iter().collect();
    entries.extend(lock.package);
    let mut parsed = Parsed::default();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_name.entry(e.name.as_str()).or_default().push(i);
    }
    let mut edges = Vec::with_capacity(entries.len());
    for e in &entries {
        let mut deps = Vec::new();
        for d in &e.dependencies {
            match resolve(d, &entries, &by_name) {
                Some(i) => deps.push(i),
                None => parsed.warnings.push(format!(
                    "{}@{}: dependency {d:?} not in the lockfile",
                    e.name, e.version
                )),
            }
        }
        edges.push(deps);
    }
    let roots: Vec<bool> = entries.iter().map(|e| e.source.is_none()).collect();
    let mut packages: Vec<LangPackage> = entries
        .iter()
        .map(|e| cargo(e.name.clone(), e.version.clone()))
        .collect();
    relate(&mut packages, &roots, &edges);
    parsed.packages = packages;
    Ok(parsed)
}

/// The package a dependency string names.
fn resolve(
    dep: &str,
    entries: &[LockPackage],
    by_name: &HashMap<&str, Vec<usize>>,
) -> Option<usize> {
    let mut parts = dep.splitn(3, ' ');
    let name = parts.next()?;
    let version = parts.next();
    let source = parts
        .next()
        .map(|s| s.trim().trim_start_matches('(').trim_end_matches(')'));
    let candidates = by_name.get(name)?;
    candidates.iter().copied().find(|&i| {
        let e = &entries[i];
        version.is_none_or(|v| e.version == v)
            && source.is_none_or(|s| e.source.as_deref() == Some(s))
    })
}

// ---------------------------------------------------------------------------------------------
// cargo-auditable

#[derive(serde::Deserialize)]
struct Audit {
    packages: Vec<AuditPackage>,
}

#[derive(serde::Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    dependencies: Vec<usize>,
    #[serde(default)]
    root: bool,
}

/// cargo-auditable data of a binary: the zlib-compressed JSON in the `.dep-v0` section (ELF,
/// PE, Mach-O `__DATA,.dep-v0`, fat Mach-O). The root crate is [`Relationship::Root`]; build
/// dependencies (`kind: "build"`) are kept and marked `dev` (they ran at build time but are not
/// in the binary; Trivy drops them, Syft lists them unmarked). Nothing when there is no such
/// section; an error when its data is not zlib JSON or inflates past 8 MiB.
pub fn auditable_binary(content: &[u8]) -> Result<Parsed, LangError> {
    let Some(section) = dep_section(content) else {
        return Ok(Parsed::default());
    };
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(section)
        .take(MAX_AUDIT_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| LangError::malformed("cargo-auditable data", format!("not zlib: {e}")))?;
    if json.len() as u64 > MAX_AUDIT_JSON {
        return Err(LangError::Limit(format!(
            "cargo-auditable data inflates past {MAX_AUDIT_JSON} bytes"
        )));
    }
    let audit: Audit = serde_json::from_slice(&json)
        .map_err(|e| LangError::malformed("cargo-auditable data", e))?;
    let mut parsed = Parsed::default();
    let n = audit.packages.len();
    let mut edges = Vec::with_capacity(n);
    for p in &audit.packages {
        let (ok, bad): (Vec<usize>, Vec<usize>) = p.dependencies.iter().partition(|&&d| d < n);
        if !bad.is_empty() {
            parsed.warnings.push(format!(
                "{}@{}: dependency indices {bad:?} out of range",
                p.name, p.version
            ));
        }
        edges.push(ok);
    }
    let roots: Vec<bool> = audit.packages.iter().map(|p| p.root).collect();
    let mut packages: Vec<LangPackage> = audit
        .packages
        .iter()
        .map(|p| {
            let mut pkg = cargo(p.name.clone(), p.version.clone());
            pkg.dev = p.kind.as_deref() == Some("build");
            pkg
        })
        .collect();
    relate(&mut packages, &roots, &edges);
    parsed.packages = packages;
    Ok(parsed)
}

/// The bytes of the `.dep-v0` section, in a single or fat executable.
fn dep_section(content: &[u8]) -> Option<&[u8]> {
    fn single(data: &[u8]) -> Option<&[u8]> {
        let file = object::File::parse(data).ok()?;
        let section = file.section_by_name(".dep-v0")?;
        section.data().ok().filter(|d| !d.is_empty())
    }
    fn fat<'a, A: object::read::macho::FatArch>(
        content: &'a [u8],
        arches: &[A],
    ) -> Option<&'a [u8]> {
        arches
            .iter()
            .take(MAX_FAT_ARCHES)
            .find_map(|a| a.data(content).ok().and_then(single))
    }
    if let Ok(f) = object::read::macho::MachOFatFile32::parse(content) {
        return fat(content, f.arches());
    }
    if let Ok(f) = object::read::macho::MachOFatFile64::parse(content) {
        return fat(content, f.arches());
    }
    single(content)
}

/// The crates a `Cargo.toml` names only as dev-dependencies (in `[dev-dependencies]` or a
/// target's, and not also as normal or build dependencies), with the package's name.
fn dev_only_dependencies(manifest: &[u8]) -> Option<(String, Vec<String>)> {
    let text = std::str::from_utf8(manifest).ok()?;
    let doc: toml::Table = toml::from_str(text).ok()?;
    let name = doc.get("package")?.get("name")?.as_str()?.to_string();
    let mut tables = vec![&doc];
    if let Some(targets) = doc.get("target").and_then(|t| t.as_table()) {
        tables.extend(targets.values().filter_map(|t| t.as_table()));
    }
    let names = |key: &str| -> Vec<String> {
        tables
            .iter()
            .filter_map(|t| t.get(key).and_then(|d| d.as_table()))
            .flat_map(|deps| {
                deps.iter().map(|(alias, spec)| {
                    // `alias = { package = "real-name", ... }` renames a dependency.
                    spec.get("package")
                        .and_then(|p| p.as_str())
                        .unwrap_or(alias)
                        .to_string()
                })
            })
            .collect()
    };
    let mut normal = names("dependencies");
    normal.extend(names("build-dependencies"));
    let dev = names("dev-dependencies")
        .into_iter()
        .filter(|d| !normal.contains(d))
        .collect();
    Some((name, dev))
}

/// Mark what only `Cargo.toml`'s dev-dependencies bring in as `dev`: every package reachable
/// from the root crate through a dev-only dependency and not through its other dependencies
/// (Trivy drops these; they are kept here, marked).
pub fn mark_cargo_dev(parsed: &mut Parsed, manifest: &[u8]) {
    let Some((root_name, dev)) = dev_only_dependencies(manifest) else {
        return;
    };
    let Some(root) = parsed
        .packages
        .iter()
        .position(|p| p.name == root_name && p.relationship == Relationship::Root)
    else {
        return;
    };
    let index: HashMap<&str, usize> = parsed
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let (dev_starts, normal_starts): (Vec<usize>, Vec<usize>) = parsed.packages[root]
        .dependencies
        .iter()
        .filter_map(|d| index.get(d.as_str()).copied())
        .partition(|&i| dev.contains(&parsed.packages[i].name));
    let dev_only = crate::dev_only(&parsed.packages, normal_starts, dev_starts);
    for (i, p) in parsed.packages.iter_mut().enumerate() {
        p.dev |= dev_only[i] && i != root;
    }
}
