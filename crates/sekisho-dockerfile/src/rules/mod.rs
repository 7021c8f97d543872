//! Rule registry and runner.
//!
//! Each rule is a function over the instruction stream (hadolint's fold model). Rules
//! flagged `onbuild` run a second time over the instructions wrapped in `ONBUILD`,
//! unwrapped, exactly like hadolint's `onbuild` combinator.

mod catalog;
mod general;
mod labels;
mod packages;
mod run;
pub mod shellcheck;
mod sk;

use std::collections::{BTreeSet, HashMap};

use crate::config::Config;
use crate::parser::{Args, Dockerfile, Instruction};
use crate::shell::{parse_shell, ParsedShell};
use crate::{Finding, Severity};

pub use catalog::{all_rules, explain, RuleInfo};

/// One instruction as seen by a rule, with its `RUN` body pre-parsed.
pub struct Item<'a> {
    /// 1-based start line.
    pub line: usize,
    /// The instruction (unwrapped for the ONBUILD stream).
    pub instr: &'a Instruction,
    /// Parsed shell for `RUN`.
    pub shell: Option<ParsedShell>,
}

impl Item<'_> {
    /// The instruction's arguments.
    pub fn args(&self) -> &Args {
        &self.instr.args
    }
}

/// Collects findings for one rule.
pub struct Sink<'c> {
    code: &'static str,
    /// The configuration.
    pub cfg: &'c Config,
    found: Vec<(String, usize, Option<String>, Option<Severity>)>,
}

impl Sink<'_> {
    /// Reports the rule at `line` with its default message.
    pub fn fail(&mut self, line: usize) {
        self.found.push((self.code.to_string(), line, None, None));
    }

    /// Reports the rule at `line` with a specific message.
    pub fn fail_msg(&mut self, line: usize, msg: String) {
        self.found
            .push((self.code.to_string(), line, Some(msg), None));
    }

    /// Reports another code (ShellCheck findings).
    pub fn fail_code(&mut self, code: String, sev: Severity, line: usize, msg: String) {
        self.found.push((code, line, Some(msg), Some(sev)));
    }
}

fn items_for<'a>(instrs: impl Iterator<Item = (usize, &'a Instruction)>) -> Vec<Item<'a>> {
    instrs
        .map(|(line, instr)| Item {
            line,
            instr,
            shell: match &instr.args {
                Args::Run(r) => Some(parse_shell(&r.script)),
                _ => None,
            },
        })
        .collect()
}

/// Parses the `# hadolint ignore=A,B` pragma body; `global` selects the global form.
pub fn parse_ignore_pragma(comment: &str, global: bool) -> Option<Vec<String>> {
    let s = comment.trim_start_matches([' ', '\t']);
    let s = s.strip_prefix("hadolint")?;
    if !s.starts_with([' ', '\t']) {
        return None;
    }
    let mut s = s.trim_start_matches([' ', '\t']);
    if global {
        s = s.strip_prefix("global")?;
        if !s.starts_with([' ', '\t']) {
            return None;
        }
        s = s.trim_start_matches([' ', '\t']);
    }
    let s = s.strip_prefix("ignore")?.trim_start_matches([' ', '\t']);
    let s = s.strip_prefix('=')?.trim_start_matches([' ', '\t']);
    let s = s.split('#').next().unwrap_or("");
    let codes: Vec<String> = s
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty()
        || codes
            .iter()
            .any(|c| !c.chars().all(|ch| "DLSCK0123456789".contains(ch)))
    {
        return None;
    }
    Some(codes)
}

/// Runs all enabled rules on a parsed file and applies ignores and overrides.
pub fn run(df: &Dockerfile, _src: &str, cfg: &Config) -> Vec<Finding> {
    let top = items_for(df.instructions.iter().map(|i| (i.span.line, i)));
    let onbuild = items_for(
        df.instructions
            .iter()
            .filter_map(|i| i.onbuild_inner().map(|x| (i.span.line, x))),
    );
    let mut raw = Vec::new();
    for rule in all_rules() {
        if !(rule.default_on || cfg.is_enabled(rule.code)) {
            continue;
        }
        if cfg.is_ignored(rule.code) {
            continue;
        }
        let mut sink = Sink {
            code: rule.code,
            cfg,
            found: vec![],
        };
        (rule.check)(&top, &mut sink);
        if rule.onbuild && !onbuild.is_empty() {
            (rule.check)(&onbuild, &mut sink);
        }
        for (code, line, msg, sev) in sink.found {
            let severity = cfg
                .overrides
                .get(&code)
                .copied()
                .or(sev)
                .unwrap_or(rule.severity);
            raw.push(Finding {
                message: msg.unwrap_or_else(|| rule.message.to_string()),
                code,
                severity,
                line,
                column: 1,
                end_line: line,
            });
        }
    }
    // Pragmas.
    let mut line_ignores: HashMap<usize, BTreeSet<String>> = HashMap::new();
    let mut global: BTreeSet<String> = BTreeSet::new();
    for i in &df.instructions {
        if let Args::Comment(c) = &i.args {
            if let Some(codes) = parse_ignore_pragma(c, true) {
                global.extend(codes);
            } else if let Some(codes) = parse_ignore_pragma(c, false) {
                line_ignores
                    .entry(i.span.line + 1)
                    .or_default()
                    .extend(codes);
            }
        }
    }
    let end_lines: HashMap<usize, usize> = df
        .instructions
        .iter()
        .map(|i| (i.span.line, i.span.end_line))
        .collect();
    let mut out: Vec<Finding> = raw
        .into_iter()
        .filter(|f| f.severity != Severity::Ignore)
        .filter(|f| !cfg.is_ignored(&f.code))
        .filter(|f| {
            cfg.disable_ignore_pragma
                || !(global.contains(&f.code)
                    || line_ignores
                        .get(&f.line)
                        .is_some_and(|s| s.contains(&f.code)))
        })
        .map(|mut f| {
            f.end_line = end_lines.get(&f.line).copied().unwrap_or(f.line);
            f
        })
        .collect();
    out.sort_by_key(|f| f.line);
    out
}

/// Whether an `ADD` source is a remote URL or a local archive (where ADD is meaningful).
pub fn is_archive_or_url(p: &str) -> bool {
    general::is_archive(p) || general::is_url(p)
}

/// The stage a finding belongs to, compared by value like hadolint's `BaseImage`:
/// (image, alias, platform) text and the alias. Before any FROM it is `scratch`, which
/// makes a later `FROM scratch` the same stage, as in hadolint.
pub(crate) type StageRef = (String, Option<String>);

/// The stage value of a FROM (see [`StageRef`]).
pub(crate) fn stage_ref(f: &crate::parser::FromArgs) -> StageRef {
    (
        format!(
            "{}|{}|{}",
            f.image.raw,
            f.alias.as_deref().unwrap_or(""),
            f.platform.as_deref().unwrap_or("")
        ),
        f.alias.clone(),
    )
}

/// The stage before any FROM.
pub(crate) fn initial_stage() -> StageRef {
    ("scratch||".to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma() {
        assert_eq!(
            parse_ignore_pragma(" hadolint ignore=DL3008, SC2086", false),
            Some(vec!["DL3008".to_string(), "SC2086".to_string()])
        );
        assert_eq!(
            parse_ignore_pragma(" hadolint global ignore=DL3008", true),
            Some(vec!["DL3008".to_string()])
        );
        assert_eq!(
            parse_ignore_pragma(" hadolint global ignore=DL3008", false),
            None
        );
    }
}
