//! The layer cache from the command line: where it lives (`--cache-dir`, `$SEKISHO_CACHE_DIR`,
//! `$XDG_CACHE_HOME/sekisho/layers`, `~/.cache/sekisho/layers`), `--no-cache`, its size limit,
//! and `sekisho cache info|clean`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use sekisho_cache::DirCache;

/// Layer cache options of the scanning commands.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Layer cache")]
pub struct CacheArgs {
    /// Do not read or write the layer cache (also `SEKISHO_NO_CACHE=1`).
    #[arg(long)]
    pub no_cache: bool,
    /// The layer cache directory [default: $SEKISHO_CACHE_DIR, else
    /// $XDG_CACHE_HOME/sekisho/layers, else ~/.cache/sekisho/layers].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Largest size of the layer cache; the least recently used layers are dropped past it.
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = crate::limit_args::parse_size)]
    pub cache_size: u64,
}

impl CacheArgs {
    /// The cache these options ask for, or `None` (turned off, or no place for it).
    pub fn open(&self) -> Option<DirCache> {
        let off = std::env::var("SEKISHO_NO_CACHE").is_ok_and(|v| !v.is_empty() && v != "0");
        if self.no_cache || off {
            return None;
        }
        let root = resolve_dir(self.cache_dir.clone())?;
        Some(DirCache::new(root, &namespace(), self.cache_size))
    }
}

/// `sekisho cache` arguments.
#[derive(Debug, Args)]
pub struct CacheCmd {
    /// What to do.
    #[command(subcommand)]
    pub action: CacheAction,
    /// The layer cache directory (defaults as for `sekisho image`).
    #[arg(long, value_name = "DIR", global = true)]
    pub cache_dir: Option<PathBuf>,
}

/// `sekisho cache` subcommands.
#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// Where the layer cache is, how many layers and bytes it holds.
    Info,
    /// Remove every cached layer.
    Clean,
}

/// The cache directory: the flag, else `$SEKISHO_CACHE_DIR`, else the XDG cache home.
fn resolve_dir(flag: Option<PathBuf>) -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let layers = |base: PathBuf| base.join("sekisho").join("layers");
    flag.or_else(|| env("SEKISHO_CACHE_DIR"))
        .or_else(|| {
            env("XDG_CACHE_HOME")
                .filter(|p| p.is_absolute())
                .map(layers)
        })
        .or_else(|| env("HOME").map(|h| layers(h.join(".cache"))))
}

/// Which build writes the entries: the version, and the executable's size and modification
/// time, so a rebuilt binary (new analyzers) never reads an older build's results.
fn namespace() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {modified}", m.len())
        })
        .unwrap_or_default();
    format!("sekisho {} {exe}", env!("CARGO_PKG_VERSION"))
}

/// After a scan: keep the cache within its size (a failure is only a warning).
pub fn trim(cache: &DirCache) {
    if let Err(e) = cache.trim() {
        eprintln!("warning: {e}");
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// `sekisho cache info|clean`.
pub fn run(cmd: &CacheCmd) -> anyhow::Result<u8> {
    let root = resolve_dir(cmd.cache_dir.clone()).context(
        "no cache directory: pass --cache-dir, or set SEKISHO_CACHE_DIR, XDG_CACHE_HOME or HOME",
    )?;
    let cache = DirCache::new(&root, &namespace(), u64::MAX);
    match cmd.action {
        CacheAction::Info => {
            let info = cache.info()?;
            let when = |t: Option<std::time::SystemTime>| {
                t.and_then(|t| jiff::Timestamp::try_from(t).ok())
                    .map_or_else(
                        || "-".to_string(),
                        |t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    )
            };
            println!("directory:     {}", root.display());
            println!("layers:        {}", info.entries);
            println!("size:          {}", size(info.bytes));
            println!("least recent:  {}", when(info.oldest));
            println!("most recent:   {}", when(info.newest));
            if info.temp_files > 0 {
                println!(
                    "being written: {} (or left by a killed scan)",
                    info.temp_files
                );
            }
        }
        CacheAction::Clean => {
            let removed = cache.clean()?;
            println!(
                "removed {} cached layers ({}) from {}",
                removed.entries,
                size(removed.bytes),
                root.display()
            );
        }
    }
    Ok(0)
}
