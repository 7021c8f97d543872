//! DL3042: Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`

use crate::rules::prelude::*;

/// DL3042's metadata and check.
pub(crate) static DL3042: RuleInfo = RuleInfo {
    code: "DL3042",
    severity: Warning,
    message: "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`",
    onbuild: true,
    default_on: true,
    doc: "pip's cache ends up in the layer; use --no-cache-dir or PIP_NO_CACHE_DIR=1.",
    check: Check::Fold(check),
};

/// DL3042: Avoid use of cache directory with pip. Use `pip install --no-cache-dir...
fn check(items: &[Item], s: &mut Sink) {
    const TRUTHY: &[&str] = &[
        "1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES",
    ];
    let mut current: Option<String> = None;
    let mut no_cache: HashMap<Option<String>, bool> = HashMap::new();
    for it in items {
        match it.args() {
            Args::From(f) => {
                let stage = f.alias.clone().unwrap_or_else(|| f.image.name.clone());
                let parent = no_cache
                    .get(&Some(f.image.name.clone()))
                    .copied()
                    .unwrap_or(false);
                no_cache.insert(Some(stage.clone()), parent);
                current = Some(stage);
            }
            Args::Env(pairs) => {
                if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "PIP_NO_CACHE_DIR") {
                    if TRUTHY.contains(&v.as_str()) {
                        no_cache.insert(current.clone(), true);
                    }
                }
            }
            Args::Run(_) => {
                if no_cache.get(&current).copied().unwrap_or(false)
                    || cache_mount(it, &["/root/.cache/pip", "/root/.cache"])
                {
                    continue;
                }
                let Some(sh) = &it.shell else { continue };
                if let Some(pos) = sh.original.find("PIP_NO_CACHE_DIR=") {
                    let rest = &sh.original[pos + "PIP_NO_CACHE_DIR=".len()..];
                    if TRUTHY.iter().any(|t| rest.starts_with(t)) {
                        continue;
                    }
                }
                let bad = sh.any(|c| {
                    let wrapper = ["pipx", "pipenv"].iter().any(|w| {
                        c.name.contains(w)
                            || (c.name.starts_with("python") && c.args_contain_seq(&["-m", w]))
                    });
                    is_pip_install(c) && !c.has_arg("--no-cache-dir") && !wrapper
                });
                if bad {
                    s.fail(it);
                }
            }
            _ => {}
        }
    }
}
