//! Sparse files: archives written by GNU tar in every sparse format it has (old GNU `S` with
//! extension blocks, PAX 0.0, 0.1 and 1.0) from files with holes, read by us, Python's `tarfile`
//! and GNU tar; plus crafted maps that must be rejected.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use sekisho_tar::{Limits, Options, Reader, SparseFragment};

/// Writes a file of `size` bytes with data at each (offset, length), holes elsewhere.
fn holey_file(dir: &Path, name: &str, size: u64, data: &[(u64, u64)]) -> Vec<u8> {
    let mut logical = vec![0u8; size as usize];
    let script = format!(
        "import os\nf=open({:?},'wb')\nf.truncate({size})\n{}f.close()\n",
        dir.join(name).to_str().unwrap(),
        data.iter()
            .enumerate()
            .map(|(i, (o, l))| format!("f.seek({o}); f.write(bytes([{}])*{l})\n", 65 + (i % 26)))
            .collect::<String>()
    );
    for (i, &(o, l)) in data.iter().enumerate() {
        logical[o as usize..(o + l) as usize].fill(65 + (i % 26) as u8);
    }
    let ok = Command::new("python3")
        .args(["-c", &script])
        .status()
        .unwrap();
    assert!(ok.success());
    logical
}

fn gnu_tar(dir: &Path, args: &[&str], name: &str) -> PathBuf {
    let out = dir.join(format!("{}.tar", args.join("_").replace(['-', '='], "")));
    let st = Command::new("tar")
        .current_dir(dir)
        .args(args)
        .arg("-cf")
        .arg(&out)
        .arg(name)
        .status()
        .unwrap();
    assert!(st.success());
    out
}

const FORMATS: &[&[&str]] = &[
    &["--format=gnu", "--sparse"],
    &["--format=posix", "--sparse", "--sparse-version=0.0"],
    &["--format=posix", "--sparse", "--sparse-version=0.1"],
    &["--format=posix", "--sparse", "--sparse-version=1.0"],
];

fn check_sparse_file(size: u64, data: &[(u64, u64)]) {
    let dir = temp_dir("sparse");
    let logical = holey_file(&dir, "holes.bin", size, data);
    for args in FORMATS {
        let path = gnu_tar(&dir, args, "holes.bin");
        let bytes = std::fs::read(&path).unwrap();
        let o = ours(&bytes);
        assert_eq!(o.error, None, "{args:?}");
        assert_eq!(o.rows.len(), 1, "{args:?}");
        assert_eq!(o.rows[0].name, "holes.bin", "{args:?}");
        assert_eq!(o.rows[0].size, size, "{args:?}");
        assert_eq!(o.rows[0].sha256, sha(&logical), "{args:?}");
        assert_eq!(o, python_file(&path), "{args:?} vs Python");
        assert_eq!(gnu_view(&o), gnu_file(&path).rows, "{args:?} vs GNU tar");

        // The entry is sparse and its map covers the data written (GNU tar may merge or
        // block-align fragments, so check coverage rather than equality).
        let mut r = Reader::new(&bytes[..]);
        let mut e = r.next_entry().unwrap().unwrap();
        let map = e.header().sparse_map().expect("a sparse entry").to_vec();
        for &(off, len) in data {
            assert!(
                map.iter()
                    .any(|f| f.offset <= off && off + len <= f.offset + f.length),
                "{args:?}: {off}+{len} not in {map:?}"
            );
        }
        let stored: u64 = map.iter().map(|f| f.length).sum();
        assert_eq!(e.header().stored_size(), stored, "{args:?}");
        // Reading a bounded prefix touches only that much.
        let mut head = Vec::new();
        (&mut e).take(10).read_to_end(&mut head).unwrap();
        assert_eq!(head, logical[..10]);
    }
    remove(&dir);
}

#[test]
fn gnu_tar_sparse_formats() {
    check_sparse_file(
        5 << 20,
        &[(0, 4096), (1 << 20, 10_000), ((5 << 20) - 100, 100)],
    );
}

#[test]
fn gnu_tar_sparse_trailing_hole() {
    check_sparse_file(3 << 20, &[(8192, 100)]);
}

/// More than 4 fragments: the old GNU format needs extension blocks; 1.0 needs several
/// blocks of map text when there are many.
#[test]
fn gnu_tar_sparse_many_fragments() {
    let data: Vec<(u64, u64)> = (0..200).map(|i| (i * 65536, 4096)).collect();
    check_sparse_file(200 * 65536, &data);
}

fn old_gnu_sparse(map: &[(u64, u64)], real: u64, stored: &[u8]) -> Ar {
    let mut h = H::new("sp", b'S', stored.len() as u64).magic(Magic::Gnu);
    for (i, &(o, l)) in map.iter().take(4).enumerate() {
        let at = 386 + i * 24;
        h.patches.push((at, format!("{o:011o}\0").into_bytes()));
        h.patches
            .push((at + 12, format!("{l:011o}\0").into_bytes()));
    }
    h.patches.push((483, format!("{real:011o}\0").into_bytes()));
    Ar::new().header(&h).data(stored).file("next", b"n").end()
}

#[test]
fn crafted_old_gnu_sparse() {
    let ar = old_gnu_sparse(&[(2, 3), (10, 2)], 16, b"abcde");
    let o = ours(ar.bytes());
    assert_eq!(o.error, None);
    let mut logical = vec![0u8; 16];
    logical[2..5].copy_from_slice(b"abc");
    logical[10..12].copy_from_slice(b"de");
    assert_eq!(o.rows[0].sha256, sha(&logical));
    assert_eq!(o.rows[1].name, "next");
    assert_eq!(o, python(ar.bytes()));
    let mut r = Reader::new(ar.bytes());
    let e = r.next_entry().unwrap().unwrap();
    assert_eq!(
        e.header().sparse_map().unwrap(),
        [
            SparseFragment {
                offset: 2,
                length: 3
            },
            SparseFragment {
                offset: 10,
                length: 2
            }
        ]
    );
}

#[test]
fn crafted_bad_sparse_maps() {
    // A fragment beyond the size, overlapping fragments: Go rejects the header.
    for map in [&[(10, 10)][..], &[(0, 4), (2, 1)]] {
        let ar = old_gnu_sparse(map, 16, b"abcde");
        let err = ours(ar.bytes()).error.expect("rejected");
        assert!(err.contains("invalid sparse map"), "{err}");
    }
    // Stored data longer than the map references: an error when the data is read.
    let ar = old_gnu_sparse(&[(0, 2)], 16, b"abcde");
    let err = ours(ar.bytes()).error.expect("rejected");
    assert!(err.contains("unreferenced"), "{err}");
    // The map references more data than is stored.
    let ar = old_gnu_sparse(&[(0, 8)], 16, b"abcde");
    let err = ours(ar.bytes()).error.expect("rejected");
    assert!(err.contains("missing data"), "{err}");
}

#[test]
fn pax_sparse_limits() {
    // PAX 0.1 with more fragments than the limit.
    let map: Vec<String> = (0..10)
        .flat_map(|i| [format!("{}", i * 10), "1".into()])
        .collect();
    let ar = Ar::new()
        .pax(
            b'x',
            &[
                ("GNU.sparse.major", b"0"),
                ("GNU.sparse.minor", b"1"),
                ("GNU.sparse.numblocks", b"10"),
                ("GNU.sparse.map", map.join(",").as_bytes()),
                ("GNU.sparse.realsize", b"100"),
                ("GNU.sparse.name", b"real-name"),
            ],
        )
        .header(&H::new("GNUSparseFile.0/x", b'0', 10))
        .data(b"0123456789")
        .end();
    let l = ours(ar.bytes());
    assert_eq!(l.error, None);
    assert_eq!(
        (l.rows[0].name.as_str(), l.rows[0].size),
        ("real-name", 100)
    );
    assert_eq!(l, python(ar.bytes()));
    let small = Options {
        limits: Limits {
            max_sparse_fragments: 5,
            ..Limits::default()
        },
        ..Options::default()
    };
    let err = ours_with(ar.bytes(), small).error.unwrap();
    assert!(err.contains("more than 5 fragments"), "{err}");
    // 1.0 with a huge fragment count and no map text: bounded by the map size limit.
    let ar = Ar::new()
        .pax(
            b'x',
            &[
                ("GNU.sparse.major", b"1"),
                ("GNU.sparse.minor", b"0"),
                ("GNU.sparse.realsize", b"100"),
            ],
        )
        .header(&H::new("x", b'0', 512))
        .data(&[b'9'; 512])
        .end();
    let err = ours(ar.bytes()).error.unwrap();
    assert!(
        err.contains("map runs past") || err.contains("too large"),
        "{err}"
    );
}
