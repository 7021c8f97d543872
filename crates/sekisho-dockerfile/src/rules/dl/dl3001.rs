//! DL3001: For some bash commands it makes no sense running them in a Docker container like `ssh`,
//! `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`

use crate::rules::prelude::*;

/// DL3001's metadata and check.
pub(crate) static DL3001: RuleInfo = RuleInfo {
    code: "DL3001",
    severity: Info,
    message: "For some bash commands it makes no sense running them in a Docker container like \
              `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, \
              `ifconfig`",
    onbuild: true,
    default_on: true,
    doc: "Interactive or system-management commands (ssh, vim, shutdown, service, ps, free, top, \
          kill, mount) do nothing useful at build time.",
    check: Check::Run(check),
};

/// DL3001: For some bash commands it makes no sense running them in a Docker container...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    const BAD: &[&str] = &[
        "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
    ];
    if let Some(c) = sh.commands.iter().find(|c| BAD.contains(&c.name.as_str())) {
        s.fail_at(it.loc_cmd(c));
    }
}
