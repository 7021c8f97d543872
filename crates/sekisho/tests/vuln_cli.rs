//! `sekisho image` with vulnerabilities, end to end on the README's example image and its
//! example database: VEX suppression with the reason kept, `--severity`, `--ignore-unfixed`,
//! ignore files with expiry, the exit code, and an SBOM scanned without the image.

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn sekisho(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sekisho"))
        .args(args)
        .env("SEKISHO_DB", "/nonexistent/sekisho.db")
        .output()
        .expect("run sekisho")
}

/// A scratch directory, the example image and a database built from the example records.
fn setup(name: &str) -> (PathBuf, String, String) {
    let dir = std::env::temp_dir().join(format!("sekisho-vuln-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let image = dir.join("example.docker.tar");
    let made = Command::new("python3")
        .arg(Path::new(ROOT).join("examples/make_image.py"))
        .arg(&dir)
        .output()
        .unwrap();
    assert!(made.status.success());
    let db = dir.join("advisories.db");
    let examples = Path::new(ROOT).join("examples/advisories");
    let built = sekisho(&[
        "db",
        "build",
        "--output",
        db.to_str().unwrap(),
        examples.to_str().unwrap(),
    ]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    (dir, image.display().to_string(), db.display().to_string())
}

fn ids(out: &std::process::Output, key: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["category"] == "vulnerability")
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn vex_filters_ignore_files_and_exit_code() {
    let (dir, image, db) = setup("filters");
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "image",
            image.as_str(),
            "--db",
            db.as_str(),
            "-f",
            "json",
            "--scanners",
            "vuln",
        ];
        args.extend_from_slice(extra);
        sekisho(&args)
    };
    let all = scan(&[]);
    assert_eq!(ids(&all, "findings"), ["CVE-2023-45853", "CVE-2025-4802"]);

    let vex = dir.join("app.openvex.json");
    std::fs::write(
        &vex,
        r#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-2023-45853"},
        "products":[{"@id":"pkg:deb/debian/zlib1g"}],"status":"not_affected","justification":"vulnerable_code_not_present"}]}"#,
    )
    .unwrap();
    let out = scan(&["--vex", vex.to_str().unwrap()]);
    assert_eq!(ids(&out, "findings"), ["CVE-2025-4802"]);
    assert_eq!(ids(&out, "suppressed"), ["CVE-2023-45853"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reason = report["suppressed"][0]["vulnerability"]["vex"]
        .as_str()
        .unwrap();
    assert!(reason.contains("vulnerable_code_not_present"), "{reason}");

    assert_eq!(
        ids(&scan(&["--severity", "CRITICAL"]), "findings"),
        ["CVE-2023-45853"]
    );
    assert_eq!(
        ids(&scan(&["--ignore-unfixed"]), "findings"),
        ["CVE-2025-4802"]
    );

    // An ignore file: by alias, with an expiry in the past (so it no longer applies) and one in
    // the future.
    let ignore = dir.join(".trivyignore");
    std::fs::write(
        &ignore,
        "DEBIAN-CVE-2025-4802 exp:2999-01-01\nCVE-2023-45853 exp:2001-01-01\n",
    )
    .unwrap();
    assert_eq!(
        ids(
            &scan(&["--ignorefile", ignore.to_str().unwrap()]),
            "findings"
        ),
        ["CVE-2023-45853"]
    );

    // The exit code: HIGH and CRITICAL are Dockle's fatal level.
    let failed = scan(&["--exit-code", "4", "--exit-level", "fatal"]);
    assert_eq!(failed.status.code(), Some(4));
    let passed = scan(&[
        "--exit-code",
        "4",
        "--exit-level",
        "fatal",
        "--severity",
        "LOW",
    ]);
    assert_eq!(passed.status.code(), Some(0));
    // `--exit-on` (Grype's `--fail-on`) alone fails with 1; with `--exit-code`, that code.
    assert_eq!(scan(&["--exit-on", "high"]).status.code(), Some(1));
    assert_eq!(
        scan(&["--fail-on", "high", "--exit-code", "3"])
            .status
            .code(),
        Some(3)
    );
    assert_eq!(
        scan(&["--exit-on", "critical", "--severity", "LOW"])
            .status
            .code(),
        Some(0)
    );

    // The image's own CycloneDX, scanned without the image, gives the same findings.
    let sbom = dir.join("example.cdx.json");
    let written = sekisho(&[
        "sbom",
        image.as_str(),
        "-f",
        "cyclonedx",
        "-o",
        sbom.to_str().unwrap(),
    ]);
    assert!(written.status.success());
    let from_sbom = sekisho(&[
        "image",
        &format!("sbom:{}", sbom.display()),
        "--db",
        db.as_str(),
        "-f",
        "json",
        "--scanners",
        "vuln",
    ]);
    assert!(
        from_sbom.status.success(),
        "{}",
        String::from_utf8_lossy(&from_sbom.stderr)
    );
    assert_eq!(ids(&from_sbom, "findings"), ids(&all, "findings"));
    std::fs::remove_dir_all(&dir).unwrap();
}
