//! A remote image presented as an OCI layout: `index.json` is made from the manifest the
//! reference resolves to (its real bytes and digest kept, so the scan's digest checks hold),
//! `blobs/<alg>/<hex>` are manifests (an index's children, fetched on demand from
//! `/manifests/<digest>`), configs and layers (from `/blobs/<digest>`, layers streamed).

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};
use std::sync::{Arc, Mutex};

use sekisho_image::{BlobStore, Source, SourceKind};

use crate::client::{Client, ClientOptions, FetchedManifest, MAX_MANIFEST};
use crate::error::RegistryError;
use crate::mirrors::Endpoint;
use crate::reference::Reference;

/// The annotation the scan reads an image's name from.
const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// One image (or index) of a registry, read through the OCI layout names the scan asks for.
pub struct RegistryStore {
    client: Client,
    reference: Reference,
    /// The mirror the image is read from, when it is not the registry the reference names.
    mirror: Option<Reference>,
    top: FetchedManifest,
    index_json: Vec<u8>,
    /// Digests known to be manifests (the top one, children of indexes served), with their
    /// bytes once fetched.
    manifests: Mutex<HashMap<String, Option<Arc<Vec<u8>>>>>,
    /// Digests of configs and layers listed by the manifests served.
    listed: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for RegistryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryStore")
            .field("reference", &self.reference.to_string())
            .field("digest", &self.top.digest)
            .finish()
    }
}

impl RegistryStore {
    /// Resolve `reference` (fetch its manifest or index) and make the store.
    pub fn connect(
        reference: &Reference,
        options: ClientOptions,
    ) -> Result<RegistryStore, RegistryError> {
        let client = Client::new(reference, options);
        let top = client.manifest(reference.manifest_ref())?;
        Self::with_manifest(client, reference, None, top)
    }

    /// Resolve `reference` at the first of `endpoints` (mirrors, then the registry; see
    /// [`crate::RegistriesConf::endpoints`]) that serves its manifest, each with the options
    /// `options_for` gives it (an error there, such as a failing credential helper, counts as
    /// that endpoint's failure). The image is then read from that endpoint only, and still
    /// named by `reference` (the report's name, `index.json`'s `ref.name`). When all fail: the
    /// registry's own error when it was the only endpoint, else one listing each failure.
    pub fn connect_via(
        reference: &Reference,
        endpoints: &[Endpoint],
        options_for: impl Fn(&Endpoint) -> Result<ClientOptions, RegistryError>,
    ) -> Result<RegistryStore, RegistryError> {
        let mut failures: Vec<String> = Vec::new();
        for endpoint in endpoints {
            let fetched = options_for(endpoint).and_then(|options| {
                let client = Client::new(&endpoint.reference, options);
                let top = client.manifest(endpoint.reference.manifest_ref())?;
                Ok((client, top))
            });
            match fetched {
                Ok((client, top)) => {
                    let mirror =
                        (endpoint.reference != *reference).then(|| endpoint.reference.clone());
                    return Self::with_manifest(client, reference, mirror, top);
                }
                Err(e) if endpoints.len() == 1 && endpoint.reference == *reference => {
                    return Err(e)
                }
                Err(e) => {
                    let label = if endpoint.mirror {
                        "mirror"
                    } else {
                        "registry"
                    };
                    let name = endpoint.reference.to_string();
                    let text = e.to_string();
                    let text = text.strip_prefix(&format!("{name}: ")).unwrap_or(&text);
                    failures.push(format!("{label} {name}: {text}"));
                }
            }
        }
        if failures.is_empty() {
            return Err(RegistryError::BadReference {
                input: reference.to_string(),
                reason: "no registry to read it from".to_string(),
            });
        }
        Err(RegistryError::Endpoints {
            reference: reference.to_string(),
            failures,
        })
    }

    fn with_manifest(
        client: Client,
        reference: &Reference,
        mirror: Option<Reference>,
        top: FetchedManifest,
    ) -> Result<RegistryStore, RegistryError> {
        let descriptor = serde_json::json!({
            "mediaType": top.media_type,
            "digest": top.digest,
            "size": top.bytes.len(),
            "annotations": { REF_NAME: reference.to_string() },
        });
        let index = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": sekisho_image::media::OCI_INDEX,
            "manifests": [descriptor],
        });
        let index_json = serde_json::to_vec(&index).map_err(|e| RegistryError::BadResponse {
            reference: client.name().to_string(),
            what: "index.json".to_string(),
            reason: e.to_string(),
        })?;
        let store = RegistryStore {
            client,
            reference: reference.clone(),
            mirror,
            index_json,
            manifests: Mutex::new(HashMap::new()),
            listed: Mutex::new(HashSet::new()),
            top,
        };
        let bytes = Arc::new(store.top.bytes.clone());
        store.note_children(&bytes);
        store
            .lock_manifests()
            .insert(store.top.digest.clone(), Some(bytes));
        Ok(store)
    }

    /// The scan source for this store: `input` is what the user typed (the report's name of
    /// the source).
    pub fn into_source(self, input: &str) -> Source {
        Source::Store {
            input: input.to_string(),
            store: Arc::new(self),
            tag: None,
            kind: SourceKind::Registry,
        }
    }

    /// The digest of the manifest or index the reference resolved to.
    pub fn manifest_digest(&self) -> &str {
        &self.top.digest
    }

    /// The media type of the manifest or index the reference resolved to.
    pub fn media_type(&self) -> &str {
        &self.top.media_type
    }

    /// The mirror (or relocated registry) the image is read from, when it is not the
    /// registry the reference names.
    pub fn mirror(&self) -> Option<&Reference> {
        self.mirror.as_ref()
    }

    /// The client (for HEAD requests and blobs by digest).
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn lock_manifests(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<Arc<Vec<u8>>>>> {
        self.manifests.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Remember what a manifest or index lists: children are manifests, the rest blobs.
    fn note_children(&self, bytes: &[u8]) {
        #[derive(serde::Deserialize)]
        struct Doc {
            #[serde(default)]
            manifests: Vec<sekisho_image::Descriptor>,
            #[serde(default)]
            config: Option<sekisho_image::Descriptor>,
            #[serde(default)]
            layers: Vec<sekisho_image::Descriptor>,
        }
        let Ok(doc) = serde_json::from_slice::<Doc>(bytes) else {
            return;
        };
        {
            let mut manifests = self.lock_manifests();
            for d in doc.manifests {
                manifests.entry(d.digest).or_insert(None);
            }
        }
        let mut listed = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        listed.extend(doc.config.map(|c| c.digest));
        listed.extend(doc.layers.into_iter().map(|l| l.digest));
    }

    /// A manifest's bytes, fetched by digest the first time (the client checks the digest).
    fn manifest_bytes(&self, digest: &str) -> Result<Option<Arc<Vec<u8>>>, RegistryError> {
        match self.lock_manifests().get(digest) {
            None => return Ok(None),
            Some(Some(bytes)) => return Ok(Some(bytes.clone())),
            Some(None) => {}
        }
        let fetched = self.client.manifest(digest)?;
        let bytes = Arc::new(fetched.bytes);
        self.note_children(&bytes);
        self.lock_manifests()
            .insert(digest.to_string(), Some(bytes.clone()));
        Ok(Some(bytes))
    }

    /// A short reason for the scan (which adds the reference itself), naming the mirror the
    /// image is read from.
    fn reason(&self, e: RegistryError) -> String {
        let text = e.to_string();
        let short = text
            .strip_prefix(&format!("{}: ", self.client.name()))
            .map(str::to_string)
            .unwrap_or(text);
        match &self.mirror {
            Some(m) => format!("from {m}: {short}"),
            None => short,
        }
    }
}

/// `blobs/sha256/<hex>` → `sha256:<hex>`.
fn digest_of(name: &str) -> Result<String, String> {
    let rest = name
        .strip_prefix("blobs/")
        .ok_or_else(|| format!("{name}: not in a registry"))?;
    let (alg, hex) = rest
        .split_once('/')
        .ok_or_else(|| format!("{name}: not a blob name"))?;
    let ok = matches!(alg, "sha256" | "sha512")
        && !hex.is_empty()
        && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !ok {
        return Err(format!("{name}: not a blob name"));
    }
    Ok(format!("{alg}:{hex}"))
}

impl BlobStore for RegistryStore {
    fn contains(&self, name: &str) -> bool {
        if name == "index.json" {
            return true;
        }
        let Ok(digest) = digest_of(name) else {
            return false;
        };
        self.lock_manifests().contains_key(&digest)
            || self
                .listed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(&digest)
    }

    fn read_small(&self, name: &str) -> Result<Vec<u8>, String> {
        if name == "index.json" {
            return Ok(self.index_json.clone());
        }
        let digest = digest_of(name)?;
        if let Some(bytes) = self.manifest_bytes(&digest).map_err(|e| self.reason(e))? {
            return Ok(bytes.as_ref().clone());
        }
        let bytes = self
            .client
            .blob_bytes(&digest, MAX_MANIFEST)
            .map_err(|e| self.reason(e))?;
        self.note_children(&bytes);
        Ok(bytes)
    }

    fn open(&self, name: &str) -> Result<Box<dyn Read + Send + '_>, String> {
        if name == "index.json" {
            return Ok(Box::new(Cursor::new(self.index_json.clone())));
        }
        let digest = digest_of(name)?;
        if let Some(bytes) = self.manifest_bytes(&digest).map_err(|e| self.reason(e))? {
            return Ok(Box::new(Cursor::new(bytes.as_ref().clone())));
        }
        let reader = self.client.blob(&digest).map_err(|e| self.reason(e))?;
        Ok(Box::new(reader))
    }
}

#[cfg(test)]
mod tests {
    use super::digest_of;

    #[test]
    fn blob_names() {
        let hex = "ab".repeat(32);
        assert_eq!(
            digest_of(&format!("blobs/sha256/{hex}")).unwrap(),
            format!("sha256:{hex}")
        );
        for bad in [
            "index.json",
            "blobs/sha256/",
            "blobs/md5/abc",
            "blobs/sha256/../x",
            "blobs/sha256/AB",
        ] {
            assert!(digest_of(bad).is_err(), "{bad}");
        }
    }
}
