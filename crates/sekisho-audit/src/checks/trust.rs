//! CIS-DI-0005: whether signatures for the image exist in its OCI layout or next to it.
//!
//! Dockle only looks at `DOCKER_CONTENT_TRUST` in the environment. Here the image itself is
//! searched: an OCI layout's `index.json` may list a cosign signature (`sha256-<hex>.sig` tag),
//! a sigstore bundle or Notary v2 signature (by `artifactType`), or a referrer whose `subject`
//! is the image's manifest; a file source may have a detached signature beside it
//! (`IMAGE.sig`, `IMAGE.sigstore.json`, `IMAGE.bundle`, `IMAGE.asc`, `IMAGE.cosign.bundle`,
//! or `sha256-<hex>.sig` in the same directory).

use std::path::Path;

use super::*;
use crate::finding::{AuditFinding, Finding};

const SIGNATURE_ARTIFACT_TYPES: &[&str] = &[
    "application/vnd.dev.sigstore.bundle",
    "application/vnd.cncf.notary.signature",
    "application/vnd.dev.cosign.artifact.sig",
    "application/vnd.dev.cosign.simplesigning",
];

fn is_signature_type(t: &str) -> bool {
    SIGNATURE_ARTIFACT_TYPES.iter().any(|s| t.starts_with(s))
}

/// Where a signature was found, if anywhere.
pub fn find_signature(source: &Path, manifest_digest: Option<&str>) -> Option<String> {
    let cosign_tag = manifest_digest.map(|d| format!("{}.sig", d.replace(':', "-")));
    if source.is_dir() {
        let index = std::fs::read(source.join("index.json")).ok()?;
        let index: serde_json::Value = serde_json::from_slice(&index).ok()?;
        for m in index.get("manifests")?.as_array()? {
            let ref_name = m
                .pointer("/annotations/org.opencontainers.image.ref.name")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            if let Some(tag) = &cosign_tag {
                if ref_name == tag || ref_name.ends_with(&format!(":{tag}")) {
                    return Some(format!("cosign signature tag {ref_name} in index.json"));
                }
            }
            if let Some(t) = m.get("artifactType").and_then(|v| v.as_str()) {
                if is_signature_type(t) {
                    return Some(format!("{t} artifact in index.json"));
                }
            }
            // A referrer manifest whose subject is this image.
            let (Some(digest), Some(want)) =
                (m.get("digest").and_then(|v| v.as_str()), manifest_digest)
            else {
                continue;
            };
            let Some((algo, hex)) = digest.split_once(':') else {
                continue;
            };
            if hex.len() > 128
                || !hex.bytes().all(|b| b.is_ascii_hexdigit())
                || !algo.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                continue;
            }
            let blob = source.join("blobs").join(algo).join(hex);
            let Ok(meta) = std::fs::metadata(&blob) else {
                continue;
            };
            if meta.len() > 1 << 20 {
                continue;
            }
            let Ok(bytes) = std::fs::read(&blob) else {
                continue;
            };
            let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
                continue;
            };
            let subject = doc.pointer("/subject/digest").and_then(|v| v.as_str());
            let art = doc
                .get("artifactType")
                .or_else(|| doc.pointer("/config/mediaType"))
                .and_then(|v| v.as_str())
                .unwrap_or("");
            if subject == Some(want) && is_signature_type(art) {
                return Some(format!("referrer {digest} ({art})"));
            }
        }
        return None;
    }
    let name = source.file_name()?.to_string_lossy().into_owned();
    let dir = source
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    for suffix in [
        ".sig",
        ".sigstore.json",
        ".sigstore",
        ".bundle",
        ".asc",
        ".cosign.bundle",
    ] {
        let candidate = dir.join(format!("{name}{suffix}"));
        if candidate.is_file() {
            return Some(format!("detached signature {}", candidate.display()));
        }
    }
    if let Some(tag) = cosign_tag {
        let candidate = dir.join(&tag);
        if candidate.exists() {
            return Some(format!("cosign signature {}", candidate.display()));
        }
    }
    None
}

/// CIS-DI-0005 finding when no signature is found.
pub fn check_trust(source: Option<&Path>, manifest_digest: Option<&str>) -> Vec<Finding> {
    let found = source.and_then(|s| find_signature(s, manifest_digest));
    match found {
        Some(_) => Vec::new(),
        None => vec![Finding::config(
            &CIS_DI_0005,
            "no signature for the image in its layout or beside it (cosign, sigstore bundle, Notary); verify images before use",
        )
        .at("image signature")],
    }
}
