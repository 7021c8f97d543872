//! Files of the shared `debian-app` image (`../shared/data/images/built/debian-app.oci`), read
//! straight from its OCI layout: `index.json` → manifest → gzip tar layers, later layers
//! winning. Only the paths the Java, Go and Rust tests use are kept in memory.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

/// Path prefixes (inside the image, no leading `/`) kept from the layers.
const KEPT: [&str; 6] = [
    "usr/share/java/",
    "opt/app/",
    "usr/sbin/gosu",
    "usr/local/bin/rustapp",
    "src/",
    "usr/local/bin/",
];

fn blob(layout: &std::path::Path, digest: &str) -> std::path::PathBuf {
    let hex = digest.strip_prefix("sha256:").expect("sha256 digest");
    layout.join("blobs/sha256").join(hex)
}

/// Every kept regular file of `debian-app`, by path.
pub fn debian_app() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let layout = crate::common::shared_data().join("images/built/debian-app.oci");
        let read_json = |p: std::path::PathBuf| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(&p).unwrap_or_else(|e| panic!("{p:?}: {e}")))
                .unwrap()
        };
        let index = read_json(layout.join("index.json"));
        let manifest_digest = index["manifests"][0]["digest"].as_str().unwrap();
        let manifest = read_json(blob(&layout, manifest_digest));
        let mut files = BTreeMap::new();
        for layer in manifest["layers"].as_array().unwrap() {
            let digest = layer["digest"].as_str().unwrap();
            let file = std::fs::File::open(blob(&layout, digest)).unwrap();
            let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
            for entry in archive.entries().unwrap() {
                let mut entry = entry.unwrap();
                let path = entry.path().unwrap().to_string_lossy().into_owned();
                let path = path.trim_start_matches("./").to_string();
                if !KEPT.iter().any(|k| path.starts_with(k)) {
                    continue;
                }
                if !entry.header().entry_type().is_file() {
                    continue;
                }
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).unwrap();
                files.insert(path, bytes);
            }
        }
        files
    })
}

/// One file of `debian-app`, e.g. `image_file("opt/app/app.war")`.
pub fn image_file(path: &str) -> &'static [u8] {
    debian_app()
        .get(path)
        .unwrap_or_else(|| panic!("{path} not in debian-app"))
}

/// The `debian-app` ground truth rows (`ecosystem`, `name`, `version`, `path`) of `ecosystem`.
pub fn truth(ecosystem: &str) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(
        crate::common::shared_data().join("images/groundtruth/debian-app.lang.tsv"),
    )
    .unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 4 && f[0] == ecosystem)
                .then(|| (f[1].to_string(), f[2].to_string(), f[3].to_string()))
        })
        .collect()
}
