//! `Source::Store`: any `BlobStore` (how a registry or a daemon plugs in) streams through the
//! same scan as a layout on disk, with the same result.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use sekisho_image::{BlobStore, DirStore, NoVisitor, ScanOptions, Source, SourceKind};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");

/// A store that counts what it serves, standing in for a network client.
struct Counting {
    inner: DirStore,
    opened: AtomicUsize,
}

impl BlobStore for Counting {
    fn contains(&self, name: &str) -> bool {
        self.inner.contains(name)
    }
    fn read_small(&self, name: &str) -> Result<Vec<u8>, String> {
        self.inner.read_small(name)
    }
    fn open(&self, name: &str) -> Result<Box<dyn Read + Send + '_>, String> {
        self.opened.fetch_add(1, Ordering::SeqCst);
        self.inner.open(name)
    }
}

#[test]
fn a_blob_store_scans_like_the_layout_it_serves() {
    let layout = format!("{DATA}/built/whiteout-layers.oci");
    assert!(
        std::path::Path::new(&layout).is_dir(),
        "test data missing: {layout} (the shared corpora must be at ../shared next to the repository)"
    );
    let on_disk = sekisho_image::scan(
        &Source::parse(&layout).unwrap(),
        &ScanOptions::default(),
        &NoVisitor,
    )
    .unwrap();
    let store = Arc::new(Counting {
        inner: DirStore::new(&layout),
        opened: AtomicUsize::new(0),
    });
    let source = Source::Store {
        input: "registry.invalid/whiteout-layers:1.0".into(),
        store: store.clone(),
        tag: Some("1.0".into()),
        kind: SourceKind::OciDir,
    };
    let streamed = sekisho_image::scan(&source, &ScanOptions::default(), &NoVisitor).unwrap();
    assert_eq!(streamed.fs.to_tsv(), on_disk.fs.to_tsv());
    assert_eq!(streamed.info.input, "registry.invalid/whiteout-layers:1.0");
    assert_eq!(
        store.opened.load(Ordering::SeqCst),
        streamed.info.layers.len(),
        "each layer is opened once"
    );
}

#[test]
fn a_plain_directory_is_not_silently_a_root_filesystem() {
    let dir = std::env::temp_dir().join(format!("sekisho-not-a-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = Source::parse(dir.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("not an OCI image layout") && err.contains("dir:"),
        "{err}"
    );
    let forced = Source::parse(&format!("dir:{}", dir.display())).unwrap();
    assert_eq!(forced.kind(), SourceKind::Dir);
    std::fs::remove_dir_all(&dir).unwrap();
}
