//! DL3015: Avoid additional packages by specifying `--no-install-recommends`

use crate::rules::prelude::*;

/// DL3015's metadata and check.
pub(crate) static DL3015: RuleInfo = RuleInfo {
    code: "DL3015",
    severity: Info,
    message: "Avoid additional packages by specifying `--no-install-recommends`",
    onbuild: true,
    default_on: true,
    doc: "Recommended packages bloat the image. `-o APT::Install-Recommends=false` is accepted \
          too.",
    check: Check::Run(check),
};

/// DL3015: Avoid additional packages by specifying `--no-install-recommends`
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        c.has_args("apt-get", &["install"])
            && !c.has_flag("no-install-recommends")
            && !c.args.iter().any(|a| {
                a.trim_start_matches("-o")
                    .eq_ignore_ascii_case("APT::Install-Recommends=false")
                    || a.trim_start_matches("-o") == "APT::Install-Recommends=0"
            })
    }) {
        s.fail_at(it.loc_cmd(c));
    }
}
