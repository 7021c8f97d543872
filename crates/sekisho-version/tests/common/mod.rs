//! Reading the OSV comparison vectors from the shared tarball.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

/// `shared/<rel>` in the first folder above the crate that has it (`../shared/` beside the
/// repository).
pub fn shared_path(rel: &str) -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut dir = manifest.as_path();
    loop {
        let cand = dir.join("shared").join(rel);
        if cand.exists() {
            return cand;
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => panic!("shared/{rel} not found above {}", manifest.display()),
        }
    }
}

/// The tarball of vectors, beside the repository (`../shared/data/versions/`).
pub fn fixtures_path() -> PathBuf {
    shared_path("data/versions/osv-semantic-fixtures.tar.gz")
}

/// The files of a `.tar.gz` whose path ends with `suffix`, by path inside the archive.
pub fn archive_files(path: &std::path::Path, suffix: &str) -> BTreeMap<String, String> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    let mut out = BTreeMap::new();
    for e in ar.entries().expect("entries") {
        let mut e = e.expect("entry");
        let name = e.path().expect("path").to_string_lossy().to_string();
        if !name.ends_with(suffix) || !e.header().entry_type().is_file() {
            continue;
        }
        let mut s = String::new();
        e.read_to_string(&mut s).expect("utf-8 file");
        out.insert(name, s);
    }
    out
}

/// The files of an advisory feed archive (`../shared/data/advisories/<feed>.tar.gz`) whose
/// path ends with `suffix`, by path inside the archive.
pub fn feed_files(feed: &str, suffix: &str) -> BTreeMap<String, String> {
    archive_files(
        &shared_path(&format!("data/advisories/{feed}.tar.gz")),
        suffix,
    )
}

/// Every `*.txt` file of the tarball, by file name.
pub fn fixture_files() -> BTreeMap<String, String> {
    archive_files(&fixtures_path(), ".txt")
        .into_iter()
        .map(|(path, text)| {
            let name = path.rsplit('/').next().unwrap_or(&path).to_string();
            (name, text)
        })
        .collect()
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
