//! DL3022: `COPY --from` should reference a previously defined `FROM` alias

use crate::rules::prelude::*;

/// DL3022's metadata and check.
pub(crate) static DL3022: RuleInfo = RuleInfo {
    code: "DL3022",
    severity: Warning,
    message: "`COPY --from` should reference a previously defined `FROM` alias",
    onbuild: false,
    default_on: true,
    doc: "`COPY --from=name` where no earlier stage has that name (image references with `:` and \
          earlier stage indexes are accepted).",
    check: Check::Fold(check),
};

/// DL3022: `COPY --from` should reference a previously defined `FROM` alias
fn check(items: &[Item], s: &mut Sink) {
    let mut aliases: HashSet<String> = HashSet::new();
    let mut count = 0usize;
    for it in items {
        match it.args() {
            Args::From(f) => {
                if let Some(a) = &f.alias {
                    aliases.insert(a.clone());
                }
                count += 1;
            }
            Args::Copy(c) => {
                if let Some(from) = &c.from {
                    let known = aliases.contains(from)
                        || from.parse::<usize>().is_ok_and(|n| n < count)
                        || from.contains(':');
                    if !known {
                        s.fail_at(it.loc_flag("from"));
                    }
                }
            }
            _ => {}
        }
    }
}
