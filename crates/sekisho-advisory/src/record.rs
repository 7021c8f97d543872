//! The record model: what the matcher needs per affected package, and what reports show.

use serde::{Deserialize, Serialize};

/// One advisory from one feed, with every package it affects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// The feed's identifier (`GHSA-…`, `RUSTSEC-…`, `DEBIAN-CVE-…`, a CVE for secdb feeds).
    pub id: String,
    /// Other identifiers of the same vulnerability (CVE, GHSA, …), without `id` itself.
    pub aliases: Vec<String>,
    /// Severity as each source rates it.
    pub severity: Vec<Severity>,
    /// When the advisory was withdrawn (timestamp or date as the feed writes it).
    pub withdrawn: Option<String>,
    /// The packages it affects.
    pub affected: Vec<Affected>,
    /// What reports show (kept compressed in the database).
    pub display: Display,
}

/// The parts of an advisory only reports need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Display {
    /// One-line summary or title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Reference URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Publication date or timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Last modification date or timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

/// A severity rating by one source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    /// Who rates (`ghsa`, `nvd`, `debian`, `redhat`, the feed name…).
    pub source: String,
    /// A text label as the source writes it (`MODERATE`, `unimportant`, `Important`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// CVSS vectors (`CVSS:3.1/…`, `CVSS:4.0/…`, v2 vectors).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<String>,
    /// A CVSS base score, when the feed gives a number rather than a vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// One affected package of an advisory, keyed the way matching looks it up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// The purl type (`deb`, `rpm`, `apk`, `pypi`, `npm`, `maven`, `golang`, `cargo`, `gem`, …).
    pub ecosystem: String,
    /// The distribution release (`debian:12`, `alpine:3.10`, `ubuntu:22.04`, `wolfi`,
    /// `redhat:8`); empty for language ecosystems.
    pub distro: String,
    /// The package name normalised as the ecosystem matches ([`crate::normalize_name`]).
    pub name: String,
    /// Version ranges; a version is affected if any range contains it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions (kept as a list, never expanded into rows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// What the source says about this package.
    pub status: Status,
    /// The first fixed version, for display (the ranges are the truth).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// A per-package severity label (Debian urgency, Ubuntu priority, Red Hat impact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// The CPEs of the products this entry was stated for (Red Hat: the platform product a
    /// component belongs to, `cpe:/a:redhat:enterprise_linux:9::appstream`), sorted, without
    /// repeats; empty for feeds that do not name products. The matcher scopes Red Hat entries
    /// by them when an image's content sets say which repositories its rpms came from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpes: Vec<String>,
}

/// What a source says about one package.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Fixed in a version the ranges give.
    Fixed,
    /// Affected and no fix is available yet.
    #[default]
    AffectedNoFix,
    /// Affected and the vendor will not fix it.
    WillNotFix,
    /// Affected and the fix is deferred.
    FixDeferred,
    /// Affected in a release that is no longer supported.
    EndOfLife,
    /// Not affected (never was, or the vulnerable code is not present).
    NotAffected,
    /// The vendor has not decided yet.
    UnderInvestigation,
}

impl Status {
    /// Every status, in declaration order.
    pub const ALL: [Status; 7] = [
        Status::Fixed,
        Status::AffectedNoFix,
        Status::WillNotFix,
        Status::FixDeferred,
        Status::EndOfLife,
        Status::NotAffected,
        Status::UnderInvestigation,
    ];

    /// The stored spelling (`fixed`, `affected-no-fix`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fixed => "fixed",
            Status::AffectedNoFix => "affected-no-fix",
            Status::WillNotFix => "will-not-fix",
            Status::FixDeferred => "fix-deferred",
            Status::EndOfLife => "end-of-life",
            Status::NotAffected => "not-affected",
            Status::UnderInvestigation => "under-investigation",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A version range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Range {
    /// OSV `ECOSYSTEM` events, compared with the ecosystem's version rules.
    Ecosystem {
        /// Events in feed order.
        events: Vec<Event>,
    },
    /// OSV `SEMVER` events (SemVer 2.0 without a `v` prefix).
    Semver {
        /// Events in feed order.
        events: Vec<Event>,
    },
    /// Requirement strings the matcher evaluates (`satisfies(eco, version, constraint)`).
    ///
    /// A version is affected when `vulnerable` is empty or one of its entries holds, and no
    /// entry of `patched` or `unaffected` holds. Each entry is one requirement in `syntax`
    /// (its comma- or space-separated parts must all hold).
    Constraint {
        /// The requirement syntax.
        syntax: ConstraintSyntax,
        /// Requirements of vulnerable versions.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        vulnerable: Vec<String>,
        /// Requirements of fixed versions.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        patched: Vec<String>,
        /// Requirements of versions never affected.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unaffected: Vec<String>,
    },
}

impl Range {
    /// The events of an event range; empty for constraints.
    pub fn events(&self) -> &[Event] {
        match self {
            Range::Ecosystem { events } | Range::Semver { events } => events,
            Range::Constraint { .. } => &[],
        }
    }
}

/// The syntax of constraint strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintSyntax {
    /// Cargo's semver requirements (`>= 0.6.14, < 1.0.0`, `^0.3.4`).
    Cargo,
    /// node-semver ranges (`>=4.17.15 <4.17.19`, `<1.2 || >=2.x`).
    Npm,
    /// RubyGems requirements (`~> 2.0.9, >= 2.0.9.4`).
    Gem,
    /// Composer constraints (`>=5.4.0, <5.4.22`).
    Composer,
    /// PEP 440 specifiers (`>=1.0, <2.0`, `~=1.4.2`).
    Pypi,
    /// Maven intervals (`[2.9.0,2.9.10.7)`) or `op version` lists compared as Maven does.
    Maven,
    /// NuGet intervals or `op version` lists compared as NuGet does.
    Nuget,
    /// `op version` lists of Go module versions (`< v2.8.0`, `>= 0, < 0.3.7`).
    Golang,
    /// `op version` lists of Dart package versions.
    Pub,
    /// `op version` lists of Hex versions (`and`/`or` too).
    Hex,
    /// `op version` lists of SemVer-like versions with no ecosystem rules of their own
    /// (Swift, CocoaPods, Conan): SemVer precedence, missing parts as zero.
    Semver,
}

/// An OSV range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Affected from this version on (`0`: from the start).
    Introduced(String),
    /// Not affected from this version on.
    Fixed(String),
    /// The last affected version (inclusive).
    LastAffected(String),
    /// An upper bound (exclusive) on the range.
    Limit(String),
}

impl Event {
    /// The version the event names.
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// Events `introduced 0` (or `introduced`), then `fixed` when given.
pub(crate) fn simple_events(introduced: Option<&str>, fixed: Option<&str>) -> Vec<Event> {
    let mut events = vec![Event::Introduced(introduced.unwrap_or("0").to_owned())];
    if let Some(f) = fixed {
        events.push(Event::Fixed(f.to_owned()));
    }
    events
}

/// The stored form of an affected entry's matching data (status, fixed, severity, ranges,
/// versions): a few bytes of tags and length-prefixed strings instead of JSON (schema 2; the CPEs since schema 3).
///
/// ```text
/// status:u8  fixed:(0 | 1 = the first `fixed` event | 2 str)  severity:(0 | 1 str)
/// ranges:n { kind:u8 (0 ecosystem, 1 semver): n { event:u8 str }
///          | 2 syntax:u8 n str  n str  n str }          -- vulnerable, patched, unaffected
/// versions:n str
/// cpes:n str                                            -- schema 3
/// ```
///
/// `n` and string lengths are LEB128 varints; strings are UTF-8.
pub(crate) mod codec {
    use super::{Affected, ConstraintSyntax, Event, Range, Status};

    fn varint(out: &mut Vec<u8>, mut n: usize) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    fn string(out: &mut Vec<u8>, s: &str) {
        varint(out, s.len());
        out.extend_from_slice(s.as_bytes());
    }

    fn strings(out: &mut Vec<u8>, v: &[String]) {
        varint(out, v.len());
        for s in v {
            string(out, s);
        }
    }

    fn first_fixed(ranges: &[Range]) -> Option<&str> {
        ranges
            .iter()
            .flat_map(|r| r.events())
            .find_map(|e| match e {
                Event::Fixed(v) => Some(v.as_str()),
                _ => None,
            })
    }

    /// Encodes the matching data of `a` (its key columns are stored apart).
    pub(crate) fn encode(a: &Affected) -> Vec<u8> {
        let mut out = Vec::with_capacity(32);
        out.push(Status::ALL.iter().position(|s| *s == a.status).unwrap_or(0) as u8);
        match a.fixed.as_deref() {
            None => out.push(0),
            Some(f) if first_fixed(&a.ranges) == Some(f) => out.push(1),
            Some(f) => {
                out.push(2);
                string(&mut out, f);
            }
        }
        match a.severity.as_deref() {
            None => out.push(0),
            Some(s) => {
                out.push(1);
                string(&mut out, s);
            }
        }
        varint(&mut out, a.ranges.len());
        for r in &a.ranges {
            match r {
                Range::Ecosystem { events } | Range::Semver { events } => {
                    out.push(if matches!(r, Range::Ecosystem { .. }) {
                        0
                    } else {
                        1
                    });
                    varint(&mut out, events.len());
                    for e in events {
                        out.push(match e {
                            Event::Introduced(_) => 0,
                            Event::Fixed(_) => 1,
                            Event::LastAffected(_) => 2,
                            Event::Limit(_) => 3,
                        });
                        string(&mut out, e.version());
                    }
                }
                Range::Constraint {
                    syntax,
                    vulnerable,
                    patched,
                    unaffected,
                } => {
                    out.push(2);
                    out.push(match syntax {
                        ConstraintSyntax::Cargo => 0,
                        ConstraintSyntax::Npm => 1,
                        ConstraintSyntax::Gem => 2,
                        ConstraintSyntax::Composer => 3,
                        ConstraintSyntax::Pypi => 4,
                        ConstraintSyntax::Maven => 5,
                        ConstraintSyntax::Nuget => 6,
                        ConstraintSyntax::Golang => 7,
                        ConstraintSyntax::Pub => 8,
                        ConstraintSyntax::Hex => 9,
                        ConstraintSyntax::Semver => 10,
                    });
                    strings(&mut out, vulnerable);
                    strings(&mut out, patched);
                    strings(&mut out, unaffected);
                }
            }
        }
        strings(&mut out, &a.versions);
        strings(&mut out, &a.cpes);
        out
    }

    struct Reader<'a>(&'a [u8]);

    impl Reader<'_> {
        fn byte(&mut self) -> Option<u8> {
            let (&b, rest) = self.0.split_first()?;
            self.0 = rest;
            Some(b)
        }

        fn varint(&mut self) -> Option<usize> {
            let mut n = 0usize;
            for shift in (0..64).step_by(7) {
                let b = self.byte()?;
                n |= usize::from(b & 0x7f).checked_shl(shift)?;
                if b < 0x80 {
                    return Some(n);
                }
            }
            None
        }

        fn string(&mut self) -> Option<String> {
            let len = self.varint()?;
            if len > self.0.len() {
                return None;
            }
            let (s, rest) = self.0.split_at(len);
            self.0 = rest;
            String::from_utf8(s.to_vec()).ok()
        }

        fn strings(&mut self) -> Option<Vec<String>> {
            let n = self.varint()?;
            // Every string takes at least one byte: a corrupt count cannot allocate much.
            let mut v = Vec::with_capacity(n.min(self.0.len()));
            for _ in 0..n {
                v.push(self.string()?);
            }
            Some(v)
        }
    }

    /// Decodes [`encode`]'s bytes into `a` (whose key fields are already set); `None` if
    /// they are malformed.
    pub(crate) fn decode(bytes: &[u8], a: &mut Affected) -> Option<()> {
        let mut r = Reader(bytes);
        a.status = *Status::ALL.get(usize::from(r.byte()?))?;
        let fixed = match r.byte()? {
            0 => None,
            1 => Some(None),
            2 => Some(Some(r.string()?)),
            _ => return None,
        };
        a.severity = match r.byte()? {
            0 => None,
            1 => Some(r.string()?),
            _ => return None,
        };
        let n = r.varint()?;
        a.ranges = Vec::with_capacity(n.min(r.0.len()));
        for _ in 0..n {
            let kind = r.byte()?;
            let range = match kind {
                0 | 1 => {
                    let m = r.varint()?;
                    let mut events = Vec::with_capacity(m.min(r.0.len()));
                    for _ in 0..m {
                        let tag = r.byte()?;
                        let v = r.string()?;
                        events.push(match tag {
                            0 => Event::Introduced(v),
                            1 => Event::Fixed(v),
                            2 => Event::LastAffected(v),
                            3 => Event::Limit(v),
                            _ => return None,
                        });
                    }
                    if kind == 0 {
                        Range::Ecosystem { events }
                    } else {
                        Range::Semver { events }
                    }
                }
                2 => Range::Constraint {
                    syntax: match r.byte()? {
                        0 => ConstraintSyntax::Cargo,
                        1 => ConstraintSyntax::Npm,
                        2 => ConstraintSyntax::Gem,
                        3 => ConstraintSyntax::Composer,
                        4 => ConstraintSyntax::Pypi,
                        5 => ConstraintSyntax::Maven,
                        6 => ConstraintSyntax::Nuget,
                        7 => ConstraintSyntax::Golang,
                        8 => ConstraintSyntax::Pub,
                        9 => ConstraintSyntax::Hex,
                        10 => ConstraintSyntax::Semver,
                        _ => return None,
                    },
                    vulnerable: r.strings()?,
                    patched: r.strings()?,
                    unaffected: r.strings()?,
                },
                _ => return None,
            };
            a.ranges.push(range);
        }
        a.versions = r.strings()?;
        a.cpes = r.strings()?;
        a.fixed = match fixed {
            None => None,
            Some(Some(f)) => Some(f),
            Some(None) => Some(first_fixed(&a.ranges)?.to_owned()),
        };
        r.0.is_empty().then_some(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn round_trip() {
            let cases = [
                Affected {
                    ecosystem: "deb".into(),
                    distro: "debian:12".into(),
                    name: "openssl".into(),
                    ranges: vec![Range::Ecosystem {
                        events: vec![
                            Event::Introduced("0".into()),
                            Event::Fixed("3.0.11-1~deb12u2".into()),
                        ],
                    }],
                    versions: vec![],
                    status: Status::Fixed,
                    fixed: Some("3.0.11-1~deb12u2".into()),
                    severity: Some("unimportant".into()),
                    cpes: vec![],
                },
                Affected {
                    ecosystem: "rpm".into(),
                    distro: "redhat:9".into(),
                    name: "openssl".into(),
                    ranges: vec![Range::Ecosystem {
                        events: vec![Event::Introduced("0".into())],
                    }],
                    versions: vec![],
                    status: Status::WillNotFix,
                    fixed: None,
                    severity: Some("Low".into()),
                    cpes: vec![
                        "cpe:/a:redhat:enterprise_linux:9".into(),
                        "cpe:/o:redhat:enterprise_linux:9".into(),
                    ],
                },
                Affected {
                    ecosystem: "npm".into(),
                    distro: String::new(),
                    name: "lodash".into(),
                    ranges: vec![
                        Range::Constraint {
                            syntax: ConstraintSyntax::Npm,
                            vulnerable: vec!["<4.17.19".into()],
                            patched: vec![">=4.17.19".into(), "é".repeat(100)],
                            unaffected: vec![],
                        },
                        Range::Semver {
                            events: vec![
                                Event::Introduced("1.0.0".into()),
                                Event::LastAffected("1.2.0".into()),
                                Event::Limit("2".into()),
                            ],
                        },
                    ],
                    versions: vec!["1.0.0".into(), "1.1.0".into()],
                    status: Status::UnderInvestigation,
                    fixed: Some("4.17.19".into()),
                    severity: None,
                    cpes: vec![],
                },
                Affected::default(),
            ];
            for a in cases {
                let bytes = encode(&a);
                let mut b = Affected {
                    ecosystem: a.ecosystem.clone(),
                    distro: a.distro.clone(),
                    name: a.name.clone(),
                    ..Affected::default()
                };
                assert_eq!(decode(&bytes, &mut b), Some(()));
                assert_eq!(a, b);
                for cut in 0..bytes.len() {
                    let mut c = Affected::default();
                    assert_eq!(decode(&bytes[..cut], &mut c), None, "{cut}");
                }
            }
        }
    }
}
