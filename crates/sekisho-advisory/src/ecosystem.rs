//! Ecosystem names: OSV's spellings to purl type and distro release, and package-name
//! normalisation per ecosystem.

/// The purl type and distro release of an OSV `ecosystem` string (`Debian:12` →
/// `("deb", "debian:12")`, `PyPI` → `("pypi", "")`). Unknown ecosystems are kept,
/// lowercased, with no release.
pub fn from_osv(ecosystem: &str) -> (String, String) {
    let (base, rest) = match ecosystem.split_once(':') {
        Some((b, r)) => (b, Some(r)),
        None => (ecosystem, None),
    };
    let lang = |t: &str| (t.to_owned(), String::new());
    let distro = |t: &str, d: &str| {
        let d = match rest {
            Some(r) if !r.is_empty() => format!("{d}:{}", r.to_ascii_lowercase()),
            _ => d.to_owned(),
        };
        (t.to_owned(), d)
    };
    match base {
        "npm" => lang("npm"),
        "PyPI" => lang("pypi"),
        "crates.io" => lang("cargo"),
        "Go" => lang("golang"),
        "RubyGems" => lang("gem"),
        "Packagist" => lang("composer"),
        "Maven" => lang("maven"),
        "NuGet" => lang("nuget"),
        "Pub" => lang("pub"),
        "Hex" => lang("hex"),
        "Hackage" => lang("hackage"),
        "CRAN" => lang("cran"),
        "SwiftURL" => lang("swift"),
        "GitHub Actions" => lang("githubactions"),
        "Bioconductor" => lang("bioconductor"),
        "Debian" => distro("deb", "debian"),
        "Ubuntu" => {
            // `Ubuntu:22.04:LTS`, `Ubuntu:Pro:18.04:LTS`, `Ubuntu:Pro:FIPS:…`.
            let parts: Vec<&str> = rest.unwrap_or("").split(':').collect();
            let pro = parts.first().is_some_and(|p| p.eq_ignore_ascii_case("pro"));
            let release = parts
                .iter()
                .find(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit()))
                .copied()
                .unwrap_or("");
            let name = if pro { "ubuntu-pro" } else { "ubuntu" };
            let d = if release.is_empty() {
                name.to_owned()
            } else {
                format!("{name}:{release}")
            };
            ("deb".to_owned(), d)
        }
        "Alpine" => {
            let r = rest.unwrap_or("").trim_start_matches('v');
            (
                "apk".to_owned(),
                if r.is_empty() {
                    "alpine".into()
                } else {
                    format!("alpine:{r}")
                },
            )
        }
        "Wolfi" => ("apk".to_owned(), "wolfi".to_owned()),
        "Chainguard" => ("apk".to_owned(), "chainguard".to_owned()),
        "Rocky Linux" => distro("rpm", "rocky"),
        "AlmaLinux" => distro("rpm", "almalinux"),
        "Red Hat" => distro("rpm", "redhat"),
        "SUSE" => distro("rpm", "suse"),
        "openSUSE" => distro("rpm", "opensuse"),
        "Mageia" => distro("rpm", "mageia"),
        "openEuler" => distro("rpm", "openeuler"),
        "Photon OS" => distro("rpm", "photon"),
        "Azure Linux" => distro("rpm", "azurelinux"),
        "Echo" => ("deb".to_owned(), "echo".to_owned()),
        other => (
            other.to_ascii_lowercase().replace(' ', "-"),
            rest.unwrap_or("").to_ascii_lowercase(),
        ),
    }
}

/// A package name normalised the way `ecosystem` (a purl type) matches names.
///
/// PyPI: PEP 503 (lowercase, runs of `-`, `_`, `.` become one `-`); Composer and NuGet:
/// lowercase (their registries are case-insensitive); everything else as is (Debian and
/// Ubuntu are keyed by source package, Alpine by origin, Maven by `group:artifact`).
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    let name = name.trim();
    match ecosystem {
        "pypi" => {
            let mut out = String::with_capacity(name.len());
            let mut sep = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    sep = true;
                } else {
                    if sep && !out.is_empty() {
                        out.push('-');
                    }
                    sep = false;
                    out.extend(c.to_lowercase());
                }
            }
            out
        }
        "composer" | "nuget" => name.to_lowercase(),
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_ecosystems() {
        assert_eq!(from_osv("Debian:12"), ("deb".into(), "debian:12".into()));
        assert_eq!(
            from_osv("Ubuntu:22.04:LTS"),
            ("deb".into(), "ubuntu:22.04".into())
        );
        assert_eq!(
            from_osv("Ubuntu:Pro:18.04:LTS"),
            ("deb".into(), "ubuntu-pro:18.04".into())
        );
        assert_eq!(
            from_osv("Alpine:v3.18"),
            ("apk".into(), "alpine:3.18".into())
        );
        assert_eq!(from_osv("crates.io"), ("cargo".into(), String::new()));
        assert_eq!(from_osv("Go"), ("golang".into(), String::new()));
        assert_eq!(from_osv("RubyGems"), ("gem".into(), String::new()));
        assert_eq!(from_osv("Packagist"), ("composer".into(), String::new()));
        assert_eq!(from_osv("Wolfi"), ("apk".into(), "wolfi".into()));
        assert_eq!(from_osv("Rocky Linux:8"), ("rpm".into(), "rocky:8".into()));
    }

    #[test]
    fn names() {
        assert_eq!(normalize_name("pypi", "PyYAML"), "pyyaml");
        assert_eq!(normalize_name("pypi", "Jinja2"), "jinja2");
        assert_eq!(
            normalize_name("pypi", "zope.interface__x"),
            "zope-interface-x"
        );
        assert_eq!(normalize_name("npm", "Lodash"), "Lodash");
        assert_eq!(normalize_name("composer", "Twig/Twig"), "twig/twig");
    }
}
