//! Reading a feed SOURCE: a directory, a `.tar.gz` (or `.tar.zst`, `.tar`) of one, or a zip (OSV's
//! `all.zip`), read straight from the archive. Every regular file is handed to a callback with
//! its path inside the source; the SHA-256 of the input bytes is computed on the way.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Error;

/// Files larger than this are skipped (no advisory file comes close).
const MAX_FILE: u64 = 256 << 20;

/// Calls `f(path, bytes)` for every regular file of the source, in archive or name order, and
/// returns the hex SHA-256 of the input (the archive's bytes; for a directory, of every
/// file's relative path, length and content in name order).
pub fn for_each_file(source: &Path, f: &mut dyn FnMut(&str, &[u8])) -> Result<String, Error> {
    let io_err = |e: io::Error| Error::Io {
        path: source.to_path_buf(),
        source: e,
    };
    let meta = fs::metadata(source).map_err(io_err)?;
    if meta.is_dir() {
        let mut hasher = Sha256::new();
        let mut files = Vec::new();
        walk(source, source, &mut files).map_err(io_err)?;
        files.sort();
        for (rel, path) in files {
            let bytes = fs::read(&path).map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
            hasher.update(rel.as_bytes());
            hasher.update([0]);
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(&bytes);
            f(&rel, &bytes);
        }
        return Ok(hex::encode(hasher.finalize()));
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
