//! Building the database from feed sources.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::db::{SourceRow, Writer};
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

/// The source's name: its file or directory name without `.tar.gz`, `.tgz`, `.tar`, `.zip`.
fn source_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "source".into());
    for ext in [".tar.gz", ".tgz", ".tar", ".zip"] {
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
    let mut names = BTreeSet::new();
    for path in sources {
        let mut name = source_name(path);
        let mut n = 2;
        while !names.insert(name.clone()) {
            name = format!("{}-{n}", source_name(path));
            n += 1;
        }
        let s = read_source(&mut writer, path, &name, &mut summary.warnings)?;
        summary.sources.push(s);
    }
    writer.finish()?;
    Ok(summary)
}

fn read_source(
    writer: &mut Writer,
    path: &Path,
    name: &str,
    warnings: &mut Vec<Warning>,
) -> Result<SourceSummary, Error> {
    let mut files = 0usize;
    let mut unrecognised = 0usize;
    let mut formats = BTreeSet::new();
    let mut merged: BTreeMap<String, Advisory> = BTreeMap::new();
    let mut records = 0u64;
    let mut affected = 0u64;
    let mut failure: Option<Error> = None;
    let digest = input::for_each_file(path, &mut |file, bytes| {
        if failure.is_some() {
            return;
        }
        files += 1;
        let mut ctx = Ctx {
            source: name,
            file,
            warnings: &mut *warnings,
        };
        match feeds::parse_file(&mut ctx, bytes) {
            Outcome::Ignored => {}
            Outcome::Unrecognised => {
                unrecognised += 1;
                ctx.warn("", "data file of no known feed layout; skipped");
            }
            Outcome::Parsed(format, advisories) => {
                formats.insert(format);
                for adv in advisories {
                    if format.merges() {
                        merge(&mut merged, adv);
                        continue;
                    }
                    match writer.insert(name, &adv) {
                        Ok(n) => {
                            records += 1;
                            affected += n;
                        }
                        Err(e) => {
                            failure = Some(e);
                            return;
                        }
                    }
                }
            }
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    if formats.is_empty() {
        return Err(Error::NoLayout {
            path: path.to_path_buf(),
            files,
            unrecognised,
        });
    }
    for adv in merged.into_values() {
        affected += writer.insert(name, &adv)?;
        records += 1;
    }
    let row = SourceRow {
        name: name.to_owned(),
        format: formats
            .iter()
            .map(|f: &Format| f.as_str())
            .collect::<Vec<_>>()
            .join(","),
        digest,
        records,
        affected,
        built: writer.built().to_owned(),
    };
    writer.add_source(&row)?;
    Ok(SourceSummary {
        path: path.to_path_buf(),
        row,
        files,
        unrecognised,
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
