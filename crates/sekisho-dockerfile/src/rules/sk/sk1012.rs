//! SK1012: SSH port 22 exposed

use crate::rules::prelude::*;

/// SK1012's metadata and check.
pub(crate) static SK1012: RuleInfo = RuleInfo {
    code: "SK1012",
    severity: Warning,
    message: "SSH port 22 exposed",
    onbuild: false,
    default_on: true,
    doc: "EXPOSE 22 suggests running sshd in the container; use `docker exec` instead. CIS Docker \
          Benchmark 5.7.",
    check: Check::Each(&[Kind::Expose], check),
};

/// SK1012: SSH port 22 exposed
fn check(it: &Item, s: &mut Sink) {
    let Args::Expose(ports) = it.args() else {
        return;
    };
    if let Some(i) = ports.iter().position(|p| p.split('/').next() == Some("22")) {
        s.fail_at(it.loc_word(i));
    }
}
