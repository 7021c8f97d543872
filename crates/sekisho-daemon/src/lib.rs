//! Images from a local daemon: `docker:IMAGE` and `podman:IMAGE`. The Docker Engine API (which
//! Podman's service also speaks) exports an image as a docker-archive with
//! `GET /images/{name}/get`; the body is streamed over the daemon's Unix socket straight into
//! the one-pass archive scan ([`sekisho_image::Source::Stream`]), so no copy of the image is
//! written anywhere.
//!
//! The socket path is data: the front end decides it (from `DOCKER_HOST`, `CONTAINER_HOST`,
//! `XDG_RUNTIME_DIR`) and passes it in, with a hint for error messages.

mod http;

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sekisho_image::{ArchiveStream, ImageError, Source, SourceKind};

/// Which daemon: decides the report's source kind and how errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The Docker Engine (`docker:IMAGE`).
    Docker,
    /// Podman's Engine API service (`podman:IMAGE`).
    Podman,
}

impl Engine {
    /// The prefix users type (`docker`, `podman`).
    pub fn prefix(self) -> &'static str {
        match self {
            Engine::Docker => "docker",
            Engine::Podman => "podman",
        }
    }

    /// How the report names sources of this engine.
    pub fn kind(self) -> SourceKind {
        match self {
            Engine::Docker => SourceKind::DockerDaemon,
            Engine::Podman => SourceKind::Podman,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Engine::Docker => "docker daemon",
            Engine::Podman => "podman service",
        }
    }
}

/// A daemon reached through its Unix socket.
#[derive(Debug, Clone)]
pub struct Daemon {
    engine: Engine,
    socket: PathBuf,
    hint: Option<String>,
    timeout: Option<Duration>,
}

impl Daemon {
    /// The daemon of `engine` listening on `socket`.
    pub fn new(engine: Engine, socket: impl Into<PathBuf>) -> Daemon {
        Daemon {
            engine,
            socket: socket.into(),
            hint: None,
            timeout: Some(Duration::from_secs(300)),
        }
    }

    /// A sentence added to errors about reaching the socket (where the path came from, which
    /// environment variables choose another).
    pub fn with_hint(mut self, hint: impl Into<String>) -> Daemon {
        self.hint = Some(hint.into());
        self
    }

    /// The longest wait for the daemon's next bytes (`None`: forever). Default 5 minutes: a
    /// daemon preparing a large export is slow to start, one that hangs must not hang us.
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Daemon {
        self.timeout = timeout;
        self
    }

    /// The socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The scan source for `image` (a name, `name:tag` or ID, as the daemon knows it); `input`
    /// is what the user typed. Nothing is contacted until the scan opens the stream.
    pub fn source(&self, input: &str, image: &str) -> Source {
        Source::Stream {
            input: input.to_string(),
            stream: Arc::new(Export {
                daemon: self.clone(),
                image: image.to_string(),
            }),
            kind: self.engine.kind(),
        }
    }

    /// Where errors say the image was looked for: "the docker daemon at /var/run/docker.sock".
    fn at(&self) -> String {
        format!("the {} at {}", self.engine.name(), self.socket.display())
    }

    fn connect(&self, input: &str) -> Result<UnixStream, ImageError> {
        let stream = UnixStream::connect(&self.socket).map_err(|e| {
            let hint = self
                .hint
                .as_deref()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            ImageError::Stream {
                input: input.to_string(),
                reason: format!("cannot connect to {}: {e}{hint}", self.at()),
            }
        })?;
        stream
            .set_read_timeout(self.timeout)
            .and_then(|()| stream.set_write_timeout(self.timeout))
            .map_err(|e| ImageError::Stream {
                input: input.to_string(),
                reason: format!("{}: {e}", self.at()),
            })?;
        Ok(stream)
    }
}

/// One image's export (`GET /images/{name}/get`).
struct Export {
    daemon: Daemon,
    image: String,
}

impl ArchiveStream for Export {
    fn open(&self, input: &str) -> Result<Box<dyn Read + Send>, ImageError> {
        let daemon = &self.daemon;
        let at = daemon.at();
        let failed = |reason: String| ImageError::Stream {
            input: input.to_string(),
            reason,
        };
        let stream = daemon.connect(input)?;
        let path = format!("/images/{}/get", http::escape_path(&self.image));
        let response = http::get(stream, &path)
            .map_err(|e| failed(format!("exporting {} from {at}: {e}", self.image)))?;
        match response.status {
            200 => Ok(Box::new(http::Labelled::new(
                response.body,
                format!("the export of {} from {at}", self.image),
            ))),
            404 => Err(ImageError::NotFound {
                input: input.to_string(),
                reason: format!("image {} not found in {at}", self.image),
            }),
            status => {
                let message = response.error_message();
                Err(failed(format!(
                    "{at} refused to export {}: HTTP {status}{}",
                    self.image,
                    message.map(|m| format!(": {m}")).unwrap_or_default()
                )))
            }
        }
    }
}
