//! Configuration: hadolint-compatible `.hadolint.yaml` plus sekisho's opt-in rules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{LintError, Severity};

/// Lint configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// Rules never reported.
    pub ignored: Vec<String>,
    /// Severity overrides per rule.
    pub overrides: BTreeMap<String, Severity>,
    /// Registries allowed in `FROM` (DL3026, SK1013). Empty means any.
    pub trusted_registries: Vec<String>,
    /// Label schema: label name to type (`text`, `url`, `hash`, `semver`, `email`,
    /// `rfc3339`, `spdx`).
    pub label_schema: BTreeMap<String, String>,
    /// Report labels not in the schema (DL3050).
    pub strict_labels: bool,
    /// Lowest severity that makes the exit code non-zero.
    pub failure_threshold: Option<Severity>,
    /// Ignore inline `# hadolint ignore=` pragmas.
    pub disable_ignore_pragma: bool,
    /// Never fail.
    pub no_fail: bool,
    /// Opt-in rules to enable (`DL1001`, `DL3057`, `SK1012` digest pinning, ...).
    pub enabled: Vec<String>,
}

impl Config {
    /// Whether the rule is ignored by configuration.
    pub fn is_ignored(&self, code: &str) -> bool {
        self.ignored.iter().any(|c| c.eq_ignore_ascii_case(code))
    }

    /// Whether an opt-in rule is enabled.
    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.iter().any(|c| c.eq_ignore_ascii_case(code))
    }

    /// Parses YAML text (hadolint's keys).
    pub fn from_yaml(text: &str, path: &str) -> Result<Config, LintError> {
        let mut c = Config::default();
        c.merge_yaml(text, path)?;
        Ok(c)
    }

    /// Merges YAML text into this configuration.
    pub fn merge_yaml(&mut self, text: &str, path: &str) -> Result<(), LintError> {
        use serde_yaml_ng::Value;
        let err = |m: String| LintError::Config {
            path: path.to_string(),
            message: m,
        };
        let v: Value = serde_yaml_ng::from_str(text).map_err(|e| err(e.to_string()))?;
        let Value::Mapping(m) = v else {
            if v.is_null() {
                return Ok(());
            }
            return Err(err("expected a mapping".into()));
        };
        let strs = |v: &Value| -> Vec<String> {
            match v {
                Value::Sequence(s) => s
                    .iter()
                    .filter_map(|x| match x {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect(),
                Value::String(s) => vec![s.clone()],
                _ => vec![],
            }
        };
        for (k, v) in &m {
            let Some(k) = k.as_str() else { continue };
            match k {
                "ignored" => self.ignored.extend(strs(v)),
                "trustedRegistries" => self.trusted_registries.extend(strs(v)),
                "enable" | "enabled" => self.enabled.extend(strs(v)),
                "override" => {
                    if let Value::Mapping(o) = v {
                        for (sev, rules) in o {
                            let sev = sev
                                .as_str()
                                .and_then(Severity::parse)
                                .ok_or_else(|| err(format!("invalid severity {sev:?}")))?;
                            for r in strs(rules) {
                                self.overrides.insert(r, sev);
                            }
                        }
                    }
                }
                "failure-threshold" => {
                    let s = v.as_str().unwrap_or("");
                    self.failure_threshold = Some(
                        Severity::parse(s)
                            .ok_or_else(|| err(format!("invalid failure-threshold {s}")))?,
                    );
                }
                "label-schema" => {
                    if let Value::Mapping(o) = v {
                        for (l, t) in o {
                            if let (Some(l), Some(t)) = (l.as_str(), t.as_str()) {
                                self.label_schema.insert(l.to_string(), t.to_string());
                            }
                        }
                    }
                }
                "strict-labels" => self.strict_labels = v.as_bool().unwrap_or(false),
                "disable-ignore-pragma" => {
                    self.disable_ignore_pragma = v.as_bool().unwrap_or(false)
                }
                "no-fail" => self.no_fail = v.as_bool().unwrap_or(false),
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads a config file.
    pub fn load(path: &Path) -> Result<Config, LintError> {
        let text = std::fs::read_to_string(path).map_err(|e| LintError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Config::from_yaml(&text, &path.display().to_string())
    }

    /// Finds a config file the way hadolint does: `.hadolint.yaml`/`.yml` in `cwd`, then
    /// `$XDG_CONFIG_HOME/hadolint.yaml`, `~/.config/hadolint.yaml`, `~/.hadolint/hadolint.yaml`,
    /// `~/.hadolint.yaml`. The caller passes the working directory and the environment's
    /// values, so the library reads neither.
    pub fn discover(
        cwd: &Path,
        xdg_config_home: Option<&Path>,
        home: Option<&Path>,
    ) -> Option<PathBuf> {
        let mut cands = vec![cwd.join(".hadolint.yaml"), cwd.join(".hadolint.yml")];
        if let Some(x) = xdg_config_home {
            cands.push(x.join("hadolint.yaml"));
        }
        if let Some(h) = home {
            cands.push(h.join(".config/hadolint.yaml"));
            cands.push(h.join(".hadolint/hadolint.yaml"));
            cands.push(h.join(".hadolint.yaml"));
        }
        cands.into_iter().find(|p| p.is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml() {
        let c = Config::from_yaml(
            "ignored: [DL3008]\noverride:\n  error: [DL3015]\ntrustedRegistries:\n  - docker.io\nfailure-threshold: warning\nlabel-schema:\n  author: text\nstrict-labels: true\n",
            "x",
        )
        .unwrap();
        assert!(c.is_ignored("DL3008"));
        assert_eq!(c.overrides.get("DL3015"), Some(&Severity::Error));
        assert_eq!(c.failure_threshold, Some(Severity::Warning));
        assert!(c.strict_labels);
    }
}
