//! The report: what was scanned, what is installed in it and what is wrong with it. Every
//! writer renders this one type.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::{Finding, OsInfo, Package, Severity};

/// Version of the native JSON report format (see `schema/report.schema.json`).
pub const SCHEMA_VERSION: &str = "1.0";

/// Everything one scan learned: the source, its OS and packages, and the findings of the
/// scanners that ran.
#[derive(Debug, Clone)]
pub struct Report {
    /// Format version of this document.
    pub schema_version: String,
    /// The image that was scanned.
    pub source: SourceInfo,
    /// The operating system, or `None` for an image without one (scratch, static binaries).
    pub os: Option<OsInfo>,
    /// Installed packages, sorted by type, name, version, location.
    pub packages: Vec<Package>,
    /// Non-fatal problems met while reading the image.
    pub warnings: Vec<String>,
    /// When the scan ran (the front end decides: the clock, or `SOURCE_DATE_EPOCH` for
    /// reproducible documents). Dates in SBOMs and end-of-support checks use it.
    pub created: jiff::Timestamp,
    /// Findings, sorted; `None` when no finding scanner ran (an inventory or SBOM only).
    pub findings: Option<Vec<Finding>>,
    /// Vulnerability findings a VEX statement covers (`not_affected`, `fixed`): out of
    /// `findings`, kept with the statement's reason.
    pub suppressed: Vec<Finding>,
    /// What each rule ID in `findings` means (title, default severity, documentation), for
    /// writers that describe rules (SARIF) and for `explain`.
    pub rules: BTreeMap<String, RuleInfo>,
}

impl Report {
    /// A report of `source`, made at `created`, with nothing found yet.
    pub fn new(source: SourceInfo, created: jiff::Timestamp) -> Report {
        Report {
            schema_version: SCHEMA_VERSION.to_string(),
            source,
            os: None,
            packages: Vec::new(),
            warnings: Vec::new(),
            created,
            findings: None,
            suppressed: Vec::new(),
            rules: BTreeMap::new(),
        }
    }

    /// The findings, or none.
    pub fn findings(&self) -> &[Finding] {
        self.findings.as_deref().unwrap_or(&[])
    }
}

/// What a rule is, independent of any one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Short title.
    pub title: String,
    /// The severity the rule reports at unless configured otherwise.
    pub default_severity: Severity,
    /// Longer documentation (as `sekisho explain` prints it), when the rule has one.
    pub help: Option<String>,
}

impl Serialize for Report {
    /// `schema_version`, `source`, `os`, `packages`, `warnings`, then `findings` and
    /// `findings_summary` (counts per Dockle level) when a finding scanner ran.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Report", 8)?;
        st.serialize_field("schema_version", &self.schema_version)?;
        st.serialize_field("source", &self.source)?;
        st.serialize_field("os", &self.os)?;
        st.serialize_field("packages", &self.packages)?;
        st.serialize_field("warnings", &self.warnings)?;
        if let Some(findings) = &self.findings {
            st.serialize_field("findings", findings)?;
            let mut summary = BTreeMap::new();
            for (name, level) in [
                ("fatal", crate::DockleLevel::Fatal),
                ("warn", crate::DockleLevel::Warn),
                ("info", crate::DockleLevel::Info),
            ] {
                let n = findings
                    .iter()
                    .filter(|f| f.severity.dockle() == level)
                    .count();
                summary.insert(name, n);
            }
            st.serialize_field("findings_summary", &summary)?;
        }
        if !self.suppressed.is_empty() {
            st.serialize_field("suppressed", &self.suppressed)?;
        }
        st.end()
    }
}

/// Identity of the scanned image.
#[derive(Debug, Clone, serde::Serialize, Default)]
pub struct SourceInfo {
    /// What the user typed.
    pub input: String,
    /// `docker-archive`, `oci-dir`, `oci-archive`, `dir`, `registry`, `docker-daemon` or
    /// `podman`.
    pub kind: String,
    /// Tags found in the source.
    pub tags: Vec<String>,
    /// Manifest digest, when the source has a manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_digest: Option<String>,
    /// Config digest (the image ID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    /// `os/arch[/variant]` from the config.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub platform: String,
    /// Layers, base first.
    pub layers: Vec<crate::LayerRef>,
}

impl SourceInfo {
    /// A name for the image in documents others read (SBOMs): its first tag (`repo:tag`; an
    /// OCI layout's bare ref name is joined to the layout's name, `app.oci:1.0`), else the file
    /// or directory name the user gave (never a local absolute path).
    pub fn name(&self) -> String {
        let base = self.base_name();
        match self.tags.first() {
            Some(tag) if tag.contains(':') || tag.contains('/') => tag.clone(),
            Some(tag) => format!("{base}:{tag}"),
            None => base,
        }
    }

    fn base_name(&self) -> String {
        let input = match self.input.split_once(':') {
            Some((
                "docker-archive" | "oci-dir" | "oci" | "oci-archive" | "dir" | "docker" | "podman",
                rest,
            )) => rest,
            _ => self.input.as_str(),
        };
        let trimmed = input.trim_end_matches('/');
        trimmed
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or(trimmed)
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::SourceInfo;

    #[test]
    fn names() {
        let named = |input: &str, tags: &[&str]| {
            SourceInfo {
                input: input.into(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                ..Default::default()
            }
            .name()
        };
        assert_eq!(named("/home/me/images/app.tar", &["app:1.0"]), "app:1.0");
        assert_eq!(named("/home/me/images/app.tar", &[]), "app.tar");
        assert_eq!(named("oci-dir:/srv/layout/", &[]), "layout");
        assert_eq!(named("/srv/app.oci", &["1.0"]), "app.oci:1.0");
        assert_eq!(named("app.tar", &[]), "app.tar");
    }
}
