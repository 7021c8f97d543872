//! DL3044: Do not refer to an environment variable within the same `ENV` statement where it is
//! defined.

use crate::rules::prelude::*;

/// DL3044's metadata and check.
pub(crate) static DL3044: RuleInfo = RuleInfo {
    code: "DL3044",
    severity: Error,
    message: "Do not refer to an environment variable within the same `ENV` statement where it is \
              defined.",
    onbuild: false,
    default_on: true,
    doc: "Within one ENV the new value is not yet visible to later pairs.",
    check: Check::Fold(check),
};

/// DL3044: Do not refer to an environment variable within the same `ENV` statement...
fn check(items: &[Item], s: &mut Sink) {
    let mut defined: HashSet<String> = HashSet::new();
    for it in items {
        match it.args() {
            Args::Env(pairs) => {
                let bad = pairs.iter().enumerate().any(|(i, (k, _))| {
                    !defined.contains(k)
                        && pairs
                            .iter()
                            .enumerate()
                            .any(|(j, (_, v))| j != i && references(k, v))
                });
                for (k, _) in pairs {
                    defined.insert(k.clone());
                }
                if bad {
                    s.fail(it);
                }
            }
            Args::Arg(a) => {
                for (k, _) in a {
                    defined.insert(k.clone());
                }
            }
            _ => {}
        }
    }
}

fn is_var_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `text` uses `$var` or `${var}` (not `$variable`).
fn references(var: &str, text: &str) -> bool {
    text.match_indices('$').any(|(i, _)| {
        let rest = &text[i + 1..];
        match rest.strip_prefix('{') {
            Some(braced) => braced.strip_prefix(var).is_some_and(|r| r.starts_with('}')),
            None => rest
                .strip_prefix(var)
                .is_some_and(|r| r.chars().next().is_none_or(|c| !is_var_char(c))),
        }
    })
}
