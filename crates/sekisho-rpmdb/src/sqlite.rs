//! SQLite package database (`rpmdb.sqlite`, rpm >= 4.16).
//!
//! rpm keeps one row per package in `Packages(hnum INTEGER PRIMARY KEY, blob
//! BLOB)`; `blob` is the header blob. The index tables (`Name`, `Basenames`,
//! ...) are not needed. Rows are returned in `hnum` order, like rpm.
//!
//! The database is opened from memory with `sqlite3_deserialize`, read-only,
//! with temporary storage in memory: nothing is read from or written to disk.
//! rpm runs SQLite in WAL mode, which the in-memory VFS cannot open, so the
//! copy handed to SQLite has the header's read/write format bytes (18, 19) set
//! back to 1 (rollback journal). Changes still in a `-wal` file next to the
//! database are not seen; a committed database has none after a checkpoint.

use rusqlite::limits::Limit;
use rusqlite::{Connection, OpenFlags};

use crate::error::RpmDbError;

const FORMAT: &str = "SQLite";
const MAGIC: &[u8; 16] = b"SQLite format 3\0";
const HEADER_LEN: usize = 100;

fn err(context: &'static str) -> impl FnOnce(rusqlite::Error) -> RpmDbError {
    move |source| RpmDbError::Sqlite { context, source }
}

/// Returns the header blobs of an `rpmdb.sqlite` file as (hnum, blob).
pub(crate) fn read_blobs(data: &[u8]) -> Result<Vec<(u64, Vec<u8>)>, RpmDbError> {
    if data.len() < HEADER_LEN {
        return Err(RpmDbError::Truncated {
            format: FORMAT,
            what: "database header",
            offset: 0,
            needed: HEADER_LEN as u64,
            available: data.len() as u64,
        });
    }
    if &data[..16] != MAGIC {
        return Err(RpmDbError::BadMagic {
            format: FORMAT,
            found: u32::from_le_bytes([data[0], data[1], data[2], data[3]]),
        });
    }
    if data.len() > i32::MAX as usize {
        return Err(RpmDbError::Unsupported {
            format: FORMAT,
            reason: format!("database of {} bytes is larger than 2 GiB", data.len()),
        });
    }
    let mut header = [0u8; HEADER_LEN];
    header.copy_from_slice(&data[..HEADER_LEN]);
    for b in &mut header[18..20] {
        if *b == 2 {
            *b = 1;
        }
    }

    let mut conn = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_MEMORY,
    )
    .map_err(err("open in-memory connection"))?;
    conn.execute_batch("PRAGMA temp_store = MEMORY;")
        .map_err(err("set temp_store"))?;
    let reader = std::io::Read::chain(&header[..], &data[HEADER_LEN..]);
    conn.deserialize_read_exact(c"main", reader, data.len(), true)
        .map_err(err("load database"))?;
    conn.execute_batch("PRAGMA query_only = ON;")
        .map_err(err("set query_only"))?;
    // No value can be larger than the file itself; a corrupt overflow chain
    // claiming more is refused by SQLite (SQLITE_TOOBIG) instead of filling
    // memory.
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, data.len() as i32)
        .map_err(err("set length limit"))?;

    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .map_err(err("prepare query of the Packages table"))?;
    let mut rows = stmt.query([]).map_err(err("query the Packages table"))?;
    let mut out = Vec::new();
    let mut total = 0usize;
    while let Some(row) = rows.next().map_err(err("read a Packages row"))? {
        let hnum: i64 = row.get(0).map_err(err("read hnum"))?;
        let blob = row
            .get_ref(1)
            .map_err(err("read blob"))?
            .as_blob()
            .map_err(|e| RpmDbError::Sqlite {
                context: "Packages.blob is not a BLOB",
                source: e.into(),
            })?
            .to_vec();
        // Blobs are stored once each, so together they fit in the file; more
        // means pages are shared by several rows (corruption), and reading on
        // would multiply memory use.
        total += blob.len();
        if total > data.len() {
            return Err(RpmDbError::Corrupt {
                format: FORMAT,
                reason: format!(
                    "Packages rows hold more than the file's {} bytes (corrupt database)",
                    data.len()
                ),
            });
        }
        out.push((hnum as u64, blob));
    }
    Ok(out)
}
