//! Building the database from feed sources.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};

use crate::db::{Encoded, SourceRow, Writer};
use crate::feeds::{self, Ctx, Format, Outcome};
use crate::record::Advisory;
use crate::{input, Error, Warning};

/// What was read from one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSummary {
    /// The source as given.
    pub path: PathBuf,
    /// Its stored row.
    pub row: SourceRow,
    /// Files read.
    pub files: usize,
    /// Data files of no known shape.
    pub unrecognised: usize,
}

/// What [`build`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildSummary {
    /// One entry per source, in the order given.
    pub sources: Vec<SourceSummary>,
    /// Records or files skipped.
    pub warnings: Vec<Warning>,
}

/// The source's name: its file or directory name without `.tar.gz`, `.tgz`, `.tar.zst`,
/// `.tar`, `.zip`.
fn source_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "source".into());
    for ext in [".tar.gz", ".tgz", ".tar.zst", ".tar", ".zip"] {
        if let Some(stem) = name.strip_suffix(ext) {
            return stem.to_owned();
        }
    }
    name
}

/// Reads every source and writes the database at `output` (atomically: a temporary file
/// renamed over it). `built` is the build time to record (the caller owns the clock).
pub fn build(output: &Path, sources: &[PathBuf], built: &str) -> Result<BuildSummary, Error> {
    let mut writer = Writer::create(output, built)?;
    let mut summary = BuildSummary::default();
    for (path, name) in sources.iter().zip(source_names(sources)) {
        let s = read_source(&mut writer, path, &name, &mut summary.warnings)?;
        summary.sources.push(s);
    }
    writer.finish()?;
    Ok(summary)
}

/// Each source's name in the database: [`source_name`], with `-2`, `-3`… for repeats.
pub(crate) fn source_names(sources: &[PathBuf]) -> Vec<String> {
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for path in sources {
        let mut name = source_name(path);
        let mut n = 2;
        while !names.insert(name.clone()) {
            name = format!("{}-{n}", source_name(path));
            n += 1;
        }
        out.push(name);
    }
    out
}

/// What the parsing workers hand the inserting thread for one file.
pub(crate) struct Parsed {
    pub(crate) file: String,
    pub(crate) outcome: Outcome,
    /// The records of formats that do not merge, encoded by the worker.
    pub(crate) encoded: Vec<Encoded>,
    pub(crate) warnings: Vec<Warning>,
}

/// Parses one file of the source `name` as every build does: the feed is recognised by the
/// file's name and content, and the records of formats that do not merge are encoded for the
/// writer (fragments of merging formats stay in the outcome, merged by id per source).
pub(crate) fn parse_one(name: &str, file: String, bytes: &[u8]) -> Parsed {
    let mut warnings = Vec::new();
    let mut ctx = Ctx {
        source: name,
        file: &file,
        warnings: &mut warnings,
    };
    let mut outcome = feeds::parse_file(&mut ctx, bytes);
    let mut encoded = Vec::new();
    if let Outcome::Parsed(format, advisories) = &mut outcome {
        if !format.merges() {
            encoded = advisories.drain(..).map(|a| Encoded::new(&a)).collect();
        }
    }
    Parsed {
        file,
        outcome,
        encoded,
        warnings,
    }
}

/// Per-source counts kept by the inserting thread.
#[derive(Default)]
struct Tally {
    files: usize,
    unrecognised: usize,
    formats: BTreeSet<Format>,
    merged: BTreeMap<String, Advisory>,
    records: u64,
    affected: u64,
    warnings: Vec<Warning>,
    failure: Option<Error>,
}

impl Tally {
    fn take(&mut self, writer: &mut Writer, name: &str, p: Parsed) {
        self.files += 1;
        self.warnings.extend(p.warnings);
        for adv in &p.encoded {
            if self.failure.is_none() {
                match writer.insert_encoded(name, adv) {
                    Ok(n) => {
                        self.records += 1;
                        self.affected += n;
                    }
                    Err(e) => self.failure = Some(e),
                }
            }
        }
        match p.outcome {
            Outcome::Ignored => {}
            Outcome::Unrecognised => {
                self.unrecognised += 1;
                self.warnings.push(Warning {
                    source: name.to_owned(),
                    file: p.file,
                    record: String::new(),
                    message: "data file of no known feed layout; skipped".into(),
                });
            }
            Outcome::Parsed(format, advisories) => {
                self.formats.insert(format);
                for adv in advisories {
                    merge(&mut self.merged, adv);
                }
            }
            Outcome::Repositories(map) => {
                self.formats.insert(Format::RedHatRepositories);
                writer.add_repositories(map);
            }
        }
    }
}

/// Reads one source: the calling thread reads files, workers parse them, one thread inserts
/// the results in file order (so the same input gives the same database).
fn read_source(
    writer: &mut Writer,
    path: &Path,
    name: &str,
    warnings: &mut Vec<Warning>,
) -> Result<SourceSummary, Error> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let w = &mut *writer;
    let (digest, mut tally) = std::thread::scope(|s| {
        let (work_tx, work_rx) = mpsc::sync_channel::<(u64, String, Vec<u8>)>(4 * workers);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::sync_channel::<(u64, Parsed)>(4 * workers);
        for _ in 0..workers {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            s.spawn(move || loop {
                let job = work_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((seq, file, bytes))) = job else {
                    break;
                };
                let parsed = parse_one(name, file, &bytes);
                if done_tx.send((seq, parsed)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        let inserter = s.spawn(move || {
            let mut tally = Tally::default();
            let mut pending = BTreeMap::new();
            let mut next = 0u64;
            // Keeps draining after a failure so the workers and the reader never block.
            for (seq, parsed) in done_rx {
                pending.insert(seq, parsed);
                while let Some(p) = pending.remove(&next) {
                    tally.take(w, name, p);
                    next += 1;
                }
            }
            tally
        });
        let mut seq = 0u64;
        let digest = input::for_each_file(path, &mut |file, bytes| {
            let _ = work_tx.send((seq, file.to_owned(), bytes.to_vec()));
            seq += 1;
        });
        drop(work_tx);
        let tally = inserter
            .join()
            .expect("the inserting thread does not panic");
        (digest, tally)
    });
    let digest = digest?;
    warnings.append(&mut tally.warnings);
    if let Some(e) = tally.failure.take() {
        return Err(e);
    }
    if tally.formats.is_empty() {
        return Err(Error::NoLayout {
            path: path.to_path_buf(),
            files: tally.files,
            unrecognised: tally.unrecognised,
        });
    }
    for adv in std::mem::take(&mut tally.merged).into_values() {
        tally.affected += writer.insert(name, &adv)?;
        tally.records += 1;
    }
    let row = SourceRow {
        name: name.to_owned(),
        format: tally
            .formats
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(","),
        digest,
        records: tally.records,
        affected: tally.affected,
        built: writer.built().to_owned(),
    };
    writer.add_source(&row)?;
    Ok(SourceSummary {
        path: path.to_path_buf(),
        row,
        files: tally.files,
        unrecognised: tally.unrecognised,
    })
}

/// Merges a fragment into the advisory of the same id.
fn merge(merged: &mut BTreeMap<String, Advisory>, adv: Advisory) {
    match merged.get_mut(&adv.id) {
        None => {
            merged.insert(adv.id.clone(), adv);
        }
        Some(existing) => {
            for a in adv.aliases {
                feeds::push_alias(&mut existing.aliases, &existing.id.clone(), &a);
            }
            existing.affected.extend(adv.affected);
            if existing.display.summary.is_none() {
                existing.display.summary = adv.display.summary;
            }
            for s in adv.severity {
                if !existing.severity.contains(&s) {
                    existing.severity.push(s);
                }
            }
        }
    }
}
