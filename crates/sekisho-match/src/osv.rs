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
            } => in_constraints(*syntax, version, vulnerable, patched, unaffected)?.then(|| {
                constraint_fix(*syntax, version, patched).or_else(|| affected.fixed.clone())
            }),
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

/// OSV's evaluation: the version is affected when some `introduced` at or below it (or `0`) is
/// not closed by an event between it and the version: a `fixed` or `limit` at or below the
/// version, a `last_affected` below it. Returns the fix (the smallest `fixed` above the
/// version from that `introduced` on) when the version is inside.
///
/// No sorting: comparators that follow their package manager exactly are not total orders on
/// garbage (PHP's `version_compare`), and a sort over an inconsistent order may panic. Each
/// `introduced` is checked against the closing events directly (events per range are few).
fn in_events(
    events: &[Event],
    version: &str,
    cmp: impl Fn(&str, &str) -> Result<Ordering, VersionError>,
) -> Result<Option<Option<String>>, VersionError> {
    let is_zero = |e: &Event| matches!(e, Event::Introduced(v) if v == "0" || v.is_empty());
    // Whether `e` is at or after the start `start` (a zero start precedes everything).
    let from = |start: &Event, e: &Event| -> Result<bool, VersionError> {
        Ok(is_zero(start) || cmp(e.version(), start.version())? != Ordering::Less)
    };
    let mut affected = false;
    let mut fix: Option<&str> = None;
    for start in events.iter().filter(|e| matches!(e, Event::Introduced(_))) {
        if !is_zero(start) && cmp(version, start.version())? == Ordering::Less {
            continue;
        }
        let mut closed = false;
        for end in events {
            if matches!(end, Event::Introduced(_)) || !from(start, end)? {
                continue;
            }
            let at = cmp(version, end.version())?;
            closed |= match end {
                Event::Fixed(_) | Event::Limit(_) => at != Ordering::Less,
                Event::LastAffected(_) => at == Ordering::Greater,
                Event::Introduced(_) => false,
            };
        }
        if closed {
            continue;
        }
        affected = true;
        for end in events {
            if let Event::Fixed(f) = end {
                if from(start, end)?
                    && cmp(version, f)? == Ordering::Less
                    && fix.map_or(Ok(true), |best| cmp(f, best).map(|o| o == Ordering::Less))?
                {
                    fix = Some(f);
                }
            }
        }
    }
    Ok(affected.then(|| fix.map(str::to_string)))
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
            other => sekisho_version::satisfies(syntax_ecosystem(other), version, c),
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

/// The version rules a constraint syntax is evaluated with.
fn syntax_ecosystem(syntax: ConstraintSyntax) -> Ecosystem {
    match syntax {
        ConstraintSyntax::Cargo | ConstraintSyntax::Semver => Ecosystem::Cargo,
        ConstraintSyntax::Npm => Ecosystem::Npm,
        ConstraintSyntax::Gem => Ecosystem::Gem,
        ConstraintSyntax::Composer => Ecosystem::Composer,
        ConstraintSyntax::Pypi => Ecosystem::Pypi,
        ConstraintSyntax::Maven => Ecosystem::Maven,
        ConstraintSyntax::Nuget => Ecosystem::Nuget,
        ConstraintSyntax::Golang => Ecosystem::Golang,
        ConstraintSyntax::Pub => Ecosystem::Pub,
        ConstraintSyntax::Hex => Ecosystem::Hex,
    }
}

/// The fix for `version` among patched requirements: the smallest lower bound a patched
/// requirement starts at (`>= 2.42.0`, `~> 5.2.4.3`, `^1.2.3`, a bare `2.29.1`, `[2.9.10.7,)`)
/// that is above the version. With several patched lines (`2.29.1`, `2.39.1`, `2.42.0`) this
/// names the fix of the installed version's line rather than the first one listed.
fn constraint_fix(syntax: ConstraintSyntax, version: &str, patched: &[String]) -> Option<String> {
    let eco = syntax_ecosystem(syntax);
    let mut best: Option<String> = None;
    for alt in patched.iter().flat_map(|p| p.split("||")) {
        let Some(bound) = lower_bound(eco, alt) else {
            continue;
        };
        let above =
            sekisho_version::compare(eco, &bound, version).is_ok_and(|o| o == Ordering::Greater);
        let smaller = best.as_deref().is_none_or(|b| {
            sekisho_version::compare(eco, &bound, b).is_ok_and(|o| o == Ordering::Less)
        });
        if above && smaller {
            best = Some(bound);
        }
    }
    best
}

/// The version a requirement starts at: the greatest of its lower bounds (`~> 5.2.4, >=
/// 5.2.4.3` starts at 5.2.4.3), or none when it has none (`< 2.0`).
fn lower_bound(eco: Ecosystem, requirement: &str) -> Option<String> {
    let r = requirement.trim();
    if let Some(interval) = r.strip_prefix('[') {
        let v = interval.split([',', ']']).next()?.trim();
        return (!v.is_empty()).then(|| v.to_string());
    }
    let mut items: Vec<String> = Vec::new();
    let mut pending = String::new();
    for tok in r.split([',', ' ']).filter(|t| !t.is_empty()) {
        if tok.chars().all(|c| "<>=!~^".contains(c)) {
            pending.push_str(tok);
        } else {
            items.push(format!("{}{tok}", std::mem::take(&mut pending)));
        }
    }
    let mut best: Option<String> = None;
    for item in &items {
        let split = item
            .find(|c: char| c.is_ascii_alphanumeric())
            .unwrap_or(item.len());
        let (op, v) = item.split_at(split);
        if !matches!(op, "" | "=" | "==" | ">=" | "^" | "~" | "~>" | "~=") || v.is_empty() {
            continue;
        }
        let greater = best.as_deref().is_none_or(|b| {
            sekisho_version::compare(eco, v, b).is_ok_and(|o| o == Ordering::Greater)
        });
        if greater {
            best = Some(v.to_string());
        }
    }
    best
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

    #[test]
    fn fix_for_the_installed_line() {
        let patched: Vec<String> = ["2.29.1", "2.39.1", "2.42.0"].map(String::from).to_vec();
        let fix = |v| constraint_fix(ConstraintSyntax::Semver, v, &patched);
        assert_eq!(fix("2.41.0").as_deref(), Some("2.42.0"));
        assert_eq!(fix("2.39.0").as_deref(), Some("2.39.1"));
        assert_eq!(fix("1.0.0").as_deref(), Some("2.29.1"));
        let gem: Vec<String> = ["~> 5.2.4, >= 5.2.4.3", ">= 6.0.3.1"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            constraint_fix(ConstraintSyntax::Gem, "6.0.0", &gem).as_deref(),
            Some("6.0.3.1")
        );
        assert_eq!(
            constraint_fix(ConstraintSyntax::Maven, "2.9.1", &["[2.9.10.7,)".into()]).as_deref(),
            Some("2.9.10.7")
        );
        assert_eq!(
            constraint_fix(ConstraintSyntax::Gem, "5.2.3", &gem).as_deref(),
            Some("5.2.4.3")
        );
        let lb = |r| lower_bound(Ecosystem::Cargo, r);
        assert_eq!(lb(">= 2.1.3, < 3.0.0").as_deref(), Some("2.1.3"));
        assert_eq!(lb(">= 2.1.3 <3.0.0").as_deref(), Some("2.1.3"));
        assert_eq!(lb("< 2.0"), None);
        assert_eq!(lb("v2.8.0").as_deref(), Some("v2.8.0"));
    }

    #[test]
    fn constraint_syntaxes() {
        let c = |syntax, v, vulnerable: &str, patched: &str| {
            let patched: Vec<String> = if patched.is_empty() {
                Vec::new()
            } else {
                vec![patched.to_string()]
            };
            in_constraints(syntax, v, &[vulnerable.to_string()], &patched, &[]).unwrap()
        };
        assert!(c(ConstraintSyntax::Pypi, "0.11", "< 0.15.3", "==0.15.3"));
        assert!(!c(ConstraintSyntax::Pypi, "0.15.3", "< 0.15.3", "==0.15.3"));
        assert!(c(ConstraintSyntax::Maven, "2.9.1", "[2.9.0,2.9.10.7)", ""));
        assert!(c(
            ConstraintSyntax::Maven,
            "2.9.1",
            ">= 2.0.0, <= 2.9.10.3",
            ""
        ));
        assert!(!c(
            ConstraintSyntax::Maven,
            "2.9.10.4",
            ">= 2.0.0, <= 2.9.10.3",
            ""
        ));
        assert!(c(
            ConstraintSyntax::Golang,
            "2.7.1+incompatible",
            "< v2.8.0",
            "v2.8.0"
        ));
        assert!(c(ConstraintSyntax::Semver, "8.43", "<8.44", "8.45"));
        assert!(c(ConstraintSyntax::Nuget, "12.0.3", "< 13.0.1", "13.0.1"));
        assert!(c(ConstraintSyntax::Hex, "1.6.13", "<= 1.6.14", "1.6.14"));
        assert!(!c(ConstraintSyntax::Pub, "0.13.3", "<= 0.13.3", "0.13.3"));
    }
}
