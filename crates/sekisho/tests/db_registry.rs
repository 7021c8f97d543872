//! `sekisho db push / pull / update --from` against a real registry: Debian's
//! `docker-registry` (CNCF distribution) on 127.0.0.1, its access log read to count requests.
//! A database built from the shared feeds is pushed, pulled elsewhere and must answer the same;
//! `update --from` with nothing new sends one HEAD; a damaged layer on the registry's disk and
//! an image that is not a database are clear errors that leave the old database in place.
//!
//! Without `docker-registry` (and `skopeo`, which pushes the image) the tests say so and pass,
//! unless `SEKISHO_REQUIRE_REGISTRY=1` (set by `scripts/test.sh`, which installs them).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::registry::{temp_dir, tools, Registry};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/advisories"
);
const IMAGES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/images/built"
);
fn sekisho(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sekisho"));
    c.args(args)
        .env_remove("SEKISHO_DB")
        .env_remove("SEKISHO_USERNAME")
        .env_remove("SEKISHO_PASSWORD")
        .env("DOCKER_CONFIG", "/nonexistent")
        .env_remove("REGISTRY_AUTH_FILE")
        .env_remove("XDG_RUNTIME_DIR")
        // A fixed `org.opencontainers.image.created`: the same database pushes as the same
        // manifest.
        .env("SOURCE_DATE_EPOCH", "1735689600")
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run sekisho")
}

fn ok(out: &Output, what: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{what}: {err}");
    eprintln!("{what}: {err}");
    err
}

fn failed(out: &Output, what: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{what} succeeded: {err}");
    eprintln!("{what} (expected to fail): {err}");
    err
}

fn feeds() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(DATA)
        .expect("the shared feeds at ../shared/data/advisories")
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .collect();
    v.sort();
    assert!(v.len() > 5, "shared feeds: {v:?}");
    v
}

/// Lookups that must answer the same from both databases.
const LOOKUPS: &[(&str, &str, &str)] = &[
    ("npm", "", "lodash"),
    ("npm", "", "minimist"),
    ("pypi", "", "Jinja2"),
    ("pypi", "", "urllib3"),
    ("deb", "debian:12", "zlib"),
    ("apk", "alpine:3.18", "openssl"),
    ("cargo", "", "smallvec"),
    ("gem", "", "rack"),
];

fn answers(db: &Path) -> Vec<String> {
    let d = sekisho_advisory::Database::open(db).unwrap();
    let mut out = Vec::new();
    for (eco, distro, name) in LOOKUPS {
        for h in d.lookup(eco, distro, name).unwrap() {
            out.push(format!("{eco}/{distro}/{name}: {h:?}"));
        }
    }
    out
}

#[test]
fn push_pull_update_and_failures() {
    if !tools() {
        return;
    }
    let registry = Registry::start(false);
    let host = registry.host();
    let work = temp_dir("work");
    let built = work.join("built/sekisho.db");
    sekisho_advisory::build(&built, &feeds(), "2025-01-01T00:00:00Z").unwrap();
    let built_s = built.to_str().unwrap();
    let reference = format!("{host}/sekisho/db:1");

    // Push: two blobs (the empty config, the layer) and the manifest.
    let out = sekisho(&["db", "push", &reference, "--db", built_s], &[]);
    let err = ok(&out, "db push");
    assert!(err.contains("2 blob(s) uploaded"), "{err}");
    let digest = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        digest.starts_with("sha256:") && digest.len() == 71,
        "{digest}"
    );
    // The manifest as the registry serves it.
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(registry.blob_file(&digest)).expect("the manifest blob"),
    )
    .unwrap();
    assert_eq!(manifest["artifactType"], "application/vnd.sekisho.db.v1");
    assert_eq!(
        manifest["config"]["mediaType"],
        "application/vnd.oci.empty.v1+json"
    );
    assert_eq!(
        manifest["layers"][0]["mediaType"],
        "application/vnd.sekisho.db.layer.v1.sqlite+zstd"
    );
    assert_eq!(
        manifest["annotations"]["dev.sekisho.db.schema-version"],
        sekisho_advisory::SCHEMA_VERSION.to_string()
    );
    assert_eq!(
        manifest["annotations"]["dev.sekisho.db.built"],
        "2025-01-01T00:00:00Z"
    );
    assert_eq!(
        manifest["annotations"]["org.opencontainers.image.created"],
        "2025-01-01T00:00:00Z"
    );
    let layer = manifest["layers"][0]["digest"]
        .as_str()
        .unwrap()
        .to_string();
    // Pushing again sends no blob (HEAD says the registry has them).
    let out = sekisho(&["db", "push", &reference, "--db", built_s], &[]);
    let err = ok(&out, "db push again");
    assert!(err.contains("0 blob(s) uploaded"), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), digest);

    // Pull into another path: the same bytes, the same answers.
    let pulled = work.join("pulled/sekisho.db");
    let pulled_s = pulled.to_str().unwrap();
    ok(
        &sekisho(&["db", "pull", &reference, "--db", pulled_s], &[]),
        "db pull",
    );
    assert_eq!(
        std::fs::read(&pulled).unwrap(),
        std::fs::read(&built).unwrap()
    );
    let expected = answers(&built);
    assert!(
        expected.len() > 20,
        "lookups found too little: {expected:?}"
    );
    assert_eq!(answers(&pulled), expected);
    let side: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.join("pulled/sekisho.db.ref.json")).unwrap())
            .unwrap();
    assert_eq!(side["digest"], digest.as_str());

    // update --from with nothing new: one HEAD of the manifest, nothing else.
    let before = registry.requests().len();
    let err = ok(
        &sekisho(
            &["db", "update", "--from", &reference, "--db", pulled_s],
            &[],
        ),
        "db update --from (unchanged)",
    );
    assert!(err.contains("up to date"), "{err}");
    let new = registry.requests()[before..].to_vec();
    assert_eq!(new, vec!["HEAD /v2/sekisho/db/manifests/1".to_string()]);

    // A new database under the same tag: update --from downloads it.
    let rebuilt = work.join("rebuilt/sekisho.db");
    sekisho_advisory::build(&rebuilt, &feeds(), "2025-02-02T00:00:00Z").unwrap();
    let out = sekisho(
        &["db", "push", &reference, "--db", rebuilt.to_str().unwrap()],
        &[],
    );
    ok(&out, "db push (rebuilt)");
    let digest2 = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_ne!(digest2, digest);
    let before = registry.requests().len();
    let err = ok(
        &sekisho(
            &["db", "update", "--from", &reference, "--db", pulled_s],
            &[],
        ),
        "db update --from (changed)",
    );
    assert!(err.contains("pulled"), "{err}");
    let new = registry.requests()[before..].to_vec();
    assert_eq!(new[0], "HEAD /v2/sekisho/db/manifests/1", "{new:?}");
    assert!(
        new.iter()
            .any(|r| r.starts_with("GET /v2/sekisho/db/blobs/")),
        "{new:?}"
    );
    assert_eq!(
        std::fs::read(&pulled).unwrap(),
        std::fs::read(&rebuilt).unwrap()
    );
    let info = sekisho_advisory::Database::open(&pulled)
        .unwrap()
        .info()
        .unwrap();
    assert_eq!(info.built, "2025-02-02T00:00:00Z");

    // A damaged layer on the registry's disk: a clear error, the old database kept, no
    // temporary file left.
    let good = std::fs::read(&pulled).unwrap();
    let file = registry.blob_file(&layer);
    let original = std::fs::read(&file).unwrap();
    let mut bytes = original.clone();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&file, &bytes).unwrap();
    let by_digest = format!("{host}/sekisho/db@{digest}");
    let err = failed(
        &sekisho(&["db", "pull", &by_digest, "--db", pulled_s], &[]),
        "db pull of a damaged layer",
    );
    assert!(
        err.contains(&layer) && err.contains("the database was not changed"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read(&pulled).unwrap(), good);
    // Damaged where zstd does not look (a skippable frame appended): only the digest check
    // catches it.
    let mut padded = original.clone();
    padded.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4]);
    std::fs::write(&file, &padded).unwrap();
    let err = failed(
        &sekisho(&["db", "pull", &by_digest, "--db", pulled_s], &[]),
        "db pull of a longer layer",
    );
    assert!(err.contains(&layer), "{err}");
    assert_eq!(std::fs::read(&pulled).unwrap(), good);
    std::fs::write(&file, &original).unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(work.join("pulled"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".pull-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Not a database: an image.
    let image = format!("{host}/debian-mini:1.0");
    let out = Command::new("skopeo")
        .args(["copy", "--quiet", "--dest-tls-verify=false"])
        .arg(format!("oci:{IMAGES}/debian-mini.oci"))
        .arg(format!("docker://{image}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = failed(
        &sekisho(&["db", "pull", &image, "--db", pulled_s], &[]),
        "db pull of an image",
    );
    assert!(
        err.contains(&image) && err.contains("not a sekisho database"),
        "{err}"
    );
    assert_eq!(std::fs::read(&pulled).unwrap(), good);
    // A missing tag: not found, naming the reference.
    let missing = format!("{host}/sekisho/db:nope");
    let err = failed(
        &sekisho(&["db", "update", "--from", &missing, "--db", pulled_s], &[]),
        "db update --from a missing tag",
    );
    assert!(err.contains(&missing) && err.contains("not found"), "{err}");
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn push_and_pull_with_basic_auth() {
    if !tools() {
        return;
    }
    let registry = Registry::start(true);
    let work = temp_dir("auth-work");
    let built = work.join("sekisho.db");
    let few: Vec<PathBuf> = feeds().into_iter().take(3).collect();
    sekisho_advisory::build(&built, &few, "2025-01-01T00:00:00Z").unwrap();
    let reference = format!("{}/db:latest", registry.host());
    let creds = [("SEKISHO_USERNAME", "user"), ("SEKISHO_PASSWORD", "pass")];
    let err = failed(
        &sekisho(
            &["db", "push", &reference, "--db", built.to_str().unwrap()],
            &[],
        ),
        "db push without credentials",
    );
    assert!(err.contains("unauthorized"), "{err}");
    ok(
        &sekisho(
            &["db", "push", &reference, "--db", built.to_str().unwrap()],
            &creds,
        ),
        "db push with credentials",
    );
    let pulled = work.join("pulled.db");
    ok(
        &sekisho(
            &["db", "pull", &reference, "--db", pulled.to_str().unwrap()],
            &creds,
        ),
        "db pull with credentials",
    );
    assert_eq!(
        std::fs::read(&pulled).unwrap(),
        std::fs::read(&built).unwrap()
    );
    let _ = std::fs::remove_dir_all(&work);
}
