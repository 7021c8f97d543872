//! Conda environments: every `conda-meta/*.json` record of the final filesystem is one
//! installed package (`pkg:conda/...`), in any environment prefix.

use sekisho_image::{Entry, Interest};
use sekisho_inventory::OsInventory;

use crate::analyzer::{Analysis, Analyzer};

/// Largest conda-meta record read (records list every installed file; big packages have a few
/// megabytes of them).
const MAX_RECORD: u64 = 32 << 20;

/// Reads conda-meta records.
pub struct Conda;

impl Analyzer for Conda {
    fn name(&self) -> &'static str {
        "conda"
    }

    fn interest(&self, entry: &Entry) -> Interest {
        super::whole_if(
            entry.size <= MAX_RECORD && sekisho_inventory::conda::is_record(&entry.path),
        )
    }

    fn analyze(&self, ctx: &mut Analysis<'_>) {
        let mut found = OsInventory::default();
        sekisho_inventory::read_conda(ctx.scan, &mut found);
        ctx.report.packages.extend(found.packages);
        ctx.report.warnings.extend(found.warnings);
    }
}
