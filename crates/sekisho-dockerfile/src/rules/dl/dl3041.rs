//! DL3041: Specify version with `dnf install -y <package>-<version>`.

use crate::rules::prelude::*;

/// DL3041's metadata and check.
pub(crate) static DL3041: RuleInfo = RuleInfo {
    code: "DL3041",
    severity: Warning,
    message: "Specify version with `dnf install -y <package>-<version>`.",
    onbuild: true,
    default_on: true,
    doc: "Unpinned dnf packages make builds irreproducible.",
    check: Check::Fold(check),
};

/// DL3041: Specify version with `dnf install -y <package>-<version>`.
fn check(items: &[Item], s: &mut Sink) {
    // ARG values are visible everywhere after their definition; ENV values follow the
    // stage lineage.
    let mut args: HashMap<String, String> = HashMap::new();
    let mut stage_env: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut env: HashMap<String, String> = HashMap::new();
    let mut stage: Option<String> = None;
    for it in items {
        match it.args() {
            Args::From(f) => {
                if let Some(st) = &stage {
                    stage_env.insert(st.clone(), env.clone());
                }
                env = stage_env.get(&f.image.name).cloned().unwrap_or_default();
                stage = Some(f.alias.clone().unwrap_or_else(|| f.image.name.clone()));
            }
            Args::Arg(a) => {
                for (k, v) in a {
                    args.insert(k.clone(), v.clone().unwrap_or_default());
                }
            }
            Args::Env(p) => {
                for (k, v) in p {
                    env.insert(k.clone(), v.clone());
                }
            }
            _ => {}
        }
        let Some(sh) = &it.shell else { continue };
        let mut vars = args.clone();
        vars.extend(env.clone());
        let bad = sh.commands.iter().find_map(|c| {
            if !c.names_have_args(DNF, &["install"]) {
                return None;
            }
            let module = c.names_have_args(DNF, &["module"]);
            let group = c.names_have_args(DNF, &["module", "group"]);
            let i = c.nf_indices(&[]).into_iter().find(|&i| {
                let p = c.args[i].as_str();
                if p == "install" || p == "module" {
                    return false;
                }
                if module {
                    !p.contains(':')
                } else if group {
                    false
                } else if p.contains("${VAR}") {
                    match expand_vars(&c.raw_args[i], &vars) {
                        Some(e) => !dnf_version_fixed(&e),
                        None => true,
                    }
                } else {
                    !dnf_version_fixed(p)
                }
            })?;
            Some(it.loc_arg(c, i))
        });
        if let Some(at) = bad {
            s.fail_at(at);
        }
    }
}

fn dnf_version_fixed(p: &str) -> bool {
    let parts: Vec<&str> = p.split('-').collect();
    if parts.len() <= 1 {
        return false;
    }
    if p.ends_with(".rpm") {
        return true;
    }
    let rest = &parts[1..];
    rest.iter().all(|x| {
        x.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
    }) && rest
        .iter()
        .any(|x| x.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

/// Expands `$name`/`${name}`/`${name:-default}` with known values; `None` if a
/// variable is unknown.
pub(crate) fn expand_vars(raw: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(p) = rest.find('$') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let (name, default, consumed) = if let Some(b) = after.strip_prefix('{') {
            let end = b.find('}')?;
            let inner = &b[..end];
            let (n, d) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            (n.to_string(), d.map(str::to_string), end + 2)
        } else {
            let n: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if n.is_empty() {
                out.push('$');
                rest = after;
                continue;
            }
            let l = n.len();
            (n, None, l)
        };
        match vars.get(&name).cloned().or(default) {
            Some(v) => out.push_str(&v),
            None => return None,
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    Some(crate::parser::unquote(&out))
}
