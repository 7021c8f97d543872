//! A streaming tar reader that reads an archive as Go's `archive/tar` does, which is what
//! Docker and containerd use to unpack image layers.
//!
//! Formats: V7, USTAR (with the `prefix` field), GNU, star, PAX (`x` and `g`). Extension headers
//! (PAX, GNU long names and links, sparse maps) are folded into the entry they describe. PAX
//! records are parsed by their length prefix, so values may hold newlines. Sizes, names and
//! sparse maps are bounded by [`Limits`]. See the crate README for the semantics followed and
//! why the `tar` crate is not used.

mod block;
mod error;
mod parse;
mod reader;

pub use block::Format;
pub use error::{Location, TarError};
pub use parse::{parse_numeric, parse_pax_record, parse_pax_time, PaxRecord, PaxRecordError};
pub use reader::{
    parse_pax, Entry, EntryKind, GlobalHeaders, Header, Limits, Options, Reader, SparseFragment,
};
