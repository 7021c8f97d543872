//! dpkg databases: `var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/*`, and the
//! `info/*.list` file lists.

/// One installed package from a dpkg status file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DpkgPackage {
    /// `Package`.
    pub name: String,
    /// `Version`.
    pub version: String,
    /// `Architecture`.
    pub arch: String,
    /// Source package name (the package name when there is no `Source` field).
    pub source_name: String,
    /// Source version (from `Source: name (version)`, else the binary version).
    pub source_version: String,
    /// `Maintainer`.
    pub maintainer: String,
}

/// Parse a status file. Only packages whose status says they are installed are returned
/// (entries without a `Status` field, as in distroless `status.d`, count as installed).
pub fn parse_status(text: &str) -> Vec<DpkgPackage> {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let mut pkg = DpkgPackage::default();
        let mut status: Option<&str> = None;
        let mut source: Option<&str> = None;
        for line in para.lines() {
            if line.starts_with([' ', '\t']) {
                continue; // continuation of a multi-line field
            }
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key {
                "Package" => pkg.name = value.to_string(),
                "Version" => pkg.version = value.to_string(),
                "Architecture" => pkg.arch = value.to_string(),
                "Maintainer" => pkg.maintainer = value.to_string(),
                "Status" => status = Some(value),
                "Source" => source = Some(value),
                _ => {}
            }
        }
        if pkg.name.is_empty() || pkg.version.is_empty() {
            continue;
        }
        if let Some(status) = status {
            if status.split_whitespace().last() != Some("installed") {
                continue;
            }
        }
        match source {
            Some(src) => match src.split_once('(') {
                Some((name, ver)) => {
                    pkg.source_name = name.trim().to_string();
                    pkg.source_version = ver.trim_end_matches(')').trim().to_string();
                }
                None => {
                    pkg.source_name = src.to_string();
                    pkg.source_version = pkg.version.clone();
                }
            },
            None => {
                pkg.source_name = pkg.name.clone();
                pkg.source_version = pkg.version.clone();
            }
        }
        out.push(pkg);
    }
    out
}

/// Parse an `info/<pkg>.list` file into absolute paths (directories included, as dpkg lists them).
pub fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| l.starts_with('/') && *l != "/.")
        .map(str::to_string)
        .collect()
}

/// Licence names from a `/usr/share/doc/<pkg>/copyright` file: the first word of every
/// machine-readable (DEP-5) `License:` field, and the names of files referenced under
/// `/usr/share/common-licenses/`. Sorted, unique. These are Debian's short names (`GPL-2+`),
/// not always SPDX identifiers.
pub fn copyright_licenses(text: &str) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("License:") {
            // `License: none` marks generated files with no licence at all.
            if let Some(first) = value.split_whitespace().next() {
                if !first.eq_ignore_ascii_case("none") {
                    out.insert(first.trim_end_matches(',').to_string());
                }
            }
        }
        let mut rest = line;
        while let Some(i) = rest.find("/usr/share/common-licenses/") {
            rest = &rest[i + "/usr/share/common-licenses/".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "-.+_".contains(*c))
                .collect();
            let name = name.trim_end_matches('.').to_string();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copyright_fields() {
        let text = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+ or Artistic\n\nLicense: BSD-3-clause\n On Debian systems see /usr/share/common-licenses/GPL-2.\n";
        assert_eq!(
            copyright_licenses(text),
            ["BSD-3-clause", "GPL-2", "GPL-2+"]
        );
    }

    #[test]
    fn parses_status() {
        let text = "Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b13\nSource: bash (5.2.15-2)\nArchitecture: amd64\nDescription: x\n more\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n";
        let pkgs = parse_status(text);
        assert_eq!(pkgs.len(), 1);
        assert_eq!(
            (
                pkgs[0].source_name.as_str(),
                pkgs[0].source_version.as_str()
            ),
            ("bash", "5.2.15-2")
        );
    }
}
