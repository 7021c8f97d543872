//! `docker:IMAGE` and `podman:IMAGE` for `image` and `sbom`: the image is exported by the local
//! daemon over its Unix socket (`sekisho-daemon`). The socket comes from the environment:
//! `docker:` uses `DOCKER_HOST` when it is `unix://…`, else `/var/run/docker.sock`; `podman:`
//! uses `CONTAINER_HOST`, then `DOCKER_HOST` when `unix://…`, else
//! `$XDG_RUNTIME_DIR/podman/podman.sock`, else `/run/podman/podman.sock`.

use std::path::PathBuf;

use anyhow::bail;
use sekisho_daemon::{Daemon, Engine};
use sekisho_image::Source;

/// The daemon source for `arg`, or `None` when it has no `docker:`/`podman:` prefix.
pub fn daemon_source(arg: &str) -> anyhow::Result<Option<Source>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (engine, image) = if let Some(image) = arg.strip_prefix("docker:") {
        (Engine::Docker, image)
    } else if let Some(image) = arg.strip_prefix("podman:") {
        (Engine::Podman, image)
    } else {
        return Ok(None);
    };
    if image.is_empty() {
        bail!("{arg}: name the image after `{}:`", engine.prefix());
    }
    Ok(Some(daemon(engine, &env).source(arg, image)))
}

/// The daemon of `engine` at the socket the environment names, with a hint for errors.
fn daemon(engine: Engine, env: &dyn Fn(&str) -> Option<String>) -> Daemon {
    let vars: &[&str] = match engine {
        Engine::Docker => &["DOCKER_HOST"],
        Engine::Podman => &["CONTAINER_HOST", "DOCKER_HOST"],
    };
    let mut ignored = Vec::new();
    for var in vars {
        if let Some(value) = env(var) {
            match value.strip_prefix("unix://") {
                Some(path) => {
                    return Daemon::new(engine, path).with_hint(format!("the socket is ${var}"))
                }
                None => ignored.push(format!("${var}={value} is not a unix:// socket")),
            }
        }
    }
    let socket = match engine {
        Engine::Docker => PathBuf::from("/var/run/docker.sock"),
        Engine::Podman => env("XDG_RUNTIME_DIR")
            .map(|dir| PathBuf::from(dir).join("podman/podman.sock"))
            .unwrap_or_else(|| PathBuf::from("/run/podman/podman.sock")),
    };
    let how = match engine {
        Engine::Docker => "set DOCKER_HOST=unix:///path/to/docker.sock for another socket",
        Engine::Podman => {
            "start it with `podman system service --time=0`, or set CONTAINER_HOST or \
             DOCKER_HOST=unix:///path/to/podman.sock for another socket"
        }
    };
    let hint = if ignored.is_empty() {
        how.to_string()
    } else {
        format!("{}; {how}", ignored.join(", "))
    };
    Daemon::new(engine, socket).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn socket(engine: Engine, vars: &[(&str, &str)]) -> PathBuf {
        let env = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        daemon(engine, &env).socket().to_path_buf()
    }

    #[test]
    fn sockets_from_the_environment() {
        assert_eq!(
            socket(Engine::Docker, &[]),
            Path::new("/var/run/docker.sock")
        );
        assert_eq!(
            socket(Engine::Docker, &[("DOCKER_HOST", "unix:///tmp/d.sock")]),
            Path::new("/tmp/d.sock")
        );
        assert_eq!(
            socket(Engine::Docker, &[("DOCKER_HOST", "tcp://1.2.3.4:2375")]),
            Path::new("/var/run/docker.sock")
        );
        assert_eq!(
            socket(Engine::Podman, &[]),
            Path::new("/run/podman/podman.sock")
        );
        assert_eq!(
            socket(Engine::Podman, &[("XDG_RUNTIME_DIR", "/run/user/1000")]),
            Path::new("/run/user/1000/podman/podman.sock")
        );
        assert_eq!(
            socket(
                Engine::Podman,
                &[
                    ("XDG_RUNTIME_DIR", "/run/user/1000"),
                    ("DOCKER_HOST", "unix:///tmp/d.sock")
                ]
            ),
            Path::new("/tmp/d.sock")
        );
        assert_eq!(
            socket(
                Engine::Podman,
                &[
                    ("CONTAINER_HOST", "unix:///tmp/c.sock"),
                    ("DOCKER_HOST", "unix:///tmp/d.sock")
                ]
            ),
            Path::new("/tmp/c.sock")
        );
    }
}
