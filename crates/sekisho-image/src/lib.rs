//! Reading container images exactly: sources (docker-archive, OCI layout and archive,
//! unpacked root filesystems), one streaming pass over every layer, and the merged
//! filesystem a container runtime would present.
//!
//! The entry point is [`scan`]: it opens a [`Source`], picks one image, streams its layers
//! in parallel (each read once, decompressed on the fly, its digest verified), lets a
//! [`LayerVisitor`] read the file contents it asks for, and applies the layers in order to a
//! [`MergedFs`]. Nothing is extracted to disk.

mod cache;
mod digest;
mod error;
mod layer;
mod merge;
mod metadata;
mod resolve;
mod rootfs;
mod source;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

pub use cache::LayerCache;
pub use digest::{Algorithm, Hasher};
pub use error::ImageError;

pub use layer::{
    normalize_path, scan_layer, scan_layer_with, Compression, Entry, EntryKind, Interest,
    LayerOptions, LayerOutputs, LayerScan, LayerVisitor, Limits, NoVisitor, Whiteout,
};
pub use merge::{Deleted, MergedFs, Node};
pub use metadata::{
    media, Descriptor, DockerManifestEntry, Healthcheck, History, ImageConfig, Index, Manifest,
    Platform, RootFs, RuntimeConfig,
};
pub use resolve::{ImageInfo, LayerInfo};
pub use source::{ArchiveStream, BlobStore, DirStore, Source, SourceKind};

use source::{MemStore, SeekTarStore};

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Platform to choose from a multi-platform index (default: the host's).
    pub platform: Option<Platform>,
    /// Compute the SHA-256 of every regular file (for exact listings; costs time).
    pub hash_files: bool,
    /// Safety limits.
    pub limits: Limits,
    /// Worker threads for layers (0 = one per core).
    pub threads: usize,
    /// Called after each layer is merged with (layers done, layers total).
    pub progress: Option<Progress>,
    /// Where finished layer scans are kept between runs (`None`: every layer is read).
    /// Used for sources read at random (OCI layouts, uncompressed archives, registries); a
    /// compressed archive or a daemon's stream is read whole anyway.
    pub cache: Option<Cache>,
}

/// A shared [`LayerCache`] for [`ScanOptions::cache`].
#[derive(Clone)]
pub struct Cache(pub Arc<dyn LayerCache>);

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache(..)")
    }
}

/// A progress callback: (layers done, layers total).
#[derive(Clone)]
pub struct Progress(pub std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// Access to the file bytes a visitor kept, so analyzers after the merge can read captured files
/// whatever else the visitor recorded with them.
pub trait Captured {
    /// The captured file content, if this output is one.
    fn bytes(&self) -> Option<&[u8]>;
}

impl Captured for Vec<u8> {
    fn bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
}

/// What one layer contributed, kept after its entry list is merged and dropped.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LayerSummary {
    /// Number of entries (whiteouts excluded).
    pub entries: usize,
    /// Number of whiteout markers.
    pub whiteouts: usize,
    /// Compression found.
    pub compression: Compression,
    /// Raw blob size.
    pub blob_size: u64,
    /// Uncompressed tar size.
    pub uncompressed_size: u64,
}

/// The result of scanning one image.
#[derive(Debug)]
pub struct ImageScan<O> {
    /// Which image, its config and layers.
    pub info: ImageInfo,
    /// The final filesystem.
    pub fs: MergedFs,
    /// Per-layer statistics, in layer order.
    pub layers: Vec<LayerSummary>,
    /// Visitor outputs per layer (index = layer), each keyed by path. A blob listed as several
    /// layers is read once: its repeats share the first occurrence's outputs.
    pub outputs: Vec<Arc<LayerOutputs<O>>>,
    /// Non-fatal problems (skipped entries, broken hardlinks).
    pub warnings: Vec<String>,
}

impl<O> ImageScan<O> {
    /// The visitor output for `path` in the final filesystem: symlinks are resolved inside the
    /// image root and the content is taken from the layer that last wrote it.
    pub fn final_output(&self, path: &str) -> Option<(usize, &str, &O)> {
        let (real, node) = self.fs.resolve(path)?;
        if node.kind != EntryKind::File {
            return None;
        }
        let (layer, stored) = node.content_location(&real);
        self.outputs
            .get(layer)?
            .get_key_value(stored)
            .map(|(p, o)| (layer, p.as_str(), o))
    }
}

/// Open `source`, choose one image and stream all its layers through `visitor`.
pub fn scan<V: LayerVisitor>(
    source: &Source,
    options: &ScanOptions,
    visitor: &V,
) -> Result<ImageScan<V::Output>, ImageError> {
    let input = source.input();
    let not_a_dir = |path: &std::path::Path| ImageError::UnknownFormat {
        path: path.to_path_buf(),
        reason: "expected a directory".to_string(),
    };
    let is_dir = |path: &std::path::Path| {
        std::fs::metadata(path)
            .map(|m| m.is_dir())
            .map_err(|e| ImageError::io(path, e))
    };
    match source {
        Source::Rootfs { path, .. } => {
            if !is_dir(path)? {
                return Err(not_a_dir(path));
            }
            rootfs::scan_dir(path, input, options, visitor)
        }
        Source::OciLayout { path, tag, .. } => {
            if !is_dir(path)? {
                return Err(not_a_dir(path));
            }
            let store = DirStore::new(path);
            let info = resolve::resolve_oci(
                &store,
                input,
                SourceKind::OciDir,
                tag.as_deref(),
                options.platform.as_ref(),
                &options.limits,
            )?;
            scan_layers(&store, info, options, visitor)
        }
        Source::Store {
            store, tag, kind, ..
        } => {
            let info = resolve::resolve_oci(
                store.as_ref(),
                input,
                *kind,
                tag.as_deref(),
                options.platform.as_ref(),
                &options.limits,
            )?;
            scan_layers(store.as_ref(), info, options, visitor)
        }
        Source::Archive {
            path, tag, format, ..
        } => {
            if is_dir(path)? {
                return Err(ImageError::UnknownFormat {
                    path: path.clone(),
                    reason: format!(
                        "a directory cannot be read as {}",
                        format.unwrap_or(SourceKind::DockerArchive).prefix()
                    ),
                });
            }
            let archive = ArchiveRef {
                input,
                path: Some(path),
                tag: tag.as_deref(),
                format: *format,
            };
            match source::sniff_compression(path)? {
                Compression::None => {
                    let store = SeekTarStore::open(path)?;
                    let info = resolve_archive(&store, &archive, options)?;
                    scan_layers(&store, info, options, visitor)
                }
                compression => {
                    let file = std::fs::File::open(path).map_err(|e| ImageError::io(path, e))?;
                    let reader = decompress(Box::new(file), compression)
                        .map_err(|e| ImageError::io(path, e))?;
                    scan_archive_stream(reader, &archive, options, visitor)
                }
            }
        }
        Source::Stream { stream, kind, .. } => {
            let archive = ArchiveRef {
                input,
                path: None,
                tag: None,
                format: None,
            };
            let mut reader = std::io::BufReader::with_capacity(256 << 10, stream.open(input)?);
            let head = std::io::BufRead::fill_buf(&mut reader)
                .map_err(|e| archive.bad(format!("reading the first bytes: {e}")))?;
            let compression = source::compression_of(head);
            let reader = decompress(Box::new(reader), compression)
                .map_err(|e| archive.bad(format!("starting to decompress: {e}")))?;
            let mut scan = scan_archive_stream(reader, &archive, options, visitor)?;
            scan.info.kind = *kind;
            Ok(scan)
        }
    }
}

/// A reader of the decompressed bytes of a whole archive.
fn decompress<'a>(
    reader: Box<dyn std::io::Read + Send + 'a>,
    compression: Compression,
) -> std::io::Result<Box<dyn std::io::Read + 'a>> {
    Ok(match compression {
        Compression::None => reader,
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            reader,
        ))),
        _ => Box::new(zstd::stream::read::Decoder::new(reader)?),
    })
}

/// The parts of a [`Source::Archive`] or [`Source::Stream`] the archive readers need.
struct ArchiveRef<'a> {
    input: &'a str,
    /// The file; `None` for a stream.
    path: Option<&'a std::path::Path>,
    tag: Option<&'a str>,
    format: Option<SourceKind>,
}

impl ArchiveRef<'_> {
    /// The archive is not what it should be (or, for a stream, could not be read).
    fn bad(&self, reason: String) -> ImageError {
        match self.path {
            Some(path) => ImageError::UnknownFormat {
                path: path.to_path_buf(),
                reason,
            },
            None => ImageError::Stream {
                input: self.input.to_string(),
                reason,
            },
        }
    }
}

/// Decide docker-archive vs OCI archive by the members present, then resolve the image.
fn resolve_archive(
    store: &dyn BlobStore,
    archive: &ArchiveRef<'_>,
    options: &ScanOptions,
) -> Result<ImageInfo, ImageError> {
    let input = archive.input;
    let has_docker = store.contains("manifest.json");
    let has_oci = store.contains("index.json");
    let kind = match archive.format {
        Some(k) => k,
        None if has_docker => SourceKind::DockerArchive,
        None if has_oci => SourceKind::OciArchive,
        None => {
            return Err(archive.bad("the tar has neither manifest.json nor index.json".to_string()))
        }
    };
    match kind {
        SourceKind::DockerArchive => {
            resolve::resolve_docker(store, input, archive.tag, &options.limits)
        }
        _ => resolve::resolve_oci(
            store,
            input,
            SourceKind::OciArchive,
            archive.tag,
            options.platform.as_ref(),
            &options.limits,
        ),
    }
}

fn thread_count(options: &ScanOptions, layers: usize) -> usize {
    let cores = if options.threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        options.threads
    };
    cores.min(layers).max(1)
}

/// Stream the layers of `info` from a random-access store: workers take layers in order,
/// the calling thread merges them in order as they arrive (so at most a few layers'
/// entry lists are held at once).
fn scan_layers<V: LayerVisitor>(
    store: &dyn BlobStore,
    info: ImageInfo,
    options: &ScanOptions,
    visitor: &V,
) -> Result<ImageScan<V::Output>, ImageError> {
    let count = info.layers.len();
    let next = AtomicUsize::new(0);
    let workers = thread_count(options, count);
    type Scanned<O> = Result<Option<LayerScan<O>>, ImageError>;
    let (tx, rx) = mpsc::sync_channel::<(usize, Scanned<V::Output>)>(workers);
    let mut merger = Merger::new();
    let info_ref = &info;
    // A blob listed as several layers is streamed once (by its first occurrence).
    let first = first_occurrences(info.layers.iter().map(|l| l.member.as_str()));
    let last = last_occurrences(&first);
    let first = &first;
    // Workers may run at most `workers` layers ahead of the merge, so a slow merge never lets
    // finished entry lists pile up (memory stays bounded by a few layers, not the image).
    let gate = Gate::default();
    let result = std::thread::scope(|s| -> Result<(), ImageError> {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, gate) = (&next, &gate);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= count || !gate.wait_until_within(i, workers) {
                    break;
                }
                if first[i] != i {
                    // The same blob as an earlier layer: merged from that layer's scan.
                    if tx.send((i, Ok(None))).is_err() {
                        break;
                    }
                    continue;
                }
                let scanned = scan_or_recall(store, info_ref, i, options, visitor).map(Some);
                let failed = scanned.is_err();
                if tx.send((i, scanned)).is_err() || failed {
                    // Stop handing out work after a failure.
                    next.store(count, Ordering::SeqCst);
                    break;
                }
            });
        }
        drop(tx);
        // Merge in layer order as results arrive; entry lists are dropped once merged.
        let mut pending: BTreeMap<usize, Option<LayerScan<V::Output>>> = BTreeMap::new();
        for (i, scanned) in rx {
            let scanned = match scanned {
                Ok(scan) => scan,
                Err(e) => {
                    gate.stop();
                    return Err(e);
                }
            };
            pending.insert(i, scanned);
            while let Some(scan) = pending.remove(&merger.layers.len()) {
                let i = merger.layers.len();
                match scan {
                    Some(scan) => merger.absorb(scan, last[i] > i),
                    None => {
                        let repeat = merger.repeat_of(first[i], last[first[i]] > i);
                        match verify(info_ref, i, repeat) {
                            Ok(repeat) => merger.absorb_repeat(first[i], repeat),
                            Err(e) => {
                                gate.stop();
                                return Err(e);
                            }
                        }
                    }
                }
                gate.advance(merger.layers.len());
                if let Some(p) = &options.progress {
                    (p.0)(merger.layers.len(), count);
                }
            }
        }
        Ok(())
    });
    gate.stop();
    result?;
    if merger.layers.len() != count {
        return Err(ImageError::meta(
            &info.input,
            "layers",
            "a layer worker stopped early",
        ));
    }
    Ok(merger.finish(info))
}

/// Layer `i`'s scan: from the layer cache when an earlier run kept it, else streamed from
/// `store`, verified, and kept for later runs.
fn scan_or_recall<V: LayerVisitor>(
    store: &dyn BlobStore,
    info: &ImageInfo,
    i: usize,
    options: &ScanOptions,
    visitor: &V,
) -> Result<LayerScan<V::Output>, ImageError> {
    let layer = &info.layers[i];
    let cached = options
        .cache
        .as_ref()
        .zip(cache::key(options, visitor, layer));
    if let Some((cache, key)) = &cached {
        if let Some(scan) = cache.0.get(key).and_then(|b| cache::decode(visitor, &b)) {
            if cache::proved(layer, &scan) {
                return Ok(scan);
            }
        }
    }
    let reader = store
        .open(&layer.member)
        .map_err(|e| layer_error(info, i, e))?;
    let scan = scan_layer_with(reader, &layer_options(options, layer), visitor)
        .map_err(|e| layer_error(info, i, e))?;
    let scan = verify(info, i, scan)?;
    if let Some((cache, key)) = &cached {
        if cache::proved(layer, &scan) {
            if let Some(bytes) = cache::encode(visitor, &scan) {
                cache.0.put(key, &bytes);
            }
        }
    }
    Ok(scan)
}

/// For each layer, the index of the first layer with the same blob (itself if none earlier).
fn first_occurrences<'a>(members: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    members
        .enumerate()
        .map(|(i, m)| *seen.entry(m).or_insert(i))
        .collect()
}

/// For each first occurrence (see [`first_occurrences`]), the index of its last repeat.
fn last_occurrences(first: &[usize]) -> Vec<usize> {
    let mut last: Vec<usize> = (0..first.len()).collect();
    for (i, &f) in first.iter().enumerate() {
        last[f] = i;
    }
    last
}

/// Lets workers start a layer only while it is close enough to the merge front.
#[derive(Default)]
struct Gate {
    state: std::sync::Mutex<(usize, bool)>,
    changed: std::sync::Condvar,
}

impl Gate {
    /// Block until layer `i` is fewer than `ahead` layers past the merged count; false if stopped.
    fn wait_until_within(&self, i: usize, ahead: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !state.1 && i >= state.0 + ahead {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        !state.1
    }

    fn advance(&self, merged: usize) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).0 = merged;
        self.changed.notify_all();
    }

    fn stop(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.changed.notify_all();
    }
}

/// Applies scanned layers in order, keeping only each layer's summary and outputs.
struct Merger<O> {
    fs: MergedFs,
    layers: Vec<LayerSummary>,
    outputs: Vec<Arc<LayerOutputs<O>>>,
    warnings: Vec<String>,
    /// Entry lists of layers whose blob is listed again later, by first layer index.
    kept: BTreeMap<usize, LayerScan<O>>,
}

impl<O> Merger<O> {
    fn new() -> Self {
        Merger {
            fs: MergedFs::new(),
            layers: Vec::new(),
            outputs: Vec::new(),
            warnings: Vec::new(),
            kept: BTreeMap::new(),
        }
    }

    /// Merge the next layer (`scan` must be layer number `self.layers.len()`); `used_again`:
    /// its blob is listed again as a later layer, so its entry list is kept for that.
    fn absorb(&mut self, scan: LayerScan<O>, used_again: bool) {
        let i = self.layers.len();
        if used_again {
            self.kept.insert(i, scan.without_outputs());
        }
        let entries = scan.entries.len();
        self.fs.apply_layer_owned(i, scan.entries, &scan.whiteouts);
        self.warnings
            .extend(scan.warnings.into_iter().map(|w| format!("layer {i}: {w}")));
        self.layers.push(LayerSummary {
            entries,
            whiteouts: scan.whiteouts.len(),
            compression: scan.compression,
            blob_size: scan.blob_size,
            uncompressed_size: scan.uncompressed_size,
        });
        self.outputs.push(Arc::new(scan.outputs));
    }

    /// The filesystem changes of layer `first` (absorbed with `used_again`) for a repeat of its
    /// blob; `more`: listed again after this one too.
    fn repeat_of(&mut self, first: usize, more: bool) -> LayerScan<O> {
        let scan = if more {
            self.kept.get(&first).map(LayerScan::without_outputs)
        } else {
            self.kept.remove(&first)
        };
        scan.unwrap_or_else(LayerScan::empty)
    }

    /// Merge a repeat of layer `first`'s blob as the next layer: its entries are applied again
    /// in this position (as a runtime unpacks it again), its outputs are the first's.
    fn absorb_repeat(&mut self, first: usize, scan: LayerScan<O>) {
        let i = self.layers.len();
        let entries = scan.entries.len();
        self.fs.apply_layer_owned(i, scan.entries, &scan.whiteouts);
        self.layers.push(LayerSummary {
            entries,
            whiteouts: scan.whiteouts.len(),
            compression: scan.compression,
            blob_size: scan.blob_size,
            uncompressed_size: scan.uncompressed_size,
        });
        let shared = self.outputs[first].clone();
        self.outputs.push(shared);
    }

    fn finish(mut self, info: ImageInfo) -> ImageScan<O> {
        self.warnings.extend(self.fs.warnings().iter().cloned());
        ImageScan {
            info,
            fs: self.fs,
            layers: self.layers,
            outputs: self.outputs,
            warnings: self.warnings,
        }
    }
}

fn layer_error(info: &ImageInfo, i: usize, reason: String) -> ImageError {
    ImageError::Layer {
        input: info.input.clone(),
        layer: i,
        digest: info.layers[i].digest.clone(),
        reason,
    }
}

/// How to read layer `layer`: its digest's algorithm, and whether its diffID must be checked
/// on the uncompressed stream (docker archives name layers by diffID, so a compressed layer
/// there has nothing else covering its content).
fn layer_options(options: &ScanOptions, layer: &LayerInfo) -> LayerOptions {
    LayerOptions {
        limits: options.limits,
        hash_files: options.hash_files,
        digest: layer
            .expect_raw
            .as_deref()
            .and_then(|d| Algorithm::of(d).ok())
            .unwrap_or_else(|| Algorithm::of_member(&layer.member)),
        diff_digest: layer
            .expect_if_plain
            .as_deref()
            .and_then(|d| Algorithm::of(d).ok()),
    }
}

/// Check a scanned layer's digests against what the manifest or config promised: the blob
/// digest when the manifest gives one, else the diffID on the uncompressed stream.
fn verify<O>(info: &ImageInfo, i: usize, scan: LayerScan<O>) -> Result<LayerScan<O>, ImageError> {
    let layer = &info.layers[i];
    let mismatch = |expected: &String, actual: &String| ImageError::DigestMismatch {
        input: info.input.clone(),
        expected: expected.clone(),
        actual: actual.clone(),
    };
    if let Some(expected) = &layer.expect_raw {
        if *expected != scan.blob_digest {
            return Err(mismatch(expected, &scan.blob_digest));
        }
    } else if let Some(expected) = &layer.expect_if_plain {
        let actual = if scan.compression == Compression::None {
            Some(&scan.blob_digest)
        } else {
            scan.diff_digest.as_ref()
        };
        if let Some(actual) = actual.filter(|a| *a != expected) {
            return Err(mismatch(expected, actual));
        }
    }
    Ok(scan)
}

/// A compressed archive (or a daemon's export) cannot be read at random: one streaming pass
/// keeps small members (metadata) in memory and scans every member that looks like a layer as
/// it passes.
fn scan_archive_stream<V: LayerVisitor>(
    reader: Box<dyn std::io::Read + '_>,
    source: &ArchiveRef<'_>,
    options: &ScanOptions,
    visitor: &V,
) -> Result<ImageScan<V::Output>, ImageError> {
    let bad = |reason: String| source.bad(reason);
    // A stream's read errors say where the bytes come from (a daemon cut short): keep them
    // whole rather than the tar reader's short form.
    let reading_failed = |e: sekisho_tar::TarError| match (&e, source.path) {
        (sekisho_tar::TarError::Io { source: io, .. }, None) => {
            bad(format!("reading the archive: {io}"))
        }
        _ => bad(format!("reading archive: {}", error::brief(e))),
    };
    let mut archive = sekisho_tar::Reader::new(reader);
    let mut store = MemStore::default();
    let mut scanned: BTreeMap<String, LayerScan<V::Output>> = BTreeMap::new();
    let mut layer_errors: BTreeMap<String, String> = BTreeMap::new();
    let limits = &options.limits;
    let (mut members, mut metadata_bytes) = (0usize, 0u64);
    while let Some(mut entry) = archive.next_entry().map_err(reading_failed)? {
        members += 1;
        if members > limits.max_archive_members {
            return Err(bad(format!(
                "more than {} members in the compressed archive",
                limits.max_archive_members
            )));
        }
        let header = entry.header().clone();
        let name = normalize_path(&header.path_lossy()).map_err(bad)?;
        let kind = header.kind();
        if matches!(
            kind,
            sekisho_tar::EntryKind::Symlink | sekisho_tar::EntryKind::HardLink
        ) {
            let target = header.link_lossy();
            let target = if kind == sekisho_tar::EntryKind::Symlink {
                let (dir, _) = layer::split_parent(&name);
                normalize_path(&format!("{dir}/{target}")).map_err(bad)?
            } else {
                normalize_path(&target).map_err(bad)?
            };
            store.links.insert(name, target);
            continue;
        }
        if kind != sekisho_tar::EntryKind::Regular || header.sparse_map().is_some() {
            continue;
        }
        let size = header.size();
        let mut reader = std::io::BufReader::with_capacity(64 << 10, &mut entry);
        let head = std::io::BufRead::fill_buf(&mut reader)
            .map_err(|e| bad(format!("reading {name}: {e}")))?;
        let looks_json = head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
            || head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        if (looks_json
            || name == "repositories"
            || name == "oci-layout"
            || name.ends_with("VERSION"))
            && size <= source::MAX_METADATA
        {
            metadata_bytes += size;
            if metadata_bytes > limits.max_archive_metadata {
                return Err(bad(format!(
                    "metadata members of the compressed archive exceed {} bytes in all (at {name})",
                    limits.max_archive_metadata
                )));
            }
            let mut buf = Vec::with_capacity(size as usize);
            std::io::Read::read_to_end(&mut reader, &mut buf)
                .map_err(|e| bad(format!("reading {name}: {e}")))?;
            store.files.insert(name, buf);
        } else {
            // Layer index is not known yet: results are filed by member name.
            store.streamed.insert(name.clone());
            // The layer's digest and diffID are not known before the index is read: the
            // member name gives the algorithm, and the uncompressed stream is digested too in
            // case the layer is compressed and named by its diffID.
            let layer_options = LayerOptions {
                limits: options.limits,
                hash_files: options.hash_files,
                digest: Algorithm::of_member(&name),
                diff_digest: Some(Algorithm::Sha256),
            };
            match scan_layer_with(reader, &layer_options, visitor) {
                Ok(scan) => {
                    scanned.insert(name, scan);
                }
                Err(e) => {
                    layer_errors.insert(name, e);
                }
            }
        }
    }
    if source.path.is_none() {
        // After the end-of-archive blocks a stream still has its padding and its framing (a
        // daemon's chunked body): read them so an export cut short there is an error too.
        std::io::copy(
            &mut std::io::Read::take(archive.into_inner(), 16 << 20),
            &mut std::io::sink(),
        )
        .map_err(|e| bad(format!("reading the end of the archive: {e}")))?;
    }
    let info = resolve_archive(&store, source, options)?;
    let mut merger = Merger::new();
    let members: Vec<String> = info
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            store
                .resolve_name(&l.member)
                .map_err(|e| layer_error(&info, i, e))
        })
        .collect::<Result<_, _>>()?;
    // A blob listed as several layers was read once; repeats apply its entries again.
    let first = first_occurrences(members.iter().map(String::as_str));
    let last = last_occurrences(&first);
    for (i, member) in members.iter().enumerate() {
        if let Some(e) = layer_errors.get(member) {
            return Err(layer_error(&info, i, e.clone()));
        }
        if first[i] != i {
            let repeat = merger.repeat_of(first[i], last[first[i]] > i);
            merger.absorb_repeat(first[i], verify(&info, i, repeat)?);
            continue;
        }
        let scan = scanned
            .remove(member)
            .ok_or_else(|| layer_error(&info, i, format!("{member}: not in the archive")))?;
        merger.absorb(verify(&info, i, scan)?, last[i] > i);
    }
    Ok(merger.finish(info))
}
