//! Sekisho's offline vulnerability database: upstream advisory feeds (OSV, Alpine/Wolfi
//! secdb, RustSec, Node.js security-wg, rubysec, FriendsOfPHP, the Debian security tracker,
//! Red Hat CSAF and Security Data API) parsed into one record model ([`record`]) and stored
//! in one SQLite file ([`db`]) that the matcher reads with one indexed query per package,
//! with Red Hat's repository (content set) to CPE map (`repository-to-cpe.json`,
//! [`feeds::redhat_repos`]) that scopes Red Hat's records.
//!
//! [`build`] reads each SOURCE (a directory, or a `.tar.gz` of one read straight from the
//! archive), recognises its feed per file by name and layout, and writes the database
//! atomically. Malformed records become [`Warning`]s; a source with no recognisable layout is
//! an error naming it.
//!
//! Decisions the matcher relies on:
//!
//! * Names are stored normalised ([`normalize_name`]); [`Database::lookup`] normalises the
//!   query the same way. Debian and Ubuntu are keyed by source package, Alpine and Wolfi by
//!   origin, Red Hat modular packages as `module:stream::name`.
//! * Red Hat entries keep the CPEs of the products they were stated for
//!   ([`Affected::cpes`]), and are stored under the release of that CPE (`redhat:9`; another
//!   product's, such as an extended-support stream's, under the CPE itself).
//! * Ranges are never expanded into rows: OSV events are kept as events, explicit `versions`
//!   lists as lists, and requirement strings (security-wg, rubysec, FriendsOfPHP, RustSec
//!   requirements that are not plain intervals) as [`Range::Constraint`] with their syntax.
//! * Nothing is dropped for policy: withdrawn advisories are stored with `withdrawn` set,
//!   Debian's `unimportant` urgency is kept as the per-package severity, secdb `0` keys and
//!   CSAF `known_not_affected` become [`Status::NotAffected`] rows, RustSec
//!   `informational` kinds are the RustSec severity label. Hiding them is the matcher's and
//!   the report's choice.

use std::fmt;
use std::path::PathBuf;

pub mod build;
pub mod db;
pub mod ecosystem;
pub mod feeds;
pub mod fetch;
mod incremental;
pub mod input;
pub mod record;
pub mod update;

pub use build::{build, BuildSummary, SourceSummary};
pub use db::{Database, Encoded, Hit, Info, SourceRow, Writer, SCHEMA_VERSION};
pub use ecosystem::normalize_name;
pub use fetch::HttpOptions;
pub use incremental::IncrementalSummary;
pub use record::{Advisory, Affected, ConstraintSyntax, Display, Event, Range, Severity, Status};
pub use update::{
    update, Feed, FeedFile, FeedSummary, Layout, Mode, PartSummary, Progress, UpdateOptions,
    UpdateSummary,
};

/// What the hint on database errors tells the user to run.
const UPDATE_HINT: &str = "run `sekisho db update` (or `sekisho db build`) to get a fresh database";

/// Errors building or reading the database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A source archive could not be read.
    #[error("{}: unreadable archive: {message}", path.display())]
    Archive {
        /// The archive.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A source is neither a directory nor a `.tar.gz`/`.tar.zst`/`.tar`/`.zip`/`.json`.
    #[error("{}: not a directory, .tar.gz, .tar.zst, .tar, .zip or .json feed source", path.display())]
    UnknownInput {
        /// The source.
        path: PathBuf,
    },
    /// No file of a source has a known feed layout (the feed's format may have changed).
    #[error("{}: no recognisable advisory feed layout ({files} files read, {unrecognised} data files of unknown shape); has the feed's format changed?", path.display())]
    NoLayout {
        /// The source.
        path: PathBuf,
        /// Files read.
        files: usize,
        /// JSON/YAML files of no known shape.
        unrecognised: usize,
    },
    /// SQLite failed.
    #[error("{}: database error: {source}; {UPDATE_HINT}", path.display())]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The database file is missing.
    #[error("{}: no vulnerability database; {UPDATE_HINT}", path.display())]
    Missing {
        /// The expected file.
        path: PathBuf,
    },
    /// The database file is damaged.
    #[error("{}: corrupt vulnerability database ({reason}); {UPDATE_HINT}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A download failed (after its retries); the cache and the database are left as they
    /// were.
    #[error("feed {feed}: {url}: {message}; the previous feed cache and database are kept")]
    Fetch {
        /// The feed's name.
        feed: String,
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A downloaded archive could not be read (corrupt or truncated).
    #[error("feed {feed}: {file}: corrupt archive: {message}; the previous feed cache and database are kept")]
    FeedArchive {
        /// The feed's name.
        feed: String,
        /// The archive (its URL).
        file: String,
        /// What went wrong.
        message: String,
    },
    /// A downloaded file is not what the feed publishes (its format may have changed).
    #[error("feed {feed}: {file}: {message}; has the feed's format changed? The previous feed cache and database are kept")]
    FeedFormat {
        /// The feed's name.
        feed: String,
        /// The file (its URL, or the member of an archive).
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The update options are invalid (an unknown feed name, a bad proxy or mirror URL).
    #[error("{message}")]
    Options {
        /// What is wrong.
        message: String,
    },
    /// The database was written by another schema version.
    #[error("{}: database schema version {found}, this sekisho reads version {expected}; {UPDATE_HINT}", path.display())]
    Schema {
        /// The file.
        path: PathBuf,
        /// The version found (0: none).
        found: u32,
        /// The version this build reads.
        expected: u32,
    },
}

/// A record or file skipped (or partly read) while building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The source's name.
    pub source: String,
    /// The file inside the source.
    pub file: String,
    /// The record id, or empty when the whole file is concerned.
    pub record: String,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.file)?;
        if !self.record.is_empty() {
            write!(f, ": {}", self.record)?;
        }
        write!(f, ": {}", self.message)
    }
}
