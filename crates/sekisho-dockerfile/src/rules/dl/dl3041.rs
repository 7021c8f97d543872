//! DL3041: Specify version with `dnf install -y <package>-<version>`.

use crate::rules::prelude::*;

/// DL3041's metadata and check.
pub(crate) static DL3041: RuleInfo = RuleInfo {
    code: "DL3041",
    severity: Warning,
    message: "Specify version with `dnf install -y <package>-<version>`.",
    onbuild: true,
    default_on: true,
    doc: "Unpinned dnf packages make builds irreproducible. Variables in a package word follow \
          BuildKit scoping: one declared in the file but not in scope at that RUN (an ARG of an \
          earlier stage, say) leaves the package unpinned.",
    check: Check::Run(check),
};

/// DL3041: Specify version with `dnf install -y <package>-<version>`.
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    let bad = sh.commands.iter().find_map(|c| {
        if !c.names_have_args(DNF, &["install"]) {
            return None;
        }
        let module = c.names_have_args(DNF, &["module"]);
        let group = c.names_have_args(DNF, &["module", "group"]);
        let i = c.nf_indices(&[]).into_iter().find(|&i| {
            let p = c.args[i].as_str();
            if p == "install" || p == "module" || (group && !module) {
                return false;
            }
            it.unpinned(c, p, |p| {
                if module {
                    p.contains(':')
                } else {
                    dnf_version_fixed(p)
                }
            })
        })?;
        Some(it.loc_arg(c, i))
    });
    if let Some(at) = bad {
        s.fail_at(at);
    }
}

fn dnf_version_fixed(p: &str) -> bool {
    let parts: Vec<&str> = p.split('-').collect();
    if parts.len() <= 1 {
        return false;
    }
    if p.ends_with(".rpm") {
        return true;
    }
    let rest = &parts[1..];
    rest.iter().all(|x| {
        x.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
    }) && rest
        .iter()
        .any(|x| x.chars().next().is_some_and(|c| c.is_ascii_digit()))
}
