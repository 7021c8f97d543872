//! Reading the OSV comparison vectors from the shared tarball.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

/// The tarball of vectors, beside the repository (`../shared/data/versions/`).
pub fn fixtures_path() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut dir = manifest.as_path();
    loop {
        let cand = dir.join("shared/data/versions/osv-semantic-fixtures.tar.gz");
        if cand.exists() {
            return cand;
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => panic!(
                "osv-semantic-fixtures.tar.gz not found above {}",
                manifest.display()
            ),
        }
    }
}

/// Every `*.txt` file of the tarball, by file name.
pub fn fixture_files() -> BTreeMap<String, String> {
    let f = std::fs::File::open(fixtures_path()).expect("open fixtures");
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    let mut out = BTreeMap::new();
    for e in ar.entries().expect("entries") {
        let mut e = e.expect("entry");
        let name = e
            .path()
            .expect("path")
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        if !name.ends_with(".txt") {
            continue;
        }
        let mut s = String::new();
        e.read_to_string(&mut s).expect("utf-8 fixture");
        out.insert(name, s);
    }
    out
}

/// One comparison line.
#[derive(Debug, Clone)]
pub struct Line {
    pub line_no: usize,
    pub a: String,
    pub op: std::cmp::Ordering,
    pub b: String,
}

/// The `A <op> B` lines of a fixture (comments and blanks skipped).
pub fn parse_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        let parts: Vec<&str> = t.split(' ').collect();
        assert_eq!(parts.len(), 3, "line {}: {t:?}", i + 1);
        let op = match parts[1] {
            "<" => std::cmp::Ordering::Less,
            "=" => std::cmp::Ordering::Equal,
            ">" => std::cmp::Ordering::Greater,
            o => panic!("line {}: bad op {o}", i + 1),
        };
        out.push(Line {
            line_no: i + 1,
            a: parts[0].to_string(),
            op,
            b: parts[2].to_string(),
        });
    }
    out
}

/// A deterministic pseudo-random generator (xorshift) for shuffling.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
