//! Ruby: gemspecs and `Gemfile.lock`.
//!
//! Trivy's repository fixtures have no Ruby case, so the ground truth is the debian-app image
//! (`../shared/data/images/groundtruth/debian-app.lang.tsv`): its dpkg-installed
//! `rack-2.2.22.gemspec` and its hand-written `/srv/rb/Gemfile.lock`, both read from the OCI
//! layout. Trivy's behaviour (pkg/dependency/parser/ruby/bundler, …/gemspec) was read and is
//! followed: ids `name@version`, gems under `DEPENDENCIES` direct, the others indirect,
//! platform suffixes dropped from versions.
//!
//! Deliberate differences from Trivy:
//! - Only `specs:` lines of source sections (`GEM`, `GIT`, `PATH`, `PLUGIN SOURCE`) are gems;
//!   Trivy takes any 4-space line anywhere in the file.
//! - A lock without `DEPENDENCIES` leaves relationships unknown (Trivy: all indirect).
//! - A gemspec whose `name` / `version` assignments are missing falls back to RubyGems'
//!   `# stub: name version` line; Trivy fails.

mod common;
mod misc_helpers;

use misc_helpers::{as_golden, debian_app_file, linear, survives_hostile_input};
use sekisho_lang::{classify, parse, ruby, FileType, Limits, Relationship};

const RACK_GEMSPEC: &str = "usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec";

#[test]
fn debian_app_gemspec_is_rack_2_2_22() {
    let content = debian_app_file(RACK_GEMSPEC);
    assert_eq!(classify(RACK_GEMSPEC), Some(FileType::Gemspec));
    let parsed = parse(
        FileType::Gemspec,
        RACK_GEMSPEC,
        &content,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(parsed.packages.len(), 1);
    let rack = &parsed.packages[0];
    assert_eq!(
        (rack.name.as_str(), rack.version.as_str()),
        ("rack", "2.2.22")
    );
    assert_eq!(rack.licenses, ["MIT"]);
    assert_eq!(rack.id, "rack@2.2.22");
    assert_eq!(rack.purl(), "pkg:gem/rack@2.2.22");
    assert!(rack.dependencies.is_empty());
    assert!(parsed.warnings.is_empty());
}

#[test]
fn gemspec_literal_forms() {
    let spec = br#"# -*- encoding: utf-8 -*-
# stub: nokogiri 1.15.4 x86_64-linux lib

Gem::Specification.new do |spec|
  spec.name = %q{nokogiri}
  spec.version = Gem::Version.new("1.15.4")
  spec.platform = "x86_64-linux".freeze
  spec.license = 'MIT'.freeze
  spec.summary = "Nokogiri (\u92f8) makes it easy".freeze
end
"#;
    let p = &ruby::gemspec(spec).unwrap().packages[0];
    assert_eq!(
        (p.name.as_str(), p.version.as_str()),
        ("nokogiri", "1.15.4")
    );
    assert_eq!(p.licenses, ["MIT"]);

    let spec = br#"Gem::Specification.new do |s|
  s.name = %q<json>.freeze
  s.version = '2.6.3'
  s.licenses = ["Ruby".freeze, "BSD-2-Clause".freeze]
  s.name_suffix == "x"
end
"#;
    let p = &ruby::gemspec(spec).unwrap().packages[0];
    assert_eq!((p.name.as_str(), p.version.as_str()), ("json", "2.6.3"));
    assert_eq!(p.licenses, ["Ruby", "BSD-2-Clause"]);

    // Another receiver is not the spec: `other.name` is ignored.
    let spec = br#"Gem::Specification.new do |s|
  other.name = "wrong"
  s.name = "right"
  s.version = "1.0"
end
"#;
    assert_eq!(ruby::gemspec(spec).unwrap().packages[0].name, "right");

    // Only the stub line.
    let spec = b"# stub: rake 13.0.6 ruby lib\n";
    let p = &ruby::gemspec(spec).unwrap().packages[0];
    assert_eq!((p.name.as_str(), p.version.as_str()), ("rake", "13.0.6"));

    assert!(ruby::gemspec(b"Gem::Specification.new do |s|\n  s.name = \"x\"\nend\n").is_err());
    assert!(ruby::gemspec(b"").is_err());
}

/// The debian-app lock (also kept here as text, so a change to the image shows).
const DEBIAN_APP_LOCK: &str = "GEM
  remote: https://registry.invalid/
  specs:
    mustermann (1.1.1)
      ruby2_keywords (~> 0.0.1)
    rack (2.2.3)
    rack-protection (2.1.0)
      rack
    ruby2_keywords (0.0.5)
    sinatra (2.1.0)
      mustermann (~> 1.0)
      rack (~> 2.2)
      rack-protection (= 2.1.0)
      tilt (~> 2.0)
    tilt (2.0.10)

PLATFORMS
  ruby

DEPENDENCIES
  rack (= 2.2.3)
  sinatra (= 2.1.0)

BUNDLED WITH
   2.3.26
";

#[test]
fn debian_app_gemfile_lock() {
    let content = debian_app_file("srv/rb/Gemfile.lock");
    assert_eq!(String::from_utf8_lossy(&content), DEBIAN_APP_LOCK);
    let parsed = parse(
        FileType::GemfileLock,
        "srv/rb/Gemfile.lock",
        &content,
        &Limits::default(),
    )
    .unwrap();
    let mut got: Vec<(String, String, &str, Vec<String>)> = as_golden(&parsed)
        .into_iter()
        .map(|p| {
            let rel = match p.relationship.as_str() {
                "direct" => "direct",
                "indirect" => "indirect",
                _ => "?",
            };
            (p.name, p.version, rel, p.depends_on)
        })
        .collect();
    got.sort();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            (
                "mustermann".into(),
                "1.1.1".into(),
                "indirect",
                s(&["ruby2_keywords@0.0.5"])
            ),
            ("rack".into(), "2.2.3".into(), "direct", vec![]),
            (
                "rack-protection".into(),
                "2.1.0".into(),
                "indirect",
                s(&["rack@2.2.3"])
            ),
            ("ruby2_keywords".into(), "0.0.5".into(), "indirect", vec![]),
            (
                "sinatra".into(),
                "2.1.0".into(),
                "direct",
                s(&[
                    "mustermann@1.1.1",
                    "rack-protection@2.1.0",
                    "rack@2.2.3",
                    "tilt@2.0.10"
                ])
            ),
            ("tilt".into(), "2.0.10".into(), "indirect", vec![]),
        ]
    );
    assert!(parsed
        .packages
        .iter()
        .all(|p| p.purl().starts_with("pkg:gem/")));
    assert!(parsed.warnings.is_empty());
}

#[test]
fn gemfile_lock_git_path_platforms() {
    let lock = "GIT
  remote: https://github.com/rails/rails.git
  revision: 0123456789abcdef
  branch: main
  specs:
    activesupport (7.1.0.alpha)
      concurrent-ruby (~> 1.0, >= 1.0.2)

PATH
  remote: engines/billing
  specs:
    billing (0.1.0)
      activesupport

GEM
  remote: https://rubygems.org/
  specs:
    concurrent-ruby (1.2.2)
    nokogiri (1.13.0-x86_64-linux)
      racc (~> 1.4)
    nokogiri (1.13.0-arm64-darwin)
      racc (~> 1.4)
    racc (1.6.2)
    weird line without version

PLATFORMS
  arm64-darwin
  x86_64-linux

DEPENDENCIES
  activesupport!
  billing!
  nokogiri

CHECKSUMS
  nokogiri (1.13.0-x86_64-linux) sha256=00

BUNDLED WITH
   2.5.0
";
    let parsed = ruby::gemfile_lock(lock.as_bytes()).unwrap();
    let got: Vec<(&str, &str, Relationship)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.relationship))
        .collect();
    assert_eq!(
        got,
        [
            ("activesupport", "7.1.0.alpha", Relationship::Direct),
            ("billing", "0.1.0", Relationship::Direct),
            ("concurrent-ruby", "1.2.2", Relationship::Indirect),
            ("nokogiri", "1.13.0", Relationship::Direct),
            ("racc", "1.6.2", Relationship::Indirect),
        ]
    );
    assert_eq!(
        parsed.packages[1].dependencies,
        ["activesupport@7.1.0.alpha"]
    );
    assert_eq!(parsed.packages[3].dependencies, ["racc@1.6.2"]);
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    assert!(parsed.warnings[0].contains("weird line"));
}

#[test]
fn gemfile_lock_malformed() {
    assert!(ruby::gemfile_lock(b"    rack (2.2.3)\n").is_err());
    assert!(ruby::gemfile_lock(b"{\"not\": \"a lock\"}").is_err());
    assert!(ruby::gemfile_lock(b"").unwrap().packages.is_empty());
    // No DEPENDENCIES section: relationships unknown.
    let parsed = ruby::gemfile_lock(b"GEM\n  specs:\n    rack (2.2.3)\n").unwrap();
    assert_eq!(parsed.packages[0].relationship, Relationship::Unknown);
}

#[test]
fn hostile_input_never_panics() {
    survives_hostile_input(
        ruby::gemfile_lock,
        "Gemfile.lock",
        DEBIAN_APP_LOCK.as_bytes(),
    );
    survives_hostile_input(
        ruby::gemspec,
        "specifications/x-1.0.gemspec",
        &debian_app_file(RACK_GEMSPEC),
    );
    survives_hostile_input(ruby::gemspec, "specifications/x-1.0.gemspec",b"Gem::Specification.new do |s|\n s.name = %q{a\\}b}\n s.version = \"1\\\"\n s.licenses = [\"MIT\", 'x'\n");
}

#[test]
fn hundred_thousand_gems() {
    let mut lock = String::from("GEM\n  remote: https://rubygems.org/\n  specs:\n");
    for i in 0..100_000 {
        lock.push_str(&format!(
            "    gem{i} (1.0.{i})\n      gem{} (>= 0)\n",
            i + 1
        ));
    }
    lock.push_str("\nDEPENDENCIES\n");
    for i in 0..100_000 {
        lock.push_str(&format!("  gem{i}\n"));
    }
    linear(ruby::gemfile_lock, "Gemfile.lock", lock.as_bytes(), 100_000);
}
