//! `--match-third-party` end to end: a Debian 12 root filesystem holding Debian's zlib1g and
//! nginx.org's nginx, scanned with a database of the shared Debian OSV records plus one
//! Debian record for nginx (written here: `DEBIAN-CVE-2099-0003`, open in Debian:12, a made-up
//! ID of the real record shape). nginx.org's build is reported as third-party with the evidence
//! and left out of matching unless the flag asks; Debian's zlib1g is matched either way.

use std::path::{Path, PathBuf};
use std::process::Command;

const FEEDS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/advisories"
);

fn sekisho(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sekisho"))
        .args(args)
        .env("SEKISHO_DB", "/nonexistent/sekisho.db")
        .output()
        .expect("run sekisho")
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const STATUS: &str = "\
Package: zlib1g
Status: install ok installed
Priority: optional
Section: libs
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Multi-Arch: same
Source: zlib
Version: 1:1.2.13.dfsg-1
Description: compression library - runtime

Package: nginx
Status: install ok installed
Priority: optional
Section: httpd
Installed-Size: 3344
Maintainer: NGINX Packaging <nginx-packaging@f5.com>
Architecture: amd64
Version: 1.25.3-1~bookworm
Provides: httpd, nginx, nginx-r1.25.3
Description: high performance web server
Homepage: https://nginx.org
";

const NGINX_RECORD: &str = r#"{
  "schema_version": "1.7.5",
  "id": "DEBIAN-CVE-2099-0003",
  "modified": "2026-01-01T00:00:00Z",
  "published": "2026-01-01T00:00:00Z",
  "upstream": ["CVE-2099-0003"],
  "summary": "nginx: test record",
  "affected": [{
    "package": {"name": "nginx", "ecosystem": "Debian:12", "purl": "pkg:deb/debian/nginx?arch=source"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
    "ecosystem_specific": {"urgency": "not yet assigned"}
  }]
}
"#;

/// The root filesystem and the database, in a scratch directory.
fn setup() -> (PathBuf, String, String) {
    let dir = std::env::temp_dir().join(format!("sekisho-third-party-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let root = dir.join("rootfs");
    write(
        &root,
        "etc/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n",
    );
    write(&root, "etc/debian_version", "12.4\n");
    write(&root, "var/lib/dpkg/status", STATUS);
    let extra = dir.join("feeds/debian");
    write(&extra, "DEBIAN-CVE-2099-0003.json", NGINX_RECORD);
    let db = dir.join("advisories.db");
    let built = sekisho(&[
        "db",
        "build",
        "--output",
        db.to_str().unwrap(),
        &format!("{FEEDS}/debian-osv.tar.gz"),
        dir.join("feeds").to_str().unwrap(),
    ]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    (dir, root.display().to_string(), db.display().to_string())
}

/// (package, finding ID) of every vulnerability, and the warnings.
fn scan(root: &str, db: &str, extra: &[&str]) -> (serde_json::Value, Vec<(String, String)>) {
    let mut args = vec![
        "rootfs",
        root,
        "--db",
        db,
        "-f",
        "json",
        "--scanners",
        "vuln",
    ];
    args.extend_from_slice(extra);
    let out = sekisho(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["vulnerability"]["package"].as_str().unwrap().to_string(),
                f["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    (report, found)
}

#[test]
fn third_party_packages_are_matched_only_with_the_flag() {
    let (dir, root, db) = setup();
    let (report, found) = scan(&root, &db, &[]);
    let packages = report["packages"].as_array().unwrap();
    let nginx = packages.iter().find(|p| p["name"] == "nginx").unwrap();
    let reason = nginx["third_party"].as_str().expect("nginx is third-party");
    assert!(reason.contains("f5.com"), "{reason}");
    let zlib = packages.iter().find(|p| p["name"] == "zlib1g").unwrap();
    assert!(zlib.get("third_party").is_none());
    assert!(found.iter().any(|(p, _)| p == "zlib1g"), "{found:?}");
    assert!(!found.iter().any(|(p, _)| p == "nginx"), "{found:?}");
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w
            .starts_with("1 third-party package (nginx) not matched against debian 12.4")
            && w.contains("--match-third-party")),
        "{warnings:?}"
    );

    let (report, found) = scan(&root, &db, &["--match-third-party"]);
    assert!(
        found.contains(&("nginx".to_string(), "CVE-2099-0003".to_string())),
        "{found:?}"
    );
    assert!(found.iter().any(|(p, _)| p == "zlib1g"), "{found:?}");
    assert!(!report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("third-party")));

    // The table marks it too; the SBOMs carry the verdict as a property / comment line.
    let table = sekisho(&["rootfs", &root]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("1.25.3-1~bookworm (third-party)"), "{text}");
    let cdx = sekisho(&["rootfs", &root, "-f", "cyclonedx"]);
    let doc: serde_json::Value = serde_json::from_slice(&cdx.stdout).unwrap();
    let component = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "nginx")
        .unwrap();
    assert!(component["properties"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "sekisho:package:thirdParty"
            && p["value"].as_str().unwrap().contains("f5.com")));
    let spdx = sekisho(&["rootfs", &root, "-f", "spdx-json"]);
    let doc: serde_json::Value = serde_json::from_slice(&spdx.stdout).unwrap();
    let package = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "nginx")
        .unwrap();
    assert!(package["comment"]
        .as_str()
        .unwrap()
        .starts_with("third-party: maintainer"));

    // The CycloneDX document scanned back (`image sbom:FILE`) keeps the verdict.
    let file = Path::new(&dir).join("rootfs.cdx.json");
    std::fs::write(&file, &cdx.stdout).unwrap();
    let sbom = format!("sbom:{}", file.display());
    let out = sekisho(&[
        "image",
        &sbom,
        "--db",
        &db,
        "-f",
        "json",
        "--scanners",
        "vuln",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["vulnerability"]["package"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"zlib1g") && !ids.contains(&"nginx"),
        "{ids:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
