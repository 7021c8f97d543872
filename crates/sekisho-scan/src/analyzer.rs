//! The analyzer registry: every analyzer says which files it reads and how much of each, the
//! engine streams each layer once and feeds them all, and after the merge each analyzer reads
//! what was captured, in registry order.

use sekisho_audit::AuditOutput;
use sekisho_image::{Entry, ImageScan, LayerVisitor};
use sekisho_model::Report;

pub use sekisho_image::Interest;

use crate::{analyzers, ScanError, ScanRequest};

/// One analyzer: a reader of some files of an image (a package database, account files, every
/// text file for secrets) that adds packages, findings or facts to the report.
pub trait Analyzer: Send + Sync {
    /// Short name, for messages.
    fn name(&self) -> &'static str;

    /// Which files this analyzer reads and how much of each. Called for every regular file of
    /// every layer, so it must be cheap (a path or size test).
    fn interest(&self, entry: &Entry) -> Interest;

    /// After [`Interest::Head`]: whether to read the whole file, given its first bytes.
    fn peek(&self, entry: &Entry, head: &[u8]) -> bool {
        let _ = (entry, head);
        false
    }

    /// While the layer streams, with the content this analyzer asked for. The default keeps the
    /// content for [`Analyzer::analyze`]; a streaming analyzer (secrets) records its results
    /// instead and keeps nothing.
    fn on_file(&self, entry: &Entry, content: &[u8], out: &mut AuditOutput) {
        let _ = entry;
        if out.bytes.is_none() {
            out.bytes = Some(content.to_vec());
        }
    }

    /// After the merge: read the captured files (through `ctx.scan`) and add to `ctx.report`.
    fn analyze(&self, ctx: &mut Analysis<'_>);

    /// What decides this analyzer's per-file results besides the files (its settings), for the
    /// layer cache key. The default, its name, suits an analyzer without settings; one with
    /// settings that change [`Analyzer::interest`] or [`Analyzer::on_file`] must add them, or
    /// say `None` (its layers are then never cached).
    fn cache_id(&self) -> Option<String> {
        Some(self.name().to_string())
    }
}

/// What an analyzer sees after the merge.
pub struct Analysis<'a> {
    /// The streamed image: merged filesystem, per-layer captures, config.
    pub scan: &'a ImageScan<AuditOutput>,
    /// What was asked.
    pub request: &'a ScanRequest,
    /// The report so far (the OS once detected, packages of earlier analyzers).
    pub report: &'a mut Report,
}

/// The analyzers a request needs, in the order they run after the merge: the OS first (the
/// package readers use it), then the package databases, then the checks that use packages.
/// Adding an analyzer is one file under `analyzers/` and one line here.
pub fn registry(request: &ScanRequest) -> Result<Vec<Box<dyn Analyzer>>, ScanError> {
    let mut list: Vec<Box<dyn Analyzer>> = vec![
        Box::new(analyzers::os::OsRelease),
        Box::new(analyzers::packages::OsPackages::apk()),
        Box::new(analyzers::packages::OsPackages::dpkg()),
        Box::new(analyzers::packages::OsPackages::rpm()),
        Box::new(analyzers::conda::Conda),
        Box::new(analyzers::lang::LangPackages::new(request.profile)),
    ];
    if request.scanners.config {
        list.push(Box::new(analyzers::audit::ImageAudit));
    }
    if request.scanners.secret {
        list.push(Box::new(analyzers::secrets::Secrets::new(&request.audit)?));
    }
    Ok(list)
}

/// The layer visitor of the single streaming pass: asks every analyzer about every file and
/// reads each file at most once for all of them.
pub struct ScanVisitor {
    analyzers: Vec<Box<dyn Analyzer>>,
}

impl ScanVisitor {
    /// A visitor feeding `analyzers`.
    pub fn new(analyzers: Vec<Box<dyn Analyzer>>) -> ScanVisitor {
        ScanVisitor { analyzers }
    }

    /// The analyzers, in registry order.
    pub fn analyzers(&self) -> &[Box<dyn Analyzer>] {
        &self.analyzers
    }

    fn wanting<'a>(
        &'a self,
        entry: &'a Entry,
        content: &'a [u8],
    ) -> impl Iterator<Item = &'a dyn Analyzer> + 'a {
        self.analyzers
            .iter()
            .filter(move |a| match a.interest(entry) {
                Interest::Skip => false,
                Interest::Whole => true,
                Interest::Head(_) => a.peek(entry, content),
            })
            .map(|a| a.as_ref())
    }
}

impl LayerVisitor for ScanVisitor {
    type Output = AuditOutput;

    fn interest(&self, entry: &Entry) -> Interest {
        let mut head = 0;
        for a in &self.analyzers {
            match a.interest(entry) {
                Interest::Skip => {}
                Interest::Whole => return Interest::Whole,
                Interest::Head(n) => head = head.max(n),
            }
        }
        if head > 0 {
            Interest::Head(head)
        } else {
            Interest::Skip
        }
    }

    fn peek(&self, entry: &Entry, head: &[u8]) -> bool {
        self.analyzers
            .iter()
            .any(|a| matches!(a.interest(entry), Interest::Head(_)) && a.peek(entry, head))
    }

    fn visit(&self, entry: &Entry, content: &[u8]) -> Option<AuditOutput> {
        let mut out = AuditOutput::default();
        for a in self.wanting(entry, content) {
            a.on_file(entry, content, &mut out);
        }
        (!out.is_empty()).then_some(out)
    }

    fn kept_bytes(&self, output: &AuditOutput) -> u64 {
        output.bytes.as_ref().map_or(0, |b| b.len() as u64)
    }

    fn drop_content(&self, mut output: AuditOutput) -> Option<AuditOutput> {
        output.bytes = None;
        (!output.is_empty()).then_some(output)
    }

    /// This build's analyzers with their settings: a layer scanned by another set (another
    /// `--scanners`, another secret config) is not this one's.
    fn cache_id(&self) -> Option<String> {
        let ids: Vec<String> = self
            .analyzers
            .iter()
            .map(|a| a.cache_id())
            .collect::<Option<_>>()?;
        Some(format!(
            "sekisho-scan {}: {}",
            env!("CARGO_PKG_VERSION"),
            ids.join(", ")
        ))
    }

    fn encode_outputs(
        &self,
        outputs: &sekisho_image::LayerOutputs<AuditOutput>,
    ) -> Option<Vec<u8>> {
        sekisho_audit::encode_outputs(outputs)
    }

    fn decode_outputs(&self, bytes: &[u8]) -> Option<sekisho_image::LayerOutputs<AuditOutput>> {
        sekisho_audit::decode_outputs(bytes)
    }
}
