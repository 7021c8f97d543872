//! DL3059: Multiple consecutive `RUN` instructions. Consider consolidation.

use crate::rules::prelude::*;

/// DL3059's metadata and check.
pub(crate) static DL3059: RuleInfo = RuleInfo {
    code: "DL3059",
    severity: Info,
    message: "Multiple consecutive `RUN` instructions. Consider consolidation.",
    onbuild: false,
    default_on: true,
    doc: "Consecutive single-command RUNs with the same flags add layers; chain them. Differs \
          from hadolint only where ShellCheck cannot parse a (PowerShell) body: hadolint then \
          counts zero commands, sekisho counts what brush-parser reads.",
    check: Check::Fold(check),
};

/// DL3059: Multiple consecutive `RUN` instructions. Consider consolidation.
fn check(items: &[Item], s: &mut Sink) {
    let mut state: Option<(Vec<String>, usize)> = None;
    for it in items {
        match it.args() {
            Args::Run(_) => {
                // hadolint counts the commands ShellCheck parsed; an unparsable body has none
                let n = it
                    .shell
                    .as_ref()
                    .filter(|s| s.parsed)
                    .map(|s| s.commands.len())
                    .unwrap_or(0);
                let fl = run_flags_key(it);
                match &state {
                    Some((f, cnt)) if *f == fl && n <= 1 && *cnt <= 1 => s.fail(it),
                    _ => {}
                }
                state = Some((fl, n));
            }
            Args::Comment(_) => {}
            _ => state = None,
        }
    }
}

fn run_flags_key(it: &Item) -> Vec<String> {
    let mut v: Vec<String> = it
        .instr
        .flags
        .iter()
        .filter(|f| matches!(f.name.as_str(), "mount" | "network" | "security"))
        .map(|f| format!("{}={}", f.name, f.value.clone().unwrap_or_default()))
        .collect();
    v.sort();
    v
}
