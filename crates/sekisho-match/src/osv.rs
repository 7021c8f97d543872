//! Whether a record's ranges hold a version, by OSV's rules.

use std::cmp::Ordering;

use sekisho_advisory::{Affected, ConstraintSyntax, Event, Range, Status};
use sekisho_version::{Ecosystem, VersionError};

use crate::LookupKey;

/// `Ok(Some(fixed))` when `affected` holds `key`'s version (with the version that fixes it,
/// when the record names one), `Ok(None)` when it does not.
pub fn affects(
    key: &LookupKey,
    affected: &Affected,
) -> Result<Option<Option<String>>, VersionError> {
    let version = key.version.as_str();
    let listed = affected
        .versions
        .iter()
        .any(|v| v == version || v.strip_prefix('v') == Some(version));
    if affected.ranges.is_empty() {
        // A record without ranges: the versions it lists, or (OS feeds) the whole package in
        // the state it gives.
        return Ok(if listed {
            Some(affected.fixed.clone())
        } else if affected.versions.is_empty() && affected.status != Status::Fixed {
            Some(None)
        } else if affected.versions.is_empty() {
            // `fixed` with only a fixed version (secdb, tracker): affected below it.
            match &affected.fixed {
                Some(f) if key.compare(version, f)? == Ordering::Less => Some(Some(f.clone())),
                _ => None,
            }
        } else {
            None
        });
    }
    let mut hit = listed.then(|| affected.fixed.clone());
    for range in &affected.ranges {
        let found = match range {
            Range::Ecosystem { events } => in_events(events, version, |a, b| key.compare(a, b))?,
            Range::Semver { events } => in_events(events, version, semver)?,
            Range::Constraint {
                syntax,
                vulnerable,
                patched,
                unaffected,
            } => in_constraints(*syntax, version, vulnerable, patched, unaffected)?
                .then(|| affected.fixed.clone()),
        };
        if let Some(fixed) = found {
            hit = Some(hit.flatten().or(fixed));
        }
    }
    Ok(hit)
}

/// SemVer 2.0 precedence, for OSV `SEMVER` ranges (Go, and any ecosystem that uses them).
fn semver(a: &str, b: &str) -> Result<Ordering, VersionError> {
    sekisho_version::compare(
        Ecosystem::Cargo,
        a.strip_prefix('v').unwrap_or(a),
        b.strip_prefix('v').unwrap_or(b),
    )
}

/// OSV's evaluation: events sorted by version (`introduced: 0` first); walking them, an
/// `introduced` at or below the version opens, a `fixed` or `limit` at or below it closes, a
/// `last_affected` below it closes. Returns the fix (the next `fixed` above the version) when
/// the version is inside.
fn in_events(
    events: &[Event],
    version: &str,
    cmp: impl Fn(&str, &str) -> Result<Ordering, VersionError>,
) -> Result<Option<Option<String>>, VersionError> {
    let is_zero = |e: &Event| matches!(e, Event::Introduced(v) if v == "0" || v.is_empty());
    let mut sorted: Vec<&Event> = events.iter().collect();
    let mut error = None;
    sorted.sort_by(|a, b| match (is_zero(a), is_zero(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => cmp(a.version(), b.version()).unwrap_or_else(|e| {
            error.get_or_insert(e);
            Ordering::Equal
        }),
    });
    if let Some(e) = error {
        return Err(e);
    }
    let mut inside = false;
    let mut fixed = None;
    for e in &sorted {
        let at = if is_zero(e) {
            Ordering::Greater
        } else {
            cmp(version, e.version())?
        };
        match e {
            Event::Introduced(_) if at != Ordering::Less => inside = true,
            Event::Fixed(_) | Event::Limit(_) if at != Ordering::Less => inside = false,
            Event::LastAffected(_) if at == Ordering::Greater => inside = false,
            Event::Fixed(v) if inside && fixed.is_none() => fixed = Some(v.clone()),
            _ => {}
        }
    }
    Ok(inside.then_some(fixed))
}

/// Requirement strings (RustSec, security-wg, RubySec, FriendsOfPHP): vulnerable when no
/// vulnerable requirement is given or one holds, and no patched or unaffected one holds.
fn in_constraints(
    syntax: ConstraintSyntax,
    version: &str,
    vulnerable: &[String],
    patched: &[String],
    unaffected: &[String],
) -> Result<bool, VersionError> {
    let holds = |c: &String| -> Result<bool, VersionError> {
        match syntax {
            // Advisories mean every version in the range, pre-releases included.
            ConstraintSyntax::Npm => sekisho_version::range::satisfies_npm(version, c, true),
            ConstraintSyntax::Cargo => sekisho_version::satisfies(Ecosystem::Cargo, version, c),
            ConstraintSyntax::Gem => sekisho_version::satisfies(Ecosystem::Gem, version, c),
            ConstraintSyntax::Composer => {
                sekisho_version::satisfies(Ecosystem::Composer, version, c)
            }
        }
    };
    let any = |list: &[String]| -> Result<bool, VersionError> {
        for c in list {
            if holds(c)? {
                return Ok(true);
            }
        }
        Ok(false)
    };
    Ok((vulnerable.is_empty() || any(vulnerable)?) && !any(patched)? && !any(unaffected)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(list: &[(&str, &str)]) -> Vec<Event> {
        list.iter()
            .map(|(k, v)| match *k {
                "i" => Event::Introduced(v.to_string()),
                "f" => Event::Fixed(v.to_string()),
                "l" => Event::LastAffected(v.to_string()),
                _ => Event::Limit(v.to_string()),
            })
            .collect()
    }

    #[test]
    fn osv_event_semantics() {
        // logrus GO-2025-4188: three intervals in one range.
        let events = ev(&[
            ("i", "0"),
            ("f", "1.8.3"),
            ("i", "1.9.0"),
            ("f", "1.9.1"),
            ("i", "1.9.2"),
            ("f", "1.9.3"),
        ]);
        let check = |v: &str| in_events(&events, v, semver).unwrap();
        assert_eq!(check("1.8.1"), Some(Some("1.8.3".to_string())));
        assert_eq!(check("1.8.3"), None);
        assert_eq!(check("1.9.0"), Some(Some("1.9.1".to_string())));
        assert_eq!(check("1.9.1"), None);
        assert_eq!(check("1.9.3"), None);
        // Unsorted events and last_affected.
        let events = ev(&[("l", "4.5.1"), ("i", "0")]);
        assert_eq!(in_events(&events, "4.5.1", semver).unwrap(), Some(None));
        assert_eq!(in_events(&events, "4.5.2", semver).unwrap(), None);
        // The boundary: the fixed version itself is not affected.
        let events = ev(&[("i", "1.0.0"), ("f", "1.6.1")]);
        assert!(in_events(&events, "1.6.0", semver).unwrap().is_some());
        assert!(in_events(&events, "1.6.1", semver).unwrap().is_none());
        assert!(in_events(&events, "0.9.0", semver).unwrap().is_none());
    }
}
