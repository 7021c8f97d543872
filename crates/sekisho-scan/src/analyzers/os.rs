//! The operating system, from os-release and the distro release files; detected once per scan,
//! before every analyzer that needs it. Red Hat content manifests (the repositories a layer's
//! rpms came from) are recorded on it.

use sekisho_image::{Entry, Interest};

use crate::analyzer::{Analysis, Analyzer};

/// Reads `/etc/os-release`, the distro release files and Red Hat content manifests.
pub struct OsRelease;

impl Analyzer for OsRelease {
    fn name(&self) -> &'static str {
        "os-release"
    }

    fn interest(&self, entry: &Entry) -> Interest {
        super::path_is(entry, |p| {
            sekisho_inventory::os::OS_FILES.contains(&p)
                || sekisho_inventory::buildinfo::wants_path(p)
        })
    }

    fn analyze(&self, ctx: &mut Analysis<'_>) {
        ctx.report.os = sekisho_inventory::detect_os(ctx.scan);
        if let Some(os) = ctx.report.os.as_mut() {
            let (manifests, warnings) = sekisho_inventory::buildinfo::read(ctx.scan);
            os.content_manifests = manifests;
            ctx.report.warnings.extend(warnings);
        }
    }
}
