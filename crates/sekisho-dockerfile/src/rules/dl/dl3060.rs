//! DL3060: `yarn cache clean` missing after `yarn install` was run.

use crate::rules::prelude::*;

/// DL3060's metadata and check.
pub(crate) static DL3060: RuleInfo = RuleInfo {
    code: "DL3060",
    severity: Info,
    message: "`yarn cache clean` missing after `yarn install` was run.",
    onbuild: true,
    default_on: true,
    doc: "Clean the yarn cache in the same RUN.",
    check: Check::Fold(check),
};

/// DL3060: `yarn cache clean` missing after `yarn install` was run.
fn check(items: &[Item], s: &mut Sink) {
    // Like DL3009: only the final stage and stages used as a base are reported.
    let mut last_from: StageRef = initial_stage();
    let mut used: HashSet<String> = Default::default();
    let mut bad: Vec<(Loc, StageRef)> = vec![];
    for it in items {
        if let Args::From(f) = it.args() {
            used.insert(f.image.name.clone());
            last_from = stage_ref(f);
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
            bad.push((it.loc(), last_from.clone()));
        }
    }
    for (at, from) in bad {
        if from == last_from || from.1.as_ref().is_some_and(|a| used.contains(a)) {
            s.fail_at(at);
        }
    }
}
