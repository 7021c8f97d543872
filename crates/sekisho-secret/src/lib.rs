//! # sekisho-secret
//!
//! The secret scanner of sekisho: finds credentials (cloud keys, tokens, private keys,
//! passwords, database URLs, ...) in file content and in image config entries.
//!
//! ```
//! use sekisho_secret::{Scanner, Severity};
//!
//! let scanner = Scanner::builtin();
//! let findings = scanner.scan("app/.env", b"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n");
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].rule_id, "aws-access-key-id");
//! assert!(findings[0].example); // AWS's documented example key: reported, at LOW
//! assert_eq!(findings[0].severity, Severity::Low);
//! assert_eq!(findings[0].secret_masked, "AKIA************MPLE");
//!
//! let env = scanner.scan_kv("PASSWORD", "hunter2-not-real");
//! assert_eq!(env[0].rule_id, "generic-password");
//! ```
//!
//! How a scan works, cheapest step first:
//! 1. Path checks without reading content ([`Scanner::skip_reason`]): size limit, binary
//!    extensions, `.git/objects`, allow rules on the path.
//! 2. Binary sniffing of the first bytes (NUL bytes, control characters, invalid UTF-8).
//! 3. One pass of an ASCII-case-insensitive Aho-Corasick automaton over the whole content finds
//!    every rule keyword; only rules with a keyword present run, and line-local rules run only
//!    on the lines holding one of their keywords.
//! 4. Regex matches are verified (entropy, placeholder heuristics, rule-specific checks such as
//!    JWT header decoding), filtered by allow rules and exclude blocks, deduplicated (a generic
//!    rule yields to a specific one on the same span), then masked.

#![warn(missing_docs)]

mod builtin;
mod config;
mod example;
mod mask;
mod rule;
mod scanner;
mod util;

pub use builtin::{builtin_allow_rules, builtin_rules};
pub use config::{
    Config, Error, DEFAULT_MAX_FILE_SIZE, DEFAULT_SKIP_EXTENSIONS, DEFAULT_SNIFF_LEN,
};
pub use example::is_example_credential;
pub use mask::mask_secret;
pub use rule::{AllowRule, Check, ExcludeBlock, Rule, Severity};
pub use scanner::{ScanOutcome, Scanner, SecretFinding, SkipReason};
pub use util::{is_placeholder, looks_binary, shannon_entropy};
