//! Any bytes, as file content (with a path chosen from the input) and as a key/value pair:
//! the scanner must not panic, and findings must point inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekisho_secret::Scanner;
use std::sync::OnceLock;

static SCANNER: OnceLock<Scanner> = OnceLock::new();

const PATHS: &[&str] = &[
    "srv/app/.env",
    "srv/app/main.py",
    "home/u/.netrc",
    "etc/app.conf",
    "x",
];

fuzz_target!(|data: &[u8]| {
    let scanner = SCANNER.get_or_init(Scanner::builtin);
    let path = PATHS[data.first().map_or(0, |b| *b as usize) % PATHS.len()];
    for f in scanner.scan(path, data) {
        assert!(f.start_offset < f.end_offset && f.end_offset <= data.len());
        assert!(f.start_line >= 1 && f.end_line >= f.start_line);
    }
    let text = String::from_utf8_lossy(data);
    let mid = text
        .char_indices()
        .nth(text.chars().count() / 2)
        .map_or(0, |(i, _)| i);
    let _ = scanner.scan_kv(&text[..mid], &text[mid..]);
    let _ = scanner.scan_text(&text);
});
