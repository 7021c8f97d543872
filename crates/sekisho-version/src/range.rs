//! Constraints and ranges, in the syntax that advisories use for each ecosystem.
//!
//! | ecosystem | syntax |
//! | --- | --- |
//! | `npm` | node-semver ranges: `>=1.2.3 <2`, `^`, `~`, `1.x`, `*`, `A - B`, `\|\|` |
//! | `composer` | Composer constraints: `>=1.0,<1.5.3 \| >=2.0,<2.1`, `^`, `~`, `1.0.*`, `A - B` |
//! | `gem` | RubyGems requirements: `~> 2.2`, `>= 1, < 2`, `!= 1.5` |
//! | `pypi` | PEP 440 specifiers: `>=1.0,<2.0`, `~=1.4.2`, `==1.*`, `!=1.5`, `===` |
//! | `maven`, `nuget` | interval unions `[1.0,2.0)`, `(,1.0]`, `[1.2]`, `[1,2),[3,4)`; else as below |
//! | the rest | `op version` lists joined by `,` or spaces, alternatives joined by `\|\|` |
//!
//! The simple lists take `=`/`==` (also a bare version), `!=`, `<`, `<=`, `>`, `>=`; in the
//! SemVer ecosystems also Cargo's `^` and `~` and Elixir's `~>` (and Hex's `and`/`or`); `*`
//! matches anything. `||` alternation is accepted in every syntax.
//!
//! Pre-releases: PEP 440 specifiers and the simple lists match pre-releases like any other
//! version (an advisory's range covers them). npm follows node-semver's default, where a
//! pre-release only matches a range that names a pre-release of the same `major.minor.patch`;
//! [`satisfies_npm`] can include them.

use std::cmp::Ordering;

use crate::composer;
use crate::gem::GemVersion;
use crate::pep440::Pep440Version;
use crate::semver::SemVer;
use crate::{compare, Ecosystem, VersionError};

/// Whether `version` satisfies `constraint`, both of ecosystem `eco`.
pub fn satisfies(eco: Ecosystem, version: &str, constraint: &str) -> Result<bool, VersionError> {
    match eco {
        Ecosystem::Npm => satisfies_npm(version, constraint, false),
        Ecosystem::Composer => any_of(constraint, |c| composer_and(version, c)),
        Ecosystem::Gem => any_of(constraint, |c| gem_and(version, c)),
        Ecosystem::Pypi => any_of(constraint, |c| pep440_and(version, c)),
        Ecosystem::Maven | Ecosystem::Nuget if constraint.trim_start().starts_with(['[', '(']) => {
            intervals(eco, version, constraint)
        }
        _ => any_of(constraint, |c| simple_and(eco, version, c)),
    }
}

/// `||`-separated alternatives: true if any holds (every one is checked for syntax).
fn any_of(
    constraint: &str,
    mut f: impl FnMut(&str) -> Result<bool, VersionError>,
) -> Result<bool, VersionError> {
    let mut any = false;
    for alt in constraint.split("||") {
        any |= f(alt.trim())?;
    }
    Ok(any)
}

const OPS: [&str; 11] = [
    "===", "==", "!=", "<=", ">=", "~>", "~=", "<", ">", "=", "^",
];

/// Splits a leading operator (`~` included) from the rest.
fn split_op(s: &str) -> (&str, &str) {
    let s = s.trim();
    for op in OPS {
        if let Some(r) = s.strip_prefix(op) {
            return (op, r.trim());
        }
    }
    if let Some(r) = s.strip_prefix('~') {
        return ("~", r.trim());
    }
    ("", s)
}

/// Splits an AND list of `op version` items separated by commas and/or spaces, keeping an
/// operator written apart from its version together with it.
fn and_items(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut pending_op: Option<String> = None;
    for tok in s.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
        let (op, rest) = split_op(tok);
        if rest.is_empty() && !op.is_empty() {
            pending_op = Some(op.to_string());
            continue;
        }
        match pending_op.take() {
            Some(op) => out.push(format!("{op}{tok}")),
            None => out.push(tok.to_string()),
        }
    }
    if let Some(op) = pending_op {
        out.push(op);
    }
    out
}

fn cmp_op(eco: Ecosystem, op: &str, o: Ordering, constraint: &str) -> Result<bool, VersionError> {
    Ok(match op {
        "" | "=" | "==" => o == Ordering::Equal,
        "!=" => o != Ordering::Equal,
        "<" => o == Ordering::Less,
        "<=" => o != Ordering::Greater,
        ">" => o == Ordering::Greater,
        ">=" => o != Ordering::Less,
        _ => {
            return Err(VersionError::constraint(
                eco,
                constraint,
                format!("operator {op:?} not supported here"),
            ))
        }
    })
}

fn is_semver_eco(eco: Ecosystem) -> bool {
    matches!(
        eco,
        Ecosystem::Cargo | Ecosystem::Golang | Ecosystem::Pub | Ecosystem::Hex | Ecosystem::Npm
    )
}

/// The simple `op version` list (AND).
fn simple_and(eco: Ecosystem, version: &str, c: &str) -> Result<bool, VersionError> {
    // Hex writes `and` / `or`.
    if eco == Ecosystem::Hex && c.contains(" or ") {
        return any_of(&c.replace(" or ", "||"), |x| simple_and(eco, version, x));
    }
    let c2 = if eco == Ecosystem::Hex {
        c.replace(" and ", ",")
    } else {
        c.to_string()
    };
    let items = and_items(&c2);
    if items.is_empty() {
        return Err(VersionError::constraint(eco, c, "empty constraint"));
    }
    for item in items {
        if item == "*" || item.eq_ignore_ascii_case("any") {
            continue;
        }
        let (op, v) = split_op(&item);
        if v.is_empty() {
            return Err(VersionError::constraint(
                eco,
                c,
                "operator without a version",
            ));
        }
        let ok = if matches!(op, "^" | "~" | "~>") && is_semver_eco(eco) {
            let (lo, hi) = semver_bounds(eco, op, v, c)?;
            let x = crate::semver::parse(eco, version)?;
            x >= lo && x < hi
        } else {
            let o = compare(eco, version, v)?;
            cmp_op(eco, op, o, c)?
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn sv(major: String, minor: String, patch: String, pre: Vec<String>) -> SemVer {
    SemVer {
        major,
        minor,
        patch,
        pre,
        parts: 3,
    }
}

/// The excluded upper bound `X.Y.Z-0`, below every pre-release of `X.Y.Z`.
fn upper(major: String, minor: String, patch: String) -> SemVer {
    sv(major, minor, patch, vec!["0".to_string()])
}

fn inc(n: &str) -> String {
    crate::gem::increment(n.trim_start_matches('0'))
}

/// Cargo's `^`/`~` and Elixir's `~>` as `[lo, hi)`.
fn semver_bounds(
    eco: Ecosystem,
    op: &str,
    v: &str,
    c: &str,
) -> Result<(SemVer, SemVer), VersionError> {
    let lo = SemVer::parse(v)
        .ok_or_else(|| VersionError::constraint(eco, c, format!("{v:?} is not a version")))?;
    let z = || "0".to_string();
    let (ma, mi, pa) = (lo.major.clone(), lo.minor.clone(), lo.patch.clone());
    let zero = |s: &str| s.bytes().all(|b| b == b'0');
    let hi = match op {
        "^" => {
            if !zero(&ma) || lo.parts == 1 {
                upper(inc(&ma), z(), z())
            } else if !zero(&mi) || lo.parts == 2 {
                upper(ma, inc(&mi), z())
            } else {
                upper(ma, mi, inc(&pa))
            }
        }
        "~" => {
            if lo.parts == 1 {
                upper(inc(&ma), z(), z())
            } else {
                upper(ma, inc(&mi), z())
            }
        }
        _ => {
            // ~>: the last written number may grow, the one before is bumped.
            if lo.parts <= 2 {
                upper(inc(&ma), z(), z())
            } else {
                upper(ma, inc(&mi), z())
            }
        }
    };
    Ok((lo, hi))
}

// ---------------------------------------------------------------------------------------------
// npm

/// One node-semver comparator: `op` is one of `<`, `<=`, `>`, `>=`, `=`, or `*` for any.
#[derive(Debug, Clone)]
struct Comparator {
    op: &'static str,
    v: SemVer,
}

/// A partial version `1`, `1.2`, `1.2.3-pre` with `x`/`X`/`*` wildcards; `None` numbers are wild.
struct Partial {
    nums: [Option<String>; 3],
    pre: Vec<String>,
}

fn parse_partial(s: &str) -> Option<Partial> {
    let s = s.trim().trim_start_matches('=').trim();
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    if s.is_empty() {
        return Some(Partial {
            nums: [None, None, None],
            pre: Vec::new(),
        });
    }
    let s = s.split_once('+').map_or(s, |(a, _)| a);
    // Numbers end at the first '-' that follows a digit part.
    let mut nums: [Option<String>; 3] = [None, None, None];
    let mut rest = s;
    let mut pre = Vec::new();
    for (i, slot) in nums.iter_mut().enumerate() {
        let end = rest.find(['.', '-']).unwrap_or(rest.len());
        let part = &rest[..end];
        if matches!(part, "x" | "X" | "*") {
            *slot = None;
        } else if !part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()) {
            *slot = Some(part.to_string());
        } else {
            return None;
        }
        rest = &rest[end..];
        if let Some(p) = rest.strip_prefix('-') {
            pre = p.split('.').map(str::to_string).collect();
            rest = "";
            break;
        }
        match rest.strip_prefix('.') {
            Some(r) if i < 2 => rest = r,
            _ => break,
        }
    }
    if !rest.is_empty() {
        return None;
    }
    // A wildcard makes everything after it wild.
    if let Some(w) = nums.iter().position(Option::is_none) {
        for n in nums.iter_mut().skip(w) {
            *n = None;
        }
    }
    Some(Partial { nums, pre })
}

fn npm_err(c: &str, why: &str) -> VersionError {
    VersionError::constraint(Ecosystem::Npm, c, why)
}

/// Desugars one comparator-ish token (`^1.2`, `~1`, `>=1.2`, `1.x`) to primitive comparators.
fn npm_desugar(tok: &str, full: &str, out: &mut Vec<Comparator>) -> Result<(), VersionError> {
    let (op, v) = split_op(tok);
    let p = parse_partial(v).ok_or_else(|| npm_err(full, "not a version"))?;
    let z = || "0".to_string();
    let [ma, mi, pa] = p.nums.clone();
    let exact = |ma: &String, mi: &String, pa: &String| {
        sv(ma.clone(), mi.clone(), pa.clone(), p.pre.clone())
    };
    let any = Comparator {
        op: "*",
        v: sv(z(), z(), z(), Vec::new()),
    };
    let mut push = |op: &'static str, v: SemVer| out.push(Comparator { op, v });
    match op {
        "^" => match (ma, mi, pa) {
            (None, _, _) => out.push(any),
            (Some(ma), None, _) => {
                push(">=", sv(ma.clone(), z(), z(), Vec::new()));
                push("<", upper(inc(&ma), z(), z()));
            }
            (Some(ma), Some(mi), None) => {
                push(">=", sv(ma.clone(), mi.clone(), z(), Vec::new()));
                if ma.trim_start_matches('0').is_empty() {
                    push("<", upper(ma, inc(&mi), z()));
                } else {
                    push("<", upper(inc(&ma), z(), z()));
                }
            }
            (Some(ma), Some(mi), Some(pa)) => {
                push(">=", exact(&ma, &mi, &pa));
                let zero = |s: &str| s.trim_start_matches('0').is_empty();
                if !zero(&ma) {
                    push("<", upper(inc(&ma), z(), z()));
                } else if !zero(&mi) {
                    push("<", upper(ma, inc(&mi), z()));
                } else {
                    push("<", upper(ma, mi, inc(&pa)));
                }
            }
        },
        "~" | "~>" => match (ma, mi, pa) {
            (None, _, _) => out.push(any),
            (Some(ma), None, _) => {
                push(">=", sv(ma.clone(), z(), z(), Vec::new()));
                push("<", upper(inc(&ma), z(), z()));
            }
            (Some(ma), Some(mi), pa) => {
                let lo = match pa {
                    Some(pa) => exact(&ma, &mi, &pa),
                    None => sv(ma.clone(), mi.clone(), z(), Vec::new()),
                };
                push(">=", lo);
                push("<", upper(ma, inc(&mi), z()));
            }
        },
        "" | "=" => match (ma, mi, pa) {
            (None, _, _) => out.push(any),
            (Some(ma), None, _) => {
                push(">=", sv(ma.clone(), z(), z(), Vec::new()));
                push("<", upper(inc(&ma), z(), z()));
            }
            (Some(ma), Some(mi), None) => {
                push(">=", sv(ma.clone(), mi.clone(), z(), Vec::new()));
                push("<", upper(ma, inc(&mi), z()));
            }
            (Some(ma), Some(mi), Some(pa)) => push("=", exact(&ma, &mi, &pa)),
        },
        ">" | ">=" | "<" | "<=" => match (ma, mi, pa) {
            (None, _, _) => {
                if op == "<" || op == ">" {
                    // Nothing is allowed.
                    push("<", upper(z(), z(), z()));
                } else {
                    out.push(any);
                }
            }
            (Some(ma), mi, None) => {
                // Partial: fill and shift like node-semver's replaceXRange.
                let full_minor = mi.is_some();
                let mi = mi.unwrap_or_else(z);
                match op {
                    ">" => {
                        if full_minor {
                            push(">=", upper(ma, inc(&mi), z()));
                        } else {
                            push(">=", upper(inc(&ma), z(), z()));
                        }
                    }
                    "<=" => {
                        if full_minor {
                            push("<", upper(ma, inc(&mi), z()));
                        } else {
                            push("<", upper(inc(&ma), z(), z()));
                        }
                    }
                    ">=" => push(">=", sv(ma, mi, z(), Vec::new())),
                    _ => push("<", upper(ma, mi, z())),
                }
            }
            (Some(ma), Some(mi), Some(pa)) => {
                let op: &'static str = match op {
                    ">" => ">",
                    ">=" => ">=",
                    "<" => "<",
                    _ => "<=",
                };
                push(op, exact(&ma, &mi, &pa));
            }
            (Some(_), None, Some(_)) => return Err(npm_err(full, "not a version")),
        },
        _ => return Err(npm_err(full, "unknown operator")),
    }
    Ok(())
}

fn npm_set(full: &str, set: &str) -> Result<Vec<Comparator>, VersionError> {
    let set = set.trim();
    let mut out = Vec::new();
    if let Some((a, b)) = set.split_once(" - ") {
        let pa = parse_partial(a).ok_or_else(|| npm_err(full, "not a version"))?;
        let pb = parse_partial(b).ok_or_else(|| npm_err(full, "not a version"))?;
        let z = || "0".to_string();
        let [a0, a1, a2] = pa.nums;
        match a0 {
            None => {}
            Some(a0) => out.push(Comparator {
                op: ">=",
                v: sv(a0, a1.unwrap_or_else(z), a2.unwrap_or_else(z), pa.pre),
            }),
        }
        match pb.nums {
            [None, _, _] => {}
            [Some(b0), None, _] => out.push(Comparator {
                op: "<",
                v: upper(inc(&b0), z(), z()),
            }),
            [Some(b0), Some(b1), None] => out.push(Comparator {
                op: "<",
                v: upper(b0, inc(&b1), z()),
            }),
            [Some(b0), Some(b1), Some(b2)] => out.push(Comparator {
                op: "<=",
                v: sv(b0, b1, b2, pb.pre),
            }),
        }
        if out.is_empty() {
            out.push(Comparator {
                op: "*",
                v: sv(z(), z(), z(), Vec::new()),
            });
        }
        return Ok(out);
    }
    let items = and_items(set);
    if items.is_empty() {
        npm_desugar("*", full, &mut out)?;
    }
    for tok in items {
        npm_desugar(&tok, full, &mut out)?;
    }
    Ok(out)
}

/// node-semver `satisfies(version, range, { includePrerelease })`.
pub fn satisfies_npm(
    version: &str,
    range: &str,
    include_prerelease: bool,
) -> Result<bool, VersionError> {
    let v = crate::semver::parse(Ecosystem::Npm, version)?;
    let mut any = false;
    for set in range.split("||") {
        let comps = npm_set(range, set)?;
        let all = comps.iter().all(|c| {
            let o = v.cmp(&c.v);
            match c.op {
                "*" => true,
                "=" => o == Ordering::Equal,
                "<" => o == Ordering::Less,
                "<=" => o != Ordering::Greater,
                ">" => o == Ordering::Greater,
                _ => o != Ordering::Less,
            }
        });
        let pre_ok = include_prerelease
            || !v.is_prerelease()
            || comps.iter().any(|c| {
                c.op != "*"
                    && c.v.is_prerelease()
                    && c.v.major == v.major
                    && c.v.minor == v.minor
                    && c.v.patch == v.patch
            });
        any |= all && pre_ok;
    }
    Ok(any)
}

// ---------------------------------------------------------------------------------------------
// Composer

fn composer_err(c: &str, why: &str) -> VersionError {
    VersionError::constraint(Ecosystem::Composer, c, why)
}

/// Composer's `Constraint::versionCompare` on normalised versions.
fn composer_cmp(a: &str, op: &str, b: &str) -> bool {
    let ab = a.starts_with("dev-");
    let bb = b.starts_with("dev-");
    if op == "!=" && (ab || bb) {
        return a != b;
    }
    if ab && bb {
        return op == "==" && a == b;
    }
    if ab || bb {
        return false;
    }
    let o = composer::php_version_compare(a, b);
    match op {
        "==" => o == Ordering::Equal,
        "!=" => o != Ordering::Equal,
        "<" => o == Ordering::Less,
        "<=" => o != Ordering::Greater,
        ">" => o == Ordering::Greater,
        _ => o != Ordering::Less,
    }
}

fn has_stability(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    ["-dev", "-alpha", "-beta", "-rc", "-patch", "-stable"]
        .iter()
        .any(|s| l.contains(s))
        || l.starts_with("dev-")
}

/// The numbers of a normalised classical version (`1.2.0.0-beta` → [1, 2, 0, 0]).
fn composer_numbers(v: &str) -> Vec<String> {
    v.split('-')
        .next()
        .unwrap_or("")
        .split('.')
        .map(str::to_string)
        .collect()
}

/// How many numbers a constraint version writes (`~1.2` → 2).
fn written_parts(v: &str) -> usize {
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let head = v.split(['-', '+', '@']).next().unwrap_or("");
    head.split('.')
        .take_while(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
        .count()
}

fn bump_at(nums: &[String], pos: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    for (i, n) in nums.iter().take(4).enumerate() {
        match i.cmp(&pos) {
            Ordering::Less => out.push(n.clone()),
            Ordering::Equal => out.push(inc(n)),
            Ordering::Greater => out.push("0".into()),
        }
    }
    while out.len() < 4 {
        out.push("0".into());
    }
    out.join(".") + "-dev"
}

fn composer_one(version: &str, item: &str, full: &str) -> Result<bool, VersionError> {
    let item = item.trim();
    let item = match item.rsplit_once('@') {
        Some((a, _)) => a,
        None => item,
    };
    if matches!(item, "*" | "*.*" | "*.*.*" | "x" | "x.x" | "x.x.x") || item.is_empty() {
        return Ok(true);
    }
    let norm = |s: &str| composer::normalize(s).ok_or_else(|| composer_err(full, "not a version"));
    if let Some(v) = item.strip_prefix('~').filter(|_| !item.starts_with("~>")) {
        let parts = written_parts(v).max(1);
        let lo = norm(v)?;
        let lo = if has_stability(&lo) { lo } else { lo + "-dev" };
        let nums = composer_numbers(&lo);
        let hi = bump_at(&nums, if parts <= 1 { 0 } else { parts - 2 });
        return Ok(composer_cmp(version, ">=", &lo) && composer_cmp(version, "<", &hi));
    }
    if let Some(v) = item.strip_prefix('^') {
        let parts = written_parts(v).max(1);
        let lo = norm(v)?;
        let lo = if has_stability(&lo) { lo } else { lo + "-dev" };
        let nums = composer_numbers(&lo);
        let zero = |i: usize| {
            nums.get(i)
                .is_none_or(|n| n.trim_start_matches('0').is_empty())
        };
        let pos = if !zero(0) || parts < 2 {
            0
        } else if !zero(1) || parts < 3 {
            1
        } else {
            2
        };
        let hi = bump_at(&nums, pos);
        return Ok(composer_cmp(version, ">=", &lo) && composer_cmp(version, "<", &hi));
    }
    // Wildcards: 1.2.*, 1.x
    let body = item.strip_prefix(['v', 'V']).unwrap_or(item);
    if body.ends_with(".*") || body.ends_with(".x") || body.ends_with(".X") {
        let head = &body[..body.len() - 2];
        let nums: Vec<String> = head.split('.').map(str::to_string).collect();
        if nums.is_empty()
            || nums
                .iter()
                .any(|n| n.is_empty() || !n.bytes().all(|c| c.is_ascii_digit()))
        {
            return Err(composer_err(full, "bad wildcard"));
        }
        let mut lo_nums = nums.clone();
        while lo_nums.len() < 4 {
            lo_nums.push("0".into());
        }
        let lo = lo_nums.join(".") + "-dev";
        let hi = bump_at(&lo_nums, nums.len() - 1);
        return Ok(composer_cmp(version, ">=", &lo) && composer_cmp(version, "<", &hi));
    }
    let (op, v) = split_op(item);
    let op = match op {
        "" | "=" | "==" => "==",
        "<>" => "!=",
        "!=" | "<" | "<=" | ">" | ">=" => op,
        _ => return Err(composer_err(full, "unknown operator")),
    };
    let mut target = norm(v)?;
    if (op == "<" || op == ">=") && !has_stability(v) && !target.starts_with("dev-") {
        target.push_str("-dev");
    }
    Ok(composer_cmp(version, op, &target))
}

fn composer_and(version: &str, c: &str) -> Result<bool, VersionError> {
    let v = composer::normalize(version).ok_or_else(|| {
        VersionError::version(Ecosystem::Composer, version, "Composer cannot normalise it")
    })?;
    // Composer also accepts a single `|` between alternatives.
    let mut any = false;
    for alt in c.split('|').map(str::trim) {
        if alt.is_empty() {
            continue;
        }
        let mut all = true;
        if let Some((a, b)) = alt.split_once(" - ") {
            let lo =
                composer::normalize(a.trim()).ok_or_else(|| composer_err(c, "not a version"))?;
            let lo = if has_stability(a) { lo } else { lo + "-dev" };
            let bp = written_parts(b.trim());
            let hi =
                composer::normalize(b.trim()).ok_or_else(|| composer_err(c, "not a version"))?;
            let ok_hi = if bp < 3 {
                composer_cmp(&v, "<", &bump_at(&composer_numbers(&hi), bp.max(1) - 1))
            } else {
                composer_cmp(&v, "<=", &hi)
            };
            all = composer_cmp(&v, ">=", &lo) && ok_hi;
        } else {
            for item in and_items(alt) {
                if !composer_one(&v, &item, c)? {
                    all = false;
                }
            }
        }
        any |= all;
    }
    Ok(any)
}

// ---------------------------------------------------------------------------------------------
// RubyGems

fn gem_and(version: &str, c: &str) -> Result<bool, VersionError> {
    let v = crate::gem::parse(version)?;
    let mut all = true;
    for item in c.split(',') {
        let (op, r) = split_op(item);
        let r = GemVersion::parse(r)
            .ok_or_else(|| VersionError::constraint(Ecosystem::Gem, c, "malformed requirement"))?;
        let o = v.cmp(&r);
        let ok = match op {
            "~>" => o != Ordering::Less && v.release() < r.bump(),
            _ => cmp_op(Ecosystem::Gem, op, o, c)?,
        };
        all &= ok;
    }
    Ok(all)
}

// ---------------------------------------------------------------------------------------------
// PEP 440

fn py_err(c: &str, why: &str) -> VersionError {
    VersionError::constraint(Ecosystem::Pypi, c, why)
}

fn pep440_and(version: &str, c: &str) -> Result<bool, VersionError> {
    let mut all = true;
    for item in c.split(',') {
        let item = item.trim();
        if item.is_empty() {
            return Err(py_err(c, "empty specifier"));
        }
        all &= pep440_one(version, item, c)?;
    }
    Ok(all)
}

fn pep440_one(version: &str, spec: &str, full: &str) -> Result<bool, VersionError> {
    let (op, sv) = split_op(spec);
    if op == "===" {
        return Ok(version.trim().eq_ignore_ascii_case(sv));
    }
    let v = Pep440Version::parse(version)
        .ok_or_else(|| VersionError::version(Ecosystem::Pypi, version, "not a PEP 440 version"))?;
    if let Some(prefix) = sv.strip_suffix(".*") {
        if op != "==" && op != "!=" {
            return Err(py_err(full, "`.*` only with == and !="));
        }
        let p = Pep440Version::parse(prefix).ok_or_else(|| py_err(full, "not a version"))?;
        let m = prefix_match(&v, &p);
        return Ok(if op == "==" { m } else { !m });
    }
    let s = Pep440Version::parse(sv).ok_or_else(|| py_err(full, "not a version"))?;
    Ok(match op {
        "==" | "!=" => {
            let eq = if s.local.is_some() {
                v == s || v.cmp(&s) == Ordering::Equal
            } else {
                v.public().cmp(&s) == Ordering::Equal
            };
            if op == "==" {
                eq
            } else {
                !eq
            }
        }
        "<=" => v.public() <= s,
        ">=" => v.public() >= s,
        "<" => {
            v.public() < s
                && !(!s.is_prerelease()
                    && v.is_prerelease()
                    && v.base().cmp(&s.base()) == Ordering::Equal)
        }
        ">" => {
            v.public() > s
                && !(!s.is_postrelease()
                    && v.is_postrelease()
                    && v.base().cmp(&s.base()) == Ordering::Equal)
                && !(v.local.is_some() && v.base().cmp(&s.base()) == Ordering::Equal)
        }
        "~=" => {
            if s.release.len() < 2 {
                return Err(py_err(full, "~= needs at least two release numbers"));
            }
            let mut prefix = s.base();
            prefix.release.pop();
            v.public() >= s && prefix_match(&v, &prefix)
        }
        _ => return Err(py_err(full, "unknown operator")),
    })
}

/// `==prefix.*`: the candidate's public version, release padded with zeros, starts with it.
fn prefix_match(v: &Pep440Version, p: &Pep440Version) -> bool {
    if crate::util::cmp_digits(&v.epoch, &p.epoch) != Ordering::Equal {
        return false;
    }
    let n = p.release.len();
    for i in 0..n {
        let a = v.release.get(i).map_or("0", String::as_str);
        if crate::util::cmp_digits(a, &p.release[i]) != Ordering::Equal {
            return false;
        }
    }
    // Pre/post/dev parts of the prefix must match the candidate's next parts exactly.
    if p.pre.is_some() || p.post.is_some() || p.dev.is_some() {
        if v.release
            .iter()
            .skip(n)
            .any(|d| d.bytes().any(|c| c != b'0'))
        {
            return false;
        }
        if p.pre.is_some()
            && v.pre.as_ref().map(|(k, x)| (*k, x.trim_start_matches('0')))
                != p.pre.as_ref().map(|(k, x)| (*k, x.trim_start_matches('0')))
        {
            return false;
        }
        if p.post.is_some()
            && v.post.as_deref().map(|x| x.trim_start_matches('0'))
                != p.post.as_deref().map(|x| x.trim_start_matches('0'))
        {
            return false;
        }
        if p.dev.is_some()
            && v.dev.as_deref().map(|x| x.trim_start_matches('0'))
                != p.dev.as_deref().map(|x| x.trim_start_matches('0'))
        {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Maven and NuGet intervals

fn intervals(eco: Ecosystem, version: &str, c: &str) -> Result<bool, VersionError> {
    let err = |why: &str| VersionError::constraint(eco, c, why);
    let mut rest = c.trim();
    let mut any = false;
    let mut seen = false;
    while !rest.is_empty() {
        let open = rest.chars().next().unwrap_or(' ');
        if open != '[' && open != '(' {
            return Err(err("expected [ or ("));
        }
        let end = rest
            .find([']', ')'])
            .ok_or_else(|| err("unclosed interval"))?;
        let close = rest.as_bytes()[end];
        let body = &rest[1..end];
        rest = rest[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        seen = true;
        let ok = match body.split_once(',') {
            None => {
                if open != '[' || close != b']' || body.trim().is_empty() {
                    return Err(err("a single version needs [v]"));
                }
                compare(eco, version, body.trim())? == Ordering::Equal
            }
            Some((lo, hi)) => {
                let (lo, hi) = (lo.trim(), hi.trim());
                let lo_ok = lo.is_empty() || {
                    let o = compare(eco, version, lo)?;
                    if open == '[' {
                        o != Ordering::Less
                    } else {
                        o == Ordering::Greater
                    }
                };
                let hi_ok = hi.is_empty() || {
                    let o = compare(eco, version, hi)?;
                    if close == b']' {
                        o != Ordering::Greater
                    } else {
                        o == Ordering::Less
                    }
                };
                lo_ok && hi_ok
            }
        };
        any |= ok;
    }
    if !seen {
        return Err(err("empty range"));
    }
    Ok(any)
}
