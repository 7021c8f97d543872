//! `sekisho image`, `rootfs`, `sbom` and `files`.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use std::io::IsTerminal;

use sekisho_image::{ImageScan, Platform, Progress, ScanOptions, Source, SourceKind};
use sekisho_sbom::{Inventory, SourceInfo};

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
    /// SARIF 2.1.0 (audit findings only).
    Sarif,
}

/// Options shared by `image` and `rootfs`.
#[derive(Args)]
pub struct ImageArgs {
    /// docker-archive (.tar, .tar.gz, .tar.zst), OCI layout dir or archive, or a directory;
    /// prefixes docker-archive:, oci-dir:, oci-archive:, dir: force a format; PATH:TAG selects.
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
    pub audit: sekisho_audit::cli::AuditArgs,
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
}

fn options(platform: &Option<String>) -> anyhow::Result<ScanOptions> {
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
        ..ScanOptions::default()
    })
}

fn parse_source(source: &str, force_dir: bool) -> anyhow::Result<Source> {
    let mut src = Source::parse(source)?;
    if force_dir {
        if !src.path.is_dir() {
            bail!("{}: not a directory", src.path.display());
        }
        src.kind = Some(SourceKind::Dir);
    }
    Ok(src)
}

/// Scan an image and build its inventory.
pub fn inventory(
    source: &str,
    force_dir: bool,
    platform: &Option<String>,
) -> anyhow::Result<Inventory> {
    let src = parse_source(source, force_dir)?;
    let opts = options(platform)?;
    let scan = sekisho_image::scan(&src, &opts, &sekisho_inventory::InventoryVisitor)?;
    Ok(build_inventory(&scan))
}

/// Turn a finished scan into the inventory report.
pub fn build_inventory<O: sekisho_inventory::Captured>(scan: &ImageScan<O>) -> Inventory {
    let info = &scan.info;
    let os_inv = sekisho_inventory::collect(scan);
    let cfg = &info.config;
    let platform = if cfg.os.is_empty() {
        String::new()
    } else {
        match &cfg.variant {
            Some(v) => format!("{}/{}/{v}", cfg.os, cfg.architecture),
            None => format!("{}/{}", cfg.os, cfg.architecture),
        }
    };
    let mut warnings = scan.warnings.clone();
    warnings.extend(os_inv.warnings);
    Inventory {
        schema_version: sekisho_sbom::SCHEMA_VERSION.to_string(),
        source: SourceInfo {
            input: info.input.clone(),
            kind: info.kind.prefix().to_string(),
            tags: info.tags.clone(),
            manifest_digest: info.manifest_digest.clone(),
            image_id: info.config_digest.clone(),
            platform,
            layers: sekisho_inventory::layer_refs(info),
        },
        os: os_inv.os,
        packages: os_inv.packages,
        warnings,
    }
}

fn render(inv: &Inventory, format: Format, color: bool) -> anyhow::Result<String> {
    render_with_findings(inv, None, format, color)
}

/// Render the inventory, and the audit findings when the audit ran.
fn render_with_findings(
    inv: &Inventory,
    findings: Option<&[sekisho_audit::Finding]>,
    format: Format,
    color: bool,
) -> anyhow::Result<String> {
    match (format, findings) {
        (Format::Table, Some(findings)) => {
            return Ok(format!(
                "{}\n{}",
                sekisho_sbom::table::render(inv, color),
                sekisho_audit::render_table(findings, color)
            ))
        }
        (Format::Json, Some(findings)) => {
            let mut report = serde_json::to_value(inv)?;
            let audit: serde_json::Value =
                serde_json::from_str(&sekisho_audit::render_json(findings))?;
            report["findings"] = audit["findings"].clone();
            report["findings_summary"] = audit["summary"].clone();
            return Ok(serde_json::to_string_pretty(&report)? + "\n");
        }
        (Format::Sarif, Some(findings)) => return Ok(sekisho_audit::render_sarif(findings)),
        (Format::Sarif, None) => {
            bail!("--format sarif reports audit findings: enable --scanners config or secret")
        }
        _ => {}
    }
    let pretty = |v: serde_json::Value| -> anyhow::Result<String> {
        Ok(serde_json::to_string_pretty(&v)? + "\n")
    };
    match format {
        Format::Table => Ok(sekisho_sbom::table::render(inv, color)),
        Format::Json => Ok(sekisho_sbom::render_json(inv)?),
        Format::Cyclonedx => pretty(sekisho_sbom::cyclonedx::render(inv)),
        Format::SpdxJson => pretty(sekisho_sbom::spdx::render(inv)),
        Format::Sarif => unreachable!("handled above"),
    }
}

/// `sekisho image` / `sekisho rootfs`: inventory, plus the audit unless `--scanners` turns it off.
pub fn run_image(args: &ImageArgs, force_dir: bool) -> anyhow::Result<u8> {
    let color = crate::use_color(&args.output);
    if !args.audit.enabled() {
        let inv = inventory(&args.source, force_dir, &args.platform)?;
        crate::emit(&args.output, &render(&inv, args.format, color)?)?;
        return Ok(0);
    }
    let src = parse_source(&args.source, force_dir)?;
    let opts = options(&args.platform)?;
    let mut audit_opts = args.audit.to_options()?;
    audit_opts.source_path = Some(src.path.clone());
    let visitor = sekisho_audit::AuditVisitor::new(&audit_opts)?;
    let scan = sekisho_image::scan(&src, &opts, &visitor)?;
    let inv = build_inventory(&scan);
    let mut findings = sekisho_audit::audit(&scan, &inv.packages, &audit_opts);
    if let Some(dockerfile) = &args.audit.dockerfile {
        let lint = sekisho_audit::dockerfile::lint(dockerfile)?;
        findings = sekisho_audit::dockerfile::merge(findings, lint);
    }
    let text = render_with_findings(&inv, Some(&findings), args.format, color)?;
    crate::emit(&args.output, &text)?;
    let code = sekisho_audit::exit_code(&findings, args.audit.exit_level, args.audit.exit_code);
    Ok(u8::try_from(code).unwrap_or(1))
}

/// `sekisho sbom`.
pub fn run_sbom(args: &SbomArgs) -> anyhow::Result<u8> {
    let inv = inventory(&args.source, false, &args.platform)?;
    let text = render(&inv, args.format, crate::use_color(&args.output))?;
    crate::emit(&args.output, &text)?;
    Ok(0)
}

/// `sekisho files`.
pub fn run_files(args: &FilesArgs) -> anyhow::Result<u8> {
    let src = Source::parse(&args.source)?;
    let mut opts = options(&args.platform)?;
    opts.hash_files = args.hash;
    let scan = sekisho_image::scan(&src, &opts, &sekisho_image::NoVisitor)?;
    for w in &scan.warnings {
        eprintln!("warning: {w}");
    }
    crate::emit(&args.output, &scan.fs.to_tsv())?;
    Ok(0)
}
