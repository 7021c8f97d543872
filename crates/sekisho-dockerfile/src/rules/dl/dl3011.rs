//! DL3011: Valid UNIX ports range from 0 to 65535

use crate::rules::prelude::*;

/// DL3011's metadata and check.
pub(crate) static DL3011: RuleInfo = RuleInfo {
    code: "DL3011",
    severity: Error,
    message: "Valid UNIX ports range from 0 to 65535",
    onbuild: false,
    default_on: true,
    doc: "EXPOSE with a port number above 65535.",
    check: Check::Each(&[Kind::Expose], check),
};

/// DL3011: Valid UNIX ports range from 0 to 65535
fn check(it: &Item, s: &mut Sink) {
    let Args::Expose(ports) = it.args() else {
        return;
    };
    let bad = ports.iter().position(|p| {
        let p = p.split('/').next().unwrap_or("");
        let parts: Vec<&str> = p.split('-').collect();
        parts
            .iter()
            .filter_map(|x| x.parse::<u64>().ok())
            .any(|n| n > 65535)
    });
    if let Some(i) = bad {
        s.fail_at(it.loc_word(i));
    }
}
