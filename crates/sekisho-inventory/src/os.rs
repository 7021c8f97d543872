//! Operating system detection from os-release and the distro files older images rely on.

use sekisho_model::OsInfo;

/// Files read for OS detection, most specific first where it matters.
pub const OS_FILES: &[&str] = &[
    "etc/os-release",
    "usr/lib/os-release",
    "etc/alpine-release",
    "etc/debian_version",
    "etc/redhat-release",
    "etc/centos-release",
    "etc/system-release",
    "etc/lsb-release",
    "etc/SuSE-release",
    "etc/photon-release",
    "etc/mariner-release",
    "etc/azurelinux-release",
];

/// Parse os-release `KEY=value` lines (values may be quoted).
pub fn parse_os_release(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.starts_with('#') {
                return None;
            }
            let (k, v) = line.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            Some((k.trim().to_string(), v.replace("\\\"", "\"")))
        })
        .collect()
}

fn get<'a>(kv: &'a [(String, String)], key: &str) -> Option<&'a str> {
    kv.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Detect the OS given a way to read files of the final filesystem.
pub fn detect(read: &dyn Fn(&str) -> Option<String>) -> Option<OsInfo> {
    let first_line =
        |path: &str| read(path).map(|t| t.lines().next().unwrap_or("").trim().to_string());
    let os_release = ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|p| read(p).map(|t| (p, parse_os_release(&t))));
    if let Some((path, kv)) = &os_release {
        let id = get(kv, "ID").unwrap_or("").to_ascii_lowercase();
        if !id.is_empty() {
            let name = get(kv, "NAME").unwrap_or(&id).to_string();
            let pretty = get(kv, "PRETTY_NAME").unwrap_or(&name).to_string();
            let version_id = get(kv, "VERSION_ID").unwrap_or("").to_string();
            let mut codename = get(kv, "VERSION_CODENAME")
                .or_else(|| get(kv, "UBUNTU_CODENAME"))
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            let mut version = version_id.clone();
            let mut evidence = format!("/{path}");
            // More exact versions from the distro's own files.
            match id.as_str() {
                "alpine" => {
                    if let Some(v) = first_line("etc/alpine-release").filter(|v| !v.is_empty()) {
                        version = v;
                        evidence = "/etc/alpine-release".into();
                    }
                }
                "debian" => {
                    if let Some(v) = first_line("etc/debian_version")
                        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
                    {
                        version = v;
                        evidence = "/etc/debian_version".into();
                    } else if codename.is_none() {
                        codename = get(kv, "VERSION").and_then(codename_in_parens);
                    }
                }
                "centos" | "rhel" | "almalinux" | "rocky" | "ol" => {
                    let file = match id.as_str() {
                        "centos" => "etc/centos-release",
                        _ => "etc/redhat-release",
                    };
                    if let Some(v) = first_line(file).and_then(|l| release_number(&l)) {
                        if v.starts_with(&version_id) {
                            version = v;
                            evidence = format!("/{file}");
                        }
                    }
                }
                _ => {}
            }
            return Some(OsInfo {
                id,
                name,
                version,
                codename,
                pretty_name: pretty,
                evidence,
                content_manifests: Vec::new(),
            });
        }
    }
    legacy(&first_line)
}

/// Detection for images without os-release (old CentOS, Debian, Alpine, SUSE, Photon).
fn legacy(first_line: &dyn Fn(&str) -> Option<String>) -> Option<OsInfo> {
    let make = |id: &str, name: &str, version: String, pretty: String, evidence: &str| OsInfo {
        id: id.to_string(),
        name: name.to_string(),
        version,
        codename: None,
        pretty_name: pretty,
        evidence: format!("/{evidence}"),
        content_manifests: Vec::new(),
    };
    if let Some(v) = first_line("etc/alpine-release") {
        return Some(make(
            "alpine",
            "Alpine Linux",
            v.clone(),
            format!("Alpine Linux v{v}"),
            "etc/alpine-release",
        ));
    }
    for (file, id, name) in [
        ("etc/centos-release", "centos", "CentOS Linux"),
        ("etc/redhat-release", "rhel", "Red Hat Enterprise Linux"),
        ("etc/system-release", "amzn", "Amazon Linux"),
    ] {
        if let Some(line) = first_line(file) {
            let lower = line.to_ascii_lowercase();
            let id = if lower.contains("centos") {
                "centos"
            } else if lower.contains("amazon") {
                "amzn"
            } else if lower.contains("oracle") {
                "ol"
            } else if lower.contains("fedora") {
                "fedora"
            } else {
                id
            };
            let version = release_number(&line).unwrap_or_default();
            return Some(make(id, name, version, line.clone(), file));
        }
    }
    if let Some(line) = first_line("etc/SuSE-release") {
        let version = release_number(&line).unwrap_or_default();
        return Some(make(
            "sles",
            "SUSE Linux Enterprise Server",
            version,
            line.clone(),
            "etc/SuSE-release",
        ));
    }
    if let Some(line) = first_line("etc/photon-release") {
        let version = release_number(&line).unwrap_or_default();
        return Some(make(
            "photon",
            "VMware Photon OS",
            version,
            line.clone(),
            "etc/photon-release",
        ));
    }
    if let Some(v) = first_line("etc/debian_version") {
        return Some(make(
            "debian",
            "Debian GNU/Linux",
            v.clone(),
            format!("Debian GNU/Linux {v}"),
            "etc/debian_version",
        ));
    }
    None
}

/// `"12 (bookworm)"` -> `bookworm`.
fn codename_in_parens(version: &str) -> Option<String> {
    let start = version.find('(')?;
    let end = version[start..].find(')')? + start;
    let inner = version[start + 1..end].trim();
    (!inner.is_empty()).then(|| {
        inner
            .split(',')
            .next()
            .unwrap_or(inner)
            .trim()
            .to_lowercase()
    })
}

/// The first dotted number in a release line (`CentOS Linux release 7.9.2009 (Core)` -> `7.9.2009`).
fn release_number(line: &str) -> Option<String> {
    line.split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_digit())
                .to_string()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_from(files: &[(&str, &str)]) -> Option<OsInfo> {
        let read = |p: &str| {
            files
                .iter()
                .find(|(f, _)| *f == p)
                .map(|(_, t)| t.to_string())
        };
        detect(&read)
    }

    #[test]
    fn os_release_and_distro_files() {
        let os = detect_from(&[
            ("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"),
            ("etc/debian_version", "12.4\n"),
        ])
        .unwrap();
        assert_eq!(
            (os.id.as_str(), os.version.as_str(), os.codename.as_deref()),
            ("debian", "12.4", Some("bookworm"))
        );
        let os = detect_from(&[(
            "etc/centos-release",
            "CentOS Linux release 7.9.2009 (Core)\n",
        )])
        .unwrap();
        assert_eq!(
            (os.id.as_str(), os.version.as_str()),
            ("centos", "7.9.2009")
        );
        let os = detect_from(&[(
            "usr/lib/os-release",
            "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nVERSION_ID=\"2023\"\n",
        )])
        .unwrap();
        assert_eq!((os.id.as_str(), os.version.as_str()), ("amzn", "2023"));
        assert!(detect_from(&[]).is_none());
    }

    /// os-release as each distribution ships it (abridged to the fields that matter).
    #[test]
    fn every_supported_distribution() {
        /// (files, expected ID, expected version, expected codename)
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str, Option<&'a str>);
        let cases: &[Case] = &[
            (&[("etc/os-release", "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=jammy\n")], "ubuntu", "22.04", Some("jammy")),
            (&[("etc/os-release", "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.4 (Plow)\"\nID=\"rhel\"\nVERSION_ID=\"9.4\"\n"), ("etc/redhat-release", "Red Hat Enterprise Linux release 9.4 (Plow)\n")], "rhel", "9.4", None),
            (&[("etc/os-release", "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nVERSION_ID=\"7\"\n"), ("etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n")], "centos", "7.9.2009", None),
            (&[("etc/os-release", "NAME=\"AlmaLinux\"\nID=\"almalinux\"\nVERSION_ID=\"9.3\"\n"), ("etc/redhat-release", "AlmaLinux release 9.3 (Shamrock Pampas Cat)\n")], "almalinux", "9.3", None),
            (&[("etc/os-release", "NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID=\"8.9\"\n"), ("etc/redhat-release", "Rocky Linux release 8.9 (Green Obsidian)\n")], "rocky", "8.9", None),
            (&[("etc/os-release", "NAME=\"Oracle Linux Server\"\nID=\"ol\"\nVERSION_ID=\"8.9\"\n")], "ol", "8.9", None),
            (&[("etc/os-release", "NAME=\"Amazon Linux AMI\"\nID=\"amzn\"\nVERSION_ID=\"2018.03\"\n")], "amzn", "2018.03", None),
            (&[("etc/os-release", "NAME=\"Amazon Linux\"\nID=\"amzn\"\nVERSION_ID=\"2\"\n")], "amzn", "2", None),
            (&[("usr/lib/os-release", "NAME=\"openSUSE Leap\"\nID=\"opensuse-leap\"\nVERSION_ID=\"15.5\"\n")], "opensuse-leap", "15.5", None),
            (&[("usr/lib/os-release", "NAME=\"openSUSE Tumbleweed\"\nID=\"opensuse-tumbleweed\"\nVERSION_ID=\"20240101\"\n")], "opensuse-tumbleweed", "20240101", None),
            (&[("etc/os-release", "NAME=\"SLE Micro\"\nID=\"sle-micro\"\nVERSION_ID=\"5.5\"\n")], "sle-micro", "5.5", None),
            (&[("etc/os-release", "NAME=\"VMware Photon OS\"\nID=photon\nVERSION_ID=5.0\n")], "photon", "5.0", None),
            (&[("etc/os-release", "NAME=\"Common Base Linux Mariner\"\nID=mariner\nVERSION_ID=\"2.0\"\n")], "mariner", "2.0", None),
            (&[("etc/os-release", "NAME=\"Microsoft Azure Linux\"\nID=azurelinux\nVERSION_ID=\"3.0\"\n")], "azurelinux", "3.0", None),
            (&[("etc/os-release", "ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"\nVERSION_ID=\"20230201\"\n")], "wolfi", "20230201", None),
            (&[("etc/os-release", "ID=chainguard\nNAME=\"Chainguard\"\nVERSION_ID=\"20230214\"\n")], "chainguard", "20230214", None),
            (&[("etc/os-release", "NAME=\"Fedora Linux\"\nVERSION_ID=39\nID=fedora\n")], "fedora", "39", None),
            (&[("etc/os-release", "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\nVERSION=\"Debian GNU/Linux 12 (bookworm)\"\n"), ("etc/debian_version", "12.5\n")], "debian", "12.5", None),
            (&[("etc/alpine-release", "3.19.1\n")], "alpine", "3.19.1", None),
            (&[("etc/redhat-release", "CentOS release 6.10 (Final)\n")], "centos", "6.10", None),
            (&[("etc/system-release", "Amazon Linux AMI release 2018.03\n")], "amzn", "2018.03", None),
        ];
        for (files, id, version, codename) in cases {
            let os = detect_from(files).unwrap_or_else(|| panic!("{id}: not detected"));
            assert_eq!(
                (os.id.as_str(), os.version.as_str()),
                (*id, *version),
                "{files:?}"
            );
            if codename.is_some() {
                assert_eq!(os.codename.as_deref(), *codename);
            }
        }
    }
}
