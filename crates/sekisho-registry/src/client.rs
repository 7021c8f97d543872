//! The OCI distribution client: manifests by tag or digest, HEAD to resolve digests, blobs
//! streamed; anonymous, basic and bearer-token auth; retries with backoff on connection
//! errors, 429 and 5xx (`Retry-After` honoured); interrupted blob downloads resumed with
//! `Range`.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use ureq::http::{HeaderMap, Response};
use ureq::Body;

use crate::auth::{parse_challenge, Credentials};
use crate::error::RegistryError;
use crate::reference::Reference;

/// Media types asked for when fetching a manifest: OCI and Docker v2 indexes and manifests.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.docker.distribution.manifest.v2+json";

/// Largest manifest or token response read into memory.
pub const MAX_MANIFEST: u64 = 16 << 20;

/// How the client talks to the registry.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Credentials for basic auth or for the token server. A user name of `<token>`
    /// ([`IDENTITY_TOKEN_USER`](crate::IDENTITY_TOKEN_USER), as credential helpers and
    /// `identitytoken` entries give them) makes the password an identity token: an OAuth2
    /// refresh token traded at the token server for access tokens.
    pub credentials: Option<Credentials>,
    /// A registry token sent as `Authorization: Bearer` with every request, without asking a
    /// token server (CI systems hand these out). Takes the place of `credentials`.
    pub registry_token: Option<String>,
    /// Talk to the registry without verifying its TLS certificate, and over plain HTTP when it
    /// does not speak TLS.
    pub insecure: bool,
    /// Extra CA certificates (DER) trusted for the registry's TLS certificate, on top of the
    /// built-in roots (when [`ClientOptions::builtin_roots`]).
    pub ca_certs: Vec<Vec<u8>>,
    /// Whether the built-in (Mozilla) roots are trusted. A front end that honours
    /// `SSL_CERT_FILE`/`SSL_CERT_DIR` turns this off and passes those certificates in
    /// [`ClientOptions::ca_certs`] instead, as OpenSSL and Go replace their bundle.
    pub builtin_roots: bool,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Longest silence while waiting for a response or reading a body.
    pub read_timeout: Duration,
    /// Retries after a connection error, 429 or 5xx (and resumptions of a broken download).
    pub retries: u32,
    /// First backoff; doubled at each retry.
    pub backoff: Duration,
    /// Longest wait asked for by `Retry-After` that is honoured (longer is an error).
    pub max_retry_after: Duration,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            credentials: None,
            registry_token: None,
            insecure: false,
            ca_certs: Vec::new(),
            builtin_roots: true,
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            retries: 4,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            user_agent: concat!("sekisho/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// The certificates (DER) in PEM text (a CA bundle or a single CA file), for
/// [`ClientOptions::ca_certs`]. Other PEM sections (keys) are skipped; text without any
/// certificate is an error.
pub fn parse_pem_certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item.map_err(|e| format!("not PEM: {e}"))? {
            ureq::tls::PemItem::Certificate(c) => out.push(c.der().to_vec()),
            _ => continue,
        }
    }
    if out.is_empty() {
        return Err("no PEM certificate (-----BEGIN CERTIFICATE-----) in it".to_string());
    }
    Ok(out)
}

/// A manifest or index as the registry serves it.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    /// The exact bytes (their digest is the manifest digest).
    pub bytes: Vec<u8>,
    /// `sha256:<hex>` of the bytes.
    pub digest: String,
    /// The media type (from the document, else the `Content-Type`).
    pub media_type: String,
}

/// What a HEAD of a manifest says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestHead {
    /// `Docker-Content-Digest`.
    pub digest: String,
    /// `Content-Type`.
    pub media_type: String,
    /// `Content-Length`, when given.
    pub size: Option<u64>,
}

#[derive(Clone)]
struct Token {
    header: String,
    expires: Instant,
}

#[derive(Default)]
enum AuthState {
    /// No challenge seen yet.
    #[default]
    None,
    /// The registry asked for basic auth.
    Basic,
    /// The registry asked for a token from `realm`.
    Bearer {
        realm: String,
        tokens: HashMap<String, Token>,
    },
}

/// A client for one repository of one registry.
pub struct Client {
    pub(crate) reference: Reference,
    name: String,
    pub(crate) agent: ureq::Agent,
    pub(crate) options: ClientOptions,
    /// Whether bearer tokens are asked for `pull,push` (a client made by `Client::for_push`).
    pub(crate) push: bool,
    /// `https://host` or `http://host`; decided at the first request for `--insecure`.
    base: Mutex<Option<String>>,
    auth: Mutex<AuthState>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("reference", &self.name)
            .finish()
    }
}

pub(crate) enum Method {
    Get,
    Head,
}

impl Client {
    /// A client for `reference`'s repository. A named registry is spoken to over HTTPS (or,
    /// with [`ClientOptions::insecure`], over plain HTTP when it does not speak TLS); a loopback
    /// one (`localhost`, `127.0.0.0/8`, `[::1]`) over HTTPS when it speaks TLS, else plain HTTP.
    pub fn new(reference: &Reference, options: ClientOptions) -> Client {
        let mut tls = ureq::tls::TlsConfig::builder();
        if options.insecure {
            tls = tls.disable_verification(true);
        } else if !options.ca_certs.is_empty() || !options.builtin_roots {
            let builtin = webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .filter(|_| options.builtin_roots)
                .map(|c| ureq::tls::Certificate::from_der(c.as_ref()));
            let extra = options
                .ca_certs
                .iter()
                .map(|der| ureq::tls::Certificate::from_der(der).to_owned());
            tls = tls.root_certs(ureq::tls::RootCerts::from(builtin.chain(extra)));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_recv_response(Some(options.read_timeout))
            .timeout_per_read(Some(options.read_timeout))
            .user_agent(options.user_agent.as_str())
            .tls_config(tls.build())
            .build();
        // Loopback registries and `--insecure` are probed at the first request.
        let base = (!options.insecure && !reference.is_loopback())
            .then(|| format!("https://{}", reference.host()));
        Client {
            name: reference.to_string(),
            reference: reference.clone(),
            agent: config.new_agent(),
            options,
            push: false,
            base: Mutex::new(base),
            auth: Mutex::new(AuthState::None),
        }
    }

    /// The reference, as errors name it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Fetch a manifest or index by tag or digest, with the bytes as served. The digest is
    /// computed from the bytes; when fetched by digest, or when the registry says
    /// `Docker-Content-Digest`, they must agree.
    pub fn manifest(&self, reference: &str) -> Result<FetchedManifest, RegistryError> {
        let what = format!("manifest {reference}");
        let mut resp = self.request(Method::Get, &format!("manifests/{reference}"), &what, None)?;
        let content_type = header(resp.headers(), "content-type").unwrap_or_default();
        let served_digest = header(resp.headers(), "docker-content-digest");
        let bytes =
            read_limited(resp.body_mut(), MAX_MANIFEST).map_err(|e| self.network(&what, e))?;
        let digest = format!("sha256:{}", hex::encode(Sha256::digest(&bytes)));
        for (claimed, by) in [
            (
                reference
                    .starts_with("sha256:")
                    .then(|| reference.to_string()),
                "the reference",
            ),
            (
                served_digest.filter(|d| d.starts_with("sha256:")),
                "Docker-Content-Digest",
            ),
        ] {
            if let Some(claimed) = claimed {
                if claimed != digest {
                    return Err(self.bad(
                        &what,
                        format!(
                            "digest mismatch: {by} says {claimed}, the content hashes to {digest}"
                        ),
                    ));
                }
            }
        }
        let media_type = media_type_of(&bytes, &content_type);
        if media_type.starts_with("application/vnd.docker.distribution.manifest.v1") {
            return Err(self.bad(
                &what,
                format!("{media_type}: Docker schema 1 manifests are not supported"),
            ));
        }
        Ok(FetchedManifest {
            bytes,
            digest,
            media_type,
        })
    }

    /// Resolve a tag (or check a digest) with a HEAD request, which Docker Hub does not count
    /// against its pull limit.
    pub fn head_manifest(&self, reference: &str) -> Result<ManifestHead, RegistryError> {
        let what = format!("manifest {reference}");
        let resp = self.request(Method::Head, &format!("manifests/{reference}"), &what, None)?;
        let headers = resp.headers();
        let digest = header(headers, "docker-content-digest").ok_or_else(|| {
            self.bad(
                &what,
                "the registry sent no Docker-Content-Digest".to_string(),
            )
        })?;
        Ok(ManifestHead {
            digest,
            media_type: header(headers, "content-type").unwrap_or_default(),
            size: header(headers, "content-length").and_then(|s| s.parse().ok()),
        })
    }

    /// Read a small blob (a config) fully, at most `limit` bytes.
    pub fn blob_bytes(&self, digest: &str, limit: u64) -> Result<Vec<u8>, RegistryError> {
        let what = format!("blob {digest}");
        let mut resp = self.request(Method::Get, &format!("blobs/{digest}"), &what, None)?;
        read_limited(resp.body_mut(), limit).map_err(|e| self.network(&what, e))
    }

    /// Stream a blob. The reader resumes an interrupted download with `Range` (up to
    /// [`ClientOptions::retries`] times); the caller checks the digest.
    pub fn blob(&self, digest: &str) -> Result<BlobReader<'_>, RegistryError> {
        let what = format!("blob {digest}");
        let resp = self.request(Method::Get, &format!("blobs/{digest}"), &what, None)?;
        Ok(BlobReader {
            client: self,
            digest: digest.to_string(),
            inner: Box::new(resp.into_body().into_reader()),
            offset: 0,
            resumes: 0,
        })
    }

    pub(crate) fn network(&self, what: &str, e: impl std::fmt::Display) -> RegistryError {
        RegistryError::Network {
            reference: self.name.clone(),
            what: what.to_string(),
            detail: e.to_string(),
        }
    }

    pub(crate) fn bad(&self, what: &str, reason: String) -> RegistryError {
        RegistryError::BadResponse {
            reference: self.name.clone(),
            what: what.to_string(),
            reason,
        }
    }

    fn scope(&self) -> String {
        let actions = if self.push { "pull,push" } else { "pull" };
        format!("repository:{}:{actions}", self.reference.repository)
    }

    /// The base URL; for `--insecure` and loopback registries, HTTPS when the registry speaks
    /// it (without verification for `--insecure`), else plain HTTP, as Docker does for
    /// insecure registries. A loopback registry whose certificate is not trusted is an error,
    /// not a reason to fall back.
    pub(crate) fn base(&self) -> Result<String, RegistryError> {
        let mut base = self.base.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = base.as_ref() {
            return Ok(b.clone());
        }
        let https = format!("https://{}", self.reference.host());
        // A plain-HTTP server on this machine that waits for a line break in the TLS hello
        // must not hold the scan for the whole connect timeout.
        let limit = if self.reference.is_loopback() {
            self.options.connect_timeout.min(Duration::from_secs(5))
        } else {
            self.options.connect_timeout
        };
        let probe = self
            .agent
            .get(format!("{https}/v2/"))
            .config()
            .timeout_connect(Some(limit))
            .timeout_recv_response(Some(limit))
            .build()
            .call();
        let chosen = match probe {
            Ok(_) => https,
            Err(e) if certificate_error(&e) => {
                return Err(self.network(&https, describe(&e)));
            }
            Err(_) => format!("http://{}", self.reference.host()),
        };
        *base = Some(chosen.clone());
        Ok(chosen)
    }

    /// The `Authorization` header for the next request, if any.
    pub(crate) fn authorization(&self) -> Option<String> {
        if let Some(token) = &self.options.registry_token {
            return Some(format!("Bearer {token}"));
        }
        let mut auth = self.auth.lock().unwrap_or_else(|e| e.into_inner());
        match &mut *auth {
            AuthState::None => None,
            AuthState::Basic => self
                .options
                .credentials
                .as_ref()
                .filter(|c| c.identity_token().is_none())
                .map(|c| c.basic_header()),
            AuthState::Bearer { tokens, .. } => {
                let scope = self.scope();
                match tokens.get(&scope) {
                    Some(t) if t.expires > Instant::now() => Some(t.header.clone()),
                    Some(_) => {
                        tokens.remove(&scope);
                        None
                    }
                    None => None,
                }
            }
        }
    }

    /// Answer a 401's challenge: switch to basic auth, or fetch a token for the scope.
    pub(crate) fn authenticate(
        &self,
        headers: &HeaderMap,
        what: &str,
    ) -> Result<(), RegistryError> {
        let unauthorized = |detail: String| RegistryError::Unauthorized {
            reference: self.name.clone(),
            what: what.to_string(),
            detail,
        };
        let challenge = headers
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(parse_challenge)
            .find(|c| c.scheme == "bearer" || c.scheme == "basic")
            .ok_or_else(|| unauthorized("the registry sent no usable challenge".to_string()))?;
        if self.options.registry_token.is_some() {
            return Err(unauthorized(
                "the registry refused the registry token".to_string(),
            ));
        }
        let identity = self
            .options
            .credentials
            .as_ref()
            .is_some_and(|c| c.identity_token().is_some());
        if challenge.scheme == "basic" {
            if identity {
                return Err(unauthorized(
                    "the registry asks for basic auth, and the credentials are an identity \
                     token (user name <token>), which only a token server takes"
                        .to_string(),
                ));
            }
            if self.options.credentials.is_none() {
                return Err(unauthorized(
                    "the registry asks for credentials (--username and --password-stdin, or \
                     docker login)"
                        .to_string(),
                ));
            }
            *self.auth.lock().unwrap_or_else(|e| e.into_inner()) = AuthState::Basic;
            return Ok(());
        }
        let realm = challenge
            .params
            .get("realm")
            .cloned()
            .ok_or_else(|| unauthorized("bearer challenge without realm".to_string()))?;
        let service = challenge.params.get("service").cloned();
        // A pushing client asks for `pull,push` at once, even when the first challenge (for
        // a HEAD) names only `pull`, as Docker does.
        let scope = challenge
            .params
            .get("scope")
            .filter(|_| !self.push)
            .cloned()
            .unwrap_or_else(|| self.scope());
        let token = self.fetch_token(&realm, service.as_deref(), &scope, what)?;
        let mut auth = self.auth.lock().unwrap_or_else(|e| e.into_inner());
        if !matches!(&*auth, AuthState::Bearer { realm: r, .. } if *r == realm) {
            *auth = AuthState::Bearer {
                realm,
                tokens: HashMap::new(),
            };
        }
        if let AuthState::Bearer { tokens, .. } = &mut *auth {
            tokens.insert(self.scope(), token);
        }
        Ok(())
    }

    fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
        what: &str,
    ) -> Result<Token, RegistryError> {
        let realm_url = if realm.starts_with("http://") || realm.starts_with("https://") {
            realm.to_string()
        } else {
            return Err(self.bad(what, format!("bearer realm {realm:?} is not an HTTP URL")));
        };
        let token_what = format!("token from {realm_url}");
        let identity = self
            .options
            .credentials
            .as_ref()
            .and_then(|c| c.identity_token());
        let sent = if let Some(refresh) = identity {
            // An identity token is an OAuth2 refresh token: POSTed as a form, as Docker does
            // (the distribution token spec's OAuth2 flow); there is no fallback to GET, which
            // has no place for it.
            let mut form = vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh),
                ("client_id", "sekisho"),
                ("scope", scope),
            ];
            if let Some(s) = service {
                form.push(("service", s));
            }
            self.agent.post(&realm_url).send_form(form)
        } else {
            let mut req = self.agent.get(&realm_url).query("scope", scope);
            if let Some(s) = service {
                req = req.query("service", s);
            }
            if let Some(c) = &self.options.credentials {
                req = req.header("Authorization", c.basic_header());
            }
            req.call()
        };
        let mut resp = sent.map_err(|e| self.network(&token_what, describe(&e)))?;
        let status = resp.status().as_u16();
        let bytes = read_limited(resp.body_mut(), MAX_MANIFEST)
            .map_err(|e| self.network(&token_what, e))?;
        if status == 401 || status == 403 {
            return Err(RegistryError::Unauthorized {
                reference: self.name.clone(),
                what: what.to_string(),
                detail: format!(
                    "the token server refused {}{}",
                    if identity.is_some() {
                        "the identity token"
                    } else if self.options.credentials.is_some() {
                        "the credentials"
                    } else {
                        "anonymous access (give --username and --password-stdin, or docker login)"
                    },
                    detail_of(&bytes)
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                ),
            });
        }
        if !(200..300).contains(&status) {
            return Err(RegistryError::Status {
                reference: self.name.clone(),
                what: token_what,
                status,
                detail: detail_of(&bytes).unwrap_or_default(),
                rate_limit: rate_limit_headers(resp.headers()),
            });
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            #[serde(default)]
            token: Option<String>,
            #[serde(default)]
            access_token: Option<String>,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let parsed: TokenResponse = serde_json::from_slice(&bytes)
            .map_err(|e| self.bad(&token_what, format!("invalid token response: {e}")))?;
        let token = parsed
            .token
            .filter(|t| !t.is_empty())
            .or(parsed.access_token)
            .ok_or_else(|| self.bad(&token_what, "no token in the response".to_string()))?;
        // Tokens live 60 s unless the server says otherwise; renew a little early.
        let life = Duration::from_secs(parsed.expires_in.unwrap_or(60).max(10));
        Ok(Token {
            header: format!("Bearer {token}"),
            expires: Instant::now() + life - Duration::from_secs(5),
        })
    }

    /// One request with auth, retries and error mapping. 2xx responses are returned; 206 is
    /// accepted for ranges.
    pub(crate) fn request(
        &self,
        method: Method,
        path: &str,
        what: &str,
        range_from: Option<u64>,
    ) -> Result<Response<Body>, RegistryError> {
        let url = format!("{}/v2/{}/{}", self.base()?, self.reference.repository, path);
        let mut attempt = 0u32;
        let mut authenticated = false;
        loop {
            let mut req = match method {
                Method::Get => self.agent.get(&url),
                Method::Head => self.agent.head(&url),
            };
            if path.starts_with("manifests/") {
                req = req.header("Accept", MANIFEST_ACCEPT);
            }
            if let Some(from) = range_from {
                req = req.header("Range", format!("bytes={from}-"));
            }
            if let Some(auth) = self.authorization() {
                req = req.header("Authorization", auth);
            }
            let wait = match req.call() {
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    match status {
                        200..=299 => return Ok(resp),
                        401 if !authenticated => {
                            authenticated = true;
                            self.authenticate(resp.headers(), what)?;
                            continue;
                        }
                        429 | 500 | 502 | 503 | 504 if attempt < self.options.retries => {
                            let asked = retry_after(resp.headers());
                            match asked {
                                Some(d) if d > self.options.max_retry_after => {
                                    return Err(self.status_error(&mut resp, what))
                                }
                                Some(d) => d,
                                None => self.backoff(attempt),
                            }
                        }
                        _ => return Err(self.status_error(&mut resp, what)),
                    }
                }
                Err(e) if transient(&e) && attempt < self.options.retries => self.backoff(attempt),
                Err(e) => return Err(self.network(what, describe(&e))),
            };
            attempt += 1;
            std::thread::sleep(wait);
        }
    }

    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.options
            .backoff
            .saturating_mul(1 << attempt.min(10))
            .min(Duration::from_secs(30))
    }

    pub(crate) fn status_error(&self, resp: &mut Response<Body>, what: &str) -> RegistryError {
        let status = resp.status().as_u16();
        let rate_limit = rate_limit_headers(resp.headers());
        let bytes = read_limited(resp.body_mut(), 64 << 10).unwrap_or_default();
        let detail = detail_of(&bytes).unwrap_or_default();
        let (reference, what) = (self.name.clone(), what.to_string());
        match status {
            401 | 403 => RegistryError::Unauthorized {
                reference,
                what,
                detail: format!(
                    "{} (HTTP {status}{})",
                    if self.options.registry_token.is_some() {
                        "the registry refused the registry token"
                    } else if self.options.credentials.is_some() {
                        "the registry refused the credentials"
                    } else {
                        "no credentials given (--username and --password-stdin, or docker login)"
                    },
                    if detail.is_empty() {
                        String::new()
                    } else {
                        format!(": {detail}")
                    }
                ),
            },
            404 => RegistryError::NotFound {
                reference,
                what,
                detail,
            },
            _ => RegistryError::Status {
                reference,
                what,
                status,
                detail,
                rate_limit,
            },
        }
    }
}

/// A blob being downloaded. An interrupted transfer is resumed with `Range` from the bytes
/// already read (a registry that ignores `Range` is read again from the start and the
/// bytes already delivered are skipped).
pub struct BlobReader<'a> {
    client: &'a Client,
    digest: String,
    inner: Box<dyn Read + Send + 'static>,
    offset: u64,
    resumes: u32,
}

impl Read for BlobReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.offset += n as u64;
                    return Ok(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if self.resumes < self.client.options.retries => {
                    self.resumes += 1;
                    std::thread::sleep(self.client.backoff(self.resumes - 1));
                    self.resume()
                        .map_err(|r| std::io::Error::other(format!("{e}; resuming failed: {r}")))?;
                }
                Err(e) => {
                    return Err(std::io::Error::other(format!(
                        "{}: blob {}: {e} (after {} resumptions)",
                        self.client.name, self.digest, self.resumes
                    )))
                }
            }
        }
    }
}

impl BlobReader<'_> {
    fn resume(&mut self) -> Result<(), RegistryError> {
        let what = format!("blob {} from byte {}", self.digest, self.offset);
        let resp = self.client.request(
            Method::Get,
            &format!("blobs/{}", self.digest),
            &what,
            Some(self.offset),
        )?;
        let partial = resp.status().as_u16() == 206;
        let mut reader: Box<dyn Read + Send> = Box::new(resp.into_body().into_reader());
        if !partial {
            let skipped = std::io::copy(&mut (&mut reader).take(self.offset), &mut std::io::sink())
                .map_err(|e| self.client.network(&what, e))?;
            if skipped != self.offset {
                return Err(self.client.bad(&what, "the blob got shorter".to_string()));
            }
        }
        self.inner = reader;
        Ok(())
    }
}

pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
}

fn read_limited(body: &mut Body, limit: u64) -> Result<Vec<u8>, ureq::Error> {
    body.with_config().limit(limit).read_to_vec()
}

/// The media type of a manifest: the document's `mediaType`, else the `Content-Type`, else
/// guessed from the shape (`manifests` for an index).
fn media_type_of(bytes: &[u8], content_type: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default, rename = "mediaType")]
        media_type: Option<String>,
        #[serde(default)]
        manifests: Option<serde_json::Value>,
    }
    let probe: Option<Probe> = serde_json::from_slice(bytes).ok();
    if let Some(mt) = probe
        .as_ref()
        .and_then(|p| p.media_type.clone())
        .filter(|m| !m.is_empty())
    {
        return mt;
    }
    let ct = content_type.split(';').next().unwrap_or("").trim();
    if ct.starts_with("application/vnd.") {
        return ct.to_string();
    }
    if probe.is_some_and(|p| p.manifests.is_some()) {
        sekisho_image::media::OCI_INDEX.to_string()
    } else {
        sekisho_image::media::OCI_MANIFEST.to_string()
    }
}

/// `Retry-After` in seconds (an HTTP date is not parsed: the backoff applies).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header(headers, "retry-after")
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// The rate-limit headers of a refusal: Docker Hub's `ratelimit-limit`,
/// `ratelimit-remaining`, `docker-ratelimit-source`, the `x-ratelimit-*` family,
/// `retry-after`.
fn rate_limit_headers(headers: &HeaderMap) -> Vec<String> {
    let mut out: Vec<String> = headers
        .iter()
        .filter(|(name, _)| {
            let n = name.as_str();
            n.starts_with("ratelimit-")
                || n.starts_with("x-ratelimit-")
                || n == "docker-ratelimit-source"
                || n == "retry-after"
        })
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("?")))
        .collect();
    out.sort();
    out
}

/// The registry's error body (`{"errors":[{"code":…,"message":…}]}`), short.
fn detail_of(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<ErrorItem>,
    }
    #[derive(serde::Deserialize)]
    struct ErrorItem {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    if let Ok(e) = serde_json::from_slice::<Errors>(bytes) {
        let parts: Vec<String> = e
            .errors
            .iter()
            .map(|i| match (i.code.is_empty(), i.message.is_empty()) {
                (false, false) => format!("{}: {}", i.code, i.message),
                (false, true) => i.code.clone(),
                _ => i.message.clone(),
            })
            .filter(|s| !s.is_empty())
            .collect();
        if !parts.is_empty() {
            return Some(clean(&parts.join("; ")));
        }
    }
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    Some(clean(line.trim()))
}

/// One line, no control characters, at most 200 characters.
fn clean(s: &str) -> String {
    let c: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    c
}

/// Errors worth a retry: the connection, not the request (a TLS failure is not retried).
pub(crate) fn transient(e: &ureq::Error) -> bool {
    tls_error(e).is_none()
        && matches!(
            e,
            ureq::Error::Io(_)
                | ureq::Error::Timeout(_)
                | ureq::Error::ConnectionFailed
                | ureq::Error::HostNotFound
                | ureq::Error::Protocol(_)
                | ureq::Error::BodyStalled
        )
}

/// The TLS failure in a transport error: rustls' own, or inside an I/O error of the handshake.
fn tls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Rustls(r) => Some(r),
        ureq::Error::Io(io) => io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()),
        _ => None,
    }
}

/// Whether the registry speaks TLS with a certificate that is not trusted (or not for it).
fn certificate_error(e: &ureq::Error) -> bool {
    matches!(
        tls_error(e),
        Some(rustls::Error::InvalidCertificate(_) | rustls::Error::InvalidCertRevocationList(_))
    )
}

pub(crate) fn describe(e: &ureq::Error) -> String {
    if certificate_error(e) {
        let why = tls_error(e).map(|t| t.to_string()).unwrap_or_default();
        return format!(
            "TLS: {why}: the registry's certificate is not trusted (give its CA with --cacert \
             FILE or SSL_CERT_FILE, or skip verification with --insecure)"
        );
    }
    if let Some(t) = tls_error(e) {
        return format!("TLS: {t}");
    }
    match e {
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        ureq::Error::HostNotFound => "host not found".to_string(),
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_and_details() {
        let index = br#"{"schemaVersion":2,"manifests":[]}"#;
        assert_eq!(media_type_of(index, ""), sekisho_image::media::OCI_INDEX);
        assert_eq!(
            media_type_of(
                br#"{"schemaVersion":2,"config":{}}"#,
                "application/vnd.docker.distribution.manifest.v2+json; charset=utf-8"
            ),
            sekisho_image::media::DOCKER_MANIFEST
        );
        assert_eq!(
            detail_of(br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#)
                .unwrap(),
            "MANIFEST_UNKNOWN: manifest unknown"
        );
        assert_eq!(detail_of(b"\n  oops\x1b[31m\n").unwrap(), "oops [31m");
        assert_eq!(detail_of(b""), None);
    }
}
