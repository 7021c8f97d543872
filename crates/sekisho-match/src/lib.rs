//! Vulnerability matching: every package of a report against the local advisory database
//! (`sekisho-advisory`), with each ecosystem's version rules (`sekisho-version`).
//!
//! The rules, in the order they apply:
//! * third-party OS packages (`Package::third_party`: a vendor's build, e.g. nginx.org's or
//!   Docker's debs, remi's rpms) are not matched against the distro's advisories, which
//!   describe the distro's builds, unless [`MatchOptions::match_third_party`] asks; the report
//!   says how many were left out;
//! * the lookup key: OS packages by the distro release (`debian:12`, `alpine:3.10`) and the
//!   name the distro's advisories use (Debian/Ubuntu source package and source version,
//!   Alpine origin, rpm binary name, and on RHEL a module's rpm as `module:stream::name`, so
//!   that a modular package meets only the records of its own module stream and a
//!   non-modular one only non-modular records); language packages by their ecosystem's
//!   normalised name (Go `stdlib` by the toolchain version without `go`);
//! * on RHEL, when the image's content manifests name the repositories (content sets) its
//!   rpms came from and the database has Red Hat's repository to CPE map, a Red Hat record
//!   applies only when it was stated for one of those repositories' products ([`redhat`]:
//!   the same CPE, or a product-level CPE of the release); without manifests, without the
//!   map or with a repository the map does not know, every record of the release applies;
//! * a record applies unless it is withdrawn or says `not-affected`; a version is affected when
//!   it is in the record's `versions` or inside one of its ranges (OSV semantics: sorted
//!   events, `introduced`/`fixed`/`last_affected`/`limit`), or when a record without ranges
//!   says the package is affected with no fix;
//! * records naming the same vulnerability (an ID of one is an alias of another) are one
//!   finding per package and path, under the CVE where there is one;
//! * severity: the distro's rating for OS packages, else the highest CVSS base score computed
//!   from the vectors, else the sources' labels.

mod key;
mod osv;
pub mod redhat;
mod severity;

use std::collections::{BTreeMap, BTreeSet};

use sekisho_advisory::{Database, Hit, Status};
use sekisho_model::{Finding, FindingKind, OsInfo, Package, Report, VulnInfo};

pub use key::{lookup_key, LookupKey};

/// Why matching could not run.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// The database could not be read.
    #[error(transparent)]
    Database(#[from] sekisho_advisory::Error),
}

/// What matching found.
#[derive(Debug, Default)]
pub struct Matched {
    /// One finding per (package, path, vulnerability).
    pub findings: Vec<Finding>,
    /// Problems that did not stop matching (a version no comparator accepts).
    pub warnings: Vec<String>,
}

/// How matching treats what the user can choose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchOptions {
    /// Match third-party OS packages (`Package::third_party` is set) against the distro's
    /// advisories too. Off by default: the distro's advisories describe the distro's builds,
    /// and a vendor's build of the same name has its own versions and fixes.
    pub match_third_party: bool,
}

/// Match every package of `report` against `db`.
pub fn match_report(
    db: &Database,
    report: &Report,
    options: &MatchOptions,
) -> Result<Matched, MatchError> {
    let mut matched = Matched::default();
    let mut skipped: Vec<&str> = Vec::new();
    let mut scopes = redhat::Scopes::default();
    for pkg in &report.packages {
        if pkg.kind.is_os() && pkg.third_party.is_some() && !options.match_third_party {
            if lookup_key(pkg, report.os.as_ref()).is_some()
                && !skipped.contains(&pkg.name.as_str())
            {
                skipped.push(&pkg.name);
            }
            continue;
        }
        match_package(db, report.os.as_ref(), pkg, &mut scopes, &mut matched)?;
    }
    if !skipped.is_empty() {
        matched.warnings.push(third_party_note(report, &skipped));
    }
    if !scopes.unknown.is_empty() {
        let sets: Vec<&str> = scopes.unknown.iter().map(String::as_str).collect();
        matched.warnings.push(format!(
            "content sets not in Red Hat's repository-to-cpe map ({}): Red Hat records of \
             their packages were not scoped by repository",
            sets.join(", ")
        ));
    }
    Ok(matched)
}

/// The report's line about third-party packages left out of matching.
fn third_party_note(report: &Report, names: &[&str]) -> String {
    let distro = report
        .os
        .as_ref()
        .map(|os| {
            if os.version.is_empty() {
                os.id.clone()
            } else {
                format!("{} {}", os.id, os.version)
            }
        })
        .unwrap_or_else(|| "the distribution".to_string());
    const SHOWN: usize = 5;
    let mut list = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        list.push_str(&format!(", and {} more", names.len() - SHOWN));
    }
    let (n, noun) = match names.len() {
        1 => (1, "package"),
        n => (n, "packages"),
    };
    format!(
        "{n} third-party {noun} ({list}) not matched against {distro} advisories (see each \
         package's third_party for the evidence); --match-third-party matches them"
    )
}

/// One affected record that holds for a package, with the fixed version it names.
struct Applies<'a> {
    hit: &'a Hit,
    fixed: Option<String>,
}

fn match_package(
    db: &Database,
    os: Option<&OsInfo>,
    pkg: &Package,
    scopes: &mut redhat::Scopes,
    out: &mut Matched,
) -> Result<(), MatchError> {
    let Some(key) = lookup_key(pkg, os) else {
        return Ok(());
    };
    let mut hits = db.lookup(&key.ecosystem, &key.distro, &key.name)?;
    // Red Hat's records scoped by the repositories the package came from.
    if let Some(os) = os.filter(|_| key.ecosystem == "rpm" && key.distro.starts_with("redhat:")) {
        let sets = redhat::content_sets(os, pkg.layer.index);
        if let Some(scope) = scopes.scope(db, &sets)? {
            let others = redhat::other_releases(&scope, &key.distro);
            for release in &others {
                hits.extend(db.lookup(&key.ecosystem, release, &key.name)?);
            }
            if !others.is_empty() {
                // Stable: each release's hits keep their order.
                hits.sort_by(|a, b| (&a.source, &a.id).cmp(&(&b.source, &b.id)));
            }
            hits.retain(|h| redhat::in_scope(&h.affected.cpes, &scope));
        }
    }
    let mut applies = Vec::new();
    let mut bad_version = None;
    for hit in &hits {
        if hit.withdrawn.is_some() || hit.affected.status == Status::NotAffected {
            continue;
        }
        match osv::affects(&key, &hit.affected) {
            Ok(Some(fixed)) => applies.push(Applies { hit, fixed }),
            Ok(None) => {}
            Err(e) => bad_version = Some(e),
        }
    }
    if let Some(e) = bad_version {
        out.warnings.push(format!(
            "{} {} at {}: {e}; records needing that comparison were skipped",
            pkg.name, key.version, pkg.path
        ));
    }
    for group in group_by_vulnerability(&applies) {
        out.findings.push(finding(db, pkg, &key, &group)?);
    }
    Ok(())
}

/// Records of the same vulnerability together: two records are one vulnerability when an ID
/// of one (its own or an alias) is an ID of the other.
fn group_by_vulnerability<'a, 'b>(applies: &'b [Applies<'a>]) -> Vec<Vec<&'b Applies<'a>>> {
    let n = applies.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, a) in applies.iter().enumerate() {
        let ids = std::iter::once(&a.hit.id).chain(&a.hit.aliases);
        for id in ids {
            match owner.get(id.as_str()) {
                Some(&j) => {
                    let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                    parent[ri] = rj;
                }
                None => {
                    owner.insert(id, i);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<&Applies>> = BTreeMap::new();
    for (i, a) in applies.iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(a);
    }
    groups.into_values().collect()
}

/// The ID a merged finding is reported under: the CVE where one exists, else the first of the
/// records' own IDs in a fixed preference (GHSA, then the others by name).
fn primary_id(ids: &BTreeSet<String>) -> String {
    let rank = |id: &str| {
        if id.starts_with("CVE-") {
            0
        } else if id.starts_with("GHSA-") {
            1
        } else {
            2
        }
    };
    ids.iter()
        .min_by_key(|id| (rank(id), (*id).clone()))
        .cloned()
        .unwrap_or_default()
}

fn finding(
    db: &Database,
    pkg: &Package,
    key: &LookupKey,
    group: &[&Applies],
) -> Result<Finding, MatchError> {
    let mut ids = BTreeSet::new();
    let mut sources = BTreeSet::new();
    for a in group {
        ids.insert(a.hit.id.clone());
        ids.extend(a.hit.aliases.iter().cloned());
        sources.insert(a.hit.source.clone());
    }
    let id = primary_id(&ids);
    let aliases: Vec<String> = ids.into_iter().filter(|i| *i != id).collect();
    let rated = severity::rate(pkg.kind.is_os(), group.iter().map(|a| a.hit));
    // The fix: the smallest fixed version any record names for this version.
    // A linear minimum, not a sort: a comparator faithful to its package manager need not
    // be a total order on odd versions, and sorting by one may panic.
    let mut fixed: Option<String> = None;
    for candidate in group.iter().filter_map(|a| a.fixed.as_ref()) {
        let smaller = match &fixed {
            None => true,
            Some(best) => key.compare(candidate, best) == Ok(std::cmp::Ordering::Less),
        };
        if smaller {
            fixed = Some(candidate.clone());
        }
    }
    let status = group
        .iter()
        .map(|a| a.hit.affected.status)
        .min_by_key(|s| status_rank(*s))
        .unwrap_or(Status::AffectedNoFix);
    let status = if fixed.is_none() && status == Status::Fixed {
        Status::AffectedNoFix
    } else {
        status
    };
    let display = db.display(group[0].hit.advisory_row)?;
    let mut references = Vec::new();
    for a in group {
        if let Ok(d) = db.display(a.hit.advisory_row) {
            references.extend(d.references);
        }
    }
    references.sort();
    references.dedup();
    let title = display
        .summary
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| id.clone());
    let fixed_text = fixed;
    let details = match &fixed_text {
        Some(f) => format!("{} {} → {f}", pkg.name, pkg.version),
        None => format!("{} {} ({})", pkg.name, pkg.version, status.as_str()),
    };
    let f = Finding::new(
        FindingKind::Vulnerability,
        id,
        rated.severity,
        title,
        details,
    );
    // An image's packages have absolute paths; a project's (`sekisho fs`) are relative to the
    // scanned directory and stay so, as files of the user's project.
    let mut f = if pkg.path.starts_with('/') {
        f.at_path(&pkg.path).in_layer(Some(pkg.layer.index))
    } else {
        let mut f = f.at(pkg.path.clone());
        f.path = Some(pkg.path.clone());
        f.path_base = sekisho_model::PathBase::Source;
        f
    };
    f.vulnerability = Some(Box::new(VulnInfo {
        package: pkg.name.clone(),
        ecosystem: pkg.kind.as_str().to_string(),
        purl: pkg.purl.clone(),
        installed: key.version.clone(),
        fixed: fixed_text,
        status: status.as_str().to_string(),
        aliases,
        sources: sources.into_iter().collect(),
        severity_source: rated.source,
        cvss: rated.vector,
        score: rated.score,
        references,
        vex: None,
    }));
    Ok(f)
}

/// Which status a merged finding shows: a fix wins over "no fix yet", which wins over the
/// vendor's reasons for not fixing.
fn status_rank(s: Status) -> u8 {
    match s {
        Status::Fixed => 0,
        Status::AffectedNoFix => 1,
        Status::UnderInvestigation => 2,
        Status::FixDeferred => 3,
        Status::WillNotFix => 4,
        Status::EndOfLife => 5,
        Status::NotAffected => 6,
    }
}
