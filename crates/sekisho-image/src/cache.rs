//! The layer cache hook: a finished, verified layer scan is kept under a key naming exactly
//! what produced it, so a later scan of any image with the same layer reads that layer's
//! results instead of its bytes.
//!
//! The key is the digest the scan *verified* for the layer (the manifest's blob digest; for a
//! docker archive, which names layers by diffID, the diffID), the visitor's
//! [`LayerVisitor::cache_id`] (which analyzers, with which settings) and the options that shape
//! a layer scan (limits, file hashing). A digest is only a key once the bytes were read and
//! found to match it: a cached result can never stand for content the scan did not check.
//! Where the bytes live (a directory, memory) is the [`LayerCache`]'s business.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::layer::{Compression, Entry, LayerScan, LayerVisitor, Whiteout};
use crate::resolve::LayerInfo;
use crate::ScanOptions;

/// Version of the record layout below; part of every key.
const FORMAT: &str = "sekisho-layer-cache/1";

/// Where finished layer scans are kept between runs, by key (a hex SHA-256). Implementations
/// must be safe to share between threads and processes: a `get` sees a whole `put` or nothing.
pub trait LayerCache: Send + Sync {
    /// The bytes stored under `key`, if any (a damaged entry is a miss).
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    /// Keep `value` under `key` (best effort: a cache that cannot write just misses later).
    fn put(&self, key: &str, value: &[u8]);
}

/// The digest a scan of `layer` is checked against (see [`crate::verify`]), if any: without
/// one nothing is cached, because nothing proves what the bytes were.
fn checked_digest(layer: &LayerInfo) -> Option<&str> {
    layer
        .expect_raw
        .as_deref()
        .or(layer.expect_if_plain.as_deref())
}

/// The cache key of `layer` under this visitor and these options, when it can be cached.
pub(crate) fn key<V: LayerVisitor>(
    options: &ScanOptions,
    visitor: &V,
    layer: &LayerInfo,
) -> Option<String> {
    options.cache.as_ref()?;
    let digest = checked_digest(layer)?;
    let visitor_id = visitor.cache_id()?;
    let mut h = Sha256::new();
    for part in [
        FORMAT,
        &visitor_id,
        &format!("{:?}", options.limits),
        if options.hash_files { "hash" } else { "" },
        digest,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    Some(hex::encode(h.finalize()))
}

/// Whether `scan` proved the digest its key names: the blob digest the manifest gave, or the
/// diffID (of the plain blob, or of the uncompressed stream).
pub(crate) fn proved<O>(layer: &LayerInfo, scan: &LayerScan<O>) -> bool {
    if let Some(expected) = &layer.expect_raw {
        return *expected == scan.blob_digest;
    }
    let Some(expected) = &layer.expect_if_plain else {
        return false;
    };
    let actual = if scan.compression == Compression::None {
        Some(&scan.blob_digest)
    } else {
        scan.diff_digest.as_ref()
    };
    actual == Some(expected)
}

/// Everything of a layer scan but the visitor outputs, as stored.
#[derive(Serialize, Deserialize)]
struct Record<E, W> {
    entries: E,
    whiteouts: W,
    blob_digest: String,
    diff_digest: Option<String>,
    blob_size: u64,
    uncompressed_size: u64,
    compression: Compression,
    warnings: Vec<String>,
}

/// `scan` as cache bytes (zstd over the record's length, the record as JSON, then the
/// visitor's encoding of its outputs), or `None` when the visitor cannot encode them.
pub(crate) fn encode<V: LayerVisitor>(visitor: &V, scan: &LayerScan<V::Output>) -> Option<Vec<u8>> {
    let outputs = visitor.encode_outputs(&scan.outputs)?;
    let record = Record {
        entries: &scan.entries,
        whiteouts: &scan.whiteouts,
        blob_digest: scan.blob_digest.clone(),
        diff_digest: scan.diff_digest.clone(),
        blob_size: scan.blob_size,
        uncompressed_size: scan.uncompressed_size,
        compression: scan.compression,
        warnings: scan.warnings.clone(),
    };
    let head = serde_json::to_vec(&record).ok()?;
    let mut plain = Vec::with_capacity(8 + head.len() + outputs.len());
    plain.extend_from_slice(&(head.len() as u64).to_le_bytes());
    plain.extend_from_slice(&head);
    plain.extend_from_slice(&outputs);
    zstd::bulk::compress(&plain, 3).ok()
}

/// Bytes from [`encode`] back into a layer scan; `None` for anything that does not read back.
pub(crate) fn decode<V: LayerVisitor>(visitor: &V, bytes: &[u8]) -> Option<LayerScan<V::Output>> {
    let mut plain = Vec::new();
    zstd::stream::copy_decode(bytes, &mut plain).ok()?;
    let len = u64::from_le_bytes(plain.get(..8)?.try_into().ok()?);
    let end = 8usize.checked_add(usize::try_from(len).ok()?)?;
    let record: Record<Vec<Entry>, Vec<Whiteout>> =
        serde_json::from_slice(plain.get(8..end)?).ok()?;
    let outputs = visitor.decode_outputs(plain.get(end..)?)?;
    Some(LayerScan {
        entries: record.entries,
        whiteouts: record.whiteouts,
        outputs,
        blob_digest: record.blob_digest,
        diff_digest: record.diff_digest,
        blob_size: record.blob_size,
        uncompressed_size: record.uncompressed_size,
        compression: record.compression,
        warnings: record.warnings,
    })
}
