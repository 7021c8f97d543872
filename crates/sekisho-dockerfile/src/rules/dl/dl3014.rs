//! DL3014: Use the `-y` switch to avoid manual input `apt-get -y install <package>`

use crate::rules::prelude::*;

/// DL3014's metadata and check.
pub(crate) static DL3014: RuleInfo = RuleInfo {
    code: "DL3014",
    severity: Warning,
    message: "Use the `-y` switch to avoid manual input `apt-get -y install <package>`",
    onbuild: true,
    default_on: true,
    doc: "Without -y apt-get may wait for confirmation and fail the build.",
    check: Check::Run(check),
};

/// DL3014: Use the `-y` switch to avoid manual input `apt-get -y install <package>`
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        let quiet = c
            .flags
            .iter()
            .filter(|(f, _)| f == "q" || f == "quiet")
            .count()
            + c.args
                .iter()
                .filter(|a| *a == "-q=2" || *a == "--quiet=2")
                .count();
        c.has_args("apt-get", &["install"])
            && !c.has_any_flag(&["y", "yes", "assume-yes"])
            && quiet < 2
    }) {
        s.fail_at(it.loc_cmd(c));
    }
}
