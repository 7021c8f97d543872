//! Red Hat image content manifests (ICM): `/root/buildinfo/content_manifests/*.json`, which
//! Red Hat's build system (OSBS / atomic-reactor) writes into each layer it builds, and
//! `/usr/share/buildinfo/*.json` (RHCOS). Each names the content sets (yum/dnf repositories,
//! `rhel-8-for-x86_64-baseos-rpms`) the layer's rpms were installed from.
//!
//! The manifests are reported as facts of the OS (`OsInfo::content_manifests`, each with the
//! layer holding it); `sekisho-match` scopes Red Hat's records by their content sets through
//! Red Hat's `repository-to-cpe.json` map when the database has it, as Trivy does.

use sekisho_image::{Captured, ImageScan};
use sekisho_model::ContentManifest;

/// Directories holding content manifests (normalised, no leading `/`).
const DIRS: &[&str] = &["root/buildinfo/content_manifests/", "usr/share/buildinfo/"];

/// Whether `path` (normalised) is a content manifest.
pub fn wants_path(path: &str) -> bool {
    DIRS.iter().any(|d| {
        path.strip_prefix(d)
            .is_some_and(|name| !name.contains('/') && name.ends_with(".json"))
    })
}

/// Why a content manifest could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// Not JSON, or not the manifest's shape.
    #[error("not a content manifest: {0}")]
    Json(#[from] serde_json::Error),
}

#[derive(serde::Deserialize)]
struct Raw {
    #[serde(default)]
    metadata: Option<RawMetadata>,
    #[serde(default)]
    content_sets: Option<Vec<String>>,
}

#[derive(serde::Deserialize)]
struct RawMetadata {
    #[serde(default)]
    image_layer_index: Option<u64>,
}

/// Parse one manifest: its content sets (empty when it has none) and `image_layer_index`.
pub fn parse(bytes: &[u8]) -> Result<(Vec<String>, Option<u64>), ManifestError> {
    let raw: Raw = serde_json::from_slice(bytes)?;
    Ok((
        raw.content_sets.unwrap_or_default(),
        raw.metadata.and_then(|m| m.image_layer_index),
    ))
}

/// Every content manifest of the final filesystem that names content sets, by path, each
/// attributed to the layer whose copy is final; unreadable ones as warnings.
pub fn read<O: Captured>(scan: &ImageScan<O>) -> (Vec<ContentManifest>, Vec<String>) {
    let captured: std::collections::BTreeSet<&str> = scan
        .outputs
        .iter()
        .flat_map(|outs| outs.keys().map(String::as_str))
        .filter(|p| wants_path(p))
        .collect();
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    for path in captured {
        let Some((layer, stored, out)) = scan.final_output(path) else {
            continue;
        };
        if stored != path {
            continue;
        }
        let Some(bytes) = out.bytes() else { continue };
        match parse(bytes) {
            Ok((sets, _)) if sets.is_empty() => {}
            Ok((content_sets, image_layer_index)) => found.push(ContentManifest {
                path: format!("/{path}"),
                layer,
                image_layer_index,
                content_sets,
            }),
            Err(e) => warnings.push(format!("/{path}: {e}")),
        }
    }
    (found, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(wants_path(
            "root/buildinfo/content_manifests/ubi8-minimal-container-8.5-218.json"
        ));
        assert!(wants_path("usr/share/buildinfo/rhcos.json"));
        assert!(!wants_path("root/buildinfo/Dockerfile-ubi8-8.3-227"));
        assert!(!wants_path("root/buildinfo/content_manifests/sub/x.json"));
    }

    /// The shape of the manifest in ubi8-minimal 8.5-218.
    #[test]
    fn parses_manifest() {
        let text = br#"{
  "metadata": {
    "icm_version": 1,
    "icm_spec": "https://raw.githubusercontent.com/containerbuildsystem/atomic-reactor/master/atomic_reactor/schemas/content_manifest.json",
    "image_layer_index": 1
  },
  "content_sets": [
    "rhel-8-for-x86_64-baseos-rpms",
    "rhel-8-for-x86_64-appstream-rpms"
  ],
  "image_contents": []
}"#;
        let (sets, index) = parse(text).unwrap();
        assert_eq!(
            sets,
            [
                "rhel-8-for-x86_64-baseos-rpms",
                "rhel-8-for-x86_64-appstream-rpms"
            ]
        );
        assert_eq!(index, Some(1));
        assert!(parse(b"{}").unwrap().0.is_empty());
        assert!(parse(b"[1]").is_err());
    }
}
