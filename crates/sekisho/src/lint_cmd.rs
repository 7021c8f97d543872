//! The `sekisho dockerfile` (alias `sekisho lint`) command: hadolint's flags, config discovery
//! and exit codes over the linter library; output through the report's linter formats.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::builder::TypedValueParser as _;

use sekisho_dockerfile::config::Config;
use sekisho_dockerfile::{fix, lint_with, LintError, Severity};
use sekisho_report::lint::{render, FileReport, Format};

/// Arguments of `sekisho dockerfile`.
#[derive(Debug, Clone, clap::Args)]
pub struct LintArgs {
    /// Dockerfiles to lint; `-` reads standard input.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'f', long, default_value = "tty", value_parser = format_parser())]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Exit non-zero only for findings at or above this severity
    /// (error, warning, info, style, ignore; default info).
    #[arg(short = 't', long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub failure_threshold: Option<Severity>,
    /// Always exit 0 when linting succeeded.
    #[arg(long)]
    pub no_fail: bool,
    /// Ignore a rule (repeatable).
    #[arg(long = "ignore", value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Enable an opt-in rule such as DL3057 or SK1006 (repeatable).
    #[arg(long = "enable", value_name = "RULE")]
    pub enable: Vec<String>,
    /// Allow only these registries in FROM (repeatable; enables DL3026).
    #[arg(long = "trusted-registry", value_name = "REGISTRY")]
    pub trusted_registry: Vec<String>,
    /// Configuration file (default: `.hadolint.yaml` discovered like hadolint).
    #[arg(short = 'c', long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Apply safe fixes in place (stdin: print the fixed file).
    #[arg(long)]
    pub fix: bool,
    /// With --fix, print a unified diff instead of writing files.
    #[arg(long, requires = "fix")]
    pub diff: bool,
}

/// `--format`: the linter's formats by name, listed in `--help` and in errors.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    clap::builder::PossibleValuesParser::new(Format::ALL.map(|(name, _)| name))
        .map(|name| name.parse::<Format>().unwrap_or(Format::Tty))
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("invalid severity `{s}`"))
}

fn read_input(p: &PathBuf) -> Result<(String, String), LintError> {
    let name = p.display().to_string();
    if name == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| LintError::Io {
                path: "-".into(),
                source: e,
            })?;
        return Ok((name, s));
    }
    let bytes = std::fs::read(p).map_err(|e| LintError::Io {
        path: name.clone(),
        source: e,
    })?;
    Ok((name, String::from_utf8_lossy(&bytes).into_owned()))
}

/// Builds the effective configuration from the config file (`--config`, else hadolint's
/// discovery from the working directory, `$XDG_CONFIG_HOME` and `$HOME`) and the flags.
pub fn effective_config(args: &LintArgs) -> Result<Config, LintError> {
    let xdg = std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from);
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut cfg = match &args.config {
        Some(p) => Config::load(p)?,
        None => match Config::discover(Path::new("."), xdg.as_deref(), home.as_deref()) {
            Some(p) => Config::load(&p)?,
            None => Config::default(),
        },
    };
    cfg.ignored.extend(args.ignore.iter().cloned());
    cfg.enabled.extend(args.enable.iter().cloned());
    cfg.trusted_registries
        .extend(args.trusted_registry.iter().cloned());
    if args.failure_threshold.is_some() {
        cfg.failure_threshold = args.failure_threshold;
    }
    if args.no_fail {
        cfg.no_fail = true;
    }
    Ok(cfg)
}

/// Runs the command and returns the process exit code (0 clean, 1 findings at or
/// above the failure threshold).
pub fn run(args: &LintArgs) -> Result<i32, LintError> {
    let cfg = effective_config(args)?;
    let threshold = cfg.failure_threshold.unwrap_or(Severity::Info);
    let mut failing = false;
    let mut reports = Vec::new();
    let mut diffs = String::new();
    for p in &args.files {
        let (name, mut src) = read_input(p)?;
        if args.fix {
            let fixed = fix::fix(&src);
            if args.diff {
                diffs.push_str(&fix::unified_diff(&name, &src, &fixed));
            } else if name == "-" {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(fixed.as_bytes());
                return Ok(0);
            } else if fixed != src {
                std::fs::write(p, &fixed).map_err(|e| LintError::Io {
                    path: name.clone(),
                    source: e,
                })?;
                src = fixed;
            }
        }
        let findings = lint_with(&src, &cfg);
        failing |= !cfg.no_fail
            && findings
                .iter()
                .any(|f| f.severity <= threshold && f.severity != Severity::Ignore);
        reports.push(FileReport {
            findings: findings.iter().filter_map(|f| f.to_report(&name)).collect(),
            path: name,
            source: src,
        });
    }
    let text = if args.diff {
        diffs
    } else {
        let mut rules = BTreeMap::new();
        for f in reports.iter().flat_map(|r| &r.findings) {
            if let Some(info) = sekisho_dockerfile::rule_info(&f.id) {
                rules.entry(f.id.clone()).or_insert(info);
            }
        }
        render(
            args.format,
            &reports,
            &rules,
            crate::use_color(&args.output),
        )
    };
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| LintError::Io {
            path: path.display().to_string(),
            source: e,
        })?,
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
        }
    }
    Ok(i32::from(failing && !args.diff))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(clap::Parser)]
    struct T {
        #[command(flatten)]
        a: LintArgs,
    }

    #[test]
    fn parses_flags_and_exit_codes() {
        let dir = std::env::temp_dir().join(format!("sekisho-df-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let df = dir.join("Dockerfile");
        std::fs::write(&df, "FROM debian\nRUN apt-get install foo\n").unwrap();
        let out = dir.join("out.json");
        let cfg = dir.join("cfg.yaml");
        std::fs::write(&cfg, "ignored: [SK1004]\n").unwrap();
        let t = T::parse_from([
            "x",
            df.to_str().unwrap(),
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
        ]);
        assert_eq!(run(&t.a).unwrap(), 1);
        let j: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert!(j.as_array().unwrap().iter().any(|x| x["code"] == "DL3008"));
        let t = T::parse_from([
            "x",
            df.to_str().unwrap(),
            "-t",
            "error",
            "-o",
            out.to_str().unwrap(),
            "-c",
            cfg.to_str().unwrap(),
        ]);
        assert_eq!(run(&t.a).unwrap(), 0);
        let t = T::parse_from(["x", "/nonexistent/Dockerfile"]);
        assert!(run(&t.a).is_err());
        // --fix --diff writes a diff and leaves the file alone; --fix rewrites it.
        let t = T::parse_from([
            "x",
            df.to_str().unwrap(),
            "--fix",
            "--diff",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run(&t.a).unwrap(), 0);
        let d = std::fs::read_to_string(&out).unwrap();
        assert!(
            d.contains("+RUN apt-get install --no-install-recommends foo"),
            "{d}"
        );
        assert!(std::fs::read_to_string(&df)
            .unwrap()
            .contains("RUN apt-get install foo\n"));
        let t = T::parse_from([
            "x",
            df.to_str().unwrap(),
            "--fix",
            "--no-fail",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run(&t.a).unwrap(), 0);
        assert!(std::fs::read_to_string(&df)
            .unwrap()
            .contains("apt-get install --no-install-recommends foo"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
