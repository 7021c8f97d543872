//! DL3034: Non-interactive switch missing from `zypper` command: `zypper install -y`

use crate::rules::prelude::*;

/// DL3034's metadata and check.
pub(crate) static DL3034: RuleInfo = RuleInfo {
    code: "DL3034",
    severity: Warning,
    message: "Non-interactive switch missing from `zypper` command: `zypper install -y`",
    onbuild: true,
    default_on: true,
    doc: "zypper waits for confirmation without -y/--non-interactive.",
    check: Check::Run(check),
};

/// DL3034: Non-interactive switch missing from `zypper` command: `zypper install -y`
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        c.has_args(
            "zypper",
            &[
                "install",
                "in",
                "remove",
                "rm",
                "source-install",
                "si",
                "patch",
            ],
        ) && !c.has_any_flag(&["no-confirm", "y", "n", "non-interactive"])
    }) {
        s.fail_at(it.loc_cmd(c));
    }
}
