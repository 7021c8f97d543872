//! Reading SBOMs: sekisho's own CycloneDX and SPDX documents read back to the packages they
//! were written from, Syft's JSON of the shared debian-app image, and malformed documents
//! refused with the file named.

use std::collections::BTreeSet;

use sekisho_model::{purl, LayerRef, OsInfo, Package, PackageKind, Report, SourceInfo, Timestamp};
use sekisho_sbom::read::{read, ReadError};

const PEERS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/images/peers/syft"
);

#[allow(clippy::too_many_arguments)]
fn pkg(
    kind: PackageKind,
    name: &str,
    version: &str,
    source: (&str, &str),
    arch: &str,
    epoch: Option<u32>,
    purl: String,
    path: &str,
) -> Package {
    Package {
        kind,
        name: name.into(),
        version: version.into(),
        epoch,
        arch: arch.into(),
        source_name: source.0.into(),
        source_version: source.1.into(),
        licenses: vec!["MIT".into()],
        supplier: String::new(),
        third_party: None,
        modularity_label: None,
        purl,
        layer: LayerRef {
            index: 2,
            digest: String::new(),
            diff_id: "sha256:abc".into(),
            created_by: None,
        },
        path: path.into(),
        files: Vec::new(),
        dependencies: Vec::new(),
        dev: false,
        owner: None,
    }
}

/// A deb purl the way the dpkg reader writes it.
fn deb(name: &str, version: &str, src: &str, src_version: &str) -> Package {
    let upstream = if src == name && src_version == version {
        String::new()
    } else if src_version == version {
        src.to_string()
    } else {
        format!("{src}@{src_version}")
    };
    let purl = purl::build(
        "deb",
        Some("debian"),
        name,
        version,
        &[
            ("arch", "amd64".into()),
            ("distro", "debian-12.8".into()),
            ("upstream", upstream),
        ],
    );
    pkg(
        PackageKind::Deb,
        name,
        version,
        (src, src_version),
        "amd64",
        None,
        purl,
        "/var/lib/dpkg/status",
    )
}

fn lang(kind: PackageKind, name: &str, version: &str, path: &str) -> Package {
    // The purls of sekisho-lang, written out (sekisho-sbom does not depend on it).
    let purl = match kind {
        PackageKind::Maven => {
            let (g, a) = name.split_once(':').unwrap();
            purl::build("maven", Some(g), a, version, &[])
        }
        PackageKind::Pypi => purl::build(
            "pypi",
            None,
            &name.to_lowercase().replace(['_', '.'], "-"),
            version,
            &[],
        ),
        _ => match name.rsplit_once('/') {
            Some((ns, base)) => purl::build(kind.as_str(), Some(ns), base, version, &[]),
            None => purl::build(kind.as_str(), None, name, version, &[]),
        },
    };
    pkg(kind, name, version, ("", ""), "", None, purl, path)
}

fn report() -> Report {
    let mut r = Report::new(
        SourceInfo {
            input: "/images/app.tar".into(),
            kind: "docker-archive".into(),
            tags: vec!["app:1.0".into()],
            image_id: Some("sha256:feed".into()),
            ..SourceInfo::default()
        },
        "2026-01-02T03:04:05Z".parse::<Timestamp>().unwrap(),
    );
    r.os = Some(OsInfo {
        id: "debian".into(),
        name: "Debian GNU/Linux".into(),
        version: "12.8".into(),
        codename: Some("bookworm".into()),
        pretty_name: "Debian GNU/Linux 12 (bookworm)".into(),
        evidence: "/etc/debian_version".into(),
        content_manifests: Vec::new(),
    });
    r.packages = vec![
        deb("base-files", "12.4+deb12u8", "base-files", "12.4+deb12u8"),
        deb("libc6", "2.36-9+deb12u9", "glibc", "2.36-9+deb12u9"),
        deb("bash", "5.2.15-2+b7", "bash", "5.2.15-2"),
        deb("zlib1g", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1"),
        pkg(
            PackageKind::Apk,
            "libssl1.1",
            "1.1.1d-r0",
            ("openssl", "1.1.1d-r0"),
            "x86_64",
            None,
            purl::build(
                "apk",
                Some("alpine"),
                "libssl1.1",
                "1.1.1d-r0",
                &[
                    ("arch", "x86_64".into()),
                    ("distro", "alpine-3.10.4".into()),
                    ("upstream", "openssl".into()),
                ],
            ),
            "/lib/apk/db/installed",
        ),
        pkg(
            PackageKind::Rpm,
            "bash",
            "1:5.1.8-6.el9",
            ("bash", "1:5.1.8-6.el9"),
            "x86_64",
            Some(1),
            purl::build(
                "rpm",
                Some("redhat"),
                "bash",
                "5.1.8-6.el9",
                &[
                    ("arch", "x86_64".into()),
                    ("epoch", "1".into()),
                    ("upstream", "bash-5.1.8-6.el9.src.rpm".into()),
                ],
            ),
            "/var/lib/rpm/rpmdb.sqlite",
        ),
        lang(
            PackageKind::Pypi,
            "PyYAML",
            "6.0.1",
            "/opt/venv/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info",
        ),
        lang(
            PackageKind::Npm,
            "@babel/core",
            "7.0.0",
            "/srv/web/node_modules/@babel/core",
        ),
        lang(
            PackageKind::Maven,
            "org.slf4j:slf4j-api",
            "1.7.32",
            "/opt/app/app.war!WEB-INF/lib/slf4j-api-1.7.32.jar",
        ),
        lang(PackageKind::Golang, "stdlib", "go1.19.8", "/usr/sbin/gosu"),
        lang(
            PackageKind::Golang,
            "github.com/gorilla/mux",
            "v1.8.0",
            "/src/goapp/go.mod",
        ),
        lang(
            PackageKind::Composer,
            "monolog/monolog",
            "2.3.5",
            "/srv/php/vendor/composer/installed.json",
        ),
        lang(
            PackageKind::Cargo,
            "base64",
            "0.13.0",
            "/usr/local/bin/rustapp",
        ),
        lang(
            PackageKind::Gem,
            "rack",
            "2.2.22",
            "/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec",
        ),
        lang(
            PackageKind::Nuget,
            "Newtonsoft.Json",
            "13.0.1",
            "/app/app.deps.json",
        ),
    ];
    r
}

type Row = (PackageKind, String, String, String, String, String);

fn rows(r: &Report) -> BTreeSet<Row> {
    r.packages
        .iter()
        .map(|p| {
            (
                p.kind,
                p.name.clone(),
                p.version.clone(),
                p.source_name.clone(),
                p.source_version.clone(),
                p.path.clone(),
            )
        })
        .collect()
}

#[test]
fn cyclonedx_round_trip() {
    let original = report();
    let doc = sekisho_sbom::cyclonedx::render(&original);
    let back = read(doc.as_bytes(), "app.cdx.json").unwrap();
    assert_eq!(rows(&back), rows(&original));
    let os = back.os.as_ref().unwrap();
    assert_eq!((os.id.as_str(), os.version.as_str()), ("debian", "12.8"));
    assert_eq!(back.source.kind, "cyclonedx");
    assert_eq!(back.created, original.created);
    let rpm = back
        .packages
        .iter()
        .find(|p| p.kind == PackageKind::Rpm)
        .unwrap();
    assert_eq!((rpm.epoch, rpm.arch.as_str()), (Some(1), "x86_64"));
    assert!(back
        .packages
        .iter()
        .all(|p| p.layer.index == 2 && p.layer.diff_id == "sha256:abc" && p.licenses == ["MIT"]));
}

#[test]
fn spdx_round_trip() {
    let original = report();
    let doc = sekisho_sbom::spdx::render(&original);
    let back = read(doc.as_bytes(), "app.spdx.json").unwrap();
    assert_eq!(rows(&back), rows(&original));
    let os = back.os.as_ref().unwrap();
    assert_eq!((os.id.as_str(), os.version.as_str()), ("debian", "12.8"));
    assert_eq!(back.source.kind, "spdx");
    assert!(back
        .packages
        .iter()
        .all(|p| p.layer.index == 2 && p.layer.diff_id == "sha256:abc"));
}

#[test]
fn os_from_the_purls_when_the_document_has_none() {
    let mut original = report();
    original.os = None;
    original.packages.retain(|p| p.kind == PackageKind::Deb);
    let back = read(
        sekisho_sbom::spdx::render(&original).as_bytes(),
        "x.spdx.json",
    )
    .unwrap();
    let os = back.os.unwrap();
    assert_eq!((os.id.as_str(), os.version.as_str()), ("debian", "12.8"));
}

#[test]
fn syft_json_of_debian_app() {
    let path = format!("{PEERS}/debian-app.json");
    let bytes =
        std::fs::read(&path).expect("shared Syft SBOMs at ../shared next to the repository");
    let r = read(&bytes, "debian-app.json").unwrap();
    assert_eq!(r.source.kind, "syft-json");
    let os = r.os.as_ref().unwrap();
    assert_eq!((os.id.as_str(), os.version.as_str()), ("debian", "12"));
    assert_eq!(os.codename.as_deref(), Some("bookworm"));

    let debs: Vec<&Package> = r
        .packages
        .iter()
        .filter(|p| p.kind == PackageKind::Deb)
        .collect();
    assert_eq!(debs.len(), 40);
    let source = |name: &str| {
        let p = debs.iter().find(|p| p.name == name).unwrap();
        (
            p.version.as_str(),
            p.source_name.as_str(),
            p.source_version.as_str(),
        )
    };
    assert_eq!(
        source("libc6"),
        ("2.36-9+deb12u14", "glibc", "2.36-9+deb12u14")
    );
    assert_eq!(source("bash"), ("5.2.15-2+b13", "bash", "5.2.15-2"));
    assert_eq!(source("libbz2-1.0"), ("1.0.8-5+b1", "bzip2", "1.0.8-5"));
    assert_eq!(
        source("zlib1g"),
        ("1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1")
    );
    assert_eq!(
        source("base-files"),
        ("12.4+deb12u15", "base-files", "12.4+deb12u15")
    );
    assert!(debs
        .iter()
        .all(|p| p.path == "/var/lib/dpkg/status" && (p.arch == "amd64" || p.arch == "all")));

    let has = |kind: PackageKind, name: &str, version: &str, path: &str| {
        r.packages
            .iter()
            .any(|p| p.kind == kind && p.name == name && p.version == version && p.path == path)
    };
    assert!(has(
        PackageKind::Pypi,
        "certifi",
        "2026.10.18",
        "/opt/venv/lib/python3.11/site-packages/certifi-2026.10.18.dist-info"
    ));
    assert!(has(
        PackageKind::Npm,
        "lodash",
        "4.17.15",
        "/srv/web/node_modules/lodash"
    ));
    assert!(has(
        PackageKind::Maven,
        "org.apache.commons:commons-lang3",
        "3.12.0",
        "/opt/app/app.war!WEB-INF/lib/commons-lang3-3.12.0.jar"
    ));
    assert!(has(
        PackageKind::Golang,
        "stdlib",
        "go1.19.8",
        "/usr/sbin/gosu"
    ));
    assert!(has(
        PackageKind::Cargo,
        "base64",
        "0.13.0",
        "/usr/local/bin/rustapp"
    ));
    assert!(has(
        PackageKind::Composer,
        "monolog/monolog",
        "2.3.5",
        "/srv/php/vendor/composer/installed.json"
    ));
    let count = |kind: PackageKind| r.packages.iter().filter(|p| p.kind == kind).count();
    assert_eq!(count(PackageKind::Pypi), 9);
    assert_eq!(count(PackageKind::Npm), 53);
    assert_eq!(count(PackageKind::Maven), 15);
    assert_eq!(count(PackageKind::Golang), 2);
    assert_eq!(count(PackageKind::Cargo), 3);
    assert_eq!(count(PackageKind::Gem), 1);
    assert_eq!(count(PackageKind::Composer), 2);
    // Syft's file-overlap ownership: the gemspec belongs to the Debian package ruby-rack.
    let rack = r
        .packages
        .iter()
        .find(|p| p.kind == PackageKind::Gem)
        .unwrap();
    assert!(rack
        .owner
        .as_deref()
        .unwrap()
        .starts_with("pkg:deb/debian/ruby-rack@"));
}

#[test]
fn alpine_origins_from_syft() {
    let bytes = std::fs::read(format!("{PEERS}/alpine-310.json")).unwrap();
    let r = read(&bytes, "alpine-310.json").unwrap();
    let os = r.os.as_ref().unwrap();
    assert_eq!((os.id.as_str(), os.version.as_str()), ("alpine", "3.10.4"));
    assert_eq!(r.packages.len(), 14);
    let ssl = r.packages.iter().find(|p| p.name == "libssl1.1").unwrap();
    assert_eq!(
        (ssl.source_name.as_str(), ssl.source_version.as_str()),
        ("openssl", ssl.version.as_str())
    );
}

fn error(bytes: &[u8]) -> String {
    match read(bytes, "bad.json") {
        Ok(r) => panic!("read {} packages from a bad document", r.packages.len()),
        Err(e) => {
            let text = e.to_string();
            assert!(text.starts_with("bad.json: "), "{text}");
            text
        }
    }
}

#[test]
fn malformed_documents_are_errors_naming_the_file() {
    let cdx = sekisho_sbom::cyclonedx::render(&report());
    let text = error(&cdx.as_bytes()[..cdx.len() / 2]);
    assert!(text.contains("truncated"), "{text}");
    assert!(error(b"").contains("empty"));
    assert!(error(b"{\"bomFormat\": \"CycloneDX\", \"components\": 3}").contains("wrong type"));
    assert!(
        error(b"{\"bomFormat\": \"CycloneDX\", \"components\": [{\"name\": 5}]}")
            .contains("wrong type")
    );
    assert!(error(b"{\"spdxVersion\": \"SPDX-2.3\", \"packages\": {}}").contains("wrong type"));
    assert!(error(b"{\"artifacts\": [1], \"schema\": {}}").contains("wrong type"));
    assert!(error(b"{\"bomFormat\": 1}").contains("bomFormat"));
    assert!(error(b"{\"spdxVersion\": \"SPDX-3.0\"}").contains("SPDX 2.x"));
    assert!(error(b"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"2.0\"}").contains("1.6"));
    assert!(error(b"{\"hello\": 1}").contains("not a CycloneDX, SPDX or Syft"));
    assert!(error(b"[1, 2]").contains("array"));
    assert!(error(b"not json").contains("not valid JSON"));
    assert!(error(b"<?xml version=\"1.0\"?><bom/>").contains("XML"));
    assert!(error(b"SPDXVersion: SPDX-2.3\n").contains("tag-value"));
    // Nesting beyond serde_json's recursion limit is refused, not a stack overflow.
    let deep = format!(
        "{{\"bomFormat\": \"CycloneDX\", \"components\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    error(deep.as_bytes());
    let mut nested = String::from("{\"bomFormat\": \"CycloneDX\", \"components\": [");
    for _ in 0..200 {
        nested.push_str("{\"type\": \"library\", \"name\": \"x\", \"components\": [");
    }
    nested.push_str(&"]}".repeat(200));
    nested.push_str("]}");
    assert!(error(nested.as_bytes()).contains("recursion limit"));
    assert!(matches!(
        read(&vec![b' '; sekisho_sbom::read::MAX_SIZE + 1], "big.json"),
        Err(ReadError::TooLarge { .. })
    ));
    // Garbage never panics.
    for cut in (0..cdx.len()).step_by(97) {
        let _ = read(&cdx.as_bytes()[..cut], "cut.json");
    }
}

#[test]
fn foreign_entries_are_skipped() {
    let doc = br#"{
      "bomFormat": "CycloneDX", "specVersion": "1.5",
      "metadata": {"component": {"type": "container", "name": "alpine:3.15", "version": "sha256:21a3"}},
      "components": [
        {"type": "operating-system", "name": "alpine", "version": "3.15.0"},
        {"type": "file", "name": "/bin/sh"},
        {"type": "application", "name": "/srv/web/package-lock.json"},
        {"type": "library", "name": "python", "version": "3.11", "purl": "pkg:generic/python@3.11"},
        {"type": "library", "name": "zlib", "version": "1.2.11-r3",
         "purl": "pkg:apk/alpine/zlib@1.2.11-r3?arch=x86_64&distro=3.15.0",
         "properties": [{"name": "aquasecurity:trivy:SrcName", "value": "zlib"},
                        {"name": "aquasecurity:trivy:SrcVersion", "value": "1.2.11-r3"},
                        {"name": "aquasecurity:trivy:PkgType", "value": "alpine"}]},
        {"type": "library", "name": "libc6", "version": "2.36-9+deb12u4",
         "purl": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12.8&epoch=1",
         "properties": [{"name": "aquasecurity:trivy:SrcName", "value": "glibc"},
                        {"name": "aquasecurity:trivy:SrcVersion", "value": "2.36"},
                        {"name": "aquasecurity:trivy:SrcRelease", "value": "9+deb12u4"},
                        {"name": "aquasecurity:trivy:SrcEpoch", "value": "1"}]},
        {"type": "library", "name": "lodash", "version": "4.17.4", "purl": "pkg:npm/lodash@4.17.4",
         "properties": [{"name": "aquasecurity:trivy:FilePath", "value": "srv/web/node_modules/lodash/package.json"}]}
      ]
    }"#;
    let r = read(doc, "trivy.cdx.json").unwrap();
    let os = r.os.as_ref().unwrap();
    assert_eq!((os.id.as_str(), os.version.as_str()), ("alpine", "3.15.0"));
    assert_eq!(r.source.tags, ["alpine:3.15"]);
    let names: Vec<&str> = r.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["zlib", "libc6", "lodash"]);
    let libc = &r.packages[1];
    assert_eq!(libc.version, "1:2.36-9+deb12u4");
    assert_eq!(
        (libc.source_name.as_str(), libc.source_version.as_str()),
        ("glibc", "1:2.36-9+deb12u4")
    );
    assert_eq!(r.packages[2].path, "/srv/web/node_modules/lodash");
    assert!(r.warnings.iter().any(|w| w.contains("purl type generic")));
}

/// sekisho's third-party verdict and an rpm's module label survive CycloneDX and SPDX, and
/// Trivy's and Syft's spellings of the label are read.
#[test]
fn third_party_and_module_round_trip() {
    let mut original = report();
    let reason =
        "maintainer \"Docker <support@docker.com>\" is Docker's (docker.com), not debian's";
    let label = "nodejs:12:8030020201124152102:229f0a1c";
    for p in &mut original.packages {
        if p.name == "zlib1g" {
            p.third_party = Some(reason.to_string());
        }
        if p.kind == PackageKind::Rpm {
            p.modularity_label = Some(label.to_string());
        }
    }
    let facts = |r: &Report| -> Vec<(String, Option<String>, Option<String>)> {
        let mut rows: Vec<_> = r
            .packages
            .iter()
            .filter(|p| p.third_party.is_some() || p.modularity_label.is_some())
            .map(|p| {
                (
                    p.name.clone(),
                    p.third_party.clone(),
                    p.modularity_label.clone(),
                )
            })
            .collect();
        rows.sort();
        rows
    };
    let expected = vec![
        ("bash".to_string(), None, Some(label.to_string())),
        ("zlib1g".to_string(), Some(reason.to_string()), None),
    ];
    let cdx = sekisho_sbom::cyclonedx::render(&original);
    assert_eq!(
        facts(&read(cdx.as_bytes(), "a.cdx.json").unwrap()),
        expected
    );
    let spdx = sekisho_sbom::spdx::render(&original);
    assert_eq!(
        facts(&read(spdx.as_bytes(), "a.spdx.json").unwrap()),
        expected
    );

    // Trivy writes the label as a property, Syft in the rpm metadata.
    let trivy = r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"bom-ref": "x",
        "type": "library", "name": "nodejs", "version": "1:12.22.1-1.module+el8.4.0+10822+fe6f2a95",
        "purl": "pkg:rpm/redhat/nodejs@12.22.1-1.module%2Bel8.4.0%2B10822%2Bfe6f2a95?arch=x86_64&epoch=1&distro=rhel-8.4",
        "properties": [{"name": "aquasecurity:trivy:Modularitylabel", "value": "nodejs:12:8040020210507104424:9f9e2e7e"}]}]}"#;
    let back = read(trivy.as_bytes(), "trivy.cdx.json").unwrap();
    assert_eq!(
        back.packages[0].module_stream(),
        Some("nodejs:12"),
        "{:?}",
        back.packages[0]
    );
}
