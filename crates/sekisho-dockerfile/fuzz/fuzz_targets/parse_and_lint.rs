#![no_main]
//! Parses, lints and fixes arbitrary input: none of it may panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = sekisho_dockerfile::parse(s);
        let _ = sekisho_dockerfile::lint(s);
        let fixed = sekisho_dockerfile::fix::fix(s);
        let _ = sekisho_dockerfile::fix::unified_diff("Dockerfile", s, &fixed);
    }
});
