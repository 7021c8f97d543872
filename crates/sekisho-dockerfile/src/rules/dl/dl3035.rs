//! DL3035: Do not use `zypper dist-upgrade`.

use crate::rules::prelude::*;

/// DL3035's metadata and check.
pub(crate) static DL3035: RuleInfo = RuleInfo {
    code: "DL3035",
    severity: Warning,
    message: "Do not use `zypper dist-upgrade`.",
    onbuild: true,
    default_on: true,
    doc: "Distribution upgrades belong in the base image.",
    check: Check::Run(check),
};

/// DL3035: Do not use `zypper dist-upgrade`.
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh
        .commands
        .iter()
        .find(|c| c.has_args("zypper", &["dist-upgrade", "dup"]))
    {
        s.fail_at(it.loc_cmd(c));
    }
}
