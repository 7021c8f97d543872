//! End-to-end: `sekisho image` runs the audit by default, honours `--scanners`, and sets the
//! exit code like Dockle (`--exit-code` at `--exit-level`).

use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");

fn sekisho(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sekisho"))
        .args(args)
        // No vulnerability database unless a test names one: the results must not depend
        // on a database in the user's cache.
        .env("SEKISHO_DB", "/nonexistent/sekisho.db")
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
    // Asked for by name, vulnerabilities need a database; the error says how to get one.
    let out = sekisho(&["image", &image, "--format", "json", "--scanners", "vuln"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no vulnerability database") && err.contains("sekisho db build"),
        "{err}"
    );
    // Without one, the default scanners are the others.
    let all_again = findings(&["image", &image, "--format", "json"]);
    assert!(all_again.iter().all(|f| f["category"] != "vulnerability"));
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

/// With `--dockerfile`, a problem the Dockerfile linter reports at its source line replaces the
/// image check for the same problem; the rest of the image checks stay.
#[test]
fn dockerfile_findings_replace_image_checks_for_the_same_problem() {
    let image = format!("{DATA}/built/bad-practices.docker.tar.gz");
    let dir = std::env::temp_dir().join(format!("sekisho-df-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dockerfile = dir.join("Dockerfile");
    std::fs::write(
        &dockerfile,
        "FROM debian:12\nRUN apt-get update && apt-get upgrade -y && apt-get install -y sudo\n\
         ADD http://downloads.example.com/app-bundle.tar.gz /app/\n\
         RUN curl -fsSL http://get.example.com/install.sh | sh\nEXPOSE 22 8080\n",
    )
    .unwrap();
    let args = ["image", &image, "-f", "json", "--scanners", "config"];
    let without: Vec<String> = findings(&args)
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    let mut with_args = args.to_vec();
    let path = dockerfile.to_str().unwrap();
    with_args.extend(["--dockerfile", path]);
    let with: Vec<String> = findings(&with_args)
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    for (image_id, dockerfile_id) in [
        ("CIS-DI-0001", "SK1004"),
        ("CIS-DI-0009", "SK1005"),
        ("DKL-DI-0003", "SK1008"),
        ("SK-IMG-001", "SK1009"),
        ("SK-IMG-003", "SK1012"),
    ] {
        assert!(without.iter().any(|i| i == image_id), "{image_id}");
        assert!(
            !with.iter().any(|i| i == image_id),
            "{image_id} should be replaced"
        );
        assert!(with.iter().any(|i| i == dockerfile_id), "{dockerfile_id}");
    }
    // Problems only the image shows stay.
    for id in ["DKL-LI-0001", "DKL-LI-0002", "CIS-DI-0008"] {
        assert!(with.iter().any(|i| i == id), "{id}");
    }
    // The Dockerfile findings carry file, line and column in every format. curl | sh is on
    // line 4; the finding points at the `curl` command (column 5).
    let json = findings(&with_args);
    let curl = json.iter().find(|f| f["id"] == "SK1009").unwrap();
    assert_eq!(curl["path"], path);
    assert_eq!(
        (curl["line"].as_u64(), curl["column"].as_u64()),
        (Some(4), Some(5)),
        "{curl}"
    );
    assert_eq!(curl["location"], format!("{path}:4:5"));
    let mut sarif_args = with_args.clone();
    sarif_args[3] = "sarif";
    let sarif: serde_json::Value = serde_json::from_slice(&sekisho(&sarif_args).stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "SK1009")
        .unwrap();
    let physical = &result["locations"][0]["physicalLocation"];
    assert!(
        physical["artifactLocation"].get("uriBaseId").is_none(),
        "{physical}"
    );
    assert!(physical["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("/Dockerfile"));
    assert_eq!(physical["region"]["startLine"], 4);
    assert_eq!(physical["region"]["startColumn"], 5);
    let mut table_args = with_args.clone();
    table_args[3] = "table";
    let table = String::from_utf8(sekisho(&table_args).stdout).unwrap();
    assert!(table.contains(&format!("{path}:4:5")), "{table}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_reported_id_is_explainable() {
    // The IDs `sekisho image` prints on the bad-practices image, each explained.
    let image = format!("{DATA}/built/bad-practices.docker.tar.gz");
    let ids: std::collections::BTreeSet<String> = findings(&["image", &image, "-f", "json"])
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ids.contains("CIS-DI-0009") && ids.contains("aws-access-key-id"),
        "{ids:?}"
    );
    for id in &ids {
        let out = sekisho(&["explain", id]);
        assert!(
            out.status.success() && !out.stdout.is_empty(),
            "explain {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let check = String::from_utf8(sekisho(&["explain", "SK-IMG-001"]).stdout).unwrap();
    assert!(
        check.starts_with("SK-IMG-001 (WARN, image check)"),
        "{check}"
    );
    let rule = String::from_utf8(sekisho(&["explain", "DL3008"]).stdout).unwrap();
    assert!(rule.contains("Pin versions"), "{rule}");
    let unknown = sekisho(&["explain", "XX-9999"]);
    assert!(!unknown.status.success());
}
