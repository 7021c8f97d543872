//! # sekisho-audit
//!
//! The image audit of `sekisho image`: CIS Docker Benchmark section 4 and Dockle's checkpoints
//! (same IDs and levels, so `.dockleignore` files keep working) judged from the image config,
//! its parsed build history and its merged filesystem, plus secrets in every layer's files
//! (deleted ones included), ENV, labels and history.
//!
//! The scan engine (`sekisho-scan`) streams the layers once, capturing the files named by
//! [`audit_wants_path`] into [`AuditOutput`]s and running the secret scanner on the way; after
//! the merge, [`audit`] runs the checks. The crate reads no clock, environment or working
//! directory: what it needs comes in [`AuditOptions`].

pub mod checks;
mod finding;
mod output;
pub mod shell;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use sekisho_image::{ImageConfig, ImageScan};
use sekisho_model::{OsInfo, Package};
use sekisho_secret::{Config as SecretConfig, Scanner};

pub use finding::{
    sort_findings, AuditFinding, FileState, Finding, FindingKind, Level, SecretInfo, Severity,
};
pub use output::{
    audit_wants_path, decode_outputs, encode_outputs, AuditOutput, MAX_AUDIT_CAPTURE,
};

/// Errors of the audit setup (the audit itself does not fail).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The secret config could not be loaded or compiled.
    #[error(transparent)]
    Secret(#[from] sekisho_secret::Error),
    /// An ignore file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

/// What to check and what to accept.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// Run the configuration checks (`--scanners config`).
    pub config: bool,
    /// Run the secret scanner (`--scanners secret`).
    pub secret: bool,
    /// ENV/label keys not to report under CIS-DI-0010 (Dockle's `--accept-key`).
    pub accept_keys: Vec<String>,
    /// File names or absolute paths not to report as credential or unnecessary files (Dockle's
    /// `--accept-file`).
    pub accept_files: Vec<String>,
    /// Check IDs (or secret rule IDs) not to report (`--ignore`, `.dockleignore`).
    pub ignore: BTreeSet<String>,
    /// setuid/setgid allow-list ([`checks::files::DEFAULT_SETUID_ALLOW`] plus `--setuid-allow`).
    pub setuid_allow: Vec<String>,
    /// A `trivy-secret.yaml`-shaped secret config (custom rules, allow rules).
    pub secret_config: Option<PathBuf>,
    /// The image source on disk, to look for signatures (CIS-DI-0005); when `None`, the scan's
    /// input is parsed.
    pub source_path: Option<PathBuf>,
    /// Today's date for end-of-support checks (CIS-DI-0004); `None` skips them. The front end
    /// sets it from the scan time.
    pub today: Option<jiff::civil::Date>,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            config: true,
            secret: true,
            accept_keys: Vec::new(),
            accept_files: Vec::new(),
            ignore: BTreeSet::new(),
            setuid_allow: checks::files::DEFAULT_SETUID_ALLOW
                .iter()
                .map(|s| s.to_string())
                .collect(),
            secret_config: None,
            source_path: None,
            today: None,
        }
    }
}

impl AuditOptions {
    /// Whether `key` was accepted with `--accept-key` (exact, case-sensitive like Dockle).
    pub fn accepts_key(&self, key: &str) -> bool {
        self.accept_keys.iter().any(|k| k == key)
    }

    /// Whether the file at `path` (with or without leading `/`) was accepted with
    /// `--accept-file`, by name or by full path.
    pub fn accepts_file(&self, path: &str) -> bool {
        let p = path.trim_start_matches('/');
        let base = p.rsplit('/').next().unwrap_or(p);
        self.accept_files.iter().any(|a| {
            let a = a.trim_start_matches('/');
            a == p || a == base
        })
    }

    /// Whether findings with this ID are ignored.
    pub fn ignores(&self, id: &str) -> bool {
        self.ignore.contains(id)
    }

    /// Add the IDs of a `.dockleignore` file: one per line, `#` comments, blank lines skipped.
    pub fn add_ignore_text(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // Trailing comments are allowed too.
            let id = line.split('#').next().unwrap_or("").trim();
            if !id.is_empty() {
                self.ignore.insert(id.to_string());
            }
        }
    }

    /// The secret scanner: the shared built-in one, or `secret_config` applied to the built-in
    /// rules.
    pub fn build_scanner(&self) -> Result<Arc<Scanner>, AuditError> {
        match &self.secret_config {
            Some(path) => Ok(Arc::new(Scanner::new(SecretConfig::load(path)?)?)),
            None => Ok(builtin_scanner()),
        }
    }
}

/// The built-in scanner, compiled once per process and shared by the layer visitor and the
/// config checks.
pub fn builtin_scanner() -> Arc<Scanner> {
    static SCANNER: OnceLock<Arc<Scanner>> = OnceLock::new();
    SCANNER.get_or_init(|| Arc::new(Scanner::builtin())).clone()
}

/// The config- and history-only part of the audit (no filesystem): CIS-DI-0001, 0006, 0007,
/// 0009, 0010 (ENV and labels), DKL-DI-0001 (sudo run), 0002, 0003, 0006, SK-IMG-001, 003, and
/// with a scanner, secrets in ENV, labels and history. Used by [`audit`] and by the fuzz target.
pub fn audit_config(
    config: &ImageConfig,
    tags: &[String],
    layer_count: usize,
    scanner: Option<&Scanner>,
    opts: &AuditOptions,
) -> Vec<Finding> {
    let steps = checks::history::steps(config, layer_count);
    let mut out = Vec::new();
    if opts.config {
        out.extend(checks::config::check_config(config, tags, opts, &|_| None));
        out.extend(checks::history::check_history(&steps, opts));
    }
    if let (true, Some(scanner)) = (opts.secret, scanner) {
        out.extend(checks::secrets::config_secrets(config, &steps, scanner));
    }
    finish(out, opts)
}

fn finish(mut out: Vec<Finding>, opts: &AuditOptions) -> Vec<Finding> {
    out.retain(|f| !opts.ignores(&f.id));
    sort_findings(&mut out);
    out
}

fn final_text(scan: &ImageScan<AuditOutput>, path: &str) -> Option<(String, usize, String)> {
    let (_, _, out) = scan.final_output(path)?;
    let node_layer = scan.fs.resolve(path).map(|(_, n)| n.layer)?;
    let (real, _) = scan.fs.resolve(path)?;
    Some((
        real,
        node_layer,
        String::from_utf8_lossy(out.bytes.as_deref()?).into_owned(),
    ))
}

fn text_ref(f: &Option<(String, usize, String)>) -> Option<checks::accounts::TextFile<'_>> {
    f.as_ref().map(|(p, l, t)| (p.as_str(), *l, t.clone()))
}

/// Audit a scanned image. `scan` must have captured what [`audit_wants_path`] names and run
/// the secret scanner; `packages` are the OS packages (for setuid owners, sudo, CIS-DI-0003)
/// and `os` the detected OS (for end of support). Findings are filtered by `opts.ignore` and
/// sorted.
pub fn audit(
    scan: &ImageScan<AuditOutput>,
    packages: &[Package],
    os: Option<&OsInfo>,
    opts: &AuditOptions,
) -> Vec<Finding> {
    let config = &scan.info.config;
    let layer_count = scan
        .layers
        .len()
        .max(scan.info.layers.len())
        .max(scan.outputs.len());
    let steps = checks::history::steps(config, layer_count);
    let mut out = Vec::new();
    if opts.config {
        let passwd = final_text(scan, "etc/passwd");
        let uid_of = |name: &str| -> Option<u32> {
            let (_, _, text) = passwd.as_ref()?;
            checks::accounts::parse_colon_file(text)
                .into_iter()
                .find(|a| a.name == name)
                .and_then(|a| a.id)
        };
        out.extend(checks::config::check_config(
            config,
            &scan.info.tags,
            opts,
            &uid_of,
        ));
        out.extend(checks::history::check_history(&steps, opts));

        let shadow = final_text(scan, "etc/shadow");
        let group = final_text(scan, "etc/group");
        let master = final_text(scan, "etc/master.passwd");
        let (pw, sh, gr, ma) = (
            text_ref(&passwd),
            text_ref(&shadow),
            text_ref(&group),
            text_ref(&master),
        );
        out.extend(checks::accounts::check_empty_passwords(
            sh.as_ref(),
            pw.as_ref(),
            ma.as_ref(),
        ));
        out.extend(checks::accounts::check_duplicates(pw.as_ref(), gr.as_ref()));

        out.extend(checks::files::check_setuid(&scan.fs, packages, opts));
        out.extend(checks::files::check_world_writable(&scan.fs, &steps));
        out.extend(checks::files::check_credential_files(scan, opts));
        out.extend(checks::files::check_unnecessary(&scan.fs, opts));
        out.extend(checks::files::check_caches(scan, &steps));
        out.extend(checks::files::check_sudo(&scan.fs, packages));

        out.extend(checks::packages::check_unnecessary_packages(packages));
        if let Some(today) = opts.today {
            out.extend(checks::packages::check_support(os, today));
        }

        let source = opts.source_path.clone().or_else(|| {
            sekisho_image::Source::parse(&scan.info.input)
                .ok()
                .and_then(|s| s.path().map(std::path::Path::to_path_buf))
        });
        out.extend(checks::trust::check_trust(
            source.as_deref(),
            scan.info.manifest_digest.as_deref(),
        ));
    }
    if opts.secret {
        out.extend(checks::secrets::file_secrets(scan));
        let scanner = opts.build_scanner().unwrap_or_else(|_| builtin_scanner());
        out.extend(checks::secrets::config_secrets(config, &steps, &scanner));
    }
    finish(out, opts)
}
