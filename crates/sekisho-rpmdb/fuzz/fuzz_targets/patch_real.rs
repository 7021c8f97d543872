//! The real test databases with fuzzer-chosen byte patches, to reach deep
//! into page chains and header blobs that random bytes rarely get to.
//!
//! Input: byte 0 picks the database (even: Berkeley DB, odd: NDB); byte 1
//! picks a truncation (0 = none, else the file is cut at `len * b / 256`);
//! then 5-byte patches `(offset: u32 le, value: u8)`, offset taken modulo the
//! length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekisho_rpmdb::{read_packages_lenient, DbFormat};

static BDB: &[u8] = include_bytes!("../../../../../shared/data/images/rpmdb/libuuid-bdb/Packages");
static NDB: &[u8] =
    include_bytes!("../../../../../shared/data/images/rpmdb/sle15-bci-ndb/Packages.db");

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (format, base) = if data[0] & 1 == 0 {
        (DbFormat::BerkeleyDb, BDB)
    } else {
        (DbFormat::Ndb, NDB)
    };
    let mut bytes = base.to_vec();
    for p in data[2..].chunks_exact(5) {
        let off = u32::from_le_bytes([p[0], p[1], p[2], p[3]]) as usize % bytes.len();
        bytes[off] = p[4];
    }
    if data[1] != 0 {
        bytes.truncate(bytes.len() * data[1] as usize / 256);
    }
    let _ = read_packages_lenient(format, &bytes);
});
