//! PHP: Composer's `installed.json` and `composer.lock`.
//!
//! Both files hold the same package records (`name`, `version`, `require`, `license`, …);
//! `composer.lock` splits them into `packages` and `packages-dev`, `installed.json` is either
//! a bare array (Composer 1) or `{"packages": [...], "dev-package-names": [...]}`
//! (Composer 2). Neither says which packages the project requires itself (that is in
//! `composer.json`), so relationships stay [`Relationship::Unknown`].

use std::collections::{HashMap, HashSet};

use sekisho_model::PackageKind;
use serde_json::Value;

use crate::{LangError, LangPackage, Parsed, Relationship};

/// Reads `vendor/composer/installed.json`: Composer 1 (a top-level array of packages) and
/// Composer 2 (`packages`, with the names in `dev-package-names` marked dev). Each package's
/// dependencies are the ids of the packages of the file its `require` names (directly, or
/// through a package that `replace`s or `provide`s the name). Relationships are
/// [`Relationship::Unknown`]. Not JSON, or neither shape: malformed; a record without a name:
/// skipped with a warning.
pub fn installed_json(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "installed.json";
    let doc: Value =
        serde_json::from_slice(content).map_err(|e| LangError::malformed(FORMAT, e))?;
    let (records, dev_names): (&[Value], HashSet<&str>) = match &doc {
        Value::Array(list) => (list, HashSet::new()),
        Value::Object(map) => {
            let list = map
                .get("packages")
                .and_then(Value::as_array)
                .ok_or_else(|| LangError::malformed(FORMAT, "no `packages` array"))?;
            let dev = map
                .get("dev-package-names")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            (list, dev)
        }
        _ => return Err(LangError::malformed(FORMAT, "not an array or object")),
    };
    let mut reader = Reader::new(FORMAT);
    for (i, record) in records.iter().enumerate() {
        let dev = record
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| dev_names.contains(n));
        reader.record("packages", i, record, dev);
    }
    Ok(reader.finish())
}

/// Reads `composer.lock`: `packages`, then `packages-dev` (marked dev); a name already read is
/// not read again. Dependencies and relationships as [`installed_json`] (the lock does not say
/// which packages `composer.json` requires: all are [`Relationship::Unknown`]). Not JSON, not
/// an object, or `packages` not an array: malformed; a record without a name: skipped with a
/// warning.
pub fn composer_lock(content: &[u8]) -> Result<Parsed, LangError> {
    const FORMAT: &str = "composer.lock";
    let doc: Value =
        serde_json::from_slice(content).map_err(|e| LangError::malformed(FORMAT, e))?;
    let map = doc
        .as_object()
        .ok_or_else(|| LangError::malformed(FORMAT, "not an object"))?;
    let mut reader = Reader::new(FORMAT);
    for (key, dev) in [("packages", false), ("packages-dev", true)] {
        let records = match map.get(key) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(a)) => a,
            Some(_) => {
                return Err(LangError::malformed(
                    FORMAT,
                    format!("`{key}` not an array"),
                ));
            }
        };
        for (i, record) in records.iter().enumerate() {
            reader.record(key, i, record, dev);
        }
    }
    Ok(reader.finish())
}

/// Collects package records and resolves `require` at the end.
struct Reader {
    format: &'static str,
    parsed: Parsed,
    /// Package name → index.
    by_name: HashMap<String, usize>,
    /// Replaced or provided name → index of the first package that replaces / provides it.
    virtual_names: HashMap<String, usize>,
    /// Required names per package.
    requires: Vec<Vec<String>>,
}

impl Reader {
    fn new(format: &'static str) -> Self {
        Reader {
            format,
            parsed: Parsed::default(),
            by_name: HashMap::new(),
            virtual_names: HashMap::new(),
            requires: Vec::new(),
        }
    }

    fn record(&mut self, list: &str, i: usize, record: &Value, dev: bool) {
        let Some(name) = record
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        else {
            self.parsed
                .warnings
                .push(format!("{} {list}[{i}]: no name, skipped", self.format));
            return;
        };
        if self.by_name.contains_key(name) {
            return;
        }
        let version = record.get("version").and_then(Value::as_str).unwrap_or("");
        let mut pkg = LangPackage::new(PackageKind::Composer, name, version);
        pkg.dev = dev;
        pkg.relationship = Relationship::Unknown;
        pkg.licenses = licenses(record.get("license"));
        let index = self.parsed.packages.len();
        self.by_name.insert(name.to_string(), index);
        for key in ["replace", "provide"] {
            if let Some(map) = record.get(key).and_then(Value::as_object) {
                for virtual_name in map.keys() {
                    self.virtual_names
                        .entry(virtual_name.clone())
                        .or_insert(index);
                }
            }
        }
        let requires = record
            .get("require")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        self.requires.push(requires);
        self.parsed.packages.push(pkg);
    }

    fn finish(mut self) -> Parsed {
        let ids: Vec<String> = self.parsed.packages.iter().map(|p| p.id.clone()).collect();
        for (index, (pkg, requires)) in self
            .parsed
            .packages
            .iter_mut()
            .zip(std::mem::take(&mut self.requires))
            .enumerate()
        {
            let mut seen = HashSet::new();
            for name in requires {
                let target = self
                    .by_name
                    .get(&name)
                    .or_else(|| self.virtual_names.get(&name));
                if let Some(&j) = target {
                    if j != index && seen.insert(j) {
                        pkg.dependencies.push(ids[j].clone());
                    }
                }
            }
            pkg.dependencies.sort();
        }
        self.parsed
    }
}

/// `license`: a string (kept whole) or an array of strings.
fn licenses(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}
