//! Every file of a directory (e.g. the fuzzer's corpus) read by us and by Go's `archive/tar`:
//! same entries, same content digests, and an error exactly where Go has one.
//!
//! `SEKISHO_TAR_CORPUS=crates/sekisho-tar/fuzz/corpus/read_archive cargo test -p sekisho-tar
//! --test corpus -- --ignored` (needs a Go toolchain).

mod common;

use common::*;
use sekisho_tar::Options;

#[test]
#[ignore = "needs SEKISHO_TAR_CORPUS (a directory of archives) and a Go toolchain"]
fn corpus_matches_go() {
    let dir = std::env::var("SEKISHO_TAR_CORPUS").expect("SEKISHO_TAR_CORPUS is set");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no files in {dir}");
    let mut mismatches = Vec::new();
    for path in &files {
        // A running fuzzer may remove files as it reduces its corpus.
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let o = ours_only(&bytes, Options::default());
        let g = go(&bytes).expect("a Go toolchain is installed");
        if o.rows != g.rows || o.error.is_some() != g.error.is_some() {
            mismatches.push(format!(
                "{}:\n  ours {:?}\n  go   {:?}",
                path.display(),
                o,
                g
            ));
        }
    }
    eprintln!("{} archives compared with Go", files.len());
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
