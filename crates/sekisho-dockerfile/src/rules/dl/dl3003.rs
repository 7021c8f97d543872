//! DL3003: Use WORKDIR to switch to a directory

use crate::rules::prelude::*;

/// DL3003's metadata and check.
pub(crate) static DL3003: RuleInfo = RuleInfo {
    code: "DL3003",
    severity: Warning,
    message: "Use WORKDIR to switch to a directory",
    onbuild: false,
    default_on: true,
    doc: "`cd` in RUN only affects that RUN; WORKDIR is explicit and persists.",
    check: Check::Run(check),
};

/// DL3003: Use WORKDIR to switch to a directory
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| c.name == "cd") {
        s.fail_at(it.loc_cmd(c));
    }
}
