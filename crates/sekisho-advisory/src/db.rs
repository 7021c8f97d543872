//! The SQLite store: a writer that builds into a temporary file and renames it over the
//! target, and a read-only reader answering `lookup(ecosystem, distro, name)` with one
//! indexed query.
//!
//! Schema (version [`SCHEMA_VERSION`]):
//!
//! ```sql
//! meta(key PRIMARY KEY, value)             -- schema_version, built, builder
//! sources(name PRIMARY KEY, format, digest, records, affected, built)
//! dictionaries(id INTEGER PRIMARY KEY, data) -- zstd dictionaries of the display blobs
//! displays(id INTEGER PRIMARY KEY, dict, data) -- zstd-compressed JSON of summary, details,
//!     -- references, published, modified, with dictionary `dict` (NULL: none); identical
//!     -- documents stored once
//! advisories(id, source, aliases, severity, withdrawn, display)
//!     -- aliases, severity: compact JSON or NULL; display: displays.id, NULL when empty
//! affected(ecosystem, distro, name, advisory, seq, data)
//!     PRIMARY KEY (ecosystem, distro, name, advisory, seq) WITHOUT ROWID
//!     -- advisory: advisories.rowid; seq: the entry's place among the advisory's rows;
//!     -- data: status, fixed, severity, ranges, versions and CPEs in the layout of
//!     -- `record::codec`
//! repositories(repo PRIMARY KEY, cpes) WITHOUT ROWID
//!     -- Red Hat's repository (content set) to CPE map; cpes: a JSON array, sorted
//! ```
//!
//! Schema 3 added the CPEs of an affected entry and `repositories`; a database of an earlier
//! schema is refused by [`Database::open`] (the hint says to update it) and never continued
//! by an incremental update, which rebuilds it in full.
//!
//! `affected` is stored in key order (a B-tree on the lookup key, no separate index holding
//! the names a second time): the writer collects the rows in a temporary table and copies
//! them sorted when it finishes, so the pages are full.
//!
//! An incremental update ([`Writer::reopen`]) copies the file beside it, deletes the changed
//! advisories' rows (found by full scans of `advisories` and `affected`: an index by advisory
//! would hold every package name a second time, and a scan of the 400k-record file takes a
//! fraction of a second), inserts their new versions and renames the copy over the file.
//!
//! Sizes (schema 1 → 2, 400,000 synthetic OSV records, `bench/db.sh`): display text was 52%
//! of the file as one zlib stream per advisory. The writer holds advisories back until it has
//! a window of a few MB of display text, trains a zstd dictionary on that window and
//! compresses the window's documents with it: small JSON documents share keys, URL prefixes
//! and phrasing that per-document compression cannot see, and one dictionary per window
//! follows the feed as it changes (a dictionary trained on the first records only fits the
//! first ecosystem). Distro feeds repeat the NVD description per CVE, so identical display
//! documents are stored once. Ranges were JSON (15%); they are now a few bytes of binary.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::ecosystem::normalize_name;
use crate::record::{codec, Advisory, Affected, Display, Severity};
use crate::Error;

/// The schema version this crate writes and reads.
pub const SCHEMA_VERSION: u32 = 3;

/// Who wrote a database, in its `meta` as `builder`: the crate version and the generation of
/// the parsing and normalisation (bump the number after the slash when the same feed files
/// would give other rows). An incremental update only continues a database of the same
/// builder; any other is rebuilt from the whole cache.
pub(crate) const BUILDER: &str = concat!(env!("CARGO_PKG_VERSION"), "/2");

/// zstd level of the display blobs: with a dictionary, 9 is about 8% smaller than 3 and
/// still fast on documents of a kilobyte.
const DISPLAY_LEVEL: i32 = 9;
/// Display text is compressed in windows of this many bytes, each with its own dictionary.
const WINDOW: usize = 8 << 20;
/// At most this much of a window's text is used to train its dictionary.
const DICT_SAMPLE: usize = 2 << 20;
/// A dictionary's size.
const DICT_SIZE: usize = 64 << 10;
/// Below this much sample text no dictionary is trained.
const DICT_MIN_SAMPLE: usize = 64 << 10;
/// The largest display document the reader decompresses.
const DISPLAY_MAX: usize = 64 << 20;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (name TEXT PRIMARY KEY, format TEXT NOT NULL, digest TEXT NOT NULL,
    records INTEGER NOT NULL, affected INTEGER NOT NULL, built TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE displays (id INTEGER PRIMARY KEY, dict INTEGER, data BLOB NOT NULL);
CREATE TABLE advisories (id TEXT NOT NULL, source TEXT NOT NULL, aliases TEXT, severity TEXT,
    withdrawn TEXT, display INTEGER);
CREATE TABLE affected (ecosystem TEXT NOT NULL, distro TEXT NOT NULL, name TEXT NOT NULL,
    advisory INTEGER NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (ecosystem, distro, name, advisory, seq)) WITHOUT ROWID;
CREATE TABLE repositories (repo TEXT PRIMARY KEY, cpes TEXT NOT NULL) WITHOUT ROWID;
";

/// The writer's scratch tables, for a new database and for an updated copy.
const TEMP_SCHEMA: &str = "
CREATE TEMP TABLE affected_in (ecosystem TEXT NOT NULL, distro TEXT NOT NULL,
    name TEXT NOT NULL, advisory INTEGER NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TEMP TABLE gone_ids (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TEMP TABLE gone (advisory INTEGER PRIMARY KEY, display INTEGER);
";

/// Copies the collected rows into `affected` in key order.
const SORT: &str = "INSERT INTO main.affected SELECT * FROM temp.affected_in
    ORDER BY ecosystem, distro, name, advisory, seq; DROP TABLE temp.affected_in;";

fn sql_err(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |source| Error::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

fn json_or_null<T: serde::Serialize>(items: &[T]) -> Option<String> {
    if items.is_empty() {
        None
    } else {
        serde_json::to_string(items).ok()
    }
}

/// One source's row in `sources`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// The source's name (its file or directory name without archive extensions).
    pub name: String,
    /// The feed format(s) recognised in it, comma-separated.
    pub format: String,
    /// Hex SHA-256 of the input: of an archive's bytes, or for a directory the sum of its
    /// files' hashes ([`crate::input::DirDigest`]).
    pub digest: String,
    /// Advisories stored from it.
    pub records: u64,
    /// Affected-package rows stored from it.
    pub affected: u64,
    /// When it was built (the build time given to the writer).
    pub built: String,
}

/// An advisory as stored: JSON columns serialised, the display part serialised and hashed,
/// the matching data encoded, so that this work can be done on parsing threads (the writer
/// deduplicates and compresses the display part).
#[derive(Debug, Clone)]
pub struct Encoded {
    id: String,
    aliases: Option<String>,
    severity: Option<String>,
    withdrawn: Option<String>,
    /// The display JSON and its hash; `None` when there is nothing to show.
    display: Option<(Vec<u8>, [u8; 16])>,
    affected: Vec<EncodedAffected>,
}

#[derive(Debug, Clone)]
struct EncodedAffected {
    ecosystem: String,
    distro: String,
    name: String,
    data: Vec<u8>,
}

/// Longest summary kept for a record that has none of its own.
const SUMMARY_FROM_DETAILS: usize = 200;

/// What is stored of an advisory's display text: what reports show (summary, references,
/// dates). The long `details` are not kept (they are most of a feed's bytes and no report
/// prints them); a record without a summary gets the first sentence of its details instead.
fn stored_display(display: &Display) -> Display {
    let summary = display.summary.clone().or_else(|| {
        let details = display.details.as_deref()?.trim();
        let end = details
            .find(". ")
            .map(|i| i + 1)
            .unwrap_or(details.len())
            .min(details.len());
        let mut summary: String = details[..end].chars().take(SUMMARY_FROM_DETAILS).collect();
        if summary.len() < end {
            summary.push('…');
        }
        (!summary.is_empty()).then_some(summary)
    });
    Display {
        summary,
        details: None,
        ..display.clone()
    }
}

impl Encoded {
    /// The advisory's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Encodes an advisory for [`Writer::insert_encoded`].
    pub fn new(adv: &Advisory) -> Encoded {
        Encoded {
            id: adv.id.clone(),
            aliases: json_or_null(&adv.aliases),
            severity: json_or_null(&adv.severity),
            withdrawn: adv.withdrawn.clone(),
            display: (adv.display != Display::default()).then(|| {
                let json = serde_json::to_vec(&stored_display(&adv.display)).unwrap_or_default();
                let mut hash = [0u8; 16];
                hash.copy_from_slice(&Sha256::digest(&json)[..16]);
                (json, hash)
            }),
            affected: adv
                .affected
                .iter()
                .map(|a| EncodedAffected {
                    ecosystem: a.ecosystem.clone(),
                    distro: a.distro.clone(),
                    name: a.name.clone(),
                    data: codec::encode(a),
                })
                .collect(),
        }
    }
}

/// Builds a database into `<target>.tmp-<pid>`, renamed over the target by [`Writer::finish`].
/// Dropped without finishing, it removes the temporary file.
pub struct Writer {
    conn: Option<Connection>,
    tmp: PathBuf,
    target: PathBuf,
    built: String,
    done: bool,
    /// Display documents already stored, by hash.
    displays: HashMap<[u8; 16], i64>,
    /// Advisories held back until their window's dictionary is trained on their text.
    pending: Vec<(String, Encoded)>,
    pending_bytes: usize,
    /// The current window's compressor and dictionary row.
    compressor: Option<(zstd::bulk::Compressor<'static>, Option<i64>)>,
    /// Whether display text is held back in windows with a dictionary trained on each (a
    /// build), or compressed at once with the compressor set at the start (an update).
    windows: bool,
    /// Red Hat's repository to CPE map, from every source that has one, written at the end.
    repositories: crate::feeds::redhat_repos::RepositoryCpes,
}

impl Writer {
    /// Starts a database for `target`; `built` is the build time recorded in `meta`.
    pub fn create(target: &Path, built: &str) -> Result<Writer, Error> {
        let tmp = Self::scratch(target)?;
        let conn = Connection::open(&tmp).map_err(sql_err(&tmp))?;
        let mut w = Writer::new(&tmp, target, built, true);
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA cache_size = -65536; PRAGMA page_size = 4096;",
        )
        .map_err(sql_err(&tmp))?;
        conn.execute_batch(SCHEMA).map_err(sql_err(&tmp))?;
        conn.execute_batch(TEMP_SCHEMA).map_err(sql_err(&tmp))?;
        conn.execute_batch("BEGIN").map_err(sql_err(&tmp))?;
        w.conn = Some(conn);
        Ok(w)
    }

    /// Starts an incremental update of the database at `target`: the file is copied beside it
    /// (a plain file copy: the kernel copies it without SQLite reading every page, faster
    /// than `VACUUM INTO` or the backup API, see BENCHMARKS.md) and the copy is changed with
    /// [`Writer::remove`] and the insert methods, then renamed over the target by
    /// [`Writer::finish`].
    ///
    /// Display text of the inserted advisories is compressed at once with the newest
    /// dictionary of the database (trained on the last window of the full build: the same
    /// feeds' JSON keys, URL prefixes and phrasing), or without one when it has none: a few
    /// thousand records are too few to train a dictionary worth its 64 KB.
    pub fn reopen(target: &Path, built: &str) -> Result<Writer, Error> {
        let tmp = Self::scratch(target)?;
        let mut w = Writer::new(&tmp, target, built, false);
        fs::copy(target, &tmp).map_err(|e| Error::Io {
            path: target.to_path_buf(),
            source: e,
        })?;
        let err = sql_err(&tmp);
        let conn = Connection::open(&tmp).map_err(&err)?;
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA cache_size = -65536;",
        )
        .map_err(&err)?;
        conn.execute_batch(TEMP_SCHEMA).map_err(&err)?;
        let dict: Option<(i64, Vec<u8>)> = conn
            .query_row(
                "SELECT id, data FROM dictionaries ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(&err)?;
        let io = |e| Error::Io {
            path: tmp.clone(),
            source: e,
        };
        w.compressor = Some(match dict {
            Some((id, d)) => (
                zstd::bulk::Compressor::with_dictionary(DISPLAY_LEVEL, &d).map_err(io)?,
                Some(id),
            ),
            None => (
                zstd::bulk::Compressor::new(DISPLAY_LEVEL).map_err(io)?,
                None,
            ),
        });
        conn.execute_batch("BEGIN").map_err(&err)?;
        w.conn = Some(conn);
        Ok(w)
    }

    /// `<target>.tmp-<pid>`, removed if it is left from an earlier run, and the target's
    /// folder, made if needed.
    fn scratch(target: &Path) -> Result<PathBuf, Error> {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".tmp-{}", std::process::id()));
        let tmp = target.with_file_name(name);
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| Error::Io {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
        match fs::remove_file(&tmp) {
            Ok(()) => Ok(tmp),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(tmp),
            Err(e) => Err(Error::Io {
                path: tmp,
                source: e,
            }),
        }
    }

    fn new(tmp: &Path, target: &Path, built: &str, windows: bool) -> Writer {
        Writer {
            conn: None,
            tmp: tmp.to_path_buf(),
            target: target.to_path_buf(),
            built: built.to_owned(),
            done: false,
            displays: HashMap::new(),
            pending: Vec::new(),
            pending_bytes: 0,
            compressor: None,
            windows,
            repositories: Default::default(),
        }
    }

    /// Adds entries of Red Hat's repository to CPE map (several sources: the union of each
    /// repository's CPEs). Written when the database is finished, merged with the entries a
    /// reopened database already has.
    pub fn add_repositories(&mut self, map: crate::feeds::redhat_repos::RepositoryCpes) {
        for (repo, cpes) in map {
            self.repositories.entry(repo).or_default().extend(cpes);
        }
    }

    /// Deletes the advisories of `source` with these ids, their affected rows, and their
    /// display documents that no other advisory shares; returns the advisories and the
    /// affected rows deleted.
    pub fn remove(&mut self, source: &str, ids: &[&str]) -> Result<(u64, u64), Error> {
        let tmp = self.tmp.clone();
        let err = sql_err(&tmp);
        let conn = self.conn();
        conn.execute_batch("DELETE FROM temp.gone_ids; DELETE FROM temp.gone;")
            .map_err(&err)?;
        {
            let mut ins = conn
                .prepare("INSERT OR IGNORE INTO temp.gone_ids (id) VALUES (?1)")
                .map_err(&err)?;
            for id in ids {
                ins.execute([id]).map_err(&err)?;
            }
        }
        // One scan of each table: neither is indexed by advisory.
        let advisories = conn
            .execute(
                "INSERT INTO temp.gone (advisory, display) SELECT rowid, display
                 FROM main.advisories WHERE source = ?1 AND id IN (SELECT id FROM temp.gone_ids)",
                [source],
            )
            .map_err(&err)? as u64;
        if advisories == 0 {
            return Ok((0, 0));
        }
        let affected = conn
            .execute(
                "DELETE FROM main.affected WHERE advisory IN (SELECT advisory FROM temp.gone)",
                [],
            )
            .map_err(&err)? as u64;
        conn.execute_batch(
            "DELETE FROM main.advisories WHERE rowid IN (SELECT advisory FROM temp.gone);
             DELETE FROM main.displays WHERE id IN (SELECT display FROM temp.gone)
                 AND id NOT IN (SELECT display FROM main.advisories
                                WHERE display IN (SELECT display FROM temp.gone));",
        )
        .map_err(&err)?;
        Ok((advisories, affected))
    }

    fn conn(&self) -> &Connection {
        self.conn.as_ref().expect("connection open until finish")
    }

    /// Stores one advisory from `source`; returns the number of affected rows written.
    pub fn insert(&mut self, source: &str, adv: &Advisory) -> Result<u64, Error> {
        self.insert_encoded(source, &Encoded::new(adv))
    }

    /// Stores one advisory already encoded (on another thread); returns the number of
    /// affected rows written.
    ///
    /// Advisories are held back until a window of a few MB of display text is full, then its
    /// dictionary is trained and they are written in order; row ids are those of writing them
    /// at once.
    pub fn insert_encoded(&mut self, source: &str, adv: &Encoded) -> Result<u64, Error> {
        if !self.windows {
            self.write(source, adv)?;
            return Ok(adv.affected.len() as u64);
        }
        if let Some((json, hash)) = &adv.display {
            if !self.displays.contains_key(hash) {
                self.pending_bytes += json.len();
            }
        }
        self.pending.push((source.to_owned(), adv.clone()));
        if self.pending_bytes >= WINDOW {
            self.flush_pending()?;
        }
        Ok(adv.affected.len() as u64)
    }

    /// Trains a dictionary on the held-back advisories' new display text and writes them.
    fn flush_pending(&mut self) -> Result<(), Error> {
        let tmp = self.tmp.clone();
        let err = sql_err(&tmp);
        let mut seen = std::collections::HashSet::new();
        let mut samples: Vec<&[u8]> = self
            .pending
            .iter()
            .filter_map(|(_, a)| a.display.as_ref())
            .filter(|(_, h)| !self.displays.contains_key(h) && seen.insert(*h))
            .map(|(j, _)| &j[..])
            .collect();
        let total: usize = samples.iter().map(|s| s.len()).sum();
        if total > DICT_SAMPLE {
            // An even spread over the window.
            let keep = DICT_SAMPLE as f64 / total as f64;
            let mut acc = 0.0;
            samples.retain(|_| {
                acc += keep;
                let take = acc >= 1.0;
                if take {
                    acc -= 1.0;
                }
                take
            });
        }
        let dict = if total >= DICT_MIN_SAMPLE {
            zstd::dict::from_samples(&samples, DICT_SIZE).ok()
        } else {
            None
        };
        drop(samples);
        let io = |e| Error::Io {
            path: tmp.clone(),
            source: e,
        };
        self.compressor = Some(match &dict {
            Some(d) => {
                let conn = self.conn();
                conn.execute("INSERT INTO dictionaries (data) VALUES (?1)", [d])
                    .map_err(&err)?;
                let id = conn.last_insert_rowid();
                (
                    zstd::bulk::Compressor::with_dictionary(DISPLAY_LEVEL, d).map_err(io)?,
                    Some(id),
                )
            }
            None => (
                zstd::bulk::Compressor::new(DISPLAY_LEVEL).map_err(io)?,
                None,
            ),
        });
        for (source, adv) in std::mem::take(&mut self.pending) {
            self.write(&source, &adv)?;
        }
        self.pending_bytes = 0;
        Ok(())
    }

    /// The row of `display` in `displays`, stored now unless the same text already was.
    fn display_row(&mut self, display: &(Vec<u8>, [u8; 16])) -> Result<i64, Error> {
        let (json, hash) = display;
        if let Some(&row) = self.displays.get(hash) {
            return Ok(row);
        }
        let io = |e| Error::Io {
            path: self.tmp.clone(),
            source: e,
        };
        let (compressor, dict) = self.compressor.as_mut().expect("trained before writing");
        let blob = compressor.compress(json).map_err(io)?;
        let dict = *dict;
        let conn = self.conn.as_ref().expect("connection open until finish");
        conn.prepare_cached("INSERT INTO displays (dict, data) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![dict, blob]))
            .map_err(sql_err(&self.tmp))?;
        let row = conn.last_insert_rowid();
        self.displays.insert(*hash, row);
        Ok(row)
    }

    fn write(&mut self, source: &str, adv: &Encoded) -> Result<(), Error> {
        let display = match &adv.display {
            Some(d) => Some(self.display_row(d)?),
            None => None,
        };
        let tmp = self.tmp.clone();
        let err = sql_err(&tmp);
        let conn = self.conn();
        let mut ins = conn
            .prepare_cached(
                "INSERT INTO advisories (id, source, aliases, severity, withdrawn, display) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(&err)?;
        ins.execute(params![
            adv.id,
            source,
            adv.aliases,
            adv.severity,
            adv.withdrawn,
            display
        ])
        .map_err(&err)?;
        let rowid = conn.last_insert_rowid();
        let mut aff = conn
            .prepare_cached(
                "INSERT INTO temp.affected_in (ecosystem, distro, name, advisory, seq, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(&err)?;
        for (seq, a) in adv.affected.iter().enumerate() {
            aff.execute(params![
                a.ecosystem,
                a.distro,
                a.name,
                rowid,
                seq as i64,
                a.data
            ])
            .map_err(&err)?;
        }
        Ok(())
    }

    /// Records one source in `sources`.
    pub fn add_source(&mut self, row: &SourceRow) -> Result<(), Error> {
        self.conn()
            .execute(
                "INSERT OR REPLACE INTO sources (name, format, digest, records, affected, built) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![row.name, row.format, row.digest, row.records as i64, row.affected as i64, row.built],
            )
            .map_err(sql_err(&self.tmp))?;
        Ok(())
    }

    /// The build time given at creation.
    pub fn built(&self) -> &str {
        &self.built
    }

    /// Indexes, commits, syncs and renames the file over the target. Every source's `built`
    /// becomes the writer's build time (as in a full build).
    pub fn finish(mut self) -> Result<(), Error> {
        if !self.pending.is_empty() {
            self.flush_pending()?;
        }
        self.displays = HashMap::new();
        let tmp = self.tmp.clone();
        let err = sql_err(&tmp);
        let conn = self.conn.take().expect("connection open until finish");
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value)
             VALUES ('schema_version', ?1), ('built', ?2), ('builder', ?3)",
            params![SCHEMA_VERSION.to_string(), self.built, BUILDER],
        )
        .map_err(&err)?;
        conn.execute("UPDATE sources SET built = ?1", [&self.built])
            .map_err(&err)?;
        for (repo, cpes) in std::mem::take(&mut self.repositories) {
            let mut cpes: std::collections::BTreeSet<String> = cpes;
            let old: Option<String> = conn
                .query_row(
                    "SELECT cpes FROM repositories WHERE repo = ?1",
                    [&repo],
                    |r| r.get(0),
                )
                .optional()
                .map_err(&err)?;
            if let Some(old) = old.and_then(|o| serde_json::from_str::<Vec<String>>(&o).ok()) {
                cpes.extend(old);
            }
            let json = serde_json::to_string(&cpes).expect("strings serialise");
            conn.execute(
                "INSERT OR REPLACE INTO repositories (repo, cpes) VALUES (?1, ?2)",
                params![repo, json],
            )
            .map_err(&err)?;
        }
        conn.execute_batch(SORT).map_err(&err)?;
        conn.execute_batch("COMMIT").map_err(&err)?;
        conn.close().map_err(|(_, e)| err(e))?;
        let io = |e| Error::Io {
            path: tmp.clone(),
            source: e,
        };
        fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        fs::rename(&tmp, &self.target).map_err(io)?;
        self.done = true;
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Make the rename durable; not every platform can open a directory.
            let _ = fs::File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.done {
            drop(self.conn.take());
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// One affected-package row found by [`Database::lookup`], with its advisory's header.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The advisory's row, for [`Database::display`].
    pub advisory_row: i64,
    /// The advisory id.
    pub id: String,
    /// The source (feed) it came from.
    pub source: String,
    /// Its aliases.
    pub aliases: Vec<String>,
    /// Its severities.
    pub severity: Vec<Severity>,
    /// When it was withdrawn, if it was.
    pub withdrawn: Option<String>,
    /// The affected package entry.
    pub affected: Affected,
}

/// What `sekisho db info` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The file.
    pub path: PathBuf,
    /// Its schema version.
    pub schema_version: u32,
    /// When it was built.
    pub built: String,
    /// Its sources.
    pub sources: Vec<SourceRow>,
    /// Advisory rows.
    pub advisories: u64,
    /// Affected-package rows.
    pub affected: u64,
    /// Repositories in Red Hat's repository to CPE map.
    pub repositories: u64,
    /// File size in bytes.
    pub size: u64,
}

/// A database opened read-only and immutable.
pub struct Database {
    conn: Connection,
    path: PathBuf,
    /// Display decompressors by dictionary, made on first use.
    decompressors: RefCell<HashMap<Option<i64>, zstd::bulk::Decompressor<'static>>>,
}

fn uri_escape(path: &Path) -> String {
    path.to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23")
}

impl Database {
    /// Opens `path` read-only (`mode=ro&immutable=1`), checking that it is a whole SQLite file
    /// of this schema version.
    pub fn open(path: &Path) -> Result<Database, Error> {
        let corrupt = |reason: &str| Error::Corrupt {
            path: path.to_path_buf(),
            reason: reason.to_owned(),
        };
        let mut file = match fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::Missing {
                    path: path.to_path_buf(),
                })
            }
            Err(e) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source: e,
                })
            }
        };
        let len = file
            .metadata()
            .map_err(|e| Error::Io {
                path: path.to_path_buf(),
                source: e,
            })?
            .len();
        let mut header = [0u8; 100];
        if len < 100 || file.read_exact(&mut header).is_err() {
            return Err(corrupt("shorter than an SQLite header"));
        }
        if &header[..16] != b"SQLite format 3\0" {
            return Err(corrupt("not an SQLite file"));
        }
        let page_size = match u16::from_be_bytes([header[16], header[17]]) {
            1 => 65536,
            n => u64::from(n),
        };
        let pages = u64::from(u32::from_be_bytes([
            header[28], header[29], header[30], header[31],
        ]));
        if page_size < 512 || pages == 0 || page_size * pages != len {
            return Err(corrupt(&format!(
                "the header says {pages} pages of {page_size} bytes but the file has {len} bytes (truncated or partly written)"
            )));
        }
        drop(file);
        let abs = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let uri = format!("file:{}?mode=ro&immutable=1", uri_escape(&abs));
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&uri, flags).map_err(sql_err(path))?;
        // Pages are read through a memory map, not one read call each (a lookup touches about
        // six); the file never changes while open. Only address space: nothing is read ahead.
        conn.execute_batch("PRAGMA mmap_size = 4294967296;")
            .map_err(sql_err(path))?;
        let db = Database {
            conn,
            path: path.to_path_buf(),
            decompressors: RefCell::new(HashMap::new()),
        };
        let version: Option<String> = db
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.contains("no such table") => {
                    Error::Schema {
                        path: path.to_path_buf(),
                        found: 0,
                        expected: SCHEMA_VERSION,
                    }
                }
                e => Error::Corrupt {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                },
            })?;
        let found = version.and_then(|v| v.parse().ok()).unwrap_or(0);
        if found != SCHEMA_VERSION {
            return Err(Error::Schema {
                path: path.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(db)
    }

    /// The file this database was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        move |e| match e {
            rusqlite::Error::SqliteFailure(ref f, _)
                if matches!(
                    f.code,
                    rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
                ) =>
            {
                Error::Corrupt {
                    path: self.path.clone(),
                    reason: e.to_string(),
                }
            }
            e => Error::Sqlite {
                path: self.path.clone(),
                source: e,
            },
        }
    }

    /// Every affected-package entry for `name` (normalised here as `ecosystem` matches) in
    /// `ecosystem` (a purl type) and `distro` (empty for language ecosystems): one indexed query.
    ///
    /// Hits come ordered by source name, then advisory id, then as stored (the same id twice
    /// in one source: in the order of the files), each advisory's entries in their order: an
    /// order that does not depend on row ids, so a database updated incrementally answers
    /// exactly as one built from the same feeds at once.
    pub fn lookup(&self, ecosystem: &str, distro: &str, name: &str) -> Result<Vec<Hit>, Error> {
        let err = self.err();
        let name = normalize_name(ecosystem, name);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.rowid, a.id, a.source, a.aliases, a.severity, a.withdrawn, f.data
                 FROM affected f JOIN advisories a ON a.rowid = f.advisory
                 WHERE f.ecosystem = ?1 AND f.distro = ?2 AND f.name = ?3
                 ORDER BY f.advisory, f.seq",
            )
            .map_err(&err)?;
        let mut rows = stmt
            .query(params![ecosystem, distro, &*name])
            .map_err(&err)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(&err)? {
            let id: String = r.get(1).map_err(&err)?;
            let bad = |what: &str| Error::Corrupt {
                path: self.path.clone(),
                reason: format!("{id}: unreadable {what}"),
            };
            fn json<T: serde::de::DeserializeOwned>(
                v: rusqlite::types::ValueRef<'_>,
            ) -> Option<Vec<T>> {
                match v {
                    rusqlite::types::ValueRef::Null => Some(Vec::new()),
                    v => serde_json::from_slice(v.as_bytes().ok()?).ok(),
                }
            }
            let aliases = json(r.get_ref(3).map_err(&err)?).ok_or_else(|| bad("aliases"))?;
            let severity = json(r.get_ref(4).map_err(&err)?).ok_or_else(|| bad("severity"))?;
            let mut affected = Affected {
                ecosystem: ecosystem.to_owned(),
                distro: distro.to_owned(),
                name: name.to_string(),
                ..Affected::default()
            };
            let data = r.get_ref(6).map_err(&err)?;
            let data = data.as_blob().map_err(|_| bad("affected data"))?;
            codec::decode(data, &mut affected).ok_or_else(|| bad("affected data"))?;
            out.push(Hit {
                advisory_row: r.get(0).map_err(&err)?,
                source: r.get(2).map_err(&err)?,
                aliases,
                severity,
                withdrawn: r.get(5).map_err(&err)?,
                affected,
                id,
            });
        }
        // Stable: rows of one advisory, and advisories of the same id, keep the query's order.
        out.sort_by(|a, b| (&a.source, &a.id).cmp(&(&b.source, &b.id)));
        Ok(out)
    }

    /// The CPEs Red Hat's repository to CPE map gives the repository (content set) `repo`;
    /// `None` when the map does not know it (or the database has no map).
    pub fn repository_cpes(&self, repo: &str) -> Result<Option<Vec<String>>, Error> {
        let err = self.err();
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT cpes FROM repositories WHERE repo = ?1")
            .and_then(|mut s| s.query_row([repo], |r| r.get(0)).optional())
            .map_err(&err)?;
        match json {
            None => Ok(None),
            Some(j) => serde_json::from_str(&j)
                .map(Some)
                .map_err(|e| Error::Corrupt {
                    path: self.path.clone(),
                    reason: format!("repository {repo}: unreadable CPE list: {e}"),
                }),
        }
    }

    /// Whether the database holds Red Hat's repository to CPE map (at least one repository).
    pub fn has_repository_map(&self) -> Result<bool, Error> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM repositories)", [], |r| {
                r.get(0)
            })
            .map_err(self.err())
    }

    /// The `sources` table, by name.
    pub(crate) fn sources(&self) -> Result<Vec<SourceRow>, Error> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name, format, digest, records, affected, built FROM sources ORDER BY name",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SourceRow {
                    name: r.get(0)?,
                    format: r.get(1)?,
                    digest: r.get(2)?,
                    records: r.get::<_, i64>(3)? as u64,
                    affected: r.get::<_, i64>(4)? as u64,
                    built: r.get(5)?,
                })
            })
            .map_err(&err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&err);
        rows
    }

    /// A value of the `meta` table.
    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>, Error> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(self.err())
    }

    /// The display part (summary, details, references, dates) of an advisory row.
    pub fn display(&self, advisory_row: i64) -> Result<Display, Error> {
        let blob: Option<(Option<i64>, Vec<u8>)> = self
            .conn
            .prepare_cached(
                "SELECT d.dict, d.data FROM advisories a JOIN displays d ON d.id = a.display
                 WHERE a.rowid = ?1",
            )
            .and_then(|mut s| {
                s.query_row([advisory_row], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(self.err())?;
        let Some((dict_id, blob)) = blob else {
            return Ok(Display::default());
        };
        let corrupt = |e: &dyn std::fmt::Display| Error::Corrupt {
            path: self.path.clone(),
            reason: format!("display blob: {e}"),
        };
        let mut cache = self.decompressors.borrow_mut();
        if !cache.contains_key(&dict_id) {
            let dict: Vec<u8> = match dict_id {
                Some(id) => self
                    .conn
                    .prepare_cached("SELECT data FROM dictionaries WHERE id = ?1")
                    .and_then(|mut s| s.query_row([id], |r| r.get(0)))
                    .map_err(self.err())?,
                None => Vec::new(),
            };
            let d = zstd::bulk::Decompressor::with_dictionary(&dict).map_err(|e| corrupt(&e))?;
            if cache.len() >= 64 {
                cache.clear();
            }
            cache.insert(dict_id, d);
        }
        let json = cache
            .get_mut(&dict_id)
            .expect("inserted above")
            .decompress(&blob, DISPLAY_MAX)
            .map_err(|e| corrupt(&e))?;
        serde_json::from_slice(&json).map_err(|e| corrupt(&e))
    }

    /// The database's metadata and counts.
    pub fn info(&self) -> Result<Info, Error> {
        let err = self.err();
        let built: String = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'built'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(&err)?
            .unwrap_or_default();
        let sources = self.sources()?;
        let count = |table: &str| -> Result<u64, Error> {
            self.conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| n as u64)
                .map_err(self.err())
        };
        let size = fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        Ok(Info {
            path: self.path.clone(),
            schema_version: SCHEMA_VERSION,
            built,
            sources,
            advisories: count("advisories")?,
            affected: count("affected")?,
            repositories: count("repositories")?,
            size,
        })
    }
}
