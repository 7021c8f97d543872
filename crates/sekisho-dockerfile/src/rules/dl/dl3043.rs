//! DL3043: `ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.

use crate::rules::prelude::*;

/// DL3043's metadata and check.
pub(crate) static DL3043: RuleInfo = RuleInfo {
    code: "DL3043",
    severity: Error,
    message: "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.",
    onbuild: false,
    default_on: true,
    doc: "These instructions are not allowed inside ONBUILD.",
    check: Check::Each(&[Kind::Onbuild], check),
};

/// DL3043: `ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.
fn check(it: &Item, s: &mut Sink) {
    let Args::Onbuild(inner) = it.args() else {
        return;
    };
    if matches!(
        inner.args,
        Args::Onbuild(_) | Args::From(_) | Args::Maintainer(_)
    ) {
        s.fail_at(it.loc_at(inner.pos.keyword));
    }
}
