//! DL3036: `zypper clean` missing after zypper use.

use crate::rules::prelude::*;

/// DL3036's metadata and check.
pub(crate) static DL3036: RuleInfo = RuleInfo {
    code: "DL3036",
    severity: Warning,
    message: "`zypper clean` missing after zypper use.",
    onbuild: true,
    default_on: true,
    doc: "Clean the zypper cache in the same RUN.",
    check: Check::Run(check),
};

/// DL3036: `zypper clean` missing after zypper use.
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if cache_mount(it, &["/var/cache/zypp"]) {
        return;
    }
    let inst = sh.find_index(|c| c.has_args("zypper", &["install", "in"]));
    let clean = sh.find_index(|c| c.has_args("zypper", &["clean", "cc"]));
    let bad = match (inst, clean) {
        (None, _) => None,
        (Some(i), Some(c)) => (i >= c).then_some(i),
        (Some(i), None) => Some(i),
    };
    if let Some(i) = bad {
        s.fail_at(it.loc_cmd(&sh.commands[i]));
    }
}
