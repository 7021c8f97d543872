#![no_main]
//! Differential: the pieces `word_pieces` gives for a word (read without brush for the
//! common shapes) are brush's pieces for it. Never a panic either way.

use libfuzzer_sys::fuzz_target;
use sekisho_shell::brush_parser;

fuzz_target!(|data: &[u8]| {
    if let Ok(word) = std::str::from_utf8(data) {
        if let Some(pieces) = sekisho_shell::word_pieces(word) {
            let brush = brush_parser::word::parse(word, &brush_parser::ParserOptions::default())
                .expect("brush reads what word_pieces read");
            assert_eq!(format!("{pieces:?}"), format!("{brush:?}"), "{word:?}");
        }
    }
});
