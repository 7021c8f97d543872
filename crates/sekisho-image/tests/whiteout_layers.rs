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
