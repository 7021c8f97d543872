//! Differential tests: the same crafted bytes read by this crate, by Python's `tarfile` and by
//! GNU tar. Where they disagree on purpose, the test says why (Go's `archive/tar`, which Docker
//! and containerd use, is the reference).

mod common;

use common::*;
use sekisho_tar::{GlobalHeaders, Options};

/// Ours, Python's and GNU tar's listings all agree (rows, and whether reading failed).
fn assert_all_agree(bytes: &[u8]) -> Listing {
    let o = ours(bytes);
    let p = python(bytes);
    assert_eq!(o.rows, p.rows, "ours vs Python tarfile");
    assert_eq!(
        o.error.is_some(),
        p.error.is_some(),
        "error: ours {:?}, Python {:?}",
        o.error,
        p.error
    );
    let g = gnu(bytes);
    assert_eq!(gnu_view(&o), g.rows, "ours vs GNU tar");
    assert_eq!(
        o.error.is_some(),
        g.error.is_some(),
        "error: ours {:?}, GNU {:?}",
        o.error,
        g.error
    );
    o
}

fn row(name: &str, kind: &str, size: u64, link: &str, content: Option<&[u8]>) -> Row {
    Row {
        name: name.into(),
        kind: kind.into(),
        size,
        link: link.into(),
        uid: 0,
        sha256: content.map_or("-".into(), sha),
    }
}

#[test]
fn plain_ustar_kinds() {
    let ar = Ar::new()
        .header(&H::new("dir/", b'5', 0))
        .file("dir/a.txt", b"hello\n")
        .header(&H::new("dir/link", b'2', 0).link("a.txt"))
        .header(&H::new("dir/hard", b'1', 0).link("dir/a.txt"))
        .header(&H::new("fifo", b'6', 0))
        .header(&H::new("chr", b'3', 0))
        .header(&H::new("blk", b'4', 0))
        .header(&H::new("cont", b'7', 3))
        .data(b"abc")
        .end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(
        l.rows,
        vec![
            row("dir", "dir", 0, "", None),
            row("dir/a.txt", "file", 6, "", Some(b"hello\n")),
            row("dir/link", "symlink", 0, "a.txt", None),
            row("dir/hard", "hardlink", 0, "dir/a.txt", None),
            row("fifo", "fifo", 0, "", None),
            row("chr", "char", 0, "", None),
            row("blk", "block", 0, "", None),
            row("cont", "file", 3, "", Some(b"abc")),
        ]
    );
}

/// The case that rules out the `tar` crate: a POSIX-valid `comment` record whose value holds a
/// newline, followed by `path` and `size`.
#[test]
fn pax_value_with_newline() {
    let secret = b"AKIAIOSFODNN7EXAMPLE secret key material\n".repeat(20);
    let ar = Ar::new()
        .pax(
            b'x',
            &[
                ("comment", b"first line\nsecond line with = sign\n"),
                ("path", b"etc/hidden-secret.txt"),
                ("size", secret.len().to_string().as_bytes()),
            ],
        )
        // The header itself says a different name and size 0.
        .header(&H::new("decoy", b'0', 0))
        .data(&secret)
        .file("after", b"x")
        .end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(
        l.rows,
        vec![
            row(
                "etc/hidden-secret.txt",
                "file",
                secret.len() as u64,
                "",
                Some(&secret)
            ),
            row("after", "file", 1, "", Some(b"x")),
        ]
    );
}

#[test]
fn pax_size_overrides_header_size() {
    let data = vec![b'z'; 700];
    let ar = Ar::new()
        .pax(b'x', &[("size", b"700")])
        .header(&H::new("big", b'0', 3))
        .data(&data)
        .file("next", b"n")
        .end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(l.rows[0], row("big", "file", 700, "", Some(&data)));
    assert_eq!(l.rows[1].name, "next");
}

#[test]
fn pax_long_path_and_link() {
    let long = format!("{}/file.txt", "d".repeat(150));
    let target = format!("/{}/target", "t".repeat(200));
    let ar = Ar::new()
        .pax(b'x', &[("path", long.as_bytes())])
        .file("short", b"content")
        .pax(b'x', &[("path", b"sym"), ("linkpath", target.as_bytes())])
        .header(&H::new("s", b'2', 0))
        .pax(b'x', &[("linkpath", long.as_bytes())])
        .header(&H::new("hl", b'1', 0))
        .end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(l.rows[0].name, long);
    assert_eq!(l.rows[1], row("sym", "symlink", 0, &target, None));
    assert_eq!(l.rows[2], row("hl", "hardlink", 0, &long, None));
}

#[test]
fn pax_uid_and_xattrs() {
    let ar = Ar::new()
        .pax(
            b'x',
            &[
                ("uid", b"123456789"),
                ("mtime", b"1700000000.123456789123"),
                ("SCHILY.xattr.security.capability", b"\x01\x00\x00\x02\x00"),
            ],
        )
        .file("cap", b"bin")
        .end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(l.rows[0].uid, 123456789);
    let mut r = sekisho_tar::Reader::new(ar.bytes());
    let e = r.next_entry().unwrap().unwrap();
    assert_eq!(e.header().mtime(), (1700000000, 123456789));
    assert_eq!(
        e.header()
            .xattrs()
            .get(&b"security.capability"[..])
            .map(Vec::as_slice),
        Some(&b"\x01\x00\x00\x02\x00"[..])
    );
}

/// Global headers: GNU tar and Python apply them to later entries; Go (and so Docker and
/// containerd) does not. Default is Go's; `GlobalHeaders::Apply` gives GNU's reading.
#[test]
fn pax_global_headers() {
    let ar = Ar::new()
        .pax(b'g', &[("uid", b"4242")])
        .file("a", b"1")
        .pax(b'x', &[("comment", b"c")])
        .file("b", b"2")
        .pax(b'x', &[("uid", b"7")])
        .file("c", b"3")
        .end();
    let p = python(ar.bytes());
    let g = gnu(ar.bytes());
    let uids = |l: &Listing| l.rows.iter().map(|r| r.uid).collect::<Vec<_>>();
    assert_eq!(uids(&p), [4242, 4242, 7]);
    assert_eq!(uids(&g), [4242, 4242, 7]);
    let go_like = ours(ar.bytes());
    assert_eq!(uids(&go_like), [0, 0, 7], "Go ignores global headers");
    let applied = ours_with(
        ar.bytes(),
        Options {
            global_headers: GlobalHeaders::Apply,
            ..Options::default()
        },
    );
    assert_eq!(applied.rows, p.rows);
    assert_eq!(gnu_view(&applied), g.rows);
}

#[test]
fn gnu_long_name_and_link() {
    let long = format!("{}/name", "n".repeat(300));
    let target = format!("{}/target", "k".repeat(300));
    let ar = Ar::new()
        .gnu_long(b'L', &long)
        .header(&H::new("trunc", b'0', 4).magic(Magic::Gnu))
        .data(b"data")
        .gnu_long(b'L', "sym-long")
        .gnu_long(b'K', &target)
        .header(&H::new("s", b'2', 0).magic(Magic::Gnu).link("short"))
        .gnu_long(b'K', &long)
        .header(&H::new("h", b'1', 0).magic(Magic::Gnu))
        .end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(l.rows[0], row(&long, "file", 4, "", Some(b"data")));
    assert_eq!(l.rows[1], row("sym-long", "symlink", 0, &target, None));
    assert_eq!(l.rows[2], row("h", "hardlink", 0, &long, None));
}

#[test]
fn ustar_prefix() {
    let mut h = H::new("file.txt", b'0', 2);
    h.prefix = "p".repeat(120).into_bytes();
    let ar = Ar::new().header(&h).data(b"ok").end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(l.rows[0].name, format!("{}/file.txt", "p".repeat(120)));
}

#[test]
fn v7_header_without_magic() {
    let ar = Ar::new()
        .header(&H::new("old", b'0', 3).magic(Magic::V7))
        .data(b"v7!")
        .header(&H::new("olddir/", 0, 0).magic(Magic::V7))
        .end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(l.rows[0], row("old", "file", 3, "", Some(b"v7!")));
    // NUL type flag with a trailing slash: a directory (legacy convention, Go and Python agree).
    assert_eq!(l.rows[1].kind, "dir");
}

#[test]
fn base256_numbers() {
    let mut h = H::new("b256", b'0', 0).magic(Magic::Gnu);
    h.size_field = Some(base256(5));
    let mut uid = [0u8; 8];
    uid[0] = 0x80;
    uid[4..].copy_from_slice(&3_000_000u32.to_be_bytes());
    h.patches.push((108, uid.to_vec()));
    let ar = Ar::new().header(&h).data(b"12345").end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(l.rows[0].size, 5);
    assert_eq!(l.rows[0].uid, 3_000_000);
}

/// A base-256 size larger than the archive: every reader fails (truncated).
#[test]
fn base256_huge_size_is_truncation() {
    let mut h = H::new("huge", b'0', 0).magic(Magic::Gnu);
    h.size_field = Some(base256(1 << 40));
    let ar = Ar::new().header(&h).data(b"abc").end();
    let o = ours(ar.bytes());
    assert!(o.error.unwrap().contains("truncated"));
    assert!(python(ar.bytes()).error.is_some());
    assert!(gnu(ar.bytes()).error.is_some());
}

#[test]
fn invalid_octal_is_an_error() {
    let mut h = H::new("bad", b'0', 0);
    h.patches.push((124, b"00000000009\0".to_vec()));
    let ar = Ar::new().header(&h).end();
    let o = ours(ar.bytes());
    assert!(o.error.unwrap().contains("`size`"));
    assert!(python(ar.bytes()).error.is_some());
    assert!(gnu(ar.bytes()).error.is_some());
}

#[test]
fn header_only_types_have_no_data() {
    // A directory and a symlink whose size fields are non-zero: no data follows them in Go and
    // Python; the size field is still reported as written. GNU tar skips `size` bytes after a
    // symlink, so it reads the file's header as data and silently lists nothing after it.
    let ar = Ar::new()
        .header(&H::new("d/", b'5', 1000))
        .header(&H::new("l", b'2', 600).link("t"))
        .file("f", b"after")
        .end();
    let o = ours(ar.bytes());
    let p = python(ar.bytes());
    assert_eq!(o, p);
    assert_eq!(o.rows[2], row("f", "file", 5, "", Some(b"after")));
    let g = gnu(ar.bytes());
    assert_eq!(gnu_view(&o)[..2], g.rows[..]);
    assert_eq!(g.error, None);
}

#[test]
fn truncated_archives() {
    let full = Ar::new()
        .file("first", &[b'1'; 600])
        .file("second", b"22")
        .end();
    let b = full.bytes();
    // Inside the first data and inside the second data: every reader fails.
    for cut in [700, 2049] {
        let o = ours(&b[..cut]);
        let err = o.error.clone().expect("truncation is an error");
        assert!(err.contains("truncated"), "{err}");
        assert!(python(&b[..cut]).error.is_some());
        assert!(gnu(&b[..cut]).error.is_some());
    }
    // Inside the second header block: Go fails (io.ErrUnexpectedEOF), so do we; Python and GNU
    // tar stop silently after the first entry.
    let cut = 1636;
    let o = ours(&b[..cut]);
    assert_eq!(o.rows.len(), 1);
    assert!(o.error.unwrap().contains("truncated inside a header block"));
    let p = python(&b[..cut]);
    assert_eq!((p.rows.len(), p.error.is_some()), (1, false));
    let g = gnu(&b[..cut]);
    assert_eq!((g.rows.len(), g.error.is_some()), (1, false));
    // Inside the padding after the last data: Go takes it as the end of the archive.
    assert_eq!(ours(&b[..1200]).rows.len(), 1);
    assert_eq!(ours(&b[..1200]).error, None);
    // The error names the entry.
    let o = ours(&b[..700]);
    assert!(o.error.unwrap().contains("`first`"));
    // End of stream right after a complete entry (no end-of-archive blocks): Go accepts it, so
    // do we; GNU tar and Python too.
    let no_end = Ar::new().file("only", b"x");
    let l = assert_all_agree(no_end.bytes());
    assert_eq!(l.rows.len(), 1);
}

#[test]
fn bad_checksums() {
    let mut bad = H::new("bad", b'0', 1);
    bad.checksum_delta = 1;
    // First header bad: every reader fails.
    let ar = Ar::new().header(&bad).data(b"b").end();
    assert!(ours(ar.bytes()).error.unwrap().contains("checksum"));
    assert!(python(ar.bytes()).error.is_some());
    assert!(gnu(ar.bytes()).error.is_some());
    // A bad header after a good one: Go fails; Python silently stops (the file vanishes from a
    // Python listing without an error); GNU tar reports an error.
    let ar = Ar::new().file("good", b"g").header(&bad).data(b"b").end();
    let o = ours(ar.bytes());
    assert_eq!(o.rows.len(), 1);
    assert!(o.error.unwrap().contains("checksum"));
    let p = python(ar.bytes());
    assert_eq!((p.rows.len(), p.error.is_some()), (1, false));
    assert!(gnu(ar.bytes()).error.is_some());
    // A signed checksum (historic Sun tar) is accepted, as Go does.
    let mut h = H::new("signed", b'0', 1);
    h.patches.push((265, vec![0xe9; 4])); // high bytes in uname
    let mut blk = h.block();
    let signed: i64 = blk
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if (148..156).contains(&i) {
                32
            } else {
                i64::from(c as i8)
            }
        })
        .sum();
    blk[148..156].copy_from_slice(format!("{:06o}\0 ", signed).as_bytes());
    let mut bytes = blk.to_vec();
    bytes.extend_from_slice(&Ar::new().data(b"s").end().0);
    let o = ours(&bytes);
    assert_eq!(o.rows.len(), 1, "{:?}", o.error);
    assert_eq!(o, python(&bytes));
}

#[test]
fn zero_blocks() {
    // One zero block then a header: Go fails (ErrHeader), Python stops silently, GNU tar warns
    // about a lone zero block and stops. We follow Go: an error rather than a hidden file.
    let ar = Ar::new()
        .file("a", b"1")
        .zero_blocks(1)
        .file("hidden", b"2")
        .end();
    let o = ours(ar.bytes());
    assert_eq!(o.rows.len(), 1);
    assert!(o.error.unwrap().contains("zero block"));
    let p = python(ar.bytes());
    assert_eq!((p.rows.len(), p.error.is_some()), (1, false));
    assert_eq!(gnu(ar.bytes()).rows.len(), 1);
    // Two zero blocks end the archive; anything after them is ignored by everyone.
    let ar = Ar::new()
        .file("a", b"1")
        .zero_blocks(2)
        .file("after-end", b"2")
        .end();
    let l = assert_all_agree(ar.bytes());
    assert_eq!(l.rows.len(), 1);
    // Many zero blocks and trailing garbage.
    let mut ar = Ar::new().file("a", b"1").zero_blocks(10);
    ar.0.extend_from_slice(b"garbage that is not a header");
    let l = assert_all_agree(ar.bytes());
    assert_eq!(l.rows.len(), 1);
    // One zero block then the end of the stream: a normal end.
    let ar = Ar::new().file("a", b"1").zero_blocks(1);
    assert_eq!(ours(ar.bytes()).error, None);
}

#[test]
fn malformed_pax_record() {
    // The length says 30 but the record is shorter: Go fails (ErrHeader). Python's regex parser
    // skips what it cannot parse and applies nothing.
    let ar = Ar::new()
        .pax_raw(b'x', b"30 path=evil\n")
        .file("plain", b"p")
        .end();
    let o = ours(ar.bytes());
    assert!(o.error.unwrap().contains("PAX"));
    assert_eq!(o.rows.len(), 0);
    // A record without a trailing newline where the length says it is.
    let ar = Ar::new()
        .pax_raw(b'x', b"13 path=evilX")
        .file("plain", b"p")
        .end();
    assert!(ours(ar.bytes()).error.unwrap().contains("newline"));
    // A non-decimal size value.
    let ar = Ar::new()
        .pax(b'x', &[("size", b"12abc")])
        .file("f", b"p")
        .end();
    assert!(ours(ar.bytes()).error.unwrap().contains("`size`"));
}

#[test]
fn empty_pax_value_keeps_header_value() {
    let ar = Ar::new()
        .pax(b'x', &[("path", b"")])
        .file("kept", b"k")
        .end();
    // Go's mergePAX skips empty values; Python sets the name to "".
    let o = ours(ar.bytes());
    assert_eq!(o.rows[0].name, "kept");
    assert_eq!(python(ar.bytes()).rows[0].name, "");
}

#[test]
fn other_gnu_types_are_entries_with_data() {
    // 'V' volume label and an unknown 'Z': Go returns them with their data readable; Python
    // lists them and skips their data the same way.
    let ar = Ar::new()
        .header(&H::new("vol", b'Z', 3))
        .data(b"zzz")
        .file("f", b"x")
        .end();
    let o = ours(ar.bytes());
    assert_eq!(o.rows[0].kind, "other:Z");
    assert_eq!(o.rows[1], row("f", "file", 1, "", Some(b"x")));
    assert_eq!(o, python(ar.bytes()));
}

#[test]
fn special_header_limit() {
    let big = vec![b'a'; (1 << 20) + 10];
    let ar = Ar::new()
        .pax(b'x', &[("comment", &big)])
        .file("f", b"x")
        .end();
    let o = ours(ar.bytes());
    assert!(o.error.unwrap().contains("too large"));
    let ar = Ar::new()
        .gnu_long(b'L', &"n".repeat((1 << 20) + 1))
        .file("f", b"x")
        .end();
    assert!(ours(ar.bytes()).error.unwrap().contains("too large"));
}

#[test]
fn data_offset_reopens_member() {
    use std::io::{Read, Seek, SeekFrom};
    let ar = Ar::new()
        .file("a", &[1; 1000])
        .pax(b'x', &[("path", b"long/name")])
        .file("b", b"member b")
        .end();
    let mut cursor = std::io::Cursor::new(ar.0.clone());
    let mut found = Vec::new();
    {
        let mut r = sekisho_tar::Reader::new_seekable(&mut cursor);
        while let Some(e) = r.next_entry().unwrap() {
            found.push((
                e.header().path_lossy().into_owned(),
                e.data_offset(),
                e.header().stored_size(),
            ));
        }
    }
    assert_eq!(found[1].0, "long/name");
    let (_, off, len) = found[1];
    cursor.seek(SeekFrom::Start(off)).unwrap();
    let mut buf = vec![0; len as usize];
    cursor.read_exact(&mut buf).unwrap();
    assert_eq!(buf, b"member b");
}

/// The measured need for this crate: the `tar` crate splits PAX headers on newlines, so a
/// valid PAX header whose `comment` holds a newline loses the `size` record after it. The file's
/// content is then read as headers: here the secret's bytes vanish and a decoy entry hidden in
/// the content appears instead, without any error.
#[test]
fn tar_crate_misreads_pax_value_with_newline() {
    use std::io::Read;
    // The file's content is itself a small tar entry: what the `tar` crate will list.
    let content = Ar::new().file("innocent.txt", b"nothing to see").0;
    let ar = Ar::new()
        .pax(
            b'x',
            &[
                ("comment", b"line one\nline two"),
                ("path", b"etc/secret.pem"),
                ("size", content.len().to_string().as_bytes()),
            ],
        )
        .header(&H::new("decoy", b'0', 0))
        .data(&content)
        .file("after", b"x")
        .end();
    let ours = ours(ar.bytes());
    assert_eq!(ours, python(ar.bytes()));
    assert_eq!(gnu_view(&ours), gnu(ar.bytes()).rows);
    let ours_view: Vec<(String, u64)> =
        ours.rows.iter().map(|r| (r.name.clone(), r.size)).collect();
    assert_eq!(
        ours_view,
        [
            ("etc/secret.pem".to_string(), content.len() as u64),
            ("after".to_string(), 1)
        ]
    );

    let mut theirs = Vec::new();
    for e in tar::Archive::new(ar.bytes()).entries().unwrap() {
        let mut e = e.unwrap();
        let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        theirs.push((name, data.len() as u64));
    }
    assert_eq!(
        theirs,
        [
            ("etc/secret.pem".to_string(), 0),
            ("innocent.txt".to_string(), 14),
            ("after".to_string(), 1)
        ]
    );
}

/// Extension headers in a row: a second `x` replaces the first (Go); a GNU long name wins over
/// PAX `path` whatever their order (Go applies the long name last). Python applies the outer
/// `x` header last, so it differs on the first case.
#[test]
fn extension_header_precedence() {
    let ar = Ar::new()
        .pax(b'x', &[("path", b"from-first-x"), ("uid", b"1")])
        .pax(b'x', &[("uid", b"5")])
        .file("f", b"1")
        .gnu_long(b'L', "from-long-name")
        .pax(b'x', &[("path", b"from-pax")])
        .file("g", b"2")
        .pax(b'x', &[("path", b"from-pax-2")])
        .gnu_long(b'L', "from-long-name-2")
        .file("h", b"3")
        .end();
    let o = ours(ar.bytes());
    let names: Vec<_> = o.rows.iter().map(|r| (r.name.as_str(), r.uid)).collect();
    assert_eq!(
        names,
        [("f", 5), ("from-long-name", 0), ("from-long-name-2", 0)]
    );
    let p = python(ar.bytes());
    assert_eq!(
        (p.rows[0].name.as_str(), p.rows[0].uid),
        ("from-first-x", 1)
    );
}

#[test]
fn negative_sizes_are_errors() {
    let mut h = H::new("neg", b'0', 0).magic(Magic::Gnu);
    h.size_field = Some([0xff; 12]);
    let ar = Ar::new().header(&h).end();
    assert!(ours(ar.bytes()).error.unwrap().contains("negative size"));
    let ar = Ar::new().pax(b'x', &[("size", b"-1")]).file("f", b"").end();
    assert!(ours(ar.bytes()).error.unwrap().contains("negative size"));
}
