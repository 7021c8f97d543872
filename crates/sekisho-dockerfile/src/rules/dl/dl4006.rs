//! DL4006: Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh
//! in an alpine image or if your shell is symlinked to busybox then consider explicitly setting
//! your SHELL to /bin/ash, or disable this check

use crate::rules::prelude::*;

/// DL4006's metadata and check.
pub(crate) static DL4006: RuleInfo = RuleInfo {
    code: "DL4006",
    severity: Warning,
    message: "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using \
              /bin/sh in an alpine image or if your shell is symlinked to busybox then consider \
              explicitly setting your SHELL to /bin/ash, or disable this check",
    onbuild: false,
    default_on: true,
    doc: "Without pipefail a failing command before `|` is hidden. Set `SHELL [\"/bin/bash\", \
          \"-o\", \"pipefail\", \"-c\"]` (any path to bash, zsh or ash is accepted; PowerShell \
          and cmd are exempt).",
    check: Check::Fold(check),
};

/// DL4006: Set the SHELL option -o pipefail before RUN with a pipe in it. If you are...
fn check(items: &[Item], s: &mut Sink) {
    let mut ok = false;
    for it in items {
        match it.args() {
            Args::From(_) => ok = false,
            Args::Shell(words) => {
                let text = words.join(" ");
                if NON_POSIX.iter().any(|p| text.starts_with(p)) {
                    ok = true;
                } else {
                    let sh = crate::shell::parse_shell(&text);
                    ok = sh.any(sets_pipefail);
                }
            }
            Args::Run(r) => {
                if ok {
                    continue;
                }
                if matches!(r.cmd, CmdLine::Exec(_) | CmdLine::Shell(_)) {
                    if let Some(sh) = &it.shell {
                        if sh.has_pipes {
                            s.fail(it);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Shells whose SHELL instruction disables the pipefail check.
const NON_POSIX: &[&str] = &["pwsh", "powershell", "cmd"];

fn shell_basename(n: &str) -> &str {
    n.rsplit('/').next().unwrap_or(n)
}

/// Whether a command enables pipefail (`bash -o pipefail`, also zsh/ash).
fn sets_pipefail(c: &Command) -> bool {
    matches!(shell_basename(&c.name), "bash" | "zsh" | "ash")
        && c.has_flag("o")
        && c.args.iter().any(|a| a == "pipefail")
}
