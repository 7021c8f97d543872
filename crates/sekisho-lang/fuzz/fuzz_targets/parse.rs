//! Any bytes through any language-package parser (the first byte picks which: lockfiles,
//! manifests, installed metadata, jars, executables, companion manifests): a parser must return
//! packages or an error, never panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekisho_lang::{FileType, Limits};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let limits = Limits {
        max_archive_bytes: 64 << 20,
        ..Limits::default()
    };
    let file = FileType::ALL[usize::from(pick) % FileType::ALL.len()];
    let _ = sekisho_lang::parse(file, "fuzz/input", content, &limits);
    // The companion manifests read beside a lockfile.
    if pick >= 128 {
        if let Some(name) = sekisho_lang::companion(file) {
            let _ = sekisho_lang::parse_with_companion(file, name, content, Some(content), &limits);
        }
    }
});
