//! DL3020: Use COPY instead of ADD for files and folders

use crate::rules::prelude::*;

/// DL3020's metadata and check.
pub(crate) static DL3020: RuleInfo = RuleInfo {
    code: "DL3020",
    severity: Error,
    message: "Use COPY instead of ADD for files and folders",
    onbuild: false,
    default_on: true,
    doc: "ADD has URL and archive magic; use COPY for plain files and directories.",
    check: Check::Add(check),
};

/// DL3020: Use COPY instead of ADD for files and folders
fn check(it: &Item, c: &CopyArgs, s: &mut Sink) {
    if let Some(i) = c.sources.iter().position(|p| !(is_archive(p) || is_url(p))) {
        s.fail_at(copy_word(it, c, i));
    }
}
