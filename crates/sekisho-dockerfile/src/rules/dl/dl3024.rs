//! DL3024: FROM aliases (stage names) must be unique

use crate::rules::prelude::*;

/// DL3024's metadata and check.
pub(crate) static DL3024: RuleInfo = RuleInfo {
    code: "DL3024",
    severity: Error,
    message: "FROM aliases (stage names) must be unique",
    onbuild: false,
    default_on: true,
    doc: "Two stages with the same name.",
    check: Check::Fold(check),
};

/// DL3024: FROM aliases (stage names) must be unique
fn check(items: &[Item], s: &mut Sink) {
    let mut seen = HashSet::new();
    for (it, f) in items.froms() {
        if let Some(a) = &f.alias {
            if !seen.insert(a.clone()) {
                // `FROM image AS alias`: the alias is the third word
                s.fail_at(it.loc_word(2));
            }
        }
    }
}
