//! DL rules about what `RUN` does (besides package managers).

use std::collections::{BTreeSet, HashSet};

use super::general::{drop_quotes, is_archive};
use super::{Item, Sink};
use crate::parser::{Args, CmdLine};
use crate::shell::{parse_shell, Command};

fn shells<'a>(
    items: &'a [Item<'a>],
) -> impl Iterator<Item = (&'a Item<'a>, &'a crate::shell::ParsedShell)> {
    items
        .iter()
        .filter_map(|it| it.shell.as_ref().map(|s| (it, s)))
}

/// DL3001: For some bash commands it makes no sense running them in a Docker container...
pub fn dl3001(items: &[Item], s: &mut Sink) {
    const BAD: &[&str] = &[
        "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
    ];
    for (it, sh) in shells(items) {
        if sh.any(|c| BAD.contains(&c.name.as_str())) {
            s.fail(it.line);
        }
    }
}

/// DL3003: Use WORKDIR to switch to a directory
pub fn dl3003(items: &[Item], s: &mut Sink) {
    for (it, sh) in shells(items) {
        if sh.using_program("cd") {
            s.fail(it.line);
        }
    }
}

/// DL3004: Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu...
pub fn dl3004(items: &[Item], s: &mut Sink) {
    for (it, sh) in shells(items) {
        if sh.using_program("sudo") {
            s.fail(it.line);
        }
    }
}

/// DL3027: Do not use apt as it is meant to be an end-user tool, use apt-get or...
pub fn dl3027(items: &[Item], s: &mut Sink) {
    for (it, sh) in shells(items) {
        if sh.using_program("apt") {
            s.fail(it.line);
        }
    }
}

/// DL3009: Delete the apt lists (/var/lib/apt/lists) after installing something
pub fn dl3009(items: &[Item], s: &mut Sink) {
    // (from line, alias) of the current stage; None before the first FROM
    let mut last_from: super::StageRef = super::initial_stage();
    let mut used_as_base: HashSet<String> = HashSet::new();
    let mut forgets: Vec<(usize, super::StageRef)> = vec![];
    for it in items {
        match it.args() {
            Args::From(f) => {
                used_as_base.insert(f.image.name.clone());
                last_from = super::stage_ref(f);
            }
            Args::Run(r) => {
                let Some(sh) = &it.shell else { continue };
                let update =
                    sh.any(|c| c.names_have_args(&["apt-get", "apt", "aptitude"], &["update"]));
                let cleanup = sh.any(|c| c.has_args("rm", &["-rf", "/var/lib/apt/lists/*"]));
                if !update || cleanup {
                    continue;
                }
                let cache = |dir: &str| {
                    r.mounts.iter().any(|m| {
                        (m.kind == "cache" || m.kind == "tmpfs")
                            && m.target.as_deref().is_some_and(|t| t.starts_with(dir))
                    })
                };
                if cache("/var/lib/apt/lists") || (cache("/var/lib/apt") && cache("/var/cache/apt"))
                {
                    continue;
                }
                forgets.push((it.line, last_from.clone()));
            }
            _ => {}
        }
    }
    for (line, from) in forgets {
        let fail = from == last_from || from.1.as_ref().is_some_and(|a| used_as_base.contains(a));
        if fail {
            s.fail(line);
        }
    }
}

fn basename(p: &str) -> &str {
    let p = drop_quotes(p);
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

/// DL3010: Use ADD for extracting archives into an image
pub fn dl3010(items: &[Item], s: &mut Sink) {
    let mut archives: BTreeSet<(usize, String)> = BTreeSet::new();
    let mut extracted: BTreeSet<(usize, String)> = BTreeSet::new();
    for it in items {
        match it.args() {
            Args::From(_) => {
                // hadolint restarts the whole state (earlier findings included) at FROM
                archives.clear();
                extracted.clear();
            }
            Args::Copy(c) if c.from.is_none() => {
                if is_archive(&c.dest) {
                    archives.insert((it.line, basename(&c.dest).to_string()));
                } else {
                    for src in &c.sources {
                        if is_archive(basename(src)) {
                            archives.insert((it.line, basename(src).to_string()));
                        }
                    }
                }
            }
            Args::Run(_) => {
                let Some(sh) = &it.shell else { continue };
                for a in &archives {
                    let hit = sh.any(|c| {
                        let is_tar = c.name == "tar"
                            && c.args.iter().any(|f| {
                                f == "--extract"
                                    || f == "--get"
                                    || (f.starts_with('-')
                                        && !f.starts_with("--")
                                        && f.contains('x'))
                            });
                        let is_unzip = matches!(
                            c.name.as_str(),
                            "unzip"
                                | "gunzip"
                                | "bunzip2"
                                | "unlzma"
                                | "unxz"
                                | "zgz"
                                | "uncompress"
                                | "zcat"
                                | "gzcat"
                        );
                        (is_tar || is_unzip) && c.args_no_flags().iter().any(|x| basename(x) == a.1)
                    });
                    if hit {
                        extracted.insert(a.clone());
                    }
                }
            }
            _ => {}
        }
    }
    for e in &extracted {
        s.fail(e.0);
    }
}

/// DL3046: `useradd` without flag `-l` and high UID will result in excessively large Image.
pub fn dl3046(items: &[Item], s: &mut Sink) {
    for (it, sh) in shells(items) {
        if sh.any(|c| {
            c.name == "useradd"
                && !c.has_any_flag(&["l", "no-log-init"])
                && c.has_any_flag(&["u", "uid"])
                && c.flag_args("u").iter().any(|u| u.chars().count() > 5)
        }) {
            s.fail(it.line);
        }
    }
}

/// DL3047: Avoid use of wget without progress bar. Use `wget --progress=dot:giga...
pub fn dl3047(items: &[Item], s: &mut Sink) {
    for (it, sh) in shells(items) {
        if sh.any(|c| {
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
            s.fail(it.line);
        }
    }
}

fn run_flags_key(it: &Item) -> Vec<String> {
    let mut v: Vec<String> = it
        .instr
        .flags
        .iter()
        .filter(|f| matches!(f.name.as_str(), "mount" | "network" | "security"))
        .map(|f| format!("{}={}", f.name, f.value.clone().unwrap_or_default()))
        .collect();
    v.sort();
    v
}

/// DL3059: Multiple consecutive `RUN` instructions. Consider consolidation.
pub fn dl3059(items: &[Item], s: &mut Sink) {
    let mut state: Option<(Vec<String>, usize)> = None;
    for it in items {
        match it.args() {
            Args::Run(_) => {
                // hadolint counts the commands ShellCheck parsed; an unparsable body has none
                let n = it
                    .shell
                    .as_ref()
                    .filter(|s| s.parsed)
                    .map(|s| s.commands.len())
                    .unwrap_or(0);
                let fl = run_flags_key(it);
                match &state {
                    Some((f, cnt)) if *f == fl && n <= 1 && *cnt <= 1 => s.fail(it.line),
                    _ => {}
                }
                state = Some((fl, n));
            }
            Args::Comment(_) => {}
            _ => state = None,
        }
    }
}

/// DL4001: Either use Wget or Curl but not both
pub fn dl4001(items: &[Item], s: &mut Sink) {
    let mut seen: BTreeSet<u8> = BTreeSet::new();
    for it in items {
        match it.args() {
            Args::From(_) => seen.clear(),
            Args::Run(_) => {
                let Some(sh) = &it.shell else { continue };
                let new: BTreeSet<u8> = sh
                    .commands
                    .iter()
                    .filter_map(|c| match c.name.as_str() {
                        "curl" => Some(0),
                        "wget" => Some(1),
                        _ => None,
                    })
                    .collect();
                seen.extend(new.iter().copied());
                if !new.is_empty() && seen.len() >= 2 {
                    s.fail(it.line);
                }
            }
            _ => {}
        }
    }
}

/// DL4005: Use SHELL to change the default shell
pub fn dl4005(items: &[Item], s: &mut Sink) {
    for (it, sh) in shells(items) {
        if sh.any(|c| c.has_args("ln", &["/bin/sh"])) {
            s.fail(it.line);
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

/// DL4006: Set the SHELL option -o pipefail before RUN with a pipe in it. If you are...
pub fn dl4006(items: &[Item], s: &mut Sink) {
    let mut ok = false;
    for it in items {
        match it.args() {
            Args::From(_) => ok = false,
            Args::Shell(words) => {
                let text = words.join(" ");
                if NON_POSIX.iter().any(|p| text.starts_with(p)) {
                    ok = true;
                } else {
                    let sh = parse_shell(&text);
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
                            s.fail(it.line);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
