//! DL1001: Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`.

use crate::rules::prelude::*;

/// DL1001's metadata and check.
pub(crate) static DL1001: RuleInfo = RuleInfo {
    code: "DL1001",
    severity: Ignore,
    message: "Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`.",
    onbuild: false,
    default_on: false,
    doc: "Opt-in. Reports inline ignore pragmas so that exceptions live in the config file.",
    check: Check::Each(&[Kind::Comment], check),
};

/// DL1001: Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`.
fn check(it: &Item, s: &mut Sink) {
    if let Args::Comment(c) = it.args() {
        if parse_ignore_pragma(c, false).is_some() {
            s.fail(it);
        }
    }
}
