//! DL4005: Use SHELL to change the default shell

use crate::rules::prelude::*;

/// DL4005's metadata and check.
pub(crate) static DL4005: RuleInfo = RuleInfo {
    code: "DL4005",
    severity: Warning,
    message: "Use SHELL to change the default shell",
    onbuild: true,
    default_on: true,
    doc: "Replacing /bin/sh with `ln` is fragile; use the SHELL instruction.",
    check: Check::Run(check),
};

/// DL4005: Use SHELL to change the default shell
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| c.has_args("ln", &["/bin/sh"])) {
        s.fail_at(it.loc_cmd(c));
    }
}
