//! Language packages: what an application brought in, read from installed trees
//! (`site-packages`, `node_modules`, gemspecs, Composer's `installed.json`), lockfiles and
//! manifests, jars and compiled binaries (Go build info, cargo-auditable).
//!
//! The crate knows nothing of images: [`classify`] decides from a path which parser reads a
//! file, [`sniff`] decides from a file's first bytes for files whose name does not (binaries),
//! and [`parse`] turns the bytes into [`LangPackage`]s. The scan engine places them in layers
//! and in the report.

pub mod dotnet;
pub mod golang;
pub mod java;
pub mod npm;
pub mod other;
pub mod php;
pub mod purl;
pub mod python;
pub mod ruby;
pub mod rust;

use sekisho_model::PackageKind;

/// One package as one file records it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LangPackage {
    /// Ecosystem (purl type).
    pub kind: Option<PackageKind>,
    /// Name as the ecosystem writes it: npm `@scope/name`, Maven `group:artifact`, Go module
    /// path, Composer `vendor/name`, PyPI the name as recorded (not normalised).
    pub name: String,
    /// Version as recorded (Go with its `v`; empty when the file has none).
    pub version: String,
    /// Where the package is, relative to the directory holding the parsed file, when the file
    /// says (npm lockfile v2/v3 keys such as `node_modules/a/node_modules/b`, an installed
    /// package's own directory `.`); for a package inside an archive, the path of the member
    /// that holds it after `!` (`WEB-INF/lib/x.jar`). `None`: the parsed file itself.
    pub location: Option<String>,
    /// A development, test or optional dependency (kept, marked; filters decide what is shown).
    pub dev: bool,
    /// How the package relates to the project the file describes, when the file says.
    pub relationship: Relationship,
    /// Licences as declared.
    pub licenses: Vec<String>,
    /// Identifier of this package within the file, for [`LangPackage::dependencies`]
    /// (`name@version` unless the format has its own).
    pub id: String,
    /// Direct dependencies, as ids of packages of the same file.
    pub dependencies: Vec<String>,
    /// Files the package installed, relative to the parsed file's directory (Python `RECORD`),
    /// for ownership checks.
    pub files: Vec<String>,
}

impl LangPackage {
    /// A package of `kind` with `name` and `version`, id `name@version`, nothing else set.
    pub fn new(kind: PackageKind, name: impl Into<String>, version: impl Into<String>) -> Self {
        let name = name.into();
        let version = version.into();
        LangPackage {
            kind: Some(kind),
            id: format!("{name}@{version}"),
            name,
            version,
            ..LangPackage::default()
        }
    }

    /// The package URL.
    pub fn purl(&self) -> String {
        purl::purl(
            self.kind.unwrap_or(PackageKind::Npm),
            &self.name,
            &self.version,
        )
    }
}

/// How a package relates to the project a lockfile or manifest describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Relationship {
    /// The file does not say.
    #[default]
    Unknown,
    /// The project itself (Cargo's root crate, a Go binary's main module, a Composer root).
    Root,
    /// A dependency the project names.
    Direct,
    /// A dependency of a dependency.
    Indirect,
}

/// Which parser reads a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    /// `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, a `*.egg-info` file, `EGG-INFO/PKG-INFO`.
    PythonMetadata,
    /// `requirements*.txt`.
    PythonRequirements,
    /// `Pipfile.lock`.
    Pipfile,
    /// `poetry.lock`.
    Poetry,
    /// `uv.lock`.
    Uv,
    /// `pylock.toml`, `pylock.*.toml`.
    Pylock,
    /// `pdm.lock`.
    Pdm,
    /// `node_modules/**/package.json` (an installed package).
    NpmPackageJson,
    /// `package-lock.json`, `npm-shrinkwrap.json`, `node_modules/.package-lock.json`.
    NpmLock,
    /// `yarn.lock` (v1 and berry).
    Yarn,
    /// `pnpm-lock.yaml`.
    Pnpm,
    /// `bun.lock`.
    Bun,
    /// `*.jar`, `*.war`, `*.ear` and the other Java archive extensions.
    JavaArchive,
    /// `pom.xml`.
    Pom,
    /// `gradle.lockfile`.
    Gradle,
    /// `build.sbt.lock`.
    Sbt,
    /// `go.mod`.
    GoMod,
    /// `vendor/modules.txt`.
    GoVendor,
    /// An executable (ELF, Mach-O, PE): Go build info or cargo-auditable data.
    Binary,
    /// `Cargo.lock`.
    CargoLock,
    /// `specifications/*.gemspec`.
    Gemspec,
    /// `Gemfile.lock`, `gems.locked`.
    GemfileLock,
    /// `vendor/composer/installed.json`.
    ComposerInstalled,
    /// `composer.lock`.
    ComposerLock,
    /// `*.deps.json`.
    DepsJson,
    /// `packages.lock.json`.
    NugetLock,
    /// `packages.config`.
    PackagesConfig,
    /// `Directory.Packages.props`.
    DirectoryPackagesProps,
    /// `pubspec.lock`.
    PubspecLock,
    /// `mix.lock`.
    MixLock,
    /// `Package.resolved`.
    SwiftResolved,
    /// `Podfile.lock`.
    PodfileLock,
    /// `conan.lock`.
    ConanLock,
    /// Julia `Manifest.toml`.
    JuliaManifest,
    /// conda `environment.yml` / `environment.yaml`.
    CondaEnvironment,
}

impl FileType {
    /// Every file type, for fuzzing and documentation.
    pub const ALL: [FileType; 35] = [
        FileType::PythonMetadata,
        FileType::PythonRequirements,
        FileType::Pipfile,
        FileType::Poetry,
        FileType::Uv,
        FileType::Pylock,
        FileType::Pdm,
        FileType::NpmPackageJson,
        FileType::NpmLock,
        FileType::Yarn,
        FileType::Pnpm,
        FileType::Bun,
        FileType::JavaArchive,
        FileType::Pom,
        FileType::Gradle,
        FileType::Sbt,
        FileType::GoMod,
        FileType::GoVendor,
        FileType::Binary,
        FileType::CargoLock,
        FileType::Gemspec,
        FileType::GemfileLock,
        FileType::ComposerInstalled,
        FileType::ComposerLock,
        FileType::DepsJson,
        FileType::NugetLock,
        FileType::PackagesConfig,
        FileType::DirectoryPackagesProps,
        FileType::PubspecLock,
        FileType::MixLock,
        FileType::SwiftResolved,
        FileType::PodfileLock,
        FileType::ConanLock,
        FileType::JuliaManifest,
        FileType::CondaEnvironment,
    ];

    /// Whether this file is installed software (as opposed to a lockfile or manifest that
    /// describes what would be installed).
    pub fn is_installed(self) -> bool {
        matches!(
            self,
            FileType::PythonMetadata
                | FileType::NpmPackageJson
                | FileType::JavaArchive
                | FileType::Binary
                | FileType::Gemspec
                | FileType::ComposerInstalled
                | FileType::DepsJson
        )
    }
}

/// Limits that keep hostile files from exhausting memory or time.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest total of decompressed bytes read from one archive (jar entries, nested jars).
    pub max_archive_bytes: u64,
    /// Deepest nesting of archives inside archives.
    pub max_archive_depth: u32,
    /// Most packages taken from one file.
    pub max_packages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_archive_bytes: 1 << 30,
            max_archive_depth: 4,
            max_packages: 1_000_000,
        }
    }
}

/// Why a file could not be read. The scan names the file and goes on.
#[derive(Debug, thiserror::Error)]
pub enum LangError {
    /// The file is not in the format its name says.
    #[error("malformed {format}: {reason}")]
    Malformed {
        /// The format, e.g. `package-lock.json`.
        format: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A limit was reached.
    #[error("{0}")]
    Limit(String),
}

impl LangError {
    /// A [`LangError::Malformed`].
    pub fn malformed(format: &'static str, reason: impl std::fmt::Display) -> LangError {
        LangError::Malformed {
            format,
            reason: reason.to_string(),
        }
    }
}

/// What a parser found in one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The packages, in file order.
    pub packages: Vec<LangPackage>,
    /// Problems that did not stop the parse (a skipped record, a nested archive over a limit).
    pub warnings: Vec<String>,
}

/// The parser for a file, from its path alone (normalised, `/`-separated, no leading `/`).
/// `None` for files no parser reads by name (binaries are found by [`sniff`]).
pub fn classify(path: &str) -> Option<FileType> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let parent = parent_name(path);
    let t = match name {
        "METADATA" if parent.ends_with(".dist-info") => FileType::PythonMetadata,
        "PKG-INFO" if parent.ends_with(".egg-info") || parent == "EGG-INFO" => {
            FileType::PythonMetadata
        }
        "Pipfile.lock" => FileType::Pipfile,
        "poetry.lock" => FileType::Poetry,
        "uv.lock" => FileType::Uv,
        "pylock.toml" => FileType::Pylock,
        "pdm.lock" => FileType::Pdm,
        "package.json" if path.contains("node_modules/") => FileType::NpmPackageJson,
        "package-lock.json" | "npm-shrinkwrap.json" => FileType::NpmLock,
        ".package-lock.json" if parent == "node_modules" => FileType::NpmLock,
        "yarn.lock" => FileType::Yarn,
        "pnpm-lock.yaml" => FileType::Pnpm,
        "bun.lock" => FileType::Bun,
        "pom.xml" => FileType::Pom,
        "gradle.lockfile" => FileType::Gradle,
        "build.sbt.lock" => FileType::Sbt,
        "go.mod" => FileType::GoMod,
        "modules.txt" if parent == "vendor" => FileType::GoVendor,
        "Cargo.lock" => FileType::CargoLock,
        "Gemfile.lock" | "gems.locked" => FileType::GemfileLock,
        "installed.json" if path.ends_with("vendor/composer/installed.json") => {
            FileType::ComposerInstalled
        }
        "composer.lock" => FileType::ComposerLock,
        "packages.lock.json" => FileType::NugetLock,
        "packages.config" => FileType::PackagesConfig,
        "Directory.Packages.props" => FileType::DirectoryPackagesProps,
        "pubspec.lock" => FileType::PubspecLock,
        "mix.lock" => FileType::MixLock,
        "Package.resolved" => FileType::SwiftResolved,
        "Podfile.lock" => FileType::PodfileLock,
        "conan.lock" => FileType::ConanLock,
        "Manifest.toml" | "JuliaManifest.toml" => FileType::JuliaManifest,
        "environment.yml" | "environment.yaml" => FileType::CondaEnvironment,
        _ => return classify_by_extension(name, parent),
    };
    Some(t)
}

fn classify_by_extension(name: &str, parent: &str) -> Option<FileType> {
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    let t = match ext {
        "egg-info" => FileType::PythonMetadata,
        "jar" | "war" | "ear" | "jpi" | "hpi" | "kar" | "par" | "sar" | "nar" => {
            FileType::JavaArchive
        }
        "gemspec" if parent == "specifications" => FileType::Gemspec,
        "json" if name.ends_with(".deps.json") => FileType::DepsJson,
        "txt" if name.starts_with("requirements") => FileType::PythonRequirements,
        "toml" if name.starts_with("pylock.") => FileType::Pylock,
        _ => return None,
    };
    Some(t)
}

fn parent_name(path: &str) -> &str {
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    dir.rsplit('/').next().unwrap_or(dir)
}

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_LEN: usize = 4;

/// The parser for a file no name decides, from its first [`SNIFF_LEN`] bytes: executables
/// (ELF, Mach-O, PE) may carry Go build info or cargo-auditable data.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    const MAGICS: [&[u8]; 7] = [
        b"\x7fELF",
        b"MZ",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
    ];
    MAGICS
        .iter()
        .any(|m| head.starts_with(m))
        .then_some(FileType::Binary)
}

/// Read the packages `content` records. `path` is the file's path (for messages and for
/// formats whose name carries data, such as `*.egg-info` files).
pub fn parse(
    file: FileType,
    path: &str,
    content: &[u8],
    limits: &Limits,
) -> Result<Parsed, LangError> {
    let mut parsed = match file {
        FileType::PythonMetadata => python::metadata(path, content),
        FileType::PythonRequirements => python::requirements(content),
        FileType::Pipfile => python::pipfile_lock(content),
        FileType::Poetry => python::poetry_lock(content),
        FileType::Uv => python::uv_lock(content),
        FileType::Pylock => python::pylock(content),
        FileType::Pdm => python::pdm_lock(content),
        FileType::NpmPackageJson => npm::package_json(content),
        FileType::NpmLock => npm::package_lock(content),
        FileType::Yarn => npm::yarn_lock(content),
        FileType::Pnpm => npm::pnpm_lock(content),
        FileType::Bun => npm::bun_lock(content),
        FileType::JavaArchive => java::archive(path, content, limits),
        FileType::Pom => java::pom(content),
        FileType::Gradle => java::gradle_lockfile(content),
        FileType::Sbt => java::sbt_lock(content),
        FileType::GoMod => golang::go_mod(content),
        FileType::GoVendor => golang::vendor_modules(content),
        FileType::Binary => binary(content),
        FileType::CargoLock => rust::cargo_lock(content),
        FileType::Gemspec => ruby::gemspec(content),
        FileType::GemfileLock => ruby::gemfile_lock(content),
        FileType::ComposerInstalled => php::installed_json(content),
        FileType::ComposerLock => php::composer_lock(content),
        FileType::DepsJson => dotnet::deps_json(content),
        FileType::NugetLock => dotnet::packages_lock(content),
        FileType::PackagesConfig => dotnet::packages_config(content),
        FileType::DirectoryPackagesProps => dotnet::directory_packages_props(content),
        FileType::PubspecLock => other::pubspec_lock(content),
        FileType::MixLock => other::mix_lock(content),
        FileType::SwiftResolved => other::swift_resolved(content),
        FileType::PodfileLock => other::podfile_lock(content),
        FileType::ConanLock => other::conan_lock(content),
        FileType::JuliaManifest => other::julia_manifest(content),
        FileType::CondaEnvironment => other::conda_environment(content),
    }?;
    if parsed.packages.len() > limits.max_packages {
        parsed.warnings.push(format!(
            "{} packages, only the first {} kept",
            parsed.packages.len(),
            limits.max_packages
        ));
        parsed.packages.truncate(limits.max_packages);
    }
    Ok(parsed)
}

/// The manifest a lockfile's reader consults beside it (same directory), when there is one:
/// `Cargo.toml` says which of `Cargo.lock`'s crates only dev-dependencies bring in; a yarn
/// v1 lockfile does not record the project at all, its `package.json` does.
pub fn companion(file: FileType) -> Option<&'static str> {
    match file {
        FileType::CargoLock => Some("Cargo.toml"),
        FileType::Yarn => Some("package.json"),
        _ => None,
    }
}

/// Which packages only development dependencies bring in: those reachable from `dev_starts`
/// and not from `normal_starts` (indexes into `packages`, edges by id).
pub(crate) fn dev_only(
    packages: &[LangPackage],
    normal_starts: Vec<usize>,
    dev_starts: Vec<usize>,
) -> Vec<bool> {
    let index: std::collections::HashMap<&str, usize> = packages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let reach = |starts: Vec<usize>| {
        let mut seen = vec![false; packages.len()];
        let mut stack = starts;
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            stack.extend(
                packages[i]
                    .dependencies
                    .iter()
                    .filter_map(|d| index.get(d.as_str()).copied()),
            );
        }
        seen
    };
    let normal = reach(normal_starts);
    let dev = reach(dev_starts);
    normal.into_iter().zip(dev).map(|(n, d)| d && !n).collect()
}

/// [`parse`], then what the [`companion`] manifest (its bytes, when present) adds.
pub fn parse_with_companion(
    file: FileType,
    path: &str,
    content: &[u8],
    manifest: Option<&[u8]>,
    limits: &Limits,
) -> Result<Parsed, LangError> {
    let mut parsed = parse(file, path, content, limits)?;
    match (file, manifest) {
        (FileType::CargoLock, Some(manifest)) => rust::mark_cargo_dev(&mut parsed, manifest),
        (FileType::Yarn, Some(manifest)) => npm::apply_package_json(&mut parsed, manifest),
        _ => {}
    }
    Ok(parsed)
}

/// An executable: Go build info, else cargo-auditable data, else nothing (not an error: most
/// executables are neither).
fn binary(content: &[u8]) -> Result<Parsed, LangError> {
    let go = golang::binary(content)?;
    if !go.packages.is_empty() {
        return Ok(go);
    }
    let mut parsed = rust::auditable_binary(content)?;
    parsed.warnings.extend(go.warnings);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        let cases = [
            (
                "opt/venv/lib/python3.11/site-packages/idna-2.10.dist-info/METADATA",
                Some(FileType::PythonMetadata),
            ),
            (
                "srv/legacy/vendor/docopt-0.6.2-py3.11.egg-info/PKG-INFO",
                Some(FileType::PythonMetadata),
            ),
            (
                "usr/lib/python3/dist-packages/foo-1.0.egg-info",
                Some(FileType::PythonMetadata),
            ),
            (
                "srv/web/node_modules/send/node_modules/ms/package.json",
                Some(FileType::NpmPackageJson),
            ),
            ("srv/web/package.json", None),
            (
                "srv/web/node_modules/.package-lock.json",
                Some(FileType::NpmLock),
            ),
            ("opt/app/app.war", Some(FileType::JavaArchive)),
            (
                "usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec",
                Some(FileType::Gemspec),
            ),
            ("src/app/rack.gemspec", None),
            (
                "srv/php/vendor/composer/installed.json",
                Some(FileType::ComposerInstalled),
            ),
            (
                "app/requirements-dev.txt",
                Some(FileType::PythonRequirements),
            ),
            ("app/bin/app.deps.json", Some(FileType::DepsJson)),
            ("src/goapp/vendor/modules.txt", Some(FileType::GoVendor)),
            ("usr/bin/ls", None),
        ];
        for (path, want) in cases {
            assert_eq!(classify(path), want, "{path}");
        }
    }

    #[test]
    fn sniffs_executables() {
        assert_eq!(sniff(b"\x7fELF\x02"), Some(FileType::Binary));
        assert_eq!(sniff(b"#!/bin/sh"), None);
    }
}
