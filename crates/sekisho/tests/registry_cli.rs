//! `sekisho image REF` against real registries (Debian's `docker-registry` on 127.0.0.1,
//! images pushed with `skopeo`), for what the CLI reads from the machine: docker credential
//! helpers (a fake `docker-credential-*` script on `PATH`, named by `credsStore` or
//! `credHelpers` in `$DOCKER_CONFIG/config.json`) against htpasswd auth; `SEKISHO_USERNAME`,
//! `SEKISHO_PASSWORD`, `SEKISHO_REGISTRY_TOKEN`; a TLS registry with a CA made at test time
//! (`openssl`) trusted through `--cacert` or `SSL_CERT_FILE`; mirrors from a `registries.conf`.
//!
//! Without `docker-registry`, `skopeo` and `openssl` the tests say so and pass, unless
//! `SEKISHO_REQUIRE_REGISTRY=1` (set by `scripts/test.sh`, which installs them).

mod common;

use common::registry::{tls_tools, Registry, TestCa};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const IMAGES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/images/built"
);

/// A temp dir, removed when dropped.
struct Temp(PathBuf);

impl Temp {
    fn new(tag: &str) -> Temp {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "sekisho-regcli-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Temp(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `debian-mini.oci` pushed to `registry` as `dest` (`repo:tag`).
fn push_mini(registry: &Registry, dest: &str) {
    registry.push_layout(&Path::new(IMAGES).join("debian-mini.oci"), dest);
}

/// `sekisho image --format json REF` with a clean environment: no login files but
/// `home/.docker/config.json` under `home`, `home/bin` first on `PATH`, plus `env`.
fn scan(reference: &str, home: &Temp, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let path = format!(
        "{}:{}",
        home.path("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new(env!("CARGO_BIN_EXE_sekisho"));
    c.args(["image", "--format", "json"])
        .args(extra)
        .arg(reference);
    for var in [
        "SEKISHO_DB",
        "SEKISHO_USERNAME",
        "SEKISHO_PASSWORD",
        "SEKISHO_REGISTRY_TOKEN",
        "SEKISHO_REGISTRIES_CONF",
        "SEKISHO_CREDENTIAL_HELPER_TIMEOUT",
        "REGISTRY_AUTH_FILE",
        "XDG_RUNTIME_DIR",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
        "DOCKER_CONFIG",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ] {
        c.env_remove(var);
    }
    c.env("HOME", &home.0)
        .env("PATH", path)
        .env("FAKE_HELPER_LOG", home.path("helper.log"))
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run sekisho")
}

fn ok(out: &Output, what: &str) -> serde_json::Value {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{what}: {err}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
}

fn failed(out: &Output, what: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{what} succeeded: {err}");
    eprintln!("{what} (expected to fail): {err}");
    err
}

/// A home with `bin/docker-credential-fake`: it logs `ARG URL` and answers as
/// `FAKE_HELPER_MODE` says.
fn home_with_helper() -> Temp {
    let home = Temp::new("home");
    std::fs::create_dir_all(home.path("bin")).unwrap();
    std::fs::create_dir_all(home.path(".docker")).unwrap();
    let script = home.write(
        "bin/docker-credential-fake",
        r#"#!/bin/sh
read -r url
echo "$1 $url" >> "$FAKE_HELPER_LOG"
case "$FAKE_HELPER_MODE" in
  ok) printf '{"ServerURL":"%s","Username":"user","Secret":"pass"}\n' "$url" ;;
  wrong) printf '{"ServerURL":"%s","Username":"user","Secret":"nope"}\n' "$url" ;;
  identity) printf '{"ServerURL":"%s","Username":"<token>","Secret":"rt-1"}\n' "$url" ;;
  notfound) echo "credentials not found in native keychain"; exit 1 ;;
  fail) echo "the keyring is locked"; exit 1 ;;
  garbage) echo "user=user secret=hunter2" ;;
  hang) exec sleep 30 ;;
esac
"#,
    );
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    home
}

#[test]
fn credential_helpers_and_environment_credentials() {
    if !tls_tools() {
        return;
    }
    let registry = Registry::start(true);
    push_mini(&registry, "debian-mini:1.0");
    let host = registry.host();
    let input = format!("{host}/debian-mini:1.0");
    let home = home_with_helper();
    let config = |json: &str| home.write(".docker/config.json", json);
    let mode = |m: &'static str| [("FAKE_HELPER_MODE", m)];

    // credsStore: the helper is asked for the registry, and its login works.
    config(r#"{"auths": {}, "credsStore": "fake"}"#);
    let report = ok(&scan(&input, &home, &[], &mode("ok")), "credsStore");
    assert_eq!(report["source"]["input"], input.as_str());
    assert!(report["packages"].as_array().is_some_and(|p| !p.is_empty()));
    let log = std::fs::read_to_string(home.path("helper.log")).unwrap();
    assert_eq!(log.lines().last(), Some(format!("get {host}").as_str()));

    // What the helper answers decides.
    let err = failed(&scan(&input, &home, &[], &mode("wrong")), "wrong secret");
    assert!(
        err.contains(&input) && err.contains("refused the credentials"),
        "{err}"
    );
    // Nothing stored: anonymous, as with Docker, and the registry's refusal says so.
    let err = failed(&scan(&input, &home, &[], &mode("notfound")), "not found");
    assert!(
        err.contains(&input) && err.contains("asks for credentials"),
        "{err}"
    );
    let err = failed(&scan(&input, &home, &[], &mode("fail")), "helper fails");
    assert!(
        err.contains(&host)
            && err.contains("docker-credential-fake")
            && err.contains("the keyring is locked"),
        "{err}"
    );
    let err = failed(&scan(&input, &home, &[], &mode("garbage")), "garbage");
    assert!(
        err.contains(&host)
            && err.contains("docker-credential-fake")
            && err.contains("not the helper protocol's JSON")
            && !err.contains("hunter2"),
        "{err}"
    );
    let start = Instant::now();
    let err = failed(
        &scan(
            &input,
            &home,
            &[],
            &[
                ("FAKE_HELPER_MODE", "hang"),
                ("SEKISHO_CREDENTIAL_HELPER_TIMEOUT", "1"),
            ],
        ),
        "helper hangs",
    );
    assert!(
        err.contains(&host) && err.contains("docker-credential-fake") && err.contains("within 1 s"),
        "{err}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    // An identity token (user `<token>`) cannot answer htpasswd's basic challenge.
    let err = failed(
        &scan(&input, &home, &[], &mode("identity")),
        "identity token",
    );
    assert!(
        err.contains(&input) && err.contains("identity token"),
        "{err}"
    );

    // A helper that is not on PATH: an error naming it and the registry.
    config(r#"{"credsStore": "absent"}"#);
    let err = failed(&scan(&input, &home, &[], &mode("ok")), "missing helper");
    assert!(
        err.contains(&host) && err.contains("docker-credential-absent is not on PATH"),
        "{err}"
    );
    // credHelpers names the helper per registry, before credsStore.
    config(&format!(
        r#"{{"credsStore": "absent", "credHelpers": {{"{host}": "fake"}}}}"#
    ));
    ok(&scan(&input, &home, &[], &mode("ok")), "credHelpers");
    // auths entries still work when no helper is named.
    config(&format!(
        r#"{{"auths": {{"{host}": {{"auth": "dXNlcjpwYXNz"}}}}}}"#
    ));
    ok(&scan(&input, &home, &[], &[]), "auths");

    // The environment wins over the files (the helper is not run).
    config(r#"{"credsStore": "absent"}"#);
    let user = [("SEKISHO_USERNAME", "user"), ("SEKISHO_PASSWORD", "pass")];
    ok(
        &scan(&input, &home, &[], &user),
        "SEKISHO_USERNAME/PASSWORD",
    );
    let err = failed(
        &scan(&input, &home, &[], &[("SEKISHO_USERNAME", "user")]),
        "username only",
    );
    assert!(err.contains("SEKISHO_PASSWORD is not"), "{err}");
    // A registry token is sent as a bearer token: htpasswd refuses it, and says so.
    let err = failed(
        &scan(&input, &home, &[], &[("SEKISHO_REGISTRY_TOKEN", "tok")]),
        "registry token",
    );
    assert!(
        err.contains(&input) && err.contains("refused the registry token"),
        "{err}"
    );
    // Empty variables (a CI's missing secrets) are unset ones: the files are read again.
    let err = failed(
        &scan(
            &input,
            &home,
            &[],
            &[
                ("SEKISHO_USERNAME", ""),
                ("SEKISHO_PASSWORD", ""),
                ("SEKISHO_REGISTRY_TOKEN", ""),
            ],
        ),
        "empty variables",
    );
    assert!(err.contains("docker-credential-absent"), "{err}");
}

#[test]
fn private_ca_with_cacert_or_ssl_cert_file() {
    if !tls_tools() {
        return;
    }
    let ca = TestCa::make();
    let registry = Registry::start_with(false, Some(&ca));
    let ca_pem = ca.ca_file().display().to_string();
    push_mini(&registry, "debian-mini:1.0");
    let input = format!("{}/debian-mini:1.0", registry.host());
    let home = home_with_helper();

    let with_flag = ok(
        &scan(&input, &home, &["--cacert", &ca_pem], &[]),
        "--cacert",
    );
    assert_eq!(with_flag["source"]["input"], input.as_str());
    ok(
        &scan(&input, &home, &[], &[("SSL_CERT_FILE", &ca_pem)]),
        "SSL_CERT_FILE",
    );
    let dir = ca.dir.display().to_string();
    ok(
        &scan(&input, &home, &[], &[("SSL_CERT_DIR", &dir)]),
        "SSL_CERT_DIR",
    );
    let err = failed(&scan(&input, &home, &[], &[]), "no CA");
    assert!(
        err.contains(&input) && err.contains("TLS") && err.contains("--cacert"),
        "{err}"
    );
    ok(&scan(&input, &home, &["--insecure"], &[]), "--insecure");
    let err = failed(
        &scan(&input, &home, &["--cacert", "/nonexistent/ca.pem"], &[]),
        "missing CA file",
    );
    assert!(
        err.contains("--cacert") && err.contains("/nonexistent/ca.pem"),
        "{err}"
    );
    let not_pem = home.write("not.pem", "hello\n");
    let err = failed(
        &scan(&input, &home, &["--cacert", not_pem.to_str().unwrap()], &[]),
        "not a CA file",
    );
    assert!(err.contains("no PEM certificate"), "{err}");
}

#[test]
fn mirrors_from_registries_conf() {
    if !tls_tools() {
        return;
    }
    let origin = Registry::start(false);
    let mirror = Registry::start(false);
    push_mini(&mirror, "hub/debian-mini:1.0");
    let input = format!("{}/debian-mini:1.0", origin.host());
    let home = home_with_helper();
    let conf_text = format!(
        "unqualified-search-registries = [\"docker.io\"]\n\
         [[registry]]\nprefix = \"{o}\"\nlocation = \"{o}\"\n\
         [[registry.mirror]]\nlocation = \"{m}/hub\"\n",
        o = origin.host(),
        m = mirror.host()
    );
    let conf = home.write("registries.conf", &conf_text);
    let conf_s = conf.to_str().unwrap();

    // Without the file the origin is asked, and it lacks the image.
    let err = failed(&scan(&input, &home, &[], &[]), "no mirrors");
    assert!(err.contains("not found"), "{err}");
    // The flag, the variable and the user's default file.
    for (extra, env) in [
        (vec!["--registries-conf", conf_s], vec![]),
        (vec![], vec![("SEKISHO_REGISTRIES_CONF", conf_s)]),
    ] {
        let out = scan(&input, &home, &extra, &env);
        let report = ok(&out, "mirror");
        assert_eq!(report["source"]["input"], input.as_str());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("read from {}/hub/debian-mini:1.0", mirror.host())),
            "{err}"
        );
    }
    std::fs::create_dir_all(home.path(".config/containers")).unwrap();
    home.write(".config/containers/registries.conf", &conf_text);
    ok(&scan(&input, &home, &[], &[]), "the user's registries.conf");
    // An empty SEKISHO_REGISTRIES_CONF turns it off.
    failed(
        &scan(&input, &home, &[], &[("SEKISHO_REGISTRIES_CONF", "")]),
        "registries.conf off",
    );
    // A blocked registry, and a file that is not TOML: clear errors.
    let blocked = home.write(
        "blocked.conf",
        &format!(
            "[[registry]]\nlocation = \"{}\"\nblocked = true\n",
            origin.host()
        ),
    );
    let err = failed(
        &scan(
            &input,
            &home,
            &["--registries-conf", blocked.to_str().unwrap()],
            &[],
        ),
        "blocked",
    );
    assert!(err.contains("blocks"), "{err}");
    let broken = home.write("broken.conf", "[[registry]\n");
    let err = failed(
        &scan(
            &input,
            &home,
            &["--registries-conf", broken.to_str().unwrap()],
            &[],
        ),
        "broken",
    );
    assert!(
        err.contains("broken.conf") && err.contains("not TOML: line 1, column 12"),
        "{err}"
    );
}
