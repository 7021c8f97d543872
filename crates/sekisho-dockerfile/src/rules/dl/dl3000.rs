//! DL3000: Use absolute WORKDIR

use crate::rules::prelude::*;

/// DL3000's metadata and check.
pub(crate) static DL3000: RuleInfo = RuleInfo {
    code: "DL3000",
    severity: Error,
    message: "Use absolute WORKDIR",
    onbuild: false,
    default_on: true,
    doc: "WORKDIR should be absolute (`/app`, `C:\\app` or a variable); relative paths depend on \
          the previous WORKDIR.",
    check: Check::Each(&[Kind::Workdir], check),
};

/// DL3000: Use absolute WORKDIR
fn check(it: &Item, s: &mut Sink) {
    let Args::Workdir(w) = it.args() else { return };
    let d = drop_quotes(w);
    let mut ch = d.chars();
    let win = matches!((ch.next(), ch.next()), (Some(a), Some(':')) if a.is_alphabetic());
    if !(d.starts_with('$') || d.starts_with('/') || win) {
        s.fail_at(it.loc_text(0));
    }
}
