//! The SQLite store: a writer that builds into a temporary file and renames it over the
//! target, and a read-only reader answering `lookup(ecosystem, distro, name)` with one
//! indexed query.
//!
//! Schema (version [`SCHEMA_VERSION`]):
//!
//! ```sql
//! meta(key PRIMARY KEY, value)             -- schema_version, built
//! sources(name PRIMARY KEY, format, digest, records, affected, built)
//! advisories(id, source, aliases, severity, withdrawn, display)
//!     -- aliases, severity: compact JSON or NULL; display: zlib-compressed JSON of
//!     -- summary, details, references, published, modified
//! affected(ecosystem, distro, name, advisory, ranges, versions, status, fixed, severity)
//!     -- advisory: advisories.rowid; ranges, versions: compact JSON or NULL
//! INDEX affected_key ON affected(ecosystem, distro, name)   -- the only index
//! ```

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::ecosystem::normalize_name;
use crate::record::{Advisory, Affected, Display, Severity, Status};
use crate::Error;

/// The schema version this crate writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (name TEXT PRIMARY KEY, format TEXT NOT NULL, digest TEXT NOT NULL,
    records INTEGER NOT NULL, affected INTEGER NOT NULL, built TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE advisories (id TEXT NOT NULL, source TEXT NOT NULL, aliases TEXT, severity TEXT,
    withdrawn TEXT, display BLOB);
CREATE TABLE affected (ecosystem TEXT NOT NULL, distro TEXT NOT NULL, name TEXT NOT NULL,
    advisory INTEGER NOT NULL, ranges TEXT, versions TEXT, status TEXT NOT NULL, fixed TEXT,
    severity TEXT);
";

const INDEX: &str = "CREATE INDEX affected_key ON affected (ecosystem, distro, name);";

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
    /// SHA-256 of the input bytes.
    pub digest: String,
    /// Advisories stored from it.
    pub records: u64,
    /// Affected-package rows stored from it.
    pub affected: u64,
    /// When it was built (the build time given to the writer).
    pub built: String,
}

/// An advisory as stored: JSON columns serialised and the display part compressed, so that
/// this work can be done on parsing threads.
#[derive(Debug, Clone)]
pub struct Encoded {
    id: String,
    aliases: Option<String>,
    severity: Option<String>,
    withdrawn: Option<String>,
    display: Vec<u8>,
    affected: Vec<EncodedAffected>,
}

#[derive(Debug, Clone)]
struct EncodedAffected {
    ecosystem: String,
    distro: String,
    name: String,
    ranges: Option<String>,
    versions: Option<String>,
    status: &'static str,
    fixed: Option<String>,
    severity: Option<String>,
}

impl Encoded {
    /// Encodes an advisory for [`Writer::insert_encoded`].
    pub fn new(adv: &Advisory) -> Encoded {
        Encoded {
            id: adv.id.clone(),
            aliases: json_or_null(&adv.aliases),
            severity: json_or_null(&adv.severity),
            withdrawn: adv.withdrawn.clone(),
            display: compress(&adv.display),
            affected: adv
                .affected
                .iter()
                .map(|a| EncodedAffected {
                    ecosystem: a.ecosystem.clone(),
                    distro: a.distro.clone(),
                    name: a.name.clone(),
                    ranges: json_or_null(&a.ranges),
                    versions: json_or_null(&a.versions),
                    status: a.status.as_str(),
                    fixed: a.fixed.clone(),
                    severity: a.severity.clone(),
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
}

impl Writer {
    /// Starts a database for `target`; `built` is the build time recorded in `meta`.
    pub fn create(target: &Path, built: &str) -> Result<Writer, Error> {
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
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::Io {
                    path: tmp,
                    source: e,
                })
            }
        }
        let conn = Connection::open(&tmp).map_err(sql_err(&tmp))?;
        let mut w = Writer {
            conn: None,
            tmp: tmp.clone(),
            target: target.to_path_buf(),
            built: built.to_owned(),
            done: false,
        };
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA cache_size = -65536; PRAGMA page_size = 4096;",
        )
        .map_err(sql_err(&tmp))?;
        conn.execute_batch(SCHEMA).map_err(sql_err(&tmp))?;
        conn.execute_batch("BEGIN").map_err(sql_err(&tmp))?;
        w.conn = Some(conn);
        Ok(w)
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
    pub fn insert_encoded(&mut self, source: &str, adv: &Encoded) -> Result<u64, Error> {
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
            adv.display
        ])
        .map_err(&err)?;
        let rowid = conn.last_insert_rowid();
        let mut aff = conn
            .prepare_cached(
                "INSERT INTO affected (ecosystem, distro, name, advisory, ranges, versions, status, fixed, severity)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(&err)?;
        for a in &adv.affected {
            aff.execute(params![
                a.ecosystem,
                a.distro,
                a.name,
                rowid,
                a.ranges,
                a.versions,
                a.status,
                a.fixed,
                a.severity
            ])
            .map_err(&err)?;
        }
        Ok(adv.affected.len() as u64)
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

    /// Indexes, commits, syncs and renames the file over the target.
    pub fn finish(mut self) -> Result<(), Error> {
        let tmp = self.tmp.clone();
        let err = sql_err(&tmp);
        let conn = self.conn.take().expect("connection open until finish");
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?1), ('built', ?2)",
            params![SCHEMA_VERSION.to_string(), self.built],
        )
        .map_err(&err)?;
        conn.execute_batch(INDEX).map_err(&err)?;
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

fn compress(display: &Display) -> Vec<u8> {
    let json = serde_json::to_vec(display).unwrap_or_default();
    let mut enc = ZlibEncoder::new(
        Vec::with_capacity(json.len() / 2),
        flate2::Compression::default(),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(&json);
    enc.finish().unwrap_or_default()
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
    /// File size in bytes.
    pub size: u64,
}

/// A database opened read-only and immutable.
pub struct Database {
    conn: Connection,
    path: PathBuf,
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
        let db = Database {
            conn,
            path: path.to_path_buf(),
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
    pub fn lookup(&self, ecosystem: &str, distro: &str, name: &str) -> Result<Vec<Hit>, Error> {
        let err = self.err();
        let name = normalize_name(ecosystem, name);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.rowid, a.id, a.source, a.aliases, a.severity, a.withdrawn,
                        f.ranges, f.versions, f.status, f.fixed, f.severity
                 FROM affected f JOIN advisories a ON a.rowid = f.advisory
                 WHERE f.ecosystem = ?1 AND f.distro = ?2 AND f.name = ?3
                 ORDER BY f.rowid",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map(params![ecosystem, distro, name], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, Option<String>>(10)?,
                ))
            })
            .map_err(&err)?;
        let mut out = Vec::new();
        for row in rows {
            let (
                rowid,
                id,
                source,
                aliases,
                severity,
                withdrawn,
                ranges,
                versions,
                status,
                fixed,
                aff_sev,
            ) = row.map_err(&err)?;
            let bad = |what: &str| Error::Corrupt {
                path: self.path.clone(),
                reason: format!("{id}: unreadable {what}"),
            };
            let parse = |s: Option<String>| -> Option<Result<_, ()>> {
                s.map(|s| serde_json::from_str(&s).map_err(|_| ()))
            };
            out.push(Hit {
                advisory_row: rowid,
                aliases: parse(aliases)
                    .transpose()
                    .map_err(|_| bad("aliases"))?
                    .unwrap_or_default(),
                severity: match severity {
                    Some(s) => serde_json::from_str(&s).map_err(|_| bad("severity"))?,
                    None => Vec::new(),
                },
                withdrawn,
                affected: Affected {
                    ecosystem: ecosystem.to_owned(),
                    distro: distro.to_owned(),
                    name: name.clone(),
                    ranges: match ranges {
                        Some(s) => serde_json::from_str(&s).map_err(|_| bad("ranges"))?,
                        None => Vec::new(),
                    },
                    versions: parse(versions)
                        .transpose()
                        .map_err(|_| bad("versions"))?
                        .unwrap_or_default(),
                    status: Status::parse(&status).ok_or_else(|| bad("status"))?,
                    fixed,
                    severity: aff_sev,
                },
                id,
                source,
            });
        }
        Ok(out)
    }

    /// The display part (summary, details, references, dates) of an advisory row.
    pub fn display(&self, advisory_row: i64) -> Result<Display, Error> {
        let blob: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT display FROM advisories WHERE rowid = ?1")
            .and_then(|mut s| s.query_row([advisory_row], |r| r.get(0)).optional())
            .map_err(self.err())?
            .flatten();
        let Some(blob) = blob else {
            return Ok(Display::default());
        };
        let mut json = Vec::new();
        ZlibDecoder::new(&blob[..])
            .read_to_end(&mut json)
            .map_err(|e| Error::Corrupt {
                path: self.path.clone(),
                reason: format!("display blob: {e}"),
            })?;
        serde_json::from_slice(&json).map_err(|e| Error::Corrupt {
            path: self.path.clone(),
            reason: format!("display blob: {e}"),
        })
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
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name, format, digest, records, affected, built FROM sources ORDER BY name",
            )
            .map_err(&err)?;
        let sources = stmt
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
            .map_err(&err)?;
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
            size,
        })
    }
}
