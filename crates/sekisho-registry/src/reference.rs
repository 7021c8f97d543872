//! Image references with Docker's rules (`distribution/reference`): `nginx` is
//! `docker.io/library/nginx:latest`, a first component with a `.` or `:` or equal to
//! `localhost` names the registry, `index.docker.io` is `docker.io`, repositories are lower
//! case, tags are `[\w][\w.-]{0,127}`, digests `algorithm:hex`.

use crate::error::RegistryError;

/// Docker Hub's name in references.
pub const DOCKER_HUB: &str = "docker.io";
/// Docker Hub's API host.
pub const DOCKER_HUB_HOST: &str = "registry-1.docker.io";
/// The prefix that forces a source argument to be read as a registry reference.
pub const PREFIX: &str = "registry:";
/// Longest `registry/repository`, as in Docker.
const NAME_MAX: usize = 255;

/// A parsed image reference: `registry/repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The registry as named in references (`docker.io`, `ghcr.io`, `localhost:5000`).
    pub registry: String,
    /// The repository path (`library/nginx`).
    pub repository: String,
    /// The tag: as typed, or `latest` when neither a tag nor a digest was given.
    pub tag: Option<String>,
    /// The manifest digest (`sha256:<hex>`), when given.
    pub digest: Option<String>,
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Reference {
    type Err = RegistryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reference::parse(s)
    }
}

impl Reference {
    /// Parse a reference as Docker does, with an optional `registry:` prefix.
    pub fn parse(input: &str) -> Result<Reference, RegistryError> {
        let bad = |reason: &str| RegistryError::BadReference {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let s = input.strip_prefix(PREFIX).unwrap_or(input);
        if s.is_empty() {
            return Err(bad("empty reference"));
        }
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad(
                "a 64-character hexadecimal string is an image ID, not a repository name",
            ));
        }
        let (name_tag, digest) = match s.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (s, None),
        };
        if let Some(d) = digest {
            check_digest(d).map_err(|r| bad(&r))?;
        }
        // The registry: a first component with `.` or `:`, `localhost`, or upper case.
        let (registry, remainder) = match name_tag.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || first.to_lowercase() != first =>
            {
                (first.to_string(), rest)
            }
            _ => (DOCKER_HUB.to_string(), name_tag),
        };
        let registry = if registry == "index.docker.io" {
            DOCKER_HUB.to_string()
        } else {
            registry
        };
        // The tag: after the last `:` of the remainder (the registry's port is gone).
        let (repo, tag) = match remainder.rsplit_once(':') {
            Some((r, t)) => (r, Some(t)),
            None => (remainder, None),
        };
        if repo.to_lowercase() != repo {
            return Err(bad(&format!("repository name {repo:?} must be lowercase")));
        }
        check_registry(&registry).map_err(|r| bad(&r))?;
        if repo.is_empty() {
            return Err(bad("missing repository name"));
        }
        for component in repo.split('/') {
            if !is_path_component(component) {
                return Err(bad(&format!(
                    "invalid repository path component {component:?} (lowercase letters, \
                     digits and single separators `.`, `_`, `__`, `-` between them)"
                )));
            }
        }
        if let Some(t) = tag {
            if !is_tag(t) {
                return Err(bad(&format!(
                    "invalid tag {t:?} (letters, digits, `_`, `.`, `-`, at most 128, not \
                     starting with `.` or `-`)"
                )));
            }
        }
        let repository = if registry == DOCKER_HUB && !repo.contains('/') {
            format!("library/{repo}")
        } else {
            repo.to_string()
        };
        if registry.len() + 1 + repository.len() > NAME_MAX {
            return Err(bad(&format!("name longer than {NAME_MAX} characters")));
        }
        let tag = match (tag, digest) {
            (Some(t), _) => Some(t.to_string()),
            (None, None) => Some("latest".to_string()),
            (None, Some(_)) => None,
        };
        Ok(Reference {
            registry,
            repository,
            tag,
            digest: digest.map(str::to_string),
        })
    }

    /// The host (and port) the API is reached at: Docker Hub's is `registry-1.docker.io`.
    pub fn host(&self) -> &str {
        if self.registry == DOCKER_HUB {
            DOCKER_HUB_HOST
        } else {
            &self.registry
        }
    }

    /// Whether the registry is this machine (`localhost`, `127.0.0.0/8`, `[::1]`), which is
    /// spoken to over HTTPS when it speaks TLS, else plain HTTP (Docker's insecure default).
    pub fn is_loopback(&self) -> bool {
        let host = match self.registry.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => self.registry.split(':').next().unwrap_or(""),
        };
        host == "localhost"
            || host == "::1"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    }

    /// What the manifest is fetched by: the digest when given, else the tag.
    pub fn manifest_ref(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or("latest")
    }
}

fn check_digest(d: &str) -> Result<(), String> {
    let (alg, hex) = d
        .split_once(':')
        .ok_or_else(|| format!("invalid digest {d:?} (expected algorithm:hex)"))?;
    let len = match alg {
        "sha256" => 64,
        "sha512" => 128,
        _ => return Err(format!("unsupported digest algorithm {alg:?}")),
    };
    if hex.len() != len || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(format!(
            "invalid digest {d:?} ({len} lowercase hexadecimal digits expected)"
        ));
    }
    Ok(())
}

fn check_registry(registry: &str) -> Result<(), String> {
    let invalid = || format!("invalid registry {registry:?}");
    let (host, port) = if let Some(rest) = registry.strip_prefix('[') {
        let (v6, after) = rest.split_once(']').ok_or_else(invalid)?;
        v6.parse::<std::net::Ipv6Addr>().map_err(|_| invalid())?;
        match after {
            "" => (None, None),
            p => (None, Some(p.strip_prefix(':').ok_or_else(invalid)?)),
        }
    } else {
        match registry.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(registry), None),
        }
    };
    if let Some(host) = host {
        let ok_component = |c: &str| {
            !c.is_empty()
                && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !c.starts_with('-')
                && !c.ends_with('-')
        };
        if !host.split('.').all(ok_component) {
            return Err(invalid());
        }
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("invalid port in registry {registry:?}"));
        }
    }
    Ok(())
}

/// `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`
fn is_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator run: `.`, `_`, `__` or any number of `-`.
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-')) {
            return false;
        }
    }
    true
}

/// `[\w][\w.-]{0,127}`
fn is_tag(t: &str) -> bool {
    let word = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b.iter().all(|&x| word(x) || x == b'.' || x == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// input, registry, repository, tag, digest, API host
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
    );

    #[test]
    fn docker_rules() {
        // input, registry, repository, tag, digest, API host
        let cases: &[Case] = &[
            (
                "nginx",
                "docker.io",
                "library/nginx",
                Some("latest"),
                None,
                "registry-1.docker.io",
            ),
            (
                "nginx:1.27",
                "docker.io",
                "library/nginx",
                Some("1.27"),
                None,
                "registry-1.docker.io",
            ),
            (
                "library/nginx",
                "docker.io",
                "library/nginx",
                Some("latest"),
                None,
                "registry-1.docker.io",
            ),
            (
                "docker.io/nginx",
                "docker.io",
                "library/nginx",
                Some("latest"),
                None,
                "registry-1.docker.io",
            ),
            (
                "index.docker.io/nginx",
                "docker.io",
                "library/nginx",
                Some("latest"),
                None,
                "registry-1.docker.io",
            ),
            (
                "docker.io/bitnami/redis:7.2",
                "docker.io",
                "bitnami/redis",
                Some("7.2"),
                None,
                "registry-1.docker.io",
            ),
            (
                "user/app",
                "docker.io",
                "user/app",
                Some("latest"),
                None,
                "registry-1.docker.io",
            ),
            (
                "registry:nginx",
                "docker.io",
                "library/nginx",
                Some("latest"),
                None,
                "registry-1.docker.io",
            ),
            (
                "ghcr.io/x/y:tag",
                "ghcr.io",
                "x/y",
                Some("tag"),
                None,
                "ghcr.io",
            ),
            (
                "ghcr.io/x/y/z",
                "ghcr.io",
                "x/y/z",
                Some("latest"),
                None,
                "ghcr.io",
            ),
            (
                "localhost/a",
                "localhost",
                "a",
                Some("latest"),
                None,
                "localhost",
            ),
            (
                "localhost:5000/a/b",
                "localhost:5000",
                "a/b",
                Some("latest"),
                None,
                "localhost:5000",
            ),
            (
                &format!("localhost:5000/a/b@{D}"),
                "localhost:5000",
                "a/b",
                None,
                Some(D),
                "localhost:5000",
            ),
            (
                &format!("nginx:1.27@{D}"),
                "docker.io",
                "library/nginx",
                Some("1.27"),
                Some(D),
                "registry-1.docker.io",
            ),
            (
                &format!("nginx@{D}"),
                "docker.io",
                "library/nginx",
                None,
                Some(D),
                "registry-1.docker.io",
            ),
            (
                "127.0.0.1:5000/debian-mini:1.0",
                "127.0.0.1:5000",
                "debian-mini",
                Some("1.0"),
                None,
                "127.0.0.1:5000",
            ),
            (
                "[::1]:5000/a:b",
                "[::1]:5000",
                "a",
                Some("b"),
                None,
                "[::1]:5000",
            ),
            (
                "Registry.Example/a",
                "Registry.Example",
                "a",
                Some("latest"),
                None,
                "Registry.Example",
            ),
            ("Example/a", "Example", "a", Some("latest"), None, "Example"),
            (
                "foo:5000",
                "docker.io",
                "library/foo",
                Some("5000"),
                None,
                "registry-1.docker.io",
            ),
            (
                "a.b-c/d__e/f-g--h.i_j:T_a.g-1",
                "a.b-c",
                "d__e/f-g--h.i_j",
                Some("T_a.g-1"),
                None,
                "a.b-c",
            ),
            (
                "quay.io:443/org/img:v1",
                "quay.io:443",
                "org/img",
                Some("v1"),
                None,
                "quay.io:443",
            ),
        ];
        for (input, registry, repository, tag, digest, host) in cases {
            let r = Reference::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(r.registry, *registry, "{input}");
            assert_eq!(r.repository, *repository, "{input}");
            assert_eq!(r.tag.as_deref(), *tag, "{input}");
            assert_eq!(r.digest.as_deref(), *digest, "{input}");
            assert_eq!(r.host(), *host, "{input}");
            // The canonical form parses to the same reference.
            assert_eq!(Reference::parse(&r.to_string()).unwrap(), r, "{input}");
        }
        assert_eq!(
            format!(
                "{}/{}:{}",
                {
                    let r = Reference::parse("nginx").unwrap();
                    r.host().to_string()
                },
                "library/nginx",
                "latest"
            ),
            "registry-1.docker.io/library/nginx:latest"
        );
        assert_eq!(
            Reference::parse("nginx").unwrap().to_string(),
            "docker.io/library/nginx:latest"
        );
        assert_eq!(
            Reference::parse(&format!("localhost:5000/a/b@{D}"))
                .unwrap()
                .manifest_ref(),
            D
        );
        assert_eq!(
            Reference::parse("ghcr.io/x/y:tag").unwrap().manifest_ref(),
            "tag"
        );
    }

    #[test]
    fn rejects_what_docker_rejects() {
        let hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let long = format!("example.com/{}", "a".repeat(250));
        let cases: &[(&str, &str)] = &[
            ("", "empty"),
            ("registry:", "empty"),
            ("Nginx", "lowercase"),
            ("docker.io/Library/nginx", "lowercase"),
            ("ghcr.io/X/y", "lowercase"),
            (hex64, "image ID"),
            ("nginx:", "invalid tag"),
            ("nginx:-x", "invalid tag"),
            ("nginx:.x", "invalid tag"),
            ("nginx:a/b", "invalid port"),
            ("nginx@sha256:abc", "invalid digest"),
            (
                "nginx@md5:0123456789abcdef0123456789abcdef",
                "unsupported digest",
            ),
            ("nginx@sha256", "invalid digest"),
            (
                &format!("nginx@sha256:{}", hex64.to_uppercase()),
                "invalid digest",
            ),
            ("a//b", "path component"),
            ("a/b/", "path component"),
            ("-a", "path component"),
            ("a-", "path component"),
            ("a..b", "path component"),
            ("a___b", "path component"),
            ("ghcr.io/", "missing repository"),
            ("ghcr.io:/a", "invalid port"),
            ("ghcr.io:x/a", "invalid port"),
            ("-bad.io/a", "invalid registry"),
            ("bad_host.io/a", "invalid registry"),
            ("./image.tar", "invalid registry"),
            ("/abs/path", "path component"),
            ("a b", "path component"),
            (&long, "longer than"),
        ];
        for (input, want) in cases {
            let err = Reference::parse(input)
                .map(|r| panic!("{input:?} parsed as {r}"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{input:?}: {err}");
            assert!(
                err.contains(&format!("{input:?}")) || input.is_empty(),
                "names the input: {err}"
            );
        }
    }

    #[test]
    fn loopback() {
        for (r, want) in [
            ("localhost/a", true),
            ("localhost:5000/a", true),
            ("127.0.0.1:5000/a", true),
            ("127.1.2.3/a", true),
            ("[::1]:5000/a", true),
            ("ghcr.io/a", false),
            ("10.0.0.1:5000/a", false),
            ("nginx", false),
        ] {
            assert_eq!(Reference::parse(r).unwrap().is_loopback(), want, "{r}");
        }
    }
}
