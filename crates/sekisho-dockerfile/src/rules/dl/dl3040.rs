//! DL3040: `dnf clean all` missing after dnf command.

use crate::rules::prelude::*;

/// DL3040's metadata and check.
pub(crate) static DL3040: RuleInfo = RuleInfo {
    code: "DL3040",
    severity: Warning,
    message: "`dnf clean all` missing after dnf command.",
    onbuild: true,
    default_on: true,
    doc: "Clean the dnf cache in the same RUN, after installing.",
    check: Check::Run(check),
};

/// DL3040: `dnf clean all` missing after dnf command.
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if cache_mount(
        it,
        &["/var/cache/libdnf5", "/var/cache/dnf", "/var/cache/yum"],
    ) {
        return;
    }
    let bad = DNF.iter().find_map(|name| {
        let inst = sh.find_index(|c| c.has_args(name, DNF_INSTALLS));
        let clean = sh.find_index(|c| {
            c.has_args(name, &["clean"])
                || (c.name == "rm"
                    && c.args.iter().any(|a| {
                        a.starts_with("/var/cache/yum")
                            || a.starts_with("/var/cache/dnf")
                            || a.starts_with("/var/cache/libdnf5")
                    }))
        });
        inst.filter(|i| clean.is_none_or(|c| c < *i))
    });
    if let Some(i) = bad {
        s.fail_at(it.loc_cmd(&sh.commands[i]));
    }
}

/// dnf subcommands that fill the package cache.
const DNF_INSTALLS: &[&str] = &[
    "install",
    "in",
    "upgrade",
    "up",
    "up-min",
    "upgrade-minimal",
    "update",
    "reinstall",
    "rei",
    "groupinstall",
    "localinstall",
    "distro-sync",
    "downgrade",
];
