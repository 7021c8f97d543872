//! SK1007: Package manager cache not removed in the same RUN

use crate::rules::prelude::*;

/// SK1007's metadata and check.
pub(crate) static SK1007: RuleInfo = RuleInfo {
    code: "SK1007",
    severity: Warning,
    message: "Package manager cache not removed in the same RUN",
    onbuild: false,
    default_on: true,
    doc: "Package caches (apt lists, yum/dnf caches, apk index, pip/npm/yarn/gem caches, zypper) \
          written by a RUN stay in its layer unless removed in that same RUN or kept in a cache \
          mount. Covers apt-get, apk (without --no-cache), yum, dnf/microdnf, zypper, pip, npm, \
          yarn and gem.",
    check: Check::Run(check),
};

/// SK1007: Package manager cache not removed in the same RUN
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    let text = &sh.original;
    let rm = |pat: &str| sh.any(|c| c.name == "rm" && c.args.iter().any(|a| a.contains(pat)));
    let mut bad = false;
    if sh.any(|c| c.names_have_args(&["apt-get", "apt"], &["install"]))
        && !rm("/var/lib/apt/lists")
        && !cache_mounted(it, &["/var/lib/apt", "/var/cache/apt"])
    {
        bad = true;
    }
    if sh.any(|c| c.has_args("apk", &["add"]) && !c.has_flag("no-cache"))
        && !rm("/var/cache/apk")
        && !cache_mounted(it, &["/var/cache/apk", "/etc/apk/cache"])
    {
        bad = true;
    }
    for mgr in ["yum", "dnf", "microdnf", "zypper"] {
        if sh.any(|c| c.has_args(mgr, &["install", "in"]))
            && !sh.any(|c| c.has_args(mgr, &["clean", "cc"]))
            && !rm("/var/cache/")
            && !cache_mounted(it, &["/var/cache"])
        {
            bad = true;
        }
    }
    let pip = sh.any(|c| {
        ((c.name.starts_with("pip") && c.has_arg("install"))
            || (c.name.starts_with("python") && c.args_contain_seq(&["-m", "pip", "install"])))
            && !c.has_arg("--no-cache-dir")
    });
    if pip
        && !text.contains("PIP_NO_CACHE_DIR")
        && !rm(".cache/pip")
        && !cache_mounted(it, &["/root/.cache"])
    {
        bad = true;
    }
    if sh.any(|c| c.names_have_args(&["npm"], &["install", "ci", "i"]))
        && !sh.any(|c| c.has_args("npm", &["cache"]))
        && !rm(".npm")
        && !cache_mounted(it, &["/root/.npm"])
    {
        bad = true;
    }
    if sh.any(|c| c.has_args("yarn", &["install", "add"]))
        && !sh.any(|c| c.has_args("yarn", &["cache"]))
        && !cache_mounted(
            it,
            &[
                "/usr/local/share/.cache/yarn",
                "/root/.cache/yarn",
                "/root/.yarn",
            ],
        )
    {
        bad = true;
    }
    if sh.any(|c| c.has_args("gem", &["install"]) && !c.has_arg("--no-document"))
        && !rm("gems/cache")
        && !rm(".gem")
    {
        bad = true;
    }
    if bad {
        s.fail(it);
    }
}

fn cache_mounted(it: &Item, dirs: &[&str]) -> bool {
    match it.args() {
        Args::Run(r) => r.mounts.iter().any(|m| {
            m.kind == "cache"
                && m.target
                    .as_deref()
                    .is_some_and(|t| dirs.iter().any(|d| t.starts_with(d)))
        }),
        _ => false,
    }
}
