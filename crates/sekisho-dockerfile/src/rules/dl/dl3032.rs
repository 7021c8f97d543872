//! DL3032: `yum clean all` missing after yum command.

use crate::rules::prelude::*;

/// DL3032's metadata and check.
pub(crate) static DL3032: RuleInfo = RuleInfo {
    code: "DL3032",
    severity: Warning,
    message: "`yum clean all` missing after yum command.",
    onbuild: true,
    default_on: true,
    doc: "Clean the yum cache in the same RUN.",
    check: Check::Run(check),
};

/// DL3032: `yum clean all` missing after yum command.
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    let inst = sh.find_index(|c| c.has_args("yum", &["install"]));
    let clean = sh.find_index(|c| {
        c.has_args("yum", &["clean", "all"])
            || c.has_args("rm", &["/var/cache/yum/*", "/var/cache/yum"])
    });
    if let Some(i) = inst.filter(|i| clean.is_none_or(|c| c < *i)) {
        s.fail_at(it.loc_cmd(&sh.commands[i]));
    }
}
