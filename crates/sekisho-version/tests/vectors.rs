//! Every line of the OSV comparison vectors, in both directions.

mod common;

use std::cmp::Ordering;

use sekisho_version::{compare, Ecosystem};

/// Lines excluded, by file and line text, with the reason.
const EXCLUDED: &[(&str, &str, &str)] = &[];

fn check(file: &str, eco: Ecosystem) -> (usize, Vec<String>) {
    let files = common::fixture_files();
    let text = files.get(file).unwrap_or_else(|| panic!("{file} missing"));
    let mut pass = 0;
    let mut failures = Vec::new();
    for l in common::parse_lines(text) {
        let line = format!("{} {} {}", l.a, match l.op { Ordering::Less => "<", Ordering::Equal => "=", Ordering::Greater => ">" }, l.b);
        if EXCLUDED.iter().any(|(f, t, _)| *f == file && *t == line) {
            continue;
        }
        let fwd = compare(eco, &l.a, &l.b);
        let rev = compare(eco, &l.b, &l.a);
        match (fwd, rev) {
            (Ok(x), Ok(y)) if x == l.op && y == l.op.reverse() => pass += 1,
            (x, y) => failures.push(format!("{file}:{}: {line}: got {x:?} / reversed {y:?}", l.line_no)),
        }
    }
    (pass, failures)
}

fn run(file: &str, eco: Ecosystem) {
    let (pass, failures) = check(file, eco);
    eprintln!("{file}: {pass} passed, {} failed", failures.len());
    for f in failures.iter().take(200) {
        eprintln!("  {f}");
    }
    assert!(failures.is_empty(), "{file}: {} of {} lines failed", failures.len(), pass + failures.len());
}

macro_rules! vector_tests {
    ($($name:ident: $file:literal => $eco:expr;)*) => {
        $(#[test] fn $name() { run($file, $eco); })*
    };
}

vector_tests! {
    alpine_generated: "alpine-versions-generated.txt" => Ecosystem::Apk;
    alpine_handwritten: "alpine-versions.txt" => Ecosystem::Apk;
    debian_generated: "debian-versions-generated.txt" => Ecosystem::Deb;
    debian_handwritten: "debian-versions.txt" => Ecosystem::Deb;
    maven_generated: "maven-versions-generated.txt" => Ecosystem::Maven;
    maven_handwritten: "maven-versions.txt" => Ecosystem::Maven;
    packagist_generated: "packagist-versions-generated.txt" => Ecosystem::Composer;
    packagist_handwritten: "packagist-versions.txt" => Ecosystem::Composer;
    pypi_generated: "pypi-versions-generated.txt" => Ecosystem::Pypi;
    pypi_handwritten: "pypi-versions.txt" => Ecosystem::Pypi;
    rubygems_generated: "rubygems-versions-generated.txt" => Ecosystem::Gem;
    rubygems_handwritten: "rubygems-versions.txt" => Ecosystem::Gem;
    redhat: "redhat-versions.txt" => Ecosystem::Rpm;
    nuget: "nuget-versions.txt" => Ecosystem::Nuget;
    semver: "semver-versions.txt" => Ecosystem::Npm;
}
