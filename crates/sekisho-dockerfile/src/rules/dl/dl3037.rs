//! DL3037: Specify version with `zypper install -y <package>=<version>`.

use crate::rules::prelude::*;

/// DL3037's metadata and check.
pub(crate) static DL3037: RuleInfo = RuleInfo {
    code: "DL3037",
    severity: Warning,
    message: "Specify version with `zypper install -y <package>=<version>`.",
    onbuild: true,
    default_on: true,
    doc: "Unpinned zypper packages make builds irreproducible.",
    check: Check::Run(check),
};

/// DL3037: Specify version with `zypper install -y <package>=<version>`.
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    for c in &sh.commands {
        if !c.has_args("zypper", &["install", "in"]) {
            continue;
        }
        let unpinned = c
            .args_no_flags()
            .into_iter()
            .filter(|a| *a != "install" && *a != "in")
            .find(|p| {
                it.unpinned(c, p, |p| {
                    p.contains('=') || p.contains('>') || p.contains('<') || p.ends_with(".rpm")
                })
            });
        if let Some(p) = unpinned {
            s.fail_at(it.loc_pkg(c, p));
            return;
        }
    }
}
