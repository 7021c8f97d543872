//! The vulnerability database as an OCI artifact: `db push`, `db pull`, `db update --from`.
//!
//! The artifact is an OCI image manifest with `artifactType` [`ARTIFACT_TYPE`], the empty
//! config (`application/vnd.oci.empty.v1+json`, the 2-byte `{}`), and one layer: the SQLite
//! file compressed with zstd ([`LAYER_TYPE`]). Annotations carry the schema version, the build
//! time and `org.opencontainers.image.created`.
//!
//! A pull streams the layer through a digest check and a zstd decoder into a temporary file
//! beside the database (at most [`MAX_DB`] bytes decompressed), opens it as a database to
//! validate it, and renames it over the old one: a failure leaves the old database as it was.
//! `DB.ref.json` beside the database records the reference and manifest digest pulled, so
//! `update --from` needs only a HEAD of the manifest when nothing changed.

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sekisho_advisory::Database;
use sekisho_registry::{BlobPush, Client, ClientOptions, Reference};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The artifact type of a sekisho database.
pub const ARTIFACT_TYPE: &str = "application/vnd.sekisho.db.v1";
/// The media type of its one layer: the SQLite file, zstd-compressed.
pub const LAYER_TYPE: &str = "application/vnd.sekisho.db.layer.v1.sqlite+zstd";
/// The empty config of an artifact manifest.
const EMPTY_TYPE: &str = "application/vnd.oci.empty.v1+json";
const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Annotation: the database schema version.
const ANN_SCHEMA: &str = "dev.sekisho.db.schema-version";
/// Annotation: when the database was built.
const ANN_BUILT: &str = "dev.sekisho.db.built";
const ANN_CREATED: &str = "org.opencontainers.image.created";
const ANN_TITLE: &str = "org.opencontainers.image.title";
/// Largest database a pull writes (decompressed).
pub const MAX_DB: u64 = 4 << 30;
/// zstd level of the layer: a good ratio on SQLite pages at a few tens of MB/s.
const ZSTD_LEVEL: i32 = 9;

/// What a push did.
#[derive(Debug)]
pub struct Pushed {
    /// The manifest digest.
    pub digest: String,
    /// Bytes of the compressed layer.
    pub layer_size: u64,
    /// Bytes of the database.
    pub db_size: u64,
    /// Blobs sent (the others were on the registry already).
    pub uploaded: usize,
}

/// What a pull did.
#[derive(Debug)]
pub struct Pulled {
    /// The manifest digest.
    pub digest: String,
    /// Bytes of the compressed layer read.
    pub layer_size: u64,
    /// Bytes of the database written.
    pub db_size: u64,
}

/// What `update --from` did.
#[derive(Debug)]
pub enum Updated {
    /// The manifest digest is the one pulled last time: nothing was downloaded.
    Unchanged(String),
    /// A new database was pulled.
    Pulled(Pulled),
}

/// The sidecar recording what was pulled: `<db>.ref.json`.
pub fn sidecar(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".ref.json");
    db.with_file_name(name)
}

/// Forget what was pulled (the database was rebuilt here).
pub fn forget(db: &Path) {
    let _ = fs::remove_file(sidecar(db));
}

/// A file removed when dropped unless kept.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

/// Writes through to `inner`, hashing and counting.
struct HashWriter<W> {
    inner: W,
    hash: Sha256,
    count: u64,
}

impl<W: Write> Write for HashWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Reads through from `inner`, hashing and counting, failing past `limit` bytes.
struct HashReader<R> {
    inner: R,
    hash: Sha256,
    count: u64,
    limit: u64,
}

impl<R: Read> Read for HashReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.count += n as u64;
        if self.count > self.limit {
            return Err(io::Error::other(format!(
                "the blob is longer than the {} bytes the manifest says",
                self.limit
            )));
        }
        Ok(n)
    }
}

/// Publish the database `db` as `reference` (which needs a tag). `created` is the
/// publication time.
pub fn push(
    db: &Path,
    reference: &Reference,
    options: ClientOptions,
    created: &str,
) -> anyhow::Result<Pushed> {
    if reference.digest.is_some() {
        bail!("{reference}: push to a tag, not a digest (the digest is the registry's answer)");
    }
    let tag = reference.manifest_ref().to_string();
    let info = Database::open(db)?.info()?;
    // Compress to a temporary file, hashing what is written (the upload needs the digest
    // first, and is read again on a retry).
    let tmp_path = std::env::temp_dir().join(format!("sekisho-db-push-{}.zst", std::process::id()));
    let _guard = TempFile(Some(tmp_path.clone()));
    let out =
        fs::File::create(&tmp_path).with_context(|| format!("creating {}", tmp_path.display()))?;
    let mut hw = HashWriter {
        inner: BufWriter::new(out),
        hash: Sha256::new(),
        count: 0,
    };
    let db_size = {
        let mut enc = zstd::stream::write::Encoder::new(&mut hw, ZSTD_LEVEL)?;
        enc.include_checksum(true)?;
        let mut input = fs::File::open(db).with_context(|| format!("reading {}", db.display()))?;
        let n = io::copy(&mut input, &mut enc)
            .with_context(|| format!("compressing {}", db.display()))?;
        enc.finish()?;
        n
    };
    hw.flush()?;
    let layer_digest = format!("sha256:{}", hex::encode(hw.hash.finalize_reset()));
    let layer_size = hw.count;
    drop(hw);

    let client = Client::for_push(reference, options);
    let mut uploaded = 0;
    let mut empty = io::Cursor::new(b"{}".to_vec());
    if client.push_blob(EMPTY_DIGEST, 2, &mut empty)? == BlobPush::Uploaded {
        uploaded += 1;
    }
    let mut layer = fs::File::open(&tmp_path)?;
    if client.push_blob(&layer_digest, layer_size, &mut layer)? == BlobPush::Uploaded {
        uploaded += 1;
    }
    let title = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sekisho.db".to_string());
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": ARTIFACT_TYPE,
        "config": {"mediaType": EMPTY_TYPE, "digest": EMPTY_DIGEST, "size": 2, "data": "e30="},
        "layers": [{
            "mediaType": LAYER_TYPE,
            "digest": layer_digest,
            "size": layer_size,
            "annotations": {ANN_TITLE: title},
        }],
        "annotations": {
            ANN_SCHEMA: info.schema_version.to_string(),
            ANN_BUILT: info.built,
            ANN_CREATED: created,
        },
    });
    let bytes = serde_json::to_vec(&manifest)?;
    let digest = client.push_manifest(&tag, OCI_MANIFEST, &bytes)?;
    Ok(Pushed {
        digest,
        layer_size,
        db_size,
        uploaded,
    })
}

/// The layer of a database artifact, after checking the manifest.
#[derive(Debug)]
struct Layer {
    digest: String,
    size: u64,
}

fn check_manifest(name: &str, bytes: &[u8]) -> anyhow::Result<Layer> {
    let m: serde_json::Value = serde_json::from_slice(bytes)
        .with_context(|| format!("{name}: the manifest is not JSON"))?;
    let media_type = m["mediaType"].as_str().unwrap_or(OCI_MANIFEST);
    if media_type != OCI_MANIFEST {
        bail!(
            "{name}: not a sekisho database: the manifest is {media_type} (expected an OCI \
             image manifest with artifactType {ARTIFACT_TYPE})"
        );
    }
    let artifact = m["artifactType"]
        .as_str()
        .or_else(|| m["config"]["mediaType"].as_str())
        .unwrap_or("");
    if artifact != ARTIFACT_TYPE {
        bail!(
            "{name}: not a sekisho database: artifact type {artifact:?} (expected \
             {ARTIFACT_TYPE}; push one with `sekisho db push`)"
        );
    }
    if let Some(schema) = m["annotations"][ANN_SCHEMA].as_str() {
        if schema != sekisho_advisory::SCHEMA_VERSION.to_string() {
            bail!(
                "{name}: the database has schema version {schema}, this sekisho reads {}; \
                 pull a database built by a matching version",
                sekisho_advisory::SCHEMA_VERSION
            );
        }
    }
    let layers = m["layers"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let layer = match layers {
        [one] => one,
        _ => bail!(
            "{name}: a database artifact has one layer, this manifest has {}",
            layers.len()
        ),
    };
    let layer_type = layer["mediaType"].as_str().unwrap_or("");
    if layer_type != LAYER_TYPE {
        bail!("{name}: layer media type {layer_type:?}, expected {LAYER_TYPE}");
    }
    let digest = layer["digest"].as_str().unwrap_or("").to_string();
    if !digest.starts_with("sha256:") || digest.len() != 71 {
        bail!("{name}: layer digest {digest:?} is not a sha256 digest");
    }
    let size = layer["size"].as_u64().context("the layer has no size")?;
    if size > MAX_DB {
        bail!("{name}: the layer is {size} bytes, more than the {MAX_DB} a database may have");
    }
    Ok(Layer { digest, size })
}

/// Pull `reference` into `db` (replaced atomically once the download is checked and opens as
/// a database), and record what was pulled beside it.
pub fn pull(db: &Path, reference: &Reference, options: ClientOptions) -> anyhow::Result<Pulled> {
    let client = Client::new(reference, options);
    pull_with(&client, db, reference, reference.manifest_ref())
}

fn pull_with(
    client: &Client,
    db: &Path,
    reference: &Reference,
    manifest_ref: &str,
) -> anyhow::Result<Pulled> {
    let name = client.name().to_string();
    let manifest = client.manifest(manifest_ref)?;
    let layer = check_manifest(&name, &manifest.bytes)?;
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut tmp_name = db.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".pull-{}", std::process::id()));
    let tmp_path = db.with_file_name(tmp_name);
    let mut guard = TempFile(Some(tmp_path.clone()));
    let what = format!("{name}: layer {}", layer.digest);
    let db_size = {
        let blob = client.blob(&layer.digest)?;
        let mut hr = HashReader {
            inner: blob,
            hash: Sha256::new(),
            count: 0,
            limit: layer.size,
        };
        let mut out = BufWriter::new(
            fs::File::create(&tmp_path)
                .with_context(|| format!("creating {}", tmp_path.display()))?,
        );
        let written = {
            let mut dec = zstd::stream::read::Decoder::new(&mut hr)
                .with_context(|| format!("{what}: zstd"))?;
            let n = io::copy(&mut (&mut dec).take(MAX_DB + 1), &mut out).map_err(|e| {
                anyhow::anyhow!(
                    "{what}: {e} (the blob is damaged or not zstd; the database was not changed)"
                )
            })?;
            if n > MAX_DB {
                bail!("{what}: decompresses to more than {MAX_DB} bytes; the database was not changed");
            }
            // What the decoder did not need (padding after the frame) still counts for the digest.
            let mut rest = dec.finish();
            io::copy(&mut rest, &mut io::sink()).with_context(|| what.clone())?;
            n
        };
        out.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .with_context(|| format!("writing {}", tmp_path.display()))?;
        let got = format!("sha256:{}", hex::encode(hr.hash.finalize_reset()));
        if hr.count != layer.size {
            bail!(
                "{what}: {} bytes read, the manifest says {}; the database was not changed",
                hr.count,
                layer.size
            );
        }
        if got != layer.digest {
            bail!("{what}: digest mismatch: the content hashes to {got}; the database was not changed");
        }
        written
    };
    let check = Database::open(&tmp_path)
        .and_then(|d| d.info())
        .map_err(|e| {
            anyhow::anyhow!("{what}: not a usable database ({e}); the database was not changed")
        })?;
    drop(check);
    fs::rename(&tmp_path, db)
        .with_context(|| format!("replacing {} with {}", db.display(), tmp_path.display()))?;
    guard.0 = None;
    let record = json!({
        "reference": reference.to_string(),
        "digest": manifest.digest,
        "layer": layer.digest,
        "size": db_size,
    });
    let side = sidecar(db);
    let mut side_tmp = side.clone().into_os_string();
    side_tmp.push(".tmp");
    fs::write(&side_tmp, serde_json::to_vec_pretty(&record)?)
        .and_then(|()| fs::rename(&side_tmp, &side))
        .with_context(|| format!("writing {}", side.display()))?;
    Ok(Pulled {
        digest: manifest.digest,
        layer_size: layer.size,
        db_size,
    })
}

/// `update --from`: HEAD the manifest; pull only when its digest is not the one recorded by
/// the last pull into `db` (or `db` changed since).
pub fn update_from(
    db: &Path,
    reference: &Reference,
    options: ClientOptions,
) -> anyhow::Result<Updated> {
    let client = Client::new(reference, options);
    let head = client.head_manifest(reference.manifest_ref())?;
    let recorded: Option<serde_json::Value> = fs::read(sidecar(db))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    if let Some(r) = recorded {
        let size = fs::metadata(db).map(|m| m.len()).ok();
        if r["digest"].as_str() == Some(head.digest.as_str())
            && r["reference"].as_str() == Some(reference.to_string().as_str())
            && size.is_some()
            && r["size"].as_u64() == size
        {
            return Ok(Updated::Unchanged(head.digest));
        }
    }
    // Pull what the HEAD named, so the digest recorded is the one checked.
    pull_with(&client, db, reference, &head.digest).map(Updated::Pulled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_checked() {
        let layer = json!({"mediaType": LAYER_TYPE, "digest": format!("sha256:{}", "a".repeat(64)), "size": 10});
        let good = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": ARTIFACT_TYPE,
            "config": {"mediaType": EMPTY_TYPE, "digest": EMPTY_DIGEST, "size": 2}, "layers": [layer]});
        let l = check_manifest("r", &serde_json::to_vec(&good).unwrap()).unwrap();
        assert_eq!(l.size, 10);
        let mut image = good.clone();
        image.as_object_mut().unwrap().remove("artifactType");
        image["config"]["mediaType"] = json!("application/vnd.oci.image.config.v1+json");
        let e = check_manifest("r", &serde_json::to_vec(&image).unwrap()).unwrap_err();
        assert!(e.to_string().contains("not a sekisho database"), "{e}");
        let mut schema = good.clone();
        schema["annotations"] = json!({ANN_SCHEMA: "0"});
        let e = check_manifest("r", &serde_json::to_vec(&schema).unwrap()).unwrap_err();
        assert!(e.to_string().contains("schema version 0"), "{e}");
        let mut two = good;
        two["layers"] = json!([]);
        assert!(check_manifest("r", &serde_json::to_vec(&two).unwrap()).is_err());
        assert_eq!(
            sidecar(Path::new("/d/sekisho.db")),
            PathBuf::from("/d/sekisho.db.ref.json")
        );
        assert_eq!(
            format!("sha256:{}", hex::encode(Sha256::digest(b"{}"))),
            EMPTY_DIGEST
        );
    }
}
