//! Scanning an SBOM instead of the image (issue 16): the shared Syft SBOMs of four images,
//! read with `sekisho_sbom::read` and matched with `add_vulnerabilities`, give the findings
//! the image scan gives, and every difference has its reason written here. sekisho's own
//! CycloneDX and SPDX documents of each image scan to exactly the image's findings.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use common::IMAGES;
use sekisho_audit::AuditOptions;
use sekisho_model::{FindingKind, Report};

/// The database built from all shared feed archives, once per test process.
fn db() -> &'static PathBuf {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sekisho-sbom-scan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("advisories.db");
        let feeds = PathBuf::from(IMAGES).join("../advisories");
        let mut sources: Vec<PathBuf> = std::fs::read_dir(&feeds)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".tar.gz"))
            .collect();
        sources.sort();
        assert!(
            sources.len() >= 14,
            "feeds missing under {}",
            feeds.display()
        );
        sekisho_advisory::build(&out, &sources, "2026-12-05T00:00:00Z").unwrap();
        out
    })
}

fn request(path: &str) -> sekisho_scan::ScanRequest {
    let opts = AuditOptions {
        config: false,
        secret: false,
        ..AuditOptions::default()
    };
    let mut request = common::request(path, &opts);
    request.scanners.vuln = true;
    request.db = Some(db().clone());
    request
}

fn scan_image(rel: &str) -> Report {
    sekisho_scan::scan(&request(&format!("{IMAGES}/{rel}"))).unwrap()
}

/// Read an SBOM and match its packages as the image scan does.
fn scan_sbom(bytes: &[u8], name: &str) -> Report {
    let mut report = sekisho_sbom::read::read(bytes, name).unwrap();
    let db = sekisho_advisory::Database::open(db()).unwrap();
    sekisho_scan::add_vulnerabilities(&request(name), &db, &mut report).unwrap();
    report
}

/// (package, installed version, finding ID) of every vulnerability finding.
type Row = (String, String, String);

fn rows(report: &Report) -> BTreeSet<Row> {
    report
        .findings()
        .iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
        .map(|f| {
            let v = f.vulnerability.as_ref().unwrap();
            (v.package.clone(), v.installed.clone(), f.id.clone())
        })
        .collect()
}

/// A known difference between the image scan and the Syft SBOM scan: rows of `package`
/// (at `version` when given) found only on one side, and why.
struct Explained {
    package: &'static str,
    version: Option<&'static str>,
    why: &'static str,
}

/// Syft's image catalogers do not read lockfiles (see `../shared/data/images/README.md`,
/// debian-app): the packages only a Cargo.lock, go.mod, Gemfile.lock or composer.lock names
/// are in sekisho's image scan and not in Syft's SBOM.
const LOCKFILE_ONLY: &str = "lockfile-only package: Syft's image catalogers do not read \
     Cargo.lock, go.mod, Gemfile.lock or composer.lock (images README, debian-app)";

fn compare(name: &str, image: &Report, sbom: &Report, explained: &[Explained]) -> Vec<String> {
    let (a, b) = (rows(image), rows(sbom));
    let mut failures = Vec::new();
    let mut used = vec![false; explained.len()];
    for (side, row) in a
        .difference(&b)
        .map(|r| ("image only", r))
        .chain(b.difference(&a).map(|r| ("SBOM only", r)))
    {
        let why = explained
            .iter()
            .enumerate()
            .find(|(_, e)| e.package == row.0 && e.version.is_none_or(|v| v == row.1));
        match why {
            Some((i, e)) => {
                used[i] = true;
                eprintln!("{name}: {side} {row:?}: {}", e.why);
            }
            None => failures.push(format!("{name}: {side} {row:?} unexplained")),
        }
    }
    for (e, used) in explained.iter().zip(used) {
        if !used {
            failures.push(format!(
                "{name}: the listed difference for {} ({}) no longer occurs",
                e.package, e.why
            ));
        }
    }
    failures
}

fn check(image_rel: &str, syft: &str, explained: &[Explained]) {
    let image = scan_image(image_rel);
    assert!(
        !rows(&image).is_empty(),
        "{image_rel}: no findings to compare"
    );
    let mut failures = Vec::new();

    // sekisho's own documents of the image: exactly the same findings.
    for (format, doc) in [
        ("cyclonedx", sekisho_sbom::cyclonedx::render(&image)),
        ("spdx", sekisho_sbom::spdx::render(&image)),
    ] {
        let back = scan_sbom(doc.as_bytes(), &format!("{syft}.{format}.json"));
        failures.extend(compare(&format!("{syft} ({format})"), &image, &back, &[]));
    }

    // Syft's SBOM of the image.
    let path = format!("{IMAGES}/peers/syft/{syft}.json");
    let bytes = std::fs::read(&path).unwrap();
    let sbom = scan_sbom(&bytes, &format!("{syft}.json"));
    eprintln!(
        "{syft}: image {} findings over {} packages, Syft SBOM {} findings over {} packages",
        rows(&image).len(),
        image.packages.len(),
        rows(&sbom).len(),
        sbom.packages.len()
    );
    failures.extend(compare(&format!("{syft} (syft)"), &image, &sbom, explained));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn debian_mini() {
    check("built/debian-mini.docker.tar.gz", "debian-mini", &[]);
}

#[test]
fn bad_practices() {
    check("built/bad-practices.docker.tar.gz", "bad-practices", &[]);
}

#[test]
fn alpine_310() {
    check("trivy/alpine-310.tar.gz", "alpine-310", &[]);
}

#[test]
fn debian_app() {
    check(
        "built/debian-app.oci",
        "debian-app",
        &[
            // /src/goapp/go.mod (gorilla/mux 1.8.0 has no finding).
            Explained {
                package: "github.com/sirupsen/logrus",
                version: Some("1.8.1"),
                why: LOCKFILE_ONLY,
            },
            Explained {
                package: "golang.org/x/sys",
                version: Some("0.0.0-20191026070338-33540a1f6037"),
                why: LOCKFILE_ONLY,
            },
            // /srv/rb/Gemfile.lock; the installed gemspec rack 2.2.22 is in both.
            Explained {
                package: "rack",
                version: Some("2.2.3"),
                why: LOCKFILE_ONLY,
            },
            Explained {
                package: "sinatra",
                version: Some("2.1.0"),
                why: LOCKFILE_ONLY,
            },
        ],
    );
}

/// With every Syft cataloger on (lockfiles read too), the debian-app SBOM gives exactly the
/// image's findings: the npm packages Syft lists twice (package.json and package-lock.json)
/// are the same (package, version, ID) rows, gosu's `(devel)` is not matchable on either side.
#[test]
fn debian_app_all_catalogers() {
    check("built/debian-app.oci", "debian-app.all-catalogers", &[]);
}
