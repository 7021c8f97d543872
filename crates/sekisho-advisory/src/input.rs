//! Reading a feed SOURCE: a directory, a `.tar.gz` (or `.tar.zst`, `.tar`) of one, a zip (OSV's
//! `all.zip`), read straight from the archive, or one `.json` file. Every regular file is handed to a callback with
//! its path inside the source; a SHA-256 digest of the input is computed on the way.
//!
//! A directory's digest is the sum (mod 2^256) of its files' [`file_hash`]es rather than one
//! hash over all of them: it does not depend on the order files are read in, and an
//! incremental update can follow it (subtract the hashes of the files it replaces, add those
//! of their new versions) without reading the other files again.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Error;

/// Files larger than this are skipped (no advisory file comes close).
const MAX_FILE: u64 = 256 << 20;

/// The SHA-256 of one file of a directory source: its relative path, a NUL, its length
/// (8 bytes, little-endian) and its content.
pub fn file_hash(rel: &str, bytes: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(rel.as_bytes());
    hasher.update([0]);
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
    hasher.finalize().into()
}

/// A directory's digest: the sum of its files' [`file_hash`]es as 256-bit big-endian numbers,
/// modulo 2^256 (an identity of the content, not a defence against a crafted collision).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirDigest([u64; 4]);

impl DirDigest {
    fn limbs(hash: &[u8; 32]) -> [u64; 4] {
        // Least significant limb first.
        std::array::from_fn(|i| {
            let at = 32 - 8 * (i + 1);
            u64::from_be_bytes(hash[at..at + 8].try_into().expect("8 bytes"))
        })
    }

    /// Adds one file's hash.
    pub fn add(&mut self, hash: &[u8; 32]) {
        let mut carry = false;
        for (limb, x) in self.0.iter_mut().zip(Self::limbs(hash)) {
            let (s, c1) = limb.overflowing_add(x);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            *limb = s;
            carry = c1 || c2;
        }
    }

    /// Subtracts one file's hash (the file was replaced or removed).
    pub fn sub(&mut self, hash: &[u8; 32]) {
        let mut borrow = false;
        for (limb, x) in self.0.iter_mut().zip(Self::limbs(hash)) {
            let (d, b1) = limb.overflowing_sub(x);
            let (d, b2) = d.overflowing_sub(u64::from(borrow));
            *limb = d;
            borrow = b1 || b2;
        }
    }

    /// The digest as 64 hex digits.
    pub fn to_hex(self) -> String {
        let mut bytes = [0u8; 32];
        for (i, limb) in self.0.iter().enumerate() {
            let at = 32 - 8 * (i + 1);
            bytes[at..at + 8].copy_from_slice(&limb.to_be_bytes());
        }
        hex::encode(bytes)
    }

    /// Reads 64 hex digits.
    pub fn from_hex(text: &str) -> Option<DirDigest> {
        let bytes: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
        Some(DirDigest(Self::limbs(&bytes)))
    }
}

/// Calls `f(path, bytes)` for every regular file of the source, in archive or name order, and
/// returns a hex SHA-256 digest of the input: of the archive's bytes, or for a directory the
/// [`DirDigest`] of its files.
pub fn for_each_file(source: &Path, f: &mut dyn FnMut(&str, &[u8])) -> Result<String, Error> {
    let io_err = |e: io::Error| Error::Io {
        path: source.to_path_buf(),
        source: e,
    };
    let meta = fs::metadata(source).map_err(io_err)?;
    if meta.is_dir() {
        let mut digest = DirDigest::default();
        let mut files = Vec::new();
        walk(source, source, &mut files).map_err(io_err)?;
        files.sort();
        for (rel, path) in files {
            let bytes = fs::read(&path).map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
            digest.add(&file_hash(&rel, &bytes));
            f(&rel, &bytes);
        }
        return Ok(digest.to_hex());
    }
    let mut file = fs::File::open(source).map_err(io_err)?;
    let mut magic = [0u8; 262];
    let n = read_up_to(&mut file, &mut magic).map_err(io_err)?;
    let head = &magic[..n];
    let reader = HashingReader {
        inner: io::Cursor::new(head.to_vec()).chain(file),
        hasher: Sha256::new(),
    };
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut gz = flate2::read::MultiGzDecoder::new(reader);
        read_tar(&mut gz, f).map_err(|e| Error::Archive {
            path: source.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut reader = gz.into_inner();
        io::copy(&mut reader, &mut io::sink()).map_err(io_err)?;
        Ok(hex::encode(reader.hasher.finalize()))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let mut zst = zstd::stream::read::Decoder::new(reader).map_err(io_err)?;
        read_tar(&mut zst, f).map_err(|e| Error::Archive {
            path: source.to_path_buf(),
            message: e.to_string(),
        })?;
        io::copy(&mut zst, &mut io::sink()).map_err(io_err)?;
        let reader = zst.finish().into_inner();
        Ok(hex::encode(reader.hasher.finalize()))
    } else if head.len() >= 262 && &head[257..262] == b"ustar" {
        let mut reader = reader;
        read_tar(&mut reader, f).map_err(|e| Error::Archive {
            path: source.to_path_buf(),
            message: e.to_string(),
        })?;
        io::copy(&mut reader, &mut io::sink()).map_err(io_err)?;
        Ok(hex::encode(reader.hasher.finalize()))
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        drop(reader);
        read_zip(source, f)
    } else if let Some(name) = json_file_name(source) {
        // One JSON file given directly (Red Hat's `repository-to-cpe.json`): a source of
        // one file under its own name, its digest the SHA-256 of its bytes.
        let mut reader = reader;
        let mut bytes = Vec::new();
        (&mut reader)
            .take(MAX_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
        if bytes.len() as u64 > MAX_FILE {
            return Err(Error::UnknownInput {
                path: source.to_path_buf(),
            });
        }
        f(&name, &bytes);
        Ok(hex::encode(reader.hasher.finalize()))
    } else {
        Err(Error::UnknownInput {
            path: source.to_path_buf(),
        })
    }
}

/// An OSV `all.zip` (or any zip of a feed): every member, in archive order.
fn read_zip(source: &Path, f: &mut dyn FnMut(&str, &[u8])) -> Result<String, Error> {
    let io_err = |e: io::Error| Error::Io {
        path: source.to_path_buf(),
        source: e,
    };
    let zip_err = |e: zip::result::ZipError| Error::Archive {
        path: source.to_path_buf(),
        message: e.to_string(),
    };
    let mut hasher = Sha256::new();
    io::copy(&mut fs::File::open(source).map_err(io_err)?, &mut hasher).map_err(io_err)?;
    let mut archive =
        zip::ZipArchive::new(fs::File::open(source).map_err(io_err)?).map_err(zip_err)?;
    let mut buf = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(zip_err)?;
        if !entry.is_file() || entry.size() > MAX_FILE {
            continue;
        }
        let name = entry
            .name()
            .map_err(zip_err)?
            .trim_start_matches("./")
            .to_owned();
        if name.split('/').any(|c| c.starts_with('.') && c.len() > 1) {
            continue;
        }
        buf.clear();
        (&mut entry)
            .take(MAX_FILE)
            .read_to_end(&mut buf)
            .map_err(io_err)?;
        f(&name, &buf);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The file name of a source that is a plain `.json` file.
fn json_file_name(source: &Path) -> Option<String> {
    let name = source.file_name()?.to_string_lossy().into_owned();
    (name.len() > 5 && name.to_ascii_lowercase().ends_with(".json") && !name.starts_with('.'))
        .then_some(name)
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Reads the file at `rel` below the directory source `root` as [`for_each_file`] would:
/// `None` when it is not there, not a regular file, too large, or hidden.
pub fn read_dir_file(root: &Path, rel: &str) -> Result<Option<Vec<u8>>, Error> {
    if rel.split('/').any(|c| c.is_empty() || c.starts_with('.')) {
        return Ok(None);
    }
    let path = root.join(rel);
    let meta = match fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::Io { path, source: e }),
    };
    if !meta.is_file() || meta.len() > MAX_FILE {
        return Ok(None);
    }
    fs::read(&path)
        .map(Some)
        .map_err(|e| Error::Io { path, source: e })
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            walk(root, &path, out)?;
        } else if ty.is_file() && entry.metadata()?.len() <= MAX_FILE {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
    Ok(())
}

fn read_tar(r: &mut dyn Read, f: &mut dyn FnMut(&str, &[u8])) -> io::Result<()> {
    let mut archive = tar::Archive::new(r);
    let mut buf = Vec::new();
    for entry in archive.entries()? {
        let mut entry = entry?;
        if !entry.header().entry_type().is_file() || entry.size() > MAX_FILE {
            continue;
        }
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = path.trim_start_matches("./").to_owned();
        if path.split('/').any(|c| c.starts_with('.') && c.len() > 1) {
            continue;
        }
        buf.clear();
        entry.read_to_end(&mut buf)?;
        f(&path, &buf);
    }
    Ok(())
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dir_digest_adds_and_subtracts() {
        let a = file_hash("npm/A.json", b"{}");
        let b = file_hash("npm/B.json", b"[1]");
        let b2 = file_hash("npm/B.json", b"[2]");
        let mut x = DirDigest::default();
        x.add(&a);
        x.add(&b);
        let mut y = DirDigest::default();
        y.add(&b);
        y.add(&a);
        assert_eq!(x, y, "order does not matter");
        x.sub(&b);
        x.add(&b2);
        let mut z = DirDigest::default();
        z.add(&a);
        z.add(&b2);
        assert_eq!(x, z);
        assert_eq!(DirDigest::from_hex(&x.to_hex()), Some(x));
        // Carries and borrows cross limbs.
        let ones = [0xff; 32];
        let mut w = DirDigest::default();
        w.add(&ones);
        w.add(&ones);
        w.sub(&ones);
        w.sub(&ones);
        assert_eq!(w, DirDigest::default());
        assert_eq!(DirDigest::from_hex("zz"), None);
    }
}
