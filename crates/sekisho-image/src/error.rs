//! Typed errors for reading images. Every variant names the input it came from.

use std::path::PathBuf;

/// Something went wrong while opening or reading an image.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The source path could not be opened or read. (The OS error is part of the message, not
    /// a separate cause, so a report of the error chain says it once.)
    #[error("{path}: {error}")]
    Io {
        /// The file or directory that failed.
        path: PathBuf,
        /// The operating system error.
        error: std::io::Error,
    },
    /// The source exists but is not an image in any supported format.
    #[error("{path}: not an image archive or layout: {reason}")]
    UnknownFormat {
        /// The input.
        path: PathBuf,
        /// What was seen instead.
        reason: String,
    },
    /// A metadata document (manifest, index, config) is missing or invalid.
    #[error("{input}: {what}: {reason}")]
    BadMetadata {
        /// The image input.
        input: String,
        /// Which document (e.g. `index.json`, `manifest.json`, `blob sha256:...`).
        what: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The requested tag or platform is not in the image.
    #[error("{input}: {reason}")]
    NotFound {
        /// The image input.
        input: String,
        /// What was asked for and what is available.
        reason: String,
    },
    /// A layer could not be read: corrupt compression, a bad tar header, a hostile entry.
    #[error("{input}: layer {layer} ({digest}): {reason}")]
    Layer {
        /// The image input.
        input: String,
        /// 0-based layer index in manifest order.
        layer: usize,
        /// The layer's blob digest or path.
        digest: String,
        /// What is wrong.
        reason: String,
    },
    /// A streamed source could not be read: a daemon that cannot be reached or refuses the
    /// export, or an export cut short.
    #[error("{input}: {reason}")]
    Stream {
        /// The image input.
        input: String,
        /// What went wrong, naming where the stream comes from.
        reason: String,
    },
    /// A blob's content does not match the digest the manifest promised.
    #[error("{input}: blob {expected}: digest mismatch (content hashes to {actual})")]
    DigestMismatch {
        /// The image input.
        input: String,
        /// The digest from the manifest or config.
        expected: String,
        /// The digest of what was read.
        actual: String,
    },
}

impl ImageError {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ImageError::Io {
            path: path.into(),
            error: source,
        }
    }

    /// A metadata error.
    pub fn meta(input: &str, what: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        ImageError::BadMetadata {
            input: input.to_string(),
            what: what.into(),
            reason: reason.to_string(),
        }
    }
}

/// An error message from a parser, cut to its first line and 120 characters: the `tar` crate
/// quotes raw header bytes in some messages, which must not flood the terminal.
/// A short, single-line reason from a reader error, control characters replaced. The tar
/// reader's messages name the entry and the problem, never the archive's bytes.
pub(crate) fn brief(e: impl std::fmt::Display) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or("");
    let clean: String = line
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.chars().count() > 120 {
        let cut: String = clean.chars().take(120).collect();
        format!("{cut}...")
    } else {
        clean
    }
}
