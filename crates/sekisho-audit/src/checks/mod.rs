//! The configuration checks: their IDs, levels and titles, and the context they run in.

pub mod accounts;
pub mod config;
pub mod files;
pub mod history;
pub mod packages;
pub mod secrets;
pub mod trust;

use crate::finding::Level;

/// A check: ID, default level, title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// The ID (`CIS-DI-0001`, `DKL-LI-0002`, `SK-IMG-001`).
    pub id: &'static str,
    /// Default level (Dockle's where Dockle has the check).
    pub level: Level,
    /// Title.
    pub title: &'static str,
}

macro_rules! check {
    ($name:ident, $id:literal, $level:ident, $title:literal) => {
        #[doc = concat!("`", $id, "`: ", $title, ".")]
        pub const $name: Check = Check {
            id: $id,
            level: Level::$level,
            title: $title,
        };
    };
}

check!(
    CIS_DI_0001,
    "CIS-DI-0001",
    Warn,
    "Create a user for the container"
);
check!(
    CIS_DI_0003,
    "CIS-DI-0003",
    Info,
    "Do not install unnecessary packages in the container"
);
check!(
    CIS_DI_0004,
    "CIS-DI-0004",
    Warn,
    "Scan and rebuild the images to include security patches"
);
check!(
    CIS_DI_0005,
    "CIS-DI-0005",
    Info,
    "Enable Content trust for Docker"
);
check!(
    CIS_DI_0006,
    "CIS-DI-0006",
    Info,
    "Add HEALTHCHECK instruction to the container image"
);
check!(
    CIS_DI_0007,
    "CIS-DI-0007",
    Fatal,
    "Do not use update instructions alone in the Dockerfile"
);
check!(
    CIS_DI_0008,
    "CIS-DI-0008",
    Info,
    "Confirm safety of setuid/setgid files"
);
check!(
    CIS_DI_0009,
    "CIS-DI-0009",
    Fatal,
    "Use COPY instead of ADD in Dockerfile"
);
check!(
    CIS_DI_0010,
    "CIS-DI-0010",
    Fatal,
    "Do not store credentials in environment variables, labels or files"
);
check!(DKL_DI_0001, "DKL-DI-0001", Fatal, "Avoid sudo command");
check!(
    DKL_DI_0002,
    "DKL-DI-0002",
    Fatal,
    "Avoid sensitive directory mounting"
);
check!(
    DKL_DI_0003,
    "DKL-DI-0003",
    Warn,
    "Avoid apt-get/apk/dist-upgrade"
);
check!(
    DKL_DI_0004,
    "DKL-DI-0004",
    Fatal,
    "Use apk add with --no-cache"
);
check!(DKL_DI_0005, "DKL-DI-0005", Fatal, "Clear apt-get caches");
check!(DKL_DI_0006, "DKL-DI-0006", Warn, "Avoid latest tag");
check!(DKL_LI_0001, "DKL-LI-0001", Fatal, "Avoid empty password");
check!(DKL_LI_0002, "DKL-LI-0002", Fatal, "Be unique UID/GROUPs");
check!(DKL_LI_0003, "DKL-LI-0003", Info, "Only put necessary files");
check!(
    SK_IMG_001,
    "SK-IMG-001",
    Warn,
    "Do not pipe downloaded scripts into a shell"
);
check!(
    SK_IMG_002,
    "SK-IMG-002",
    Warn,
    "Avoid world-writable files in system paths"
);
check!(SK_IMG_003, "SK-IMG-003", Warn, "Do not expose the SSH port");

/// Every configuration check, in report order.
pub const ALL: &[Check] = &[
    CIS_DI_0001,
    CIS_DI_0003,
    CIS_DI_0004,
    CIS_DI_0005,
    CIS_DI_0006,
    CIS_DI_0007,
    CIS_DI_0008,
    CIS_DI_0009,
    CIS_DI_0010,
    DKL_DI_0001,
    DKL_DI_0002,
    DKL_DI_0003,
    DKL_DI_0004,
    DKL_DI_0005,
    DKL_DI_0006,
    DKL_LI_0001,
    DKL_LI_0002,
    DKL_LI_0003,
    SK_IMG_001,
    SK_IMG_002,
    SK_IMG_003,
];

/// The check with this ID.
pub fn by_id(id: &str) -> Option<&'static Check> {
    ALL.iter().find(|c| c.id == id)
}
