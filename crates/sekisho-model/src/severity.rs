//! One severity scale for every finding, and the views of it the peers' users know.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// How bad a finding is, lowest first: Trivy's scale (`UNKNOWN` … `CRITICAL`) with `INFO` below
/// `LOW` for findings that are advice rather than risk (hadolint's `style`), as KICS and
/// Checkov do. Dockle's levels ([`DockleLevel`]) and hadolint's ([`LintLevel`]) are views of
/// this scale, so filters, exit codes and every writer use one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    /// Not rated (a vulnerability without a score).
    Unknown,
    /// Advice (hadolint `style`).
    Info,
    /// Low (Dockle `INFO`, hadolint `info`).
    Low,
    /// Medium (Dockle `WARN`, hadolint `warning`).
    Medium,
    /// High (Dockle `FATAL`, hadolint `error`).
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// The upper-case name (`CRITICAL`, `HIGH`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "UNKNOWN",
            Severity::Info => "INFO",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }

    /// Dockle's level for this severity.
    pub fn dockle(self) -> DockleLevel {
        match self {
            Severity::Unknown | Severity::Info | Severity::Low => DockleLevel::Info,
            Severity::Medium => DockleLevel::Warn,
            Severity::High | Severity::Critical => DockleLevel::Fatal,
        }
    }

    /// hadolint's level for this severity.
    pub fn lint(self) -> LintLevel {
        match self {
            Severity::Unknown | Severity::Info => LintLevel::Style,
            Severity::Low => LintLevel::Info,
            Severity::Medium => LintLevel::Warning,
            Severity::High | Severity::Critical => LintLevel::Error,
        }
    }

    /// SARIF's `level` for this severity.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::High | Severity::Critical => "error",
            Severity::Medium => "warning",
            _ => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Severity {
    /// From the names [`Severity::from_str`] accepts (config files use them).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl FromStr for Severity {
    type Err = String;
    /// Case-insensitive `unknown|info|low|medium|high|critical`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_uppercase().as_str() {
            "UNKNOWN" => Severity::Unknown,
            "INFO" => Severity::Info,
            "LOW" => Severity::Low,
            "MEDIUM" => Severity::Medium,
            "HIGH" => Severity::High,
            "CRITICAL" => Severity::Critical,
            other => {
                return Err(format!(
                    "unknown severity {other:?} (expected UNKNOWN, INFO, LOW, MEDIUM, HIGH or CRITICAL)"
                ))
            }
        })
    }
}

/// Dockle's alert levels, lowest first: a view of [`Severity`] for the image audit's table,
/// JSON and `--exit-level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum DockleLevel {
    /// Informational (`INFO`).
    Info,
    /// Should be fixed (`WARN`).
    Warn,
    /// Must be fixed (`FATAL`).
    Fatal,
}

impl DockleLevel {
    /// `INFO`, `WARN` or `FATAL`.
    pub fn as_str(self) -> &'static str {
        match self {
            DockleLevel::Info => "INFO",
            DockleLevel::Warn => "WARN",
            DockleLevel::Fatal => "FATAL",
        }
    }

    /// The severity a finding of this level has (INFO → LOW, WARN → MEDIUM, FATAL → HIGH).
    pub fn severity(self) -> Severity {
        match self {
            DockleLevel::Info => Severity::Low,
            DockleLevel::Warn => Severity::Medium,
            DockleLevel::Fatal => Severity::High,
        }
    }
}

impl fmt::Display for DockleLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DockleLevel {
    type Err = String;
    /// Dockle's `info|warn|fatal` and, for secrets, `low|medium|high|critical`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" | "low" => Ok(DockleLevel::Info),
            "warn" | "warning" | "medium" => Ok(DockleLevel::Warn),
            "fatal" | "high" | "critical" => Ok(DockleLevel::Fatal),
            other => Err(format!(
                "unknown level {other:?} (expected info, warn or fatal; or low, medium, high, critical)"
            )),
        }
    }
}

/// hadolint's severities, most severe first (as hadolint orders them): a view of [`Severity`]
/// for the linter's formats and `--failure-threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LintLevel {
    /// `error` (HIGH).
    Error,
    /// `warning` (MEDIUM).
    Warning,
    /// `info` (LOW).
    Info,
    /// `style` (INFO).
    Style,
}

impl LintLevel {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            LintLevel::Error => "error",
            LintLevel::Warning => "warning",
            LintLevel::Info => "info",
            LintLevel::Style => "style",
        }
    }

    /// The severity of a finding at this level.
    pub fn severity(self) -> Severity {
        match self {
            LintLevel::Error => Severity::High,
            LintLevel::Warning => Severity::Medium,
            LintLevel::Info => Severity::Low,
            LintLevel::Style => Severity::Info,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_round_trip() {
        for l in [DockleLevel::Info, DockleLevel::Warn, DockleLevel::Fatal] {
            assert_eq!(l.severity().dockle(), l);
        }
        for l in [
            LintLevel::Error,
            LintLevel::Warning,
            LintLevel::Info,
            LintLevel::Style,
        ] {
            assert_eq!(l.severity().lint(), l);
        }
        assert!(Severity::Unknown < Severity::Info && Severity::High < Severity::Critical);
        assert_eq!("critical".parse::<Severity>(), Ok(Severity::Critical));
        assert!("severe".parse::<Severity>().is_err());
        assert_eq!("high".parse::<DockleLevel>(), Ok(DockleLevel::Fatal));
    }
}
