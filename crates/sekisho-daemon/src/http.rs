//! Just enough HTTP/1.1 for one `GET` over a Unix socket: the request line and `Host`, the
//! status line and headers, and a body framed by `Transfer-Encoding: chunked`,
//! `Content-Length` or the end of the connection. A body that ends before its framing says is
//! an error, never a short archive.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;

/// Largest status line plus headers accepted.
const MAX_HEAD: usize = 64 << 10;
/// Largest error body read for its message.
const MAX_ERROR_BODY: u64 = 64 << 10;

/// A response whose body has not been read.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Box<dyn Read + Send>,
}

impl Response {
    /// The daemon's explanation of an error status: `message` of its JSON body, else the body.
    pub(crate) fn error_message(self) -> Option<String> {
        let mut bytes = Vec::new();
        self.body
            .take(MAX_ERROR_BODY)
            .read_to_end(&mut bytes)
            .ok()?;
        let text = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_string))
            .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
        let text: String = text
            .trim()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(300)
            .collect();
        (!text.is_empty()).then_some(text)
    }
}

/// `GET path` over `stream`; returns once the headers are read.
pub(crate) fn get(mut stream: UnixStream, path: &str) -> io::Result<Response> {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: sekisho/{}\r\n\
         Accept: application/x-tar, application/json\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    stream.write_all(request.as_bytes())?;
    stream.flush()?;
    let mut reader = BufReader::with_capacity(256 << 10, stream);
    let mut head_len = 0usize;
    let mut read_line = |reader: &mut BufReader<UnixStream>| -> io::Result<String> {
        let mut line = Vec::new();
        let n = reader
            .by_ref()
            .take((MAX_HEAD - head_len) as u64 + 1)
            .read_until(b'\n', &mut line)?;
        head_len += n;
        if head_len > MAX_HEAD {
            return Err(invalid("response headers longer than 64 KiB"));
        }
        if n == 0 || line.last() != Some(&b'\n') {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the connection closed before the response headers ended",
            ));
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        Ok(String::from_utf8_lossy(&line).into_owned())
    };
    let status_line = read_line(&mut reader)?;
    let status = parse_status(&status_line)
        .ok_or_else(|| invalid(&format!("not an HTTP response: {:.80}", status_line)))?;
    let mut chunked = false;
    let mut length: Option<u64> = None;
    loop {
        let line = read_line(&mut reader)?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid("a response header without ':'"));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value
                .rsplit(',')
                .next()
                .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"));
        } else if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .parse()
                    .map_err(|_| invalid("a Content-Length that is not a number"))?,
            );
        }
    }
    // 1xx, 204 and 304 have no body; the daemon sends none of them for this request.
    let body: Box<dyn Read + Send> = if chunked {
        Box::new(Chunked {
            inner: reader,
            left: 0,
            state: ChunkState::Size,
        })
    } else if let Some(length) = length {
        Box::new(Counted {
            inner: reader,
            left: length,
        })
    } else {
        Box::new(reader)
    };
    Ok(Response { status, body })
}

fn parse_status(line: &str) -> Option<u16> {
    let mut parts = line.splitn(3, ' ');
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    let code = parts.next()?;
    (code.len() == 3).then_some(())?;
    code.parse().ok()
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

fn cut_short(framing: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the connection closed before the end of the body ({framing})"),
    )
}

/// A `Content-Length` body.
struct Counted<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        if n == 0 {
            return Err(cut_short(&format!("{} bytes missing", self.left)));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ChunkState {
    /// Expecting a chunk-size line.
    Size,
    /// Inside a chunk's data (`left` bytes to go).
    Data,
    /// Expecting the CRLF after a chunk's data.
    DataEnd,
    /// The last chunk and its trailers were read.
    Done,
}

/// A `Transfer-Encoding: chunked` body.
struct Chunked<R> {
    inner: R,
    left: u64,
    state: ChunkState,
}

impl<R: BufRead> Chunked<R> {
    fn line(&mut self) -> io::Result<String> {
        let mut line = Vec::new();
        let n = self
            .inner
            .by_ref()
            .take(4096)
            .read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            if n >= 4096 {
                return Err(invalid("a chunk-size line longer than 4 KiB"));
            }
            return Err(cut_short("chunked encoding"));
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        Ok(String::from_utf8_lossy(&line).into_owned())
    }
}

impl<R: BufRead> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.state {
                ChunkState::Done => return Ok(0),
                ChunkState::Size => {
                    let line = self.line()?;
                    let size = line.split(';').next().unwrap_or("").trim();
                    let size = u64::from_str_radix(size, 16)
                        .map_err(|_| invalid("a chunk size that is not hexadecimal"))?;
                    if size == 0 {
                        // Trailers, up to the empty line.
                        while !self.line()?.is_empty() {}
                        self.state = ChunkState::Done;
                    } else {
                        self.left = size;
                        self.state = ChunkState::Data;
                    }
                }
                ChunkState::Data => {
                    let max = buf
                        .len()
                        .min(usize::try_from(self.left).unwrap_or(usize::MAX));
                    let n = self.inner.read(&mut buf[..max])?;
                    if n == 0 {
                        return Err(cut_short("chunked encoding"));
                    }
                    self.left -= n as u64;
                    if self.left == 0 {
                        self.state = ChunkState::DataEnd;
                    }
                    return Ok(n);
                }
                ChunkState::DataEnd => {
                    if !self.line()?.is_empty() {
                        return Err(invalid("chunk data longer than its size"));
                    }
                    self.state = ChunkState::Size;
                }
            }
        }
    }
}

/// A body whose errors say what was being read and how far it got; after the first error
/// every read fails the same way (the archive reader may try again to skip a member).
pub(crate) struct Labelled<R> {
    inner: R,
    label: String,
    read: u64,
    failed: Option<(io::ErrorKind, String)>,
}

impl<R> Labelled<R> {
    pub(crate) fn new(inner: R, label: String) -> Self {
        Labelled {
            inner,
            label,
            read: 0,
            failed: None,
        }
    }
}

impl<R: Read> Read for Labelled<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some((kind, message)) = &self.failed {
            return Err(io::Error::new(*kind, message.clone()));
        }
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.read += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let kind = e.kind();
                    let e = if matches!(kind, io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) {
                        "no data from the daemon within the time limit".to_string()
                    } else {
                        e.to_string()
                    };
                    let message = format!("{}: {e} after {} bytes", self.label, self.read);
                    self.failed = Some((kind, message.clone()));
                    return Err(io::Error::new(kind, message));
                }
            }
        }
    }
}

/// Percent-encode an image name for the request path, keeping the characters image names and
/// IDs use (`/` stays: the API's route takes names with slashes).
pub(crate) fn escape_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunked(bytes: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Chunked {
            inner: bytes,
            left: 0,
            state: ChunkState::Size,
        }
        .read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn chunked_bodies() {
        assert_eq!(
            chunked(b"3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: x\r\n\r\n").unwrap(),
            b"abcde"
        );
        for short in [
            &b"3\r\nabc\r\n"[..],
            b"3\r\nab",
            b"3\r\nabc",
            b"3\r\nabc\r\n0\r\n",
        ] {
            let e = chunked(short).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof, "{short:?}");
        }
        assert!(chunked(b"zz\r\n").is_err());
        assert!(chunked(b"1\r\nab\r\n0\r\n\r\n").is_err());
    }

    #[test]
    fn sized_bodies() {
        let mut out = Vec::new();
        Counted {
            inner: &b"abcdef"[..],
            left: 4,
        }
        .read_to_end(&mut out)
        .unwrap();
        assert_eq!(out, b"abcd");
        let e = Counted {
            inner: &b"ab"[..],
            left: 4,
        }
        .read_to_end(&mut out)
        .unwrap_err();
        assert!(e.to_string().contains("2 bytes missing"), "{e}");
    }

    #[test]
    fn status_lines_and_paths() {
        assert_eq!(parse_status("HTTP/1.1 200 OK"), Some(200));
        assert_eq!(parse_status("HTTP/1.0 404"), Some(404));
        assert_eq!(parse_status("SSH-2.0-OpenSSH"), None);
        assert_eq!(
            escape_path("localhost/app:1.0"),
            "localhost/app:1.0".to_string()
        );
        assert_eq!(escape_path("a b?#"), "a%20b%3F%23");
        assert_eq!(escape_path("sha256:ab12"), "sha256:ab12");
    }
}
