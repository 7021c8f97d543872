//! Helpers of the Ruby, PHP, .NET and smaller-ecosystem tests: our packages in the shape of
//! Trivy's goldens, files of the debian-app image, and the hostile-input checks (truncated and
//! corrupted fixtures, 100k-entry files).

#![allow(dead_code)]

use std::io::Read;
use std::time::{Duration, Instant};

use sekisho_lang::{LangError, Parsed, Relationship};

use crate::common::{dump_project, shared_data, GoldenPackage};

/// A parser entry point.
pub type ParseFn = fn(&[u8]) -> Result<Parsed, LangError>;

/// Our packages as [`GoldenPackage`]s, sorted like `golden_packages`.
pub fn as_golden(parsed: &Parsed) -> Vec<GoldenPackage> {
    let mut out: Vec<GoldenPackage> = parsed
        .packages
        .iter()
        .map(|p| {
            let mut depends_on = p.dependencies.clone();
            depends_on.sort();
            GoldenPackage {
                id: p.id.clone(),
                name: p.name.clone(),
                version: p.version.clone(),
                dev: p.dev,
                relationship: relationship(p.relationship).to_string(),
                depends_on,
                purl: p.purl(),
            }
        })
        .collect();
    out.sort();
    out
}

/// Trivy's spelling of a relationship.
pub fn relationship(r: Relationship) -> &'static str {
    match r {
        Relationship::Unknown => "",
        Relationship::Root => "root",
        Relationship::Direct => "direct",
        Relationship::Indirect => "indirect",
    }
}

/// The content of `path` (no leading `/`) in the debian-app image: the copy of the last layer
/// that holds it.
pub fn debian_app_file(path: &str) -> Vec<u8> {
    let layout = shared_data().join("images/built/debian-app.oci");
    let blob = |digest: &str| {
        let hex = digest.strip_prefix("sha256:").expect("sha256 digest");
        layout.join("blobs/sha256").join(hex)
    };
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(layout.join("index.json")).unwrap()).unwrap();
    let manifest_digest = index["manifests"][0]["digest"].as_str().unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(blob(manifest_digest)).unwrap()).unwrap();
    let mut found = None;
    for layer in manifest["layers"].as_array().unwrap() {
        let file = std::fs::File::open(blob(layer["digest"].as_str().unwrap())).unwrap();
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().to_string_lossy().into_owned();
            if name.trim_start_matches("./") == path {
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).unwrap();
                found = Some(bytes);
            }
        }
    }
    found.unwrap_or_else(|| panic!("{path} not in debian-app.oci"))
}

/// Feeds every prefix of `content` (at most ~2000 cut points, always including each of the
/// first 64 bytes and the last 64) and a few hundred byte-corrupted copies to `parse`: it may
/// fail, never panic. `file` is the file's usual name (for the opt-in hostile dump, which
/// keeps a sample: the cut in the middle and the first four corrupted copies).
pub fn survives_hostile_input(parse: ParseFn, file: &str, content: &[u8]) {
    let n = content.len();
    dump_project(file, &content[..n / 2]);
    let step = (n / 2000).max(1);
    let mut cuts: Vec<usize> = (0..n.min(64)).collect();
    cuts.extend((0..n).step_by(step));
    cuts.extend(n.saturating_sub(64)..n);
    for cut in cuts {
        let _ = parse(&content[..cut]);
    }
    // Deterministic corruption: overwrite a byte with a structural character.
    const NASTY: &[u8] = b"\0\n \"'{}[]()<>:,=#%\\/-@\xff";
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..400 {
        if n == 0 {
            break;
        }
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let at = (seed >> 33) as usize % n;
        let with = NASTY[(seed >> 17) as usize % NASTY.len()];
        let mut copy = content.to_vec();
        copy[at] = with;
        if round < 4 {
            dump_project(file, &copy);
        }
        let _ = parse(&copy);
    }
}

/// Runs `parse` on `content` (a generated file with `expected` packages) and checks it keeps
/// them all in reasonable time: a quadratic parser takes minutes on 100k entries. `file` is
/// the file's usual name (for the opt-in hostile dump).
pub fn linear(parse: ParseFn, file: &str, content: &[u8], expected: usize) {
    dump_project(file, content);
    let start = Instant::now();
    let parsed = parse(content).expect("generated file parses");
    let took = start.elapsed();
    assert_eq!(parsed.packages.len(), expected);
    assert!(
        took < Duration::from_secs(60),
        "{expected} entries took {took:?}"
    );
}
