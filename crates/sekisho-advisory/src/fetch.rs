//! HTTP downloads for [`crate::update`]: one `ureq` agent (rustls, keep-alive), timeouts,
//! retries with exponential backoff that honour `Retry-After` on 429/503, and a check that
//! the whole body arrived (`Content-Length`). Nothing here reads the environment: the proxy
//! and the timeouts come from [`HttpOptions`].

use std::io::{self, Read, Write};
use std::time::Duration;

use crate::Error;

/// How downloads behave. The defaults are those of `sekisho db update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Time allowed to open a connection (TLS handshake included).
    pub connect_timeout: Duration,
    /// Time allowed for each read from the connection (a stalled transfer fails after it).
    pub read_timeout: Duration,
    /// Tries per request (1: no retry).
    pub attempts: u32,
    /// The wait before the first retry; doubled before each later one.
    pub backoff: Duration,
    /// The longest `Retry-After` honoured (a longer one is cut to this).
    pub max_retry_after: Duration,
    /// An HTTP(S) proxy URL (`http://host:port`), or none for direct connections.
    pub proxy: Option<String>,
    /// Hosts reached directly despite the proxy (`NO_PROXY` syntax: comma-separated
    /// `host`, `.domain`, `*.domain` or `*`).
    pub no_proxy: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            attempts: 3,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(120),
            proxy: None,
            no_proxy: None,
            user_agent: concat!("sekisho/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// An HTTP client bound to one set of options.
pub(crate) struct Client {
    agent: ureq::Agent,
    opts: HttpOptions,
}

/// Why one try failed, and whether another try may help.
struct Failure {
    message: String,
    retry: bool,
    wait: Option<Duration>,
}

impl Client {
    /// A client; an invalid proxy URL is an error.
    pub(crate) fn new(opts: &HttpOptions) -> Result<Self, Error> {
        let proxy = match &opts.proxy {
            Some(p) => Some(
                proxy(p, opts.no_proxy.as_deref()).map_err(|e| Error::Options {
                    message: format!("proxy {p:?}: {e}"),
                })?,
            ),
            None => None,
        };
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(opts.connect_timeout))
            .timeout_per_read(Some(opts.read_timeout))
            .http_status_as_error(false)
            .proxy(proxy)
            .user_agent(opts.user_agent.as_str())
            .build();
        Ok(Client {
            agent: config.into(),
            opts: opts.clone(),
        })
    }

    /// GETs `url` into a writer made fresh for each try by `open`. `Ok(None)`: the server
    /// has no such file (404/410). `progress(done, total)` follows the body.
    pub(crate) fn get_into<W: Write>(
        &self,
        feed: &str,
        url: &str,
        open: &mut dyn FnMut() -> io::Result<W>,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Option<(W, u64)>, Error> {
        let attempts = self.opts.attempts.max(1);
        let mut backoff = self.opts.backoff;
        let mut last = String::new();
        for attempt in 1..=attempts {
            match self.try_once(url, open, progress) {
                Ok(got) => return Ok(got),
                Err(f) => {
                    last = f.message;
                    if !f.retry || attempt == attempts {
                        if !f.retry {
                            return Err(fetch_error(feed, url, last));
                        }
                        break;
                    }
                    let wait = f.wait.map_or(backoff, |w| w.min(self.opts.max_retry_after));
                    std::thread::sleep(wait);
                    backoff = backoff.saturating_mul(2);
                }
            }
        }
        Err(fetch_error(
            feed,
            url,
            format!("{last} (after {attempts} attempts)"),
        ))
    }

    /// GETs a small file into memory (at most `limit` bytes).
    pub(crate) fn get_bytes(
        &self,
        feed: &str,
        url: &str,
        limit: u64,
    ) -> Result<Option<Vec<u8>>, Error> {
        let got = self.get_into(feed, url, &mut || Ok(Limited::new(limit)), &mut |_, _| {})?;
        Ok(got.map(|(w, _)| w.buf))
    }

    fn try_once<W: Write>(
        &self,
        url: &str,
        open: &mut dyn FnMut() -> io::Result<W>,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Option<(W, u64)>, Failure> {
        let resp = self.agent.get(url).call().map_err(|e| Failure {
            retry: !matches!(e, ureq::Error::BadUri(_) | ureq::Error::Tls(_)),
            message: e.to_string(),
            wait: None,
        })?;
        let status = resp.status().as_u16();
        match status {
            200..=299 => {}
            404 | 410 => return Ok(None),
            429 | 503 => {
                return Err(Failure {
                    message: format!("HTTP {status}"),
                    retry: true,
                    wait: retry_after(resp.headers().get("retry-after")),
                })
            }
            408 | 500..=599 => {
                return Err(Failure {
                    message: format!("HTTP {status}"),
                    retry: true,
                    wait: None,
                })
            }
            _ => {
                return Err(Failure {
                    message: format!("HTTP {status}"),
                    retry: false,
                    wait: None,
                })
            }
        }
        let total = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let local = |e: io::Error| Failure {
            message: format!("writing the download: {e}"),
            retry: false,
            wait: None,
        };
        let mut out = open().map_err(local)?;
        let mut body = resp.into_body().into_reader();
        let mut buf = vec![0u8; 64 << 10];
        let mut done = 0u64;
        loop {
            let n = match body.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Failure {
                        message: format!("transfer interrupted after {done} bytes: {e}"),
                        retry: true,
                        wait: None,
                    })
                }
            };
            out.write_all(&buf[..n]).map_err(local)?;
            done += n as u64;
            progress(done, total);
        }
        if let Some(total) = total {
            if done != total {
                return Err(Failure {
                    message: format!("connection closed after {done} of {total} bytes"),
                    retry: true,
                    wait: None,
                });
            }
        }
        out.flush().map_err(local)?;
        Ok(Some((out, done)))
    }
}

/// The proxy with its no-proxy list.
fn proxy(url: &str, no_proxy: Option<&str>) -> Result<ureq::Proxy, ureq::Error> {
    let parsed = ureq::Proxy::new(url)?;
    let Some(list) = no_proxy.filter(|l| !l.trim().is_empty()) else {
        return Ok(parsed);
    };
    let mut b = ureq::Proxy::builder(parsed.protocol())
        .host(parsed.host())
        .port(parsed.port());
    if let Some(u) = parsed.username() {
        b = b.username(u);
    }
    if let Some(p) = parsed.password() {
        b = b.password(p);
    }
    for expr in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        b = b.no_proxy(expr);
    }
    b.build()
}

fn fetch_error(feed: &str, url: &str, message: String) -> Error {
    Error::Fetch {
        feed: feed.to_owned(),
        url: url.to_owned(),
        message,
    }
}

/// `Retry-After` in seconds (an HTTP date is not read: the backoff applies then).
fn retry_after(v: Option<&ureq::http::HeaderValue>) -> Option<Duration> {
    let secs = v?.to_str().ok()?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(secs))
}

/// An in-memory writer that refuses to grow past a limit.
pub(crate) struct Limited {
    buf: Vec<u8>,
    limit: u64,
}

impl Limited {
    fn new(limit: u64) -> Self {
        Limited {
            buf: Vec::new(),
            limit,
        }
    }
}

impl Write for Limited {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() as u64 + data.len() as u64 > self.limit {
            return Err(io::Error::other(format!(
                "larger than {} bytes",
                self.limit
            )));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds() {
        let h = ureq::http::HeaderValue::from_static(" 3 ");
        assert_eq!(retry_after(Some(&h)), Some(Duration::from_secs(3)));
        let d = ureq::http::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(retry_after(Some(&d)), None);
        assert_eq!(retry_after(None), None);
    }
}
