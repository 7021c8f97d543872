//! SK1014: Base image uses `latest` or no tag

use crate::rules::prelude::*;

/// SK1014's metadata and check.
pub(crate) static SK1014: RuleInfo = RuleInfo {
    code: "SK1014",
    severity: Warning,
    message: "Base image uses `latest` or no tag",
    onbuild: false,
    default_on: true,
    doc: "An untagged or `latest` base image (not an earlier stage, not scratch, not a variable) \
          changes without notice. Pin a release tag, ideally with a digest.",
    check: Check::Fold(check),
};

/// SK1014: Base image uses `latest` or no tag
fn check(items: &[Item], s: &mut Sink) {
    let globals = global_args(items);
    let mut aliases = HashSet::new();
    for (it, f) in items.froms() {
        // Resolve `FROM $BASE` through global ARG defaults; skip what stays unknown.
        let i = if f.image.raw.contains('$') {
            let e = crate::parser::expand(&f.image.raw, '\\', &|n| globals.get(n).cloned());
            if e.is_empty() || e.contains('$') || e.starts_with(':') {
                None
            } else {
                Some(crate::parser::ImageRef::parse(&e))
            }
        } else {
            Some(f.image.clone())
        };
        if let Some(i) = i {
            if i.name != "scratch"
                && !aliases.contains(&i.name)
                && i.digest.is_none()
                && (i.tag.is_none() || i.tag.as_deref() == Some("latest"))
            {
                s.fail_at(it.loc_text(0));
            }
        }
        if let Some(a) = &f.alias {
            aliases.insert(a.clone());
        }
    }
}

/// `ARG` defaults declared before the first `FROM`.
fn global_args(items: &[Item]) -> std::collections::HashMap<String, String> {
    let mut m = std::collections::HashMap::new();
    for it in items {
        match it.args() {
            Args::From(_) => break,
            Args::Arg(a) => {
                for (k, v) in a {
                    let v = crate::parser::expand(v.as_deref().unwrap_or(""), '\\', &|n| {
                        m.get(n).cloned()
                    });
                    m.insert(k.clone(), v);
                }
            }
            _ => {}
        }
    }
    m
}
