//! Berkeley DB hash database (`/var/lib/rpm/Packages`).
//!
//! Layout as read here (Berkeley DB 4.x/5.x hash access method, `db_page.h`):
//!
//! * The file is an array of pages of `pagesize` bytes, in the byte order of
//!   the machine that wrote it (detected from the magic number).
//! * Page 0 is the hash metadata page: magic `0x061561` at 12, version at 16,
//!   page size at 20, encryption algorithm at 24, page type (8) at 25, last
//!   page number at 32, highest bucket number at 72 and the `spares` table
//!   (32 `u32`) at 96. Bucket `b` starts at page `b + spares[ceil(log2(b+1))]`.
//! * Every other page has a 26-byte header: page number at 8, previous page
//!   at 12, next page at 16, entry count (`u16`) at 20, `hf_offset` (`u16`) at
//!   22, page type at 25.
//! * Hash pages (type 13, or 2 for the unsorted pages of old versions) hold
//!   `entries` `u16` offsets after the header, alternating key and value.
//!   Items are packed from the end of the page downwards in index order, so
//!   item `i` spans `[inp[i], inp[i-1])` (the first ends at the page end).
//!   The first byte of an item is its type: 1 key/data (inline bytes follow),
//!   3 off-page (3 unused bytes, `u32` first page, `u32` total length).
//! * Overflow pages (type 7) carry `hf_offset` bytes of data after the
//!   header and chain through the next-page field.
//!
//! rpm stores each package header under a 4-byte record number key; record 0
//! holds rpm's own counter and is skipped. Packages are returned in bucket
//! order (the order a Berkeley DB cursor walks them, and rpm's own read-only
//! reader `bdb_ro` too, so `rpm -qa` lists them in this order).
//! Chained pages must carry their own page number at offset 8, as `bdb_ro`
//! checks.
//! Hash pages that no bucket chain reaches are then read in page order, so a
//! database with a damaged bucket table still yields its packages.

use std::borrow::Cow;

use crate::error::RpmDbError;

const FORMAT: &str = "Berkeley DB";
const HASH_MAGIC: u32 = 0x0006_1561;
const BTREE_MAGIC: u32 = 0x0005_3162;
const PAGE_HEADER: usize = 26;

const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;
const P_INVALID: u8 = 0;

const H_KEYDATA: u8 = 1;
const H_DUPLICATE: u8 = 2;
const H_OFFPAGE: u8 = 3;
const H_OFFDUP: u8 = 4;

/// A record number and its header blob (borrowed when stored inline).
pub(crate) type Record<'a> = (u64, Cow<'a, [u8]>);

struct Db<'a> {
    data: &'a [u8],
    page_size: usize,
    pages: u32,
    big_endian: bool,
    /// One flag per page: already read as a hash or overflow page.
    visited: Vec<bool>,
}

fn corrupt(page: u32, reason: impl Into<String>) -> RpmDbError {
    RpmDbError::BdbCorruptPage {
        page,
        reason: reason.into(),
    }
}

impl<'a> Db<'a> {
    fn u32_at(&self, b: &[u8], off: usize) -> u32 {
        let a = [b[off], b[off + 1], b[off + 2], b[off + 3]];
        if self.big_endian {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        }
    }

    fn u16_at(&self, b: &[u8], off: usize) -> u16 {
        let a = [b[off], b[off + 1]];
        if self.big_endian {
            u16::from_be_bytes(a)
        } else {
            u16::from_le_bytes(a)
        }
    }

    fn page(&self, pgno: u32) -> Result<&'a [u8], RpmDbError> {
        if pgno >= self.pages {
            return Err(RpmDbError::BdbPageOutOfRange {
                page: pgno,
                pages: self.pages,
            });
        }
        let start = pgno as usize * self.page_size;
        Ok(&self.data[start..start + self.page_size])
    }

    /// A page that is part of a chain: it must carry its own page number,
    /// as rpm's `bdb_ro` reader also requires.
    fn chained_page(&self, pgno: u32) -> Result<&'a [u8], RpmDbError> {
        let page = self.page(pgno)?;
        let stored = self.u32_at(page, 8);
        if stored != pgno {
            return Err(corrupt(
                pgno,
                format!("page header says it is page {stored}"),
            ));
        }
        Ok(page)
    }

    /// Marks `pgno` as read; errors if it already was.
    fn visit(&mut self, start: u32, pgno: u32) -> Result<(), RpmDbError> {
        let seen = &mut self.visited[pgno as usize];
        if *seen {
            return Err(RpmDbError::BdbPageLoop { start, page: pgno });
        }
        *seen = true;
        Ok(())
    }

    /// Reads the items of one hash page into `out` as (record, header blob).
    fn read_hash_page(
        &mut self,
        pgno: u32,
        page: &'a [u8],
        out: &mut Vec<Record<'a>>,
    ) -> Result<(), RpmDbError> {
        let n = self.u16_at(page, 20) as usize;
        if n & 1 == 1 {
            return Err(corrupt(pgno, format!("odd number of hash items ({n})")));
        }
        let index_end = PAGE_HEADER + 2 * n;
        if index_end > self.page_size {
            return Err(corrupt(
                pgno,
                format!("{n} hash items do not fit in the page"),
            ));
        }
        // Items are packed downwards in index order; enforcing that makes them
        // disjoint, so no byte is parsed twice.
        let mut items: Vec<&'a [u8]> = Vec::with_capacity(n);
        let mut end = self.page_size;
        for i in 0..n {
            let off = self.u16_at(page, PAGE_HEADER + 2 * i) as usize;
            if off < index_end || off >= end {
                return Err(corrupt(pgno, format!("hash item {i} at bad offset {off}")));
            }
            items.push(&page[off..end]);
            end = off;
        }
        for pair in items.chunks_exact(2) {
            let (key, value) = (pair[0], pair[1]);
            if key[0] != H_KEYDATA {
                return Err(corrupt(pgno, format!("hash key of item type {}", key[0])));
            }
            let key = &key[1..];
            let record = if key.len() == 4 {
                self.u32_at(key, 0) as u64
            } else {
                return Err(corrupt(
                    pgno,
                    format!("hash key of {} bytes, expected 4", key.len()),
                ));
            };
            match value[0] {
                H_KEYDATA => {
                    if record != 0 {
                        out.push((record, Cow::Borrowed(&value[1..])));
                    }
                }
                H_OFFPAGE => {
                    if value.len() < 12 {
                        return Err(corrupt(pgno, "short off-page item"));
                    }
                    let first = self.u32_at(value, 4);
                    let total = self.u32_at(value, 8) as u64;
                    let blob = self.read_overflow(first, total)?;
                    if record != 0 {
                        out.push((record, Cow::Owned(blob)));
                    }
                }
                H_DUPLICATE | H_OFFDUP => {
                    return Err(RpmDbError::Unsupported {
                        format: FORMAT,
                        reason: format!("duplicate data items (page {pgno}) are not used by rpm"),
                    })
                }
                t => return Err(corrupt(pgno, format!("hash data of unknown item type {t}"))),
            }
        }
        Ok(())
    }

    /// Concatenates an overflow chain of exactly `total` bytes.
    fn read_overflow(&mut self, first: u32, total: u64) -> Result<Vec<u8>, RpmDbError> {
        // A chain cannot hold more than the file, so this caps the allocation.
        if total > self.data.len() as u64 {
            return Err(RpmDbError::BdbOverflowLength {
                start: first,
                expected: total,
                found: 0,
            });
        }
        let mut out = Vec::with_capacity(total as usize);
        let mut pgno = first;
        while pgno != 0 {
            let page = self.chained_page(pgno)?;
            self.visit(first, pgno)?;
            if page[25] != P_OVERFLOW {
                return Err(corrupt(
                    pgno,
                    format!(
                        "expected an overflow page (type 7), found type {}",
                        page[25]
                    ),
                ));
            }
            let len = self.u16_at(page, 22) as usize;
            if PAGE_HEADER + len > self.page_size {
                return Err(corrupt(
                    pgno,
                    format!("overflow data length {len} exceeds the page"),
                ));
            }
            if (out.len() + len) as u64 > total {
                return Err(RpmDbError::BdbOverflowLength {
                    start: first,
                    expected: total,
                    found: (out.len() + len) as u64,
                });
            }
            out.extend_from_slice(&page[PAGE_HEADER..PAGE_HEADER + len]);
            pgno = self.u32_at(page, 16);
        }
        if out.len() as u64 != total {
            return Err(RpmDbError::BdbOverflowLength {
                start: first,
                expected: total,
                found: out.len() as u64,
            });
        }
        Ok(out)
    }
}

/// `ceil(log2(n))`, Berkeley DB's `__db_log2`.
fn ceil_log2(n: u32) -> u32 {
    let mut i = 0;
    let mut limit: u64 = 1;
    while limit < n as u64 {
        limit <<= 1;
        i += 1;
    }
    i
}

/// Returns the header blobs of a `Packages` file as (record number, blob).
pub(crate) fn read_blobs(data: &[u8]) -> Result<Vec<Record<'_>>, RpmDbError> {
    const META_LEN: usize = 96 + 32 * 4;
    if data.len() < META_LEN {
        return Err(RpmDbError::Truncated {
            format: FORMAT,
            what: "hash metadata page",
            offset: 0,
            needed: META_LEN as u64,
            available: data.len() as u64,
        });
    }
    let magic_le = u32::from_le_bytes([data[12], data[13], data[14], data[15]]);
    let magic_be = u32::from_be_bytes([data[12], data[13], data[14], data[15]]);
    let big_endian = match (magic_le, magic_be) {
        (HASH_MAGIC, _) => false,
        (_, HASH_MAGIC) => true,
        (BTREE_MAGIC, _) | (_, BTREE_MAGIC) => {
            return Err(RpmDbError::Unsupported {
                format: FORMAT,
                reason: "B-tree database (rpm's Packages is a hash database)".into(),
            })
        }
        _ => {
            return Err(RpmDbError::BadMagic {
                format: FORMAT,
                found: magic_le,
            })
        }
    };
    let mut db = Db {
        data,
        page_size: 0,
        pages: 0,
        big_endian,
        visited: Vec::new(),
    };
    let version = db.u32_at(data, 16);
    let page_size = db.u32_at(data, 20);
    if !(8..=10).contains(&version) {
        return Err(RpmDbError::Unsupported {
            format: FORMAT,
            reason: format!("hash version {version}"),
        });
    }
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(corrupt(0, format!("invalid page size {page_size}")));
    }
    if data[24] != 0 {
        return Err(RpmDbError::Unsupported {
            format: FORMAT,
            reason: "encrypted database".into(),
        });
    }
    if data[25] != P_HASHMETA {
        return Err(corrupt(
            0,
            format!("metadata page has type {}, expected 8", data[25]),
        ));
    }
    let last_pgno = db.u32_at(data, 32);
    let needed = (last_pgno as u64 + 1) * page_size as u64;
    if needed > data.len() as u64 {
        return Err(RpmDbError::Truncated {
            format: FORMAT,
            what: "pages up to the last page number",
            offset: 0,
            needed,
            available: data.len() as u64,
        });
    }
    db.page_size = page_size as usize;
    db.pages = last_pgno + 1;
    db.visited = vec![false; db.pages as usize];
    db.visited[0] = true;

    let mut out = Vec::new();
    let max_bucket = db.u32_at(data, 72);
    if max_bucket >= db.pages {
        return Err(corrupt(
            0,
            format!("highest bucket {max_bucket} but only {} pages", db.pages),
        ));
    }
    for bucket in 0..=max_bucket {
        let spare = db.u32_at(data, 96 + 4 * ceil_log2(bucket + 1) as usize);
        let first = bucket
            .checked_add(spare)
            .ok_or_else(|| corrupt(0, format!("bucket {bucket} page number overflows")))?;
        let mut pgno = first;
        while pgno != 0 {
            let page = db.page(pgno)?;
            if pgno == first && page[25] == P_INVALID {
                // A bucket page that was never written: empty bucket.
                break;
            }
            let page = db.chained_page(pgno)?;
            db.visit(first, pgno)?;
            if !matches!(page[25], P_HASH | P_HASH_UNSORTED) {
                return Err(corrupt(
                    pgno,
                    format!("bucket {bucket} chain reaches page type {}", page[25]),
                ));
            }
            db.read_hash_page(pgno, page, &mut out)?;
            pgno = db.u32_at(page, 16);
        }
    }
    // Hash pages no bucket chain reached.
    for pgno in 1..db.pages {
        let page = db.page(pgno)?;
        if !db.visited[pgno as usize] && matches!(page[25], P_HASH | P_HASH_UNSORTED) {
            db.visit(pgno, pgno)?;
            db.read_hash_page(pgno, page, &mut out)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2() {
        assert_eq!(ceil_log2(1), 0);
        assert_eq!(ceil_log2(2), 1);
        assert_eq!(ceil_log2(3), 2);
        assert_eq!(ceil_log2(4), 2);
        assert_eq!(ceil_log2(5), 3);
        assert_eq!(ceil_log2(u32::MAX), 32);
    }
}
