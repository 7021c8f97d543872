//! NDB package database (`Packages.db`, SUSE), rpm's `lib/backend/ndb/rpmpkg.c`.
//!
//! All integers are little-endian `u32`.
//!
//! * Bytes 0..32: header: magic `"RpmP"`, version (0), generation, number of
//!   slot pages, next package index.
//! * Slot pages: the first `slotnpages` 4096-byte pages are an array of
//!   16-byte slots (the header occupies slots 0 and 1): magic `"Slot"`,
//!   package index, block offset, block count. A slot with block offset 0 is
//!   free. Blocks are 16 bytes.
//! * A blob at `blkoff * 16`: head (magic `"BlbS"`, package index, timestamp,
//!   blob length), the header blob, zero padding, then the tail (Adler-32 of
//!   everything before the tail, blob length, magic `"BlbE"`); the whole blob
//!   fills exactly `blkcnt` blocks.
//!
//! Packages are returned in block-offset order, the order rpm itself lists
//! them in. Blobs must not overlap and their checksums must match.

use crate::error::RpmDbError;

const FORMAT: &str = "NDB";
const PKGDB_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOBHEAD_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const BLOBTAIL_MAGIC: u32 = u32::from_le_bytes(*b"BlbE");
const PAGE_SIZE: usize = 4096;
const SLOT_SIZE: usize = 16;
const BLK_SIZE: u64 = 16;
const HEADER_SIZE: usize = 32;
const BLOBHEAD_SIZE: u64 = 16;
const BLOBTAIL_SIZE: u64 = 12;

fn le32(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

/// Adler-32 (RFC 1950).
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

struct Slot {
    slotno: u32,
    pkgidx: u32,
    blkoff: u32,
    blkcnt: u32,
}

/// Returns the header blobs of a `Packages.db` file as (package index, blob).
pub(crate) fn read_blobs(data: &[u8]) -> Result<Vec<(u64, &[u8])>, RpmDbError> {
    if data.len() < HEADER_SIZE {
        return Err(RpmDbError::Truncated {
            format: FORMAT,
            what: "header",
            offset: 0,
            needed: HEADER_SIZE as u64,
            available: data.len() as u64,
        });
    }
    let magic = le32(data, 0);
    if magic != PKGDB_MAGIC {
        return Err(RpmDbError::BadMagic {
            format: FORMAT,
            found: magic,
        });
    }
    let version = le32(data, 4);
    if version != 0 {
        return Err(RpmDbError::Unsupported {
            format: FORMAT,
            reason: format!("version {version}"),
        });
    }
    let slotnpages = le32(data, 12) as u64;
    let slots_len = slotnpages * PAGE_SIZE as u64;
    if slotnpages == 0 || slots_len > data.len() as u64 {
        return Err(RpmDbError::Truncated {
            format: FORMAT,
            what: "slot pages",
            offset: 0,
            needed: slots_len.max(PAGE_SIZE as u64),
            available: data.len() as u64,
        });
    }
    if data.len() & (BLK_SIZE as usize - 1) != 0 {
        return Err(RpmDbError::Truncated {
            format: FORMAT,
            what: "last 16-byte block",
            offset: data.len() as u64 / BLK_SIZE * BLK_SIZE,
            needed: BLK_SIZE,
            available: data.len() as u64,
        });
    }
    let fileblks = data.len() as u64 / BLK_SIZE;
    let minblkoff = slots_len / BLK_SIZE;

    let mut slots = Vec::new();
    for (i, s) in data[..slots_len as usize]
        .chunks_exact(SLOT_SIZE)
        .enumerate()
        .skip(HEADER_SIZE / SLOT_SIZE)
    {
        let slotno = i as u32;
        let bad = |reason: String| RpmDbError::NdbCorruptSlot {
            slot: slotno,
            reason,
        };
        if le32(s, 0) != SLOT_MAGIC {
            return Err(bad(format!("bad slot magic {:#010x}", le32(s, 0))));
        }
        let (pkgidx, blkoff, blkcnt) = (le32(s, 4), le32(s, 8), le32(s, 12));
        if blkoff == 0 {
            continue;
        }
        if pkgidx == 0 || blkcnt == 0 {
            return Err(bad(format!(
                "used slot with package index {pkgidx} and block count {blkcnt}"
            )));
        }
        if (blkoff as u64) < minblkoff {
            return Err(bad(format!("block offset {blkoff} inside the slot pages")));
        }
        if blkoff as u64 + blkcnt as u64 > fileblks {
            return Err(RpmDbError::Truncated {
                format: FORMAT,
                what: "package blob",
                offset: blkoff as u64 * BLK_SIZE,
                needed: blkcnt as u64 * BLK_SIZE,
                available: data.len() as u64,
            });
        }
        slots.push(Slot {
            slotno,
            pkgidx,
            blkoff,
            blkcnt,
        });
    }

    slots.sort_by_key(|s| s.blkoff);
    let mut seen = std::collections::HashSet::new();
    let mut prev_end = minblkoff;
    let mut out = Vec::with_capacity(slots.len());
    for s in &slots {
        if (s.blkoff as u64) < prev_end {
            return Err(RpmDbError::NdbCorruptSlot {
                slot: s.slotno,
                reason: format!("blob at block {} overlaps the previous blob", s.blkoff),
            });
        }
        if !seen.insert(s.pkgidx) {
            return Err(RpmDbError::NdbCorruptSlot {
                slot: s.slotno,
                reason: format!("package index {} used by two slots", s.pkgidx),
            });
        }
        prev_end = s.blkoff as u64 + s.blkcnt as u64;
        out.push((s.pkgidx as u64, read_blob(data, s)?));
    }
    Ok(out)
}

fn read_blob<'a>(data: &'a [u8], s: &Slot) -> Result<&'a [u8], RpmDbError> {
    let bad = |reason: String| RpmDbError::NdbCorruptBlob {
        pkgidx: s.pkgidx,
        reason,
    };
    let start = (s.blkoff as u64 * BLK_SIZE) as usize;
    let total = s.blkcnt as u64 * BLK_SIZE;
    if total < BLOBHEAD_SIZE + BLOBTAIL_SIZE {
        return Err(bad(format!("{} blocks cannot hold a blob", s.blkcnt)));
    }
    // Bounds were checked against the file length with the slot.
    let blob = &data[start..start + total as usize];
    if le32(blob, 0) != BLOBHEAD_MAGIC {
        return Err(bad(format!("bad blob head magic {:#010x}", le32(blob, 0))));
    }
    if le32(blob, 4) != s.pkgidx {
        return Err(bad(format!(
            "blob belongs to package index {}",
            le32(blob, 4)
        )));
    }
    let bloblen = le32(blob, 12) as u64;
    let blkcnt = (BLOBHEAD_SIZE + bloblen + BLOBTAIL_SIZE).div_ceil(BLK_SIZE);
    if blkcnt != s.blkcnt as u64 {
        return Err(bad(format!(
            "blob length {bloblen} needs {blkcnt} blocks, slot says {}",
            s.blkcnt
        )));
    }
    let tail = total as usize - BLOBTAIL_SIZE as usize;
    if le32(blob, tail + 8) != BLOBTAIL_MAGIC {
        return Err(bad(format!(
            "bad blob tail magic {:#010x}",
            le32(blob, tail + 8)
        )));
    }
    if le32(blob, tail + 4) as u64 != bloblen {
        return Err(bad(format!(
            "tail length {} differs from head length {bloblen}",
            le32(blob, tail + 4)
        )));
    }
    let sum = adler32(&blob[..tail]);
    if le32(blob, tail) != sum {
        return Err(bad(format!(
            "Adler-32 {:#010x} does not match stored {:#010x}",
            sum,
            le32(blob, tail)
        )));
    }
    Ok(&blob[BLOBHEAD_SIZE as usize..(BLOBHEAD_SIZE + bloblen) as usize])
}

#[cfg(test)]
mod tests {
    use super::adler32;

    #[test]
    fn adler32_known_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(&[0xff; 100_000]), {
            let (mut a, mut b) = (1u64, 0u64);
            for _ in 0..100_000 {
                a = (a + 255) % 65521;
                b = (b + a) % 65521;
            }
            ((b << 16) | a) as u32
        });
    }
}
