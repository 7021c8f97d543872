//! Package URLs for language packages, as the purl spec's type definitions say: PEP 503 names
//! for PyPI, `@scope` namespaces for npm, `group/artifact` for Maven, module paths split at
//! the last `/` for Go and Swift, `vendor/name` for Composer.

use sekisho_model::{purl, PackageKind};

/// The PEP 503 normal form of a Python distribution name: lower case, every run of `-`, `_`
/// and `.` one `-`.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_sep {
                out.push('-');
            }
            in_sep = true;
        } else {
            out.extend(c.to_lowercase());
            in_sep = false;
        }
    }
    out
}

/// The purl of a `kind` package named `name` (as [`crate::LangPackage::name`] holds it) at
/// `version`.
pub fn purl(kind: PackageKind, name: &str, version: &str) -> String {
    let ty = kind.as_str();
    match kind {
        PackageKind::Pypi => purl::build(ty, None, &pep503(name), version, &[]),
        PackageKind::Maven => match name.split_once(':') {
            Some((group, artifact)) => purl::build(ty, Some(group), artifact, version, &[]),
            None => purl::build(ty, None, name, version, &[]),
        },
        PackageKind::Npm
        | PackageKind::Golang
        | PackageKind::Composer
        | PackageKind::Swift
        | PackageKind::Gem
        | PackageKind::Cargo => match name.rsplit_once('/') {
            Some((ns, base)) if !ns.is_empty() && !base.is_empty() => {
                purl::build(ty, Some(ns), base, version, &[])
            }
            _ => purl::build(ty, None, name, version, &[]),
        },
        PackageKind::Hex => purl::build(ty, None, &name.to_lowercase(), version, &[]),
        // A subspec `Pod/Sub` is the pod's purl with subpath `Sub`.
        PackageKind::Cocoapods => match name.split_once('/') {
            Some((pod, sub)) if !pod.is_empty() && !sub.is_empty() => {
                let sub: Vec<String> = sub.split('/').map(|s| purl::encode(s, b"+")).collect();
                format!(
                    "{}#{}",
                    purl::build(ty, None, pod, version, &[]),
                    sub.join("/")
                )
            }
            _ => purl::build(ty, None, name, version, &[]),
        },
        _ => purl::build(ty, None, name, version, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_follow_the_spec() {
        let cases = [
            (
                PackageKind::Pypi,
                "Jinja2",
                "2.11.2",
                "pkg:pypi/jinja2@2.11.2",
            ),
            (
                PackageKind::Pypi,
                "zope.interface",
                "5.0",
                "pkg:pypi/zope-interface@5.0",
            ),
            (
                PackageKind::Npm,
                "@babel/core",
                "7.0.0",
                "pkg:npm/%40babel/core@7.0.0",
            ),
            (PackageKind::Npm, "ms", "2.0.0", "pkg:npm/ms@2.0.0"),
            (
                PackageKind::Maven,
                "org.slf4j:slf4j-api",
                "1.7.32",
                "pkg:maven/org.slf4j/slf4j-api@1.7.32",
            ),
            (
                PackageKind::Golang,
                "github.com/gorilla/mux",
                "v1.8.0",
                "pkg:golang/github.com/gorilla/mux@v1.8.0",
            ),
            (
                PackageKind::Golang,
                "stdlib",
                "go1.19.8",
                "pkg:golang/stdlib@go1.19.8",
            ),
            (
                PackageKind::Golang,
                "github.com/tianon/gosu",
                "",
                "pkg:golang/github.com/tianon/gosu",
            ),
            (
                PackageKind::Composer,
                "monolog/monolog",
                "2.3.5",
                "pkg:composer/monolog/monolog@2.3.5",
            ),
            (
                PackageKind::Cocoapods,
                "GoogleUtilities/NSData+zlib",
                "7.5.2",
                "pkg:cocoapods/GoogleUtilities@7.5.2#NSData+zlib",
            ),
            (
                PackageKind::Hex,
                "Phoenix",
                "1.7.0",
                "pkg:hex/phoenix@1.7.0",
            ),
        ];
        for (kind, name, version, want) in cases {
            assert_eq!(purl(kind, name, version), want);
        }
    }

    #[test]
    fn normalises_python_names() {
        assert_eq!(pep503("Foo__Bar.-baz"), "foo-bar-baz");
        assert_eq!(pep503("PyYAML"), "pyyaml");
    }
}
