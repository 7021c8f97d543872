//! Rule registry and runner.
//!
//! Every rule lives in its own file (`dl/dl3008.rs`, `sk/sk1001.rs`; the label-schema
//! rules and the "one per stage" rules are small families) next to its metadata: a
//! [`RuleInfo`] with code, default severity, message, ONBUILD flag, default state,
//! documentation and a [`Check`]. A check either names the instruction kinds it looks
//! at and is called once per matching instruction, or is a fold over the whole
//! instruction stream (hadolint's model) for rules that carry state across instructions
//! (stages, previous instructions). [`RULES`] lists every rule, one line each, in the
//! order they run.
//!
//! Rules flagged `onbuild` run a second time over the instructions wrapped in
//! `ONBUILD`, unwrapped, exactly like hadolint's `onbuild` combinator.

mod dl;
mod prelude;
pub mod scope;
pub mod shellcheck;
mod sk;
mod util;

use std::collections::{BTreeSet, HashMap};

use crate::config::Config;
use crate::parser::{Args, Dockerfile, FromArgs, Instruction};
use crate::shell::{parse_shell, ParsedShell};
use crate::{Finding, Severity};

/// Static description of a rule.
pub struct RuleInfo {
    /// Rule code.
    pub code: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Default message.
    pub message: &'static str,
    /// Also run over instructions wrapped in `ONBUILD`.
    pub onbuild: bool,
    /// Enabled without configuration.
    pub default_on: bool,
    /// Longer documentation for `sekisho explain`.
    pub doc: &'static str,
    /// The check.
    pub check: Check,
}

/// How a rule looks at the instruction stream.
#[derive(Clone, Copy)]
pub enum Check {
    /// Called for every `RUN`, with its parsed body.
    Run(fn(&Item, &ParsedShell, &mut Sink)),
    /// Called for every `FROM`.
    From(fn(&Item, &crate::parser::FromArgs, &mut Sink)),
    /// Called for every `COPY`.
    Copy(fn(&Item, &crate::parser::CopyArgs, &mut Sink)),
    /// Called for every `ADD`.
    Add(fn(&Item, &crate::parser::CopyArgs, &mut Sink)),
    /// Called for every `LABEL`, with its pairs.
    Label(fn(&Item, &[(String, String)], &mut Sink)),
    /// Called for every instruction of one of these kinds.
    Each(&'static [Kind], fn(&Item, &mut Sink)),
    /// Called once with the whole stream: rules with state across instructions.
    Fold(fn(&[Item], &mut Sink)),
}

/// The kind of an instruction (its keyword), for [`Check::Each`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A comment line.
    Comment,
    /// `FROM`.
    From,
    /// `RUN`.
    Run,
    /// `CMD`.
    Cmd,
    /// `ENTRYPOINT`.
    Entrypoint,
    /// `SHELL`.
    Shell,
    /// `COPY`.
    Copy,
    /// `ADD`.
    Add,
    /// `ENV`.
    Env,
    /// `LABEL`.
    Label,
    /// `ARG`.
    Arg,
    /// `EXPOSE`.
    Expose,
    /// `USER`.
    User,
    /// `WORKDIR`.
    Workdir,
    /// `VOLUME`.
    Volume,
    /// `STOPSIGNAL`.
    Stopsignal,
    /// `HEALTHCHECK`.
    Healthcheck,
    /// `MAINTAINER`.
    Maintainer,
    /// `ONBUILD`.
    Onbuild,
}

impl Kind {
    /// The kind of parsed arguments.
    pub fn of(args: &Args) -> Kind {
        match args {
            Args::Comment(_) => Kind::Comment,
            Args::From(_) => Kind::From,
            Args::Run(_) => Kind::Run,
            Args::Cmd(_) => Kind::Cmd,
            Args::Entrypoint(_) => Kind::Entrypoint,
            Args::Shell(_) => Kind::Shell,
            Args::Copy(_) => Kind::Copy,
            Args::Add(_) => Kind::Add,
            Args::Env(_) => Kind::Env,
            Args::Label(_) => Kind::Label,
            Args::Arg(_) => Kind::Arg,
            Args::Expose(_) => Kind::Expose,
            Args::User(_) => Kind::User,
            Args::Workdir(_) => Kind::Workdir,
            Args::Volume(_) => Kind::Volume,
            Args::Stopsignal(_) => Kind::Stopsignal,
            Args::Healthcheck(_) => Kind::Healthcheck,
            Args::Maintainer(_) => Kind::Maintainer,
            Args::Onbuild(_) => Kind::Onbuild,
        }
    }
}

/// A position a finding points at: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Loc {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

/// One instruction as seen by a rule, with its `RUN` body pre-parsed.
pub struct Item<'a> {
    /// 1-based start line.
    pub line: usize,
    /// 1-based column where the instruction starts (its first non-blank character; for
    /// the ONBUILD stream, the wrapped keyword when it is on the first line).
    pub column: usize,
    /// The instruction (unwrapped for the ONBUILD stream).
    pub instr: &'a Instruction,
    /// Parsed shell for `RUN`.
    pub shell: Option<ParsedShell>,
    /// The whole source text (for columns).
    pub src: &'a str,
    /// The build variables in scope (BuildKit rules, see [`scope`]); filled for top-level
    /// `RUN`s, empty (nothing declared) elsewhere and in the ONBUILD stream, whose
    /// variables are the child build's.
    pub scope: scope::Scope,
}

/// The 1-based column (in characters) of source byte `byte`; a leading BOM does not
/// count. `None` if `byte` is not a character boundary of `src`.
pub fn column_of(src: &str, byte: usize) -> Option<usize> {
    let before = src.get(..byte)?;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut n = before[start..].chars().count();
    if start == 0 && before.starts_with('\u{feff}') {
        n -= 1;
    }
    Some(n + 1)
}

impl Item<'_> {
    /// The instruction's arguments.
    pub fn args(&self) -> &Args {
        &self.instr.args
    }

    /// The instruction's kind.
    pub fn kind(&self) -> Kind {
        Kind::of(&self.instr.args)
    }

    /// Where the instruction starts (instruction-level findings point here).
    pub fn loc(&self) -> Loc {
        Loc {
            line: self.line,
            column: self.column,
        }
    }

    /// The position of logical-line offset `off` (see [`crate::parser::TextPos`]): its
    /// real column when it is on the instruction's first line, else the instruction's
    /// position. The line is always the instruction's start line, as in hadolint.
    pub fn loc_at(&self, off: usize) -> Loc {
        self.instr
            .pos
            .source_offset(off)
            .and_then(|b| column_of(self.src, b))
            .map_or(self.loc(), |column| Loc {
                line: self.line,
                column,
            })
    }

    /// The position of byte `off` of the instruction's argument text.
    pub fn loc_text(&self, off: usize) -> Loc {
        self.loc_at(self.instr.pos.text + off)
    }

    /// The position of the `n`-th (0-based) word of the argument text (shell form).
    pub fn loc_word(&self, n: usize) -> Loc {
        match crate::parser::word_offsets(&self.instr.text).get(n) {
            Some(off) => self.loc_text(*off),
            None => self.loc(),
        }
    }

    /// The position of flag `--name` (the last one, as [`Instruction::flag`] reads).
    pub fn loc_flag(&self, name: &str) -> Loc {
        match self
            .instr
            .flags
            .iter()
            .rev()
            .find(|f| f.name.eq_ignore_ascii_case(name))
        {
            Some(f) => self.loc_at(f.offset),
            None => self.loc(),
        }
    }

    /// The position of a `RUN` script position `(line, column)` where the script has
    /// `expect`; the instruction's position when that is not on the first line of a
    /// shell-form body, or the text there is not `expect`.
    pub fn loc_script(&self, pos: Option<(usize, usize)>, expect: &str) -> Loc {
        let Args::Run(r) = self.args() else {
            return self.loc();
        };
        let text = self.instr.text.as_str();
        let shell_form = matches!(r.cmd, crate::parser::CmdLine::Shell(_));
        match pos {
            Some((1, col)) if shell_form && r.script.starts_with(text) => {
                match text.char_indices().nth(col.wrapping_sub(1)) {
                    Some((b, _)) if !expect.is_empty() && text[b..].starts_with(expect) => {
                        self.loc_text(b)
                    }
                    _ => self.loc(),
                }
            }
            _ => self.loc(),
        }
    }

    /// The position of a command's name in a `RUN` body.
    pub fn loc_cmd(&self, c: &crate::shell::Command) -> Loc {
        self.loc_script(c.name_pos, &c.name)
    }

    /// The position of `arg`, a slice of one of the command's arguments (as the
    /// `args_no_flags*` helpers return them); the command's position if it is not one.
    pub fn loc_pkg(&self, c: &crate::shell::Command, arg: &str) -> Loc {
        match c.args.iter().position(|a| std::ptr::eq(a.as_str(), arg)) {
            Some(i) => self.loc_arg(c, i),
            None => self.loc_cmd(c),
        }
    }

    /// Whether package word `p` (a slice of one of `c`'s arguments, as the
    /// `args_no_flags*` helpers return them) is unpinned, where `pinned` judges a word.
    /// Variables are read with BuildKit's scoping ([`scope::Scope::resolve`]): a word
    /// using a variable declared in the file but not in scope here is unpinned; a word
    /// whose variables are all in scope is expanded and each resulting word judged; other
    /// words are judged as written.
    pub fn unpinned(
        &self,
        c: &crate::shell::Command,
        p: &str,
        pinned: impl Fn(&str) -> bool,
    ) -> bool {
        let raw = c
            .args
            .iter()
            .position(|a| std::ptr::eq(a.as_str(), p))
            .and_then(|i| c.raw_args.get(i));
        match raw.map(|r| self.scope.resolve(r)) {
            Some(scope::Resolved::OutOfScope) => true,
            Some(scope::Resolved::Expanded(words)) => words.iter().any(|w| !pinned(w)),
            _ => !pinned(p),
        }
    }

    /// The position of a command's `i`-th argument in a `RUN` body.
    pub fn loc_arg(&self, c: &crate::shell::Command, i: usize) -> Loc {
        match (c.arg_pos.get(i), c.raw_args.get(i)) {
            (Some(p), Some(raw)) => self.loc_script(*p, raw),
            _ => self.loc(),
        }
    }
}

/// Helpers over the instruction stream for fold rules.
pub trait Items<'a> {
    /// The `RUN` instructions with their parsed bodies.
    fn runs<'s>(&'s self) -> impl Iterator<Item = (&'s Item<'a>, &'s ParsedShell)>
    where
        'a: 's;

    /// The `FROM` instructions with their arguments.
    fn froms<'s>(&'s self) -> impl Iterator<Item = (&'s Item<'a>, &'s FromArgs)>
    where
        'a: 's;
}

impl<'a> Items<'a> for [Item<'a>] {
    fn froms<'s>(&'s self) -> impl Iterator<Item = (&'s Item<'a>, &'s FromArgs)>
    where
        'a: 's,
    {
        self.iter().filter_map(|it| match it.args() {
            Args::From(f) => Some((it, f)),
            _ => None,
        })
    }

    fn runs<'s>(&'s self) -> impl Iterator<Item = (&'s Item<'a>, &'s ParsedShell)>
    where
        'a: 's,
    {
        self.iter()
            .filter_map(|it| it.shell.as_ref().map(|s| (it, s)))
    }
}

/// Collects findings for one rule.
pub struct Sink<'c> {
    code: &'static str,
    /// The configuration.
    pub cfg: &'c Config,
    found: Vec<(String, Loc, Option<String>, Option<Severity>)>,
}

impl Sink<'_> {
    /// Reports the rule on an instruction with its default message.
    pub fn fail(&mut self, it: &Item) {
        self.fail_at(it.loc());
    }

    /// Reports the rule at a position with its default message.
    pub fn fail_at(&mut self, at: Loc) {
        self.found.push((self.code.to_string(), at, None, None));
    }

    /// Reports the rule at a position with a specific message.
    pub fn fail_msg(&mut self, at: Loc, msg: String) {
        self.found
            .push((self.code.to_string(), at, Some(msg), None));
    }

    /// Reports another code (ShellCheck findings).
    pub fn fail_code(&mut self, code: String, sev: Severity, at: Loc, msg: String) {
        self.found.push((code, at, Some(msg), Some(sev)));
    }
}

/// Every rule, one line each, in the order they run.
static RULES: &[&RuleInfo] = &[
    &dl::dl1001::DL1001,
    &dl::dl3000::DL3000,
    &dl::dl3001::DL3001,
    &dl::dl3002::DL3002,
    &dl::dl3003::DL3003,
    &dl::dl3004::DL3004,
    &dl::dl3006::DL3006,
    &dl::dl3007::DL3007,
    &dl::dl3008::DL3008,
    &dl::dl3009::DL3009,
    &dl::dl3010::DL3010,
    &dl::dl3011::DL3011,
    &dl::one_per_stage::DL3012,
    &dl::dl3013::DL3013,
    &dl::dl3014::DL3014,
    &dl::dl3015::DL3015,
    &dl::dl3016::DL3016,
    &dl::dl3018::DL3018,
    &dl::dl3019::DL3019,
    &dl::dl3020::DL3020,
    &dl::dl3021::DL3021,
    &dl::dl3022::DL3022,
    &dl::dl3023::DL3023,
    &dl::dl3024::DL3024,
    &dl::dl3025::DL3025,
    &dl::dl3026::DL3026,
    &dl::dl3027::DL3027,
    &dl::dl3028::DL3028,
    &dl::dl3029::DL3029,
    &dl::dl3030::DL3030,
    &dl::dl3032::DL3032,
    &dl::dl3033::DL3033,
    &dl::dl3034::DL3034,
    &dl::dl3035::DL3035,
    &dl::dl3036::DL3036,
    &dl::dl3037::DL3037,
    &dl::dl3038::DL3038,
    &dl::dl3040::DL3040,
    &dl::dl3041::DL3041,
    &dl::dl3042::DL3042,
    &dl::dl3043::DL3043,
    &dl::dl3044::DL3044,
    &dl::dl3045::DL3045,
    &dl::dl3046::DL3046,
    &dl::dl3047::DL3047,
    &dl::dl3048::DL3048,
    &dl::label_schema::DL3049,
    &dl::label_schema::DL3050,
    &dl::label_schema::DL3051,
    &dl::label_values::DL3052,
    &dl::label_values::DL3053,
    &dl::label_values::DL3054,
    &dl::label_values::DL3055,
    &dl::label_values::DL3056,
    &dl::dl3057::DL3057,
    &dl::label_values::DL3058,
    &dl::dl3059::DL3059,
    &dl::dl3060::DL3060,
    &dl::dl3061::DL3061,
    &dl::dl3062::DL3062,
    &dl::dl3063::DL3063,
    &dl::dl3064::DL3064,
    &dl::dl3065::DL3065,
    &dl::dl3066::DL3066,
    &dl::dl3067::DL3067,
    &dl::dl4000::DL4000,
    &dl::dl4001::DL4001,
    &dl::one_per_stage::DL4003,
    &dl::one_per_stage::DL4004,
    &dl::dl4005::DL4005,
    &dl::dl4006::DL4006,
    &shellcheck::SC,
    &sk::sk1001::SK1001,
    &sk::sk1002::SK1002,
    &sk::sk1003::SK1003,
    &sk::sk1004::SK1004,
    &sk::sk1005::SK1005,
    &sk::sk1006::SK1006,
    &sk::sk1007::SK1007,
    &sk::sk1008::SK1008,
    &sk::sk1009::SK1009,
    &sk::sk1010::SK1010,
    &sk::sk1011::SK1011,
    &sk::sk1012::SK1012,
    &sk::sk1013::SK1013,
    &sk::sk1014::SK1014,
    &sk::sk1015::SK1015,
];

/// All rules in the order they run.
pub fn all_rules() -> &'static [&'static RuleInfo] {
    RULES
}

/// Documentation for `sekisho explain RULE`.
pub fn explain(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    if let Some(r) = RULES.iter().find(|r| r.code == code && r.code != "SC") {
        return Some(format!(
            "{} ({}{})\n\n{}\n\n{}\n",
            r.code,
            r.severity.as_str(),
            if r.default_on { "" } else { ", opt-in" },
            r.message,
            r.doc
        ));
    }
    shellcheck::explain(&code)
}

/// Runs one check over a stream.
fn dispatch(check: Check, items: &[Item], s: &mut Sink) {
    match check {
        Check::Fold(f) => f(items, s),
        Check::Each(kinds, f) => {
            for it in items.iter().filter(|it| kinds.contains(&it.kind())) {
                f(it, s);
            }
        }
        Check::Run(f) => {
            for (it, sh) in items.runs() {
                f(it, sh, s);
            }
        }
        Check::From(f) => {
            for it in items {
                if let Args::From(a) = it.args() {
                    f(it, a, s);
                }
            }
        }
        Check::Copy(f) => {
            for it in items {
                if let Args::Copy(a) = it.args() {
                    f(it, a, s);
                }
            }
        }
        Check::Add(f) => {
            for it in items {
                if let Args::Add(a) = it.args() {
                    f(it, a, s);
                }
            }
        }
        Check::Label(f) => {
            for it in items {
                if let Args::Label(a) = it.args() {
                    f(it, a, s);
                }
            }
        }
    }
}

fn items_for<'a>(
    src: &'a str,
    instrs: impl Iterator<Item = (usize, &'a Instruction)>,
    mut scopes: Vec<scope::Scope>,
) -> Vec<Item<'a>> {
    scopes.reverse();
    instrs
        .map(|(line, instr)| (line, instr, scopes.pop().unwrap_or_default()))
        .map(|(line, instr, mut scope)| {
            let shell = match &instr.args {
                Args::Run(r) => Some(parse_shell(&r.script)),
                _ => None,
            };
            if let Some(sh) = &shell {
                scope.shadowed = sh
                    .assignments
                    .iter()
                    .map(|a| a.0.clone())
                    .chain(sh.loop_vars.iter().cloned())
                    .collect();
            }
            (line, instr, scope, shell)
        })
        .map(|(line, instr, scope, shell)| Item {
            scope,
            shell,
            line,
            column: instr
                .pos
                .source_offset(instr.pos.keyword)
                .or(instr.pos.source_offset(0))
                .and_then(|b| column_of(src, b))
                .unwrap_or(1),
            src,
            instr,
        })
        .collect()
}

/// Parses the `# hadolint ignore=A,B` pragma body; `global` selects the global form.
pub fn parse_ignore_pragma(comment: &str, global: bool) -> Option<Vec<String>> {
    let s = comment.trim_start_matches([' ', '\t']);
    let s = s.strip_prefix("hadolint")?;
    if !s.starts_with([' ', '\t']) {
        return None;
    }
    let mut s = s.trim_start_matches([' ', '\t']);
    if global {
        s = s.strip_prefix("global")?;
        if !s.starts_with([' ', '\t']) {
            return None;
        }
        s = s.trim_start_matches([' ', '\t']);
    }
    let s = s.strip_prefix("ignore")?.trim_start_matches([' ', '\t']);
    let s = s.strip_prefix('=')?.trim_start_matches([' ', '\t']);
    let s = s.split('#').next().unwrap_or("");
    let codes: Vec<String> = s
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty()
        || codes
            .iter()
            .any(|c| !c.chars().all(|ch| "DLSCK0123456789".contains(ch)))
    {
        return None;
    }
    Some(codes)
}

/// Runs all enabled rules on a parsed file and applies ignores and overrides.
pub fn run(df: &Dockerfile, src: &str, cfg: &Config) -> Vec<Finding> {
    let instrs: Vec<&Instruction> = df.instructions.iter().collect();
    let top = items_for(
        src,
        instrs.iter().map(|i| (i.span.line, *i)),
        scope::scopes(df, &instrs),
    );
    let onbuild = items_for(
        src,
        df.instructions
            .iter()
            .filter_map(|i| i.onbuild_inner().map(|x| (i.span.line, x))),
        vec![],
    );
    let mut raw = Vec::new();
    for rule in all_rules() {
        if !(rule.default_on || cfg.is_enabled(rule.code)) {
            continue;
        }
        if cfg.is_ignored(rule.code) {
            continue;
        }
        let mut sink = Sink {
            code: rule.code,
            cfg,
            found: vec![],
        };
        dispatch(rule.check, &top, &mut sink);
        if rule.onbuild && !onbuild.is_empty() {
            dispatch(rule.check, &onbuild, &mut sink);
        }
        for (code, at, msg, sev) in sink.found {
            let severity = cfg
                .overrides
                .get(&code)
                .copied()
                .or(sev)
                .unwrap_or(rule.severity);
            raw.push(Finding {
                message: msg.unwrap_or_else(|| rule.message.to_string()),
                code,
                severity,
                line: at.line,
                column: at.column,
                end_line: at.line,
            });
        }
    }
    // Pragmas.
    let mut line_ignores: HashMap<usize, BTreeSet<String>> = HashMap::new();
    let mut global: BTreeSet<String> = BTreeSet::new();
    for i in &df.instructions {
        if let Args::Comment(c) = &i.args {
            if let Some(codes) = parse_ignore_pragma(c, true) {
                global.extend(codes);
            } else if let Some(codes) = parse_ignore_pragma(c, false) {
                line_ignores
                    .entry(i.span.line + 1)
                    .or_default()
                    .extend(codes);
            }
        }
    }
    let end_lines: HashMap<usize, usize> = df
        .instructions
        .iter()
        .map(|i| (i.span.line, i.span.end_line))
        .collect();
    let mut out: Vec<Finding> = raw
        .into_iter()
        .filter(|f| f.severity != Severity::Ignore)
        .filter(|f| !cfg.is_ignored(&f.code))
        .filter(|f| {
            cfg.disable_ignore_pragma
                || !(global.contains(&f.code)
                    || line_ignores
                        .get(&f.line)
                        .is_some_and(|s| s.contains(&f.code)))
        })
        .map(|mut f| {
            f.end_line = end_lines.get(&f.line).copied().unwrap_or(f.line);
            f
        })
        .collect();
    out.sort_by_key(|f| f.line);
    out
}

/// Whether an `ADD` source is a remote URL or a local archive (where ADD is meaningful).
pub fn is_archive_or_url(p: &str) -> bool {
    util::is_archive(p) || util::is_url(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma() {
        assert_eq!(
            parse_ignore_pragma(" hadolint ignore=DL3008, SC2086", false),
            Some(vec!["DL3008".to_string(), "SC2086".to_string()])
        );
        assert_eq!(
            parse_ignore_pragma(" hadolint global ignore=DL3008", true),
            Some(vec!["DL3008".to_string()])
        );
        assert_eq!(
            parse_ignore_pragma(" hadolint global ignore=DL3008", false),
            None
        );
    }
}
