//! The audit's findings are the model's [`Finding`]s; this module adds the audit's vocabulary:
//! Dockle's levels as [`Level`], and building a configuration finding from a [`Check`].

pub use sekisho_model::{
    sort_findings, DockleLevel as Level, FileState, Finding, FindingKind, SecretInfo, Severity,
};

use crate::checks::Check;

/// Audit-specific ways to build and read a [`Finding`].
pub trait AuditFinding {
    /// A configuration finding with the check's default level and title, located at `config`.
    fn config(check: &Check, details: impl Into<String>) -> Finding;
    /// Set Dockle's level (the severity becomes the level's).
    fn with_level(self, level: Level) -> Finding;
    /// Dockle's level of this finding.
    fn level(&self) -> Level;
}

impl AuditFinding for Finding {
    fn config(check: &Check, details: impl Into<String>) -> Finding {
        Finding::new(
            FindingKind::Config,
            check.id,
            check.level.severity(),
            check.title,
            details,
        )
    }

    fn with_level(self, level: Level) -> Finding {
        self.with_severity(level.severity())
    }

    fn level(&self) -> Level {
        self.severity.dockle()
    }
}
