//! sekisho's own rules (SK1xxx): container practices hadolint lacks.

use std::collections::HashSet;

use super::general::{drop_quotes, is_archive, is_url};
use super::{Item, Sink};
use crate::parser::Args;
use crate::shell::Command;

fn looks_like_secret_value(v: &str) -> bool {
    let v = v.trim();
    v.contains("-----BEGIN") && v.contains("PRIVATE KEY")
        || (v.len() == 20
            && (v.starts_with("AKIA") || v.starts_with("ASIA"))
            && v.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        || [
            "ghp_",
            "gho_",
            "ghs_",
            "github_pat_",
            "glpat-",
            "xoxb-",
            "xoxp-",
            "sk_live_",
            "npm_",
        ]
        .iter()
        .any(|p| v.starts_with(p) && v.len() > p.len() + 15)
        || url_with_password(v)
}

fn url_with_password(v: &str) -> bool {
    let Some((_, rest)) = v.split_once("://") else {
        return false;
    };
    let auth = rest.split('/').next().unwrap_or("");
    match auth.rsplit_once('@') {
        Some((cred, _)) => cred
            .split_once(':')
            .is_some_and(|(_, p)| !p.is_empty() && !p.starts_with('$')),
        None => false,
    }
}

fn secret_name(k: &str) -> bool {
    let low = k.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "private_key",
        "access_key",
        "credential",
    ]
    .iter()
    .any(|s| low.contains(s))
        && !low.ends_with("_file")
        && !low.ends_with("_path")
}

fn literal_value(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty()
        && !v.starts_with('$')
        && !v.starts_with('/')
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "none" | "null" | "changeme" | "0" | "1"
        )
}

/// SK1001: Secret or credential in ENV/ARG/LABEL value
pub fn sk1001(items: &[Item], s: &mut Sink) {
    for it in items {
        let pairs: Vec<(String, String)> = match it.args() {
            Args::Env(p) | Args::Label(p) => p.clone(),
            Args::Arg(a) => a
                .iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
                .collect(),
            _ => continue,
        };
        if pairs
            .iter()
            .any(|(k, v)| looks_like_secret_value(v) || (secret_name(k) && literal_value(v)))
        {
            s.fail(it.line);
        }
    }
}

fn sensitive_file(p: &str) -> bool {
    let p = drop_quotes(p);
    let base = p
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(p)
        .to_ascii_lowercase();
    base == ".env"
        || (base.starts_with(".env.")
            && !base.ends_with(".example")
            && !base.ends_with(".sample")
            && !base.ends_with(".template"))
        || (base.ends_with(".env") && !base.contains('*'))
        || matches!(
            base.as_str(),
            ".npmrc"
                | ".pypirc"
                | ".netrc"
                | ".git-credentials"
                | "id_rsa"
                | "id_ed25519"
                | "id_ecdsa"
                | ".htpasswd"
                | "credentials.json"
        )
        || ((base.ends_with(".pem") || base.ends_with(".key"))
            && (base.contains("private")
                || base.contains("server")
                || base.contains("tls")
                || base.contains("ssl")
                || base == "key.pem"))
        || ["production", "staging", "development", "prod", "dev"]
            .iter()
            .any(|e| {
                base.starts_with(&format!("config.{e}."))
                    || base.starts_with(&format!("application-{e}."))
            })
}

/// SK1002: Environment file or per-environment configuration copied into the image
pub fn sk1002(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Copy(c) | Args::Add(c) = it.args() {
            if c.from.is_none()
                && c.sources
                    .iter()
                    .any(|x| !x.contains("://") && sensitive_file(x))
            {
                s.fail(it.line);
            }
        }
    }
}

/// Index of the first item of the final stage.
fn final_stage(items: &[Item]) -> Option<usize> {
    items
        .iter()
        .rposition(|i| matches!(i.args(), Args::From(_)))
}

const BUILD_TOOLS: &[&str] = &[
    "gcc",
    "g++",
    "make",
    "build-essential",
    "cmake",
    "clang",
    "golang",
    "rustc",
    "cargo",
    "maven",
    "gradle",
    "build-base",
    "autoconf",
    "automake",
    "libtool",
    "gcc-c++",
    "musl-dev",
];

fn installed_packages(c: &Command) -> Vec<&str> {
    let install = match c.name.as_str() {
        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper" => c.has_arg("install"),
        "apk" => c.has_arg("add"),
        _ => false,
    };
    if !install {
        return vec![];
    }
    c.args_no_flags()
        .into_iter()
        .filter(|a| !matches!(*a, "install" | "add"))
        .collect()
}

fn is_build_tool(p: &str) -> bool {
    let name = p.split(['=', '>', '<']).next().unwrap_or(p);
    BUILD_TOOLS.contains(&name)
        || (name.ends_with("-dev") || name.ends_with("-devel"))
            && !name.starts_with("python3-dev")
            && name.len() > 4
}

/// SK1003: Compilers or build tools installed in the final stage; consider a...
pub fn sk1003(items: &[Item], s: &mut Sink) {
    let Some(start) = final_stage(items) else {
        return;
    };
    if !items
        .iter()
        .filter(|i| matches!(i.args(), Args::From(_)))
        .nth(1)
        .map(|_| true)
        .unwrap_or(false)
        && !items[start..]
            .iter()
            .any(|i| matches!(i.args(), Args::Cmd(_) | Args::Entrypoint(_)))
    {
        // single-stage image without a command: probably a builder/base image
        return;
    }
    for it in &items[start..] {
        if let Some(sh) = &it.shell {
            let removed: HashSet<&str> = sh
                .commands
                .iter()
                .filter(|c| {
                    c.has_args("apt-get", &["purge", "remove", "autoremove"])
                        || c.has_args("apk", &["del"])
                        || c.names_have_args(&["yum", "dnf"], &["remove", "erase"])
                })
                .flat_map(|c| c.args_no_flags())
                .collect();
            if sh
                .commands
                .iter()
                .flat_map(installed_packages)
                .any(|p| is_build_tool(p) && !removed.contains(p))
                && !sh.any(|c| {
                    // bulk removal of the build dependencies in the same RUN
                    c.has_args("apk", &["del"])
                        || c.has_args("apt-get", &["purge", "autoremove", "--auto-remove"])
                        || c.has_args("apt-mark", &["auto"])
                        || c.names_have_args(
                            &["yum", "dnf", "microdnf"],
                            &["autoremove", "remove", "erase"],
                        )
                })
            {
                s.fail(it.line);
            }
        }
    }
}

/// SK1004: The final stage does not switch to a non-root USER
pub fn sk1004(items: &[Item], s: &mut Sink) {
    let Some(start) = final_stage(items) else {
        return;
    };
    let Args::From(f) = items[start].args() else {
        return;
    };
    let stage = &items[start..];
    if f.image.name == "scratch" && !stage.iter().any(|i| i.shell.is_some()) {
        return;
    }
    let windows = f.image.name.contains("windows")
        || f.image.name.contains("servercore")
        || f.image.name.contains("nanoserver")
        || stage.iter().any(|i| matches!(i.args(), Args::Shell(w) if w.first().is_some_and(|x| x.to_ascii_lowercase().contains("powershell") || x.to_ascii_lowercase().contains("cmd"))));
    if windows {
        return;
    }
    let last_user = stage.iter().rev().find_map(|i| match i.args() {
        Args::User(u) => Some((i.line, u.clone())),
        _ => None,
    });
    match last_user {
        None => s.fail(items[start].line),
        Some((l, u)) => {
            let u = u.trim();
            if u == "root" || u == "0" || u.starts_with("root:") || u.starts_with("0:") {
                s.fail(l);
            }
        }
    }
}

/// SK1005: ADD used where COPY serves (remote URL or local archive)
pub fn sk1005(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Add(c) = it.args() {
            if it.instr.flag("checksum").is_some() {
                continue;
            }
            if c.sources
                .iter()
                .any(|x| is_url(x) || (is_archive(x) && !x.contains("://")))
            {
                s.fail(it.line);
            }
        }
    }
}

/// SK1006: Base image not pinned by digest
pub fn sk1006(items: &[Item], s: &mut Sink) {
    let mut aliases = HashSet::new();
    for it in items {
        if let Args::From(f) = it.args() {
            let i = &f.image;
            if i.digest.is_none()
                && i.name != "scratch"
                && !aliases.contains(&i.name)
                && !i.raw.starts_with('$')
            {
                s.fail(it.line);
            }
            if let Some(a) = &f.alias {
                aliases.insert(a.clone());
            }
        }
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

/// SK1007: Package manager cache not removed in the same RUN
pub fn sk1007(items: &[Item], s: &mut Sink) {
    for it in items {
        let Some(sh) = &it.shell else { continue };
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
            s.fail(it.line);
        }
    }
}

/// SK1008: Avoid `upgrade`/`dist-upgrade` in a Dockerfile
pub fn sk1008(items: &[Item], s: &mut Sink) {
    for it in items {
        let Some(sh) = &it.shell else { continue };
        if sh.any(|c| {
            c.names_have_args(
                &["apt-get", "apt"],
                &["upgrade", "dist-upgrade", "full-upgrade"],
            ) || c.has_args("apk", &["upgrade"])
                || (c.names_have_args(
                    &["yum", "dnf", "microdnf"],
                    &["upgrade", "update", "distro-sync"],
                ) && c.args_no_flags().len() == 1)
        }) {
            s.fail(it.line);
        }
    }
}

/// SK1009: Piping a download straight into a shell
pub fn sk1009(items: &[Item], s: &mut Sink) {
    const SHELLS: &[&str] = &[
        "sh", "bash", "zsh", "ash", "dash", "ksh", "python", "python3", "perl", "ruby", "node",
    ];
    for it in items {
        let Some(sh) = &it.shell else { continue };
        // Look at pipelines textually through the command order: a downloader followed
        // immediately by a shell that reads stdin.
        let cmds = &sh.commands;
        let piped = sh.has_pipes
            && cmds.windows(2).any(|w| {
                matches!(w[0].name.as_str(), "curl" | "wget")
                    && SHELLS.contains(&w[1].name.rsplit('/').next().unwrap_or(""))
                    && !w[1]
                        .args
                        .iter()
                        .any(|a| !a.starts_with('-') && a != "-s" && a != "-")
            });
        let subst = cmds.iter().any(|c| {
            SHELLS.contains(&c.name.rsplit('/').next().unwrap_or(""))
                && c.raw_args.iter().any(|a| {
                    a.contains("$(curl")
                        || a.contains("$(wget")
                        || a.contains("`curl")
                        || a.contains("`wget")
                })
        });
        if piped || subst {
            s.fail(it.line);
        }
    }
}

fn bad_mode(m: &str) -> bool {
    let m = m.trim_start_matches('0');
    if m.chars().all(|c| c.is_ascii_digit()) && !m.is_empty() {
        let digits: Vec<u32> = m.chars().filter_map(|c| c.to_digit(8)).collect();
        if digits.len() != m.len() {
            return false;
        }
        let others = digits.last().copied().unwrap_or(0);
        let special = if digits.len() == 4 { digits[0] } else { 0 };
        // world-writable without the sticky bit (1777 for shared tmp dirs is fine),
        // or setuid/setgid
        return (others & 2 != 0 && special & 1 == 0) || special & 6 != 0;
    }
    m.split(',').any(|part| {
        let (who, rest) = part.split_at(part.find(['+', '=']).unwrap_or(part.len()));
        let perms = rest.get(1..).unwrap_or("");
        ((who.contains('o') || who.contains('a') || who.is_empty())
            && perms.contains('w')
            && !rest.is_empty())
            || perms.contains('s')
    })
}

/// SK1010: World-writable permissions or setuid/setgid bits
pub fn sk1010(items: &[Item], s: &mut Sink) {
    for it in items {
        let mut bad = it.instr.flag("chmod").is_some_and(bad_mode);
        if let Some(sh) = &it.shell {
            bad |= sh.any(|c| {
                c.name == "chmod" && c.args_no_flags().first().is_some_and(|m| bad_mode(m))
            });
        }
        if bad {
            s.fail(it.line);
        }
    }
}

/// SK1011: No HEALTHCHECK in the final stage
pub fn sk1011(items: &[Item], s: &mut Sink) {
    let Some(start) = final_stage(items) else {
        return;
    };
    let Args::From(f) = items[start].args() else {
        return;
    };
    let stage = &items[start..];
    if f.image.name == "scratch"
        || !stage
            .iter()
            .any(|i| matches!(i.args(), Args::Cmd(_) | Args::Entrypoint(_)))
        || stage
            .iter()
            .any(|i| matches!(i.args(), Args::Healthcheck(_)))
    {
        return;
    }
    s.fail(items[start].line);
}

/// SK1012: SSH port 22 exposed
pub fn sk1012(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Expose(ports) = it.args() {
            if ports.iter().any(|p| p.split('/').next() == Some("22")) {
                s.fail(it.line);
            }
        }
    }
}

/// SK1013: Package installation without minimal-install options
pub fn sk1013(items: &[Item], s: &mut Sink) {
    for it in items {
        let Some(sh) = &it.shell else { continue };
        if sh.any(|c| {
            (c.names_have_args(&["dnf", "yum", "microdnf"], &["install"])
                && !c.args.iter().any(|a| {
                    a.contains("install_weak_deps")
                        || a == "--nodocs"
                        || a.contains("tsflags=nodocs")
                }))
                || (c.has_args("zypper", &["install", "in"]) && !c.has_arg("--no-recommends"))
        }) {
            s.fail(it.line);
        }
    }
}

/// `ARG` defaults declared before the first `FROM`.
fn global_args(items: &[Item]) -> std::collections::HashMap<String, String> {
    let mut m = std::collections::HashMap::new();
    for it in items {
        match it.args() {
            Args::From(_) => break,
            Args::Arg(a) => {
                for (k, v) in a {
                    let v = crate::parser::expand(v.as_deref().unwrap_or(""), '\\', &|n| {
                        m.get(n).cloned()
                    });
                    m.insert(k.clone(), v);
                }
            }
            _ => {}
        }
    }
    m
}

/// SK1014: Base image uses `latest` or no tag
pub fn sk1014(items: &[Item], s: &mut Sink) {
    let globals = global_args(items);
    let mut aliases = HashSet::new();
    for it in items {
        if let Args::From(f) = it.args() {
            // Resolve `FROM $BASE` through global ARG defaults; skip what stays unknown.
            let i = if f.image.raw.contains('$') {
                let e = crate::parser::expand(&f.image.raw, '\\', &|n| globals.get(n).cloned());
                if e.is_empty() || e.contains('$') || e.starts_with(':') {
                    None
                } else {
                    Some(crate::parser::ImageRef::parse(&e))
                }
            } else {
                Some(f.image.clone())
            };
            if let Some(i) = i {
                if i.name != "scratch"
                    && !aliases.contains(&i.name)
                    && i.digest.is_none()
                    && (i.tag.is_none() || i.tag.as_deref() == Some("latest"))
                {
                    s.fail(it.line);
                }
            }
            if let Some(a) = &f.alias {
                aliases.insert(a.clone());
            }
        }
    }
}

/// SK1015: Base image from a registry outside `trustedRegistries`
pub fn sk1015(items: &[Item], s: &mut Sink) {
    let trusted = s.cfg.trusted_registries.clone();
    if trusted.is_empty() {
        return;
    }
    let mut aliases = HashSet::new();
    for it in items {
        if let Args::From(f) = it.args() {
            let i = &f.image;
            if i.name != "scratch" && !aliases.contains(&i.name) && !i.raw.starts_with('$') {
                let reg = i.registry.clone().unwrap_or_else(|| "docker.io".into());
                let ok = trusted
                    .iter()
                    .any(|t| *t == reg || (reg == "docker.io" && t == "hub.docker.com"));
                if !ok {
                    s.fail(it.line);
                }
            }
            if let Some(a) = &f.alias {
                aliases.insert(a.clone());
            }
        }
    }
}
