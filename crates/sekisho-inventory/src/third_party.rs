//! Third-party OS packages: installed packages that were built by someone other than the
//! distribution (a vendor's own repository: nginx.org, Docker, Microsoft, remi), so that the
//! distribution's advisories, which describe the distribution's builds, are not matched
//! against them unless the user asks (`--match-third-party`).
//!
//! A wrong "third-party" hides real vulnerabilities; a wrong "distribution" at worst reports
//! the distribution's verdict on a package of the same name. So a package is the
//! distribution's unless there is positive evidence of another builder, and the evidence is
//! the builder's own signature in the package database (maintainer, vendor, release tag), not
//! the shape of the version alone:
//!
//! | format | third-party when | never enough on its own |
//! |---|---|---|
//! | dpkg | `Maintainer`'s address is on a known vendor's domain ([`VENDOR_DOMAINS`]: `docker.com`, `f5.com`/`nginx.org`, `microsoft.com`, ...) and not on a Debian/Ubuntu domain | the version: `~bookworm`, `~deb12u1`, `+deb12u1`, `~bpo12+1`, `+squeeze1`, `ubuntu1`, `~22.04.1` are (or were) the distributions' own stable, security and backport schemes; a maintainer who is not on a distribution domain (many Debian maintainers use their own address: `md@linux.it`) |
//! | rpm | the release ends in a third-party repository's tag ([`RPM_RELEASE_TAGS`]: `.remi`, `.ius`), or `VENDOR` is set and is none of the vendors of the image's distribution family ([`rpm_vendors`]: `Red Hat, Inc.` on RHEL and its rebuilds, `Amazon Linux` on Amazon Linux, `SUSE LLC` on SLES, `Microsoft Corporation` on Azure Linux/CBL-Mariner, ...), or `VENDOR` is empty and `PACKAGER`'s address is on a known vendor's domain | an empty `VENDOR` (locally built packages); an unknown distribution (no vendor list to compare with) |
//! | apk | the maintainer (`m:`) is on a known vendor's domain | the maintainer otherwise: Alpine developers sign with their own addresses (`timo.teras@iki.fi`) and the database records neither the repository a package came from nor a vendor |
//!
//! Each verdict is a sentence naming the evidence, kept on the package
//! (`Package::third_party`) and shown in every output.

use sekisho_model::OsInfo;

use crate::apk::ApkPackage;
use crate::dpkg::DpkgPackage;

/// Mail domains (and their subdomains) of vendors that publish their own deb, rpm or apk
/// repositories, with the vendor's name. A maintainer or packager address on one of these is
/// evidence that the vendor, not the distribution, built the package.
pub const VENDOR_DOMAINS: &[(&str, &str)] = &[
    ("docker.com", "Docker"),
    ("nginx.org", "nginx.org"),
    ("nginx.com", "NGINX"),
    ("f5.com", "F5 (NGINX)"),
    ("microsoft.com", "Microsoft"),
    ("nodesource.com", "NodeSource"),
    ("mongodb.com", "MongoDB"),
    ("elastic.co", "Elastic"),
    ("hashicorp.com", "HashiCorp"),
    ("grafana.com", "Grafana Labs"),
    ("gitlab.com", "GitLab"),
    ("datadoghq.com", "Datadog"),
    ("percona.com", "Percona"),
    ("mariadb.org", "MariaDB"),
    ("mariadb.com", "MariaDB"),
    ("influxdata.com", "InfluxData"),
    ("newrelic.com", "New Relic"),
    ("nvidia.com", "NVIDIA"),
    ("jfrog.com", "JFrog"),
    ("oracle.com", "Oracle"),
    ("remirepo.net", "remi"),
];

/// Mail domains of the Debian and Ubuntu projects (lists, teams, tracker, developers): a
/// maintainer there is the distribution, whatever else the package says.
const DISTRO_DOMAINS: &[&str] = &[
    "debian.org",
    "debian.net",
    "ubuntu.com",
    "canonical.com",
    "launchpad.net",
];

/// Release tags third-party rpm repositories append (`php-8.2.13-1.el9.remi`), with the
/// repository's name.
pub const RPM_RELEASE_TAGS: &[(&str, &str)] = &[(".remi", "remi"), (".ius", "IUS")];

/// The vendor names (`VENDOR` starts with or contains one, case-insensitively) of the
/// distribution family of an os-release `ID`, or `None` for a distribution this module has no
/// list for (then no rpm is judged by its vendor). RHEL and its rebuilds accept each other's
/// vendors: they are rebuilt from the same sources. Fedora's packages on RHEL are EPEL's, a
/// third party to Red Hat's advisories.
pub fn rpm_vendors(os_id: &str) -> Option<&'static [&'static str]> {
    const RHEL: &[&str] = &[
        "Red Hat",
        "CentOS",
        "Rocky",
        "AlmaLinux",
        "Oracle America",
        "Scientific Linux",
    ];
    Some(match os_id {
        "rhel" | "centos" | "rocky" | "almalinux" | "ol" => RHEL,
        "fedora" => &["Fedora Project"],
        "amzn" => &["Amazon"],
        "sles" | "sled" | "sle-micro" | "sl-micro" => &["SUSE"],
        id if id.starts_with("opensuse") => &["SUSE", "openSUSE"],
        "mariner" | "azurelinux" => &["Microsoft"],
        "photon" => &["VMware", "Broadcom"],
        _ => return None,
    })
}

/// The lower-case mail domain of a `Name <user@domain>` or bare `user@domain` field.
fn mail_domain(field: &str) -> Option<String> {
    let addr = match (field.rfind('<'), field.rfind('>')) {
        (Some(open), Some(close)) if open < close => &field[open + 1..close],
        _ => field
            .split_whitespace()
            .find(|w| w.contains('@'))
            .unwrap_or(""),
    };
    let (_, domain) = addr.rsplit_once('@')?;
    let domain = domain
        .trim()
        .trim_end_matches(['>', '.', ',', ')'])
        .to_ascii_lowercase();
    (!domain.is_empty()).then_some(domain)
}

fn on_domain(domain: &str, d: &str) -> bool {
    domain == d
        || domain
            .strip_suffix(d)
            .is_some_and(|head| head.ends_with('.'))
}

/// The vendor whose domain a mail field's address is on.
fn vendor_of(field: &str) -> Option<(&'static str, String)> {
    let domain = mail_domain(field)?;
    VENDOR_DOMAINS
        .iter()
        .find(|(d, _)| on_domain(&domain, d))
        .map(|(_, name)| (*name, domain))
}

fn distro_name(os: Option<&OsInfo>) -> String {
    match os {
        Some(os) if !os.id.is_empty() => format!("{}'s", os.id),
        _ => "the distribution's".to_string(),
    }
}

/// The `~...` tail of a Debian revision that is not a Debian stable, security or backport
/// suffix (`1.25.3-1~bookworm` → `~bookworm`); only quoted as supporting evidence.
fn vendor_suffix(version: &str) -> Option<&str> {
    let revision = version.rsplit_once('-').map(|(_, r)| r)?;
    let tail = &revision[revision.find('~')?..];
    let own = tail
        .strip_prefix("~deb")
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        || tail.starts_with("~bpo");
    (!own).then_some(tail)
}

/// Whether a dpkg package is a third party's, and why: its `Maintainer` is a known vendor's
/// address and not a Debian or Ubuntu one (see the module documentation).
pub fn dpkg(os: Option<&OsInfo>, p: &DpkgPackage) -> Option<String> {
    let domain = mail_domain(&p.maintainer)?;
    if DISTRO_DOMAINS.iter().any(|d| on_domain(&domain, d)) {
        return None;
    }
    let (vendor, domain) = vendor_of(&p.maintainer)?;
    let mut reason = format!(
        "maintainer {:?} is {vendor}'s ({domain}), not {}",
        p.maintainer,
        distro_name(os)
    );
    if let Some(tail) = vendor_suffix(&p.version) {
        reason.push_str(&format!(
            "; version {} has the repository suffix {tail}",
            p.version
        ));
    }
    Some(reason)
}

/// Whether an apk package is a third party's: its maintainer is a known vendor's address.
pub fn apk(os: Option<&OsInfo>, p: &ApkPackage) -> Option<String> {
    let (vendor, domain) = vendor_of(&p.maintainer)?;
    Some(format!(
        "maintainer {:?} is {vendor}'s ({domain}), not {}",
        p.maintainer,
        distro_name(os)
    ))
}

/// Whether an rpm is a third party's: a third-party repository's release tag, a vendor outside
/// the distribution family's, or (no vendor) a known vendor's packager address.
pub fn rpm(os: Option<&OsInfo>, p: &sekisho_rpmdb::RpmPackage) -> Option<String> {
    for (tag, repo) in RPM_RELEASE_TAGS {
        if p.release.ends_with(tag) {
            return Some(format!(
                "release {} ends with {repo}'s repository tag {tag}",
                p.release
            ));
        }
    }
    let os_id = os.map(|o| o.id.as_str()).unwrap_or("");
    let own = rpm_vendors(os_id)?;
    let is_own = |text: &str| {
        let lower = text.to_ascii_lowercase();
        own.iter().any(|v| lower.contains(&v.to_ascii_lowercase()))
    };
    let vendor = p.vendor.trim();
    if !vendor.is_empty() {
        if is_own(vendor) {
            return None;
        }
        return Some(format!(
            "vendor {vendor:?} is not {}{}",
            distro_name(os),
            match own {
                [first, ..] => format!(" (expected {first})"),
                [] => String::new(),
            }
        ));
    }
    let (name, domain) = vendor_of(&p.packager)?;
    let lower = name.to_ascii_lowercase();
    if is_own(name) || own.iter().any(|v| v.to_ascii_lowercase().contains(&lower)) {
        return None;
    }
    Some(format!(
        "no vendor; packager {:?} is {name}'s ({domain}), not {}",
        p.packager,
        distro_name(os)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(id: &str, version: &str) -> OsInfo {
        OsInfo {
            id: id.into(),
            version: version.into(),
            ..OsInfo::default()
        }
    }

    /// One package of a `dpkg -s` / status paragraph, parsed by the real parser.
    fn deb(paragraph: &str) -> DpkgPackage {
        let mut pkgs = crate::dpkg::parse_status(paragraph);
        assert_eq!(pkgs.len(), 1, "{paragraph}");
        pkgs.remove(0)
    }

    fn rpm_pkg(
        name: &str,
        release: &str,
        vendor: &str,
        packager: &str,
    ) -> sekisho_rpmdb::RpmPackage {
        sekisho_rpmdb::RpmPackage {
            name: name.into(),
            epoch: None,
            version: "1".into(),
            release: release.into(),
            arch: "x86_64".into(),
            source_rpm: String::new(),
            license: String::new(),
            vendor: vendor.into(),
            packager: packager.into(),
            distribution: String::new(),
            size: 0,
            sigmd5: String::new(),
            modularity_label: None,
            file_digest_algo: None,
            provides: Vec::new(),
            requires: Vec::new(),
            files: Vec::new(),
        }
    }

    // Status paragraphs as `dpkg -s` prints them for packages from the vendors' repositories.
    const NGINX: &str = "Package: nginx\nStatus: install ok installed\nPriority: optional\nSection: httpd\nInstalled-Size: 3344\nMaintainer: NGINX Packaging <nginx-packaging@f5.com>\nArchitecture: amd64\nVersion: 1.25.3-1~bookworm\nReplaces: nginx-common, nginx-core\nProvides: httpd, nginx, nginx-r1.25.3\nDepends: libc6 (>= 2.34), libcrypt1 (>= 1:4.1.0), libpcre2-8-0 (>= 10.22), libssl3 (>= 3.0.0), zlib1g (>= 1:1.1.4), lsb-base (>= 3.0-6), adduser\nConflicts: nginx-common, nginx-core\nDescription: high performance web server\n nginx [engine x] is an HTTP and reverse proxy server.\nHomepage: https://nginx.org\n";
    const NGINX_OLD: &str = "Package: nginx\nStatus: install ok installed\nMaintainer: Sergey Budnevitch <sb@nginx.com>\nArchitecture: amd64\nVersion: 1.18.0-1~buster\nDescription: high performance web server\n";
    const DOCKER_CE: &str = "Package: docker-ce\nStatus: install ok installed\nPriority: optional\nSection: admin\nInstalled-Size: 100112\nMaintainer: Docker <support@docker.com>\nArchitecture: amd64\nVersion: 5:24.0.7-1~debian.12~bookworm\nReplaces: docker-engine\nDepends: containerd.io (>= 1.6.24), docker-ce-cli, iptables, libseccomp2 (>= 2.3.0), libc6 (>= 2.34), libsystemd0\nConflicts: docker (<< 1.5~), docker-engine, docker.io\nDescription: Docker: the open-source application container engine\nHomepage: https://www.docker.com\n";
    const COMPOSE_PLUGIN: &str = "Package: docker-compose-plugin\nStatus: install ok installed\nPriority: optional\nSection: admin\nInstalled-Size: 59356\nMaintainer: Docker <support@docker.com>\nArchitecture: amd64\nSource: docker-ce (5:24.0.6-1~ubuntu.22.04~jammy)\nVersion: 2.21.0-1~ubuntu.22.04~jammy\nEnhances: docker-ce-cli\nDescription: Docker Compose (V2) plugin for the Docker CLI.\n";
    const VSCODE: &str = "Package: code\nStatus: install ok installed\nSection: devel\nPriority: optional\nArchitecture: amd64\nMaintainer: Microsoft Corporation <vscode-linux@microsoft.com>\nVersion: 1.85.1-1702462158\nHomepage: https://code.visualstudio.com/\nDescription: Code editing. Redefined.\n";
    const POWERSHELL: &str = "Package: powershell\nStatus: install ok installed\nPriority: extra\nSection: shells\nInstalled-Size: 154614\nMaintainer: PowerShell Team <PowerShellTeam@hotmail.com>\nArchitecture: amd64\nVersion: 7.0.2-1.ubuntu.18.04\nDepends: libc6, libgcc1, libgssapi-krb5-2, liblttng-ust0, libstdc++6, zlib1g, libssl1.0.0, libicu60\nDescription: PowerShell is an automation and configuration management platform.\n";

    #[test]
    fn vendor_debs_are_third_party() {
        let bookworm = os("debian", "12.4");
        let nginx = dpkg(Some(&bookworm), &deb(NGINX)).expect("nginx.org's nginx");
        assert_eq!(
            nginx,
            "maintainer \"NGINX Packaging <nginx-packaging@f5.com>\" is F5 (NGINX)'s (f5.com), \
             not debian's; version 1.25.3-1~bookworm has the repository suffix ~bookworm"
        );
        assert!(dpkg(Some(&bookworm), &deb(NGINX_OLD))
            .unwrap()
            .contains("NGINX's (nginx.com)"));
        let docker = dpkg(Some(&bookworm), &deb(DOCKER_CE)).expect("docker-ce");
        assert!(docker.contains("Docker's (docker.com)"), "{docker}");
        assert!(docker.ends_with("suffix ~debian.12~bookworm"), "{docker}");
        let jammy = os("ubuntu", "22.04");
        assert!(dpkg(Some(&jammy), &deb(COMPOSE_PLUGIN))
            .unwrap()
            .contains("not ubuntu's"));
        let code = dpkg(Some(&bookworm), &deb(VSCODE)).expect("VS Code");
        assert!(code.contains("Microsoft's (microsoft.com)"), "{code}");
        assert!(!code.contains("suffix"), "{code}");
    }

    /// No vendor address, no verdict: PowerShell's packages are Microsoft's, but their
    /// maintainer is a hotmail.com address and the version shape alone does not count.
    #[test]
    fn no_vendor_evidence_no_verdict() {
        assert_eq!(dpkg(Some(&os("ubuntu", "18.04")), &deb(POWERSHELL)), None);
    }

    /// Debian's and Ubuntu's own packages, including stable and security updates whose
    /// versions carry a release marker, stay the distribution's.
    #[test]
    fn distro_debs_stay_distro() {
        let bookworm = os("debian", "12.4");
        for paragraph in [
            // Security updates (+deb12uN, ~deb12uN for a new upstream release).
            "Package: libc6\nStatus: install ok installed\nMaintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u4\n",
            "Package: firefox-esr\nStatus: install ok installed\nMaintainer: Maintainers of Mozilla-related packages <team+pkg-mozilla@tracker.debian.org>\nArchitecture: amd64\nVersion: 115.6.0esr-1~deb12u1\n",
            "Package: chromium\nStatus: install ok installed\nMaintainer: Debian Chromium Team <chromium@packages.debian.org>\nArchitecture: amd64\nVersion: 120.0.6099.224-1~deb12u1\n",
            "Package: libssl3\nStatus: install ok installed\nMaintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.11-1~deb12u2\n",
            // A maintainer with his own address (Debian's kmod), a point-release update.
            "Package: kmod\nStatus: install ok installed\nMaintainer: Marco d'Itri <md@linux.it>\nArchitecture: amd64\nVersion: 30+20221128-1+deb12u1\n",
            // A backport, and the old codename security scheme (squeeze).
            "Package: git\nStatus: install ok installed\nMaintainer: Jonathan Nieder <jrnieder@gmail.com>\nArchitecture: amd64\nVersion: 1:2.43.0-1~bpo12+1\n",
            "Package: openssl\nStatus: install ok installed\nMaintainer: Debian OpenSSL Team <pkg-openssl-devel@lists.alioth.debian.org>\nArchitecture: amd64\nVersion: 0.9.8o-4squeeze14\n",
            // A codename suffix on a Debian-maintained package is not evidence either.
            "Package: tzdata\nStatus: install ok installed\nMaintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\nArchitecture: all\nVersion: 2024a-0+deb12u1~bookworm\n",
            // A Debian developer's own address.
            "Package: libfoo1\nStatus: install ok installed\nMaintainer: Jane Doe <jane@debian.org>\nArchitecture: amd64\nVersion: 1.0-1\n",
        ] {
            assert_eq!(dpkg(Some(&bookworm), &deb(paragraph)), None, "{paragraph}");
        }
        let jammy = os("ubuntu", "22.04");
        for paragraph in [
            "Package: libssl3\nStatus: install ok installed\nMaintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.2-0ubuntu1.15\nOriginal-Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>\n",
            "Package: ubuntu-advantage-tools\nStatus: install ok installed\nMaintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\nArchitecture: amd64\nVersion: 30~22.04\n",
            "Package: libc6\nStatus: install ok installed\nMaintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\nArchitecture: amd64\nSource: glibc\nVersion: 2.35-0ubuntu3.6\nOriginal-Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\n",
            "Package: libgcrypt20\nStatus: install ok installed\nMaintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\nArchitecture: amd64\nVersion: 1.9.4-3ubuntu3+esm1\n",
            // Synced from Debian unchanged: Debian's maintainer.
            "Package: zlib1g\nStatus: install ok installed\nMaintainer: Mark Brown <broonie@debian.org>\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.11.dfsg-2ubuntu9.2\n",
        ] {
            assert_eq!(dpkg(Some(&jammy), &deb(paragraph)), None, "{paragraph}");
        }
    }

    #[test]
    fn remi_and_vendor_rpms() {
        let rhel8 = os("rhel", "8.9");
        // `rpm -qi redis` of remi's build.
        let redis = rpm_pkg(
            "redis",
            "1.el8.remi",
            "Remi's RPM repository <https://rpms.remirepo.net/>",
            "Remi Collet",
        );
        assert_eq!(
            rpm(Some(&rhel8), &redis).unwrap(),
            "release 1.el8.remi ends with remi's repository tag .remi"
        );
        // The tag alone decides, whatever the distribution.
        let mut no_vendor = redis.clone();
        no_vendor.vendor.clear();
        assert!(rpm(None, &no_vendor).is_some());
        // The vendor alone: a remi package without the tag, Microsoft's and Docker's rpms,
        // EPEL's (Fedora Project) on RHEL.
        let mut untagged = redis.clone();
        untagged.release = "1.el8".into();
        assert_eq!(
            rpm(Some(&rhel8), &untagged).unwrap(),
            "vendor \"Remi's RPM repository <https://rpms.remirepo.net/>\" is not rhel's \
             (expected Red Hat)"
        );
        for vendor in ["Microsoft Corporation", "Docker", "Fedora Project"] {
            let p = rpm_pkg("x", "1.el8", vendor, "");
            assert!(rpm(Some(&rhel8), &p).is_some(), "{vendor}");
        }
        // No vendor: the packager's address decides when it is a vendor's.
        let p = rpm_pkg("x", "1.el8", "", "Docker <support@docker.com>");
        assert!(rpm(Some(&rhel8), &p)
            .unwrap()
            .contains("Docker's (docker.com)"));
        assert_eq!(
            rpm(Some(&rhel8), &rpm_pkg("x", "1", "", "me@example.org")),
            None
        );
    }

    #[test]
    fn distro_rpms_stay_distro() {
        let cases = [
            (
                "rhel",
                "Red Hat, Inc.",
                "Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla>",
            ),
            ("centos", "CentOS", "CentOS Buildsys <bugs@centos.org>"),
            (
                "rocky",
                "Rocky Enterprise Software Foundation",
                "infrastructure@rockylinux.org",
            ),
            (
                "almalinux",
                "AlmaLinux",
                "AlmaLinux Packaging Team <packager@almalinux.org>",
            ),
            (
                "ol",
                "Oracle America",
                "Oracle Linux Build Team <build@oss.oracle.com>",
            ),
            ("fedora", "Fedora Project", "Fedora Project"),
            ("amzn", "Amazon Linux", "Amazon Linux"),
            ("amzn", "Amazon.com", ""),
            (
                "sles",
                "SUSE LLC <https://www.suse.com/>",
                "https://www.suse.com/",
            ),
            ("opensuse-leap", "openSUSE", "https://bugs.opensuse.org"),
            (
                "mariner",
                "Microsoft Corporation",
                "CBL-Mariner <cblmariner@microsoft.com>",
            ),
            ("azurelinux", "Microsoft Corporation", ""),
            ("photon", "VMware, Inc.", ""),
        ];
        for (id, vendor, packager) in cases {
            let p = rpm_pkg("glibc", "1", vendor, packager);
            assert_eq!(rpm(Some(&os(id, "1")), &p), None, "{id} {vendor}");
        }
        // Oracle's own packager domain on Oracle Linux, vendor empty.
        let p = rpm_pkg(
            "x",
            "1.el9",
            "",
            "Oracle Linux Build Team <build@oss.oracle.com>",
        );
        assert_eq!(rpm(Some(&os("ol", "9.3")), &p), None);
        // No judgement where the distribution has no vendor list.
        let p = rpm_pkg("x", "1", "Someone Else", "");
        assert_eq!(rpm(Some(&os("openeuler", "22.03")), &p), None);
        assert_eq!(rpm(None, &p), None);
    }

    #[test]
    fn apk_maintainers() {
        let alpine = os("alpine", "3.18.4");
        let apk_pkg = |maintainer: &str| ApkPackage {
            name: "nginx".into(),
            version: "1.25.3-r1".into(),
            maintainer: maintainer.into(),
            ..ApkPackage::default()
        };
        assert!(apk(
            Some(&alpine),
            &apk_pkg("NGINX Packaging <nginx-packaging@f5.com>")
        )
        .is_some());
        for m in [
            "Natanael Copa <ncopa@alpinelinux.org>",
            "Timo Teräs <timo.teras@iki.fi>",
            "",
        ] {
            assert_eq!(apk(Some(&alpine), &apk_pkg(m)), None, "{m}");
        }
    }

    #[test]
    fn domains() {
        assert_eq!(
            mail_domain("Docker <support@docker.com>").as_deref(),
            Some("docker.com")
        );
        assert_eq!(
            mail_domain("a@B.Example.ORG").as_deref(),
            Some("b.example.org")
        );
        assert_eq!(mail_domain("Fedora Project"), None);
        assert!(on_domain("lists.debian.org", "debian.org"));
        assert!(!on_domain("notdebian.org", "debian.org"));
    }
}
