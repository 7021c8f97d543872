//! DL3066: Non-numeric user-id may not be resolvable by host system

use crate::rules::prelude::*;

/// DL3066's metadata and check.
pub(crate) static DL3066: RuleInfo = RuleInfo {
    code: "DL3066",
    severity: Info,
    message: "Non-numeric user-id may not be resolvable by host system",
    onbuild: false,
    default_on: true,
    doc: "Kubernetes `runAsNonRoot` can only verify numeric UIDs.",
    check: Check::Fold(check),
};

/// DL3066: Non-numeric user-id may not be resolvable by host system
fn check(items: &[Item], s: &mut Sink) {
    // hadolint 2.15.1 accepts a variable declared by ARG (its value is unknown here) and
    // reports anything else that is not numeric, ENV-defined variables included.
    let mut args: HashSet<String> = HashSet::new();
    for it in items {
        match it.args() {
            Args::Arg(a) => args.extend(a.iter().map(|(k, _)| k.clone())),
            Args::User(u) => {
                let uid = u.split(':').next().unwrap_or("");
                if uid.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                let var = uid
                    .trim_start_matches('$')
                    .trim_start_matches('{')
                    .trim_end_matches('}');
                if uid.starts_with('$') && args.contains(var) {
                    continue;
                }
                s.fail_at(it.loc_text(0));
            }
            _ => {}
        }
    }
}
