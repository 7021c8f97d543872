//! DL3002: Last USER should not be root

use crate::rules::prelude::*;

/// DL3002's metadata and check.
pub(crate) static DL3002: RuleInfo = RuleInfo {
    code: "DL3002",
    severity: Warning,
    message: "Last USER should not be root",
    onbuild: false,
    default_on: true,
    doc: "A stage whose last USER is root runs its container as root. Switch to an unprivileged \
          user at the end of the stage.",
    check: Check::Fold(check),
};

/// DL3002: Last USER should not be root
fn check(items: &[Item], s: &mut Sink) {
    let mut stage: Option<usize> = None;
    let mut bad: BTreeMap<usize, Loc> = Default::default();
    for it in items {
        match it.args() {
            Args::From(_) => stage = Some(it.line),
            Args::User(u) => {
                let Some(st) = stage else { continue };
                let u = u.trim();
                let root = u.starts_with("root:") || u.starts_with("0:") || u == "root" || u == "0";
                if root {
                    bad.insert(st, it.loc_text(0));
                } else {
                    bad.remove(&st);
                }
            }
            _ => {}
        }
    }
    for l in bad.values() {
        s.fail_at(*l);
    }
}
