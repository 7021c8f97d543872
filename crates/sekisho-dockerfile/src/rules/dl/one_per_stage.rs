//! DL3012, DL4003, DL4004.

use crate::rules::prelude::*;

/// DL3012's metadata and check.
pub(crate) static DL3012: RuleInfo = RuleInfo {
    code: "DL3012",
    severity: Error,
    message: "Multiple `HEALTHCHECK` instructions.",
    onbuild: false,
    default_on: true,
    doc: "Only the last HEALTHCHECK of a stage takes effect.",
    check: Check::Fold(dl3012),
};

/// DL4003's metadata and check.
pub(crate) static DL4003: RuleInfo = RuleInfo {
    code: "DL4003",
    severity: Warning,
    message: "Multiple `CMD` instructions found. If you list more than one `CMD` then only the \
              last `CMD` will take effect",
    onbuild: false,
    default_on: true,
    doc: "Only the last CMD of a stage counts.",
    check: Check::Fold(dl4003),
};

/// DL4004's metadata and check.
pub(crate) static DL4004: RuleInfo = RuleInfo {
    code: "DL4004",
    severity: Error,
    message: "Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` \
              then only the last `ENTRYPOINT` will take effect",
    onbuild: false,
    default_on: true,
    doc: "Only the last ENTRYPOINT of a stage counts.",
    check: Check::Fold(dl4004),
};

/// DL3012: Multiple `HEALTHCHECK` instructions.
fn dl3012(items: &[Item], s: &mut Sink) {
    let mut seen = false;
    for it in items {
        match it.args() {
            Args::From(_) => seen = false,
            Args::Healthcheck(_) => {
                if seen {
                    s.fail(it);
                }
                seen = true;
            }
            _ => {}
        }
    }
}

/// DL4003: Multiple `CMD` instructions found. If you list more than one `CMD` then only...
fn dl4003(items: &[Item], s: &mut Sink) {
    let mut seen = false;
    for it in items {
        match it.args() {
            Args::From(_) => seen = false,
            Args::Cmd(_) => {
                if seen {
                    s.fail(it);
                }
                seen = true;
            }
            _ => {}
        }
    }
}

/// DL4004: Multiple `ENTRYPOINT` instructions found. If you list more than one...
fn dl4004(items: &[Item], s: &mut Sink) {
    let mut seen = false;
    for it in items {
        match it.args() {
            Args::From(_) => seen = false,
            Args::Entrypoint(_) => {
                if seen {
                    s.fail(it);
                }
                seen = true;
            }
            _ => {}
        }
    }
}
