//! `sekisho image`, `rootfs`, `sbom` and `files`: arguments to a scan request, the report to
//! the chosen format, findings to an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use sekisho_audit::AuditOptions;
use sekisho_image::{Cache, Platform, Progress, ScanOptions, Source};
use sekisho_model::{DockleLevel, Report, Severity};
use sekisho_scan::filter::Filters;
use sekisho_scan::{DockerfileInput, Profile, ScanRequest, Scanners};

/// Output formats for the inventory.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Human-readable table.
    Table,
    /// sekisho's JSON report (schema/report.schema.json).
    Json,
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    SpdxJson,
    /// SARIF 2.1.0 (findings only).
    Sarif,
    /// GitLab dependency-scanning report (vulnerabilities only).
    GitlabDs,
}

/// Options shared by `image` and `rootfs`.
#[derive(Args)]
pub struct ImageArgs {
    /// docker-archive (.tar, .tar.gz, .tar.zst), OCI layout dir or archive, or a directory;
    /// prefixes docker-archive:, oci-dir:, oci-archive:, dir: force a format; PATH:TAG selects;
    /// docker:IMAGE and podman:IMAGE export it from the local daemon; anything else (or
    /// registry:REF) is an image reference pulled from its registry.
    pub source: String,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Platform to pick from a multi-platform index: os/arch[/variant].
    #[arg(long)]
    pub platform: Option<String>,
    /// Audit options (configuration checks and secrets).
    #[command(flatten)]
    pub audit: AuditArgs,
    /// Registry options (images by reference).
    #[command(flatten)]
    pub registry: crate::registry_cmd::RegistryArgs,
    /// Safety limits.
    #[command(flatten)]
    pub limits: crate::limit_args::LimitArgs,
    /// Layer cache.
    #[command(flatten)]
    pub cache: crate::cache_cmd::CacheArgs,
}

/// A scanner that `--scanners` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScannerKind {
    /// Configuration, history and filesystem checks.
    Config,
    /// Secrets in files, ENV, labels and history.
    Secret,
    /// Known vulnerabilities of OS and language packages (needs a database: `sekisho db`).
    Vuln,
}

fn parse_level(s: &str) -> Result<DockleLevel, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// The audit's flags (Dockle's where Dockle has them).
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Scanners to run, comma-separated [default: config,secret, and vuln when a database
    /// exists].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub scanners: Option<Vec<ScannerKind>>,
    /// Only report findings of these severities (comma-separated: UNKNOWN, LOW, MEDIUM,
    /// HIGH, CRITICAL).
    #[arg(long, value_delimiter = ',', value_parser = parse_severity)]
    pub severity: Vec<Severity>,
    /// A VEX document (OpenVEX, CycloneDX VEX, CSAF VEX; repeatable): vulnerabilities it
    /// says do not affect a package (`not_affected`, `fixed`) move to `suppressed` in JSON,
    /// with the reason.
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,
    /// Leave out development, test and optional dependencies (lockfiles mark them; they are
    /// reported, marked, by default) and their vulnerabilities.
    #[arg(long)]
    pub exclude_dev: bool,
    /// Do not report vulnerabilities that have no fixed version yet.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Also match third-party OS packages (a vendor's build: nginx.org, Docker, Microsoft,
    /// remi; each package's `third_party` says why it is one) against the distribution's
    /// advisories. Off by default: those describe the distribution's own builds.
    #[arg(long)]
    pub match_third_party: bool,
    /// Do not report vulnerabilities with these statuses (comma-separated: affected-no-fix,
    /// will-not-fix, fix-deferred, end-of-life, under-investigation).
    #[arg(long, value_delimiter = ',', value_name = "STATUS")]
    pub ignore_status: Vec<String>,
    /// Ignore file: `ID [pkg:PURL-PREFIX] [exp:YYYY-MM-DD] [# reason]` per line [default:
    /// .sekishoignore and .trivyignore in the current directory, if present].
    #[arg(long, value_name = "PATH")]
    pub ignorefile: Vec<PathBuf>,
    /// The vulnerability database [default: $SEKISHO_DB, else
    /// $XDG_CACHE_HOME/sekisho/db/sekisho.db, else ~/.cache/sekisho/db/sekisho.db].
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Exit with this code when a finding is at --exit-level or above (0: always exit 0).
    #[arg(long, default_value_t = 0)]
    pub exit_code: i32,
    /// Lowest level that makes --exit-code apply: info, warn, fatal (or low, medium, high,
    /// critical).
    #[arg(long, default_value = "warn", value_parser = parse_level)]
    pub exit_level: DockleLevel,
    /// Fail (exit 1, or --exit-code) when a finding is at this level or above: low, medium,
    /// high, critical (or info, warn, fatal). Grype's `--fail-on`; sets --exit-level.
    #[arg(long, alias = "fail-on", value_name = "LEVEL", value_parser = parse_level)]
    pub exit_on: Option<DockleLevel>,
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

impl AuditArgs {
    /// The level and exit code of the findings gate: `--exit-on LEVEL` alone fails with 1.
    fn exit_gate(&self) -> (DockleLevel, i32) {
        match self.exit_on {
            Some(level) if self.exit_code == 0 => (level, 1),
            Some(level) => (level, self.exit_code),
            None => (self.exit_level, self.exit_code),
        }
    }

    /// The scanners asked for, and the database when the vulnerability scanner runs. Without
    /// `--scanners`, vulnerabilities are looked for when the database exists; asked for
    /// explicitly, a missing database is an error saying how to get one.
    fn scanners(&self) -> anyhow::Result<(Scanners, Option<PathBuf>)> {
        let db = crate::db_cmd::resolve(self.db.clone()).ok();
        let has_db = db.as_deref().is_some_and(Path::is_file);
        let list = match &self.scanners {
            Some(list) => list.clone(),
            None if has_db => vec![ScannerKind::Config, ScannerKind::Secret, ScannerKind::Vuln],
            None => vec![ScannerKind::Config, ScannerKind::Secret],
        };
        let scanners = Scanners {
            config: list.contains(&ScannerKind::Config),
            secret: list.contains(&ScannerKind::Secret),
            vuln: list.contains(&ScannerKind::Vuln),
        };
        if scanners.vuln && !has_db {
            let path = db
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "(no path: set --db or SEKISHO_DB)".to_string());
            bail!(
                "no vulnerability database at {path}: get one with `sekisho db update --db {path}` \
                 (or `sekisho db build --output {path} FEED...`), pass --db FILE, or leave vuln \
                 out of --scanners"
            );
        }
        Ok((scanners, if scanners.vuln { db } else { None }))
    }

    /// The finding filters: `--severity`, `--ignore-unfixed`, `--ignore-status` and the
    /// ignore files (`--ignorefile`, else `.sekishoignore` and `.trivyignore` in `cwd`).
    fn filters(&self, cwd: &Path, clock: jiff::Timestamp) -> anyhow::Result<Filters> {
        let mut filters = Filters {
            severities: self.severity.clone(),
            ignore_unfixed: self.ignore_unfixed,
            ignore_status: self.ignore_status.clone(),
            ignore: Vec::new(),
            today: Some(clock.to_zoned(jiff::tz::TimeZone::UTC).date()),
        };
        let files: Vec<(PathBuf, bool)> = if self.ignorefile.is_empty() {
            [".sekishoignore", ".trivyignore"]
                .iter()
                .map(|n| (cwd.join(n), false))
                .collect()
        } else {
            self.ignorefile.iter().map(|p| (p.clone(), true)).collect()
        };
        for (file, explicit) in files {
            match std::fs::read_to_string(&file) {
                Ok(text) => filters.ignore.extend(
                    sekisho_scan::filter::parse_ignore_file(&text)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?,
                ),
                Err(e) if explicit || e.kind() != std::io::ErrorKind::NotFound => {
                    bail!("reading {}: {e}", file.display())
                }
                Err(_) => {}
            }
        }
        Ok(filters)
    }

    /// Apply the `--vex` documents to `report`.
    fn apply_vex(&self, report: &mut Report) -> anyhow::Result<()> {
        let mut statements = Vec::new();
        for file in &self.vex {
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            statements.extend(
                sekisho_scan::vex::parse(&bytes, &file.display().to_string())
                    .map_err(|e| anyhow::anyhow!(e))?,
            );
        }
        if let Some(findings) = report.findings.as_mut() {
            report.suppressed = sekisho_scan::vex::apply(&statements, findings);
        }
        Ok(())
    }

    /// The audit options: accepted keys and files, ignores from `--ignore` and the ignore file
    /// (`--dockleignore`, else `.dockleignore` in `cwd` if it exists; an explicitly named file
    /// that cannot be read is an error), today's date (UTC) from `clock` for end-of-support
    /// checks.
    fn to_options(&self, cwd: &Path, clock: jiff::Timestamp) -> anyhow::Result<AuditOptions> {
        let (scanners, _) = self.scanners()?;
        let mut opts = AuditOptions {
            config: scanners.config,
            secret: scanners.secret,
            accept_keys: self.accept_key.clone(),
            accept_files: self.accept_file.clone(),
            secret_config: self.secret_config.clone(),
            today: Some(clock.to_zoned(jiff::tz::TimeZone::UTC).date()),
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
                return Err(anyhow::anyhow!("reading {}: {e}", file.display()))
            }
            Err(_) => {}
        }
        Ok(opts)
    }
}

/// Options of `sbom`.
#[derive(Args)]
pub struct SbomArgs {
    /// The image, as for `sekisho image`.
    pub source: String,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Cyclonedx)]
    pub format: Format,
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Platform to pick from a multi-platform index: os/arch[/variant].
    #[arg(long)]
    pub platform: Option<String>,
    /// Registry options (images by reference).
    #[command(flatten)]
    pub registry: crate::registry_cmd::RegistryArgs,
    /// Safety limits.
    #[command(flatten)]
    pub limits: crate::limit_args::LimitArgs,
    /// Layer cache.
    #[command(flatten)]
    pub cache: crate::cache_cmd::CacheArgs,
}

/// Options of `files`.
#[derive(Args)]
pub struct FilesArgs {
    /// The image, as for `sekisho image`.
    pub source: String,
    /// Compute the SHA-256 of every file.
    #[arg(long)]
    pub hash: bool,
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Platform to pick from a multi-platform index: os/arch[/variant].
    #[arg(long)]
    pub platform: Option<String>,
    /// Safety limits.
    #[command(flatten)]
    pub limits: crate::limit_args::LimitArgs,
}

fn options(
    platform: &Option<String>,
    limits: &crate::limit_args::LimitArgs,
) -> anyhow::Result<ScanOptions> {
    let platform = match platform {
        Some(p) => Some(
            Platform::parse(p)
                .with_context(|| format!("--platform {p:?}: expected os/arch[/variant]"))?,
        ),
        None => None,
    };
    // Progress goes to stderr, and only when a person is watching it.
    let progress = std::io::stderr().is_terminal().then(|| {
        Progress(std::sync::Arc::new(|done: usize, total: usize| {
            if done == total {
                eprint!("\r\x1b[2K");
            } else {
                eprint!("\rreading layers {done}/{total}");
            }
        }))
    });
    Ok(ScanOptions {
        platform,
        progress,
        limits: limits.to_limits(),
        ..ScanOptions::default()
    })
}

fn parse_source(
    source: &str,
    force_dir: bool,
    registry: &crate::registry_cmd::RegistryArgs,
) -> anyhow::Result<Source> {
    if !force_dir {
        if let Some(local) = crate::daemon_cmd::daemon_source(source)? {
            return Ok(local);
        }
        if let Some(remote) = crate::registry_cmd::registry_source(source, registry)? {
            return Ok(remote);
        }
        return Ok(Source::parse(source)?);
    }
    let path = source.strip_prefix("dir:").unwrap_or(source);
    if !Path::new(path).is_dir() {
        bail!("{path}: not a directory");
    }
    Ok(Source::rootfs(source, path))
}

fn render(report: &Report, format: Format, color: bool) -> anyhow::Result<String> {
    match format {
        Format::Table => Ok(sekisho_report::render_table(report, color)),
        Format::Json => Ok(sekisho_report::render_json(report)?),
        Format::Cyclonedx => Ok(sekisho_sbom::cyclonedx::render(report)),
        Format::SpdxJson => Ok(sekisho_sbom::spdx::render(report)),
        Format::Sarif if report.findings.is_none() => {
            bail!("--format sarif reports findings: enable --scanners config or secret")
        }
        Format::Sarif => Ok(sekisho_report::render_sarif(report)),
        Format::GitlabDs => Ok(sekisho_report::render_gitlab_dependency_scanning(report)),
    }
}

/// What the source of `image`, `rootfs` and `fs` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// An image (archive, layout), or a directory with a `dir:` prefix.
    Image,
    /// A root filesystem directory.
    Rootfs,
    /// A project directory.
    Project,
}

/// `sekisho image` / `rootfs` / `fs`: inventory, plus the audit unless `--scanners` turns it
/// off.
pub fn run_image(args: &ImageArgs, mode: Mode) -> anyhow::Result<u8> {
    if let Some(file) = args.source.strip_prefix("sbom:") {
        return run_sbom_scan(args, Path::new(file));
    }
    let now = crate::now();
    let mut request = ScanRequest::new(
        parse_source(&args.source, mode != Mode::Image, &args.registry)?,
        now,
    );
    if mode == Mode::Project {
        request.profile = Profile::Project;
    }
    request.image = options(&args.platform, &args.limits)?;
    // Only images have layers to cache; a directory is read as it is.
    let cache = (mode == Mode::Image).then(|| args.cache.open()).flatten();
    request.image.cache = cache.clone().map(|c| Cache(Arc::new(c)));
    (request.scanners, request.db) = args.audit.scanners()?;
    request.matching.match_third_party = args.audit.match_third_party;
    // The configuration checks read an image's config and history; a project has neither.
    request.scanners.config &= mode != Mode::Project;
    // End of support is judged on the real date, whatever SOURCE_DATE_EPOCH says.
    request.audit = args
        .audit
        .to_options(Path::new("."), jiff::Timestamp::now())?;
    request.audit.source_path = request.source.path().map(Path::to_path_buf);
    if let Some(path) = &args.audit.dockerfile {
        let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        request.dockerfile = Some(DockerfileInput {
            name: path.display().to_string(),
            text: String::from_utf8_lossy(&text).into_owned(),
        });
    }
    let mut report = sekisho_scan::scan(&request)?;
    if let Some(cache) = &cache {
        crate::cache_cmd::trim(cache);
    }
    args.audit.apply_vex(&mut report)?;
    let filters = args.audit.filters(Path::new("."), jiff::Timestamp::now())?;
    if let Some(findings) = report.findings.as_mut() {
        filters.apply(findings);
    }
    if args.audit.exclude_dev {
        sekisho_scan::filter::exclude_dev(&mut report);
    }
    crate::emit(
        &args.output,
        &render(&report, args.format, crate::use_color(&args.output))?,
    )?;
    let (level, code) = args.audit.exit_gate();
    let code = sekisho_scan::exit_code(report.findings(), level, code);
    Ok(u8::try_from(code).unwrap_or(1))
}

/// `sekisho image sbom:FILE`: the packages of a CycloneDX, SPDX or Syft JSON SBOM (from
/// sekisho, Syft or Trivy) matched against the vulnerability database, without the image.
fn run_sbom_scan(args: &ImageArgs, file: &Path) -> anyhow::Result<u8> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let mut report = sekisho_sbom::read::read(&bytes, &file.display().to_string())?;
    report.created = crate::now();
    let (scanners, db) = args.audit.scanners()?;
    let mut request = ScanRequest::new(Source::rootfs(&args.source, file), report.created);
    request.audit.ignore = args.audit.ignore.iter().cloned().collect();
    request.matching.match_third_party = args.audit.match_third_party;
    // An SBOM lists packages: only the vulnerability scanner applies.
    request.scanners = Scanners {
        vuln: scanners.vuln,
        ..Scanners::default()
    };
    match db.filter(|_| scanners.vuln) {
        Some(path) => {
            let db = sekisho_advisory::Database::open(&path)?;
            sekisho_scan::add_vulnerabilities(&request, &db, &mut report)?;
        }
        None => report.warnings.push(
            "no vulnerability database: only the packages are listed (see `sekisho db build`)"
                .to_string(),
        ),
    }
    args.audit.apply_vex(&mut report)?;
    let filters = args.audit.filters(Path::new("."), jiff::Timestamp::now())?;
    if let Some(findings) = report.findings.as_mut() {
        filters.apply(findings);
    }
    crate::emit(
        &args.output,
        &render(&report, args.format, crate::use_color(&args.output))?,
    )?;
    let (level, code) = args.audit.exit_gate();
    let code = sekisho_scan::exit_code(report.findings(), level, code);
    Ok(u8::try_from(code).unwrap_or(1))
}

/// `sekisho sbom`.
pub fn run_sbom(args: &SbomArgs) -> anyhow::Result<u8> {
    let mut request = ScanRequest::new(
        parse_source(&args.source, false, &args.registry)?,
        crate::now(),
    );
    request.image = options(&args.platform, &args.limits)?;
    let cache = args.cache.open();
    request.image.cache = cache.clone().map(|c| Cache(Arc::new(c)));
    let report = sekisho_scan::scan(&request)?;
    if let Some(cache) = &cache {
        crate::cache_cmd::trim(cache);
    }
    let text = render(&report, args.format, crate::use_color(&args.output))?;
    crate::emit(&args.output, &text)?;
    Ok(0)
}

/// `sekisho files`.
pub fn run_files(args: &FilesArgs) -> anyhow::Result<u8> {
    let src = Source::parse(&args.source)?;
    let mut opts = options(&args.platform, &args.limits)?;
    opts.hash_files = args.hash;
    let scan = sekisho_image::scan(&src, &opts, &sekisho_image::NoVisitor)?;
    for w in &scan.warnings {
        eprintln!("warning: {}", sekisho_report::escape_control(w));
    }
    crate::emit(&args.output, &scan.fs.to_tsv())?;
    Ok(0)
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
    fn parses_audit_flags() {
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
        assert_eq!(c.audit.scanners, Some(vec![ScannerKind::Secret]));
        assert_eq!(c.audit.exit_level, DockleLevel::Fatal);
        let dir = std::env::temp_dir().join(format!("sekisho-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".dockleignore"), "# comment\nCIS-DI-0006\n\n").unwrap();
        let now = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        let o = c.audit.to_options(&dir, now).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!o.config && o.secret);
        assert_eq!(o.accept_keys, ["A", "B"]);
        assert_eq!(o.today, Some(jiff::civil::date(2023, 11, 14)));
        assert!(o.ignores("CIS-DI-0001") && o.ignores("DKL-DI-0006") && o.ignores("CIS-DI-0006"));
        let d = Cmd::parse_from(["x"]);
        assert_eq!(d.audit.scanners, None);
        assert_eq!(d.audit.exit_level, DockleLevel::Warn);
        let bad = Cmd::parse_from(["x", "--dockleignore", "/nonexistent/.dockleignore"]);
        assert!(bad.audit.to_options(Path::new("."), now).is_err());
    }
}
