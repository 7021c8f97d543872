//! DL3007: Using latest is prone to errors if the image will ever update. Pin the version
//! explicitly to a release tag

use crate::rules::prelude::*;

/// DL3007's metadata and check.
pub(crate) static DL3007: RuleInfo = RuleInfo {
    code: "DL3007",
    severity: Warning,
    message: "Using latest is prone to errors if the image will ever update. Pin the version \
              explicitly to a release tag",
    onbuild: false,
    default_on: true,
    doc: "The `latest` tag moves; pin a release tag (or a digest).",
    check: Check::From(check),
};

/// DL3007: Using latest is prone to errors if the image will ever update. Pin the...
fn check(it: &Item, f: &FromArgs, s: &mut Sink) {
    if f.image.tag.as_deref() == Some("latest") && f.image.digest.is_none() {
        s.fail_at(it.loc_text(0));
    }
}
