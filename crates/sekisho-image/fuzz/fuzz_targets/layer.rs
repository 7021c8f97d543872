#![no_main]
//! A layer blob: decompression sniffing, tar walking, path checks, whiteouts and merging.

use libfuzzer_sys::fuzz_target;
use sekisho_image::{scan_layer, Limits, MergedFs, NoVisitor};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_layer_size: 64 << 20,
        ..Limits::default()
    };
    if let Ok(scan) = scan_layer(data, limits, true, &NoVisitor) {
        let mut fs = MergedFs::new();
        fs.apply_layer(0, &scan.entries, &scan.whiteouts);
        fs.apply_layer(1, &scan.entries, &scan.whiteouts);
        for (path, _) in fs.iter() {
            let _ = fs.resolve(path);
        }
        let _ = fs.to_tsv();
    }
});
