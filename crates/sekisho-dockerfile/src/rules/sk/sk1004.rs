//! SK1004: The final stage does not switch to a non-root USER

use crate::rules::prelude::*;

/// SK1004's metadata and check.
pub(crate) static SK1004: RuleInfo = RuleInfo {
    code: "SK1004",
    severity: Warning,
    message: "The final stage does not switch to a non-root USER",
    onbuild: false,
    default_on: true,
    doc: "The final stage never sets USER (or sets it to root), so the container runs as root. \
          Add `USER <uid>` after the last package installation. Not reported for `scratch`-only \
          or Windows images. CIS Docker Benchmark 4.1.",
    check: Check::Fold(check),
};

/// SK1004: The final stage does not switch to a non-root USER
fn check(items: &[Item], s: &mut Sink) {
    let Some(start) = final_stage(items) else {
        return;
    };
    let Args::From(f) = items[start].args() else {
        return;
    };
    let stage = &items[start..];
    if f.image.name == "scratch" && !stage.iter().any(|i| i.shell.is_some()) {
        return;
    }
    let windows = f.image.name.contains("windows")
        || f.image.name.contains("servercore")
        || f.image.name.contains("nanoserver")
        || stage.iter().any(|i| matches!(i.args(), Args::Shell(w) if w.first().is_some_and(|x| x.to_ascii_lowercase().contains("powershell") || x.to_ascii_lowercase().contains("cmd"))));
    if windows {
        return;
    }
    let last_user = stage.iter().rev().find_map(|i| match i.args() {
        Args::User(u) => Some((i.loc_text(0), u.clone())),
        _ => None,
    });
    match last_user {
        None => s.fail(&items[start]),
        Some((l, u)) => {
            let u = u.trim();
            if u == "root" || u == "0" || u.starts_with("root:") || u.starts_with("0:") {
                s.fail_at(l);
            }
        }
    }
}
