//! DL3018: Pin versions in apk add. Instead of `apk add <package>` use `apk add
//! <package>=<version>`

use crate::rules::prelude::*;

/// DL3018's metadata and check.
pub(crate) static DL3018: RuleInfo = RuleInfo {
    code: "DL3018",
    severity: Warning,
    message: "Pin versions in apk add. Instead of `apk add <package>` use `apk add \
              <package>=<version>`",
    onbuild: true,
    default_on: true,
    doc: "Unpinned apk packages make builds irreproducible. Values of `-t/--virtual`, \
          `--repository` and `-X` are not packages.",
    check: Check::Run(check),
};

/// DL3018: Pin versions in apk add. Instead of `apk add <package>` use `apk add...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    for c in &sh.commands {
        let unpinned = apk_packages(c).into_iter().find(|p| {
            it.unpinned(c, p, |p| {
                p.contains('=')
                    || p.contains('~')
                    || p.contains('<')
                    || p.contains('>')
                    || p.ends_with(".apk")
            })
        });
        if let Some(p) = unpinned {
            s.fail_at(it.loc_pkg(c, p));
            return;
        }
    }
}

fn apk_packages(c: &Command) -> Vec<&str> {
    if !c.has_args("apk", &["add"]) {
        return vec![];
    }
    c.args_no_flags_dropping(&["t", "virtual", "repository", "X"])
        .into_iter()
        .filter(|a| *a != "add")
        .collect()
}
