//! DL3027: Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead

use crate::rules::prelude::*;

/// DL3027's metadata and check.
pub(crate) static DL3027: RuleInfo = RuleInfo {
    code: "DL3027",
    severity: Warning,
    message: "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache \
              instead",
    onbuild: true,
    default_on: true,
    doc: "apt's CLI is not stable for scripts.",
    check: Check::Run(check),
};

/// DL3027: Do not use apt as it is meant to be an end-user tool, use apt-get or...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| c.name == "apt") {
        s.fail_at(it.loc_cmd(c));
    }
}
