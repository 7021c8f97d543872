//! DL3016: Pin versions in npm. Instead of `npm install <package>` use `npm install
//! <package>@<version>`

use crate::rules::prelude::*;

/// DL3016's metadata and check.
pub(crate) static DL3016: RuleInfo = RuleInfo {
    code: "DL3016",
    severity: Warning,
    message: "Pin versions in npm. Instead of `npm install <package>` use `npm install \
              <package>@<version>`",
    onbuild: true,
    default_on: true,
    doc: "Unpinned global npm packages make builds irreproducible.",
    check: Check::Run(check),
};

/// DL3016: Pin versions in npm. Instead of `npm install <package>` use `npm install...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        if !c.has_args("npm", &["install"]) {
            return false;
        }
        let nf = c.args_no_flags_dropping(NPM_VALUE_FLAGS);
        if nf.first() != Some(&"install") {
            return false;
        }
        let pkgs = strip_install_prefix(nf);
        pkgs.iter().any(|p| it.unpinned(c, p, npm_version_fixed))
    }) {
        let pkgs = strip_install_prefix(c.args_no_flags_dropping(NPM_VALUE_FLAGS));
        let first = pkgs
            .into_iter()
            .find(|p| it.unpinned(c, p, npm_version_fixed));
        s.fail_at(first.map_or(it.loc_cmd(c), |p| it.loc_pkg(c, p)));
    }
}

/// npm options that take a separate value.
const NPM_VALUE_FLAGS: &[&str] = &[
    "loglevel",
    "registry",
    "prefix",
    "cache",
    "userconfig",
    "globalconfig",
    "tag",
    "otp",
    "workspace",
    "w",
    "scope",
    "omit",
    "include",
    "install-strategy",
    "save-prefix",
];

fn npm_version_fixed(p: &str) -> bool {
    if ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|g| p.starts_with(g))
    {
        return p.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"].iter().any(|e| p.ends_with(e)) {
        return true;
    }
    if ["/", "./", "../", "~/"].iter().any(|e| p.starts_with(e)) {
        return true;
    }
    let unscoped = if p.starts_with('@') {
        p.split_once('/').map(|x| x.1).unwrap_or("")
    } else {
        p
    };
    unscoped.contains('@')
}
