//! OS package databases: apk, dpkg and rpm (Berkeley DB, NDB, SQLite), read from the final
//! filesystem, each package attributed to the layer that added it.

use sekisho_image::{Entry, Interest};
use sekisho_inventory::{Database, OsInventory};

use crate::analyzer::{Analysis, Analyzer};

/// One kind of OS package database.
pub struct OsPackages {
    db: Database,
    name: &'static str,
    wants: fn(&str) -> bool,
}

impl OsPackages {
    /// Alpine / Wolfi `lib/apk/db/installed`.
    pub fn apk() -> OsPackages {
        OsPackages {
            db: Database::Apk,
            name: "apk",
            wants: sekisho_inventory::wants_apk,
        }
    }

    /// Debian / Ubuntu dpkg status (and distroless `status.d`), file lists, copyright files.
    pub fn dpkg() -> OsPackages {
        OsPackages {
            db: Database::Dpkg,
            name: "dpkg",
            wants: sekisho_inventory::wants_dpkg,
        }
    }

    /// rpm databases in any of the three formats.
    pub fn rpm() -> OsPackages {
        OsPackages {
            db: Database::Rpm,
            name: "rpm",
            wants: sekisho_inventory::wants_rpm,
        }
    }
}

impl Analyzer for OsPackages {
    fn name(&self) -> &'static str {
        self.name
    }

    fn interest(&self, entry: &Entry) -> Interest {
        super::path_is(entry, self.wants)
    }

    fn analyze(&self, ctx: &mut Analysis<'_>) {
        let mut found = OsInventory::default();
        sekisho_inventory::read_database(ctx.scan, ctx.report.os.as_ref(), self.db, &mut found);
        ctx.report.packages.extend(found.packages);
        ctx.report.warnings.extend(found.warnings);
    }
}
