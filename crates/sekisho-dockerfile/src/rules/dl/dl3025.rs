//! DL3025: Use arguments JSON notation for CMD and ENTRYPOINT arguments

use crate::rules::prelude::*;

/// DL3025's metadata and check.
pub(crate) static DL3025: RuleInfo = RuleInfo {
    code: "DL3025",
    severity: Warning,
    message: "Use arguments JSON notation for CMD and ENTRYPOINT arguments",
    onbuild: false,
    default_on: true,
    doc: "Shell-form CMD/ENTRYPOINT runs under `/bin/sh -c`, which does not forward signals to \
          your process.",
    check: Check::Each(&[Kind::Cmd, Kind::Entrypoint, Kind::Healthcheck], check),
};

/// DL3025: Use arguments JSON notation for CMD and ENTRYPOINT arguments
fn check(it: &Item, s: &mut Sink) {
    if let Args::Cmd(CmdLine::Shell(_))
    | Args::Entrypoint(CmdLine::Shell(_))
    | Args::Healthcheck(Some(CmdLine::Shell(_))) = it.args()
    {
        s.fail(it);
    }
}
