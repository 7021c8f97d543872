//! Hostile inputs through the whole engine, for the classes the image crate's corpus does not
//! reach: a package database with 100,000 file lists, and a root filesystem with unreadable
//! directories and special files. Each must finish, bounded, with what can be read reported.

#[path = "../../../tests/hostile_dump.rs"]
mod hostile_dump;

use std::io::Write;
use std::path::{Path, PathBuf};

use sekisho_image::Source;
use sekisho_model::{PackageKind, Timestamp};
use sekisho_scan::ScanRequest;
use sha2::{Digest, Sha256};

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sekisho-scan-hostile-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A writer that hashes what passes through it.
struct Hashing<W: Write>(W, Sha256);

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

fn hex_digest(h: Sha256) -> String {
    format!("sha256:{}", hex::encode(h.finalize()))
}

/// Write an OCI layout at `dir` with one gzip layer holding `files`, streamed to disk (the
/// layer is never whole in memory).
fn oci_layout(dir: &Path, files: impl Iterator<Item = (String, Vec<u8>)>) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let tmp = blobs.join("layer.tmp");
    let outer = Hashing(std::fs::File::create(&tmp).unwrap(), Sha256::new());
    let gz = flate2::write::GzEncoder::new(outer, flate2::Compression::fast());
    let mut tar = tar::Builder::new(Hashing(gz, Sha256::new()));
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut h, &path, &data[..]).unwrap();
    }
    let Hashing(gz, inner) = tar.into_inner().unwrap();
    let diff_id = hex_digest(inner);
    let Hashing(_, outer) = gz.finish().unwrap();
    let layer_digest = hex_digest(outer);
    let layer_size = std::fs::metadata(&tmp).unwrap().len();
    std::fs::rename(&tmp, blobs.join(&layer_digest[7..])).unwrap();
    let put = |bytes: &[u8]| {
        let d = format!("sha256:{}", hex::encode(Sha256::digest(bytes)));
        std::fs::write(blobs.join(&d[7..]), bytes).unwrap();
        (d, bytes.len())
    };
    let config = serde_json::to_vec(&serde_json::json!({"architecture": "amd64", "os": "linux",
        "config": {"User": "app"}, "rootfs": {"type": "layers", "diff_ids": [diff_id]}}))
    .unwrap();
    let (config_digest, config_size) = put(&config);
    let manifest = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer_size}]}))
    .unwrap();
    let (manifest_digest, manifest_size) = put(&manifest);
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest_digest, "size": manifest_size}]});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
}

#[test]
fn a_hundred_thousand_dpkg_file_lists_are_read_in_bounded_time() {
    // A Debian image whose status lists 100,000 packages, each with its info/*.list: every
    // list is captured while the layer streams and joined to its package.
    let n = 100_000;
    let dir = workdir("dpkg-100k");
    let mut status = String::new();
    for i in 0..n {
        status.push_str(&format!(
            "Package: p{i}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-{i}\n\n"
        ));
    }
    let head = [
        (
            "etc/os-release".to_string(),
            b"ID=debian\nVERSION_ID=\"12\"\n".to_vec(),
        ),
        ("var/lib/dpkg/status".to_string(), status.into_bytes()),
    ];
    let lists = (0..n).map(|i| {
        (
            format!("var/lib/dpkg/info/p{i}.list"),
            format!("/.\n/usr\n/usr/lib/p{i}\n/usr/lib/p{i}/lib.so\n").into_bytes(),
        )
    });
    oci_layout(&dir, head.into_iter().chain(lists));
    hostile_dump::path("image", &dir);
    let started = std::time::Instant::now();
    let source = Source::parse(dir.to_str().unwrap()).unwrap();
    let report = sekisho_scan::scan(&ScanRequest::new(source, Timestamp::UNIX_EPOCH)).unwrap();
    let took = started.elapsed();
    let debs: Vec<_> = report
        .packages
        .iter()
        .filter(|p| p.kind == PackageKind::Deb)
        .collect();
    assert_eq!(debs.len(), n);
    let last = debs.iter().find(|p| p.name == "p99999").unwrap();
    assert_eq!(
        last.files,
        ["/usr", "/usr/lib/p99999", "/usr/lib/p99999/lib.so"],
        "{:?}",
        last.files
    );
    // Unoptimised test builds are slow; a quadratic join would take far longer than this.
    assert!(took < std::time::Duration::from_secs(120), "took {took:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unreadable_directories_and_special_files_in_a_root_filesystem() {
    // A locked directory (reported and skipped when not readable: root reads it anyway), a
    // FIFO (opening it would block), links to /dev/zero (endless) and to the host's
    // /etc/shadow, and a link loop: the walk finishes and reads none of them.
    use std::os::unix::fs::PermissionsExt;
    let root = workdir("rootfs-special");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "ID=alpine\nVERSION_ID=3.20.0\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("locked/inner")).unwrap();
    std::fs::write(root.join("locked/inner/.env"), "TOKEN=x\n").unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("etc/fifo"))
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/dev/zero", root.join("etc/zero")).unwrap();
    std::os::unix::fs::symlink("/etc/shadow", root.join("etc/shadow")).unwrap();
    std::os::unix::fs::symlink("loop-b", root.join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", root.join("loop-b")).unwrap();
    std::fs::set_permissions(root.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    hostile_dump::path("rootfs", &root);
    let readable = std::fs::read_dir(root.join("locked")).is_ok();
    let mut request = ScanRequest::new(Source::rootfs("dir:special", &root), Timestamp::UNIX_EPOCH);
    request.scanners.secret = true;
    let report = sekisho_scan::scan(&request);
    std::fs::set_permissions(root.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    let report = report.unwrap();
    if !readable {
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.contains("locked: not read")),
            "{:?}",
            report.warnings
        );
    }
}
