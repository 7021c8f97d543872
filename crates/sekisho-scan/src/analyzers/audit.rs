//! The image audit (`--scanners config`): Dockle's and CIS's checks on the config, the history
//! and the merged filesystem, using the packages found before it.

use sekisho_image::{Entry, Interest};

use crate::analyzer::{Analysis, Analyzer};

/// Captures account databases, sudoers and tool credential files, then runs the checks.
pub struct ImageAudit;

impl Analyzer for ImageAudit {
    fn name(&self) -> &'static str {
        "image-audit"
    }

    fn interest(&self, entry: &Entry) -> Interest {
        super::whole_if(
            entry.size <= sekisho_audit::MAX_AUDIT_CAPTURE
                && sekisho_audit::audit_wants_path(&entry.path),
        )
    }

    fn analyze(&self, ctx: &mut Analysis<'_>) {
        let mut opts = ctx.request.audit.clone();
        opts.secret = false;
        opts.config = true;
        if opts.source_path.is_none() {
            // CIS-DI-0005 looks for signatures in and beside the source.
            opts.source_path = ctx.request.source.path().map(|p| p.to_path_buf());
        }
        let found = sekisho_audit::audit(
            ctx.scan,
            &ctx.report.packages,
            ctx.report.os.as_ref(),
            &opts,
        );
        ctx.report
            .findings
            .get_or_insert_with(Vec::new)
            .extend(found);
    }
}
