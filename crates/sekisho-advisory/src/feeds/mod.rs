//! Feed parsers, one module per feed format. Each file of a source is recognised by its name
//! and layout, then parsed; a problem with one record is a warning, never a failure.

use crate::record::Advisory;
use crate::Warning;

pub mod csaf;
pub mod debian_tracker;
pub mod friendsofphp;
pub mod nodejs;
pub mod osv;
pub mod redhat_repos;
pub mod rubysec;
pub mod rustsec;
pub mod secdb;
pub(crate) mod semver_req;

/// A feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// OSV JSON or YAML (GHSA, PyPA, Go vulndb, Debian, Ubuntu, OSV.dev dumps).
    Osv,
    /// Alpine or Wolfi secdb (YAML or JSON).
    Secdb,
    /// RustSec Markdown with TOML front matter.
    RustSec,
    /// Node.js security-wg JSON.
    NodeSecurityWg,
    /// rubysec ruby-advisory-db YAML.
    RubySec,
    /// FriendsOfPHP security-advisories YAML.
    FriendsOfPhp,
    /// Debian security-tracker JSON.
    DebianTracker,
    /// Red Hat CSAF 2.0 (advisories and VEX).
    Csaf,
    /// Red Hat Security Data API CVE documents.
    RedHatApi,
    /// Red Hat's repository (content set) to CPE map, `repository-to-cpe.json`.
    RedHatRepositories,
}

impl Format {
    /// The name stored in the `sources` table.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Osv => "osv",
            Format::Secdb => "secdb",
            Format::RustSec => "rustsec",
            Format::NodeSecurityWg => "nodejs-security-wg",
            Format::RubySec => "rubysec",
            Format::FriendsOfPhp => "friendsofphp",
            Format::DebianTracker => "debian-tracker",
            Format::Csaf => "csaf",
            Format::RedHatApi => "redhat-security-api",
            Format::RedHatRepositories => "redhat-repository-to-cpe",
        }
    }

    /// Whether records of this format are fragments of one advisory spread over files or
    /// packages (secdb: one CVE per package and release), merged by id within a source.
    pub fn merges(self) -> bool {
        matches!(self, Format::Secdb | Format::DebianTracker)
    }
}

/// What happened to one file.
pub enum Outcome {
    /// Not a data file (README, licence, script).
    Ignored,
    /// A data file (JSON, YAML) of no known layout.
    Unrecognised,
    /// Recognised and parsed (possibly with warnings, possibly with no records).
    Parsed(Format, Vec<Advisory>),
    /// Red Hat's repository to CPE map ([`Format::RedHatRepositories`]): no advisories, data
    /// the matcher scopes Red Hat's records with.
    Repositories(redhat_repos::RepositoryCpes),
}

/// Per-file parsing context: where warnings go, which source and file they name.
pub struct Ctx<'a> {
    /// The source's name (severity ratings by the feed name it).
    pub source: &'a str,
    /// The file's path inside the source.
    pub file: &'a str,
    /// Collected warnings.
    pub warnings: &'a mut Vec<Warning>,
}

impl Ctx<'_> {
    /// Records a warning about `record` (empty: the whole file).
    pub fn warn(&mut self, record: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            source: self.source.to_owned(),
            file: self.file.to_owned(),
            record: record.to_owned(),
            message: message.into(),
        });
    }
}

/// Recognises and parses one file.
pub fn parse_file(ctx: &mut Ctx<'_>, bytes: &[u8]) -> Outcome {
    let path = ctx.file;
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "md" => {
            let text = String::from_utf8_lossy(bytes);
            if text.trim_start().starts_with("```toml") {
                Outcome::Parsed(Format::RustSec, rustsec::parse(ctx, &text))
            } else {
                Outcome::Ignored
            }
        }
        "json" => {
            let value: serde_json::Value = match serde_json::from_slice(bytes) {
                Ok(v) => v,
                Err(e) => {
                    ctx.warn("", format!("not valid JSON: {e}"));
                    return Outcome::Unrecognised;
                }
            };
            if is_security_wg_index(&value) {
                return Outcome::Ignored;
            }
            if redhat_repos::is_map_file(path) {
                return match redhat_repos::parse(ctx, &value) {
                    Some(map) => Outcome::Repositories(map),
                    None => Outcome::Unrecognised,
                };
            }
            match detect_json(&value) {
                Some(format) => Outcome::Parsed(format, parse_json(ctx, format, value)),
                None => Outcome::Unrecognised,
            }
        }
        "yaml" | "yml" => {
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    ctx.warn("", format!("not UTF-8: {e}"));
                    return Outcome::Unrecognised;
                }
            };
            let Some(format) = detect_yaml(text) else {
                return Outcome::Unrecognised;
            };
            let records = match format {
                Format::Osv => osv::parse_yaml(ctx, text),
                Format::RubySec => rubysec::parse(ctx, text),
                Format::FriendsOfPhp => friendsofphp::parse(ctx, text),
                Format::Secdb => secdb::parse_yaml(ctx, text),
                _ => Vec::new(),
            };
            Outcome::Parsed(format, records)
        }
        _ => Outcome::Ignored,
    }
}

fn detect_json(v: &serde_json::Value) -> Option<Format> {
    let obj = v.as_object()?;
    if obj
        .get("document")
        .and_then(|d| d.get("category"))
        .and_then(|c| c.as_str())
        .is_some_and(|c| c.starts_with("csaf"))
    {
        return Some(Format::Csaf);
    }
    if csaf::is_security_api(v) {
        return Some(Format::RedHatApi);
    }
    if obj.contains_key("module_name") && obj.contains_key("vulnerable_versions") {
        return Some(Format::NodeSecurityWg);
    }
    if obj.contains_key("secfixes") || obj.get("packages").is_some_and(|p| p.is_array()) {
        return Some(Format::Secdb);
    }
    if obj.get("id").is_some_and(|i| i.is_string())
        && (obj.contains_key("affected")
            || obj.contains_key("modified")
            || obj.contains_key("schema_version"))
    {
        return Some(Format::Osv);
    }
    // The tracker: {"<srcpkg>": {"CVE-…": {…}}}.
    let first = obj
        .values()
        .find_map(|p| p.as_object().filter(|m| !m.is_empty()))?;
    if first
        .keys()
        .all(|k| k.starts_with("CVE-") || k.starts_with("TEMP-"))
        && first.values().all(|c| c.is_object())
    {
        return Some(Format::DebianTracker);
    }
    None
}

/// security-wg's `vuln/npm/index.json`: every record again, keyed by number.
fn is_security_wg_index(v: &serde_json::Value) -> bool {
    v.as_object().is_some_and(|o| {
        !o.is_empty()
            && o.values()
                .all(|r| r.get("module_name").is_some() && r.get("vulnerable_versions").is_some())
    })
}

fn detect_yaml(text: &str) -> Option<Format> {
    let has = |key: &str| text.lines().any(|l| l.starts_with(key));
    if has("gem:") {
        Some(Format::RubySec)
    } else if has("branches:") && (has("reference:") || has("title:")) {
        Some(Format::FriendsOfPhp)
    } else if has("packages:") {
        Some(Format::Secdb)
    } else if has("id:") && (has("affected:") || has("modified:")) {
        Some(Format::Osv)
    } else {
        None
    }
}

fn parse_json(ctx: &mut Ctx<'_>, format: Format, value: serde_json::Value) -> Vec<Advisory> {
    match format {
        Format::Osv => osv::parse_json(ctx, value),
        Format::Csaf => csaf::parse(ctx, &value),
        Format::RedHatApi => csaf::parse_security_api(ctx, &value),
        Format::NodeSecurityWg => nodejs::parse(ctx, value),
        Format::Secdb => secdb::parse_json(ctx, value),
        Format::DebianTracker => debian_tracker::parse(ctx, &value),
        _ => Vec::new(),
    }
}

/// Deserialises a field that may be `null` as its default.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// The last path component without its extension.
pub(crate) fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// Pushes `id` into `aliases` unless it is `own` or already there.
pub(crate) fn push_alias(aliases: &mut Vec<String>, own: &str, id: &str) {
    let id = id.trim();
    if !id.is_empty() && id != own && !aliases.iter().any(|a| a == id) {
        aliases.push(id.to_owned());
    }
}
