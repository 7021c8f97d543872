//! DL3026: Use only an allowed registry in the FROM image

use crate::rules::prelude::*;

/// DL3026's metadata and check.
pub(crate) static DL3026: RuleInfo = RuleInfo {
    code: "DL3026",
    severity: Error,
    message: "Use only an allowed registry in the FROM image",
    onbuild: false,
    default_on: true,
    doc: "With `trustedRegistries` configured, FROM must use one of them.",
    check: Check::Fold(check),
};

/// DL3026: Use only an allowed registry in the FROM image
fn check(items: &[Item], s: &mut Sink) {
    let allowed: Vec<String> = s.cfg.trusted_registries.clone();
    if allowed.is_empty() {
        return;
    }
    let mut aliases: HashSet<String> = HashSet::new();
    let mut stages = 0usize;
    let is_stage = |v: &str, aliases: &HashSet<String>, stages: usize| {
        aliases.contains(v) || v.parse::<usize>().is_ok_and(|n| n < stages) || v.contains('$')
    };
    for it in items {
        match it.args() {
            Args::From(f) => {
                let img = &f.image;
                if !(aliases.contains(&img.name)
                    || img.raw.starts_with('$')
                    || image_allowed(img, &allowed))
                {
                    s.fail_at(it.loc_text(0));
                }
                if let Some(a) = &f.alias {
                    aliases.insert(a.clone());
                }
                stages += 1;
            }
            Args::Copy(c) => {
                if let Some(from) = &c.from {
                    if !is_stage(from, &aliases, stages)
                        && !image_allowed(&crate::parser::ImageRef::parse(from), &allowed)
                    {
                        s.fail_at(it.loc_flag("from"));
                    }
                }
            }
            Args::Run(r) => {
                let bad = r.mounts.iter().any(|m| {
                    m.options.iter().any(|(k, v)| {
                        k == "from"
                            && !is_stage(v, &aliases, stages)
                            && !image_allowed(&crate::parser::ImageRef::parse(v), &allowed)
                    })
                });
                if bad {
                    s.fail_at(it.loc_flag("mount"));
                }
            }
            _ => {}
        }
    }
}

/// Whether a registry matches a trusted entry (`*` and `*.domain` wildcards).
pub(crate) fn registry_trusted(reg: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| {
        a == "*"
            || a == reg
            || a.strip_prefix("*.")
                .is_some_and(|d| reg.ends_with(&format!(".{d}")))
    })
}

fn image_allowed(img: &crate::parser::ImageRef, allowed: &[String]) -> bool {
    match &img.registry {
        Some(r) => registry_trusted(r, allowed),
        None => {
            img.name == "scratch"
                || registry_trusted("docker.io", allowed)
                || registry_trusted("hub.docker.com", allowed)
        }
    }
}
