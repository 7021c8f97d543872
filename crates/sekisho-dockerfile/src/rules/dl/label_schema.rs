//! DL3049, DL3050, DL3051.

use crate::rules::prelude::*;

/// DL3049's metadata and check.
pub(crate) static DL3049: RuleInfo = RuleInfo {
    code: "DL3049",
    severity: Info,
    message: "Label is missing.",
    onbuild: true,
    default_on: true,
    doc: "A label from `label-schema` is missing in a stage.",
    check: Check::Fold(dl3049),
};

/// DL3050's metadata and check.
pub(crate) static DL3050: RuleInfo = RuleInfo {
    code: "DL3050",
    severity: Info,
    message: "Superfluous label(s) present.",
    onbuild: true,
    default_on: true,
    doc: "With `strict-labels`, labels outside `label-schema` are reported.",
    check: Check::Label(dl3050),
};

/// DL3051's metadata and check.
pub(crate) static DL3051: RuleInfo = RuleInfo {
    code: "DL3051",
    severity: Warning,
    message: "label is empty.",
    onbuild: true,
    default_on: true,
    doc: "A schema label has an empty value.",
    check: Check::Label(dl3051),
};

/// DL3049: Label is missing.
fn dl3049(items: &[Item], s: &mut Sink) {
    let labels: Vec<String> = s.cfg.label_schema.keys().cloned().collect();
    for label in labels {
        // (image name, alias, line)
        let mut good: HashSet<String> = HashSet::new();
        let mut bad: Vec<(Option<String>, Loc)> = vec![];
        let mut cur: Option<(String, Option<String>, Loc)> = None;
        for it in items {
            match it.args() {
                Args::From(f) => {
                    if good.contains(&f.image.name) {
                        if let Some(a) = &f.alias {
                            good.insert(a.clone());
                        }
                    } else {
                        bad.push((f.alias.clone(), it.loc()));
                    }
                    cur = Some((f.image.name.clone(), f.alias.clone(), it.loc()));
                }
                Args::Copy(c) => {
                    if let Some(from) = &c.from {
                        bad.retain(|(a, _)| a.as_deref() != Some(from.as_str()));
                    }
                }
                Args::Label(pairs) if pairs.iter().any(|(k, _)| *k == label) => {
                    if let Some((_, alias, line)) = &cur {
                        if let Some(a) = alias {
                            good.insert(a.clone());
                        }
                        bad.retain(|(_, l)| l != line);
                    }
                }
                _ => {}
            }
        }
        for (_, l) in bad {
            s.fail_msg(l, format!("Label `{label}` is missing."));
        }
    }
}

/// DL3050: Superfluous label(s) present.
fn dl3050(it: &Item, pairs: &[(String, String)], s: &mut Sink) {
    if !s.cfg.strict_labels {
        return;
    }
    if let Some(i) = pairs
        .iter()
        .position(|(k, _)| !s.cfg.label_schema.contains_key(k))
    {
        s.fail_at(it.loc_word(i));
    }
}

/// DL3051: label is empty.
fn dl3051(it: &Item, pairs: &[(String, String)], s: &mut Sink) {
    let labels: Vec<String> = s.cfg.label_schema.keys().cloned().collect();
    for label in labels {
        if let Some(i) = pairs.iter().position(|(k, v)| *k == label && v.is_empty()) {
            s.fail_msg(it.loc_word(i), format!("label `{label}` is empty."));
        }
    }
}
