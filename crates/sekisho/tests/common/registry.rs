//! A real registry for tests: Debian's `docker-registry` (CNCF distribution) on 127.0.0.1
//! with its access log, and skopeo to push images into it. Without them the tests say so and
//! pass, unless `SEKISHO_REQUIRE_REGISTRY=1` (set by `scripts/test.sh`, which installs them).

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// `htpasswd -Bbn user pass`.
pub const HTPASSWD: &str = "user:$2y$05$CblfSkFoaXXE0WclUojXP.V3DJykEh4G/lDoPqzEFkEfK9eugZXoy\n";

/// Whether `docker-registry` and `skopeo` are installed (a skip is said on stderr).
pub fn tools() -> bool {
    let have = |bin: &str| {
        Command::new(bin)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let ok = have("/usr/bin/docker-registry") && have("skopeo");
    if !ok {
        assert!(
            std::env::var("SEKISHO_REQUIRE_REGISTRY").as_deref() != Ok("1"),
            "SEKISHO_REQUIRE_REGISTRY=1 but docker-registry or skopeo is missing \
             (apt-get install docker-registry skopeo)"
        );
        eprintln!(
            "SKIPPED: docker-registry and skopeo are not installed (apt-get install \
             docker-registry skopeo); registry tests did not run"
        );
    }
    ok
}

/// A fresh directory under the system temp dir, unique per call within the test process.
pub fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sekisho-reg-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A TCP port free on 127.0.0.1 at the time of asking.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `docker-registry` with its access log in `<dir>/access.log`.
pub struct Registry {
    child: Child,
    dir: PathBuf,
    port: u16,
    auth: bool,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Registry {
    /// Plain HTTP, with htpasswd auth (`user:pass`) when `with_auth`.
    pub fn start(tag: &str, with_auth: bool) -> Registry {
        Registry::start_with(tag, with_auth, None)
    }

    /// As [`Registry::start`], serving TLS with `tls` = (certificate, key) when given.
    pub fn start_with(tag: &str, with_auth: bool, tls: Option<(&Path, &Path)>) -> Registry {
        let dir = temp_dir(tag);
        let port = free_port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: false\nstorage:\n  \
             filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.join("storage").display()
        );
        if let Some((certificate, key)) = tls {
            config.push_str(&format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                certificate.display(),
                key.display()
            ));
        }
        if with_auth {
            std::fs::write(dir.join("htpasswd"), HTPASSWD).unwrap();
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: sekisho-test\n    path: {}\n",
                dir.join("htpasswd").display()
            ));
        }
        std::fs::write(dir.join("config.yml"), config).unwrap();
        let child = Command::new("/usr/bin/docker-registry")
            .arg("serve")
            .arg(dir.join("config.yml"))
            .stdout(std::fs::File::create(dir.join("access.log")).unwrap())
            .stderr(std::fs::File::create(dir.join("log")).unwrap())
            .spawn()
            .expect("start docker-registry");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "docker-registry did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Registry {
            child,
            dir,
            port,
            auth: with_auth,
        }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The requests logged so far (`METHOD /path`), in order.
    pub fn requests(&self) -> Vec<String> {
        // The log is written as requests finish; give the last one a moment.
        std::thread::sleep(Duration::from_millis(200));
        let text = std::fs::read_to_string(self.dir.join("access.log")).unwrap_or_default();
        text.lines()
            .filter_map(|l| {
                let quoted = l.split('"').nth(1)?;
                let mut parts = quoted.split_whitespace();
                Some(format!("{} {}", parts.next()?, parts.next()?))
            })
            .collect()
    }

    pub fn blob_file(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").unwrap();
        self.dir.join(format!(
            "storage/docker/registry/v2/blobs/sha256/{}/{hex}/data",
            &hex[..2]
        ))
    }
}

impl Registry {
    /// Push the OCI layout at `layout` (a directory) as `repo:tag` with skopeo (as `user:pass`
    /// on a registry with auth).
    pub fn push_layout(&self, layout: &Path, repo: &str, tag: &str) {
        let mut cmd = Command::new("skopeo");
        cmd.args(["copy", "--quiet", "--dest-tls-verify=false"]);
        if self.auth {
            cmd.args(["--dest-creds", "user:pass"]);
        }
        let out = cmd
            .arg(format!("oci:{}", layout.display()))
            .arg(format!("docker://{}/{repo}:{tag}", self.host()))
            .output()
            .expect("run skopeo");
        assert!(
            out.status.success(),
            "skopeo copy {}: {}",
            layout.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
