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
