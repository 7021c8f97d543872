//! Pushing to a registry with the distribution API: blobs (a HEAD first, so a blob the
//! registry already has is not sent again; then a monolithic upload: `POST
//! /v2/<name>/blobs/uploads/`, `PUT <location>?digest=…` with the bytes) and manifests by tag
//! (`PUT /v2/<name>/manifests/<tag>`). Auth is the pull side's: a 401's challenge is answered
//! (basic, or a bearer token scoped `repository:<name>:pull,push`), 429 and 5xx are retried
//! with backoff and `Retry-After`, and a failed upload starts again from a new session.

use std::io::{Read, Seek, SeekFrom};

use sha2::{Digest, Sha256};
use ureq::http::Response;
use ureq::{Body, SendBody};

use crate::client::{describe, header, retry_after, transient, Client, ClientOptions, Method};
use crate::error::RegistryError;
use crate::reference::Reference;

/// What [`Client::push_blob`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobPush {
    /// The registry had the blob already (HEAD answered 200); nothing was sent.
    Exists,
    /// The blob was uploaded.
    Uploaded,
}

#[derive(Clone, Copy)]
enum Verb {
    Post,
    Put,
}

impl Client {
    /// A client that may push to `reference`'s repository: bearer tokens are asked for with
    /// the scope `repository:<name>:pull,push`.
    pub fn for_push(reference: &Reference, options: ClientOptions) -> Client {
        let mut client = Client::new(reference, options);
        client.push = true;
        client
    }

    /// Whether the repository has the blob (`HEAD /v2/<name>/blobs/<digest>`).
    pub fn blob_exists(&self, digest: &str) -> Result<bool, RegistryError> {
        let what = format!("blob {digest}");
        match self.request(Method::Head, &format!("blobs/{digest}"), &what, None) {
            Ok(_) => Ok(true),
            Err(RegistryError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Upload the `size` bytes of `source` (read from its start; rewound for a retry) as the
    /// blob `digest`, unless the registry has it already. The registry checks the digest.
    pub fn push_blob<R: Read + Seek>(
        &self,
        digest: &str,
        size: u64,
        source: &mut R,
    ) -> Result<BlobPush, RegistryError> {
        if self.blob_exists(digest)? {
            return Ok(BlobPush::Exists);
        }
        let what = format!("upload of blob {digest}");
        let mut attempt = 0u32;
        loop {
            let start = self.base()? + &format!("/v2/{}/blobs/uploads/", self.reference.repository);
            let resp = self.send::<std::io::Empty>(Verb::Post, &start, &what, None, None, true)?;
            let location = header(resp.headers(), "location").ok_or_else(|| {
                self.bad(
                    &what,
                    "the registry sent no Location for the upload".to_string(),
                )
            })?;
            let url = self.absolute(&location)?;
            let sep = if url.contains('?') { '&' } else { '?' };
            let url = format!("{url}{sep}digest={}", digest.replace(':', "%3A"));
            match self.send(Verb::Put, &url, &what, None, Some((source, size)), false) {
                Ok(resp) => {
                    if let Some(served) = header(resp.headers(), "docker-content-digest") {
                        if served != digest {
                            return Err(self.bad(
                                &what,
                                format!("the registry stored {served}, not {digest}"),
                            ));
                        }
                    }
                    return Ok(BlobPush::Uploaded);
                }
                Err(e) if attempt < self.options.retries && retryable(&e) => {
                    std::thread::sleep(self.backoff(attempt));
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Put a manifest under `tag` (or a digest); returns the manifest's digest, checked
    /// against the registry's `Docker-Content-Digest`.
    pub fn push_manifest(
        &self,
        tag: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<String, RegistryError> {
        let what = format!("manifest {tag}");
        let digest = format!("sha256:{}", hex::encode(Sha256::digest(bytes)));
        let url = self.base()? + &format!("/v2/{}/manifests/{tag}", self.reference.repository);
        let mut body = std::io::Cursor::new(bytes);
        let resp = self.send(
            Verb::Put,
            &url,
            &what,
            Some(media_type),
            Some((&mut body, bytes.len() as u64)),
            true,
        )?;
        if let Some(served) = header(resp.headers(), "docker-content-digest") {
            if served != digest {
                return Err(self.bad(
                    &what,
                    format!("the registry says {served}, the manifest hashes to {digest}"),
                ));
            }
        }
        Ok(digest)
    }

    /// `location` of an upload as an absolute URL (registries may send a path).
    fn absolute(&self, location: &str) -> Result<String, RegistryError> {
        if location.starts_with("http://") || location.starts_with("https://") {
            Ok(location.to_string())
        } else if location.starts_with('/') {
            Ok(self.base()? + location)
        } else {
            Err(self.bad(
                "upload",
                format!("the upload Location {location:?} is not a URL or an absolute path"),
            ))
        }
    }

    /// One request with a body: auth on a 401 (once), retries on 429, 5xx and connection
    /// errors when `retry` (the body is rewound each time).
    fn send<R: Read + Seek>(
        &self,
        verb: Verb,
        url: &str,
        what: &str,
        content_type: Option<&str>,
        mut body: Option<(&mut R, u64)>,
        retry: bool,
    ) -> Result<Response<Body>, RegistryError> {
        let mut attempt = 0u32;
        let mut authenticated = false;
        loop {
            let mut req = match verb {
                Verb::Post => self.agent.post(url),
                Verb::Put => self.agent.put(url),
            };
            if let Some(ct) = content_type {
                req = req.header("Content-Type", ct);
            }
            if let Some(auth) = self.authorization() {
                req = req.header("Authorization", auth);
            }
            let result = match body.as_mut() {
                Some((reader, size)) => {
                    reader
                        .seek(SeekFrom::Start(0))
                        .map_err(|e| self.network(what, e))?;
                    let mut limited = (&mut **reader).take(*size);
                    req.header("Content-Length", size.to_string())
                        .send(SendBody::from_reader(&mut limited))
                }
                None => req.header("Content-Length", "0").send_empty(),
            };
            let wait = match result {
                Ok(mut resp) => match resp.status().as_u16() {
                    200..=299 => return Ok(resp),
                    401 if !authenticated => {
                        authenticated = true;
                        self.authenticate(resp.headers(), what)?;
                        continue;
                    }
                    429 | 500 | 502 | 503 | 504 if retry && attempt < self.options.retries => {
                        match retry_after(resp.headers()) {
                            Some(d) if d > self.options.max_retry_after => {
                                return Err(self.status_error(&mut resp, what))
                            }
                            Some(d) => d,
                            None => self.backoff(attempt),
                        }
                    }
                    _ => return Err(self.status_error(&mut resp, what)),
                },
                Err(e) if retry && transient(&e) && attempt < self.options.retries => {
                    self.backoff(attempt)
                }
                Err(e) => return Err(self.network(what, describe(&e))),
            };
            attempt += 1;
            std::thread::sleep(wait);
        }
    }
}

/// Errors after which an upload is started again: the connection, 429 and 5xx.
fn retryable(e: &RegistryError) -> bool {
    match e {
        RegistryError::Network { .. } => true,
        RegistryError::Status { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
        _ => false,
    }
}
