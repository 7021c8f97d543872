//! Helpers shared by the engine's integration tests.
#![allow(dead_code)]

use sekisho_audit::{AuditOptions, AuditOutput};
use sekisho_image::{ImageScan, Source};
use sekisho_model::{Finding, Timestamp};
use sekisho_scan::{ScanRequest, ScanVisitor, Scanners};

/// The shared image corpus.
pub const IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");

/// A request for `path` (which need not exist for synthetic scans) with the scanners `opts`
/// turns on and today's date set.
pub fn request(path: &str, opts: &AuditOptions) -> ScanRequest {
    let source = Source::parse(path).unwrap_or(Source::Archive {
        input: path.to_string(),
        path: path.into(),
        tag: None,
        format: None,
    });
    let now = Timestamp::now();
    let mut request = ScanRequest::new(source, now);
    request.scanners = Scanners {
        config: opts.config,
        secret: opts.secret,
        vuln: false,
    };
    request.audit = opts.clone();
    if request.audit.today.is_none() {
        request.audit.today = Some(now.to_zoned(jiff::tz::TimeZone::UTC).date());
    }
    request
}

/// The visitor the engine uses for these options.
pub fn visitor(opts: &AuditOptions) -> ScanVisitor {
    ScanVisitor::new(sekisho_scan::analyzer::registry(&request("synthetic", opts)).unwrap())
}

/// Stream a shared image (`rel` under the corpus) with every scanner on.
pub fn stream(rel: &str) -> ImageScan<AuditOutput> {
    let path = format!("{IMAGES}/{rel}");
    assert!(
        std::path::Path::new(&path).exists(),
        "test data missing: {path} (the shared corpora must be at ../shared next to the repository)"
    );
    sekisho_scan::stream(&request(&path, &AuditOptions::default()))
        .unwrap()
        .0
}

/// The engine's findings for a streamed image under `opts` (analyzers, ignores, sorting).
pub fn audit(scan: &ImageScan<AuditOutput>, opts: &AuditOptions) -> Vec<Finding> {
    let request = request(&scan.info.input, opts);
    let analyzers = sekisho_scan::analyzer::registry(&request).unwrap();
    sekisho_scan::analyze(&request, scan, &analyzers)
        .findings
        .unwrap_or_default()
}
