//! Streaming one layer: decompress (gzip, zstd or plain), walk the tar once, check every
//! entry for safety, hand wanted file contents to the visitor, and hash the blob on the way.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read};

use sha2::{Digest, Sha256};

use crate::digest::{Algorithm, Hasher};

/// What kind of filesystem object a layer entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (`link` holds the target as written).
    Symlink,
    /// A hard link to an earlier path (`link` holds that path, normalised).
    Hardlink,
    /// A character device.
    Char,
    /// A block device.
    Block,
    /// A named pipe.
    Fifo,
}

impl EntryKind {
    /// The short name used in listings (`file`, `dir`, `symlink`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::File => "file",
            EntryKind::Dir => "dir",
            EntryKind::Symlink => "symlink",
            EntryKind::Hardlink => "hardlink",
            EntryKind::Char => "char",
            EntryKind::Block => "block",
            EntryKind::Fifo => "fifo",
        }
    }
}

/// One entry of a layer as the tar header describes it, with its path normalised
/// (relative to the image root, no leading `/`, no `.` or `..`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Normalised path, e.g. `etc/os-release`.
    pub path: String,
    /// Object type.
    pub kind: EntryKind,
    /// Permission bits including setuid/setgid/sticky (`0o7777` mask).
    pub mode: u32,
    /// Owner user ID.
    pub uid: u32,
    /// Owner group ID.
    pub gid: u32,
    /// Size of the file content in bytes (0 for non-files).
    pub size: u64,
    /// Symlink target (as written) or hardlink target (normalised path).
    pub link: Option<String>,
    /// SHA-256 of the content, when [`crate::ScanOptions::hash_files`] is set.
    pub sha256: Option<Box<[u8; 32]>>,
}

/// How a layer marks deletions (OCI / AUFS whiteouts).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Whiteout {
    /// `DIR/.wh.NAME`: delete `DIR/NAME` from lower layers.
    Remove(String),
    /// `DIR/.wh..wh..opq`: hide everything lower layers put under `DIR`.
    Opaque(String),
}

/// How much of a regular file a visitor needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interest {
    /// Nothing: the content is skipped without being read into memory.
    Skip,
    /// The first `n` bytes (fewer if the file is shorter), handed to [`LayerVisitor::peek`],
    /// which decides whether the whole file is read: a magic-number check before committing
    /// to a large binary or archive.
    Head(usize),
    /// The whole content, up to the scan's content limit.
    Whole,
}

/// Outputs of a visitor for one layer, by entry path. When one layer holds the same path
/// twice, the last copy wins, as tar and every container runtime have it.
pub type LayerOutputs<O> = BTreeMap<String, O>;

/// Chooses which entries' contents are read and turns them into results, while a layer streams.
///
/// Implementations must be cheap in [`LayerVisitor::interest`]: it is called for every entry.
pub trait LayerVisitor: Sync {
    /// What the visitor produces for one file.
    type Output: Send;
    /// How much of `entry` (a regular file) is needed.
    fn interest(&self, entry: &Entry) -> Interest;
    /// After [`Interest::Head`]: whether to read the whole file, given its first bytes.
    fn peek(&self, entry: &Entry, head: &[u8]) -> bool {
        let _ = (entry, head);
        false
    }
    /// Process the content of a wanted entry. Results are filed under the layer they came from.
    fn visit(&self, entry: &Entry, content: &[u8]) -> Option<Self::Output>;
    /// Bytes of file content `output` keeps (counted against [`Limits::max_captured`]).
    fn kept_bytes(&self, output: &Self::Output) -> u64 {
        let _ = output;
        0
    }
    /// `output` without its kept content (the layer's captured total is over the limit);
    /// `None` when nothing else is left in it.
    fn drop_content(&self, output: Self::Output) -> Option<Self::Output> {
        let _ = output;
        None
    }
    /// What decides this visitor's outputs besides the files themselves (its readers and
    /// their settings), as part of the layer cache key; `None` (the default): its outputs are
    /// never cached.
    fn cache_id(&self) -> Option<String> {
        None
    }
    /// One layer's outputs as bytes for the layer cache (`None`: not cacheable).
    fn encode_outputs(&self, outputs: &LayerOutputs<Self::Output>) -> Option<Vec<u8>> {
        let _ = outputs;
        None
    }
    /// Outputs back from [`LayerVisitor::encode_outputs`]' bytes; `None` when they do not
    /// read back (the cached entry is then ignored and the layer read again).
    fn decode_outputs(&self, bytes: &[u8]) -> Option<LayerOutputs<Self::Output>> {
        let _ = bytes;
        None
    }
}

/// A visitor that reads nothing.
pub struct NoVisitor;

impl LayerVisitor for NoVisitor {
    type Output = ();
    fn interest(&self, _: &Entry) -> Interest {
        Interest::Skip
    }
    fn visit(&self, _: &Entry, _: &[u8]) -> Option<()> {
        None
    }
}

/// Everything learned from one layer in one pass.
#[derive(Debug)]
pub struct LayerScan<O> {
    /// Entries in archive order, whiteout markers excluded.
    pub entries: Vec<Entry>,
    /// Whiteout markers in archive order.
    pub whiteouts: Vec<Whiteout>,
    /// Visitor results, keyed by entry path.
    pub outputs: LayerOutputs<O>,
    /// Digest of the raw blob bytes as stored (compressed if the layer is compressed), in the
    /// algorithm asked for (`sha256:…` unless the layer's digest is `sha512:…`).
    pub blob_digest: String,
    /// Digest of the uncompressed tar stream (the diffID), when asked for and the layer is
    /// compressed (for an uncompressed layer it is `blob_digest`).
    pub diff_digest: Option<String>,
    /// Size of the raw blob.
    pub blob_size: u64,
    /// Bytes of uncompressed tar stream.
    pub uncompressed_size: u64,
    /// Compression found by sniffing the first bytes.
    pub compression: Compression,
    /// Problems that did not stop the scan (skipped entries and why).
    pub warnings: Vec<String>,
}

impl<O> LayerScan<O> {
    /// A scan with nothing in it yet.
    pub fn empty() -> LayerScan<O> {
        LayerScan {
            entries: Vec::new(),
            whiteouts: Vec::new(),
            outputs: LayerOutputs::new(),
            blob_digest: String::new(),
            diff_digest: None,
            blob_size: 0,
            uncompressed_size: 0,
            compression: Compression::None,
            warnings: Vec::new(),
        }
    }

    /// A copy of the filesystem changes without the visitor outputs (for a blob used twice).
    pub fn without_outputs(&self) -> LayerScan<O> {
        LayerScan {
            entries: self.entries.clone(),
            whiteouts: self.whiteouts.clone(),
            outputs: LayerOutputs::new(),
            blob_digest: self.blob_digest.clone(),
            diff_digest: self.diff_digest.clone(),
            blob_size: self.blob_size,
            uncompressed_size: self.uncompressed_size,
            compression: self.compression,
            warnings: Vec::new(),
        }
    }
}

/// Compression of a layer blob, detected from its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// An uncompressed tar.
    None,
    /// gzip (possibly several members).
    Gzip,
    /// Zstandard.
    Zstd,
}

/// Limits that keep a hostile layer from exhausting memory or time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file content handed to a visitor; larger wanted files are skipped with a warning.
    pub max_content: u64,
    /// Largest uncompressed size of one layer.
    pub max_layer_size: u64,
    /// Largest ratio of uncompressed to compressed size once past `ratio_floor` bytes.
    pub max_ratio: u64,
    /// Uncompressed bytes allowed before the ratio check starts.
    pub ratio_floor: u64,
    /// Longest path of an entry, in bytes (Linux's `PATH_MAX`: a runtime cannot create
    /// longer ones). Longer entries are skipped with a warning.
    pub max_path_len: usize,
    /// Most directory levels in a path. Deeper entries are skipped with a warning: each level
    /// is a node of the merged tree, so unbounded depth would let a small layer claim
    /// gigabytes.
    pub max_depth: usize,
    /// Most layers an image may have (Docker's overlay2 stops at 125; OCI sets no limit).
    pub max_layers: usize,
    /// Most descriptors read across nested indexes.
    pub max_index_descriptors: usize,
    /// Most file content the visitor's outputs may keep for one layer, in bytes; past it the
    /// kept content of further files is dropped with a warning (their other results stay).
    pub max_captured: u64,
    /// Most members of a whole-archive compressed input (read in one stream).
    pub max_archive_members: usize,
    /// Most bytes of metadata-looking members kept from a whole-archive compressed input
    /// before its manifest is read.
    pub max_archive_metadata: u64,
}

/// Default of [`Limits::max_layers`].
pub const MAX_LAYERS: usize = 1000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_content: 256 << 20,
            max_layer_size: 64 << 30,
            max_ratio: 1000,
            ratio_floor: 256 << 20,
            max_path_len: 4096,
            max_depth: 256,
            max_layers: MAX_LAYERS,
            max_index_descriptors: 10_000,
            max_captured: 512 << 20,
            max_archive_members: 100_000,
            max_archive_metadata: 64 << 20,
        }
    }
}

/// Reads through to `inner`, hashing and counting every byte.
pub(crate) struct HashingReader<R> {
    pub(crate) inner: R,
    pub(crate) hasher: Hasher,
    pub(crate) count: u64,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R, algorithm: Algorithm) -> Self {
        HashingReader {
            inner,
            hasher: algorithm.hasher(),
            count: 0,
        }
    }

    /// Read to the end and return the digest (`algorithm:hex`) and the size.
    pub(crate) fn finish(mut self) -> io::Result<(String, u64)> {
        io::copy(&mut self, &mut io::sink())?;
        Ok((self.hasher.finish(), self.count))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

/// Counts decompressed bytes and stops a decompression bomb.
struct LimitReader<'a, R> {
    inner: R,
    count: u64,
    limits: Limits,
    raw_count: &'a dyn Fn() -> u64,
}

impl<R: Read> Read for LimitReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limits.max_layer_size {
            return Err(io::Error::other(format!(
                "uncompressed size exceeds the limit of {} bytes",
                self.limits.max_layer_size
            )));
        }
        if self.count > self.limits.ratio_floor {
            let raw = (self.raw_count)().max(1);
            if self.count / raw > self.limits.max_ratio {
                return Err(io::Error::other(format!(
                    "decompression bomb: {} bytes from {} compressed (ratio over {})",
                    self.count, raw, self.limits.max_ratio
                )));
            }
        }
        Ok(n)
    }
}

/// Normalise a tar entry name to a path relative to the image root.
///
/// Leading `/` and `./` are dropped and `.`/`..` resolved; a name that climbs above the
/// root is an error (a container runtime refuses such a layer). `Ok("")` is the root itself.
pub fn normalize_path(raw: &str) -> Result<String, String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("entry {raw:?} escapes the image root"));
                }
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

const WHITEOUT_PREFIX: &str = ".wh.";
const OPAQUE_MARKER: &str = ".wh..wh..opq";

/// Split `path` into its parent directory and file name (`""` parent for top level).
pub fn split_parent(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// How to read one layer blob.
#[derive(Debug, Clone, Copy, Default)]
pub struct LayerOptions {
    /// Safety limits.
    pub limits: Limits,
    /// Compute the SHA-256 of every regular file.
    pub hash_files: bool,
    /// The algorithm of the blob's digest (to verify it).
    pub digest: Algorithm,
    /// Also digest the uncompressed stream (to verify a diffID where nothing else covers the
    /// content: compressed layers of a docker archive).
    pub diff_digest: Option<Algorithm>,
}

/// Stream one layer blob. `raw` yields the blob bytes as stored.
pub fn scan_layer<R: Read, V: LayerVisitor>(
    raw: R,
    limits: Limits,
    hash_files: bool,
    visitor: &V,
) -> Result<LayerScan<V::Output>, String> {
    let options = LayerOptions {
        limits,
        hash_files,
        ..LayerOptions::default()
    };
    scan_layer_with(raw, &options, visitor)
}

/// Stream one layer blob with explicit options (digest algorithms).
pub fn scan_layer_with<R: Read, V: LayerVisitor>(
    raw: R,
    options: &LayerOptions,
    visitor: &V,
) -> Result<LayerScan<V::Output>, String> {
    let (limits, hash_files) = (options.limits, options.hash_files);
    let mut hashing = HashingReader::new(raw, options.digest);
    let mut scan = LayerScan::empty();
    {
        let raw_count = std::cell::Cell::new(0u64);
        let hashing_ref = CountingTap {
            inner: &mut hashing,
            count: &raw_count,
        };
        let mut buffered = BufReader::with_capacity(256 << 10, hashing_ref);
        let head = buffered
            .fill_buf()
            .map_err(|e| format!("reading blob: {e}"))?;
        scan.compression = if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        };
        let decompressed: Box<dyn Read + '_> = match scan.compression {
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
            Compression::Zstd => Box::new(
                zstd::stream::read::Decoder::with_buffer(buffered)
                    .map_err(|e| format!("zstd: {e}"))?,
            ),
            Compression::None => Box::new(buffered),
        };
        // The diffID covers the uncompressed stream; only worth computing for compressed
        // layers (for the others it is the blob digest).
        let diff_hasher = std::cell::RefCell::new(
            options
                .diff_digest
                .filter(|_| scan.compression != Compression::None)
                .map(Algorithm::hasher),
        );
        let decompressed = HashTap {
            inner: decompressed,
            hasher: &diff_hasher,
        };
        let get_raw = || raw_count.get();
        let limited = LimitReader {
            inner: decompressed,
            count: 0,
            limits,
            raw_count: &get_raw,
        };
        // Headers are read 512 bytes at a time: a buffer keeps that from becoming one
        // decompressor call per block.
        let mut archive = sekisho_tar::Reader::new(BufReader::with_capacity(64 << 10, limited));
        walk_tar(&mut archive, limits, hash_files, visitor, &mut scan)?;
        let mut rest = archive.into_inner();
        io::copy(&mut rest, &mut io::sink()).map_err(|e| format!("reading to end: {e}"))?;
        scan.uncompressed_size = rest.get_ref().count;
        drop(rest);
        scan.diff_digest = diff_hasher.into_inner().map(Hasher::finish);
    }
    let (digest, size) = hashing.finish().map_err(|e| format!("reading blob: {e}"))?;
    scan.blob_digest = digest;
    scan.blob_size = size;
    Ok(scan)
}

/// Passes reads through and feeds them to a digest kept outside (so it can be read after the
/// reader has been handed to the tar walker); `None`: no digest wanted.
struct HashTap<'a, R> {
    inner: R,
    hasher: &'a std::cell::RefCell<Option<Hasher>>,
}

impl<R: Read> Read for HashTap<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = self.hasher.borrow_mut().as_mut() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Passes reads through and publishes the running byte count for the ratio check.
struct CountingTap<'a, R> {
    inner: &'a mut R,
    count: &'a std::cell::Cell<u64>,
}

impl<R: Read> Read for CountingTap<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Walk one layer's tar stream as Go's archive/tar (what Docker and containerd use) reads it:
/// PAX records by their length prefix, GNU long names, sparse files without materialising them.
fn walk_tar<R: Read, V: LayerVisitor>(
    archive: &mut sekisho_tar::Reader<R>,
    limits: Limits,
    hash_files: bool,
    visitor: &V,
    scan: &mut LayerScan<V::Output>,
) -> Result<(), String> {
    let mut buf = Vec::new();
    let mut n = 0usize;
    // File content kept by the outputs of this layer, and files whose content was dropped.
    let (mut captured, mut dropped) = (0u64, 0usize);
    while let Some(mut tar_entry) = archive
        .next_entry()
        .map_err(|e| format!("tar entry #{n}: {}", crate::error::brief(e)))?
    {
        n += 1;
        let header = tar_entry.header().clone();
        let raw_path = header.path_lossy().into_owned();
        let path = normalize_path(&raw_path)?;
        if path.len() > limits.max_path_len || path.matches('/').count() >= limits.max_depth {
            scan.warnings.push(format!(
                "entry #{n}: a path of {} bytes and {} levels is over the limits ({} bytes, {} levels); skipped",
                path.len(),
                path.matches('/').count() + 1,
                limits.max_path_len,
                limits.max_depth
            ));
            continue;
        }
        let kind = match header.kind() {
            sekisho_tar::EntryKind::Regular => EntryKind::File,
            sekisho_tar::EntryKind::Directory => EntryKind::Dir,
            sekisho_tar::EntryKind::Symlink => EntryKind::Symlink,
            sekisho_tar::EntryKind::HardLink => EntryKind::Hardlink,
            sekisho_tar::EntryKind::CharDevice => EntryKind::Char,
            sekisho_tar::EntryKind::BlockDevice => EntryKind::Block,
            sekisho_tar::EntryKind::Fifo => EntryKind::Fifo,
            // Extension headers are folded into their entry by the reader; anything else has
            // no meaning in a root filesystem and is ignored as runtimes do.
            sekisho_tar::EntryKind::Other(flag) => {
                scan.warnings.push(format!(
                    "entry {raw_path:?}: ignored tar entry type {:?}",
                    flag as char
                ));
                continue;
            }
        };
        if path.is_empty() {
            continue; // the root directory itself
        }
        let (dir, name) = split_parent(&path);
        if name == OPAQUE_MARKER {
            scan.whiteouts.push(Whiteout::Opaque(dir.to_string()));
            continue;
        }
        if let Some(hidden) = name.strip_prefix(WHITEOUT_PREFIX) {
            if hidden.starts_with(WHITEOUT_PREFIX) {
                // aufs metadata (`.wh..wh.plnk`, `.wh..wh.aufs`): no effect on the tree, as in
                // Docker's and containerd's unpackers.
                continue;
            }
            if matches!(hidden, "" | "." | "..") {
                // containerd and Docker reject such a layer ("invalid whiteout name"); removing
                // the directory or its parent here would hide files from the report. The marker
                // is ignored, so nothing is hidden, and said.
                scan.warnings.push(format!(
                    "entry {raw_path:?}: invalid whiteout {name:?} ignored (container runtimes reject this layer)"
                ));
                continue;
            }
            scan.whiteouts.push(Whiteout::Remove(join(dir, hidden)));
            continue;
        }
        let mode = (header.mode() & 0o7777) as u32;
        let uid = u32::try_from(header.uid()).unwrap_or(0);
        let gid = u32::try_from(header.gid()).unwrap_or(0);
        let link = match kind {
            EntryKind::Symlink => Some(header.link_lossy().into_owned()),
            EntryKind::Hardlink => {
                let target = header.link_lossy();
                Some(normalize_path(&target).map_err(|e| format!("hardlink {raw_path:?}: {e}"))?)
            }
            _ => None,
        };
        let size = if kind == EntryKind::File {
            header.size()
        } else {
            0
        };
        // A sparse file's logical size can be far beyond what the layer stores; reading it
        // whole (to hash it) would produce that many zeros.
        let huge_sparse = header.sparse_map().is_some() && size > limits.max_content;
        let mut entry = Entry {
            path,
            kind,
            mode,
            uid,
            gid,
            size,
            link,
            sha256: None,
        };
        if kind == EntryKind::File {
            let read_err = |e: io::Error| format!("reading {}: {e}", entry.path);
            buf.clear();
            let mut wanted = match visitor.interest(&entry) {
                Interest::Skip => false,
                Interest::Whole => true,
                Interest::Head(n) => {
                    (&mut tar_entry)
                        .take(n as u64)
                        .read_to_end(&mut buf)
                        .map_err(read_err)?;
                    visitor.peek(&entry, &buf)
                }
            };
            if wanted && size > limits.max_content {
                scan.warnings.push(format!(
                    "{}: {} bytes is over the content limit of {}; not analysed",
                    entry.path, size, limits.max_content
                ));
                wanted = false;
            }
            if wanted {
                tar_entry.read_to_end(&mut buf).map_err(read_err)?;
                if hash_files {
                    entry.sha256 = Some(Box::new(Sha256::digest(&buf).into()));
                }
                let mut out = visitor.visit(&entry, &buf);
                if let Some(kept) = out.as_ref().map(|o| visitor.kept_bytes(o)) {
                    if captured.saturating_add(kept) > limits.max_captured {
                        dropped += 1;
                        out = out.and_then(|o| visitor.drop_content(o));
                    } else {
                        captured += kept;
                    }
                }
                match out {
                    Some(out) => scan.outputs.insert(entry.path.clone(), out),
                    // A later copy of the path replaces an earlier one's output.
                    None => scan.outputs.remove(&entry.path),
                }
                .inspect(|old| captured = captured.saturating_sub(visitor.kept_bytes(old)));
            } else if hash_files && huge_sparse {
                scan.warnings.push(format!(
                    "{}: sparse file of {size} bytes not hashed (over the content limit)",
                    entry.path
                ));
            } else if hash_files {
                let mut hasher = HashSink(Sha256::new());
                hasher.0.update(&buf);
                io::copy(&mut tar_entry, &mut hasher).map_err(read_err)?;
                entry.sha256 = Some(Box::new(hasher.0.finalize().into()));
            }
        }
        scan.entries.push(entry);
    }
    if dropped > 0 {
        scan.warnings.push(format!(
            "captured content over the limit of {} bytes for one layer (--max-captured): the content of {dropped} files was not kept for analysis after the layer streamed",
            limits.max_captured
        ));
    }
    Ok(())
}

struct HashSink(Sha256);

impl io::Write for HashSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize_path("./etc/passwd").unwrap(), "etc/passwd");
        assert_eq!(normalize_path("/etc//x/").unwrap(), "etc/x");
        assert_eq!(normalize_path("a/../b").unwrap(), "b");
        assert_eq!(normalize_path("./").unwrap(), "");
        assert!(normalize_path("../etc/passwd").is_err());
        assert!(normalize_path("a/../../b").is_err());
    }
}
