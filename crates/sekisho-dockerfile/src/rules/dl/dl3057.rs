//! DL3057: `HEALTHCHECK` instruction missing.

use crate::rules::prelude::*;

/// DL3057's metadata and check.
pub(crate) static DL3057: RuleInfo = RuleInfo {
    code: "DL3057",
    severity: Ignore,
    message: "`HEALTHCHECK` instruction missing.",
    onbuild: false,
    default_on: false,
    doc: "Opt-in: a stage (or its ancestors) has no HEALTHCHECK. See also SK1011.",
    check: Check::Fold(check),
};

/// DL3057: `HEALTHCHECK` instruction missing.
fn check(items: &[Item], s: &mut Sink) {
    // Stages: (name, base image name, line, has healthcheck)
    let mut stages: Vec<(String, String, Loc, bool)> = vec![];
    for it in items {
        match it.args() {
            Args::From(f) => {
                let name = f.alias.clone().unwrap_or_else(|| f.image.name.clone());
                stages.push((name, f.image.name.clone(), it.loc(), false));
            }
            Args::Healthcheck(_) => {
                if let Some(st) = stages.last_mut() {
                    st.3 = true;
                }
            }
            _ => {}
        }
    }
    for (i, st) in stages.iter().enumerate() {
        let is_base = stages[i + 1..].iter().any(|o| o.1 == st.0);
        if is_base {
            continue;
        }
        // walk the ancestry
        let mut ok = st.3;
        let mut base = st.1.clone();
        let mut j = i;
        while !ok {
            match stages[..j].iter().rposition(|o| o.0 == base) {
                Some(k) => {
                    ok = stages[k].3;
                    base = stages[k].1.clone();
                    j = k;
                }
                None => break,
            }
        }
        if !ok {
            s.fail_at(st.2);
        }
    }
}
