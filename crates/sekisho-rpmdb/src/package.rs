//! The package record built from a header.

use serde::Serialize;

use crate::error::HeaderError;
use crate::header::{tags, Header};

/// One installed package, as read from its rpm header.
///
/// String fields whose tag is absent from the header are empty (rpm's query
/// format prints them as `(none)`); use [`RpmPackage::is_gpg_pubkey`] to
/// recognise the `gpg-pubkey` pseudo-packages, which have no arch, source rpm,
/// vendor or sigmd5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RpmPackage {
    /// `NAME`.
    pub name: String,
    /// `EPOCH`, `None` when the package has none (not the same as `Some(0)`).
    pub epoch: Option<u32>,
    /// `VERSION`.
    pub version: String,
    /// `RELEASE`.
    pub release: String,
    /// `ARCH` (`x86_64`, `noarch`, ...); empty when absent.
    pub arch: String,
    /// `SOURCERPM`, the source package file name
    /// (`util-linux-2.32.1-42.el8_8.src.rpm`); empty when absent.
    pub source_rpm: String,
    /// `LICENSE`; empty when absent.
    pub license: String,
    /// `VENDOR`; empty when absent.
    pub vendor: String,
    /// `PACKAGER`; empty when absent.
    pub packager: String,
    /// `DISTRIBUTION`; empty when absent.
    pub distribution: String,
    /// Installed size in bytes: `LONGSIZE` when present, else `SIZE`, else 0
    /// (what `rpm -q --qf '%{SIZE}'` prints).
    pub size: u64,
    /// `SIGMD5` (MD5 of header + payload) as lowercase hex; empty when absent.
    pub sigmd5: String,
    /// `MODULARITYLABEL` (`name:stream:version:context`) of packages installed
    /// from a module stream.
    pub modularity_label: Option<String>,
    /// `FILEDIGESTALGO`, the OpenPGP hash algorithm number of the package's
    /// file digests; `None` means rpm's default, MD5. See
    /// [`RpmPackage::file_digest_algorithm`].
    pub file_digest_algo: Option<u32>,
    /// `PROVIDENAME`: capability names the package provides (names only,
    /// like Syft's `provides`; includes the package name itself).
    pub provides: Vec<String>,
    /// `REQUIRENAME`: capability names the package requires (names only,
    /// like Syft's `requires`; includes `rpmlib(...)` and file requirements).
    pub requires: Vec<String>,
    /// Absolute paths of the files the package owns, in header order: built
    /// from `DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]`, or taken from
    /// `OLDFILENAMES` in old headers. Directories owned by the package are
    /// included. Invalid UTF-8 is replaced.
    pub files: Vec<String>,
}

/// Cap on the bytes of file paths built for one header, relative to the blob:
/// paths share directory names, so they can be longer than the blob, but a
/// hostile header must not make a few kilobytes expand into gigabytes.
fn file_data_limit(blob_len: usize) -> u64 {
    16 * blob_len as u64 + 64 * 1024
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

impl RpmPackage {
    /// Parses one header blob as stored in an rpmdb (it starts with the index
    /// count; the 8-byte magic of headers in `.rpm` files is not there).
    ///
    /// Never panics and allocates at most a small multiple of `blob.len()`.
    pub fn from_header_blob(blob: &[u8]) -> Result<RpmPackage, HeaderError> {
        let h = Header::parse(blob)?;
        let required = |tag, name| -> Result<String, HeaderError> {
            h.string(tag)?.ok_or(HeaderError::MissingTag(name))
        };
        let opt = |tag| -> Result<String, HeaderError> { Ok(h.string(tag)?.unwrap_or_default()) };

        let name = required(tags::NAME, "NAME")?;
        let version = required(tags::VERSION, "VERSION")?;
        let release = required(tags::RELEASE, "RELEASE")?;
        let epoch = h.int(tags::EPOCH)?.map(|e| e as u32);
        let size = match h.int(tags::LONGSIZE)? {
            Some(s) => s,
            None => h.int(tags::SIZE)?.unwrap_or(0),
        };
        let sigmd5 = h.bin(tags::SIGMD5)?.map(hex).unwrap_or_default();
        let file_digest_algo = h.int(tags::FILEDIGESTALGO)?.map(|a| a as u32);
        let files = files(&h, file_data_limit(blob.len()))?;
        let names = |tag| -> Result<Vec<String>, HeaderError> {
            Ok(h.string_array(tag)?
                .iter()
                .map(|n| lossy(n).into_owned())
                .collect())
        };

        Ok(RpmPackage {
            name,
            epoch,
            version,
            release,
            arch: opt(tags::ARCH)?,
            source_rpm: opt(tags::SOURCERPM)?,
            license: opt(tags::LICENSE)?,
            vendor: opt(tags::VENDOR)?,
            packager: opt(tags::PACKAGER)?,
            distribution: opt(tags::DISTRIBUTION)?,
            size,
            sigmd5,
            modularity_label: h.string(tags::MODULARITYLABEL)?,
            file_digest_algo,
            provides: names(tags::PROVIDENAME)?,
            requires: names(tags::REQUIRENAME)?,
            files,
        })
    }

    /// True for the `gpg-pubkey` pseudo-packages rpm creates for imported
    /// signing keys. `rpm -qa` lists them and [`crate::read_packages`] returns
    /// them; Syft and Trivy leave them out of an inventory (they have no
    /// source, files or arch), so callers building an SBOM usually skip them.
    pub fn is_gpg_pubkey(&self) -> bool {
        self.name == "gpg-pubkey"
    }

    /// `[epoch:]version-release`, as rpm and package URLs spell it.
    pub fn evr(&self) -> String {
        match self.epoch {
            Some(e) => format!("{e}:{}-{}", self.version, self.release),
            None => format!("{}-{}", self.version, self.release),
        }
    }

    /// Name of the file digest algorithm (`md5`, `sha1`, `sha256`, ...), from
    /// [`RpmPackage::file_digest_algo`]; `None` for an unknown number.
    pub fn file_digest_algorithm(&self) -> Option<&'static str> {
        Some(match self.file_digest_algo.unwrap_or(1) {
            1 => "md5",
            2 => "sha1",
            3 => "ripemd160",
            5 => "md2",
            6 => "tiger192",
            7 => "haval-5-160",
            8 => "sha256",
            9 => "sha384",
            10 => "sha512",
            11 => "sha224",
            12 => "sha3-256",
            14 => "sha3-512",
            _ => return None,
        })
    }
}

fn lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

fn files(h: &Header<'_>, limit: u64) -> Result<Vec<String>, HeaderError> {
    let basenames = h.string_array(tags::BASENAMES)?;
    if basenames.is_empty() {
        let old = h.string_array(tags::OLDFILENAMES)?;
        let total: u64 = old.iter().map(|p| p.len() as u64).sum();
        if total > limit {
            return Err(HeaderError::TooMuchFileData { limit });
        }
        return Ok(old.iter().map(|p| lossy(p).into_owned()).collect());
    }
    let dirnames = h.string_array(tags::DIRNAMES)?;
    let dirindexes = h.int32_array(tags::DIRINDEXES)?;
    if dirindexes.len() != basenames.len() {
        return Err(HeaderError::BadFileList(
            "DIRINDEXES and BASENAMES have different lengths",
        ));
    }
    let mut total = 0u64;
    for (&di, base) in dirindexes.iter().zip(&basenames) {
        let dir = dirnames.get(di as usize).ok_or(HeaderError::BadFileList(
            "DIRINDEXES entry past the end of DIRNAMES",
        ))?;
        total += dir.len() as u64 + base.len() as u64;
        if total > limit {
            return Err(HeaderError::TooMuchFileData { limit });
        }
    }
    Ok(dirindexes
        .iter()
        .zip(&basenames)
        .map(|(&di, base)| {
            let mut p = lossy(dirnames[di as usize]).into_owned();
            p.push_str(&lossy(base));
            p
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::{build_test_blob, TYPE_BIN, TYPE_INT32, TYPE_STRING, TYPE_STRING_ARRAY};

    fn s(v: &str) -> Vec<u8> {
        let mut b = v.as_bytes().to_vec();
        b.push(0);
        b
    }

    #[test]
    fn builds_package_and_files() {
        let blob = build_test_blob(&[
            (tags::NAME, TYPE_STRING, 1, s("foo")),
            (tags::VERSION, TYPE_STRING, 1, s("1.0")),
            (tags::RELEASE, TYPE_STRING, 1, s("2")),
            (tags::EPOCH, TYPE_INT32, 1, 3u32.to_be_bytes().to_vec()),
            (tags::SIGMD5, TYPE_BIN, 2, vec![0xab, 0x01]),
            (
                tags::DIRINDEXES,
                TYPE_INT32,
                2,
                [0u32.to_be_bytes(), 1u32.to_be_bytes()].concat(),
            ),
            (
                tags::BASENAMES,
                TYPE_STRING_ARRAY,
                2,
                [s("a"), s("b")].concat(),
            ),
            (
                tags::DIRNAMES,
                TYPE_STRING_ARRAY,
                2,
                [s("/usr/"), s("/etc/")].concat(),
            ),
        ]);
        let p = RpmPackage::from_header_blob(&blob).unwrap();
        assert_eq!(p.name, "foo");
        assert_eq!(p.evr(), "3:1.0-2");
        assert_eq!(p.sigmd5, "ab01");
        assert_eq!(p.files, vec!["/usr/a", "/etc/b"]);
        assert_eq!(p.file_digest_algorithm(), Some("md5"));
        assert!(!p.is_gpg_pubkey());
    }

    /// The origin headers: VENDOR and PACKAGER as `rpm -qi` shows them for remi's
    /// redis-6.2.6-1.el8.remi; DISTRIBUTION and MODULARITYLABEL are values of the usual shape
    /// (not taken from that package).
    #[test]
    fn reads_origin_headers() {
        let blob = build_test_blob(&[
            (tags::NAME, TYPE_STRING, 1, s("redis")),
            (tags::VERSION, TYPE_STRING, 1, s("6.2.6")),
            (tags::RELEASE, TYPE_STRING, 1, s("1.el8.remi")),
            (
                tags::VENDOR,
                TYPE_STRING,
                1,
                s("Remi's RPM repository <https://rpms.remirepo.net/>"),
            ),
            (tags::PACKAGER, TYPE_STRING, 1, s("Remi Collet")),
            (
                tags::DISTRIBUTION,
                TYPE_STRING,
                1,
                s("Remi's RPM repository"),
            ),
            (
                tags::MODULARITYLABEL,
                TYPE_STRING,
                1,
                s("nodejs:12:8030020201124152102:229f0a1c"),
            ),
        ]);
        let p = RpmPackage::from_header_blob(&blob).unwrap();
        assert_eq!(
            p.vendor,
            "Remi's RPM repository <https://rpms.remirepo.net/>"
        );
        assert_eq!(p.packager, "Remi Collet");
        assert_eq!(p.distribution, "Remi's RPM repository");
        assert_eq!(
            p.modularity_label.as_deref(),
            Some("nodejs:12:8030020201124152102:229f0a1c")
        );
    }

    #[test]
    fn bad_dir_index_and_amplification_rejected() {
        let blob = build_test_blob(&[
            (tags::NAME, TYPE_STRING, 1, s("foo")),
            (tags::VERSION, TYPE_STRING, 1, s("1")),
            (tags::RELEASE, TYPE_STRING, 1, s("1")),
            (tags::DIRINDEXES, TYPE_INT32, 1, 5u32.to_be_bytes().to_vec()),
            (tags::BASENAMES, TYPE_STRING_ARRAY, 1, s("a")),
            (tags::DIRNAMES, TYPE_STRING_ARRAY, 1, s("/")),
        ]);
        assert!(matches!(
            RpmPackage::from_header_blob(&blob),
            Err(HeaderError::BadFileList(_))
        ));

        // 20000 files all in one 60 KiB directory: 1.2 GB of paths from a
        // ~200 KiB blob.
        let n = 20_000u32;
        let long_dir = format!("/{}/", "d".repeat(60 * 1024));
        let blob = build_test_blob(&[
            (tags::NAME, TYPE_STRING, 1, s("foo")),
            (tags::VERSION, TYPE_STRING, 1, s("1")),
            (tags::RELEASE, TYPE_STRING, 1, s("1")),
            (tags::DIRINDEXES, TYPE_INT32, n, vec![0; 4 * n as usize]),
            (
                tags::BASENAMES,
                TYPE_STRING_ARRAY,
                n,
                s("x").repeat(n as usize),
            ),
            (tags::DIRNAMES, TYPE_STRING_ARRAY, 1, s(&long_dir)),
        ]);
        assert!(matches!(
            RpmPackage::from_header_blob(&blob),
            Err(HeaderError::TooMuchFileData { .. })
        ));
    }

    #[test]
    fn missing_name_is_an_error() {
        let blob = build_test_blob(&[(tags::VERSION, TYPE_STRING, 1, s("1"))]);
        assert_eq!(
            RpmPackage::from_header_blob(&blob).unwrap_err(),
            HeaderError::MissingTag("NAME")
        );
    }
}
