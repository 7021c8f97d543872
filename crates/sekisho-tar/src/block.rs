//! One 512-byte header block: checksum, format and fields, as Go's `readHeader`.

use crate::parse::{c_string, parse_numeric, parse_octal};

/// Size of a tar block.
pub const BLOCK: usize = 512;

/// The header format of one block, as Go's `getFormat` guesses it from the magic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// No known magic: the original Unix V7 layout (no owner names, no prefix).
    V7,
    /// `ustar\0` + `00`: POSIX USTAR (PAX archives use this layout too).
    Ustar,
    /// `ustar ` + ` \0`: the GNU layout (atime/ctime and the old sparse map instead of a prefix).
    Gnu,
    /// `ustar\0` with the `tar\0` trailer: Schily's star layout (shorter prefix, atime/ctime).
    Star,
}

/// The fields of one header block, before extension headers are applied.
pub(crate) struct RawHeader {
    pub typeflag: u8,
    pub name: Vec<u8>,
    pub link: Vec<u8>,
    pub size: i64,
    pub mode: i64,
    pub uid: i64,
    pub gid: i64,
    pub mtime: i64,
    pub uname: Vec<u8>,
    pub gname: Vec<u8>,
    pub devmajor: i64,
    pub devminor: i64,
    pub format: Format,
}

/// What is wrong with a header block.
pub(crate) enum BlockError {
    Checksum,
    Number(&'static str),
}

/// The unsigned and signed sums of the block with the checksum field counted as spaces.
fn checksums(b: &[u8; BLOCK]) -> (i64, i64) {
    let (mut unsigned, mut signed) = (0i64, 0i64);
    for (i, &c) in b.iter().enumerate() {
        let c = if (148..156).contains(&i) { b' ' } else { c };
        unsigned += i64::from(c);
        signed += i64::from(c as i8);
    }
    (unsigned, signed)
}

/// Checks the checksum and returns the format, or `None` when the checksum is wrong.
pub(crate) fn format_of(b: &[u8; BLOCK]) -> Option<Format> {
    let value = parse_octal(&b[148..156])?;
    let (unsigned, signed) = checksums(b);
    if value != unsigned && value != signed {
        return None;
    }
    let magic = &b[257..263];
    let version = &b[263..265];
    Some(if magic == b"ustar\0" && &b[508..512] == b"tar\0" {
        Format::Star
    } else if magic == b"ustar\0" {
        Format::Ustar
    } else if magic == b"ustar " && version == b" \0" {
        Format::Gnu
    } else {
        Format::V7
    })
}

fn num(field: &[u8], name: &'static str) -> Result<i64, BlockError> {
    parse_numeric(field).ok_or(BlockError::Number(name))
}

/// Parses a header block (not all zeros).
pub(crate) fn parse_block(b: &[u8; BLOCK]) -> Result<RawHeader, BlockError> {
    let format = format_of(b).ok_or(BlockError::Checksum)?;
    let mut h = RawHeader {
        typeflag: b[156],
        name: c_string(&b[0..100]).to_vec(),
        link: c_string(&b[157..257]).to_vec(),
        size: num(&b[124..136], "size")?,
        mode: num(&b[100..108], "mode")?,
        uid: num(&b[108..116], "uid")?,
        gid: num(&b[116..124], "gid")?,
        mtime: num(&b[136..148], "mtime")?,
        uname: Vec::new(),
        gname: Vec::new(),
        devmajor: 0,
        devminor: 0,
        format,
    };
    if format == Format::V7 {
        return Ok(h);
    }
    h.uname = c_string(&b[265..297]).to_vec();
    h.gname = c_string(&b[297..329]).to_vec();
    h.devmajor = num(&b[329..337], "devmajor")?;
    h.devminor = num(&b[337..345], "devminor")?;
    let prefix: &[u8] = match format {
        Format::Ustar => c_string(&b[345..500]),
        Format::Star => {
            num(&b[476..488], "atime")?;
            num(&b[488..500], "ctime")?;
            c_string(&b[345..476])
        }
        Format::Gnu => {
            // GNU has atime/ctime where USTAR has the prefix. Go reads them leniently and, when
            // they do not parse, takes the field as a prefix if it is ASCII (archives written by
            // Go before 1.8).
            let atime = &b[345..357];
            let ctime = &b[357..369];
            let bad = |f: &[u8]| f[0] != 0 && parse_numeric(f).is_none();
            if bad(atime) || bad(ctime) {
                let p = c_string(&b[345..500]);
                if p.is_ascii() {
                    p
                } else {
                    &[]
                }
            } else {
                &[]
            }
        }
        Format::V7 => &[],
    };
    if !prefix.is_empty() {
        let mut name = Vec::with_capacity(prefix.len() + 1 + h.name.len());
        name.extend_from_slice(prefix);
        name.push(b'/');
        name.extend_from_slice(&h.name);
        h.name = name;
    }
    Ok(h)
}

/// One (offset, length) pair of an old GNU sparse map, or `None` at the end marker
/// (an offset field starting with NUL, as GNU and BSD tar end it).
pub(crate) fn old_sparse_entry(entry: &[u8]) -> Option<Result<(i64, i64), BlockError>> {
    if entry[0] == 0 {
        return None;
    }
    Some(
        num(&entry[0..12], "sparse offset")
            .and_then(|o| num(&entry[12..24], "sparse length").map(|l| (o, l))),
    )
}
