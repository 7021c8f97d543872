//! DL3009: Delete the apt lists (/var/lib/apt/lists) after installing something

use crate::rules::prelude::*;

/// DL3009's metadata and check.
pub(crate) static DL3009: RuleInfo = RuleInfo {
    code: "DL3009",
    severity: Info,
    message: "Delete the apt lists (/var/lib/apt/lists) after installing something",
    onbuild: true,
    default_on: true,
    doc: "`apt-get update` leaves ~40 MB of lists in the layer; remove `/var/lib/apt/lists/*` in \
          the same RUN, or use a cache mount on /var/lib/apt/lists. Only reported for the final \
          stage or stages used as a base.",
    check: Check::Fold(check),
};

/// DL3009: Delete the apt lists (/var/lib/apt/lists) after installing something
fn check(items: &[Item], s: &mut Sink) {
    // (from line, alias) of the current stage; None before the first FROM
    let mut last_from: StageRef = initial_stage();
    let mut used_as_base: HashSet<String> = HashSet::new();
    let mut forgets: Vec<(Loc, StageRef)> = vec![];
    for it in items {
        match it.args() {
            Args::From(f) => {
                used_as_base.insert(f.image.name.clone());
                last_from = stage_ref(f);
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
                forgets.push((it.loc(), last_from.clone()));
            }
            _ => {}
        }
    }
    for (at, from) in forgets {
        let fail = from == last_from || from.1.as_ref().is_some_and(|a| used_as_base.contains(a));
        if fail {
            s.fail_at(at);
        }
    }
}
