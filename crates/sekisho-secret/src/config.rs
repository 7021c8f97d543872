//! Scanner configuration: Trivy's `trivy-secret.yaml` shape plus a few scan limits.

use crate::rule::{AllowRule, ExcludeBlock, Rule};
use serde::Deserialize;
use std::path::Path;

/// Errors from loading a config or building a [`crate::Scanner`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The config file could not be read.
    #[error("reading secret config {path}: {source}")]
    Io {
        /// The file that could not be read.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The config file is not valid YAML of the expected shape.
    #[error("parsing secret config: {0}")]
    Yaml(String),
    /// A regex of a rule, allow rule or exclude block does not compile.
    #[error("invalid regex in {what} {id:?}: {message}")]
    Regex {
        /// `rule`, `allow rule` or `exclude block`.
        what: &'static str,
        /// The rule's ID.
        id: String,
        /// The regex compiler's message.
        message: String,
    },
    /// A rule names a secret group that its regex does not have.
    #[error("rule {id:?}: regex has no capture group named {group:?}")]
    MissingGroup {
        /// The rule's ID.
        id: String,
        /// The missing group name.
        group: String,
    },
    /// The keyword prefilter could not be built.
    #[error("building keyword prefilter: {0}")]
    Prefilter(String),
}

/// Default size above which a file is not scanned (16 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;
/// Default number of leading bytes sniffed to decide whether content is binary.
pub const DEFAULT_SNIFF_LEN: usize = 1024;

/// Extensions (lower case, no dot) of files that are never text worth scanning.
pub const DEFAULT_SKIP_EXTENSIONS: &[&str] = &[
    // images
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "icns", "webp", "tif", "tiff", "psd", "xcf",
    // archives and packages
    "zip", "gz", "tgz", "bz2", "xz", "txz", "zst", "lz4", "lzma", "7z", "rar", "tar", "jar", "war",
    "ear", "whl", "egg", "apk", "deb", "rpm", "cab", "msi", "dmg", "iso",
    // compiled code and objects
    "so", "a", "o", "dylib", "dll", "exe", "bin", "class", "pyc", "pyo", "wasm", "node",
    // fonts
    "woff", "woff2", "ttf", "otf", "eot", // media
    "mp3", "mp4", "m4a", "avi", "mov", "mkv", "wav", "ogg", "flac", "webm",
    // documents and data stores
    "pdf", "db", "sqlite", "sqlite3", "mo", "gmo", "pack", "idx",
];

/// Configuration of a [`crate::Scanner`].
///
/// Deserializes from Trivy's `trivy-secret.yaml`:
///
/// ```yaml
/// enable-builtin-rules: [aws-access-key-id]   # only these built-in rules (empty: all)
/// disable-rules: [slack-web-hook]             # applied after enable-builtin-rules, also to custom rules
/// disable-allow-rules: [usr-dirs]             # drop built-in (or custom) allow rules by ID
/// rules:                                      # custom rules, added to the built-in ones
///   - id: internal-token
///     category: Internal
///     title: Internal service token
///     severity: HIGH
///     keywords: [itk_]
///     regex: '\bitk_[a-z0-9]{32}\b'
/// allow-rules:                                # extra global allow rules
///   - id: fixtures
///     description: test fixtures
///     path: '^srv/fixtures/'
/// exclude-block:
///   description: generated blocks
///   regexes: ['(?s)BEGIN GENERATED.*?END GENERATED']
/// # sekisho extensions (not in Trivy):
/// max-file-size: 16777216
/// skip-extensions: [png, jpg]
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Config {
    /// When non-empty, only these built-in rules are enabled (custom rules are unaffected).
    #[serde(default)]
    pub enable_builtin_rules: Vec<String>,
    /// Rules (built-in or custom) to disable.
    #[serde(default)]
    pub disable_rules: Vec<String>,
    /// Allow rules (built-in or custom) to disable.
    #[serde(default)]
    pub disable_allow_rules: Vec<String>,
    /// Custom rules. One with the ID of a built-in rule replaces it.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Custom global allow rules, added to the built-in ones.
    #[serde(default)]
    pub allow_rules: Vec<AllowRule>,
    /// Content regions where no rule reports.
    #[serde(default)]
    pub exclude_block: Option<ExcludeBlock>,
    /// Files larger than this (bytes) are skipped. Default [`DEFAULT_MAX_FILE_SIZE`].
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// How many leading bytes to sniff for binary content. Default [`DEFAULT_SNIFF_LEN`].
    #[serde(default)]
    pub binary_sniff_len: Option<usize>,
    /// Extensions (no dot) to skip without reading; replaces [`DEFAULT_SKIP_EXTENSIONS`] when set.
    #[serde(default)]
    pub skip_extensions: Option<Vec<String>>,
}

impl Config {
    /// Parse a `trivy-secret.yaml`-shaped document. An empty document is the default config.
    pub fn from_yaml(text: &str) -> Result<Config, Error> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let cfg: Option<Config> =
            serde_yaml_ng::from_str(text).map_err(|e| Error::Yaml(e.to_string()))?;
        Ok(cfg.unwrap_or_default())
    }

    /// Read and parse a config file.
    pub fn load(path: impl AsRef<Path>) -> Result<Config, Error> {
        let p = path.as_ref();
        let text = std::fs::read_to_string(p).map_err(|source| Error::Io {
            path: p.display().to_string(),
            source,
        })?;
        Config::from_yaml(&text)
    }
}
