//! Turning Cargo semver requirements (RustSec `patched` / `unaffected`) into OSV events when
//! each requirement is one interval `[lo, hi)`: `>= a`, `< b`, `>= a, < b`, `^a`, `~a`, `a`.
//! Anything else (`>`, `<=`, `=`, wildcards) is left to the matcher as a constraint.

use std::cmp::Ordering;
use std::fmt;

use crate::record::Event;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    nums: [u64; 3],
    pre: Vec<String>,
}

impl Version {
    const ZERO: Version = Version {
        nums: [0, 0, 0],
        pre: Vec::new(),
    };

    /// Parses `1.2.3-pre+build` or a partial `1.2`; returns the version and how many numeric
    /// parts were written.
    fn parse(s: &str) -> Option<(Version, usize)> {
        let s = s.trim();
        let s = s.split_once('+').map_or(s, |(v, _)| v);
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, p.split('.').map(str::to_owned).collect()),
            None => (s, Vec::new()),
        };
        let mut nums = [0u64; 3];
        let mut n = 0;
        for part in core.split('.') {
            if n == 3 || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            nums[n] = part.parse().ok()?;
            n += 1;
        }
        Some((Version { nums, pre }, n))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.nums
            .cmp(&other.nums)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        let o = match (a.parse::<u64>(), b.parse::<u64>()) {
                            (Ok(x), Ok(y)) => x.cmp(&y),
                            (Ok(_), Err(_)) => Ordering::Less,
                            (Err(_), Ok(_)) => Ordering::Greater,
                            (Err(_), Err(_)) => a.cmp(b),
                        };
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.nums[0], self.nums[1], self.nums[2])?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        Ok(())
    }
}

/// `[lo, hi)`; `hi` None is unbounded.
type Interval = (Version, Option<Version>);

fn interval(req: &str) -> Option<Interval> {
    let mut lo = Version::ZERO;
    let mut hi: Option<Version> = None;
    for part in req.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix(">=") {
            lo = lo.max(Version::parse(v)?.0);
        } else if let Some(v) = part.strip_prefix('<') {
            if v.starts_with('=') {
                return None;
            }
            let v = Version::parse(v)?.0;
            hi = Some(hi.map_or(v.clone(), |h| h.min(v)));
        } else if part.starts_with(['>', '=', '*']) || part.contains('*') || part.is_empty() {
            return None;
        } else {
            let (tilde, v) = match part.strip_prefix('~') {
                Some(v) => (true, v),
                None => (false, part.strip_prefix('^').unwrap_or(part)),
            };
            let (v, n) = Version::parse(v)?;
            let [ma, mi, pa] = v.nums;
            let upper = if tilde {
                if n == 1 {
                    [ma.saturating_add(1), 0, 0]
                } else {
                    [ma, mi.saturating_add(1), 0]
                }
            } else if ma > 0 || n == 1 {
                [ma.saturating_add(1), 0, 0]
            } else if mi > 0 || n == 2 {
                [0, mi.saturating_add(1), 0]
            } else {
                [0, 0, pa.saturating_add(1)]
            };
            lo = lo.max(v);
            let u = Version {
                nums: upper,
                pre: Vec::new(),
            };
            hi = Some(hi.map_or(u.clone(), |h| h.min(u)));
        }
    }
    Some((lo, hi))
}

/// The affected versions as events: the complement of the union of the `not_affected`
/// requirements. None when one of them is not a single interval.
pub(crate) fn complement_events(not_affected: &[String]) -> Option<Vec<Event>> {
    let mut intervals = not_affected
        .iter()
        .map(|r| interval(r))
        .collect::<Option<Vec<_>>>()?;
    intervals.retain(|(lo, hi)| hi.as_ref().is_none_or(|h| lo < h));
    intervals.sort_by(|a, b| a.0.cmp(&b.0));
    let show = |v: &Version| {
        if *v == Version::ZERO {
            "0".to_owned()
        } else {
            v.to_string()
        }
    };
    let mut events = Vec::new();
    let mut pos = Some(Version::ZERO);
    for (lo, hi) in intervals {
        let Some(p) = pos.clone() else { break };
        if lo > p {
            events.push(Event::Introduced(show(&p)));
            events.push(Event::Fixed(show(&lo)));
        }
        pos = hi.map(|h| h.max(p));
    }
    if let Some(p) = pos {
        events.push(Event::Introduced(show(&p)));
    }
    Some(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(reqs: &[&str]) -> Option<Vec<Event>> {
        complement_events(&reqs.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn smallvec_2021_0003() {
        let e = ev(&[">= 0.6.14, < 1.0.0", ">= 1.6.1", "< 0.6.3"]).unwrap();
        assert_eq!(
            e,
            vec![
                Event::Introduced("0.6.3".into()),
                Event::Fixed("0.6.14".into()),
                Event::Introduced("1.0.0".into()),
                Event::Fixed("1.6.1".into()),
            ]
        );
    }

    #[test]
    fn carets_and_open() {
        let e = ev(&[">= 0.6.3", "^0.3.4", "^0.4.5", "^0.5.1", "< 0.3.2"]).unwrap();
        assert_eq!(e.first(), Some(&Event::Introduced("0.3.2".into())));
        assert_eq!(e.len(), 8);
        assert_eq!(ev(&[]).unwrap(), vec![Event::Introduced("0".into())]);
        assert_eq!(ev(&["> 1.0"]), None);
        assert_eq!(ev(&["<= 1.0"]), None);
        // No overflow on absurd bounds.
        assert!(ev(&[
            "^18446744073709551615",
            "~18446744073709551615.18446744073709551615"
        ])
        .is_some());
    }
}
