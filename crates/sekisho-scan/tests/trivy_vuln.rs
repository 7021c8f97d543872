//! Vulnerabilities of Trivy's repository fixtures (`../shared/data/lockfiles/trivy-repo.tar.gz`)
//! against Trivy's goldens, on the same advisories: the fixture advisory DB
//! (`testdata/fixtures/db/*.yaml`, Trivy's bucket format) is turned into OSV-style records here,
//! written into a temporary database, and `sekisho fs` (`Profile::Project`, vulnerability
//! scanner on) runs on every case's input. Per target and package (name, installed version),
//! the vulnerability IDs (ours or any alias), the fixed versions and the severities must equal
//! Trivy's; each difference is listed in [`DIFFERENCES`] with the reason it is deliberate.
//!
//! The records carry `vulnerability.yaml`'s `Severity` as a label and no CVSS vectors, so the
//! severity comparison checks the label path of our rating, not Trivy's choice among vendors.
//! Only language buckets are converted: the repository cases have no OS packages, and
//! Kubernetes components are not packages of a repository.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::IMAGES;
use sekisho_advisory::{
    Advisory, Affected, ConstraintSyntax, Display, Range, Severity, SourceRow, Status, Writer,
};
use sekisho_audit::AuditOptions;
use sekisho_image::Source;
use sekisho_model::{FindingKind, Report};
use sekisho_scan::Profile;
use serde_yaml_ng::Value;

/// Cases not compared, with the reason. Their inputs are compared under the plain case of the
/// same input (`gomod`), whose golden differs from theirs only by what the option removes.
const SKIPPED_CASES: &[(&str, &str)] = &[
    (
        "gomod with skip files",
        "--skip-files: sekisho fs has no option to leave files of the project out",
    ),
    (
        "gomod with skip dirs",
        "--skip-dirs: sekisho fs has no option to leave directories of the project out",
    ),
    (
        "gomod with fs subcommand",
        "--skip-files (the same golden as `gomod with skip files`)",
    ),
    (
        "gomod with local VEX file",
        "VEX statements (not_affected for opa) are not read by sekisho yet",
    ),
    (
        "gomod with VEX repository",
        "VEX repositories are not read by sekisho yet",
    ),
];

/// What differs about one vulnerability of one package.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Diff {
    /// Trivy reports it, sekisho does not.
    Missing,
    /// sekisho reports it, Trivy does not.
    Extra,
    /// Both report it with different fixed versions (ours, Trivy's).
    Fixed(String, String),
    /// Both report it with different severities (ours, Trivy's).
    Severity(String, String),
}

/// Why `submod2/go.mod` has no docker/distribution for sekisho.
const GO_SUM: &str = "submod2/go.mod (`go 1.15`) requires only go-spew; docker/distribution \
     appears only in its go.sum, in three versions. Trivy adds go.sum modules to a go.mod older \
     than 1.17 (whose indirect requirements are incomplete) and picks one version; go.sum holds \
     checksums of every module version consulted, selected or not, so sekisho reads go.mod only \
     and does not report modules the build list may not contain";

/// A deliberate difference: (case, target, package, vulnerability ID, what differs, reason).
/// `what` is `missing`, `extra`, `fixed <ours> | <trivy>` or `severity <ours> | <trivy>`.
const DIFFERENCES: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "npm with severity from ubuntu",
        "package-lock.json",
        "jquery",
        "CVE-2019-11358",
        "severity MEDIUM | LOW",
        "--vuln-severity-source ubuntu rates an npm package by Ubuntu's priority for the CVE; \
         sekisho rates a language package by its advisories' own ratings (a distro's priority \
         is about the distro's package) and has no such option",
    ),
    (
        "gomod",
        "submod2/go.mod",
        "github.com/docker/distribution",
        "GMS-2022-20",
        "missing",
        GO_SUM,
    ),
    (
        "gomod in series",
        "submod2/go.mod",
        "github.com/docker/distribution",
        "GMS-2022-20",
        "missing",
        GO_SUM,
    ),
    (
        "swift",
        "Package.resolved",
        "github.com/apple/swift-nio",
        "CVE-2022-3215",
        "fixed 2.42.0 | 2.29.1, 2.39.1, 2.42.0",
        "Trivy joins every patched version of the advisory; sekisho names the fix of the installed \
         version's line (2.41.0 is fixed by 2.42.0, not by 2.29.1 or 2.39.1, which are older)",
    ),
    (
        "cocoapods",
        "Podfile.lock",
        "_NIODataStructures",
        "CVE-2022-3215",
        "fixed 2.42.0 | 2.29.1, 2.39.1, 2.42.0",
        "Trivy joins every patched version of the advisory; sekisho names the fix of the installed \
         version's line (2.41.0 is fixed by 2.42.0, not by 2.29.1 or 2.39.1, which are older)",
    ),
];

/// Trivy's repository fixtures, unpacked once per test run.
fn trivy_repo() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sekisho-trivy-vuln-{}", std::process::id()));
        if !dir.join("trivy-repo").exists() {
            let file =
                std::fs::File::open(format!("{IMAGES}/../lockfiles/trivy-repo.tar.gz")).unwrap();
            let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
            archive.unpack(&dir).unwrap();
        }
        dir.join("trivy-repo")
    })
}

/// The purl type and constraint syntax of a Trivy language bucket (`npm::GitHub Security
/// Advisory Npm`); `None` for buckets no repository case can match.
fn bucket_ecosystem(bucket: &str) -> Option<(&'static str, ConstraintSyntax)> {
    let (prefix, _) = bucket.split_once("::")?;
    Some(match prefix {
        "npm" => ("npm", ConstraintSyntax::Npm),
        "pip" => ("pypi", ConstraintSyntax::Pypi),
        "go" => ("golang", ConstraintSyntax::Golang),
        "cargo" => ("cargo", ConstraintSyntax::Cargo),
        "composer" => ("composer", ConstraintSyntax::Composer),
        "maven" => ("maven", ConstraintSyntax::Maven),
        "nuget" => ("nuget", ConstraintSyntax::Nuget),
        "conan" => ("conan", ConstraintSyntax::Semver),
        "pub" => ("pub", ConstraintSyntax::Pub),
        "erlang" => ("hex", ConstraintSyntax::Hex),
        "swift" => ("swift", ConstraintSyntax::Semver),
        "cocoapods" => ("cocoapods", ConstraintSyntax::Semver),
        "rubygems" => ("gem", ConstraintSyntax::Gem),
        // Kubernetes components are not packages of a repository.
        "k8s" => return None,
        other => panic!("unknown Trivy bucket prefix {other:?} ({bucket})"),
    })
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_sequence)
        .map(|s| s.iter().filter_map(text).collect())
        .unwrap_or_default()
}

/// `(bucket, pairs)` of a bucket node.
fn bucket(node: &Value) -> Option<(&str, &[Value])> {
    Some((
        node.get("bucket")?.as_str()?,
        node.get("pairs")?.as_sequence()?,
    ))
}

/// One Trivy constraint string in the syntax sekisho evaluates: npm joins with spaces, not
/// commas; PEP 440 needs an operator (a bare version is `==`).
fn constraint(syntax: ConstraintSyntax, c: &str) -> String {
    let c = c.trim();
    match syntax {
        ConstraintSyntax::Npm => c.replace(',', " "),
        ConstraintSyntax::Pypi if c.starts_with(|ch: char| ch.is_ascii_digit()) => {
            format!("=={c}")
        }
        _ => c.to_string(),
    }
}

/// The vulnerability details of `vulnerability.yaml`, by ID.
fn vulnerability_details(root: &Path) -> BTreeMap<String, Value> {
    let path = root.join("testdata/fixtures/db/vulnerability.yaml");
    let doc: Value = serde_yaml_ng::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for node in doc.as_sequence().unwrap() {
        let Some(("vulnerability", pairs)) = bucket(node) else {
            continue;
        };
        for pair in pairs {
            let id = text(&pair["key"]).unwrap();
            out.insert(id, pair["value"].clone());
        }
    }
    out
}

/// The fixture advisories: one record per (bucket, ID), one affected package per package
/// bucket. OS buckets are left out: the repository cases have no OS packages.
fn fixture_advisories(root: &Path) -> BTreeMap<String, Vec<Advisory>> {
    let details = vulnerability_details(root);
    let dir = root.join("testdata/fixtures/db");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut by_source: BTreeMap<String, BTreeMap<String, Advisory>> = BTreeMap::new();
    for file in files {
        let doc: Value = serde_yaml_ng::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        for node in doc.as_sequence().into_iter().flatten() {
            let Some((name, packages)) = bucket(node) else {
                continue;
            };
            let Some((ecosystem, syntax)) = bucket_ecosystem(name) else {
                continue;
            };
            let records = by_source.entry(name.to_string()).or_default();
            for package in packages {
                let (pkg, ids) = bucket(package).unwrap();
                for pair in ids {
                    let id = text(&pair["key"]).unwrap();
                    let value = &pair["value"];
                    let list = |key: &str| -> Vec<String> {
                        strings(value.get(key))
                            .iter()
                            .map(|c| constraint(syntax, c))
                            .collect()
                    };
                    let mut vulnerable = list("VulnerableVersions");
                    // An empty constraint string means every version.
                    if vulnerable.iter().any(String::is_empty) {
                        vulnerable.clear();
                    }
                    let patched: Vec<String> = list("PatchedVersions")
                        .into_iter()
                        .filter(|c| !c.is_empty())
                        .collect();
                    let unaffected: Vec<String> = list("UnaffectedVersions")
                        .into_iter()
                        .filter(|c| !c.is_empty())
                        .collect();
                    let fixed = patched.first().map(|p| {
                        p.trim_start_matches(['>', '=', ' '])
                            .split([',', ' '])
                            .next()
                            .unwrap_or_default()
                            .to_string()
                    });
                    let affected = Affected {
                        ecosystem: ecosystem.to_string(),
                        distro: String::new(),
                        name: sekisho_advisory::normalize_name(ecosystem, pkg),
                        ranges: vec![Range::Constraint {
                            syntax,
                            vulnerable,
                            patched,
                            unaffected,
                        }],
                        versions: Vec::new(),
                        status: if fixed.is_some() {
                            Status::Fixed
                        } else {
                            Status::AffectedNoFix
                        },
                        fixed,
                        severity: None,
                        cpes: Vec::new(),
                    };
                    let record = records.entry(id.clone()).or_insert_with(|| {
                        let d = details.get(&id);
                        let field = |k: &str| d.and_then(|d| d.get(k)).and_then(text);
                        Advisory {
                            id: id.clone(),
                            aliases: Vec::new(),
                            severity: field("Severity")
                                .map(|label| Severity {
                                    source: "trivy-fixture".into(),
                                    label: Some(label),
                                    cvss: Vec::new(),
                                    score: None,
                                })
                                .into_iter()
                                .collect(),
                            withdrawn: None,
                            affected: Vec::new(),
                            display: Display {
                                summary: field("Title"),
                                details: field("Description"),
                                references: strings(d.and_then(|d| d.get("References"))),
                                published: field("PublishedDate"),
                                modified: field("LastModifiedDate"),
                            },
                        }
                    });
                    record.affected.push(affected);
                }
            }
        }
    }
    by_source
        .into_iter()
        .map(|(source, records)| (source, records.into_values().collect()))
        .collect()
}

/// The fixture advisories written into a database, once per test process.
fn fixture_db() -> &'static PathBuf {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let root = trivy_repo();
        let out = root.parent().unwrap().join("trivy-fixtures.db");
        let built = "2026-01-01T00:00:00Z";
        let mut writer = Writer::create(&out, built).unwrap();
        for (source, records) in fixture_advisories(root) {
            let mut affected = 0;
            for adv in &records {
                affected += writer.insert(&source, adv).unwrap();
            }
            writer
                .add_source(&SourceRow {
                    name: source,
                    format: "trivy-fixture".into(),
                    digest: String::new(),
                    records: records.len() as u64,
                    affected,
                    built: built.into(),
                })
                .unwrap();
        }
        writer.finish().unwrap();
        out
    })
}

fn fs_vuln_report(dir: &Path) -> Report {
    let opts = AuditOptions {
        config: false,
        secret: false,
        ..AuditOptions::default()
    };
    let mut request = common::request("synthetic", &opts);
    request.source = Source::rootfs(&dir.display().to_string(), dir);
    request.profile = Profile::Project;
    request.scanners.vuln = true;
    request.db = Some(fixture_db().clone());
    sekisho_scan::scan(&request).unwrap()
}

/// (target, package name, installed version).
type PkgKey = (String, String, String);

/// One reported vulnerability: every ID it goes by, and its fixed version.
struct Reported {
    ids: BTreeSet<String>,
    fixed: Option<String>,
    severity: String,
}

/// Our vulnerabilities per package, dev dependencies left out unless `with_dev`;
/// `renamed` maps our target to Trivy's.
fn ours(
    report: &Report,
    with_dev: bool,
    renamed: Option<(&str, &str)>,
) -> BTreeMap<PkgKey, Vec<Reported>> {
    let packages: BTreeMap<(&str, &str), &sekisho_model::Package> = report
        .packages
        .iter()
        .map(|p| ((p.path.as_str(), p.purl.as_str()), p))
        .collect();
    let mut out: BTreeMap<PkgKey, Vec<Reported>> = BTreeMap::new();
    for f in report.findings() {
        if f.kind != FindingKind::Vulnerability {
            continue;
        }
        let v = f.vulnerability.as_ref().unwrap();
        // Findings carry the path made absolute inside the scanned root (`/go.mod`); the
        // project's packages keep it relative (`go.mod`), as Trivy's targets are.
        let path = f.path.as_deref().unwrap_or_default();
        let path = path.strip_prefix('/').unwrap_or(path).to_string();
        let pkg = packages
            .get(&(path.as_str(), v.purl.as_str()))
            .unwrap_or_else(|| panic!("no package for finding {} at {path}", f.id));
        if pkg.dev && !with_dev {
            continue;
        }
        let target = match renamed {
            Some((ours, theirs)) if path == ours => theirs.to_string(),
            _ => pkg.path.clone(),
        };
        let mut ids: BTreeSet<String> = v.aliases.iter().cloned().collect();
        ids.insert(f.id.clone());
        out.entry((target, pkg.name.clone(), pkg.version.clone()))
            .or_default()
            .push(Reported {
                ids,
                fixed: v.fixed.clone(),
                severity: f.severity.as_str().to_string(),
            });
    }
    out
}

/// Trivy's vulnerabilities per package: ID → (fixed version, severity).
fn theirs(golden: &serde_json::Value) -> BTreeMap<PkgKey, BTreeMap<String, (String, String)>> {
    let mut out: BTreeMap<PkgKey, BTreeMap<String, (String, String)>> = BTreeMap::new();
    for r in golden["Results"].as_array().into_iter().flatten() {
        let target = r["Target"].as_str().unwrap();
        for v in r["Vulnerabilities"].as_array().into_iter().flatten() {
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            out.entry((target.to_string(), s("PkgName"), s("InstalledVersion")))
                .or_default()
                .insert(s("VulnerabilityID"), (s("FixedVersion"), s("Severity")));
        }
    }
    out
}

/// Every difference between our findings and Trivy's for one case: (target, package, ID,
/// difference).
fn differences(
    ours: &BTreeMap<PkgKey, Vec<Reported>>,
    theirs: &BTreeMap<PkgKey, BTreeMap<String, (String, String)>>,
) -> Vec<(String, String, String, Diff)> {
    let mut out = Vec::new();
    let keys: BTreeSet<&PkgKey> = ours.keys().chain(theirs.keys()).collect();
    let none = Vec::new();
    let empty = BTreeMap::new();
    for key in keys {
        let (target, name, _) = key;
        let mine = ours.get(key).unwrap_or(&none);
        let trivy = theirs.get(key).unwrap_or(&empty);
        let mut matched = vec![false; mine.len()];
        for (id, (fixed, severity)) in trivy {
            match mine.iter().position(|r| r.ids.contains(id)) {
                None => out.push((target.clone(), name.clone(), id.clone(), Diff::Missing)),
                Some(i) => {
                    matched[i] = true;
                    let our_fixed = mine[i].fixed.clone().unwrap_or_default();
                    if !fixed.is_empty() && our_fixed != *fixed {
                        out.push((
                            target.clone(),
                            name.clone(),
                            id.clone(),
                            Diff::Fixed(our_fixed, fixed.clone()),
                        ));
                    }
                    if mine[i].severity != *severity {
                        out.push((
                            target.clone(),
                            name.clone(),
                            id.clone(),
                            Diff::Severity(mine[i].severity.clone(), severity.clone()),
                        ));
                    }
                }
            }
        }
        for (r, m) in mine.iter().zip(&matched) {
            if !m {
                let id = r.ids.iter().next().cloned().unwrap_or_default();
                out.push((target.clone(), name.clone(), id, Diff::Extra));
            }
        }
    }
    out
}

fn describe(d: &Diff) -> String {
    match d {
        Diff::Missing => "missing".into(),
        Diff::Extra => "extra".into(),
        Diff::Fixed(ours, theirs) => format!("fixed {ours} | {theirs}"),
        Diff::Severity(ours, theirs) => format!("severity {ours} | {theirs}"),
    }
}

/// The conversion covers every language bucket of the fixtures and keeps their constraints.
#[test]
fn fixture_db_converts_every_language_bucket() {
    let advisories = fixture_advisories(trivy_repo());
    let ecosystems: BTreeSet<&str> = advisories
        .values()
        .flatten()
        .flat_map(|a| &a.affected)
        .map(|a| a.ecosystem.as_str())
        .collect();
    for e in [
        "npm",
        "pypi",
        "golang",
        "cargo",
        "composer",
        "maven",
        "nuget",
        "conan",
        "pub",
        "hex",
        "swift",
        "cocoapods",
        "gem",
    ] {
        assert!(ecosystems.contains(e), "{e} missing: {ecosystems:?}");
    }
    let maven: Vec<&Advisory> = advisories
        .iter()
        .filter(|(s, _)| s.starts_with("maven::"))
        .flat_map(|(_, a)| a)
        .collect();
    let gitlab = maven.iter().find(|a| a.id == "CVE-2021-20190").unwrap();
    assert_eq!(gitlab.severity[0].label.as_deref(), Some("HIGH"));
    assert_eq!(
        gitlab.affected[0].ranges[0],
        Range::Constraint {
            syntax: ConstraintSyntax::Maven,
            vulnerable: vec!["[2.9.0,2.9.10.7)".into()],
            patched: vec!["2.9.10.7".into()],
            unaffected: Vec::new(),
        }
    );
    // Bare PyPI versions become `==` specifiers.
    let pip = advisories
        .iter()
        .filter(|(s, _)| s.starts_with("pip::"))
        .flat_map(|(_, a)| a)
        .find(|a| a.id == "CVE-2019-14806")
        .unwrap();
    assert!(matches!(&pip.affected[0].ranges[0],
        Range::Constraint { patched, .. } if patched == &["==0.15.3".to_string()]));
}

/// Every shared case with a JSON golden: our vulnerabilities per package equal Trivy's, up to
/// the listed deliberate differences.
#[test]
fn fs_vulnerabilities_equal_trivy_goldens() {
    let root = trivy_repo();
    let cases: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("cases.json")).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    let mut compared = Vec::new();
    let mut exact = 0;
    let mut trivy_total = 0;
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let golden: serde_json::Value = serde_json::from_slice(
            &std::fs::read(root.join(case["golden"].as_str().unwrap())).unwrap(),
        )
        .unwrap();
        if golden.get("Results").is_none() {
            // CycloneDX / SPDX goldens: compared as SBOMs elsewhere.
            continue;
        }
        if SKIPPED_CASES.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let with_dev = case["includeDevDeps"] == true;
        let input = root.join(case["input"].as_str().unwrap());
        // As in lang.rs: sekisho reads Composer's `installed.json` only where Composer writes
        // it (`vendor/composer/`), so the fixture is moved there and compared under Trivy's
        // target name.
        let (report, renamed) = if input.ends_with("composer-vendor") {
            let dir = std::env::temp_dir()
                .join(format!("sekisho-trivy-vuln-vendor-{}", std::process::id()));
            std::fs::create_dir_all(dir.join("vendor/composer")).unwrap();
            std::fs::copy(
                input.join("installed.json"),
                dir.join("vendor/composer/installed.json"),
            )
            .unwrap();
            let report = fs_vuln_report(&dir);
            std::fs::remove_dir_all(&dir).unwrap();
            (
                report,
                Some(("vendor/composer/installed.json", "installed.json")),
            )
        } else {
            (fs_vuln_report(&input), None)
        };
        let mine = ours(&report, with_dev, renamed);
        let trivy = theirs(&golden);
        trivy_total += trivy.values().map(BTreeMap::len).sum::<usize>();
        if !report.warnings.is_empty() {
            failures.push(format!("{name}: warnings {:?}", report.warnings));
        }
        let diffs = differences(&mine, &trivy);
        compared.push(name.to_string());
        if diffs.is_empty() {
            exact += 1;
        }
        for (target, pkg, id, diff) in diffs {
            let what = describe(&diff);
            let listed = DIFFERENCES.iter().any(|(c, t, p, i, w, _)| {
                *c == name && *t == target && *p == pkg && *i == id && *w == what
            });
            seen.insert((name.to_string(), target.clone(), pkg.clone(), id.clone()));
            if !listed {
                failures.push(format!(
                    "{name}: {target} {pkg} {id}: {what} (not a listed difference; warnings: {:?})",
                    report.warnings
                ));
            }
        }
    }
    for (c, t, p, i, w, _) in DIFFERENCES {
        let key = (c.to_string(), t.to_string(), p.to_string(), i.to_string());
        if !seen.contains(&key) {
            failures.push(format!(
                "listed difference no longer seen: {c}: {t} {p} {i}: {w}"
            ));
        }
    }
    eprintln!(
        "compared {} cases ({trivy_total} of Trivy's findings), {exact} exactly equal: \
         {compared:?}",
        compared.len()
    );
    assert!(
        compared.len() >= 20,
        "only {} cases compared",
        compared.len()
    );
    assert!(
        trivy_total >= 25,
        "only {trivy_total} findings in the goldens"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
