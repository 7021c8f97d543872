//! A subset of ShellCheck's checks on `RUN` bodies, reported the way hadolint does
//! (at the `RUN` line; variables declared by `ARG`/`ENV` count as defined, as hadolint
//! exports them to ShellCheck). Skipped for PowerShell/cmd `SHELL`s.
//!
//! Covered: SC2086, SC2046, SC2006, SC2016, SC2028, SC2035, SC2155, SC2164, SC2002,
//! SC2251, SC2126, SC2012, SC2174, SC2154, SC3037 and SC3046 (the last two in `sh` mode,
//! which is the default shell as in hadolint). Unlike hadolint, which keeps only one ShellCheck finding per `RUN` (its
//! findings are a set ordered by line), every distinct code is reported.

use std::collections::{BTreeSet, HashSet};

use sekisho_shell::brush_parser::word::{WordPiece, WordPieceWithSource};

use super::{Check, Item, Loc, RuleInfo, Sink};
use crate::parser::Args;
use crate::shell::{ParsedShell, WordCtx};
use crate::Severity;
use crate::Severity::{Info, Style, Warning};

/// Supported ShellCheck codes with severity, message and documentation.
pub const SC_DOCS: &[(&str, Severity, &str, &str)] = &[
    ("SC2086", Info, "Double quote to prevent globbing and word splitting.", "An unquoted `$var` is split on whitespace and glob-expanded. Quote it: \"$var\". Variables declared by ARG/ENV and variables assigned constant values without spaces in the same RUN are not reported."),
    ("SC2046", Warning, "Quote this to prevent word splitting.", "An unquoted `$(...)` is split on whitespace and glob-expanded."),
    ("SC2006", Style, "Use $(...) notation instead of legacy backticks `...`.", "Backticks nest badly and treat backslashes specially."),
    ("SC2016", Info, "Expressions don't expand in single quotes, use double quotes for that.", "`'$var'` is literal. Commands that take code (sh -c, awk, perl, jq, eval, ...) are exempt."),
    ("SC2028", Info, "echo may not expand escape sequences. Use printf.", "`echo 'a\\nb'` prints the backslash with bash's echo; printf is portable."),
    ("SC2035", Info, "Use ./*glob* or -- *glob* so names with dashes won't become options.", "A file called `-rf` would be read as an option."),
    ("SC2155", Warning, "Declare and assign separately to avoid masking return values.", "`export X=$(cmd)` returns export's status, hiding a failure of cmd."),
    ("SC2164", Warning, "Use 'cd ... || exit' or 'cd ... || return' in case cd fails.", "If cd fails the following commands run in the wrong directory (not reported under `set -e`)."),
    ("SC2002", Style, "Useless cat. Consider 'cmd < file | ..' or 'cmd file | ..' instead.", "`cat file | cmd` spawns an extra process."),
    ("SC2251", Info, "This ! is not on a condition and skips errors.", "`! cmd` outside a condition never fails the script, even under `set -e`."),
    ("SC2126", Style, "Consider using 'grep -c' instead of 'grep|wc -l'.", "`grep -c` counts matching lines without a second process."),
    ("SC2012", Info, "Use find instead of ls to better handle non-alphanumeric filenames.", "Parsing `ls` output breaks on unusual file names."),
    ("SC2174", Warning, "When used with -p, -m only applies to the deepest directory.", "`mkdir -p -m MODE a/b/c` sets MODE on c only."),
    ("SC2154", Warning, "Variable is referenced but not assigned.", "A lower-case variable is used but never assigned in the RUN and not declared by ARG/ENV (upper-case names are assumed to come from the environment)."),
    ("SC3037", Warning, "In POSIX sh, echo flags are undefined.", "The default shell is /bin/sh: `echo -n`/`-e` behave differently between shells; use printf."),
    ("SC3046", Warning, "In POSIX sh, 'source' in place of '.' is undefined.", "The default shell is /bin/sh: use `.` instead of `source`."),
];

/// Documentation for a supported ShellCheck code.
pub fn explain(code: &str) -> Option<String> {
    SC_DOCS
        .iter()
        .find(|d| d.0 == code)
        .map(|(c, sev, msg, doc)| {
            format!(
                "{c} ({})\n\n{msg}\n\n{doc}\n\nhttps://www.shellcheck.net/wiki/{c}\n",
                sev.as_str()
            )
        })
}

const DEFAULT_VARS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// The ShellCheck subset, registered as one rule (`SC`) that reports several codes.
pub(crate) static SC: RuleInfo = RuleInfo {
    code: "SC",
    severity: Info,
    message: "",
    onbuild: true,
    default_on: true,
    doc: "ShellCheck findings on RUN bodies (see `sekisho explain SC2086`).",
    check: Check::Fold(check),
};

/// Runs the ShellCheck subset.
pub fn check(items: &[Item], s: &mut Sink) {
    let mut vars: HashSet<String> = HashSet::new();
    let mut posix = true;
    let mut sh_mode = true;
    let mut pragma_pwsh = false;
    for it in items {
        match it.args() {
            Args::Comment(c) => {
                let c = c.trim();
                if let Some(rest) = c.strip_prefix("hadolint") {
                    let rest = rest.trim_start();
                    if let Some(sh) = rest.strip_prefix("shell") {
                        let sh = sh.trim_start().trim_start_matches('=').trim();
                        pragma_pwsh = sh.starts_with("pwsh") || sh.starts_with("powershell");
                    }
                }
            }
            Args::From(_) => {
                vars.clear();
                posix = true;
                sh_mode = true;
            }
            Args::Arg(a) => vars.extend(a.iter().map(|(k, _)| k.clone())),
            Args::Env(p) => vars.extend(p.iter().map(|(k, _)| k.clone())),
            Args::Shell(w) => {
                let first = w
                    .first()
                    .map(|x| x.to_ascii_lowercase())
                    .unwrap_or_default();
                let base = first.rsplit(['/', '\\']).next().unwrap_or("").to_string();
                let base = base.trim_end_matches(".exe");
                posix = matches!(
                    base,
                    "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
                );
                sh_mode = matches!(base, "sh" | "dash");
            }
            Args::Run(_) => {
                if !posix || pragma_pwsh {
                    continue;
                }
                let Some(sh) = &it.shell else { continue };
                if !sh.parsed {
                    continue;
                }
                let mut seen = BTreeSet::new();
                for (code, line, col) in findings(sh, &vars, sh_mode) {
                    if seen.insert(code) {
                        if let Some((_, sev, msg, _)) = SC_DOCS.iter().find(|d| d.0 == code) {
                            let at = finding_loc(it, sh, code, line, col);
                            s.fail_code(code.to_string(), *sev, at, msg.to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Where a ShellCheck finding points: the word it is about when that word is at the top
/// level of the script (not inside `$(...)`, whose positions are approximate) and on the
/// RUN's first line; otherwise the RUN. SC2174/SC3037/SC3046 carry no position.
fn finding_loc(it: &Item, sh: &ParsedShell, code: &str, line: usize, col: usize) -> Loc {
    if matches!(code, "SC2174" | "SC3037" | "SC3046") {
        return it.loc();
    }
    match sh
        .words
        .iter()
        .find(|w| w.depth == 0 && w.line == line && w.column == col)
    {
        Some(w) => it.loc_script(Some((line, col)), &w.raw),
        None => it.loc(),
    }
}

/// Variables whose value cannot contain spaces or globs (ShellCheck's spacefulness).
fn safe_vars(sh: &ParsedShell, declared: &HashSet<String>) -> HashSet<String> {
    let mut safe: HashSet<String> = declared.iter().cloned().collect();
    safe.extend(DEFAULT_VARS.iter().map(|s| s.to_string()));
    let mut unsafe_: HashSet<String> = HashSet::new();
    for (name, val) in &sh.assignments {
        let v = val.trim_matches(|c| c == '"' || c == '\'');
        let spaceful = v.contains(char::is_whitespace)
            || v.contains('*')
            || v.contains('?')
            || v.contains("$(")
            || v.contains('`')
            || (val.contains('$') && !val.starts_with('"'));
        if spaceful {
            unsafe_.insert(name.clone());
        } else {
            safe.insert(name.clone());
        }
    }
    for u in unsafe_ {
        safe.remove(&u);
    }
    for l in &sh.loop_vars {
        safe.remove(l);
    }
    safe
}

/// Whether `$name` refers to a special parameter that never needs quoting.
fn special_param(name: &str) -> bool {
    matches!(name, "?" | "#" | "$" | "!" | "-" | "_")
}

/// Name of the parameter in `$name`, `${name...}`; `None` for `${#...}` (a length).
fn param_name(text: &str) -> Option<String> {
    let t = text.strip_prefix('$')?;
    if let Some(b) = t.strip_prefix('{') {
        if b.starts_with('#') && b.len() > 2 {
            return None;
        }
        if b.starts_with('!') {
            return None;
        }
        let n: String = b
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if n.is_empty() {
            return b.chars().next().map(|c| c.to_string());
        }
        // Modifiers that produce safe values are rare; `${x:-y}` still splits.
        return Some(n);
    }
    let n: String = t
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if n.is_empty() {
        return t.chars().next().map(|c| c.to_string());
    }
    if n.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Some(n[..1].to_string());
    }
    Some(n)
}

struct WordScan {
    /// Unquoted parameter expansions (names).
    bare_params: Vec<String>,
    /// Unquoted command substitutions.
    bare_subst: bool,
    backticks: bool,
    /// Single-quoted text pieces.
    single: Vec<String>,
    /// Quoted pieces (single or double) as text.
    quoted_text: Vec<String>,
    /// Whether the word starts with an unquoted `*`.
    leading_glob: bool,
    /// Every parameter referenced without a default (`${x:-y}` excluded).
    refs: Vec<String>,
}

fn scan_word(raw: &str) -> Option<WordScan> {
    if !raw.contains(['$', '\'', '"', '`', '*']) {
        return None;
    }
    let pieces = sekisho_shell::word_pieces(raw)?;
    let mut ws = WordScan {
        bare_params: vec![],
        bare_subst: false,
        backticks: false,
        single: vec![],
        quoted_text: vec![],
        leading_glob: false,
        refs: vec![],
    };
    if let Some(first) = pieces.first() {
        if let WordPiece::Text(t) = &first.piece {
            ws.leading_glob = t.starts_with('*');
        }
    }
    walk(&pieces, raw, false, &mut ws);
    Some(ws)
}

fn walk(pieces: &[WordPieceWithSource], raw: &str, quoted: bool, ws: &mut WordScan) {
    for p in pieces {
        if let WordPiece::ParameterExpansion(_) = &p.piece {
            if let Some(text) = raw.get(p.start_index..p.end_index) {
                if let Some(n) = param_name(text) {
                    let after = text
                        .trim_start_matches('$')
                        .trim_start_matches('{')
                        .get(n.len()..)
                        .unwrap_or("");
                    let defaulted =
                        text.starts_with("${") && after.starts_with([':', '-', '=', '+', '?']);
                    if !defaulted {
                        ws.refs.push(n);
                    }
                }
            }
        }
        match &p.piece {
            WordPiece::ParameterExpansion(_) if !quoted => {
                if let Some(n) = raw.get(p.start_index..p.end_index).and_then(param_name) {
                    ws.bare_params.push(n);
                }
            }
            WordPiece::CommandSubstitution(_) if !quoted => ws.bare_subst = true,
            WordPiece::BackquotedCommandSubstitution(_) => {
                ws.backticks = true;
                if !quoted {
                    ws.bare_subst = true;
                }
            }
            WordPiece::SingleQuotedText(t) => {
                ws.single.push(t.clone());
                ws.quoted_text.push(t.clone());
            }
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => {
                for i in inner {
                    if let WordPiece::Text(t) = &i.piece {
                        ws.quoted_text.push(t.clone());
                    }
                }
                walk(inner, raw, true, ws);
            }
            _ => {}
        }
    }
}

/// Commands whose single-quoted arguments are code for another interpreter.
fn sc2016_exempt(cmd: &str) -> bool {
    // ShellCheck's list of commands whose single-quoted arguments are code.
    matches!(
        cmd,
        "trap"
            | "sh"
            | "bash"
            | "ksh"
            | "zsh"
            | "ssh"
            | "eval"
            | "xprop"
            | "alias"
            | "sudo"
            | "doas"
            | "run0"
            | "docker"
            | "podman"
            | "oc"
            | "dpkg-query"
            | "jq"
            | "rename"
            | "rg"
            | "unset"
            | "sed"
    ) || cmd.ends_with("awk")
        || cmd.starts_with("perl")
}

fn looks_like_expansion(t: &str) -> bool {
    let b = t.as_bytes();
    (0..b.len()).any(|i| {
        (b[i] == b'$'
            && b.get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b'{' || *c == b'('))
            || b[i] == b'`'
    })
}

fn has_escape(t: &str) -> bool {
    let b = t.as_bytes();
    (0..b.len().saturating_sub(1)).any(|i| {
        b[i] == b'\\'
            && matches!(
                b[i + 1],
                b'n' | b't' | b'r' | b'a' | b'b' | b'f' | b'v' | b'0' | b'e'
            )
    })
}

/// All findings for one script: (code, line, column) in the script.
pub fn findings(
    sh: &ParsedShell,
    declared: &HashSet<String>,
    sh_mode: bool,
) -> Vec<(&'static str, usize, usize)> {
    let safe = safe_vars(sh, declared);
    let set_e = sh.commands.iter().any(|c| {
        c.name == "set"
            && c.args.iter().any(|a| {
                (a.starts_with('-') && !a.starts_with("--") && a.contains('e')) || a == "errexit"
            })
    });
    let mut out: Vec<(&'static str, usize, usize)> = Vec::new();
    let assigned: HashSet<&str> = sh
        .assignments
        .iter()
        .map(|a| a.0.as_str())
        .chain(sh.loop_vars.iter().map(String::as_str))
        .collect();
    for c in &sh.commands {
        if c.name == "mkdir" && c.has_flag("p") && c.has_flag("m") {
            out.push(("SC2174", 1, 1));
        }
        if sh_mode
            && c.name == "echo"
            && c.args.first().is_some_and(|a| {
                a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|ch| "neE".contains(ch))
            })
        {
            out.push(("SC3037", 1, 1));
        }
        if sh_mode && c.name == "source" {
            out.push(("SC3046", 1, 1));
        }
    }
    for (code, l, c) in &sh.facts {
        if *code == "SC2164" && set_e {
            continue;
        }
        out.push((code, *l, *c));
    }
    // echo commands with -e
    let mut echo_e = false;
    for w in &sh.words {
        let Some(ws) = scan_word(&w.raw) else {
            continue;
        };
        if ws.refs.iter().any(|n| {
            n.chars().any(|c| c.is_ascii_lowercase())
                && !assigned.contains(n.as_str())
                && !declared.contains(n)
                && !DEFAULT_VARS.contains(&n.as_str())
        }) {
            out.push(("SC2154", w.line, w.column));
        }
        if ws.backticks {
            out.push(("SC2006", w.line, w.column));
        }
        match &w.ctx {
            WordCtx::Name => echo_e = false,
            WordCtx::Arg(cmd) => {
                let cmd: &str = cmd;
                if cmd == "echo" && w.raw.starts_with("-e") {
                    echo_e = true;
                }
                let decl = matches!(cmd, "export" | "local" | "declare" | "readonly" | "typeset");
                if decl {
                    if w.raw.contains("=$(")
                        || w.raw.contains("=\"$(")
                        || w.raw.contains("=`")
                        || w.raw.contains("=\"`")
                    {
                        out.push(("SC2155", w.line, w.column));
                    }
                    continue;
                }
                if ws
                    .bare_params
                    .iter()
                    .any(|n| !special_param(n) && !safe.contains(n))
                {
                    out.push(("SC2086", w.line, w.column));
                }
                if ws.bare_subst {
                    out.push(("SC2046", w.line, w.column));
                }
                if !sc2016_exempt(cmd) && ws.single.iter().any(|t| looks_like_expansion(t)) {
                    out.push(("SC2016", w.line, w.column));
                }
                if cmd == "echo" && !echo_e && ws.quoted_text.iter().any(|t| has_escape(t)) {
                    out.push(("SC2028", w.line, w.column));
                }
                if ws.leading_glob && !matches!(cmd, "echo" | "printf") {
                    out.push(("SC2035", w.line, w.column));
                }
            }
            WordCtx::Redirect
                if ws
                    .bare_params
                    .iter()
                    .any(|n| !special_param(n) && !safe.contains(n)) =>
            {
                out.push(("SC2086", w.line, w.column));
            }
            _ => {}
        }
    }
    out.sort_by_key(|x| (x.1, x.2));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse_shell;

    fn codes(s: &str) -> Vec<&'static str> {
        let mut v: Vec<&str> = findings(&parse_shell(s), &HashSet::new(), true)
            .into_iter()
            .map(|x| x.0)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn sc_subset() {
        assert_eq!(codes("echo $FOO"), vec!["SC2086"]);
        assert!(codes("echo \"$FOO\"").is_empty());
        assert!(codes("X=1 && echo $X").is_empty());
        assert!(codes("echo $? $#").is_empty());
        assert_eq!(codes("rm $(ls)"), vec!["SC2046"]);
        assert_eq!(codes("export A=$(date)"), vec!["SC2155"]);
        assert_eq!(codes("echo 'a $b'"), vec!["SC2016"]);
        assert!(codes("sh -c 'echo $b'").is_empty());
        assert_eq!(codes("echo 'a\\nb'"), vec!["SC2028"]);
        assert_eq!(codes("rm *.txt"), vec!["SC2035"]);
        assert_eq!(codes("a=`date`"), vec!["SC2006"]);
        assert_eq!(codes("cd /x; make"), vec!["SC2164"]);
        assert!(codes("cd /x && make").is_empty());
        assert!(codes("set -e; cd /x; make").is_empty());
        assert_eq!(codes("cat f | grep x"), vec!["SC2002"]);
        assert_eq!(codes("! grep x f; true"), vec!["SC2251"]);
        assert!(codes("if ! grep x f; then true; fi").is_empty());
        assert_eq!(codes("! { ldd x | grep y; }; true"), vec!["SC2251"]);
        assert_eq!(codes("grep x f | wc -l"), vec!["SC2126"]);
        assert_eq!(codes("ls /x | head"), vec!["SC2012"]);
        assert_eq!(codes("mkdir -p -m 700 /a/b"), vec!["SC2174"]);
        assert_eq!(codes("echo \"$foo\""), vec!["SC2154"]);
        assert!(codes("foo=1; echo \"$foo\" \"${bar:-x}\" \"$HOME\"").is_empty());
        assert_eq!(codes("echo -n x"), vec!["SC3037"]);
        assert_eq!(codes("source /x"), vec!["SC3046"]);
    }
}
