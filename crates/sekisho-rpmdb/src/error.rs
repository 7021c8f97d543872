//! Error types.

use thiserror::Error;

/// An error reading an RPM package database.
///
/// Every variant names the part of the input that is wrong, so a caller can
/// tell a truncated file from a corrupt page from a bad package header.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RpmDbError {
    /// The input ends before a structure that must be there.
    #[error("{format} database truncated: {what} needs {needed} bytes at offset {offset}, file has {available}")]
    Truncated {
        /// Database format ("Berkeley DB", "NDB", "SQLite").
        format: &'static str,
        /// The structure that could not be read.
        what: &'static str,
        /// Byte offset of the structure.
        offset: u64,
        /// Bytes the structure needs, counted from `offset`.
        needed: u64,
        /// Total length of the input.
        available: u64,
    },
    /// The file does not start with the magic number of the expected format.
    #[error("not a {format} database: bad magic {found:#010x}")]
    BadMagic {
        /// Database format that was expected.
        format: &'static str,
        /// The magic value found (first bytes as a little-endian `u32` where
        /// the format has no 32-bit magic).
        found: u32,
    },
    /// A valid file of a variant this crate does not read (encrypted
    /// Berkeley DB, a B-tree database, an unknown NDB version, ...).
    #[error("unsupported {format} database: {reason}")]
    Unsupported {
        /// Database format.
        format: &'static str,
        /// What is not supported.
        reason: String,
    },
    /// The database is inconsistent in a way no more specific variant covers
    /// (for SQLite: rows holding more data than the whole file).
    #[error("corrupt {format} database: {reason}")]
    Corrupt {
        /// Database format.
        format: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A Berkeley DB page is malformed.
    #[error("Berkeley DB page {page} is corrupt: {reason}")]
    BdbCorruptPage {
        /// Page number.
        page: u32,
        /// What is wrong with it.
        reason: String,
    },
    /// A page number in the Berkeley DB file points past the end of the file.
    #[error("Berkeley DB page number {page} is out of range (file has {pages} pages)")]
    BdbPageOutOfRange {
        /// The referenced page number.
        page: u32,
        /// Number of pages in the file.
        pages: u32,
    },
    /// A page was reached twice: a loop in an overflow or bucket chain, or two
    /// chains sharing a page. Each page may be read once, which also bounds the
    /// work done on hostile input.
    #[error("Berkeley DB chain starting at page {start} reaches page {page} a second time (loop or shared page)")]
    BdbPageLoop {
        /// First page of the chain being followed.
        start: u32,
        /// The page that was reached again.
        page: u32,
    },
    /// An overflow chain holds a different number of bytes than its item says.
    #[error("Berkeley DB overflow chain starting at page {start} holds {found} bytes, item says {expected}")]
    BdbOverflowLength {
        /// First page of the chain.
        start: u32,
        /// Length recorded in the hash item.
        expected: u64,
        /// Bytes found in the chain (may stop counting once past `expected`).
        found: u64,
    },
    /// An NDB slot entry is malformed.
    #[error("NDB slot {slot} is corrupt: {reason}")]
    NdbCorruptSlot {
        /// Slot number (counted like rpm does, the header occupies slots 0 and 1).
        slot: u32,
        /// What is wrong with it.
        reason: String,
    },
    /// An NDB blob (one package) is malformed.
    #[error("NDB blob of package index {pkgidx} is corrupt: {reason}")]
    NdbCorruptBlob {
        /// Package index from the slot.
        pkgidx: u32,
        /// What is wrong with it.
        reason: String,
    },
    /// SQLite could not open or query the database.
    #[error("SQLite rpmdb: {context}: {source}")]
    Sqlite {
        /// What was being done.
        context: &'static str,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// One package header blob could not be parsed.
    #[error("package record {record}: {source}")]
    Header {
        /// The record key in the database (Berkeley DB key, NDB package index,
        /// SQLite `hnum`).
        record: u64,
        /// What is wrong with the header.
        #[source]
        source: HeaderError,
    },
}

/// An error parsing one rpm header blob.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderError {
    /// The blob is shorter than its own index and data lengths say.
    #[error("header blob truncated: needs {needed} bytes, has {available}")]
    Truncated {
        /// Bytes required by the index count and data length.
        needed: u64,
        /// Bytes present.
        available: u64,
    },
    /// The index holds no entries.
    #[error("header has no index entries")]
    NoEntries,
    /// The index entry count is larger than rpm allows (65535).
    #[error("header index count {0} is too large")]
    TooManyEntries(u32),
    /// The data length is larger than rpm allows (256 MiB).
    #[error("header data length {0} is too large")]
    DataTooLarge(u32),
    /// An index entry has an invalid type, offset or count.
    #[error("header index entry {index} (tag {tag}): {reason}")]
    BadEntry {
        /// Position in the index.
        index: u32,
        /// The entry's tag.
        tag: i32,
        /// What is wrong.
        reason: &'static str,
    },
    /// A tag has a data type other than the one rpm uses for it.
    #[error("tag {tag} has type {found}, expected {expected}")]
    UnexpectedType {
        /// The tag.
        tag: i32,
        /// The expected type name.
        expected: &'static str,
        /// The type number found.
        found: u32,
    },
    /// A tag every installed package has (name, version, release) is missing.
    #[error("required tag {0} is missing")]
    MissingTag(&'static str),
    /// The file list tags disagree with each other.
    #[error("bad file list: {0}")]
    BadFileList(&'static str),
    /// The file paths would need more memory than the cap allows.
    #[error("file list would need more than {limit} bytes of paths")]
    TooMuchFileData {
        /// The cap in bytes.
        limit: u64,
    },
}
