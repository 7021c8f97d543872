//! # sekisho-model
//!
//! The one model every part of sekisho speaks: what a scan found ([`Report`]), the packages of
//! every ecosystem ([`Package`]), the findings of every scanner ([`Finding`]) on one severity
//! scale ([`Severity`]). Analyzers and checks produce these types, the scan engine assembles
//! them, and every writer (table, JSON, SARIF, CycloneDX, SPDX, the linter's formats) renders
//! them. The crate has no logic beyond small conversions, so every other crate can depend on it.

#![warn(missing_docs)]

mod finding;
mod package;
pub mod purl;
mod report;
mod severity;

pub use finding::{
    sort_findings, vulnerability_source, FileState, Finding, FindingKind, PathBase, Region,
    SecretInfo, VulnInfo,
};
pub use jiff::Timestamp;
pub use package::{ContentManifest, LayerRef, OsInfo, Package, PackageKind};
pub use report::{Report, RuleInfo, SourceInfo, SCHEMA_VERSION};
pub use severity::{DockleLevel, LintLevel, Severity};
