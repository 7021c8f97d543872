//! PHP: `composer.lock` and `vendor/composer/installed.json`, against Trivy's goldens
//! (`composer.lock.json.golden`, `composer.vendor.json.golden`) and the debian-app image.
//!
//! Deliberate differences from Trivy:
//! - `composer.lock`: Trivy's golden says guzzlehttp/guzzle is `direct` and guzzlehttp/psr7
//!   `indirect`; it learns that from the `composer.json` next to the lock. Our parser sees the
//!   lock alone, which does not say, so both are unknown (the engine may merge
//!   `composer.json` the way Trivy does). Everything else (ids, versions, dependencies,
//!   purls, licences) matches.
//! - `installed.json`: Composer 1's top-level array is read too (Trivy reads only the
//!   Composer 2 object), and `dev-package-names` marks packages dev (Trivy ignores it).
//! - A `require` satisfied by a package that `replace`s or `provide`s the name is a dependency
//!   on that package (Trivy resolves real names only).

mod common;
mod misc_helpers;

use common::{fixture, golden_packages, GoldenPackage};
use misc_helpers::{as_golden, debian_app_file, linear, survives_hostile_input};
use sekisho_lang::{php, LangError};

fn without_relationship(mut pkgs: Vec<GoldenPackage>) -> Vec<GoldenPackage> {
    for p in &mut pkgs {
        p.relationship.clear();
    }
    pkgs
}

#[test]
fn composer_lock_matches_trivy() {
    let parsed = php::composer_lock(fixture("composer/composer.lock")).unwrap();
    let golden = golden_packages("composer.lock.json.golden", "composer.lock");
    let ours = as_golden(&parsed);
    // Relationship comes from composer.json in Trivy (see the module comment).
    assert!(ours.iter().all(|p| p.relationship.is_empty()));
    assert_eq!(ours, without_relationship(golden));
    assert!(parsed.packages.iter().all(|p| p.licenses == ["MIT"]));
    assert!(parsed.warnings.is_empty());
}

#[test]
fn installed_json_matches_trivy() {
    let parsed = php::installed_json(fixture("composer-vendor/installed.json")).unwrap();
    let golden = golden_packages("composer.vendor.json.golden", "installed.json");
    assert_eq!(as_golden(&parsed), golden);
    assert!(parsed.packages.iter().all(|p| p.licenses == ["MIT"]));
}

#[test]
fn debian_app_composer_files() {
    for (path, parse) in [
        (
            "srv/php/composer.lock",
            php::composer_lock as misc_helpers::ParseFn,
        ),
        (
            "srv/php/vendor/composer/installed.json",
            php::installed_json as misc_helpers::ParseFn,
        ),
    ] {
        let parsed = parse(&debian_app_file(path)).unwrap();
        let got: Vec<(&str, &str)> = parsed
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            [("monolog/monolog", "2.3.5"), ("psr/log", "1.1.4")],
            "{path}"
        );
        assert_eq!(parsed.packages[0].dependencies, ["psr/log@1.1.4"], "{path}");
        assert_eq!(
            parsed.packages[0].purl(),
            "pkg:composer/monolog/monolog@2.3.5"
        );
    }
}

#[test]
fn composer_1_installed_json_and_dev_names() {
    let v1 = br#"[
        {"name": "a/a", "version": "1.0.0", "require": {"php": ">=7", "b/b": "^2", "ext-json": "*"}, "license": "MIT"},
        {"name": "b/b", "version": "v2.1.0", "license": ["BSD-3-Clause", "GPL-2.0"]},
        {"version": "9.9.9"}
    ]"#;
    let parsed = php::installed_json(v1).unwrap();
    assert_eq!(parsed.packages.len(), 2);
    assert_eq!(parsed.packages[0].dependencies, ["b/b@v2.1.0"]);
    assert_eq!(parsed.packages[1].licenses, ["BSD-3-Clause", "GPL-2.0"]);
    assert_eq!(parsed.warnings.len(), 1);

    let v2 = br#"{"packages": [
        {"name": "a/a", "version": "1.0.0"},
        {"name": "phpunit/phpunit", "version": "9.5.0", "require": {"a/a": "*"}}
    ], "dev": true, "dev-package-names": ["phpunit/phpunit"]}"#;
    let parsed = php::installed_json(v2).unwrap();
    assert!(!parsed.packages[0].dev);
    assert!(parsed.packages[1].dev);
    assert_eq!(parsed.packages[1].dependencies, ["a/a@1.0.0"]);
}

#[test]
fn composer_lock_dev_and_replace() {
    let lock = br#"{
        "packages": [
            {"name": "app/core", "version": "1.0.0", "require": {"psr/log-implementation": "1.0", "symfony/polyfill-php80": "^1"}},
            {"name": "monolog/monolog", "version": "2.3.5", "provide": {"psr/log-implementation": "1.0.0"}},
            {"name": "symfony/polyfill", "version": "1.27.0", "replace": {"symfony/polyfill-php80": "self.version"}}
        ],
        "packages-dev": [
            {"name": "phpunit/phpunit", "version": "9.6.0", "require": {"app/core": "*"}},
            {"name": "monolog/monolog", "version": "2.3.5"}
        ]
    }"#;
    let parsed = php::composer_lock(lock).unwrap();
    assert_eq!(parsed.packages.len(), 4);
    assert_eq!(
        parsed.packages[0].dependencies,
        ["monolog/monolog@2.3.5", "symfony/polyfill@1.27.0"]
    );
    assert!(
        !parsed.packages[1].dev,
        "a prod package listed again in dev stays prod"
    );
    assert!(parsed.packages[3].dev);
}

#[test]
fn malformed_files() {
    for bad in [
        &b""[..],
        b"[]",
        b"{\"packages\": 3}",
        b"{\"packages\": [",
        b"null",
    ] {
        assert!(
            matches!(php::composer_lock(bad), Err(LangError::Malformed { .. })),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    for bad in [&b""[..], b"3", b"{\"dev\": true}"] {
        assert!(php::installed_json(bad).is_err());
    }
    // A lock with no packages at all is fine.
    assert!(php::composer_lock(b"{}").unwrap().packages.is_empty());
}

#[test]
fn hostile_input_never_panics() {
    survives_hostile_input(
        php::composer_lock,
        "composer.lock",
        fixture("composer/composer.lock"),
    );
    survives_hostile_input(
        php::installed_json,
        "vendor/composer/installed.json",
        fixture("composer-vendor/installed.json"),
    );
}

#[test]
fn hundred_thousand_packages() {
    let mut lock = String::from("{\"packages\": [");
    for i in 0..100_000 {
        if i > 0 {
            lock.push(',');
        }
        lock.push_str(&format!(
            "{{\"name\": \"v/p{i}\", \"version\": \"1.0.{i}\", \"require\": {{\"v/p{}\": \"*\", \"php\": \"*\"}}}}",
            i + 1
        ));
    }
    lock.push_str("]}");
    linear(
        php::composer_lock,
        "composer.lock",
        lock.as_bytes(),
        100_000,
    );
    let installed = format!("{{\"packages\": {}", &lock[13..]);
    linear(
        php::installed_json,
        "vendor/composer/installed.json",
        installed.as_bytes(),
        100_000,
    );
}
