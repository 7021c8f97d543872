//! SK1009: Piping a download straight into a shell

use crate::rules::prelude::*;

/// SK1009's metadata and check.
pub(crate) static SK1009: RuleInfo = RuleInfo {
    code: "SK1009",
    severity: Error,
    message: "Piping a download straight into a shell",
    onbuild: true,
    default_on: true,
    doc: "`curl ... | sh` (or wget, into sh/bash/python...) runs unverified remote code. \
          Download, verify a checksum or signature, then run.",
    check: Check::Run(check),
};

/// SK1009: Piping a download straight into a shell
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    const SHELLS: &[&str] = &[
        "sh", "bash", "zsh", "ash", "dash", "ksh", "python", "python3", "perl", "ruby", "node",
    ];
    // A downloader whose output a shell reads: the next command of the same pipeline,
    // with no script operand.
    let cmds = &sh.commands;
    let piped = sh
        .pipelines
        .iter()
        .flat_map(|p| p.windows(2))
        .filter_map(|w| Some((cmds.get(w[0])?, cmds.get(w[1])?)))
        .find(|(a, b)| {
            matches!(a.name.as_str(), "curl" | "wget")
                && SHELLS.contains(&b.name.rsplit('/').next().unwrap_or(""))
                && !b
                    .args
                    .iter()
                    .any(|a| !a.starts_with('-') && a != "-s" && a != "-")
        })
        .map(|(a, _)| a);
    let subst = cmds.iter().find(|c| {
        SHELLS.contains(&c.name.rsplit('/').next().unwrap_or(""))
            && c.raw_args.iter().any(|a| {
                a.contains("$(curl")
                    || a.contains("$(wget")
                    || a.contains("`curl")
                    || a.contains("`wget")
            })
    });
    if let Some(c) = piped.or(subst) {
        s.fail_at(it.loc_cmd(c));
    }
}
