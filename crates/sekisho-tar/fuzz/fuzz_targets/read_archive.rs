//! Arbitrary bytes as a tar stream: every entry is listed and its data read in full, through
//! the streaming reader and the seeking reader, which must agree. Reading must never panic,
//! and must never allocate beyond the limits (libFuzzer's -rss_limit_mb catches that).
#![no_main]

use std::io::{Cursor, Read};

use libfuzzer_sys::fuzz_target;
use sekisho_tar::{GlobalHeaders, Options, Reader};

/// Entries as (path, size, bytes read or an error). Error texts are left out: a truncation found
/// by seeking can only give a lower bound of the missing bytes.
fn walk<R: Read>(mut reader: Reader<R>) -> Vec<(Vec<u8>, u64, Result<u64, ()>)> {
    let mut out = Vec::new();
    // The archive is at most the fuzzer's input, so a bounded number of entries.
    for _ in 0..10_000 {
        match reader.next_entry() {
            Ok(Some(mut entry)) => {
                let path = entry.header().path_bytes().to_vec();
                let size = entry.header().size();
                // Read at most 1 MiB of logical content: sparse holes can be huge.
                let mut sink = [0u8; 4096];
                let mut total = 0u64;
                let read = loop {
                    if total >= 1 << 20 {
                        break Ok(total);
                    }
                    match entry.read(&mut sink) {
                        Ok(0) => break Ok(total),
                        Ok(n) => total += n as u64,
                        Err(_) => break Err(()),
                    }
                };
                if let (Ok(n), None) = (&read, entry.header().sparse_map()) {
                    assert!(*n <= entry.header().stored_size());
                }
                out.push((path, size, read));
            }
            Ok(None) => break,
            Err(e) => {
                // Every error names a location or says the reader failed earlier.
                assert!(!e.to_string().is_empty());
                out.push((Vec::new(), 0, Err(())));
                break;
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    for global_headers in [GlobalHeaders::Ignore, GlobalHeaders::Apply] {
        let options = Options {
            global_headers,
            ..Options::default()
        };
        let streamed = walk(Reader::with_options(data, options));
        let seeked = walk(Reader::seekable_with_options(Cursor::new(data), options));
        assert_eq!(streamed, seeked);
    }
});
