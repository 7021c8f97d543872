//! DL3038: Use the -y switch to avoid manual input `dnf install -y <package>`

use crate::rules::prelude::*;

/// DL3038's metadata and check.
pub(crate) static DL3038: RuleInfo = RuleInfo {
    code: "DL3038",
    severity: Warning,
    message: "Use the -y switch to avoid manual input `dnf install -y <package>`",
    onbuild: true,
    default_on: true,
    doc: "dnf/microdnf wait for confirmation without -y.",
    check: Check::Run(check),
};

/// DL3038: Use the -y switch to avoid manual input `dnf install -y <package>`
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        c.names_have_args(DNF, &["install", "groupinstall", "localinstall"])
            && !c.has_any_flag(&["y", "assumeyes"])
    }) {
        s.fail_at(it.loc_cmd(c));
    }
}
