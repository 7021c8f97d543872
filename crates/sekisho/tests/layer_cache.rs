//! The layer cache end to end: a warm scan reports exactly what a cold one does, for every
//! shared image in every source form and output; a second image that shares base layers with a
//! cached one fetches only its own layers from a real registry (counted in its access log);
//! two scans at once share one cache; scans killed at any moment leave no damaged entry; a
//! damaged entry is read again from the image; `cache info` and `cache clean`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::registry::{temp_dir, tools, Registry};
use sha2::{Digest, Sha256};

const IMAGES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/images/built"
);

fn image(name: &str) -> String {
    format!("{IMAGES}/{name}")
}

fn command(args: &[&str], cache: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sekisho"));
    c.args(args)
        .arg("--cache-dir")
        .arg(cache)
        .env_remove("SEKISHO_NO_CACHE")
        .env_remove("SEKISHO_DB")
        .env("DOCKER_CONFIG", "/nonexistent")
        .env_remove("REGISTRY_AUTH_FILE")
        .env_remove("XDG_RUNTIME_DIR")
        // Reports carry the scan time: fixed, so a cold and a warm report compare byte for byte.
        .env("SOURCE_DATE_EPOCH", "1735689600")
        .stdin(Stdio::null());
    c
}

fn run(args: &[&str], cache: &Path) -> Output {
    command(args, cache).output().expect("run sekisho")
}

fn stdout(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every entry file of the cache (two-level layout, temporary files left out).
fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(cache).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if !f.file_name().to_string_lossy().starts_with('.') {
                files.push(f.path());
            }
        }
    }
    files.sort();
    files
}

/// Whether an entry file is whole: its format tag, then the SHA-256 of the rest.
fn whole(path: &Path) -> bool {
    let data = std::fs::read(path).unwrap();
    data.len() >= 40
        && &data[..8] == b"SKLCACH1"
        && Sha256::digest(&data[40..]).as_slice() == &data[8..40]
}

#[test]
fn warm_scans_report_exactly_what_cold_scans_do() {
    let cache = temp_dir("lc-same");
    for name in [
        "debian-app.oci",
        "debian-mini.oci",
        "whiteout-layers.oci",
        "whiteout-layers.docker.tar",
        "whiteout-layers.oci.tar",
    ] {
        let input = image(name);
        for format in ["json", "cyclonedx", "sarif"] {
            let args = ["image", input.as_str(), "--format", format];
            let before = entries(&cache).len();
            let uncached = stdout(run(&[&args[..], &["--no-cache"]].concat(), &cache), name);
            assert_eq!(entries(&cache).len(), before, "{name}: --no-cache wrote");
            let cold = stdout(run(&args, &cache), name);
            let written = entries(&cache).len();
            assert!(written > before || before > 0, "{name}: nothing cached");
            let warm = stdout(run(&args, &cache), name);
            assert_eq!(cold, uncached, "{name} {format}: cold scan with a cache");
            assert_eq!(warm, cold, "{name} {format}: warm scan");
            assert_eq!(
                entries(&cache).len(),
                written,
                "{name}: a warm scan wrote again"
            );
        }
        // `sbom` runs other analyzers (other keys); warm equals cold there too.
        let args = ["sbom", input.as_str(), "--format", "json"];
        let cold = stdout(run(&args, &cache), name);
        assert_eq!(stdout(run(&args, &cache), name), cold, "{name}: sbom");
        let _ = std::fs::remove_dir_all(&cache);
    }
    // The compressed whole-archive form is streamed, not cached.
    let input = image("debian-mini.docker.tar.gz");
    let out = stdout(run(&["image", &input, "--format", "json"], &cache), &input);
    assert!(out.contains("\"packages\""));
    assert!(entries(&cache).is_empty(), "a streamed archive was cached");
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn other_settings_do_not_share_entries() {
    let cache = temp_dir("lc-settings");
    let input = image("debian-app.oci");
    let json = |extra: &[&str]| {
        let args = [&["image", input.as_str(), "--format", "json"][..], extra].concat();
        stdout(run(&args, &cache), "scan")
    };
    let all = json(&[]);
    let layers = entries(&cache).len();
    // Secrets only: another set of analyzers, so other entries, and the same answer as uncached.
    let secrets = json(&["--scanners", "secret"]);
    assert_eq!(entries(&cache).len(), 2 * layers);
    let uncached = json(&["--scanners", "secret", "--no-cache"]);
    assert_eq!(secrets, uncached);
    // Another limit changes what a layer scan keeps: another key.
    json(&["--max-file-size", "1KiB"]);
    assert_eq!(entries(&cache).len(), 3 * layers);
    assert_eq!(json(&[]), all);
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn damaged_entries_are_read_again_from_the_image() {
    let cache = temp_dir("lc-damaged");
    let input = image("debian-app.oci");
    let args = ["image", input.as_str(), "--format", "json"];
    let cold = stdout(run(&args, &cache), "cold");
    let files = entries(&cache);
    for (i, f) in files.iter().enumerate() {
        let mut data = std::fs::read(f).unwrap();
        match i % 3 {
            0 => data.truncate(data.len() / 2),
            1 => {
                let last = data.len() - 1;
                data[last] ^= 0x55;
            }
            _ => data.clear(),
        }
        std::fs::write(f, data).unwrap();
    }
    assert_eq!(stdout(run(&args, &cache), "damaged"), cold);
    let again = entries(&cache);
    assert_eq!(again.len(), files.len());
    assert!(again.iter().all(|f| whole(f)), "damaged entries rewritten");
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn concurrent_scans_share_one_cache() {
    let cache = temp_dir("lc-concurrent");
    let inputs = [image("debian-app.oci"), image("debian-mini.oci")];
    let expected: Vec<String> = inputs
        .iter()
        .map(|i| {
            stdout(
                run(&["image", i, "--format", "json", "--no-cache"], &cache),
                i,
            )
        })
        .collect();
    for round in 0..3 {
        let children: Vec<_> = (0..4)
            .map(|k| {
                command(&["image", &inputs[k % 2], "--format", "json"], &cache)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for (k, child) in children.into_iter().enumerate() {
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                stdout(out, "concurrent scan"),
                expected[k % 2],
                "round {round}, scan {k}"
            );
        }
    }
    assert!(entries(&cache).iter().all(|f| whole(f)));
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn killed_scans_leave_no_damaged_entry() {
    let cache = temp_dir("lc-killed");
    let input = image("debian-app.oci");
    let args = ["image", input.as_str(), "--format", "json"];
    let expected = stdout(
        run(&[&args[..], &["--no-cache"]].concat(), &cache),
        "reference",
    );
    // Kill scans at spread-out moments: before, while and after entries are written.
    for delay in [0u64, 5, 15, 30, 60, 100, 150, 250, 400] {
        let _ = std::fs::remove_dir_all(&cache);
        let mut child = command(&args, &cache)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        for f in entries(&cache) {
            assert!(
                whole(&f),
                "killed after {delay} ms: damaged entry {}",
                f.display()
            );
        }
        assert_eq!(
            stdout(run(&args, &cache), "after a kill"),
            expected,
            "killed after {delay} ms"
        );
    }
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn info_and_clean() {
    let cache = temp_dir("lc-info");
    let info = |c: &Path| stdout(run(&["cache", "info"], c), "cache info");
    assert!(info(&cache).contains("layers:        0"));
    let input = image("debian-mini.oci");
    stdout(run(&["image", &input, "--format", "json"], &cache), "scan");
    let text = info(&cache);
    assert!(text.contains("layers:        2"), "{text}");
    assert!(text.contains(&cache.display().to_string()), "{text}");
    let cleaned = stdout(run(&["cache", "clean"], &cache), "cache clean");
    assert!(cleaned.contains("removed 2 cached layers"), "{cleaned}");
    assert!(entries(&cache).is_empty());
    // A size limit smaller than one entry keeps nothing after the scan.
    stdout(
        run(
            &["image", &input, "--format", "json", "--cache-size", "1"],
            &cache,
        ),
        "tiny cache",
    );
    assert!(entries(&cache).is_empty());
    let _ = std::fs::remove_dir_all(&cache);
}

/// The digests of the layers of the single image in the OCI layout `dir`.
fn layer_digests(dir: &Path) -> Vec<String> {
    let read = |p: PathBuf| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    };
    let index = read(dir.join("index.json"));
    let manifest = index["manifests"][0]["digest"].as_str().unwrap();
    let manifest = read(dir.join("blobs/sha256").join(&manifest[7..]));
    manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["digest"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn shared_layers_are_fetched_once_from_a_registry() {
    if !tools() {
        return;
    }
    let registry = Registry::start(false);
    let (mini, app) = (image("debian-mini.oci"), image("debian-app.oci"));
    registry.push_layout(Path::new(&mini), "base:1");
    registry.push_layout(Path::new(&app), "app:1");
    let base_layers = layer_digests(Path::new(&mini));
    let app_layers = layer_digests(Path::new(&app));
    assert!(
        app_layers.starts_with(&base_layers),
        "debian-app is built on debian-mini"
    );
    let cache = temp_dir("lc-registry");
    let scan = |reference: &str| {
        stdout(
            run(&["image", reference, "--format", "json"], &cache),
            reference,
        )
    };
    let gets = |digest: &str| {
        registry
            .requests()
            .iter()
            .filter(|r| r.starts_with("GET ") && r.ends_with(&format!("/blobs/{digest}")))
            .count()
    };
    let host = registry.host();
    let base_report = scan(&format!("{host}/base:1"));
    scan(&format!("{host}/app:1"));
    for d in &base_layers {
        assert_eq!(gets(d), 1, "base layer {d} fetched once for both images");
    }
    for d in &app_layers[base_layers.len()..] {
        assert_eq!(gets(d), 1, "app layer {d}");
    }
    // Warm: no layer is fetched again, and the report is the same.
    assert_eq!(scan(&format!("{host}/base:1")), base_report);
    scan(&format!("{host}/app:1"));
    for d in &app_layers {
        assert_eq!(gets(d), 1, "layer {d} after warm scans");
    }
    let _ = std::fs::remove_dir_all(&cache);
}
