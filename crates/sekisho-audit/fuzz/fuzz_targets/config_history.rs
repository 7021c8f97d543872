//! Fuzz the config and history parsing of the audit: arbitrary bytes as an image config JSON
//! (then every config/history check and the secret scan of ENV, labels and history), and as a
//! history `created_by` text.
//!
//! Run: `cd crates/sekisho-audit/fuzz && cargo fuzz run config_history`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn scanner() -> &'static sekisho_secret::Scanner {
    static S: OnceLock<sekisho_secret::Scanner> = OnceLock::new();
    S.get_or_init(sekisho_secret::Scanner::builtin)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let step = sekisho_audit::shell::parse_created_by(&text);
    let _ = step.script.map(|s| s.commands().count());
    if let Ok(config) = serde_json::from_slice::<sekisho_image::ImageConfig>(data) {
        let opts = sekisho_audit::AuditOptions::default();
        let tags = vec!["x:latest".to_string()];
        let findings = sekisho_audit::audit_config(&config, &tags, 3, Some(scanner()), &opts);
        let _ = sekisho_report::sarif::render(&findings, &Default::default(), true);
        let _ = sekisho_report::render_findings_table(&findings, true);
    }
});
