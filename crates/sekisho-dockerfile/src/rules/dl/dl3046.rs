//! DL3046: `useradd` without flag `-l` and high UID will result in excessively large Image.

use crate::rules::prelude::*;

/// DL3046's metadata and check.
pub(crate) static DL3046: RuleInfo = RuleInfo {
    code: "DL3046",
    severity: Warning,
    message: "`useradd` without flag `-l` and high UID will result in excessively large Image.",
    onbuild: false,
    default_on: true,
    doc: "useradd writes a sparse lastlog entry sized by the UID; use -l.",
    check: Check::Run(check),
};

/// DL3046: `useradd` without flag `-l` and high UID will result in excessively large Image.
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        c.name == "useradd"
            && !c.has_any_flag(&["l", "no-log-init"])
            && c.has_any_flag(&["u", "uid"])
            && c.flag_args("u").iter().any(|u| u.chars().count() > 5)
    }) {
        s.fail_at(it.loc_cmd(c));
    }
}
