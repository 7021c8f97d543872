//! DL3013: Pin versions in pip. Instead of `pip install <package>` use `pip install
//! <package>==<version>` or `pip install --requirement <requirements file>`

use crate::rules::prelude::*;

/// DL3013's metadata and check.
pub(crate) static DL3013: RuleInfo = RuleInfo {
    code: "DL3013",
    severity: Warning,
    message: "Pin versions in pip. Instead of `pip install <package>` use `pip install \
              <package>==<version>` or `pip install --requirement <requirements file>`",
    onbuild: true,
    default_on: true,
    doc: "Unpinned pip packages make builds irreproducible. Requirement files, constraints, local \
          paths, wheels and VCS URLs with `@ref` are accepted.",
    check: Check::Run(check),
};

/// DL3013: Pin versions in pip. Instead of `pip install <package>` use `pip install...
fn check(it: &Item, sh: &ParsedShell, s: &mut Sink) {
    if let Some(c) = sh.commands.iter().find(|c| {
        let constraint = c.has_flag("constraint") || c.has_flag("c");
        let reqs = c
            .args
            .iter()
            .any(|a| a == "--requirement" || a == "-r" || a == ".");
        is_pip_install(c)
            && !constraint
            && !reqs
            && pip_packages(c)
                .iter()
                .any(|p| it.unpinned(c, p, pip_version_fixed))
    }) {
        let first = pip_packages(c)
            .into_iter()
            .find(|p| it.unpinned(c, p, pip_version_fixed));
        s.fail_at(first.map_or(it.loc_cmd(c), |p| it.loc_pkg(c, p)));
    }
}

const PIP_VCS: &[&str] = &[
    "git+file",
    "git+https",
    "git+ssh",
    "git+http",
    "git+git",
    "git",
    "hg+file",
    "hg+http",
    "hg+https",
    "hg+ssh",
    "hg+static-http",
    "svn",
    "svn+svn",
    "svn+http",
    "svn+https",
    "svn+ssh",
    "bzr+http",
    "bzr+https",
    "bzr+ssh",
    "bzr+sftp",
    "bzr+ftp",
    "bzr+lp",
];

fn pip_packages(c: &Command) -> Vec<&str> {
    strip_install_prefix(c.args_no_flags_dropping(&[
        "abi",
        "b",
        "build",
        "e",
        "editable",
        "extra-index-url",
        "f",
        "find-links",
        "i",
        "index-url",
        "implementation",
        "no-binary",
        "only-binary",
        "platform",
        "prefix",
        "progress-bar",
        "proxy",
        "python",
        "root-user-action",
        "python-version",
        "root",
        "src",
        "t",
        "target",
        "trusted-host",
        "upgrade-strategy",
    ]))
}

fn pip_version_fixed(p: &str) -> bool {
    let vcs = PIP_VCS.iter().any(|v| p.starts_with(v));
    ["==", ">=", "<=", ">", "<", "!=", "~=", "==="]
        .iter()
        .any(|s| p.contains(s))
        || (vcs && p.contains('@'))
        || p.ends_with(".whl")
        || p.ends_with(".tar.gz")
        || (!vcs && p.contains('/'))
}
