//! Arbitrary bytes as a Berkeley DB `Packages` file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekisho_rpmdb::{read_packages_lenient, DbFormat};

fuzz_target!(|data: &[u8]| {
    let _ = read_packages_lenient(DbFormat::BerkeleyDb, data);
});
