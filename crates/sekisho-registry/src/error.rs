//! Errors of the registry client. Every variant names the reference it came from.

/// Something went wrong while reading an image from a registry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The argument is not a valid image reference.
    #[error("invalid reference {input:?}: {reason}")]
    BadReference {
        /// What was typed.
        input: String,
        /// Why it is not a reference.
        reason: String,
    },
    /// The registry refused the credentials (or asked for some and none were given).
    #[error("{reference}: {what}: unauthorized: {detail}")]
    Unauthorized {
        /// The image reference.
        reference: String,
        /// What was being fetched.
        what: String,
        /// The registry's reason and where credentials come from.
        detail: String,
    },
    /// The tag, digest, repository or blob does not exist.
    #[error("{reference}: {what}: not found{}", fmt_detail(detail))]
    NotFound {
        /// The image reference.
        reference: String,
        /// What was being fetched.
        what: String,
        /// The registry's reason, if it gave one.
        detail: String,
    },
    /// The registry answered with an error status (after retries, for 429 and 5xx).
    #[error(
        "{reference}: {what}: HTTP {status}{}{}",
        fmt_detail(detail),
        fmt_limits(rate_limit)
    )]
    Status {
        /// The image reference.
        reference: String,
        /// What was being fetched.
        what: String,
        /// The HTTP status.
        status: u16,
        /// The registry's reason, if it gave one.
        detail: String,
        /// Rate-limit headers of the refusal (`ratelimit-limit: 100;w=21600`, ...).
        rate_limit: Vec<String>,
    },
    /// The registry could not be reached or the connection failed (after retries).
    #[error("{reference}: {what}: {detail}")]
    Network {
        /// The image reference.
        reference: String,
        /// What was being fetched.
        what: String,
        /// The transport error.
        detail: String,
    },
    /// A docker credential helper named in `config.json` is missing, failed, timed out or
    /// answered something that is not the protocol's JSON.
    #[error("{registry}: credential helper docker-credential-{helper}: {reason}")]
    CredentialHelper {
        /// The helper's name (the suffix after `docker-credential-`).
        helper: String,
        /// The registry whose login was asked for.
        registry: String,
        /// What went wrong.
        reason: String,
    },
    /// Every mirror and the registry failed (`registries.conf`); each failure in order.
    #[error("{reference}: no mirror or registry served it: {}", failures.join("; "))]
    Endpoints {
        /// The image reference.
        reference: String,
        /// `mirror <ref>: <error>` or `registry <ref>: <error>`, in the order tried.
        failures: Vec<String>,
    },
    /// The registry answered something that is not what the protocol says.
    #[error("{reference}: {what}: {reason}")]
    BadResponse {
        /// The image reference.
        reference: String,
        /// What was being fetched.
        what: String,
        /// What is wrong with it.
        reason: String,
    },
}

fn fmt_detail(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

fn fmt_limits(limits: &[String]) -> String {
    if limits.is_empty() {
        String::new()
    } else {
        format!(" ({})", limits.join(", "))
    }
}
