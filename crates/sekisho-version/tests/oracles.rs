//! Differential tests against the ecosystems' own tools, on version pairs drawn (deterministic
//! shuffle) from the vector files. Each is skipped with a message when its tool is missing, and
//! fails instead when `SEKISHO_REQUIRE_ORACLES=1`.

mod common;

use std::cmp::Ordering;
use std::io::Write;
use std::process::{Command, Stdio};

use sekisho_version::{compare, Ecosystem};

fn required() -> bool {
    std::env::var("SEKISHO_REQUIRE_ORACLES").is_ok_and(|v| v == "1")
}

fn skip(name: &str, why: &str) {
    assert!(!required(), "oracle {name} required but unavailable: {why}");
    eprintln!("skipping {name} oracle: {why}");
}

/// `n` pairs of versions from the given fixture files, shuffled deterministically.
fn pairs(files: &[&str], n: usize, seed: u64) -> Vec<(String, String)> {
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

fn differential(name: &str, eco: Ecosystem, pairs: &[(String, String)], answers: &[String]) {
    assert_eq!(pairs.len(), answers.len(), "{name}: answer count");
    let mut agree = 0;
    let mut skipped = 0;
    let mut failures = Vec::new();
    for ((a, b), ans) in pairs.iter().zip(answers) {
        let Some(want) = ord(ans) else {
            skipped += 1;
            continue;
        };
        match compare(eco, a, b) {
            Ok(got) if got == want => agree += 1,
            got => failures.push(format!("{a} vs {b}: oracle {want:?}, ours {got:?}")),
        }
    }
    eprintln!(
        "{name}: {agree} agree, {} disagree, {skipped} rejected by the oracle",
        failures.len()
    );
    for f in &failures {
        eprintln!("  {f}");
    }
    assert!(
        failures.is_empty(),
        "{name}: {} disagreements",
        failures.len()
    );
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
