//! DL3063: Stage name is reserved. Do not use `scratch` or `context` as a stage name.

use crate::rules::prelude::*;

/// DL3063's metadata and check.
pub(crate) static DL3063: RuleInfo = RuleInfo {
    code: "DL3063",
    severity: Error,
    message: "Stage name is reserved. Do not use `scratch` or `context` as a stage name.",
    onbuild: false,
    default_on: true,
    doc: "`scratch` and `context` have special meaning in BuildKit and cannot name stages.",
    check: Check::From(check),
};

/// DL3063: Stage name is reserved. Do not use `scratch` or `context` as a stage name.
fn check(it: &Item, f: &FromArgs, s: &mut Sink) {
    if let Some(a) = &f.alias {
        if matches!(a.to_ascii_lowercase().as_str(), "scratch" | "context") {
            // `FROM image AS alias`: the alias is the third word
            s.fail_at(it.loc_word(2));
        }
    }
}
