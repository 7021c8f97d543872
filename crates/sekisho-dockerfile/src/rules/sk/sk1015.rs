//! SK1015: Base image from a registry outside `trustedRegistries`

use crate::rules::prelude::*;

/// SK1015's metadata and check.
pub(crate) static SK1015: RuleInfo = RuleInfo {
    code: "SK1015",
    severity: Warning,
    message: "Base image from a registry outside `trustedRegistries`",
    onbuild: false,
    default_on: true,
    doc: "With `trustedRegistries` configured, every external base image (including Docker Hub \
          images without a registry host, counted as docker.io) must come from one of them.",
    check: Check::Fold(check),
};

/// SK1015: Base image from a registry outside `trustedRegistries`
fn check(items: &[Item], s: &mut Sink) {
    let trusted = s.cfg.trusted_registries.clone();
    if trusted.is_empty() {
        return;
    }
    let mut aliases = HashSet::new();
    for (it, f) in items.froms() {
        let i = &f.image;
        if i.name != "scratch" && !aliases.contains(&i.name) && !i.raw.starts_with('$') {
            let reg = i.registry.clone().unwrap_or_else(|| "docker.io".into());
            let ok = trusted
                .iter()
                .any(|t| *t == reg || (reg == "docker.io" && t == "hub.docker.com"));
            if !ok {
                s.fail_at(it.loc_text(0));
            }
        }
        if let Some(a) = &f.alias {
            aliases.insert(a.clone());
        }
    }
}
