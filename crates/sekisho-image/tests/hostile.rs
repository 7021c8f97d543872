//! Hostile and broken inputs, generated here: each must be read correctly or rejected with an
//! error naming the input — never a panic, never unbounded memory, nothing written to disk.

#[path = "../../../tests/hostile_dump.rs"]
mod hostile_dump;

use std::io::Write;
use std::path::{Path, PathBuf};

use sekisho_image::{scan, ImageError, Limits, NoVisitor, ScanOptions, Source};
use sha2::{Digest, Sha256};

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sekisho-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// A layer tar from (path, content) files written with the `tar` crate (PAX/GNU long names
/// are emitted automatically for long paths).
fn layer(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, path, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// A raw header block with any name (the `tar` crate refuses `..` when building).
fn raw_entry(name: &str, kind: tar::EntryType, link: &str, data: &[u8]) -> Vec<u8> {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
    h.set_entry_type(kind);
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    let mut out = h.as_bytes().to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

fn finish_tar(mut body: Vec<u8>) -> Vec<u8> {
    body.extend_from_slice(&[0u8; 1024]);
    body
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Write an OCI layout holding one image whose layers are the given blobs (stored as given).
fn oci_layout(dir: &Path, blobs: &[Vec<u8>], diff_ids: &[String]) {
    let blob_dir = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blob_dir).unwrap();
    let put = |bytes: &[u8]| {
        let d = digest(bytes);
        std::fs::write(blob_dir.join(&d[7..]), bytes).unwrap();
        d
    };
    let layers: Vec<_> = blobs
        .iter()
        .map(|b| serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(b), "size": b.len()}))
        .collect();
    let config = serde_json::json!({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}});
    let config = serde_json::to_vec(&config).unwrap();
    let manifest = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(&config), "size": config.len()},
        "layers": layers});
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(&manifest), "size": manifest.len()}]});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
}

/// A docker-archive with the given layer members; `extra` entries are appended raw. A listed
/// layer that is not a member (a link) gets the first layer's diffID.
fn docker_archive(layers: &[(&str, Vec<u8>)], listed: &[&str], extra: Vec<u8>) -> Vec<u8> {
    let diff_ids: Vec<String> = listed
        .iter()
        .map(|name| {
            layers
                .iter()
                .find(|(n, _)| n == name)
                .or(layers.first())
                .map(|(_, l)| digest(l))
                .unwrap_or_else(|| digest(b""))
        })
        .collect();
    let config = serde_json::to_vec(&serde_json::json!({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}})).unwrap();
    let manifest = serde_json::to_vec(
        &serde_json::json!([{"Config": "config.json", "RepoTags": ["x:1"], "Layers": listed}]),
    )
    .unwrap();
    let mut body = Vec::new();
    for (name, data) in layers {
        body.extend(raw_entry(name, tar::EntryType::Regular, "", data));
    }
    body.extend(extra);
    body.extend(raw_entry(
        "config.json",
        tar::EntryType::Regular,
        "",
        &config,
    ));
    body.extend(raw_entry(
        "manifest.json",
        tar::EntryType::Regular,
        "",
        &manifest,
    ));
    finish_tar(body)
}

fn run(path: &Path) -> Result<sekisho_image::ImageScan<()>, ImageError> {
    run_with(path, ScanOptions::default())
}

fn run_with(path: &Path, opts: ScanOptions) -> Result<sekisho_image::ImageScan<()>, ImageError> {
    let source = parse(path)?;
    scan(&source, &opts, &NoVisitor)
}

/// Every image a test scans goes through here (and into the opt-in hostile dump).
fn parse(path: &Path) -> Result<Source, ImageError> {
    hostile_dump::path("image", path);
    Source::parse(path.to_str().unwrap())
}

/// A layer a test reads on its own, dumped (opt-in) as a docker-archive holding it.
fn dump_layer(data: &[u8]) {
    if hostile_dump::enabled() {
        let archive = docker_archive(&[("l.tar", data.to_vec())], &["l.tar"], Vec::new());
        hostile_dump::bytes("image", ".tar", &archive);
    }
}

fn expect_error(
    result: Result<sekisho_image::ImageScan<()>, ImageError>,
    input: &Path,
    needle: &str,
) {
    match result {
        Ok(_) => panic!(
            "{}: expected an error containing {needle:?}",
            input.display()
        ),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains(needle),
                "{}: {msg:?} lacks {needle:?}",
                input.display()
            );
            assert!(
                msg.contains(input.to_str().unwrap()),
                "error must name the input: {msg}"
            );
        }
    }
}

/// Files in a directory tree, to prove a scan wrote nothing.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        out.push(e.path());
        if e.path().is_dir() {
            out.extend(tree(&e.path()));
        }
    }
    out.sort();
    out
}

#[test]
fn truncated_compressed_layers_are_rejected() {
    let plain = layer(&[("etc/hostname", b"x"), ("big", &vec![7u8; 200_000])]);
    let gz = gzip(&plain);
    let mut zst = zstd::encode_all(&plain[..], 3).unwrap();
    for (name, mut blob) in [("gzip", gz), ("zstd", std::mem::take(&mut zst))] {
        blob.truncate(blob.len() / 2);
        let dir = workdir(&format!("trunc-{name}"));
        oci_layout(&dir, &[blob], &[digest(&plain)]);
        let before = tree(&dir);
        expect_error(run(&dir), &dir, "layer 0");
        assert_eq!(tree(&dir), before, "nothing may be written");
    }
}

#[test]
fn truncated_archive_is_rejected() {
    let l = layer(&[("a", &vec![1u8; 100_000])]);
    let mut archive = docker_archive(&[("l/layer.tar", l)], &["l/layer.tar"], Vec::new());
    archive.truncate(60_000);
    let dir = workdir("trunc-archive");
    let path = dir.join("image.tar");
    std::fs::write(&path, archive).unwrap();
    assert!(run(&path).is_err());
}

#[test]
fn bad_tar_checksum_is_rejected() {
    let mut l = layer(&[("etc/passwd", b"root:x:0:0::/root:/bin/sh\n")]);
    l[148] ^= 0x11; // corrupt the checksum field
    let dir = workdir("cksum");
    let path = dir.join("image.tar");
    std::fs::write(
        &path,
        docker_archive(&[("l/layer.tar", l.clone())], &["l/layer.tar"], Vec::new()),
    )
    .unwrap();
    expect_error(run(&path), &path, "layer 0");
}

#[test]
fn long_names_are_read() {
    let long = format!("{}/file.txt", "d".repeat(180));
    let l = layer(&[(&long, b"x")]);
    let dir = workdir("long");
    let path = dir.join("image.tar");
    std::fs::write(
        &path,
        docker_archive(&[("l/layer.tar", l)], &["l/layer.tar"], Vec::new()),
    )
    .unwrap();
    let scan = run(&path).unwrap();
    assert!(scan.fs.get(&long).is_some());
}

#[test]
fn path_traversal_is_rejected_and_absolute_paths_are_rooted() {
    let dir = workdir("traversal");
    for (name, entry, ok) in [
        (
            "dotdot",
            raw_entry("../../etc/passwd", tar::EntryType::Regular, "", b"x"),
            false,
        ),
        (
            "abs",
            raw_entry("/etc/abs", tar::EntryType::Regular, "", b"x"),
            true,
        ),
        (
            "hardlink-out",
            raw_entry("x", tar::EntryType::Link, "../../etc/shadow", b""),
            false,
        ),
    ] {
        let l = finish_tar(entry);
        let path = dir.join(format!("{name}.tar"));
        std::fs::write(
            &path,
            docker_archive(&[("l/layer.tar", l)], &["l/layer.tar"], Vec::new()),
        )
        .unwrap();
        let result = run(&path);
        if ok {
            assert!(result.unwrap().fs.get("etc/abs").is_some());
        } else {
            expect_error(result, &path, "escapes the image root");
        }
    }
    assert!(!Path::new("/etc/abs").exists());
}

#[test]
fn links_pointing_outside_or_nowhere_stay_inside() {
    let mut body = raw_entry("etc/passwd", tar::EntryType::Regular, "", b"inside");
    body.extend(raw_entry(
        "escape",
        tar::EntryType::Symlink,
        "../../../../etc/passwd",
        b"",
    ));
    body.extend(raw_entry(
        "missing-hardlink",
        tar::EntryType::Link,
        "no/such/file",
        b"",
    ));
    let dir = workdir("links");
    let path = dir.join("image.tar");
    std::fs::write(
        &path,
        docker_archive(
            &[("l/layer.tar", finish_tar(body))],
            &["l/layer.tar"],
            Vec::new(),
        ),
    )
    .unwrap();
    let scan = run(&path).unwrap();
    // The symlink resolves inside the image root, like a chroot.
    assert_eq!(scan.fs.resolve("escape").unwrap().0, "etc/passwd");
    assert!(scan.fs.get("missing-hardlink").is_none());
    assert!(
        scan.warnings.iter().any(|w| w.contains("missing-hardlink")),
        "{:?}",
        scan.warnings
    );
}

#[test]
fn huge_sparse_file_is_not_materialised() {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::GNUSparse);
    h.set_size(512);
    h.set_mode(0o644);
    h.as_gnu_mut().unwrap().name[..6].copy_from_slice(b"sparse");
    let gnu = h.as_gnu_mut().unwrap();
    gnu.sparse[0].set_offset(64 << 30);
    gnu.sparse[0].set_length(512);
    gnu.set_real_size((64 << 30) + 512);
    h.set_cksum();
    let mut body = h.as_bytes().to_vec();
    body.extend_from_slice(&[0xAB; 512]);
    let dir = workdir("sparse");
    let path = dir.join("image.tar");
    std::fs::write(
        &path,
        docker_archive(
            &[("l/layer.tar", finish_tar(body))],
            &["l/layer.tar"],
            Vec::new(),
        ),
    )
    .unwrap();
    let scan = run(&path).unwrap();
    assert!(scan.fs.get("sparse").is_some());
}

#[test]
fn decompression_bomb_is_stopped() {
    let plain = layer(&[("zeros", &vec![0u8; 40 << 20])]);
    let blob = gzip(&plain);
    let dir = workdir("bomb");
    oci_layout(&dir, &[blob], &[digest(&plain)]);
    let opts = ScanOptions {
        limits: Limits {
            ratio_floor: 1 << 20,
            max_ratio: 100,
            ..Limits::default()
        },
        ..ScanOptions::default()
    };
    expect_error(run_with(&dir, opts), &dir, "decompression bomb");
}

#[test]
fn decompression_bombs_at_the_default_limits_are_stopped() {
    // A file of 8 GiB of zeros in an 8 MiB gzip blob, or a few KiB of zstd (concatenated
    // members and frames, as both formats allow): the default limits stop each a little past
    // 256 MiB instead of decompressing 8 GiB. (The diffID is never reached.)
    let mut h = tar::Header::new_gnu();
    h.set_path("zeros").unwrap();
    h.set_size(8 << 30);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    let zeros = vec![0u8; 16 << 20];
    let best = |data: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    let (gz_chunk, zst_chunk) = (best(&zeros), zstd::encode_all(&zeros[..], 19).unwrap());
    let mut gz = best(h.as_bytes());
    let mut zst = zstd::encode_all(&h.as_bytes()[..], 3).unwrap();
    for _ in 0..512 {
        gz.extend_from_slice(&gz_chunk);
        zst.extend_from_slice(&zst_chunk);
    }
    let diff_id = format!("sha256:{}", "0".repeat(64));
    for (name, blob) in [("gzip", gz), ("zstd", zst)] {
        let dir = workdir(&format!("default-bomb-{name}"));
        oci_layout(&dir, &[blob], std::slice::from_ref(&diff_id));
        let started = std::time::Instant::now();
        expect_error(run(&dir), &dir, "decompression bomb");
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
    }
}

#[test]
fn missing_blob_and_digest_mismatch_are_rejected() {
    let plain = layer(&[("a", b"1")]);
    let blob = gzip(&plain);
    let dir = workdir("missing");
    oci_layout(&dir, std::slice::from_ref(&blob), &[digest(&plain)]);
    std::fs::remove_file(dir.join("blobs/sha256").join(&digest(&blob)[7..])).unwrap();
    expect_error(run(&dir), &dir, "missing");

    let dir = workdir("mismatch");
    oci_layout(&dir, std::slice::from_ref(&blob), &[digest(&plain)]);
    let other = gzip(&layer(&[("a", b"2")]));
    std::fs::write(dir.join("blobs/sha256").join(&digest(&blob)[7..]), other).unwrap();
    expect_error(run(&dir), &dir, "digest mismatch");

    let archive = docker_archive(&[], &["nope/layer.tar"], Vec::new());
    let path = dir.join("missing-layer.tar");
    std::fs::write(&path, archive).unwrap();
    expect_error(run(&path), &path, "missing");
}

#[test]
fn layer_symlinks_inside_the_archive() {
    let l = layer(&[("a", b"1")]);
    let dir = workdir("layerlink");
    // docker save links identical layers: the second is a symlink to the first.
    let link = raw_entry(
        "two/layer.tar",
        tar::EntryType::Symlink,
        "../one/layer.tar",
        b"",
    );
    let path = dir.join("ok.tar");
    std::fs::write(
        &path,
        docker_archive(
            &[("one/layer.tar", l.clone())],
            &["one/layer.tar", "two/layer.tar"],
            link,
        ),
    )
    .unwrap();
    assert_eq!(run(&path).unwrap().info.layers.len(), 2);
    // A loop of links is an error, not a hang.
    let mut loops = raw_entry(
        "a/layer.tar",
        tar::EntryType::Symlink,
        "../b/layer.tar",
        b"",
    );
    loops.extend(raw_entry(
        "b/layer.tar",
        tar::EntryType::Symlink,
        "../a/layer.tar",
        b"",
    ));
    let path = dir.join("loop.tar");
    std::fs::write(&path, docker_archive(&[], &["a/layer.tar"], loops)).unwrap();
    assert!(run(&path).is_err());
    // A link out of the archive is refused.
    let out = raw_entry(
        "c/layer.tar",
        tar::EntryType::Symlink,
        "../../../etc/passwd",
        b"",
    );
    let path = dir.join("out.tar");
    std::fs::write(&path, docker_archive(&[], &["c/layer.tar"], out)).unwrap();
    expect_error(run(&path), &path, "escapes the image root");
}

#[test]
fn garbage_is_rejected() {
    let dir = workdir("garbage");
    let path = dir.join("random.tar");
    let bytes: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    assert!(run(&path).is_err());
    let path = dir.join("layer-not-tar.tar");
    let archive = docker_archive(
        &[("l/layer.tar", bytes[..4096].to_vec())],
        &["l/layer.tar"],
        Vec::new(),
    );
    std::fs::write(&path, archive).unwrap();
    assert!(run(&path).is_err());
    std::fs::create_dir_all(dir.join("badindex")).unwrap();
    std::fs::write(dir.join("badindex/index.json"), b"{\"manifests\": 7}").unwrap();
    expect_error(
        run(&dir.join("badindex")),
        &dir.join("badindex"),
        "invalid index.json",
    );
}

/// Deterministic mutations of real layers (bit flips, truncations, splices), in every
/// compression: each is read or rejected, never a panic.
#[test]
fn mutated_real_layers_never_panic() {
    let base = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/images/built/whiteout-layers.oci/blobs/sha256"
    );
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for entry in std::fs::read_dir(base).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        if bytes.len() > 300 {
            let plain = {
                let mut d = flate2::read::MultiGzDecoder::new(&bytes[..]);
                let mut v = Vec::new();
                std::io::Read::read_to_end(&mut d, &mut v)
                    .map(|_| v)
                    .unwrap_or_default()
            };
            seeds.push(zstd::encode_all(&plain[..], 1).unwrap());
            seeds.push(plain);
            seeds.push(bytes);
        }
    }
    seeds.retain(|s| s.len() > 300);
    assert!(seeds.len() >= 6);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let limits = Limits {
        max_layer_size: 16 << 20,
        ..Limits::default()
    };
    for seed in &seeds {
        for round in 0..150 {
            let mut data = seed.clone();
            match round % 3 {
                0 => {
                    for _ in 0..(1 + next() % 8) {
                        let i = (next() as usize) % data.len();
                        data[i] ^= 1 << (next() % 8);
                    }
                }
                1 => data.truncate((next() as usize) % data.len()),
                _ => {
                    let a = (next() as usize) % data.len();
                    let b = (next() as usize) % data.len();
                    let chunk = data[a.min(b)..a.max(b)].to_vec();
                    let at = (next() as usize) % data.len();
                    data.splice(at..at, chunk);
                }
            }
            if round % 50 < 3 {
                // A sample for the hostile dump: each kind of mutation, three times per seed.
                dump_layer(&data);
            }
            if let Ok(scan) = sekisho_image::scan_layer(&data[..], limits, true, &NoVisitor) {
                let mut fs = sekisho_image::MergedFs::new();
                fs.apply_layer(0, &scan.entries, &scan.whiteouts);
                for (path, _) in fs.iter() {
                    let _ = fs.resolve(path);
                }
            }
        }
    }
}

/// Keeps every file's bytes.
struct KeepAll;

impl sekisho_image::LayerVisitor for KeepAll {
    type Output = Vec<u8>;
    fn interest(&self, _: &sekisho_image::Entry) -> sekisho_image::Interest {
        sekisho_image::Interest::Whole
    }
    fn visit(&self, _: &sekisho_image::Entry, content: &[u8]) -> Option<Vec<u8>> {
        Some(content.to_vec())
    }
}

#[test]
fn duplicate_entries_in_one_layer_keep_the_last_copy() {
    // tar and every runtime keep the last copy of a path; a decoy first copy must not win.
    let dir = workdir("duplicates");
    let l0 = finish_tar(
        [
            raw_entry("etc/os-release", tar::EntryType::Regular, "", b"ID=decoy\n"),
            raw_entry(
                "etc/os-release",
                tar::EntryType::Regular,
                "",
                b"ID=debian\nVERSION_ID=\"12\"\n",
            ),
        ]
        .concat(),
    );
    let path = dir.join("dup.tar");
    std::fs::write(
        &path,
        docker_archive(&[("l0.tar", l0)], &["l0.tar"], vec![]),
    )
    .unwrap();
    let source = parse(&path).unwrap();
    let scan = scan(&source, &ScanOptions::default(), &KeepAll).unwrap();
    let (_, _, bytes) = scan.final_output("etc/os-release").unwrap();
    assert_eq!(bytes, b"ID=debian\nVERSION_ID=\"12\"\n");
    assert_eq!(scan.fs.get("etc/os-release").unwrap().size, 26);
}

#[test]
fn invalid_whiteouts_hide_nothing_and_are_reported() {
    // `.wh.` (empty name) and `.wh...` would remove the directory or its parent; runtimes
    // reject such layers. They are ignored with a warning, so the lower tree stays visible.
    let dir = workdir("bad-whiteouts");
    let l0 = finish_tar(
        [
            raw_entry("app/secret.env", tar::EntryType::Regular, "", b"TOKEN=x\n"),
            raw_entry("app/sub/keep", tar::EntryType::Regular, "", b"x"),
        ]
        .concat(),
    );
    let l1 = finish_tar(
        [
            raw_entry("app/.wh.", tar::EntryType::Regular, "", b""),
            raw_entry("app/sub/.wh...", tar::EntryType::Regular, "", b""),
            raw_entry("app/.wh..wh.plnk", tar::EntryType::Regular, "", b""),
        ]
        .concat(),
    );
    let path = dir.join("wh.tar");
    std::fs::write(
        &path,
        docker_archive(
            &[("l0.tar", l0), ("l1.tar", l1)],
            &["l0.tar", "l1.tar"],
            vec![],
        ),
    )
    .unwrap();
    let scan = run(&path).unwrap();
    assert!(scan.fs.get("app/secret.env").is_some());
    assert!(scan.fs.get("app/sub/keep").is_some());
    let invalid: Vec<_> = scan
        .warnings
        .iter()
        .filter(|w| w.contains("invalid whiteout"))
        .collect();
    assert_eq!(invalid.len(), 2, "{:?}", scan.warnings);
    assert!(scan.fs.get("app/.wh..wh.plnk").is_none());
}

/// One PAX record, `"%d %s=%s\n"` with the length counting itself.
fn pax_record(key: &str, value: &[u8]) -> Vec<u8> {
    let body = [key.as_bytes(), b"=", value, b"\n"].concat();
    let mut len = body.len() + 2;
    while format!("{len} ").len() + body.len() != len {
        len = format!("{len} ").len() + body.len();
    }
    [format!("{len} ").into_bytes(), body].concat()
}

#[test]
fn pax_values_with_newlines_do_not_hide_files() {
    // A POSIX-valid `comment` whose value holds a newline, then `path` and `size`. Go's
    // archive/tar (Docker, containerd), GNU tar and Python's tarfile read a 23-byte
    // /etc/os-release here; a reader splitting PAX data on newlines drops the later records and
    // sees an empty file named `decoy` instead.
    let content = b"ID=alpine\nVERSION_ID=3\n";
    let records = [
        pax_record("comment", b"first line\nsecond line"),
        pax_record("path", b"etc/os-release"),
        pax_record("size", content.len().to_string().as_bytes()),
    ]
    .concat();
    let mut body = raw_entry("PaxHeaders/decoy", tar::EntryType::XHeader, "", &records);
    let mut h = tar::Header::new_ustar();
    h.set_path("decoy").unwrap();
    h.set_size(0);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    body.extend_from_slice(h.as_bytes());
    body.extend_from_slice(content);
    body.resize(body.len().div_ceil(512) * 512, 0);
    let dir = workdir("pax-newline");
    let path = dir.join("image.tar");
    std::fs::write(
        &path,
        docker_archive(&[("l.tar", finish_tar(body))], &["l.tar"], Vec::new()),
    )
    .unwrap();
    let source = parse(&path).unwrap();
    let scan = scan(&source, &ScanOptions::default(), &KeepAll).unwrap();
    assert!(scan.fs.get("decoy").is_none(), "{:?}", scan.fs.to_tsv());
    let (_, _, bytes) = scan.final_output("etc/os-release").expect("the PAX path");
    assert_eq!(bytes, content);
}

/// Keeps every file's bytes and counts the files it was shown.
struct CountingKeepAll(std::sync::atomic::AtomicUsize);

impl sekisho_image::LayerVisitor for CountingKeepAll {
    type Output = Vec<u8>;
    fn interest(&self, _: &sekisho_image::Entry) -> sekisho_image::Interest {
        sekisho_image::Interest::Whole
    }
    fn visit(&self, _: &sekisho_image::Entry, content: &[u8]) -> Option<Vec<u8>> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Some(content.to_vec())
    }
    fn kept_bytes(&self, output: &Vec<u8>) -> u64 {
        output.len() as u64
    }
}

#[test]
fn one_blob_listed_as_300_layers_is_read_once_and_merged_in_order() {
    // A = {etc/x: "a", a.txt}; B = {etc/x: "b", whiteout of a.txt, b.txt}; the image lists
    // A 150 times, B, then A 149 times. A runtime unpacks each listing in order: etc/x ends
    // as "a" (from the last A), a.txt is back, b.txt stays.
    let a = finish_tar(
        [
            raw_entry("etc/x", tar::EntryType::Regular, "", b"a"),
            raw_entry("a.txt", tar::EntryType::Regular, "", b"A"),
        ]
        .concat(),
    );
    let b = finish_tar(
        [
            raw_entry("etc/x", tar::EntryType::Regular, "", b"b"),
            raw_entry(".wh.a.txt", tar::EntryType::Regular, "", b""),
            raw_entry("b.txt", tar::EntryType::Regular, "", b"B"),
        ]
        .concat(),
    );
    let mut blobs = vec![a.clone(); 150];
    blobs.push(b.clone());
    blobs.extend(std::iter::repeat_n(a.clone(), 149));
    let diff_ids: Vec<String> = blobs.iter().map(|l| digest(l)).collect();
    let started = std::time::Instant::now();
    // As an OCI layout (layers read by workers) and as a compressed docker archive (one stream).
    let dir = workdir("repeated-layers");
    oci_layout(&dir, &blobs, &diff_ids);
    let members: Vec<&str> = (0..300)
        .map(|i| if i == 150 { "b.tar" } else { "a.tar" })
        .collect();
    let archive = gzip(&docker_archive(
        &[("a.tar", a.clone()), ("b.tar", b.clone())],
        &members,
        vec![],
    ));
    let gz = dir.with_extension("tar.gz");
    std::fs::write(&gz, archive).unwrap();
    for input in [dir.clone(), gz.clone()] {
        let visitor = CountingKeepAll(Default::default());
        let source = parse(&input).unwrap();
        let scan = scan(&source, &ScanOptions::default(), &visitor).unwrap();
        // Each distinct blob streamed once: A's two files and B's two.
        assert_eq!(visitor.0.load(std::sync::atomic::Ordering::SeqCst), 4);
        assert_eq!(scan.layers.len(), 300);
        assert_eq!(scan.outputs.len(), 300);
        let (layer, _, x) = scan.final_output("etc/x").unwrap();
        assert_eq!(
            (layer, x.as_slice()),
            (299, &b"a"[..]),
            "{}",
            input.display()
        );
        assert_eq!(scan.final_output("a.txt").unwrap().2, b"A");
        assert_eq!(scan.final_output("b.txt").unwrap().2, b"B");
        // The repeat's outputs are the first occurrence's.
        assert_eq!(scan.outputs[299]["etc/x"], b"a");
        assert_eq!(scan.outputs[150]["etc/x"], b"b");
        // a.txt was deleted by B and added again: the deletion is on record.
        assert!(scan.fs.deleted().iter().any(|d| d.path == "a.txt"));
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn layer_count_and_index_limits_come_from_the_request() {
    let dir = workdir("max-layers");
    let l = finish_tar(raw_entry("f", tar::EntryType::Regular, "", b"x"));
    let blobs = vec![l.clone(), l.clone(), l.clone()];
    let ids: Vec<String> = blobs.iter().map(|b| digest(b)).collect();
    oci_layout(&dir, &blobs, &ids);
    let limited = |limits: Limits| ScanOptions {
        limits,
        ..ScanOptions::default()
    };
    assert!(run(&dir).is_ok());
    expect_error(
        run_with(
            &dir,
            limited(Limits {
                max_layers: 2,
                ..Limits::default()
            }),
        ),
        &dir,
        "more than 2",
    );
    expect_error(
        run_with(
            &dir,
            limited(Limits {
                max_index_descriptors: 0,
                ..Limits::default()
            }),
        ),
        &dir,
        "more than 0 manifests",
    );
    // Paths: depth and length limits skip entries with a warning.
    let deep = workdir("max-depth");
    let l = finish_tar(
        [
            raw_entry("a/b/c/d", tar::EntryType::Regular, "", b"x"),
            raw_entry("top", tar::EntryType::Regular, "", b"x"),
        ]
        .concat(),
    );
    oci_layout(&deep, std::slice::from_ref(&l), &[digest(&l)]);
    let scan = run_with(
        &deep,
        limited(Limits {
            max_depth: 3,
            ..Limits::default()
        }),
    )
    .unwrap();
    assert!(scan.fs.get("a/b/c/d").is_none() && scan.fs.get("top").is_some());
    assert!(scan.warnings.iter().any(|w| w.contains("over the limits")));
}

#[test]
fn compressed_archive_members_and_metadata_are_bounded() {
    let dir = workdir("outer-members");
    let l0 = finish_tar(raw_entry("f", tar::EntryType::Regular, "", b"x"));
    // Many small members before the manifest.
    let mut extra = Vec::new();
    for i in 0..200 {
        extra.extend(raw_entry(
            &format!("junk/{i}"),
            tar::EntryType::Regular,
            "",
            b"j",
        ));
    }
    let many = dir.join("many.tar.gz");
    std::fs::write(
        &many,
        gzip(&docker_archive(
            &[("l0.tar", l0.clone())],
            &["l0.tar"],
            extra,
        )),
    )
    .unwrap();
    let opts = |limits: Limits| ScanOptions {
        limits,
        ..ScanOptions::default()
    };
    assert!(run(&many).is_ok());
    expect_error(
        run_with(
            &many,
            opts(Limits {
                max_archive_members: 100,
                ..Limits::default()
            }),
        ),
        &many,
        "more than 100 members",
    );
    // JSON-looking members kept before the manifest is seen.
    let mut extra = Vec::new();
    let json = format!("{{\"pad\": \"{}\"}}", "p".repeat(4000));
    for i in 0..50 {
        extra.extend(raw_entry(
            &format!("meta/{i}.json"),
            tar::EntryType::Regular,
            "",
            json.as_bytes(),
        ));
    }
    let meta = dir.join("meta.tar.gz");
    std::fs::write(
        &meta,
        gzip(&docker_archive(&[("l0.tar", l0)], &["l0.tar"], extra)),
    )
    .unwrap();
    assert!(run(&meta).is_ok());
    expect_error(
        run_with(
            &meta,
            opts(Limits {
                max_archive_metadata: 100_000,
                ..Limits::default()
            }),
        ),
        &meta,
        "metadata members",
    );
}

#[test]
fn captured_content_per_layer_is_bounded_with_a_warning() {
    // Three 8-byte files, 20 bytes allowed: the third file's content is not kept, the scan goes
    // on and says so.
    let l = finish_tar(
        [
            raw_entry("one", tar::EntryType::Regular, "", b"11111111"),
            raw_entry("two", tar::EntryType::Regular, "", b"22222222"),
            raw_entry("three", tar::EntryType::Regular, "", b"33333333"),
        ]
        .concat(),
    );
    let limits = Limits {
        max_captured: 20,
        ..Limits::default()
    };
    let visitor = CountingKeepAll(Default::default());
    dump_layer(&l);
    let scan = sekisho_image::scan_layer(&l[..], limits, false, &visitor).unwrap();
    assert_eq!(visitor.0.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(scan.outputs.len(), 2);
    assert!(!scan.outputs.contains_key("three"));
    assert_eq!(scan.entries.len(), 3);
    assert!(
        scan.warnings
            .iter()
            .any(|w| w.contains("--max-captured") && w.contains("1 files")),
        "{:?}",
        scan.warnings
    );
    // A later copy of a path gives its bytes back to the budget.
    let l = finish_tar(
        [
            raw_entry("p", tar::EntryType::Regular, "", b"11111111"),
            raw_entry("p", tar::EntryType::Regular, "", b"22222222"),
            raw_entry("q", tar::EntryType::Regular, "", b"33333333"),
        ]
        .concat(),
    );
    dump_layer(&l);
    let scan = sekisho_image::scan_layer(&l[..], limits, false, &visitor).unwrap();
    assert_eq!(scan.outputs["p"], b"22222222");
    assert_eq!(scan.outputs["q"], b"33333333");
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
}
