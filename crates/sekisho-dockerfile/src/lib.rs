#![warn(missing_docs)]
//! Dockerfile linter for sekisho.
//!
//! * [`parser`]: a Dockerfile parser with spans (never fails on valid input).
//! * [`shell`]: `RUN` bodies parsed as shell with `brush-parser`.
//! * [`rules`]: hadolint's DL rules (same IDs, severities, behaviour), a ShellCheck subset
//!   and sekisho's own SK rules.
//! * [`lint`] / [`lint_with`]: run everything and apply ignores and overrides.
//! * [`Finding::to_report`]: a finding in the report model, which every writer renders
//!   (`sekisho-report` has the linter's formats: tty, hadolint JSON, SARIF, Checkstyle,
//!   GitLab, JUnit).

pub mod config;
pub mod fix;
pub mod parser;
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

    /// The severity on the report's scale; `None` for `ignore` (not reported).
    pub fn to_report(self) -> Option<sekisho_model::Severity> {
        use sekisho_model::LintLevel;
        Some(
            match self {
                Severity::Error => LintLevel::Error,
                Severity::Warning => LintLevel::Warning,
                Severity::Info => LintLevel::Info,
                Severity::Style => LintLevel::Style,
                Severity::Ignore => return None,
            }
            .severity(),
        )
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

impl Finding {
    /// This finding in the report model, located in the Dockerfile named `path` (as the user
    /// named it: a file of their project, not of an image). `None` for `ignore` severity.
    pub fn to_report(&self, path: &str) -> Option<sekisho_model::Finding> {
        let title = rules::all_rules()
            .iter()
            .find(|r| r.code == self.code)
            .map_or(self.message.as_str(), |r| r.message);
        let region = sekisho_model::Region {
            line: self.line,
            column: self.column,
            end_line: self.end_line,
        };
        Some(
            sekisho_model::Finding::new(
                sekisho_model::FindingKind::Lint,
                self.code.clone(),
                self.severity.to_report()?,
                title,
                self.message.clone(),
            )
            .at_source(path, region),
        )
    }
}

/// What the report says about rule `code`: title, default severity, documentation.
pub fn rule_info(code: &str) -> Option<sekisho_model::RuleInfo> {
    let help = explain(code);
    let info = rules::all_rules().iter().find(|r| r.code == code);
    if info.is_none() && help.is_none() {
        return None;
    }
    Some(sekisho_model::RuleInfo {
        title: info.map_or_else(
            || {
                help.as_deref()
                    .and_then(|h| h.lines().nth(2))
                    .unwrap_or(code)
                    .to_string()
            },
            |r| r.message.to_string(),
        ),
        default_severity: info
            .and_then(|r| r.severity.to_report())
            .unwrap_or(sekisho_model::Severity::Info),
        help,
    })
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
