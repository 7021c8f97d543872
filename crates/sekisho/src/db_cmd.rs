//! `sekisho db`: build the offline vulnerability database from feed sources, update it from
//! the upstream feeds, show its metadata, and query it by package.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use sekisho_advisory::{Database, Feed, Hit, HttpOptions, Mode, Progress, Range, UpdateOptions};
use serde_json::json;

use crate::db_oci;
use crate::registry_cmd::{self, RegistryArgs};
use sekisho_registry::{ClientOptions, Reference};

/// Arguments of `sekisho db`.
#[derive(Debug, clap::Args)]
pub struct DbArgs {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(Debug, clap::Subcommand)]
enum DbCommand {
    /// Build a database from feed sources (directories or .tar.gz archives of OSV, secdb,
    /// RustSec, security-wg, rubysec, FriendsOfPHP, Debian tracker or Red Hat CSAF data).
    Build {
        /// The database to write (replaced atomically; default: the cache location).
        #[arg(short = 'o', long, value_name = "DB")]
        output: Option<PathBuf>,
        /// Feed sources.
        #[arg(value_name = "SOURCE", required = true)]
        sources: Vec<PathBuf>,
        /// Do not print skipped records.
        #[arg(short = 'q', long)]
        quiet: bool,
    },
    /// Download the upstream feeds (OSV exports, Alpine, Wolfi and Chainguard secdb, the
    /// Debian tracker, Red Hat CSAF VEX) into a cache and rebuild the database from it. OSV
    /// ecosystems are updated incrementally after the first run, and so is the database when
    /// only OSV records changed.
    Update {
        /// The database to rebuild (default: $SEKISHO_DB, else the cache location).
        #[arg(long, value_name = "DB")]
        db: Option<PathBuf>,
        /// Fetch every feed from a mirror: URL/<feed name>/ with the upstream layout below
        /// it (URL/osv/npm/all.zip, URL/alpine-secdb/v3.20/main.json, …).
        #[arg(long, value_name = "URL")]
        mirror: Option<String>,
        /// The feed cache (default: feeds/ beside the database).
        #[arg(long, value_name = "DIR")]
        cache: Option<PathBuf>,
        /// Fetch only this feed (repeatable; default: all): osv, alpine-secdb, wolfi,
        /// chainguard, debian-tracker, redhat-csaf-vex, redhat-repository-to-cpe. The
        /// database is still built from every feed in the cache.
        #[arg(long = "feed", value_name = "NAME")]
        feeds: Vec<String>,
        /// Do not print skipped records.
        #[arg(short = 'q', long)]
        quiet: bool,
        /// Pull the database from a registry (pushed there with `db push`) instead of the
        /// feeds: a HEAD of the manifest first, and a download only when its digest differs
        /// from the last pull's.
        #[arg(long, value_name = "REF", conflicts_with_all = ["mirror", "cache", "feeds"])]
        from: Option<String>,
        #[command(flatten)]
        registry: RegistryArgs,
    },
    /// Publish the database as an OCI artifact (one zstd layer, artifact type
    /// application/vnd.sekisho.db.v1) to a registry tag.
    Push {
        /// Where to push: registry/repository:tag (localhost and 127.0.0.1 over plain HTTP).
        #[arg(value_name = "REF")]
        reference: String,
        /// The database to publish (default: $SEKISHO_DB, else the cache location).
        #[arg(long, value_name = "DB")]
        db: Option<PathBuf>,
        #[command(flatten)]
        registry: RegistryArgs,
    },
    /// Download a database published with `db push` and replace the local one atomically
    /// (checked: digest, size, and that it opens as a database of this schema).
    Pull {
        /// The artifact: registry/repository:tag or @digest.
        #[arg(value_name = "REF")]
        reference: String,
        /// The database to replace (default: $SEKISHO_DB, else the cache location).
        #[arg(long, value_name = "DB")]
        db: Option<PathBuf>,
        #[command(flatten)]
        registry: RegistryArgs,
    },
    /// Show the database's build time, schema and sources.
    Info {
        /// The database (default: $SEKISHO_DB, else the cache location).
        #[arg(long, value_name = "DB")]
        db: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the records for one package.
    Query {
        /// The ecosystem as a purl type (deb, rpm, apk, npm, pypi, maven, golang, cargo, gem,
        /// composer, nuget, …).
        ecosystem: String,
        /// The package name (Debian/Ubuntu source package, Alpine origin, Maven
        /// group:artifact, …).
        name: String,
        /// The distribution release (debian:12, alpine:3.18, ubuntu:22.04, wolfi, redhat:9);
        /// empty for language packages.
        #[arg(long, default_value = "")]
        distro: String,
        /// The database (default: $SEKISHO_DB, else the cache location).
        #[arg(long, value_name = "DB")]
        db: Option<PathBuf>,
        /// Output format.
        #[arg(short = 'f', long, default_value = "json", value_parser = ["json", "table"])]
        format: String,
    },
}

/// Runs `sekisho db …`; returns the exit code.
pub fn run(args: &DbArgs) -> anyhow::Result<u8> {
    match &args.command {
        DbCommand::Build {
            output,
            sources,
            quiet,
        } => {
            let output = resolve(output.clone())?;
            let start = Instant::now();
            let built = crate::now().to_string();
            let summary = sekisho_advisory::build(&output, sources, &built)?;
            db_oci::forget(&output);
            if !quiet {
                for w in &summary.warnings {
                    eprintln!(
                        "warning: {}",
                        sekisho_report::escape_control(&w.to_string())
                    );
                }
            }
            let records: u64 = summary.sources.iter().map(|s| s.row.records).sum();
            let affected: u64 = summary.sources.iter().map(|s| s.row.affected).sum();
            let size = std::fs::metadata(&output).map(|m| m.len()).unwrap_or(0);
            eprintln!(
                "{}: {records} advisories, {affected} affected packages from {} sources in {:.2} s ({:.1} MB); {} records skipped",
                output.display(),
                summary.sources.len(),
                start.elapsed().as_secs_f64(),
                size as f64 / 1e6,
                summary.warnings.len()
            );
            Ok(0)
        }
        DbCommand::Update {
            db,
            mirror,
            cache,
            feeds,
            quiet,
            from,
            registry,
        } => {
            let db = resolve(db.clone())?;
            if let Some(from) = from {
                let reference = Reference::parse(from)?;
                let options = client_options(&reference, registry)?;
                match db_oci::update_from(&db, &reference, options)? {
                    db_oci::Updated::Unchanged(digest) => {
                        eprintln!("{}: up to date with {reference}@{digest}", db.display())
                    }
                    db_oci::Updated::Pulled(p) => eprintln!("{}", pulled_line(&db, &reference, &p)),
                }
                return Ok(0);
            }
            let cache = cache.clone().unwrap_or_else(|| default_cache(&db));
            let opts = UpdateOptions {
                db: db.clone(),
                cache,
                feeds: Feed::defaults(),
                only: feeds.clone(),
                mirror: mirror.clone(),
                built: crate::now().to_string(),
                http: HttpOptions {
                    proxy: env_first(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]),
                    no_proxy: env_first(&["NO_PROXY", "no_proxy"]),
                    ..HttpOptions::default()
                },
            };
            let start = Instant::now();
            let tty = std::io::stderr().is_terminal();
            let mut shown = String::new();
            let mut progress = |p: Progress<'_>| {
                if !tty {
                    return;
                }
                let line = progress_line(&p);
                if line != shown {
                    eprint!("\r\x1b[2K{}", sekisho_report::escape_control(&line));
                    shown = line;
                }
            };
            let result = sekisho_advisory::update(&opts, &mut progress);
            if tty {
                eprint!("\r\x1b[2K");
            }
            let summary = result?;
            db_oci::forget(&db);
            for f in &summary.feeds {
                eprintln!("{}", sekisho_report::escape_control(&feed_line(f)));
            }
            if !quiet {
                for w in &summary.build.warnings {
                    eprintln!(
                        "warning: {}",
                        sekisho_report::escape_control(&w.to_string())
                    );
                }
            }
            if let Some(i) = &summary.incremental {
                eprintln!(
                    "{}: incremental update: {} changed record files read, {} advisories removed, {} inserted",
                    db.display(),
                    i.files,
                    i.removed,
                    i.added
                );
            }
            let records: u64 = summary.build.sources.iter().map(|s| s.row.records).sum();
            let affected: u64 = summary.build.sources.iter().map(|s| s.row.affected).sum();
            let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
            eprintln!(
                "{}: {records} advisories, {affected} affected packages from {} sources in {:.2} s ({:.1} MB); {} records skipped",
                db.display(),
                summary.build.sources.len(),
                start.elapsed().as_secs_f64(),
                size as f64 / 1e6,
                summary.build.warnings.len()
            );
            Ok(0)
        }
        DbCommand::Push {
            reference,
            db,
            registry,
        } => {
            let db = resolve(db.clone())?;
            let reference = Reference::parse(reference)?;
            let options = client_options(&reference, registry)?;
            let start = Instant::now();
            let p = db_oci::push(&db, &reference, options, &crate::now().to_string())?;
            eprintln!(
                "pushed {} as {reference}@{}: {:.1} MB, {:.1} MB zstd; {} blob(s) uploaded in {:.2} s",
                db.display(),
                p.digest,
                p.db_size as f64 / 1e6,
                p.layer_size as f64 / 1e6,
                p.uploaded,
                start.elapsed().as_secs_f64()
            );
            println!("{}", p.digest);
            Ok(0)
        }
        DbCommand::Pull {
            reference,
            db,
            registry,
        } => {
            let db = resolve(db.clone())?;
            let reference = Reference::parse(reference)?;
            let options = client_options(&reference, registry)?;
            let p = db_oci::pull(&db, &reference, options)?;
            eprintln!("{}", pulled_line(&db, &reference, &p));
            Ok(0)
        }
        DbCommand::Info { db, json } => {
            let path = resolve(db.clone())?;
            let info = Database::open(&path)?.info()?;
            let text = if *json {
                let sources: Vec<_> = info
                    .sources
                    .iter()
                    .map(|s| {
                        json!({"name": s.name, "format": s.format, "digest": s.digest,
                               "records": s.records, "affected": s.affected, "built": s.built})
                    })
                    .collect();
                let doc = json!({"path": info.path, "schema_version": info.schema_version, "built": info.built,
                                 "advisories": info.advisories, "affected": info.affected,
                                 "repositories": info.repositories, "size": info.size,
                                 "sources": sources});
                format!("{}\n", serde_json::to_string_pretty(&doc)?)
            } else {
                let mut t = format!(
                    "Database:   {}\nSchema:     {}\nBuilt:      {}\nAdvisories: {}\nAffected:   {}\n",
                    info.path.display(),
                    info.schema_version,
                    info.built,
                    info.advisories,
                    info.affected,
                );
                if info.repositories > 0 {
                    t.push_str(&format!(
                        "Repos:      {} (Red Hat repository to CPE map)\n",
                        info.repositories
                    ));
                }
                t.push_str(&format!("Size:       {} bytes\n\n", info.size));
                t.push_str(&format!(
                    "{:<22} {:<20} {:>8} {:>9}  {}\n",
                    "SOURCE", "FORMAT", "RECORDS", "AFFECTED", "SHA-256"
                ));
                for s in &info.sources {
                    t.push_str(&format!(
                        "{:<22} {:<20} {:>8} {:>9}  {}\n",
                        s.name, s.format, s.records, s.affected, s.digest
                    ));
                }
                t
            };
            crate::emit(&None, &escape_lines(&text))?;
            Ok(0)
        }
        DbCommand::Query {
            ecosystem,
            name,
            distro,
            db,
            format,
        } => {
            let path = resolve(db.clone())?;
            let db = Database::open(&path)?;
            let hits = db.lookup(ecosystem, distro, name)?;
            let mut out = String::new();
            if format == "table" {
                out.push_str(&format!(
                    "{:<24} {:<20} {:<20} {:<24} {}\n",
                    "ID", "SOURCE", "STATUS", "FIXED", "RANGES"
                ));
                for h in &hits {
                    out.push_str(&format!(
                        "{:<24} {:<20} {:<20} {:<24} {}\n",
                        h.id,
                        h.source,
                        h.affected.status.as_str(),
                        h.affected.fixed.as_deref().unwrap_or("-"),
                        ranges_text(h)
                    ));
                }
                out = escape_lines(&out);
            } else {
                for h in &hits {
                    let display = db.display(h.advisory_row)?;
                    let line = json!({
                        "id": h.id, "source": h.source, "aliases": h.aliases, "withdrawn": h.withdrawn,
                        "severity": h.severity, "ecosystem": h.affected.ecosystem, "distro": h.affected.distro,
                        "name": h.affected.name, "status": h.affected.status, "fixed": h.affected.fixed,
                        "package_severity": h.affected.severity, "ranges": h.affected.ranges,
                        "versions": h.affected.versions, "summary": display.summary,
                        "published": display.published, "modified": display.modified,
                        "references": display.references,
                    });
                    out.push_str(&serde_json::to_string(&line)?);
                    out.push('\n');
                }
            }
            crate::emit(&None, &out)?;
            Ok(0)
        }
    }
}

/// Client options for a database artifact: credentials and TLS as for images
/// (`registry_cmd`; no mirrors).
fn client_options(reference: &Reference, flags: &RegistryArgs) -> anyhow::Result<ClientOptions> {
    registry_cmd::client_options(reference, flags)
}

fn pulled_line(db: &Path, reference: &Reference, p: &db_oci::Pulled) -> String {
    let built = Database::open(db)
        .and_then(|d| d.info())
        .map(|i| format!("built {}, {} advisories", i.built, i.advisories))
        .unwrap_or_default();
    format!(
        "{}: pulled {reference}@{} ({:.1} MB zstd, {:.1} MB; {built})",
        db.display(),
        p.digest,
        p.layer_size as f64 / 1e6,
        p.db_size as f64 / 1e6
    )
}

/// Feed text (names, versions) must not drive the terminal: escape control characters line
/// by line.
fn escape_lines(text: &str) -> String {
    text.lines()
        .map(|l| format!("{}\n", sekisho_report::escape_control(l)))
        .collect()
}

fn ranges_text(h: &Hit) -> String {
    let mut parts = Vec::new();
    for r in &h.affected.ranges {
        match r {
            Range::Ecosystem { events } | Range::Semver { events } => {
                let ev: Vec<String> = events
                    .iter()
                    .map(|e| match e {
                        sekisho_advisory::Event::Introduced(v) => format!(">={v}"),
                        sekisho_advisory::Event::Fixed(v) => format!("<{v}"),
                        sekisho_advisory::Event::LastAffected(v) => format!("<={v}"),
                        sekisho_advisory::Event::Limit(v) => format!("limit {v}"),
                    })
                    .collect();
                parts.push(ev.join(" "));
            }
            Range::Constraint {
                vulnerable,
                patched,
                unaffected,
                ..
            } => {
                let mut c = Vec::new();
                if !vulnerable.is_empty() {
                    c.push(format!("vulnerable {}", vulnerable.join(" || ")));
                }
                if !patched.is_empty() {
                    c.push(format!("patched {}", patched.join(" || ")));
                }
                if !unaffected.is_empty() {
                    c.push(format!("unaffected {}", unaffected.join(" || ")));
                }
                parts.push(c.join("; "));
            }
        }
    }
    if !h.affected.versions.is_empty() {
        parts.push(format!("{} listed versions", h.affected.versions.len()));
    }
    parts.join(" | ")
}

/// The feed cache when `--cache` is not given: `feeds/` beside the database.
fn default_cache(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("feeds")
}

/// The first of these environment variables that is set and not empty (the proxy for
/// downloads: `HTTPS_PROXY`, else `ALL_PROXY`; the hosts it skips: `NO_PROXY`).
fn env_first(keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
}

fn progress_line(p: &Progress<'_>) -> String {
    match p {
        Progress::Download {
            feed, done, total, ..
        } => match total {
            Some(t) if *t > 0 => format!(
                "{feed}: downloading {:.1}/{:.1} MB",
                *done as f64 / 1e6,
                *t as f64 / 1e6
            ),
            _ => format!("{feed}: downloading {:.1} MB", *done as f64 / 1e6),
        },
        Progress::Records {
            feed,
            ecosystem,
            done,
            total,
        } => format!("{feed} {ecosystem}: {done}/{total} records"),
        Progress::Building => "building the database".into(),
    }
}

/// One line per feed: requests, bytes, and what happened to each part (parts the server
/// does not have are counted, not listed).
fn feed_line(f: &sekisho_advisory::FeedSummary) -> String {
    let mut parts: Vec<String> = f
        .parts
        .iter()
        .filter(|p| p.mode != Mode::Missing)
        .map(|p| {
            let mode = match p.mode {
                Mode::Full => "full",
                Mode::Incremental => "incremental",
                _ => "unchanged",
            };
            if p.records > 0 {
                format!("{} {mode} ({} records)", p.part, p.records)
            } else {
                format!("{} {mode}", p.part)
            }
        })
        .collect();
    let missing = f.parts.iter().filter(|p| p.mode == Mode::Missing).count();
    if missing > 0 {
        parts.push(format!("{missing} not on the server"));
    }
    format!(
        "{}: {} requests, {:.1} MB; {}",
        f.name,
        f.requests,
        f.bytes as f64 / 1e6,
        parts.join(", ")
    )
}

/// The database path: the flag, else `$SEKISHO_DB`, else `$XDG_CACHE_HOME/sekisho/db/sekisho.db`,
/// else `~/.cache/sekisho/db/sekisho.db`.
pub fn resolve(flag: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    default_path(flag, env("SEKISHO_DB"), env("XDG_CACHE_HOME"), env("HOME"))
        .context("no database path: pass --db, or set SEKISHO_DB, XDG_CACHE_HOME or HOME")
}

fn default_path(
    flag: Option<PathBuf>,
    sekisho_db: Option<PathBuf>,
    xdg_cache: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Option<PathBuf> {
    let cache = |base: &Path| base.join("sekisho").join("db").join("sekisho.db");
    flag.or(sekisho_db)
        .or_else(|| xdg_cache.filter(|p| p.is_absolute()).map(|p| cache(&p)))
        .or_else(|| home.map(|h| cache(&h.join(".cache"))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_beside_the_database() {
        assert_eq!(
            default_cache(Path::new("/c/sekisho/db/sekisho.db")),
            PathBuf::from("/c/sekisho/db/feeds")
        );
        assert_eq!(default_cache(Path::new("x.db")), PathBuf::from("./feeds"));
    }

    #[test]
    fn default_paths() {
        let p = |s: &str| Some(PathBuf::from(s));
        assert_eq!(default_path(p("x.db"), p("/e.db"), None, None), p("x.db"));
        assert_eq!(default_path(None, p("/e.db"), p("/c"), p("/h")), p("/e.db"));
        assert_eq!(
            default_path(None, None, p("/c"), p("/h")),
            p("/c/sekisho/db/sekisho.db")
        );
        assert_eq!(
            default_path(None, None, p("rel"), p("/h")),
            p("/h/.cache/sekisho/db/sekisho.db")
        );
        assert_eq!(default_path(None, None, None, None), None);
    }
}
