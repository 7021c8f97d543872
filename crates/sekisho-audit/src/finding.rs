//! The finding model shared by every check, and Dockle's levels.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

pub use sekisho_secret::Severity;

/// Dockle's alert levels, lowest first. Every finding has one; secret severities map onto it
/// (LOW → INFO, MEDIUM → WARN, HIGH and CRITICAL → FATAL) so one `--exit-level` covers both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// Informational (Dockle `INFO`).
    Info,
    /// Should be fixed (Dockle `WARN`).
    Warn,
    /// Must be fixed (Dockle `FATAL`).
    Fatal,
}

impl Level {
    /// `INFO`, `WARN` or `FATAL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Fatal => "FATAL",
        }
    }

    /// The level a secret of `severity` gets.
    pub fn from_severity(severity: Severity) -> Level {
        match severity {
            Severity::Low => Level::Info,
            Severity::Medium => Level::Warn,
            Severity::High | Severity::Critical => Level::Fatal,
        }
    }

    /// The severity shown for a configuration finding of this level.
    pub fn to_severity(self) -> Severity {
        match self {
            Level::Info => Severity::Low,
            Level::Warn => Severity::Medium,
            Level::Fatal => Severity::High,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    /// Accepts Dockle's `info|warn|fatal` and, for secrets, `low|medium|high|critical`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" | "low" => Ok(Level::Info),
            "warn" | "warning" | "medium" => Ok(Level::Warn),
            "fatal" | "high" | "critical" => Ok(Level::Fatal),
            other => Err(format!(
                "unknown level {other:?} (expected info, warn or fatal; or low, medium, high, critical)"
            )),
        }
    }
}

/// Which scanner produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Configuration, history and filesystem checks (`--scanners config`).
    Config,
    /// Secrets (`--scanners secret`).
    Secret,
    /// The Dockerfile linter's findings on the Dockerfile given with `--dockerfile`.
    Dockerfile,
}

/// Where a file-based finding's file stands in the final image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileState {
    /// The file is in the final filesystem as this layer wrote it.
    Present,
    /// A later layer deleted it; the bytes are still in the layer blob.
    Deleted,
    /// A later layer replaced it with other content; this version is still in the layer blob.
    Replaced,
}

/// Secret details of a secret finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretInfo {
    /// The secret, masked.
    pub masked: String,
    /// The line holding the secret, masked.
    pub line_masked: String,
    /// 1-based line (in the file, or in the `KEY=value` text of a config entry).
    pub line: usize,
    /// SHA-256 (hex) of the secret, to compare without keeping the secret.
    pub sha256: String,
    /// A documentation example credential (reported at LOW).
    pub example: bool,
    /// Secret category (`AWS`, `GitHub`, ...).
    pub category: String,
}

/// One problem found in an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Check ID: `CIS-DI-0001`, `DKL-LI-0001`, a secret rule ID (`aws-access-key-id`) or
    /// sekisho's own `SK-IMG-001`.
    pub id: String,
    /// Scanner that produced it.
    pub category: Category,
    /// Dockle level (for `--exit-level`).
    pub level: Level,
    /// Severity (secrets: the rule's; configuration checks: derived from the level).
    pub severity: Severity,
    /// The check's title.
    pub title: String,
    /// What was found, for people.
    pub details: String,
    /// Where outside files: `config`, `config Env[KEY]`, `config Labels[KEY]`, `history[3]`,
    /// `image tag`; for files the same as `path`.
    pub location: String,
    /// Absolute path in the image, for file-based findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The layer (0-based) the evidence comes from: the layer that wrote the file, or the layer
    /// a history step created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    /// For a file a later layer deleted or replaced: that layer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_in: Option<usize>,
    /// For file-based findings, whether the file is still in the final filesystem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<FileState>,
    /// For findings from a history step: its index in the config's `history`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_index: Option<usize>,
    /// Secret details, for secret findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretInfo>,
}

impl Finding {
    /// A configuration finding with the check's default level and title.
    pub fn config(check: &crate::checks::Check, details: impl Into<String>) -> Finding {
        Finding {
            id: check.id.to_string(),
            category: Category::Config,
            level: check.level,
            severity: check.level.to_severity(),
            title: check.title.to_string(),
            details: details.into(),
            location: "config".to_string(),
            path: None,
            layer: None,
            deleted_in: None,
            state: None,
            history_index: None,
            secret: None,
        }
    }

    /// Set the level (and the derived severity).
    pub fn with_level(mut self, level: Level) -> Finding {
        self.level = level;
        self.severity = level.to_severity();
        self
    }

    /// Attach a file path (absolute, `/`-prefixed) and use it as the location.
    pub fn at_path(mut self, path: &str) -> Finding {
        let p = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        self.location = p.clone();
        self.path = Some(p);
        self
    }

    /// Set the location text.
    pub fn at(mut self, location: impl Into<String>) -> Finding {
        self.location = location.into();
        self
    }

    /// Set the layer.
    pub fn in_layer(mut self, layer: Option<usize>) -> Finding {
        self.layer = layer;
        self
    }

    /// Mark the file state and the deleting layer.
    pub fn with_state(mut self, state: FileState, deleted_in: Option<usize>) -> Finding {
        self.state = Some(state);
        self.deleted_in = deleted_in;
        self
    }

    /// Set the history index.
    pub fn from_history(mut self, index: usize) -> Finding {
        self.history_index = Some(index);
        self
    }
}

/// Sort findings: by category (config first), level (most severe first), ID, location, layer.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            a.category,
            std::cmp::Reverse(a.level),
            &a.id,
            &a.location,
            a.layer,
        )
            .cmp(&(
                b.category,
                std::cmp::Reverse(b.level),
                &b.id,
                &b.location,
                b.layer,
            ))
    });
}
