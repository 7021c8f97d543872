//! Secrets (`--scanners secret`) in every text file of every layer, scanned while the layer
//! streams (deleted and replaced versions included), and in ENV, labels and history.

use std::sync::Arc;

use sekisho_audit::{AuditOptions, AuditOutput};
use sekisho_image::{Entry, Interest};
use sekisho_secret::Scanner;

use crate::analyzer::{Analysis, Analyzer};
use crate::ScanError;

/// The secret scanner as an analyzer.
pub struct Secrets {
    scanner: Arc<Scanner>,
    /// Which rules: `builtin`, or the SHA-256 of the config file's bytes (`None` when the file
    /// could not be read again: results are then not cached).
    rules: Option<String>,
}

impl Secrets {
    /// The scanner for these options (built-in rules, or a `trivy-secret.yaml` config).
    pub fn new(opts: &AuditOptions) -> Result<Secrets, ScanError> {
        let scanner = opts.build_scanner()?;
        let rules = match &opts.secret_config {
            None => Some("builtin".to_string()),
            Some(path) => std::fs::read(path).ok().map(|bytes| hex_sha256(&bytes)),
        };
        Ok(Secrets { scanner, rules })
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

impl Analyzer for Secrets {
    fn name(&self) -> &'static str {
        "secrets"
    }

    fn interest(&self, entry: &Entry) -> Interest {
        super::whole_if(
            entry.size > 0 && self.scanner.skip_reason(&entry.path, entry.size).is_none(),
        )
    }

    fn on_file(&self, entry: &Entry, content: &[u8], out: &mut AuditOutput) {
        out.secrets = self.scanner.scan(&format!("/{}", entry.path), content);
    }

    fn cache_id(&self) -> Option<String> {
        Some(format!("secrets ({})", self.rules.as_ref()?))
    }

    fn analyze(&self, ctx: &mut Analysis<'_>) {
        let config = &ctx.scan.info.config;
        let steps = sekisho_audit::checks::history::steps(config, layer_count(ctx));
        let findings = ctx.report.findings.get_or_insert_with(Vec::new);
        findings.extend(sekisho_audit::checks::secrets::file_secrets(ctx.scan));
        findings.extend(sekisho_audit::checks::secrets::config_secrets(
            config,
            &steps,
            &self.scanner,
        ));
    }
}

fn layer_count(ctx: &Analysis<'_>) -> usize {
    let scan = ctx.scan;
    scan.layers
        .len()
        .max(scan.info.layers.len())
        .max(scan.outputs.len())
}
