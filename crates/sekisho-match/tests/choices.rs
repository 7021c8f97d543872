//! Matching's two scoping rules on a real database: third-party OS packages are left out of
//! the distro's advisories unless asked, and on RHEL a modular rpm meets only the Red Hat
//! records of its own module stream (and a non-modular rpm only non-modular records).
//!
//! The Debian record is the real DEBIAN-CVE-2023-45853 (zlib, open in Debian:12) from the
//! shared feed archive. The Red Hat documents are written here in the shape of Red Hat's CSAF
//! (an RHSA naming module rpms by purl with `rpmmod`, and a VEX document where a module's rpm
//! is a component of the module product, itself a component of the platform); their product
//! ids, versions and CVE numbers are made up.

use std::path::PathBuf;

use sekisho_advisory::Database;
use sekisho_match::{match_report, MatchOptions};
use sekisho_model::{LayerRef, OsInfo, Package, PackageKind, Report, SourceInfo, Timestamp};

const FEEDS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/advisories"
);

const RHSA: &str = r#"{
  "document": {
    "category": "csaf_security_advisory",
    "title": "Test: nodejs security update",
    "tracking": {"id": "RHSA-TEST:0001", "initial_release_date": "2021-06-01T00:00:00+00:00"}
  },
  "product_tree": {
    "branches": [{
      "category": "vendor", "name": "Red Hat",
      "branches": [
        {"category": "product_family", "name": "Red Hat Enterprise Linux", "branches": [
          {"category": "product_name", "name": "Red Hat Enterprise Linux AppStream (v. 8)",
           "product": {"name": "Red Hat Enterprise Linux AppStream (v. 8)", "product_id": "AppStream-8.4.0.Z.MAIN",
                       "product_identification_helper": {"cpe": "cpe:/a:redhat:enterprise_linux:8::appstream"}}}
        ]},
        {"category": "architecture", "name": "x86_64", "branches": [
          {"category": "product_version", "name": "nodejs-1:12.22.1-1.module+el8.4.0+10822+fe6f2a95.x86_64",
           "product": {"name": "nodejs-1:12.22.1-1.module+el8.4.0+10822+fe6f2a95.x86_64",
                       "product_id": "nodejs-1:12.22.1-1.module+el8.4.0+10822+fe6f2a95.x86_64",
                       "product_identification_helper": {"purl": "pkg:rpm/redhat/nodejs@12.22.1-1.module%2Bel8.4.0%2B10822%2Bfe6f2a95?arch=x86_64&epoch=1&rpmmod=nodejs:12:8040020210507104424:9f9e2e7e"}}},
          {"category": "product_version", "name": "nodejs-1:16.0.0-1.el8.x86_64",
           "product": {"name": "nodejs-1:16.0.0-1.el8.x86_64", "product_id": "nodejs-1:16.0.0-1.el8.x86_64",
                       "product_identification_helper": {"purl": "pkg:rpm/redhat/nodejs@16.0.0-1.el8?arch=x86_64&epoch=1"}}}
        ]}
      ]
    }],
    "relationships": [
      {"category": "default_component_of",
       "full_product_name": {"name": "nodejs (module) as a component of AppStream", "product_id": "AppStream-8.4.0.Z.MAIN:nodejs-1:12.22.1-1.module+el8.4.0+10822+fe6f2a95.x86_64"},
       "product_reference": "nodejs-1:12.22.1-1.module+el8.4.0+10822+fe6f2a95.x86_64",
       "relates_to_product_reference": "AppStream-8.4.0.Z.MAIN"},
      {"category": "default_component_of",
       "full_product_name": {"name": "nodejs as a component of AppStream", "product_id": "AppStream-8.4.0.Z.MAIN:nodejs-1:16.0.0-1.el8.x86_64"},
       "product_reference": "nodejs-1:16.0.0-1.el8.x86_64",
       "relates_to_product_reference": "AppStream-8.4.0.Z.MAIN"}
    ]
  },
  "vulnerabilities": [{
    "cve": "CVE-2099-0001",
    "product_status": {"fixed": [
      "AppStream-8.4.0.Z.MAIN:nodejs-1:12.22.1-1.module+el8.4.0+10822+fe6f2a95.x86_64",
      "AppStream-8.4.0.Z.MAIN:nodejs-1:16.0.0-1.el8.x86_64"
    ]},
    "remediations": [{"category": "vendor_fix", "details": "RHSA-TEST:0001",
      "product_ids": ["AppStream-8.4.0.Z.MAIN:nodejs-1:12.22.1-1.module+el8.4.0+10822+fe6f2a95.x86_64",
                      "AppStream-8.4.0.Z.MAIN:nodejs-1:16.0.0-1.el8.x86_64"]}]
  }]
}"#;

const VEX: &str = r#"{
  "document": {
    "category": "csaf_vex",
    "title": "perl-Carp: test",
    "tracking": {"id": "CVE-2099-0002"}
  },
  "product_tree": {
    "branches": [{
      "category": "vendor", "name": "Red Hat",
      "branches": [
        {"category": "product_family", "name": "Red Hat Enterprise Linux", "branches": [
          {"category": "product_name", "name": "Red Hat Enterprise Linux AppStream (v. 8)",
           "product": {"name": "Red Hat Enterprise Linux AppStream (v. 8)", "product_id": "AppStream-8.10.0.GA",
                       "product_identification_helper": {"cpe": "cpe:/a:redhat:enterprise_linux:8::appstream"}}}
        ]},
        {"category": "product_version", "name": "perl:5.32:8100020240314121426:9fe1d287",
         "product": {"name": "perl:5.32:8100020240314121426:9fe1d287", "product_id": "perl:5.32:8100020240314121426:9fe1d287",
                     "product_identification_helper": {"purl": "pkg:rpmmod/redhat/perl@5.32:8100020240314121426:9fe1d287"}}},
        {"category": "product_version", "name": "perl-Carp-0:1.50-439.module+el8.10.0+21354+3ad137bb.noarch",
         "product": {"name": "perl-Carp-0:1.50-439.module+el8.10.0+21354+3ad137bb.noarch",
                     "product_id": "perl-Carp-0:1.50-439.module+el8.10.0+21354+3ad137bb.noarch",
                     "product_identification_helper": {"purl": "pkg:rpm/redhat/perl-Carp@1.50-439.module%2Bel8.10.0%2B21354%2B3ad137bb?arch=noarch"}}}
      ]
    }],
    "relationships": [
      {"category": "default_component_of",
       "full_product_name": {"name": "perl:5.32 as a component of AppStream", "product_id": "AppStream-8.10.0.GA:perl:5.32:8100020240314121426:9fe1d287"},
       "product_reference": "perl:5.32:8100020240314121426:9fe1d287",
       "relates_to_product_reference": "AppStream-8.10.0.GA"},
      {"category": "default_component_of",
       "full_product_name": {"name": "perl-Carp as a component of perl:5.32", "product_id": "AppStream-8.10.0.GA:perl:5.32:8100020240314121426:9fe1d287:perl-Carp-0:1.50-439.module+el8.10.0+21354+3ad137bb.noarch"},
       "product_reference": "perl-Carp-0:1.50-439.module+el8.10.0+21354+3ad137bb.noarch",
       "relates_to_product_reference": "AppStream-8.10.0.GA:perl:5.32:8100020240314121426:9fe1d287"}
    ]
  },
  "vulnerabilities": [{
    "cve": "CVE-2099-0002",
    "product_status": {"fixed": ["AppStream-8.10.0.GA:perl:5.32:8100020240314121426:9fe1d287:perl-Carp-0:1.50-439.module+el8.10.0+21354+3ad137bb.noarch"]}
  }]
}"#;

/// A database of the shared Debian OSV archive and the two Red Hat documents above, built
/// once per test process.
fn db() -> Database {
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let path = PATH.get_or_init(|| {
        let dir =
            std::env::temp_dir().join(format!("sekisho-match-choices-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let csaf = dir.join("redhat");
        std::fs::create_dir_all(&csaf).unwrap();
        std::fs::write(csaf.join("rhsa-test_0001.json"), RHSA).unwrap();
        std::fs::write(csaf.join("cve-2099-0002.json"), VEX).unwrap();
        let out = dir.join("advisories.db");
        let sources = [PathBuf::from(FEEDS).join("debian-osv.tar.gz"), csaf];
        let summary = sekisho_advisory::build(&out, &sources, "2026-12-05T00:00:00Z").unwrap();
        assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
        out
    });
    Database::open(path).unwrap()
}

fn os(id: &str, version: &str) -> OsInfo {
    OsInfo {
        id: id.into(),
        version: version.into(),
        ..OsInfo::default()
    }
}

fn package(kind: PackageKind, name: &str, version: &str) -> Package {
    Package {
        kind,
        name: name.into(),
        version: version.into(),
        epoch: None,
        arch: "x86_64".into(),
        source_name: String::new(),
        source_version: String::new(),
        licenses: Vec::new(),
        supplier: String::new(),
        third_party: None,
        modularity_label: None,
        purl: format!("pkg:{}/{name}@{version}", kind.as_str()),
        layer: LayerRef::default(),
        path: "/var/lib/dpkg/status".into(),
        files: Vec::new(),
        dependencies: Vec::new(),
        dev: false,
        owner: None,
    }
}

fn report(os: OsInfo, packages: Vec<Package>) -> Report {
    let mut r = Report::new(SourceInfo::default(), Timestamp::UNIX_EPOCH);
    r.os = Some(os);
    r.packages = packages;
    r
}

/// (package, finding ID, fixed version) of every finding.
fn found(
    db: &Database,
    r: &Report,
    options: &MatchOptions,
) -> (Vec<(String, String, String)>, Vec<String>) {
    let m = match_report(db, r, options).unwrap();
    let mut rows: Vec<_> = m
        .findings
        .iter()
        .map(|f| {
            let v = f.vulnerability.as_ref().unwrap();
            (
                v.package.clone(),
                f.id.clone(),
                v.fixed.clone().unwrap_or_default(),
            )
        })
        .collect();
    rows.sort();
    (rows, m.warnings)
}

#[test]
fn third_party_packages_are_matched_only_when_asked() {
    let db = db();
    let zlib = |third_party: Option<&str>| {
        let mut p = package(PackageKind::Deb, "zlib1g", "1:1.2.13.dfsg-1");
        p.source_name = "zlib".into();
        p.source_version = "1:1.2.13.dfsg-1".into();
        p.third_party = third_party.map(str::to_string);
        p
    };
    let bookworm = os("debian", "12.4");
    // The distro's zlib meets the open Debian record.
    let (rows, warnings) = found(
        &db,
        &report(bookworm.clone(), vec![zlib(None)]),
        &MatchOptions::default(),
    );
    assert!(
        rows.iter()
            .any(|(p, id, _)| p == "zlib1g" && id == "CVE-2023-45853"),
        "{rows:?}"
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    // A vendor's zlib1g is left out, and the report says so.
    let vendor = report(
        bookworm.clone(),
        vec![zlib(Some("maintainer … is Example's"))],
    );
    let (rows, warnings) = found(&db, &vendor, &MatchOptions::default());
    assert!(rows.is_empty(), "{rows:?}");
    assert_eq!(
        warnings,
        [
            "1 third-party package (zlib1g) not matched against debian 12.4 advisories (see each \
          package's third_party for the evidence); --match-third-party matches them"
        ]
    );
    // Asked for, it is matched like the distro's.
    let asked = MatchOptions {
        match_third_party: true,
    };
    let (rows, warnings) = found(&db, &vendor, &asked);
    assert!(
        rows.iter()
            .any(|(p, id, _)| p == "zlib1g" && id == "CVE-2023-45853"),
        "{rows:?}"
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    // Language packages are never third-party-skipped, and an undetected OS says nothing.
    let mut no_os = vendor.clone();
    no_os.os = None;
    assert!(found(&db, &no_os, &MatchOptions::default()).1.is_empty());
}

#[test]
fn modular_rpms_meet_only_their_stream() {
    let db = db();
    // The records are stored under the module's key, the non-modular one under the name.
    let modular = db.lookup("rpm", "redhat:8", "nodejs:12::nodejs").unwrap();
    assert_eq!(modular.len(), 1);
    assert_eq!(
        modular[0].affected.fixed.as_deref(),
        Some("1:12.22.1-1.module+el8.4.0+10822+fe6f2a95")
    );
    let plain = db.lookup("rpm", "redhat:8", "nodejs").unwrap();
    assert_eq!(plain.len(), 1);
    assert_eq!(plain[0].affected.fixed.as_deref(), Some("1:16.0.0-1.el8"));
    // VEX: the module comes from the module product the rpm is a component of.
    let carp = db
        .lookup("rpm", "redhat:8", "perl:5.32::perl-Carp")
        .unwrap();
    assert_eq!(carp.len(), 1, "{carp:?}");
    assert!(db
        .lookup("rpm", "redhat:8", "perl-Carp")
        .unwrap()
        .is_empty());

    let nodejs = |version: &str, label: Option<&str>| {
        let mut p = package(PackageKind::Rpm, "nodejs", version);
        p.modularity_label = label.map(str::to_string);
        p.path = "/var/lib/rpm/rpmdb.sqlite".into();
        p
    };
    let rhel8 = os("rhel", "8.4");
    let cases = [
        // The stream's own fix.
        (
            nodejs(
                "1:12.21.0-1.module+el8.3.0+10000+aaaaaaaa",
                Some("nodejs:12:8030020210304194401:229f0a1c"),
            ),
            Some("1:12.22.1-1.module+el8.4.0+10822+fe6f2a95"),
        ),
        // Fixed in the stream.
        (
            nodejs(
                "1:12.22.1-1.module+el8.4.0+10822+fe6f2a95",
                Some("nodejs:12:8040020210507104424:9f9e2e7e"),
            ),
            None,
        ),
        // Another stream: neither the nodejs:12 fix nor the non-modular one applies.
        (
            nodejs(
                "1:14.16.1-1.module+el8.4.0+10000+bbbbbbbb",
                Some("nodejs:14:8040020210407110111:bd1311ed"),
            ),
            None,
        ),
        // Not modular: the non-modular fix only (installed is above the module's fix).
        (nodejs("1:13.0.0-1.el8", None), Some("1:16.0.0-1.el8")),
    ];
    for (pkg, fix) in cases {
        let label = pkg.modularity_label.clone();
        let (rows, _) = found(
            &db,
            &report(rhel8.clone(), vec![pkg]),
            &MatchOptions::default(),
        );
        let fixes: Vec<&str> = rows.iter().map(|(_, _, f)| f.as_str()).collect();
        assert_eq!(fixes, fix.into_iter().collect::<Vec<_>>(), "{label:?}");
    }
    let mut carp = package(
        PackageKind::Rpm,
        "perl-Carp",
        "1.50-438.module+el8.9.0+19000+1a2b3c4d",
    );
    carp.modularity_label = Some("perl:5.32:8090020230809143035:9fe1d287".into());
    let (rows, _) = found(
        &db,
        &report(rhel8.clone(), vec![carp.clone()]),
        &MatchOptions::default(),
    );
    assert_eq!(rows.len(), 1, "{rows:?}");
    // On another distro the label does not change the key (no such records there).
    let (rows, _) = found(
        &db,
        &report(os("rocky", "8.9"), vec![carp]),
        &MatchOptions::default(),
    );
    assert!(rows.is_empty());
}
