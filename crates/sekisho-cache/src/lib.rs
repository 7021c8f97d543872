//! # sekisho-cache
//!
//! The on-disk layer cache behind [`sekisho_image::LayerCache`]: one file per finished layer
//! scan, named by the SHA-256 of (namespace, key), under `<root>/<2 hex>/<64 hex>`.
//!
//! - **Concurrent processes**: an entry is written to a temporary file in its directory and
//!   renamed into place, so a reader sees a whole entry or none; two scans writing the same
//!   entry write the same bytes, and the last rename wins.
//! - **Crashes**: a scan killed mid-write leaves at most a temporary file (removed by the next
//!   [`DirCache::trim`] once it is an hour old, or by `clean`); every entry carries the SHA-256 of
//!   its payload, so a damaged or cut entry (a full disk, a power loss after the rename) is a
//!   miss, removed when found, never a wrong result.
//! - **Bounded**: [`DirCache::trim`] removes the least recently used entries (a hit refreshes
//!   an entry's modification time) until the cache is under its size limit.
//! - **Namespaced**: the namespace names the build that wrote the entries (the front end passes
//!   its version and executable identity), so another build never reads them; they age out.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// First bytes of every entry: the format, then the payload's SHA-256.
const MAGIC: &[u8; 8] = b"SKLCACH1";
/// Prefix of temporary files (entries being written).
const TEMP_PREFIX: &str = ".tmp-";
/// Age after which a temporary file is a leftover of a killed writer.
const STALE_TEMP: Duration = Duration::from_secs(3600);
/// Default size limit: 2 GiB (a layer's results are typically well under 1 MB compressed).
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

/// Errors of the cache's own management commands (the [`sekisho_image::LayerCache`] methods
/// never fail: a cache that cannot be read or written only misses).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// A file or directory of the cache could not be read, created or removed.
    #[error("layer cache {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
    move |source| CacheError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A layer cache in a directory.
#[derive(Debug, Clone)]
pub struct DirCache {
    root: PathBuf,
    namespace: String,
    max_bytes: u64,
}

/// What [`DirCache::info`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheInfo {
    /// Entries (finished layer scans).
    pub entries: u64,
    /// Bytes of all entries.
    pub bytes: u64,
    /// Temporary files (entries being written now, or left by a killed scan).
    pub temp_files: u64,
    /// Modification time of the least and most recently used entry.
    pub oldest: Option<SystemTime>,
    /// See `oldest`.
    pub newest: Option<SystemTime>,
}

/// One file of the cache directory.
struct File {
    path: PathBuf,
    bytes: u64,
    modified: SystemTime,
    temp: bool,
}

impl DirCache {
    /// The cache in `root` (created when first written) for entries of `namespace`, kept under
    /// `max_bytes` by [`DirCache::trim`].
    pub fn new(root: impl Into<PathBuf>, namespace: &str, max_bytes: u64) -> DirCache {
        DirCache {
            root: root.into(),
            namespace: namespace.to_string(),
            max_bytes,
        }
    }

    /// The cache directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The size limit.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The file of `key` in this namespace.
    fn path_of(&self, key: &str) -> PathBuf {
        let mut h = Sha256::new();
        h.update((self.namespace.len() as u64).to_le_bytes());
        h.update(self.namespace.as_bytes());
        h.update(key.as_bytes());
        let name = hex::encode(h.finalize());
        self.root.join(&name[..2]).join(name)
    }

    /// Every file in the cache's two-level layout (other files are left alone).
    fn files(&self) -> Result<Vec<File>, CacheError> {
        let mut files = Vec::new();
        let top = match std::fs::read_dir(&self.root) {
            Ok(dir) => dir,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
            Err(e) => return Err(io(&self.root)(e)),
        };
        for dir in top {
            let dir = dir.map_err(io(&self.root))?;
            let name = dir.file_name();
            let name = name.to_string_lossy();
            if name.len() != 2 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            let dir_path = dir.path();
            let entries = match std::fs::read_dir(&dir_path) {
                Ok(entries) => entries,
                // Removed by a concurrent clean.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(&dir_path)(e)),
            };
            for entry in entries {
                let entry = entry.map_err(io(&dir_path))?;
                let Ok(meta) = entry.metadata() else { continue };
                if !meta.is_file() {
                    continue;
                }
                let name = entry.file_name().to_string_lossy().into_owned();
                let temp = name.starts_with(TEMP_PREFIX);
                if !temp && (name.len() != 64 || !name.bytes().all(|b| b.is_ascii_hexdigit())) {
                    continue;
                }
                files.push(File {
                    path: entry.path(),
                    bytes: meta.len(),
                    modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    temp,
                });
            }
        }
        Ok(files)
    }

    /// Count what the cache holds.
    pub fn info(&self) -> Result<CacheInfo, CacheError> {
        let mut info = CacheInfo::default();
        for f in self.files()? {
            if f.temp {
                info.temp_files += 1;
                continue;
            }
            info.entries += 1;
            info.bytes += f.bytes;
            info.oldest = Some(info.oldest.map_or(f.modified, |t| t.min(f.modified)));
            info.newest = Some(info.newest.map_or(f.modified, |t| t.max(f.modified)));
        }
        Ok(info)
    }

    /// Remove every entry and temporary file; returns what was removed.
    pub fn clean(&self) -> Result<CacheInfo, CacheError> {
        let info = self.info()?;
        for f in self.files()? {
            remove(&f.path)?;
        }
        Ok(info)
    }

    /// Remove leftover temporary files and, least recently used first, entries until the cache
    /// is within its limit. Returns the number of entries removed.
    pub fn trim(&self) -> Result<usize, CacheError> {
        let now = SystemTime::now();
        let mut files = self.files()?;
        for f in files.iter().filter(|f| f.temp) {
            if now.duration_since(f.modified).unwrap_or_default() > STALE_TEMP {
                remove(&f.path)?;
            }
        }
        files.retain(|f| !f.temp);
        let mut total: u64 = files.iter().map(|f| f.bytes).sum();
        if total <= self.max_bytes {
            return Ok(0);
        }
        files.sort_by_key(|f| f.modified);
        let mut removed = 0;
        for f in files {
            if total <= self.max_bytes {
                break;
            }
            remove(&f.path)?;
            total -= f.bytes;
            removed += 1;
        }
        Ok(removed)
    }

    /// Read and check the entry at `path`.
    fn read_entry(path: &Path) -> Option<Vec<u8>> {
        let data = std::fs::read(path).ok()?;
        let payload = data.strip_prefix(MAGIC.as_slice())?;
        let (sum, payload) = payload.split_at_checked(32)?;
        (Sha256::digest(payload).as_slice() == sum).then(|| payload.to_vec())
    }

    /// Write `value` as the entry at `path`: a temporary file, then a rename.
    fn write_entry(path: &Path, value: &[u8]) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let temp = dir.join(format!(
            "{TEMP_PREFIX}{name}-{}-{nanos}",
            std::process::id()
        ));
        let written = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(MAGIC)?;
            file.write_all(&Sha256::digest(value))?;
            file.write_all(value)?;
            std::fs::rename(&temp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }
}

fn remove(path: &Path) -> Result<(), CacheError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
        _ => Ok(()),
    }
}

impl sekisho_image::LayerCache for DirCache {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        let path = self.path_of(key);
        match Self::read_entry(&path) {
            Some(value) => {
                // A hit makes the entry the most recently used.
                if let Ok(file) = std::fs::File::options().append(true).open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
                Some(value)
            }
            None => {
                // Damaged (or absent): never read again.
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    fn put(&self, key: &str, value: &[u8]) {
        let _ = Self::write_entry(&self.path_of(key), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sekisho_image::LayerCache;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sekisho-cache-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn put_get_info_clean() {
        let root = temp_dir("basic");
        let cache = DirCache::new(&root, "build 1", 1 << 20);
        assert_eq!(cache.get("a"), None);
        cache.put("a", b"layer a");
        cache.put("b", b"layer b");
        assert_eq!(cache.get("a").as_deref(), Some(&b"layer a"[..]));
        // Another build does not see the entries.
        assert_eq!(DirCache::new(&root, "build 2", 1 << 20).get("a"), None);
        let info = cache.info().unwrap();
        assert_eq!((info.entries, info.temp_files), (2, 0));
        assert_eq!(info.bytes, 2 * (8 + 32 + 7));
        assert_eq!(cache.clean().unwrap().entries, 2);
        assert_eq!(cache.info().unwrap(), CacheInfo::default());
        assert_eq!(cache.get("b"), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn damaged_entries_are_misses_and_removed() {
        let root = temp_dir("damaged");
        let cache = DirCache::new(&root, "n", 1 << 20);
        for (key, damage) in [
            ("cut", 0usize),
            ("flipped", 1),
            ("empty", 2),
            ("no magic", 3),
        ] {
            cache.put(key, b"some layer results");
            let path = cache.path_of(key);
            let mut data = std::fs::read(&path).unwrap();
            match damage {
                0 => data.truncate(data.len() - 3),
                1 => *data.last_mut().unwrap() ^= 1,
                2 => data.clear(),
                _ => data[0] = b'X',
            }
            std::fs::write(&path, data).unwrap();
            assert_eq!(cache.get(key), None, "{key}");
            assert!(!path.exists(), "{key} removed");
        }
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn trim_removes_least_recently_used_and_stale_temp_files() {
        let root = temp_dir("trim");
        let entry = (8 + 32 + 100) as u64;
        let cache = DirCache::new(&root, "n", 2 * entry);
        let old = SystemTime::now() - Duration::from_secs(7200);
        for (i, key) in ["k0", "k1", "k2"].iter().enumerate() {
            cache.put(key, &[b'x'; 100]);
            let file = std::fs::File::options()
                .append(true)
                .open(cache.path_of(key))
                .unwrap();
            file.set_modified(old + Duration::from_secs(i as u64))
                .unwrap();
        }
        // k0 is the oldest write, but a hit makes it the most recently used.
        assert!(cache.get("k0").is_some());
        let dir = cache.path_of("k0").parent().unwrap().to_path_buf();
        let stale = dir.join(format!("{TEMP_PREFIX}leftover"));
        std::fs::write(&stale, b"half").unwrap();
        std::fs::File::options()
            .append(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let fresh = dir.join(format!("{TEMP_PREFIX}being-written"));
        std::fs::write(&fresh, b"half").unwrap();
        assert_eq!(cache.trim().unwrap(), 1);
        assert!(cache.get("k1").is_none(), "least recently used removed");
        assert!(cache.get("k0").is_some() && cache.get("k2").is_some());
        assert!(!stale.exists() && fresh.exists());
        assert_eq!(cache.info().unwrap().temp_files, 1);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn concurrent_writers_and_readers_see_whole_entries() {
        let root = temp_dir("concurrent");
        let cache = DirCache::new(&root, "n", 1 << 30);
        let value: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..20 {
                        cache.put("shared", &value);
                        if let Some(got) = cache.get("shared") {
                            assert_eq!(got, value);
                        }
                    }
                });
            }
        });
        assert_eq!(cache.get("shared"), Some(value));
        let info = cache.info().unwrap();
        assert_eq!((info.entries, info.temp_files), (1, 0));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
