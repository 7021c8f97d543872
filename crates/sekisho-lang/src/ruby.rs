//! Ruby: installed gemspecs and `Gemfile.lock`.
//!
//! An installed gemspec (`specifications/*.gemspec`) is Ruby source that RubyGems writes from
//! the gem's metadata: `Gem::Specification.new do |s|` followed by one `s.field = value` line
//! per field. It is read by scanning those assignments, never by evaluating anything.
//!
//! A `Gemfile.lock` is Bundler's line format: source sections (`GEM`, `GIT`, `PATH`,
//! `PLUGIN SOURCE`) each with a `specs:` list of `    name (version)` lines (4 spaces) and
//! their `      dependency (constraint)` lines (6 spaces), then `DEPENDENCIES` (2 spaces), the
//! gems the Gemfile names.

use std::collections::{HashMap, HashSet};

use sekisho_model::PackageKind;

use crate::{LangError, LangPackage, Parsed, Relationship};

/// Reads an installed `specifications/*.gemspec`: `name`, `version` and `license` /
/// `licenses` assigned on the specification's block variable (`s`, `spec`, any identifier).
/// Values may be `"double"` or `'single'` quoted, `%q{…}` / `%Q(…)` / `%<…>` literals, with or
/// without `.freeze`, or `Gem::Version.new("…")`. When the assignments are missing, the
/// `# stub: name version platform paths` comment RubyGems writes on line 2 is used.
/// A gemspec without name or version is malformed.
pub fn gemspec(content: &[u8]) -> Result<Parsed, LangError> {
    let text = String::from_utf8_lossy(content);
    let text = text.as_ref();
    let var = spec_variable(text);

    let mut name: Option<String> = None;
    let mut version: Option<String> = None;
    let mut licenses: Option<Vec<String>> = None;
    let mut stub: Option<(String, String)> = None;

    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_start();
        let line_start = start + (raw.len() - line.len());
        if let Some(rest) = line.strip_prefix("# stub: ") {
            let mut words = rest.split_whitespace();
            if let (Some(n), Some(v)) = (words.next(), words.next()) {
                stub = Some((n.to_string(), v.to_string()));
            }
            continue;
        }
        let Some((field, rhs_at)) = assignment(line, var.as_deref()) else {
            continue;
        };
        let rhs = &text[line_start + rhs_at..];
        match field {
            "name" if name.is_none() => name = string_value(rhs),
            "version" if version.is_none() => version = string_value(rhs),
            "license" if licenses.is_none() => {
                licenses = string_value(rhs).map(|l| vec![l]);
            }
            "licenses" if licenses.is_none() => licenses = string_list(rhs),
            _ => {}
        }
    }

    if name.is_none() || version.is_none() {
        if let Some((n, v)) = stub {
            name.get_or_insert(n);
            version.get_or_insert(v);
        }
    }
    let name = name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| LangError::malformed("gemspec", "no name"))?;
    let version = version
        .filter(|v| !v.is_empty())
        .ok_or_else(|| LangError::malformed("gemspec", format!("{name}: no version")))?;
    let mut pkg = LangPackage::new(PackageKind::Gem, name, version);
    pkg.licenses = licenses
        .unwrap_or_default()
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect();
    Ok(Parsed {
        packages: vec![pkg],
        warnings: Vec::new(),
    })
}

/// The block variable of `Gem::Specification.new do |s|` (or `{ |spec|`).
fn spec_variable(text: &str) -> Option<String> {
    let at = text.find("Gem::Specification.new")?;
    let rest = &text[at..];
    let line = rest.split('\n').next().unwrap_or(rest);
    let open = line.find('|')?;
    let after = &line[open + 1..];
    let close = after.find('|')?;
    let var = after[..close].trim();
    is_identifier(var).then(|| var.to_string())
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `var.field = rhs` at the start of `line`: the field and the byte offset of `rhs` in `line`.
/// With no known variable, any identifier is accepted as the receiver.
fn assignment<'a>(line: &'a str, var: Option<&str>) -> Option<(&'a str, usize)> {
    let dot = line.find('.')?;
    let receiver = &line[..dot];
    match var {
        Some(v) if receiver != v => return None,
        None if !is_identifier(receiver) => return None,
        _ => {}
    }
    let after = &line[dot + 1..];
    let field_len = after
        .find(|c: char| !(c == '_' || c.is_ascii_alphanumeric()))
        .unwrap_or(after.len());
    let field = &after[..field_len];
    let rest = &after[field_len..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let value = trimmed.strip_prefix('=')?;
    if value.starts_with(['=', '~', '>']) {
        return None; // `==`, `=~`, `=>`
    }
    let value_at = dot + 1 + field_len + (rest.len() - trimmed.len()) + 1;
    let skipped = value.len() - value.trim_start_matches([' ', '\t']).len();
    Some((field, value_at + skipped))
}

/// A Ruby string expression at the start of `s`: a literal (optionally `.freeze`d), or
/// `Gem::Version.new(literal)`.
fn string_value(s: &str) -> Option<String> {
    if let Some(inner) = s.strip_prefix("Gem::Version.new") {
        let inner = inner.trim_start().strip_prefix('(')?.trim_start();
        return string_literal(inner).map(|(v, _)| v);
    }
    string_literal(s).map(|(v, _)| v)
}

/// A list of string literals `["MIT".freeze, "Ruby".freeze]` at the start of `s`.
fn string_list(s: &str) -> Option<Vec<String>> {
    let mut rest = s.strip_prefix('[')?;
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.starts_with(']') {
            return Some(out);
        }
        let (value, used) = string_literal(rest)?;
        out.push(value);
        rest = rest[used..].trim_start();
        rest = rest.strip_prefix(".freeze").unwrap_or(rest).trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        } else if !rest.starts_with(']') {
            return None;
        }
    }
}

/// A string literal at the start of `s` and the bytes it spans (a trailing `.freeze` is not
/// included): `"…"` with backslash escapes, `'…'`, `%q` / `%Q` / `%` with any of the
/// bracket pairs or a repeated delimiter.
fn string_literal(s: &str) -> Option<(String, usize)> {
    let mut chars = s.char_indices();
    let (_, first) = chars.next()?;
    let (open, close, escapes, body_at) = match first {
        '"' => ('"', '"', true, 1),
        '\'' => ('\'', '\'', false, 1),
        '%' => {
            let (i, c) = chars.next()?;
            let (escapes, delim_at, delim) = match c {
                'q' => (false, i + 1, s[i + 1..].chars().next()?),
                'Q' => (true, i + 1, s[i + 1..].chars().next()?),
                c if !c.is_ascii_alphanumeric() && !c.is_whitespace() => (true, i, c),
                _ => return None,
            };
            let close = match delim {
                '{' => '}',
                '(' => ')',
                '[' => ']',
                '<' => '>',
                c if c.is_ascii_alphanumeric() || c.is_whitespace() => return None,
                c => c,
            };
            (delim, close, escapes, delim_at + delim.len_utf8())
        }
        _ => return None,
    };
    let body = &s[body_at..];
    let mut out = String::new();
    let mut depth = 0usize;
    let mut iter = body.char_indices();
    while let Some((i, c)) = iter.next() {
        if c == '\\' {
            let (_, next) = iter.next()?;
            if escapes {
                match next {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    other => out.push(other),
                }
            } else if next == close || next == '\\' || next == open {
                out.push(next);
            } else {
                out.push('\\');
                out.push(next);
            }
            continue;
        }
        if c == close && depth == 0 {
            let used = body_at + i + c.len_utf8();
            return Some((out, used));
        }
        if open != close {
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
            }
        }
        out.push(c);
    }
    None
}

/// The top-level headings Bundler writes.
const KNOWN_SECTIONS: [&str; 9] = [
    "GEM",
    "GIT",
    "PATH",
    "PLUGIN SOURCE",
    "PLATFORMS",
    "DEPENDENCIES",
    "RUBY VERSION",
    "BUNDLED WITH",
    "CHECKSUMS",
];

/// Section of a `Gemfile.lock` being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    /// `GEM`, `GIT`, `PATH`, `PLUGIN SOURCE`: a source with `specs:`.
    Source,
    /// `DEPENDENCIES`.
    Dependencies,
    /// `PLATFORMS`, `RUBY VERSION`, `BUNDLED WITH`, `CHECKSUMS` and anything unknown.
    Other,
}

/// Reads a `Gemfile.lock` (`gems.locked`): every gem of the `specs:` lists of the `GEM`, `GIT`,
/// `PATH` and `PLUGIN SOURCE` sections, once per name (the platform variants of one gem, such
/// as `nokogiri (1.13.0-x86_64-linux)` and `nokogiri (1.13.0-arm64-darwin)`, are one package
/// at version `1.13.0`). Gems named under `DEPENDENCIES` are [`Relationship::Direct`], the
/// others [`Relationship::Indirect`] (both [`Relationship::Unknown`] when the file has no
/// `DEPENDENCIES` section). Each gem's dependencies are the ids of the gems its indented lines
/// name that the file locks. A file with text but none of Bundler's headings is malformed; a
/// spec line that is not `name (version)` is skipped with a warning.
pub fn gemfile_lock(content: &[u8]) -> Result<Parsed, LangError> {
    let text = String::from_utf8_lossy(content);
    let mut parsed = Parsed::default();
    let mut packages: Vec<LangPackage> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    // Dependency names per package index, resolved at the end.
    let mut dep_names: Vec<Vec<String>> = Vec::new();
    let mut direct: Option<HashSet<String>> = None;
    let mut section: Option<Section> = None;
    let mut known_section = false;
    let mut in_specs = false;
    // Index of the gem whose dependency lines follow; `None` after a duplicate or bad line.
    let mut current: Option<usize> = None;

    for (lineno, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = line.trim();
        if indent == 0 {
            section = Some(match body {
                "GEM" | "GIT" | "PATH" | "PLUGIN SOURCE" => Section::Source,
                "DEPENDENCIES" => {
                    direct.get_or_insert_with(HashSet::new);
                    Section::Dependencies
                }
                _ => Section::Other,
            });
            known_section |= KNOWN_SECTIONS.contains(&body);
            in_specs = false;
            current = None;
            continue;
        }
        match section {
            None => {
                return Err(LangError::malformed(
                    "Gemfile.lock",
                    format!("line {}: indented text before any section", lineno + 1),
                ))
            }
            Some(Section::Other) => {}
            Some(Section::Dependencies) => {
                if indent == 2 {
                    if let Some(name) = body.split_whitespace().next() {
                        let name = name.trim_end_matches('!');
                        if let Some(set) = direct.as_mut() {
                            set.insert(name.to_string());
                        }
                    }
                }
            }
            Some(Section::Source) => {
                if indent == 2 {
                    in_specs = body == "specs:";
                    current = None;
                    continue;
                }
                if !in_specs {
                    continue;
                }
                if indent == 4 {
                    current = None;
                    let Some((name, version)) = spec_line(body) else {
                        parsed.warnings.push(format!(
                            "Gemfile.lock line {}: not `name (version)`: {body:?}",
                            lineno + 1
                        ));
                        continue;
                    };
                    if by_name.contains_key(name) {
                        continue; // another platform of a gem already read
                    }
                    let index = packages.len();
                    by_name.insert(name.to_string(), index);
                    packages.push(LangPackage::new(PackageKind::Gem, name, version));
                    dep_names.push(Vec::new());
                    current = Some(index);
                } else if indent == 6 {
                    if let (Some(i), Some(dep)) = (current, body.split_whitespace().next()) {
                        dep_names[i].push(dep.to_string());
                    }
                }
            }
        }
    }

    if !known_section && !text.trim().is_empty() {
        return Err(LangError::malformed("Gemfile.lock", "no Bundler section"));
    }

    let ids: Vec<String> = packages.iter().map(|p| p.id.clone()).collect();
    for (pkg, deps) in packages.iter_mut().zip(dep_names) {
        let mut seen = HashSet::new();
        for dep in deps {
            if let Some(&j) = by_name.get(&dep) {
                if seen.insert(j) {
                    pkg.dependencies.push(ids[j].clone());
                }
            }
        }
        pkg.relationship = match &direct {
            Some(set) if set.contains(&pkg.name) => Relationship::Direct,
            Some(_) => Relationship::Indirect,
            None => Relationship::Unknown,
        };
    }
    parsed.packages = packages;
    Ok(parsed)
}

/// `name (version)` with the platform dropped from the version (`1.13.0-x86_64-linux` →
/// `1.13.0`: RubyGems versions never contain `-`).
fn spec_line(body: &str) -> Option<(&str, &str)> {
    let (name, rest) = body.split_once(' ')?;
    let version = rest.trim().strip_prefix('(')?.strip_suffix(')')?.trim();
    let version = version.split('-').next().unwrap_or(version);
    if name.is_empty() || version.is_empty() || version.contains(char::is_whitespace) {
        return None;
    }
    Some((name, version))
}
