//! Helpers shared by several rules.

use super::Item;
use crate::parser::{Args, FromArgs};

/// hadolint's `dropQuotes`.
pub(crate) fn drop_quotes(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// Archive extensions hadolint recognises.
pub(crate) const ARCHIVE_EXT: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

/// Whether a path looks like an archive.
pub(crate) fn is_archive(p: &str) -> bool {
    let p = drop_quotes(p);
    ARCHIVE_EXT.iter().any(|e| p.ends_with(e))
}

/// Whether a path is an http(s) URL.
pub(crate) fn is_url(p: &str) -> bool {
    let p = drop_quotes(p);
    p.starts_with("https://") || p.starts_with("http://")
}

/// The stage a finding belongs to, compared by value like hadolint's `BaseImage`:
/// (image, alias, platform) text and the alias. Before any FROM it is `scratch`, which
/// makes a later `FROM scratch` the same stage, as in hadolint.
pub(crate) type StageRef = (String, Option<String>);

/// The stage value of a FROM (see [`StageRef`]).
pub(crate) fn stage_ref(f: &FromArgs) -> StageRef {
    (
        format!(
            "{}|{}|{}",
            f.image.raw,
            f.alias.as_deref().unwrap_or(""),
            f.platform.as_deref().unwrap_or("")
        ),
        f.alias.clone(),
    )
}

/// The stage before any FROM.
pub(crate) fn initial_stage() -> StageRef {
    ("scratch||".to_string(), None)
}

/// Index of the first item of the final stage.
pub(crate) fn final_stage(items: &[Item]) -> Option<usize> {
    items
        .iter()
        .rposition(|i| matches!(i.args(), Args::From(_)))
}

/// Whether the RUN has a cache or tmpfs mount on one of `dirs` (a prefix match after
/// dropping a trailing `/`).
pub(crate) fn cache_mount(it: &Item, dirs: &[&str]) -> bool {
    match it.args() {
        Args::Run(r) => r.mounts.iter().any(|m| {
            (m.kind == "cache" || m.kind == "tmpfs")
                && m.target
                    .as_deref()
                    .is_some_and(|t| dirs.iter().any(|d| t.trim_end_matches('/').starts_with(d)))
        }),
        _ => false,
    }
}

/// `pip install` or `python -m pip install`.
pub(crate) fn is_pip_install(c: &crate::shell::Command) -> bool {
    (c.name.starts_with("pip") && !c.name.starts_with("pipenv") && c.has_arg("install"))
        || (c.name.starts_with("python") && c.args_contain_seq(&["-m", "pip", "install"]))
}

/// The arguments after `install` (hadolint's `dropWhile (/= "install")` then drop it).
pub(crate) fn strip_install_prefix(v: Vec<&str>) -> Vec<&str> {
    v.into_iter()
        .skip_while(|a| *a != "install")
        .skip_while(|a| *a == "install")
        .collect()
}

/// dnf and its minimal variant.
pub(crate) const DNF: &[&str] = &["dnf", "microdnf"];

/// The position of the `i`-th word of a COPY/ADD (its sources, then the destination);
/// the instruction's position for the JSON form.
pub(crate) fn copy_word(it: &Item, c: &crate::parser::CopyArgs, i: usize) -> super::Loc {
    if c.json {
        it.loc()
    } else {
        it.loc_word(i)
    }
}
