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
}

impl Secrets {
    /// The scanner for these options (built-in rules, or a `trivy-secret.yaml` config).
    pub fn new(opts: &AuditOptions) -> Result<Secrets, ScanError> {
        Ok(Secrets {
            scanner: opts.build_scanner()?,
        })
    }
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
