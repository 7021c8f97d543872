//! DL3029: Do not use --platform flag with FROM

use crate::rules::prelude::*;

/// DL3029's metadata and check.
pub(crate) static DL3029: RuleInfo = RuleInfo {
    code: "DL3029",
    severity: Warning,
    message: "Do not use --platform flag with FROM",
    onbuild: false,
    default_on: true,
    doc: "A hard-coded `--platform` breaks multi-platform builds; variables such as \
          `$BUILDPLATFORM` are fine.",
    check: Check::From(check),
};

/// DL3029: Do not use --platform flag with FROM
fn check(it: &Item, f: &FromArgs, s: &mut Sink) {
    if let Some(p) = &f.platform {
        if !p.is_empty() && !p.contains('$') {
            s.fail_at(it.loc_flag("platform"));
        }
    }
}
