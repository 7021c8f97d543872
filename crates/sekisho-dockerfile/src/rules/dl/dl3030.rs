//! DL3030: Use the -y switch to avoid manual input `yum install -y <package`

use crate::rules::prelude::*;

/// DL3030's metadata and check.
pub(crate) static DL3030: RuleInfo = RuleInfo {
    code: "DL3030",
    severity: Warning,
    message: "Use the -y switch to avoid manual input `yum install -y <package`",
    onbuild: true,
    default_on: true,
    doc: "yum waits for confirmation without -y.",
    check: Check::Run(check),
};

/// DL3030: Use the -y switch to avoid manual input `yum install -y <package`
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        c.has_args("yum", &["install", "groupinstall", "localinstall"])
            && !c.has_any_flag(&["y", "assumeyes"])
    }) {
        s.fail_at(it.loc_cmd(c));
    }
}
