//! Red Hat repository scoping: a Red Hat record is stated for products (CPEs such as
//! `cpe:/a:redhat:enterprise_linux:9::appstream`), and an image's content manifests say which
//! repositories (content sets) its rpms came from; Red Hat's `repository-to-cpe.json`, kept
//! in the database, turns those into CPEs. A record applies to a package only when one of its
//! CPEs is one of the package's repositories' CPEs ([`cpe_matches`]).
//!
//! Which content sets a package has (Trivy's rule): those of the manifests of the package's
//! own layer; a package of the first layer without one takes the second layer's (Red Hat's
//! base images write their manifest there); a package of a later layer without one takes the
//! nearest lower layer's (a user's layers on a Red Hat image). Failing all of those, every
//! manifest of the image.
//!
//! Records of products other than RHEL's main stream are stored under their own CPE (an
//! extended-support stream's `cpe:/a:redhat:rhel_eus:9.2::appstream`, OpenShift's), so a
//! scoped package is also looked up there ([`other_releases`]) and meets the records of the
//! streams it came from.
//!
//! No scoping, as before, when: the image has no content manifests (Trivy assumes the main
//! BaseOS and AppStream repositories of the release then; an image without manifests need
//! not be one Red Hat built, and assuming would hide the records of the repositories it did
//! use), the database has no map, or a content set is unknown to the map (a CPE missing
//! from the scope would hide every record stated for it).

use std::collections::{BTreeMap, BTreeSet};

use sekisho_advisory::Database;
use sekisho_model::OsInfo;

/// The content sets of a package of layer `layer` (see the module documentation); empty when
/// the image has no content manifests.
pub(crate) fn content_sets(os: &OsInfo, layer: usize) -> BTreeSet<&str> {
    let manifests = &os.content_manifests;
    let of = |l: usize| -> BTreeSet<&str> {
        manifests
            .iter()
            .filter(|m| m.layer == l)
            .flat_map(|m| m.content_sets.iter().map(String::as_str))
            .collect()
    };
    let own = of(layer);
    if !own.is_empty() {
        return own;
    }
    let lower = if layer == 0 {
        of(1)
    } else {
        manifests
            .iter()
            .map(|m| m.layer)
            .filter(|l| *l < layer)
            .max()
            .map(of)
            .unwrap_or_default()
    };
    if !lower.is_empty() {
        return lower;
    }
    manifests
        .iter()
        .flat_map(|m| m.content_sets.iter().map(String::as_str))
        .collect()
}

/// A content set without the generic `__<major>` suffix Red Hat's image builds add
/// (`rhel-8-for-x86_64-baseos-rpms__8`), which the map does not know; an EUS suffix such as
/// `__9_DOT_2` is part of the repository's name and stays.
pub(crate) fn clean_content_set(set: &str) -> &str {
    if let Some((base, suffix)) = set.rsplit_once("__") {
        if !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()) && !base.is_empty() {
            return base;
        }
    }
    set
}

/// The fields of a CPE 2.2 URI after `cpe:/`: part, vendor, product, version, update,
/// edition… (`cpe:/a:redhat:enterprise_linux:9::appstream` → `a`, `redhat`,
/// `enterprise_linux`, `9`, ``, `appstream`); `None` for anything else.
fn fields(cpe: &str) -> Option<Vec<&str>> {
    let rest = cpe.strip_prefix("cpe:/")?;
    let f: Vec<&str> = rest.split(':').collect();
    (f.len() >= 3).then_some(f)
}

/// Red Hat's extended-support streams of RHEL (`rhel_eus:9.2`, `rhel_aus:8.6`, …): a
/// release's minor version kept longer, whose unfixed statuses Red Hat states for the main
/// stream's product.
const EXTENDED_STREAMS: &[&str] = &[
    "rhel_eus",
    "rhel_aus",
    "rhel_tus",
    "rhel_e4s",
    "rhel_eus_long_life",
];

/// Whether a record's product CPE `record` covers a repository's CPE `repo`.
///
/// * The same CPE (Trivy compares the strings exactly): `…:9::appstream` covers only a
///   repository of `…:9::appstream`, not one of `…:9::sap_hana` or `rhel_eus:9.2::appstream`.
/// * A product-level CPE, without channel (how Red Hat states unfixed and not-affected
///   products: `cpe:/o:redhat:enterprise_linux:9`), covers every repository CPE of the same
///   vendor, product and version, whatever its part (`/o` or `/a`) and channel, as Red Hat's
///   matching guidance says (compare the first five segments); a major version also covers
///   that major's minor versions (`enterprise_linux:10` covers `enterprise_linux:10.0`), and
///   RHEL's covers its extended-support streams (`rhel_eus:9.2`), for which Red Hat states
///   unfixed issues under the main stream. Trivy finds these through the map's entries.
pub fn cpe_matches(record: &str, repo: &str) -> bool {
    if record == repo {
        return true;
    }
    let (Some(r), Some(c)) = (fields(record), fields(repo)) else {
        return false;
    };
    // Product level: no update, edition or later field with a value.
    if r.len() > 4 && r[4..].iter().any(|f| !f.is_empty()) {
        return false;
    }
    let (r_vendor, r_product, r_version) = (r[1], r[2], r.get(3).copied().unwrap_or(""));
    let (c_vendor, c_product, c_version) = (c[1], c[2], c.get(3).copied().unwrap_or(""));
    if r_vendor != c_vendor || r_version.is_empty() {
        return false;
    }
    let same_product = r_product == c_product
        || (r_product == "enterprise_linux" && EXTENDED_STREAMS.contains(&c_product));
    if !same_product {
        return false;
    }
    if r_version == c_version {
        return r_product == c_product;
    }
    // A major version covers its minors.
    !r_version.contains('.') && c_version.split('.').next() == Some(r_version)
}

/// The other releases whose records a package with this scope is looked up in: records of
/// products other than RHEL's main stream are stored under their CPE
/// ([`sekisho_advisory::feeds::csaf::release_of_cpe`]), so an extended-support or OpenShift
/// repository's records are found under that repository's CPE, and under the CPE without its
/// channel (`cpe:/a:redhat:rhel_eus:9.2`, in either part). `release` (`redhat:9`) and other
/// RHEL releases are left out.
pub(crate) fn other_releases(scope: &[String], release: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for cpe in scope {
        let Some(f) = fields(cpe) else { continue };
        let mut candidates = vec![cpe.clone()];
        if f.len() >= 4 {
            for part in ["a", "o"] {
                candidates.push(format!("cpe:/{part}:{}:{}:{}", f[1], f[2], f[3]));
            }
        }
        for c in candidates {
            let r = sekisho_advisory::feeds::csaf::release_of_cpe(&c);
            if r != release && !r.starts_with("redhat:") {
                out.insert(r);
            }
        }
    }
    out
}

/// Whether a record stated for `record_cpes` applies within `scope` (the CPEs of a package's
/// repositories). A record without CPEs (any other feed) always does.
pub(crate) fn in_scope(record_cpes: &[String], scope: &[String]) -> bool {
    record_cpes.is_empty()
        || record_cpes
            .iter()
            .any(|r| scope.iter().any(|c| cpe_matches(r, c)))
}

/// The scopes of one report, worked out once per distinct set of content sets.
#[derive(Default)]
pub(crate) struct Scopes {
    /// Whether the database has Red Hat's map (asked once).
    has_map: Option<bool>,
    /// Content sets → the CPEs of their repositories, `None` when one is unknown to the map.
    by_sets: BTreeMap<Vec<String>, Option<Vec<String>>>,
    /// Content sets the map does not know, for the report's warning.
    pub(crate) unknown: BTreeSet<String>,
}

impl Scopes {
    /// The CPEs a Red Hat record must cover to apply to a package with these content sets;
    /// `None`: no scoping (no content sets, no map in the database, or an unknown content
    /// set).
    pub(crate) fn scope(
        &mut self,
        db: &Database,
        sets: &BTreeSet<&str>,
    ) -> Result<Option<Vec<String>>, sekisho_advisory::Error> {
        if sets.is_empty() {
            return Ok(None);
        }
        if self.has_map.is_none() {
            self.has_map = Some(db.has_repository_map()?);
        }
        if self.has_map != Some(true) {
            return Ok(None);
        }
        let key: Vec<String> = sets.iter().map(|s| (*s).to_owned()).collect();
        if let Some(found) = self.by_sets.get(&key) {
            return Ok(found.clone());
        }
        let mut cpes = BTreeSet::new();
        let mut complete = true;
        for set in sets {
            let found = match db.repository_cpes(set)? {
                Some(c) => Some(c),
                None if clean_content_set(set) != *set => {
                    db.repository_cpes(clean_content_set(set))?
                }
                None => None,
            };
            match found {
                Some(c) => cpes.extend(c),
                None => {
                    complete = false;
                    self.unknown.insert((*set).to_owned());
                }
            }
        }
        let scope = complete.then(|| cpes.into_iter().collect::<Vec<_>>());
        self.by_sets.insert(key, scope.clone());
        Ok(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sekisho_model::ContentManifest;

    #[test]
    fn cpe_comparison() {
        let appstream = "cpe:/a:redhat:enterprise_linux:9::appstream";
        let baseos = "cpe:/o:redhat:enterprise_linux:9::baseos";
        // Exact strings.
        assert!(cpe_matches(appstream, appstream));
        assert!(!cpe_matches(appstream, baseos));
        assert!(!cpe_matches(
            "cpe:/a:redhat:enterprise_linux:9::sap_hana",
            appstream
        ));
        assert!(!cpe_matches(
            appstream,
            "cpe:/a:redhat:rhel_eus:9.2::appstream"
        ));
        assert!(!cpe_matches(
            "cpe:/a:redhat:rhel_eus:9.2::appstream",
            appstream
        ));
        // Product level: either part, any channel of the release.
        for record in [
            "cpe:/o:redhat:enterprise_linux:9",
            "cpe:/a:redhat:enterprise_linux:9",
        ] {
            assert!(cpe_matches(record, appstream), "{record}");
            assert!(cpe_matches(record, baseos), "{record}");
            assert!(cpe_matches(record, "cpe:/a:redhat:rhel_eus:9.2::appstream"));
            assert!(!cpe_matches(
                record,
                "cpe:/o:redhat:enterprise_linux:8::baseos"
            ));
            assert!(!cpe_matches(record, "cpe:/a:redhat:openshift:4.16::el9"));
        }
        assert!(cpe_matches(
            "cpe:/o:redhat:enterprise_linux:10",
            "cpe:/o:redhat:enterprise_linux:10.0"
        ));
        assert!(!cpe_matches(
            "cpe:/o:redhat:enterprise_linux:10.1",
            "cpe:/o:redhat:enterprise_linux:10.0"
        ));
        // An extended stream's product-level CPE is that stream's only.
        assert!(cpe_matches(
            "cpe:/a:redhat:rhel_eus:9.2",
            "cpe:/a:redhat:rhel_eus:9.2::appstream"
        ));
        assert!(!cpe_matches("cpe:/a:redhat:rhel_eus:9.2", appstream));
        assert!(!cpe_matches(
            "cpe:/a:redhat:rhel_eus:9.2",
            "cpe:/a:redhat:rhel_eus:9.4::appstream"
        ));
        // Not CPEs.
        assert!(!cpe_matches("redhat:9", appstream));
        assert!(!cpe_matches("cpe:/o:redhat", appstream));
        assert!(in_scope(&[], &[appstream.to_string()]));
        assert!(in_scope(
            &[
                "cpe:/a:redhat:enterprise_linux:9::sap_hana".to_string(),
                appstream.to_string()
            ],
            &[appstream.to_string()]
        ));
        assert!(!in_scope(
            &["cpe:/a:redhat:enterprise_linux:9::sap_hana".to_string()],
            &[appstream.to_string(), baseos.to_string()]
        ));
    }

    #[test]
    fn releases_of_other_streams() {
        let scope = [
            "cpe:/a:redhat:enterprise_linux:9::appstream".to_string(),
            "cpe:/a:redhat:rhel_eus:9.2::appstream".to_string(),
        ];
        assert_eq!(
            other_releases(&scope, "redhat:9")
                .into_iter()
                .collect::<Vec<_>>(),
            [
                "cpe:/a:redhat:rhel_eus:9.2",
                "cpe:/a:redhat:rhel_eus:9.2::appstream",
                "cpe:/o:redhat:rhel_eus:9.2",
            ]
        );
        assert!(other_releases(&scope[..1], "redhat:9").is_empty());
    }

    #[test]
    fn content_set_suffixes() {
        assert_eq!(
            clean_content_set("rhel-8-for-x86_64-baseos-rpms__8"),
            "rhel-8-for-x86_64-baseos-rpms"
        );
        assert_eq!(
            clean_content_set("rhel-9-for-x86_64-appstream-eus-rpms__9_DOT_2"),
            "rhel-9-for-x86_64-appstream-eus-rpms__9_DOT_2"
        );
        assert_eq!(clean_content_set("__8"), "__8");
        assert_eq!(clean_content_set("plain-rpms"), "plain-rpms");
    }

    #[test]
    fn which_manifests() {
        let m = |layer: usize, sets: &[&str]| ContentManifest {
            path: format!("/root/buildinfo/content_manifests/l{layer}.json"),
            layer,
            image_layer_index: None,
            content_sets: sets.iter().map(|s| s.to_string()).collect(),
        };
        let os = OsInfo {
            content_manifests: vec![m(1, &["base"]), m(3, &["app-a", "app-b"])],
            ..OsInfo::default()
        };
        let sets = |layer| content_sets(&os, layer).into_iter().collect::<Vec<_>>();
        assert_eq!(sets(0), ["base"], "the first layer takes the second's");
        assert_eq!(sets(1), ["base"]);
        assert_eq!(sets(2), ["base"], "the nearest lower layer's");
        assert_eq!(sets(3), ["app-a", "app-b"]);
        assert_eq!(sets(5), ["app-a", "app-b"]);
        let only_high = OsInfo {
            content_manifests: vec![m(4, &["x"]), m(6, &["y"])],
            ..OsInfo::default()
        };
        assert_eq!(
            content_sets(&only_high, 2).into_iter().collect::<Vec<_>>(),
            ["x", "y"],
            "none below: all of them"
        );
        assert!(content_sets(&OsInfo::default(), 0).is_empty());
    }
}
