#![warn(missing_docs)]
//! Dockerfile linter for sekisho.
//!
//! * [`parser`]: a Dockerfile parser with spans (never fails on valid input).
//! * [`shell`]: `RUN` bodies parsed as shell with `brush-parser`.
//! * [`rules`]: hadolint's DL rules (same IDs, severities, behaviour), a ShellCheck subset
//!   and sekisho's own SK rules.
//! * [`lint`] / [`lint_with`]: run everything and apply ignores and overrides.
//! * [`cli`]: the `sekisho dockerfile` / `sekisho lint` command.

pub mod cli;
pub mod config;
pub mod fix;
pub mod parser;
pub mod render;
pub mod rules;
pub mod shell;

use serde::Serialize;
use thiserror::Error;

pub use config::Config;
pub use parser::{parse, Dockerfile, ParseError};
pub use rules::explain;

/// Severity levels, ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Error.
    Error,
    /// Warning.
    Warning,
    /// Info.
    Info,
    /// Style.
    Style,
    /// Not reported.
    Ignore,
}

impl Severity {
    /// Parses `error|warning|info|style|ignore|none`.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            "style" => Severity::Style,
            "ignore" | "none" => Severity::Ignore,
            _ => return None,
        })
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Style => "style",
            Severity::Ignore => "ignore",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule code (`DL3008`, `SC2086`, `SK1001`, `DL1000`).
    pub code: String,
    /// Severity after overrides.
    pub severity: Severity,
    /// Human-readable message.
    pub message: String,
    /// 1-based line where the instruction starts.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// 1-based last line of the instruction.
    pub end_line: usize,
}

/// Library errors.
#[derive(Debug, Error)]
pub enum LintError {
    /// Reading a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The configuration file is invalid.
    #[error("invalid config {path}: {message}")]
    Config {
        /// The path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Bad command-line usage.
    #[error("{0}")]
    Usage(String),
}

/// Lints Dockerfile text with the given configuration.
pub fn lint_with(src: &str, cfg: &Config) -> Vec<Finding> {
    match parser::parse(src) {
        Ok(df) => rules::run(&df, src, cfg),
        Err(e) => {
            let f = Finding {
                code: "DL1000".into(),
                severity: Severity::Error,
                message: e.message.clone(),
                line: e.line,
                column: e.column,
                end_line: e.line,
            };
            if cfg.is_ignored("DL1000") {
                vec![]
            } else {
                vec![f]
            }
        }
    }
}

/// Lints Dockerfile text with the default configuration.
pub fn lint(src: &str) -> Vec<Finding> {
    lint_with(src, &Config::default())
}
