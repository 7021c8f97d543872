//! Every digest the OCI spec allows is verified, or the image is rejected: SHA-512 layer and
//! metadata digests, unknown algorithms, and the diffIDs of compressed layers in a docker
//! archive (where nothing else covers their content).

#[path = "../../../tests/hostile_dump.rs"]
mod hostile_dump;

use std::io::Write;
use std::path::{Path, PathBuf};

use sekisho_image::{scan, Algorithm, ImageError, NoVisitor, ScanOptions, Source};

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sekisho-integrity-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn layer_tar(name: &str, data: &[u8]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    b.append_data(&mut h, name, data).unwrap();
    b.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// An OCI layout with one layer; every blob stored and referenced with `alg`; `layer_digest`
/// overrides the layer descriptor's digest (to lie about it).
fn layout(dir: &Path, alg: Algorithm, layer: &[u8], layer_digest: Option<&str>) {
    let put = |bytes: &[u8]| {
        let d = alg.digest(bytes);
        let (a, hex) = d.split_once(':').unwrap();
        std::fs::create_dir_all(dir.join("blobs").join(a)).unwrap();
        std::fs::write(dir.join("blobs").join(a).join(hex), bytes).unwrap();
        d
    };
    let stored = put(layer);
    let digest = layer_digest.map_or(stored, str::to_string);
    let diff_id = Algorithm::Sha256.digest(layer);
    let config = serde_json::to_vec(&serde_json::json!({"architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [diff_id]}}))
    .unwrap();
    let manifest = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(&config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest, "size": layer.len()}]}))
    .unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(&manifest), "size": manifest.len()}]});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
}

fn run(path: &Path) -> Result<sekisho_image::ImageScan<()>, ImageError> {
    hostile_dump::path("image", path);
    scan(
        &Source::parse(path.to_str().unwrap()).unwrap(),
        &ScanOptions::default(),
        &NoVisitor,
    )
}

#[test]
fn sha512_digests_are_verified() {
    let layer = layer_tar("hello", b"hi\n");
    let good = workdir("sha512-good");
    layout(&good, Algorithm::Sha512, &layer, None);
    let scan = run(&good).unwrap();
    assert!(scan.fs.get("hello").is_some());
    assert!(scan.info.layers[0].digest.starts_with("sha512:"));

    // The blob under the name of another content's digest: the content is checked.
    let bad = workdir("sha512-bad");
    layout(&bad, Algorithm::Sha512, &layer, None);
    let other = Algorithm::Sha512.digest(b"something else");
    std::fs::rename(
        bad.join("blobs/sha512")
            .join(&Algorithm::Sha512.digest(&layer)[7..]),
        bad.join("blobs/sha512").join(&other[7..]),
    )
    .unwrap();
    layout(&bad, Algorithm::Sha512, &layer, Some(&other));
    let err = run(&bad).unwrap_err().to_string();
    assert!(
        err.contains("digest mismatch") && err.contains(&other),
        "{err}"
    );
}

#[test]
fn unknown_digest_algorithms_are_rejected() {
    let dir = workdir("md5");
    let layer = layer_tar("hello", b"hi\n");
    layout(
        &dir,
        Algorithm::Sha256,
        &layer,
        Some("md5:764efa883dda1e11db47671c4a3bbd9e"),
    );
    let err = run(&dir).unwrap_err().to_string();
    assert!(
        err.contains("not supported") && err.contains("md5"),
        "{err}"
    );
}

/// A docker archive whose only layer member is gzip compressed and whose config lists
/// `diff_id` for it.
fn docker_archive_gz(path: &Path, layer: &[u8], diff_id: &str) {
    let member = gzip(layer);
    let config = serde_json::to_vec(&serde_json::json!({"architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [diff_id]}}))
    .unwrap();
    let manifest = serde_json::to_vec(&serde_json::json!([{"Config": "config.json",
        "RepoTags": ["x:1"], "Layers": ["layer.tar.gz"]}]))
    .unwrap();
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in [
        ("layer.tar.gz", &member),
        ("config.json", &config),
        ("manifest.json", &manifest),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    std::fs::write(path, b.into_inner().unwrap()).unwrap();
}

#[test]
fn compressed_docker_archive_layers_are_checked_against_their_diff_ids() {
    let dir = workdir("diffid");
    let layer = layer_tar("etc/os-release", b"ID=debian\n");
    let good = dir.join("good.tar");
    docker_archive_gz(&good, &layer, &Algorithm::Sha256.digest(&layer));
    assert!(run(&good).unwrap().fs.get("etc/os-release").is_some());
    // The config promises other content than the layer holds.
    let bad = dir.join("bad.tar");
    let promised = Algorithm::Sha256.digest(&layer_tar("etc/os-release", b"ID=other\n"));
    docker_archive_gz(&bad, &layer, &promised);
    let err = run(&bad).unwrap_err().to_string();
    assert!(
        err.contains("digest mismatch") && err.contains(&promised),
        "{err}"
    );
    // The same through a whole-archive gzip (read in one streaming pass).
    let bad_gz = dir.join("bad.tar.gz");
    std::fs::write(&bad_gz, gzip(&std::fs::read(&bad).unwrap())).unwrap();
    let err = run(&bad_gz).unwrap_err().to_string();
    assert!(err.contains("digest mismatch"), "{err}");
}

#[test]
fn special_files_in_a_layout_are_refused_not_read() {
    let layer = layer_tar("hello", b"hi\n");
    // index.json a FIFO: reading it would block forever.
    let fifo = workdir("fifo");
    layout(&fifo, Algorithm::Sha256, &layer, None);
    std::fs::remove_file(fifo.join("index.json")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(fifo.join("index.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let err = run(&fifo).unwrap_err().to_string();
    assert!(err.contains("index.json is not a regular file"), "{err}");

    // A layer blob that is a link to /dev/zero (endless) or to a host file (a leak).
    let outside = workdir("outside").join("id_rsa");
    std::fs::write(&outside, b"host secret").unwrap();
    for (name, target) in [
        ("zero", Path::new("/dev/zero")),
        ("host", outside.as_path()),
    ] {
        let dir = workdir(name);
        layout(&dir, Algorithm::Sha256, &layer, None);
        let blob = dir
            .join("blobs/sha256")
            .join(&Algorithm::Sha256.digest(&layer)[7..]);
        std::fs::remove_file(&blob).unwrap();
        std::os::unix::fs::symlink(target, &blob).unwrap();
        let err = run(&dir).unwrap_err().to_string();
        assert!(
            err.contains("not a regular file") || err.contains("links outside the layout"),
            "{name}: {err}"
        );
    }
}

#[test]
fn deep_and_long_paths_are_bounded() {
    // One entry 3000 levels deep: every level would become a node of the merged tree.
    let deep = "a/".repeat(3000) + "f";
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(1);
    h.set_mode(0o644);
    b.append_data(&mut h, &deep, &b"x"[..]).unwrap();
    let mut h = tar::Header::new_gnu();
    h.set_size(1);
    h.set_mode(0o644);
    b.append_data(&mut h, "ok", &b"y"[..]).unwrap();
    let layer = b.into_inner().unwrap();
    let dir = workdir("deep");
    layout(&dir, Algorithm::Sha256, &layer, None);
    let scan = run(&dir).unwrap();
    assert!(scan.fs.get("ok").is_some());
    assert!(
        scan.fs.get("a").is_none(),
        "the deep entry must not create its parents"
    );
    assert!(
        scan.warnings.iter().any(|w| w.contains("over the limits")),
        "{:?}",
        scan.warnings
    );
}

#[test]
fn index_fan_out_is_bounded() {
    // Four levels of nested indexes, each listing the next 60 times: 216,000 descriptors from
    // four small blobs. Rejected after a bounded number instead of read 216,000 times.
    let dir = workdir("fanout");
    let layer = layer_tar("hello", b"hi\n");
    layout(&dir, Algorithm::Sha256, &layer, None);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let mut entry = index["manifests"][0].clone();
    entry["platform"] = serde_json::json!({"os": "linux", "architecture": "amd64"});
    let mut copies = 1;
    for _ in 0..4 {
        let nested = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": vec![entry.clone(); copies]}))
        .unwrap();
        let digest = Algorithm::Sha256.digest(&nested);
        std::fs::write(dir.join("blobs/sha256").join(&digest[7..]), &nested).unwrap();
        entry = serde_json::json!({"mediaType": "application/vnd.oci.image.index.v1+json",
            "digest": digest, "size": nested.len()});
        copies = 60;
    }
    let top = serde_json::json!({"schemaVersion": 2, "manifests": [entry]});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&top).unwrap()).unwrap();
    let err = run(&dir).unwrap_err().to_string();
    assert!(err.contains("more than 10000 manifests"), "{err}");
}
