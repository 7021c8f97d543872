//! Checks from the package inventory: unnecessary packages (CIS-DI-0003) and an operating
//! system past its security support (CIS-DI-0004). Dockle does neither.

use std::collections::BTreeMap;

use sekisho_model::{OsInfo, Package};

use super::*;
use crate::finding::{AuditFinding, Finding};

/// What a runtime image should not carry, by package name. Base-system shells (`bash`, `dash`,
/// `busybox`) and the distro's own package manager (`dpkg`, `apk-tools`, `rpm`) are part of
/// every distro base image and are not listed: the check is about what a build added on top.
/// `sudo` is DKL-DI-0001's, so it is not listed either (one problem, one ID).
fn classify(name: &str) -> Option<&'static str> {
    let n = name;
    let compiler = matches!(
        n,
        "gcc"
            | "g++"
            | "cpp"
            | "clang"
            | "llvm"
            | "make"
            | "cmake"
            | "build-essential"
            | "binutils"
            | "autoconf"
            | "automake"
            | "libtool"
            | "gfortran"
            | "golang"
            | "golang-go"
            | "rustc"
            | "cargo"
            | "musl-dev"
            | "libc6-dev"
            | "libc-dev"
            | "glibc-devel"
            | "kernel-headers"
            | "linux-headers"
            | "nasm"
            | "yasm"
            | "bison"
            | "flex"
            | "pkg-config"
            | "pkgconf"
    ) || ["gcc-", "g++-", "cpp-", "clang-", "gfortran-", "llvm-"]
        .iter()
        .any(|prefix| versioned(n, prefix));
    if compiler {
        return Some("compiler or build tool");
    }
    if matches!(
        n,
        "gdb"
            | "strace"
            | "ltrace"
            | "valgrind"
            | "tcpdump"
            | "nmap"
            | "netcat"
            | "netcat-openbsd"
            | "netcat-traditional"
            | "ncat"
            | "nmap-ncat"
            | "socat"
            | "telnet"
            | "telnetd"
            | "inetutils-telnet"
            | "openssh-server"
            | "dropbear"
            | "ftp"
            | "tftp"
            | "rsh-client"
            | "rsh-server"
    ) {
        return Some("debugging or remote-access tool");
    }
    if matches!(n, "zsh" | "fish" | "tcsh" | "csh" | "ksh" | "mksh") {
        return Some("extra interactive shell");
    }
    if matches!(
        n,
        "python3-pip"
            | "python-pip"
            | "py3-pip"
            | "npm"
            | "yarn"
            | "yarnpkg"
            | "ruby-bundler"
            | "bundler"
            | "composer"
            | "maven"
            | "gradle"
            | "apt-file"
            | "aptitude"
            | "dnf-plugins-core"
    ) {
        return Some("language or extra package manager");
    }
    if matches!(
        n,
        "vim" | "vim-tiny" | "nano" | "emacs" | "emacs-nox" | "joe" | "mc"
    ) {
        return Some("text editor");
    }
    None
}

/// `name` is `prefix` followed by a version only (`gcc-12`, not `gcc-12-base`).
fn versioned(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix).is_some_and(|v| {
        !v.is_empty()
            && v.starts_with(|c: char| c.is_ascii_digit())
            && v.chars().all(|c| c.is_ascii_digit() || c == '.')
    })
}

/// CIS-DI-0003: packages from the list above, grouped by category, one finding per category.
pub fn check_unnecessary_packages(packages: &[Package]) -> Vec<Finding> {
    let mut groups: BTreeMap<&str, Vec<&Package>> = BTreeMap::new();
    for p in packages {
        if let Some(kind) = classify(&p.name) {
            groups.entry(kind).or_default().push(p);
        }
    }
    groups
        .into_iter()
        .map(|(kind, pkgs)| {
            let names: Vec<String> = pkgs
                .iter()
                .map(|p| format!("{} {} (layer {})", p.name, p.version, p.layer.index))
                .collect();
            let layer = pkgs.iter().map(|p| p.layer.index).min();
            Finding::config(
                &CIS_DI_0003,
                format!("{kind} in a runtime image: {}", names.join(", ")),
            )
            .at("packages")
            .in_layer(layer)
        })
        .collect()
}

/// End of security support (including LTS where it is served from the same archive) per
/// distro and release, as (year, month, day).
fn end_of_support(os: &OsInfo) -> Option<((i32, u32, u32), String)> {
    let v = os.version.as_str();
    let major = v.split('.').next().unwrap_or("");
    let minor = v.split('.').nth(1).unwrap_or("");
    let major_minor = format!("{major}.{minor}");
    let date = match os.id.as_str() {
        "alpine" => match major_minor.as_str() {
            "3.10" => (2021, 5, 1),
            "3.11" => (2021, 11, 1),
            "3.12" => (2022, 5, 1),
            "3.13" => (2022, 11, 1),
            "3.14" => (2023, 5, 1),
            "3.15" => (2023, 11, 1),
            "3.16" => (2024, 5, 23),
            "3.17" => (2024, 11, 22),
            "3.18" => (2025, 5, 9),
            "3.19" => (2025, 11, 1),
            "3.20" => (2026, 4, 1),
            "3.21" => (2026, 11, 1),
            "3.22" => (2027, 5, 1),
            "3.23" => (2027, 11, 1),
            _ if major == "3" && minor.parse::<u32>().is_ok_and(|m| m < 10) => (2021, 1, 1),
            _ if major == "2" || major == "1" => (2017, 1, 1),
            _ => return None,
        },
        "debian" => match major {
            "7" => (2018, 5, 31),
            "8" => (2020, 6, 30),
            "9" => (2022, 6, 30),
            "10" => (2024, 6, 30),
            "11" => (2026, 8, 31),
            "12" => (2028, 6, 30),
            "13" => (2030, 6, 30),
            m if m.parse::<u32>().is_ok_and(|m| m < 7) => (2016, 1, 1),
            _ => return None,
        },
        "ubuntu" => match major_minor.as_str() {
            "14.04" => (2019, 4, 30),
            "16.04" => (2021, 4, 30),
            "18.04" => (2023, 5, 31),
            "20.04" => (2025, 5, 31),
            "22.04" => (2027, 6, 1),
            "24.04" => (2029, 5, 31),
            _ => return None,
        },
        "centos" => match major {
            "5" => (2017, 3, 31),
            "6" => (2020, 11, 30),
            "7" => (2024, 6, 30),
            "8" => (2021, 12, 31),
            _ => return None,
        },
        "rhel" => match major {
            "6" => (2020, 11, 30),
            "7" => (2024, 6, 30),
            "8" => (2029, 5, 31),
            "9" => (2032, 5, 31),
            _ => return None,
        },
        "amzn" => match major {
            "1" | "2018" => (2023, 12, 31),
            "2" => (2026, 6, 30),
            "2023" => (2029, 6, 30),
            _ => return None,
        },
        _ => return None,
    };
    Some((
        date,
        format!(
            "{} {}",
            os.id,
            if os.id == "debian" {
                major
            } else {
                &major_minor
            }
        ),
    ))
}

/// CIS-DI-0004: the OS release is past its end of security support on `today`, so rebuilding
/// cannot bring security fixes: the base image must move to a supported release.
pub fn check_support(os: Option<&OsInfo>, today: jiff::civil::Date) -> Vec<Finding> {
    let Some(os) = os else { return Vec::new() };
    let Some((end, release)) = end_of_support(os) else {
        return Vec::new();
    };
    let today = (
        i32::from(today.year()),
        u32::from(today.month().unsigned_abs()),
        u32::from(today.day().unsigned_abs()),
    );
    if today <= end {
        return Vec::new();
    }
    vec![Finding::config(
        &CIS_DI_0004,
        format!(
            "{} ({release}) reached the end of security support on {:04}-{:02}-{:02}: no more security updates to rebuild with",
            os.pretty_name, end.0, end.1, end.2
        ),
    )
    .at(format!("/{}", os.evidence.trim_start_matches('/')))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert!(classify("gcc-12").is_some());
        assert!(classify("gcc-12-base").is_none());
        assert!(classify("libgcc-s1").is_none());
        assert!(classify("bash").is_none());
        assert!(classify("dpkg").is_none());
        assert!(classify("sudo").is_none());
        assert!(classify("openssh-server").is_some());
    }

    #[test]
    fn eol() {
        let os = OsInfo {
            id: "alpine".into(),
            version: "3.10.4".into(),
            pretty_name: "Alpine Linux v3.10".into(),
            evidence: "/etc/alpine-release".into(),
            ..Default::default()
        };
        assert_eq!(
            check_support(Some(&os), jiff::civil::date(2026, 1, 1)).len(),
            1
        );
        assert!(check_support(Some(&os), jiff::civil::date(2020, 1, 1)).is_empty());
        let deb = OsInfo {
            id: "debian".into(),
            version: "12.4".into(),
            ..Default::default()
        };
        assert!(check_support(Some(&deb), jiff::civil::date(2026, 11, 23)).is_empty());
    }
}
