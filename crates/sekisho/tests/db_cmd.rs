//! `sekisho db build / info / query` end to end on two shared feed archives.

use std::path::PathBuf;
use std::process::Command;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/advisories"
);

fn sekisho(args: &[&str], db_env: Option<&str>) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sekisho"));
    c.args(args).env_remove("SEKISHO_DB");
    if let Some(db) = db_env {
        c.env("SEKISHO_DB", db);
    }
    c.output().expect("run sekisho")
}

#[test]
fn build_info_query() {
    let dir: PathBuf = std::env::temp_dir().join(format!("sekisho-db-cmd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("t.db");
    let db = db.to_str().unwrap();
    let ghsa = format!("{DATA}/ghsa.tar.gz");
    let debian = format!("{DATA}/debian-osv.tar.gz");
    let out = sekisho(&["db", "build", "-q", "--output", db, &ghsa, &debian], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = sekisho(&["db", "info", "--json"], Some(db));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["advisories"], 57 + 19);
    assert_eq!(info["sources"].as_array().unwrap().len(), 2);

    let out = sekisho(&["db", "query", "pypi", "PyYAML", "--db", db], None);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines
        .iter()
        .any(|l| l["id"] == "GHSA-8q59-q68h-6hv4" && l["fixed"] == "5.4"));

    let out = sekisho(
        &[
            "db",
            "query",
            "deb",
            "zlib",
            "--distro",
            "debian:12",
            "--db",
            db,
            "-f",
            "table",
        ],
        None,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("DEBIAN-CVE-2023-45853") && text.contains("affected-no-fix"),
        "{text}"
    );

    std::fs::write(dir.join("bad.db"), b"not a database").unwrap();
    let out = sekisho(
        &["db", "info", "--db", dir.join("bad.db").to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sekisho db update"));
    let _ = std::fs::remove_dir_all(&dir);
}
