//! DL3019: Use the `--no-cache` switch to avoid the need to use `--update` and remove
//! `/var/cache/apk/*` when done installing packages

use crate::rules::prelude::*;

/// DL3019's metadata and check.
pub(crate) static DL3019: RuleInfo = RuleInfo {
    code: "DL3019",
    severity: Info,
    message: "Use the `--no-cache` switch to avoid the need to use `--update` and remove \
              `/var/cache/apk/*` when done installing packages",
    onbuild: true,
    default_on: true,
    doc: "`apk add --no-cache` keeps the index out of the layer.",
    check: Check::Run(check),
};

/// DL3019: Use the `--no-cache` switch to avoid the need to use `--update` and remove...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if cache_mount(it, &["/var/cache/apk", "/etc/apk/cache"]) {
        return;
    }
    if let Some(c) = sh
        .commands
        .iter()
        .find(|c| c.has_args("apk", &["add"]) && !c.has_flag("no-cache"))
    {
        s.fail_at(it.loc_cmd(c));
    }
}
