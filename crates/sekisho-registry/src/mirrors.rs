//! Registry mirrors and locations from a containers `registries.conf` (version 2, as Podman,
//! Buildah, skopeo and CRI-O read it; containers-registries.conf(5)):
//!
//! ```toml
//! [[registry]]
//! prefix = "docker.io"                  # what references it applies to (default: location)
//! location = "docker.io"                # where the image really is
//! insecure = false                      # plain HTTP / unverified TLS allowed
//! blocked = false                       # refuse to pull
//! mirror-by-digest-only = false         # mirrors only for references by digest
//! [[registry.mirror]]
//! location = "mirror.example.com:5000/hub"
//! insecure = true
//! pull-from-mirror = "all"              # or "digest-only", "tag-only"
//! ```
//!
//! The entry with the longest matching prefix applies (`*.example.com` matches any subdomain's
//! registry); the prefix is replaced by a mirror's (or the entry's) location. Mirrors are
//! tried in order, then the location. Other keys (`unqualified-search-registries`, aliases,
//! version 1's `[registries.*]` tables) are not used: references are completed with Docker's
//! rules.

use std::collections::BTreeMap;

use crate::error::RegistryError;
use crate::reference::Reference;

/// A parsed `registries.conf`.
#[derive(Debug, Clone, Default)]
pub struct RegistriesConf {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    prefix: String,
    location: String,
    insecure: bool,
    blocked: bool,
    mirror_by_digest_only: bool,
    mirrors: Vec<Mirror>,
}

#[derive(Debug, Clone)]
struct Mirror {
    location: String,
    insecure: bool,
    pull_from: PullFrom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PullFrom {
    All,
    DigestOnly,
    TagOnly,
}

/// One place to try for an image: a mirror, or the (possibly relocated) registry itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The image's reference there (the same tag or digest).
    pub reference: Reference,
    /// Whether `insecure = true` was set for it (plain HTTP or an unverified certificate).
    pub insecure: bool,
    /// Whether it is a mirror (else the registry the reference names, or its `location`).
    pub mirror: bool,
}

#[derive(serde::Deserialize)]
struct RawConf {
    #[serde(default)]
    registry: Vec<RawEntry>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawEntry {
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    insecure: bool,
    #[serde(default)]
    blocked: bool,
    #[serde(default)]
    mirror_by_digest_only: bool,
    #[serde(default)]
    mirror: Vec<RawMirror>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawMirror {
    location: String,
    #[serde(default)]
    insecure: bool,
    #[serde(default)]
    pull_from_mirror: Option<String>,
}

impl RegistriesConf {
    /// Parse a `registries.conf`. Text that is not TOML, an entry with neither `prefix` nor
    /// `location`, a wildcard prefix with a `location`, two entries with the same prefix, a
    /// mirror without `location` and an unknown `pull-from-mirror` are errors.
    pub fn parse(text: &str) -> Result<RegistriesConf, String> {
        let raw: RawConf = toml::from_str(text).map_err(|e| {
            // One line: where, and what (the crate's own text draws the line with a caret).
            let at = e.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!("line {line}, column {column}: ")
            });
            format!("not TOML: {}{}", at.unwrap_or_default(), e.message().trim())
        })?;
        let mut entries = Vec::new();
        let mut seen = BTreeMap::new();
        for (i, r) in raw.registry.into_iter().enumerate() {
            let n = i + 1;
            let prefix = if r.prefix.is_empty() {
                r.location.clone()
            } else {
                r.prefix.clone()
            };
            let prefix = prefix.trim_end_matches('/').to_string();
            if prefix.is_empty() {
                return Err(format!("[[registry]] #{n}: neither prefix nor location"));
            }
            if prefix.starts_with("*.") && !r.location.is_empty() {
                return Err(format!(
                    "[[registry]] #{n}: a wildcard prefix ({prefix}) cannot have a location"
                ));
            }
            if let Some(first) = seen.insert(prefix.clone(), n) {
                return Err(format!(
                    "[[registry]] #{n}: prefix {prefix} is already entry #{first}'s"
                ));
            }
            let mut mirrors = Vec::new();
            for m in r.mirror {
                let location = m.location.trim_end_matches('/').to_string();
                if location.is_empty() {
                    return Err(format!("[[registry]] {prefix}: a mirror without location"));
                }
                let pull_from = match m.pull_from_mirror.as_deref() {
                    None | Some("") | Some("all") => PullFrom::All,
                    Some("digest-only") => PullFrom::DigestOnly,
                    Some("tag-only") => PullFrom::TagOnly,
                    Some(other) => {
                        return Err(format!(
                            "[[registry]] {prefix}: mirror {location}: pull-from-mirror = \
                             {other:?} (expected all, digest-only or tag-only)"
                        ))
                    }
                };
                mirrors.push(Mirror {
                    location,
                    insecure: m.insecure,
                    pull_from,
                });
            }
            entries.push(Entry {
                location: r.location.trim_end_matches('/').to_string(),
                prefix,
                insecure: r.insecure,
                blocked: r.blocked,
                mirror_by_digest_only: r.mirror_by_digest_only,
                mirrors,
            });
        }
        Ok(RegistriesConf { entries })
    }

    /// Whether the file has no `[[registry]]` entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where to look for `reference`, in order: the mirrors that apply (a tag reference skips
    /// `digest-only` mirrors, a digest reference `tag-only` ones), then the entry's location
    /// (or the registry itself when no entry matches). A blocked registry is an error.
    pub fn endpoints(&self, reference: &Reference) -> Result<Vec<Endpoint>, RegistryError> {
        let full = reference.to_string();
        let Some((entry, matched)) = self
            .entries
            .iter()
            .filter_map(|e| match_len(&full, &reference.registry, &e.prefix).map(|n| (e, n)))
            .max_by_key(|(_, n)| *n)
        else {
            return Ok(vec![Endpoint {
                reference: reference.clone(),
                insecure: false,
                mirror: false,
            }]);
        };
        let bad = |reason: String| RegistryError::BadReference {
            input: full.clone(),
            reason,
        };
        if entry.blocked {
            return Err(bad(format!(
                "registries.conf blocks {} (blocked = true)",
                entry.prefix
            )));
        }
        let rest = &full[matched..];
        let by_digest = reference.digest.is_some();
        let mut out = Vec::new();
        for m in &entry.mirrors {
            let wanted = match m.pull_from {
                _ if entry.mirror_by_digest_only => by_digest,
                PullFrom::All => true,
                PullFrom::DigestOnly => by_digest,
                PullFrom::TagOnly => !by_digest,
            };
            if wanted {
                out.push(Endpoint {
                    reference: relocate(&m.location, rest).map_err(&bad)?,
                    insecure: m.insecure,
                    mirror: true,
                });
            }
        }
        let origin = if entry.location.is_empty() {
            reference.clone()
        } else {
            relocate(&entry.location, rest).map_err(&bad)?
        };
        out.push(Endpoint {
            reference: origin,
            insecure: entry.insecure,
            mirror: false,
        });
        Ok(out)
    }
}

/// How much of `full` (`registry/repository[:tag][@digest]`) the prefix matches, if it does:
/// the whole of it, or up to a `/`, `:` or `@`. `*.example.com` matches a registry under
/// `example.com` (the registry part).
fn match_len(full: &str, registry: &str, prefix: &str) -> Option<usize> {
    if let Some(domain) = prefix.strip_prefix("*.") {
        let host = registry.split(':').next().unwrap_or(registry);
        return host
            .strip_suffix(domain)
            .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1)
            .then_some(registry.len());
    }
    let rest = full.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with(['/', ':', '@'])).then_some(prefix.len())
}

/// `location` + what follows the matched prefix, as a reference whose registry is the
/// location's first component (whatever it looks like, as containers/image reads it).
fn relocate(location: &str, rest: &str) -> Result<Reference, String> {
    let joined = format!("{location}{rest}");
    let (host, path) = joined
        .split_once('/')
        .ok_or_else(|| format!("{joined}: no repository after the registry"))?;
    // Parsed under a stand-in registry, so Docker's rules do not read the location's first
    // component as a Docker Hub namespace.
    let mut reference =
        Reference::parse(&format!("localhost/{path}")).map_err(|e| format!("{joined}: {e}"))?;
    reference.registry = host.to_string();
    Ok(reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Reference {
        Reference::parse(s).unwrap()
    }

    fn names(conf: &RegistriesConf, reference: &str) -> Vec<String> {
        conf.endpoints(&r(reference))
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{}{}{}",
                    e.reference,
                    if e.mirror { " (mirror)" } else { "" },
                    if e.insecure { " (insecure)" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn mirrors_in_order_then_the_origin() {
        let conf = RegistriesConf::parse(
            r#"
            unqualified-search-registries = ["docker.io"]
            [[registry]]
            prefix = "docker.io"
            location = "docker.io"
            [[registry.mirror]]
            location = "mirror.local:5000/hub"
            insecure = true
            [[registry.mirror]]
            location = "second.example"
            pull-from-mirror = "digest-only"

            [[registry]]
            prefix = "example.com/team"
            location = "internal.example.com/mirrored/team"
            insecure = true

            [[registry]]
            location = "example.com"
            [[registry.mirror]]
            location = "cache.example.com"
            pull-from-mirror = "tag-only"

            [[registry]]
            prefix = "*.corp.example"
            blocked = true

            [[registry]]
            location = "digests.io"
            mirror-by-digest-only = true
            [[registry.mirror]]
            location = "cache.example.com/digests"
        "#,
        )
        .unwrap();
        assert_eq!(
            names(&conf, "nginx:1.27"),
            [
                "mirror.local:5000/hub/library/nginx:1.27 (mirror) (insecure)",
                "docker.io/library/nginx:1.27"
            ]
        );
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            names(&conf, &format!("nginx@{digest}")),
            [
                format!("mirror.local:5000/hub/library/nginx@{digest} (mirror) (insecure)"),
                format!("second.example/library/nginx@{digest} (mirror)"),
                format!("docker.io/library/nginx@{digest}"),
            ]
        );
        // The longest prefix wins; a location relocates the origin.
        assert_eq!(
            names(&conf, "example.com/team/app:1"),
            ["internal.example.com/mirrored/team/app:1 (insecure)"]
        );
        assert_eq!(
            names(&conf, "example.com/other/app:1"),
            [
                "cache.example.com/other/app:1 (mirror)",
                "example.com/other/app:1"
            ]
        );
        assert_eq!(
            names(&conf, &format!("example.com/other/app@{digest}")),
            [format!("example.com/other/app@{digest}")]
        );
        // `example.com/teamwork` is not under `example.com/team`.
        assert_eq!(
            names(&conf, "example.com/teamwork/app:1"),
            [
                "cache.example.com/teamwork/app:1 (mirror)",
                "example.com/teamwork/app:1"
            ]
        );
        assert_eq!(names(&conf, "ghcr.io/a/b:1"), ["ghcr.io/a/b:1"]);
        assert_eq!(names(&conf, "digests.io/a:1"), ["digests.io/a:1"]);
        assert_eq!(names(&conf, &format!("digests.io/a@{digest}")).len(), 2);
        let err = conf.endpoints(&r("reg.corp.example/a:1")).unwrap_err();
        assert!(err.to_string().contains("blocks *.corp.example"), "{err}");
        assert_eq!(names(&conf, "corp.example/a:1"), ["corp.example/a:1"]);
        // A location without a dot is still the registry, not a Docker Hub namespace.
        let conf = RegistriesConf::parse(
            "[[registry]]\nprefix = \"quay.io\"\n[[registry.mirror]]\nlocation = \"mirrorhost\"\n",
        )
        .unwrap();
        let eps = conf.endpoints(&r("quay.io/a/b:1")).unwrap();
        assert_eq!(eps[0].reference.registry, "mirrorhost");
        assert_eq!(eps[0].reference.repository, "a/b");
    }

    #[test]
    fn bad_files() {
        for (text, says) in [
            ("[[registry]]\ninsecure = true\n", "neither prefix nor location"),
            (
                "[[registry]]\nprefix = \"*.a.io\"\nlocation = \"b.io\"\n",
                "wildcard",
            ),
            (
                "[[registry]]\nlocation = \"a.io\"\n[[registry]]\nprefix = \"a.io\"\n",
                "already",
            ),
            (
                "[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\nlocation = \"b.io\"\npull-from-mirror = \"some\"\n",
                "pull-from-mirror",
            ),
            ("[[registry]\n", "TOML"),
        ] {
            let err = RegistriesConf::parse(text).unwrap_err();
            assert!(
                err.contains(says) || (says == "TOML" && !err.is_empty()),
                "{text}: {err}"
            );
        }
        assert!(RegistriesConf::parse("").unwrap().is_empty());
        // Version 1 tables are not read.
        assert!(
            RegistriesConf::parse("[registries.search]\nregistries = [\"docker.io\"]\n")
                .unwrap()
                .is_empty()
        );
    }
}
