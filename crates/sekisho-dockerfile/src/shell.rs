//! Shell analysis of `RUN` bodies: hadolint's view of the shared shell model.
//!
//! Bodies are parsed once by [`sekisho_shell`] (brush-parser; its quote-aware splitter when
//! brush rejects a body, for example PowerShell). This module turns that model into the
//! command model hadolint and ShellCheck use: a command name (after `command`/`builtin`/
//! `busybox`/`exec` unwrapping), its arguments with quotes removed and expansions simplified
//! to `${VAR}`, the flags derived from them, words with context, assignments and the
//! structural facts the ShellCheck subset reports.

use std::borrow::Cow;
use std::rc::Rc;

use sekisho_shell::{Element, Role, Script};

/// Where a word appeared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordCtx {
    /// Command name position.
    Name,
    /// An argument of the command with this name (shared by the command's words).
    Arg(Rc<str>),
    /// Value of an assignment to this variable.
    Assign(String),
    /// A `for` loop value.
    ForValue,
    /// A `case` subject.
    Case,
    /// A redirect target.
    Redirect,
    /// A word inside `[[ ]]`.
    Test,
}

/// A word with its context, used by the ShellCheck-style rules.
#[derive(Debug, Clone)]
pub struct ShWord {
    /// The word as written.
    pub raw: String,
    /// Context.
    pub ctx: WordCtx,
    /// 1-based line in the script.
    pub line: usize,
    /// 1-based column in the script.
    pub column: usize,
    /// Nesting depth (0 = top level; >0 inside command substitutions).
    pub depth: usize,
}

/// A simple command.
#[derive(Debug, Clone, Default)]
pub struct Command {
    /// Command name (after `command`/`builtin`/`exec` unwrapping, as ShellCheck does).
    pub name: String,
    /// Arguments, simplified (quotes removed, expansions as `${VAR}`).
    pub args: Vec<String>,
    /// Arguments as written.
    pub raw_args: Vec<String>,
    /// Flags: (flag name, index of the argument it came from). Short ASCII flags borrow
    /// from a static table: most flags are one letter, and a string each was a third of
    /// the allocations of a typical `RUN`.
    pub flags: Vec<(Cow<'static, str>, usize)>,
    /// Variables assigned in the command prefix (`A=b cmd`).
    pub prefix_assigns: Vec<String>,
    /// (line, column) in the script of the name word; `None` when unknown (fallback
    /// splitter, commands inside `$(...)`).
    pub name_pos: Option<(usize, usize)>,
    /// (line, column) in the script of each argument, like `name_pos`; empty when unknown.
    pub arg_pos: Vec<Option<(usize, usize)>>,
}

/// The name of short flag `c`: borrowed from a table for ASCII (no allocation).
fn short_flag(c: char) -> Cow<'static, str> {
    static ASCII: [u8; 128] = {
        let mut bytes = [0u8; 128];
        let mut i = 0;
        while i < 128 {
            bytes[i] = i as u8;
            i += 1;
        }
        bytes
    };
    let ascii = u8::try_from(c)
        .ok()
        .and_then(|b| ASCII.get(usize::from(b)..=usize::from(b)))
        .and_then(|name| std::str::from_utf8(name).ok());
    match ascii {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(c.to_string()),
    }
}

impl Command {
    fn new(name: String, raw_args: Vec<String>, args: Vec<String>) -> Command {
        let mut flags = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if a == "--" || a == "-" {
                continue;
            }
            if let Some(f) = a.strip_prefix("--") {
                let name = f.split('=').next().unwrap_or("");
                flags.push((Cow::Owned(name.to_string()), i));
            } else if let Some(f) = a.strip_prefix('-') {
                for c in f.chars() {
                    flags.push((short_flag(c), i));
                }
            }
        }
        Command {
            name,
            arg_pos: Vec::new(),
            args,
            raw_args,
            flags,
            prefix_assigns: vec![],
            name_pos: None,
        }
    }

    /// hadolint `cmdHasArgs`: the name matches and any argument is in `any`.
    pub fn has_args(&self, name: &str, any: &[&str]) -> bool {
        self.name == name && self.args.iter().any(|a| any.contains(&a.as_str()))
    }

    /// hadolint `cmdHasArgs` for several names.
    pub fn names_have_args(&self, names: &[&str], any: &[&str]) -> bool {
        names.contains(&self.name.as_str()) && self.args.iter().any(|a| any.contains(&a.as_str()))
    }

    /// Whether the name matches and an argument starts with `prefix`.
    pub fn has_prefix_arg(&self, name: &str, prefix: &str) -> bool {
        self.name == name && self.args.iter().any(|a| a.starts_with(prefix))
    }

    /// Whether a flag (`-x` letter or `--long` name) is present.
    pub fn has_flag(&self, f: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == f)
    }

    /// Whether any of the flags is present.
    pub fn has_any_flag(&self, fs: &[&str]) -> bool {
        self.flags.iter().any(|(n, _)| fs.contains(&&**n))
    }

    /// Whether an argument equals `a`.
    pub fn has_arg(&self, a: &str) -> bool {
        self.args.iter().any(|x| x == a)
    }

    /// Arguments that are not flags (hadolint `getArgsNoFlags`).
    pub fn args_no_flags(&self) -> Vec<&str> {
        self.args_no_flags_dropping(&[])
    }

    /// Arguments that are not flags, also dropping the argument right after any of
    /// `drop` flags (hadolint `dropFlagArg`).
    pub fn args_no_flags_dropping(&self, drop: &[&str]) -> Vec<&str> {
        self.nf_indices(drop)
            .into_iter()
            .map(|i| self.args[i].as_str())
            .collect()
    }

    /// Indices of the arguments [`Command::args_no_flags_dropping`] keeps.
    pub fn nf_indices(&self, drop: &[&str]) -> Vec<usize> {
        let flag_idx: Vec<usize> = self.flags.iter().map(|(_, i)| *i).collect();
        let dropped: Vec<usize> = self
            .flags
            .iter()
            .filter(|(n, i)| drop.contains(&&**n) && !self.args[*i].contains('='))
            .map(|(_, i)| i + 1)
            .collect();
        (0..self.args.len())
            .filter(|i| !flag_idx.contains(i) && !dropped.contains(i))
            .collect()
    }

    /// Values of flag `f` (the argument following it).
    pub fn flag_args(&self, f: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(n, _)| n == f)
            .filter_map(|(_, i)| self.args.get(i + 1).map(String::as_str))
            .collect()
    }

    /// Whether `seq` occurs as a contiguous run of arguments.
    pub fn args_contain_seq(&self, seq: &[&str]) -> bool {
        if seq.is_empty() {
            return true;
        }
        self.args
            .windows(seq.len())
            .any(|w| w.iter().zip(seq).all(|(a, b)| a == b))
    }
}

/// A parsed `RUN` body.
#[derive(Debug, Clone, Default)]
pub struct ParsedShell {
    /// The script text.
    pub original: String,
    /// Simple commands in pre-order.
    pub commands: Vec<Command>,
    /// Whether any pipeline has more than one command.
    pub has_pipes: bool,
    /// Whether the real shell parser accepted the script.
    pub parsed: bool,
    /// Words with context (only when `parsed`).
    pub words: Vec<ShWord>,
    /// Variables assigned anywhere: (name, raw value).
    pub assignments: Vec<(String, String)>,
    /// `for` loop variables.
    pub loop_vars: Vec<String>,
    /// Structural facts for the ShellCheck-style rules: (code, line, column).
    pub facts: Vec<(&'static str, usize, usize)>,
    /// Pipelines the shell parser recognised, as indexes in `commands` of their simple
    /// commands in order (compound commands and `[` tests left out); empty when the body
    /// was not parsed.
    pub pipelines: Vec<Vec<usize>>,
}

impl ParsedShell {
    /// Whether a command with this name is present.
    pub fn using_program(&self, p: &str) -> bool {
        self.commands.iter().any(|c| c.name == p)
    }

    /// Whether any command satisfies `f`.
    pub fn any<F: Fn(&Command) -> bool>(&self, f: F) -> bool {
        self.commands.iter().any(f)
    }

    /// Whether no command satisfies `f`.
    pub fn none<F: Fn(&Command) -> bool>(&self, f: F) -> bool {
        !self.commands.iter().any(f)
    }

    /// Index of the first command satisfying `f`.
    pub fn find_index<F: Fn(&Command) -> bool>(&self, f: F) -> Option<usize> {
        self.commands.iter().position(f)
    }
}

/// Parses a script. Never panics.
pub fn parse_shell(text: &str) -> ParsedShell {
    match sekisho_shell::parse(text) {
        Ok(script) => from_script(text, script),
        Err(_) => from_script(text, sekisho_shell::fallback(text)),
    }
}

/// ShellCheck's `oversimplify`: quotes removed, expansions become `${VAR}`.
pub fn oversimplify(word: &str) -> String {
    sekisho_shell::simplify_word(word)
}

/// hadolint's command name of a model command: `command`/`builtin`/`busybox`/`exec`
/// unwrapped as ShellCheck does. Returns (name, index of the name word).
fn hadolint_name(c: &sekisho_shell::SimpleCommand, simple: &[String]) -> (String, usize) {
    let name = c.words[0].simple().to_string();
    if matches!(name.as_str(), "command" | "builtin" | "busybox" | "exec")
        && simple.first().is_some_and(|a| !a.starts_with('-'))
    {
        (simple[0].clone(), 1)
    } else {
        (name, 0)
    }
}

/// hadolint's view of a parsed body; takes the model to move its strings rather than copy them.
fn from_script(text: &str, mut s: Script) -> ParsedShell {
    let mut out = ParsedShell {
        original: text.to_string(),
        parsed: s.parsed,
        has_pipes: s.has_pipes(),
        loop_vars: std::mem::take(&mut s.loop_vars),
        ..Default::default()
    };
    // Commands that came from the fallback splitter (the whole body, or a substitution
    // brush rejected) carry no assignments.
    let mut from_fallback = vec![!s.parsed; s.commands.len()];
    for p in s.pipelines.iter().filter(|p| !p.parsed) {
        for e in &p.elements {
            if let Element::Simple(i) = e {
                if let Some(f) = from_fallback.get_mut(*i) {
                    *f = true;
                }
            }
        }
    }
    // The pipeline facts read the model's raw words: before they are moved out below.
    for p in s.pipelines.iter().filter(|p| p.parsed) {
        facts(&s, p, &mut out.facts);
    }
    // model command index -> (hadolint name, index in `out.commands`)
    let empty: Rc<str> = Rc::from("");
    let mut names: Vec<Rc<str>> = Vec::with_capacity(s.commands.len());
    let mut index: Vec<Option<usize>> = Vec::with_capacity(s.commands.len());
    for (i, c) in s.commands.iter_mut().enumerate() {
        if from_fallback[i] {
            index.push(None);
            names.push(empty.clone());
            if let Some((first, rest)) = c.words.split_first() {
                index[i] = Some(out.commands.len());
                names[i] = Rc::from(first.text());
                out.commands.push(Command::new(
                    first.text().to_string(),
                    rest.iter().map(|w| w.raw.clone()).collect(),
                    rest.iter().map(|w| w.text().to_string()).collect(),
                ));
            }
            continue;
        }
        for a in &c.assignments {
            let val = match &a.value {
                Some(v) => v.raw.clone(),
                None => "(array)".to_string(),
            };
            out.assignments.push((a.name.clone(), val));
        }
        if c.words.is_empty() {
            index.push(None);
            names.push(empty.clone());
            continue;
        }
        let simple: Vec<String> = c.words[1..].iter_mut().map(|w| w.take_simple()).collect();
        let raw: Vec<String> = c.words[1..]
            .iter_mut()
            .map(|w| std::mem::take(&mut w.raw))
            .collect();
        let rest = &c.words[1..];
        let (name, name_at) = hadolint_name(c, &simple);
        // export/declare/local/readonly assignments
        if matches!(
            name.as_str(),
            "export" | "declare" | "local" | "readonly" | "typeset"
        ) {
            for r in &raw {
                if let Some((n, v)) = r.split_once('=') {
                    if !n.starts_with('-') {
                        out.assignments.push((n.to_string(), v.to_string()));
                    }
                } else if !r.starts_with('-') {
                    // `export x` / `local x`: declared, value unknown
                    out.assignments.push((r.to_string(), "$(unknown)".into()));
                }
            }
        }
        if name == "read" {
            for a in simple.iter().filter(|a| !a.starts_with('-')) {
                out.assignments.push((a.clone(), "$(read)".into()));
            }
        }
        names.push(Rc::from(name.as_str()));
        // `[ ... ]` is a test expression, not a command, for ShellCheck (and so for
        // hadolint's command counts).
        if name == "[" {
            index.push(None);
            continue;
        }
        let mut cmd = Command::new(name, raw, simple);
        cmd.prefix_assigns = c.assignments.iter().map(|a| a.name.clone()).collect();
        // positions are exact at the top level only (substitutions are parsed from their
        // own text)
        if c.depth == 0 {
            cmd.name_pos = c.words[name_at].pos;
            cmd.arg_pos = rest.iter().map(|w| w.pos).collect();
        }
        index.push(Some(out.commands.len()));
        out.commands.push(cmd);
    }
    out.words = std::mem::take(&mut s.words)
        .into_iter()
        .map(|w| ShWord {
            raw: w.raw,
            ctx: match w.role {
                Role::Name => WordCtx::Name,
                Role::Arg(i) => {
                    WordCtx::Arg(names.get(i).cloned().unwrap_or_else(|| empty.clone()))
                }
                Role::Assign(n) => WordCtx::Assign(n),
                Role::ForValue => WordCtx::ForValue,
                Role::Case => WordCtx::Case,
                Role::Redirect => WordCtx::Redirect,
                Role::Test => WordCtx::Test,
            },
            line: w.line,
            column: w.column,
            depth: w.depth,
        })
        .collect();
    for p in s.pipelines.iter().filter(|p| p.parsed) {
        out.pipelines.push(
            p.elements
                .iter()
                .filter_map(|e| match e {
                    Element::Simple(i) => index.get(*i).copied().flatten(),
                    Element::Compound => None,
                })
                .collect(),
        );
    }
    out
}

type ModelCommand = sekisho_shell::SimpleCommand;

/// The word brush took as the command name.
fn name_word(c: &ModelCommand) -> Option<&sekisho_shell::Word> {
    c.name_index.and_then(|i| c.words.get(i))
}

/// The name word as written (empty when none).
fn name(c: &ModelCommand) -> &str {
    name_word(c).map_or("", |w| w.raw.as_str())
}

fn name_pos(c: &ModelCommand) -> (usize, usize) {
    name_word(c).and_then(|w| w.pos).unwrap_or((1, 1))
}

/// The plain words after the name, as written (suffix assignments left out).
fn suffix(c: &ModelCommand) -> Vec<&str> {
    match c.name_index {
        Some(i) => c
            .words
            .get(i + 1..)
            .unwrap_or(&[])
            .iter()
            .filter(|w| !w.assignment)
            .map(|w| w.raw.as_str())
            .collect(),
        None => vec![],
    }
}

/// The ShellCheck facts of one pipeline: SC2251 (`!` whose status nobody checks), SC2164
/// (an unchecked lone `cd`), SC2126 (`grep | wc -l`), SC2012 (`ls | ...`), SC2002 (`cat
/// file | ...`).
fn facts(s: &Script, p: &sekisho_shell::Pipeline, out: &mut Vec<(&'static str, usize, usize)>) {
    let simple = |e: &Element| match e {
        Element::Simple(i) => s.commands.get(*i),
        Element::Compound => None,
    };
    if let Some(pos) = p.first_pos {
        if p.bang && !p.checked {
            out.push(("SC2251", pos.0, pos.1));
        }
        if p.elements.len() == 1 && !p.checked {
            if let Some(c) = p.elements.first().and_then(simple) {
                if name(c) == "cd" {
                    out.push(("SC2164", pos.0, pos.1));
                }
            }
        }
    }
    // Adjacent simple commands in a pipeline: `grep | wc -l` (SC2126), `ls | ...`
    // (SC2012).
    for pair in p.elements.windows(2) {
        if let (Some(a), Some(b)) = (simple(&pair[0]), simple(&pair[1])) {
            if name_word(a).is_some() {
                let (l, c) = name_pos(a);
                if name(a) == "grep" && name(b) == "wc" && suffix(b) == ["-l"] {
                    out.push(("SC2126", l, c));
                }
                if name(a) == "ls" {
                    out.push(("SC2012", l, c));
                }
            }
        }
    }
    if p.elements.len() > 1 {
        if let Some(a) = p.elements.first().and_then(simple) {
            let args = suffix(a);
            if name(a) == "cat"
                && args.len() == 1
                && !args[0].starts_with('-')
                && name_word(a).is_some()
            {
                let (l, c) = name_pos(a);
                out.push(("SC2002", l, c));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        let p = parse_shell(
            "apt-get update && apt-get install -y \"foo\" $(echo bar | tr a b) || true",
        );
        let names: Vec<&str> = p.commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["apt-get", "apt-get", "echo", "tr", "true"]);
        assert!(p.has_pipes);
        assert_eq!(p.commands[1].args, vec!["install", "-y", "foo", "${VAR}"]);
        assert!(p.commands[1].has_flag("y"));
        assert_eq!(
            p.commands[1].args_no_flags(),
            vec!["install", "foo", "${VAR}"]
        );
    }

    #[test]
    fn fallback_splits() {
        let p = from_script("", sekisho_shell::fallback("foo a | bar -x && baz"));
        assert_eq!(p.commands.len(), 3);
        assert!(!p.parsed);
    }
}
