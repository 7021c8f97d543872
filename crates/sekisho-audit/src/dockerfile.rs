//! `--dockerfile FILE`: the Dockerfile the image was built from is linted with the Dockerfile
//! linter, and where an image check and a Dockerfile rule describe the same problem, the
//! Dockerfile finding (which points at the line to change) replaces the image one, so one
//! problem has one ID.

use std::path::Path;

use sekisho_dockerfile::Severity as LintSeverity;

use crate::{AuditError, Category, Finding, Level, Severity};

/// Image checks and the Dockerfile rules that report the same problem at its source.
pub const SAME_PROBLEM: &[(&str, &str)] = &[
    ("CIS-DI-0001", "SK1004"), // no non-root USER
    ("CIS-DI-0006", "SK1011"), // no HEALTHCHECK
    ("CIS-DI-0009", "SK1005"), // ADD of a remote URL
    ("DKL-DI-0003", "SK1008"), // upgrade / dist-upgrade
    ("SK-IMG-001", "SK1009"),  // curl | sh
    ("SK-IMG-003", "SK1012"),  // EXPOSE 22
    ("DKL-DI-0005", "DL3009"), // apt lists left behind
];

/// Lint the Dockerfile at `path` (hadolint-compatible config discovery is not applied: the
/// defaults are used) and turn the linter's findings into audit findings.
pub fn lint(path: &Path) -> Result<Vec<Finding>, AuditError> {
    let text = std::fs::read_to_string(path).map_err(|e| AuditError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let name = path.display().to_string();
    Ok(sekisho_dockerfile::lint(&text)
        .into_iter()
        .filter(|f| f.severity != LintSeverity::Ignore)
        .map(|f| {
            let (level, severity) = match f.severity {
                LintSeverity::Error => (Level::Fatal, Severity::High),
                LintSeverity::Warning => (Level::Warn, Severity::Medium),
                _ => (Level::Info, Severity::Low),
            };
            Finding {
                id: f.code.clone(),
                category: Category::Dockerfile,
                level,
                severity,
                title: f.message.clone(),
                details: format!("{name}:{}: {}", f.line, f.message),
                location: format!("{name}:{}", f.line),
                path: Some(name.clone()),
                layer: None,
                deleted_in: None,
                state: None,
                history_index: None,
                secret: None,
            }
        })
        .collect())
}

/// Add the Dockerfile findings to the image findings, dropping image findings whose problem the
/// Dockerfile linter reported at its source (see [`SAME_PROBLEM`]).
pub fn merge(mut image: Vec<Finding>, dockerfile: Vec<Finding>) -> Vec<Finding> {
    image.retain(|f| {
        !SAME_PROBLEM
            .iter()
            .any(|(img, df)| f.id == *img && dockerfile.iter().any(|d| d.id == *df))
    });
    image.extend(dockerfile);
    crate::sort_findings(&mut image);
    image
}
