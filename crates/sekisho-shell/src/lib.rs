//! One shell model for sekisho.
//!
//! A shell body (a Dockerfile `RUN` body, a history `created_by` script) is parsed once with
//! [`brush_parser`] into a flat model: every [`SimpleCommand`] (name, arguments with their
//! quoting removed and their byte offsets, prefix assignments), the [`Pipeline`]s that
//! connect them (`curl … | sh` is one pipeline of two commands), the [`List`]s that join
//! pipelines (`&&`, `||`, `;`, `&`), and every word with the role it plays
//! ([`ContextWord`]). Commands inside command substitutions (`$(…)`, backquotes) and process
//! substitutions (`<(…)`) are parsed too and appear after the command that holds them
//! (command substitutions with a greater [`SimpleCommand::depth`]); commands in `( … )`
//! subshells are marked [`SimpleCommand::in_subshell`].
//!
//! [`parse`] fails on bodies brush rejects (PowerShell, cmd) and on nesting deeper than
//! [`MAX_NESTING`] brackets, [`MAX_PAREN_NESTING`] parentheses and square brackets or
//! [`MAX_SUBSTITUTION_DEPTH`] substitutions (the recursive descent parser would otherwise
//! overflow the stack, and its backtracking over unclosed ones is exponential);
//! [`parse_or_fallback`] then uses a quote-aware splitter ([`fallback`]) so callers still see
//! commands. Nothing here panics on any input: brush is also wrapped in `catch_unwind`.
//!
//! Positions: [`Word::span`] is the exact byte range in the parsed body for words outside
//! substitutions; [`Word::pos`] and [`ContextWord`] lines and columns are 1-based and exact at
//! the top level; inside a substitution the line is exact and, on the substitution's first
//! line, the column is the holding word's column plus the column inside the substitution
//! (what the Dockerfile linter has always reported).

use std::ops::Range;

pub use brush_parser;

use brush_parser::ast;
use brush_parser::word::{WordPiece, WordPieceWithSource};
use brush_parser::ParserOptions;

mod plain;

/// The deepest bracket nesting (`(`, `{`, `[`) [`parse`] accepts.
pub const MAX_NESTING: usize = 64;

/// The deepest nesting of parentheses and square brackets (`(`, `$(`, `((`, `[`, `$[`, `[[`)
/// handed to brush. brush's parsers backtrack over an unclosed one at every level: twice the
/// work per level for a body, three times per `$(` inside a double-quoted word (a 40-byte
/// `RUN "$($($(…` took minutes), more for mixes with `$[`. Five levels bound that to a
/// millisecond or so per body; no line of the 41,000 of the shared Dockerfile corpus nests
/// them deeper than four.
pub const MAX_PAREN_NESTING: usize = 5;

/// The deepest nesting of command substitutions [`parse`] follows.
pub const MAX_SUBSTITUTION_DEPTH: usize = 8;

/// Why a body could not be parsed as shell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShellError {
    /// The body nests brackets or substitutions deeper than the limits.
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    /// brush rejected the body.
    #[error("shell syntax error: {0}")]
    Syntax(String),
    /// brush panicked on the body.
    #[error("the shell parser failed on this input")]
    Panicked,
}

/// One word of a command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Word {
    /// The word as written.
    pub raw: String,
    /// [`Word::text`] when it differs from `raw` (most words have no quoting: one string
    /// then serves all three forms).
    text: Option<String>,
    /// [`Word::simple`] when it differs from `raw`.
    simple: Option<String>,
    /// Byte range of the word in the parsed body; `None` inside substitutions and for
    /// words of the fallback splitter.
    pub span: Option<Range<usize>>,
    /// 1-based (line, column) of the word; `None` when unknown (fallback splitter).
    pub pos: Option<(usize, usize)>,
    /// Written as `NAME=value` after the command name (`export A=b`).
    pub assignment: bool,
}

impl Word {
    /// A word from its three forms (`raw` as written, `text` unquoted, `simple`
    /// oversimplified); the other fields are unknown.
    pub fn from_forms(raw: String, text: String, simple: String) -> Word {
        Word {
            text: unless_raw(text, &raw),
            simple: unless_raw(simple, &raw),
            raw,
            ..Default::default()
        }
    }

    /// The word with its quoting removed; expansions (`$x`, `$(…)`) are kept as written.
    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or(&self.raw)
    }

    /// ShellCheck's `oversimplify` of the word ([`simplify_word`]), made with the text from
    /// one parse of the word.
    pub fn simple(&self) -> &str {
        self.simple.as_deref().unwrap_or(&self.raw)
    }

    /// [`Word::text`], owned.
    pub fn into_text(self) -> String {
        self.text.unwrap_or(self.raw)
    }

    /// Moves [`Word::simple`] out (copies it when it is the raw word, which stays).
    pub fn take_simple(&mut self) -> String {
        self.simple.take().unwrap_or_else(|| self.raw.clone())
    }
}

/// A form of a word as [`Word`] keeps it: `None` when it is the raw word itself.
fn unless_raw(form: String, raw: &str) -> Option<String> {
    (form != raw).then_some(form)
}

/// A `NAME=value` before a command name (`DEBIAN_FRONTEND=noninteractive apt-get …`), or
/// alone (`A=b`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The variable.
    pub name: String,
    /// The value (`None` for an array `A=(…)`).
    pub value: Option<Word>,
    /// The whole `NAME=value` word.
    pub word: Word,
}

/// One simple command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    /// Prefix assignments.
    pub assignments: Vec<Assignment>,
    /// The command's words in order (the name first; empty for an assignment-only command).
    pub words: Vec<Word>,
    /// Index in `words` of the word the parser took as the command name (`None` when the
    /// command has no name word).
    pub name_index: Option<usize>,
    /// Process substitutions among the arguments (`<(curl …)`), as written.
    pub process_substitutions: Vec<String>,
    /// 0 at the top level; 1 and more inside command substitutions (`$(…)`, backquotes).
    /// Process substitutions (`<(…)`) are parsed with the command that holds them and
    /// keep its depth.
    pub depth: usize,
    /// Inside a `( … )` subshell.
    pub in_subshell: bool,
}

/// Wrappers [`SimpleCommand::unwrap_wrappers`] looks through.
pub const WRAPPERS: &[&str] = &[
    "sudo", "env", "nice", "exec", "command", "time", "nohup", "doas", "stdbuf",
];

impl SimpleCommand {
    /// The command name: the first word with its quoting removed (empty if none).
    pub fn name(&self) -> &str {
        self.words.first().map_or("", |w| w.text())
    }

    /// The command name without its directory (`/usr/bin/apt-get` → `apt-get`).
    pub fn basename(&self) -> &str {
        let n = self.name();
        n.rsplit('/').next().unwrap_or(n)
    }

    /// The arguments (every word after the name).
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// The command a wrapper runs (`sudo -u app X`, `env A=b X`, `nohup X`, `nice X`, …):
    /// the words from `X` on, or `None` when this is not a wrapper or runs nothing.
    pub fn unwrap_wrapper(&self) -> Option<SimpleCommand> {
        let name = self.basename();
        if !WRAPPERS.contains(&name) {
            return None;
        }
        let mut i = 1;
        while let Some(w) = self.words.get(i) {
            let w = w.text();
            if w.starts_with('-') || (name == "env" && w.contains('=')) {
                // `sudo -u user X`: flags with a value
                if name == "sudo" && matches!(w, "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-U") {
                    i += 1;
                }
                i += 1;
                continue;
            }
            break;
        }
        if i >= self.words.len() {
            return None;
        }
        Some(SimpleCommand {
            words: self.words[i..].to_vec(),
            name_index: Some(0),
            assignments: vec![],
            process_substitutions: self.process_substitutions.clone(),
            depth: self.depth,
            in_subshell: self.in_subshell,
        })
    }

    /// Every command a chain of wrappers runs, outermost first (`sudo nohup sh` → `nohup
    /// sh`, `sh`); at most 5.
    pub fn unwrap_wrappers(&self) -> Vec<SimpleCommand> {
        let mut out: Vec<SimpleCommand> = Vec::new();
        let mut next = self.unwrap_wrapper();
        while let Some(c) = next {
            next = c.unwrap_wrapper();
            out.push(c);
            if out.len() > 4 {
                break;
            }
        }
        out
    }

    /// The command with wrappers removed: the innermost command of
    /// [`SimpleCommand::unwrap_wrappers`], or this one.
    pub fn innermost(&self) -> SimpleCommand {
        self.unwrap_wrappers().pop().unwrap_or_else(|| self.clone())
    }
}

/// One element of a pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    /// A simple command: its index in [`Script::commands`].
    Simple(usize),
    /// A compound command (`( … )`, `{ … }`, `if`, loops, `[[ … ]]`, a function definition).
    Compound,
}

/// Commands connected by `|`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pipeline {
    /// The commands in order.
    pub elements: Vec<Element>,
    /// Negated with `!`.
    pub bang: bool,
    /// Its exit status is checked: not the last pipeline of an `&&`/`||` list, or in an
    /// `if`/`while`/`until` condition.
    pub checked: bool,
    /// 1-based (line, column) of its first command.
    pub first_pos: Option<(usize, usize)>,
    /// Recognised by the shell parser (`false` when it comes from the fallback splitter).
    pub parsed: bool,
    /// As [`SimpleCommand::depth`].
    pub depth: usize,
}

/// How two pipelines of a [`List`] are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOp {
    /// `&&`.
    And,
    /// `||`.
    Or,
}

/// Pipelines joined by `&&`/`||`, ended by `;`, `&` or a newline.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct List {
    /// Indexes in [`Script::pipelines`].
    pub pipelines: Vec<usize>,
    /// The operator before each pipeline but the first.
    pub ops: Vec<ListOp>,
    /// Ended by `&`.
    pub background: bool,
}

/// The role a word plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The command name.
    Name,
    /// An argument of the command with this index in [`Script::commands`].
    Arg(usize),
    /// The value assigned to this variable.
    Assign(String),
    /// A `for` loop value.
    ForValue,
    /// A `case` subject.
    Case,
    /// A redirection target or here-string.
    Redirect,
    /// An operand inside `[[ … ]]`.
    Test,
}

/// A word with its role, as the shell walk meets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextWord {
    /// The word as written.
    pub raw: String,
    /// Its role.
    pub role: Role,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// 0 at the top level, more inside command substitutions.
    pub depth: usize,
}

/// A parsed shell body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// The shell parser accepted the body (`false`: the fallback splitter made this).
    pub parsed: bool,
    /// Every simple command, in the order the walk meets them (a command before the
    /// commands of its substitutions).
    pub commands: Vec<SimpleCommand>,
    /// Every pipeline (a single command is a pipeline of one), in the same order.
    pub pipelines: Vec<Pipeline>,
    /// Every `&&`/`||` list.
    pub lists: Vec<List>,
    /// Every word with its role (empty for the fallback splitter).
    pub words: Vec<ContextWord>,
    /// `for` loop variables.
    pub loop_vars: Vec<String>,
}

impl Script {
    /// The simple commands of pipeline `i`, in order (compound elements skipped).
    pub fn pipeline_commands(&self, i: usize) -> impl Iterator<Item = &SimpleCommand> {
        self.pipelines
            .get(i)
            .into_iter()
            .flat_map(|p| p.elements.iter())
            .filter_map(|e| match e {
                Element::Simple(c) => self.commands.get(*c),
                Element::Compound => None,
            })
    }

    /// Whether a pipeline the shell parser recognised has more than one element.
    pub fn has_pipes(&self) -> bool {
        self.pipelines
            .iter()
            .any(|p| p.parsed && p.elements.len() > 1)
    }

    /// Appends `inner` (the script of a substitution in a word at `(line, col)`).
    fn absorb(&mut self, inner: Script, line: usize, col: usize) {
        let adjust = |(l, c): (usize, usize)| (l + line - 1, if l == 1 { c + col } else { c });
        let base_cmd = self.commands.len();
        let base_pipe = self.pipelines.len();
        for mut c in inner.commands {
            for w in c.words.iter_mut() {
                w.span = None;
                w.pos = w.pos.map(adjust);
            }
            for a in c.assignments.iter_mut() {
                a.word.span = None;
                a.word.pos = a.word.pos.map(adjust);
                if let Some(v) = a.value.as_mut() {
                    v.span = None;
                    v.pos = v.pos.map(adjust);
                }
            }
            self.commands.push(c);
        }
        for mut p in inner.pipelines {
            for e in p.elements.iter_mut() {
                if let Element::Simple(i) = e {
                    *i += base_cmd;
                }
            }
            p.first_pos = p.first_pos.map(adjust);
            self.pipelines.push(p);
        }
        for mut l in inner.lists {
            for p in l.pipelines.iter_mut() {
                *p += base_pipe;
            }
            self.lists.push(l);
        }
        for mut w in inner.words {
            if let Role::Arg(i) = &mut w.role {
                *i += base_cmd;
            }
            (w.line, w.column) = adjust((w.line, w.column));
            self.words.push(w);
        }
        self.loop_vars.extend(inner.loop_vars);
    }
}

fn options() -> ParserOptions {
    ParserOptions::default()
}

/// Parses a shell body. Fails on what brush rejects and on nesting beyond the limits;
/// never panics.
pub fn parse(text: &str) -> Result<Script, ShellError> {
    if let Some(limit) = nesting_limit_exceeded(text) {
        return Err(ShellError::TooDeep(limit));
    }
    match std::panic::catch_unwind(|| parse_at(text, 0)) {
        Ok(r) => r,
        Err(_) => Err(ShellError::Panicked),
    }
}

/// Parses a shell body, or splits it with [`fallback`] when [`parse`] fails.
pub fn parse_or_fallback(text: &str) -> Script {
    parse(text).unwrap_or_else(|_| fallback(text))
}

/// Whether brackets (`(`, `{`, `[`, anywhere) or compound commands (`if`, `while`, `until`,
/// `for`, `select`, `case`, as unquoted words) nest deeper than [`MAX_NESTING`], or
/// parentheses and square brackets deeper than [`MAX_PAREN_NESTING`]; checked before brush
/// runs, whose recursive descent would otherwise overflow the stack or backtrack for ever.
fn too_deep(text: &str) -> bool {
    nesting_limit_exceeded(text).is_some()
}

/// The most nesting openers a word handed to brush's word parser may have ([`word_openers`]).
/// That parser backtracks over every nesting level, closed or not: three times the work per
/// `$(` in double quotes, twice per `${NAME:-`, about twenty times per `${NAME[` (each of two
/// dozen expansion forms parses the index again). Six keep a word within about a
/// millisecond; the words of the shared Dockerfile corpus that brush reads have at most six.
pub const MAX_WORD_OPENERS: usize = 6;

/// [`too_deep`] for a single word, and whether it has more than [`MAX_WORD_OPENERS`]
/// openers: a word past either is not handed to brush's word parser.
fn word_too_deep(word: &str) -> bool {
    too_deep(word) || word_openers(word) > MAX_WORD_OPENERS
}

/// How deep brush's word parser might nest in `word`, from above: the openers `(`, `[`,
/// backquote and `${` (an array index `${NAME[` counts three), except those that close
/// before any other special byte (a leaf, such as `${HOME}` or `$(nproc)`, holds nothing
/// to nest). Counted, not matched with closers: a closer of another kind, or a quoted one,
/// closes nothing for brush (`"$(]$(]…"` and `$(')'…` nest as deep as `$($(…`), so a
/// depth walk could be led to undercount. Stops counting past the limit.
fn word_openers(word: &str) -> usize {
    let bytes = word.as_bytes();
    let special = |b: &u8| {
        matches!(
            b,
            b'$' | b'`' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'\'' | b'"' | b'\\'
        )
    };
    let mut count = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let close = match b {
            b'(' => b')',
            b'[' => b']',
            b'`' => b'`',
            b'{' if i > 0 && bytes[i - 1] == b'$' => b'}',
            _ => continue,
        };
        if bytes[i + 1..].iter().find(|b| special(b)) == Some(&close) {
            continue;
        }
        count += if b == b'[' && is_expansion_index(&bytes[..i]) {
            3
        } else {
            1
        };
        if count > MAX_WORD_OPENERS {
            break;
        }
    }
    count
}

/// Whether `before` ends with `${NAME` (or `${!NAME`, `${#NAME`): a `[` after it opens the
/// array index of a parameter expansion.
fn is_expansion_index(before: &[u8]) -> bool {
    let name = before
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    let rest = &before[..before.len() - name];
    let rest = rest
        .strip_suffix(b"!")
        .or_else(|| rest.strip_suffix(b"#"))
        .unwrap_or(rest);
    name > 0 && rest.ends_with(b"${")
}

/// The limit [`too_deep`] finds exceeded, if any.
fn nesting_limit_exceeded(text: &str) -> Option<usize> {
    // Every level takes at least one byte of its own, so text this short cannot go deeper
    // (the common case: most words).
    if text.len() <= MAX_PAREN_NESTING {
        return None;
    }
    // One pass of table lookups bounds both depths from above: the exact walks run only
    // when a bound exceeds the limit (rare: a long body with many brackets or words). The
    // three bracket and operator counts add up in fields of one integer ([`COUNTS`]), read
    // out before a field could overflow.
    let bytes = text.as_bytes();
    let (mut parens, mut brackets, mut operators, mut keywords) = (0u64, 0u64, 0u64, 0usize);
    let mut word_start = true;
    for start in (0..bytes.len()).step_by(COUNT_FIELD_MAX) {
        let mut counts = 0u64;
        for i in start..bytes.len().min(start + COUNT_FIELD_MAX) {
            let b = bytes[i];
            counts += COUNTS[usize::from(b)];
            let class = BYTE_CLASSES[usize::from(b)];
            if word_start && class & KEYWORD_START != 0 && bytes.get(i + 1) == Some(&second_byte(b))
            {
                keywords += 1;
            }
            word_start = class & DELIMITER != 0;
        }
        parens += counts & COUNT_FIELD_MASK;
        brackets += (counts >> COUNT_FIELD_BITS) & COUNT_FIELD_MASK;
        operators += counts >> (2 * COUNT_FIELD_BITS);
    }
    let (parens, brackets) = (parens as usize, brackets as usize);
    let keywords = keywords + operators as usize;
    if parens > MAX_PAREN_NESTING && paren_depth(text) > MAX_PAREN_NESTING {
        return Some(MAX_PAREN_NESTING);
    }
    ((brackets > MAX_NESTING && bracket_depth(text) > MAX_NESTING)
        || (keywords > MAX_NESTING && keyword_depth(text) > MAX_NESTING))
        .then_some(MAX_NESTING)
}

/// The width of each count in [`COUNTS`].
const COUNT_FIELD_BITS: u32 = 21;
/// One count of [`COUNTS`].
const COUNT_FIELD_MASK: u64 = (1 << COUNT_FIELD_BITS) - 1;
/// The most bytes counted before the fields are read out (each adds at most 1 to a field).
const COUNT_FIELD_MAX: usize = (1 << COUNT_FIELD_BITS) - 1;

/// What each byte adds to the counts of [`nesting_limit_exceeded`], one field each: the
/// parentheses and square brackets [`paren_depth`] walks (`(`, `[`), the brackets
/// [`bracket_depth`] walks (`(`, `{`, `[`) and the operators [`keyword_depth`] counts
/// inside `[[ … ]]` (`!`, `&`, `|`).
static COUNTS: [u64; 256] = {
    let mut counts = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        if matches!(b, b'(' | b'[') {
            counts[i] += 1;
        }
        if matches!(b, b'(' | b'{' | b'[') {
            counts[i] += 1 << COUNT_FIELD_BITS;
        }
        if matches!(b, b'!' | b'&' | b'|') {
            counts[i] += 1 << (2 * COUNT_FIELD_BITS);
        }
        i += 1;
    }
    counts
};

/// The bytes that end a word in [`keyword_depth`]; a keyword starts right after one.
const DELIMITER: u8 = 4;
/// The first bytes of the compound-command keywords ([`second_byte`] gives their second).
const KEYWORD_START: u8 = 8;

/// The class bits of every byte, for [`too_deep`]'s counting pass.
static BYTE_CLASSES: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if ends_word(b) {
            class |= DELIMITER;
        }
        if second_byte(b) != 0 {
            class |= KEYWORD_START;
        }
        classes[i] = class;
        i += 1;
    }
    classes
};

/// Whether byte `b` ends a word for [`keyword_depth`] (quotes and backslashes start a part
/// it skips or escapes; a keyword starts right after one of these).
const fn ends_word(b: u8) -> bool {
    matches!(
        b,
        b'\\'
            | b'\''
            | b'"'
            | b' '
            | b'\t'
            | b'\n'
            | b'\r'
            | 0x0b
            | 0x0c
            | b';'
            | b'&'
            | b'|'
            | b'('
            | b')'
            | b'<'
            | b'>'
            | b'`'
    )
}

/// The second byte of the keyword `if`, `while`, `until`, `for`, `select` or `case` that
/// starts with `first`, or 0.
const fn second_byte(first: u8) -> u8 {
    match first {
        b'i' => b'f',
        b'w' => b'h',
        b'u' => b'n',
        b'f' => b'o',
        b's' => b'e',
        b'c' => b'a',
        _ => 0,
    }
}

/// The deepest nesting of brackets (`(`, `{`, `[`) in `text`.
fn bracket_depth(text: &str) -> usize {
    depth_of(text, b"({[", b")}]")
}

/// The deepest nesting of parentheses and square brackets in `text` (quoted or not: a
/// conservative bound).
fn paren_depth(text: &str) -> usize {
    depth_of(text, b"([", b")]")
}

/// The deepest nesting in `text` of the bytes of `open` closed by those of `close`.
fn depth_of(text: &str, open: &[u8], close: &[u8]) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    for b in text.bytes() {
        if open.contains(&b) {
            depth += 1;
            max = max.max(depth);
        } else if close.contains(&b) {
            depth = depth.saturating_sub(1);
        }
    }
    max
}

/// The deepest nesting of compound-command keywords among the unquoted words of `text`, or
/// the number of `!`, `&&`, `||` operators inside one `[[ … ]]` (which nest as an
/// expression tree), whichever is larger. A word with a backslash in it is no keyword (a
/// quoted keyword is not reserved). Bytes, not chars: every byte that matters is ASCII.
fn keyword_depth(text: &str) -> usize {
    #[derive(Default)]
    struct Nesting {
        depth: usize,
        max: usize,
        /// operators of the current `[[ … ]]`, if in one
        test: Option<usize>,
    }
    impl Nesting {
        fn test_op(&mut self) {
            if let Some(ops) = self.test.as_mut() {
                *ops += 1;
                self.max = self.max.max(*ops);
            }
        }
        fn word(&mut self, word: &[u8]) {
            match word {
                b"[[" => self.test = Some(0),
                b"]]" => self.test = None,
                b"!" => self.test_op(),
                b"if" | b"while" | b"until" | b"for" | b"select" | b"case" => {
                    self.depth += 1;
                    self.max = self.max.max(self.depth);
                }
                b"fi" | b"done" | b"esac" => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    let b = text.as_bytes();
    let n = b.len();
    let mut nesting = Nesting::default();
    // the current word is b[start..i]; `escaped` when it holds a backslash (no keyword then)
    let (mut i, mut start, mut escaped) = (0, 0, false);
    while i < n {
        let c = b[i];
        if !ends_word(c) {
            i += 1;
            continue;
        }
        if c == b'\\' {
            escaped = true;
            i += 2;
            continue;
        }
        if !escaped {
            nesting.word(&b[start..i]);
        }
        i = match c {
            b'\'' => b[i + 1..]
                .iter()
                .position(|&q| q == b'\'')
                .map_or(n, |p| i + p + 2),
            b'"' => {
                let mut j = i + 1;
                while j < n && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                (j + 1).min(n)
            }
            _ => {
                if c == b'&' || c == b'|' {
                    nesting.test_op();
                }
                i + 1
            }
        };
        start = i;
        escaped = false;
    }
    if !escaped {
        nesting.word(&b[start.min(n)..]);
    }
    nesting.max
}

/// Whether `text` has a redirection whose file-descriptor number (ten digits or more right
/// before `<` or `>`, as in `99999999999>x`) may not fit brush's `i32`: brush unwraps that
/// parse and panics, which `catch_unwind` contains but which prints a panic to stderr.
fn oversized_fd(text: &str) -> bool {
    let mut digits = 0usize;
    for b in text.bytes() {
        if b.is_ascii_digit() {
            digits += 1;
            continue;
        }
        if digits >= 10 && (b == b'<' || b == b'>') {
            return true;
        }
        digits = 0;
    }
    false
}

fn parse_at(text: &str, depth: usize) -> Result<Script, ShellError> {
    if depth > MAX_SUBSTITUTION_DEPTH {
        return Err(ShellError::TooDeep(MAX_SUBSTITUTION_DEPTH));
    }
    if oversized_fd(text) {
        return Err(ShellError::Syntax(
            "a redirection's file descriptor number is out of range".to_string(),
        ));
    }
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(text.as_bytes()), &options());
    let prog = parser
        .parse_program()
        .map_err(|e| ShellError::Syntax(e.to_string()))?;
    let mut w = Walker {
        out: Script {
            parsed: true,
            ..Default::default()
        },
        depth,
        cond: 0,
        subshell: 0,
        bytes: char_bytes(text),
        text,
    };
    for cc in &prog.complete_commands {
        w.compound_list(cc);
    }
    Ok(w.out)
}

/// Byte offset of each character (plus the end), when the text is not ASCII.
fn char_bytes(text: &str) -> Option<Vec<usize>> {
    if text.is_ascii() {
        return None;
    }
    let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    v.push(text.len());
    Some(v)
}

struct Walker<'t> {
    out: Script,
    depth: usize,
    /// >0 while walking an if/while condition.
    cond: usize,
    /// >0 inside `( … )`.
    subshell: usize,
    bytes: Option<Vec<usize>>,
    text: &'t str,
}

impl Walker<'_> {
    fn byte(&self, char_index: usize) -> Option<usize> {
        match &self.bytes {
            None => (char_index <= self.text.len()).then_some(char_index),
            Some(v) => v.get(char_index).copied(),
        }
    }

    fn compound_list(&mut self, l: &ast::CompoundList) {
        for item in &l.0 {
            let background = matches!(item.1, ast::SeparatorOperator::Async);
            self.and_or(&item.0, background);
        }
    }

    fn and_or(&mut self, l: &ast::AndOrList, background: bool) {
        let li = self.out.lists.len();
        self.out.lists.push(List {
            background,
            ..Default::default()
        });
        // The status of every pipeline but the last is checked by `&&`/`||`.
        let n = l.additional.len();
        let first = self.pipeline(&l.first, n > 0);
        let mut pipes = vec![first];
        let mut ops = vec![];
        for (i, a) in l.additional.iter().enumerate() {
            let (op, p) = match a {
                ast::AndOr::And(p) => (ListOp::And, p),
                ast::AndOr::Or(p) => (ListOp::Or, p),
            };
            ops.push(op);
            pipes.push(self.pipeline(p, i + 1 < n));
        }
        if let Some(list) = self.out.lists.get_mut(li) {
            list.pipelines = pipes;
            list.ops = ops;
        }
    }

    fn pipeline(&mut self, p: &ast::Pipeline, checked: bool) -> usize {
        let idx = self.out.pipelines.len();
        self.out.pipelines.push(Pipeline {
            elements: vec![],
            bang: p.bang,
            checked: checked || self.cond > 0,
            first_pos: p.seq.first().and_then(|c| self.command_pos(c)),
            parsed: true,
            depth: self.depth,
        });
        let mut elements = Vec::with_capacity(p.seq.len());
        for c in &p.seq {
            elements.push(self.command(c));
        }
        if let Some(pl) = self.out.pipelines.get_mut(idx) {
            pl.elements = elements;
        }
        idx
    }

    fn command_pos(&self, c: &ast::Command) -> Option<(usize, usize)> {
        match c {
            ast::Command::Simple(s) => s
                .word_or_name
                .as_ref()
                .map(|w| self.pos(w))
                .or(Some((1, 1))),
            other => {
                use brush_parser::ast::SourceLocation;
                other.location().map(|l| (l.start.line, l.start.column))
            }
        }
    }

    fn pos(&self, w: &ast::Word) -> (usize, usize) {
        match &w.loc {
            Some(l) => (l.start.line, l.start.column),
            None => (1, 1),
        }
    }

    fn word(&self, w: &ast::Word, assignment: bool) -> Word {
        let span = if self.depth == 0 {
            w.loc.as_ref().and_then(|l| {
                let (s, e) = (self.byte(l.start.index)?, self.byte(l.end.index)?);
                (s <= e && self.text.get(s..e).is_some()).then_some(s..e)
            })
        } else {
            None
        };
        let (text, simple) = match word_forms(&w.value) {
            None => (None, None),
            Some((t, s)) => (unless_raw(t, &w.value), unless_raw(s, &w.value)),
        };
        Word {
            raw: w.value.clone(),
            text,
            simple,
            span,
            pos: w.loc.as_ref().map(|l| (l.start.line, l.start.column)),
            assignment,
        }
    }

    fn push_word(&mut self, w: &ast::Word, role: Role) {
        let (line, column) = self.pos(w);
        self.out.words.push(ContextWord {
            raw: w.value.clone(),
            role,
            line,
            column,
            depth: self.depth,
        });
    }

    fn command(&mut self, c: &ast::Command) -> Element {
        match c {
            ast::Command::Simple(s) => Element::Simple(self.simple(s)),
            ast::Command::Compound(cc, redirs) => {
                self.compound(cc);
                if let Some(r) = redirs {
                    for io in &r.0 {
                        self.redirect(io);
                    }
                }
                Element::Compound
            }
            ast::Command::Function(f) => {
                self.compound(&f.body.0);
                Element::Compound
            }
            ast::Command::ExtendedTest(t, _) => {
                self.ext_test(&t.expr);
                Element::Compound
            }
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
                self.push_word(w, Role::Test);
                self.nested(w);
            }
            ast::ExtendedTestExpr::BinaryTest(_, a, b) => {
                self.push_word(a, Role::Test);
                self.push_word(b, Role::Test);
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
            ast::CompoundCommand::Subshell(s) => {
                self.subshell += 1;
                self.compound_list(&s.list);
                self.subshell -= 1;
            }
            ast::CompoundCommand::ForClause(f) => {
                self.out.loop_vars.push(f.variable_name.clone());
                if let Some(vals) = &f.values {
                    for v in vals {
                        self.push_word(v, Role::ForValue);
                        self.nested(v);
                    }
                }
                self.compound_list(&f.body.list);
            }
            ast::CompoundCommand::CaseClause(cc) => {
                self.push_word(&cc.value, Role::Case);
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
            ast::CompoundCommand::Coprocess(c) => {
                self.command(&c.body);
            }
        }
    }

    fn redirect(&mut self, io: &ast::IoRedirect) {
        match io {
            ast::IoRedirect::File(_, _, target) => match target {
                ast::IoFileRedirectTarget::Filename(w)
                | ast::IoFileRedirectTarget::Duplicate(w) => {
                    self.push_word(w, Role::Redirect);
                    self.nested(w);
                }
                ast::IoFileRedirectTarget::ProcessSubstitution(_, s) => self.compound_list(&s.list),
                ast::IoFileRedirectTarget::Fd(_) => {}
            },
            ast::IoRedirect::HereString(_, w) => {
                self.push_word(w, Role::Redirect);
                self.nested(w);
            }
            ast::IoRedirect::OutputAndError(w, _) => {
                self.push_word(w, Role::Redirect);
            }
            ast::IoRedirect::HereDocument(_, _) => {}
        }
    }

    fn simple(&mut self, s: &ast::SimpleCommand) -> usize {
        let mut cmd = SimpleCommand {
            depth: self.depth,
            in_subshell: self.subshell > 0,
            ..Default::default()
        };
        // Words are large and a command often has a dozen: size the vectors once.
        let items = s.prefix.as_ref().map_or(0, |p| p.0.len())
            + usize::from(s.word_or_name.is_some())
            + s.suffix.as_ref().map_or(0, |x| x.0.len());
        cmd.words.reserve_exact(items);
        let mut raw_words: Vec<&ast::Word> = Vec::with_capacity(items);
        let mut nested_words: Vec<&ast::Word> = Vec::new();
        let mut later: Vec<&ast::CommandPrefixOrSuffixItem> = Vec::new();
        if let Some(p) = &s.prefix {
            for item in &p.0 {
                match item {
                    ast::CommandPrefixOrSuffixItem::AssignmentWord(a, w) => {
                        let name = a.name.to_string();
                        let value = match &a.value {
                            ast::AssignmentValue::Scalar(v) => {
                                let (line, column) = self.pos(w);
                                self.out.words.push(ContextWord {
                                    raw: v.value.clone(),
                                    role: Role::Assign(name.clone()),
                                    line,
                                    column,
                                    depth: self.depth,
                                });
                                nested_words.push(v);
                                Some(self.word(v, false))
                            }
                            ast::AssignmentValue::Array(_) => None,
                        };
                        cmd.assignments.push(Assignment {
                            name,
                            value,
                            word: self.word(w, true),
                        });
                    }
                    ast::CommandPrefixOrSuffixItem::Word(w) => {
                        raw_words.push(w);
                        cmd.words.push(self.word(w, false));
                    }
                    other => later.push(other),
                }
            }
        }
        if let Some(w) = &s.word_or_name {
            cmd.name_index = Some(cmd.words.len());
            raw_words.push(w);
            cmd.words.push(self.word(w, false));
        }
        if let Some(sfx) = &s.suffix {
            for item in &sfx.0 {
                match item {
                    ast::CommandPrefixOrSuffixItem::Word(w) => {
                        raw_words.push(w);
                        cmd.words.push(self.word(w, false));
                    }
                    ast::CommandPrefixOrSuffixItem::AssignmentWord(_, w) => {
                        raw_words.push(w);
                        cmd.words.push(self.word(w, true));
                    }
                    ast::CommandPrefixOrSuffixItem::ProcessSubstitution(kind, sub) => {
                        cmd.process_substitutions.push(self.source_of(kind, sub));
                        later.push(item);
                    }
                    other => later.push(other),
                }
            }
        }
        let idx = self.out.commands.len();
        if let Some((first, rest)) = raw_words.split_first() {
            self.push_word(first, Role::Name);
            for w in rest {
                self.push_word(w, Role::Arg(idx));
            }
        }
        self.out.commands.push(cmd);
        for w in nested_words {
            self.nested(w);
        }
        for w in &raw_words {
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
        idx
    }

    /// The text of a process substitution: from the source when its span is known.
    fn source_of(&self, kind: &ast::ProcessSubstitutionKind, sub: &ast::SubshellCommand) -> String {
        use brush_parser::ast::SourceLocation;
        let from_source = sub.location().and_then(|l| {
            let (s, e) = (self.byte(l.start.index)?, self.byte(l.end.index)?);
            let body = self.text.get(s..e)?;
            Some(if body.starts_with('(') {
                format!("{kind}{body}")
            } else {
                format!("{kind}({body})")
            })
        });
        from_source.unwrap_or_else(|| format!("{kind}({sub})"))
    }

    /// Walks the command substitutions inside a word.
    fn nested(&mut self, w: &ast::Word) {
        if !w.value.contains('$') && !w.value.contains('`') {
            return;
        }
        let (line, col) = self.pos(w);
        let subs = substitutions(&w.value);
        for s in subs {
            let inner = match parse_at(&s, self.depth + 1) {
                Ok(inner) => inner,
                Err(_) => {
                    let mut f = fallback(&s);
                    for c in f.commands.iter_mut() {
                        c.depth = self.depth + 1;
                    }
                    for p in f.pipelines.iter_mut() {
                        p.depth = self.depth + 1;
                    }
                    f
                }
            };
            self.out.absorb(inner, line, col);
        }
    }
}

/// The command substitutions in a shell word (`$(…)` and backquotes, also inside double
/// quotes), as the text they run; none for a word past the limits of [`word_pieces`].
pub fn substitutions(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    // A substitution starts with `$(` or a backquote; most words have neither.
    if !raw.contains("$(") && !raw.contains('`') {
        return out;
    }
    if let Some(pieces) = brush_word(raw) {
        collect_substitutions(&pieces, &mut out);
    }
    out
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

/// A word with its quoting removed and expansions kept as written (`"a $x"` → `a $x`,
/// `'b'\&c` → `b&c`). A word past the limits of [`word_pieces`] is only unquoted.
pub fn unquote_word(raw: &str) -> String {
    if !raw.contains(['$', '\'', '"', '\\', '`']) {
        return raw.to_string();
    }
    match brush_word(raw) {
        Some(pieces) => {
            let mut s = String::new();
            unquote_pieces(raw, &pieces, &mut s);
            s
        }
        None => unquote(raw),
    }
}

/// brush's pieces of word `raw` (quoted parts, expansions, substitutions), read without
/// brush for the common shapes (see [`plain`]); `None` when brush rejects the word or it
/// nests beyond the limits ([`MAX_NESTING`], [`MAX_PAREN_NESTING`], [`MAX_WORD_OPENERS`]).
pub fn word_pieces(raw: &str) -> Option<Vec<WordPieceWithSource>> {
    plain::pieces(raw).or_else(|| brush_word(raw))
}

/// brush's word parser on `raw`, guarded: `None` for a word past the nesting limits
/// ([`word_too_deep`]), one brush rejects, and one it would panic on (a `~+N` directory-stack
/// index too large for its integer, found by the fuzzer; any other panic is contained).
fn brush_word(raw: &str) -> Option<Vec<WordPieceWithSource>> {
    if word_too_deep(raw) || oversized_tilde_index(raw) {
        return None;
    }
    std::panic::catch_unwind(|| brush_parser::word::parse(raw, &options()))
        .ok()?
        .ok()
}

/// Whether `raw` has a tilde with a directory-stack index of ten digits or more (`~+N`,
/// `~-N`, `~N`): brush unwraps its parse into an integer, which overflows.
fn oversized_tilde_index(raw: &str) -> bool {
    raw.match_indices('~').any(|(i, _)| {
        let rest = raw[i + 1..].trim_start_matches(['+', '-']);
        rest.bytes().take_while(u8::is_ascii_digit).count() >= 10
    })
}

/// [`unquote_word`] and [`simplify_word`] of `raw` from one parse; `None` when both are
/// `raw` itself (a word without quoting or expansions).
fn word_forms(raw: &str) -> Option<(String, String)> {
    if !raw.contains(['$', '\'', '"', '\\', '`', '~']) {
        return None;
    }
    if let Some(forms) = plain::word_forms(raw) {
        return Some(forms);
    }
    Some(match brush_word(raw) {
        Some(pieces) => {
            let (mut text, mut simple) = (String::new(), String::new());
            unquote_pieces(raw, &pieces, &mut text);
            simplify_pieces(&pieces, &mut simple);
            (text, simple)
        }
        None => {
            let plain = unquote(raw);
            (plain.clone(), plain)
        }
    })
}

fn unquote_pieces(raw: &str, pieces: &[WordPieceWithSource], out: &mut String) {
    for p in pieces {
        match &p.piece {
            WordPiece::Text(t) | WordPiece::SingleQuotedText(t) | WordPiece::AnsiCQuotedText(t) => {
                out.push_str(t)
            }
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => unquote_pieces(raw, inner, out),
            WordPiece::EscapeSequence(e) => out.push_str(e.strip_prefix('\\').unwrap_or(e)),
            WordPiece::TildeExpansion(_)
            | WordPiece::ParameterExpansion(_)
            | WordPiece::CommandSubstitution(_)
            | WordPiece::BackquotedCommandSubstitution(_)
            | WordPiece::ArithmeticExpression(_) => {
                out.push_str(raw.get(p.start_index..p.end_index).unwrap_or(""))
            }
        }
    }
}

/// ShellCheck's `oversimplify`: quotes removed, every expansion (`$x`, `$(…)`, `$((…))`)
/// replaced by `${VAR}`, `~…` by `~`. A word past the limits of [`word_pieces`] (or one
/// brush rejects) is only unquoted.
pub fn simplify_word(word: &str) -> String {
    if !word.contains(['$', '\'', '"', '\\', '`', '~']) {
        return word.to_string();
    }
    match brush_word(word) {
        Some(pieces) => {
            let mut s = String::new();
            simplify_pieces(&pieces, &mut s);
            s
        }
        None => unquote(word),
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

/// Splits on unquoted whitespace, keeping quotes and escapes in the words.
pub fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                }
            }
            None => {
                if c.is_whitespace() {
                    if in_word {
                        out.push(std::mem::take(&mut cur));
                        in_word = false;
                    }
                    continue;
                }
                in_word = true;
                cur.push(c);
                if c == '"' || c == '\'' {
                    quote = Some(c);
                } else if c == '\\' {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                }
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// Removes shell-style quotes and backslash escapes from a word (no parser involved).
pub fn unquote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some('\'') => {
                if c == '\'' {
                    quote = None;
                } else {
                    out.push(c);
                }
            }
            Some(_) => {
                if c == '"' {
                    quote = None;
                } else if c == '\\' {
                    match chars.next() {
                        Some(n) if matches!(n, '"' | '\\' | '$' | '`') => out.push(n),
                        Some(n) => {
                            out.push('\\');
                            out.push(n);
                        }
                        None => out.push('\\'),
                    }
                } else {
                    out.push(c);
                }
            }
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                } else if c == '\\' {
                    match chars.next() {
                        Some(n) => out.push(n),
                        None => out.push('\\'),
                    }
                } else {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// Splits a body into commands without a shell parser, for bodies [`parse`] rejects
/// (PowerShell, cmd). Outside quotes (`'`, `"`, backquote) and backslash escapes, commands
/// end at `|`, `&`, `;`, newlines, parentheses and braces; a single `|` joins two commands
/// into a pipeline, the others end the pipeline. Leading `NAME=value` words are dropped,
/// and so are segments that start with `then`, `do`, `else`, `fi`, `done` or `!`. Words
/// keep no positions; [`Script::words`] stays empty. Linear time, no recursion.
pub fn fallback(text: &str) -> Script {
    let mut out = Script::default();
    let chars: Vec<char> = text.chars().collect();
    // (segment, ended by a lone `|`)
    let mut segs: Vec<(String, bool)> = Vec::new();
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
            '|' | '&' | ';' | '\n' | '(' | ')' | '{' | '}' => {
                let pipe =
                    c == '|' && chars.get(i + 1) != Some(&'|') && (i == 0 || chars[i - 1] != '|');
                segs.push((std::mem::take(&mut cur), pipe));
            }
            _ => cur.push(c),
        }
        i += 1;
    }
    segs.push((cur, false));
    let mut pipeline: Vec<Element> = Vec::new();
    let flush = |out: &mut Script, pipeline: &mut Vec<Element>| {
        if !pipeline.is_empty() {
            out.lists.push(List {
                pipelines: vec![out.pipelines.len()],
                ..Default::default()
            });
            out.pipelines.push(Pipeline {
                elements: std::mem::take(pipeline),
                ..Default::default()
            });
        }
    };
    for (s, pipe) in segs {
        let words = split_words(&s);
        let mut it = words.into_iter().skip_while(|w| {
            w.contains('=') && !w.starts_with('-') && !w.starts_with('=') && {
                let n = w.split('=').next().unwrap_or("");
                !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_')
            }
        });
        let name = it.next();
        let keep = name
            .as_deref()
            .is_some_and(|n| !matches!(n, "then" | "do" | "else" | "fi" | "done" | "!"));
        if let (true, Some(name)) = (keep, name) {
            let words = std::iter::once(name)
                .chain(it)
                .map(|raw| {
                    let (text, simple) = (unquote(&raw), simplify_word(&raw));
                    Word::from_forms(raw, text, simple)
                })
                .collect();
            pipeline.push(Element::Simple(out.commands.len()));
            out.commands.push(SimpleCommand {
                words,
                name_index: Some(0),
                ..Default::default()
            });
        }
        if !pipe {
            flush(&mut out, &mut pipeline);
        }
    }
    flush(&mut out, &mut pipeline);
    out
}

#[cfg(test)]
mod tests;
