//! The visitor's interest: `Head(n)` shows the first bytes before the whole file is read;
//! a later copy of a path in the same layer replaces an earlier one's output.

use std::sync::Mutex;

use sekisho_image::{scan_layer, Entry, Interest, LayerVisitor, Limits};

/// A tar with `files` in order (names may repeat).
fn layer(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// Reads ELF files only: peeks at four bytes, keeps whole ELF files.
#[derive(Default)]
struct ElfOnly {
    peeked: Mutex<Vec<(String, Vec<u8>)>>,
}

impl LayerVisitor for ElfOnly {
    type Output = usize;
    fn interest(&self, entry: &Entry) -> Interest {
        if entry.path.starts_with("bin/") {
            Interest::Head(4)
        } else {
            Interest::Skip
        }
    }
    fn peek(&self, entry: &Entry, head: &[u8]) -> bool {
        self.peeked
            .lock()
            .unwrap()
            .push((entry.path.clone(), head.to_vec()));
        head.starts_with(b"\x7fELF")
    }
    fn visit(&self, _: &Entry, content: &[u8]) -> Option<usize> {
        Some(content.len())
    }
}

#[test]
fn head_interest_peeks_before_reading() {
    let elf = [b"\x7fELF".as_slice(), &[0u8; 1000]].concat();
    let tar = layer(&[
        ("bin/app", &elf),
        ("bin/script", b"#!/bin/sh\necho hi\n"),
        ("bin/ab", b"ab"),
        ("etc/hosts", b"127.0.0.1 localhost\n"),
    ]);
    let v = ElfOnly::default();
    let scan = scan_layer(tar.as_slice(), Limits::default(), true, &v).unwrap();
    let peeked = v.peeked.into_inner().unwrap();
    assert_eq!(
        peeked,
        vec![
            ("bin/app".to_string(), b"\x7fELF".to_vec()),
            ("bin/script".to_string(), b"#!/b".to_vec()),
            ("bin/ab".to_string(), b"ab".to_vec()),
        ]
    );
    assert_eq!(scan.outputs.len(), 1);
    assert_eq!(scan.outputs["bin/app"], elf.len());
    // Files looked at but not read are still hashed whole.
    let script = scan
        .entries
        .iter()
        .find(|e| e.path == "bin/script")
        .unwrap();
    let expected: [u8; 32] = {
        use sha2::Digest;
        sha2::Sha256::digest(b"#!/bin/sh\necho hi\n").into()
    };
    assert_eq!(script.sha256.as_deref(), Some(&expected));
}

/// Keeps every file whole.
struct All;

impl LayerVisitor for All {
    type Output = Vec<u8>;
    fn interest(&self, _: &Entry) -> Interest {
        Interest::Whole
    }
    fn visit(&self, _: &Entry, content: &[u8]) -> Option<Vec<u8>> {
        (!content.is_empty()).then(|| content.to_vec())
    }
}

#[test]
fn the_last_copy_of_a_path_wins() {
    let tar = layer(&[
        ("etc/os-release", b"ID=decoy\n"),
        ("etc/os-release", b"ID=debian\n"),
        ("etc/motd", b"first\n"),
        ("etc/motd", b""),
    ]);
    let scan = scan_layer(tar.as_slice(), Limits::default(), false, &All).unwrap();
    assert_eq!(scan.outputs["etc/os-release"], b"ID=debian\n");
    // A later empty copy leaves no output behind.
    assert!(!scan.outputs.contains_key("etc/motd"));
}
