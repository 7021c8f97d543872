//! `satisfies` per constraint syntax, with cases from each ecosystem's documentation.

use sekisho_version::{satisfies, Ecosystem};

fn check(eco: Ecosystem, cases: &[(&str, &str, bool)]) {
    let mut failures = Vec::new();
    for (v, c, want) in cases {
        match satisfies(eco, v, c) {
            Ok(got) if got == *want => {}
            got => failures.push(format!("{eco} {v} in {c:?}: want {want}, got {got:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn npm_node_semver() {
    check(
        Ecosystem::Npm,
        &[
            ("1.2.3", ">=1.2.3 <2", true),
            ("2.0.0", ">=1.2.3 <2", false),
            ("1.9.9", "^1.2.3", true),
            ("2.0.0", "^1.2.3", false),
            ("0.2.5", "^0.2.3", true),
            ("0.3.0", "^0.2.3", false),
            ("0.0.4", "^0.0.3", false),
            ("1.2.9", "~1.2.3", true),
            ("1.3.0", "~1.2.3", false),
            ("1.9.0", "~1", true),
            ("1.2.7", "1.2.x", true),
            ("1.3.0", "1.2.x", false),
            ("3.0.0", "*", true),
            ("1.5.0", "1 || 3", true),
            ("2.5.0", "1 || 3", false),
            ("2.3.4", "1.2.3 - 2.3.4", true),
            ("2.3.5", "1.2.3 - 2.3.4", false),
            ("2.3.9", "1.2.3 - 2.3", true),
            ("2.4.0", "1.2.3 - 2.3", false),
            ("1.2.3", "=1.2.3", true),
            ("1.2.4", "> 1.2.3", true),
            ("1.3.0", ">1.2", true),
            ("1.2.9", ">1.2", false),
            ("1.2.9", "<=1.2", true),
            ("1.3.0-beta", ">=1.2.3 <2", false),
            ("1.2.3-beta.4", ">1.2.3-alpha.3", true),
            ("3.4.5-alpha.9", ">1.2.3-alpha.3", false),
            ("v1.2.3", "^1.0.0", true),
        ],
    );
    assert!(sekisho_version::range::satisfies_npm("1.3.0-beta", ">=1.2.3 <2", true).unwrap());
}

#[test]
fn composer_constraints() {
    check(
        Ecosystem::Composer,
        &[
            ("1.2.0", ">=1.0,<1.5.3|>=2.0,<2.1", true),
            ("1.5.3", ">=1.0,<1.5.3|>=2.0,<2.1", false),
            ("2.0.5", ">=1.0,<1.5.3|>=2.0,<2.1", true),
            ("2.1.0", ">=1.0,<1.5.3 || >=2.0,<2.1", false),
            ("1.5.3-beta", "<1.5.3", false),
            ("1.2.9", "~1.2", true),
            ("2.0.0", "~1.2", false),
            ("1.2.9", "~1.2.3", true),
            ("1.3.0", "~1.2.3", false),
            ("1.9.0", "^1.2.3", true),
            ("2.0.0", "^1.2.3", false),
            ("0.3.9", "^0.3", true),
            ("0.4.0", "^0.3", false),
            ("1.0.7", "1.0.*", true),
            ("1.1.0", "1.0.*", false),
            ("2.0.9", "1.0 - 2.0", true),
            ("2.1.0", "1.0 - 2.0", false),
            ("v1.2.3", "1.2.3", true),
            ("1.2.3", ">=1.2 <2", true),
            ("dev-main", ">=1.0", false),
        ],
    );
}

#[test]
fn rubygems_requirements() {
    check(
        Ecosystem::Gem,
        &[
            ("2.9", "~> 2.2", true),
            ("3.0", "~> 2.2", false),
            ("2.2.9", "~> 2.2.0", true),
            ("2.3.0", "~> 2.2.0", false),
            ("1.5", ">= 1, < 2", true),
            ("2.0", ">= 1, < 2", false),
            ("1.5", "!= 1.5", false),
            ("1.5.0", "= 1.5", true),
            ("2.0.0.rc1", "< 2.0.0", true),
            ("1.2.3", "~> 1.2.3 || >= 3", true),
        ],
    );
}

#[test]
fn pep440_specifiers() {
    check(
        Ecosystem::Pypi,
        &[
            ("1.5", ">=1.0,<2.0", true),
            ("2.0", ">=1.0,<2.0", false),
            ("1.4.5", "~=1.4.2", true),
            ("1.5.0", "~=1.4.2", false),
            ("2.2.1", "~=2.2", true),
            ("3.0", "~=2.2", false),
            ("1.9", "==1.*", true),
            ("2.0", "==1.*", false),
            ("1.5", "!=1.5", false),
            ("1.5.1", "!=1.5.*", false),
            ("1.0+local", "==1.0", true),
            ("1.0+local", "==1.0+local", true),
            ("1.0+other", "==1.0+local", false),
            ("1.7.dev1", "<1.7", false),
            ("1.7.post1", ">1.7", false),
            ("1.7.1", ">1.7", true),
            ("1.0rc1", "<1.0", false),
            ("0.9rc1", "<1.0", true),
            ("1.0", "===1.0", true),
        ],
    );
}

#[test]
fn maven_and_nuget_ranges() {
    let cases = [
        ("1.5", "[1.0,2.0)", true),
        ("2.0", "[1.0,2.0)", false),
        ("1.0", "(,1.0]", true),
        ("1.0.1", "(,1.0]", false),
        ("1.2", "[1.2]", true),
        ("3.5", "[1,2),[3,4)", true),
        ("2.5", "[1,2),[3,4)", false),
        ("1.0", "(1.0,)", false),
    ];
    check(Ecosystem::Maven, &cases);
    check(Ecosystem::Nuget, &cases);
    check(
        Ecosystem::Maven,
        &[
            ("2.0-SNAPSHOT", "[1.0,2.0)", true),
            ("1.5", ">= 1.0, < 2.0", true),
        ],
    );
}

#[test]
fn simple_lists() {
    check(
        Ecosystem::Golang,
        &[
            ("v1.2.3", ">=1.2.0, <1.2.5", true),
            ("v1.2.5", ">=1.2.0, <1.2.5", false),
            ("v0.0.0-20200101000000-abcdef123456", "< 0.1.0", true),
            ("v2.0.0+incompatible", ">= 2.0.0 || < 1", true),
        ],
    );
    check(
        Ecosystem::Cargo,
        &[
            ("1.9.0", "^1.2", true),
            ("2.0.0", "^1.2", false),
            ("1.2.9", "~1.2", true),
        ],
    );
    check(
        Ecosystem::Hex,
        &[
            ("2.9.0", "~> 2.0", true),
            ("1.5.0", ">= 1.0.0 and < 2.0.0", true),
        ],
    );
    check(
        Ecosystem::Deb,
        &[
            ("1.2-1", "< 1.2-2", true),
            ("1:0.9", ">= 1.0", true),
            ("1.0~rc1", ">=1.0", false),
        ],
    );
    check(Ecosystem::Apk, &[("1.2.3-r1", ">=1.2.3-r0, <1.2.4", true)]);
    check(Ecosystem::Rpm, &[("0:1.2-3.el8", "<1.2-4.el8", true)]);
    assert!(satisfies(Ecosystem::Npm, "1.0.0", ">=x.y").is_err());
    assert!(satisfies(Ecosystem::Deb, "1.0", ">=").is_err());
}
