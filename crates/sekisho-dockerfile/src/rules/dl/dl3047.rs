//! DL3047: Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or
//! consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).

use crate::rules::prelude::*;

/// DL3047's metadata and check.
pub(crate) static DL3047: RuleInfo = RuleInfo {
    code: "DL3047",
    severity: Info,
    message: "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or \
              consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).",
    onbuild: true,
    default_on: true,
    doc: "wget's default progress bar floods build logs.",
    check: Check::Run(check),
};

/// DL3047: Avoid use of wget without progress bar. Use `wget --progress=dot:giga...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        c.name == "wget"
            && !c.has_flag("progress")
            && !c.has_any_flag(&[
                "q",
                "quiet",
                "o",
                "output-file",
                "a",
                "append-output",
                "no-verbose",
            ])
            && !c.has_arg("-nv")
    }) {
        s.fail_at(it.loc_cmd(c));
    }
}
