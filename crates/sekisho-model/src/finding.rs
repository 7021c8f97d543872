//! One finding type for every scanner: configuration checks, secrets, lint rules and
//! vulnerabilities, each with the location its reader needs.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::Severity;

/// Which scanner produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// Configuration, history and filesystem checks of an image (`--scanners config`).
    Config,
    /// Secrets (`--scanners secret`).
    Secret,
    /// A lint rule on a Dockerfile (file, line, column); `dockerfile` in reports.
    #[serde(rename = "dockerfile")]
    Lint,
    /// A known vulnerability of a package (`--scanners vuln`).
    #[serde(rename = "vulnerability")]
    Vulnerability,
}

impl FindingKind {
    /// The name used in reports (`config`, `secret`, `dockerfile`, `vulnerability`).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Config => "config",
            FindingKind::Secret => "secret",
            FindingKind::Lint => "dockerfile",
            FindingKind::Vulnerability => "vulnerability",
        }
    }
}

/// What a finding's `path` is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathBase {
    /// An absolute path inside the scanned image's filesystem.
    #[default]
    Image,
    /// A file of the user's project or host (a Dockerfile, a lockfile), as the user named it.
    Source,
}

/// A span in a text file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// First line.
    pub line: usize,
    /// Column on the first line, in characters.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
}

/// Where a file-based finding's file stands in the final image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileState {
    /// The file is in the final filesystem as this layer wrote it.
    Present,
    /// A later layer deleted it; the bytes are still in the layer blob.
    Deleted,
    /// A later layer replaced it with other content; this version is still in the layer blob.
    Replaced,
}

/// Secret details of a secret finding (never the secret itself).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SecretInfo {
    /// The secret, masked.
    pub masked: String,
    /// The line holding the secret, masked.
    pub line_masked: String,
    /// 1-based line (in the file, or in the `KEY=value` text of a config entry).
    pub line: usize,
    /// SHA-256 (hex) of the secret, to compare without keeping the secret.
    pub sha256: String,
    /// A documentation example credential (reported at LOW).
    pub example: bool,
    /// Secret category (`AWS`, `GitHub`, ...).
    pub category: String,
}

/// Vulnerability details of a vulnerability finding: which package, which versions, what the
/// source says.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VulnInfo {
    /// Package name as installed.
    pub package: String,
    /// Ecosystem (purl type).
    #[serde(rename = "type")]
    pub ecosystem: String,
    /// The package URL (the component a CycloneDX `affects` names).
    pub purl: String,
    /// The installed version (for OS packages matched by source package: the source version).
    pub installed: String,
    /// The first version that fixes it, when one exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// The source's status: `fixed`, `affected-no-fix`, `will-not-fix`, `fix-deferred`,
    /// `end-of-life`, `under-investigation`.
    pub status: String,
    /// The other IDs of the same vulnerability (GHSA, PYSEC, DEBIAN-CVE, ...), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The feeds that reported it.
    pub sources: Vec<String>,
    /// Where the severity came from: the distro's rating, a CVSS vector's base score, or a
    /// label.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub severity_source: String,
    /// The CVSS vector scored, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss: Option<String>,
    /// The CVSS base score, when one was computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Reference URLs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// For a finding a VEX statement suppressed: the status, justification and document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vex: Option<String>,
}

/// Who publishes a vulnerability ID and where it is documented: `NVD` for `CVE-…`, `GitHub`
/// for `GHSA-…`, else `OSV` (OSV.dev serves the IDs of every feed it aggregates: `DEBIAN-CVE-…`,
/// `PYSEC-…`, `RUSTSEC-…`, …). Writers that name an ID's source (CycloneDX, GitLab) use this.
pub fn vulnerability_source(id: &str) -> (&'static str, String) {
    if id.starts_with("CVE-") {
        ("NVD", format!("https://nvd.nist.gov/vuln/detail/{id}"))
    } else if id.starts_with("GHSA-") {
        ("GitHub", format!("https://github.com/advisories/{id}"))
    } else {
        ("OSV", format!("https://osv.dev/vulnerability/{id}"))
    }
}

/// One problem found by any scanner.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Check or rule ID: `CIS-DI-0001`, `DKL-LI-0001`, `SK-IMG-001`, a secret rule ID
    /// (`aws-access-key-id`), a lint code (`DL3008`), a vulnerability ID.
    pub id: String,
    /// Scanner that produced it.
    pub kind: FindingKind,
    /// How bad it is.
    pub severity: Severity,
    /// The check's title.
    pub title: String,
    /// What was found, for people.
    pub details: String,
    /// Where, for people: `config`, `config Env[KEY]`, `history[3]`, `image tag`, a path, or
    /// `Dockerfile:12:5`.
    pub location: String,
    /// The file, for file-based findings (see `path_base` for what it is relative to).
    pub path: Option<String>,
    /// What `path` is relative to: the image root or the user's project.
    pub path_base: PathBase,
    /// The span in the file, when known (lint findings).
    pub region: Option<Region>,
    /// The layer (0-based) the evidence comes from: the layer that wrote the file, or the layer
    /// a history step created.
    pub layer: Option<usize>,
    /// For a file a later layer deleted or replaced: that layer.
    pub deleted_in: Option<usize>,
    /// For file-based findings, whether the file is still in the final filesystem.
    pub state: Option<FileState>,
    /// For findings from a history step: its index in the config's `history`.
    pub history_index: Option<usize>,
    /// Secret details, for secret findings.
    pub secret: Option<SecretInfo>,
    /// Vulnerability details, for vulnerability findings.
    pub vulnerability: Option<Box<VulnInfo>>,
}

impl Finding {
    /// A finding located at the image config; set the location with the builder methods.
    pub fn new(
        kind: FindingKind,
        id: impl Into<String>,
        severity: Severity,
        title: impl Into<String>,
        details: impl Into<String>,
    ) -> Finding {
        Finding {
            id: id.into(),
            kind,
            severity,
            title: title.into(),
            details: details.into(),
            location: "config".to_string(),
            path: None,
            path_base: PathBase::Image,
            region: None,
            layer: None,
            deleted_in: None,
            state: None,
            history_index: None,
            secret: None,
            vulnerability: None,
        }
    }

    /// Set the severity.
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// Attach a file path inside the image (made absolute) and use it as the location.
    pub fn at_path(mut self, path: &str) -> Finding {
        let p = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        self.location = p.clone();
        self.path = Some(p);
        self.path_base = PathBase::Image;
        self
    }

    /// Attach a file of the user's project (as named) with a span; the location reads
    /// `FILE:LINE:COLUMN`, as compilers and linters print it.
    pub fn at_source(mut self, path: &str, region: Region) -> Finding {
        self.location = format!("{path}:{}:{}", region.line, region.column);
        self.path = Some(path.to_string());
        self.path_base = PathBase::Source;
        self.region = Some(region);
        self
    }

    /// Set the location text.
    pub fn at(mut self, location: impl Into<String>) -> Finding {
        self.location = location.into();
        self
    }

    /// Set the layer.
    pub fn in_layer(mut self, layer: Option<usize>) -> Finding {
        self.layer = layer;
        self
    }

    /// Mark the file state and the deleting layer.
    pub fn with_state(mut self, state: FileState, deleted_in: Option<usize>) -> Finding {
        self.state = Some(state);
        self.deleted_in = deleted_in;
        self
    }

    /// Set the history index.
    pub fn from_history(mut self, index: usize) -> Finding {
        self.history_index = Some(index);
        self
    }

    /// The line to point at: the region's, else the secret's.
    pub fn line(&self) -> Option<usize> {
        self.region
            .map(|r| r.line)
            .or_else(|| self.secret.as_ref().map(|s| s.line.max(1)))
    }
}

/// Sort findings: by scanner (config first), Dockle level (most severe first; vulnerabilities
/// by severity), ID, location, layer.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        // Vulnerabilities by their own scale (CRITICAL before HIGH, both Dockle's FATAL).
        let rank = |f: &Finding| match f.kind {
            FindingKind::Vulnerability => f.severity as u8,
            _ => f.severity.dockle() as u8,
        };
        let key = |f: &Finding| (f.kind, std::cmp::Reverse(rank(f)));
        (key(a), &a.id, &a.location, a.layer).cmp(&(key(b), &b.id, &b.location, b.layer))
    });
}

impl Serialize for Finding {
    /// The report's finding object: `id`, `category`, Dockle `level`, `severity`, `title`,
    /// `details`, `location`, then whichever of `path`, `line`, `column`, `end_line`, `layer`,
    /// `deleted_in`, `state`, `history_index`, `secret` apply.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Finding", 17)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("category", &self.kind)?;
        st.serialize_field("level", &self.severity.dockle())?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("title", &self.title)?;
        st.serialize_field("details", &self.details)?;
        st.serialize_field("location", &self.location)?;
        if let Some(p) = &self.path {
            st.serialize_field("path", p)?;
        }
        if let Some(r) = &self.region {
            st.serialize_field("line", &r.line)?;
            st.serialize_field("column", &r.column)?;
            st.serialize_field("end_line", &r.end_line)?;
        }
        if let Some(l) = self.layer {
            st.serialize_field("layer", &l)?;
        }
        if let Some(m) = self.deleted_in {
            st.serialize_field("deleted_in", &m)?;
        }
        if let Some(state) = &self.state {
            st.serialize_field("state", state)?;
        }
        if let Some(h) = self.history_index {
            st.serialize_field("history_index", &h)?;
        }
        if let Some(secret) = &self.secret {
            st.serialize_field("secret", secret)?;
        }
        if let Some(v) = &self.vulnerability {
            st.serialize_field("vulnerability", v)?;
        }
        st.end()
    }
}
