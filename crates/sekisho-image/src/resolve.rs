//! Finding the one image to scan inside a source: OCI index walking (tags, nested indexes,
//! platforms) and docker-archive `manifest.json`.

use crate::digest::Algorithm;

use crate::error::ImageError;
use crate::layer::Limits;
use crate::metadata::{
    media, Descriptor, DockerManifestEntry, ImageConfig, Index, Manifest, Platform,
};
use crate::source::BlobStore;

/// Annotation holding an image's tag in an OCI layout.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// One layer of the chosen image, before it is read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LayerInfo {
    /// Digest of the blob as stored (for docker-archive without blob digests, the diffID).
    pub digest: String,
    /// Digest of the uncompressed tar, from the config's `rootfs.diff_ids`.
    pub diff_id: String,
    /// Media type from the manifest (docker-archive: `application/vnd.docker.image.rootfs.diff.tar`).
    pub media_type: String,
    /// Blob size in bytes, when known before reading.
    pub size: u64,
    /// The history entry that created the layer.
    pub created_by: Option<String>,
    /// Name of the blob inside the source.
    #[serde(skip)]
    pub(crate) member: String,
    /// What the blob's raw sha256 must equal, if anything.
    #[serde(skip)]
    pub(crate) expect_raw: Option<String>,
    /// What the raw sha256 must equal when the blob turns out uncompressed.
    #[serde(skip)]
    pub(crate) expect_if_plain: Option<String>,
}

/// Metadata of the chosen image.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImageInfo {
    /// What the user typed.
    pub input: String,
    /// The source format.
    pub kind: crate::SourceKind,
    /// Tags (`name:tag` for docker-archive, the ref name for OCI).
    pub tags: Vec<String>,
    /// Digest of the manifest, when the source has one.
    pub manifest_digest: Option<String>,
    /// Digest of the config (the image ID).
    pub config_digest: Option<String>,
    /// The image config.
    pub config: ImageConfig,
    /// Layers, base first.
    pub layers: Vec<LayerInfo>,
}

fn sha256_of(bytes: &[u8]) -> String {
    Algorithm::Sha256.digest(bytes)
}

fn blob_name(digest: &str) -> Result<String, String> {
    let (algo, hex) = digest
        .split_once(':')
        .ok_or_else(|| format!("malformed digest {digest:?}"))?;
    if algo.is_empty()
        || hex.is_empty()
        || !hex.bytes().all(|b| b.is_ascii_alphanumeric())
        || !algo
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'.' || b == b'_' || b == b'-')
    {
        return Err(format!("malformed digest {digest:?}"));
    }
    Ok(format!("blobs/{algo}/{hex}"))
}

/// Read a blob by digest and verify it.
fn read_blob(store: &dyn BlobStore, input: &str, d: &Descriptor) -> Result<Vec<u8>, ImageError> {
    let name = blob_name(&d.digest).map_err(|e| ImageError::meta(input, "descriptor", e))?;
    let bytes = store
        .read_small(&name)
        .map_err(|e| ImageError::meta(input, format!("blob {}", d.digest), e))?;
    let algorithm =
        Algorithm::of(&d.digest).map_err(|e| ImageError::meta(input, "descriptor", e))?;
    {
        let actual = algorithm.digest(&bytes);
        if actual != d.digest {
            return Err(ImageError::DigestMismatch {
                input: input.to_string(),
                expected: d.digest.clone(),
                actual,
            });
        }
    }
    Ok(bytes)
}

fn parse_config(input: &str, what: &str, bytes: &[u8]) -> Result<ImageConfig, ImageError> {
    serde_json::from_slice(bytes).map_err(|e| ImageError::meta(input, what, e))
}

fn check_layer_count(input: &str, n: usize, limits: &Limits) -> Result<(), ImageError> {
    if n > limits.max_layers {
        return Err(ImageError::meta(
            input,
            "manifest",
            format!(
                "{n} layers, more than {} (no runtime unpacks that many; --max-layers)",
                limits.max_layers
            ),
        ));
    }
    Ok(())
}

fn attach_history(config: &ImageConfig, layers: &mut [LayerInfo]) {
    let mut with_layer = config.history.iter().filter(|h| !h.empty_layer);
    for layer in layers.iter_mut() {
        layer.created_by = with_layer.next().map(|h| h.created_by.clone());
    }
}

/// Choose the image in an OCI layout.
pub(crate) fn resolve_oci(
    store: &dyn BlobStore,
    input: &str,
    kind: crate::SourceKind,
    tag: Option<&str>,
    platform: Option<&Platform>,
    limits: &Limits,
) -> Result<ImageInfo, ImageError> {
    let index_bytes = store.read_small("index.json").map_err(|e| {
        ImageError::meta(
            input,
            "index.json",
            format!("unable to retrieve index.json: {e}"),
        )
    })?;
    let index: Index = serde_json::from_slice(&index_bytes)
        .map_err(|e| ImageError::meta(input, "index.json", format!("invalid index.json: {e}")))?;
    if index.manifests.is_empty() {
        return Err(ImageError::meta(
            input,
            "index.json",
            "no valid manifest: the index lists no manifests",
        ));
    }
    let mut candidates: Vec<&Descriptor> = index.manifests.iter().collect();
    if let Some(tag) = tag {
        candidates.retain(|d| ref_matches(d, tag));
        if candidates.is_empty() {
            return Err(ImageError::NotFound {
                input: input.to_string(),
                reason: format!(
                    "invalid OCI image ref: tag {tag:?} not found; available: {}",
                    list_refs(&index.manifests)
                ),
            });
        }
    }
    let distinct: std::collections::BTreeSet<String> = candidates
        .iter()
        .map(|d| ref_name(d).unwrap_or_else(|| d.digest.clone()))
        .collect();
    if distinct.len() > 1 {
        return Err(ImageError::NotFound {
            input: input.to_string(),
            reason: format!(
                "the layout holds {} images; choose one with PATH:TAG ({})",
                distinct.len(),
                distinct.into_iter().collect::<Vec<_>>().join(", ")
            ),
        });
    }
    let tags: Vec<String> = candidates.iter().filter_map(|d| ref_name(d)).collect();
    // Most descriptors read while walking nested indexes (a small index listing thousands of
    // nested indexes, each listing thousands more, must not take hours).
    let mut budget = limits.max_index_descriptors;
    let chosen = choose_manifest(store, input, &candidates, platform, 0, &mut budget, limits)?;
    let manifest_bytes = read_blob(store, input, &chosen)?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes).map_err(|e| {
        ImageError::meta(
            input,
            format!("manifest {}", chosen.digest),
            format!("invalid OCI image: {e}"),
        )
    })?;
    let config_bytes = read_blob(store, input, &manifest.config)?;
    let config = parse_config(input, "config", &config_bytes)?;
    if config.rootfs.diff_ids.len() != manifest.layers.len() {
        return Err(ImageError::meta(
            input,
            "config",
            format!(
                "{} layers in the manifest but {} diff_ids in the config",
                manifest.layers.len(),
                config.rootfs.diff_ids.len()
            ),
        ));
    }
    check_layer_count(input, manifest.layers.len(), limits)?;
    let mut layers = Vec::with_capacity(manifest.layers.len());
    for (d, diff_id) in manifest.layers.iter().zip(&config.rootfs.diff_ids) {
        let member = blob_name(&d.digest).map_err(|e| ImageError::meta(input, "manifest", e))?;
        Algorithm::of(&d.digest).map_err(|e| ImageError::meta(input, "manifest", e))?;
        if !store.contains(&member) {
            return Err(ImageError::meta(
                input,
                "manifest",
                format!("layer blob {} is missing", d.digest),
            ));
        }
        layers.push(LayerInfo {
            digest: d.digest.clone(),
            diff_id: diff_id.clone(),
            media_type: d.media_type.clone(),
            size: d.size,
            created_by: None,
            member,
            expect_raw: Some(d.digest.clone()),
            expect_if_plain: None,
        });
    }
    attach_history(&config, &mut layers);
    Ok(ImageInfo {
        input: input.to_string(),
        kind,
        tags,
        manifest_digest: Some(chosen.digest.clone()),
        config_digest: Some(manifest.config.digest.clone()),
        config,
        layers,
    })
}

fn ref_name(d: &Descriptor) -> Option<String> {
    d.annotations.get(REF_NAME).cloned()
}

fn ref_matches(d: &Descriptor, tag: &str) -> bool {
    match d.annotations.get(REF_NAME) {
        Some(name) => {
            name == tag
                || name
                    .rsplit_once(':')
                    .map(|(_, t)| t == tag)
                    .unwrap_or(false)
        }
        None => d.digest == tag,
    }
}

fn list_refs(ds: &[Descriptor]) -> String {
    let names: Vec<String> = ds.iter().filter_map(ref_name).collect();
    if names.is_empty() {
        "no tagged images".to_string()
    } else {
        names.join(", ")
    }
}

/// Walk nested indexes down to one image manifest, choosing by platform.
fn choose_manifest(
    store: &dyn BlobStore,
    input: &str,
    candidates: &[&Descriptor],
    platform: Option<&Platform>,
    depth: usize,
    budget: &mut usize,
    limits: &Limits,
) -> Result<Descriptor, ImageError> {
    if depth > 4 {
        return Err(ImageError::meta(
            input,
            "index",
            "indexes nested too deeply",
        ));
    }
    *budget = budget.checked_sub(candidates.len()).ok_or_else(|| {
        ImageError::meta(
            input,
            "index",
            format!(
                "indexes list more than {} manifests in all (--max-index-descriptors)",
                limits.max_index_descriptors
            ),
        )
    })?;
    // Expand indexes into their manifests.
    let mut manifests: Vec<Descriptor> = Vec::new();
    for d in candidates {
        if media::is_index(&d.media_type) {
            let bytes = read_blob(store, input, d)?;
            let nested: Index = serde_json::from_slice(&bytes)
                .map_err(|e| ImageError::meta(input, format!("index {}", d.digest), e))?;
            let refs: Vec<&Descriptor> = nested.manifests.iter().collect();
            manifests.push(choose_manifest(
                store,
                input,
                &refs,
                platform,
                depth + 1,
                budget,
                limits,
            )?);
        } else if media::is_manifest(&d.media_type) || d.media_type.is_empty() {
            manifests.push((*d).clone());
        } else if d.media_type.contains("attestation")
            || d.annotations.contains_key("vnd.docker.reference.type")
        {
            continue;
        } else {
            return Err(ImageError::meta(
                input,
                "index.json",
                format!(
                    "invalid OCI image: unsupported media type {:?} for {}",
                    d.media_type, d.digest
                ),
            ));
        }
    }
    // Drop attestation manifests (BuildKit stores them with platform unknown/unknown).
    manifests.retain(|d| {
        d.platform
            .as_ref()
            .map(|p| p.os != "unknown")
            .unwrap_or(true)
            && !d.annotations.contains_key("vnd.docker.reference.type")
    });
    let with_platform = manifests.iter().filter(|d| d.platform.is_some()).count();
    if manifests.len() == 1 && (platform.is_none() || with_platform == 0) {
        return Ok(manifests.remove(0));
    }
    if manifests.is_empty() {
        return Err(ImageError::meta(input, "index", "no valid manifest"));
    }
    let want = platform.cloned().unwrap_or_else(Platform::host);
    let available: Vec<String> = manifests
        .iter()
        .filter_map(|d| d.platform.as_ref().map(|p| p.to_string()))
        .collect();
    manifests
        .into_iter()
        .find(|d| {
            d.platform
                .as_ref()
                .map(|p| want.matches(p))
                .unwrap_or(false)
        })
        .ok_or_else(|| ImageError::NotFound {
            input: input.to_string(),
            reason: format!(
                "no image for platform {want}; available: {}",
                available.join(", ")
            ),
        })
}

/// Choose the image in a docker-archive.
pub(crate) fn resolve_docker(
    store: &dyn BlobStore,
    input: &str,
    tag: Option<&str>,
    limits: &Limits,
) -> Result<ImageInfo, ImageError> {
    let bytes = store
        .read_small("manifest.json")
        .map_err(|e| ImageError::meta(input, "manifest.json", e))?;
    let entries: Vec<DockerManifestEntry> =
        serde_json::from_slice(&bytes).map_err(|e| ImageError::meta(input, "manifest.json", e))?;
    let tags_of = |e: &DockerManifestEntry| e.repo_tags.clone().unwrap_or_default();
    let chosen: Vec<&DockerManifestEntry> = match tag {
        Some(tag) => entries
            .iter()
            .filter(|e| {
                tags_of(e).iter().any(|t| {
                    t == tag
                        || t.rsplit_once(':')
                            .map(|(name, t2)| t2 == tag || name == tag)
                            .unwrap_or(false)
                })
            })
            .collect(),
        None => entries.iter().collect(),
    };
    let entry = match chosen.as_slice() {
        [one] => *one,
        [] if tag.is_some() => {
            return Err(ImageError::NotFound {
                input: input.to_string(),
                reason: format!(
                    "tag {:?} not found; available: {}",
                    tag.unwrap_or_default(),
                    entries
                        .iter()
                        .flat_map(tags_of)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
        }
        [] => return Err(ImageError::meta(input, "manifest.json", "no images listed")),
        many => {
            return Err(ImageError::NotFound {
                input: input.to_string(),
                reason: format!(
                    "the archive holds {} images; choose one with PATH:TAG ({})",
                    many.len(),
                    many.iter()
                        .flat_map(|e| tags_of(e))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
        }
    };
    let config_bytes = store
        .read_small(&entry.config)
        .map_err(|e| ImageError::meta(input, "config", e))?;
    let config = parse_config(input, &entry.config, &config_bytes)?;
    if config.rootfs.diff_ids.len() != entry.layers.len() {
        return Err(ImageError::meta(
            input,
            "manifest.json",
            format!(
                "{} layers listed but {} diff_ids in the config",
                entry.layers.len(),
                config.rootfs.diff_ids.len()
            ),
        ));
    }
    check_layer_count(input, entry.layers.len(), limits)?;
    let mut layers = Vec::with_capacity(entry.layers.len());
    for (member, diff_id) in entry.layers.iter().zip(&config.rootfs.diff_ids) {
        Algorithm::of(diff_id).map_err(|e| ImageError::meta(input, "config diff_ids", e))?;
        if !store.contains(member) {
            return Err(ImageError::meta(
                input,
                "manifest.json",
                format!("layer {member} is missing"),
            ));
        }
        let from_name = member
            .strip_prefix("blobs/sha256/")
            .map(|h| format!("sha256:{h}"));
        layers.push(LayerInfo {
            digest: from_name.clone().unwrap_or_else(|| diff_id.clone()),
            diff_id: diff_id.clone(),
            media_type: "application/vnd.docker.image.rootfs.diff.tar".to_string(),
            size: 0,
            created_by: None,
            member: member.clone(),
            expect_raw: from_name,
            expect_if_plain: Some(diff_id.clone()),
        });
    }
    attach_history(&config, &mut layers);
    let config_digest = entry
        .config
        .strip_prefix("blobs/sha256/")
        .map(|h| format!("sha256:{h}"))
        .unwrap_or_else(|| sha256_of(&config_bytes));
    Ok(ImageInfo {
        input: input.to_string(),
        kind: crate::SourceKind::DockerArchive,
        tags: tags_of(entry),
        manifest_digest: None,
        config_digest: Some(config_digest),
        config,
        layers,
    })
}
