//! End-to-end: the binary's CycloneDX and SPDX outputs validate with the official tools
//! (see scripts/validate_sbom.py), and the native JSON report has the documented shape.

use std::path::Path;
use std::process::Command;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn sekisho(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sekisho"))
        .args(args)
        // No vulnerability database unless a test names one: the results must not depend
        // on a database in the user's cache.
        .env("SEKISHO_DB", "/nonexistent/sekisho.db")
        .output()
        .expect("run sekisho")
}

/// A vulnerability database built from every shared feed archive into `dir`.
fn vuln_db(dir: &Path) -> std::path::PathBuf {
    let feeds = Path::new(DATA).join("../advisories");
    let mut sources: Vec<std::path::PathBuf> = std::fs::read_dir(&feeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .collect();
    sources.sort();
    assert!(
        !sources.is_empty(),
        "feeds missing under {}",
        feeds.display()
    );
    let db = dir.join("advisories.db");
    sekisho_advisory::build(&db, &sources, "2026-12-05T00:00:00Z").unwrap();
    db
}

/// The CycloneDX `vulnerabilities` of a vulnerability scan: present, one entry per ID, each
/// pointing at components of the document.
fn check_cyclonedx_vulnerabilities(path: &Path) {
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let refs: std::collections::BTreeSet<&str> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    let vulns = doc["vulnerabilities"]
        .as_array()
        .expect("a vulnerability scan writes vulnerabilities");
    assert!(!vulns.is_empty());
    let mut ids = std::collections::BTreeSet::new();
    for v in vulns {
        let id = v["id"].as_str().unwrap();
        assert!(ids.insert(id), "{id} listed twice");
        let affects = v["affects"].as_array().unwrap();
        assert!(!affects.is_empty(), "{id} affects nothing");
        for a in affects {
            let r = a["ref"].as_str().unwrap();
            assert!(refs.contains(r), "{id} affects {r}, not a component");
        }
        assert!(!v["ratings"].as_array().unwrap().is_empty(), "{id}");
    }
}

/// A root filesystem with what only some images have: a third-party package (nginx.org's
/// nginx beside Debian's zlib1g) and a Red Hat content manifest.
fn vendor_rootfs(out: &Path) -> std::path::PathBuf {
    let root = out.join("vendor-rootfs");
    let files = [
        (
            "etc/os-release",
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\nID=debian\n",
        ),
        ("etc/debian_version", "12.4\n"),
        (
            "var/lib/dpkg/status",
            "Package: zlib1g\nStatus: install ok installed\nMaintainer: Mark Brown <broonie@debian.org>\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n\nPackage: nginx\nStatus: install ok installed\nMaintainer: NGINX Packaging <nginx-packaging@f5.com>\nArchitecture: amd64\nVersion: 1.25.3-1~bookworm\n",
        ),
        (
            "root/buildinfo/content_manifests/app-1.0-1.json",
            r#"{"metadata": {"icm_version": 1, "image_layer_index": 1}, "content_sets": ["rhel-9-for-x86_64-baseos-rpms"], "image_contents": []}"#,
        ),
    ];
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

fn validator() -> String {
    std::env::var("SEKISHO_VALIDATOR_PYTHON").expect(
        "SEKISHO_VALIDATOR_PYTHON is not set: run the tests with `bash scripts/test.sh`, which installs the validators",
    )
}

#[test]
fn outputs_validate_against_their_schemas() {
    let python = validator();
    let out = std::env::temp_dir().join(format!("sekisho-sbom-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    let db = vuln_db(&out);
    let mut images: Vec<String> = [
        "trivy/alpine-310.tar.gz",
        "built/debian-mini.oci",
        "built/debian-app.oci",
        "trivy/test.oci",
    ]
    .iter()
    .map(|i| format!("{DATA}/{i}"))
    .collect();
    images.push(format!("dir:{}", vendor_rootfs(&out).display()));
    for (kind, format) in [
        ("cyclonedx", "cyclonedx"),
        ("spdx", "spdx-json"),
        ("report", "json"),
    ] {
        let mut files = Vec::new();
        for (i, image) in images.iter().enumerate() {
            let file = out.join(format!("{i}.{format}.json"));
            let result = sekisho(&[
                "sbom",
                image,
                "--format",
                format,
                "--output",
                file.to_str().unwrap(),
            ]);
            assert!(
                result.status.success(),
                "{image}: {}",
                String::from_utf8_lossy(&result.stderr)
            );
            files.push(file.to_string_lossy().into_owned());
        }
        // A vulnerability scan: CycloneDX `vulnerabilities`, the report's `vulnerability`
        // objects (SPDX has no place for them; the document must still validate).
        let file = out.join(format!("vuln.{format}.json"));
        let result = sekisho(&[
            "image",
            &format!("{DATA}/built/debian-app.oci"),
            "--scanners",
            "vuln",
            "--db",
            db.to_str().unwrap(),
            "--format",
            format,
            "--output",
            file.to_str().unwrap(),
        ]);
        assert!(
            result.status.success(),
            "vulnerability scan: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        if kind == "cyclonedx" {
            check_cyclonedx_vulnerabilities(&file);
        }
        if kind == "report" {
            let report: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            let findings = report["findings"].as_array().unwrap();
            assert!(findings
                .iter()
                .any(|f| f["category"] == "vulnerability" && f["vulnerability"].is_object()));
        }
        files.push(file.to_string_lossy().into_owned());
        if kind == "report" {
            // Reports with findings of every kind so far: config, secrets (deleted ones too)
            // and Dockerfile lint findings with their spans.
            let dockerfile = format!("{DATA}/../dockerfiles/corpus/0001.Dockerfile");
            for (i, args) in [
                vec![
                    format!("{DATA}/built/bad-practices.docker.tar.gz"),
                    "--dockerfile".into(),
                    dockerfile,
                ],
                vec![format!("{DATA}/built/whiteout-layers.oci")],
            ]
            .iter()
            .enumerate()
            {
                let file = out.join(format!("findings-{i}.json"));
                let mut all = vec![
                    "image",
                    "--format",
                    "json",
                    "--output",
                    file.to_str().unwrap(),
                ];
                all.extend(args.iter().map(String::as_str));
                let result = sekisho(&all);
                assert!(
                    result.status.success(),
                    "{args:?}: {}",
                    String::from_utf8_lossy(&result.stderr)
                );
                files.push(file.to_string_lossy().into_owned());
            }
        }
        let check = Command::new(&python)
            .arg(Path::new(ROOT).join("scripts/validate_sbom.py"))
            .arg(kind)
            .args(&files)
            .output()
            .expect("run validator");
        assert!(
            check.status.success(),
            "{kind} validation failed:\n{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn json_report_has_the_documented_fields() {
    let result = sekisho(&[
        "image",
        &format!("{DATA}/trivy/alpine-310.tar.gz"),
        "--format",
        "json",
    ]);
    assert!(result.status.success());
    let report: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    assert_eq!(report["schema_version"], "1.0");
    assert_eq!(report["os"]["id"], "alpine");
    let musl = report["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "musl")
        .unwrap();
    assert_eq!(
        musl["purl"],
        "pkg:apk/alpine/musl@1.1.22-r3?arch=x86_64&distro=alpine-3.10.4"
    );
    assert_eq!(musl["licenses"][0], "MIT");
    assert!(musl["layer"]["diff_id"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    assert_eq!(musl["path"], "/lib/apk/db/installed");
}

#[test]
fn errors_name_the_input_and_never_panic() {
    let result = sekisho(&["image", "/nonexistent/image.tar"]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("/nonexistent/image.tar"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Said once, not "no such file or directory: no such file or directory".
    assert_eq!(
        stderr.matches("o such file or directory").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn errors_never_quote_the_inputs_bytes() {
    let dir = std::env::temp_dir().join(format!("sekisho-bytes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = dir.join("notes.md");
    std::fs::write(&text, "# secret-plan-7f3a9c\n".repeat(40)).unwrap();
    // Bytes that are not UTF-8 and look like nothing (a fixed pseudo-random sequence).
    let noise = dir.join("noise.bin");
    let mut x: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    std::fs::write(&noise, bytes).unwrap();
    for (input, leaked) in [(&text, "secret-plan"), (&noise, "\u{fffd}")] {
        let result = sekisho(&["image", input.to_str().unwrap()]);
        assert_eq!(result.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(stderr.contains(input.to_str().unwrap()), "{stderr}");
        assert!(
            stderr.contains("not an image archive or layout"),
            "{stderr}"
        );
        assert!(!stderr.contains(leaked), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn example_image_from_the_readme_scans() {
    let example = Path::new(ROOT).join("target/example/example.docker.tar");
    if !example.exists() {
        let status = Command::new("python3")
            .arg(Path::new(ROOT).join("examples/make_image.py"))
            .arg(Path::new(ROOT).join("target/example"))
            .output()
            .unwrap();
        assert!(status.status.success());
    }
    // The README's command: a database from the example's advisory records, then the scan.
    let db = Path::new(ROOT).join("target/example/advisories.db");
    let built = sekisho(&[
        "db",
        "build",
        "--output",
        db.to_str().unwrap(),
        Path::new(ROOT)
            .join("examples/advisories")
            .to_str()
            .unwrap(),
    ]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let result = sekisho(&[
        "image",
        "--db",
        db.to_str().unwrap(),
        example.to_str().unwrap(),
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let table = String::from_utf8_lossy(&result.stdout);
    // The README shows this output; it must stay what a new user sees.
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let shown = readme
        .split("<!-- example-output")
        .nth(1)
        .and_then(|rest| rest.split("```text\n").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("README has the example output block");
    let table = table.replace(
        example.to_str().unwrap(),
        "target/example/example.docker.tar",
    );
    assert_eq!(
        shown, table,
        "README's example output differs from what sekisho prints"
    );
}
