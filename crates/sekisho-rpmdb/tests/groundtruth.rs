//! Exact comparison with the ground-truth package lists (`rpm -qa` /
//! go-rpmdb), all fields, in database order.

use sekisho_rpmdb::{read_packages, DbFormat, RpmPackage};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");

fn none_if_empty(s: &str) -> &str {
    if s.is_empty() {
        "(none)"
    } else {
        s
    }
}

/// One TSV row the way `rpm -qa --qf` prints it.
fn row(p: &RpmPackage) -> String {
    [
        p.name.clone(),
        p.epoch.map(|e| e.to_string()).unwrap_or_default(),
        p.version.clone(),
        p.release.clone(),
        none_if_empty(&p.arch).to_string(),
        none_if_empty(&p.source_rpm).to_string(),
        none_if_empty(&p.license).to_string(),
        none_if_empty(&p.vendor).to_string(),
        p.size.to_string(),
        none_if_empty(&p.sigmd5).to_string(),
    ]
    .join("\t")
}

fn check(name: &str, file: &str) -> Vec<RpmPackage> {
    let path = format!("{DATA}/rpmdb/{name}/{file}");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let format = DbFormat::from_path(&path).unwrap();
    assert_eq!(DbFormat::sniff(&bytes), Some(format));
    let pkgs = read_packages(format, &bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    let truth = std::fs::read_to_string(format!("{DATA}/groundtruth/rpmdb/{name}.tsv")).unwrap();
    let want: Vec<&str> = truth.lines().skip(1).collect();
    let got: Vec<String> = pkgs.iter().map(row).collect();
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "{name}: row {i} differs");
    }
    assert_eq!(got.len(), want.len(), "{name}: package count");
    pkgs
}

#[test]
fn libuuid_bdb() {
    let pkgs = check("libuuid-bdb", "Packages");
    let p = &pkgs[0];
    assert!(
        p.files
            .iter()
            .any(|f| f.starts_with("/usr/lib64/libuuid.so")),
        "{:?}",
        p.files
    );
    assert!(p.files.iter().all(|f| f.starts_with('/')));
}

#[test]
fn sle15_ndb() {
    let pkgs = check("sle15-bci-ndb", "Packages.db");
    assert!(pkgs.iter().all(|p| !p.is_gpg_pubkey()));
}

#[test]
fn cbl_mariner_sqlite() {
    let pkgs = check("cbl-mariner-2.0-sqlite", "rpmdb.sqlite");
    let curl = pkgs.iter().find(|p| p.name == "curl").unwrap();
    assert_eq!(curl.size, 326023);
    assert!(
        curl.files.contains(&"/usr/bin/curl".to_string()),
        "{:?}",
        curl.files
    );
}

#[test]
fn amazonlinux2023_sqlite() {
    let pkgs = check("amazonlinux2023-sqlite", "rpmdb.sqlite");
    let keys: Vec<_> = pkgs.iter().filter(|p| p.is_gpg_pubkey()).collect();
    assert_eq!(keys.len(), 1);
    assert!(keys[0].files.is_empty());
    assert!(pkgs.iter().any(|p| p.epoch.is_some()));
}
