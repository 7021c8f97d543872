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
    let bad = sh.commands.iter().any(|c| {
        c.has_args("gem", &["install", "i"])
            && !c.has_arg("-v")
            && !c.has_arg("--version")
            && !c.has_prefix_arg("gem", "--version=")
            && c.args_no_flags()
                .iter()
                .take_while(|a| **a != "--")
                .filter(|a| !matches!(**a, "install" | "i" | "true" | "false"))
                .any(|a| !a.contains(':'))
    });
    if bad {
        s.fail(it);
    }
}
