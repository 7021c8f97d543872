//! Typed errors. Every error names where it happened (entry index, offset of its header in the
//! stream and, once known, a short printable form of its name) and never quotes raw header bytes.

use std::fmt;

/// Where in the archive an error happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Index of the entry being read (0 for the first entry the reader yields; extension headers
    /// such as PAX `x` or GNU `L` belong to the entry they precede).
    pub entry: u64,
    /// Offset in the stream of the header block being read.
    pub offset: u64,
    /// The entry's name when already known: lossy UTF-8, control characters replaced by `?`,
    /// at most 64 characters.
    pub name: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {} (header at offset {}", self.entry, self.offset)?;
        if let Some(name) = &self.name {
            write!(f, ", `{name}`")?;
        }
        f.write_str(")")
    }
}

/// Makes a short, printable form of a name for error messages.
pub(crate) fn printable(name: &[u8]) -> String {
    const MAX: usize = 64;
    let lossy = String::from_utf8_lossy(name);
    let mut out = String::new();
    for (i, c) in lossy.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { '?' } else { c });
    }
    out
}

/// Everything that can go wrong while reading a tar stream.
#[derive(Debug, thiserror::Error)]
pub enum TarError {
    /// The underlying reader failed.
    #[error("I/O error at {at}: {source}")]
    Io {
        /// Where.
        at: Location,
        /// The reader's error.
        #[source]
        source: std::io::Error,
    },
    /// The stream ended inside a header block (or inside a GNU sparse extension block).
    #[error("archive truncated inside a header block of {at}")]
    TruncatedHeader {
        /// Where.
        at: Location,
    },
    /// The stream ended inside an entry's data.
    #[error("archive truncated inside the data of {at}: {missing} bytes missing")]
    TruncatedData {
        /// Where.
        at: Location,
        /// How many bytes of data were still expected.
        missing: u64,
    },
    /// The header checksum matches neither the unsigned nor the signed sum of the block.
    #[error("bad header checksum in {at}")]
    BadChecksum {
        /// Where.
        at: Location,
    },
    /// A numeric header field is neither valid octal nor valid base-256, or overflows.
    #[error("invalid number in header field `{field}` of {at}")]
    InvalidNumber {
        /// Where.
        at: Location,
        /// The field (`size`, `mode`, `uid`, ...).
        field: &'static str,
    },
    /// A size is negative.
    #[error("negative size in {at}")]
    NegativeSize {
        /// Where.
        at: Location,
    },
    /// A zero block followed by a non-zero block (Go rejects this; two zero blocks end the archive).
    #[error("a single zero block followed by a non-zero block at offset {offset}")]
    LoneZeroBlock {
        /// Offset of the zero block.
        offset: u64,
    },
    /// A PAX extended header record is malformed.
    #[error("malformed PAX record in the extended header of {at}: {reason}")]
    BadPaxRecord {
        /// Where.
        at: Location,
        /// What is wrong.
        reason: &'static str,
    },
    /// A PAX record's value is not valid for its key (e.g. a non-decimal `size`).
    #[error("invalid value for PAX key `{key}` in {at}")]
    BadPaxValue {
        /// Where.
        at: Location,
        /// The key.
        key: &'static str,
    },
    /// A PAX extended header, GNU long name/link or sparse map is larger than the limit.
    #[error("{what} of {at} is too large: {size} bytes, limit {limit}")]
    TooLarge {
        /// Where.
        at: Location,
        /// What (`PAX header`, `GNU long name`, `GNU sparse map`, `path`, `link target`).
        what: &'static str,
        /// Its size in bytes (a lower bound when it was not read in full).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A sparse map has more fragments than the limit.
    #[error("sparse map of {at} has more than {limit} fragments")]
    TooManySparseFragments {
        /// Where.
        at: Location,
        /// The limit.
        limit: usize,
    },
    /// A sparse map is invalid (unparsable, overlapping, out of order, beyond the size).
    #[error("invalid sparse map in {at}: {reason}")]
    BadSparseMap {
        /// Where.
        at: Location,
        /// What is wrong.
        reason: &'static str,
    },
    /// A sparse entry's stored data does not match its map (found when its data is read).
    #[error("sparse data of {at} does not match its map: {reason}")]
    SparseDataMismatch {
        /// Where.
        at: Location,
        /// `references missing data` or `has unreferenced data`.
        reason: &'static str,
    },
    /// The reader failed earlier; it cannot go on.
    #[error("the tar reader failed earlier and cannot continue")]
    Failed,
}

impl TarError {
    /// The location the error names, if any.
    pub fn location(&self) -> Option<&Location> {
        match self {
            TarError::Io { at, .. }
            | TarError::TruncatedHeader { at }
            | TarError::TruncatedData { at, .. }
            | TarError::BadChecksum { at }
            | TarError::InvalidNumber { at, .. }
            | TarError::NegativeSize { at }
            | TarError::BadPaxRecord { at, .. }
            | TarError::BadPaxValue { at, .. }
            | TarError::TooLarge { at, .. }
            | TarError::TooManySparseFragments { at, .. }
            | TarError::BadSparseMap { at, .. }
            | TarError::SparseDataMismatch { at, .. } => Some(at),
            TarError::LoneZeroBlock { .. } | TarError::Failed => None,
        }
    }
}
