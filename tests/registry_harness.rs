//! A real registry for tests, shared by every crate's registry tests (included with
//! `#[path]`): Debian's `docker-registry` (CNCF distribution) on 127.0.0.1 with its access
//! log, optional htpasswd auth (`user:pass`) and TLS from a CA made at test time with
//! `openssl`; images pushed into it with `skopeo`. Without those tools the tests say so and
//! pass, unless `SEKISHO_REQUIRE_REGISTRY=1` (set by `scripts/test.sh`, which installs them).

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// `htpasswd -Bbn user pass`.
pub const HTPASSWD: &str = "user:$2y$05$CblfSkFoaXXE0WclUojXP.V3DJykEh4G/lDoPqzEFkEfK9eugZXoy\n";

/// Whether `docker-registry` and `skopeo` are installed; a skip is said on stderr, and is a
/// failure when `SEKISHO_REQUIRE_REGISTRY=1`.
pub fn tools() -> bool {
    let ok = runs("/usr/bin/docker-registry", "--version") && runs("skopeo", "--version");
    skip_unless(ok, "docker-registry or skopeo", "docker-registry skopeo")
}

/// [`tools`] and `openssl`, which makes the test CA.
pub fn tls_tools() -> bool {
    tools() && skip_unless(runs("openssl", "version"), "openssl", "openssl")
}

fn runs(bin: &str, arg: &str) -> bool {
    Command::new(bin)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn skip_unless(ok: bool, what: &str, packages: &str) -> bool {
    if !ok {
        assert!(
            std::env::var("SEKISHO_REQUIRE_REGISTRY").as_deref() != Ok("1"),
            "SEKISHO_REQUIRE_REGISTRY=1 but {what} is missing (apt-get install {packages})"
        );
        eprintln!(
            "SKIPPED: {what} is not installed (apt-get install {packages}); test did not run"
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

/// Waits until something listens on `port` (20 s at most).
pub fn wait_for(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "nothing listens on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A CA and a server certificate it signed for `127.0.0.1` and `localhost`, made with
/// `openssl`; removed when dropped.
pub struct TestCa {
    pub dir: PathBuf,
}

impl TestCa {
    pub fn make() -> TestCa {
        let dir = temp_dir("ca");
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        run(&[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=sekisho test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        ]
        .concat());
        run(&[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat());
        std::fs::write(
            dir.join("ext.cnf"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
             keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ]);
        TestCa { dir }
    }

    /// The CA certificate's file.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The CA certificate (PEM).
    pub fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.ca_file()).unwrap()
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running `docker-registry` with its access log in `<dir>/access.log`, stopped and removed
/// when dropped.
pub struct Registry {
    child: Child,
    dir: PathBuf,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
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
    pub fn start(with_auth: bool) -> Registry {
        Registry::start_with(with_auth, None)
    }

    /// As [`Registry::start`], serving TLS with the test CA's server certificate when given.
    pub fn start_with(with_auth: bool, tls: Option<&TestCa>) -> Registry {
        let dir = temp_dir("registry");
        let port = free_port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: false\nstorage:\n  \
             filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.join("storage").display()
        );
        if let Some(ca) = tls {
            config.push_str(&format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                ca.dir.join("server.pem").display(),
                ca.dir.join("server.key").display()
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
        wait_for(port);
        Registry {
            child,
            dir,
            port,
            auth: with_auth,
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `skopeo copy SRC docker://127.0.0.1:PORT/DEST` (`SRC` in skopeo's transport syntax,
    /// e.g. `oci:DIR`), as `user:pass` on a registry with auth.
    pub fn push(&self, src: &str, dest: &str) {
        let mut cmd = Command::new("skopeo");
        cmd.args(["copy", "--quiet", "--dest-tls-verify=false"]);
        if self.auth {
            cmd.args(["--dest-creds", "user:pass"]);
        }
        let out = cmd
            .arg(src)
            .arg(format!("docker://{}/{dest}", self.host()))
            .output()
            .expect("run skopeo");
        assert!(
            out.status.success(),
            "skopeo copy {src}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The OCI layout at `layout` (a directory) pushed as `dest` (`repo:tag`).
    pub fn push_layout(&self, layout: &Path, dest: &str) {
        assert!(
            layout.exists(),
            "test data missing: {} (the shared corpora must be at ../shared)",
            layout.display()
        );
        self.push(&format!("oci:{}", layout.display()), dest);
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

    /// The file holding a blob in the registry's storage.
    pub fn blob_file(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").unwrap();
        self.dir.join(format!(
            "storage/docker/registry/v2/blobs/sha256/{}/{hex}/data",
            &hex[..2]
        ))
    }
}
