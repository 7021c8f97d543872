//! An unpacked root filesystem as a one-layer image. Symlinks are never followed on the host:
//! entries are read with `symlink_metadata`, and only regular files are opened.

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::ImageError;
use crate::layer::{Entry, EntryKind, Interest, LayerScan, LayerVisitor};
use crate::resolve::{ImageInfo, LayerInfo};
use crate::{ImageConfig, ImageScan, ScanOptions, SourceKind};

/// Walk `root` and scan it as a single layer.
pub(crate) fn scan_dir<V: LayerVisitor>(
    root: &Path,
    input: &str,
    options: &ScanOptions,
    visitor: &V,
) -> Result<ImageScan<V::Output>, ImageError> {
    let mut scan = LayerScan::empty();
    let mut inodes: HashMap<(u64, u64), String> = HashMap::new();
    // The running system's own root: its kernel and device trees are not files of an image
    // (and /proc/kcore alone would claim terabytes), as Syft and Trivy skip them.
    let host_root = std::fs::canonicalize(root).is_ok_and(|p| p == Path::new("/"));
    let mut stack = vec![String::new()];
    while let Some(dir) = stack.pop() {
        let host_dir = root.join(&dir);
        let listing = match std::fs::read_dir(&host_dir) {
            Ok(listing) => listing,
            Err(e) if dir.is_empty() => return Err(ImageError::io(&host_dir, e)),
            Err(e) => {
                // An unreadable directory is reported and the walk goes on.
                scan.warnings.push(format!("{dir}: not read: {e}"));
                continue;
            }
        };
        let mut names: Vec<_> = listing
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        names.sort();
        for name in names.into_iter().rev() {
            let name = name.to_string_lossy().into_owned();
            let rel = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            let host = root.join(&rel);
            let meta = match std::fs::symlink_metadata(&host) {
                Ok(m) => m,
                Err(e) => {
                    scan.warnings.push(format!("{rel}: {e}"));
                    continue;
                }
            };
            let ft = meta.file_type();
            let mut entry = Entry {
                path: rel.clone(),
                kind: EntryKind::File,
                mode: meta.permissions().mode() & 0o7777,
                uid: meta.uid(),
                gid: meta.gid(),
                size: 0,
                link: None,
                sha256: None,
            };
            if ft.is_dir() {
                entry.kind = EntryKind::Dir;
                if host_root && matches!(rel.as_str(), "proc" | "sys" | "dev") {
                    scan.warnings.push(format!(
                        "{rel}: skipped (the running system's kernel and device tree)"
                    ));
                    scan.entries.push(entry);
                    continue;
                }
                stack.push(rel);
            } else if ft.is_symlink() {
                entry.kind = EntryKind::Symlink;
                entry.link = std::fs::read_link(&host)
                    .ok()
                    .map(|t| t.to_string_lossy().into_owned());
            } else if ft.is_file() {
                if meta.nlink() > 1 {
                    if let Some(first) = inodes.get(&(meta.dev(), meta.ino())) {
                        entry.kind = EntryKind::Hardlink;
                        entry.link = Some(first.clone());
                        scan.entries.push(entry);
                        continue;
                    }
                    inodes.insert((meta.dev(), meta.ino()), rel.clone());
                }
                entry.size = meta.len();
                read_file(&host, &mut entry, options, visitor, &mut scan);
            } else {
                use std::os::unix::fs::FileTypeExt;
                entry.kind = if ft.is_char_device() {
                    EntryKind::Char
                } else if ft.is_block_device() {
                    EntryKind::Block
                } else if ft.is_fifo() {
                    EntryKind::Fifo
                } else {
                    continue; // sockets have no place in an image
                };
            }
            scan.entries.push(entry);
        }
    }
    let info = ImageInfo {
        input: input.to_string(),
        kind: SourceKind::Dir,
        tags: Vec::new(),
        manifest_digest: None,
        config_digest: None,
        config: ImageConfig::default(),
        layers: vec![LayerInfo {
            digest: String::new(),
            diff_id: String::new(),
            media_type: "directory".to_string(),
            size: 0,
            created_by: None,
            member: String::new(),
            expect_raw: None,
            expect_if_plain: None,
        }],
    };
    let mut merger = crate::Merger::new();
    merger.absorb(scan, false);
    Ok(merger.finish(info))
}

fn read_file<V: LayerVisitor>(
    host: &Path,
    entry: &mut Entry,
    options: &ScanOptions,
    visitor: &V,
    scan: &mut LayerScan<V::Output>,
) {
    let wanted = match visitor.interest(entry) {
        Interest::Skip => false,
        Interest::Whole => true,
        Interest::Head(n) => {
            let mut head = Vec::new();
            let peeked =
                std::fs::File::open(host).and_then(|f| f.take(n as u64).read_to_end(&mut head));
            peeked.is_ok() && visitor.peek(entry, &head)
        }
    } && entry.size <= options.limits.max_content;
    if !wanted && !options.hash_files {
        return;
    }
    let content = if wanted {
        // Bounded even if the file grows while it is read.
        std::fs::File::open(host).and_then(|f| {
            let mut bytes = Vec::new();
            f.take(options.limits.max_content).read_to_end(&mut bytes)?;
            Ok(bytes)
        })
    } else {
        let mut hasher = Sha256::new();
        std::fs::File::open(host)
            .and_then(|mut f| std::io::copy(&mut f, &mut hasher))
            .map(|_| {
                entry.sha256 = Some(Box::new(hasher.finalize().into()));
                Vec::new()
            })
    };
    match content {
        Ok(bytes) if wanted => {
            if options.hash_files {
                entry.sha256 = Some(Box::new(Sha256::digest(&bytes).into()));
            }
            if let Some(out) = visitor.visit(entry, &bytes) {
                scan.outputs.insert(entry.path.clone(), out);
            }
        }
        Ok(_) => {}
        Err(e) => scan.warnings.push(format!("{}: {e}", entry.path)),
    }
}
