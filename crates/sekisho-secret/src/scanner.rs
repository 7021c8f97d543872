//! The scanning engine: cheap skips, keyword prefilter, regexes, verification, masking.

use crate::builtin::{builtin_allow_rules, builtin_rules};
use crate::config::{
    Config, Error, DEFAULT_MAX_FILE_SIZE, DEFAULT_SKIP_EXTENSIONS, DEFAULT_SNIFF_LEN,
};
use crate::example::is_example_credential;
use crate::mask::{mask_line, mask_secret};
use crate::rule::{AllowRule, Check, Rule, Severity};
use crate::util::{
    base64_decode, is_code_path, is_placeholder, looks_binary, normalize_path, shannon_entropy,
};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind, StartKind};
use std::sync::OnceLock;

use regex::bytes::{Captures, Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::ops::Range;

/// One secret found in a file or config entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretFinding {
    /// Rule ID, e.g. `aws-access-key-id`.
    pub rule_id: String,
    /// Rule category, e.g. `AWS`.
    pub category: String,
    /// Rule title; for an example credential it says so.
    pub title: String,
    /// Severity; LOW for example credentials.
    pub severity: Severity,
    /// Whether the secret is a documentation example credential (see [`crate::is_example_credential`]).
    pub example: bool,
    /// The path given to [`Scanner::scan`] (empty for [`Scanner::scan_kv`]).
    pub path: String,
    /// 1-based line of the first character of the secret.
    pub start_line: usize,
    /// 1-based line of the last character of the secret (differs for multi-line private keys).
    pub end_line: usize,
    /// 1-based column (in characters) of the first character of the secret on `start_line`.
    pub column: usize,
    /// Byte offset of the secret in the scanned content.
    pub start_offset: usize,
    /// Byte offset just past the secret.
    pub end_offset: usize,
    /// The secret, masked ([`crate::mask_secret`]).
    pub secret_masked: String,
    /// The line holding the start of the secret, with every secret on it masked (cut to a window
    /// around the secret when the line is long). This is Trivy's `Match`.
    pub line_masked: String,
    /// Length of the secret in bytes.
    pub secret_len: usize,
    /// SHA-256 (hex) of the secret: to deduplicate the same secret across layers and locations,
    /// and to compare with a ground truth without keeping the secret.
    pub secret_sha256: String,
}

/// Why content was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// Larger than the configured maximum size.
    TooLarge,
    /// The path has an extension of binary formats, or lies in `.git/objects`.
    BinaryPath,
    /// A global allow rule matched the path.
    AllowedPath,
    /// The first bytes look binary (NUL bytes, control characters, invalid UTF-8).
    Binary,
}

/// Result of [`Scanner::scan_outcome`]: findings, or why the content was skipped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanOutcome {
    /// The findings (empty when skipped).
    pub findings: Vec<SecretFinding>,
    /// Set when the content was not scanned.
    pub skipped: Option<SkipReason>,
    /// ID of the allow rule that matched the path, when `skipped` is `AllowedPath`.
    pub allow_rule: Option<String>,
}

struct CompiledAllow {
    id: String,
    regex: Option<Regex>,
    path: Option<regex::Regex>,
}

struct CompiledRule {
    rule: Rule,
    /// Compiled on first use for built-in rules (most never fire on a given image, and
    /// compiling all of them costs more than scanning a small image); custom rules are compiled
    /// (and validated) when the scanner is built.
    matcher: OnceLock<Matcher>,
    builtin: bool,
    paths: Vec<regex::Regex>,
    allow: Vec<CompiledAllow>,
    exclude: Vec<Regex>,
}

/// A rule's compiled regex and the capture groups that matter.
struct Matcher {
    regex: Regex,
    /// Capture indexes that may hold the secret, in order of preference.
    secret_groups: Vec<usize>,
    key_group: Option<usize>,
}

impl Matcher {
    fn compile(rule: &Rule, builtin: bool) -> Result<Matcher, Error> {
        let regex = compile_content_regex(&rule.regex, builtin).map_err(|m| Error::Regex {
            what: "rule",
            id: rule.id.clone(),
            message: m,
        })?;
        let mut secret_groups = Vec::new();
        if let Some(g) = &rule.secret_group_name {
            let prefix = format!("{g}_");
            for (i, name) in regex.capture_names().enumerate() {
                if let Some(n) = name {
                    if n == g || n.starts_with(&prefix) {
                        secret_groups.push(i);
                    }
                }
            }
            if secret_groups.is_empty() {
                return Err(Error::MissingGroup {
                    id: rule.id.clone(),
                    group: g.clone(),
                });
            }
        }
        let key_group = regex.capture_names().position(|n| n == Some("key"));
        Ok(Matcher {
            regex,
            secret_groups,
            key_group,
        })
    }

    /// A matcher that never matches (for a built-in rule whose regex failed to compile, which
    /// the rule tests rule out).
    fn never() -> Matcher {
        Matcher {
            regex: Regex::new(r"[^\x00-\x{10FFFF}]").unwrap_or_else(|_| unreachable!()),
            secret_groups: Vec::new(),
            key_group: None,
        }
    }
}

impl CompiledRule {
    fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| {
            Matcher::compile(&self.rule, self.builtin).unwrap_or_else(|_| Matcher::never())
        })
    }
}

/// The secret scanner. Build once (compiling every regex), then call [`Scanner::scan`] from
/// any number of threads (`Scanner` is `Send + Sync`).
pub struct Scanner {
    rules: Vec<CompiledRule>,
    prefilter: Option<AhoCorasick>,
    /// Prefilter pattern index -> rules using that keyword.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords: always run.
    always: Vec<usize>,
    allow: Vec<CompiledAllow>,
    exclude: Vec<Regex>,
    max_file_size: u64,
    sniff_len: usize,
    skip_extensions: Vec<String>,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("rules", &self.rules.len())
            .field("allow_rules", &self.allow.len())
            .field("max_file_size", &self.max_file_size)
            .finish()
    }
}

fn compile_content_regex(pattern: &str, builtin: bool) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .unicode(!builtin)
        .size_limit(32 * 1024 * 1024)
        .build()
        .map_err(|e| e.to_string())
}

fn compile_allow(a: &AllowRule) -> Result<CompiledAllow, Error> {
    let err = |m: String| Error::Regex {
        what: "allow rule",
        id: a.id.clone(),
        message: m,
    };
    Ok(CompiledAllow {
        id: a.id.clone(),
        regex: match &a.regex {
            Some(r) if !r.is_empty() => Some(compile_content_regex(r, false).map_err(err)?),
            _ => None,
        },
        path: match &a.path {
            Some(p) if !p.is_empty() => Some(regex::Regex::new(p).map_err(|e| err(e.to_string()))?),
            _ => None,
        },
    })
}

fn compile_exclude(
    id: &str,
    block: &Option<crate::rule::ExcludeBlock>,
) -> Result<Vec<Regex>, Error> {
    let mut out = Vec::new();
    if let Some(b) = block {
        for r in &b.regexes {
            out.push(compile_content_regex(r, false).map_err(|m| Error::Regex {
                what: "exclude block",
                id: id.to_string(),
                message: m,
            })?);
        }
    }
    Ok(out)
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::builtin()
    }
}

impl Scanner {
    /// A scanner with the built-in rules and allow rules and default limits.
    pub fn builtin() -> Scanner {
        Scanner::new(Config::default()).expect("built-in rules compile")
    }

    /// Build a scanner from a configuration: built-in rules (filtered by `enable-builtin-rules`
    /// and `disable-rules`), custom rules, allow rules and limits. Fails on an invalid regex.
    pub fn new(config: Config) -> Result<Scanner, Error> {
        let mut selected: Vec<(Rule, bool)> = builtin_rules()
            .into_iter()
            .filter(|r| {
                config.enable_builtin_rules.is_empty()
                    || config.enable_builtin_rules.iter().any(|id| id == &r.id)
            })
            .map(|r| (r, true))
            .collect();
        for custom in &config.rules {
            selected.retain(|(r, _)| r.id != custom.id);
            let mut c = custom.clone();
            // Custom rules always see the whole file and get no built-in verification.
            c.check = Check::None;
            c.line_local = false;
            selected.push((c, false));
        }
        selected.retain(|(r, _)| !config.disable_rules.iter().any(|d| d == &r.id));

        let mut rules = Vec::with_capacity(selected.len());
        for (rule, builtin) in selected {
            let matcher = OnceLock::new();
            if !builtin {
                let _ = matcher.set(Matcher::compile(&rule, false)?);
            }
            let mut paths = Vec::new();
            for p in &rule.path {
                paths.push(regex::Regex::new(p).map_err(|e| Error::Regex {
                    what: "rule",
                    id: rule.id.clone(),
                    message: format!("path: {e}"),
                })?);
            }
            let allow = rule
                .allow_rules
                .iter()
                .map(compile_allow)
                .collect::<Result<Vec<_>, _>>()?;
            let exclude = compile_exclude(&rule.id, &rule.exclude_block)?;
            rules.push(CompiledRule {
                rule,
                matcher,
                builtin,
                paths,
                allow,
                exclude,
            });
        }

        // Keyword prefilter.
        let mut keyword_index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (ri, r) in rules.iter().enumerate() {
            let kws: Vec<String> = r
                .rule
                .keywords
                .iter()
                .filter(|k| !k.is_empty())
                .map(|k| k.to_ascii_lowercase())
                .collect();
            if kws.is_empty() {
                always.push(ri);
                continue;
            }
            for k in kws {
                let idx = *keyword_index.entry(k.clone()).or_insert_with(|| {
                    patterns.push(k);
                    keyword_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if !keyword_rules[idx].contains(&ri) {
                    keyword_rules[idx].push(ri);
                }
            }
        }
        let prefilter = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::DFA))
                    .start_kind(StartKind::Unanchored)
                    .build(&patterns)
                    .map_err(|e| Error::Prefilter(e.to_string()))?,
            )
        };

        let mut allow_rules: Vec<AllowRule> = builtin_allow_rules();
        allow_rules.extend(config.allow_rules.iter().cloned());
        allow_rules.retain(|a| !config.disable_allow_rules.iter().any(|d| d == &a.id));
        let allow = allow_rules
            .iter()
            .map(compile_allow)
            .collect::<Result<Vec<_>, _>>()?;
        let exclude = compile_exclude("global", &config.exclude_block)?;

        Ok(Scanner {
            rules,
            prefilter,
            keyword_rules,
            always,
            allow,
            exclude,
            max_file_size: config.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            sniff_len: config.binary_sniff_len.unwrap_or(DEFAULT_SNIFF_LEN),
            skip_extensions: config
                .skip_extensions
                .unwrap_or_else(|| {
                    DEFAULT_SKIP_EXTENSIONS
                        .iter()
                        .map(|s| s.to_string())
                        .collect()
                })
                .into_iter()
                .map(|s| s.trim_start_matches('.').to_ascii_lowercase())
                .collect(),
        })
    }

    /// The active rules (built-in and custom, after enable/disable), in evaluation order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|r| &r.rule)
    }

    /// Size above which files are skipped.
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// The cheap path checks alone: `Some(reason)` when a file at `path` of `size` bytes would be
    /// skipped without reading it (size, binary extension, `.git/objects`, allow rules).
    /// Lets a caller avoid decompressing or reading content that would not be scanned.
    pub fn skip_reason(&self, path: &str, size: u64) -> Option<(SkipReason, Option<String>)> {
        if size > self.max_file_size {
            return Some((SkipReason::TooLarge, None));
        }
        let norm = normalize_path(path);
        if norm.contains(".git/objects/") {
            return Some((SkipReason::BinaryPath, None));
        }
        let file = norm.rsplit('/').next().unwrap_or(norm);
        if let Some((stem, ext)) = file.rsplit_once('.') {
            if !stem.is_empty() {
                let ext = ext.to_ascii_lowercase();
                if self.skip_extensions.contains(&ext) {
                    return Some((SkipReason::BinaryPath, None));
                }
            }
        }
        for a in &self.allow {
            if let Some(p) = &a.path {
                if p.is_match(norm) {
                    return Some((SkipReason::AllowedPath, Some(a.id.clone())));
                }
            }
        }
        None
    }

    /// Scan one file's content. `path` is used for path rules, allow rules and the findings
    /// (`/usr/share/x` and `usr/share/x` are treated alike). Returns nothing for skipped content.
    pub fn scan(&self, path: &str, content: &[u8]) -> Vec<SecretFinding> {
        self.scan_outcome(path, content).findings
    }

    /// Like [`Scanner::scan`], also telling whether and why the content was skipped.
    pub fn scan_outcome(&self, path: &str, content: &[u8]) -> ScanOutcome {
        if let Some((reason, allow_rule)) = self.skip_reason(path, content.len() as u64) {
            return ScanOutcome {
                findings: Vec::new(),
                skipped: Some(reason),
                allow_rule,
            };
        }
        if looks_binary(content, self.sniff_len) {
            return ScanOutcome {
                findings: Vec::new(),
                skipped: Some(SkipReason::Binary),
                allow_rule: None,
            };
        }
        ScanOutcome {
            findings: self.find(Some(path), content),
            skipped: None,
            allow_rule: None,
        }
    }

    /// Scan a key/value pair from an image config (an `Env` entry, a label): the text
    /// `key=value` is scanned, so both value formats (`glpat-...`) and key-based rules
    /// (`AWS_SECRET_ACCESS_KEY=...`, `PASSWORD=...`) apply. Path-scoped rules and path allow
    /// rules do not apply; offsets and columns refer to the `key=value` text; `path` is empty
    /// (the caller knows where the entry came from).
    pub fn scan_kv(&self, key: &str, value: &str) -> Vec<SecretFinding> {
        let text = format!("{key}={value}");
        self.find(None, text.as_bytes())
    }

    /// Scan text that has no file path (e.g. a history `created_by` command). No size or binary
    /// checks, no path rules; `path` of the findings is empty.
    pub fn scan_text(&self, text: &str) -> Vec<SecretFinding> {
        self.find(None, text.as_bytes())
    }

    /// `text` with every secret this scanner finds in it masked as findings show them
    /// ([`crate::mask_secret`]): for any text a report quotes (a history command, an ENV line),
    /// so no output carries a secret in clear.
    pub fn mask_text(&self, text: &str) -> String {
        let mut spans: Vec<(usize, usize)> = self
            .scan_text(text)
            .iter()
            .map(|f| (f.start_offset, f.end_offset))
            .filter(|&(a, b)| {
                a < b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b)
            })
            .collect();
        if spans.is_empty() {
            return text.to_string();
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (a, b) in spans {
            let a = a.max(at);
            if a >= b {
                continue; // overlapping matches: already masked
            }
            out.push_str(&text[at..a]);
            out.push_str(&crate::mask_secret(&text[a..b]));
            at = b;
        }
        out.push_str(&text[at..]);
        out
    }

    fn find(&self, path: Option<&str>, content: &[u8]) -> Vec<SecretFinding> {
        let norm_path = path.map(normalize_path);
        // 1. Keyword prefilter: which rules run, and on which lines.
        let n_rules = self.rules.len();
        let mut triggered = vec![false; n_rules];
        let mut windows: Vec<Vec<Range<usize>>> = vec![Vec::new(); n_rules];
        for &ri in &self.always {
            triggered[ri] = true;
        }
        if let Some(ac) = &self.prefilter {
            for m in ac.find_overlapping_iter(content) {
                for &ri in &self.keyword_rules[m.pattern().as_usize()] {
                    triggered[ri] = true;
                    if self.rules[ri].rule.line_local {
                        let w = &mut windows[ri];
                        if w.last().is_some_and(|last| m.start() < last.end) {
                            continue;
                        }
                        let start =
                            memchr::memrchr(b'\n', &content[..m.start()]).map_or(0, |i| i + 1);
                        let end = memchr::memchr(b'\n', &content[m.end()..])
                            .map_or(content.len(), |i| m.end() + i);
                        w.push(start..end);
                    }
                }
            }
        }

        // 2. Regexes of the triggered rules, and verification of each match.
        let mut raw: Vec<Raw> = Vec::new();
        let mut global_excluded: Option<Vec<Range<usize>>> = None;
        let full = 0..content.len();
        for (ri, cr) in self.rules.iter().enumerate() {
            if !triggered[ri] {
                continue;
            }
            if !cr.paths.is_empty()
                && !norm_path.is_some_and(|p| cr.paths.iter().any(|r| r.is_match(p)))
            {
                continue;
            }
            if let Some(p) = norm_path {
                if cr
                    .allow
                    .iter()
                    .any(|a| a.path.as_ref().is_some_and(|r| r.is_match(p)))
                {
                    continue;
                }
            }
            let whole = std::slice::from_ref(&full);
            let wins: &[Range<usize>] = if cr.rule.line_local {
                &windows[ri]
            } else {
                whole
            };
            let mut found: Vec<(usize, usize)> = Vec::new();
            for w in wins {
                let hay = &content[w.clone()];
                if cr.rule.check == Check::PrivateKey {
                    find_private_keys(&cr.matcher().regex, hay, &mut |s, e| {
                        found.push((w.start + s, w.start + e))
                    });
                    continue;
                }
                for caps in cr.matcher().regex.captures_iter(hay) {
                    let Some((s, e)) = secret_span(cr, &caps) else {
                        continue;
                    };
                    if self.accept(cr, &caps, &hay[s..e], norm_path) {
                        found.push((w.start + s, w.start + e));
                    }
                }
            }
            let mut rule_excluded: Option<Vec<Range<usize>>> = None;
            for (s, e) in found {
                let secret = &content[s..e];
                // Private keys are verified in find_private_keys; only allow rules remain.
                if cr.rule.check == Check::PrivateKey && self.allowed_by_match(cr, secret) {
                    continue;
                }
                if !cr.exclude.is_empty()
                    && rule_excluded
                        .get_or_insert_with(|| block_ranges(&cr.exclude, content))
                        .iter()
                        .any(|b| b.start <= s && e <= b.end)
                {
                    continue;
                }
                if !self.exclude.is_empty() {
                    let blocks =
                        global_excluded.get_or_insert_with(|| block_ranges(&self.exclude, content));
                    if blocks.iter().any(|b| b.start <= s && e <= b.end) {
                        continue;
                    }
                }
                raw.push(Raw {
                    rule: ri,
                    start: s,
                    end: e,
                });
            }
        }
        if raw.is_empty() {
            return Vec::new();
        }

        // 3. One secret, one finding: a generic rule yields to a specific rule whose span
        // overlaps; identical spans keep the first rule.
        raw.sort_by_key(|r| (r.start, r.end, r.rule));
        raw.dedup_by(|b, a| a.start == b.start && a.end == b.end);
        // Specific spans are sorted by start; with the running maximum of their ends, "some
        // specific span overlaps [s, e)" is one binary search.
        let specific: Vec<(usize, usize)> = raw
            .iter()
            .filter(|r| !self.rules[r.rule].rule.generic)
            .map(|r| (r.start, r.end))
            .collect();
        let mut max_end = Vec::with_capacity(specific.len());
        let mut m = 0;
        for &(_, e) in &specific {
            m = m.max(e);
            max_end.push(m);
        }
        let overlaps_specific = |s: usize, e: usize| {
            let n = specific.partition_point(|&(st, _)| st < e);
            n > 0 && max_end[n - 1] > s
        };
        // Generic findings overlapping a specific one, or an earlier generic one (two keys on
        // one value), are dropped.
        let mut kept: Vec<Raw> = Vec::with_capacity(raw.len());
        let mut generic_end = 0usize;
        for r in raw {
            if self.rules[r.rule].rule.generic {
                if overlaps_specific(r.start, r.end) || r.start < generic_end {
                    continue;
                }
                generic_end = generic_end.max(r.end);
            }
            kept.push(r);
        }

        self.build_findings(path.unwrap_or(""), content, kept)
    }

    fn allowed_by_match(&self, cr: &CompiledRule, secret: &[u8]) -> bool {
        cr.allow
            .iter()
            .any(|a| a.regex.as_ref().is_some_and(|r| r.is_match(secret)))
            || self
                .allow
                .iter()
                .any(|a| a.regex.as_ref().is_some_and(|r| r.is_match(secret)))
    }

    /// Entropy, placeholder, rule-specific checks and allow rules for one regex match.
    fn accept(
        &self,
        cr: &CompiledRule,
        caps: &Captures<'_>,
        secret: &[u8],
        path: Option<&str>,
    ) -> bool {
        if secret.is_empty() {
            return false;
        }
        if let Some(min) = cr.rule.entropy {
            if shannon_entropy(secret) < min {
                return false;
            }
        }
        if !cr.rule.no_placeholder_check && is_placeholder(secret) {
            return false;
        }
        let matcher = cr.matcher();
        let key = matcher
            .key_group
            .and_then(|i| caps.get(i))
            .map(|m| m.as_bytes());
        let bare = caps
            .iter()
            .zip(matcher.regex.capture_names())
            .any(|(m, n)| m.is_some() && n.is_some_and(|n| n.ends_with("_bare")));
        let ok = match cr.rule.check {
            Check::None | Check::PrivateKey => true,
            Check::Jwt => verify_jwt(secret),
            Check::Base64PrivateKey => verify_base64_private_key(secret),
            Check::DockerAuth => verify_docker_auth(secret),
            Check::GenericPassword => verify_password(key, secret, bare, path),
            Check::GenericSecret => verify_generic_secret(key, secret, bare, path),
            Check::UrlPassword => verify_url_password(secret),
        };
        ok && !self.allowed_by_match(cr, secret)
    }

    fn build_findings(&self, path: &str, content: &[u8], raw: Vec<Raw>) -> Vec<SecretFinding> {
        // Line starts, computed once for all findings of this content.
        let mut line_starts = vec![0usize];
        line_starts.extend(memchr::memchr_iter(b'\n', content).map(|i| i + 1));
        let line_of = |off: usize| -> usize {
            // Index of the last line start <= off (0-based line).
            line_starts.partition_point(|&s| s <= off) - 1
        };
        let spans: Vec<(usize, usize)> = raw.iter().map(|r| (r.start, r.end)).collect();
        let columns = columns(content, &line_starts, &raw);
        let mut out = Vec::with_capacity(raw.len());
        for (r, column) in raw.iter().zip(columns) {
            let cr = &self.rules[r.rule];
            let secret_bytes = &content[r.start..r.end];
            let secret = String::from_utf8_lossy(secret_bytes);
            let example = is_example_credential(&secret);
            let l0 = line_of(r.start);
            let l1 = line_of(r.end.saturating_sub(1).max(r.start));
            let ls = line_starts[l0];
            let le = memchr::memchr(b'\n', &content[ls..]).map_or(content.len(), |i| ls + i);
            // The shown line is a window around the secret (see `mask_line`); on a long line
            // (minified code) only a slice wide enough for that window is masked, so the work
            // per finding does not grow with the line.
            let (ls, le) = window(content, ls, le, r.start, r.end);
            let line = &content[ls..le];
            let masked = mask_secret(&secret);
            let first_masked_line = masked.lines().next().unwrap_or("").to_string();
            let own = (r.start - ls, r.end.min(le) - ls);
            // Spans are sorted by start: those starting on this line, plus a few before it that
            // may reach into it (multi-line secrets).
            let hi = spans.partition_point(|&(s, _)| s < le);
            let lo = spans.partition_point(|&(s, _)| s < ls).saturating_sub(8);
            let line_spans: Vec<(usize, usize)> = spans[lo..hi]
                .iter()
                .filter(|&&(s, e)| s < le && e > ls)
                .map(|&(s, e)| (s.max(ls) - ls, e.min(le) - ls))
                .collect();
            let line_masked = mask_line(line, &line_spans, own, &first_masked_line);
            let (severity, title) = if example {
                (
                    Severity::Low,
                    format!("{} (documentation example credential)", cr.rule.title),
                )
            } else {
                (cr.rule.severity, cr.rule.title.clone())
            };
            out.push(SecretFinding {
                rule_id: cr.rule.id.clone(),
                category: cr.rule.category.clone(),
                title,
                severity,
                example,
                path: path.to_string(),
                start_line: l0 + 1,
                end_line: l1 + 1,
                column,
                start_offset: r.start,
                end_offset: r.end,
                secret_masked: masked,
                line_masked,
                secret_len: secret_bytes.len(),
                secret_sha256: hex::encode(Sha256::digest(secret_bytes)),
            });
        }
        out
    }
}

#[derive(Debug, Clone, Copy)]
struct Raw {
    rule: usize,
    start: usize,
    end: usize,
}

/// The secret's byte span within the haystack: the first participating secret group, or the
/// whole match; surrounding ASCII whitespace trimmed.
fn secret_span(cr: &CompiledRule, caps: &Captures<'_>) -> Option<(usize, usize)> {
    let groups = &cr.matcher().secret_groups;
    let m = if groups.is_empty() {
        caps.get(0)
    } else {
        groups.iter().find_map(|&i| caps.get(i))
    }?;
    let bytes = m.as_bytes();
    let lead = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let trail = bytes[lead..]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    let (s, e) = (m.start() + lead, m.end() - trail);
    (s < e).then_some((s, e))
}

fn block_ranges(regexes: &[Regex], content: &[u8]) -> Vec<Range<usize>> {
    regexes
        .iter()
        .flat_map(|r| r.find_iter(content).map(|m| m.range()))
        .collect()
}

/// Find armored private key blocks: a header matched by `header`, then the matching
/// `-----END ...-----` footer within 64 KiB, with a base64 body of at least 64 characters in
/// between (armor headers such as `Proc-Type:` and JSON-escaped `\n` allowed).
fn find_private_keys(header: &Regex, hay: &[u8], emit: &mut dyn FnMut(usize, usize)) {
    const MAX_BLOCK: usize = 64 * 1024;
    let mut pos = 0;
    while pos < hay.len() {
        let Some(h) = header.find_at(hay, pos) else {
            break;
        };
        let body_start = h.end();
        let limit = (body_start + MAX_BLOCK).min(hay.len());
        let Some(rel) = memchr::memmem::find(&hay[body_start..limit], b"-----END") else {
            pos = h.end();
            continue;
        };
        let footer_start = body_start + rel;
        // Footer ends at the next "-----" after "-----END".
        let after = footer_start + 8;
        let Some(close_rel) =
            memchr::memmem::find(&hay[after..(after + 80).min(hay.len())], b"-----")
        else {
            pos = h.end();
            continue;
        };
        let footer_end = after + close_rel + 5;
        let footer_label = &hay[after..after + close_rel];
        if !footer_label.ends_with(b"PRIVATE KEY") && !footer_label.ends_with(b"PRIVATE KEY BLOCK")
        {
            pos = h.end();
            continue;
        }
        if private_key_body_ok(&hay[body_start..footer_start]) {
            emit(h.start(), footer_end);
            pos = footer_end;
        } else {
            pos = h.end();
        }
    }
}

fn private_key_body_ok(body: &[u8]) -> bool {
    let mut b64 = 0usize;
    // Lines separated by real newlines or by JSON/YAML-escaped "\n".
    let text = String::from_utf8_lossy(body)
        .replace("\\r", "")
        .replace("\\n", "\n");
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.contains(':') {
            // Armor header (Proc-Type, DEK-Info, Version, Comment).
            continue;
        }
        if line.starts_with('=') && line.len() <= 5 {
            // PGP checksum.
            continue;
        }
        if !line
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
        {
            return false;
        }
        b64 += line.len();
    }
    // Real key material uses most of the base64 alphabet; filler like XXXX... does not.
    let mut seen = [false; 256];
    for b in text.bytes() {
        seen[b as usize] = true;
    }
    let distinct = seen.iter().filter(|&&x| x).count();
    b64 >= 64 && distinct >= 20
}

fn verify_base64_private_key(secret: &[u8]) -> bool {
    let Some(dec) = base64_decode(secret) else {
        return false;
    };
    static HEADER: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let header = HEADER.get_or_init(|| {
        Regex::new(r"-----BEGIN[ A-Z0-9_\-]{0,40}PRIVATE KEY(?: BLOCK)?-----")
            .expect("static regex")
    });
    let mut found = false;
    find_private_keys(header, &dec, &mut |_, _| found = true);
    found
}

fn verify_jwt(secret: &[u8]) -> bool {
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(h), Some(p)) = (parts.next(), parts.next()) else {
        return false;
    };
    let (Some(h), Some(p)) = (base64_decode(h), base64_decode(p)) else {
        return false;
    };
    let h = String::from_utf8_lossy(&h);
    h.trim_start().starts_with('{') && h.contains("\"alg\"") && p.first() == Some(&b'{')
}

fn verify_docker_auth(secret: &[u8]) -> bool {
    let Some(dec) = base64_decode(secret) else {
        return false;
    };
    let Ok(s) = std::str::from_utf8(&dec) else {
        return false;
    };
    match s.split_once(':') {
        Some((user, pass)) => {
            !user.is_empty() && !pass.is_empty() && !is_placeholder(pass.as_bytes())
        }
        None => false,
    }
}

/// Values that are words of a config schema or of prose, not secrets.
const STOP_WORDS: &[&str] = &[
    "null",
    "none",
    "nil",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "undefined",
    "empty",
    "string",
    "str",
    "bool",
    "boolean",
    "int",
    "integer",
    "number",
    "required",
    "optional",
    "secret",
    "secrets",
    "token",
    "tokens",
    "hidden",
    "default",
    "value",
    "unset",
    "disabled",
    "enabled",
    "prompt",
    "ask",
    "n/a",
    "na",
    "changeit_",
    "test",
    "testing",
    "foobar",
    "pass",
    "pwd",
    "secret_key",
    "api_key",
    "apikey",
    "mask",
    "masked",
    "omitted",
    "notset",
    "not_set",
];

fn is_stop_word(v: &[u8]) -> bool {
    let l = String::from_utf8_lossy(v).to_ascii_lowercase();
    STOP_WORDS.contains(&l.as_str())
}

/// `1.2.3`, `v2.0`, `1.302103`: a version number.
fn is_version(v: &[u8]) -> bool {
    let v = v.strip_prefix(b"v").unwrap_or(v);
    v.contains(&b'.')
        && v.first().is_some_and(|b| b.is_ascii_digit())
        && v.iter().all(|b| b.is_ascii_digit() || *b == b'.')
}

/// `a.b.c` with identifier segments: a member access in code, not a literal.
fn is_dotted_identifier(v: &[u8]) -> bool {
    let s = String::from_utf8_lossy(v);
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            let mut c = p.chars();
            matches!(c.next(), Some(ch) if ch.is_ascii_alphabetic() || ch == '_')
                && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        })
}

fn looks_like_path_or_url(v: &[u8]) -> bool {
    v.starts_with(b"/")
        || v.starts_with(b"./")
        || v.starts_with(b"../")
        || v.starts_with(b"~/")
        || v.windows(3).any(|w| w == b"://")
}

fn verify_password(key: Option<&[u8]>, v: &[u8], bare: bool, path: Option<&str>) -> bool {
    if v.len() < 6 || v.len() > 200 || v.iter().any(|b| b.is_ascii_whitespace()) || is_stop_word(v)
    {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if lower.windows(6).any(|w| w == b"passwd") || lower.windows(8).any(|w| w == b"password") {
        return false;
    }
    if looks_like_path_or_url(v) {
        return false;
    }
    // Version numbers ('Test2::Event::Pass' => '1.302103') and anonymous-FTP conventions.
    if is_version(v) || lower.windows(9).any(|w| w == b"anonymous") {
        return false;
    }
    // Lower-case words joined by '-' or '_' ("no-debconf-config", "define"): identifiers and
    // settings, not passwords.
    if v.iter()
        .all(|b| b.is_ascii_lowercase() || *b == b'-' || *b == b'_')
    {
        return false;
    }
    if let Some(k) = key {
        let k = k.to_ascii_lowercase();
        if k == b"pwd" || k == b"oldpwd" {
            return false;
        }
        // "bypass", "compass": the keyword glued to a longer word.
        for suffix in [&b"pass"[..], &b"pwd"[..]] {
            if k.ends_with(suffix) && k.len() > suffix.len() {
                let before = k[k.len() - suffix.len() - 1];
                if before.is_ascii_alphabetic() {
                    return false;
                }
            }
        }
    }
    if bare && (path.is_some_and(is_code_path) || is_dotted_identifier(v)) {
        return false;
    }
    true
}

fn verify_generic_secret(key: Option<&[u8]>, v: &[u8], bare: bool, path: Option<&str>) -> bool {
    if key.is_some() && !(16..=256).contains(&v.len()) {
        return false;
    }
    if !v.iter().any(|b| b.is_ascii_digit()) || !v.iter().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    if key.is_none() {
        return true;
    }
    if v.iter().any(|b| b.is_ascii_whitespace()) || is_stop_word(v) || looks_like_path_or_url(v) {
        return false;
    }
    if is_dotted_identifier(v) {
        return false;
    }
    if bare && path.is_some_and(is_code_path) {
        return false;
    }
    true
}

fn verify_url_password(v: &[u8]) -> bool {
    if is_stop_word(v) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_slice(),
        b"password" | b"passwd" | b"pass" | b"pw" | b"secret" | b"pwd" | b"x" | b"xx" | b"xxx"
    ) {
        return false;
    }
    !is_placeholder(v)
}

/// Bytes of context kept on each side of a secret before masking a line: enough for the
/// 100-character window `mask_line` shows (4 bytes per character at most), with margin.
const LINE_WINDOW_BYTES: usize = 1040;

/// The part of the line `[ls, le)` to mask for the secret `[start, end)`: the whole line when it
/// is short, else `LINE_WINDOW_BYTES` on each side of the secret, on character boundaries.
fn window(content: &[u8], ls: usize, le: usize, start: usize, end: usize) -> (usize, usize) {
    if le - ls <= 2 * LINE_WINDOW_BYTES + (end - start) {
        return (ls, le);
    }
    let is_continuation = |i: usize| i < content.len() && content[i] & 0xC0 == 0x80;
    let mut ws = start.saturating_sub(LINE_WINDOW_BYTES).max(ls);
    while ws > ls && is_continuation(ws) {
        ws -= 1;
    }
    let mut we = (end + LINE_WINDOW_BYTES).min(le);
    while we < le && is_continuation(we) {
        we += 1;
    }
    (ws, we)
}

/// The 1-based column (in characters) of each secret on its line, counting every line once
/// however many secrets it holds (findings in offset order share a running count).
fn columns(content: &[u8], line_starts: &[usize], raw: &[Raw]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by_key(|&i| raw[i].start);
    let mut columns = vec![1; raw.len()];
    // (line start, byte position, characters from the line start to it)
    let mut cursor = (usize::MAX, 0usize, 0usize);
    for i in order {
        let start = raw[i].start;
        let ls = line_starts[line_starts.partition_point(|&s| s <= start) - 1];
        if cursor.0 != ls || cursor.1 > start {
            cursor = (ls, ls, 0);
        }
        cursor.2 += String::from_utf8_lossy(&content[cursor.1..start])
            .chars()
            .count();
        cursor.1 = start;
        columns[i] = cursor.2 + 1;
    }
    columns
}

#[cfg(test)]
mod lazy_tests {
    use super::*;

    /// Built-in regexes compile on first use, so check here that every one of them compiles
    /// with its capture groups (a failure would otherwise silently disable the rule).
    #[test]
    fn every_builtin_rule_compiles() {
        for rule in builtin_rules() {
            if let Err(e) = Matcher::compile(&rule, true) {
                panic!("{}: {e}", rule.id);
            }
        }
    }
}
