//! Updating a database in place of a full build when the only changes since it was built are
//! OSV record files (re)written into a directory source (`sekisho db update`'s per-record
//! downloads): a copy of the old file loses the changed advisories' rows and gets their new
//! versions, parsed by the same code as a full build ([`crate::build::parse_one`]), and is
//! renamed over it.
//!
//! It answers exactly as a full build from the same sources would: the same rows (row ids
//! aside, which the reader's order does not depend on), the same per-source counts and
//! digests (a directory's digest is a sum of per-file hashes, [`crate::input::DirDigest`]).
//! Whatever it cannot vouch for, it declines (`Ok(None)`) and the caller builds in full.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::build::{parse_one, source_names, BuildSummary, SourceSummary};
use crate::db::{Database, Writer, BUILDER};
use crate::feeds::{Format, Outcome};
use crate::input::{self, DirDigest};
use crate::Error;

/// The files of one directory source changed since the database was built: relative path
/// (`<Ecosystem>/<ID>.json`) → hex [`input::file_hash`] of the version the database holds
/// (`None`: the file was not in the source then).
pub(crate) type Changed = BTreeMap<String, Option<String>>;

/// What an incremental update did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncrementalSummary {
    /// Record files read again (the changed ones, and copies of the same ids in other
    /// ecosystems).
    pub files: usize,
    /// Advisories deleted (their old versions).
    pub removed: u64,
    /// Advisories inserted (their new versions).
    pub added: u64,
}

/// One changed source, read and parsed.
struct Source {
    name: String,
    ids: Vec<String>,
    files: Vec<crate::build::Parsed>,
    digest: DirDigest,
}

/// Updates the database at `db`, built from `sources` when they had the digests `base`
/// (source name → digest), to what a full build of `sources` gives now, when the only
/// changes are the OSV record files `changes` (source name → files). `Ok(None)` when that
/// cannot be vouched for: the database is missing, of another schema or builder, or not built
/// from `base`; a source is added or gone; a changed file is not an OSV record named by its
/// id. The database is then untouched.
pub(crate) fn update(
    db: &Path,
    sources: &[PathBuf],
    base: &BTreeMap<String, String>,
    changes: &BTreeMap<String, Changed>,
    built: &str,
) -> Result<Option<(BuildSummary, IncrementalSummary)>, Error> {
    let names = source_names(sources);
    if names.iter().collect::<BTreeSet<_>>() != base.keys().collect::<BTreeSet<_>>() {
        return Ok(None);
    }
    // The old database: this schema (open checks it), this builder, these sources.
    let Ok(old) = Database::open(db) else {
        return Ok(None);
    };
    if old.meta("builder").ok().flatten().as_deref() != Some(BUILDER) {
        return Ok(None);
    }
    let Ok(old_rows) = old.sources() else {
        return Ok(None);
    };
    drop(old);
    let rows: BTreeMap<&str, &crate::SourceRow> =
        old_rows.iter().map(|r| (r.name.as_str(), r)).collect();
    if rows.len() != base.len()
        || base
            .iter()
            .any(|(name, digest)| rows.get(name.as_str()).map(|r| &r.digest) != Some(digest))
    {
        return Ok(None);
    }
    let mut read = Vec::new();
    for (name, changed) in changes {
        let Some(at) = names.iter().position(|n| n == name) else {
            return Ok(None);
        };
        match read_changes(name, &sources[at], &rows[name.as_str()].digest, changed)? {
            Some(s) => read.push(s),
            None => return Ok(None),
        }
    }

    let mut writer = Writer::reopen(db, built)?;
    let mut summary = IncrementalSummary::default();
    let mut new_rows = BTreeMap::new();
    let mut warnings = Vec::new();
    let mut files_read = BTreeMap::new();
    for source in read {
        let ids: Vec<&str> = source.ids.iter().map(String::as_str).collect();
        let (advisories, affected) = writer.remove(&source.name, &ids)?;
        let mut row = rows[source.name.as_str()].clone();
        let (Some(records), Some(rest)) = (
            row.records.checked_sub(advisories),
            row.affected.checked_sub(affected),
        ) else {
            // The counts do not add up: not the database it claims to be.
            return Ok(None);
        };
        row.records = records;
        row.affected = rest;
        summary.removed += advisories;
        files_read.insert(source.name.clone(), source.files.len());
        summary.files += source.files.len();
        for parsed in source.files {
            for adv in &parsed.encoded {
                row.affected += writer.insert_encoded(&source.name, adv)?;
                row.records += 1;
                summary.added += 1;
            }
            warnings.extend(parsed.warnings);
        }
        row.digest = source.digest.to_hex();
        writer.add_source(&row)?;
        new_rows.insert(source.name, row);
    }
    writer.finish()?;

    let mut build = BuildSummary {
        warnings,
        ..BuildSummary::default()
    };
    for (path, name) in sources.iter().zip(names) {
        let mut row = new_rows
            .remove(&name)
            .unwrap_or_else(|| rows[name.as_str()].clone());
        row.built = built.to_owned();
        build.sources.push(SourceSummary {
            path: path.clone(),
            row,
            files: files_read.get(&name).copied().unwrap_or(0),
            unrecognised: 0,
        });
    }
    Ok(Some((build, summary)))
}

/// Reads and parses what changed in one directory source: every `<Ecosystem>/<ID>.json` of
/// the changed ids (copies of an id in other ecosystems too: the database's rows are found
/// by id, so every copy is deleted and inserted again, in the full build's file order), and
/// the source's new digest. `None` when a changed path is not `<Ecosystem>/<ID>.json`, a file
/// is not an OSV record, or a record's id is not its file's.
fn read_changes(
    name: &str,
    dir: &Path,
    digest: &str,
    changed: &Changed,
) -> Result<Option<Source>, Error> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let Some(mut digest) = DirDigest::from_hex(digest) else {
        return Ok(None);
    };
    let mut ids = BTreeSet::new();
    for (rel, old) in changed {
        let Some((eco, file)) = rel.split_once('/') else {
            return Ok(None);
        };
        let Some(id) = file.strip_suffix(".json") else {
            return Ok(None);
        };
        if eco.is_empty() || id.is_empty() || id.contains('/') || eco.starts_with('.') {
            return Ok(None);
        }
        ids.insert(id.to_owned());
        if let Some(old) = old {
            let Some(hash) = hex::decode(old).ok().and_then(|h| h.try_into().ok()) else {
                return Ok(None);
            };
            digest.sub(&hash);
        }
    }
    // The ecosystems in path order (`Go/` before `Go-x/` would not be in name order).
    let mut ecos: Vec<String> = fs::read_dir(dir)
        .map_err(|e| Error::Io {
            path: dir.to_path_buf(),
            source: e,
        })?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .map(|n| format!("{n}/"))
        .collect();
    ecos.sort();
    let mut files = Vec::new();
    for eco in &ecos {
        for id in &ids {
            let rel = format!("{eco}{id}.json");
            let Some(bytes) = input::read_dir_file(dir, &rel)? else {
                continue;
            };
            if changed.contains_key(&rel) {
                digest.add(&input::file_hash(&rel, &bytes));
            }
            let parsed = parse_one(name, rel, &bytes);
            if !matches!(parsed.outcome, Outcome::Parsed(Format::Osv, _))
                || parsed.encoded.iter().any(|a| a.id() != id)
            {
                return Ok(None);
            }
            files.push(parsed);
        }
    }
    Ok(Some(Source {
        name: name.to_owned(),
        ids: ids.into_iter().collect(),
        files,
        digest,
    }))
}
