//! DL3061: Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.

use crate::rules::prelude::*;

/// DL3061's metadata and check.
pub(crate) static DL3061: RuleInfo = RuleInfo {
    code: "DL3061",
    severity: Error,
    message: "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.",
    onbuild: false,
    default_on: true,
    doc: "Only ARG and comments may precede the first FROM.",
    check: Check::Fold(check),
};

/// DL3061: Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.
fn check(items: &[Item], s: &mut Sink) {
    let mut seen_from = false;
    for it in items {
        match it.args() {
            Args::From(_) => seen_from = true,
            Args::Comment(_) | Args::Arg(_) => {}
            _ if !seen_from => s.fail(it),
            _ => {}
        }
    }
}
