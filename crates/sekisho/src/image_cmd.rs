//! `sekisho image`, `rootfs`, `sbom` and `files`.

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use std::io::IsTerminal;

use sekisho_image::{ImageScan, Platform, Progress, ScanOptions, Source, SourceKind};
use sekisho_sbom::{Inventory, LayerRef, SourceInfo};

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

/// Scan an image and build its inventory.
pub fn inventory(
    source: &str,
    force_dir: bool,
    platform: &Option<String>,
) -> anyhow::Result<Inventory> {
    let mut src = Source::parse(source)?;
    if force_dir {
        if !src.path.is_dir() {
            bail!("{}: not a directory", src.path.display());
        }
        src.kind = Some(SourceKind::Dir);
    }
    let opts = options(platform)?;
    let scan = sekisho_image::scan(&src, &opts, &sekisho_inventory::InventoryVisitor)?;
    Ok(build_inventory(&scan))
}

/// Turn a finished scan into the inventory report.
pub fn build_inventory<O: sekisho_inventory::Captured>(scan: &ImageScan<O>) -> Inventory {
    let info = &scan.info;
    let layers: Vec<LayerRef> = info
        .layers
        .iter()
        .enumerate()
        .map(|(index, l)| LayerRef {
            index,
            digest: l.digest.clone(),
            diff_id: l.diff_id.clone(),
            created_by: l.created_by.clone(),
        })
        .collect();
    let os_inv = sekisho_inventory::collect(scan, &layers);
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
            layers,
        },
        os: os_inv.os,
        packages: os_inv.packages,
        warnings,
    }
}

fn render(inv: &Inventory, format: Format, color: bool) -> anyhow::Result<String> {
    let pretty = |v: serde_json::Value| -> anyhow::Result<String> {
        Ok(serde_json::to_string_pretty(&v)? + "\n")
    };
    match format {
        Format::Table => Ok(sekisho_sbom::table::render(inv, color)),
        Format::Json => Ok(sekisho_sbom::render_json(inv)?),
        Format::Cyclonedx => pretty(sekisho_sbom::cyclonedx::render(inv)),
        Format::SpdxJson => pretty(sekisho_sbom::spdx::render(inv)),
    }
}

/// `sekisho image` / `sekisho rootfs`.
pub fn run_image(args: &ImageArgs, force_dir: bool) -> anyhow::Result<u8> {
    let inv = inventory(&args.source, force_dir, &args.platform)?;
    let text = render(&inv, args.format, crate::use_color(&args.output))?;
    crate::emit(&args.output, &text)?;
    Ok(0)
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
