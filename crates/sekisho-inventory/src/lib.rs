//! What is installed in an image: the operating system and its package databases (apk, dpkg,
//! rpm in all three database formats), read natively from the files a layer scan captured.
//!
//! Use [`InventoryVisitor`] (or [`wants_path`] inside a combined visitor) while streaming the
//! layers, then [`collect`] on the scan. Packages are read from the final filesystem and each
//! is attributed to the first layer whose copy of the database lists it at that version.

pub mod apk;
pub mod buildinfo;
pub mod conda;
pub mod dpkg;
pub mod os;
pub mod third_party;

use std::collections::HashMap;

pub use sekisho_image::Captured;
use sekisho_image::{Entry, ImageScan, Interest, LayerVisitor};
use sekisho_model::{purl, LayerRef, OsInfo, Package, PackageKind};

const APK_DB: &str = "lib/apk/db/installed";
const DPKG_STATUS: &str = "var/lib/dpkg/status";
const DPKG_STATUS_D: &str = "var/lib/dpkg/status.d/";
const DPKG_INFO: &str = "var/lib/dpkg/info/";
const DOC_DIR: &str = "usr/share/doc/";
const RPM_DIRS: &[&str] = &["var/lib/rpm/", "usr/lib/sysimage/rpm/", "usr/share/rpm/"];
const RPM_FILES: &[&str] = &["rpmdb.sqlite", "Packages.db", "Packages"];

/// Whether an analyzer of this crate needs the content of the file at `path` (normalised): OS
/// release files, Red Hat content manifests and the package databases.
pub fn wants_path(path: &str) -> bool {
    os::OS_FILES.contains(&path)
        || buildinfo::wants_path(path)
        || wants_apk(path)
        || wants_dpkg(path)
        || wants_rpm(path)
}

/// Whether the apk reader needs the file at `path` (normalised, no leading `/`).
pub fn wants_apk(path: &str) -> bool {
    path == APK_DB
}

/// Whether the dpkg reader needs the file at `path`: the status database, distroless
/// `status.d/*`, `info/*.list` (file ownership) and `usr/share/doc/*/copyright` (licences).
pub fn wants_dpkg(path: &str) -> bool {
    if path == DPKG_STATUS {
        return true;
    }
    if let Some(rest) = path.strip_prefix(DPKG_STATUS_D) {
        return !rest.contains('/') && !rest.ends_with(".md5sums");
    }
    if let Some(rest) = path.strip_prefix(DPKG_INFO) {
        return rest.ends_with(".list") && !rest.contains('/');
    }
    if let Some(rest) = path.strip_prefix(DOC_DIR) {
        return rest
            .strip_suffix("/copyright")
            .is_some_and(|pkg| !pkg.contains('/'));
    }
    false
}

/// Whether the rpm reader needs the file at `path` (any of the three database formats in any
/// of the usual directories).
pub fn wants_rpm(path: &str) -> bool {
    RPM_DIRS.iter().any(|d| {
        path.strip_prefix(d)
            .is_some_and(|name| RPM_FILES.contains(&name))
    })
}

/// A layer visitor that captures exactly the files this crate reads.
pub struct InventoryVisitor;

impl LayerVisitor for InventoryVisitor {
    type Output = Vec<u8>;
    fn interest(&self, entry: &Entry) -> Interest {
        if wants_path(&entry.path) {
            Interest::Whole
        } else {
            Interest::Skip
        }
    }
    fn visit(&self, _: &Entry, content: &[u8]) -> Option<Vec<u8>> {
        Some(content.to_vec())
    }
    fn kept_bytes(&self, output: &Vec<u8>) -> u64 {
        output.len() as u64
    }
}

/// The OS and the OS packages of a scanned image.
#[derive(Debug, Default)]
pub struct OsInventory {
    /// The detected OS.
    pub os: Option<OsInfo>,
    /// Installed OS packages.
    pub packages: Vec<Package>,
    /// Databases that could not be read, with the reason.
    pub warnings: Vec<String>,
}

/// The image's layers as the report names them (index, blob digest, diffID, history step).
pub fn layer_refs(info: &sekisho_image::ImageInfo) -> Vec<LayerRef> {
    info.layers
        .iter()
        .enumerate()
        .map(|(index, l)| LayerRef {
            index,
            digest: l.digest.clone(),
            diff_id: l.diff_id.clone(),
            created_by: l.created_by.clone(),
        })
        .collect()
}

/// The OS of a finished scan, from the release files in its final filesystem.
pub fn detect_os<O: Captured>(scan: &ImageScan<O>) -> Option<OsInfo> {
    let read_text = |path: &str| {
        let (_, _, out) = scan.final_output(path)?;
        Some(String::from_utf8_lossy(out.bytes()?).into_owned())
    };
    os::detect(&read_text)
}

/// Read the OS and packages from a finished scan.
pub fn collect<O: Captured>(scan: &ImageScan<O>) -> OsInventory {
    collect_with_os(scan, detect_os(scan))
}

/// Read the packages of a finished scan whose OS is already known (detected once per scan
/// with [`detect_os`]; it decides purl namespaces and distro qualifiers).
pub fn collect_with_os<O: Captured>(scan: &ImageScan<O>, os: Option<OsInfo>) -> OsInventory {
    let mut inv = OsInventory::default();
    for db in [Database::Apk, Database::Dpkg, Database::Rpm] {
        read_database(scan, os.as_ref(), db, &mut inv);
    }
    sort_packages(&mut inv.packages);
    inv.os = os;
    if let Some(os) = inv.os.as_mut() {
        let (manifests, warnings) = buildinfo::read(scan);
        os.content_manifests = manifests;
        inv.warnings.extend(warnings);
    }
    inv
}

/// One kind of OS package database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    /// `lib/apk/db/installed`.
    Apk,
    /// `var/lib/dpkg/status` and distroless `status.d/`.
    Dpkg,
    /// rpm Berkeley DB, NDB or SQLite.
    Rpm,
}

/// Read one kind of package database from a finished scan, adding its packages and problems
/// to `inv` (unsorted; see [`sort_packages`]).
pub fn read_database<O: Captured>(
    scan: &ImageScan<O>,
    os: Option<&OsInfo>,
    db: Database,
    inv: &mut OsInventory,
) {
    let layers = layer_refs(&scan.info);
    let ctx = Ctx {
        scan,
        layers: &layers,
        os,
    };
    match db {
        Database::Apk => ctx.apk(inv),
        Database::Dpkg => ctx.dpkg(inv),
        Database::Rpm => ctx.rpm(inv),
    }
}

/// Read every conda environment's `conda-meta` records from the final filesystem, adding one
/// package per record (attributed to the layer that wrote the record) to `inv`.
pub fn read_conda<O: Captured>(scan: &ImageScan<O>, inv: &mut OsInventory) {
    let layers = layer_refs(&scan.info);
    // The records some layer captured (few), each read as the final filesystem has it.
    let captured: std::collections::BTreeSet<&str> = scan
        .outputs
        .iter()
        .flat_map(|outs| outs.keys().map(String::as_str))
        .filter(|p| conda::is_record(p))
        .collect();
    for path in captured {
        let Some((layer, stored, out)) = scan.final_output(path) else {
            continue;
        };
        if stored != path {
            continue;
        }
        let Some(bytes) = out.bytes() else { continue };
        let p = match conda::parse(bytes) {
            Ok(p) => p,
            Err(e) => {
                inv.warnings.push(format!("/{path}: {e}"));
                continue;
            }
        };
        let prefix = path
            .strip_suffix(&format!(
                "conda-meta/{}",
                path.rsplit('/').next().unwrap_or("")
            ))
            .unwrap_or("");
        let purl = purl::build(
            "conda",
            None,
            &p.name,
            &p.version,
            &[
                ("build", p.build.clone()),
                ("channel", p.channel_name().to_string()),
                ("subdir", p.subdir.clone()),
                ("type", p.archive_type().to_string()),
            ],
        );
        inv.packages.push(Package {
            kind: PackageKind::Conda,
            purl,
            epoch: None,
            arch: p.subdir.clone(),
            source_name: String::new(),
            source_version: String::new(),
            licenses: if p.license.is_empty() {
                vec![]
            } else {
                vec![p.license.clone()]
            },
            supplier: String::new(),
            third_party: None,
            modularity_label: None,
            layer: layers.get(layer).cloned().unwrap_or(LayerRef {
                index: layer,
                ..Default::default()
            }),
            path: format!("/{path}"),
            files: p.files.iter().map(|f| format!("/{prefix}{f}")).collect(),
            dependencies: Vec::new(),
            dev: false,
            owner: None,
            name: p.name,
            version: p.version,
        });
    }
}

/// The report's package order: type, name, version, location.
pub fn sort_packages(packages: &mut [Package]) {
    packages.sort_by(|a, b| {
        (a.kind, &a.name, &a.version, &a.path).cmp(&(b.kind, &b.name, &b.version, &b.path))
    });
}

struct Ctx<'a, O> {
    scan: &'a ImageScan<O>,
    layers: &'a [LayerRef],
    os: Option<&'a OsInfo>,
}

impl<'a, O: Captured> Ctx<'a, O> {
    /// (layer, stored path, bytes) of `path` in the final filesystem.
    fn final_file(&self, path: &str) -> Option<(usize, &'a str, &'a [u8])> {
        let (layer, stored, out) = self.scan.final_output(path)?;
        Some((layer, stored, out.bytes()?))
    }

    /// Every layer's copy of the file stored at `stored`, base first.
    fn layer_copies(&self, stored: &str) -> Vec<(usize, &'a [u8])> {
        self.scan
            .outputs
            .iter()
            .enumerate()
            .filter_map(|(i, outs)| outs.get(stored).and_then(|o| o.bytes()).map(|b| (i, b)))
            .collect()
    }

    fn layer_ref(&self, index: usize) -> LayerRef {
        self.layers.get(index).cloned().unwrap_or(LayerRef {
            index,
            ..Default::default()
        })
    }

    /// First layer whose copy lists each (name, version), given a parser of the copies.
    fn introduced_in(
        &self,
        stored: &str,
        keys: impl Fn(&[u8]) -> Vec<(String, String)>,
    ) -> HashMap<(String, String), usize> {
        let mut first = HashMap::new();
        for (layer, bytes) in self.layer_copies(stored) {
            for key in keys(bytes) {
                first.entry(key).or_insert(layer);
            }
        }
        first
    }

    fn distro(&self) -> (String, String) {
        match self.os {
            Some(os) => (os.id.clone(), format!("{}-{}", os.id, os.version)),
            None => (String::new(), String::new()),
        }
    }

    fn apk(&self, inv: &mut OsInventory) {
        let Some((layer, stored, bytes)) = self.final_file(APK_DB) else {
            return;
        };
        let parse = |b: &[u8]| apk::parse(&String::from_utf8_lossy(b));
        let first = self.introduced_in(stored, |b| {
            parse(b).into_iter().map(|p| (p.name, p.version)).collect()
        });
        let (id, distro) = self.distro();
        let namespace = if id.is_empty() {
            "alpine".to_string()
        } else {
            id
        };
        for p in parse(bytes) {
            let introduced = first
                .get(&(p.name.clone(), p.version.clone()))
                .copied()
                .unwrap_or(layer);
            let third_party = third_party::apk(self.os, &p);
            inv.packages.push(Package {
                kind: PackageKind::Apk,
                purl: purl::build(
                    "apk",
                    Some(&namespace),
                    &p.name,
                    &p.version,
                    &[
                        ("arch", p.arch.clone()),
                        ("distro", distro.clone()),
                        (
                            "upstream",
                            if p.origin == p.name {
                                String::new()
                            } else {
                                p.origin.clone()
                            },
                        ),
                    ],
                ),
                source_version: if p.origin.is_empty() {
                    String::new()
                } else {
                    p.version.clone()
                },
                name: p.name,
                version: p.version,
                epoch: None,
                arch: p.arch,
                source_name: p.origin,
                licenses: if p.license.is_empty() {
                    vec![]
                } else {
                    vec![p.license]
                },
                supplier: p.maintainer,
                third_party,
                modularity_label: None,
                layer: self.layer_ref(introduced),
                path: format!("/{APK_DB}"),
                files: p.files,
                dependencies: Vec::new(),
                dev: false,
                owner: None,
            });
        }
    }

    fn dpkg(&self, inv: &mut OsInventory) {
        let (id, distro) = self.distro();
        let namespace = if id.is_empty() {
            "debian".to_string()
        } else {
            id
        };
        let mut sources: Vec<(usize, &str, &[u8])> = Vec::new();
        if let Some(found) = self.final_file(DPKG_STATUS) {
            sources.push(found);
        }
        for (path, node) in self.scan.fs.iter_under(DPKG_STATUS_D.trim_end_matches('/')) {
            if node.kind == sekisho_image::EntryKind::File && wants_dpkg(path) {
                if let Some(found) = self.final_file(path) {
                    sources.push(found);
                }
            }
        }
        for (layer, stored, bytes) in sources {
            let parse = |b: &[u8]| dpkg::parse_status(&String::from_utf8_lossy(b));
            let first = self.introduced_in(stored, |b| {
                parse(b).into_iter().map(|p| (p.name, p.version)).collect()
            });
            for p in parse(bytes) {
                let introduced = first
                    .get(&(p.name.clone(), p.version.clone()))
                    .copied()
                    .unwrap_or(layer);
                let upstream = if p.source_name == p.name && p.source_version == p.version {
                    String::new()
                } else if p.source_version == p.version {
                    p.source_name.clone()
                } else {
                    format!("{}@{}", p.source_name, p.source_version)
                };
                let files = self.dpkg_files(&p.name, &p.arch);
                let third_party = third_party::dpkg(self.os, &p);
                let licenses = self
                    .final_file(&format!("{DOC_DIR}{}/copyright", p.name))
                    .map(|(_, _, b)| dpkg::copyright_licenses(&String::from_utf8_lossy(b)))
                    .unwrap_or_default();
                inv.packages.push(Package {
                    kind: PackageKind::Deb,
                    purl: purl::build(
                        "deb",
                        Some(&namespace),
                        &p.name,
                        &p.version,
                        &[
                            ("arch", p.arch.clone()),
                            ("distro", distro.clone()),
                            ("upstream", upstream),
                        ],
                    ),
                    name: p.name,
                    version: p.version,
                    epoch: None,
                    arch: p.arch,
                    source_name: p.source_name,
                    source_version: p.source_version,
                    licenses,
                    supplier: p.maintainer,
                    third_party,
                    modularity_label: None,
                    layer: self.layer_ref(introduced),
                    path: format!("/{stored}"),
                    files,
                    dependencies: Vec::new(),
                    dev: false,
                    owner: None,
                });
            }
        }
    }

    fn dpkg_files(&self, name: &str, arch: &str) -> Vec<String> {
        [
            format!("{DPKG_INFO}{name}.list"),
            format!("{DPKG_INFO}{name}:{arch}.list"),
        ]
        .iter()
        .find_map(|p| self.final_file(p))
        .map(|(_, _, b)| dpkg::parse_list(&String::from_utf8_lossy(b)))
        .unwrap_or_default()
    }

    fn rpm(&self, inv: &mut OsInventory) {
        let (id, distro) = self.distro();
        let namespace = rpm_namespace(&id);
        let mut seen_real = Vec::new();
        for dir in RPM_DIRS {
            for file in RPM_FILES {
                let Some((layer, stored, bytes)) = self.final_file(&format!("{dir}{file}")) else {
                    continue;
                };
                if seen_real.contains(&stored) {
                    continue;
                }
                seen_real.push(stored);
                let Some(format) = sekisho_rpmdb::DbFormat::from_path(stored) else {
                    continue;
                };
                let pkgs = match sekisho_rpmdb::read_packages(format, bytes) {
                    Ok(p) => p,
                    Err(e) => {
                        inv.warnings.push(format!("/{stored}: {e}"));
                        continue;
                    }
                };
                let first = self.introduced_in(stored, |b| {
                    sekisho_rpmdb::read_packages(format, b)
                        .map(|ps| ps.into_iter().map(|p| (p.name.clone(), p.evr())).collect())
                        .unwrap_or_default()
                });
                for p in pkgs.into_iter().filter(|p| !p.is_gpg_pubkey()) {
                    let evr = p.evr();
                    let introduced = first
                        .get(&(p.name.clone(), evr.clone()))
                        .copied()
                        .unwrap_or(layer);
                    let (source_name, source_version) = split_source_rpm(&p.source_rpm, p.epoch);
                    let third_party = third_party::rpm(self.os, &p);
                    let upstream = if source_name.is_empty() {
                        String::new()
                    } else {
                        p.source_rpm.clone()
                    };
                    inv.packages.push(Package {
                        kind: PackageKind::Rpm,
                        purl: purl::build(
                            "rpm",
                            Some(&namespace),
                            &p.name,
                            &format!("{}-{}", p.version, p.release),
                            &[
                                ("arch", p.arch.clone()),
                                ("epoch", p.epoch.map(|e| e.to_string()).unwrap_or_default()),
                                ("distro", distro.clone()),
                                ("upstream", upstream),
                            ],
                        ),
                        name: p.name,
                        version: evr,
                        epoch: p.epoch,
                        arch: p.arch,
                        source_name,
                        source_version,
                        licenses: if p.license.is_empty() {
                            vec![]
                        } else {
                            vec![p.license]
                        },
                        supplier: p.vendor,
                        third_party,
                        modularity_label: p.modularity_label.filter(|l| !l.is_empty()),
                        layer: self.layer_ref(introduced),
                        path: format!("/{stored}"),
                        files: p.files,
                        dependencies: Vec::new(),
                        dev: false,
                        owner: None,
                    });
                }
            }
        }
    }
}

/// The purl namespace for rpm packages of a distro (purl-spec uses vendor names).
pub fn rpm_namespace(os_id: &str) -> String {
    match os_id {
        "rhel" => "redhat",
        "amzn" => "amazon",
        "ol" => "oracle",
        "sles" | "sled" | "sle-micro" | "sl-micro" => "suse",
        id if id.starts_with("opensuse") => "opensuse",
        "" => "redhat",
        id => id,
    }
    .to_string()
}

/// `glibc-2.28-225.el8.src.rpm` -> (`glibc`, `2.28-225.el8`), epoch-prefixed when the
/// binary package has an epoch (rpm gives source packages the binary's epoch).
pub fn split_source_rpm(source_rpm: &str, epoch: Option<u32>) -> (String, String) {
    let base = source_rpm
        .strip_suffix(".src.rpm")
        .or_else(|| source_rpm.strip_suffix(".nosrc.rpm"))
        .unwrap_or(source_rpm);
    let Some((rest, release)) = base.rsplit_once('-') else {
        return (String::new(), String::new());
    };
    let Some((name, version)) = rest.rsplit_once('-') else {
        return (String::new(), String::new());
    };
    let version = match epoch {
        Some(e) => format!("{e}:{version}-{release}"),
        None => format!("{version}-{release}"),
    };
    (name.to_string(), version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_paths() {
        assert!(wants_path("var/lib/dpkg/status"));
        assert!(wants_path("var/lib/dpkg/info/bash.list"));
        assert!(!wants_path("var/lib/dpkg/info/bash.md5sums"));
        assert!(wants_path("usr/lib/sysimage/rpm/Packages.db"));
        assert!(wants_path("var/lib/dpkg/status.d/base"));
        assert!(!wants_path("etc/passwd"));
    }

    #[test]
    fn source_rpm_names() {
        assert_eq!(
            split_source_rpm("glibc-2.28-225.el8.src.rpm", None),
            ("glibc".into(), "2.28-225.el8".into())
        );
        assert_eq!(
            split_source_rpm("openssl-3.0.8-1.amzn2023.0.4.src.rpm", Some(1)),
            ("openssl".into(), "1:3.0.8-1.amzn2023.0.4".into())
        );
        assert_eq!(
            split_source_rpm("(none)", None),
            (String::new(), String::new())
        );
    }
}
