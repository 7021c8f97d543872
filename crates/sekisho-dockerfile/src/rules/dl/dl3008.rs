//! DL3008: Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get
//! install <package>=<version>`

use crate::rules::prelude::*;

/// DL3008's metadata and check.
pub(crate) static DL3008: RuleInfo = RuleInfo {
    code: "DL3008",
    severity: Warning,
    message: "Pin versions in apt get install. Instead of `apt-get install <package>` use \
              `apt-get install <package>=<version>`",
    onbuild: true,
    default_on: true,
    doc: "Unpinned apt packages make builds irreproducible. sekisho (deliberately unlike \
          hadolint) does not report packages given by a variable (`$PKGS`), and skips the values \
          of `-t/--target-release`, `-o` and `-c`. Local `.deb` files and `pkg/release` are \
          accepted.",
    check: Check::Run(check),
};

/// DL3008: Pin versions in apt get install. Instead of `apt-get install <package>` use...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    for c in &sh.commands {
        let unpinned = apt_packages(c).into_iter().find(|p| {
            it.unpinned(c, p, |p| {
                p.contains('=') || p.contains('/') || p.ends_with(".deb") || is_dynamic(p)
            })
        });
        if let Some(p) = unpinned {
            s.fail_at(it.loc_pkg(c, p));
            return;
        }
    }
}

/// Whether an argument came from a variable or command substitution.
fn is_dynamic(a: &str) -> bool {
    a.contains("${VAR}")
}

/// `apt-get install` package arguments (`-t/--target-release` values dropped).
pub(crate) fn apt_packages(c: &Command) -> Vec<&str> {
    if !c.has_args("apt-get", &["install"]) {
        return vec![];
    }
    c.args_no_flags_dropping(&["t", "target-release", "o", "option", "c", "config-file"])
        .into_iter()
        .filter(|a| *a != "install")
        .collect()
}
