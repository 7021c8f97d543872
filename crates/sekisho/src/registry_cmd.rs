//! Images by reference for `image` and `sbom`: when the source argument is not a file or
//! directory here (and has no other known prefix), or has the `registry:` prefix, it is a
//! registry reference. Credentials come from `--username`/`--password-stdin`, then
//! `SEKISHO_USERNAME`/`SEKISHO_PASSWORD`, then Podman's `auth.json` (`REGISTRY_AUTH_FILE`,
//! `$XDG_RUNTIME_DIR/containers/auth.json`) and docker's `config.json` (`$DOCKER_CONFIG`, else
//! `~/.docker`).

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;

use sekisho_image::Source;
use sekisho_registry::{ClientOptions, Credentials, DockerConfig, Reference, RegistryStore};

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
    /// Allow a named registry over plain HTTP or with an unverified TLS certificate
    /// (localhost and 127.0.0.1 always use plain HTTP).
    #[arg(long)]
    pub insecure: bool,
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
    let options = ClientOptions {
        credentials: credentials(&reference, flags)?,
        insecure: flags.insecure,
        ..ClientOptions::default()
    };
    let store = RegistryStore::connect(&reference, options)?;
    Ok(Some(store.into_source(arg)))
}

pub fn credentials(
    reference: &Reference,
    flags: &RegistryArgs,
) -> anyhow::Result<Option<Credentials>> {
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
    if let (Ok(username), Ok(password)) = (
        std::env::var("SEKISHO_USERNAME"),
        std::env::var("SEKISHO_PASSWORD"),
    ) {
        return Ok(Some(Credentials { username, password }));
    }
    let env = |k: &str| std::env::var_os(k).map(PathBuf::from);
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
    let found = config.credentials_for(&reference.registry);
    if found.is_none()
        && config
            .helpers
            .iter()
            .any(|h| h == "*" || h.trim_start_matches("https://") == reference.registry)
    {
        eprintln!(
            "warning: the login for {} is kept by a docker credential helper, which sekisho \
             does not run; pulling anonymously (use --username and --password-stdin)",
            reference.registry
        );
    }
    Ok(found)
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
