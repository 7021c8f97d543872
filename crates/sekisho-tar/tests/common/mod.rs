//! Test support: an archive builder writing raw 512-byte headers, our reader's listing, and the
//! listings of the reference readers (Python's `tarfile`, GNU tar) over the same bytes.

#![allow(dead_code)]

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use sekisho_tar::{EntryKind, Options, Reader};
use sha2::{Digest, Sha256};

/// How the magic/version fields of a header are written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Magic {
    V7,
    Ustar,
    Gnu,
}

/// One header block, field by field.
#[derive(Clone, Debug)]
pub struct H {
    pub name: Vec<u8>,
    pub mode: u64,
    pub uid: u64,
    pub gid: u64,
    pub size: u64,
    pub mtime: u64,
    pub typeflag: u8,
    pub link: Vec<u8>,
    pub magic: Magic,
    pub prefix: Vec<u8>,
    /// A raw size field (e.g. base-256) instead of `size` in octal.
    pub size_field: Option<[u8; 12]>,
    /// Raw byte patches applied before the checksum.
    pub patches: Vec<(usize, Vec<u8>)>,
    /// Add this to the correct checksum (0: correct).
    pub checksum_delta: i64,
}

impl H {
    pub fn new(name: &str, typeflag: u8, size: u64) -> H {
        H {
            name: name.as_bytes().to_vec(),
            mode: 0o644,
            uid: 0,
            gid: 0,
            size,
            mtime: 1_600_000_000,
            typeflag,
            link: Vec::new(),
            magic: Magic::Ustar,
            prefix: Vec::new(),
            size_field: None,
            patches: Vec::new(),
            checksum_delta: 0,
        }
    }

    pub fn link(mut self, target: &str) -> H {
        self.link = target.as_bytes().to_vec();
        self
    }

    pub fn magic(mut self, m: Magic) -> H {
        self.magic = m;
        self
    }

    pub fn block(&self) -> [u8; 512] {
        let mut b = [0u8; 512];
        put(&mut b[0..100], &self.name);
        octal(&mut b[100..108], self.mode);
        octal(&mut b[108..116], self.uid);
        octal(&mut b[116..124], self.gid);
        match self.size_field {
            Some(f) => b[124..136].copy_from_slice(&f),
            None => octal(&mut b[124..136], self.size),
        }
        octal(&mut b[136..148], self.mtime);
        b[156] = self.typeflag;
        put(&mut b[157..257], &self.link);
        match self.magic {
            Magic::V7 => {}
            Magic::Ustar => {
                b[257..263].copy_from_slice(b"ustar\0");
                b[263..265].copy_from_slice(b"00");
            }
            Magic::Gnu => {
                b[257..263].copy_from_slice(b"ustar ");
                b[263..265].copy_from_slice(b" \0");
            }
        }
        if self.magic != Magic::V7 {
            put(&mut b[265..297], b"root");
            put(&mut b[297..329], b"root");
            octal(&mut b[329..337], 0);
            octal(&mut b[337..345], 0);
            put(&mut b[345..500], &self.prefix);
        }
        for (at, bytes) in &self.patches {
            b[*at..*at + bytes.len()].copy_from_slice(bytes);
        }
        b[148..156].copy_from_slice(b"        ");
        let sum: i64 = b.iter().map(|&c| i64::from(c)).sum::<i64>() + self.checksum_delta;
        let s = format!("{:06o}\0 ", sum);
        b[148..156].copy_from_slice(s.as_bytes());
        b
    }
}

fn put(field: &mut [u8], v: &[u8]) {
    assert!(v.len() <= field.len(), "field too long in test");
    field[..v.len()].copy_from_slice(v);
}

fn octal(field: &mut [u8], v: u64) {
    let s = format!("{:0width$o}\0", v, width = field.len() - 1);
    assert_eq!(s.len(), field.len(), "value too large for octal field");
    field.copy_from_slice(s.as_bytes());
}

/// A base-256 numeric field.
pub fn base256(v: u64) -> [u8; 12] {
    let mut f = [0u8; 12];
    f[0] = 0x80;
    f[4..].copy_from_slice(&v.to_be_bytes());
    f
}

/// A PAX record with its length prefix.
pub fn pax_record(key: &str, value: &[u8]) -> Vec<u8> {
    let body = key.len() + value.len() + 3; // space, '=', '\n'
    let mut len = body + 1;
    while len != body + len.to_string().len() {
        len = body + len.to_string().len();
    }
    let mut r = format!("{len} {key}=").into_bytes();
    r.extend_from_slice(value);
    r.push(b'\n');
    assert_eq!(r.len(), len);
    r
}

/// An archive under construction.
#[derive(Default, Clone)]
pub struct Ar(pub Vec<u8>);

impl Ar {
    pub fn new() -> Ar {
        Ar(Vec::new())
    }
    pub fn header(mut self, h: &H) -> Ar {
        self.0.extend_from_slice(&h.block());
        self
    }
    /// Data padded to a whole block.
    pub fn data(mut self, d: &[u8]) -> Ar {
        self.0.extend_from_slice(d);
        let pad = (512 - d.len() % 512) % 512;
        self.0.extend(std::iter::repeat_n(0u8, pad));
        self
    }
    pub fn file(self, name: &str, content: &[u8]) -> Ar {
        self.header(&H::new(name, b'0', content.len() as u64))
            .data(content)
    }
    /// A PAX header (`x` or `g`) with the given records.
    pub fn pax(self, typeflag: u8, records: &[(&str, &[u8])]) -> Ar {
        let body: Vec<u8> = records.iter().flat_map(|(k, v)| pax_record(k, v)).collect();
        self.pax_raw(typeflag, &body)
    }
    pub fn pax_raw(self, typeflag: u8, body: &[u8]) -> Ar {
        self.header(&H::new("PaxHeaders/x", typeflag, body.len() as u64))
            .data(body)
    }
    /// A GNU long name (`L`) or long link (`K`) header.
    pub fn gnu_long(self, typeflag: u8, name: &str) -> Ar {
        let mut body = name.as_bytes().to_vec();
        body.push(0);
        self.header(&H::new("././@LongLink", typeflag, body.len() as u64).magic(Magic::Gnu))
            .data(&body)
    }
    pub fn zero_blocks(mut self, n: usize) -> Ar {
        self.0.extend(std::iter::repeat_n(0u8, 512 * n));
        self
    }
    pub fn end(self) -> Ar {
        self.zero_blocks(2)
    }
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// One entry as every reader is asked to list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    pub kind: String,
    pub size: u64,
    pub link: String,
    pub uid: i64,
    pub sha256: String,
}

/// A reader's listing: entries until the end, and an error if reading stopped on one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub rows: Vec<Row>,
    pub error: Option<String>,
}

fn kind_name(k: EntryKind) -> String {
    match k {
        EntryKind::Regular => "file".into(),
        EntryKind::HardLink => "hardlink".into(),
        EntryKind::Symlink => "symlink".into(),
        EntryKind::CharDevice => "char".into(),
        EntryKind::BlockDevice => "block".into(),
        EntryKind::Directory => "dir".into(),
        EntryKind::Fifo => "fifo".into(),
        EntryKind::Other(t) => format!("other:{}", t as char),
    }
}

fn strip_dir_slash(name: String, kind: &str) -> String {
    if kind == "dir" {
        name.trim_end_matches('/').to_string()
    } else {
        name
    }
}

fn sha_hex(d: &[u8]) -> String {
    hex::encode(Sha256::digest(d))
}

fn list_with<R: Read>(mut reader: Reader<R>) -> Listing {
    let mut rows = Vec::new();
    loop {
        match reader.next_entry() {
            Ok(None) => return Listing { rows, error: None },
            Ok(Some(mut e)) => {
                let h = e.header().clone();
                let kind = kind_name(h.kind());
                let sha = if h.kind() == EntryKind::Regular {
                    let mut buf = Vec::new();
                    if let Err(err) = e.read_to_end(&mut buf) {
                        return Listing {
                            rows,
                            error: Some(err.to_string()),
                        };
                    }
                    sha_hex(&buf)
                } else {
                    "-".into()
                };
                rows.push(Row {
                    name: strip_dir_slash(h.path_lossy().into_owned(), &kind),
                    kind,
                    size: h.size(),
                    link: h.link_lossy().into_owned(),
                    uid: h.uid(),
                    sha256: sha,
                });
            }
            Err(err) => {
                return Listing {
                    rows,
                    error: Some(err.to_string()),
                }
            }
        }
    }
}

/// Our listing, read as a stream and over `Read + Seek`; both must agree. With the default
/// options (Go's global header handling, default limits), Go's `archive/tar` must list the same rows and fail where we
/// fail (when a Go toolchain is installed).
pub fn ours_with(bytes: &[u8], options: Options) -> Listing {
    let streamed = ours_only(bytes, options);
    if options == Options::default() {
        if let Some(go) = go(bytes) {
            assert_eq!(streamed.rows, go.rows, "ours vs Go archive/tar");
            assert_eq!(
                streamed.error.is_some(),
                go.error.is_some(),
                "error: ours {:?}, Go {:?}",
                streamed.error,
                go.error
            );
        }
    }
    streamed
}

/// Our listing, read as a stream and over `Read + Seek`, which must agree.
pub fn ours_only(bytes: &[u8], options: Options) -> Listing {
    let streamed = list_with(Reader::with_options(bytes, options));
    let seeked = list_with(Reader::seekable_with_options(
        Cursor::new(bytes.to_vec()),
        options,
    ));
    assert_eq!(streamed, seeked, "streaming and seeking readers disagree");
    streamed
}

/// Our listing with default options (Go semantics).
pub fn ours(bytes: &[u8]) -> Listing {
    ours_with(bytes, Options::default())
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh temporary directory for one test, under cargo's per-target temporary directory.
/// Remove it with [`remove`] when done.
pub fn temp_dir(tag: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sekisho-tar-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Removes a temporary directory made by [`temp_dir`].
pub fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs `f` on the bytes written to a temporary file, then removes the file.
fn with_temp<T>(bytes: &[u8], f: impl FnOnce(&Path) -> T) -> T {
    let path = write_temp(bytes);
    let out = f(&path);
    remove(path.parent().unwrap());
    out
}

fn write_temp(bytes: &[u8]) -> PathBuf {
    let dir = temp_dir("ar");
    let p = dir.join("a.tar");
    std::fs::write(&p, bytes).unwrap();
    p
}

const PY_LIST: &str = r#"
import sys, tarfile, hashlib
def enc(s):
    return s.encode('utf-8', 'surrogateescape').hex()
try:
    with tarfile.open(sys.argv[1], 'r:') as tf:
        for m in tf:
            if m.isreg(): kind = 'file'
            elif m.isdir(): kind = 'dir'
            elif m.issym(): kind = 'symlink'
            elif m.islnk(): kind = 'hardlink'
            elif m.ischr(): kind = 'char'
            elif m.isblk(): kind = 'block'
            elif m.isfifo(): kind = 'fifo'
            else: kind = 'other:' + m.type.decode('latin1')
            sha = '-'
            if m.isreg():
                sha = hashlib.sha256(tf.extractfile(m).read()).hexdigest()
            print('\t'.join([enc(m.name), kind, str(m.size), enc(m.linkname), str(m.uid), sha]), flush=True)
except Exception as e:
    print('ERROR\t' + type(e).__name__ + ': ' + str(e), flush=True)
"#;

fn unhex(s: &str) -> String {
    String::from_utf8_lossy(&hex::decode(s).unwrap()).into_owned()
}

/// Python's `tarfile` listing of the archive file.
pub fn python_file(path: &Path) -> Listing {
    let out = Command::new("python3")
        .args(["-c", PY_LIST])
        .arg(path)
        .output()
        .expect("python3 runs");
    parse_rows(&String::from_utf8(out.stdout).unwrap())
}

/// Parses the tab-separated rows the Python and Go listers print.
fn parse_rows(text: &str) -> Listing {
    let mut rows = Vec::new();
    let mut error = None;
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f[0] == "ERROR" {
            error = Some(f[1].to_string());
            continue;
        }
        let kind = f[1].to_string();
        rows.push(Row {
            name: strip_dir_slash(unhex(f[0]), &kind),
            kind,
            size: f[2].parse().unwrap(),
            link: unhex(f[3]),
            uid: f[4].parse().unwrap(),
            sha256: f[5].to_string(),
        });
    }
    Listing { rows, error }
}

/// Python's `tarfile` listing of the bytes.
pub fn python(bytes: &[u8]) -> Listing {
    with_temp(bytes, python_file)
}

/// GNU tar's listing (`tar -tv`, content digests through `--to-command`) of the archive file.
/// Sizes are compared for regular files only (GNU shows device numbers for devices).
pub fn gnu_file(path: &Path) -> Listing {
    let list = Command::new("tar")
        .args(["--numeric-owner", "-tvf"])
        .arg(path)
        .output()
        .expect("tar runs");
    let work = temp_dir("gnu");
    let digests = Command::new("tar")
        .current_dir(&work)
        .args([
            "--to-command",
            "sh -c 'printf \"%s\\t\" \"$TAR_FILENAME\"; sha256sum | cut -c1-64'",
            "-xf",
        ])
        .arg(path)
        .output()
        .expect("tar runs");
    remove(&work);
    let digests = String::from_utf8(digests.stdout).unwrap();
    let mut digests = digests
        .lines()
        .map(|l| l.split('\t').nth(1).unwrap_or("").to_string());
    let text = String::from_utf8_lossy(&list.stdout).into_owned();
    let mut rows = Vec::new();
    for line in text.lines() {
        // perms owner/group size date time name...
        let mut rest = line;
        let mut fields = Vec::new();
        for _ in 0..5 {
            rest = rest.trim_start();
            let end = rest.find(' ').unwrap_or(rest.len());
            fields.push(&rest[..end]);
            rest = &rest[end..];
        }
        let name_part = rest.strip_prefix(' ').unwrap_or(rest);
        let kind = match fields[0].as_bytes()[0] {
            b'-' | b'C' => "file",
            b'd' => "dir",
            b'l' => "symlink",
            b'h' => "hardlink",
            b'c' => "char",
            b'b' => "block",
            b'p' => "fifo",
            other => {
                rows.push(Row {
                    name: name_part.to_string(),
                    kind: format!("other:{}", other as char),
                    size: 0,
                    link: String::new(),
                    uid: 0,
                    sha256: "-".into(),
                });
                continue;
            }
        }
        .to_string();
        let (name, link) = match kind.as_str() {
            "symlink" => name_part.split_once(" -> ").unwrap(),
            "hardlink" => name_part.split_once(" link to ").unwrap(),
            _ => (name_part, ""),
        };
        let uid = fields[1].split('/').next().unwrap().parse().unwrap();
        let (size, sha) = if kind == "file" {
            (
                fields[2].parse().unwrap(),
                digests.next().unwrap_or_default(),
            )
        } else {
            (0, "-".to_string())
        };
        rows.push(Row {
            name: strip_dir_slash(name.to_string(), &kind),
            kind,
            size,
            link: link.to_string(),
            uid,
            sha256: sha,
        });
    }
    let error =
        (!list.status.success()).then(|| String::from_utf8_lossy(&list.stderr).trim().to_string());
    Listing { rows, error }
}

/// GNU tar's listing of the bytes.
pub fn gnu(bytes: &[u8]) -> Listing {
    with_temp(bytes, gnu_file)
}

/// Rows with sizes of non-regular entries zeroed, to compare with GNU tar.
pub fn gnu_view(l: &Listing) -> Vec<Row> {
    l.rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if r.kind != "file" {
                r.size = 0;
            }
            r
        })
        .collect()
}

pub fn sha(d: &[u8]) -> String {
    sha_hex(d)
}

/// Go's `archive/tar` as Docker and containerd use it: `Next` until `io.EOF`, data read with
/// `io.Copy`; global headers (returned by Go as entries of type `g`) are skipped, as both
/// runtimes skip them.
const GO_LIST: &str = r#"
package main

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil && h == nil {
			fmt.Printf("ERROR\t%v\n", err)
			return
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		kind := ""
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA, tar.TypeCont, tar.TypeGNUSparse:
			kind = "file"
		case tar.TypeLink:
			kind = "hardlink"
		case tar.TypeSymlink:
			kind = "symlink"
		case tar.TypeChar:
			kind = "char"
		case tar.TypeBlock:
			kind = "block"
		case tar.TypeDir:
			kind = "dir"
		case tar.TypeFifo:
			kind = "fifo"
		default:
			kind = fmt.Sprintf("other:%c", rune(h.Typeflag)) // Latin-1, as Rust's `u8 as char`
		}
		sum := "-"
		if kind == "file" {
			d := sha256.New()
			if _, err := io.Copy(d, tr); err != nil {
				fmt.Printf("ERROR\t%v\n", err)
				return
			}
			sum = hex.EncodeToString(d.Sum(nil))
		}
		name := h.Name
		if kind == "dir" {
			name = strings.TrimRight(name, "/")
		}
		fmt.Printf("%s\t%s\t%d\t%s\t%d\t%s\n", hex.EncodeToString([]byte(name)), kind, h.Size,
			hex.EncodeToString([]byte(h.Linkname)), h.Uid, sum)
	}
}
"#;

/// The Go lister, built once; `None` when no Go toolchain is installed (the Go comparison is
/// then skipped, with a note on stderr).
fn go_lister() -> Option<&'static PathBuf> {
    static LISTER: OnceLock<Option<PathBuf>> = OnceLock::new();
    LISTER
        .get_or_init(|| {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sekisho-tar-golist");
            std::fs::create_dir_all(&dir).unwrap();
            // One binary per test process; those of earlier processes are removed.
            for old in std::fs::read_dir(&dir).unwrap().flatten() {
                let _ = std::fs::remove_file(old.path());
            }
            let pid = std::process::id();
            let (src, bin) = (format!("main-{pid}.go"), format!("golist-{pid}"));
            std::fs::write(dir.join(&src), GO_LIST).unwrap();
            let built = Command::new("go")
                .current_dir(&dir)
                .env("GO111MODULE", "off")
                .args(["build", "-o", &bin, &src])
                .status();
            match built {
                Ok(s) if s.success() => Some(dir.join(bin)),
                Ok(s) => panic!("the Go lister does not build: {s}"),
                // `scripts/test.sh` installs Go and sets SEKISHO_REQUIRE_GO: there the oracle
                // must run. A bare `cargo test` without Go says what it skipped.
                Err(e) if std::env::var_os("SEKISHO_REQUIRE_GO").is_some() => {
                    panic!("no Go toolchain ({e}), and SEKISHO_REQUIRE_GO is set")
                }
                Err(_) => {
                    eprintln!(
                        "note: no Go toolchain; the comparison with Go archive/tar is skipped"
                    );
                    None
                }
            }
        })
        .as_ref()
}

/// Go's `archive/tar` listing of the bytes, or `None` without a Go toolchain.
pub fn go(bytes: &[u8]) -> Option<Listing> {
    let lister = go_lister()?;
    let out = with_temp(bytes, |path| {
        Command::new(lister).arg(path).output().unwrap()
    });
    assert!(out.status.success(), "the Go lister failed");
    Some(parse_rows(&String::from_utf8(out.stdout).unwrap()))
}
