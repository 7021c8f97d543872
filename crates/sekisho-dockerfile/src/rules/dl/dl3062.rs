//! DL3062: Pin versions in go. Instead of `go install <package>` use `go install
//! <package>@<version>`

use crate::rules::prelude::*;

/// DL3062's metadata and check.
pub(crate) static DL3062: RuleInfo = RuleInfo {
    code: "DL3062",
    severity: Warning,
    message: "Pin versions in go. Instead of `go install <package>` use `go install \
              <package>@<version>`",
    onbuild: true,
    default_on: true,
    doc: "`go install/get/run` of a remote package without `@version` (or with `@latest`).",
    check: Check::Run(check),
};

/// DL3062: Pin versions in go. Instead of `go install <package>` use `go install...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    for c in sh.commands.iter().filter(|c| c.name == "go") {
        let nf = c.args_no_flags();
        let Some(sub) = nf.first() else { continue };
        let unpinned = match *sub {
            "install" | "get" => nf[1..].iter().find(|p| it.unpinned(c, p, go_pinned)),
            "run" => nf.get(1).filter(|p| it.unpinned(c, p, go_pinned)),
            _ => None,
        };
        if let Some(p) = unpinned {
            s.fail_at(it.loc_pkg(c, p));
            return;
        }
    }
}

fn go_pinned(p: &str) -> bool {
    if p.starts_with('/') || p.starts_with("./") || p.starts_with("../") || p == "." {
        return true;
    }
    match p.rsplit_once('@') {
        Some((_, v)) => v != "latest" && !v.is_empty(),
        None => false,
    }
}
