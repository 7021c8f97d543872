//! DL3004: Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce
//! root

use crate::rules::prelude::*;

/// DL3004's metadata and check.
pub(crate) static DL3004: RuleInfo = RuleInfo {
    code: "DL3004",
    severity: Error,
    message: "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to \
              enforce root",
    onbuild: true,
    default_on: true,
    doc: "Builds run as root unless USER says otherwise; sudo adds a TTY/password dependency. Use \
          gosu or su-exec at run time.",
    check: Check::Run(check),
};

/// DL3004: Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| c.name == "sudo") {
        s.fail_at(it.loc_cmd(c));
    }
}
