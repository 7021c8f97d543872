//! PAX handling: the input gives PAX records (keys and values with arbitrary bytes, newlines
//! and `=` included), written with correct length prefixes into a PAX extended header, followed
//! by `path` and `size` records, a file whose ustar header says size 0, and a second file. The
//! reader must read as Go's archive/tar (length-prefixed records; the last record of a key wins):
//! the first entry has the PAX path and size, its content is exactly those bytes, and the next
//! entry is found where it is. Records parsed one by one give back the encoded key and value.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use sekisho_tar::{parse_pax_record, Reader};

/// Keys the reader interprets: the input's records use them under a prefix so that the
/// expectation stays simple (their own parsing is covered by `read_archive`).
const INTERPRETED: &[&str] = &[
    "path",
    "linkpath",
    "size",
    "uid",
    "gid",
    "uname",
    "gname",
    "mtime",
    "atime",
    "ctime",
    "GNU.sparse",
    "SCHILY",
    "hdrcharset",
];

fn record(key: &[u8], value: &[u8]) -> Vec<u8> {
    let body = key.len() + value.len() + 3; // ' ', '=', '\n'
    let mut n = body + 1;
    loop {
        let total = body + n.to_string().len();
        if total == n {
            break;
        }
        n = total;
    }
    let mut r = format!("{n} ").into_bytes();
    r.extend_from_slice(key);
    r.push(b'=');
    r.extend_from_slice(value);
    r.push(b'\n');
    r
}

fn header(name: &[u8], size: u64, typeflag: u8) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    h[100..107].copy_from_slice(b"0000644");
    h[108..115].copy_from_slice(b"0000000");
    h[116..123].copy_from_slice(b"0000000");
    h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
    h[136..147].copy_from_slice(b"00000000000");
    h[156] = typeflag;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    h
}

fn pad(out: &mut Vec<u8>) {
    let r = out.len() % 512;
    if r != 0 {
        out.resize(out.len() + 512 - r, 0);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut records = Vec::new();
    let mut rest = data;
    let mut pairs = Vec::new();
    while rest.len() >= 2 && pairs.len() < 64 {
        let kl = (rest[0] as usize % 24).min(rest.len() - 1);
        let vl = (rest[1] as usize).min(rest.len() - 2 - kl.min(rest.len() - 2));
        let key: Vec<u8> = rest[2..2 + kl.min(rest.len() - 2)]
            .iter()
            .map(|&b| if b == b'=' || b == 0 { b'k' } else { b })
            .collect();
        rest = &rest[2 + key.len()..];
        let vl = vl.min(rest.len());
        let value = rest[..vl].to_vec();
        rest = &rest[vl..];
        if key.is_empty() {
            continue;
        }
        let mut key = key;
        if INTERPRETED.iter().any(|k| key.starts_with(k.as_bytes())) {
            key.splice(0..0, b"x.".iter().copied());
        }
        let r = record(&key, &value);
        // Each record alone parses back to its key and value.
        let (k, v, tail) = parse_pax_record(&r).expect("a well-formed record");
        assert_eq!((k, v, tail), (&key[..], &value[..], &b""[..]));
        records.extend_from_slice(&r);
        pairs.push((key, value));
    }
    let content_len = data.len() % 1500;
    let path: Vec<u8> = b"dir/"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'p', 90 + data.len() % 200))
        .collect();
    records.extend_from_slice(&record(b"path", &path));
    records.extend_from_slice(&record(b"size", content_len.to_string().as_bytes()));

    let mut tar = Vec::new();
    tar.extend_from_slice(&header(b"PaxHeaders/x", records.len() as u64, b'x'));
    tar.extend_from_slice(&records);
    pad(&mut tar);
    tar.extend_from_slice(&header(b"short-name", 0, b'0'));
    let content: Vec<u8> = (0..content_len).map(|i| (i % 251) as u8).collect();
    tar.extend_from_slice(&content);
    pad(&mut tar);
    tar.extend_from_slice(&header(b"after", 1, b'0'));
    tar.push(b'!');
    pad(&mut tar);
    tar.extend_from_slice(&[0u8; 1024]);

    let mut reader = Reader::new(&tar[..]);
    {
        let mut e = reader.next_entry().expect("first entry").expect("an entry");
        assert_eq!(e.header().path_bytes(), &path[..]);
        assert_eq!(e.header().size(), content_len as u64);
        let mut got = Vec::new();
        e.read_to_end(&mut got).expect("content");
        assert_eq!(got, content);
    }
    {
        let mut e = reader
            .next_entry()
            .expect("second entry")
            .expect("an entry");
        assert_eq!(e.header().path_bytes(), b"after");
        let mut got = Vec::new();
        e.read_to_end(&mut got).expect("content");
        assert_eq!(got, b"!");
    }
    assert!(reader.next_entry().expect("end").is_none());
});
