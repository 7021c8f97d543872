//! What the audit reads from a layer while it streams: which files it needs, and what is kept
//! of each file for it (the content, the secrets found in it).

use std::collections::BTreeMap;

use sekisho_image::Captured;
use sekisho_model::Package;
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

/// The parts of an [`AuditOutput`] other than its raw bytes, as the layer cache stores them
/// (a package's files ride beside it: the report's JSON never carries them).
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    secrets: Vec<SecretFinding>,
    packages: Vec<(Package, Vec<String>)>,
    warnings: Vec<String>,
}

/// One layer's outputs as bytes for the layer cache: per path, the path, the captured content
/// (raw, length-prefixed) and the rest as JSON.
pub fn encode_outputs(outputs: &BTreeMap<String, AuditOutput>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let put = |out: &mut Vec<u8>, bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    for (path, o) in outputs {
        put(&mut out, path.as_bytes());
        match &o.bytes {
            Some(b) => {
                out.push(1);
                put(&mut out, b);
            }
            None => out.push(0),
        }
        let rest = Stored {
            secrets: o.secrets.clone(),
            packages: o
                .packages
                .iter()
                .map(|p| (p.clone(), p.files.clone()))
                .collect(),
            warnings: o.warnings.clone(),
        };
        put(&mut out, &serde_json::to_vec(&rest).ok()?);
    }
    Some(out)
}

/// Outputs back from [`encode_outputs`]; `None` for bytes that do not read back.
pub fn decode_outputs(mut bytes: &[u8]) -> Option<BTreeMap<String, AuditOutput>> {
    fn take<'a>(bytes: &mut &'a [u8]) -> Option<&'a [u8]> {
        let len = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
        let end = 8usize.checked_add(usize::try_from(len).ok()?)?;
        let value = bytes.get(8..end)?;
        *bytes = &bytes[end..];
        Some(value)
    }
    let mut outputs = BTreeMap::new();
    while !bytes.is_empty() {
        let path = String::from_utf8(take(&mut bytes)?.to_vec()).ok()?;
        let (&flag, rest) = bytes.split_first()?;
        bytes = rest;
        let content = match flag {
            0 => None,
            1 => Some(take(&mut bytes)?.to_vec()),
            _ => return None,
        };
        let stored: Stored = serde_json::from_slice(take(&mut bytes)?).ok()?;
        let packages = stored
            .packages
            .into_iter()
            .map(|(mut p, files)| {
                p.files = files;
                p
            })
            .collect();
        outputs.insert(
            path,
            AuditOutput {
                bytes: content,
                secrets: stored.secrets,
                packages,
                warnings: stored.warnings,
            },
        );
    }
    Some(outputs)
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

#[cfg(test)]
mod tests {
    use super::*;
    use sekisho_model::{LayerRef, PackageKind, Severity};

    fn package(full: bool) -> Package {
        let text = |s: &str| if full { s.to_string() } else { String::new() };
        Package {
            kind: PackageKind::Npm,
            name: "left-pad".into(),
            version: "1.3.0".into(),
            epoch: full.then_some(1),
            arch: text("all"),
            source_name: text("left-pad-src"),
            source_version: text("1.3.0-1"),
            licenses: if full { vec!["MIT".into()] } else { vec![] },
            supplier: text("someone"),
            third_party: full.then(|| "maintainer is a vendor's".into()),
            modularity_label: full.then(|| "nodejs:12:1:a".into()),
            purl: "pkg:npm/left-pad@1.3.0".into(),
            layer: LayerRef {
                index: 2,
                digest: "sha256:aa".into(),
                diff_id: "sha256:bb".into(),
                created_by: full.then(|| "RUN npm ci".into()),
            },
            path: "/app/package-lock.json".into(),
            files: if full {
                vec!["/app/node_modules/left-pad/index.js".into()]
            } else {
                vec![]
            },
            dependencies: if full {
                vec!["pkg:npm/x@1".into()]
            } else {
                vec![]
            },
            dev: full,
            owner: full.then(|| "pkg:deb/debian/node-left-pad@1.3.0-1".into()),
        }
    }

    #[test]
    fn outputs_read_back_whole() {
        let secret = SecretFinding {
            rule_id: "aws-access-key-id".into(),
            category: "AWS".into(),
            title: "AWS Access Key ID".into(),
            severity: Severity::Critical,
            example: false,
            path: "/app/.env".into(),
            start_line: 3,
            end_line: 3,
            column: 5,
            start_offset: 40,
            end_offset: 60,
            secret_masked: "AKIA****".into(),
            line_masked: "KEY=AKIA****".into(),
            secret_len: 20,
            secret_sha256: "00".into(),
        };
        let mut outputs = BTreeMap::new();
        outputs.insert(
            "app/.env".to_string(),
            AuditOutput {
                bytes: Some(b"KEY=...\n\x00\xff binary too".to_vec()),
                secrets: vec![secret],
                packages: vec![],
                warnings: vec!["a warning".into()],
            },
        );
        outputs.insert(
            "app/package-lock.json".to_string(),
            AuditOutput {
                bytes: None,
                secrets: vec![],
                packages: vec![package(true), package(false)],
                warnings: vec![],
            },
        );
        outputs.insert("empty".to_string(), AuditOutput::default());
        let bytes = encode_outputs(&outputs).unwrap();
        let back = decode_outputs(&bytes).unwrap();
        assert_eq!(back.len(), outputs.len());
        for (path, o) in &outputs {
            let b = &back[path];
            assert_eq!(b.bytes, o.bytes, "{path}");
            assert_eq!(b.secrets, o.secrets, "{path}");
            assert_eq!(b.packages, o.packages, "{path}");
            assert_eq!(b.warnings, o.warnings, "{path}");
        }
        assert_eq!(decode_outputs(&[]).unwrap().len(), 0);
        // Anything cut or altered in its framing does not read back.
        for cut in [1, 8, 20, bytes.len() - 1] {
            assert!(decode_outputs(&bytes[..cut]).is_none(), "cut at {cut}");
        }
    }
}
