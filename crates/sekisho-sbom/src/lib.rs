//! The SBOM writers: CycloneDX 1.6 and SPDX 2.3, both
//! rendered from the one [`Report`] of `sekisho-model`.

pub mod cyclonedx;
pub mod read;
pub mod spdx;
mod spdx_ids;

use sekisho_model::Report;

use sha2::{Digest, Sha256};

/// Name written into documents as the producing tool.
pub const TOOL_NAME: &str = "sekisho";
/// Version written into documents.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A UUID derived from the image identity and the package list, so that the same input gives
/// the same document (serial numbers and namespaces stay stable across runs).
pub fn stable_uuid(inv: &Report) -> String {
    let mut h = Sha256::new();
    h.update(inv.source.input.as_bytes());
    h.update(inv.source.image_id.as_deref().unwrap_or("").as_bytes());
    for p in &inv.packages {
        h.update(p.purl.as_bytes());
    }
    let mut b: [u8; 16] = h.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x50; // version 5 style (name-based)
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

/// The dependency graph the sources recorded, as indexes into `inv.packages`: for each package
/// with dependencies, the packages of the same file (lockfile, binary) it depends on. A
/// dependency purl is resolved within the file that named it, so two projects in one image
/// never share edges.
pub fn dependency_edges(inv: &Report) -> Vec<(usize, Vec<usize>)> {
    let mut by_file: std::collections::HashMap<(&str, &str), usize> =
        std::collections::HashMap::new();
    for (i, p) in inv.packages.iter().enumerate() {
        by_file
            .entry((p.path.as_str(), p.purl.as_str()))
            .or_insert(i);
    }
    inv.packages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.dependencies.is_empty())
        .map(|(i, p)| {
            let mut to: Vec<usize> = p
                .dependencies
                .iter()
                .filter_map(|d| by_file.get(&(p.path.as_str(), d.as_str())).copied())
                .collect();
            to.sort_unstable();
            to.dedup();
            (i, to)
        })
        .filter(|(_, to)| !to.is_empty())
        .collect()
}
