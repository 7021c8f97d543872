//! SK1013: Package installation without minimal-install options

use crate::rules::prelude::*;

/// SK1013's metadata and check.
pub(crate) static SK1013: RuleInfo = RuleInfo {
    code: "SK1013",
    severity: Info,
    message: "Package installation without minimal-install options",
    onbuild: true,
    default_on: true,
    doc: "Install only what is needed: `apt-get install --no-install-recommends`, `apk add \
          --no-cache`, `dnf/yum install --setopt=install_weak_deps=False` (or `--nodocs`), \
          `zypper install --no-recommends`.",
    check: Check::Run(check),
};

/// SK1013: Package installation without minimal-install options
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        (c.names_have_args(&["dnf", "yum", "microdnf"], &["install"])
            && !c.args.iter().any(|a| {
                a.contains("install_weak_deps") || a == "--nodocs" || a.contains("tsflags=nodocs")
            }))
            || (c.has_args("zypper", &["install", "in"]) && !c.has_arg("--no-recommends"))
    }) {
        s.fail_at(it.loc_cmd(c));
    }
}
