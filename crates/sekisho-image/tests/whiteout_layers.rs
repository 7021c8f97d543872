//! The merged filesystem of `whiteout-layers` equals the ground truth computed by umoci, in all
//! three forms the image is shipped in; and the OCI layout error cases behave as Trivy's tests expect.

use sekisho_image::{scan, NoVisitor, ScanOptions, Source};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");

fn listing(input: &str) -> String {
    let source = Source::parse(input).unwrap();
    let opts = ScanOptions {
        hash_files: true,
        ..ScanOptions::default()
    };
    let scan = scan(&source, &opts, &NoVisitor).unwrap_or_else(|e| panic!("{input}: {e}"));
    scan.fs.to_tsv()
}

#[test]
fn merged_fs_equals_ground_truth_in_every_format() {
    let truth =
        std::fs::read_to_string(format!("{DATA}/groundtruth/whiteout-layers.fs.tsv")).unwrap();
    for form in [
        "built/whiteout-layers.docker.tar",
        "built/whiteout-layers.oci.tar",
        "built/whiteout-layers.oci",
    ] {
        let got = listing(&format!("{DATA}/{form}"));
        assert_eq!(got, truth, "{form}");
    }
}

/// The same docker-archive compressed as a whole with gzip and with zstd (read in one
/// streaming pass) gives the same tree.
#[test]
fn whole_archive_compression_gives_the_same_tree() {
    use std::io::Write;
    let truth =
        std::fs::read_to_string(format!("{DATA}/groundtruth/whiteout-layers.fs.tsv")).unwrap();
    let tar = std::fs::read(format!("{DATA}/built/whiteout-layers.docker.tar")).unwrap();
    let dir = std::env::temp_dir().join(format!("sekisho-wl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    let gz_path = dir.join("img.tar.gz");
    std::fs::write(&gz_path, gz.finish().unwrap()).unwrap();
    let zst_path = dir.join("img.tar.zst");
    std::fs::write(&zst_path, zstd::encode_all(&tar[..], 3).unwrap()).unwrap();
    for path in [&gz_path, &zst_path] {
        assert_eq!(listing(path.to_str().unwrap()), truth, "{}", path.display());
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn deleted_secret_is_remembered_with_its_layers() {
    let source = Source::parse(&format!("{DATA}/built/whiteout-layers.oci")).unwrap();
    let scan = scan(&source, &ScanOptions::default(), &NoVisitor).unwrap();
    assert!(scan.fs.get("app/secret.txt").is_none());
    let deleted: Vec<_> = scan
        .fs
        .deleted()
        .iter()
        .filter(|d| d.path == "app/secret.txt")
        .map(|d| (d.added_in, d.deleted_in))
        .collect();
    assert_eq!(deleted, [(1, 2)]);
    // No whiteout marker survives in the final view.
    assert!(scan.fs.iter().all(|(p, _)| !p.contains(".wh.")));
}

#[test]
fn oci_layout_cases_match_trivy_expectations() {
    let cases =
        std::fs::read_to_string(format!("{DATA}/groundtruth/trivy/oci-layout-cases.tsv")).unwrap();
    for line in cases.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (input, expect, substring) = (cols[0], cols[1], cols[2]);
        let result = Source::parse(&format!("{DATA}/{input}"))
            .and_then(|s| scan(&s, &ScanOptions::default(), &NoVisitor));
        match (expect, result) {
            ("ok", Ok(scan)) => assert_eq!(scan.info.layers.len(), 1, "{input}"),
            ("error", Err(e)) => {
                let msg = e.to_string();
                assert!(
                    msg.contains(substring),
                    "{input}: {msg:?} lacks {substring:?}"
                );
                assert!(
                    msg.contains(input.split(':').next().unwrap()),
                    "{input}: error must name the input: {msg}"
                );
            }
            (expect, Ok(_)) => panic!("{input}: expected {expect}, got success"),
            (expect, Err(e)) => panic!("{input}: expected {expect}, got error {e}"),
        }
    }
}

/// A layout holding a multi-platform index and a second tag: platform choice, tag choice,
/// and the errors that list what is available.
#[test]
fn platforms_and_tags_in_one_layout() {
    use sha2::{Digest, Sha256};
    let src = format!("{DATA}/built/whiteout-layers.oci");
    let dir = std::env::temp_dir().join(format!("sekisho-multi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
    for e in std::fs::read_dir(format!("{src}/blobs/sha256"))
        .unwrap()
        .flatten()
    {
        std::fs::copy(e.path(), dir.join("blobs/sha256").join(e.file_name())).unwrap();
    }
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{src}/index.json")).unwrap())
            .unwrap();
    let manifest = index["manifests"][0].clone();
    let with_platform = |arch: &str, variant: Option<&str>| {
        let mut m = manifest.clone();
        m["annotations"] = serde_json::json!({});
        m["platform"] = serde_json::json!({"os": "linux", "architecture": arch});
        if let Some(v) = variant {
            m["platform"]["variant"] = serde_json::json!(v);
        }
        m
    };
    let nested = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [with_platform("amd64", None), with_platform("arm64", Some("v8"))],
    }))
    .unwrap();
    let nested_digest = format!("sha256:{}", hex::encode(Sha256::digest(&nested)));
    std::fs::write(dir.join("blobs/sha256").join(&nested_digest[7..]), &nested).unwrap();
    let mut second = manifest.clone();
    second["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": "other"});
    let top = serde_json::json!({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": nested_digest, "size": nested.len(),
         "annotations": {"org.opencontainers.image.ref.name": "multi"}},
        second,
    ]});
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&top).unwrap()).unwrap();
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let base = dir.to_str().unwrap().to_string();
    let run = |input: &str, platform: Option<&str>| {
        let opts = ScanOptions {
            platform: platform.map(|p| sekisho_image::Platform::parse(p).unwrap()),
            ..ScanOptions::default()
        };
        scan(&Source::parse(input).unwrap(), &opts, &NoVisitor)
    };
    let err = run(&base, None).unwrap_err().to_string();
    assert!(
        err.contains("multi") && err.contains("other") && err.contains(&base),
        "{err}"
    );
    assert!(run(&format!("{base}:other"), None).is_ok());
    assert!(run(&format!("{base}:multi"), Some("linux/arm64")).is_ok());
    assert!(run(&format!("{base}:multi"), Some("linux/amd64")).is_ok());
    let err = run(&format!("{base}:multi"), Some("linux/s390x"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("linux/amd64") && err.contains("linux/arm64/v8"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
