//! Differential tests against the ecosystems' own tools, on version pairs drawn (deterministic
//! shuffle) from the vector files and from the advisory feeds' records
//! (`../shared/data/advisories/`). Each is skipped with a message when its tool is missing, and
//! fails instead when `SEKISHO_REQUIRE_ORACLES=1`.
//!
//! | oracle | Debian packages | checks |
//! | --- | --- | --- |
//! | `dpkg --compare-versions` | dpkg | `deb` order |
//! | `rpm.labelCompare` | python3-rpm | `rpm` order |
//! | `packaging.version.Version` | python3-packaging | `pypi` order |
//! | Maven's `ComparableVersion` | libmaven3-core-java, a JRE | `maven` order |
//! | node-semver `compare`, `satisfies` | node-semver, nodejs | `npm` order and ranges |
//! | composer/semver `Comparator`, `VersionParser::normalize`, `Semver::satisfies` | php-composer-semver, php-cli | `composer` order, normalisation, constraints |
//!
//! Every disagreement fails the test unless it is listed (with the reason) beside its oracle.

mod common;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sekisho_version::{compare, satisfies, Ecosystem};

fn required() -> bool {
    std::env::var("SEKISHO_REQUIRE_ORACLES").is_ok_and(|v| v == "1")
}

fn skip(name: &str, why: &str) {
    assert!(!required(), "oracle {name} required but unavailable: {why}");
    eprintln!("skipping {name} oracle: {why}");
}

/// Every version named in the given fixture files, sorted, without duplicates.
fn vector_versions(files: &[&str]) -> Vec<String> {
    let all = common::fixture_files();
    let mut versions: Vec<String> = Vec::new();
    for f in files {
        for l in common::parse_lines(&all[*f]) {
            versions.push(l.a);
            versions.push(l.b);
        }
    }
    versions.sort();
    versions.dedup();
    versions
}

/// `n` pairs of versions from the given fixture files, shuffled deterministically.
fn pairs(files: &[&str], n: usize, seed: u64) -> Vec<(String, String)> {
    let versions = vector_versions(files);
    let mut rng = common::Rng(seed);
    let mut out = Vec::new();
    for i in 0..n {
        let a = versions[rng.below(versions.len())].clone();
        // Every third pair is of neighbours in sorted order, which tend to be close versions.
        let b = if i % 3 == 0 {
            let j = versions.binary_search(&a).unwrap_or(0);
            versions[(j + 1).min(versions.len() - 1)].clone()
        } else {
            versions[rng.below(versions.len())].clone()
        };
        out.push((a, b));
    }
    out
}

/// Runs a python script that reads `a\tb` lines and prints `-1`, `0`, `1` or `invalid` per line.
fn run_python(script: &str, module: &str, input: &str) -> Option<Vec<String>> {
    for py in ["/usr/bin/python3", "python3"] {
        let ok = Command::new(py)
            .args(["-c", &format!("import {module}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            continue;
        }
        let mut child = Command::new(py)
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(input.as_bytes()).ok()?;
        let out = child.wait_with_output().ok()?;
        assert!(out.status.success(), "{py} oracle script failed");
        return Some(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string)
                .collect(),
        );
    }
    None
}

fn ord(s: &str) -> Option<Ordering> {
    match s {
        "-1" => Some(Ordering::Less),
        "0" => Some(Ordering::Equal),
        "1" => Some(Ordering::Greater),
        _ => None,
    }
}

/// The tally of one differential run. A disagreement whose case is listed in `known` (case,
/// reason) is reported with its reason and allowed; any other fails the test in [`finish`].
///
/// [`finish`]: Report::finish
struct Report<'a> {
    name: &'a str,
    agree: usize,
    rejected: usize,
    known: &'a [(&'a str, &'a str)],
    known_seen: Vec<String>,
    failures: Vec<String>,
}

impl<'a> Report<'a> {
    fn new(name: &'a str, known: &'a [(&'a str, &'a str)]) -> Self {
        Report {
            name,
            agree: 0,
            rejected: 0,
            known,
            known_seen: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// An input that the oracle refuses: not compared.
    fn rejected(&mut self) {
        self.rejected += 1;
    }

    /// One case, named by any of `keys` in the `known` list.
    fn check(&mut self, keys: &[String], same: bool, detail: impl FnOnce() -> String) {
        if same {
            self.agree += 1;
            return;
        }
        match self.known.iter().find(|(k, _)| keys.iter().any(|x| x == k)) {
            Some((_, why)) => self.known_seen.push(format!("{} ({why})", detail())),
            None => self.failures.push(detail()),
        }
    }

    fn finish(self) {
        eprintln!(
            "{}: {} agree, {} disagree, {} known differences, {} rejected by the oracle",
            self.name,
            self.agree,
            self.failures.len(),
            self.known_seen.len(),
            self.rejected
        );
        for k in &self.known_seen {
            eprintln!("  known: {k}");
        }
        for f in &self.failures {
            eprintln!("  {f}");
        }
        assert!(
            self.failures.is_empty(),
            "{}: {} disagreements:\n{}",
            self.name,
            self.failures.len(),
            self.failures.join("\n")
        );
        assert!(self.agree > 0, "{}: no case compared", self.name);
    }
}

/// Compares the oracle's answers (`-1`, `0`, `1`, anything else for a refusal) with
/// [`compare`], allowing the listed differences (`"a vs b"`, either order).
/// `satisfies` against an oracle's answers (`1` in range, `0` not, anything else: the oracle
/// rejected the input) for (version, range) pairs.
fn differential_satisfies(
    name: &str,
    eco: Ecosystem,
    pairs: &[(String, String)],
    answers: &[String],
) {
    let mut report = Report::new(name, &[]);
    for ((v, r), ans) in pairs.iter().zip(answers) {
        let want = match ans.as_str() {
            "1" => true,
            "0" => false,
            _ => {
                report.rejected();
                continue;
            }
        };
        let got = satisfies(eco, v, r);
        report.check(&[format!("{v} in {r}")], got == Ok(want), || {
            format!("{v} in {r:?}: oracle {want}, ours {got:?}")
        });
    }
    report.finish();
}

fn differential_known(
    name: &str,
    eco: Ecosystem,
    pairs: &[(String, String)],
    answers: &[String],
    known: &[(&str, &str)],
) {
    assert_eq!(pairs.len(), answers.len(), "{name}: answer count");
    let mut report = Report::new(name, known);
    for ((a, b), ans) in pairs.iter().zip(answers) {
        let Some(want) = ord(ans) else {
            report.rejected();
            continue;
        };
        let got = compare(eco, a, b);
        report.check(
            &[format!("{a} vs {b}"), format!("{b} vs {a}")],
            got.as_ref() == Ok(&want),
            || format!("{a} vs {b}: oracle {want:?}, ours {got:?}"),
        );
    }
    report.finish();
}

fn differential(name: &str, eco: Ecosystem, pairs: &[(String, String)], answers: &[String]) {
    differential_known(name, eco, pairs, answers, &[]);
}

#[test]
fn dpkg_oracle() {
    if Command::new("dpkg").arg("--version").output().is_err() {
        return skip("dpkg", "dpkg not found");
    }
    let ps = pairs(
        &["debian-versions-generated.txt", "debian-versions.txt"],
        300,
        0x5ec1_5140,
    );
    // One shell process runs every comparison.
    let mut input = String::new();
    for (a, b) in &ps {
        input.push_str(&format!("{a}\t{b}\n"));
    }
    let script = r#"while IFS="$(printf '\t')" read -r a b; do
if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1;
elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0;
elif dpkg --compare-versions "$a" gt "$b" 2>/dev/null; then echo 1;
else echo invalid; fi; done"#;
    let mut child = Command::new("sh")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sh");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let answers: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    differential("dpkg", Ecosystem::Deb, &ps, &answers);
}

const PACKAGING: &str = r#"
import sys
from packaging.version import Version, InvalidVersion
for line in sys.stdin:
    a, b = line.rstrip("\n").split("\t")
    try:
        va, vb = Version(a), Version(b)
    except InvalidVersion:
        print("invalid")
        continue
    print(-1 if va < vb else (1 if va > vb else 0))
"#;

#[test]
fn packaging_oracle() {
    let ps = pairs(
        &["pypi-versions-generated.txt", "pypi-versions.txt"],
        400,
        0x9e37_79b9,
    );
    let input: String = ps.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    match run_python(PACKAGING, "packaging.version", &input) {
        Some(answers) => differential("packaging", Ecosystem::Pypi, &ps, &answers),
        None => skip("packaging", "no python3 with the packaging module"),
    }
}

const RPM: &str = r#"
import sys, rpm
def evr(s):
    e, v, r = "0", s, None
    if ":" in v:
        e, v = v.split(":", 1)
    if "-" in v:
        v, r = v.rsplit("-", 1)
    return (e, v, r)
for line in sys.stdin:
    a, b = line.rstrip("\n").split("\t")
    try:
        print(rpm.labelCompare(evr(a), evr(b)))
    except Exception:
        print("invalid")
"#;

#[test]
fn rpm_oracle() {
    // RPM labels from the redhat vectors plus Debian's (which are also valid RPM labels).
    let ps = pairs(
        &["redhat-versions.txt", "debian-versions-generated.txt"],
        300,
        0x2545_f491,
    );
    let input: String = ps.iter().map(|(a, b)| format!("{a}\t{b}\n")).collect();
    match run_python(RPM, "rpm", &input) {
        Some(answers) => differential("rpm.labelCompare", Ecosystem::Rpm, &ps, &answers),
        None => skip(
            "rpm",
            "no python3 with the rpm module (apt-get install python3-rpm)",
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Versions and ranges from the advisory feeds.

/// The versions of each package, by package name.
type Groups = BTreeMap<String, BTreeSet<String>>;

/// One affected interval of an OSV `ECOSYSTEM` range.
#[derive(Debug, Clone)]
struct OsvRange {
    package: String,
    /// `None` for `"0"`.
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
}

impl OsvRange {
    /// The interval in the `>=`/`<`/`<=` list syntax, items joined by `sep`.
    fn constraint(&self, sep: &str) -> Option<String> {
        let mut items = Vec::new();
        if let Some(i) = &self.introduced {
            items.push(format!(">={i}"));
        }
        if let Some(f) = &self.fixed {
            items.push(format!("<{f}"));
        } else if let Some(l) = &self.last_affected {
            items.push(format!("<={l}"));
        }
        (!items.is_empty()).then(|| items.join(sep))
    }
}

/// The intervals of the GHSA records' `affected` entries of `ecosystem` (as OSV spells it).
fn ghsa_ranges(ecosystem: &str) -> Vec<OsvRange> {
    let mut out = Vec::new();
    for (path, text) in common::feed_files("ghsa", ".json") {
        let doc: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        for aff in doc["affected"].as_array().into_iter().flatten() {
            if aff["package"]["ecosystem"] != ecosystem {
                continue;
            }
            let package = aff["package"]["name"].as_str().unwrap_or_default();
            for range in aff["ranges"].as_array().into_iter().flatten() {
                let mut cur: Option<OsvRange> = None;
                for ev in range["events"].as_array().into_iter().flatten() {
                    let get = |k: &str| ev[k].as_str().map(str::to_string);
                    if let Some(i) = get("introduced") {
                        out.extend(cur.take());
                        cur = Some(OsvRange {
                            package: package.to_string(),
                            introduced: Some(i).filter(|i| i != "0"),
                            fixed: None,
                            last_affected: None,
                        });
                    } else if let Some(mut r) = cur.take() {
                        r.fixed = get("fixed");
                        r.last_affected = get("last_affected");
                        out.push(r);
                    }
                }
                out.extend(cur);
            }
        }
    }
    out
}

/// The versions that the ranges name, by package.
fn range_groups(ranges: &[OsvRange]) -> Groups {
    let mut g = Groups::new();
    for r in ranges {
        let e = g.entry(r.package.clone()).or_default();
        for v in [&r.introduced, &r.fixed, &r.last_affected]
            .into_iter()
            .flatten()
        {
            e.insert(v.clone());
        }
    }
    g
}

/// Deterministically keeps `n` of `items` (all of them if there are no more).
fn sample<T>(mut items: Vec<T>, n: usize, seed: u64) -> Vec<T> {
    if items.len() <= n {
        return items;
    }
    let mut rng = common::Rng(seed);
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
    items.truncate(n);
    items
}

/// Every pair of two versions of one package (at most `cap`, sampled), then `cross` pairs drawn
/// from every version of every package and `pool` (the vector files' versions).
fn grouped_pairs(
    groups: &Groups,
    cap: usize,
    pool: &[String],
    cross: usize,
    seed: u64,
) -> Vec<(String, String)> {
    let mut same = Vec::new();
    for vs in groups.values() {
        let vs: Vec<&String> = vs.iter().collect();
        for (i, a) in vs.iter().enumerate() {
            for b in &vs[i + 1..] {
                same.push(((*a).clone(), (*b).clone()));
            }
        }
    }
    let mut out = sample(same, cap, seed);
    let mut all: Vec<&String> = groups.values().flatten().chain(pool).collect();
    all.sort();
    all.dedup();
    let mut rng = common::Rng(seed ^ 0x5bd1_e995);
    for _ in 0..cross {
        let a = all[rng.below(all.len())].clone();
        let b = all[rng.below(all.len())].clone();
        out.push((a, b));
    }
    out
}

/// At most `cap` of the pairs of two different versions of `versions` (sampled).
fn all_pairs(versions: &[String], cap: usize, seed: u64) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, a) in versions.iter().enumerate() {
        for b in &versions[i + 1..] {
            out.push((a.clone(), b.clone()));
        }
    }
    sample(out, cap, seed)
}

/// `n` pairs of close versions: both start with the same `major.minor` (leading `v` aside), so
/// that qualifiers, pre-releases and extra numbers decide. Deterministic.
fn close_pairs(versions: &[String], n: usize, seed: u64) -> Vec<(String, String)> {
    let key = |v: &str| -> String {
        let v = v.trim_start_matches(['v', 'V']);
        let digits_dots = v
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(v.len());
        v[..digits_dots]
            .split('.')
            .filter(|p| !p.is_empty())
            .take(2)
            .collect::<Vec<_>>()
            .join(".")
    };
    let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for v in versions {
        groups.entry(key(v)).or_default().push(v);
    }
    let groups: Vec<Vec<&String>> = groups.into_values().filter(|g| g.len() > 1).collect();
    let mut rng = common::Rng(seed);
    let mut out = Vec::new();
    if groups.is_empty() {
        return out;
    }
    for _ in 0..n {
        let g = &groups[rng.below(groups.len())];
        let a = g[rng.below(g.len())].clone();
        let b = g[rng.below(g.len())].clone();
        out.push((a, b));
    }
    out
}

/// Constraints in the syntax's other forms, built from `per_package` draws of two of a
/// package's own versions `v` and `w`: `^v`, `~v`, partial and wildcard versions, hyphen ranges,
/// `!=`, `||` and AND lists. Composer's spellings (`,` for AND, `.*`) when `composer`, else
/// node-semver's (a space, `.x`).
fn synth_constraints(
    groups: &Groups,
    composer: bool,
    per_package: usize,
    seed: u64,
) -> Vec<(String, String)> {
    let mut rng = common::Rng(seed);
    let mut out = Vec::new();
    let (and, wild) = if composer { (",", "*") } else { (" ", "x") };
    let draws = groups
        .iter()
        .filter(|(_, vs)| !vs.is_empty())
        .flat_map(|g| std::iter::repeat_n(g, per_package));
    for (package, versions) in draws {
        let vs: Vec<&String> = versions.iter().collect();
        let v = vs[rng.below(vs.len())];
        let w = vs[rng.below(vs.len())];
        let nums: Vec<&str> = v
            .split(['.', '-', '+'])
            .take_while(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
            .take(3)
            .collect();
        let x = nums.first().copied().unwrap_or("0");
        let xy = nums[..nums.len().min(2)].join(".");
        let mut cs = vec![
            format!("^{v}"),
            format!("~{v}"),
            format!("~{xy}"),
            format!("^{xy}"),
            format!("{x}.{wild}"),
            format!("{xy}.{wild}"),
            format!("!={v}"),
            format!(">{v}"),
            format!("<={v}"),
            format!(">{xy}"),
            format!("<{xy}"),
            format!("{v} - {w}"),
            format!("{xy} - {w}"),
            format!(">={v}{and}<{w}"),
            format!("<{v} || >={w}"),
            format!("^{x} || ~{w}"),
            format!("={v}"),
            v.to_string(),
        ];
        if composer {
            cs.push(format!(">={v}{and}<{w} | ^{x}"));
            cs.push(format!("v{v}"));
            cs.push(format!("~{x}"));
        } else {
            cs.push(format!("~>{v}"));
            cs.push(format!("<={xy}"));
            cs.push(format!(">={x}"));
            cs.push(x.to_string());
            cs.push("*".to_string());
        }
        out.extend(cs.into_iter().map(|c| (package.clone(), c)));
    }
    out
}

/// Runs `cmd` with `input` on its standard input; its output lines. Panics if it fails.
fn run_lines(name: &str, mut cmd: Command, input: &str) -> Vec<String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{name} oracle: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_string();
    // Written from a thread: the oracle may fill its output pipe before it has read all input.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("oracle output");
    writer.join().expect("writer").expect("oracle input");
    assert!(
        out.status.success(),
        "{name} oracle failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Whether `cmd` runs and exits 0 (its output discarded).
fn runs(mut cmd: Command) -> bool {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

// ---------------------------------------------------------------------------------------------
// Maven: ComparableVersion from Debian's libmaven3-core-java.

/// The jar of maven-artifact (`ComparableVersion`): `/usr/share/java/maven-artifact-3.x.jar` and
/// `maven3-artifact.jar` on Debian 12 (`SEKISHO_MAVEN_ARTIFACT_JAR` overrides).
fn maven_artifact_jar() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SEKISHO_MAVEN_ARTIFACT_JAR") {
        return Some(PathBuf::from(p));
    }
    let mut jars: Vec<PathBuf> = std::fs::read_dir("/usr/share/java")
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap_or_default().to_string_lossy();
            n.starts_with("maven") && n.contains("-artifact") && n.ends_with(".jar")
        })
        .collect();
    // The unversioned names first.
    jars.sort_by_key(|p| (p.as_os_str().len(), p.clone()));
    jars.into_iter().next()
}

/// `ComparableVersion`'s `main` parses each argument and compares it with the next one,
/// printing `   A OP B` with OP `<`, `==` or `>`. One JVM runs every pair: the arguments are
/// a1 b1 a2 b2 …, so pair k is comparison 2k. Answers are `-1`, `0`, `1`.
fn maven_oracle(jar: &Path, pairs: &[(String, String)]) -> Vec<String> {
    let mut cmd = Command::new("java");
    cmd.arg("-cp")
        .arg(jar)
        .arg("org.apache.maven.artifact.versioning.ComparableVersion");
    for (a, b) in pairs {
        cmd.arg(a).arg(b);
    }
    let lines = run_lines("maven", cmd, "");
    let cmps: Vec<&String> = lines.iter().filter(|l| l.starts_with("   ")).collect();
    assert_eq!(
        cmps.len(),
        (2 * pairs.len()).saturating_sub(1),
        "ComparableVersion printed an unexpected number of comparisons"
    );
    pairs
        .iter()
        .enumerate()
        .map(|(k, (a, b))| {
            let line = cmps[2 * k];
            [("<", "-1"), ("==", "0"), (">", "1")]
                .into_iter()
                .find(|(op, _)| *line == format!("   {a} {op} {b}"))
                .map(|(_, ans)| ans.to_string())
                .unwrap_or_else(|| panic!("unexpected ComparableVersion line {line:?}"))
        })
        .collect()
}

/// Where Debian's Maven 3.8.7 and we differ, and why.
const MAVEN_387: &str = "Maven 3.8.7 (Debian 12's jar) reads a word after `.` as if after `-` \
     (a nested list); we follow ComparableVersion 3.8.6, which made the generated vectors, and 18 \
     of their lines (e.g. `1.5.9.RC1 < 1.5.9-RC0`) would fail with the 3.8.7 rule";

/// Pairs where Debian's `ComparableVersion` and ours differ, with the reason.
const MAVEN_KNOWN: &[(&str, &str)] = &[
    ("2.0.0.Alpha4 vs 2.0.0-M5", MAVEN_387),
    ("24.0.0.SP1 vs 24.0-android", MAVEN_387),
];

#[test]
fn maven_oracle_comparable_version() {
    let Some(jar) = maven_artifact_jar().filter(|j| j.exists()) else {
        return skip(
            "maven",
            "no maven-artifact jar in /usr/share/java (apt-get install libmaven3-core-java)",
        );
    };
    if !runs({
        let mut c = Command::new("java");
        c.arg("-version");
        c
    }) {
        return skip("maven", "no java (apt-get install default-jre-headless)");
    }
    let groups = range_groups(&ghsa_ranges("Maven"));
    let files = ["maven-versions-generated.txt", "maven-versions.txt"];
    let pool = vector_versions(&files);
    let mut ps = grouped_pairs(&groups, 300, &pool, 150, 0x6d61_7665);
    ps.extend(pairs(&files, 300, 0x3c6e_f372));
    let feed_and_pool: Vec<String> = groups.values().flatten().chain(&pool).cloned().collect();
    ps.extend(close_pairs(&feed_and_pool, 600, 0x6d76_6e63));
    // The hand-written file's edge cases against each other.
    ps.extend(all_pairs(
        &vector_versions(&files[1..]),
        10_000,
        0x6d76_6e64,
    ));
    let answers = maven_oracle(&jar, &ps);
    differential_known(
        "maven ComparableVersion",
        Ecosystem::Maven,
        &ps,
        &answers,
        MAVEN_KNOWN,
    );
}

// ---------------------------------------------------------------------------------------------
// npm: node-semver from Debian's node-semver.

/// Reads `c\ta\tb` (compare) and `s\tversion\trange` (satisfies) lines; prints `-1`/`0`/`1`,
/// `1`/`0`, or `invalid` for a version or range that node-semver refuses.
const NODE_SEMVER: &str = r#"
const semver = require('semver');
const out = [];
for (const line of require('fs').readFileSync(0, 'utf8').split('\n')) {
  if (!line) continue;
  const [k, a, b] = line.split('\t');
  if (k === 'c') {
    out.push(semver.valid(a) && semver.valid(b) ? String(semver.compare(a, b)) : 'invalid');
  } else {
    let ok = semver.valid(a) !== null;
    try { new semver.Range(b); } catch (e) { ok = false; }
    out.push(ok ? (semver.satisfies(a, b) ? '1' : '0') : 'invalid');
  }
}
process.stdout.write(out.join('\n') + '\n');
"#;

/// `node` that finds Debian's node modules (a nodejs not from Debian does not look in
/// `/usr/share/nodejs` by itself).
fn node_command() -> Command {
    let mut path = std::env::var("NODE_PATH").unwrap_or_default();
    for dir in ["/usr/share/nodejs", "/usr/lib/nodejs"] {
        if !path.is_empty() {
            path.push(':');
        }
        path.push_str(dir);
    }
    let mut cmd = Command::new("node");
    cmd.env("NODE_PATH", path);
    cmd
}

/// The npm packages' versions and ranges: GHSA's npm intervals and the Node.js security WG's
/// `vulnerable_versions` / `patched_versions` (node-semver ranges).
fn npm_feeds() -> (Groups, Vec<(String, String)>) {
    let ghsa = ghsa_ranges("npm");
    let mut groups = range_groups(&ghsa);
    let mut ranges: Vec<(String, String)> = ghsa
        .iter()
        .filter_map(|r| Some((r.package.clone(), r.constraint(" ")?)))
        .collect();
    for (path, text) in common::feed_files("nodejs-security-wg", ".json") {
        let doc: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let Some(module) = doc["module_name"].as_str() else {
            continue;
        };
        for key in ["vulnerable_versions", "patched_versions"] {
            let Some(range) = doc[key].as_str().filter(|r| !r.trim().is_empty()) else {
                continue;
            };
            ranges.push((module.to_string(), range.to_string()));
            let versions = groups.entry(module.to_string()).or_default();
            for tok in range.split(|c: char| c.is_whitespace() || c == '|') {
                let v = tok.trim_start_matches(['<', '>', '=', '~', '^']);
                if v.starts_with(|c: char| c.is_ascii_digit()) {
                    versions.insert(v.to_string());
                }
            }
        }
    }
    ranges.sort();
    ranges.dedup();
    (groups, ranges)
}

#[test]
fn npm_oracle_node_semver() {
    if !runs({
        let mut c = node_command();
        c.args(["-e", "require('semver')"]);
        c
    }) {
        return skip(
            "node-semver",
            "no node with the semver module (apt-get install node-semver)",
        );
    }
    let (groups, ranges) = npm_feeds();
    let pool = vector_versions(&["semver-versions.txt"]);
    let mut ps = grouped_pairs(&groups, 2000, &pool, 300, 0x6e70_6d31);
    let feed_and_pool: Vec<String> = groups.values().flatten().chain(&pool).cloned().collect();
    ps.extend(close_pairs(&feed_and_pool, 400, 0x6e70_6d32));
    ps.extend(all_pairs(&pool, 10_000, 0x6e70_6d33));
    // Each range against every version of its package, and against versions of others; then
    // ranges of the other forms built from the package's versions (sampled).
    let mut sat: Vec<(String, String)> = Vec::new();
    let all: Vec<&String> = groups.values().flatten().chain(&pool).collect();
    let mut rng = common::Rng(0x7361_7431);
    let mut against = |ranges: &[(String, String)], sat: &mut Vec<(String, String)>| {
        for (package, range) in ranges {
            for v in groups.get(package).into_iter().flatten() {
                sat.push((v.clone(), range.clone()));
            }
            for _ in 0..2 {
                sat.push((all[rng.below(all.len())].clone(), range.clone()));
            }
        }
    };
    against(&ranges, &mut sat);
    let mut synth = Vec::new();
    against(
        &synth_constraints(&groups, false, 1, 0x7379_6e31),
        &mut synth,
    );
    sat.extend(sample(synth, 3000, 0x7379_6e32));
    let mut input = String::new();
    for (a, b) in &ps {
        input.push_str(&format!("c\t{a}\t{b}\n"));
    }
    for (v, r) in &sat {
        input.push_str(&format!("s\t{v}\t{r}\n"));
    }
    let mut cmd = node_command();
    cmd.args(["-e", NODE_SEMVER]);
    let answers = run_lines("node-semver", cmd, &input);
    assert_eq!(
        answers.len(),
        ps.len() + sat.len(),
        "node-semver: answer count"
    );
    let (cmp_answers, sat_answers) = answers.split_at(ps.len());
    differential_known("node-semver compare", Ecosystem::Npm, &ps, cmp_answers, &[]);
    differential_satisfies("node-semver satisfies", Ecosystem::Npm, &sat, sat_answers);
}

// ---------------------------------------------------------------------------------------------
// Composer: composer/semver from Debian's php-composer-semver.

/// Reads lines `c\ta\tb` (order: `Comparator` on the versions without their leading `v`, as
/// sekisho's `compare` takes them; `unordered` for two different `dev-` branches, which
/// Composer does not order), `n\tversion` (`VersionParser::normalize`, or a tab and `invalid`)
/// and `s\tversion\tconstraint` (`Semver::satisfies`: `1`, `0` or `invalid`).
const COMPOSER_SEMVER: &str = r#"
require 'Composer/Semver/autoload.php';
use Composer\Semver\Comparator;
use Composer\Semver\Semver;
use Composer\Semver\VersionParser;
$parser = new VersionParser();
while (($line = fgets(STDIN)) !== false) {
    $f = explode("\t", rtrim($line, "\n"));
    if ($f[0] === 'c') {
        $a = ltrim($f[1], 'vV');
        $b = ltrim($f[2], 'vV');
        if (Comparator::compare($a, '<', $b)) { echo "-1\n"; }
        elseif (Comparator::compare($a, '==', $b)) { echo "0\n"; }
        elseif (Comparator::compare($a, '>', $b)) { echo "1\n"; }
        else { echo "unordered\n"; }
    } elseif ($f[0] === 'n') {
        try { echo $parser->normalize($f[1]), "\n"; } catch (\Exception $e) { echo "\tinvalid\n"; }
    } else {
        try { echo Semver::satisfies($f[1], $f[2]) ? "1\n" : "0\n"; } catch (\Exception $e) { echo "invalid\n"; }
    }
}
"#;

/// The Packagist packages' versions and constraints: FriendsOfPHP branches (a list of
/// constraints that must all hold, joined by `,`) and GHSA's Packagist intervals.
fn composer_feeds() -> (Groups, Vec<(String, String)>) {
    let ghsa = ghsa_ranges("Packagist");
    let mut groups = range_groups(&ghsa);
    let mut constraints: Vec<(String, String)> = ghsa
        .iter()
        .filter_map(|r| Some((r.package.clone(), r.constraint(",")?)))
        .collect();
    for (path, text) in common::feed_files("friendsofphp", ".yaml") {
        let package = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("reference:"))
            .and_then(|r| r.trim().strip_prefix("composer://"))
            .unwrap_or_else(|| panic!("{path}: no composer:// reference"))
            .to_string();
        // `versions: ['>=5.3.0', '<=5.3.31']`, one line per branch.
        for l in text.lines() {
            let Some(list) = l.trim().strip_prefix("versions:") else {
                continue;
            };
            let items: Vec<String> = list
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|x| x.trim().trim_matches(['\'', '"']).to_string())
                .filter(|x| !x.is_empty())
                .collect();
            let versions = groups.entry(package.clone()).or_default();
            for it in &items {
                let v = it.trim_start_matches(['<', '>', '=', '!', '~', '^']);
                if !v.is_empty() {
                    versions.insert(v.to_string());
                }
            }
            constraints.push((package.clone(), items.join(",")));
        }
    }
    constraints.sort();
    constraints.dedup();
    (groups, constraints)
}

#[test]
fn composer_oracle_composer_semver() {
    if !runs({
        let mut c = Command::new("php");
        c.args(["-r", "require 'Composer/Semver/autoload.php';"]);
        c
    }) {
        return skip(
            "composer/semver",
            "no php with Composer\\Semver (apt-get install php-cli php-composer-semver)",
        );
    }
    let (groups, constraints) = composer_feeds();
    let files = ["packagist-versions-generated.txt", "packagist-versions.txt"];
    let pool = vector_versions(&files);
    let mut ps = grouped_pairs(&groups, 500, &pool, 200, 0x636f_6d70);
    ps.extend(pairs(&files, 300, 0x7068_7031));
    let feed_and_pool: Vec<String> = groups.values().flatten().chain(&pool).cloned().collect();
    ps.extend(close_pairs(&feed_and_pool, 600, 0x636f_6d71));
    ps.extend(all_pairs(
        &vector_versions(&files[1..]),
        10_000,
        0x636f_6d72,
    ));
    // Normalisation of every feed version and a sample of the vectors' versions.
    let mut norm: Vec<String> = groups.values().flatten().cloned().collect();
    norm.extend(sample(pool.clone(), 400, 0x6e6f_726d));
    norm.extend(vector_versions(&files[1..]));
    norm.sort();
    norm.dedup();
    // Constraints: each against its package's versions (sampled) and against vector versions
    // (pre-releases, dev branches, patch levels).
    let synth = synth_constraints(&groups, true, 8, 0x7379_6e33);
    let mut sat: Vec<(String, String)> = Vec::new();
    for (package, c) in constraints.iter().chain(&synth) {
        for v in groups.get(package).into_iter().flatten() {
            sat.push((v.clone(), c.clone()));
        }
    }
    let mut sat = sample(sat, 2000, 0x7361_7432);
    let mut rng = common::Rng(0x7361_7433);
    for _ in 0..300 {
        let (_, c) = &constraints[rng.below(constraints.len())];
        sat.push((pool[rng.below(pool.len())].clone(), c.clone()));
    }
    for _ in 0..300 {
        let (_, c) = &synth[rng.below(synth.len())];
        sat.push((pool[rng.below(pool.len())].clone(), c.clone()));
    }
    let mut input = String::new();
    for (a, b) in &ps {
        input.push_str(&format!("c\t{a}\t{b}\n"));
    }
    for v in &norm {
        input.push_str(&format!("n\t{v}\n"));
    }
    for (v, c) in &sat {
        input.push_str(&format!("s\t{v}\t{c}\n"));
    }
    let mut cmd = Command::new("php");
    cmd.args(["-r", COMPOSER_SEMVER]);
    let answers = run_lines("composer/semver", cmd, &input);
    assert_eq!(
        answers.len(),
        ps.len() + norm.len() + sat.len(),
        "composer/semver: answer count"
    );
    let (cmp_answers, rest) = answers.split_at(ps.len());
    let (norm_answers, sat_answers) = rest.split_at(norm.len());
    differential_known(
        "composer Comparator",
        Ecosystem::Composer,
        &ps,
        cmp_answers,
        &[],
    );

    let mut report = Report::new("composer VersionParser::normalize", &[]);
    for (v, ans) in norm.iter().zip(norm_answers) {
        let want = (ans != "\tinvalid").then_some(ans.as_str());
        let got = sekisho_version::composer::normalize(v);
        report.check(std::slice::from_ref(v), got.as_deref() == want, || {
            format!("{v}: oracle {want:?}, ours {got:?}")
        });
    }
    report.finish();

    differential_satisfies(
        "composer Semver::satisfies",
        Ecosystem::Composer,
        &sat,
        sat_answers,
    );
}
