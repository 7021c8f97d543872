//! The streaming reader: Go's `Reader.Next` loop (extension headers folded into the entry they
//! precede), data skipping, and the regular and sparse data readers.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Read, Seek, SeekFrom};

use crate::block::{
    format_of, old_sparse_entry, parse_block, BlockError, Format, RawHeader, BLOCK,
};
use crate::error::{printable, Location, TarError};
use crate::parse::{c_string, parse_decimal, parse_numeric, parse_pax_record, parse_pax_time};

/// Limits that keep hostile archives from causing large allocations. Exceeding one is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest PAX extended header (`x`, `g`), GNU long name or link (`L`, `K`) or GNU 1.0
    /// sparse map, in bytes. Default 1 MiB, Go's `maxSpecialFileSize`.
    pub max_special_size: u64,
    /// The most fragments a sparse map may have. Default 262,144 (4 MiB of map in memory).
    pub max_sparse_fragments: usize,
    /// The longest path or link target, in bytes. Default 65,536 (Linux allows 4,096).
    pub max_path_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_special_size: 1 << 20,
            max_sparse_fragments: 1 << 18,
            max_path_len: 1 << 16,
        }
    }
}

/// What to do with PAX global headers (`g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GlobalHeaders {
    /// Go's `archive/tar` (and so Docker and containerd): a global header does not change later
    /// entries. Its records are kept in [`Reader::global_records`].
    #[default]
    Ignore,
    /// GNU tar and POSIX: a global header's records apply to every later entry, under that
    /// entry's own `x` records, until another global header replaces a key.
    Apply,
}

/// Reader options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Limits on header sizes.
    pub limits: Limits,
    /// PAX global header handling.
    pub global_headers: GlobalHeaders,
}

/// What kind of object an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file: type `0`, NUL without a trailing `/` in the name, `7` (contiguous) and
    /// `S` (old GNU sparse).
    Regular,
    /// A hard link (`1`) to the path in [`Header::link_bytes`].
    HardLink,
    /// A symbolic link (`2`) to the target in [`Header::link_bytes`].
    Symlink,
    /// A character device (`3`).
    CharDevice,
    /// A block device (`4`).
    BlockDevice,
    /// A directory (`5`, or NUL with a name ending in `/`).
    Directory,
    /// A FIFO (`6`).
    Fifo,
    /// Any other type flag (GNU `D`, `M`, `N`, `V`, vendor types): as Go, the entry is returned
    /// with its data readable and the caller decides.
    Other(u8),
}

/// One (offset, length) data fragment of a sparse file; everything outside the fragments reads
/// as zeros.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SparseFragment {
    /// Logical offset of the fragment in the file.
    pub offset: u64,
    /// Length of the fragment.
    pub length: u64,
}

/// The facts about one entry, with every extension header (PAX, GNU long names, sparse maps)
/// applied.
#[derive(Debug, Clone)]
pub struct Header {
    index: u64,
    header_offset: u64,
    data_offset: u64,
    stored_size: u64,
    typeflag: u8,
    kind: EntryKind,
    path: Vec<u8>,
    link: Vec<u8>,
    size: u64,
    mode: i64,
    uid: i64,
    gid: i64,
    uname: Vec<u8>,
    gname: Vec<u8>,
    mtime: (i64, u32),
    devmajor: i64,
    devminor: i64,
    format: Format,
    pax_records: BTreeMap<Vec<u8>, Vec<u8>>,
    xattrs: BTreeMap<Vec<u8>, Vec<u8>>,
    sparse_map: Option<Vec<SparseFragment>>,
}

impl Header {
    /// Index of the entry among those the reader yields (0 for the first).
    pub fn index(&self) -> u64 {
        self.index
    }
    /// Offset in the stream of the entry's own header block (after its extension headers).
    pub fn header_offset(&self) -> u64 {
        self.header_offset
    }
    /// Offset in the stream where the entry's stored data starts (after a GNU 1.0 sparse map).
    pub fn data_offset(&self) -> u64 {
        self.data_offset
    }
    /// Bytes of data stored in the archive from [`Header::data_offset`]: the logical size for
    /// a regular file, the packed fragments for a sparse file, 0 for links, directories,
    /// devices and FIFOs whatever their size field says.
    pub fn stored_size(&self) -> u64 {
        self.stored_size
    }
    /// The type flag byte (after Go's rule turning NUL into `0` or `5`).
    pub fn typeflag(&self) -> u8 {
        self.typeflag
    }
    /// What kind of object this is.
    pub fn kind(&self) -> EntryKind {
        self.kind
    }
    /// The path as stored, raw bytes, not normalised (may be absolute, hold `..`, end in `/`).
    pub fn path_bytes(&self) -> &[u8] {
        &self.path
    }
    /// The path as lossy UTF-8.
    pub fn path_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.path)
    }
    /// The link target (hard or symbolic link) as stored, raw bytes; empty when none.
    pub fn link_bytes(&self) -> &[u8] {
        &self.link
    }
    /// The link target as lossy UTF-8.
    pub fn link_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.link)
    }
    /// The logical size: the file's size (a sparse file's size with holes); for other kinds the
    /// size field as stored (see [`Header::stored_size`] for the data actually present).
    pub fn size(&self) -> u64 {
        self.size
    }
    /// The mode field as stored (permission bits and, in some writers, file type bits).
    pub fn mode(&self) -> i64 {
        self.mode
    }
    /// The owner's user ID.
    pub fn uid(&self) -> i64 {
        self.uid
    }
    /// The owner's group ID.
    pub fn gid(&self) -> i64 {
        self.gid
    }
    /// The owner's user name, raw bytes (empty in V7 headers).
    pub fn uname_bytes(&self) -> &[u8] {
        &self.uname
    }
    /// The owner's group name, raw bytes.
    pub fn gname_bytes(&self) -> &[u8] {
        &self.gname
    }
    /// Modification time as (seconds since the epoch, nanoseconds 0..1e9); fractional only
    /// from a PAX `mtime`.
    pub fn mtime(&self) -> (i64, u32) {
        self.mtime
    }
    /// Device major number (devices only; 0 in V7 headers).
    pub fn devmajor(&self) -> i64 {
        self.devmajor
    }
    /// Device minor number.
    pub fn devminor(&self) -> i64 {
        self.devminor
    }
    /// The layout of the entry's own header block.
    pub fn format(&self) -> Format {
        self.format
    }
    /// The PAX records that applied to this entry (its `x` header, and the global ones under
    /// [`GlobalHeaders::Apply`]); GNU 0.0 sparse offset/numbytes pairs appear joined as
    /// `GNU.sparse.map`, as Go does.
    pub fn pax_records(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        &self.pax_records
    }
    /// Extended attributes from `SCHILY.xattr.NAME` records, by NAME.
    pub fn xattrs(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        &self.xattrs
    }
    /// For a sparse file, its data fragments in order; `None` for other entries.
    pub fn sparse_map(&self) -> Option<&[SparseFragment]> {
        self.sparse_map.as_deref()
    }
}

fn header_only(typeflag: u8) -> bool {
    matches!(typeflag, b'1'..=b'6')
}

fn kind_of(typeflag: u8) -> EntryKind {
    match typeflag {
        b'0' | b'7' | b'S' => EntryKind::Regular,
        b'1' => EntryKind::HardLink,
        b'2' => EntryKind::Symlink,
        b'3' => EntryKind::CharDevice,
        b'4' => EntryKind::BlockDevice,
        b'5' => EntryKind::Directory,
        b'6' => EntryKind::Fifo,
        other => EntryKind::Other(other),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Active,
    Done,
    Failed,
}

struct SparseState {
    map: Vec<SparseFragment>,
    next: usize,
    pos: u64,
    size: u64,
}

/// How unread data is skipped: returns how many bytes were skipped (fewer at end of stream).
type SkipFn<R> = fn(&mut R, u64) -> io::Result<u64>;

fn skip_by_reading<R: Read>(r: &mut R, n: u64) -> io::Result<u64> {
    io::copy(&mut r.take(n), &mut io::sink())
}

/// Seeks to the last byte to skip and reads it, so that a truncated stream is noticed (seeking
/// past the end succeeds), as Go's `discard`.
fn skip_by_seeking<R: Read + Seek>(r: &mut R, n: u64) -> io::Result<u64> {
    if n <= 1 {
        return skip_by_reading(r, n);
    }
    let before = r.stream_position()?;
    let step = i64::try_from(n - 1).map_err(io::Error::other)?;
    let after = r.seek(SeekFrom::Current(step))?;
    let seeked = after.saturating_sub(before);
    let skipped = seeked + skip_by_reading(r, n - seeked)?;
    if skipped < n {
        // The seek went past the end: count what was really there, for the error message.
        let end = r.seek(SeekFrom::End(0))?;
        return Ok(end.saturating_sub(before).min(n));
    }
    Ok(skipped)
}

/// A streaming tar reader with Go `archive/tar` semantics.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::io::Read;
/// let bytes: &[u8] = &[0; 1024]; // an empty archive
/// let mut reader = sekisho_tar::Reader::new(bytes);
/// while let Some(mut entry) = reader.next_entry()? {
///     let mut head = Vec::new();
///     (&mut entry).take(512).read_to_end(&mut head)?;
///     println!("{} {}", entry.header().path_lossy(), entry.header().size());
/// }
/// # Ok(()) }
/// ```
pub struct Reader<R> {
    inner: R,
    skip: SkipFn<R>,
    pos: u64,
    state: State,
    next_index: u64,
    options: Options,
    globals: BTreeMap<Vec<u8>, Vec<u8>>,
    phys_remaining: u64,
    pad: u64,
    sparse: Option<SparseState>,
    current: Location,
}

impl<R: Read> Reader<R> {
    /// A reader over any byte stream; unread data is skipped by reading it.
    pub fn new(inner: R) -> Self {
        Self::with_options(inner, Options::default())
    }

    /// [`Reader::new`] with options.
    pub fn with_options(inner: R, options: Options) -> Self {
        Self::build(inner, skip_by_reading::<R>, options)
    }

    fn build(inner: R, skip: SkipFn<R>, options: Options) -> Self {
        Reader {
            inner,
            skip,
            pos: 0,
            state: State::Active,
            next_index: 0,
            options,
            globals: BTreeMap::new(),
            phys_remaining: 0,
            pad: 0,
            sparse: None,
            current: Location {
                entry: 0,
                offset: 0,
                name: None,
            },
        }
    }

    /// Bytes consumed from the underlying stream since the reader was made. Offsets reported
    /// by the reader count from the same start.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// The records of all PAX global headers seen so far (later ones replace earlier keys).
    pub fn global_records(&self) -> &BTreeMap<Vec<u8>, Vec<u8>> {
        &self.globals
    }

    /// The underlying stream, positioned wherever reading stopped.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The next entry, or `None` at the end of the archive (two zero blocks, or end of stream
    /// at a header boundary as Go accepts). Unread data of the previous entry is skipped.
    /// After an error every call returns [`TarError::Failed`].
    pub fn next_entry(&mut self) -> Result<Option<Entry<'_, R>>, TarError> {
        match self.state {
            State::Done => return Ok(None),
            State::Failed => return Err(TarError::Failed),
            State::Active => {}
        }
        match self.advance() {
            Ok(Some(header)) => Ok(Some(Entry {
                reader: self,
                header,
            })),
            Ok(None) => {
                self.state = State::Done;
                Ok(None)
            }
            Err(e) => {
                self.state = State::Failed;
                Err(e)
            }
        }
    }

    fn at(&self, offset: u64, name: Option<&[u8]>) -> Location {
        Location {
            entry: self.next_index,
            offset,
            name: name.map(printable),
        }
    }

    fn io_err(&self, source: io::Error) -> TarError {
        TarError::Io {
            at: self.current.clone(),
            source,
        }
    }

    /// Reads until `buf` is full or the stream ends; returns how much was read.
    fn read_full(&mut self, buf: &mut [u8]) -> Result<usize, TarError> {
        let mut n = 0;
        while n < buf.len() {
            match self.inner.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_err(e)),
            }
        }
        self.pos += n as u64;
        Ok(n)
    }

    /// Sets up the data section of an entry whose header says `typeflag` and `size`
    /// (Go's `handleRegularFile`).
    fn set_data(&mut self, typeflag: u8, size: i64) -> Result<(), TarError> {
        let Ok(size) = u64::try_from(size) else {
            return Err(TarError::NegativeSize {
                at: self.current.clone(),
            });
        };
        let nb = if header_only(typeflag) { 0 } else { size };
        self.phys_remaining = nb;
        self.pad = (BLOCK as u64 - nb % BLOCK as u64) % BLOCK as u64;
        self.sparse = None;
        Ok(())
    }

    /// Skips the rest of the current data and its padding. `false` when the stream ends inside
    /// the padding, which Go takes as the end of the archive.
    fn skip_current(&mut self) -> Result<bool, TarError> {
        let data = std::mem::take(&mut self.phys_remaining);
        let pad = std::mem::take(&mut self.pad);
        self.sparse = None;
        if data > 0 {
            let skipped = (self.skip)(&mut self.inner, data).map_err(|e| self.io_err(e))?;
            self.pos += skipped;
            if skipped < data {
                return Err(TarError::TruncatedData {
                    at: self.current.clone(),
                    missing: data - skipped,
                });
            }
        }
        let mut padding = [0u8; BLOCK];
        // pad < BLOCK, so the cast is exact.
        let got = self.read_full(&mut padding[..pad as usize])?;
        Ok(got as u64 == pad)
    }

    /// Reads stored data of the current entry.
    fn read_phys(&mut self, buf: &mut [u8]) -> Result<usize, TarError> {
        if self.phys_remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let n = buf
            .len()
            .min(usize::try_from(self.phys_remaining).unwrap_or(usize::MAX));
        let got = loop {
            match self.inner.read(&mut buf[..n]) {
                Ok(k) => break k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_err(e)),
            }
        };
        if got == 0 {
            return Err(TarError::TruncatedData {
                at: self.current.clone(),
                missing: self.phys_remaining,
            });
        }
        self.pos += got as u64;
        self.phys_remaining -= got as u64;
        Ok(got)
    }

    /// Reads all of the current data section as a special file (PAX header, long name).
    fn read_special(&mut self, what: &'static str) -> Result<Vec<u8>, TarError> {
        let limit = self.options.limits.max_special_size;
        if self.phys_remaining > limit {
            return Err(TarError::TooLarge {
                at: self.current.clone(),
                what,
                size: self.phys_remaining,
                limit,
            });
        }
        // Grow as data arrives (as Go's io.ReadAll), so a header claiming the limit in a short
        // stream does not allocate it up front.
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let n = self.read_phys(&mut chunk)?;
            if n == 0 {
                return Ok(buf);
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Reads one header block; `None` at the end of the archive.
    fn read_header_block(&mut self, offset: u64) -> Result<Option<[u8; BLOCK]>, TarError> {
        let mut blk = [0u8; BLOCK];
        let n = self.read_full(&mut blk)?;
        if n == 0 {
            return Ok(None);
        }
        if n < BLOCK {
            return Err(TarError::TruncatedHeader {
                at: self.current.clone(),
            });
        }
        if blk.iter().all(|&b| b == 0) {
            let n = self.read_full(&mut blk)?;
            if n == 0 {
                return Ok(None);
            }
            if n < BLOCK {
                return Err(TarError::TruncatedHeader {
                    at: self.current.clone(),
                });
            }
            if blk.iter().all(|&b| b == 0) {
                return Ok(None);
            }
            return Err(TarError::LoneZeroBlock { offset });
        }
        Ok(Some(blk))
    }

    fn block_error(&self, e: BlockError) -> TarError {
        match e {
            BlockError::Checksum => TarError::BadChecksum {
                at: self.current.clone(),
            },
            BlockError::Number(field) => TarError::InvalidNumber {
                at: self.current.clone(),
                field,
            },
        }
    }

    /// Go's `Reader.next`: reads headers until one describes an entry.
    fn advance(&mut self) -> Result<Option<Header>, TarError> {
        let mut pax: Option<BTreeMap<Vec<u8>, Vec<u8>>> = None;
        let mut long_name: Vec<u8> = Vec::new();
        let mut long_link: Vec<u8> = Vec::new();
        loop {
            if !self.skip_current()? {
                return Ok(None);
            }
            let offset = self.pos;
            self.current = self.at(offset, None);
            let Some(blk) = self.read_header_block(offset)? else {
                return Ok(None);
            };
            let raw = parse_block(&blk).map_err(|e| self.block_error(e))?;
            self.current = self.at(offset, Some(&raw.name));
            self.set_data(raw.typeflag, raw.size)?;
            match raw.typeflag {
                b'x' | b'g' => {
                    let data = self.read_special("PAX header")?;
                    let records = parse_pax(&data).map_err(|reason| TarError::BadPaxRecord {
                        at: self.current.clone(),
                        reason,
                    })?;
                    if raw.typeflag == b'g' {
                        self.globals.extend(records);
                    } else {
                        pax = Some(records);
                    }
                }
                b'L' | b'K' => {
                    let data = self.read_special("GNU long name")?;
                    let value = c_string(&data).to_vec();
                    if raw.typeflag == b'L' {
                        long_name = value;
                    } else {
                        long_link = value;
                    }
                }
                _ => {
                    let records = match self.options.global_headers {
                        GlobalHeaders::Ignore => pax.unwrap_or_default(),
                        GlobalHeaders::Apply => {
                            let mut all = self.globals.clone();
                            all.extend(pax.unwrap_or_default());
                            all
                        }
                    };
                    return self
                        .finish(raw, &blk, records, long_name, long_link, offset)
                        .map(Some);
                }
            }
        }
    }

    fn bad_pax(&self, key: &'static str) -> TarError {
        TarError::BadPaxValue {
            at: self.current.clone(),
            key,
        }
    }

    fn bad_sparse(&self, reason: &'static str) -> TarError {
        TarError::BadSparseMap {
            at: self.current.clone(),
            reason,
        }
    }

    /// Applies extension headers to an entry header and sets up its data reader.
    fn finish(
        &mut self,
        raw: RawHeader,
        blk: &[u8; BLOCK],
        records: BTreeMap<Vec<u8>, Vec<u8>>,
        long_name: Vec<u8>,
        long_link: Vec<u8>,
        offset: u64,
    ) -> Result<Header, TarError> {
        let mut h = Header {
            index: self.next_index,
            header_offset: offset,
            data_offset: 0,
            stored_size: 0,
            typeflag: raw.typeflag,
            kind: EntryKind::Regular,
            path: raw.name,
            link: raw.link,
            size: 0,
            mode: raw.mode,
            uid: raw.uid,
            gid: raw.gid,
            uname: raw.uname,
            gname: raw.gname,
            mtime: (raw.mtime, 0),
            devmajor: raw.devmajor,
            devminor: raw.devminor,
            format: raw.format,
            pax_records: BTreeMap::new(),
            xattrs: BTreeMap::new(),
            sparse_map: None,
        };
        let mut size = raw.size;
        // Go's mergePAX: an empty value keeps the header's value.
        for (key, value) in &records {
            if value.is_empty() {
                continue;
            }
            match key.as_slice() {
                b"path" => h.path.clone_from(value),
                b"linkpath" => h.link.clone_from(value),
                b"uname" => h.uname.clone_from(value),
                b"gname" => h.gname.clone_from(value),
                b"uid" => h.uid = parse_decimal(value).ok_or_else(|| self.bad_pax("uid"))?,
                b"gid" => h.gid = parse_decimal(value).ok_or_else(|| self.bad_pax("gid"))?,
                b"size" => size = parse_decimal(value).ok_or_else(|| self.bad_pax("size"))?,
                b"mtime" => {
                    h.mtime = parse_pax_time(value).ok_or_else(|| self.bad_pax("mtime"))?;
                }
                b"atime" => {
                    parse_pax_time(value).ok_or_else(|| self.bad_pax("atime"))?;
                }
                b"ctime" => {
                    parse_pax_time(value).ok_or_else(|| self.bad_pax("ctime"))?;
                }
                k => {
                    if let Some(name) = k.strip_prefix(b"SCHILY.xattr.") {
                        h.xattrs.insert(name.to_vec(), value.clone());
                    }
                }
            }
        }
        if !long_name.is_empty() {
            h.path = long_name;
        }
        if !long_link.is_empty() {
            h.link = long_link;
        }
        if h.typeflag == 0 {
            h.typeflag = if h.path.ends_with(b"/") { b'5' } else { b'0' };
        }
        self.current.name = Some(printable(&h.path));
        self.set_data(h.typeflag, size)?;

        let map = if h.typeflag == b'S' {
            Some(self.old_gnu_sparse(blk, &mut size)?)
        } else {
            self.pax_sparse(&records, &mut h.path, &mut size)?
        };
        self.current.name = Some(printable(&h.path));
        let limits = self.options.limits;
        for (what, len) in [("path", h.path.len()), ("link target", h.link.len())] {
            if len > limits.max_path_len {
                return Err(TarError::TooLarge {
                    at: self.current.clone(),
                    what,
                    size: len as u64,
                    limit: limits.max_path_len as u64,
                });
            }
        }
        let Ok(size) = u64::try_from(size) else {
            return Err(if map.is_some() {
                self.bad_sparse("negative size")
            } else {
                TarError::NegativeSize {
                    at: self.current.clone(),
                }
            });
        };
        h.size = size;
        if let Some(map) = map {
            if header_only(h.typeflag) {
                return Err(self.bad_sparse("sparse map on a link, directory or device"));
            }
            let map = validate_sparse(&map, size).map_err(|r| self.bad_sparse(r))?;
            h.sparse_map = Some(map.clone());
            self.sparse = Some(SparseState {
                map,
                next: 0,
                pos: 0,
                size,
            });
        }
        h.kind = kind_of(h.typeflag);
        h.pax_records = records;
        h.data_offset = self.pos;
        h.stored_size = self.phys_remaining;
        self.next_index += 1;
        Ok(h)
    }

    /// Old GNU sparse format (`S`): the map is in the header and in extension blocks after it.
    fn old_gnu_sparse(
        &mut self,
        blk: &[u8; BLOCK],
        size: &mut i64,
    ) -> Result<Vec<(i64, i64)>, TarError> {
        if format_of(blk) != Some(Format::Gnu) {
            return Err(self.bad_sparse("old GNU sparse type in a non-GNU header"));
        }
        *size = parse_numeric(&blk[483..495]).ok_or_else(|| TarError::InvalidNumber {
            at: self.current.clone(),
            field: "sparse realsize",
        })?;
        let limit = self.options.limits.max_sparse_fragments;
        let mut map = Vec::new();
        let mut block = *blk;
        let (mut start, mut count, mut ext_at) = (386, 4, 482);
        loop {
            for i in 0..count {
                let at = start + i * 24;
                match old_sparse_entry(&block[at..at + 24]) {
                    None => break,
                    Some(Ok(pair)) => {
                        if map.len() == limit {
                            return Err(TarError::TooManySparseFragments {
                                at: self.current.clone(),
                                limit,
                            });
                        }
                        map.push(pair);
                    }
                    Some(Err(e)) => return Err(self.block_error(e)),
                }
            }
            if block[ext_at] == 0 {
                return Ok(map);
            }
            if self.read_full(&mut block)? < BLOCK {
                return Err(TarError::TruncatedHeader {
                    at: self.current.clone(),
                });
            }
            (start, count, ext_at) = (0, 21, 504);
        }
    }

    /// GNU sparse formats 0.0, 0.1 and 1.0 in PAX records (Go's `readGNUSparsePAXHeaders`).
    fn pax_sparse(
        &mut self,
        records: &BTreeMap<Vec<u8>, Vec<u8>>,
        path: &mut Vec<u8>,
        size: &mut i64,
    ) -> Result<Option<Vec<(i64, i64)>>, TarError> {
        let get = |k: &[u8]| records.get(k).map_or(&b""[..], Vec::as_slice);
        let (major, minor) = (get(b"GNU.sparse.major"), get(b"GNU.sparse.minor"));
        let is1x0 = match (major, minor) {
            (b"0", b"0" | b"1") => false,
            (b"1", b"0") => true,
            _ if !major.is_empty() || !minor.is_empty() => return Ok(None),
            _ if !get(b"GNU.sparse.map").is_empty() => false,
            _ => return Ok(None),
        };
        let name = get(b"GNU.sparse.name");
        if !name.is_empty() {
            *path = name.to_vec();
        }
        let mut real = get(b"GNU.sparse.size");
        if real.is_empty() {
            real = get(b"GNU.sparse.realsize");
        }
        if !real.is_empty() {
            *size = parse_decimal(real).ok_or_else(|| self.bad_pax("GNU.sparse.size"))?;
        }
        if is1x0 {
            self.sparse_map_1x0().map(Some)
        } else {
            let count = parse_decimal(get(b"GNU.sparse.numblocks"))
                .ok_or_else(|| self.bad_pax("GNU.sparse.numblocks"))?;
            let limit = self.options.limits.max_sparse_fragments;
            let count = usize::try_from(count).map_err(|_| self.bad_pax("GNU.sparse.numblocks"))?;
            if count > limit {
                return Err(TarError::TooManySparseFragments {
                    at: self.current.clone(),
                    limit,
                });
            }
            let text = get(b"GNU.sparse.map");
            let fields: Vec<&[u8]> = if text.is_empty() {
                Vec::new()
            } else {
                text.split(|&b| b == b',').collect()
            };
            if fields.len() != 2 * count {
                return Err(self.bad_sparse("GNU.sparse.map does not have numblocks pairs"));
            }
            fields
                .chunks(2)
                .map(|p| match (parse_decimal(p[0]), parse_decimal(p[1])) {
                    (Some(o), Some(l)) => Ok((o, l)),
                    _ => Err(self.bad_sparse("a GNU.sparse.map number is not decimal")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some)
        }
    }

    /// GNU sparse 1.0: the map is decimal text lines at the start of the data, in whole blocks.
    fn sparse_map_1x0(&mut self) -> Result<Vec<(i64, i64)>, TarError> {
        let limit = self.options.limits.max_special_size;
        let mut text: Vec<u8> = Vec::new();
        let mut newlines: u64 = 0;
        let mut cursor = 0usize;
        let mut block = [0u8; BLOCK];
        let mut feed = |this: &mut Self, text: &mut Vec<u8>, want: u64| -> Result<(), TarError> {
            while newlines < want {
                if text.len() as u64 + BLOCK as u64 > limit {
                    return Err(TarError::TooLarge {
                        at: this.current.clone(),
                        what: "GNU sparse map",
                        size: text.len() as u64 + BLOCK as u64,
                        limit,
                    });
                }
                let mut n = 0;
                while n < BLOCK {
                    let k = this.read_phys(&mut block[n..])?;
                    if k == 0 {
                        return Err(this.bad_sparse("the map runs past the entry's data"));
                    }
                    n += k;
                }
                newlines += block.iter().filter(|&&b| b == b'\n').count() as u64;
                text.extend_from_slice(&block);
            }
            Ok(())
        };
        let token = |text: &[u8], cursor: &mut usize| -> Option<i64> {
            let rest = &text[*cursor..];
            let end = rest.iter().position(|&b| b == b'\n')?;
            *cursor += end + 1;
            parse_decimal(&rest[..end])
        };
        feed(self, &mut text, 1)?;
        let count = token(&text, &mut cursor)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| self.bad_sparse("the fragment count is not a decimal number"))?;
        let max = self.options.limits.max_sparse_fragments;
        if count > max {
            return Err(TarError::TooManySparseFragments {
                at: self.current.clone(),
                limit: max,
            });
        }
        feed(self, &mut text, 1 + 2 * count as u64)?;
        let mut map = Vec::with_capacity(count);
        for _ in 0..count {
            match (token(&text, &mut cursor), token(&text, &mut cursor)) {
                (Some(o), Some(l)) => map.push((o, l)),
                _ => return Err(self.bad_sparse("a map number is not decimal")),
            }
        }
        Ok(map)
    }

    fn read_data(&mut self, buf: &mut [u8]) -> Result<usize, TarError> {
        let Some(sp) = &mut self.sparse else {
            return self.read_phys(buf);
        };
        if sp.pos >= sp.size || buf.is_empty() {
            if sp.pos >= sp.size && self.phys_remaining > 0 {
                return Err(TarError::SparseDataMismatch {
                    at: self.current.clone(),
                    reason: "has unreferenced data",
                });
            }
            return Ok(0);
        }
        let want = (sp.size - sp.pos).min(buf.len() as u64);
        while sp.next < sp.map.len() {
            let f = sp.map[sp.next];
            if f.offset + f.length > sp.pos {
                break;
            }
            sp.next += 1;
        }
        match sp.map.get(sp.next) {
            Some(f) if sp.pos >= f.offset => {
                // In a data fragment.
                let n = want.min(f.offset + f.length - sp.pos) as usize;
                let got = self.read_phys(&mut buf[..n])?;
                if got == 0 {
                    return Err(TarError::SparseDataMismatch {
                        at: self.current.clone(),
                        reason: "references missing data",
                    });
                }
                if let Some(sp) = &mut self.sparse {
                    sp.pos += got as u64;
                }
                Ok(got)
            }
            next => {
                // In a hole, up to the next fragment or the end.
                let end = next.map_or(sp.size, |f| f.offset);
                let n = want.min(end - sp.pos) as usize;
                buf[..n].fill(0);
                sp.pos += n as u64;
                Ok(n)
            }
        }
    }
}

impl<R: Read + Seek> Reader<R> {
    /// A reader over a seekable stream: unread data is skipped by seeking, so indexing a large
    /// uncompressed archive reads only its headers. Offsets count from the stream's position
    /// when the reader is made.
    pub fn new_seekable(inner: R) -> Self {
        Self::seekable_with_options(inner, Options::default())
    }

    /// [`Reader::new_seekable`] with options.
    pub fn seekable_with_options(inner: R, options: Options) -> Self {
        Self::build(inner, skip_by_seeking::<R>, options)
    }
}

/// Checks a sparse map as Go's `validateSparseEntries` (BSD tar's checks): no negative numbers,
/// no overflow, every fragment inside the size, in order and not overlapping.
fn validate_sparse(map: &[(i64, i64)], size: u64) -> Result<Vec<SparseFragment>, &'static str> {
    let mut out = Vec::with_capacity(map.len());
    let mut prev_end = 0u64;
    for &(offset, length) in map {
        let (Ok(offset), Ok(length)) = (u64::try_from(offset), u64::try_from(length)) else {
            return Err("negative offset or length");
        };
        let end = offset
            .checked_add(length)
            .filter(|&e| e <= i64::MAX as u64)
            .ok_or("offset plus length overflows")?;
        if end > size {
            return Err("a fragment extends beyond the size");
        }
        if prev_end > offset {
            return Err("fragments overlap or are out of order");
        }
        prev_end = end;
        out.push(SparseFragment { offset, length });
    }
    Ok(out)
}

/// Parses the records of a PAX extended header (Go's `parsePAX`): later records replace earlier
/// ones with the same key; GNU 0.0 `GNU.sparse.offset`/`GNU.sparse.numbytes` pairs are joined
/// into one `GNU.sparse.map` record.
pub fn parse_pax(mut data: &[u8]) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, &'static str> {
    let mut records = BTreeMap::new();
    let mut sparse: Vec<&[u8]> = Vec::new();
    while !data.is_empty() {
        let (key, value, rest) = parse_pax_record(data)?;
        data = rest;
        match key {
            b"GNU.sparse.offset" | b"GNU.sparse.numbytes" => {
                let expect_offset = sparse.len().is_multiple_of(2);
                if expect_offset != (key == b"GNU.sparse.offset") || value.contains(&b',') {
                    return Err("GNU 0.0 sparse records out of order");
                }
                sparse.push(value);
            }
            _ => {
                records.insert(key.to_vec(), value.to_vec());
            }
        }
    }
    if !sparse.is_empty() {
        records.insert(b"GNU.sparse.map".to_vec(), sparse.join(&b","[..]));
    }
    Ok(records)
}

/// One entry of the archive: its [`Header`] and, through [`Read`], its logical content (zeros
/// in the holes of a sparse file, read lazily).
pub struct Entry<'a, R> {
    reader: &'a mut Reader<R>,
    header: Header,
}

impl<R: Read> Entry<'_, R> {
    /// The entry's facts.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Offset in the stream where the entry's stored data starts.
    pub fn data_offset(&self) -> u64 {
        self.header.data_offset
    }
}

impl<R: Read> Read for Entry<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read_data(buf).map_err(io::Error::other)
    }
}
