//! .NET: `*.deps.json` and `packages.lock.json` against Trivy's goldens (`dotnet.json.golden`,
//! `nuget.json.golden`); `packages.config` and `Directory.Packages.props` against fixtures
//! written here from Microsoft's documentation (NuGet "packages.config reference" and "Central
//! Package Management"), as Trivy's repository fixtures have none.
//!
//! Deliberate differences from Trivy:
//! - `packages.config`: `developmentDependency="true"` packages are kept and marked dev
//!   (Trivy drops them); filters decide what is shown.
//! - `Directory.Packages.props`: `GlobalPackageReference` items and `VersionOverride` are read
//!   too, and items skipped for an MSBuild property (`$(…)`) are named in warnings.
//! - `packages.lock.json`: a dependency whose name the framework does not lock is dropped
//!   (Trivy keeps a dangling `name@` id).
//! - `.deps.json`: a project other than the root is kept with a direct/indirect relationship
//!   (Trivy's `workspace`, which our `Relationship` has no variant for).

mod common;
mod misc_helpers;

use common::{fixture, golden_packages};
use misc_helpers::{as_golden, linear, survives_hostile_input};
use sekisho_lang::{dotnet, Relationship};

#[test]
fn deps_json_matches_trivy() {
    let parsed = dotnet::deps_json(fixture("dotnet/datacollector.deps.json")).unwrap();
    let golden = golden_packages("dotnet.json.golden", "datacollector.deps.json");
    assert_eq!(as_golden(&parsed), golden);
}

#[test]
fn deps_json_targets_graph_and_runtime_assets() {
    let deps = br#"{
      "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0/linux-x64"},
      "targets": {
        ".NETCoreApp,Version=v8.0": {},
        ".NETCoreApp,Version=v8.0/linux-x64": {
          "App/1.0.0": {
            "dependencies": {"Serilog": "3.1.1", "Lib": "1.0.0", "CompileOnly": "2.0.0",
                             "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64": "8.0.0"},
            "runtime": {"App.dll": {}}
          },
          "Lib/1.0.0": {"dependencies": {"Serilog": "3.1.1"}, "runtime": {"Lib.dll": {}}},
          "Serilog/3.1.1": {"runtime": {"lib/net7.0/Serilog.dll": {"assemblyVersion": "2.0.0.0"}}},
          "CompileOnly/2.0.0": {"compile": {"ref/x.dll": {}}},
          "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0": {"runtime": {"System.Private.CoreLib.dll": {}}}
        }
      },
      "libraries": {
        "App/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
        "Lib/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
        "Serilog/3.1.1": {"type": "package", "serviceable": true, "sha512": "sha512-x"},
        "CompileOnly/2.0.0": {"type": "package", "serviceable": true},
        "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0": {"type": "runtimepack"},
        "Reference/1.0.0": {"type": "reference"},
        "NoVersion": {"type": "package"}
      }
    }"#;
    let parsed = dotnet::deps_json(deps).unwrap();
    let got: Vec<(&str, Relationship, Vec<String>)> = parsed
        .packages
        .iter()
        .map(|p| (p.id.as_str(), p.relationship, p.dependencies.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "App/1.0.0",
                Relationship::Root,
                vec![
                    "Lib/1.0.0".to_string(),
                    "Microsoft.NETCore.App.Runtime.linux-x64/8.0.0".to_string(),
                    "Serilog/3.1.1".to_string()
                ]
            ),
            (
                "Lib/1.0.0",
                Relationship::Direct,
                vec!["Serilog/3.1.1".to_string()]
            ),
            ("Serilog/3.1.1", Relationship::Direct, vec![]),
            (
                "Microsoft.NETCore.App.Runtime.linux-x64/8.0.0",
                Relationship::Direct,
                vec![]
            ),
        ]
    );
    assert_eq!(parsed.packages[2].purl(), "pkg:nuget/Serilog@3.1.1");
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
}

#[test]
fn packages_lock_matches_trivy() {
    let parsed = dotnet::packages_lock(fixture("nuget/packages.lock.json")).unwrap();
    let golden = golden_packages("nuget.json.golden", "packages.lock.json");
    assert_eq!(as_golden(&parsed), golden);
}

#[test]
fn packages_lock_frameworks_merge() {
    let lock = br#"{"version": 2, "dependencies": {
      "net6.0": {
        "A": {"type": "Direct", "requested": "[1.0.0, )", "resolved": "1.0.0", "dependencies": {"B": "2.0.0"}},
        "B": {"type": "Transitive", "resolved": "2.0.0"},
        "MyLib": {"type": "Project", "dependencies": {"A": "[1.0.0, )"}},
        "Broken": {"type": "Transitive"}
      },
      "net8.0": {
        "A": {"type": "Direct", "resolved": "1.0.0", "dependencies": {"C": "3.0.0", "Missing": "1.0"}},
        "C": {"type": "CentralTransitive", "requested": "[3.0.0, )", "resolved": "3.0.0"}
      }
    }}"#;
    let parsed = dotnet::packages_lock(lock).unwrap();
    let got: Vec<(&str, Relationship, Vec<String>)> = parsed
        .packages
        .iter()
        .map(|p| (p.id.as_str(), p.relationship, p.dependencies.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "A@1.0.0",
                Relationship::Direct,
                vec!["B@2.0.0".to_string(), "C@3.0.0".to_string()]
            ),
            ("B@2.0.0", Relationship::Indirect, vec![]),
            ("C@3.0.0", Relationship::Indirect, vec![]),
        ]
    );
    assert_eq!(parsed.warnings.len(), 1);
    assert!(parsed.warnings[0].contains("Broken"));
}

/// From Microsoft's "packages.config reference" (docs.microsoft.com/nuget/reference/packages-config).
const PACKAGES_CONFIG: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<packages>
  <package id="jQuery" version="3.1.1" targetFramework="net46" />
  <package id="NLog" version="4.3.10" targetFramework="net46" />
  <package id="Microsoft.Net.Compilers" version="2.4.0" developmentDependency="true" targetFramework="net46" />
  <package id="NLog" version="4.3.10" targetFramework="net46" />
  <package version="1.0.0" />
</packages>
"#;

#[test]
fn packages_config() {
    let parsed = dotnet::packages_config(PACKAGES_CONFIG.as_bytes()).unwrap();
    let got: Vec<(&str, &str, bool)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.dev))
        .collect();
    assert_eq!(
        got,
        [
            ("jQuery", "3.1.1", false),
            ("NLog", "4.3.10", false),
            ("Microsoft.Net.Compilers", "2.4.0", true),
        ]
    );
    assert_eq!(parsed.packages[0].purl(), "pkg:nuget/jQuery@3.1.1");
    assert_eq!(parsed.warnings.len(), 1);
    // With a byte-order mark, as Visual Studio writes it.
    let bom = [b"\xef\xbb\xbf".as_slice(), PACKAGES_CONFIG.as_bytes()].concat();
    assert_eq!(dotnet::packages_config(&bom).unwrap().packages.len(), 3);
}

/// From Microsoft's "Central Package Management" page
/// (learn.microsoft.com/nuget/consume-packages/central-package-management), with a
/// `GlobalPackageReference`, a conditional item group and a property version added.
const DIRECTORY_PACKAGES_PROPS: &str = r#"<Project>
  <PropertyGroup>
    <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
    <NewtonsoftVersion>13.0.1</NewtonsoftVersion>
  </PropertyGroup>
  <ItemGroup>
    <PackageVersion Include="Newtonsoft.Json" Version="13.0.1" />
    <PackageVersion Include="Serilog" Version="3.1.1" />
    <PackageVersion Include="Serilog.Sinks.Console" Version="$(SerilogSinksVersion)" />
  </ItemGroup>
  <ItemGroup Condition="'$(TargetFramework)' == 'net48'">
    <PackageVersion Include="System.Text.Json" Version="8.0.0" />
  </ItemGroup>
  <ItemGroup>
    <GlobalPackageReference Include="Nerdbank.GitVersioning" Version="3.6.133" />
  </ItemGroup>
</Project>
"#;

#[test]
fn directory_packages_props() {
    let parsed = dotnet::directory_packages_props(DIRECTORY_PACKAGES_PROPS.as_bytes()).unwrap();
    let got: Vec<(&str, &str)> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Newtonsoft.Json", "13.0.1"),
            ("Serilog", "3.1.1"),
            ("System.Text.Json", "8.0.0"),
            ("Nerdbank.GitVersioning", "3.6.133"),
        ]
    );
    assert_eq!(parsed.warnings.len(), 1);
    assert!(parsed.warnings[0].contains("Serilog.Sinks.Console"));
}

#[test]
fn malformed_files() {
    assert!(dotnet::deps_json(b"[]").is_err());
    assert!(dotnet::deps_json(b"{").is_err());
    assert!(dotnet::deps_json(b"{}").unwrap().packages.is_empty());
    assert!(dotnet::packages_lock(b"{\"version\": 1}").is_err());
    assert!(dotnet::packages_config(b"<project></project>").is_err());
    assert!(dotnet::packages_config(b"<packages><package id=\"a\" version=\"1\">").is_err());
    assert!(dotnet::packages_config(b"").is_err());
    assert!(dotnet::packages_config(b"<packages></wrong>").is_err());
    assert!(dotnet::directory_packages_props(b"<packages/>").is_err());
    assert!(dotnet::directory_packages_props(b"not xml at all").is_err());
}

#[test]
fn hostile_input_never_panics() {
    survives_hostile_input(
        dotnet::deps_json,
        "app.deps.json",
        fixture("dotnet/datacollector.deps.json"),
    );
    survives_hostile_input(
        dotnet::packages_lock,
        "packages.lock.json",
        fixture("nuget/packages.lock.json"),
    );
    survives_hostile_input(
        dotnet::packages_config,
        "packages.config",
        PACKAGES_CONFIG.as_bytes(),
    );
    survives_hostile_input(
        dotnet::directory_packages_props,
        "Directory.Packages.props",
        DIRECTORY_PACKAGES_PROPS.as_bytes(),
    );
}

#[test]
fn hundred_thousand_packages() {
    let n = 100_000;
    let mut libs = Vec::new();
    let mut targets = Vec::new();
    for i in 0..n {
        libs.push(format!("\"P{i}/1.0.{i}\": {{\"type\": \"package\"}}"));
        targets.push(format!(
            "\"P{i}/1.0.{i}\": {{\"dependencies\": {{\"P{}\": \"1.0.{}\"}}, \"runtime\": {{\"a.dll\": {{}}}}}}",
            i + 1,
            i + 1
        ));
    }
    let deps = format!(
        "{{\"runtimeTarget\": {{\"name\": \"t\"}}, \"targets\": {{\"t\": {{{}}}}}, \"libraries\": {{{}}}}}",
        targets.join(","),
        libs.join(",")
    );
    linear(dotnet::deps_json, "app.deps.json", deps.as_bytes(), n);

    let entries: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "\"P{i}\": {{\"type\": \"Transitive\", \"resolved\": \"1.0.{i}\", \"dependencies\": {{\"P{}\": \"1.0.{}\"}}}}",
                i + 1,
                i + 1
            )
        })
        .collect();
    let lock = format!(
        "{{\"version\": 1, \"dependencies\": {{\"net8.0\": {{{}}}}}}}",
        entries.join(",")
    );
    linear(
        dotnet::packages_lock,
        "packages.lock.json",
        lock.as_bytes(),
        n,
    );

    let mut config = String::from("<packages>\n");
    let mut props = String::from("<Project><ItemGroup>\n");
    for i in 0..n {
        config.push_str(&format!("<package id=\"P{i}\" version=\"1.0.{i}\" />\n"));
        props.push_str(&format!(
            "<PackageVersion Include=\"P{i}\" Version=\"1.0.{i}\" />\n"
        ));
    }
    config.push_str("</packages>\n");
    props.push_str("</ItemGroup></Project>\n");
    linear(
        dotnet::packages_config,
        "packages.config",
        config.as_bytes(),
        n,
    );
    linear(
        dotnet::directory_packages_props,
        "Directory.Packages.props",
        props.as_bytes(),
        n,
    );
}
