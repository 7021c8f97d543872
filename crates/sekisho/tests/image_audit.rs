//! End-to-end: `sekisho image` runs the audit by default, honours `--scanners`, and sets the
//! exit code like Dockle (`--exit-code` at `--exit-level`).

use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");

fn sekisho(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sekisho"))
        .args(args)
        .output()
        .expect("run sekisho")
}

fn findings(args: &[&str]) -> Vec<serde_json::Value> {
    let out = sekisho(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"].as_array().cloned().unwrap_or_default()
}

#[test]
fn audit_runs_by_default_and_scanners_select() {
    let image = format!("{DATA}/built/bad-practices.docker.tar.gz");
    let all = findings(&["image", &image, "--format", "json"]);
    let ids: Vec<&str> = all.iter().map(|f| f["id"].as_str().unwrap()).collect();
    for id in [
        "CIS-DI-0001",
        "CIS-DI-0010",
        "DKL-LI-0001",
        "github-pat",
        "private-key",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    let config_only = findings(&["image", &image, "--format", "json", "--scanners", "config"]);
    assert!(config_only.iter().all(|f| f["category"] == "config"));
    let secret_only = findings(&["image", &image, "--format", "json", "--scanners", "secret"]);
    assert!(!secret_only.is_empty() && secret_only.iter().all(|f| f["category"] == "secret"));
    let out = sekisho(&["image", &image, "--format", "json", "--scanners", "vuln"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report.get("findings").is_none());
    assert_eq!(report["packages"].as_array().unwrap().len(), 43);
}

#[test]
fn exit_code_follows_the_exit_level() {
    let image = format!("{DATA}/built/bad-practices.docker.tar.gz");
    let out = sekisho(&[
        "image",
        &image,
        "-f",
        "sarif",
        "--exit-code",
        "3",
        "--exit-level",
        "fatal",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    // A clean image passes the same gate; ignoring the only finding keeps it clean.
    let clean = format!("{DATA}/built/debian-mini.oci");
    let out = sekisho(&["image", &clean, "--exit-code", "3", "--exit-level", "warn"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let quiet = findings(&["image", &clean, "-f", "json", "--ignore", "CIS-DI-0005"]);
    assert!(quiet.is_empty(), "{quiet:?}");
}
