//! Scan directory trees (e.g. unpacked image layers) and print the findings.
//!
//! ```text
//! cargo run --release -p sekisho-secret --example scan_tree -- [--config trivy-secret.yaml] DIR...
//! ```
//!
//! Prints one line per finding (`path:line rule severity masked sha256-prefix`), then how many
//! files and bytes were scanned or skipped and the throughput in MB/s of scanned content.

use sekisho_secret::{Config, Scanner};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Stats {
    files: usize,
    scanned_files: usize,
    scanned_bytes: u64,
    skipped: usize,
    findings: usize,
    scan_time: Duration,
}

fn walk(scanner: &Scanner, root: &Path, dir: &Path, stats: &mut Stats) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            walk(scanner, root, &p, stats);
            continue;
        }
        if !meta.is_file() {
            continue;
        }
        stats.files += 1;
        let rel = format!("/{}", p.strip_prefix(root).unwrap_or(&p).display());
        if scanner.skip_reason(&rel, meta.len()).is_some() {
            stats.skipped += 1;
            continue;
        }
        let Ok(content) = std::fs::read(&p) else {
            continue;
        };
        let t = Instant::now();
        let outcome = scanner.scan_outcome(&rel, &content);
        stats.scan_time += t.elapsed();
        if outcome.skipped.is_some() {
            stats.skipped += 1;
            continue;
        }
        stats.scanned_files += 1;
        stats.scanned_bytes += content.len() as u64;
        for f in outcome.findings {
            stats.findings += 1;
            println!(
                "{}{}:{} {} {}{} {} sha256:{}",
                root.display(),
                f.path,
                f.start_line,
                f.rule_id,
                f.severity,
                if f.example { " (example)" } else { "" },
                f.secret_masked.replace('\n', "\\n"),
                &f.secret_sha256[..16]
            );
        }
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = Config::default();
    if args.len() >= 2 && args[0] == "--config" {
        config = Config::load(&args[1]).expect("config");
        args.drain(..2);
    }
    let scanner = Scanner::new(config).expect("scanner");
    let mut stats = Stats::default();
    for a in &args {
        let root = PathBuf::from(a);
        walk(&scanner, &root, &root, &mut stats);
    }
    let secs = stats.scan_time.as_secs_f64().max(1e-9);
    eprintln!(
        "files {} scanned {} ({:.1} MB) skipped {} findings {} scan time {:.3}s -> {:.1} MB/s",
        stats.files,
        stats.scanned_files,
        stats.scanned_bytes as f64 / 1e6,
        stats.skipped,
        stats.findings,
        secs,
        stats.scanned_bytes as f64 / 1e6 / secs
    );
}
