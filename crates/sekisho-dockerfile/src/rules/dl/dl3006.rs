//! DL3006: Always tag the version of an image explicitly

use crate::rules::prelude::*;

/// DL3006's metadata and check.
pub(crate) static DL3006: RuleInfo = RuleInfo {
    code: "DL3006",
    severity: Warning,
    message: "Always tag the version of an image explicitly",
    onbuild: false,
    default_on: true,
    doc: "`FROM image` without tag or digest means `latest`, which changes under you. Earlier \
          stage names are exempt, as is `scratch`.",
    check: Check::Fold(check),
};

/// DL3006: Always tag the version of an image explicitly
fn check(items: &[Item], s: &mut Sink) {
    let mut aliases: HashSet<String> = HashSet::new();
    for (it, f) in items.froms() {
        let img = &f.image;
        if img.name != "scratch"
            && !img.raw.starts_with('$')
            && img.digest.is_none()
            && img.tag.is_none()
            && !aliases.contains(&img.name)
        {
            s.fail_at(it.loc_text(0));
        }
        if let Some(a) = &f.alias {
            aliases.insert(a.clone());
        }
    }
}
