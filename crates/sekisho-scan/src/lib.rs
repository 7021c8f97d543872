//! # sekisho-scan
//!
//! The engine: a [`ScanRequest`] in, a [`Report`] out. It owns the single streaming pass over
//! an image (every analyzer of the [`analyzer::registry`] says which files it needs; each layer
//! is read once for all of them), then runs the analyzers in order over the merged result and
//! joins the Dockerfile linter's findings. Front ends (the CLI today, a server later) build the
//! request from their input and render the report; they share everything in between.
//!
//! Nothing here reads the environment, the working directory or the clock: the request
//! carries the time, the options and the files' contents the front end gathered.

pub mod analyzer;
mod analyzers;
pub mod dockerfile;
pub mod filter;
pub mod rules;
pub mod vex;

use std::collections::BTreeMap;

use sekisho_audit::AuditOptions;
use sekisho_image::{ImageScan, ScanOptions, Source};
use sekisho_model::{DockleLevel, Finding, FindingKind, Report, SourceInfo, Timestamp};

pub use analyzer::{Analysis, Analyzer, Interest, ScanVisitor};
pub use analyzers::lang::Profile;
pub use dockerfile::DockerfileInput;
pub use sekisho_match::MatchOptions;

/// Errors that stop a scan.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The image could not be read.
    #[error(transparent)]
    Image(#[from] sekisho_image::ImageError),
    /// The audit could not be set up (secret config).
    #[error(transparent)]
    Audit(#[from] sekisho_audit::AuditError),
    /// The vulnerability database could not be opened or read.
    #[error(transparent)]
    Database(#[from] sekisho_advisory::Error),
}

/// Which finding scanners run. The inventory (OS and packages) always runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scanners {
    /// Configuration, history and filesystem checks.
    pub config: bool,
    /// Secrets in files, ENV, labels and history.
    pub secret: bool,
    /// Known vulnerabilities of the packages (needs [`ScanRequest::db`]).
    pub vuln: bool,
}

impl Scanners {
    /// Whether any finding scanner runs (the report then has `findings`).
    pub fn any(self) -> bool {
        self.config || self.secret || self.vuln
    }
}

/// Everything a scan needs, gathered by the front end.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    /// The image.
    pub source: Source,
    /// How to read it (platform, limits, threads, progress).
    pub image: ScanOptions,
    /// Which scanners run.
    pub scanners: Scanners,
    /// Audit options (accepted keys and files, ignores, secret config, today's date).
    pub audit: AuditOptions,
    /// The Dockerfile the image was built from, to lint and join.
    pub dockerfile: Option<DockerfileInput>,
    /// The scan time.
    pub created: Timestamp,
    /// Whether the source is an image (installed software is the truth) or a project
    /// directory (`sekisho fs`: lockfiles are the project's statement).
    pub profile: Profile,
    /// The advisory database for `scanners.vuln` (built by `sekisho db build`).
    pub db: Option<std::path::PathBuf>,
    /// How vulnerability matching treats what the user can choose (third-party packages).
    pub matching: MatchOptions,
}

impl ScanRequest {
    /// A request for `source` with default options and no finding scanner.
    pub fn new(source: Source, created: Timestamp) -> ScanRequest {
        ScanRequest {
            source,
            image: ScanOptions::default(),
            scanners: Scanners::default(),
            audit: AuditOptions::default(),
            dockerfile: None,
            created,
            profile: Profile::Image,
            db: None,
            matching: MatchOptions::default(),
        }
    }
}

/// Scan an image: stream it once through the registered analyzers, run them, join the
/// Dockerfile findings, drop ignored IDs, sort, and describe the rules reported.
pub fn scan(request: &ScanRequest) -> Result<Report, ScanError> {
    // The database is opened first: a missing or damaged one fails before any layer is read.
    let db = match (&request.db, request.scanners.vuln) {
        (Some(path), true) => Some(sekisho_advisory::Database::open(path)?),
        _ => None,
    };
    let (scan, visitor) = stream(request)?;
    let mut report = analyze(request, &scan, visitor.analyzers());
    if let Some(db) = &db {
        add_vulnerabilities(request, db, &mut report)?;
    }
    Ok(report)
}

/// Match the report's packages against `db` with the request's [`MatchOptions`] and add the
/// vulnerability findings (ignores applied, findings sorted, the report's rule descriptions
/// kept) and matching's notes (third-party packages left out) to the warnings.
pub fn add_vulnerabilities(
    request: &ScanRequest,
    db: &sekisho_advisory::Database,
    report: &mut Report,
) -> Result<(), ScanError> {
    let matched =
        sekisho_match::match_report(db, report, &request.matching).map_err(|e| match e {
            sekisho_match::MatchError::Database(e) => ScanError::Database(e),
        })?;
    report.warnings.extend(matched.warnings);
    let findings = report.findings.get_or_insert_with(Vec::new);
    findings.extend(
        matched
            .findings
            .into_iter()
            .filter(|f| !request.audit.ignores(&f.id)),
    );
    sekisho_model::sort_findings(findings);
    Ok(())
}

/// The streaming half of [`scan`]: the merged image with every analyzer's captures, and the
/// visitor holding the analyzers.
pub fn stream(
    request: &ScanRequest,
) -> Result<(ImageScan<sekisho_audit::AuditOutput>, ScanVisitor), ScanError> {
    let visitor = ScanVisitor::new(analyzer::registry(request)?);
    let scan = sekisho_image::scan(&request.source, &request.image, &visitor)?;
    Ok((scan, visitor))
}

/// The analysis half of [`scan`], over a finished stream.
pub fn analyze(
    request: &ScanRequest,
    scan: &ImageScan<sekisho_audit::AuditOutput>,
    analyzers: &[Box<dyn Analyzer>],
) -> Report {
    let mut report = Report::new(source_info(scan), request.created);
    report.warnings = scan.warnings.clone();
    if request.scanners.any() {
        report.findings = Some(Vec::new());
    }
    let mut ctx = Analysis {
        scan,
        request,
        report: &mut report,
    };
    for a in analyzers {
        a.analyze(&mut ctx);
    }
    sekisho_inventory::sort_packages(&mut report.packages);
    if let Some(findings) = report.findings.as_mut() {
        if let Some(df) = &request.dockerfile {
            dockerfile::merge(findings, dockerfile::lint(df));
        }
        findings.retain(|f| !request.audit.ignores(&f.id));
        sekisho_model::sort_findings(findings);
        if let Ok(scanner) = request.audit.build_scanner() {
            mask_quoted_secrets(findings, &scanner);
        }
    }
    report.rules = describe_rules(report.findings(), request);
    report
}

/// The one masking step every output passes through: a finding that quotes text from the image
/// (a history command, an ENV line, a Dockerfile line) shows any secret in it masked, as the
/// secret finding itself does. Secret findings are masked where they are made.
fn mask_quoted_secrets(findings: &mut [Finding], scanner: &sekisho_secret::Scanner) {
    for f in findings
        .iter_mut()
        .filter(|f| f.kind != FindingKind::Secret)
    {
        for text in [&mut f.title, &mut f.details, &mut f.location] {
            let masked = scanner.mask_text(text);
            if masked != *text {
                *text = masked;
            }
        }
    }
}

fn describe_rules(
    findings: &[Finding],
    request: &ScanRequest,
) -> BTreeMap<String, sekisho_model::RuleInfo> {
    let scanner = request
        .scanners
        .secret
        .then(|| request.audit.build_scanner().ok())
        .flatten();
    let mut rules = BTreeMap::new();
    for f in findings {
        if !rules.contains_key(&f.id) {
            if let Some(info) = rules::rule_info(&f.id, scanner.as_deref()) {
                rules.insert(f.id.clone(), info);
            }
        }
    }
    rules
}

/// The report's description of the scanned image.
pub fn source_info<O>(scan: &ImageScan<O>) -> SourceInfo {
    let info = &scan.info;
    let cfg = &info.config;
    let platform = if cfg.os.is_empty() {
        String::new()
    } else {
        match &cfg.variant {
            Some(v) => format!("{}/{}/{v}", cfg.os, cfg.architecture),
            None => format!("{}/{}", cfg.os, cfg.architecture),
        }
    };
    SourceInfo {
        input: info.input.clone(),
        kind: info.kind.prefix().to_string(),
        tags: info.tags.clone(),
        manifest_digest: info.manifest_digest.clone(),
        image_id: info.config_digest.clone(),
        platform,
        layers: sekisho_inventory::layer_refs(info),
    }
}

/// Dockle's exit semantics: `exit_code` when it is non-zero and at least one finding is at
/// `exit_level` or above, else 0.
pub fn exit_code(findings: &[Finding], exit_level: DockleLevel, exit_code: i32) -> i32 {
    if exit_code != 0 && findings.iter().any(|f| f.severity.dockle() >= exit_level) {
        exit_code
    } else {
        0
    }
}
