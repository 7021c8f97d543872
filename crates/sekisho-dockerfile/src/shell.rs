//! Shell analysis of `RUN` bodies.
//!
//! Scripts are parsed with [`brush_parser`]; when it rejects a script (for example a
//! PowerShell body), a small quote-aware splitter is used instead so rules still see
//! commands. The command model mirrors hadolint's: a command name, its arguments with
//! quotes removed and expansions simplified to `${VAR}`, and the flags derived from them.

use brush_parser::ast;
use brush_parser::word::{WordPiece, WordPieceWithSource};
use brush_parser::ParserOptions;

/// Where a word appeared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordCtx {
    /// Command name position.
    Name,
    /// An argument of the command with this name.
    Arg(String),
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
    /// Flags: (flag name, index of the argument it came from).
    pub flags: Vec<(String, usize)>,
    /// Variables assigned in the command prefix (`A=b cmd`).
    pub prefix_assigns: Vec<String>,
    /// (line, column) in the script of the name word; `None` when unknown (fallback
    /// splitter, commands inside `$(...)`).
    pub name_pos: Option<(usize, usize)>,
    /// (line, column) in the script of each argument, like `name_pos`.
    pub arg_pos: Vec<Option<(usize, usize)>>,
}

impl Command {
    fn new(name: String, raw_args: Vec<String>, args: Vec<String>) -> Command {
        let mut flags = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if a == "--" || a == "-" {
                continue;
            }
            if let Some(f) = a.strip_prefix("--") {
                flags.push((f.split('=').next().unwrap_or("").to_string(), i));
            } else if let Some(f) = a.strip_prefix('-') {
                for c in f.chars() {
                    flags.push((c.to_string(), i));
                }
            }
        }
        Command {
            name,
            arg_pos: vec![None; args.len()],
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
        self.flags.iter().any(|(n, _)| fs.contains(&n.as_str()))
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
            .filter(|(n, i)| drop.contains(&n.as_str()) && !self.args[*i].contains('='))
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

fn options() -> ParserOptions {
    ParserOptions::default()
}

/// Parses a script. Never panics.
pub fn parse_shell(text: &str) -> ParsedShell {
    if too_deep(text) {
        return fallback(text);
    }
    let attempt = std::panic::catch_unwind(|| parse_with_brush(text, 0));
    match attempt {
        Ok(Some(p)) => p,
        _ => fallback(text),
    }
}

/// Guards the recursive-descent parser against pathological nesting.
fn too_deep(text: &str) -> bool {
    let mut depth: usize = 0;
    let mut max = 0;
    for b in text.bytes() {
        match b {
            b'(' | b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max > 64
}

fn parse_program(text: &str) -> Option<ast::Program> {
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(text.as_bytes()), &options());
    parser.parse_program().ok()
}

fn parse_with_brush(text: &str, depth: usize) -> Option<ParsedShell> {
    if depth > 8 {
        return None;
    }
    let prog = parse_program(text)?;
    let mut w = Walker {
        out: ParsedShell {
            original: text.to_string(),
            parsed: true,
            ..Default::default()
        },
        depth,
        line_off: 0,
        col_off: 0,
        cond: 0,
    };
    for cc in &prog.complete_commands {
        w.compound_list(cc);
    }
    Some(w.out)
}

struct Walker {
    out: ParsedShell,
    depth: usize,
    line_off: usize,
    col_off: usize,
    /// >0 while walking an if/while condition or an and-or list that checks status.
    cond: usize,
}

impl Walker {
    fn compound_list(&mut self, l: &ast::CompoundList) {
        for item in &l.0 {
            self.and_or(&item.0);
        }
    }

    fn and_or(&mut self, l: &ast::AndOrList) {
        // The status of every pipeline but the last is checked by `&&`/`||`.
        let n = l.additional.len();
        self.pipeline(&l.first, n > 0);
        for (i, a) in l.additional.iter().enumerate() {
            match a {
                ast::AndOr::And(p) | ast::AndOr::Or(p) => self.pipeline(p, i + 1 < n),
            }
        }
    }

    fn pipeline(&mut self, p: &ast::Pipeline, checked: bool) {
        if p.seq.len() > 1 {
            self.out.has_pipes = true;
        }
        let checked = checked || self.cond > 0;
        if let Some(pos) = p.seq.first().and_then(|c| self.command_pos(c)) {
            if p.bang && !checked {
                self.out.facts.push(("SC2251", pos.0, pos.1));
            }
            if p.seq.len() == 1 && !checked {
                if let Some(ast::Command::Simple(s)) = p.seq.first() {
                    if s.word_or_name.as_ref().is_some_and(|w| w.value == "cd") {
                        self.out.facts.push(("SC2164", pos.0, pos.1));
                    }
                }
            }
        }
        // Adjacent simple commands in a pipeline: `grep | wc -l` (SC2126), `ls | ...`
        // (SC2012).
        for pair in p.seq.windows(2) {
            if let (ast::Command::Simple(a), ast::Command::Simple(b)) = (&pair[0], &pair[1]) {
                let name = |s: &ast::SimpleCommand| {
                    s.word_or_name
                        .as_ref()
                        .map(|w| w.value.clone())
                        .unwrap_or_default()
                };
                let words = |s: &ast::SimpleCommand| -> Vec<String> {
                    s.suffix
                        .iter()
                        .flat_map(|x| x.0.iter())
                        .filter_map(|i| match i {
                            ast::CommandPrefixOrSuffixItem::Word(w) => Some(w.value.clone()),
                            _ => None,
                        })
                        .collect()
                };
                if let Some(w) = &a.word_or_name {
                    let (l, c) = self.pos(w);
                    if name(a) == "grep" && name(b) == "wc" && words(b) == ["-l"] {
                        self.out.facts.push(("SC2126", l, c));
                    }
                    if name(a) == "ls" {
                        self.out.facts.push(("SC2012", l, c));
                    }
                }
            }
        }
        if p.seq.len() > 1 {
            if let Some(ast::Command::Simple(s)) = p.seq.first() {
                let is_cat = s.word_or_name.as_ref().is_some_and(|w| w.value == "cat");
                let args: Vec<&ast::Word> = s
                    .suffix
                    .iter()
                    .flat_map(|x| x.0.iter())
                    .filter_map(|i| match i {
                        ast::CommandPrefixOrSuffixItem::Word(w) => Some(w),
                        _ => None,
                    })
                    .collect();
                if is_cat && args.len() == 1 && !args[0].value.starts_with('-') {
                    if let Some(w) = &s.word_or_name {
                        let (l, c) = self.pos(w);
                        self.out.facts.push(("SC2002", l, c));
                    }
                }
            }
        }
        for c in &p.seq {
            self.command(c);
        }
    }

    fn command_pos(&self, c: &ast::Command) -> Option<(usize, usize)> {
        match c {
            ast::Command::Simple(s) => s
                .word_or_name
                .as_ref()
                .map(|w| self.pos(w))
                .or(Some((self.line_off + 1, self.col_off + 1))),
            other => {
                use brush_parser::ast::SourceLocation;
                other
                    .location()
                    .map(|l| (l.start.line + self.line_off, l.start.column + self.col_off))
            }
        }
    }

    fn pos(&self, w: &ast::Word) -> (usize, usize) {
        match &w.loc {
            Some(l) => (l.start.line + self.line_off, l.start.column + self.col_off),
            None => (self.line_off + 1, self.col_off + 1),
        }
    }

    fn push_word(&mut self, w: &ast::Word, ctx: WordCtx) {
        let (line, column) = self.pos(w);
        self.out.words.push(ShWord {
            raw: w.value.clone(),
            ctx,
            line,
            column,
            depth: self.depth,
        });
    }

    fn command(&mut self, c: &ast::Command) {
        match c {
            ast::Command::Simple(s) => self.simple(s),
            ast::Command::Compound(cc, redirs) => {
                self.compound(cc);
                if let Some(r) = redirs {
                    for io in &r.0 {
                        self.redirect(io);
                    }
                }
            }
            ast::Command::Function(f) => self.compound(&f.body.0),
            ast::Command::ExtendedTest(t, _) => self.ext_test(&t.expr),
        }
    }

    fn ext_test(&mut self, e: &ast::ExtendedTestExpr) {
        match e {
            ast::ExtendedTestExpr::And(a, b) | ast::ExtendedTestExpr::Or(a, b) => {
                self.ext_test(a);
                self.ext_test(b);
            }
            ast::ExtendedTestExpr::Not(a) | ast::ExtendedTestExpr::Parenthesized(a) => {
                self.ext_test(a)
            }
            ast::ExtendedTestExpr::UnaryTest(_, w) => {
                self.push_word(w, WordCtx::Test);
                self.nested(w);
            }
            ast::ExtendedTestExpr::BinaryTest(_, a, b) => {
                self.push_word(a, WordCtx::Test);
                self.push_word(b, WordCtx::Test);
                self.nested(a);
                self.nested(b);
            }
        }
    }

    fn compound(&mut self, c: &ast::CompoundCommand) {
        match c {
            ast::CompoundCommand::Arithmetic(_) => {}
            ast::CompoundCommand::ArithmeticForClause(f) => self.compound_list(&f.body.list),
            ast::CompoundCommand::BraceGroup(b) => self.compound_list(&b.list),
            ast::CompoundCommand::Subshell(s) => self.compound_list(&s.list),
            ast::CompoundCommand::ForClause(f) => {
                self.out.loop_vars.push(f.variable_name.clone());
                if let Some(vals) = &f.values {
                    for v in vals {
                        self.push_word(v, WordCtx::ForValue);
                        self.nested(v);
                    }
                }
                self.compound_list(&f.body.list);
            }
            ast::CompoundCommand::CaseClause(cc) => {
                self.push_word(&cc.value, WordCtx::Case);
                self.nested(&cc.value);
                for item in &cc.cases {
                    if let Some(cmd) = &item.cmd {
                        self.compound_list(cmd);
                    }
                }
            }
            ast::CompoundCommand::IfClause(i) => {
                self.cond += 1;
                self.compound_list(&i.condition);
                self.cond -= 1;
                self.compound_list(&i.then);
                if let Some(elses) = &i.elses {
                    for e in elses {
                        if let Some(c) = &e.condition {
                            self.cond += 1;
                            self.compound_list(c);
                            self.cond -= 1;
                        }
                        self.compound_list(&e.body);
                    }
                }
            }
            ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
                self.cond += 1;
                self.compound_list(&w.0);
                self.cond -= 1;
                self.compound_list(&w.1.list);
            }
            ast::CompoundCommand::Coprocess(c) => self.command(&c.body),
        }
    }

    fn redirect(&mut self, io: &ast::IoRedirect) {
        match io {
            ast::IoRedirect::File(_, _, target) => match target {
                ast::IoFileRedirectTarget::Filename(w)
                | ast::IoFileRedirectTarget::Duplicate(w) => {
                    self.push_word(w, WordCtx::Redirect);
                    self.nested(w);
                }
                ast::IoFileRedirectTarget::ProcessSubstitution(_, s) => self.compound_list(&s.list),
                ast::IoFileRedirectTarget::Fd(_) => {}
            },
            ast::IoRedirect::HereString(_, w) => {
                self.push_word(w, WordCtx::Redirect);
                self.nested(w);
            }
            ast::IoRedirect::OutputAndError(w, _) => {
                self.push_word(w, WordCtx::Redirect);
            }
            ast::IoRedirect::HereDocument(_, _) => {}
        }
    }

    fn simple(&mut self, s: &ast::SimpleCommand) {
        let mut words: Vec<&ast::Word> = Vec::new();
        let mut assigns: Vec<String> = Vec::new();
        let mut nested_words: Vec<&ast::Word> = Vec::new();
        let mut later: Vec<&ast::CommandPrefixOrSuffixItem> = Vec::new();
        if let Some(p) = &s.prefix {
            for item in &p.0 {
                match item {
                    ast::CommandPrefixOrSuffixItem::AssignmentWord(a, w) => {
                        let name = a.name.to_string();
                        let val = match &a.value {
                            ast::AssignmentValue::Scalar(v) => v.value.clone(),
                            ast::AssignmentValue::Array(_) => "(array)".to_string(),
                        };
                        self.out.assignments.push((name.clone(), val));
                        if let ast::AssignmentValue::Scalar(v) = &a.value {
                            let (line, column) = self.pos(w);
                            self.out.words.push(ShWord {
                                raw: v.value.clone(),
                                ctx: WordCtx::Assign(name.clone()),
                                line,
                                column,
                                depth: self.depth,
                            });
                            nested_words.push(v);
                        }
                        assigns.push(name);
                    }
                    ast::CommandPrefixOrSuffixItem::Word(w) => words.push(w),
                    other => later.push(other),
                }
            }
        }
        if let Some(w) = &s.word_or_name {
            words.push(w);
        }
        if let Some(sfx) = &s.suffix {
            for item in &sfx.0 {
                match item {
                    ast::CommandPrefixOrSuffixItem::Word(w) => words.push(w),
                    ast::CommandPrefixOrSuffixItem::AssignmentWord(_, w) => words.push(w),
                    other => later.push(other),
                }
            }
        }
        if let Some((first, rest)) = words.split_first() {
            let simple: Vec<String> = rest.iter().map(|w| oversimplify(&w.value)).collect();
            let raw: Vec<String> = rest.iter().map(|w| w.value.clone()).collect();
            let mut name = oversimplify(&first.value);
            let mut name_word = *first;
            if matches!(name.as_str(), "command" | "builtin" | "busybox" | "exec")
                && simple.first().is_some_and(|a| !a.starts_with('-'))
            {
                name = simple[0].clone();
                name_word = rest[0];
            }
            self.push_word(first, WordCtx::Name);
            for w in rest {
                self.push_word(w, WordCtx::Arg(name.clone()));
            }
            // export/declare/local/readonly assignments
            if matches!(
                name.as_str(),
                "export" | "declare" | "local" | "readonly" | "typeset"
            ) {
                for r in &raw {
                    if let Some((n, v)) = r.split_once('=') {
                        if !n.starts_with('-') {
                            self.out.assignments.push((n.to_string(), v.to_string()));
                        }
                    } else if !r.starts_with('-') {
                        // `export x` / `local x`: declared, value unknown
                        self.out
                            .assignments
                            .push((r.to_string(), "$(unknown)".into()));
                    }
                }
            }
            if name == "read" {
                for a in simple.iter().filter(|a| !a.starts_with('-')) {
                    self.out.assignments.push((a.clone(), "$(read)".into()));
                }
            }
            // `[ ... ]` is a test expression, not a command, for ShellCheck (and so for
            // hadolint's command counts).
            if name != "[" {
                let mut cmd = Command::new(name, raw, simple);
                cmd.prefix_assigns = assigns;
                // positions are exact at the top level only (substitutions are parsed
                // from their own text)
                if self.depth == 0 {
                    cmd.name_pos = name_word.loc.as_ref().map(|_| self.pos(name_word));
                    cmd.arg_pos = rest
                        .iter()
                        .map(|w| w.loc.as_ref().map(|_| self.pos(w)))
                        .collect();
                }
                self.out.commands.push(cmd);
            }
        }
        for w in nested_words {
            self.nested(w);
        }
        for w in &words {
            self.nested(w);
        }
        for item in later {
            match item {
                ast::CommandPrefixOrSuffixItem::IoRedirect(io) => self.redirect(io),
                ast::CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                    self.compound_list(&sub.list)
                }
                _ => {}
            }
        }
    }

    /// Walks command substitutions inside a word.
    fn nested(&mut self, w: &ast::Word) {
        if !w.value.contains('$') && !w.value.contains('`') {
            return;
        }
        let (line, col) = self.pos(w);
        let Ok(pieces) = brush_parser::word::parse(&w.value, &options()) else {
            return;
        };
        let mut subs = Vec::new();
        collect_substitutions(&pieces, &mut subs);
        for s in subs {
            match parse_with_brush(&s, self.depth + 1) {
                Some(mut inner) => {
                    for word in &mut inner.words {
                        if word.line == 1 {
                            word.column += col;
                        }
                        word.line += line - 1;
                    }
                    self.out.has_pipes |= inner.has_pipes;
                    self.out.commands.extend(inner.commands);
                    self.out.words.extend(inner.words);
                    self.out
                        .facts
                        .extend(inner.facts.into_iter().map(|(c, l, col2)| {
                            (c, l + line - 1, if l == 1 { col2 + col } else { col2 })
                        }));
                    self.out.assignments.extend(inner.assignments);
                    self.out.loop_vars.extend(inner.loop_vars);
                }
                None => {
                    let inner = fallback(&s);
                    self.out.has_pipes |= inner.has_pipes;
                    self.out.commands.extend(inner.commands);
                }
            }
        }
    }
}

fn collect_substitutions(pieces: &[WordPieceWithSource], out: &mut Vec<String>) {
    for p in pieces {
        match &p.piece {
            WordPiece::CommandSubstitution(s) => out.push(s.clone()),
            WordPiece::BackquotedCommandSubstitution(s) => out.push(s.replace("\\`", "`")),
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => collect_substitutions(inner, out),
            _ => {}
        }
    }
}

/// ShellCheck's `oversimplify`: quotes removed, expansions become `${VAR}`.
pub fn oversimplify(word: &str) -> String {
    if !word.contains(['$', '\'', '"', '\\', '`', '~']) {
        return word.to_string();
    }
    match brush_parser::word::parse(word, &options()) {
        Ok(pieces) => {
            let mut s = String::new();
            simplify_pieces(&pieces, &mut s);
            s
        }
        Err(_) => crate::parser::unquote(word),
    }
}

fn simplify_pieces(pieces: &[WordPieceWithSource], out: &mut String) {
    for p in pieces {
        match &p.piece {
            WordPiece::Text(t) => out.push_str(t),
            WordPiece::SingleQuotedText(t) | WordPiece::AnsiCQuotedText(t) => out.push_str(t),
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => simplify_pieces(inner, out),
            WordPiece::TildeExpansion(_) => out.push('~'),
            WordPiece::EscapeSequence(e) => out.push_str(e.strip_prefix('\\').unwrap_or(e)),
            WordPiece::ParameterExpansion(_)
            | WordPiece::CommandSubstitution(_)
            | WordPiece::BackquotedCommandSubstitution(_)
            | WordPiece::ArithmeticExpression(_) => out.push_str("${VAR}"),
        }
    }
}

/// Splits a script into commands without a real parser (used when parsing fails).
fn fallback(text: &str) -> ParsedShell {
    let mut out = ParsedShell {
        original: text.to_string(),
        ..Default::default()
    };
    let chars: Vec<char> = text.chars().collect();
    let mut segs: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            cur.push(c);
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' && i + 1 < chars.len() {
                cur.push(chars[i + 1]);
                i += 1;
            }
            i += 1;
            continue;
        }
        match c {
            '\'' | '"' | '`' => {
                quote = Some(c);
                cur.push(c);
            }
            '\\' if i + 1 < chars.len() => {
                cur.push(c);
                cur.push(chars[i + 1]);
                i += 1;
            }
            // Pipes are not recorded: like hadolint, only a parsed script has pipelines.
            '|' | '&' | ';' | '\n' | '(' | ')' | '{' | '}' => {
                segs.push(std::mem::take(&mut cur));
            }
            _ => cur.push(c),
        }
        i += 1;
    }
    segs.push(cur);
    for s in segs {
        let words = crate::parser::split_words(&s);
        let mut it = words.into_iter().skip_while(|w| {
            w.contains('=') && !w.starts_with('-') && !w.starts_with('=') && {
                let n = w.split('=').next().unwrap_or("");
                !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_')
            }
        });
        let Some(name) = it.next() else { continue };
        if matches!(name.as_str(), "then" | "do" | "else" | "fi" | "done" | "!") {
            continue;
        }
        let raw: Vec<String> = it.collect();
        let simple = raw.iter().map(|w| crate::parser::unquote(w)).collect();
        out.commands
            .push(Command::new(crate::parser::unquote(&name), raw, simple));
    }
    out
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
        let p = fallback("foo a | bar -x && baz");
        assert_eq!(p.commands.len(), 3);
        assert!(!p.parsed);
    }
}
