//! Images by reference for `image` and `sbom`: when the source argument is not a file or
//! directory here (and has no other known prefix), or has the `registry:` prefix, it is a
//! registry reference. Credentials come from `--username`/`--password-stdin`, then
//! `SEKISHO_REGISTRY_TOKEN` (a bearer token), then `SEKISHO_USERNAME`/`SEKISHO_PASSWORD` (these
//! apply to every registry and mirror), then, per registry, Podman's `auth.json`
//! (`REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`) and docker's `config.json`
//! (`$DOCKER_CONFIG`, else `~/.docker`), whose credential helpers are run. TLS roots: the
//! built-in ones (or `SSL_CERT_FILE`/`SSL_CERT_DIR` instead) plus `--cacert`. Mirrors: a
//! containers `registries.conf` (`--registries-conf`, `$SEKISHO_REGISTRIES_CONF`, else
//! `$XDG_CONFIG_HOME/containers/registries.conf`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Args;

use sekisho_image::Source;
use sekisho_registry::{
    ClientOptions, Credentials, DockerConfig, Endpoint, Reference, RegistriesConf, RegistryError,
    RegistryStore,
};

/// Registry flags of `image` and `sbom`.
#[derive(Debug, Clone, Default, Args)]
pub struct RegistryArgs {
    /// User name for the registry (the password is read with --password-stdin)
    /// [default: $SEKISHO_USERNAME, else docker's or Podman's saved login].
    #[arg(long)]
    pub username: Option<String>,
    /// Read the registry password or token from standard input.
    #[arg(long, requires = "username")]
    pub password_stdin: bool,
    /// Allow a registry over plain HTTP or with an unverified TLS certificate (localhost and
    /// 127.0.0.1 use plain HTTP when they do not speak TLS).
    #[arg(long)]
    pub insecure: bool,
    /// Also trust the CA certificates in this PEM file for registries' TLS certificates.
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Mirrors and locations from this containers registries.conf (version 2)
    /// [default: $SEKISHO_REGISTRIES_CONF, else $XDG_CONFIG_HOME/containers/registries.conf
    /// when it exists].
    #[arg(long, value_name = "FILE")]
    pub registries_conf: Option<PathBuf>,
}

/// Prefixes of local sources (`Source::parse`).
const LOCAL_PREFIXES: [&str; 5] = [
    "docker-archive:",
    "oci-dir:",
    "oci:",
    "oci-archive:",
    "dir:",
];

/// The reference in `arg`, when it is one: a `registry:` prefix forces it; otherwise an
/// argument naming nothing on this machine, without a local prefix and not named like an
/// archive, that parses as a reference.
fn wants_registry(arg: &str) -> Option<&str> {
    if let Some(forced) = arg.strip_prefix(sekisho_registry::PREFIX) {
        return Some(forced);
    }
    if Path::new(arg).exists() || LOCAL_PREFIXES.iter().any(|p| arg.starts_with(p)) {
        return None;
    }
    // `PATH:TAG` of a local archive or layout.
    if arg
        .rsplit_once(':')
        .is_some_and(|(path, _)| Path::new(path).exists())
    {
        return None;
    }
    // A missing `app.tar` is a typo, not Docker Hub's `library/app.tar`.
    let name = arg.split(['@', ':']).next().unwrap_or(arg);
    let archive_like = [".tar", ".tar.gz", ".tgz", ".tar.zst", ".oci"]
        .iter()
        .any(|ext| name.ends_with(ext));
    if archive_like || Reference::parse(arg).is_err() {
        return None;
    }
    Some(arg)
}

/// The registry source for `arg`, or `None` when it is a local path (for `Source::parse`).
pub fn registry_source(arg: &str, flags: &RegistryArgs) -> anyhow::Result<Option<Source>> {
    let Some(text) = wants_registry(arg) else {
        return Ok(None);
    };
    let reference = Reference::parse(text)?;
    let settings = Settings::read(flags)?;
    let endpoints = match &settings.mirrors {
        Some(conf) => conf.endpoints(&reference)?,
        None => vec![Endpoint {
            reference: reference.clone(),
            insecure: false,
            mirror: false,
        }],
    };
    let store = RegistryStore::connect_via(&reference, &endpoints, |endpoint| {
        settings.options_for(&endpoint.reference.registry, endpoint.insecure)
    })?;
    if let Some(mirror) = store.mirror() {
        eprintln!("note: {reference}: read from {mirror}");
    }
    Ok(Some(store.into_source(arg)))
}

/// Client options for one reference without mirrors (the database artifact of `db`).
pub fn client_options(
    reference: &Reference,
    flags: &RegistryArgs,
) -> anyhow::Result<ClientOptions> {
    Ok(Settings::read(flags)?.options_for(&reference.registry, false)?)
}

/// The registry settings of one run: what the flags and the environment say, read once (the
/// password from standard input, CA files, registries.conf).
struct Settings {
    /// `--username`/`--password-stdin` or `SEKISHO_USERNAME`/`SEKISHO_PASSWORD`: for every
    /// registry and mirror.
    explicit: Option<Credentials>,
    /// `SEKISHO_REGISTRY_TOKEN`: for every registry and mirror.
    token: Option<String>,
    /// docker's and Podman's login files, consulted per registry.
    logins: DockerConfig,
    helper_timeout: Duration,
    insecure: bool,
    ca_certs: Vec<Vec<u8>>,
    builtin_roots: bool,
    mirrors: Option<RegistriesConf>,
}

/// How long a credential helper may take unless `SEKISHO_CREDENTIAL_HELPER_TIMEOUT` says.
const HELPER_TIMEOUT: Duration = Duration::from_secs(60);

/// An environment variable, unset when empty (CI systems set missing secrets to "").
fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Settings {
    fn read(flags: &RegistryArgs) -> anyhow::Result<Settings> {
        let explicit = explicit_credentials(flags)?;
        let token = if flags.username.is_some() {
            None
        } else {
            env_value("SEKISHO_REGISTRY_TOKEN")
        };
        let helper_timeout = match env_value("SEKISHO_CREDENTIAL_HELPER_TIMEOUT") {
            Some(v) => Duration::from_secs_f64(
                v.parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .with_context(|| {
                        format!("SEKISHO_CREDENTIAL_HELPER_TIMEOUT={v:?}: not a number of seconds")
                    })?,
            ),
            None => HELPER_TIMEOUT,
        };
        let (ca_certs, builtin_roots) = trust_roots(flags.cacert.as_deref())?;
        Ok(Settings {
            explicit,
            token,
            logins: login_files()?,
            helper_timeout,
            insecure: flags.insecure,
            ca_certs,
            builtin_roots,
            mirrors: registries_conf(flags.registries_conf.as_deref())?,
        })
    }

    /// The options for `registry` (a mirror's or the reference's): explicit credentials or
    /// the token, else the login files' (credential helpers run here).
    fn options_for(&self, registry: &str, insecure: bool) -> Result<ClientOptions, RegistryError> {
        let credentials = match (&self.explicit, &self.token) {
            (Some(c), _) => Some(c.clone()),
            (None, Some(_)) => None,
            (None, None) => self.logins.credentials(registry, self.helper_timeout)?,
        };
        Ok(ClientOptions {
            credentials,
            registry_token: self.token.clone(),
            insecure: self.insecure || insecure,
            ca_certs: self.ca_certs.clone(),
            builtin_roots: self.builtin_roots,
            ..ClientOptions::default()
        })
    }
}

/// `--username` with `--password-stdin`, else `SEKISHO_USERNAME` with `SEKISHO_PASSWORD`
/// (unless `SEKISHO_REGISTRY_TOKEN` is set, which wins over them, as in Trivy).
fn explicit_credentials(flags: &RegistryArgs) -> anyhow::Result<Option<Credentials>> {
    if let Some(username) = &flags.username {
        if !flags.password_stdin {
            bail!("--username needs --password-stdin (the password is read from standard input)");
        }
        let mut password = String::new();
        std::io::stdin()
            .read_to_string(&mut password)
            .context("reading the password from standard input")?;
        let password = password.trim_end_matches(['\n', '\r']).to_string();
        if password.is_empty() {
            bail!("--password-stdin: standard input is empty");
        }
        return Ok(Some(Credentials {
            username: username.clone(),
            password,
        }));
    }
    if env_value("SEKISHO_REGISTRY_TOKEN").is_some() {
        return Ok(None);
    }
    match (env_value("SEKISHO_USERNAME"), env_value("SEKISHO_PASSWORD")) {
        (Some(username), Some(password)) => Ok(Some(Credentials { username, password })),
        (Some(_), None) => bail!("SEKISHO_USERNAME is set but SEKISHO_PASSWORD is not"),
        (None, Some(_)) => bail!("SEKISHO_PASSWORD is set but SEKISHO_USERNAME is not"),
        (None, None) => Ok(None),
    }
}

/// Podman's `auth.json` files, then docker's `config.json`, in that order.
fn login_files() -> anyhow::Result<DockerConfig> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let mut files: Vec<PathBuf> = Vec::new();
    files.extend(env("REGISTRY_AUTH_FILE"));
    files.extend(env("XDG_RUNTIME_DIR").map(|d| d.join("containers/auth.json")));
    files.extend(
        env("DOCKER_CONFIG")
            .or_else(|| env("HOME").map(|h| h.join(".docker")))
            .map(|d| d.join("config.json")),
    );
    let mut config = DockerConfig::default();
    for file in files {
        match std::fs::read_to_string(&file) {
            Ok(text) => config.merge(
                DockerConfig::parse(&text)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => bail!("reading {}: {e}", file.display()),
        }
    }
    Ok(config)
}

/// The CA certificates (DER) to trust and whether the built-in roots stay: `SSL_CERT_FILE`
/// and `SSL_CERT_DIR` (colon-separated) replace the built-in roots, as with OpenSSL and Go;
/// `--cacert` adds to whichever roots are in force.
fn trust_roots(cacert: Option<&Path>) -> anyhow::Result<(Vec<Vec<u8>>, bool)> {
    let pem_file = |path: &Path, what: &str| -> anyhow::Result<Vec<Vec<u8>>> {
        let bytes =
            std::fs::read(path).with_context(|| format!("{what}: reading {}", path.display()))?;
        sekisho_registry::parse_pem_certificates(&bytes)
            .map_err(|e| anyhow::anyhow!("{what}: {}: {e}", path.display()))
    };
    let mut certs = Vec::new();
    let mut builtin = true;
    if let Some(file) = std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty()) {
        builtin = false;
        certs.extend(pem_file(Path::new(&file), "SSL_CERT_FILE")?);
    }
    if let Some(dirs) = std::env::var_os("SSL_CERT_DIR").filter(|v| !v.is_empty()) {
        builtin = false;
        for dir in std::env::split_paths(&dirs) {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                // OpenSSL's hashed names link to the same files: duplicates are harmless.
                if let Ok(bytes) = std::fs::read(&path) {
                    certs.extend(
                        sekisho_registry::parse_pem_certificates(&bytes).unwrap_or_default(),
                    );
                }
            }
        }
    }
    if let Some(path) = cacert {
        certs.extend(pem_file(path, "--cacert")?);
    }
    if !builtin && certs.is_empty() {
        bail!("SSL_CERT_FILE / SSL_CERT_DIR name no CA certificate: no registry could be trusted");
    }
    Ok((certs, builtin))
}

/// The registries.conf in force: the flag, else `SEKISHO_REGISTRIES_CONF` (empty: none), else
/// `$XDG_CONFIG_HOME/containers/registries.conf` (`~/.config/...`) when it exists. The
/// system-wide `/etc/containers/registries.conf` is read only when named.
fn registries_conf(flag: Option<&Path>) -> anyhow::Result<Option<RegistriesConf>> {
    let path = match (flag, std::env::var_os("SEKISHO_REGISTRIES_CONF")) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(v)) if v.is_empty() => return Ok(None),
        (None, Some(v)) => PathBuf::from(v),
        (None, None) => {
            let env = |k: &str| {
                std::env::var_os(k)
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            };
            let Some(user) = env("XDG_CONFIG_HOME")
                .or_else(|| env("HOME").map(|h| h.join(".config")))
                .map(|d| d.join("containers/registries.conf"))
                .filter(|p| p.exists())
            else {
                return Ok(None);
            };
            user
        }
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading registries.conf {}", path.display()))?;
    let conf =
        RegistriesConf::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok((!conf.is_empty()).then_some(conf))
}

#[cfg(test)]
mod tests {
    use super::wants_registry;

    #[test]
    fn which_arguments_are_references() {
        let here = env!("CARGO_MANIFEST_DIR");
        assert_eq!(wants_registry(here), None);
        assert_eq!(wants_registry(&format!("{here}:1.0")), None);
        assert_eq!(wants_registry("oci:missing-layout"), None);
        assert_eq!(wants_registry("docker-archive:missing.tar"), None);
        assert_eq!(wants_registry("missing.tar"), None);
        assert_eq!(wants_registry("images/missing.tar.gz"), None);
        assert_eq!(wants_registry("./missing"), None);
        assert_eq!(wants_registry("/abs/missing"), None);
        assert_eq!(wants_registry("nginx:1.27"), Some("nginx:1.27"));
        assert_eq!(wants_registry("ghcr.io/x/y:tag"), Some("ghcr.io/x/y:tag"));
        assert_eq!(
            wants_registry("localhost:5000/a/b"),
            Some("localhost:5000/a/b")
        );
        assert_eq!(wants_registry("registry:app.tar"), Some("app.tar"));
        assert_eq!(wants_registry(&format!("registry:{here}")), Some(here));
    }
}
