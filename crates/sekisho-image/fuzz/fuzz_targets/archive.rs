#![no_main]
//! A whole image archive file: tar indexing, manifest/index resolution, layer scanning.

use libfuzzer_sys::fuzz_target;
use sekisho_image::{scan, NoVisitor, ScanOptions, Source};

fuzz_target!(|data: &[u8]| {
    let path =
        std::env::temp_dir().join(format!("sekisho-fuzz-archive-{}.tar", std::process::id()));
    if std::fs::write(&path, data).is_ok() {
        if let Ok(source) = Source::parse(path.to_str().unwrap_or_default()) {
            let _ = scan(&source, &ScanOptions::default(), &NoVisitor);
        }
    }
});
