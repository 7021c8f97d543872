//! Any text as a trivy-secret.yaml: parsing and building a scanner must fail cleanly, not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekisho_secret::{Config, Scanner};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cfg) = Config::from_yaml(text) {
        if let Ok(scanner) = Scanner::new(cfg) {
            let _ = scanner.scan("srv/a.txt", data);
        }
    }
});
