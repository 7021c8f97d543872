//! Rule model: what a secret rule, an allow rule and an exclude block are.
//!
//! The field names follow Trivy's `trivy-secret.yaml` (kebab-case), so a Trivy secret config file
//! deserializes into these types unchanged.

use serde::{Deserialize, Deserializer, Serialize};

pub use sekisho_model::Severity;

/// Extra verification applied by built-in rules after the regex matched.
///
/// Custom rules from a config file always use [`Check::None`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Check {
    /// No extra verification.
    #[default]
    None,
    /// The match is a JWT: its header must decode (base64url) to JSON naming an `alg`.
    Jwt,
    /// A PEM/OpenSSH/PGP private key block: header, base64 body and matching footer.
    PrivateKey,
    /// Base64 of a PEM private key block (kubeconfig `client-key-data`, k8s secrets).
    Base64PrivateKey,
    /// A `.docker/config.json` `auth` value: base64 of `user:password`.
    DockerAuth,
    /// A generic `password = value` assignment: the value must look like a literal.
    GenericPassword,
    /// A generic `token/secret/api_key = value` assignment: the value must look random.
    GenericSecret,
    /// Credentials embedded in a URL (`scheme://user:password@host`).
    UrlPassword,
}

/// A secret rule: keywords (prefilter), a regex, and how to judge what it matched.
///
/// Built-in rules come from [`crate::builtin_rules`]; custom ones from the `rules` list of a
/// config file ([`crate::Config`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Rule {
    /// Unique identifier, e.g. `aws-access-key-id`.
    pub id: String,
    /// Category for grouping in reports, e.g. `AWS`.
    #[serde(default)]
    pub category: String,
    /// Short human-readable title, e.g. `AWS Access Key ID`.
    pub title: String,
    /// Severity of a finding of this rule.
    pub severity: Severity,
    /// Regular expression (Rust `regex` syntax, which accepts RE2/Go patterns such as `(?P<name>..)`).
    pub regex: String,
    /// Keywords for the prefilter (ASCII case-insensitive). The regex runs only on content that
    /// contains at least one of them. A rule without keywords always runs.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Name of the capture group holding the secret itself. Without it the whole match is the
    /// secret. Groups named `<name>_<suffix>` are also accepted (first one that participated).
    #[serde(default)]
    pub secret_group_name: Option<String>,
    /// Minimum Shannon entropy (bits per character) of the secret; lower ones are dropped.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Only files whose path matches one of these regexes are checked by this rule.
    #[serde(default, deserialize_with = "string_or_seq")]
    pub path: Vec<String>,
    /// Allow rules that apply to this rule only.
    #[serde(default)]
    pub allow_rules: Vec<AllowRule>,
    /// Regions of content where this rule's matches are ignored.
    #[serde(default)]
    pub exclude_block: Option<ExcludeBlock>,
    /// Extra verification (built-in rules only).
    #[serde(skip)]
    pub check: Check,
    /// Generic rules (keyword-based assignments) yield to a specific rule that matched an
    /// overlapping span, so one secret is reported once, under its most specific ID.
    #[serde(skip)]
    pub generic: bool,
    /// Whether the regex is confined to one line: then it is run only on lines that contain a
    /// keyword instead of the whole file (built-in rules only; custom rules always see the file).
    #[serde(skip)]
    pub line_local: bool,
    /// Skip the placeholder heuristics (runs of one character, `xxxx`, ...) for this rule, for
    /// formats whose real values contain such runs (key material).
    #[serde(skip)]
    pub no_placeholder_check: bool,
}

impl Rule {
    /// A custom rule with the given identity and regex, no keywords and default options.
    pub fn new(id: &str, category: &str, title: &str, severity: Severity, regex: &str) -> Self {
        Rule {
            id: id.to_string(),
            category: category.to_string(),
            title: title.to_string(),
            severity,
            regex: regex.to_string(),
            keywords: Vec::new(),
            secret_group_name: None,
            entropy: None,
            path: Vec::new(),
            allow_rules: Vec::new(),
            exclude_block: None,
            check: Check::None,
            generic: false,
            line_local: false,
            no_placeholder_check: false,
        }
    }
}

/// An allow rule: a secret whose text matches `regex`, or a file whose path matches `path`, is
/// not reported. The two conditions are independent (either one allows), as in Trivy.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct AllowRule {
    /// Identifier, used by `disable-allow-rules`.
    pub id: String,
    /// Why this is allowed.
    #[serde(default)]
    pub description: String,
    /// Regex on the secret text.
    #[serde(default)]
    pub regex: Option<String>,
    /// Regex on the file path (leading `/` and `./` are removed first).
    #[serde(default)]
    pub path: Option<String>,
}

/// Content regions (e.g. a block of test fixtures) where matches are ignored.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct ExcludeBlock {
    /// Why these blocks are excluded.
    #[serde(default)]
    pub description: String,
    /// Each regex match in the content is an excluded region.
    #[serde(default)]
    pub regexes: Vec<String>,
}

fn string_or_seq<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
        None(()),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
        OneOrMany::None(()) => Vec::new(),
    })
}
