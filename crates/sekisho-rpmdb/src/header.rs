//! rpm header blob parsing.
//!
//! An installed package is stored in every rpmdb format as a header blob in
//! rpm's on-disk ("unloaded") form, always big-endian:
//!
//! ```text
//! il: u32            number of index entries
//! dl: u32            length of the data store
//! il x { tag: i32, type: u32, offset: i32, count: u32 }   16 bytes each
//! dl bytes of data   values, addressed by `offset`
//! ```
//!
//! The first entry is usually a region tag (`HEADERIMMUTABLE`, 63) whose
//! 16-byte value is a trailer describing the immutable region. Entries after
//! the region ("dribbles") replace region entries with the same tag. This
//! parser keeps the last entry for each tag, which gives the same result, and
//! ignores the region tags themselves.

use crate::error::HeaderError;

/// Largest index count rpm accepts.
const MAX_INDEX_ENTRIES: u32 = 0xffff;
/// Largest data store rpm accepts (256 MiB).
const MAX_DATA_LEN: u32 = 256 * 1024 * 1024;

// Data types.
pub(crate) const TYPE_NULL: u32 = 0;
pub(crate) const TYPE_CHAR: u32 = 1;
pub(crate) const TYPE_INT8: u32 = 2;
pub(crate) const TYPE_INT16: u32 = 3;
pub(crate) const TYPE_INT32: u32 = 4;
pub(crate) const TYPE_INT64: u32 = 5;
pub(crate) const TYPE_STRING: u32 = 6;
pub(crate) const TYPE_BIN: u32 = 7;
pub(crate) const TYPE_STRING_ARRAY: u32 = 8;
pub(crate) const TYPE_I18NSTRING: u32 = 9;

/// Tag numbers used by this crate (rpm's `rpmtag.h`).
pub mod tags {
    /// Region tag of a header image.
    pub const HEADERIMAGE: i32 = 61;
    /// Region tag of a signature header.
    pub const HEADERSIGNATURES: i32 = 62;
    /// Region tag of the immutable part of a package header.
    pub const HEADERIMMUTABLE: i32 = 63;
    /// Region list (unused on disk, ignored).
    pub const HEADERREGIONS: i32 = 64;
    /// MD5 of header and payload, as `BIN` (16 bytes).
    pub const SIGMD5: i32 = 261;
    /// Package name.
    pub const NAME: i32 = 1000;
    /// Package version.
    pub const VERSION: i32 = 1001;
    /// Package release.
    pub const RELEASE: i32 = 1002;
    /// Package epoch (`INT32`).
    pub const EPOCH: i32 = 1003;
    /// Installed size (`INT32`).
    pub const SIZE: i32 = 1009;
    /// Distribution (`Red Hat Enterprise Linux`, `Fedora Project`; often absent).
    pub const DISTRIBUTION: i32 = 1010;
    /// Vendor.
    pub const VENDOR: i32 = 1011;
    /// License.
    pub const LICENSE: i32 = 1014;
    /// Packager (`Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla>`, `Remi Collet`).
    pub const PACKAGER: i32 = 1015;
    /// Architecture.
    pub const ARCH: i32 = 1022;
    /// Full file paths of old (pre-4.0 / uncompressed) headers.
    pub const OLDFILENAMES: i32 = 1027;
    /// Source package file name.
    pub const SOURCERPM: i32 = 1044;
    /// Names of the capabilities the package provides.
    pub const PROVIDENAME: i32 = 1047;
    /// Names of the capabilities the package requires.
    pub const REQUIRENAME: i32 = 1049;
    /// Index into `DIRNAMES` for each file.
    pub const DIRINDEXES: i32 = 1116;
    /// File base names.
    pub const BASENAMES: i32 = 1117;
    /// Directory names (with trailing slash).
    pub const DIRNAMES: i32 = 1118;
    /// Installed size (`INT64`), for packages of 4 GiB and more.
    pub const LONGSIZE: i32 = 5009;
    /// Algorithm of the file digests (`PGPHASHALGO_*`).
    pub const FILEDIGESTALGO: i32 = 5011;
    /// Module stream label (`name:stream:version:context`).
    pub const MODULARITYLABEL: i32 = 5096;
}

/// One index entry with its data, bounds-checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub tag: i32,
    pub ty: u32,
    pub count: u32,
    pub data: &'a [u8],
}

/// A parsed header: entries in index order, region tags removed.
#[derive(Debug)]
pub(crate) struct Header<'a> {
    entries: Vec<Entry<'a>>,
}

fn be32(b: &[u8], off: usize) -> u32 {
    u32::from_be_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

/// Length in bytes of `count` NUL-terminated strings starting at `data[0]`,
/// or `None` when they run past the end.
fn strings_len(data: &[u8], count: u32) -> Option<usize> {
    // Every string takes at least one byte, so a count larger than the data
    // is wrong before any scanning.
    if count as usize > data.len() {
        return None;
    }
    let mut pos = 0usize;
    for _ in 0..count {
        let nul = data[pos..].iter().position(|&c| c == 0)?;
        pos += nul + 1;
    }
    Some(pos)
}

impl<'a> Header<'a> {
    /// Parses a header blob (without the 8-byte header magic/version intro).
    pub(crate) fn parse(blob: &'a [u8]) -> Result<Self, HeaderError> {
        if blob.len() < 8 {
            return Err(HeaderError::Truncated {
                needed: 8,
                available: blob.len() as u64,
            });
        }
        let il = be32(blob, 0);
        let dl = be32(blob, 4);
        if il == 0 {
            return Err(HeaderError::NoEntries);
        }
        if il > MAX_INDEX_ENTRIES {
            return Err(HeaderError::TooManyEntries(il));
        }
        if dl > MAX_DATA_LEN {
            return Err(HeaderError::DataTooLarge(dl));
        }
        let index_len = il as usize * 16;
        let needed = 8 + index_len as u64 + dl as u64;
        if needed > blob.len() as u64 {
            return Err(HeaderError::Truncated {
                needed,
                available: blob.len() as u64,
            });
        }
        let index = &blob[8..8 + index_len];
        let data = &blob[8 + index_len..8 + index_len + dl as usize];

        let mut entries = Vec::with_capacity(il as usize);
        for i in 0..il {
            let e = &index[i as usize * 16..i as usize * 16 + 16];
            let tag = be32(e, 0) as i32;
            let ty = be32(e, 4);
            let offset = be32(e, 8) as i32;
            let count = be32(e, 12);
            let bad = |reason| HeaderError::BadEntry {
                index: i,
                tag,
                reason,
            };
            if ty > TYPE_I18NSTRING {
                return Err(bad("unknown data type"));
            }
            if offset < 0 || offset as u32 > dl {
                return Err(bad("data offset outside the data store"));
            }
            let rest = &data[offset as usize..];
            let len = match ty {
                TYPE_STRING => {
                    if count != 1 {
                        return Err(bad("STRING entry with count other than 1"));
                    }
                    strings_len(rest, 1).ok_or_else(|| bad("unterminated string"))?
                }
                TYPE_STRING_ARRAY | TYPE_I18NSTRING => strings_len(rest, count)
                    .ok_or_else(|| bad("string array runs past the data store"))?,
                _ => {
                    let size: u64 = match ty {
                        TYPE_NULL => 0,
                        TYPE_CHAR | TYPE_INT8 | TYPE_BIN => 1,
                        TYPE_INT16 => 2,
                        TYPE_INT32 => 4,
                        _ => 8,
                    };
                    let len = size * count as u64;
                    if len > rest.len() as u64 {
                        return Err(bad("value runs past the data store"));
                    }
                    len as usize
                }
            };
            if i == 0
                && matches!(
                    tag,
                    tags::HEADERIMAGE | tags::HEADERSIGNATURES | tags::HEADERIMMUTABLE
                )
            {
                // Region tag: its value is the 16-byte region trailer.
                if ty != TYPE_BIN || count != 16 {
                    return Err(bad("region tag is not a 16-byte BIN"));
                }
                continue;
            }
            if matches!(
                tag,
                tags::HEADERIMAGE
                    | tags::HEADERSIGNATURES
                    | tags::HEADERIMMUTABLE
                    | tags::HEADERREGIONS
            ) {
                continue;
            }
            entries.push(Entry {
                tag,
                ty,
                count,
                data: &rest[..len],
            });
        }
        Ok(Header { entries })
    }

    /// The effective entry for `tag`: the last one in index order, so that
    /// dribble entries replace region entries as in rpm.
    pub(crate) fn get(&self, tag: i32) -> Option<&Entry<'a>> {
        self.entries.iter().rev().find(|e| e.tag == tag)
    }

    fn expect(
        &self,
        tag: i32,
        types: &[u32],
        expected: &'static str,
    ) -> Result<Option<&Entry<'a>>, HeaderError> {
        match self.get(tag) {
            None => Ok(None),
            Some(e) if types.contains(&e.ty) => Ok(Some(e)),
            Some(e) => Err(HeaderError::UnexpectedType {
                tag,
                expected,
                found: e.ty,
            }),
        }
    }

    /// A single string (`STRING`, or the first of an `I18NSTRING` /
    /// `STRING_ARRAY`). Invalid UTF-8 is replaced, as old packages can carry
    /// Latin-1 text.
    pub(crate) fn string(&self, tag: i32) -> Result<Option<String>, HeaderError> {
        let Some(e) = self.expect(
            tag,
            &[TYPE_STRING, TYPE_I18NSTRING, TYPE_STRING_ARRAY],
            "STRING",
        )?
        else {
            return Ok(None);
        };
        if e.count == 0 {
            return Ok(None);
        }
        let end = e.data.iter().position(|&c| c == 0).unwrap_or(e.data.len());
        Ok(Some(String::from_utf8_lossy(&e.data[..end]).into_owned()))
    }

    /// All strings of a `STRING_ARRAY` (or `I18NSTRING`, or a single `STRING`).
    pub(crate) fn string_array(&self, tag: i32) -> Result<Vec<&'a [u8]>, HeaderError> {
        let Some(e) = self.expect(
            tag,
            &[TYPE_STRING_ARRAY, TYPE_I18NSTRING, TYPE_STRING],
            "STRING_ARRAY",
        )?
        else {
            return Ok(Vec::new());
        };
        let data: &'a [u8] = e.data;
        // Parse-time validation guarantees exactly `count` terminated strings.
        let mut out = Vec::with_capacity(e.count as usize);
        out.extend(data.split(|&c| c == 0).take(e.count as usize));
        Ok(out)
    }

    /// The first value of an integer tag (`INT8`/`INT16`/`INT32`/`INT64`),
    /// unsigned.
    pub(crate) fn int(&self, tag: i32) -> Result<Option<u64>, HeaderError> {
        let Some(e) = self.expect(
            tag,
            &[TYPE_CHAR, TYPE_INT8, TYPE_INT16, TYPE_INT32, TYPE_INT64],
            "INT32",
        )?
        else {
            return Ok(None);
        };
        if e.count == 0 {
            return Ok(None);
        }
        let d = e.data;
        Ok(Some(match e.ty {
            TYPE_CHAR | TYPE_INT8 => d[0] as u64,
            TYPE_INT16 => u16::from_be_bytes([d[0], d[1]]) as u64,
            TYPE_INT32 => be32(d, 0) as u64,
            _ => u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]),
        }))
    }

    /// All values of an `INT32` array.
    pub(crate) fn int32_array(&self, tag: i32) -> Result<Vec<u32>, HeaderError> {
        let Some(e) = self.expect(tag, &[TYPE_INT32], "INT32")? else {
            return Ok(Vec::new());
        };
        Ok(e.data.chunks_exact(4).map(|c| be32(c, 0)).collect())
    }

    /// The raw bytes of a `BIN` tag.
    pub(crate) fn bin(&self, tag: i32) -> Result<Option<&'a [u8]>, HeaderError> {
        Ok(self.expect(tag, &[TYPE_BIN], "BIN")?.map(|e| e.data))
    }
}

/// Builds a header blob from (tag, type, count, data) entries.
#[cfg(test)]
pub(crate) fn build_test_blob(entries: &[(i32, u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut index = Vec::new();
    let mut data = Vec::new();
    for (tag, ty, count, d) in entries {
        let align = match *ty {
            TYPE_INT16 => 2,
            TYPE_INT32 => 4,
            TYPE_INT64 => 8,
            _ => 1,
        };
        while data.len() % align != 0 {
            data.push(0);
        }
        index.extend_from_slice(&tag.to_be_bytes());
        index.extend_from_slice(&ty.to_be_bytes());
        index.extend_from_slice(&(data.len() as u32).to_be_bytes());
        index.extend_from_slice(&count.to_be_bytes());
        data.extend_from_slice(d);
    }
    let mut out = Vec::new();
    out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(&index);
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_entry_wins_and_types_checked() {
        let blob = build_test_blob(&[
            (tags::NAME, TYPE_STRING, 1, b"old\0".to_vec()),
            (tags::EPOCH, TYPE_INT32, 1, 7u32.to_be_bytes().to_vec()),
            (tags::NAME, TYPE_STRING, 1, b"new\0".to_vec()),
        ]);
        let h = Header::parse(&blob).unwrap();
        assert_eq!(h.string(tags::NAME).unwrap().as_deref(), Some("new"));
        assert_eq!(h.int(tags::EPOCH).unwrap(), Some(7));
        assert!(matches!(
            h.string(tags::EPOCH),
            Err(HeaderError::UnexpectedType { .. })
        ));
    }

    #[test]
    fn absurd_counts_rejected() {
        let mut blob = build_test_blob(&[(tags::DIRINDEXES, TYPE_INT32, 1, vec![0; 4])]);
        // count = 0x4000_0000 INT32 values
        blob[8 + 12..8 + 16].copy_from_slice(&0x4000_0000u32.to_be_bytes());
        assert!(matches!(
            Header::parse(&blob),
            Err(HeaderError::BadEntry { .. })
        ));
        let mut blob = build_test_blob(&[(tags::BASENAMES, TYPE_STRING_ARRAY, 1, b"a\0".to_vec())]);
        blob[8 + 12..8 + 16].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            Header::parse(&blob),
            Err(HeaderError::BadEntry { .. })
        ));
        let mut blob = build_test_blob(&[(tags::NAME, TYPE_STRING, 1, b"a\0".to_vec())]);
        blob[0..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(
            Header::parse(&blob).unwrap_err(),
            HeaderError::TooManyEntries(u32::MAX)
        );
        blob[0..4].copy_from_slice(&1000u32.to_be_bytes());
        assert!(matches!(
            Header::parse(&blob),
            Err(HeaderError::Truncated { .. })
        ));
    }
}
