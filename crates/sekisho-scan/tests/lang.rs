//! Language packages against ground truth and Trivy: debian-app's 97 truth rows
//! (`../shared/data/images/groundtruth/debian-app.lang.tsv`) with the layer that added each, and
//! `sekisho fs` on Trivy's repository fixtures against Trivy's golden package lists.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::IMAGES;
use sekisho_audit::AuditOptions;
use sekisho_image::Source;
use sekisho_model::{Package, Report};
use sekisho_scan::Profile;

fn scan(request: sekisho_scan::ScanRequest) -> Report {
    sekisho_scan::scan(&request).unwrap()
}

fn pep503(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn row(p: &Package) -> (String, String, String, String) {
    let name = if p.kind.as_str() == "pypi" {
        pep503(&p.name)
    } else {
        p.name.clone()
    };
    (
        p.kind.as_str().to_string(),
        name,
        p.version.clone(),
        p.path.clone(),
    )
}

/// Every language package of debian-app is a truth row and every truth row is found, at the
/// same path; each is attributed to the layer the image's README says added it.
#[test]
fn debian_app_equals_ground_truth() {
    let path = format!("{IMAGES}/built/debian-app.oci");
    let report = scan(common::request(&path, &AuditOptions::default()));
    let ours: BTreeSet<_> = report
        .packages
        .iter()
        .filter(|p| !p.kind.is_os())
        .map(row)
        .collect();
    let truth_text =
        std::fs::read_to_string(format!("{IMAGES}/groundtruth/debian-app.lang.tsv")).unwrap();
    let truth: BTreeSet<_> = truth_text
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let name = if c[0] == "pypi" {
                pep503(c[1])
            } else {
                c[1].to_string()
            };
            (c[0].to_string(), name, c[2].to_string(), c[3].to_string())
        })
        .collect();
    assert_eq!(truth.len(), 97);
    let missing: Vec<_> = truth.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&truth).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}\nwarnings: {:#?}",
        report.warnings
    );
    // The layer table of the image's README.
    let layer_of = |path: &str| -> usize {
        let table = [
            ("/usr/share/java/", 2),
            ("/usr/sbin/gosu", 2),
            ("/opt/venv/", 3),
            ("/srv/web/", 4),
            ("/usr/local/bin/rustapp", 5),
            ("/src/rustapp/", 5),
            ("/srv/rb/", 6),
            ("/srv/php/composer.lock", 6),
            ("/src/goapp/", 6),
            ("/opt/app/", 7),
            ("/usr/share/rubygems-integration/", 8),
            ("/srv/legacy/", 9),
            ("/srv/php/vendor/", 9),
        ];
        table
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
            .unwrap_or_else(|| panic!("no layer known for {path}"))
            .1
    };
    for p in report.packages.iter().filter(|p| !p.kind.is_os()) {
        assert_eq!(p.layer.index, layer_of(&p.path), "{} {}", p.name, p.path);
        assert!(p.purl.starts_with(&format!("pkg:{}/", p.kind.as_str())));
    }
    // The gemspec and the jars in /usr/share/java were installed by dpkg: the same software as
    // the OS packages, marked with their owner.
    let owned: BTreeMap<&str, &str> = report
        .packages
        .iter()
        .filter_map(|p| Some((p.path.as_str(), p.owner.as_deref()?)))
        .collect();
    assert!(owned["/usr/share/java/slf4j-api.jar"].starts_with("pkg:deb/debian/libslf4j-java@"));
    assert!(
        owned["/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec"]
            .starts_with("pkg:deb/debian/ruby-rack@")
    );
    assert!(!owned.contains_key("/opt/venv/lib/python3.11/site-packages/idna-2.10.dist-info"));
}

/// Trivy's repository fixtures, unpacked once per test run.
fn trivy_repo() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sekisho-trivy-repo-{}", std::process::id()));
    if !dir.join("trivy-repo").exists() {
        let file = std::fs::File::open(format!("{IMAGES}/../lockfiles/trivy-repo.tar.gz")).unwrap();
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
        archive.unpack(&dir).unwrap();
    }
    dir.join("trivy-repo")
}

fn fs_report(dir: &Path) -> Report {
    let mut request = common::request("synthetic", &AuditOptions::default());
    request.source = Source::rootfs(&dir.display().to_string(), dir);
    request.profile = Profile::Project;
    scan(request)
}

/// `sekisho fs` gives Trivy's golden package list, target by target, for every shared case
/// whose golden lists all packages. Dev dependencies are reported and marked; Trivy drops them
/// unless `--include-dev-deps`, so they are compared only in the case that has it.
#[test]
fn fs_equals_trivy_goldens() {
    let root = trivy_repo();
    let cases: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("cases.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in cases.as_array().unwrap() {
        if case["listAllPkgs"] != true {
            continue;
        }
        let golden: serde_json::Value = serde_json::from_slice(
            &std::fs::read(root.join(case["golden"].as_str().unwrap())).unwrap(),
        )
        .unwrap();
        let Some(results) = golden["Results"].as_array() else {
            continue;
        };
        let with_dev = case["includeDevDeps"] == true;
        let input = root.join(case["input"].as_str().unwrap());
        // Deliberate difference: Trivy reads any file named `installed.json` as Composer's;
        // Composer only writes `vendor/composer/installed.json`, and other tools' files of that
        // name would be misread, so sekisho reads it there only. The fixture is moved there and
        // its target compared under Trivy's name.
        let (report, renamed) = if input.ends_with("composer-vendor") {
            let dir = std::env::temp_dir()
                .join(format!("sekisho-composer-vendor-{}", std::process::id()));
            std::fs::create_dir_all(dir.join("vendor/composer")).unwrap();
            std::fs::copy(
                input.join("installed.json"),
                dir.join("vendor/composer/installed.json"),
            )
            .unwrap();
            let report = fs_report(&dir);
            std::fs::remove_dir_all(&dir).unwrap();
            (
                report,
                Some(("vendor/composer/installed.json", "installed.json")),
            )
        } else {
            (fs_report(&input), None)
        };
        let mut ours: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
        for p in report.packages.iter().filter(|p| with_dev || !p.dev) {
            let target = match renamed {
                Some((ours, theirs)) if p.path == ours => theirs.to_string(),
                _ => p.path.clone(),
            };
            ours.entry(target)
                .or_default()
                .insert((p.name.clone(), p.version.clone()));
        }
        let mut theirs: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
        for r in results {
            let set = theirs
                .entry(r["Target"].as_str().unwrap().to_string())
                .or_default();
            for p in r["Packages"].as_array().into_iter().flatten() {
                set.insert((
                    p["Name"].as_str().unwrap().to_string(),
                    p["Version"].as_str().unwrap().to_string(),
                ));
            }
        }
        compared += 1;
        let targets: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
        for target in targets {
            let empty = BTreeSet::new();
            let (a, b) = (
                ours.get(target).unwrap_or(&empty),
                theirs.get(target).unwrap_or(&empty),
            );
            if a != b {
                failures.push(format!(
                    "{} {target}: only sekisho {:?}; only trivy {:?}; warnings {:?}",
                    case["name"],
                    a.difference(b).collect::<Vec<_>>(),
                    b.difference(a).collect::<Vec<_>>(),
                    report.warnings
                ));
            }
        }
    }
    assert!(compared >= 17, "only {compared} cases compared");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
