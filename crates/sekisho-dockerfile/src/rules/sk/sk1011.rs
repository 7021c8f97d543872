//! SK1011: No HEALTHCHECK in the final stage

use crate::rules::prelude::*;

/// SK1011's metadata and check.
pub(crate) static SK1011: RuleInfo = RuleInfo {
    code: "SK1011",
    severity: Info,
    message: "No HEALTHCHECK in the final stage",
    onbuild: false,
    default_on: true,
    doc: "Without HEALTHCHECK the runtime cannot tell a hung container from a healthy one. Not \
          reported when the final stage is `scratch` or has no CMD/ENTRYPOINT (a builder or base \
          image). CIS Docker Benchmark 4.6.",
    check: Check::Fold(check),
};

/// SK1011: No HEALTHCHECK in the final stage
fn check(items: &[Item], s: &mut Sink) {
    let Some(start) = final_stage(items) else {
        return;
    };
    let Args::From(f) = items[start].args() else {
        return;
    };
    let stage = &items[start..];
    if f.image.name == "scratch"
        || !stage
            .iter()
            .any(|i| matches!(i.args(), Args::Cmd(_) | Args::Entrypoint(_)))
        || stage
            .iter()
            .any(|i| matches!(i.args(), Args::Healthcheck(_)))
    {
        return;
    }
    s.fail(&items[start]);
}
