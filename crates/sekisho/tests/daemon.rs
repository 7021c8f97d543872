//! `docker:IMAGE` and `podman:IMAGE`: the Engine API's export (`GET /images/{name}/get`) read
//! over a Unix socket into the one-pass archive scan. A fake daemon serves a real
//! docker-archive (chunked, as the daemons send it); a real Podman service runs when the machine
//! allows it (set `SEKISHO_REQUIRE_PODMAN=1` to make its absence a failure).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");
const NAME: &str = "sekisho-test/bad-practices:1.0";

fn archive_gz() -> String {
    format!("{DATA}/built/bad-practices.docker.tar.gz")
}

/// The uncompressed docker-archive, as `docker save` streams it.
fn archive() -> Arc<Vec<u8>> {
    static BYTES: OnceLock<Arc<Vec<u8>>> = OnceLock::new();
    BYTES
        .get_or_init(|| {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(std::fs::File::open(archive_gz()).unwrap())
                .read_to_end(&mut out)
                .unwrap();
            Arc::new(out)
        })
        .clone()
}

/// A fresh directory under the system temp dir (short: socket paths are limited to 108 bytes).
fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sk-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What the fake daemon does with a request for [`NAME`].
#[derive(Clone, Copy)]
enum Answer {
    /// The whole archive, chunked.
    Export,
    /// This many bytes of the archive, then the connection is closed.
    CutAfter(usize),
    /// A 500 with a JSON message.
    Fail,
}

/// A temp dir removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fake Engine API on a Unix socket in a temp dir; returns the socket (and the dir to drop).
fn fake_daemon(answer: Answer) -> (PathBuf, TempDir) {
    let dir = TempDir(temp_dir("fake"));
    let socket = dir.0.join("docker.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { return };
            std::thread::spawn(move || {
                let _ = serve(conn, answer);
            });
        }
    });
    (socket, dir)
}

fn serve(conn: UnixStream, answer: Answer) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
    }
    let mut out = std::io::BufWriter::new(conn);
    let wanted = format!("GET /images/{NAME}/get HTTP/1.1\r\n");
    if request_line != wanted {
        let body = r#"{"message":"No such image: other"}"#;
        write!(
            out,
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )?;
        return out.flush();
    }
    if let Answer::Fail = answer {
        let body = r#"{"message":"storage is on fire"}"#;
        write!(
            out,
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )?;
        return out.flush();
    }
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n"
    )?;
    let bytes = archive();
    let end = match answer {
        Answer::CutAfter(n) => n,
        _ => bytes.len(),
    };
    // Chunks of uneven sizes, as a daemon flushing its writer sends them.
    let mut at = 0;
    let mut size = 1000;
    while at < end {
        let n = size.min(end - at);
        write!(out, "{n:x}\r\n")?;
        out.write_all(&bytes[at..at + n])?;
        out.write_all(b"\r\n")?;
        at += n;
        size = size * 7 % 70_001 + 1;
    }
    if let Answer::Export = answer {
        out.write_all(b"0\r\n\r\n")?;
    }
    out.flush()
}

fn sekisho(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sekisho"));
    cmd.args(args)
        .env("SEKISHO_DB", "/nonexistent/sekisho.db")
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("DOCKER_HOST")
        .env_remove("CONTAINER_HOST")
        .env_remove("XDG_RUNTIME_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run sekisho")
}

fn json_report(args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let out = sekisho(args, env);
    assert!(
        out.status.success(),
        "sekisho {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The report of the archive file, with `source.input`/`source.kind` as the daemon's would be.
fn archive_report(input: &str, kind: &str) -> serde_json::Value {
    let mut report = json_report(&["image", &archive_gz(), "--format", "json"], &[]);
    report["source"]["input"] = input.into();
    report["source"]["kind"] = kind.into();
    report
}

fn failure(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = sekisho(args, env);
    assert_eq!(
        out.status.code(),
        Some(1),
        "sekisho {args:?} should fail: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn docker_export_gives_the_archive_report() {
    let (socket, _dir) = fake_daemon(Answer::Export);
    let host = format!("unix://{}", socket.display());
    let input = format!("docker:{NAME}");
    let report = json_report(
        &["image", &input, "--format", "json"],
        &[("DOCKER_HOST", &host)],
    );
    assert_eq!(report["source"]["kind"], "docker-daemon");
    assert_eq!(report["source"]["input"], input.as_str());
    assert!(!report["packages"].as_array().unwrap().is_empty());
    assert_eq!(report, archive_report(&input, "docker-daemon"));

    // Podman's variables reach the same API; DOCKER_HOST is its fallback.
    let input = format!("podman:{NAME}");
    let report = json_report(
        &["image", &input, "--format", "json"],
        &[
            ("CONTAINER_HOST", &host),
            ("DOCKER_HOST", "unix:///nonexistent"),
        ],
    );
    assert_eq!(report, archive_report(&input, "podman"));

    // SBOMs from the daemon name the image by its tag.
    let out = sekisho(
        &["sbom", &format!("docker:{NAME}"), "--format", "cyclonedx"],
        &[("DOCKER_HOST", &host)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bom: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        bom["metadata"]["component"]["name"], NAME,
        "{}",
        bom["metadata"]
    );
}

#[test]
fn daemon_errors_name_the_image_and_the_socket() {
    // An image the daemon does not have.
    let (socket, _dir) = fake_daemon(Answer::Export);
    let host = format!("unix://{}", socket.display());
    let err = failure(
        &["image", "docker:missing:1.0", "--format", "json"],
        &[("DOCKER_HOST", &host)],
    );
    assert!(
        err.contains(&format!(
            "image missing:1.0 not found in the docker daemon at {}",
            socket.display()
        )),
        "{err}"
    );

    // No daemon at the socket: the error names it and the variables that choose another.
    let nosock = TempDir(temp_dir("nosock"));
    let gone = nosock.0.join("docker.sock");
    let err = failure(
        &["image", &format!("docker:{NAME}")],
        &[("DOCKER_HOST", &format!("unix://{}", gone.display()))],
    );
    assert!(
        err.contains(&format!(
            "cannot connect to the docker daemon at {}",
            gone.display()
        )) && err.contains("DOCKER_HOST"),
        "{err}"
    );
    let err = failure(
        &["image", &format!("podman:{NAME}")],
        &[("XDG_RUNTIME_DIR", gone.parent().unwrap().to_str().unwrap())],
    );
    assert!(
        err.contains(&format!(
            "cannot connect to the podman service at {}/podman/podman.sock",
            gone.parent().unwrap().display()
        )) && err.contains("CONTAINER_HOST")
            && err.contains("podman system service"),
        "{err}"
    );

    // The daemon refuses.
    let (socket, _dir) = fake_daemon(Answer::Fail);
    let err = failure(
        &["image", &format!("docker:{NAME}")],
        &[("DOCKER_HOST", &format!("unix://{}", socket.display()))],
    );
    assert!(
        err.contains("refused to export") && err.contains("HTTP 500: storage is on fire"),
        "{err}"
    );

    // The connection closes mid-stream: inside a layer, and between tar members.
    let total = archive().len();
    for cut in [total / 2, 512 * 3, total - 1024] {
        let (socket, _dir) = fake_daemon(Answer::CutAfter(cut));
        let input = format!("docker:{NAME}");
        let err = failure(
            &["image", &input, "--format", "json"],
            &[("DOCKER_HOST", &format!("unix://{}", socket.display()))],
        );
        assert!(
            err.contains(&input)
                && err.contains(&format!("the export of {NAME} from the docker daemon"))
                && err.contains("closed before the end of the body"),
            "cut at {cut}: {err}"
        );
        eprintln!("cut at {cut}: {err}");
    }

    // A prefix without a name.
    let err = failure(&["image", "docker:"], &[]);
    assert!(err.contains("name the image"), "{err}");
}

/// A Podman service on a socket in a temp dir, with its own storage; stopped when dropped.
struct Podman {
    dir: PathBuf,
    socket: PathBuf,
    service: std::process::Child,
}

impl Drop for Podman {
    fn drop(&mut self) {
        let _ = self.service.kill();
        let _ = self.service.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Podman {
    fn command(dir: &Path) -> Command {
        let mut cmd = Command::new("podman");
        cmd.arg("--root")
            .arg(dir.join("root"))
            .arg("--runroot")
            .arg(dir.join("run"))
            .args(["--storage-driver", "vfs", "--events-backend", "file"]);
        cmd
    }

    fn start() -> Result<Podman, String> {
        let version = Command::new("podman").arg("--version").output();
        match version {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                return Err(format!(
                    "`podman --version` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ))
            }
            Err(e) => return Err(format!("podman is not installed ({e})")),
        }
        let dir = temp_dir("podman");
        let socket = dir.join("podman.sock");
        let log = std::fs::File::create(dir.join("service.log")).map_err(|e| e.to_string())?;
        let service = Self::command(&dir)
            .args(["system", "service", "--time=0"])
            .arg(format!("unix://{}", socket.display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start `podman system service`: {e}"))?;
        let mut podman = Podman {
            dir,
            socket,
            service,
        };
        let started = Instant::now();
        loop {
            if ping(&podman.socket) {
                return Ok(podman);
            }
            let log =
                || std::fs::read_to_string(podman.dir.join("service.log")).unwrap_or_default();
            if let Ok(Some(status)) = podman.service.try_wait() {
                return Err(format!(
                    "`podman system service` exited ({status}): {}",
                    log().trim()
                ));
            }
            if started.elapsed() > Duration::from_secs(30) {
                return Err(format!(
                    "`podman system service` did not answer within 30 s: {}",
                    log().trim()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn load(&self, archive: &Path) -> Result<(), String> {
        let out = Command::new("podman")
            .arg("--url")
            .arg(format!("unix://{}", self.socket.display()))
            .arg("load")
            .arg("-i")
            .arg(archive)
            .output()
            .map_err(|e| format!("cannot run `podman load`: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "`podman load` failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(())
    }
}

/// Whether the API answers `GET /_ping`.
fn ping(socket: &Path) -> bool {
    let Ok(mut conn) = UnixStream::connect(socket) else {
        return false;
    };
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    if conn
        .write_all(b"GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

#[test]
fn real_podman_service() {
    let required = std::env::var("SEKISHO_REQUIRE_PODMAN").is_ok_and(|v| v == "1");
    let skip = |why: String| {
        assert!(!required, "SEKISHO_REQUIRE_PODMAN=1 but {why}");
        println!("SKIPPED real Podman test: {why}");
        eprintln!("SKIPPED real Podman test: {why}");
    };
    let podman = match Podman::start() {
        Ok(p) => p,
        Err(why) => return skip(why),
    };
    // Podman's remote load takes the uncompressed archive.
    let tar = podman.dir.join("bad-practices.docker.tar");
    std::fs::write(&tar, archive().as_slice()).unwrap();
    let loaded = podman.load(&tar);
    let _ = std::fs::remove_file(&tar);
    if let Err(why) = loaded {
        return skip(why);
    }
    let host = format!("unix://{}", podman.socket.display());
    let input = format!("podman:localhost/{NAME}");
    let mut report = json_report(
        &["image", &input, "--format", "json"],
        &[("CONTAINER_HOST", &host)],
    );
    assert_eq!(report["source"]["kind"], "podman");
    // Podman names images it loads under `localhost/`.
    assert_eq!(
        report["source"]["tags"],
        serde_json::json!([format!("localhost/{NAME}")])
    );
    let mut expected = archive_report(&input, "podman");
    report["source"]["tags"] = serde_json::Value::Null;
    expected["source"]["tags"] = serde_json::Value::Null;
    assert_eq!(report, expected);

    // An image the service does not have: Podman's 404.
    let err = failure(
        &["image", "podman:localhost/sekisho-test/absent:1"],
        &[("CONTAINER_HOST", &host)],
    );
    assert!(
        err.contains(&format!(
            "image localhost/sekisho-test/absent:1 not found in the podman service at {}",
            podman.socket.display()
        )),
        "{err}"
    );
    println!("real Podman test ran against {}", podman.socket.display());
}
