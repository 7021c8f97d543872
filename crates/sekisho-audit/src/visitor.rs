//! The layer visitor: one streaming pass serves the inventory, the audit's file checks and the
//! secret scanner.

use sekisho_image::{Entry, LayerVisitor};
use sekisho_inventory::Captured;
use sekisho_secret::{Scanner, SecretFinding};

/// Largest file the audit's own checks capture (account databases, sudoers, tool configs).
const MAX_AUDIT_CAPTURE: u64 = 1 << 20;

/// What the visitor keeps for one file of one layer.
#[derive(Debug, Clone, Default)]
pub struct AuditOutput {
    /// The content, when the inventory or an audit check needs it.
    pub bytes: Option<Vec<u8>>,
    /// Secrets found in this version of the file.
    pub secrets: Vec<SecretFinding>,
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

/// The visitor for `sekisho image` with the audit: captures what
/// [`sekisho_inventory::wants_path`] and [`audit_wants_path`] name, and runs the secret scanner
/// over every text file of every layer (size and extension skips first, binary sniffing next).
pub struct AuditVisitor {
    scanner: Option<std::sync::Arc<Scanner>>,
    capture_audit: bool,
}

impl std::fmt::Debug for AuditVisitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditVisitor")
            .field("secrets", &self.scanner.is_some())
            .field("capture_audit", &self.capture_audit)
            .finish()
    }
}

impl AuditVisitor {
    /// A visitor for these options: the secret scanner (with `opts.secret_config` if set) when
    /// the secret scanner is on, the audit captures when the config scanner is on.
    pub fn new(opts: &crate::AuditOptions) -> Result<AuditVisitor, crate::AuditError> {
        let scanner = if opts.secret {
            Some(opts.build_scanner()?)
        } else {
            None
        };
        Ok(AuditVisitor {
            scanner,
            capture_audit: opts.config,
        })
    }

    /// A visitor with an explicit scanner (`None`: no secret scanning) that captures the audit
    /// files too.
    pub fn with_scanner(scanner: Option<Scanner>) -> AuditVisitor {
        AuditVisitor {
            scanner: scanner.map(std::sync::Arc::new),
            capture_audit: true,
        }
    }

    fn captures(&self, entry: &Entry) -> bool {
        sekisho_inventory::wants_path(&entry.path)
            || (self.capture_audit
                && entry.size <= MAX_AUDIT_CAPTURE
                && audit_wants_path(&entry.path))
    }

    fn scans(&self, entry: &Entry) -> bool {
        match &self.scanner {
            Some(s) => entry.size > 0 && s.skip_reason(&entry.path, entry.size).is_none(),
            None => false,
        }
    }
}

impl LayerVisitor for AuditVisitor {
    type Output = AuditOutput;

    fn wants(&self, entry: &Entry) -> bool {
        self.captures(entry) || self.scans(entry)
    }

    fn visit(&self, entry: &Entry, content: &[u8]) -> Option<AuditOutput> {
        let secrets = match (&self.scanner, self.scans(entry)) {
            (Some(s), true) => s.scan(&format!("/{}", entry.path), content),
            _ => Vec::new(),
        };
        let bytes = self.captures(entry).then(|| content.to_vec());
        if bytes.is_none() && secrets.is_empty() {
            return None;
        }
        Some(AuditOutput { bytes, secrets })
    }
}
