//! SK1010: World-writable permissions or setuid/setgid bits

use crate::rules::prelude::*;

/// SK1010's metadata and check.
pub(crate) static SK1010: RuleInfo = RuleInfo {
    code: "SK1010",
    severity: Warning,
    message: "World-writable permissions or setuid/setgid bits",
    onbuild: true,
    default_on: true,
    doc: "`chmod 777`, `o+w`, `a+w` or setuid/setgid (`u+s`, `g+s`, 4xxx/2xxx modes), also \
          through `COPY --chmod`, weaken the container's isolation. CIS Docker Benchmark 4.8.",
    check: Check::Each(
        // the instructions that take flags (`COPY --chmod`) and RUN bodies
        &[
            Kind::From,
            Kind::Run,
            Kind::Copy,
            Kind::Add,
            Kind::Healthcheck,
        ],
        check,
    ),
};

/// SK1010: World-writable permissions or setuid/setgid bits
fn check(it: &Item, s: &mut Sink) {
    if it.instr.flag("chmod").is_some_and(bad_mode) {
        s.fail_at(it.loc_flag("chmod"));
        return;
    }
    if let Some(sh) = &it.shell {
        let chmod = sh
            .commands
            .iter()
            .find(|c| c.name == "chmod" && c.args_no_flags().first().is_some_and(|m| bad_mode(m)));
        if let Some(c) = chmod {
            s.fail_at(it.loc_cmd(c));
        }
    }
}

fn bad_mode(m: &str) -> bool {
    let m = m.trim_start_matches('0');
    if m.chars().all(|c| c.is_ascii_digit()) && !m.is_empty() {
        let digits: Vec<u32> = m.chars().filter_map(|c| c.to_digit(8)).collect();
        if digits.len() != m.len() {
            return false;
        }
        let others = digits.last().copied().unwrap_or(0);
        let special = if digits.len() == 4 { digits[0] } else { 0 };
        // world-writable without the sticky bit (1777 for shared tmp dirs is fine),
        // or setuid/setgid
        return (others & 2 != 0 && special & 1 == 0) || special & 6 != 0;
    }
    m.split(',').any(|part| {
        let (who, rest) = part.split_at(part.find(['+', '=']).unwrap_or(part.len()));
        let perms = rest.get(1..).unwrap_or("");
        ((who.contains('o') || who.contains('a') || who.is_empty())
            && perms.contains('w')
            && !rest.is_empty())
            || perms.contains('s')
    })
}
