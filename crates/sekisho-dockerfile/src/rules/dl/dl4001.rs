//! DL4001: Either use Wget or Curl but not both

use crate::rules::prelude::*;

/// DL4001's metadata and check.
pub(crate) static DL4001: RuleInfo = RuleInfo {
    code: "DL4001",
    severity: Warning,
    message: "Either use Wget or Curl but not both",
    onbuild: true,
    default_on: true,
    doc: "Installing both tools in one stage wastes space.",
    check: Check::Fold(check),
};

/// DL4001: Either use Wget or Curl but not both
fn check(items: &[Item], s: &mut Sink) {
    let mut seen: BTreeSet<u8> = BTreeSet::new();
    for it in items {
        match it.args() {
            Args::From(_) => seen.clear(),
            Args::Run(_) => {
                let Some(sh) = &it.shell else { continue };
                let new: BTreeSet<u8> = sh
                    .commands
                    .iter()
                    .filter_map(|c| match c.name.as_str() {
                        "curl" => Some(0),
                        "wget" => Some(1),
                        _ => None,
                    })
                    .collect();
                seen.extend(new.iter().copied());
                if !new.is_empty() && seen.len() >= 2 {
                    s.fail(it);
                }
            }
            _ => {}
        }
    }
}
