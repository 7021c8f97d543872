//! Test helpers shared by the per-ecosystem tests: the shared Trivy fixtures read straight from
//! `../shared/data/lockfiles/trivy-repo.tar.gz` (no unpacking to disk) and Trivy's golden
//! package lists.

#![allow(dead_code)]

#[path = "../../../../tests/hostile_dump.rs"]
pub mod hostile_dump;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The shared data directory.
pub fn shared_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// Every file of `trivy-repo.tar.gz`, by path inside the archive (`trivy-repo/...`).
pub fn trivy_repo() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let file = std::fs::File::open(shared_data().join("lockfiles/trivy-repo.tar.gz"))
            .expect("../shared/data/lockfiles/trivy-repo.tar.gz");
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
        let mut files = BTreeMap::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            files.insert(path, bytes);
        }
        files
    })
}

/// One fixture file, e.g. `fixture("npm/package-lock.json")`.
pub fn fixture(rel: &str) -> &'static [u8] {
    let key = format!("trivy-repo/testdata/fixtures/repo/{rel}");
    trivy_repo()
        .get(&key)
        .unwrap_or_else(|| panic!("{key} not in trivy-repo.tar.gz"))
}

/// A package as Trivy's golden lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoldenPackage {
    /// `ID` (or `name@version` when the golden has none).
    pub id: String,
    /// `Name`.
    pub name: String,
    /// `Version`.
    pub version: String,
    /// `Dev`.
    pub dev: bool,
    /// `Relationship` (`root`, `direct`, `indirect`, or empty).
    pub relationship: String,
    /// `DependsOn`, sorted.
    pub depends_on: Vec<String>,
    /// `Identifier.PURL`.
    pub purl: String,
}

/// The `Packages` of the result for `target` in golden file `golden` (e.g. `npm.json.golden`).
pub fn golden_packages(golden: &str, target: &str) -> Vec<GoldenPackage> {
    let key = format!("trivy-repo/testdata/{golden}");
    let doc: serde_json::Value = serde_json::from_slice(&trivy_repo()[&key]).unwrap();
    let result = doc["Results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["Target"] == target)
        .unwrap_or_else(|| panic!("{golden} has no target {target}"));
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let mut out: Vec<GoldenPackage> = result["Packages"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
        .iter()
        .map(|p| {
            let mut depends_on: Vec<String> = p["DependsOn"]
                .as_array()
                .map(|a| a.iter().map(text).collect())
                .unwrap_or_default();
            depends_on.sort();
            let name = text(&p["Name"]);
            let version = text(&p["Version"]);
            GoldenPackage {
                id: p["ID"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{name}@{version}")),
                name,
                version,
                dev: p["Dev"].as_bool().unwrap_or(false),
                relationship: text(&p["Relationship"]),
                depends_on,
                purl: text(&p["Identifier"]["PURL"]),
            }
        })
        .collect();
    out.sort();
    out
}

/// A generated hostile file, also written (opt-in, see `hostile_dump`) as a project directory
/// holding it at `path` (its usual name, e.g. `package-lock.json`), for `sekisho fs`.
pub fn dump_project(path: &str, content: &[u8]) {
    hostile_dump::tree("fs", &[(path, content)]);
}
