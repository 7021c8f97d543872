//! DL3023: `COPY --from` cannot reference its own `FROM` alias

use crate::rules::prelude::*;

/// DL3023's metadata and check.
pub(crate) static DL3023: RuleInfo = RuleInfo {
    code: "DL3023",
    severity: Error,
    message: "`COPY --from` cannot reference its own `FROM` alias",
    onbuild: false,
    default_on: true,
    doc: "A stage cannot copy from itself.",
    check: Check::Fold(check),
};

/// DL3023: `COPY --from` cannot reference its own `FROM` alias
fn check(items: &[Item], s: &mut Sink) {
    let mut alias: Option<&str> = None;
    let mut in_stage = false;
    for it in items {
        match it.args() {
            Args::From(f) => {
                alias = f.alias.as_deref();
                in_stage = true;
            }
            Args::Copy(c) if in_stage => {
                if let (Some(from), Some(a)) = (&c.from, alias) {
                    if from == a {
                        s.fail_at(it.loc_flag("from"));
                    }
                }
            }
            _ => {}
        }
    }
}
