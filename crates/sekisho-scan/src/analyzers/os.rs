//! The operating system, from os-release and the distro release files; detected once per scan,
//! before every analyzer that needs it.

use sekisho_image::{Entry, Interest};

use crate::analyzer::{Analysis, Analyzer};

/// Reads `/etc/os-release` and the distro release files.
pub struct OsRelease;

impl Analyzer for OsRelease {
    fn name(&self) -> &'static str {
        "os-release"
    }

    fn interest(&self, entry: &Entry) -> Interest {
        super::path_is(entry, |p| sekisho_inventory::os::OS_FILES.contains(&p))
    }

    fn analyze(&self, ctx: &mut Analysis<'_>) {
        ctx.report.os = sekisho_inventory::detect_os(ctx.scan);
    }
}
