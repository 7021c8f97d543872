//! Every line of the OSV comparison vectors, in both directions.

mod common;

use std::cmp::Ordering;

use sekisho_version::{compare, Ecosystem};

/// Lines excluded, by file and line text, with the reason. Only hand-written files: every line of
/// every generated file (made by the ecosystems' own tools) passes.
const EXCLUDED: &[(&str, &str, &str)] = &[
    // alpine-versions.txt marks these as depending on the apk-tools release ("on latest apk ...
    // but on 3.x ..."); we follow apk-tools 2.10 (Alpine 3.10), which made the generated file.
    ("alpine-versions.txt", "1-r-0 < 1-r0", "apk-tools release dependent (file comment)"),
    ("alpine-versions.txt", "1-r-1 < 1-r0", "apk-tools release dependent (file comment)"),
    ("alpine-versions.txt", "1.2.0A < 1.2.0d", "apk-tools release dependent (file comment)"),
    ("alpine-versions.txt", "1.2.0D < 1.2.0d", "apk-tools release dependent (file comment)"),
    ("alpine-versions.txt", "1 > 1-ruff", "apk-tools release dependent (file comment)"),
    ("alpine-versions.txt", "1-ruff2 = 1--ruff1", "apk-tools release dependent (file comment)"),
    (
        "alpine-versions.txt",
        "0.1.0_alpha_pre2 < 0.1.0_alpha",
        "apk-tools 2.10 puts the longer version after: a suffix number token is not a suffix",
    ),
    (
        "maven-versions.txt",
        "1-1 = 1-ga-1",
        "Maven 3.9 behaviour; ComparableVersion 3.8.6 (the generated file's reference) gives <",
    ),
    (
        "packagist-versions.txt",
        "1.2.3.# = 1.2.3",
        "PHP version_compare: `#` canonicalises to a trailing `.`, an empty part, which is less",
    ),
    (
        "packagist-versions.txt",
        "1.2.3.# = 1.2.3.#",
        "PHP version_compare returns -1 for this version against itself (trailing empty part)",
    ),
    (
        "packagist-versions.txt",
        "1.2.3.# = 1.2.3.1",
        "PHP version_compare: an empty part is less than a number",
    ),
    (
        "packagist-versions.txt",
        "999999999999999999999999999991 < 999999999999999999999999999999",
        "PHP version_compare saturates numbers at PHP_INT_MAX, so these are equal",
    ),
    (
        "packagist-versions.txt",
        "999999999999999999999999999991.999999999999999999999999999991.999999999999999999999999999991 < 999999999999999999999999999999.999999999999999999999999999991.999999999999999999999999999991",
        "PHP version_compare saturates numbers at PHP_INT_MAX, so these are equal",
    ),
    ("rubygems-versions.txt", "1 > 1beta", "RubyGems 3.3 rejects `1beta` as malformed"),
    ("rubygems-versions.txt", "1 > 1gamma", "RubyGems 3.3 rejects `1gamma` as malformed"),
];

fn check(file: &str, eco: Ecosystem) -> (usize, Vec<String>) {
    let files = common::fixture_files();
    let text = files.get(file).unwrap_or_else(|| panic!("{file} missing"));
    let mut pass = 0;
    let mut failures = Vec::new();
    for l in common::parse_lines(text) {
        let line = format!(
            "{} {} {}",
            l.a,
            match l.op {
                Ordering::Less => "<",
                Ordering::Equal => "=",
                Ordering::Greater => ">",
            },
            l.b
        );
        if EXCLUDED.iter().any(|(f, t, _)| *f == file && *t == line) {
            continue;
        }
        let fwd = compare(eco, &l.a, &l.b);
        let rev = compare(eco, &l.b, &l.a);
        match (fwd, rev) {
            (Ok(x), Ok(y)) if x == l.op && y == l.op.reverse() => pass += 1,
            (x, y) => failures.push(format!(
                "{file}:{}: {line}: got {x:?} / reversed {y:?}",
                l.line_no
            )),
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
    assert!(
        failures.is_empty(),
        "{file}: {} of {} lines failed",
        failures.len(),
        pass + failures.len()
    );
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
