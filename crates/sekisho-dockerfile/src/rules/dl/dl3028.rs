//! DL3028: Pin versions in gem install. Instead of `gem install <gem>` use `gem install
//! <gem>:<version>`

use crate::rules::prelude::*;

/// DL3028's metadata and check.
pub(crate) static DL3028: RuleInfo = RuleInfo {
    code: "DL3028",
    severity: Warning,
    message: "Pin versions in gem install. Instead of `gem install <gem>` use `gem install \
              <gem>:<version>`",
    onbuild: true,
    default_on: true,
    doc: "Unpinned gems make builds irreproducible.",
    check: Check::Run(check),
};

/// DL3028: Pin versions in gem install. Instead of `gem install <gem>` use `gem install...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    for c in &sh.commands {
        if !(c.has_args("gem", &["install", "i"])
            && !c.has_arg("-v")
            && !c.has_arg("--version")
            && !c.has_prefix_arg("gem", "--version="))
        {
            continue;
        }
        let unpinned = c
            .args_no_flags()
            .into_iter()
            .take_while(|a| *a != "--")
            .filter(|a| !matches!(*a, "install" | "i" | "true" | "false"))
            .find(|a| it.unpinned(c, a, |a| a.contains(':')));
        if let Some(p) = unpinned {
            s.fail_at(it.loc_pkg(c, p));
            return;
        }
    }
}
