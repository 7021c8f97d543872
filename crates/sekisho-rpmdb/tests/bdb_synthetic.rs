//! Berkeley DB files built here from real header blobs: byte order, bucket
//! order, chained hash pages, inline values, shared overflow chains.

use sekisho_rpmdb::{read_header_blobs, read_packages, DbFormat, RpmDbError, RpmPackage};

const NDB: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/images/rpmdb/sle15-bci-ndb/Packages.db"
);

struct Builder {
    ps: usize,
    be: bool,
    pages: Vec<Vec<u8>>,
}

impl Builder {
    fn u32(&self, v: u32) -> [u8; 4] {
        if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn u16(&self, v: u16) -> [u8; 2] {
        if self.be {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn alloc(&mut self) -> u32 {
        self.pages.push(vec![0; self.ps]);
        (self.pages.len() - 1) as u32
    }
    fn header(&mut self, pgno: u32, next: u32, n: u16, hf: u16, ty: u8) {
        let (a, b, c, d) = (self.u32(pgno), self.u32(next), self.u16(n), self.u16(hf));
        let p = &mut self.pages[pgno as usize];
        p[8..12].copy_from_slice(&a);
        p[16..20].copy_from_slice(&b);
        p[20..22].copy_from_slice(&c);
        p[22..24].copy_from_slice(&d);
        p[25] = ty;
    }
    /// Writes `data` as an overflow chain, returns its first page.
    fn overflow(&mut self, data: &[u8]) -> u32 {
        let cap = self.ps - 26;
        let chunks: Vec<&[u8]> = data.chunks(cap).collect();
        let pgnos: Vec<u32> = chunks.iter().map(|_| self.alloc()).collect();
        for (i, c) in chunks.iter().enumerate() {
            let next = pgnos.get(i + 1).copied().unwrap_or(0);
            self.header(pgnos[i], next, 1, c.len() as u16, 7);
            self.pages[pgnos[i] as usize][26..26 + c.len()].copy_from_slice(c);
        }
        pgnos[0]
    }
    /// Fills hash page `pgno` (and chained pages) with the items.
    fn hash_chain(&mut self, mut pgno: u32, items: &[Vec<u8>]) {
        let mut i = 0;
        loop {
            let mut end = self.ps;
            let mut n = 0;
            while i + 1 < items.len() + 1 && i < items.len() {
                let need = items[i].len() + items[i + 1].len();
                if 26 + 2 * (n + 2) + need > end {
                    break;
                }
                for item in &items[i..i + 2] {
                    end -= item.len();
                    self.pages[pgno as usize][end..end + item.len()].copy_from_slice(item);
                    let off = self.u16(end as u16);
                    self.pages[pgno as usize][26 + 2 * n..28 + 2 * n].copy_from_slice(&off);
                    n += 1;
                }
                i += 2;
            }
            assert!(n > 0 || items.is_empty(), "item too large for a page");
            let next = if i < items.len() { self.alloc() } else { 0 };
            self.header(pgno, next, n as u16, end as u16, 13);
            if next == 0 {
                break;
            }
            pgno = next;
        }
    }
    fn finish(mut self, buckets: u32) -> Vec<u8> {
        let last = (self.pages.len() - 1) as u32;
        let vals = [
            (12, self.u32(0x061561)),
            (16, self.u32(9)),
            (20, self.u32(self.ps as u32)),
            (32, self.u32(last)),
            (72, self.u32(buckets - 1)),
        ];
        for (off, v) in vals {
            self.pages[0][off..off + 4].copy_from_slice(&v);
        }
        self.pages[0][25] = 8;
        for k in 0..32 {
            let one = self.u32(1);
            self.pages[0][96 + 4 * k..100 + 4 * k].copy_from_slice(&one);
        }
        self.pages.concat()
    }
}

/// Builds a database with `buckets` buckets on pages 1..=buckets; record `r`
/// goes to bucket `r % buckets`. Values shorter than `inline_max` are stored
/// inline. Returns the file and the records in expected (bucket) order.
fn build(
    blobs: &[Vec<u8>],
    ps: usize,
    be: bool,
    buckets: u32,
    inline_max: usize,
) -> (Vec<u8>, Vec<u32>) {
    let mut b = Builder {
        ps,
        be,
        pages: Vec::new(),
    };
    b.alloc();
    for _ in 0..buckets {
        b.alloc();
    }
    let mut order = Vec::new();
    let mut per_bucket: Vec<Vec<Vec<u8>>> = vec![Vec::new(); buckets as usize];
    // rpm's record 0: a 4-byte counter, inline.
    let mut key0 = vec![1u8];
    key0.extend(b.u32(0));
    let mut val0 = vec![1u8];
    val0.extend(b.u32(blobs.len() as u32 + 1));
    per_bucket[0].extend([key0, val0]);
    for (i, blob) in blobs.iter().enumerate() {
        let rec = i as u32 + 1;
        let mut key = vec![1u8];
        key.extend(b.u32(rec));
        let val = if blob.len() < inline_max {
            let mut v = vec![1u8];
            v.extend(blob);
            v
        } else {
            let first = b.overflow(blob);
            let mut v = vec![3u8, 0, 0, 0];
            v.extend(b.u32(first));
            v.extend(b.u32(blob.len() as u32));
            v
        };
        per_bucket[(rec % buckets) as usize].extend([key, val]);
    }
    for (bucket, items) in per_bucket.iter().enumerate() {
        b.hash_chain(bucket as u32 + 1, items);
        for pair in items.chunks(2) {
            let rec = &pair[0][1..5];
            let rec = if be {
                u32::from_be_bytes(rec.try_into().unwrap())
            } else {
                u32::from_le_bytes(rec.try_into().unwrap())
            };
            if rec != 0 {
                order.push(rec);
            }
        }
    }
    (b.finish(buckets), order)
}

fn real_blobs() -> (Vec<Vec<u8>>, Vec<RpmPackage>) {
    let bytes = std::fs::read(NDB).unwrap();
    let blobs: Vec<Vec<u8>> = read_header_blobs(DbFormat::Ndb, &bytes)
        .unwrap()
        .into_iter()
        .map(|r| r.blob)
        .collect();
    (blobs, read_packages(DbFormat::Ndb, &bytes).unwrap())
}

#[test]
fn both_byte_orders_bucket_order_and_chained_pages() {
    let (blobs, pkgs) = real_blobs();
    for (ps, be, buckets, inline_max) in [
        (4096, false, 4, 0),
        (4096, true, 4, 0),
        (512, false, 3, 0),      // 35 records: chained hash pages
        (65536, true, 2, 16384), // small headers inline
    ] {
        let (file, order) = build(&blobs, ps, be, buckets, inline_max);
        let got =
            read_packages(DbFormat::BerkeleyDb, &file).unwrap_or_else(|e| panic!("{ps} {be}: {e}"));
        let want: Vec<RpmPackage> = order
            .iter()
            .map(|&r| pkgs[r as usize - 1].clone())
            .collect();
        assert_eq!(got, want, "page size {ps}, big endian {be}");
        let raw = read_header_blobs(DbFormat::BerkeleyDb, &file).unwrap();
        assert_eq!(
            raw.iter().map(|r| r.record as u32).collect::<Vec<_>>(),
            order
        );
    }
}

#[test]
fn shared_overflow_chain_rejected() {
    let (blobs, _) = real_blobs();
    let (mut file, _) = build(&blobs[..2], 4096, false, 1, 0);
    // Page 1 holds: record 0 (key, value), record 1 (key, offpage),
    // record 2 (key, offpage). Point record 2's item at record 1's chain.
    let page = &file[4096..8192];
    let off = |i: usize| u16::from_le_bytes([page[26 + 2 * i], page[27 + 2 * i]]) as usize;
    let (v1, v2) = (off(3), off(5));
    let first = file[4096 + v1 + 4..4096 + v1 + 8].to_vec();
    let len = file[4096 + v1 + 8..4096 + v1 + 12].to_vec();
    file[4096 + v2 + 4..4096 + v2 + 8].copy_from_slice(&first);
    file[4096 + v2 + 8..4096 + v2 + 12].copy_from_slice(&len);
    match read_packages(DbFormat::BerkeleyDb, &file) {
        Err(RpmDbError::BdbPageLoop { .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn orphan_hash_pages_still_read() {
    let (blobs, pkgs) = real_blobs();
    let (mut file, _) = build(&blobs[..5], 4096, false, 2, 0);
    // Claim a single bucket: bucket 1's page is then reached only by the
    // page scan.
    file[72..76].copy_from_slice(&0u32.to_le_bytes());
    let got = read_packages(DbFormat::BerkeleyDb, &file).unwrap();
    let names: Vec<&str> = got.iter().map(|p| p.name.as_str()).collect();
    // bucket 0 holds records 2, 4; bucket 1 holds 1, 3, 5.
    let want: Vec<&str> = [2, 4, 1, 3, 5]
        .iter()
        .map(|&r| pkgs[r - 1].name.as_str())
        .collect();
    assert_eq!(names, want);
}

#[test]
fn overlapping_hash_items_rejected() {
    let (blobs, _) = real_blobs();
    let (mut file, _) = build(&blobs[..2], 4096, false, 1, 0);
    // Second index entry equal to the first: items would overlap.
    let first = [file[4096 + 26], file[4096 + 27]];
    file[4096 + 28..4096 + 30].copy_from_slice(&first);
    assert!(matches!(
        read_packages(DbFormat::BerkeleyDb, &file),
        Err(RpmDbError::BdbCorruptPage { page: 1, .. })
    ));
}
