//! The `sekisho` command line: argument parsing, output selection and exit codes. The work is
//! done by the library crates: the engine (`sekisho-scan`) turns a request into a report, the
//! writers (`sekisho-report`, `sekisho-sbom`) render it. This is the only crate that reads the
//! environment, the working directory and the clock.

mod cache_cmd;
mod daemon_cmd;
mod db_cmd;
mod db_oci;
mod deferred;
mod image_cmd;
mod limit_args;
mod lint_cmd;
mod registry_cmd;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use deferred::Deferred;

/// Tells whether a container image is safe to ship: inventory, SBOM, audit, Dockerfile lint.
#[derive(Parser)]
#[command(name = "sekisho", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan an image archive or OCI layout: OS packages, configuration checks and secrets.
    Image(Deferred<image_cmd::ImageArgs>),
    /// Scan an unpacked root filesystem directory.
    Rootfs(Deferred<image_cmd::ImageArgs>),
    /// Scan a project directory: lockfiles, manifests, jars and binaries (as `trivy fs`), and
    /// the same scanners as `image` where they apply.
    Fs(Deferred<image_cmd::ImageArgs>),
    /// Write an SBOM for an image (CycloneDX by default).
    Sbom(Deferred<image_cmd::SbomArgs>),
    /// List the final (merged) filesystem of an image as TSV.
    Files(Deferred<image_cmd::FilesArgs>),
    /// Lint Dockerfiles and Containerfiles (hadolint's rules and more).
    #[command(alias = "lint")]
    Dockerfile(Deferred<lint_cmd::LintArgs>),
    /// Compare two versions by an ecosystem's rules and print `<`, `=` or `>` (like
    /// `dpkg --compare-versions`, for every ecosystem).
    Vercmp {
        /// Ecosystem, by purl type: deb, rpm, apk, pypi, npm, maven, golang, cargo, gem,
        /// composer, nuget, pub, hex.
        ecosystem: String,
        /// First version.
        a: String,
        /// Second version.
        b: String,
    },
    /// Explain an ID sekisho reports: a Dockerfile rule (DL3008, SK1001), an image check
    /// (CIS-DI-0001, SK-IMG-001) or a secret rule (aws-access-key-id).
    Explain {
        /// Rule ID.
        rule: String,
    },
    /// Build, inspect and query the offline vulnerability database.
    Db(Deferred<db_cmd::DbArgs>),
    /// Inspect or empty the layer cache.
    Cache(Deferred<cache_cmd::CacheCmd>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Image(args) => image_cmd::run_image(&args, image_cmd::Mode::Image),
        Command::Rootfs(args) => image_cmd::run_image(&args, image_cmd::Mode::Rootfs),
        Command::Fs(args) => image_cmd::run_image(&args, image_cmd::Mode::Project),
        Command::Sbom(args) => image_cmd::run_sbom(&args),
        Command::Files(args) => image_cmd::run_files(&args),
        Command::Dockerfile(args) => lint_cmd::run(&args)
            .map(|code| u8::try_from(code).unwrap_or(1))
            .map_err(Into::into),
        Command::Vercmp { ecosystem, a, b } => vercmp(&ecosystem, &a, &b),
        Command::Explain { rule } => match sekisho_scan::rules::explain(&rule) {
            Some(text) => emit(&None, &text).map(|_| 0),
            None => Err(anyhow::anyhow!("unknown rule {rule:?}")),
        },
        Command::Db(args) => db_cmd::run(&args),
        Command::Cache(args) => cache_cmd::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // Messages quote names from the image; never let them drive the terminal.
            eprintln!("error: {}", sekisho_report::escape_control(&message(&e)));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes on one line, each said once: library errors often repeat their
/// cause in their own message, which `{:#}` would print twice.
fn message(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// The scan time: `SOURCE_DATE_EPOCH` when set (the reproducible-builds convention, so the same
/// input gives the same document), else the clock, to the second.
pub fn now() -> jiff::Timestamp {
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| jiff::Timestamp::now().as_second());
    jiff::Timestamp::from_second(epoch).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// Whether to colour output going to stdout: only on a terminal, and never with `NO_COLOR`.
pub fn use_color(output: &Option<PathBuf>) -> bool {
    output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Write `text` to `--output` or stdout.
pub fn emit(output: &Option<PathBuf>, text: &str) -> anyhow::Result<()> {
    match output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(Into::into),
            }
        }
    }
}

/// `sekisho vercmp`.
fn vercmp(ecosystem: &str, a: &str, b: &str) -> anyhow::Result<u8> {
    let eco = sekisho_version::Ecosystem::from_purl_type(ecosystem).ok_or_else(|| {
        let known: Vec<&str> = sekisho_version::Ecosystem::ALL
            .iter()
            .map(|e| e.as_str())
            .collect();
        anyhow::anyhow!(
            "unknown ecosystem {ecosystem:?}; one of {}",
            known.join(", ")
        )
    })?;
    let sign = match sekisho_version::compare(eco, a, b)? {
        std::cmp::Ordering::Less => "<",
        std::cmp::Ordering::Equal => "=",
        std::cmp::Ordering::Greater => ">",
    };
    emit(&None, &format!("{sign}\n")).map(|_| 0)
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// clap's consistency checks, run over every subcommand: building the command recursively
    /// runs the deferred argument definitions too.
    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// A deferred subcommand keeps the description of its variant, not its arguments' struct.
    #[test]
    fn subcommands_keep_their_descriptions() {
        let mut cli = Cli::command();
        cli.build();
        let about = |name: &str| {
            let sub = cli.find_subcommand(name).expect(name);
            (
                sub.get_about().map(ToString::to_string),
                sub.get_arguments().count(),
            )
        };
        let (image, image_args) = about("image");
        assert_eq!(
            image.as_deref(),
            Some("Scan an image archive or OCI layout: OS packages, configuration checks and secrets")
        );
        assert!(image_args > 10, "image has its arguments once built");
        let (lint, _) = about("dockerfile");
        assert_eq!(
            lint.as_deref(),
            Some("Lint Dockerfiles and Containerfiles (hadolint's rules and more)")
        );
    }
}
