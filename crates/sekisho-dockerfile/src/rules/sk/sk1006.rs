//! SK1006: Base image not pinned by digest

use crate::rules::prelude::*;

/// SK1006's metadata and check.
pub(crate) static SK1006: RuleInfo = RuleInfo {
    code: "SK1006",
    severity: Info,
    message: "Base image not pinned by digest",
    onbuild: false,
    default_on: false,
    doc: "Opt-in (`enable: [SK1006]`). Tags move; `FROM image:tag@sha256:...` makes the base \
          reproducible.",
    check: Check::Fold(check),
};

/// SK1006: Base image not pinned by digest
fn check(items: &[Item], s: &mut Sink) {
    let mut aliases = HashSet::new();
    for (it, f) in items.froms() {
        let i = &f.image;
        if i.digest.is_none()
            && i.name != "scratch"
            && !aliases.contains(&i.name)
            && !i.raw.starts_with('$')
        {
            s.fail_at(it.loc_text(0));
        }
        if let Some(a) = &f.alias {
            aliases.insert(a.clone());
        }
    }
}
