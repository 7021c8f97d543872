//! DL3033: Specify version with `yum install -y <package>-<version>`.

use crate::rules::prelude::*;

/// DL3033's metadata and check.
pub(crate) static DL3033: RuleInfo = RuleInfo {
    code: "DL3033",
    severity: Warning,
    message: "Specify version with `yum install -y <package>-<version>`.",
    onbuild: true,
    default_on: true,
    doc: "Unpinned yum packages make builds irreproducible. Variables in a package word follow \
          BuildKit scoping: one declared in the file but not in scope at that RUN (an ARG of an \
          earlier stage, say) leaves the package unpinned.",
    check: Check::Run(check),
};

/// DL3033: Specify version with `yum install -y <package>-<version>`.
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    for c in &sh.commands {
        let module = c.has_args("yum", &["module"]);
        let unpinned = install_filter(c, &["yum"]).into_iter().find(|p| {
            it.unpinned(c, p, |p| {
                if module {
                    p.contains(':')
                } else {
                    p.contains('-') || p.ends_with(".rpm")
                }
            })
        });
        if let Some(p) = unpinned {
            s.fail_at(it.loc_pkg(c, p));
            return;
        }
    }
}

fn install_filter<'a>(c: &'a Command, names: &[&str]) -> Vec<&'a str> {
    if !c.names_have_args(names, &["install"]) {
        return vec![];
    }
    c.args_no_flags()
        .into_iter()
        .filter(|a| *a != "install" && *a != "module")
        .collect()
}
