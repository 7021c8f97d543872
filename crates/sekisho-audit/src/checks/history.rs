//! Checks on the build history: each `created_by` is parsed (instruction, then the shell
//! commands of a `RUN`), never matched as a flat string.

use sekisho_image::ImageConfig;

use super::*;
use crate::finding::{AuditFinding, Finding};
use crate::shell::{is_shell, parse_created_by, Script, SimpleCommand, Step};

/// One history entry with the layer it produced (if any) and its parsed form.
#[derive(Debug, Clone)]
pub struct HistoryStep {
    /// Index in the config's `history`.
    pub index: usize,
    /// The layer it produced (`None` for `empty_layer` entries, or when the history has more
    /// layer-producing entries than the image has layers).
    pub layer: Option<usize>,
    /// The raw `created_by`.
    pub created_by: String,
    /// Parsed form.
    pub step: Step,
}

/// Parse every history entry and map the non-empty ones to layers in order.
pub fn steps(config: &ImageConfig, layer_count: usize) -> Vec<HistoryStep> {
    let mut next_layer = 0usize;
    config
        .history
        .iter()
        .enumerate()
        .map(|(index, h)| {
            let layer = if h.empty_layer {
                None
            } else {
                let l = next_layer;
                next_layer += 1;
                (l < layer_count).then_some(l)
            };
            HistoryStep {
                index,
                layer,
                created_by: h.created_by.clone(),
                step: parse_created_by(&h.created_by),
            }
        })
        .collect()
}

fn short(text: &str) -> String {
    let t = text.trim();
    if t.chars().count() > 160 {
        let cut: String = t.chars().take(157).collect();
        format!("{cut}...")
    } else {
        t.to_string()
    }
}

fn is_apt(c: &SimpleCommand) -> bool {
    matches!(c.name(), "apt-get" | "apt" | "aptitude")
}

/// Whether the script runs a package index update (`apt-get update`, `apk update`).
fn updates_index(script: &Script) -> bool {
    script
        .commands()
        .any(|c| (is_apt(c) || c.name() == "apk") && c.subcommand() == Some("update"))
}

/// Whether the script installs packages (`apt-get install`, `apk add`).
fn installs(script: &Script) -> bool {
    script.commands().any(|c| {
        (is_apt(c)
            && matches!(
                c.subcommand(),
                Some("install") | Some("upgrade") | Some("dist-upgrade") | Some("full-upgrade")
            ))
            || (c.name() == "apk" && matches!(c.subcommand(), Some("add") | Some("upgrade")))
    })
}

/// Whether the script removes the apt lists (`rm -rf /var/lib/apt/lists/*`).
pub fn cleans_apt_lists(script: &Script) -> bool {
    script.commands().any(|c| {
        c.name() == "rm"
            && c.positional().any(|a| {
                a.trim_end_matches(['*', '/'])
                    .ends_with("/var/lib/apt/lists")
            })
    })
}

/// The upgrade command of a script, if any (`apt-get upgrade`, `apk upgrade`, `dnf upgrade`...).
fn upgrade_command(script: &Script) -> Option<String> {
    script.commands().find_map(|c| {
        let sub = c.subcommand()?;
        let name = c.name();
        let hit = match name {
            "apt-get" | "apt" | "aptitude" => {
                matches!(
                    sub,
                    "upgrade" | "dist-upgrade" | "full-upgrade" | "safe-upgrade"
                )
            }
            "apk" => sub == "upgrade",
            "yum" | "dnf" | "microdnf" | "tdnf" => {
                // `yum update` with no package names upgrades everything.
                matches!(
                    sub,
                    "upgrade" | "update" | "distro-sync" | "upgrade-minimal"
                ) && c.positional().count() == 1
            }
            "zypper" => matches!(sub, "up" | "update" | "dup" | "dist-upgrade" | "patch"),
            _ => false,
        };
        hit.then(|| format!("{name} {sub}"))
    })
}

/// Whether `c` downloads something (curl, wget, fetch).
fn is_downloader(c: &SimpleCommand) -> bool {
    matches!(c.name(), "curl" | "wget" | "fetch")
}

fn is_interpreter(name: &str) -> bool {
    is_shell(name)
        || matches!(
            name,
            "python" | "python2" | "python3" | "perl" | "ruby" | "node" | "php"
        )
}

/// A download piped into a shell or interpreter, or run through `sh -c "$(curl ...)"` /
/// `bash <(curl ...)`.
fn pipe_to_shell(script: &Script) -> Option<String> {
    for p in &script.pipelines {
        if let Some(pos) = p.iter().position(is_downloader) {
            if let Some(sh) = p[pos + 1..].iter().find(|c| {
                is_interpreter(c.name())
                    || c.unwrap_wrapper().is_some_and(|w| is_interpreter(w.name()))
            }) {
                return Some(format!("{} | {}", p[pos].name(), sh.name()));
            }
        }
        for c in p {
            if is_interpreter(c.name())
                && c.args().iter().any(|a| {
                    ["$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget"]
                        .iter()
                        .any(|needle| a.contains(needle))
                })
            {
                return Some(format!("{} with a downloaded script", c.name()));
            }
        }
    }
    None
}

/// `chmod` commands of the script that make files world-writable: (mode, paths).
pub fn world_writable_chmods(script: &Script) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for c in script.commands().filter(|c| c.name() == "chmod") {
        let mut args = c.positional();
        let Some(mode) = args.next() else { continue };
        let world = if mode.chars().all(|ch| ch.is_ascii_digit()) {
            mode.chars()
                .last()
                .and_then(|d| d.to_digit(8))
                .is_some_and(|d| d & 2 != 0)
        } else {
            mode.split(',').any(|m| {
                let (who, rest) = m.split_at(m.find(['+', '=']).unwrap_or(m.len()));
                (who.contains('o') || who.contains('a') || who.is_empty()) && rest.contains('w')
            })
        };
        if world {
            out.push((mode.to_string(), args.map(str::to_string).collect()));
        }
    }
    out
}

/// History checks: CIS-DI-0007, CIS-DI-0009, CIS-DI-0010 (suspicious build-argument names), DKL-DI-0001 (sudo run as a command),
/// DKL-DI-0003, SK-IMG-001.
pub fn check_history(steps: &[HistoryStep], opts: &crate::AuditOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in steps {
        let at = |f: Finding| {
            f.at(format!("history[{}]", s.index))
                .in_layer(s.layer)
                .from_history(s.index)
        };
        match s.step.instruction.as_str() {
            "ADD" => {
                // The base image's root filesystem (`ADD file:<digest> in /`) is not a choice of
                // this Dockerfile; Dockle skips history[0] for the same reason.
                let args = s.step.args.trim();
                let base_rootfs = args.starts_with("file:") && args.ends_with(" in /");
                if !base_rootfs {
                    let remote = args
                        .split_whitespace()
                        .any(|w| w.starts_with("http://") || w.starts_with("https://"));
                    let what = if remote { "ADD of a remote URL" } else { "ADD" };
                    out.push(at(Finding::config(
                        &CIS_DI_0009,
                        format!("{what}: {}", short(&s.created_by)),
                    )));
                }
            }
            "RUN" => {
                for (k, _) in &s.step.build_args {
                    if opts.accepts_key(k) {
                        continue;
                    }
                    if let Some(word) = super::config::suspicious_key(k) {
                        out.push(at(Finding::config(
                            &CIS_DI_0010,
                            format!("build argument {k} (contains {word}) is stored in the image history in clear"),
                        )));
                    }
                }
                let Some(script) = &s.step.script else {
                    continue;
                };
                if updates_index(script) && !installs(script) {
                    out.push(at(Finding::config(
                        &CIS_DI_0007,
                        format!(
                            "package index update without install in the same step: {}",
                            short(&s.created_by)
                        ),
                    )));
                }
                if script.commands().any(|c| c.name() == "sudo") {
                    out.push(at(Finding::config(
                        &DKL_DI_0001,
                        format!("sudo run in a build step: {}", short(&s.created_by)),
                    )));
                }
                if let Some(cmd) = upgrade_command(script) {
                    out.push(at(Finding::config(
                        &DKL_DI_0003,
                        format!("{cmd} in a build step: {}", short(&s.created_by)),
                    )));
                }
                if let Some(how) = pipe_to_shell(script) {
                    out.push(at(Finding::config(
                        &SK_IMG_001,
                        format!(
                            "{how}: a downloaded script runs unverified: {}",
                            short(&s.created_by)
                        ),
                    )));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse_script;

    #[test]
    fn pipe_to_shell_forms() {
        for s in [
            "curl -fsSL http://x/i.sh | sh",
            "wget -qO- http://x | sudo bash -s",
            "sh -c \"$(curl -fsSL http://x)\"",
            "bash <(curl -s http://x)",
            "curl http://x | tee /tmp/a | python3 -",
        ] {
            assert!(pipe_to_shell(&parse_script(s)).is_some(), "{s}");
        }
        for s in [
            "curl -o /tmp/i.sh http://x && sh /tmp/i.sh --check",
            "echo 'curl x | sh'",
            "curl http://x | tar xz",
        ] {
            assert!(pipe_to_shell(&parse_script(s)).is_none(), "{s}");
        }
    }

    #[test]
    fn upgrades() {
        assert!(upgrade_command(&parse_script("apt-get update && apt-get upgrade -y")).is_some());
        assert!(upgrade_command(&parse_script("apk upgrade --no-cache")).is_some());
        assert!(upgrade_command(&parse_script("yum update -y")).is_some());
        assert!(upgrade_command(&parse_script("yum update -y openssl")).is_none());
        assert!(upgrade_command(&parse_script("apt-get install -y upgrade-helper")).is_none());
        assert!(upgrade_command(&parse_script("echo apt-get upgrade")).is_none());
    }

    #[test]
    fn update_alone_and_chmod() {
        assert!(updates_index(&parse_script("apt-get update")));
        assert!(!installs(&parse_script("apt-get update")));
        assert!(installs(&parse_script(
            "apt-get update && apt-get install -y x"
        )));
        assert_eq!(
            world_writable_chmods(&parse_script("chmod 777 /a && chmod 755 /b")).len(),
            1
        );
        assert_eq!(
            world_writable_chmods(&parse_script("chmod o+w /a; chmod a=rwx /c; chmod u+x /b"))
                .len(),
            2
        );
        assert!(cleans_apt_lists(&parse_script(
            "rm -rf /var/lib/apt/lists/*"
        )));
    }
}
