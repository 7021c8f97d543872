//! Arbitrary bytes as one rpm header blob.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sekisho_rpmdb::RpmPackage::from_header_blob(data);
});
