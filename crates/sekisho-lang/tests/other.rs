//! Dart, Elixir, Swift, CocoaPods, Conan, Julia and conda environments, against Trivy's
//! goldens (`pubspec.lock.json.golden`, `mix.lock.json.golden`, `swift.json.golden`,
//! `cocoapods.json.golden`, `conan.json.golden`, `conda-environment-cyclonedx.json.golden`).
//! Julia has no Trivy golden here: its fixtures are written from the Pkg.jl documentation's
//! description of `Manifest.toml` (format 2.0 `[[deps.Name]]` and the older top-level
//! `[[Name]]`), with real registry UUIDs.
//!
//! Deliberate differences from Trivy:
//! - `mix.lock`: dependencies are reported (the `deps` list of each Hex tuple, resolved to the
//!   apps the lock holds; Trivy reports none), and the name is the Hex package of the tuple
//!   (equal to the key unless the dependency is renamed).
//! - `Podfile.lock`: pods named under `DEPENDENCIES` are direct, the others indirect (Trivy
//!   leaves the relationship empty).
//! - `Package.resolved`: scp-style (`git@host:path`) and `ssh://` locations are named like
//!   `https://` ones; Trivy trims only `https://`.
//! - `conan.lock` v1: nodes reached only through `build_requires` are dev, node `0` with a ref
//!   is the root; v2 reads `build_requires` / `python_requires` (dev) too.
//! - `environment.yml`: the `pip:` sub-list gives PyPI packages (Trivy reports them as conda
//!   packages), a `channel::` prefix is dropped from names, and a version is kept only when the
//!   spec pins one release (`1.2.*` is no version).
//! - `pubspec.lock`: `direct dev` packages are marked dev (Trivy: only direct).
//! - Julia stdlib entries without `version` take `julia_version` when the manifest records it,
//!   and are left out otherwise (Trivy writes `unknown`).

mod common;
mod misc_helpers;

use common::{fixture, golden_packages, trivy_repo, GoldenPackage};
use misc_helpers::{as_golden, linear, survives_hostile_input};
use sekisho_lang::{other, Relationship};
use sekisho_model::PackageKind;

#[test]
fn pubspec_lock_matches_trivy() {
    let parsed = other::pubspec_lock(fixture("pubspec/pubspec.lock")).unwrap();
    assert_eq!(
        as_golden(&parsed),
        golden_packages("pubspec.lock.json.golden", "pubspec.lock")
    );
}

#[test]
fn pubspec_lock_dev_and_sdk() {
    let lock = br#"
packages:
  flutter:
    dependency: "direct main"
    description: flutter
    source: sdk
    version: "0.0.0"
  lints:
    dependency: "direct dev"
    description:
      name: lints
      sha256: "0a217c6c77f7fb2ad10f3c3d8fa4c4dc4d8a5dba11a35dd8d1b4f2a6f1c1a9b4"
      url: "https://pub.dev"
    source: hosted
    version: "2.1.1"
  path:
    dependency: "direct overridden"
    source: hosted
    version: "1.8.3"
  broken:
    dependency: transitive
sdks:
  dart: ">=3.0.0 <4.0.0"
"#;
    let parsed = other::pubspec_lock(lock).unwrap();
    let got: Vec<(&str, &str, Relationship, bool)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.relationship, p.dev))
        .collect();
    assert_eq!(
        got,
        [
            ("flutter", "0.0.0", Relationship::Direct, false),
            ("lints", "2.1.1", Relationship::Direct, true),
            ("path", "1.8.3", Relationship::Direct, false),
        ]
    );
    assert_eq!(parsed.packages[1].purl(), "pkg:pub/lints@2.1.1");
    assert_eq!(parsed.warnings.len(), 1);
}

fn without_dependencies(mut pkgs: Vec<GoldenPackage>) -> Vec<GoldenPackage> {
    for p in &mut pkgs {
        p.depends_on.clear();
    }
    pkgs
}

#[test]
fn mix_lock_matches_trivy() {
    let parsed = other::mix_lock(fixture("mixlock/mix.lock")).unwrap();
    let golden = golden_packages("mix.lock.json.golden", "mix.lock");
    // Trivy reports no dependencies for mix.lock; ours are checked below.
    assert_eq!(without_dependencies(as_golden(&parsed)), golden);
    let phoenix = parsed
        .packages
        .iter()
        .find(|p| p.name == "phoenix")
        .unwrap();
    assert_eq!(
        phoenix.dependencies,
        [
            "castore@0.1.18",
            "jason@1.4.0",
            "phoenix_pubsub@2.1.1",
            "phoenix_view@2.0.1",
            "plug@1.14.0",
            "plug_crypto@1.2.3",
            "telemetry@1.1.0"
        ]
    );
    assert!(parsed.warnings.is_empty());
}

#[test]
fn mix_lock_git_renamed_and_bad_entries() {
    let lock = br#"%{
  "my_dep": {:git, "https://github.com/x/my_dep.git", "0123abcd", [branch: "main"]},
  "json_alias": {:hex, :jason, "1.4.1", "fd", [:mix], [{:decimal, "~> 2.0", [hex: :decimal, repo: "hexpm", optional: true]}], "hexpm", "ab"},
  "decimal": {:hex, :decimal, "2.1.1", "53", [:mix], [], "hexpm", "ff"},
  "bad": {:hex},
  "Weird": "not a tuple",
}
"#;
    let parsed = other::mix_lock(lock).unwrap();
    let got: Vec<(&str, &str, Vec<String>)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.dependencies.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("jason", "1.4.1", vec!["decimal@2.1.1".to_string()]),
            ("decimal", "2.1.1", vec![]),
        ]
    );
    assert_eq!(parsed.warnings.len(), 2, "{:?}", parsed.warnings);
    assert!(other::mix_lock(b"[1, 2]").is_err());
    assert!(other::mix_lock(b"%{\"a\": {:hex, :a, \"1\"").is_err());
    assert!(other::mix_lock(b"").is_err());
    // Deep nesting is refused, not a stack overflow.
    let deep = format!("%{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    common::dump_project("mix.lock", deep.as_bytes());
    assert!(other::mix_lock(deep.as_bytes()).is_err());
}

#[test]
fn swift_resolved_matches_trivy() {
    let parsed = other::swift_resolved(fixture("swift/Package.resolved")).unwrap();
    assert_eq!(
        as_golden(&parsed),
        golden_packages("swift.json.golden", "Package.resolved")
    );
}

#[test]
fn swift_resolved_v2_and_v3() {
    let resolved = br#"{
  "originHash" : "abc",
  "pins" : [
    {
      "identity" : "swift-numerics",
      "kind" : "remoteSourceControl",
      "location" : "https://github.com/apple/swift-numerics.git",
      "state" : { "revision" : "0a5bc04095a675662cf24757cc0640aa2204253b", "version" : "1.0.2" }
    },
    {
      "identity" : "swift-log",
      "kind" : "remoteSourceControl",
      "location" : "git@github.com:apple/swift-log.git",
      "state" : { "branch" : "main", "revision" : "e97a6fcb1ab07462881ac165fdbb37f067e205d5" }
    },
    {
      "identity" : "pinned-revision",
      "kind" : "remoteSourceControl",
      "location" : "https://github.com/x/pinned-revision",
      "state" : { "revision" : "e97a6fcb1ab07462881ac165fdbb37f067e205d5" }
    }
  ],
  "version" : 3
}"#;
    let parsed = other::swift_resolved(resolved).unwrap();
    let got: Vec<(&str, &str)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("github.com/apple/swift-numerics", "1.0.2"),
            ("github.com/apple/swift-log", "main"),
        ]
    );
    assert_eq!(
        parsed.packages[0].purl(),
        "pkg:swift/github.com/apple/swift-numerics@1.0.2"
    );
    assert_eq!(parsed.warnings.len(), 1);
    assert!(other::swift_resolved(b"{\"version\": 2}").is_err());
}

#[test]
fn podfile_lock_matches_trivy() {
    let parsed = other::podfile_lock(fixture("cocoapods/Podfile.lock")).unwrap();
    let mut golden = golden_packages("cocoapods.json.golden", "Podfile.lock");
    // The pod is under DEPENDENCIES: direct (Trivy leaves the relationship empty).
    for p in &mut golden {
        p.relationship = "direct".to_string();
    }
    assert_eq!(as_golden(&parsed), golden);
}

#[test]
fn podfile_lock_subspecs_and_graph() {
    let lock = br#"PODS:
  - AppCenter (4.4.3):
    - AppCenter/Analytics (= 4.4.3)
    - AppCenter/Crashes (= 4.4.3)
  - AppCenter/Analytics (4.4.3):
    - AppCenter/Core
  - AppCenter/Core (4.4.3)
  - AppCenter/Crashes (4.4.3):
    - AppCenter/Core
  - KeychainAccess (4.2.1)
  - not a pod line

DEPENDENCIES:
  - AppCenter (~> 4.0)
  - KeychainAccess

SPEC REPOS:
  trunk:
    - AppCenter
    - KeychainAccess

COCOAPODS: 1.11.3
"#;
    let parsed = other::podfile_lock(lock).unwrap();
    let got: Vec<(&str, Relationship, Vec<String>)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.relationship, p.dependencies.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "AppCenter",
                Relationship::Direct,
                vec![
                    "AppCenter/Analytics@4.4.3".to_string(),
                    "AppCenter/Crashes@4.4.3".to_string()
                ]
            ),
            (
                "AppCenter/Analytics",
                Relationship::Indirect,
                vec!["AppCenter/Core@4.4.3".to_string()]
            ),
            ("AppCenter/Core", Relationship::Indirect, vec![]),
            (
                "AppCenter/Crashes",
                Relationship::Indirect,
                vec!["AppCenter/Core@4.4.3".to_string()]
            ),
            ("KeychainAccess", Relationship::Direct, vec![]),
        ]
    );
    assert_eq!(
        parsed.packages[1].purl(),
        "pkg:cocoapods/AppCenter@4.4.3#Analytics"
    );
    assert_eq!(parsed.warnings.len(), 1);
    assert!(other::podfile_lock(b"PODS: 3\n").is_err());
    assert!(other::podfile_lock(b"PODS: [\n").is_err());
}

#[test]
fn conan_lock_matches_trivy() {
    let parsed = other::conan_lock(fixture("conan/conan.lock")).unwrap();
    assert_eq!(
        as_golden(&parsed),
        golden_packages("conan.json.golden", "conan.lock")
    );
}

#[test]
fn conan_lock_v2_and_build_requires() {
    let v2 = br#"{
    "version": "0.5",
    "requires": [
        "zlib/1.2.11#4524fcdd41f33e8df88ece6e755a5dcc%1663178024.573",
        "openssl/3.0.5@mycompany/stable#c1e8f7a2e4a5f4f0b7a3f8a9f6c0b1d2%1662124590.123",
        "broken"
    ],
    "build_requires": ["cmake/3.24.1#a1b2%1662000000.0"],
    "python_requires": []
}"#;
    let parsed = other::conan_lock(v2).unwrap();
    let got: Vec<(&str, &str, bool)> = parsed
        .packages
        .iter()
        .map(|p| (p.id.as_str(), p.version.as_str(), p.dev))
        .collect();
    assert_eq!(
        got,
        [
            ("zlib/1.2.11", "1.2.11", false),
            ("openssl/3.0.5", "3.0.5", false),
            ("cmake/3.24.1", "3.24.1", true),
        ]
    );
    assert_eq!(parsed.packages[0].purl(), "pkg:conan/zlib@1.2.11");
    assert_eq!(parsed.warnings.len(), 1);

    let v1 = br#"{"graph_lock": {"nodes": {
        "0": {"ref": "app/1.0", "requires": ["1"], "build_requires": ["2"]},
        "1": {"ref": "fmt/9.1.0", "requires": []},
        "2": {"ref": "cmake/3.24.1"}
    }}, "version": "0.4"}"#;
    let parsed = other::conan_lock(v1).unwrap();
    let got: Vec<(&str, Relationship, bool, Vec<String>)> = parsed
        .packages
        .iter()
        .map(|p| (p.id.as_str(), p.relationship, p.dev, p.dependencies.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "app/1.0",
                Relationship::Root,
                false,
                vec!["cmake/3.24.1".to_string(), "fmt/9.1.0".to_string()]
            ),
            ("fmt/9.1.0", Relationship::Direct, false, vec![]),
            ("cmake/3.24.1", Relationship::Indirect, true, vec![]),
        ]
    );
    assert!(other::conan_lock(b"{}").is_err());
    assert!(other::conan_lock(b"{\"graph_lock\": {\"nodes\": []}}").is_err());
}

/// Format 2.0, as Pkg.jl writes it (Pkg.jl docs, "Manifest.toml"), with a stdlib chain,
/// a path-tracked package and two entries of one name.
const MANIFEST_V2: &str = r#"# This file is machine-generated - editing it directly is not advised

julia_version = "1.9.3"
manifest_format = "2.0"
project_hash = "e7a0b3e1a6b0b6d2f1c9bb7a3f1d4c5e6f7a8b9c"

[[deps.Dates]]
deps = ["Printf"]
uuid = "ade2ca70-3891-5945-98fb-dc099432e06a"

[[deps.Example]]
deps = ["Dates", "JSON"]
git-tree-sha1 = "46e44e869b4d90b96bd8ed1fdcf32244fddfb6cc"
uuid = "7876af07-990d-54b4-ab0e-23690620f79a"
version = "0.5.3"

[[deps.JSON]]
deps = ["Dates", "Mmap", "Parsers", "Unicode"]
git-tree-sha1 = "31e996f0a15c7b280ba9f76636b3ff9e2ae58c9a"
uuid = "682c06a0-de6a-54ab-a142-c8b1cf79cde6"
version = "0.21.4"

[[deps.MyLocal]]
path = "dev/MyLocal"
uuid = "11111111-2222-3333-4444-555555555555"

[[deps.Parsers]]
deps = ["Dates", "PrecompileTools", "UUIDs"]
git-tree-sha1 = "716e24b21538abc91f6205fd1d8363f39b442851"
uuid = "69de0a69-1ddd-5017-9359-2bf0b02dc9f0"
version = "2.7.2"

[[deps.Printf]]
deps = ["Unicode"]
uuid = "de0858da-6303-5e67-8744-51eddeeeb8d7"

[[deps.Twin]]
uuid = "aaaaaaaa-0000-0000-0000-000000000001"
version = "1.0.0"

[[deps.Twin]]
uuid = "aaaaaaaa-0000-0000-0000-000000000002"
version = "2.0.0"

[[deps.UsesTwin]]
uuid = "bbbbbbbb-0000-0000-0000-000000000001"
version = "0.1.0"

    [deps.UsesTwin.deps]
    Twin = "aaaaaaaa-0000-0000-0000-000000000002"

[[deps.Unicode]]
uuid = "4ec0a83e-493e-50e2-b9ac-8f72acf5a8f5"

[[deps.NoUuid]]
version = "1.0.0"
"#;

/// The format before 2.0 (Julia ≤ 1.6): top-level `[[Name]]`, no `julia_version`.
const MANIFEST_V1: &str = r#"# This file is machine-generated - editing it directly is not advised

[[Dates]]
deps = ["Printf"]
uuid = "ade2ca70-3891-5945-98fb-dc099432e06a"

[[JSON]]
deps = ["Dates", "Mmap", "Parsers", "Unicode"]
git-tree-sha1 = "81690084b6198a2e1da36fcfda16eeca9f9f24e4"
uuid = "682c06a0-de6a-54ab-a142-c8b1cf79cde6"
version = "0.21.1"

[[Parsers]]
deps = ["Dates"]
git-tree-sha1 = "c8abc88faa3f7a3950832ac5d6e690881590d6dc"
uuid = "69de0a69-1ddd-5017-9359-2bf0b02dc9f0"
version = "1.1.0"
"#;

#[test]
fn julia_manifest_v2() {
    let parsed = other::julia_manifest(MANIFEST_V2.as_bytes()).unwrap();
    let got: Vec<(&str, &str, &str, Vec<String>)> = parsed
        .packages
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.id.as_str(),
                p.dependencies.clone(),
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        [
            (
                "Dates",
                "1.9.3",
                "ade2ca70-3891-5945-98fb-dc099432e06a",
                s(&["de0858da-6303-5e67-8744-51eddeeeb8d7"])
            ),
            (
                "Example",
                "0.5.3",
                "7876af07-990d-54b4-ab0e-23690620f79a",
                s(&[
                    "682c06a0-de6a-54ab-a142-c8b1cf79cde6",
                    "ade2ca70-3891-5945-98fb-dc099432e06a"
                ])
            ),
            (
                "JSON",
                "0.21.4",
                "682c06a0-de6a-54ab-a142-c8b1cf79cde6",
                s(&[
                    "4ec0a83e-493e-50e2-b9ac-8f72acf5a8f5",
                    "69de0a69-1ddd-5017-9359-2bf0b02dc9f0",
                    "ade2ca70-3891-5945-98fb-dc099432e06a"
                ])
            ),
            (
                "MyLocal",
                "",
                "11111111-2222-3333-4444-555555555555",
                s(&[])
            ),
            (
                "Parsers",
                "2.7.2",
                "69de0a69-1ddd-5017-9359-2bf0b02dc9f0",
                s(&["ade2ca70-3891-5945-98fb-dc099432e06a"])
            ),
            (
                "Printf",
                "1.9.3",
                "de0858da-6303-5e67-8744-51eddeeeb8d7",
                s(&["4ec0a83e-493e-50e2-b9ac-8f72acf5a8f5"])
            ),
            (
                "Twin",
                "1.0.0",
                "aaaaaaaa-0000-0000-0000-000000000001",
                s(&[])
            ),
            (
                "Twin",
                "2.0.0",
                "aaaaaaaa-0000-0000-0000-000000000002",
                s(&[])
            ),
            (
                "Unicode",
                "1.9.3",
                "4ec0a83e-493e-50e2-b9ac-8f72acf5a8f5",
                s(&[])
            ),
            (
                "UsesTwin",
                "0.1.0",
                "bbbbbbbb-0000-0000-0000-000000000001",
                s(&["aaaaaaaa-0000-0000-0000-000000000002"])
            ),
        ]
    );
    assert!(parsed
        .packages
        .iter()
        .all(|p| p.kind == Some(PackageKind::Julia)));
    assert_eq!(parsed.packages[1].purl(), "pkg:julia/Example@0.5.3");
    assert_eq!(parsed.warnings.len(), 1);
    assert!(parsed.warnings[0].contains("NoUuid"));
}

#[test]
fn julia_manifest_v1() {
    let parsed = other::julia_manifest(MANIFEST_V1.as_bytes()).unwrap();
    let got: Vec<(&str, &str, Vec<String>)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.dependencies.clone()))
        .collect();
    // Dates is a stdlib with no version and no julia_version to give it: left out, and so
    // are the edges to it.
    assert_eq!(
        got,
        [
            (
                "JSON",
                "0.21.1",
                vec!["69de0a69-1ddd-5017-9359-2bf0b02dc9f0".to_string()]
            ),
            ("Parsers", "1.1.0", vec![]),
        ]
    );
    assert!(other::julia_manifest(b"[[deps.X]\n").is_err());
    assert!(other::julia_manifest(b"manifest_format = \"2.0\"\ndeps = 3\n").is_err());
}

#[test]
fn conda_environment_matches_trivy() {
    let parsed = other::conda_environment(fixture("conda-environment/environment.yaml")).unwrap();
    // Trivy's answer is a CycloneDX document: its library components.
    let golden: serde_json::Value = serde_json::from_slice(
        &trivy_repo()["trivy-repo/testdata/conda-environment-cyclonedx.json.golden"],
    )
    .unwrap();
    let mut want: Vec<(String, String, String)> = golden["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "library")
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap_or("").to_string();
            (text("name"), text("version"), text("purl"))
        })
        .collect();
    want.sort();
    let mut got: Vec<(String, String, String)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone(), p.purl()))
        .collect();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn conda_environment_specs_and_pip() {
    let env = br#"name: ml
channels:
  - conda-forge
  - defaults
dependencies:
  - python=3.11
  - numpy==1.26.0
  - conda-forge::openssl=3.1.3=hd590300_0
  - scipy>=1.10
  - pandas
  - pip
  - pip:
      - requests[socks]==2.31.0
      - flask>=2.0
      - -r requirements.txt
      - git+https://github.com/x/y.git
  - 42
  - other: [a]
prefix: /opt/conda/envs/ml
"#;
    let parsed = other::conda_environment(env).unwrap();
    let got: Vec<(PackageKind, &str, &str)> = parsed
        .packages
        .iter()
        .map(|p| (p.kind.unwrap(), p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (PackageKind::Conda, "python", "3.11"),
            (PackageKind::Conda, "numpy", "1.26.0"),
            (PackageKind::Conda, "openssl", "3.1.3"),
            (PackageKind::Conda, "scipy", ""),
            (PackageKind::Conda, "pandas", ""),
            (PackageKind::Conda, "pip", ""),
            (PackageKind::Pypi, "requests", "2.31.0"),
            (PackageKind::Pypi, "flask", ""),
        ]
    );
    assert_eq!(parsed.packages[6].purl(), "pkg:pypi/requests@2.31.0");
    assert_eq!(parsed.warnings.len(), 2, "{:?}", parsed.warnings);
    assert!(other::conda_environment(b"dependencies: 3\n").is_err());
    assert!(other::conda_environment(b"- a\n- b\n").is_err());
    assert!(other::conda_environment(b"name: x\n")
        .unwrap()
        .packages
        .is_empty());
}

#[test]
fn hostile_input_never_panics() {
    survives_hostile_input(
        other::pubspec_lock,
        "pubspec.lock",
        fixture("pubspec/pubspec.lock"),
    );
    survives_hostile_input(other::mix_lock, "mix.lock", fixture("mixlock/mix.lock"));
    survives_hostile_input(
        other::swift_resolved,
        "Package.resolved",
        fixture("swift/Package.resolved"),
    );
    survives_hostile_input(
        other::podfile_lock,
        "Podfile.lock",
        fixture("cocoapods/Podfile.lock"),
    );
    survives_hostile_input(other::conan_lock, "conan.lock", fixture("conan/conan.lock"));
    survives_hostile_input(
        other::julia_manifest,
        "Manifest.toml",
        MANIFEST_V2.as_bytes(),
    );
    survives_hostile_input(
        other::julia_manifest,
        "Manifest.toml",
        MANIFEST_V1.as_bytes(),
    );
    survives_hostile_input(
        other::conda_environment,
        "environment.yaml",
        fixture("conda-environment/environment.yaml"),
    );
}

#[test]
fn hundred_thousand_entries() {
    let n = 100_000;
    let mut pubspec = String::from("packages:\n");
    let mut mix = String::from("%{\n");
    let mut pins = Vec::new();
    let mut pods = String::from("PODS:\n");
    let mut conan = Vec::new();
    let mut julia = String::from("julia_version = \"1.9.3\"\nmanifest_format = \"2.0\"\n");
    let mut conda = String::from("dependencies:\n");
    for i in 0..n {
        let next = i + 1;
        pubspec.push_str(&format!(
            "  p{i}:\n    dependency: transitive\n    source: hosted\n    version: \"1.0.{i}\"\n"
        ));
        mix.push_str(&format!(
            "  \"p{i}\": {{:hex, :p{i}, \"1.0.{i}\", \"h\", [:mix], [{{:p{next}, \"~> 1.0\", [hex: :p{next}, repo: \"hexpm\", optional: false]}}], \"hexpm\", \"h\"}},\n"
        ));
        pins.push(format!(
            "{{\"identity\": \"p{i}\", \"location\": \"https://example.com/p{i}.git\", \"state\": {{\"version\": \"1.0.{i}\"}}}}"
        ));
        pods.push_str(&format!("  - P{i} (1.0.{i}):\n    - P{next}\n"));
        conan.push(format!(
            "\"{next}\": {{\"ref\": \"p{i}/1.0.{i}\", \"requires\": [\"{}\"]}}",
            next + 1
        ));
        julia.push_str(&format!(
            "[[deps.P{i}]]\ndeps = [\"P{next}\"]\nuuid = \"uuid-{i}\"\nversion = \"1.0.{i}\"\n"
        ));
        conda.push_str(&format!("  - p{i}=1.0.{i}=h0\n"));
    }
    mix.push_str("}\n");
    let swift = format!("{{\"version\": 2, \"pins\": [{}]}}", pins.join(","));
    let conan = format!(
        "{{\"graph_lock\": {{\"nodes\": {{\"0\": {{\"requires\": [\"1\"]}}, {}}}}}}}",
        conan.join(",")
    );
    linear(other::pubspec_lock, "pubspec.lock", pubspec.as_bytes(), n);
    linear(other::mix_lock, "mix.lock", mix.as_bytes(), n);
    linear(
        other::swift_resolved,
        "Package.resolved",
        swift.as_bytes(),
        n,
    );
    linear(other::podfile_lock, "Podfile.lock", pods.as_bytes(), n);
    linear(other::conan_lock, "conan.lock", conan.as_bytes(), n);
    linear(other::julia_manifest, "Manifest.toml", julia.as_bytes(), n);
    linear(
        other::conda_environment,
        "environment.yaml",
        conda.as_bytes(),
        n,
    );
}
