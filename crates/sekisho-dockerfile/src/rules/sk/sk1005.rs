//! SK1005: ADD used where COPY serves (remote URL or local archive)

use crate::rules::prelude::*;

/// SK1005's metadata and check.
pub(crate) static SK1005: RuleInfo = RuleInfo {
    code: "SK1005",
    severity: Warning,
    message: "ADD used where COPY serves (remote URL or local archive)",
    onbuild: false,
    default_on: true,
    doc: "ADD with a remote URL downloads without checksum verification (use `ADD --checksum=` or \
          `curl` + verification), and ADD with a local archive silently extracts it. Prefer COPY, \
          or make the extraction explicit. CIS Docker Benchmark 4.9.",
    check: Check::Add(check),
};

/// SK1005: ADD used where COPY serves (remote URL or local archive)
fn check(it: &Item, c: &CopyArgs, s: &mut Sink) {
    if it.instr.flag("checksum").is_some() {
        return;
    }
    if let Some(i) = c
        .sources
        .iter()
        .position(|x| is_url(x) || (is_archive(x) && !x.contains("://")))
    {
        s.fail_at(copy_word(it, c, i));
    }
}
