//! DL4000: MAINTAINER is deprecated

use crate::rules::prelude::*;

/// DL4000's metadata and check.
pub(crate) static DL4000: RuleInfo = RuleInfo {
    code: "DL4000",
    severity: Error,
    message: "MAINTAINER is deprecated",
    onbuild: false,
    default_on: true,
    doc: "Use `LABEL org.opencontainers.image.authors=...` (`--fix` rewrites it).",
    check: Check::Each(&[Kind::Maintainer], check),
};

/// DL4000: MAINTAINER is deprecated
fn check(it: &Item, s: &mut Sink) {
    s.fail(it);
}
