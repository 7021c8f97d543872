//! Opt-in dump of the hostile inputs the tests generate, so `bench/hostile.sh` can run each one
//! through the real binary and measure it. Shared by the test crates with
//! `#[path = "../../../tests/hostile_dump.rs"] mod hostile_dump;`.
//!
//! Nothing happens unless `SEKISHO_HOSTILE_DIR` is set. Then every input handed to [`path`],
//! [`bytes`] or [`tree`] is also written as `$SEKISHO_HOSTILE_DIR/<kind>/<test>-<n><ext>`, where
//! `kind` is the command that reads it (`image`, `rootfs`, `fs`, `dockerfile`), `<test>` names
//! the running test as `<package>.<test file>.<function>` (`lang.npm.large_lock_is_linear`; the
//! function is the test thread's name) and `<n>` counts that test's inputs from 1. Symlinks are
//! copied as symlinks (their target unchanged, so a link to `/dev/zero` stays one) and FIFOs are
//! made again with `mkfifo`; other special files are left out, with a `<name>.skipped` note
//! beside where they would be. A dump that fails panics: a silently partial corpus would
//! measure less than it claims.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The dump directory, when dumping is on.
pub fn dir() -> Option<PathBuf> {
    std::env::var_os("SEKISHO_HOSTILE_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

/// Whether dumping is on (callers skip building inputs only the dump needs).
pub fn enabled() -> bool {
    dir().is_some()
}

/// Inputs dumped so far: the next number per test, and the sources already copied.
static STATE: Mutex<(BTreeMap<String, usize>, BTreeSet<PathBuf>)> =
    Mutex::new((BTreeMap::new(), BTreeSet::new()));

/// A fresh `<dir>/<kind>/<test>-<n><ext>` path, or `None` when dumping is off or `source`
/// (when given) was dumped already (a test scanning one input with several settings).
fn destination(kind: &str, ext: &str, source: Option<&Path>) -> Option<PathBuf> {
    let dir = dir()?;
    let thread = std::thread::current();
    let function = thread
        .name()
        .unwrap_or("unnamed")
        .replace("::", "__")
        .replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '-',
            "_",
        );
    let package = env!("CARGO_PKG_NAME");
    let package = package.strip_prefix("sekisho-").unwrap_or(package);
    let test = format!("{package}.{}.{function}", env!("CARGO_CRATE_NAME"));
    let mut state = STATE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(source) = source {
        if !state.1.insert(source.to_path_buf()) {
            return None;
        }
    }
    let n = state.0.entry(test.clone()).or_insert(0);
    *n += 1;
    let kind_dir = dir.join(kind);
    std::fs::create_dir_all(&kind_dir).unwrap();
    Some(kind_dir.join(format!("{test}-{n}{ext}")))
}

/// Dump the file or directory at `src` (an input as the command reads it). The extension is
/// the part of the file name from its first dot (`.tar.gz`, `.tar`), none for a directory.
pub fn path(kind: &str, src: &Path) -> Option<PathBuf> {
    if !enabled() {
        return None;
    }
    let meta = std::fs::symlink_metadata(src).ok()?;
    let ext = if meta.is_dir() {
        String::new()
    } else {
        let name = src.file_name().unwrap_or_default().to_string_lossy();
        name.find('.')
            .map_or(String::new(), |i| name[i..].to_string())
    };
    let dest = destination(kind, &ext, Some(src))?;
    copy(src, &dest);
    Some(dest)
}

/// Dump `data` as one file with extension `ext` (with its dot, or empty).
pub fn bytes(kind: &str, ext: &str, data: &[u8]) -> Option<PathBuf> {
    let dest = destination(kind, ext, None)?;
    std::fs::write(&dest, data).unwrap();
    Some(dest)
}

/// Dump a directory holding `files` (relative path, content): a project for `fs`, a tree for
/// `rootfs`. Executables (ELF or PE content) are made executable: scans look for build info
/// only in files with an execute bit, as in an image.
pub fn tree(kind: &str, files: &[(&str, &[u8])]) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let dest = destination(kind, "", None)?;
    std::fs::create_dir_all(&dest).unwrap();
    for (rel, data) in files {
        let file = dest.join(rel);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, data).unwrap();
        if data.starts_with(b"\x7fELF") || data.starts_with(b"MZ") {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    Some(dest)
}

/// Copy `src` to `dest` without following symlinks, recreating FIFOs.
fn copy(src: &Path, dest: &Path) {
    let meta = std::fs::symlink_metadata(src).unwrap();
    let ft = meta.file_type();
    if ft.is_symlink() {
        std::os::unix::fs::symlink(std::fs::read_link(src).unwrap(), dest).unwrap();
    } else if ft.is_dir() {
        std::fs::create_dir_all(dest).unwrap();
        let mut names: Vec<_> = std::fs::read_dir(src)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        for name in names {
            copy(&src.join(&name), &dest.join(&name));
        }
        std::fs::set_permissions(dest, meta.permissions()).unwrap();
    } else if ft.is_file() {
        std::fs::copy(src, dest).unwrap();
    } else if ft.is_fifo() {
        let status = std::process::Command::new("mkfifo")
            .arg(dest)
            .status()
            .unwrap();
        assert!(status.success(), "mkfifo {}", dest.display());
    } else {
        let mut note = dest.as_os_str().to_owned();
        note.push(".skipped");
        std::fs::write(
            note,
            format!("{}: a device or socket, not copied\n", src.display()),
        )
        .unwrap();
    }
}

/// A plain ustar archive of `members` (name up to 100 bytes, content): enough for a
/// docker-archive around a generated config or layer where the test crate has no tar writer.
pub fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in members {
        let mut h = [0u8; 512];
        h[..name.len()].copy_from_slice(name.as_bytes());
        h[100..108].copy_from_slice(b"0000644\0");
        h[108..116].copy_from_slice(b"0000000\0");
        h[116..124].copy_from_slice(b"0000000\0");
        h[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
        h[136..148].copy_from_slice(b"00000000000\0");
        h[148..156].copy_from_slice(b"        ");
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}
