//! Red Hat repository scoping on a real database: VEX documents in the shape Red Hat
//! publishes (a product with its CPE, an rpm as a component of it) for one package, and Red
//! Hat's `repository-to-cpe.json` map. The CVE numbers, versions and product ids are made up;
//! the CPEs and repository names are Red Hat's.
//!
//! * CVE-2099-0010: fixed in RHEL 8 AppStream (`cpe:/a:redhat:enterprise_linux:8::appstream`);
//! * CVE-2099-0011: fixed only in RHEL 8 for SAP HANA (`…:8::sap_hana`);
//! * CVE-2099-0012: affected, no fix, stated for RHEL 8 (`cpe:/o:redhat:enterprise_linux:8`);
//! * CVE-2099-0013: fixed only in the 8.6 extended update stream (`rhel_eus:8.6::appstream`).

use std::path::{Path, PathBuf};

use sekisho_advisory::Database;
use sekisho_match::{match_report, MatchOptions};
use sekisho_model::{
    ContentManifest, LayerRef, OsInfo, Package, PackageKind, Report, SourceInfo, Timestamp,
};

/// A CSAF VEX document: `cve` states `status` (`fixed` or `known_affected`) for the component
/// `component` of the product `product` with CPE `cpe`.
fn vex(cve: &str, product: &str, cpe: &str, status: &str, component: &str) -> String {
    format!(
        r#"{{
  "document": {{"category": "csaf_vex", "title": "libuuid: test", "tracking": {{"id": "{cve}"}}}},
  "product_tree": {{
    "branches": [{{"category": "vendor", "name": "Red Hat", "branches": [
      {{"category": "product_family", "name": "Red Hat Enterprise Linux", "branches": [
        {{"category": "product_name", "name": "{product}",
          "product": {{"name": "{product}", "product_id": "{product}",
                      "product_identification_helper": {{"cpe": "{cpe}"}}}}}}
      ]}}
    ]}}],
    "relationships": [
      {{"category": "default_component_of",
        "full_product_name": {{"name": "x", "product_id": "{product}:{component}"}},
        "product_reference": "{component}",
        "relates_to_product_reference": "{product}"}}
    ]
  }},
  "vulnerabilities": [{{"cve": "{cve}", "product_status": {{"{status}": ["{product}:{component}"]}}}}]
}}"#
    )
}

const MAP: &str = r#"{"data": {
  "rhel-8-for-x86_64-appstream-rpms": {"cpes": ["cpe:/a:redhat:enterprise_linux:8::appstream"],
    "repo_relative_urls": ["content/dist/rhel8/8/x86_64/appstream/os"]},
  "rhel-8-for-x86_64-baseos-rpms": {"cpes": ["cpe:/o:redhat:enterprise_linux:8::baseos"]},
  "rhel-8-for-x86_64-appstream-eus-rpms__8_DOT_6": {"cpes": ["cpe:/a:redhat:rhel_eus:8.6::appstream"]}
}}"#;

/// The VEX documents, with the map or without; built once per test process each.
fn db(with_map: bool) -> Database {
    static PATHS: std::sync::OnceLock<(PathBuf, PathBuf)> = std::sync::OnceLock::new();
    let (with, without) = PATHS.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sekisho-match-rh-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let vexdir = dir.join("csaf-vex");
        std::fs::create_dir_all(&vexdir).unwrap();
        let docs = [
            vex(
                "CVE-2099-0010",
                "AppStream-8.8.0.Z.MAIN",
                "cpe:/a:redhat:enterprise_linux:8::appstream",
                "fixed",
                "libuuid-0:2.32.1-43.el8_8.x86_64",
            ),
            vex(
                "CVE-2099-0011",
                "SAP-HANA-8.8.0.Z.MAIN",
                "cpe:/a:redhat:enterprise_linux:8::sap_hana",
                "fixed",
                "libuuid-0:2.32.1-44.el8_8.x86_64",
            ),
            vex(
                "CVE-2099-0012",
                "red_hat_enterprise_linux_8",
                "cpe:/o:redhat:enterprise_linux:8",
                "known_affected",
                "libuuid",
            ),
            vex(
                "CVE-2099-0013",
                "AppStream-8.6.0.Z.EUS",
                "cpe:/a:redhat:rhel_eus:8.6::appstream",
                "fixed",
                "libuuid-0:2.32.1-43.el8_6.x86_64",
            ),
        ];
        for (i, doc) in docs.iter().enumerate() {
            std::fs::write(vexdir.join(format!("cve-2099-001{i}.json")), doc).unwrap();
        }
        let map = dir.join("cpe");
        std::fs::create_dir_all(&map).unwrap();
        std::fs::write(map.join("repository-to-cpe.json"), MAP).unwrap();
        let build = |out: &Path, sources: &[PathBuf]| {
            let summary = sekisho_advisory::build(out, sources, "2026-12-05T00:00:00Z").unwrap();
            assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
        };
        let with = dir.join("with-map.db");
        build(&with, &[vexdir.clone(), map]);
        let without = dir.join("without-map.db");
        build(&without, &[vexdir]);
        (with, without)
    });
    Database::open(if with_map { with } else { without }).unwrap()
}

fn libuuid(layer: usize) -> Package {
    Package {
        kind: PackageKind::Rpm,
        name: "libuuid".into(),
        version: "2.32.1-42.el8_8".into(),
        epoch: None,
        arch: "x86_64".into(),
        source_name: "util-linux".into(),
        source_version: "2.32.1-42.el8_8".into(),
        licenses: Vec::new(),
        supplier: String::new(),
        third_party: None,
        modularity_label: None,
        purl: "pkg:rpm/redhat/libuuid@2.32.1-42.el8_8?arch=x86_64".into(),
        layer: LayerRef {
            index: layer,
            ..LayerRef::default()
        },
        path: "/var/lib/rpm/Packages".into(),
        files: Vec::new(),
        dependencies: Vec::new(),
        dev: false,
        owner: None,
    }
}

/// A RHEL 8.8 report of libuuid in layer `layer`, with manifests (layer, content sets).
fn report(layer: usize, manifests: &[(usize, &[&str])]) -> Report {
    let mut r = Report::new(SourceInfo::default(), Timestamp::UNIX_EPOCH);
    r.os = Some(OsInfo {
        id: "rhel".into(),
        version: "8.8".into(),
        content_manifests: manifests
            .iter()
            .map(|(layer, sets)| ContentManifest {
                path: format!("/root/buildinfo/content_manifests/layer-{layer}.json"),
                layer: *layer,
                image_layer_index: Some(*layer as u64),
                content_sets: sets.iter().map(|s| s.to_string()).collect(),
            })
            .collect(),
        ..OsInfo::default()
    });
    r.packages = vec![libuuid(layer)];
    r
}

/// The finding IDs and the warnings.
fn ids(db: &Database, r: &Report) -> (Vec<String>, Vec<String>) {
    let m = match_report(db, r, &MatchOptions::default()).unwrap();
    let mut ids: Vec<String> = m.findings.iter().map(|f| f.id.clone()).collect();
    ids.sort();
    (ids, m.warnings)
}

#[test]
fn records_are_kept_with_their_products_cpes() {
    let db = db(true);
    let hits = db.lookup("rpm", "redhat:8", "libuuid").unwrap();
    let cpes: Vec<(&str, &[String])> = hits
        .iter()
        .map(|h| (h.id.as_str(), h.affected.cpes.as_slice()))
        .collect();
    assert_eq!(
        cpes,
        [
            (
                "CVE-2099-0010",
                &["cpe:/a:redhat:enterprise_linux:8::appstream".to_string()][..]
            ),
            (
                "CVE-2099-0011",
                &["cpe:/a:redhat:enterprise_linux:8::sap_hana".to_string()][..]
            ),
            (
                "CVE-2099-0012",
                &["cpe:/o:redhat:enterprise_linux:8".to_string()][..]
            ),
        ]
    );
    assert_eq!(
        db.repository_cpes("rhel-8-for-x86_64-appstream-rpms")
            .unwrap(),
        Some(vec![
            "cpe:/a:redhat:enterprise_linux:8::appstream".to_string()
        ])
    );
    assert_eq!(db.repository_cpes("nope-rpms").unwrap(), None);
    assert!(db.has_repository_map().unwrap());
    assert!(!crate::db(false).has_repository_map().unwrap());
    assert_eq!(db.info().unwrap().repositories, 3);
}

#[test]
fn content_sets_scope_red_hat_records() {
    let db = db(true);
    let main_stream = ["CVE-2099-0010", "CVE-2099-0011", "CVE-2099-0012"];
    // No content manifest: every record of the release, as before.
    assert_eq!(
        ids(&db, &report(0, &[])),
        (main_stream.map(String::from).to_vec(), vec![])
    );

    // AppStream (with the build's generic `__8` suffix): the AppStream fix and the
    // release-wide statement, not the SAP HANA fix.
    let appstream = report(1, &[(1, &["rhel-8-for-x86_64-appstream-rpms__8"])]);
    assert_eq!(
        ids(&db, &appstream).0,
        ["CVE-2099-0010", "CVE-2099-0012"],
        "scoped to AppStream"
    );
    // BaseOS only: neither stream's fix.
    let baseos = report(1, &[(1, &["rhel-8-for-x86_64-baseos-rpms"])]);
    assert_eq!(ids(&db, &baseos).0, ["CVE-2099-0012"]);
    // The 8.6 extended update stream: its own fix (stored under its CPE) and the release-wide
    // statement.
    let eus = report(
        1,
        &[(1, &["rhel-8-for-x86_64-appstream-eus-rpms__8_DOT_6"])],
    );
    assert_eq!(ids(&db, &eus).0, ["CVE-2099-0012", "CVE-2099-0013"]);

    // The package's own layer decides: layer 2's packages came from BaseOS, layer 1's from
    // AppStream; a package of the base layer takes the second layer's manifest.
    let layered: &[(usize, &[&str])] = &[
        (1, &["rhel-8-for-x86_64-appstream-rpms"]),
        (2, &["rhel-8-for-x86_64-baseos-rpms"]),
    ];
    assert_eq!(ids(&db, &report(2, layered)).0, ["CVE-2099-0012"]);
    assert_eq!(
        ids(&db, &report(0, layered)).0,
        ["CVE-2099-0010", "CVE-2099-0012"]
    );
    assert_eq!(ids(&db, &report(5, layered)).0, ["CVE-2099-0012"]);

    // A content set the map does not know: no scoping, and the report says so.
    let unknown = report(
        1,
        &[(1, &["rhel-8-for-x86_64-appstream-rpms", "my-own-rpms"])],
    );
    let (found, warnings) = ids(&db, &unknown);
    assert_eq!(found, main_stream);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("my-own-rpms"), "{warnings:?}");

    // No map in the database: no scoping.
    let (found, warnings) = ids(&crate::db(false), &appstream);
    assert_eq!(found, main_stream);
    assert!(warnings.is_empty());

    // Another distribution's rpm is never scoped.
    let mut rocky = appstream.clone();
    rocky.os.as_mut().unwrap().id = "rocky".into();
    assert!(ids(&db, &rocky).0.is_empty());
}
