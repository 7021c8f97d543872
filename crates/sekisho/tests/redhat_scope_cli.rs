//! Red Hat repository scoping end to end: a RHEL 8 root filesystem holding the real rpm
//! database of the shared `libuuid-bdb` sample (libuuid 2.32.1-42.el8_8), with and without a
//! content manifest naming the AppStream repository, scanned with a database built from two
//! VEX documents written here in Red Hat's shape (made-up CVE numbers and fixes: one fixed in
//! RHEL 8 AppStream, one only in RHEL 8 for SAP HANA) and Red Hat's `repository-to-cpe.json`
//! map given to `db build` as a file of its own.

use std::path::{Path, PathBuf};
use std::process::Command;

const RPMDB: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/images/rpmdb/libuuid-bdb/Packages"
);

fn sekisho(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sekisho"))
        .args(args)
        .env("SEKISHO_DB", "/nonexistent/sekisho.db")
        .output()
        .expect("run sekisho")
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A VEX document: `cve` fixed in `fix` for the product `product` with CPE `cpe`.
fn vex(cve: &str, product: &str, cpe: &str, fix: &str) -> Vec<u8> {
    let component = format!("libuuid-0:{fix}.x86_64");
    let pid = format!("{product}:{component}");
    let doc = serde_json::json!({
        "document": {"category": "csaf_vex", "title": "libuuid: test", "tracking": {"id": cve}},
        "product_tree": {
            "branches": [{"category": "vendor", "name": "Red Hat", "branches": [
                {"category": "product_name", "name": product,
                 "product": {"name": product, "product_id": product,
                             "product_identification_helper": {"cpe": cpe}}}]}],
            "relationships": [{"category": "default_component_of",
                "full_product_name": {"name": "x", "product_id": pid},
                "product_reference": component, "relates_to_product_reference": product}]
        },
        "vulnerabilities": [{"cve": cve, "product_status": {"fixed": [pid]}}]
    });
    serde_json::to_vec_pretty(&doc).unwrap()
}

/// A RHEL 8.8 root filesystem with libuuid, and a content manifest when `sets` has any.
fn rootfs(dir: &Path, name: &str, sets: &[&str]) -> String {
    let root = dir.join(name);
    write(
        &root.join("etc/os-release"),
        b"NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"8.8 (Ootpa)\"\nID=\"rhel\"\nVERSION_ID=\"8.8\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 8.8 (Ootpa)\"\n",
    );
    write(
        &root.join("etc/redhat-release"),
        b"Red Hat Enterprise Linux release 8.8 (Ootpa)\n",
    );
    write(
        &root.join("var/lib/rpm/Packages"),
        &std::fs::read(RPMDB).unwrap(),
    );
    if !sets.is_empty() {
        let manifest = serde_json::json!({
            "metadata": {"icm_version": 1, "image_layer_index": 0},
            "content_sets": sets, "image_contents": []
        });
        write(
            &root.join("root/buildinfo/content_manifests/ubi8-container-8.8-1.json"),
            &serde_json::to_vec(&manifest).unwrap(),
        );
    }
    root.display().to_string()
}

/// The vulnerability IDs found for libuuid.
fn found(root: &str, db: &str) -> Vec<String> {
    let out = sekisho(&[
        "rootfs",
        root,
        "--db",
        db,
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
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["vulnerability"]["package"] == "libuuid")
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn content_manifests_scope_red_hat_records() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("sekisho-redhat-scope-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let feeds = dir.join("redhat-csaf-vex");
    write(
        &feeds.join("2099/cve-2099-0020.json"),
        &vex(
            "CVE-2099-0020",
            "AppStream-8.8.0.Z.MAIN",
            "cpe:/a:redhat:enterprise_linux:8::appstream",
            "2.32.1-43.el8_8",
        ),
    );
    write(
        &feeds.join("2099/cve-2099-0021.json"),
        &vex(
            "CVE-2099-0021",
            "SAP-HANA-8.8.0.Z.MAIN",
            "cpe:/a:redhat:enterprise_linux:8::sap_hana",
            "2.32.1-44.el8_8",
        ),
    );
    let map = dir.join("repository-to-cpe.json");
    write(
        &map,
        br#"{"data": {
  "rhel-8-for-x86_64-appstream-rpms": {"cpes": ["cpe:/a:redhat:enterprise_linux:8::appstream"]},
  "rhel-8-for-x86_64-baseos-rpms": {"cpes": ["cpe:/o:redhat:enterprise_linux:8::baseos"]}
}}"#,
    );
    let db = dir.join("advisories.db");
    let built = sekisho(&[
        "db",
        "build",
        "--output",
        db.to_str().unwrap(),
        feeds.to_str().unwrap(),
        map.to_str().unwrap(),
    ]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let info = sekisho(&["db", "info", "--db", db.to_str().unwrap(), "--json"]);
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(info["repositories"], 2);
    assert!(info["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["format"] == "redhat-repository-to-cpe"));
    let db = db.display().to_string();

    // Without a content manifest: both records, as before.
    let plain = rootfs(&dir, "plain", &[]);
    assert_eq!(found(&plain, &db), ["CVE-2099-0020", "CVE-2099-0021"]);
    // With one naming AppStream: the AppStream record only.
    let ubi = rootfs(
        &dir,
        "ubi",
        &[
            "rhel-8-for-x86_64-baseos-rpms",
            "rhel-8-for-x86_64-appstream-rpms",
        ],
    );
    assert_eq!(found(&ubi, &db), ["CVE-2099-0020"]);
    std::fs::remove_dir_all(&dir).ok();
}
