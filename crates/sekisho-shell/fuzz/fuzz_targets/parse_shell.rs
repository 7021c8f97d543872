#![no_main]
//! Parses arbitrary text as a shell body, with and without the fallback, and walks every
//! view of the result: none of it may panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = sekisho_shell::parse(s);
        let script = sekisho_shell::parse_or_fallback(s);
        for p in 0..script.pipelines.len() {
            for c in script.pipeline_commands(p) {
                let _ = c.name();
                let _ = c.unwrap_wrappers();
            }
        }
        for c in &script.commands {
            for w in &c.words {
                let _ = sekisho_shell::substitutions(&w.raw);
            }
        }
        for w in &script.words {
            let _ = sekisho_shell::simplify_word(&w.raw);
            let _ = sekisho_shell::unquote_word(&w.raw);
        }
    }
});
