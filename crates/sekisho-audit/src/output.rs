//! What the audit reads from a layer while it streams: which files it needs, and what is kept
//! of each file for it (the content, the secrets found in it).

use sekisho_image::Captured;
use sekisho_secret::SecretFinding;

/// Largest file the audit's own checks capture (account databases, sudoers, tool configs).
pub const MAX_AUDIT_CAPTURE: u64 = 1 << 20;

/// What the scan keeps for one file of one layer.
#[derive(Debug, Clone, Default)]
pub struct AuditOutput {
    /// The content, when the inventory or an audit check needs it.
    pub bytes: Option<Vec<u8>>,
    /// Secrets found in this version of the file.
    pub secrets: Vec<SecretFinding>,
    /// Language packages read from this version of the file while it streamed (lockfiles,
    /// jars, binaries are parsed at once; their bytes are not kept).
    pub packages: Vec<sekisho_model::Package>,
    /// Problems met reading it (a malformed lockfile), for the report's warnings.
    pub warnings: Vec<String>,
}

impl AuditOutput {
    /// Whether anything was kept for the file.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_none()
            && self.secrets.is_empty()
            && self.packages.is_empty()
            && self.warnings.is_empty()
    }
}

impl Captured for AuditOutput {
    fn bytes(&self) -> Option<&[u8]> {
        self.bytes.as_deref()
    }
}

/// Whether an audit check reads the content of the file at `path` (normalised, no leading `/`).
pub fn audit_wants_path(path: &str) -> bool {
    if matches!(
        path,
        "etc/passwd"
            | "etc/shadow"
            | "etc/group"
            | "etc/gshadow"
            | "etc/master.passwd"
            | "etc/sudoers"
    ) {
        return true;
    }
    if let Some(rest) = path.strip_prefix("etc/sudoers.d/") {
        return !rest.contains('/');
    }
    let base = path.rsplit('/').next().unwrap_or(path);
    matches!(base, ".npmrc" | ".pypirc" | ".git-credentials" | ".netrc")
        || path.ends_with(".docker/config.json")
}
