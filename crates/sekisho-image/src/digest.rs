//! Content digests as the OCI image spec defines them (`algorithm:hex`): the algorithms it
//! registers (SHA-256, SHA-512) are computed and verified; anything else is rejected, since a
//! digest that cannot be checked protects nothing.

use sha2::{Digest as _, Sha256, Sha512};

/// A digest algorithm sekisho can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// `sha256:` (64 lower-case hex digits).
    #[default]
    Sha256,
    /// `sha512:` (128 lower-case hex digits).
    Sha512,
}

impl Algorithm {
    /// The algorithm of `digest`, checking the encoded part's form; an unknown algorithm or a
    /// malformed digest is an error saying so.
    pub fn of(digest: &str) -> Result<Algorithm, String> {
        let (name, hex) = digest
            .split_once(':')
            .ok_or_else(|| format!("malformed digest {digest:?}"))?;
        let (alg, len) = match name {
            "sha256" => (Algorithm::Sha256, 64),
            "sha512" => (Algorithm::Sha512, 128),
            other => {
                return Err(format!(
                    "digest algorithm {other:?} is not supported (sha256, sha512), so {digest:?} cannot be verified"
                ))
            }
        };
        if hex.len() != len
            || !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(format!("malformed {name} digest {digest:?}"));
        }
        Ok(alg)
    }

    /// The algorithm of a blob stored under its digest (`blobs/sha512/<hex>`); SHA-256 for any
    /// other name (docker-archive members).
    pub fn of_member(name: &str) -> Algorithm {
        if name.starts_with("blobs/sha512/") {
            Algorithm::Sha512
        } else {
            Algorithm::Sha256
        }
    }

    /// A hasher for this algorithm.
    pub fn hasher(self) -> Hasher {
        match self {
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(Box::new(Sha512::new())),
        }
    }

    /// The digest of `bytes`, `algorithm:hex`.
    pub fn digest(self, bytes: &[u8]) -> String {
        let mut h = self.hasher();
        h.update(bytes);
        h.finish()
    }
}

/// A running digest.
#[derive(Clone)]
pub enum Hasher {
    /// SHA-256.
    Sha256(Sha256),
    /// SHA-512.
    Sha512(Box<Sha512>),
}

impl Hasher {
    /// Add bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    /// The digest, `algorithm:hex`.
    pub fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => format!("sha256:{}", hex::encode(h.finalize())),
            Hasher::Sha512(h) => format!("sha512:{}", hex::encode(h.finalize())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Algorithm;

    #[test]
    fn algorithms() {
        let d256 = Algorithm::Sha256.digest(b"abc");
        assert_eq!(
            d256,
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let d512 = Algorithm::Sha512.digest(b"abc");
        assert!(d512.starts_with("sha512:ddaf35a193617aba"));
        assert_eq!(Algorithm::of(&d256), Ok(Algorithm::Sha256));
        assert_eq!(Algorithm::of(&d512), Ok(Algorithm::Sha512));
        assert!(Algorithm::of("md5:900150983cd24fb0d6963f7d28e17f72")
            .unwrap_err()
            .contains("not supported"));
        assert!(Algorithm::of("sha256:ABC").is_err());
        assert!(Algorithm::of("sha256").is_err());
    }
}
