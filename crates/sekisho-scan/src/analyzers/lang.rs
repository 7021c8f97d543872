//! Language packages: installed trees, lockfiles, manifests, jars and binaries in every layer
//! (parsers in `sekisho-lang`). Files are parsed while their layer streams and only the
//! packages are kept; after the merge, the packages of each file's final copy are reported,
//! each attributed to the first layer whose copy of the file already listed it.

use std::collections::{BTreeMap, HashMap, HashSet};

use sekisho_audit::AuditOutput;
use sekisho_image::{Entry, EntryKind, Interest};
use sekisho_lang::{FileType, LangPackage, Limits};
use sekisho_model::{LayerRef, Package, PackageKind};

use crate::analyzer::{Analysis, Analyzer};

/// Largest lockfile or manifest read (a 100k-package `package-lock.json` is about 40 MB).
const MAX_MANIFEST: u64 = 128 << 20;
/// Smallest executable worth sniffing (no Go or Rust binary is smaller).
const MIN_BINARY: u64 = 4096;

/// How the found files are read: as an image's installed software, or as a project's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// An image or root filesystem: what is installed is the truth; an npm lockfile's
    /// packages that are installed under its directory are reported once, as installed.
    Image,
    /// A project directory (`sekisho fs`): the lockfile is the project's statement; installed
    /// `node_modules` packages under a directory with an npm lockfile are not reported apart
    /// (they only lend their licences), as `trivy fs` does.
    Project,
}

/// Reads language packages.
pub struct LangPackages {
    profile: Profile,
    limits: Limits,
}

impl LangPackages {
    /// The analyzer for `profile`.
    pub fn new(profile: Profile) -> LangPackages {
        LangPackages {
            profile,
            limits: Limits::default(),
        }
    }
}

fn is_executable(entry: &Entry) -> bool {
    entry.kind == EntryKind::File && entry.mode & 0o111 != 0 && entry.size >= MIN_BINARY
}

impl Analyzer for LangPackages {
    fn name(&self) -> &'static str {
        "language packages"
    }

    fn interest(&self, entry: &Entry) -> Interest {
        if entry.kind != EntryKind::File {
            return Interest::Skip;
        }
        match sekisho_lang::classify(&entry.path) {
            Some(FileType::JavaArchive) => Interest::Whole,
            Some(_) if entry.size <= MAX_MANIFEST => Interest::Whole,
            Some(_) => Interest::Skip,
            None if entry.size <= MAX_COMPANION && is_companion(&entry.path) => Interest::Whole,
            None if is_executable(entry) => Interest::Head(sekisho_lang::SNIFF_LEN),
            None => Interest::Skip,
        }
    }

    fn peek(&self, _entry: &Entry, head: &[u8]) -> bool {
        sekisho_lang::sniff(head).is_some()
    }

    fn cache_id(&self) -> Option<String> {
        Some(format!("language packages {:?}", self.limits))
    }

    fn on_file(&self, entry: &Entry, content: &[u8], out: &mut AuditOutput) {
        let Some(file) =
            sekisho_lang::classify(&entry.path).or_else(|| sekisho_lang::sniff(content))
        else {
            // A companion manifest: kept for the lockfile beside it.
            out.bytes.get_or_insert_with(|| content.to_vec());
            return;
        };
        if sekisho_lang::companion(file).is_some() {
            // Read after the merge, with the manifest beside it.
            out.bytes.get_or_insert_with(|| content.to_vec());
            return;
        }
        let parsed = sekisho_lang::parse(file, &entry.path, content, &self.limits);
        record(file, &entry.path, parsed, out);
    }

    fn analyze(&self, ctx: &mut Analysis<'_>) {
        let scan = ctx.scan;
        let layers = &ctx.report.source.layers;
        let mut found: Vec<Package> = Vec::new();
        let mut warnings = Vec::new();
        let paths: std::collections::BTreeSet<&str> = scan
            .outputs
            .iter()
            .flat_map(|outs| {
                outs.iter()
                    .filter(|(p, o)| {
                        !o.packages.is_empty()
                            || !o.warnings.is_empty()
                            || (o.bytes.is_some() && deferred(p).is_some())
                    })
                    .map(|(p, _)| p.as_str())
            })
            .collect();
        for path in paths {
            let Some((last, stored, _)) = scan.final_output(path) else {
                continue;
            };
            if stored != path {
                continue;
            }
            let Some(last_out) = self.listed(scan, last, path) else {
                continue;
            };
            warnings.extend(last_out.warnings.iter().cloned());
            let earlier: Vec<(usize, AuditOutput)> = (0..last)
                .rev()
                .filter_map(|l| Some((l, self.listed(scan, l, path)?)))
                .collect();
            for pkg in &last_out.packages {
                let same = |p: &Package| {
                    p.name == pkg.name && p.version == pkg.version && p.path == pkg.path
                };
                // The first layer of the run of copies, ending at the final one, that list it.
                let mut first = last;
                for (layer, out) in &earlier {
                    if !out.packages.iter().any(same) {
                        break;
                    }
                    first = *layer;
                }
                let mut pkg = pkg.clone();
                pkg.layer = layers.get(first).cloned().unwrap_or_default();
                found.push(pkg);
            }
        }
        let mut found = mark_owned(dedupe(found, self.profile), &ctx.report.packages);
        if self.profile == Profile::Project {
            // A project's files are named as `trivy fs` names its targets: relative to the
            // scanned directory.
            for p in &mut found {
                if let Some(relative) = p.path.strip_prefix('/') {
                    p.path = relative.to_string();
                }
            }
        }
        ctx.report.packages.extend(found);
        ctx.report.warnings.extend(warnings);
    }
}

impl LangPackages {
    /// What `layer`'s copy of `path` lists: read while streaming, or now for a lockfile read
    /// with its companion manifest (the final filesystem's copy of it).
    fn listed(
        &self,
        scan: &sekisho_image::ImageScan<AuditOutput>,
        layer: usize,
        path: &str,
    ) -> Option<AuditOutput> {
        let out = scan.outputs[layer].get(path)?;
        let Some(file) = deferred(path) else {
            return Some(AuditOutput {
                packages: out.packages.clone(),
                warnings: out.warnings.clone(),
                ..AuditOutput::default()
            });
        };
        let bytes = out.bytes.as_deref()?;
        let dir = path
            .rsplit_once('/')
            .map(|(d, _)| format!("{d}/"))
            .unwrap_or_default();
        let manifest = sekisho_lang::companion(file).and_then(|name| {
            let (_, _, m) = scan.final_output(&format!("{dir}{name}"))?;
            m.bytes.as_deref()
        });
        let parsed = sekisho_lang::parse_with_companion(file, path, bytes, manifest, &self.limits);
        let mut out = AuditOutput::default();
        record(file, path, parsed, &mut out);
        Some(out)
    }
}

/// A lockfile read after the merge, with its companion manifest.
fn deferred(path: &str) -> Option<FileType> {
    sekisho_lang::classify(path).filter(|f| sekisho_lang::companion(*f).is_some())
}

/// Largest companion manifest kept (`Cargo.toml`).
const MAX_COMPANION: u64 = 1 << 20;

fn is_companion(path: &str) -> bool {
    matches!(path.rsplit('/').next(), Some("Cargo.toml" | "package.json"))
}

/// Keep what a parser found in `out`: packages with absolute paths, warnings naming the file.
fn record(
    file: FileType,
    path: &str,
    parsed: Result<sekisho_lang::Parsed, sekisho_lang::LangError>,
    out: &mut AuditOutput,
) {
    match parsed {
        Ok(parsed) => {
            out.packages
                .extend(to_packages(file, path, parsed.packages));
            out.warnings
                .extend(parsed.warnings.into_iter().map(|w| format!("/{path}: {w}")));
        }
        Err(e) => out.warnings.push(format!("/{path}: {e}")),
    }
}

/// Where an installed package lives: its own directory for metadata files inside one
/// (`x.dist-info/METADATA`, `node_modules/x/package.json`), else the file.
fn package_path(file: FileType, path: &str) -> String {
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let own_dir = match file {
        FileType::NpmPackageJson => true,
        FileType::PythonMetadata => {
            dir.ends_with(".dist-info") || dir.ends_with(".egg-info") || dir.ends_with("EGG-INFO")
        }
        _ => false,
    };
    if own_dir {
        let dir = if dir.ends_with("/EGG-INFO") || dir == "EGG-INFO" {
            dir.rsplit_once('/').map(|(d, _)| d).unwrap_or(dir)
        } else {
            dir
        };
        format!("/{dir}")
    } else {
        format!("/{path}")
    }
}

/// The report's packages for what one file recorded: paths made absolute, dependency ids
/// turned into purls.
fn to_packages(file: FileType, path: &str, found: Vec<LangPackage>) -> Vec<Package> {
    let base = package_path(file, path);
    let purls: HashMap<&str, String> = found.iter().map(|p| (p.id.as_str(), p.purl())).collect();
    found
        .iter()
        .filter(|p| p.kind.is_some() && !p.name.is_empty())
        .map(|p| {
            let path = match (&p.location, file) {
                (Some(member), FileType::JavaArchive) => format!("{base}!{member}"),
                _ => base.clone(),
            };
            let mut dependencies: Vec<String> = p
                .dependencies
                .iter()
                .filter_map(|id| purls.get(id.as_str()).cloned())
                .collect();
            dependencies.sort();
            dependencies.dedup();
            Package {
                kind: p.kind.unwrap_or(PackageKind::Npm),
                name: p.name.clone(),
                version: p.version.clone(),
                epoch: None,
                arch: String::new(),
                source_name: String::new(),
                source_version: String::new(),
                licenses: p.licenses.clone(),
                supplier: String::new(),
                third_party: None,
                modularity_label: None,
                purl: purls[p.id.as_str()].clone(),
                layer: LayerRef::default(),
                path,
                files: p.files.clone(),
                dependencies,
                dev: p.dev,
                owner: None,
            }
        })
        .collect()
}

fn is_npm_lockfile(path: &str) -> bool {
    matches!(
        path.rsplit('/').next(),
        Some("package-lock.json" | "npm-shrinkwrap.json" | ".package-lock.json")
            | Some("yarn.lock" | "pnpm-lock.yaml" | "bun.lock")
    )
}

/// The directory an npm lockfile describes (`node_modules/.package-lock.json` describes the
/// project above `node_modules`).
fn npm_project_dir(lockfile: &str) -> &str {
    let dir = lockfile.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    dir.strip_suffix("/node_modules")
        .or_else(|| (dir == "node_modules").then_some(""))
        .unwrap_or(dir)
}

/// Where an npm package is installed, with its licences.
type Installed = (String, Vec<String>);

/// One package per (ecosystem, name, version, path); npm lockfiles and the `node_modules`
/// they describe reported once, as `profile` says.
fn dedupe(mut found: Vec<Package>, profile: Profile) -> Vec<Package> {
    let mut seen = HashSet::new();
    found.retain(|p| seen.insert((p.kind, p.name.clone(), p.version.clone(), p.path.clone())));
    let installed_npm = |p: &Package| p.kind == PackageKind::Npm && !is_npm_lockfile(&p.path);
    // (name, version) of installed npm packages under each project directory, with licences.
    let mut installed: BTreeMap<(String, String), Vec<Installed>> = BTreeMap::new();
    for p in found.iter().filter(|p| installed_npm(p)) {
        installed
            .entry((p.name.clone(), p.version.clone()))
            .or_default()
            .push((p.path.clone(), p.licenses.clone()));
    }
    let lock_dirs: HashSet<String> = found
        .iter()
        .filter(|p| p.kind == PackageKind::Npm && is_npm_lockfile(&p.path))
        .map(|p| npm_project_dir(&p.path).to_string())
        .collect();
    let under = |path: &str, dir: &str| {
        path.strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with("/node_modules/"))
    };
    let installed_under = |p: &Package| {
        let dir = npm_project_dir(&p.path);
        installed
            .get(&(p.name.clone(), p.version.clone()))
            .and_then(|places| places.iter().find(|(path, _)| under(path, dir)))
    };
    let mut out = Vec::with_capacity(found.len());
    for mut p in found.iter().cloned() {
        if p.kind == PackageKind::Npm && is_npm_lockfile(&p.path) {
            let here = installed_under(&p);
            if profile == Profile::Image && here.is_some() {
                continue;
            }
            if p.licenses.is_empty() {
                if let Some((_, licenses)) = here {
                    p.licenses = licenses.clone();
                }
            }
        } else if profile == Profile::Project
            && installed_npm(&p)
            && lock_dirs.iter().any(|dir| under(&p.path, dir))
        {
            continue;
        }
        out.push(p);
    }
    out
}

/// Mark language packages whose files an OS package installed: the same software, whose
/// vulnerabilities come through the OS package's advisories.
fn mark_owned(mut found: Vec<Package>, os_packages: &[Package]) -> Vec<Package> {
    let mut owner_of: HashMap<&str, &str> = HashMap::new();
    for os in os_packages.iter().filter(|p| p.kind.is_os()) {
        for f in &os.files {
            owner_of.insert(f.as_str(), os.purl.as_str());
        }
    }
    if owner_of.is_empty() {
        return found;
    }
    for p in &mut found {
        let file = p.path.split('!').next().unwrap_or(&p.path);
        let owner = owner_of.get(file).or_else(|| {
            p.files
                .iter()
                .find_map(|f| owner_of.get(format!("{file}/{f}").as_str()))
        });
        if let Some(owner) = owner {
            p.owner = Some((*owner).to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_packages_live_in_their_own_directory() {
        assert_eq!(
            package_path(
                FileType::PythonMetadata,
                "opt/venv/lib/python3.11/site-packages/idna-2.10.dist-info/METADATA"
            ),
            "/opt/venv/lib/python3.11/site-packages/idna-2.10.dist-info"
        );
        assert_eq!(
            package_path(
                FileType::NpmPackageJson,
                "srv/web/node_modules/ms/package.json"
            ),
            "/srv/web/node_modules/ms"
        );
        assert_eq!(
            package_path(FileType::CargoLock, "src/app/Cargo.lock"),
            "/src/app/Cargo.lock"
        );
        assert_eq!(
            npm_project_dir("/srv/web/node_modules/.package-lock.json"),
            "/srv/web"
        );
        assert_eq!(npm_project_dir("/srv/web/package-lock.json"), "/srv/web");
    }
}
