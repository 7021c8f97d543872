//! DL rules about package managers (pinning, caches, non-interactive flags).

use std::collections::HashMap;

use super::{Item, Sink};
use crate::parser::Args;
use crate::shell::{Command, ParsedShell};

/// Whether the RUN has a cache or tmpfs mount on one of `dirs`.
pub fn cache_mount(it: &Item, dirs: &[&str]) -> bool {
    match it.args() {
        Args::Run(r) => r.mounts.iter().any(|m| {
            (m.kind == "cache" || m.kind == "tmpfs")
                && m.target
                    .as_deref()
                    .is_some_and(|t| dirs.iter().any(|d| t.trim_end_matches('/').starts_with(d)))
        }),
        _ => false,
    }
}

fn each_run_item<F: Fn(&Item, &ParsedShell) -> bool>(items: &[Item], s: &mut Sink, bad: F) {
    for it in items {
        if let Some(sh) = &it.shell {
            if bad(it, sh) {
                s.fail(it.line);
            }
        }
    }
}

fn each_run<F: Fn(&ParsedShell) -> bool>(items: &[Item], s: &mut Sink, bad: F) {
    for it in items {
        if let Some(sh) = &it.shell {
            if bad(sh) {
                s.fail(it.line);
            }
        }
    }
}

/// Whether an argument came from a variable or command substitution.
fn is_dynamic(a: &str) -> bool {
    a.contains("${VAR}")
}

/// `apt-get install` package arguments (`-t/--target-release` values dropped).
pub fn apt_packages(c: &Command) -> Vec<&str> {
    if !c.has_args("apt-get", &["install"]) {
        return vec![];
    }
    c.args_no_flags_dropping(&["t", "target-release", "o", "option", "c", "config-file"])
        .into_iter()
        .filter(|a| *a != "install")
        .collect()
}

/// DL3008: Pin versions in apt get install. Instead of `apt-get install <package>` use...
pub fn dl3008(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.commands
            .iter()
            .flat_map(apt_packages)
            .any(|p| !(p.contains('=') || p.contains('/') || p.ends_with(".deb") || is_dynamic(p)))
    });
}

/// DL3014: Use the `-y` switch to avoid manual input `apt-get -y install <package>`
pub fn dl3014(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.any(|c| {
            let quiet = c
                .flags
                .iter()
                .filter(|(f, _)| f == "q" || f == "quiet")
                .count()
                + c.args
                    .iter()
                    .filter(|a| *a == "-q=2" || *a == "--quiet=2")
                    .count();
            c.has_args("apt-get", &["install"])
                && !c.has_any_flag(&["y", "yes", "assume-yes"])
                && quiet < 2
        })
    });
}

/// DL3015: Avoid additional packages by specifying `--no-install-recommends`
pub fn dl3015(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.any(|c| {
            c.has_args("apt-get", &["install"])
                && !c.has_flag("no-install-recommends")
                && !c.args.iter().any(|a| {
                    a.trim_start_matches("-o")
                        .eq_ignore_ascii_case("APT::Install-Recommends=false")
                        || a.trim_start_matches("-o") == "APT::Install-Recommends=0"
                })
        })
    });
}

fn is_pip_install(c: &Command) -> bool {
    (c.name.starts_with("pip") && !c.name.starts_with("pipenv") && c.has_arg("install"))
        || (c.name.starts_with("python") && c.args_contain_seq(&["-m", "pip", "install"]))
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

fn strip_install_prefix(v: Vec<&str>) -> Vec<&str> {
    v.into_iter()
        .skip_while(|a| *a != "install")
        .skip_while(|a| *a == "install")
        .collect()
}

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

/// DL3013: Pin versions in pip. Instead of `pip install <package>` use `pip install...
pub fn dl3013(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.any(|c| {
            let constraint = c.has_flag("constraint") || c.has_flag("c");
            let reqs = c
                .args
                .iter()
                .any(|a| a == "--requirement" || a == "-r" || a == ".");
            is_pip_install(c)
                && !constraint
                && !reqs
                && !pip_packages(c).iter().all(|p| pip_version_fixed(p))
        })
    });
}

/// DL3042: Avoid use of cache directory with pip. Use `pip install --no-cache-dir...
pub fn dl3042(items: &[Item], s: &mut Sink) {
    const TRUTHY: &[&str] = &[
        "1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES",
    ];
    let mut current: Option<String> = None;
    let mut no_cache: HashMap<Option<String>, bool> = HashMap::new();
    for it in items {
        match it.args() {
            Args::From(f) => {
                let stage = f.alias.clone().unwrap_or_else(|| f.image.name.clone());
                let parent = no_cache
                    .get(&Some(f.image.name.clone()))
                    .copied()
                    .unwrap_or(false);
                no_cache.insert(Some(stage.clone()), parent);
                current = Some(stage);
            }
            Args::Env(pairs) => {
                if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "PIP_NO_CACHE_DIR") {
                    if TRUTHY.contains(&v.as_str()) {
                        no_cache.insert(current.clone(), true);
                    }
                }
            }
            Args::Run(_) => {
                if no_cache.get(&current).copied().unwrap_or(false)
                    || cache_mount(it, &["/root/.cache/pip", "/root/.cache"])
                {
                    continue;
                }
                let Some(sh) = &it.shell else { continue };
                if let Some(pos) = sh.original.find("PIP_NO_CACHE_DIR=") {
                    let rest = &sh.original[pos + "PIP_NO_CACHE_DIR=".len()..];
                    if TRUTHY.iter().any(|t| rest.starts_with(t)) {
                        continue;
                    }
                }
                let bad = sh.any(|c| {
                    let wrapper = ["pipx", "pipenv"].iter().any(|w| {
                        c.name.contains(w)
                            || (c.name.starts_with("python") && c.args_contain_seq(&["-m", w]))
                    });
                    is_pip_install(c) && !c.has_arg("--no-cache-dir") && !wrapper
                });
                if bad {
                    s.fail(it.line);
                }
            }
            _ => {}
        }
    }
}

/// DL3016: Pin versions in npm. Instead of `npm install <package>` use `npm install...
pub fn dl3016(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.any(|c| {
            if !c.has_args("npm", &["install"]) {
                return false;
            }
            let nf = c.args_no_flags_dropping(NPM_VALUE_FLAGS);
            if nf.first() != Some(&"install") {
                return false;
            }
            let pkgs = strip_install_prefix(nf);
            !pkgs.iter().all(|p| npm_version_fixed(p))
        })
    });
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

fn apk_packages(c: &Command) -> Vec<&str> {
    if !c.has_args("apk", &["add"]) {
        return vec![];
    }
    c.args_no_flags_dropping(&["t", "virtual", "repository", "X"])
        .into_iter()
        .filter(|a| *a != "add")
        .collect()
}

/// DL3018: Pin versions in apk add. Instead of `apk add <package>` use `apk add...
pub fn dl3018(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.commands.iter().flat_map(apk_packages).any(|p| {
            !(p.contains('=')
                || p.contains('~')
                || p.contains('<')
                || p.contains('>')
                || p.ends_with(".apk"))
        })
    });
}

/// DL3019: Use the `--no-cache` switch to avoid the need to use `--update` and remove...
pub fn dl3019(items: &[Item], s: &mut Sink) {
    for it in items {
        let Some(sh) = &it.shell else { continue };
        if cache_mount(it, &["/var/cache/apk", "/etc/apk/cache"]) {
            continue;
        }
        if sh.any(|c| c.has_args("apk", &["add"]) && !c.has_flag("no-cache")) {
            s.fail(it.line);
        }
    }
}

/// DL3028: Pin versions in gem install. Instead of `gem install <gem>` use `gem install...
pub fn dl3028(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.commands.iter().any(|c| {
            c.has_args("gem", &["install", "i"])
                && !c.has_arg("-v")
                && !c.has_arg("--version")
                && !c.has_prefix_arg("gem", "--version=")
                && c.args_no_flags()
                    .iter()
                    .take_while(|a| **a != "--")
                    .filter(|a| !matches!(**a, "install" | "i" | "true" | "false"))
                    .any(|a| !a.contains(':'))
        })
    });
}

/// DL3030: Use the -y switch to avoid manual input `yum install -y <package`
pub fn dl3030(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.any(|c| {
            c.has_args("yum", &["install", "groupinstall", "localinstall"])
                && !c.has_any_flag(&["y", "assumeyes"])
        })
    });
}

/// DL3032: `yum clean all` missing after yum command.
pub fn dl3032(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        let inst = sh.find_index(|c| c.has_args("yum", &["install"]));
        let clean = sh.find_index(|c| {
            c.has_args("yum", &["clean", "all"])
                || c.has_args("rm", &["/var/cache/yum/*", "/var/cache/yum"])
        });
        inst.is_some_and(|i| clean.is_none_or(|c| c < i))
    });
}

fn install_filter<'a>(c: &'a Command, names: &[&str]) -> Vec<&'a str> {
    if !c.names_have_args(names, &["install"]) {
        return vec![];
    }
    c.args_no_flags()
        .into_iter()
        .filter(|a| *a != "install" && *a != "module")
        .collect()
}

/// DL3033: Specify version with `yum install -y <package>-<version>`.
pub fn dl3033(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.commands.iter().any(|c| {
            let module = c.has_args("yum", &["module"]);
            install_filter(c, &["yum"]).iter().any(|p| {
                if module {
                    !p.contains(':')
                } else {
                    !(p.contains('-') || p.ends_with(".rpm"))
                }
            })
        })
    });
}

/// DL3034: Non-interactive switch missing from `zypper` command: `zypper install -y`
pub fn dl3034(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.any(|c| {
            c.has_args(
                "zypper",
                &[
                    "install",
                    "in",
                    "remove",
                    "rm",
                    "source-install",
                    "si",
                    "patch",
                ],
            ) && !c.has_any_flag(&["no-confirm", "y", "n", "non-interactive"])
        })
    });
}

/// DL3035: Do not use `zypper dist-upgrade`.
pub fn dl3035(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.any(|c| c.has_args("zypper", &["dist-upgrade", "dup"]))
    });
}

/// DL3036: `zypper clean` missing after zypper use.
pub fn dl3036(items: &[Item], s: &mut Sink) {
    each_run_item(items, s, |it, sh| {
        if cache_mount(it, &["/var/cache/zypp"]) {
            return false;
        }
        let inst = sh.find_index(|c| c.has_args("zypper", &["install", "in"]));
        let clean = sh.find_index(|c| c.has_args("zypper", &["clean", "cc"]));
        match (inst, clean) {
            (None, _) => false,
            (Some(i), Some(c)) => i >= c,
            (Some(_), None) => true,
        }
    });
}

/// DL3037: Specify version with `zypper install -y <package>=<version>`.
pub fn dl3037(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.commands.iter().any(|c| {
            c.has_args("zypper", &["install", "in"])
                && c.args_no_flags()
                    .iter()
                    .filter(|a| **a != "install" && **a != "in")
                    .any(|p| {
                        !(p.contains('=')
                            || p.contains('>')
                            || p.contains('<')
                            || p.ends_with(".rpm"))
                    })
        })
    });
}

const DNF: &[&str] = &["dnf", "microdnf"];

/// DL3038: Use the -y switch to avoid manual input `dnf install -y <package>`
pub fn dl3038(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.any(|c| {
            c.names_have_args(DNF, &["install", "groupinstall", "localinstall"])
                && !c.has_any_flag(&["y", "assumeyes"])
        })
    });
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

/// DL3040: `dnf clean all` missing after dnf command.
pub fn dl3040(items: &[Item], s: &mut Sink) {
    each_run_item(items, s, |it, sh| {
        if cache_mount(
            it,
            &["/var/cache/libdnf5", "/var/cache/dnf", "/var/cache/yum"],
        ) {
            return false;
        }
        DNF.iter().any(|name| {
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
            inst.is_some_and(|i| clean.is_none_or(|c| c < i))
        })
    });
}

fn dnf_version_fixed(p: &str) -> bool {
    let parts: Vec<&str> = p.split('-').collect();
    if parts.len() <= 1 {
        return false;
    }
    if p.ends_with(".rpm") {
        return true;
    }
    let rest = &parts[1..];
    rest.iter().all(|x| {
        x.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
    }) && rest
        .iter()
        .any(|x| x.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

/// Expands `$name`/`${name}`/`${name:-default}` with known values; `None` if a
/// variable is unknown.
pub fn expand_vars(raw: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(p) = rest.find('$') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let (name, default, consumed) = if let Some(b) = after.strip_prefix('{') {
            let end = b.find('}')?;
            let inner = &b[..end];
            let (n, d) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            (n.to_string(), d.map(str::to_string), end + 2)
        } else {
            let n: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if n.is_empty() {
                out.push('$');
                rest = after;
                continue;
            }
            let l = n.len();
            (n, None, l)
        };
        match vars.get(&name).cloned().or(default) {
            Some(v) => out.push_str(&v),
            None => return None,
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    Some(crate::parser::unquote(&out))
}

/// DL3041: Specify version with `dnf install -y <package>-<version>`.
pub fn dl3041(items: &[Item], s: &mut Sink) {
    // ARG values are visible everywhere after their definition; ENV values follow the
    // stage lineage.
    let mut args: HashMap<String, String> = HashMap::new();
    let mut stage_env: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut env: HashMap<String, String> = HashMap::new();
    let mut stage: Option<String> = None;
    for it in items {
        match it.args() {
            Args::From(f) => {
                if let Some(st) = &stage {
                    stage_env.insert(st.clone(), env.clone());
                }
                env = stage_env.get(&f.image.name).cloned().unwrap_or_default();
                stage = Some(f.alias.clone().unwrap_or_else(|| f.image.name.clone()));
            }
            Args::Arg(a) => {
                for (k, v) in a {
                    args.insert(k.clone(), v.clone().unwrap_or_default());
                }
            }
            Args::Env(p) => {
                for (k, v) in p {
                    env.insert(k.clone(), v.clone());
                }
            }
            _ => {}
        }
        let Some(sh) = &it.shell else { continue };
        let mut vars = args.clone();
        vars.extend(env.clone());
        let bad = sh.commands.iter().any(|c| {
            if !c.names_have_args(DNF, &["install"]) {
                return false;
            }
            let module = c.names_have_args(DNF, &["module"]);
            let group = c.names_have_args(DNF, &["module", "group"]);
            c.nf_indices(&[]).into_iter().any(|i| {
                let p = c.args[i].as_str();
                if p == "install" || p == "module" {
                    return false;
                }
                if module {
                    !p.contains(':')
                } else if group {
                    false
                } else if p.contains("${VAR}") {
                    match expand_vars(&c.raw_args[i], &vars) {
                        Some(e) => !dnf_version_fixed(&e),
                        None => true,
                    }
                } else {
                    !dnf_version_fixed(p)
                }
            })
        });
        if bad {
            s.fail(it.line);
        }
    }
}

/// DL3060: `yarn cache clean` missing after `yarn install` was run.
pub fn dl3060(items: &[Item], s: &mut Sink) {
    // Like DL3009: only the final stage and stages used as a base are reported.
    let mut last_from: super::StageRef = super::initial_stage();
    let mut used: std::collections::HashSet<String> = Default::default();
    let mut bad: Vec<(usize, super::StageRef)> = vec![];
    for it in items {
        if let Args::From(f) = it.args() {
            used.insert(f.image.name.clone());
            last_from = super::stage_ref(f);
            continue;
        }
        let Some(sh) = &it.shell else { continue };
        if cache_mount(
            it,
            &[
                "/root/.cache/yarn",
                "/usr/local/share/.cache/yarn",
                "/root/.yarn",
            ],
        ) {
            continue;
        }
        let inst = sh.find_index(|c| c.has_args("yarn", &["install"]));
        let clean = sh.find_index(|c| c.name == "yarn" && c.args_contain_seq(&["cache", "clean"]));
        if inst.is_some_and(|i| clean.is_none_or(|c| c < i)) {
            bad.push((it.line, last_from.clone()));
        }
    }
    for (line, from) in bad {
        if from == last_from || from.1.as_ref().is_some_and(|a| used.contains(a)) {
            s.fail(line);
        }
    }
}

fn go_pinned(p: &str) -> bool {
    if p.starts_with('/') || p.starts_with("./") || p.starts_with("../") || p == "." {
        return true;
    }
    match p.rsplit_once('@') {
        Some((_, v)) => v != "latest" && !v.is_empty(),
        None => false,
    }
}

/// DL3062: Pin versions in go. Instead of `go install <package>` use `go install...
pub fn dl3062(items: &[Item], s: &mut Sink) {
    each_run(items, s, |sh| {
        sh.commands.iter().any(|c| {
            if c.name != "go" {
                return false;
            }
            let nf = c.args_no_flags();
            let Some(sub) = nf.first() else { return false };
            match *sub {
                "install" | "get" => nf[1..].iter().any(|p| !go_pinned(p)),
                "run" => nf.get(1).is_some_and(|p| !go_pinned(p)),
                _ => false,
            }
        })
    });
}
