//! Credentials and challenges: docker `config.json` (`auths`, `credsStore`, `credHelpers`),
//! Podman's `auth.json` (same shape), and the `WWW-Authenticate` header. The library takes
//! the files' text as data; reading files and the environment is the front end's job.
//! Credential helpers are run by [`crate::helper`].

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine;

/// A user name and password (or token) for one registry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    /// The password or access token.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The user name that marks the password as an identity token (an OAuth2 refresh token), as
/// credential helpers return it and as `identitytoken` entries of `config.json` are read.
pub const IDENTITY_TOKEN_USER: &str = "<token>";

impl Credentials {
    /// The identity token, when these credentials are one (user name `<token>`).
    pub fn identity_token(&self) -> Option<&str> {
        (self.username == IDENTITY_TOKEN_USER).then_some(self.password.as_str())
    }

    /// `Basic <base64(user:password)>`.
    pub(crate) fn basic_header(&self) -> String {
        let raw = format!("{}:{}", self.username, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

/// Docker `config.json` and Podman `auth.json` files, in the order they are consulted (the
/// first that has something for a registry wins).
#[derive(Debug, Clone, Default)]
pub struct DockerConfig {
    files: Vec<ConfigFile>,
}

#[derive(Debug, Clone, Default)]
struct ConfigFile {
    /// `auths`, by normalised registry name.
    auths: BTreeMap<String, Credentials>,
    /// `credsStore`: the helper for every registry without a `credHelpers` entry.
    creds_store: Option<String>,
    /// `credHelpers`, by normalised registry name.
    cred_helpers: BTreeMap<String, String>,
}

/// Where the login for a registry is, as Docker decides it: a `credHelpers` entry, else the
/// `credsStore`, else the `auths` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    /// Credentials written in the file.
    Credentials(Credentials),
    /// A credential helper (`docker-credential-<helper>`) to ask for `server_url`.
    Helper {
        /// The helper's name (the suffix after `docker-credential-`).
        helper: String,
        /// What the helper is asked for: `https://index.docker.io/v1/` for Docker Hub, else
        /// the registry as named in references (`ghcr.io`, `localhost:5000`).
        server_url: String,
    },
}

#[derive(serde::Deserialize)]
struct RawConfig {
    #[serde(default)]
    auths: BTreeMap<String, RawAuth>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
struct RawAuth {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

impl DockerConfig {
    /// Parse a `config.json` / `auth.json`. Entries whose `auth` is not base64 of
    /// `user:password` are skipped; an `identitytoken` entry gives the user name `<token>`
    /// ([`IDENTITY_TOKEN_USER`]); a file that is not JSON is an error.
    pub fn parse(json: &str) -> Result<DockerConfig, String> {
        let raw: RawConfig = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut auths = BTreeMap::new();
        for (key, entry) in raw.auths {
            let creds = match (
                entry.identitytoken,
                entry.auth,
                entry.username,
                entry.password,
            ) {
                (Some(token), ..) if !token.is_empty() => Some(Credentials {
                    username: IDENTITY_TOKEN_USER.to_string(),
                    password: token,
                }),
                (_, Some(auth), _, _) if !auth.is_empty() => decode_auth(&auth),
                (_, _, Some(username), Some(password)) => Some(Credentials { username, password }),
                _ => None,
            };
            if let Some(c) = creds {
                auths.insert(normalize_key(&key), c);
            }
        }
        let cred_helpers = raw
            .cred_helpers
            .into_iter()
            .filter(|(_, helper)| !helper.is_empty())
            .map(|(key, helper)| (normalize_key(&key), helper))
            .collect();
        Ok(DockerConfig {
            files: vec![ConfigFile {
                auths,
                creds_store: raw.creds_store.filter(|s| !s.is_empty()),
                cred_helpers,
            }],
        })
    }

    /// Consult `other` after `self`: what `self` says for a registry wins.
    pub fn merge(&mut self, other: DockerConfig) {
        self.files.extend(other.files);
    }

    /// Where the login for `registry` (as named in references: `docker.io`, `ghcr.io`,
    /// `localhost:5000`) is: in each file in turn, a `credHelpers` entry, else the
    /// `credsStore` (whose file's `auths` are then not read, as with Docker), else an `auths`
    /// entry. Keys are matched as Docker does: with or without scheme and path, and Docker
    /// Hub's `https://index.docker.io/v1/`.
    pub fn logins_for(&self, registry: &str) -> Vec<Login> {
        let key = normalize_key(registry);
        let server_url = if key == crate::reference::DOCKER_HUB {
            DOCKER_HUB_SERVER_URL.to_string()
        } else {
            registry.to_string()
        };
        let mut out = Vec::new();
        for file in &self.files {
            let helper = file.cred_helpers.get(&key).or(file.creds_store.as_ref());
            if let Some(helper) = helper {
                out.push(Login::Helper {
                    helper: helper.clone(),
                    server_url: server_url.clone(),
                });
            } else if let Some(c) = file.auths.get(&key) {
                out.push(Login::Credentials(c.clone()));
            }
        }
        out
    }

    /// The credentials for `registry`: the first file's answer that gives some, running
    /// credential helpers (each with `timeout`) where the files say so. A helper that has
    /// nothing for the registry passes to the next file; one that is missing, fails, hangs or
    /// answers garbage is an error naming it and the registry, as with Docker.
    pub fn credentials(
        &self,
        registry: &str,
        timeout: Duration,
    ) -> Result<Option<Credentials>, crate::RegistryError> {
        for login in self.logins_for(registry) {
            match login {
                Login::Credentials(c) => return Ok(Some(c)),
                Login::Helper { helper, server_url } => {
                    let found =
                        crate::helper::get(&helper, &server_url, timeout).map_err(|reason| {
                            crate::RegistryError::CredentialHelper {
                                helper: helper.clone(),
                                registry: registry.to_string(),
                                reason,
                            }
                        })?;
                    if found.is_some() {
                        return Ok(found);
                    }
                }
            }
        }
        Ok(None)
    }

    /// The credentials written in the files for `registry` (`auths` entries only; helpers
    /// are not run: see [`DockerConfig::credentials`]).
    pub fn credentials_for(&self, registry: &str) -> Option<Credentials> {
        let key = normalize_key(registry);
        self.files.iter().find_map(|f| f.auths.get(&key).cloned())
    }

    /// Whether the files name no credentials and no helper.
    pub fn is_empty(&self) -> bool {
        self.files
            .iter()
            .all(|f| f.auths.is_empty() && f.creds_store.is_none() && f.cred_helpers.is_empty())
    }
}

/// The server URL Docker keeps Docker Hub's login under.
pub const DOCKER_HUB_SERVER_URL: &str = "https://index.docker.io/v1/";

/// `https://index.docker.io/v1/` → `docker.io`; `http://host:5000/` → `host:5000`.
fn normalize_key(key: &str) -> String {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = k.split('/').next().unwrap_or(k).to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            crate::reference::DOCKER_HUB.to_string()
        }
        _ => host,
    }
}

fn decode_auth(auth: &str) -> Option<Credentials> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(auth.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (username, password) = text.split_once(':')?;
    Some(Credentials {
        username: username.to_string(),
        password: password.to_string(),
    })
}

/// A parsed `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    /// `bearer` or `basic` (lower case).
    pub scheme: String,
    /// Parameters (`realm`, `service`, `scope`, `error`), names lower case.
    pub params: BTreeMap<String, String>,
}

/// Parse one challenge: `Bearer realm="…",service="…",scope="repository:a/b:pull"`. Quoted
/// values may hold commas and escaped quotes.
pub(crate) fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = match header.split_once(char::is_whitespace) {
        Some((s, r)) => (s, r),
        None => (header, ""),
    };
    if scheme.is_empty() {
        return None;
    }
    let mut params = BTreeMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() || c == ',' {
                break;
            }
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            break;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek() != Some(&'=') {
            break;
        }
        chars.next();
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        params.insert(name.to_ascii_lowercase(), value);
    }
    Some(Challenge {
        scheme: scheme.to_ascii_lowercase(),
        params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push""#,
        )
        .unwrap();
        assert_eq!(c.scheme, "bearer");
        assert_eq!(c.params["realm"], "https://auth.docker.io/token");
        assert_eq!(c.params["service"], "registry.docker.io");
        assert_eq!(c.params["scope"], "repository:library/nginx:pull,push");
        let c = parse_challenge(r#"Basic realm="Registry Realm""#).unwrap();
        assert_eq!(c.scheme, "basic");
        assert_eq!(c.params["realm"], "Registry Realm");
        let c =
            parse_challenge(r#"bearer realm=http://x/t, error="invalid_token", x="a\"b""#).unwrap();
        assert_eq!(c.params["realm"], "http://x/t");
        assert_eq!(c.params["error"], "invalid_token");
        assert_eq!(c.params["x"], "a\"b");
        assert!(parse_challenge("").is_none());
    }

    #[test]
    fn docker_config() {
        let enc = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let json = format!(
            r#"{{"auths": {{
                "https://index.docker.io/v1/": {{"auth": "{}"}},
                "ghcr.io": {{"auth": "{}"}},
                "http://localhost:5000/v2/": {{"username": "u", "password": "p"}},
                "broken.io": {{"auth": "!!!"}},
                "empty.io": {{}}
            }}, "credHelpers": {{"gcr.io": "gcloud"}}}}"#,
            enc("hub:secret:with:colons"),
            enc("x:tok")
        );
        let cfg = DockerConfig::parse(&json).unwrap();
        let hub = cfg.credentials_for("docker.io").unwrap();
        assert_eq!(
            (hub.username.as_str(), hub.password.as_str()),
            ("hub", "secret:with:colons")
        );
        assert_eq!(cfg.credentials_for("ghcr.io").unwrap().password, "tok");
        assert_eq!(cfg.credentials_for("localhost:5000").unwrap().username, "u");
        assert!(cfg.credentials_for("broken.io").is_none());
        assert!(cfg.credentials_for("empty.io").is_none());
        assert!(cfg.credentials_for("quay.io").is_none());
        assert_eq!(
            cfg.logins_for("gcr.io"),
            [Login::Helper {
                helper: "gcloud".into(),
                server_url: "gcr.io".into()
            }]
        );
        assert!(cfg.logins_for("quay.io").is_empty());
        // credsStore: every registry without a credHelpers entry, the file's auths unread;
        // Docker Hub asked for by its v1 URL; files in order.
        let mut cfg = DockerConfig::parse(&format!(
            r#"{{"auths": {{"ghcr.io": {{"auth": "{}"}}, "q.io": {{"identitytoken": "rt"}}}},
                "credsStore": "desktop", "credHelpers": {{"https://q.io": "ecr"}}}}"#,
            enc("x:tok")
        ))
        .unwrap();
        cfg.merge(DockerConfig::parse(r#"{"auths": {"ghcr.io": {"auth": "eDp5"}}}"#).unwrap());
        let helper = |h: &str, url: &str| Login::Helper {
            helper: h.into(),
            server_url: url.into(),
        };
        assert_eq!(
            cfg.logins_for("ghcr.io"),
            [
                helper("desktop", "ghcr.io"),
                Login::Credentials(Credentials {
                    username: "x".into(),
                    password: "y".into()
                })
            ]
        );
        assert_eq!(cfg.logins_for("q.io"), [helper("ecr", "q.io")]);
        assert_eq!(
            cfg.logins_for("docker.io"),
            [helper("desktop", DOCKER_HUB_SERVER_URL)]
        );
        let id = DockerConfig::parse(r#"{"auths": {"q.io": {"identitytoken": "rt"}}}"#)
            .unwrap()
            .credentials_for("q.io")
            .unwrap();
        assert_eq!(id.identity_token(), Some("rt"));
        assert!(!format!("{hub:?}").contains("secret"));
        assert!(DockerConfig::parse("not json").is_err());
        assert_eq!(
            Credentials {
                username: "a".into(),
                password: "b".into()
            }
            .basic_header(),
            "Basic YTpi"
        );
    }
}
