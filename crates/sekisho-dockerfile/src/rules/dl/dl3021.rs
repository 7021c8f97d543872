//! DL3021: COPY with more than 2 arguments requires the last argument to end with /

use crate::rules::prelude::*;

/// DL3021's metadata and check.
pub(crate) static DL3021: RuleInfo = RuleInfo {
    code: "DL3021",
    severity: Error,
    message: "COPY with more than 2 arguments requires the last argument to end with /",
    onbuild: false,
    default_on: true,
    doc: "With several sources the destination must be a directory ending in `/`.",
    check: Check::Copy(check),
};

/// DL3021: COPY with more than 2 arguments requires the last argument to end with /
fn check(it: &Item, c: &CopyArgs, s: &mut Sink) {
    if c.sources.len() > 1 {
        let d = drop_quotes(&c.dest);
        if c.dest.is_empty() || !d.ends_with('/') {
            s.fail_at(copy_word(it, c, c.sources.len()));
        }
    }
}
