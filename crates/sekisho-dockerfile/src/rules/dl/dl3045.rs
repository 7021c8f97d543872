//! DL3045: `COPY` to a relative destination without `WORKDIR` set.

use crate::rules::prelude::*;

/// DL3045's metadata and check.
pub(crate) static DL3045: RuleInfo = RuleInfo {
    code: "DL3045",
    severity: Warning,
    message: "`COPY` to a relative destination without `WORKDIR` set.",
    onbuild: true,
    default_on: true,
    doc: "A relative COPY destination depends on the base image's WORKDIR.",
    check: Check::Fold(check),
};

/// DL3045: `COPY` to a relative destination without `WORKDIR` set.
fn check(items: &[Item], s: &mut Sink) {
    // None = ONBUILD context without a stage
    let mut current: Option<String> = None;
    let mut workdir: HashMap<Option<String>, bool> = HashMap::new();
    for it in items {
        match it.args() {
            Args::From(f) => {
                let stage = f.alias.clone().unwrap_or_else(|| f.image.name.clone());
                let parent = workdir
                    .get(&Some(f.image.name.clone()))
                    .copied()
                    .unwrap_or(false);
                workdir.insert(Some(stage.clone()), parent);
                current = Some(stage);
            }
            Args::Workdir(_) => {
                workdir.insert(current.clone(), true);
            }
            Args::Copy(c) => {
                if workdir.get(&current).copied().unwrap_or(false) {
                    continue;
                }
                let d = drop_quotes(&c.dest);
                let rest: String = d.chars().skip(1).collect();
                if d.starts_with('/')
                    || rest.starts_with(":\\")
                    || rest.starts_with(":/")
                    || d.starts_with('$')
                {
                    continue;
                }
                s.fail(it);
            }
            _ => {}
        }
    }
}
