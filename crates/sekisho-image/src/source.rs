//! Where an image comes from: parsing the user's source argument (`docker-archive:`,
//! `oci-dir:`, `oci-archive:`, `dir:` prefixes as Syft users type them, or auto-detection)
//! and reading blobs from an OCI layout directory or a tar archive.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::ImageError;
use crate::layer::normalize_path;

/// The format of an image source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A `docker save` tar (optionally gzip or zstd compressed as a whole).
    DockerArchive,
    /// An OCI image layout directory.
    OciDir,
    /// A tar of an OCI image layout.
    OciArchive,
    /// An unpacked root filesystem.
    Dir,
    /// An image pulled by reference from a registry.
    Registry,
    /// An image exported by the Docker Engine (`docker:IMAGE`).
    DockerDaemon,
    /// An image exported by Podman's Engine API service (`podman:IMAGE`).
    Podman,
}

impl SourceKind {
    /// The prefix users type for this kind.
    pub fn prefix(self) -> &'static str {
        match self {
            SourceKind::DockerArchive => "docker-archive",
            SourceKind::OciDir => "oci-dir",
            SourceKind::OciArchive => "oci-archive",
            SourceKind::Dir => "dir",
            SourceKind::Registry => "registry",
            SourceKind::DockerDaemon => "docker-daemon",
            SourceKind::Podman => "podman",
        }
    }
}

/// Where an image comes from.
#[derive(Clone)]
pub enum Source {
    /// A `docker save` tar or a tar of an OCI layout, optionally gzip or zstd compressed as a
    /// whole. The format is forced by a prefix (`format`) or decided from the members.
    Archive {
        /// What the user typed.
        input: String,
        /// The file.
        path: PathBuf,
        /// The tag selecting one image (`PATH:TAG`).
        tag: Option<String>,
        /// [`SourceKind::DockerArchive`] or [`SourceKind::OciArchive`] when forced.
        format: Option<SourceKind>,
    },
    /// An OCI image layout directory.
    OciLayout {
        /// What the user typed.
        input: String,
        /// The directory.
        path: PathBuf,
        /// The tag selecting one image (`org.opencontainers.image.ref.name`).
        tag: Option<String>,
    },
    /// An unpacked root filesystem (one layer).
    Rootfs {
        /// What the user typed.
        input: String,
        /// The directory.
        path: PathBuf,
    },
    /// Any store of blobs named as in an OCI image layout (`index.json`, `blobs/<alg>/<hex>`):
    /// how a registry or a daemon export plugs in, its layers streamed straight into the same
    /// scan without temporary files.
    Store {
        /// What the user typed (a reference).
        input: String,
        /// The blobs.
        store: Arc<dyn BlobStore>,
        /// The tag selecting one image of the store's index.
        tag: Option<String>,
        /// How the report names the source.
        kind: SourceKind,
    },
    /// A docker-archive (or a tar of an OCI layout, optionally gzip or zstd compressed) read
    /// once from a stream as it arrives: how a daemon's export (`docker save` over the Engine
    /// API) plugs in, with no temporary copy of the image. Metadata members are kept in memory
    /// and each layer is scanned as it passes.
    Stream {
        /// What the user typed (`docker:IMAGE`).
        input: String,
        /// Opens the stream; called once per scan.
        stream: Arc<dyn ArchiveStream>,
        /// How the report names the source.
        kind: SourceKind,
    },
}

/// Something that yields an image archive as one stream (a daemon's export). Opening it does
/// the request and checks the answer; reading errors name where the bytes come from.
pub trait ArchiveStream: Send + Sync {
    /// Start the stream. `input` is what the user typed, for errors.
    fn open(&self, input: &str) -> Result<Box<dyn Read + Send>, ImageError>;
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("kind", &self.kind())
            .field("input", &self.input())
            .field("tag", &self.tag())
            .finish()
    }
}

impl Source {
    /// Parse `[PREFIX:]PATH[:TAG]` (`docker-archive:`, `oci-dir:` or `oci:`, `oci-archive:`,
    /// `dir:`, as Syft and skopeo users type them). A path that exists as typed is never
    /// split at `:`. Without a prefix a directory must be an OCI layout (`index.json` or
    /// `oci-layout`): a root filesystem is scanned only when asked for (`dir:`, `rootfs`), so
    /// a mistyped layout path is an error, not an empty scan.
    pub fn parse(input: &str) -> Result<Source, ImageError> {
        let prefixes = [
            ("docker-archive:", SourceKind::DockerArchive),
            ("oci-dir:", SourceKind::OciDir),
            ("oci:", SourceKind::OciDir),
            ("oci-archive:", SourceKind::OciArchive),
            ("dir:", SourceKind::Dir),
        ];
        let (kind, rest) = prefixes
            .iter()
            .find_map(|(p, k)| input.strip_prefix(p).map(|rest| (Some(*k), rest)))
            .unwrap_or((None, input));
        let (path, tag) = if Path::new(rest).exists() || kind == Some(SourceKind::Dir) {
            (PathBuf::from(rest), None)
        } else {
            match rest.rsplit_once(':') {
                Some((path, tag)) if !tag.contains('/') && Path::new(path).exists() => {
                    (PathBuf::from(path), Some(tag.to_string()))
                }
                _ => {
                    return Err(ImageError::io(
                        rest,
                        std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            "no such file or directory",
                        ),
                    ))
                }
            }
        };
        let input = input.to_string();
        Ok(match kind {
            Some(SourceKind::Dir) => Source::Rootfs { input, path },
            Some(SourceKind::OciDir) => Source::OciLayout { input, path, tag },
            Some(format) => Source::Archive {
                input,
                path,
                tag,
                format: Some(format),
            },
            None if path.is_dir() => {
                if !(path.join("index.json").exists() || path.join("oci-layout").exists()) {
                    return Err(ImageError::UnknownFormat {
                        path,
                        reason: "a directory without index.json or oci-layout is not an OCI \
                                 image layout; to scan it as a root filesystem use `sekisho \
                                 rootfs DIR` or `dir:DIR`"
                            .to_string(),
                    });
                }
                Source::OciLayout { input, path, tag }
            }
            None => Source::Archive {
                input,
                path,
                tag,
                format: None,
            },
        })
    }

    /// A root filesystem at `path` (what `sekisho rootfs` and `dir:` scan).
    pub fn rootfs(input: &str, path: impl Into<PathBuf>) -> Source {
        Source::Rootfs {
            input: input.to_string(),
            path: path.into(),
        }
    }

    /// What the user typed.
    pub fn input(&self) -> &str {
        match self {
            Source::Archive { input, .. }
            | Source::OciLayout { input, .. }
            | Source::Rootfs { input, .. }
            | Source::Store { input, .. }
            | Source::Stream { input, .. } => input,
        }
    }

    /// The file or directory on this machine, for sources that have one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Archive { path, .. }
            | Source::OciLayout { path, .. }
            | Source::Rootfs { path, .. } => Some(path),
            Source::Store { .. } | Source::Stream { .. } => None,
        }
    }

    /// The tag selecting one image, if given.
    pub fn tag(&self) -> Option<&str> {
        match self {
            Source::Archive { tag, .. }
            | Source::OciLayout { tag, .. }
            | Source::Store { tag, .. } => tag.as_deref(),
            Source::Rootfs { .. } | Source::Stream { .. } => None,
        }
    }

    /// The kind as far as known before reading (an archive without a forced format is
    /// reported as a docker archive until its members say otherwise).
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::Archive { format, .. } => format.unwrap_or(SourceKind::DockerArchive),
            Source::OciLayout { .. } => SourceKind::OciDir,
            Source::Rootfs { .. } => SourceKind::Dir,
            Source::Store { kind, .. } | Source::Stream { kind, .. } => *kind,
        }
    }
}

/// Compression of a whole archive file, from its first bytes.
pub(crate) fn sniff_compression(path: &Path) -> Result<crate::layer::Compression, ImageError> {
    let mut head = [0u8; 4];
    let mut f = File::open(path).map_err(|e| ImageError::io(path, e))?;
    let n = read_up_to(&mut f, &mut head).map_err(|e| ImageError::io(path, e))?;
    Ok(compression_of(&head[..n]))
}

/// Compression of a whole archive from its first bytes.
pub(crate) fn compression_of(head: &[u8]) -> crate::layer::Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        crate::layer::Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        crate::layer::Compression::Zstd
    } else {
        crate::layer::Compression::None
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Largest metadata document (index, manifest, config) we read into memory.
pub(crate) const MAX_METADATA: u64 = 16 << 20;

/// Read access to the blobs and metadata files of an image by layout-relative name
/// (`index.json`, `blobs/sha256/<hex>`; `manifest.json` for docker archives). Directories,
/// archives and (later) registries implement it; the scan reads metadata with
/// [`BlobStore::read_small`] and streams layers with [`BlobStore::open`], several at once.
/// Errors are short reasons; the scan adds the input and the layer.
pub trait BlobStore: Send + Sync {
    /// Whether a member with this name exists.
    fn contains(&self, name: &str) -> bool;
    /// Read a small member (metadata) fully.
    fn read_small(&self, name: &str) -> Result<Vec<u8>, String>;
    /// Open a member for streaming.
    fn open(&self, name: &str) -> Result<Box<dyn Read + Send + '_>, String>;
}

/// An OCI layout directory (or any directory holding layout-relative names).
pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    /// The store of the layout at `root`.
    pub fn new(root: impl Into<PathBuf>) -> DirStore {
        DirStore { root: root.into() }
    }
}

impl DirStore {
    /// The file behind `name`: it must resolve (symlinks followed) to a regular file inside the
    /// layout. A FIFO, a device (`/dev/zero`) or a link out of the layout (to a host file) would
    /// hang the scan, never end, or put the host's files into the report.
    fn member(&self, name: &str) -> Result<(PathBuf, std::fs::Metadata), String> {
        let clean = normalize_path(name)?;
        let path = self.root.join(&clean);
        let meta = std::fs::metadata(&path).map_err(|e| format!("{name}: {e}"))?;
        if meta.is_dir() {
            return Err(format!("{name} is a directory"));
        }
        if !meta.is_file() {
            return Err(format!("{name} is not a regular file"));
        }
        let real = std::fs::canonicalize(&path).map_err(|e| format!("{name}: {e}"))?;
        let root = std::fs::canonicalize(&self.root).map_err(|e| format!("layout root: {e}"))?;
        if !real.starts_with(&root) {
            return Err(format!("{name} links outside the layout"));
        }
        Ok((real, meta))
    }
}

impl BlobStore for DirStore {
    fn contains(&self, name: &str) -> bool {
        normalize_path(name)
            .map(|clean| self.root.join(clean).exists())
            .unwrap_or(false)
    }

    fn read_small(&self, name: &str) -> Result<Vec<u8>, String> {
        let (path, meta) = self.member(name)?;
        if meta.len() > MAX_METADATA {
            return Err(format!("{name} is {} bytes, too large", meta.len()));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        File::open(&path)
            .and_then(|f| f.take(MAX_METADATA + 1).read_to_end(&mut bytes))
            .map_err(|e| format!("{name}: {e}"))?;
        if bytes.len() as u64 > MAX_METADATA {
            return Err(format!("{name} grew past {MAX_METADATA} bytes while read"));
        }
        Ok(bytes)
    }

    fn open(&self, name: &str) -> Result<Box<dyn Read + Send + '_>, String> {
        let (path, _) = self.member(name)?;
        let file = File::open(&path).map_err(|e| format!("{name}: {e}"))?;
        Ok(Box::new(file))
    }
}

/// An uncompressed tar archive indexed once, read by seeking to members.
pub(crate) struct SeekTarStore {
    path: PathBuf,
    members: HashMap<String, (u64, u64)>,
    links: HashMap<String, String>,
}

impl SeekTarStore {
    /// Index the member headers of `path` (contents are skipped by seeking).
    pub(crate) fn open(path: &Path) -> Result<Self, ImageError> {
        let file = File::open(path).map_err(|e| ImageError::io(path, e))?;
        let mut archive = sekisho_tar::Reader::new_seekable(BufReader::new(file));
        let mut members = HashMap::new();
        let mut links = HashMap::new();
        let bad = |e: String| ImageError::UnknownFormat {
            path: path.to_path_buf(),
            reason: e,
        };
        while let Some(entry) = archive
            .next_entry()
            .map_err(|e| bad(format!("bad tar header: {}", crate::error::brief(e))))?
        {
            let header = entry.header();
            let name = normalize_path(&header.path_lossy()).map_err(bad)?;
            match header.kind() {
                kind @ (sekisho_tar::EntryKind::Symlink | sekisho_tar::EntryKind::HardLink) => {
                    let target = header.link_lossy();
                    let target = if kind == sekisho_tar::EntryKind::Symlink {
                        let (dir, _) = crate::layer::split_parent(&name);
                        normalize_path(&format!("{dir}/{target}")).map_err(bad)?
                    } else {
                        normalize_path(&target).map_err(bad)?
                    };
                    links.insert(name, target);
                }
                // A sparse member's stored bytes are not its content; no image stores one.
                sekisho_tar::EntryKind::Regular if header.sparse_map().is_none() => {
                    members.insert(name, (header.data_offset(), header.size()));
                }
                _ => {}
            }
        }
        Ok(SeekTarStore {
            path: path.to_path_buf(),
            members,
            links,
        })
    }

    /// Follow member symlinks/hardlinks (docker save links identical layers) with a hop limit.
    fn locate(&self, name: &str) -> Result<(u64, u64), String> {
        let mut current = normalize_path(name)?;
        for _ in 0..16 {
            if let Some(loc) = self.members.get(&current) {
                return Ok(*loc);
            }
            match self.links.get(&current) {
                Some(next) => current = next.clone(),
                None => return Err(format!("{name}: not in the archive")),
            }
        }
        Err(format!("{name}: link loop in the archive"))
    }
}

impl BlobStore for SeekTarStore {
    fn contains(&self, name: &str) -> bool {
        self.locate(name).is_ok()
    }

    fn read_small(&self, name: &str) -> Result<Vec<u8>, String> {
        let (_, size) = self.locate(name)?;
        if size > MAX_METADATA {
            return Err(format!("{name} is {size} bytes, too large"));
        }
        let mut buf = Vec::with_capacity(size as usize);
        self.open(name)?
            .read_to_end(&mut buf)
            .map_err(|e| format!("{name}: {e}"))?;
        Ok(buf)
    }

    fn open(&self, name: &str) -> Result<Box<dyn Read + Send + '_>, String> {
        let (offset, size) = self.locate(name)?;
        let mut file = File::open(&self.path).map_err(|e| format!("{name}: {e}"))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| format!("{name}: {e}"))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        if offset.saturating_add(size) > len {
            return Err(format!(
                "{name}: archive is truncated ({size} bytes declared at offset {offset}, file has {len})"
            ));
        }
        Ok(Box::new(
            BufReader::with_capacity(256 << 10, file).take(size),
        ))
    }
}

/// Small members kept in memory from a single streaming pass over a compressed archive.
#[derive(Default)]
pub(crate) struct MemStore {
    pub(crate) files: HashMap<String, Vec<u8>>,
    /// Members that were streamed (layers) rather than kept.
    pub(crate) streamed: std::collections::HashSet<String>,
    pub(crate) links: HashMap<String, String>,
}

impl MemStore {
    pub(crate) fn resolve_name(&self, name: &str) -> Result<String, String> {
        let mut current = normalize_path(name)?;
        for _ in 0..16 {
            match self.links.get(&current) {
                Some(next) => current = next.clone(),
                None => return Ok(current),
            }
        }
        Err(format!("{name}: link loop in the archive"))
    }
}

impl BlobStore for MemStore {
    fn contains(&self, name: &str) -> bool {
        self.resolve_name(name)
            .map(|n| self.files.contains_key(&n) || self.streamed.contains(&n))
            .unwrap_or(false)
    }

    fn read_small(&self, name: &str) -> Result<Vec<u8>, String> {
        let n = self.resolve_name(name)?;
        self.files
            .get(&n)
            .cloned()
            .ok_or_else(|| format!("{name}: not in the archive"))
    }

    fn open(&self, name: &str) -> Result<Box<dyn Read + Send + '_>, String> {
        let n = self.resolve_name(name)?;
        self.files
            .get(&n)
            .map(|b| Box::new(b.as_slice()) as Box<dyn Read + Send>)
            .ok_or_else(|| format!("{name}: not in the archive"))
    }
}
