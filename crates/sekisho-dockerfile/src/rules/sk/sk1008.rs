//! SK1008: Avoid `upgrade`/`dist-upgrade` in a Dockerfile

use crate::rules::prelude::*;

/// SK1008's metadata and check.
pub(crate) static SK1008: RuleInfo = RuleInfo {
    code: "SK1008",
    severity: Warning,
    message: "Avoid `upgrade`/`dist-upgrade` in a Dockerfile",
    onbuild: true,
    default_on: true,
    doc: "`apt-get upgrade`, `dist-upgrade`, `apk upgrade`, `yum/dnf update|upgrade` make the \
          image depend on the day of the build; update the base image instead. CIS Docker \
          Benchmark 4.7.",
    check: Check::Run(check),
};

/// SK1008: Avoid `upgrade`/`dist-upgrade` in a Dockerfile
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        c.names_have_args(
            &["apt-get", "apt"],
            &["upgrade", "dist-upgrade", "full-upgrade"],
        ) || c.has_args("apk", &["upgrade"])
            || (c.names_have_args(
                &["yum", "dnf", "microdnf"],
                &["upgrade", "update", "distro-sync"],
            ) && c.args_no_flags().len() == 1)
    }) {
        s.fail_at(it.loc_cmd(c));
    }
}
