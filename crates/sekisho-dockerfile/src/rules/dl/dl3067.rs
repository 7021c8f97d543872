//! DL3067: Do not copy an entire filesystem from another stage

use crate::rules::prelude::*;

/// DL3067's metadata and check.
pub(crate) static DL3067: RuleInfo = RuleInfo {
    code: "DL3067",
    severity: Warning,
    message: "Do not copy an entire filesystem from another stage",
    onbuild: false,
    default_on: true,
    doc: "`COPY --from=x / /` copies everything, defeating the multi-stage build.",
    check: Check::Copy(check),
};

/// DL3067: Do not copy an entire filesystem from another stage
fn check(it: &Item, c: &CopyArgs, s: &mut Sink) {
    if c.from.is_some()
        && c.sources.iter().any(|x| drop_quotes(x) == "/")
        && drop_quotes(&c.dest) == "/"
    {
        s.fail_at(it.loc_flag("from"));
    }
}
