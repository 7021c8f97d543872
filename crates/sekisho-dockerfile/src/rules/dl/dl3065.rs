//! DL3065: Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as this is
//! the default behavior

use crate::rules::prelude::*;

/// DL3065's metadata and check.
pub(crate) static DL3065: RuleInfo = RuleInfo {
    code: "DL3065",
    severity: Warning,
    message: "Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as this \
              is the default behavior",
    onbuild: false,
    default_on: true,
    doc: "`--platform=$TARGETPLATFORM` is the default.",
    check: Check::From(check),
};

/// DL3065: Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as...
fn check(it: &Item, f: &FromArgs, s: &mut Sink) {
    if matches!(
        f.platform.as_deref(),
        Some("$TARGETPLATFORM" | "${TARGETPLATFORM}")
    ) {
        s.fail_at(it.loc_flag("platform"));
    }
}
