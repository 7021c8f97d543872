//! Damaged copies of the real databases: every read must return (Ok or a typed
//! error) without panicking.

use sekisho_rpmdb::{
    read_header_blobs, read_packages, read_packages_lenient, DbFormat, HeaderError, RpmDbError,
    RpmPackage,
};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/images/rpmdb"
);

fn load(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}/{rel}")).unwrap()
}

/// Small deterministic PRNG (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Truncates at `steps` offsets spread over the file (plus the first 64 bytes
/// one by one); the result must be an error or a (shorter) package list.
fn truncations(format: DbFormat, bytes: &[u8], steps: usize) {
    let mut cuts: Vec<usize> = (0..64.min(bytes.len())).collect();
    cuts.extend((0..steps).map(|i| i * bytes.len() / steps));
    for cut in cuts {
        let r = read_packages(format, &bytes[..cut]);
        assert!(r.is_err() || cut > 0, "cut {cut}");
        let _ = read_packages_lenient(format, &bytes[..cut]);
    }
}

/// Flips bytes at random positions, `rounds` times, 1..=4 bytes each.
fn flips(format: DbFormat, bytes: &[u8], rounds: usize, seed: u64) {
    let mut rng = Rng(seed);
    for _ in 0..rounds {
        let mut b = bytes.to_vec();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(b.len());
            b[i] ^= 1 << rng.below(8);
        }
        let _ = read_packages(format, &b);
        let _ = read_packages_lenient(format, &b);
    }
}

/// Every byte of `range` overwritten with a few interesting values.
fn overwrite_each(format: DbFormat, bytes: &[u8], range: std::ops::Range<usize>) {
    for i in range {
        for v in [0x00, 0xff, 0x80] {
            let mut b = bytes.to_vec();
            b[i] = v;
            let _ = read_packages(format, &b);
        }
    }
}

#[test]
fn bdb_truncated_and_flipped() {
    let b = load("libuuid-bdb/Packages");
    truncations(DbFormat::BerkeleyDb, &b, 400);
    flips(DbFormat::BerkeleyDb, &b, 1000, 1);
    // Metadata, the header and items of both hash pages and the header of
    // every overflow page.
    overwrite_each(DbFormat::BerkeleyDb, &b, 0..232);
    for page in 1..3 {
        overwrite_each(DbFormat::BerkeleyDb, &b, page * 4096..page * 4096 + 32);
        overwrite_each(
            DbFormat::BerkeleyDb,
            &b,
            page * 4096 + 4070..page * 4096 + 4096,
        );
    }
    for page in 3..23 {
        overwrite_each(DbFormat::BerkeleyDb, &b, page * 4096..page * 4096 + 26);
    }
}

#[test]
fn ndb_truncated_and_flipped() {
    let b = load("sle15-bci-ndb/Packages.db");
    truncations(DbFormat::Ndb, &b, 200);
    flips(DbFormat::Ndb, &b, 300, 2);
    overwrite_each(DbFormat::Ndb, &b, 0..32 + 16 * 6);
}

#[test]
fn sqlite_truncated_and_flipped() {
    let b = load("cbl-mariner-2.0-sqlite/rpmdb.sqlite");
    truncations(DbFormat::Sqlite, &b, 40);
    flips(DbFormat::Sqlite, &b, 60, 3);
    overwrite_each(DbFormat::Sqlite, &b, 0..40);
}

#[test]
fn header_blobs_truncated_and_flipped() {
    let mut blobs = read_header_blobs(DbFormat::BerkeleyDb, &load("libuuid-bdb/Packages")).unwrap();
    blobs.truncate(1);
    let ndb = read_header_blobs(DbFormat::Ndb, &load("sle15-bci-ndb/Packages.db")).unwrap();
    blobs.extend(ndb.into_iter().take(3));
    let mut rng = Rng(4);
    for raw in &blobs {
        let blob = &raw.blob;
        for cut in 0..blob.len() {
            assert!(
                RpmPackage::from_header_blob(&blob[..cut]).is_err(),
                "cut {cut}"
            );
        }
        // Every byte of the index, many times over.
        let il = u32::from_be_bytes(blob[0..4].try_into().unwrap()) as usize;
        for i in 0..(8 + 16 * il.min(24)).min(blob.len()) {
            for v in [0x00, 0xff, 0x80, 0x10] {
                let mut b = blob.clone();
                b[i] = v;
                let _ = RpmPackage::from_header_blob(&b);
            }
        }
        for _ in 0..500 {
            let mut b = blob.clone();
            let i = rng.below(b.len());
            b[i] = rng.next() as u8;
            let _ = RpmPackage::from_header_blob(&b);
        }
    }
}

#[test]
fn wrong_magic_is_named() {
    let bdb = load("libuuid-bdb/Packages");
    let ndb = load("sle15-bci-ndb/Packages.db");
    let sql = load("amazonlinux2023-sqlite/rpmdb.sqlite");
    // Each reader given another format's file.
    for (format, bytes) in [
        (DbFormat::BerkeleyDb, &ndb),
        (DbFormat::Ndb, &sql),
        (DbFormat::Sqlite, &bdb),
    ] {
        match read_packages(format, bytes) {
            Err(RpmDbError::BadMagic { format: f, .. }) => assert_eq!(f, format.name()),
            other => panic!("{format:?}: {other:?}"),
        }
    }
    assert!(matches!(
        read_packages(DbFormat::BerkeleyDb, b"short"),
        Err(RpmDbError::Truncated { .. })
    ));
    assert!(matches!(
        read_packages(DbFormat::Sqlite, b""),
        Err(RpmDbError::Truncated { .. })
    ));
}

fn put32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn bdb_overflow_loop_detected() {
    let mut b = load("libuuid-bdb/Packages");
    // Page 10's next pointer back to page 5.
    put32(&mut b, 10 * 4096 + 16, 5);
    match read_packages(DbFormat::BerkeleyDb, &b) {
        Err(RpmDbError::BdbPageLoop { start: 3, page: 5 }) => {}
        other => panic!("{other:?}"),
    }
    // Self loop on the last page.
    let mut b = load("libuuid-bdb/Packages");
    put32(&mut b, 22 * 4096 + 16, 22);
    assert!(matches!(
        read_packages(DbFormat::BerkeleyDb, &b),
        Err(RpmDbError::BdbPageLoop { .. })
    ));
}

#[test]
fn bdb_bad_page_numbers_detected() {
    let mut b = load("libuuid-bdb/Packages");
    put32(&mut b, 7 * 4096 + 16, 4000);
    match read_packages(DbFormat::BerkeleyDb, &b) {
        Err(RpmDbError::BdbPageOutOfRange {
            page: 4000,
            pages: 23,
        }) => {}
        other => panic!("{other:?}"),
    }
    // The overflow chain pointing at a hash page.
    let mut b = load("libuuid-bdb/Packages");
    put32(&mut b, 7 * 4096 + 16, 1);
    assert!(matches!(
        read_packages(DbFormat::BerkeleyDb, &b),
        Err(RpmDbError::BdbCorruptPage { page: 1, .. } | RpmDbError::BdbPageLoop { .. })
    ));
    // Last page number beyond the file.
    let mut b = load("libuuid-bdb/Packages");
    put32(&mut b, 32, 0xffff_fff0);
    assert!(matches!(
        read_packages(DbFormat::BerkeleyDb, &b),
        Err(RpmDbError::Truncated { .. })
    ));
}

#[test]
fn ndb_overlapping_and_bad_blobs_detected() {
    let b = load("sle15-bci-ndb/Packages.db");
    // Slot 3 (second package) pointing at the blob of slot 2.
    let mut c = b.clone();
    let first_blk = u32::from_le_bytes(c[2 * 16 + 8..2 * 16 + 12].try_into().unwrap());
    put32(&mut c, 3 * 16 + 8, first_blk);
    match read_packages(DbFormat::Ndb, &c) {
        Err(RpmDbError::NdbCorruptSlot { .. }) => {}
        other => panic!("{other:?}"),
    }
    // A byte of the first blob changed: checksum mismatch.
    let mut c = b.clone();
    c[first_blk as usize * 16 + 100] ^= 1;
    match read_packages(DbFormat::Ndb, &c) {
        Err(RpmDbError::NdbCorruptBlob { pkgidx: 1, reason }) => {
            assert!(reason.contains("Adler"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    // Absurd slot page count.
    let mut c = b.clone();
    put32(&mut c, 12, u32::MAX);
    assert!(matches!(
        read_packages(DbFormat::Ndb, &c),
        Err(RpmDbError::Truncated { .. })
    ));
}

#[test]
fn sqlite_malformed_is_an_error() {
    let b = load("cbl-mariner-2.0-sqlite/rpmdb.sqlite");
    // Valid header, garbage pages.
    let mut c = b[..100].to_vec();
    c.extend(std::iter::repeat_n(0xa5u8, 8192 - 100));
    assert!(matches!(
        read_packages(DbFormat::Sqlite, &c),
        Err(RpmDbError::Sqlite { .. })
    ));
    // Header only.
    assert!(read_packages(DbFormat::Sqlite, &b[..100]).is_err());
}

#[test]
fn lenient_read_keeps_good_packages() {
    let b = load("sle15-bci-ndb/Packages.db");
    let all = read_packages(DbFormat::Ndb, &b).unwrap();
    let blobs = read_header_blobs(DbFormat::Ndb, &b).unwrap();
    assert_eq!(blobs.len(), all.len());
    // Corrupt the header of the first package (index count) and fix up the
    // blob checksum so only the header is bad.
    let blk = u32::from_le_bytes(b[2 * 16 + 8..2 * 16 + 12].try_into().unwrap()) as usize;
    let cnt = u32::from_le_bytes(b[2 * 16 + 12..2 * 16 + 16].try_into().unwrap()) as usize;
    let mut c = b.clone();
    let start = blk * 16;
    c[start + 16..start + 20].copy_from_slice(&0x00ff_ffffu32.to_be_bytes());
    let tail = start + cnt * 16 - 12;
    let sum = adler32(&c[start..tail]);
    put32(&mut c, tail, sum);
    match read_packages(DbFormat::Ndb, &c) {
        Err(RpmDbError::Header {
            record: 1,
            source: HeaderError::TooManyEntries(_),
        }) => {}
        other => panic!("{other:?}"),
    }
    let (pkgs, errs) = read_packages_lenient(DbFormat::Ndb, &c).unwrap();
    assert_eq!(pkgs.len(), all.len() - 1);
    assert_eq!(errs.len(), 1);
    assert_eq!(pkgs[..], all[1..]);
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}
