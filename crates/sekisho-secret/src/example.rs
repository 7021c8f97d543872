//! Documentation example credentials.
//!
//! Vendors publish fake credentials in their docs (AWS's `AKIAIOSFODNN7EXAMPLE` /
//! `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, jwt.io's sample token). They are copied into
//! images as defaults far more often than real keys; hiding them silently would also hide the
//! habit (a real key may be pasted in the same place later), so they are reported, at LOW
//! severity, flagged `example: true`.

use sha2::{Digest, Sha256};

/// SHA-256 (hex) of well-known documentation credentials that do not contain the word
/// `EXAMPLE`, with where they come from.
const KNOWN_EXAMPLES: &[(&str, &str)] = &[
    (
        "7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606",
        "jwt.io sample token (HS256, sub 1234567890, name John Doe)",
    ),
    (
        "bf145d9380bbe05bdc1a72525796b224f8a8c93ae0e9e102eafbc255ac1af9e8",
        "PyJWT documentation token",
    ),
    (
        "6c96130f130ab0d6d158397e24d2bcc1c9a5e73ae081f6e983f1c7b545d24a4c",
        "RFC 6749 example access token",
    ),
    (
        "00cf4c781dc37003f7c7dd7d4c9a6ef1e0f4c62d9a291aa8bc398774e3fefd32",
        "RFC 6749 example refresh token",
    ),
    (
        "ca7459e2b26776de081b9a07e40227fd6cff232a1e3233ff6b6aa6d036ca9981",
        "RFC 6749 example client credentials (Basic s6BhdRkqt3:gX1fBat3bV)",
    ),
    (
        "a35b81a7d7927b70ec99270dd2362b88580a28574af812f2c02f56469579186f",
        "RFC 6749 example authorization code",
    ),
    (
        "9d03b692e941d5ace207a9f8048834439f6de98e5c6c1590c22c4f4577c88a42",
        "RFC 5849 example token",
    ),
    (
        "bb9b1163338b2a51495834ad5c65420443d6327381cf0f94ebf92b117f209d72",
        "RFC 5849 example token",
    ),
    (
        "4c20e6f5cc11b93731e74cbe20739821d61c3563c9f50ecb884a27cd369f01fb",
        "RFC 5849 example token",
    ),
    (
        "cb87c87e4a138d9a72259d2a01bab15623c9846e568c1509b287721645a6ea53",
        "RFC 5849 example token secret",
    ),
    (
        "2ff8b0fb93aca981c78f1e94355c298c23435461f1072ef4674848e620371787",
        "RFC 5849 example token",
    ),
];

/// Whether `secret` is a documentation example credential: it contains `EXAMPLE` in any case
/// (AWS's documented keys all do), or it is one of a short list of well-known sample values
/// (jwt.io's and PyJWT's sample tokens, the OAuth RFC 6749 / RFC 5849 example tokens).
pub fn is_example_credential(secret: &str) -> bool {
    if secret.to_ascii_uppercase().contains("EXAMPLE") {
        return true;
    }
    let digest = hex::encode(Sha256::digest(secret.as_bytes()));
    KNOWN_EXAMPLES.iter().any(|(h, _)| *h == digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_examples() {
        assert!(is_example_credential("AKIAIOSFODNN7EXAMPLE"));
        assert!(is_example_credential(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ));
        assert!(!is_example_credential(&format!(
            "AKIA{}",
            "Z3MSJV4WWNKWW5FG"
        )));
    }

    #[test]
    fn rfc_examples() {
        assert!(is_example_credential("2YotnFZFEjr1zCsicMWpAA"));
        assert!(is_example_credential("czZCaGRSa3F0MzpnWDFmQmF0M2JW"));
    }

    #[test]
    fn jwt_io_sample() {
        assert!(is_example_credential("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"));
    }
}
