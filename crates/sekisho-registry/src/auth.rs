//! Credentials and challenges: docker `config.json` (`auths`), Podman's `auth.json` (same
//! shape), and the `WWW-Authenticate` header. The library takes credentials as data; reading
//! files and the environment is the front end's job.

use std::collections::BTreeMap;

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

impl Credentials {
    /// `Basic <base64(user:password)>`.
    pub(crate) fn basic_header(&self) -> String {
        let raw = format!("{}:{}", self.username, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

/// The `auths` of a docker `config.json` or Podman `auth.json`.
#[derive(Debug, Clone, Default)]
pub struct DockerConfig {
    auths: BTreeMap<String, Credentials>,
    /// Registries whose credentials live in a helper (`credsStore`, `credHelpers`), which
    /// this reader does not run.
    pub helpers: Vec<String>,
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
}

impl DockerConfig {
    /// Parse a `config.json` / `auth.json`. Entries whose `auth` is not base64 of
    /// `user:password` are skipped; a file that is not JSON is an error.
    pub fn parse(json: &str) -> Result<DockerConfig, String> {
        let raw: RawConfig = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut auths = BTreeMap::new();
        for (key, entry) in raw.auths {
            let creds = match (entry.auth, entry.username, entry.password) {
                (Some(auth), _, _) if !auth.is_empty() => decode_auth(&auth),
                (_, Some(username), Some(password)) => Some(Credentials { username, password }),
                _ => None,
            };
            if let Some(c) = creds {
                auths.insert(normalize_key(&key), c);
            }
        }
        let mut helpers: Vec<String> = raw.cred_helpers.into_keys().collect();
        if raw.creds_store.is_some() {
            helpers.push("*".to_string());
        }
        Ok(DockerConfig { auths, helpers })
    }

    /// Merge `other` under `self`: entries of `self` win.
    pub fn merge(&mut self, other: DockerConfig) {
        for (k, v) in other.auths {
            self.auths.entry(k).or_insert(v);
        }
        self.helpers.extend(other.helpers);
    }

    /// The credentials for `registry` (as named in references: `docker.io`, `ghcr.io`,
    /// `localhost:5000`). Keys are matched as Docker does: with or without scheme and path,
    /// and Docker Hub's `https://index.docker.io/v1/`.
    pub fn credentials_for(&self, registry: &str) -> Option<Credentials> {
        let key = normalize_key(registry);
        self.auths.get(&key).cloned()
    }

    /// Whether no credentials were found.
    pub fn is_empty(&self) -> bool {
        self.auths.is_empty()
    }
}

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
        assert_eq!(cfg.helpers, ["gcr.io"]);
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
