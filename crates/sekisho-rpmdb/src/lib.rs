//! Native readers for RPM package databases.
//!
//! Reads the installed-package database of rpm-based images without running
//! rpm, in all three on-disk formats:
//!
//! | format | file | used by |
//! |---|---|---|
//! | [`DbFormat::BerkeleyDb`] | `/var/lib/rpm/Packages` | RHEL/CentOS <= 8, Amazon Linux 2 |
//! | [`DbFormat::Ndb`] | `/var/lib/rpm/Packages.db`, `/usr/lib/sysimage/rpm/Packages.db` | SUSE |
//! | [`DbFormat::Sqlite`] | `/var/lib/rpm/rpmdb.sqlite` | RHEL 9, Fedora, Amazon Linux 2023, CBL-Mariner |
//!
//! Each format stores one rpm header blob per package; [`read_packages`]
//! extracts them and parses each into an [`RpmPackage`]. Everything works on a
//! byte slice in memory (the SQLite database too) and nothing touches the disk.
//!
//! Hostile input is expected: every length, count, offset and page number is
//! checked against the input before use, page chains are followed at most once
//! per page, and allocations are bounded by the input size, so a malformed
//! database yields an [`RpmDbError`] rather than a panic or a huge allocation.
//!
//! ```no_run
//! use sekisho_rpmdb::{read_packages, DbFormat};
//! let bytes = std::fs::read("/var/lib/rpm/rpmdb.sqlite").unwrap();
//! let format = DbFormat::from_path("/var/lib/rpm/rpmdb.sqlite").unwrap();
//! for pkg in read_packages(format, &bytes).unwrap() {
//!     if !pkg.is_gpg_pubkey() {
//!         println!("{} {} {}", pkg.name, pkg.evr(), pkg.arch);
//!     }
//! }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bdb;
mod error;
mod header;
mod ndb;
mod package;
mod sqlite;

use serde::Serialize;

pub use error::{HeaderError, RpmDbError};
pub use header::tags;
pub use package::RpmPackage;

/// The on-disk format of an rpm package database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DbFormat {
    /// Berkeley DB hash database, file `Packages`.
    BerkeleyDb,
    /// rpm's own "ndb" format, file `Packages.db`.
    Ndb,
    /// SQLite database, file `rpmdb.sqlite`.
    Sqlite,
}

impl DbFormat {
    /// The format of a database file, judged by its file name (the last
    /// component of `path`, `/` separated): `Packages`, `Packages.db` or
    /// `rpmdb.sqlite`. Any other name gives `None`.
    ///
    /// Only the name is checked; callers should also check the directory
    /// (`var/lib/rpm/`, `usr/lib/sysimage/rpm/`) to avoid matching unrelated
    /// files called `Packages`.
    pub fn from_path(path: &str) -> Option<DbFormat> {
        let name = path.rsplit('/').next().unwrap_or(path);
        match name {
            "Packages" => Some(DbFormat::BerkeleyDb),
            "Packages.db" => Some(DbFormat::Ndb),
            "rpmdb.sqlite" => Some(DbFormat::Sqlite),
            _ => None,
        }
    }

    /// Guesses the format from the first bytes of the file (magic numbers),
    /// for callers that do not trust the file name.
    pub fn sniff(bytes: &[u8]) -> Option<DbFormat> {
        if bytes.starts_with(b"SQLite format 3\0") {
            return Some(DbFormat::Sqlite);
        }
        if bytes.starts_with(b"RpmP") {
            return Some(DbFormat::Ndb);
        }
        if bytes.len() >= 16 {
            let m = [bytes[12], bytes[13], bytes[14], bytes[15]];
            if u32::from_le_bytes(m) == 0x0006_1561 || u32::from_be_bytes(m) == 0x0006_1561 {
                return Some(DbFormat::BerkeleyDb);
            }
        }
        None
    }

    /// Short human-readable name ("Berkeley DB", "NDB", "SQLite").
    pub fn name(self) -> &'static str {
        match self {
            DbFormat::BerkeleyDb => "Berkeley DB",
            DbFormat::Ndb => "NDB",
            DbFormat::Sqlite => "SQLite",
        }
    }
}

/// One raw package record: its key in the database and its header blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHeader {
    /// Record key: Berkeley DB record number, NDB package index or SQLite
    /// `hnum`.
    pub record: u64,
    /// The header blob, as accepted by [`RpmPackage::from_header_blob`].
    pub blob: Vec<u8>,
}

/// Extracts the header blobs of all packages, in database order, without
/// parsing them.
pub fn read_header_blobs(format: DbFormat, bytes: &[u8]) -> Result<Vec<RawHeader>, RpmDbError> {
    Ok(match format {
        DbFormat::BerkeleyDb => bdb::read_blobs(bytes)?
            .into_iter()
            .map(|(record, blob)| RawHeader {
                record,
                blob: blob.into_owned(),
            })
            .collect(),
        DbFormat::Ndb => ndb::read_blobs(bytes)?
            .into_iter()
            .map(|(record, blob)| RawHeader {
                record,
                blob: blob.to_vec(),
            })
            .collect(),
        DbFormat::Sqlite => sqlite::read_blobs(bytes)?
            .into_iter()
            .map(|(record, blob)| RawHeader { record, blob })
            .collect(),
    })
}

fn parse_all<B: AsRef<[u8]>>(
    blobs: Vec<(u64, B)>,
    lenient: bool,
    errors: &mut Vec<RpmDbError>,
) -> Result<Vec<RpmPackage>, RpmDbError> {
    let mut out = Vec::with_capacity(blobs.len());
    for (record, blob) in blobs {
        match RpmPackage::from_header_blob(blob.as_ref()) {
            Ok(p) => out.push(p),
            Err(source) => {
                let e = RpmDbError::Header { record, source };
                if !lenient {
                    return Err(e);
                }
                errors.push(e);
            }
        }
    }
    Ok(out)
}

fn read(
    format: DbFormat,
    bytes: &[u8],
    lenient: bool,
) -> Result<(Vec<RpmPackage>, Vec<RpmDbError>), RpmDbError> {
    let mut errors = Vec::new();
    let pkgs = match format {
        DbFormat::BerkeleyDb => parse_all(bdb::read_blobs(bytes)?, lenient, &mut errors)?,
        DbFormat::Ndb => parse_all(ndb::read_blobs(bytes)?, lenient, &mut errors)?,
        DbFormat::Sqlite => parse_all(sqlite::read_blobs(bytes)?, lenient, &mut errors)?,
    };
    Ok((pkgs, errors))
}

/// Reads every package of a database, in database order (the order `rpm -qa`
/// lists them in).
///
/// `gpg-pubkey` pseudo-packages are included, as `rpm -qa` includes them;
/// filter with [`RpmPackage::is_gpg_pubkey`].
///
/// Fails on the first problem: a damaged database structure or any package
/// header that cannot be parsed. See [`read_packages_lenient`] to keep the
/// good packages of a database with some bad headers.
pub fn read_packages(format: DbFormat, bytes: &[u8]) -> Result<Vec<RpmPackage>, RpmDbError> {
    read(format, bytes, false).map(|(p, _)| p)
}

/// Like [`read_packages`], but a package header that cannot be parsed is
/// skipped and reported in the second vector ([`RpmDbError::Header`]) instead
/// of failing the whole read. A damaged database structure (pages, slots,
/// SQLite file) is still an error.
pub fn read_packages_lenient(
    format: DbFormat,
    bytes: &[u8],
) -> Result<(Vec<RpmPackage>, Vec<RpmDbError>), RpmDbError> {
    read(format, bytes, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_path() {
        assert_eq!(
            DbFormat::from_path("var/lib/rpm/Packages"),
            Some(DbFormat::BerkeleyDb)
        );
        assert_eq!(
            DbFormat::from_path("/usr/lib/sysimage/rpm/Packages.db"),
            Some(DbFormat::Ndb)
        );
        assert_eq!(DbFormat::from_path("rpmdb.sqlite"), Some(DbFormat::Sqlite));
        assert_eq!(DbFormat::from_path("var/lib/rpm/Packages.bak"), None);
        assert_eq!(DbFormat::from_path("var/lib/rpm/"), None);
    }
}
