//! Third-party detection on real package databases.
//!
//! Negative ground truth: every package of the shared images is its distribution's own build,
//! so none may be judged third-party. The evidence, checked per image: the Debian images'
//! maintainers are Debian teams and developers (`@debian.org`, `lists.debian.org`,
//! `lists.alioth.debian.org`, `tracker.debian.org`, and developers' own addresses such as
//! `md@linux.it`, `sebastian@breakpoint.cc`); the Alpine image's are Alpine developers
//! (`ncopa@alpinelinux.org`, `timo.teras@iki.fi`) and one package without a maintainer; the rpm
//! databases' vendors are `Amazon Linux`, `Microsoft Corporation` (CBL-Mariner is Microsoft's
//! distribution), `SUSE LLC <https://www.suse.com/>` and `Red Hat, Inc.`. The bare rpm
//! databases are put in a root filesystem beside an os-release of their distribution.
//!
//! Positive cases: a Debian 12 root filesystem whose dpkg status holds Debian's own packages
//! (one a security update) beside nginx.org's nginx and Docker's docker-ce, read by the real
//! inventory path.

use std::path::{Path, PathBuf};

use sekisho_image::{scan, ScanOptions, Source};
use sekisho_inventory::{collect, InventoryVisitor, OsInventory};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/images");

fn inventory(source: &Source) -> OsInventory {
    let scan = scan(source, &ScanOptions::default(), &InventoryVisitor)
        .unwrap_or_else(|e| panic!("{}: {e}", source.input()));
    collect(&scan)
}

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sekisho-third-party-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn no_shared_image_package_is_third_party() {
    for (input, os_id, count) in [
        ("built/debian-mini.oci", "debian", 35),
        ("built/debian-mini.docker.tar.gz", "debian", 35),
        ("built/bad-practices.docker.tar.gz", "debian", 43),
        ("built/debian-app.oci", "debian", 40),
        ("trivy/alpine-310.tar.gz", "alpine", 14),
    ] {
        let inv = inventory(&Source::parse(&format!("{DATA}/{input}")).unwrap());
        assert_eq!(inv.os.as_ref().unwrap().id, os_id, "{input}");
        assert_eq!(inv.packages.len(), count, "{input}");
        for p in &inv.packages {
            assert_eq!(p.third_party, None, "{input}: {} ({})", p.name, p.supplier);
            assert_eq!(p.modularity_label, None, "{input}: {}", p.name);
        }
        assert!(inv.os.unwrap().content_manifests.is_empty(), "{input}");
    }
}

#[test]
fn no_shared_rpm_is_third_party() {
    for (db, file, os_release, vendor, count) in [
        (
            "amazonlinux2023-sqlite",
            "rpmdb.sqlite",
            "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nVERSION_ID=\"2023\"\nPRETTY_NAME=\"Amazon Linux 2023\"\n",
            "Amazon Linux",
            102,
        ),
        (
            "cbl-mariner-2.0-sqlite",
            "rpmdb.sqlite",
            "NAME=\"Common Base Linux Mariner\"\nVERSION=\"2.0.20230107\"\nID=mariner\nVERSION_ID=\"2.0\"\nPRETTY_NAME=\"CBL-Mariner/Linux\"\n",
            "Microsoft Corporation",
            129,
        ),
        (
            "sle15-bci-ndb",
            "Packages.db",
            "NAME=\"SLES\"\nVERSION=\"15-SP3\"\nVERSION_ID=\"15.3\"\nID=\"sles\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP3\"\n",
            "SUSE LLC <https://www.suse.com/>",
            35,
        ),
        (
            "libuuid-bdb",
            "Packages",
            "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"8.8 (Ootpa)\"\nID=\"rhel\"\nVERSION_ID=\"8.8\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 8.8 (Ootpa)\"\n",
            "Red Hat, Inc.",
            1,
        ),
    ] {
        let root = scratch(db);
        write(&root, "etc/os-release", os_release.as_bytes());
        let bytes = std::fs::read(format!("{DATA}/rpmdb/{db}/{file}")).unwrap();
        write(&root, &format!("var/lib/rpm/{file}"), &bytes);
        let inv = inventory(&Source::rootfs(db, &root));
        std::fs::remove_dir_all(&root).unwrap();
        assert!(inv.warnings.is_empty(), "{db}: {:?}", inv.warnings);
        assert_eq!(inv.packages.len(), count, "{db}");
        for p in &inv.packages {
            assert_eq!(p.supplier, vendor, "{db}: {}", p.name);
            assert_eq!(p.third_party, None, "{db}: {}", p.name);
        }
    }
}

/// Status paragraphs as installed from the vendors' repositories and from Debian (trimmed to
/// the fields the reader uses and a few more).
const STATUS: &str = "\
Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u2
Description: Secure Sockets Layer toolkit - shared libraries

Package: libc6
Status: install ok installed
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries

Package: nginx
Status: install ok installed
Priority: optional
Section: httpd
Installed-Size: 3344
Maintainer: NGINX Packaging <nginx-packaging@f5.com>
Architecture: amd64
Version: 1.25.3-1~bookworm
Provides: httpd, nginx, nginx-r1.25.3
Description: high performance web server
Homepage: https://nginx.org

Package: docker-ce
Status: install ok installed
Priority: optional
Section: admin
Maintainer: Docker <support@docker.com>
Architecture: amd64
Version: 5:24.0.7-1~debian.12~bookworm
Description: Docker: the open-source application container engine
Homepage: https://www.docker.com
";

#[test]
fn vendor_packages_are_flagged_in_a_rootfs() {
    let root = scratch("debian-vendors");
    write(
        &root,
        "etc/os-release",
        b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n",
    );
    write(&root, "etc/debian_version", b"12.4\n");
    write(&root, "var/lib/dpkg/status", STATUS.as_bytes());
    write(
        &root,
        "root/buildinfo/content_manifests/app-1.0-1.json",
        br#"{"metadata": {"icm_version": 1, "image_layer_index": 2}, "content_sets": ["rhel-9-for-x86_64-baseos-rpms", "rhel-9-for-x86_64-appstream-rpms"], "image_contents": []}"#,
    );
    let inv = inventory(&Source::rootfs("debian-vendors", &root));
    std::fs::remove_dir_all(&root).unwrap();
    let verdict = |name: &str| {
        inv.packages
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .third_party
            .clone()
    };
    assert_eq!(verdict("libssl3"), None);
    assert_eq!(verdict("libc6"), None);
    let nginx = verdict("nginx").expect("nginx.org's nginx is third-party");
    assert!(
        nginx.contains("f5.com") && nginx.contains("~bookworm"),
        "{nginx}"
    );
    let docker = verdict("docker-ce").expect("docker-ce is third-party");
    assert!(docker.contains("docker.com"), "{docker}");
    // The content manifest is a fact of the OS (a Debian image has none in reality; the
    // reader does not care which OS it is).
    let manifests = &inv.os.as_ref().unwrap().content_manifests;
    assert_eq!(manifests.len(), 1);
    assert_eq!(
        manifests[0].path,
        "/root/buildinfo/content_manifests/app-1.0-1.json"
    );
    assert_eq!(manifests[0].image_layer_index, Some(2));
    assert_eq!(
        manifests[0].content_sets,
        [
            "rhel-9-for-x86_64-baseos-rpms",
            "rhel-9-for-x86_64-appstream-rpms"
        ]
    );
}
