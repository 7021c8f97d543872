//! Builds one database from every shared feed archive (`shared/data/advisories/*.tar.gz`) and
//! checks the README's "Test-image packages and what covers them" records.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use sekisho_advisory::{build, ConstraintSyntax, Database, Error, Event, Hit, Range, Status};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/advisories"
);

fn archives() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(DATA)
        .expect("shared advisory data")
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".tar.gz"))
        .collect();
    v.sort();
    v
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sekisho-advisory-test-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn db_path() -> &'static Path {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let out = scratch("all.db");
        let sources = archives();
        assert_eq!(sources.len(), 14, "the 14 shared feed archives");
        let t = Instant::now();
        let summary = build(&out, &sources, "2026-12-05T00:00:00Z").expect("build");
        let elapsed = t.elapsed();
        for w in &summary.warnings {
            eprintln!("warning: {w}");
        }
        let size = fs::metadata(&out).unwrap().len();
        eprintln!(
            "built {} sources in {elapsed:?}, {size} bytes",
            summary.sources.len()
        );
        for s in &summary.sources {
            eprintln!(
                "  {:20} {:28} files {:5} records {:5} affected {:6} unrecognised {}",
                s.row.name, s.row.format, s.files, s.row.records, s.row.affected, s.unrecognised
            );
        }
        out
    })
}

fn db() -> Database {
    Database::open(db_path()).expect("open")
}

fn find<'a>(hits: &'a [Hit], id: &str) -> Vec<&'a Hit> {
    hits.iter().filter(|h| h.id == id).collect()
}

fn one<'a>(hits: &'a [Hit], id: &str) -> &'a Hit {
    let f = find(hits, id);
    assert_eq!(f.len(), 1, "{id}: {f:#?}");
    f[0]
}

fn ev(events: &[(&str, &str)]) -> Vec<Event> {
    events
        .iter()
        .map(|(k, v)| match *k {
            "i" => Event::Introduced(v.to_string()),
            "f" => Event::Fixed(v.to_string()),
            "l" => Event::LastAffected(v.to_string()),
            _ => Event::Limit(v.to_string()),
        })
        .collect()
}

#[test]
fn every_source_is_recognised() {
    let info = db().info().unwrap();
    let formats: Vec<(&str, &str)> = info
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.format.as_str()))
        .collect();
    for (name, format) in [
        ("alpine-secdb", "secdb"),
        ("alpine-vuln-list", "secdb"),
        ("debian-osv", "osv"),
        ("debian-tracker", "debian-tracker"),
        ("friendsofphp", "friendsofphp"),
        ("ghsa", "osv"),
        ("golang-vulndb", "osv"),
        ("nodejs-security-wg", "nodejs-security-wg"),
        ("pypa-advisory-db", "osv"),
        ("redhat-csaf", "csaf,redhat-security-api"),
        ("rubysec", "rubysec"),
        ("rustsec", "rustsec"),
        ("ubuntu-osv", "osv"),
        ("wolfi-secdb", "secdb"),
    ] {
        assert!(
            formats.contains(&(name, format)),
            "{name} as {format}: {formats:?}"
        );
    }
    let count = |n: &str| info.sources.iter().find(|s| s.name == n).unwrap().records;
    assert_eq!(count("ghsa"), 57);
    assert_eq!(count("rustsec"), 1205);
    assert_eq!(count("pypa-advisory-db"), 529);
    assert_eq!(count("golang-vulndb"), 270);
    // 467 numbered records; `index.json` (all of them in one object) is not read twice.
    assert_eq!(count("nodejs-security-wg"), 467);
    assert_eq!(count("rubysec"), 1234);
    assert_eq!(count("friendsofphp"), 175);
    assert_eq!(count("debian-osv"), 19);
    assert!(info.sources.iter().all(|s| s.digest.len() == 64));
    assert_eq!(info.built, "2026-12-05T00:00:00Z");
}

#[test]
fn lodash() {
    let hits = db().lookup("npm", "", "lodash").unwrap();
    let h = one(&hits, "GHSA-p6mc-m468-83gw");
    assert_eq!(h.affected.status, Status::Fixed);
    assert_eq!(h.affected.fixed.as_deref(), Some("4.17.20"));
    assert!(h.aliases.iter().any(|a| a.starts_with("CVE-")));
    assert_eq!(h.severity[0].source, "ghsa");
    assert!(h.severity[0].label.is_some());
    for (id, fixed) in [
        ("GHSA-35jh-r3h4-6jhm", "4.17.21"),
        ("GHSA-29mw-wpgm-hmr9", "4.17.21"),
        ("GHSA-jf85-cpcp-j695", "4.17.12"),
    ] {
        let h = find(&hits, id);
        assert!(
            h.iter().any(|h| h.affected.fixed.as_deref() == Some(fixed)),
            "{id}"
        );
    }
    let wg = one(&hits, "NSWG-ECO-516");
    assert_eq!(
        wg.affected.ranges,
        vec![Range::Constraint {
            syntax: ConstraintSyntax::Npm,
            vulnerable: vec![">=4.17.15 <4.17.19".into()],
            patched: vec![">=4.17.19".into()],
            unaffected: vec![],
        }]
    );
    assert_eq!(find(&hits, "NSWG-ECO-368").len(), 1);
    // lodash.trim: `last_affected` and no fix.
    let trim = db().lookup("npm", "", "lodash.trim").unwrap();
    let t = one(&trim, "GHSA-29mw-wpgm-hmr9");
    assert_eq!(t.affected.status, Status::AffectedNoFix);
    assert_eq!(
        t.affected.ranges[0].events(),
        ev(&[("i", "0"), ("l", "4.5.1")])
    );
    // The display blob: what reports show (summary, references, dates); the long details
    // are not stored.
    let d = db().display(h.advisory_row).unwrap();
    assert!(
        d.summary.is_some()
            && d.details.is_none()
            && !d.references.is_empty()
            && d.published.is_some()
    );
}

#[test]
fn npm_express_stack() {
    let db = db();
    let qs = db.lookup("npm", "", "qs").unwrap();
    assert_eq!(
        find(&qs, "GHSA-hrpp-h998-j3pp").len(),
        9,
        "one row per affected entry"
    );
    let p = db.lookup("npm", "", "path-to-regexp").unwrap();
    assert_eq!(find(&p, "GHSA-9wv6-86v2-598j").len(), 5);
    let m = db.lookup("npm", "", "minimist").unwrap();
    assert!(!find(&m, "GHSA-vh95-rmgr-6w4m").is_empty());
    for (name, id, fixed) in [
        ("express", "GHSA-rv95-896h-c2vc", "4.19.2"),
        ("body-parser", "GHSA-qwcr-r2fm-qrc7", "1.20.3"),
        ("send", "GHSA-m6fv-jmcg-4jfg", "0.19.0"),
        ("serve-static", "GHSA-cm22-4g7w-348p", "1.16.0"),
        ("cookie", "GHSA-pxg6-pf52-xh8x", "0.7.0"),
    ] {
        let hits = db.lookup("npm", "", name).unwrap();
        assert!(
            find(&hits, id)
                .iter()
                .any(|h| h.affected.fixed.as_deref() == Some(fixed)),
            "{name} {id}"
        );
    }
}

#[test]
fn pypi_names_are_normalised() {
    let db = db();
    for spelling in ["PyYAML", "pyyaml", "PyYaml", "PYYAML"] {
        let hits = db.lookup("pypi", "", spelling).unwrap();
        assert_eq!(
            one(&hits, "GHSA-8q59-q68h-6hv4").affected.fixed.as_deref(),
            Some("5.4"),
            "{spelling}"
        );
        assert_eq!(one(&hits, "PYSEC-2021-142").affected.name, "pyyaml");
    }
    let jinja = db.lookup("pypi", "", "Jinja2").unwrap();
    assert_eq!(
        one(&jinja, "GHSA-g3rq-g295-4j3m").affected.fixed.as_deref(),
        Some("2.11.3")
    );
    assert!(!find(&jinja, "PYSEC-2021-66").is_empty());
    let requests = db.lookup("pypi", "", "requests").unwrap();
    assert!(!find(&requests, "PYSEC-2023-74").is_empty());
    assert!(!find(&requests, "GHSA-j8r2-6x86-q33q").is_empty());
    let urllib3 = db.lookup("pypi", "", "urllib3").unwrap();
    for id in [
        "GHSA-q2q7-5pp4-w6pg",
        "PYSEC-2021-108",
        "PYSEC-2023-192",
        "PYSEC-2023-212",
    ] {
        assert!(!find(&urllib3, id).is_empty(), "{id}");
    }
    // PyPA YAML: quoted `"1.10"` stays a string, GIT ranges are dropped.
    let p = one(&urllib3, "PYSEC-2023-192");
    assert!(p.affected.versions.iter().any(|v| v == "1.10"));
    assert!(p
        .affected
        .ranges
        .iter()
        .all(|r| matches!(r, Range::Ecosystem { .. })));
    let idna = db.lookup("pypi", "", "idna").unwrap();
    assert_eq!(
        one(&idna, "GHSA-jjg7-2v4v-x38h").affected.fixed.as_deref(),
        Some("3.7")
    );
}

#[test]
fn sinatra_and_rack() {
    let db = db();
    let hits = db.lookup("gem", "", "sinatra").unwrap();
    assert_eq!(
        find(&hits, "GHSA-2x8x-jmrp-phxw").len(),
        2,
        "two affected entries"
    );
    assert_eq!(
        one(&hits, "GHSA-qp49-3pvw-x4m5").affected.fixed.as_deref(),
        Some("2.2.0")
    );
    let rs = one(&hits, "CVE-2022-45442");
    assert!(rs.aliases.contains(&"GHSA-2x8x-jmrp-phxw".to_string()));
    assert!(matches!(
        &rs.affected.ranges[0],
        Range::Constraint {
            syntax: ConstraintSyntax::Gem,
            ..
        }
    ));
    let rack = db.lookup("gem", "", "rack").unwrap();
    assert_eq!(rack.iter().filter(|h| h.source == "rubysec").count(), 50);
    for id in [
        "GHSA-54rr-7fvw-6x8f",
        "GHSA-22f2-v57c-j9cx",
        "GHSA-xj5v-6v4g-jfw6",
        "GHSA-c6qg-cjj8-47qp",
        "GHSA-hxqx-xwvh-44m2",
    ] {
        assert!(!find(&rack, id).is_empty(), "{id}");
    }
}

#[test]
fn debian_osv() {
    let db = db();
    let zlib = db.lookup("deb", "debian:12", "zlib").unwrap();
    let open = one(&zlib, "DEBIAN-CVE-2023-45853");
    assert_eq!(open.affected.status, Status::AffectedNoFix);
    assert_eq!(open.affected.ranges[0].events(), ev(&[("i", "0")]));
    assert!(open.aliases.contains(&"CVE-2023-45853".to_string()));
    let fixed = one(&zlib, "DEBIAN-CVE-2022-37434");
    assert_eq!(fixed.affected.status, Status::Fixed);
    for (pkg, id) in [
        ("coreutils", "DEBIAN-CVE-2016-2781"),
        ("ncurses", "DEBIAN-CVE-2023-50495"),
        ("commons-io", "DEBIAN-CVE-2024-47554"),
    ] {
        let hits = db.lookup("deb", "debian:12", pkg).unwrap();
        assert_eq!(
            one(&hits, id).affected.status,
            Status::AffectedNoFix,
            "{pkg}"
        );
    }
    let tar = db.lookup("deb", "debian:12", "tar").unwrap();
    let t = one(&tar, "DEBIAN-CVE-2005-2541");
    assert_eq!(t.affected.status, Status::AffectedNoFix);
    assert_eq!(t.affected.severity.as_deref(), Some("unimportant"));
    assert_eq!(
        one(&tar, "DEBIAN-CVE-2023-39804").affected.status,
        Status::Fixed
    );
    let glibc = db.lookup("deb", "debian:12", "glibc").unwrap();
    for id in [
        "DEBIAN-CVE-2023-4911",
        "DEBIAN-CVE-2024-2961",
        "DEBIAN-CVE-2025-4802",
        "DSA-5514-1",
    ] {
        assert_eq!(one(&glibc, id).affected.status, Status::Fixed, "{id}");
    }
    // gcc-12 in Debian 12: `not yet assigned`, unlike the other entries.
    let gcc = db.lookup("deb", "debian:12", "gcc-12").unwrap();
    assert_eq!(
        one(&gcc, "DEBIAN-CVE-2023-4039")
            .affected
            .severity
            .as_deref(),
        Some("not yet assigned")
    );
    // Bookworm never had the xz backdoor: no Debian 12 row at all.
    let xz = db.lookup("deb", "debian:12", "xz-utils").unwrap();
    assert!(find(&xz, "DEBIAN-CVE-2024-3094").is_empty());
    assert!(!find(
        &db.lookup("deb", "debian:13", "xz-utils").unwrap(),
        "DEBIAN-CVE-2024-3094"
    )
    .is_empty());
}

#[test]
fn debian_tracker_and_ubuntu() {
    let db = db();
    let chromium = db.lookup("deb", "debian:12", "chromium").unwrap();
    let c = one(&chromium, "CVE-2022-0456");
    assert_eq!(c.source, "debian-tracker");
    assert_eq!(c.affected.fixed.as_deref(), Some("98.0.4758.80-1"));
    let b = db.lookup("deb", "debian:11", "chromium").unwrap();
    assert_eq!(
        one(&b, "CVE-2022-0456").affected.fixed.as_deref(),
        Some("98.0.4758.80-1~deb11u1")
    );
    let glibc = db.lookup("deb", "ubuntu:22.04", "glibc").unwrap();
    let u = one(&glibc, "UBUNTU-CVE-2023-4911");
    assert_eq!(u.affected.fixed.as_deref(), Some("2.35-0ubuntu3.4"));
    assert_eq!(u.affected.severity.as_deref(), Some("high"));
}

#[test]
fn alpine_and_wolfi() {
    let db = db();
    let musl10 = db.lookup("apk", "alpine:3.10", "musl").unwrap();
    assert!(find(&musl10, "CVE-2020-28928")
        .iter()
        .any(|h| h.affected.fixed.as_deref() == Some("1.1.22-r4")));
    let musl11 = db.lookup("apk", "alpine:3.11", "musl").unwrap();
    assert!(find(&musl11, "CVE-2020-28928")
        .iter()
        .any(|h| h.affected.fixed.as_deref() == Some("1.1.24-r3")));
    // Keyed by origin: libssl1.1 and libcrypto1.1 come from `openssl`.
    assert!(!db
        .lookup("apk", "alpine:3.11", "openssl")
        .unwrap()
        .is_empty());
    assert!(db
        .lookup("apk", "alpine:3.11", "libssl1.1")
        .unwrap()
        .is_empty());
    let busybox = db.lookup("apk", "alpine:3.11", "busybox").unwrap();
    let never = find(&busybox, "CVE-2021-42373");
    assert!(
        !never.is_empty()
            && never
                .iter()
                .all(|h| h.affected.status == Status::NotAffected)
    );
    assert_eq!(
        one(
            &db.lookup("apk", "alpine:3.11", "zlib").unwrap(),
            "CVE-2022-37434"
        )
        .affected
        .fixed
        .as_deref(),
        Some("1.2.11-r4")
    );
    let wolfi = db.lookup("apk", "wolfi", "coreutils").unwrap();
    assert_eq!(
        one(&wolfi, "CVE-2016-2781").affected.status,
        Status::NotAffected
    );
    let binutils = db.lookup("apk", "wolfi", "binutils").unwrap();
    assert_eq!(
        one(&binutils, "CVE-2022-38533").affected.fixed.as_deref(),
        Some("2.39-r2")
    );
}

#[test]
fn go_and_rust() {
    let db = db();
    let w = db.lookup("golang", "", "stdlib").unwrap();
    assert!(w.len() >= 167);
    let mut found = false;
    for name in [
        "stdlib",
        "toolchain",
        "golang.org/x/net",
        "golang.org/x/crypto",
        "github.com/opencontainers/runc",
    ] {
        for h in db.lookup("golang", "", name).unwrap() {
            if h.id == "GO-2025-3543" {
                assert!(h.withdrawn.is_some());
                found = true;
            }
        }
    }
    assert!(found, "GO-2025-3543 is stored and marked withdrawn");
    let logrus = db
        .lookup("golang", "", "github.com/sirupsen/logrus")
        .unwrap();
    let l = one(&logrus, "GO-2025-4188");
    assert_eq!(
        l.affected.ranges,
        vec![Range::Semver {
            events: ev(&[
                ("i", "0"),
                ("f", "1.8.3"),
                ("i", "1.9.0"),
                ("f", "1.9.1"),
                ("i", "1.9.2"),
                ("f", "1.9.3")
            ])
        }]
    );
    assert!(
        db.lookup("golang", "", "github.com/gorilla/mux")
            .unwrap()
            .is_empty(),
        "no substring match"
    );
    let runc = db
        .lookup("golang", "", "github.com/opencontainers/runc")
        .unwrap();
    assert!(!find(&runc, "GO-2024-2491").is_empty());
    let sys = db.lookup("golang", "", "golang.org/x/sys").unwrap();
    assert!(
        !find(&sys, "GHSA-p782-xgp4-8hr8").is_empty() && !find(&sys, "GO-2022-0493").is_empty()
    );

    let smallvec = db.lookup("cargo", "", "smallvec").unwrap();
    let r = one(&smallvec, "RUSTSEC-2021-0003");
    assert_eq!(
        r.affected.ranges,
        vec![Range::Semver {
            events: ev(&[
                ("i", "0.6.3"),
                ("f", "0.6.14"),
                ("i", "1.0.0"),
                ("f", "1.6.1")
            ])
        }]
    );
    assert!(r.aliases.contains(&"GHSA-43w2-9j62-hq99".to_string()));
    assert!(!find(&smallvec, "GHSA-43w2-9j62-hq99").is_empty());
    let base64 = db.lookup("cargo", "", "base64").unwrap();
    assert_eq!(
        one(&base64, "RUSTSEC-2017-0004").affected.fixed.as_deref(),
        Some("0.5.2")
    );
}

#[test]
fn composer_and_maven() {
    let db = db();
    let guzzle = db.lookup("composer", "", "guzzlehttp/guzzle").unwrap();
    assert!(guzzle.iter().any(|h| h.source == "friendsofphp"));
    assert!(!find(&guzzle, "GHSA-q559-8m2m-g699").is_empty());
    assert!(guzzle
        .iter()
        .filter(|h| h.source == "friendsofphp")
        .all(|h| matches!(&h.affected.ranges[0], Range::Constraint { syntax: ConstraintSyntax::Composer, vulnerable, .. } if !vulnerable.is_empty())));
    let laravel = db.lookup("composer", "", "Laravel/Framework").unwrap();
    let l = one(&laravel, "CVE-2017-9303");
    assert!(
        matches!(&l.affected.ranges[0], Range::Constraint { vulnerable, .. } if vulnerable.contains(&">=5.4.0, <5.4.22".to_string()))
    );
    let log4j = db
        .lookup("maven", "", "org.apache.logging.log4j:log4j-core")
        .unwrap();
    assert!(!log4j.is_empty());
}

#[test]
fn redhat_csaf() {
    let db = db();
    let rhel7 = db.lookup("rpm", "redhat:7", "coreutils").unwrap();
    let h = one(&rhel7, "CVE-2016-2781");
    assert_eq!(h.affected.status, Status::WillNotFix);
    assert_eq!(h.affected.severity.as_deref(), Some("Moderate"));
    let rhel5 = db.lookup("rpm", "redhat:5", "coreutils").unwrap();
    assert_eq!(
        one(&rhel5, "CVE-2016-2781").affected.status,
        Status::NotAffected
    );
    let py = db.lookup("rpm", "redhat:9", "python3.9").unwrap();
    let p = find(&py, "RHSA-2024:6163");
    assert!(!p.is_empty());
    assert!(p.iter().all(|h| h.affected.status == Status::Fixed));
    assert!(p
        .iter()
        .any(|h| h.affected.fixed.as_deref() == Some("0:3.9.18-3.el9_4.5")));
    assert!(p[0].aliases.contains(&"CVE-2024-8088".to_string()));
    // The products' CPEs: one entry for the three RHEL 9 products with the same fix.
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(
        p[0].affected.cpes,
        [
            "cpe:/a:redhat:enterprise_linux:9::appstream",
            "cpe:/a:redhat:enterprise_linux:9::crb",
            "cpe:/o:redhat:enterprise_linux:9::baseos"
        ]
    );
    assert_eq!(h.affected.cpes, ["cpe:/o:redhat:enterprise_linux:7"]);
    // The Security Data API document for the same CVE: both RHEL 9 fixes (EUS and main).
    let api = find(&py, "CVE-2024-8088");
    let fixes: Vec<_> = api
        .iter()
        .filter_map(|h| h.affected.fixed.as_deref())
        .collect();
    assert!(
        fixes.contains(&"0:3.9.18-3.el9_4.5") && fixes.contains(&"0:3.9.19-8.el9"),
        "{fixes:?}"
    );
    let bind = db.lookup("rpm", "redhat:7", "bind").unwrap();
    let b = find(&bind, "CVE-2021-25220");
    assert!(
        b.iter()
            .any(|h| h.affected.fixed.as_deref() == Some("32:9.11.4-26.P2.el7_9.13")),
        "{b:#?}"
    );
}

#[test]
fn directory_source_gives_the_same_records() {
    let dir = scratch("unpacked");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let archive = Path::new(DATA).join("rustsec.tar.gz");
    let gz = flate2::read::GzDecoder::new(fs::File::open(&archive).unwrap());
    tar::Archive::new(gz).unpack(&dir).unwrap();
    let out = scratch("dir.db");
    let s = build(&out, &[dir.join("rustsec")], "t").unwrap();
    assert_eq!(s.sources[0].row.records, 1205);
    assert_eq!(s.sources[0].row.name, "rustsec");
    let db = Database::open(&out).unwrap();
    let a = db.lookup("cargo", "", "smallvec").unwrap();
    let b = Database::open(db_path())
        .unwrap()
        .lookup("cargo", "", "smallvec")
        .unwrap();
    let key = |h: &Hit| (h.id.clone(), h.affected.clone());
    assert_eq!(
        a.iter().map(key).collect::<Vec<_>>(),
        b.iter()
            .filter(|h| h.source == "rustsec")
            .map(key)
            .collect::<Vec<_>>()
    );
}

#[test]
fn unknown_layout_is_an_error_naming_the_source() {
    let dir = scratch("nolayout");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("README.md"), "# hello\n").unwrap();
    fs::write(dir.join("data.json"), r#"{"something": ["else"]}"#).unwrap();
    let out = scratch("nolayout.db");
    let err = build(&out, std::slice::from_ref(&dir), "t").unwrap_err();
    assert!(matches!(err, Error::NoLayout { .. }), "{err}");
    assert!(err.to_string().contains("nolayout"), "{err}");
    assert!(!out.exists(), "no database written");
    // A failed build never touches an existing database.
    fs::write(&out, b"previous database").unwrap();
    assert!(build(&out, std::slice::from_ref(&dir), "t").is_err());
    assert_eq!(fs::read(&out).unwrap(), b"previous database");
    let parent = out.parent().unwrap();
    assert!(fs::read_dir(parent).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with("nolayout.db.tmp-")));
}

#[test]
fn damaged_databases_are_clear_errors() {
    let good = fs::read(db_path()).unwrap();
    let path = scratch("damaged.db");
    let hint = |e: &Error| assert!(e.to_string().contains("sekisho db update"), "{e}");

    let e = Database::open(&scratch("missing.db")).err().unwrap();
    assert!(matches!(e, Error::Missing { .. }));
    hint(&e);

    for cut in [0, 50, 100, 4096, good.len() / 2, good.len() - 1] {
        fs::write(&path, &good[..cut]).unwrap();
        let e = Database::open(&path)
            .err()
            .unwrap_or_else(|| panic!("truncated to {cut} opened"));
        assert!(matches!(e, Error::Corrupt { .. }), "{cut}: {e}");
        hint(&e);
    }
    fs::write(&path, vec![0x5a; 8192]).unwrap();
    let e = Database::open(&path).err().unwrap();
    assert!(matches!(e, Error::Corrupt { .. }));

    // Garbage over the pages after the header: opening may work, a query must not panic.
    for start in [4096, good.len() / 3, good.len() - 8192] {
        let mut bad = good.clone();
        for (i, b) in bad[start..start + 8192].iter_mut().enumerate() {
            *b = (i * 7 + 13) as u8;
        }
        fs::write(&path, &bad).unwrap();
        if let Ok(db) = Database::open(&path) {
            for (e, d, n) in [
                ("npm", "", "lodash"),
                ("deb", "debian:12", "zlib"),
                ("gem", "", "rack"),
                ("cargo", "", "zz"),
            ] {
                match db.lookup(e, d, n) {
                    Ok(_) => {}
                    Err(err) => hint(&err),
                }
            }
            let _ = db.info();
        }
    }

    // A valid SQLite file of another schema.
    let other = scratch("other.db");
    let _ = fs::remove_file(&other);
    let c = rusqlite::Connection::open(&other).unwrap();
    c.execute_batch("CREATE TABLE t (x); CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema_version', '999');").unwrap();
    drop(c);
    let e = Database::open(&other).err().unwrap();
    assert!(matches!(e, Error::Schema { found: 999, .. }), "{e}");
    hint(&e);
}

#[test]
fn osv_all_zip() {
    // OSV.dev's `<ecosystem>/all.zip` layout: flat `<ID>.json` members.
    let path = scratch("all.zip");
    let gz =
        flate2::read::GzDecoder::new(fs::File::open(Path::new(DATA).join("ghsa.tar.gz")).unwrap());
    let mut zip = zip::ZipWriter::new(fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut n = 0;
    for entry in tar::Archive::new(gz).entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") {
            continue;
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        zip.start_file(name.rsplit('/').next().unwrap(), opts)
            .unwrap();
        std::io::Write::write_all(&mut zip, &bytes).unwrap();
        n += 1;
    }
    zip.finish().unwrap();
    assert_eq!(n, 57);
    let out = scratch("zip.db");
    let s = build(&out, std::slice::from_ref(&path), "t").unwrap();
    assert_eq!(s.sources[0].row.name, "all");
    assert_eq!(s.sources[0].row.records, 57);
    let hits = Database::open(&out)
        .unwrap()
        .lookup("npm", "", "lodash")
        .unwrap();
    assert_eq!(
        one(&hits, "GHSA-p6mc-m468-83gw").affected.fixed.as_deref(),
        Some("4.17.20")
    );
}

#[test]
fn same_input_same_database() {
    let sources: Vec<PathBuf> = [
        "ghsa.tar.gz",
        "rustsec.tar.gz",
        "alpine-secdb.tar.gz",
        "debian-tracker.tar.gz",
    ]
    .iter()
    .map(|n| Path::new(DATA).join(n))
    .collect();
    let a = scratch("same-a.db");
    let b = scratch("same-b.db");
    build(&a, &sources, "t").unwrap();
    build(&b, &sources, "t").unwrap();
    assert!(
        fs::read(&a).unwrap() == fs::read(&b).unwrap(),
        "byte-identical databases"
    );
}

#[test]
fn malformed_records_are_skipped_with_warnings() {
    let dir = scratch("malformed");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("a")).unwrap();
    let good = r#"{"id": "GHSA-good", "modified": "2024-01-01T00:00:00Z", "affected": [
        {"package": {"ecosystem": "npm", "name": "left-pad"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.0"}]}]},
        {"package": {"ecosystem": "npm"}, "ranges": []}]}"#;
    fs::write(dir.join("a/GHSA-good.json"), good).unwrap();
    fs::write(dir.join("a/GHSA-truncated.json"), &good[..40]).unwrap();
    fs::write(
        dir.join("a/GHSA-wrong.json"),
        r#"{"id": "GHSA-wrong", "affected": "everything", "modified": "x"}"#,
    )
    .unwrap();
    fs::write(
        dir.join("a/PYSEC-bad.yaml"),
        "id: PYSEC-bad\nmodified: x\naffected: [[[\n",
    )
    .unwrap();
    fs::write(
        dir.join("a/RUSTSEC-bad.md"),
        "```toml\n[advisory]\nid = 3\n```\n",
    )
    .unwrap();
    let out = scratch("malformed.db");
    let s = build(&out, std::slice::from_ref(&dir), "t").unwrap();
    assert_eq!(s.sources[0].row.records, 1);
    let text: Vec<String> = s.warnings.iter().map(|w| w.to_string()).collect();
    for needle in [
        "GHSA-good.json: GHSA-good",
        "GHSA-truncated.json",
        "GHSA-wrong.json",
        "PYSEC-bad.yaml",
        "RUSTSEC-bad.md",
    ] {
        assert!(
            text.iter().any(|t| t.contains(needle)),
            "{needle}: {text:#?}"
        );
    }
    let hits = Database::open(&out)
        .unwrap()
        .lookup("npm", "", "left-pad")
        .unwrap();
    assert_eq!(hits.len(), 1);
}

#[test]
fn truncated_and_corrupted_feed_files_never_panic() {
    use sekisho_advisory::feeds::{parse_file, Ctx};
    let mut parsed = 0;
    for archive in archives() {
        let gz = flate2::read::GzDecoder::new(fs::File::open(&archive).unwrap());
        for (i, entry) in tar::Archive::new(gz).entries().unwrap().enumerate() {
            let mut entry = entry.unwrap();
            if !entry.header().entry_type().is_file() || i % 7 != 0 {
                continue;
            }
            let name = entry.path().unwrap().to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
            let n = bytes.len();
            let mut variants = vec![
                bytes[..n / 2].to_vec(),
                bytes[..n.saturating_sub(3)].to_vec(),
            ];
            let mut flipped = bytes.clone();
            for j in (0..n).step_by(97) {
                flipped[j] = b"{}[]:\"-,\n0 "[j % 11];
            }
            variants.push(flipped);
            for v in variants {
                let mut warnings = Vec::new();
                let mut ctx = Ctx {
                    source: "fuzz",
                    file: &name,
                    warnings: &mut warnings,
                };
                let _ = parse_file(&mut ctx, &v);
                parsed += 1;
            }
        }
    }
    assert!(parsed > 1000);
}
