//! Command-line options of the audit, for `sekisho image` to flatten into its own arguments.

use std::path::{Path, PathBuf};

use crate::{AuditError, AuditOptions, Level};

/// A scanner that `--scanners` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScannerKind {
    /// Configuration, history and filesystem checks.
    Config,
    /// Secrets in files, ENV, labels and history.
    Secret,
    /// Vulnerabilities (not handled by this crate; accepted so the CLI can share the flag).
    Vuln,
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
}

/// The audit's flags.
#[derive(Debug, Clone, clap::Args)]
pub struct AuditArgs {
    /// Scanners to run, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [ScannerKind::Config, ScannerKind::Secret])]
    pub scanners: Vec<ScannerKind>,
    /// Exit with this code when a finding is at --exit-level or above (0: always exit 0).
    #[arg(long, default_value_t = 0)]
    pub exit_code: i32,
    /// Lowest level that makes --exit-code apply: info, warn, fatal (or low, medium, high,
    /// critical).
    #[arg(long, default_value = "warn", value_parser = parse_level)]
    pub exit_level: Level,
    /// ENV or label key not to report under CIS-DI-0010 (repeatable, or comma-separated).
    #[arg(long = "accept-key", value_name = "KEY", value_delimiter = ',')]
    pub accept_key: Vec<String>,
    /// File name or absolute path not to report as a credential or unnecessary file
    /// (repeatable, or comma-separated).
    #[arg(long = "accept-file", value_name = "FILE", value_delimiter = ',')]
    pub accept_file: Vec<String>,
    /// Check ID (or secret rule ID) not to report (repeatable, or comma-separated).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Ignore file with one check ID per line [default: .dockleignore in the current
    /// directory, if present].
    #[arg(long, value_name = "PATH")]
    pub dockleignore: Option<PathBuf>,
    /// Secret scanner config (trivy-secret.yaml shape: custom rules, allow rules).
    #[arg(long, value_name = "PATH")]
    pub secret_config: Option<PathBuf>,
    /// Extra setuid/setgid programs to treat as distro defaults (file name or absolute path).
    #[arg(long, value_name = "NAME|PATH", value_delimiter = ',')]
    pub setuid_allow: Vec<String>,
    /// The Dockerfile the image was built from: its lint findings join the report, and image
    /// checks for the same problem (no USER, no HEALTHCHECK, ADD URL, upgrade, curl | sh,
    /// EXPOSE 22) are reported once, at the Dockerfile line.
    #[arg(long, value_name = "PATH")]
    pub dockerfile: Option<PathBuf>,
}

impl Default for AuditArgs {
    fn default() -> Self {
        AuditArgs {
            scanners: vec![ScannerKind::Config, ScannerKind::Secret],
            exit_code: 0,
            exit_level: Level::Warn,
            accept_key: Vec::new(),
            accept_file: Vec::new(),
            ignore: Vec::new(),
            dockleignore: None,
            secret_config: None,
            setuid_allow: Vec::new(),
            dockerfile: None,
        }
    }
}

impl AuditArgs {
    /// Build the options: scanners, accepted keys and files, ignores from `--ignore` and the
    /// ignore file (`--dockleignore`, else `.dockleignore` in the current directory if it
    /// exists; an explicitly named file that cannot be read is an error).
    pub fn to_options(&self) -> Result<AuditOptions, AuditError> {
        self.to_options_in(Path::new("."))
    }

    /// Like [`AuditArgs::to_options`], looking for the default `.dockleignore` in `cwd`.
    pub fn to_options_in(&self, cwd: &Path) -> Result<AuditOptions, AuditError> {
        let mut opts = AuditOptions {
            config: self.scanners.contains(&ScannerKind::Config),
            secret: self.scanners.contains(&ScannerKind::Secret),
            accept_keys: self.accept_key.clone(),
            accept_files: self.accept_file.clone(),
            secret_config: self.secret_config.clone(),
            ..AuditOptions::default()
        };
        opts.setuid_allow.extend(self.setuid_allow.iter().cloned());
        opts.ignore.extend(
            self.ignore
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        );
        let (file, explicit) = match &self.dockleignore {
            Some(p) => (p.clone(), true),
            None => (cwd.join(".dockleignore"), false),
        };
        match std::fs::read_to_string(&file) {
            Ok(text) => opts.add_ignore_text(&text),
            Err(e) if explicit || e.kind() != std::io::ErrorKind::NotFound => {
                return Err(AuditError::Io {
                    path: file.display().to_string(),
                    source: e,
                })
            }
            Err(_) => {}
        }
        Ok(opts)
    }

    /// Whether any scanner of this crate is on.
    pub fn enabled(&self) -> bool {
        self.scanners
            .iter()
            .any(|s| matches!(s, ScannerKind::Config | ScannerKind::Secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cmd {
        #[command(flatten)]
        audit: AuditArgs,
    }

    #[test]
    fn parses_flags() {
        let c = Cmd::parse_from([
            "x",
            "--scanners",
            "secret",
            "--exit-code",
            "3",
            "--exit-level",
            "fatal",
            "--accept-key",
            "A,B",
            "--ignore",
            "CIS-DI-0001",
            "--ignore",
            "DKL-DI-0006",
        ]);
        assert_eq!(c.audit.scanners, vec![ScannerKind::Secret]);
        assert_eq!(c.audit.exit_level, Level::Fatal);
        let dir = std::env::temp_dir().join(format!("sekisho-audit-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".dockleignore"), "# comment\nCIS-DI-0006\n\n").unwrap();
        let o = c.audit.to_options_in(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!o.config && o.secret);
        assert_eq!(o.accept_keys, ["A", "B"]);
        assert!(o.ignores("CIS-DI-0001") && o.ignores("DKL-DI-0006") && o.ignores("CIS-DI-0006"));
        let d = Cmd::parse_from(["x"]);
        assert_eq!(
            d.audit.scanners,
            vec![ScannerKind::Config, ScannerKind::Secret]
        );
        assert_eq!(d.audit.exit_level, Level::Warn);
        let bad = AuditArgs {
            dockleignore: Some(PathBuf::from("/nonexistent/.dockleignore")),
            ..Default::default()
        };
        assert!(bad.to_options().is_err());
    }
}
