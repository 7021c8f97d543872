//! Vulnerability matching on the shared images against a database built from every shared
//! feed: each expected row of `../shared/data/advisories/README.md` ("Test-image packages and
//! what covers them", the Alpine and Debian sections) holds — the positives reported for their
//! package, the negatives (fixed versions, boundary cases, substring names, never-affected and
//! not-for-this-release records) silent, the two copies of `rack` answered separately.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use common::IMAGES;
use sekisho_audit::AuditOptions;
use sekisho_model::{Finding, FindingKind, Report};

/// The database built from all shared feed archives, once per test process.
fn db() -> &'static PathBuf {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sekisho-vuln-test-{}", std::process::id()));
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

fn scan(rel: &str) -> Report {
    let path = format!("{IMAGES}/{rel}");
    let opts = AuditOptions {
        config: false,
        secret: false,
        ..AuditOptions::default()
    };
    let mut request = common::request(&path, &opts);
    request.scanners.vuln = true;
    request.db = Some(db().clone());
    sekisho_scan::scan(&request).unwrap()
}

/// Every ID (the finding's and its aliases) reported, per (package, path).
fn ids_by_package(report: &Report) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for f in report
        .findings()
        .iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
    {
        let v = f.vulnerability.as_ref().unwrap();
        let set = out
            .entry((v.package.clone(), f.path.clone().unwrap_or_default()))
            .or_default();
        set.insert(f.id.clone());
        set.extend(v.aliases.iter().cloned());
    }
    out
}

/// The IDs reported for `package` at any path containing `path_part`.
fn ids_for(
    found: &BTreeMap<(String, String), BTreeSet<String>>,
    package: &str,
    path_part: &str,
) -> BTreeSet<String> {
    found
        .iter()
        .filter(|((p, path), _)| p == package && path.contains(path_part))
        .flat_map(|(_, ids)| ids.iter().cloned())
        .collect()
}

fn check(
    found: &BTreeMap<(String, String), BTreeSet<String>>,
    package: &str,
    path_part: &str,
    positives: &[&str],
    negatives: &[&str],
    failures: &mut Vec<String>,
) {
    let ids = ids_for(found, package, path_part);
    for id in positives {
        if !ids.contains(*id) {
            failures.push(format!(
                "{package} ({path_part}): {id} not reported; got {ids:?}"
            ));
        }
    }
    for id in negatives {
        if ids.contains(*id) {
            failures.push(format!(
                "{package} ({path_part}): {id} reported but does not apply"
            ));
        }
    }
}

#[test]
fn debian_app_language_packages() {
    let report = scan("built/debian-app.oci");
    let found = ids_by_package(&report);
    let mut failures = Vec::new();
    let cases: &[(&str, &str, &[&str], &[&str])] = &[
        (
            "lodash",
            "/srv/web/node_modules/lodash",
            &[
                "GHSA-p6mc-m468-83gw",
                "GHSA-35jh-r3h4-6jhm",
                "GHSA-29mw-wpgm-hmr9",
                "NSWG-ECO-516",
            ],
            &[
                "GHSA-jf85-cpcp-j695",
                "GHSA-4xc9-xhrj-v574",
                "GHSA-x5rq-j2xg-h7qm",
                "GHSA-fvqr-27wr-82fm",
                "NSWG-ECO-368",
                "NSWG-ECO-493",
            ],
        ),
        ("minimist", "/srv/web/", &["GHSA-vh95-rmgr-6w4m"], &[]),
        (
            "express",
            "/srv/web/",
            &["GHSA-rv95-896h-c2vc"],
            &["NSWG-ECO-8"],
        ),
        ("qs", "/srv/web/", &["GHSA-hrpp-h998-j3pp"], &[]),
        ("body-parser", "/srv/web/", &["GHSA-qwcr-r2fm-qrc7"], &[]),
        ("send", "/srv/web/", &["GHSA-m6fv-jmcg-4jfg"], &[]),
        ("serve-static", "/srv/web/", &["GHSA-cm22-4g7w-348p"], &[]),
        ("path-to-regexp", "/srv/web/", &["GHSA-9wv6-86v2-598j"], &[]),
        ("cookie", "/srv/web/", &["GHSA-pxg6-pf52-xh8x"], &[]),
        (
            "requests",
            "/opt/venv/",
            &[
                "GHSA-j8r2-6x86-q33q",
                "GHSA-9wx4-h78v-vm56",
                "PYSEC-2023-74",
            ],
            &["GHSA-x84v-xcm2-53pg"],
        ),
        (
            "urllib3",
            "/opt/venv/",
            &[
                "GHSA-q2q7-5pp4-w6pg",
                "GHSA-v845-jxx5-vc9f",
                "GHSA-g4mx-q9vg-27p4",
                "GHSA-34jh-p97f-mpxf",
                "PYSEC-2021-108",
                "PYSEC-2023-192",
                "PYSEC-2023-212",
            ],
            &[],
        ),
        (
            "Jinja2",
            "/opt/venv/",
            &[
                "GHSA-g3rq-g295-4j3m",
                "GHSA-h5c8-rqwp-cp95",
                "PYSEC-2021-66",
            ],
            &["GHSA-462w-v97r-4m45"],
        ),
        (
            "PyYAML",
            "/opt/venv/",
            &["GHSA-8q59-q68h-6hv4", "PYSEC-2021-142"],
            &[],
        ),
        ("idna", "/opt/venv/", &["GHSA-jjg7-2v4v-x38h"], &[]),
        (
            "smallvec",
            "/usr/local/bin/rustapp",
            &["GHSA-43w2-9j62-hq99", "RUSTSEC-2021-0003"],
            &[
                "GHSA-mm7v-vpv8-xfc3",
                "GHSA-69gw-hgj3-45m7",
                "GHSA-rxr4-x558-x7hw",
            ],
        ),
        (
            "smallvec",
            "/src/rustapp/Cargo.lock",
            &["GHSA-43w2-9j62-hq99", "RUSTSEC-2021-0003"],
            &[],
        ),
        (
            "base64",
            "/",
            &[],
            &["GHSA-x67x-vg9m-65c3", "RUSTSEC-2017-0004"],
        ),
        (
            "golang.org/x/sys",
            "/src/goapp/go.mod",
            &["GHSA-p782-xgp4-8hr8", "GO-2022-0493"],
            &[],
        ),
        (
            "github.com/sirupsen/logrus",
            "/src/goapp/go.mod",
            &["GO-2025-4188"],
            &[],
        ),
        ("github.com/gorilla/mux", "/", &[], &["GO-2023-2113"]),
        (
            "sinatra",
            "/srv/rb/Gemfile.lock",
            &["GHSA-qp49-3pvw-x4m5", "GHSA-2x8x-jmrp-phxw"],
            &[],
        ),
    ];
    for (package, path, pos, neg) in cases {
        check(&found, package, path, pos, neg, &mut failures);
    }
    // Go stdlib from the binary's toolchain version.
    if ids_for(&found, "stdlib", "/usr/sbin/gosu").is_empty() {
        failures.push("stdlib go1.19.8 of /usr/sbin/gosu: no Go vulndb record matched".into());
    }
    // gorilla/mux has no advisory at all: a substring match would be a false positive.
    if !ids_for(&found, "github.com/gorilla/mux", "/").is_empty() {
        failures.push("gorilla/mux: reported, but no record names the module".into());
    }
    // The two copies of rack are answered separately: 2.2.3 (Gemfile.lock) has every record
    // that 2.2.22 (the Debian gemspec) has, and more.
    let old = ids_for(&found, "rack", "/srv/rb/Gemfile.lock");
    let new = ids_for(&found, "rack", "rack-2.2.22.gemspec");
    for id in [
        "GHSA-54rr-7fvw-6x8f",
        "GHSA-22f2-v57c-j9cx",
        "GHSA-xj5v-6v4g-jfw6",
        "GHSA-c6qg-cjj8-47qp",
        "GHSA-hxqx-xwvh-44m2",
    ] {
        if !old.contains(id) {
            failures.push(format!("rack 2.2.3: {id} not reported"));
        }
    }
    if !(new.is_subset(&old) && new.len() < old.len()) {
        failures.push(format!(
            "rack: 2.2.22 should have fewer records than 2.2.3: {} vs {}",
            new.len(),
            old.len()
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Debian 12: the records the README lists as affecting, not affecting, and the boundary
/// cases where the image's version equals the fixed version.
#[test]
fn debian_packages_by_source_package() {
    let affected_everywhere: &[(&str, &str)] = &[
        ("coreutils", "DEBIAN-CVE-2016-2781"),
        ("tar", "DEBIAN-CVE-2005-2541"),
        ("zlib1g", "DEBIAN-CVE-2023-45853"),
    ];
    let never: &[&str] = &[
        "DEBIAN-CVE-2023-4911",
        "DEBIAN-CVE-2024-2961",
        "DEBIAN-CVE-2025-4802",
        "DSA-5514-1",
        "DEBIAN-CVE-2023-22809",
        "DEBIAN-CVE-2022-37434",
        "DEBIAN-CVE-2023-31484",
        "DEBIAN-CVE-2025-46727",
        "DEBIAN-CVE-2023-39804",
        "DEBIAN-CVE-2023-4039",
        "DEBIAN-CVE-2024-22365",
        "DEBIAN-CVE-2025-48924",
        "DEBIAN-CVE-2024-3094",
    ];
    let mut failures = Vec::new();
    for image in [
        "built/debian-mini.oci",
        "built/debian-app.oci",
        "built/bad-practices.docker.tar.gz",
    ] {
        let report = scan(image);
        let found = ids_by_package(&report);
        let all: BTreeSet<&String> = found.values().flatten().collect();
        for (package, id) in affected_everywhere {
            if !ids_for(&found, package, "/var/lib/dpkg/").contains(*id) {
                failures.push(format!("{image}: {package} should have {id}"));
            }
        }
        for id in never {
            if all.contains(&id.to_string()) {
                failures.push(format!("{image}: {id} reported but does not apply"));
            }
        }
        // Source package ncurses: libtinfo6, ncurses-base and the others built from it.
        if !ids_for(&found, "libtinfo6", "/var/lib/dpkg/").contains("DEBIAN-CVE-2023-50495") {
            failures.push(format!(
                "{image}: ncurses should have DEBIAN-CVE-2023-50495"
            ));
        }
        // Severity of OS findings is the distro's.
        for f in report.findings().iter().filter(|f| is_deb(f)) {
            let v = f.vulnerability.as_ref().unwrap();
            assert!(
                v.severity_source.is_empty()
                    || v.severity_source.starts_with("distro")
                    || v.severity_source.starts_with("cvss"),
                "{}: {}",
                f.id,
                v.severity_source
            );
        }
    }
    let app = ids_by_package(&scan("built/debian-app.oci"));
    if !ids_for(&app, "libcommons-io-java", "/var/lib/dpkg/").contains("DEBIAN-CVE-2024-47554") {
        failures.push("debian-app: libcommons-io-java should have DEBIAN-CVE-2024-47554".into());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn is_deb(f: &Finding) -> bool {
    f.vulnerability
        .as_ref()
        .is_some_and(|v| v.ecosystem == "deb")
}

/// One finding per (package, path, vulnerability): GHSA, PYSEC and CVE IDs of one problem are
/// merged, under the CVE.
#[test]
fn aliases_are_one_finding_under_the_cve() {
    let report = scan("built/debian-app.oci");
    let mut seen = BTreeSet::new();
    for f in report
        .findings()
        .iter()
        .filter(|f| f.kind == FindingKind::Vulnerability)
    {
        let v = f.vulnerability.as_ref().unwrap();
        assert!(
            seen.insert((v.package.clone(), f.path.clone(), f.id.clone())),
            "duplicate finding {} for {}",
            f.id,
            v.package
        );
        if v.aliases.iter().any(|a| a.starts_with("CVE-")) {
            panic!("{} has a CVE alias but is not reported under it", f.id);
        }
    }
    let pyyaml: Vec<&Finding> = report
        .findings()
        .iter()
        .filter(|f| {
            f.vulnerability
                .as_ref()
                .is_some_and(|v| v.package == "PyYAML")
        })
        .collect();
    let merged = pyyaml
        .iter()
        .find(|f| f.id == "CVE-2020-14343")
        .expect("PyYAML CVE-2020-14343");
    let aliases = &merged.vulnerability.as_ref().unwrap().aliases;
    assert!(
        aliases.contains(&"GHSA-8q59-q68h-6hv4".to_string()),
        "{aliases:?}"
    );
    assert!(
        aliases.contains(&"PYSEC-2021-142".to_string()),
        "{aliases:?}"
    );
}
