//! Dockerfile parser with source spans.
//!
//! Handles parser directives (`# syntax=`, `# escape=`, `# check=`), line continuations
//! (with comments and blank lines inside), heredocs (`<<EOF`, `<<-EOF`, quoted delimiters,
//! several per line), JSON and shell forms, flags, `ONBUILD` and Windows `escape=\``.
//! A valid file never fails; an invalid one yields a located [`ParseError`].

mod args;
mod expand;
mod words;

pub use args::*;
pub use expand::{expand, MAX_EXPANSION};
pub use words::{split_words, unquote, word_offsets};

use thiserror::Error;

/// A byte range plus the 1-based first and last line it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based line of the last byte.
    pub end_line: usize,
}

/// A located parse failure (hadolint's DL1000).
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

/// A parser directive such as `# escape=\``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased directive name.
    pub name: String,
    /// Directive value.
    pub value: String,
    /// 1-based line.
    pub line: usize,
}

/// The body of one heredoc attached to an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, without quotes.
    pub delimiter: String,
    /// Whether the delimiter was quoted (no expansion).
    pub quoted: bool,
    /// Whether it was `<<-` (leading tabs stripped).
    pub strip_tabs: bool,
    /// The body, each line terminated by `\n`, tabs already stripped for `<<-`.
    pub body: String,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// One instruction (or a comment line) of a Dockerfile.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// Where the instruction is in the source (heredoc bodies included).
    pub span: Span,
    /// Upper-cased keyword (`RUN`, `COPY`, ...); `#` for comments.
    pub keyword: String,
    /// Flags (`--from=x`, `--mount=...`) in source order.
    pub flags: Vec<Flag>,
    /// The logical argument text after keyword and flags (continuations joined).
    pub text: String,
    /// Heredocs attached to this instruction.
    pub heredocs: Vec<Heredoc>,
    /// The parsed arguments.
    pub args: Args,
    /// Where the keyword and `text` are in the source (for columns).
    pub pos: TextPos,
}

/// Where an instruction's parts are in the source. Offsets count bytes from `origin`
/// along the logical line (continuations joined); only the part on the instruction's
/// first physical line maps back to source columns (see [`TextPos::source_offset`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TextPos {
    /// Byte offset in the source of the logical line's first character (the keyword, or
    /// the `ONBUILD` that wraps this instruction).
    pub origin: usize,
    /// How many bytes of the logical line lie on its first physical line.
    pub first_line: usize,
    /// Offset of this instruction's keyword.
    pub keyword: usize,
    /// Offset of [`Instruction::text`].
    pub text: usize,
}

impl TextPos {
    /// The source byte offset of logical offset `off`, if it is on the first line.
    pub fn source_offset(&self, off: usize) -> Option<usize> {
        (off < self.first_line).then_some(self.origin + off)
    }
}

impl Instruction {
    /// Returns the instruction wrapped by `ONBUILD`, if any.
    pub fn onbuild_inner(&self) -> Option<&Instruction> {
        match &self.args {
            Args::Onbuild(i) => Some(i),
            _ => None,
        }
    }

    /// Whether this is a comment line.
    pub fn is_comment(&self) -> bool {
        matches!(self.args, Args::Comment(_))
    }

    /// The value of flag `name` (last one wins), if present.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.as_deref().unwrap_or(""))
    }
}

impl Dockerfile {
    /// `ARG` defaults declared before the first `FROM` (usable in `FROM` lines).
    pub fn global_args(&self) -> std::collections::HashMap<String, String> {
        let mut m = std::collections::HashMap::new();
        for i in &self.instructions {
            match &i.args {
                Args::From(_) => break,
                Args::Arg(a) => {
                    for (k, v) in a {
                        let v = v.clone().unwrap_or_default();
                        let v = expand(&v, self.escape, &|n| m.get(n).cloned());
                        m.insert(k.clone(), v);
                    }
                }
                _ => {}
            }
        }
        m
    }

    /// The base image of a `FROM` with global `ARG` defaults substituted.
    pub fn resolved_image(&self, f: &FromArgs) -> ImageRef {
        if !f.image.raw.contains('$') {
            return f.image.clone();
        }
        let args = self.global_args();
        ImageRef::parse(&expand(&f.image.raw, self.escape, &|n| {
            args.get(n).cloned()
        }))
    }
}

/// A `--name[=value]` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// Flag name without dashes.
    pub name: String,
    /// Value after `=`, unquoted.
    pub value: Option<String>,
    /// Offset of its `--` along the logical line (see [`TextPos`]).
    pub offset: usize,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq)]
pub struct Dockerfile {
    /// Parser directives from the top of the file.
    pub directives: Vec<Directive>,
    /// The escape character (`\\` or `` ` ``).
    pub escape: char,
    /// Instructions and comments in source order.
    pub instructions: Vec<Instruction>,
}

const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// A physical line: content without the line terminator, its byte range and number.
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: usize,
    no: usize,
}

fn split_lines(src: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = src.as_bytes();
    let mut no = 1;
    while start < src.len() {
        let nl = bytes[start..].iter().position(|&b| b == b'\n');
        let (content_end, end) = match nl {
            Some(i) => (start + i, start + i + 1),
            None => (src.len(), src.len()),
        };
        let mut text = &src[start..content_end];
        if let Some(t) = text.strip_suffix('\r') {
            text = t;
        }
        out.push(Line { text, start, no });
        no += 1;
        start = end;
    }
    out
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn is_comment_line(s: &str) -> bool {
    s.trim_start().starts_with('#')
}

/// Parses parser directives at the top of the file; returns them and the index of the
/// first line that is not a directive.
fn parse_directives(lines: &[Line<'_>]) -> Vec<Directive> {
    let mut out: Vec<Directive> = Vec::new();
    for l in lines {
        let t = l.text.trim();
        let Some(rest) = t.strip_prefix('#') else {
            break;
        };
        let Some((k, v)) = rest.split_once('=') else {
            break;
        };
        let k = k.trim().to_ascii_lowercase();
        if k.is_empty() || k.contains(char::is_whitespace) {
            break;
        }
        if !matches!(k.as_str(), "syntax" | "escape" | "check") {
            break;
        }
        if out.iter().any(|d| d.name == k) {
            break;
        }
        out.push(Directive {
            name: k,
            value: v.trim().to_string(),
            line: l.no,
        });
    }
    out
}

/// Removes a trailing escape character (continuation marker) if present.
fn strip_continuation(s: &str, escape: char) -> Option<&str> {
    let t = s.trim_end_matches([' ', '\t']);
    t.strip_suffix(escape)
}

/// Parses a whole Dockerfile.
pub fn parse(src: &str) -> Result<Dockerfile, ParseError> {
    let src_nobom = src.strip_prefix('\u{feff}').unwrap_or(src);
    let bom = src.len() - src_nobom.len();
    let mut lines = split_lines(src);
    if bom > 0 {
        // BuildKit ignores a UTF-8 byte order mark; the first line starts after it, so spans
        // (and `--fix` edits) stay byte offsets into `src`.
        if let Some(first) = lines.first_mut() {
            first.text = &first.text[bom.min(first.text.len())..];
            first.start += bom;
        }
    }
    let directives = parse_directives(&lines);
    let escape = directives
        .iter()
        .find(|d| d.name == "escape")
        .and_then(|d| match d.value.as_str() {
            "`" => Some('`'),
            "\\" => Some('\\'),
            _ => None,
        })
        .unwrap_or('\\');
    let mut instructions = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if is_blank(l.text) {
            i += 1;
            continue;
        }
        if is_comment_line(l.text) {
            let t = l.text.trim_start();
            let body = t[1..].to_string();
            let lead = l.text.len() - t.len();
            let pos = TextPos {
                origin: l.text.as_ptr() as usize - src.as_ptr() as usize + lead,
                first_line: t.len(),
                keyword: 0,
                text: 1,
            };
            instructions.push(Instruction {
                span: Span {
                    start: l.start + lead,
                    end: l.start + l.text.len(),
                    line: l.no,
                    end_line: l.no,
                },
                keyword: "#".into(),
                flags: vec![],
                text: body.clone(),
                heredocs: vec![],
                args: Args::Comment(body),
                pos,
            });
            i += 1;
            continue;
        }
        // Logical line.
        let mut first = l;
        let mut logical = String::new();
        // bytes of `logical` taken from the instruction's first physical line
        let mut first_len: Option<usize> = None;
        let mut last = l;
        let mut cur = l.text;
        loop {
            match strip_continuation(cur, escape) {
                Some(s) => {
                    logical.push_str(s);
                    first_len.get_or_insert(logical.len());
                    // next non-comment, non-blank line
                    i += 1;
                    let mut found = false;
                    while i < lines.len() {
                        let n = lines[i];
                        if is_comment_line(n.text) || is_blank(n.text) {
                            i += 1;
                            continue;
                        }
                        found = true;
                        break;
                    }
                    if !found {
                        break;
                    }
                    last = lines[i];
                    cur = lines[i].text;
                    if logical.trim().is_empty() {
                        // a lone continuation line: the instruction starts here
                        logical.clear();
                        first_len = None;
                        first = lines[i];
                    }
                }
                None => {
                    logical.push_str(cur);
                    first_len.get_or_insert(logical.len());
                    i += 1;
                    break;
                }
            }
        }
        // A JSON form split over several lines without continuations (seen in the wild):
        // join following lines while that completes a JSON array.
        if let Some(p) = logical.find('[') {
            let head = logical[..p].trim();
            let is_json_kw = head.split_whitespace().next().is_some_and(|k| {
                matches!(
                    k.to_ascii_uppercase().as_str(),
                    "CMD" | "ENTRYPOINT" | "SHELL" | "VOLUME" | "RUN"
                )
            }) && head.split_whitespace().count() == 1;
            if is_json_kw && parse_json_array(&logical[p..]).is_none() {
                let mut acc = logical.clone();
                let mut j = i;
                while j < lines.len() && j < i + 64 {
                    acc.push(' ');
                    acc.push_str(lines[j].text.trim());
                    j += 1;
                    if parse_json_array(&acc[p..]).is_some() {
                        logical = acc;
                        last = lines[j - 1];
                        i = j;
                        break;
                    }
                }
            }
        }
        let lead = logical.len() - logical.trim_start().len();
        let logical_trim = logical.trim().to_string();
        let (kw, rest) = match logical_trim.find(|c: char| c.is_whitespace()) {
            Some(p) => (&logical_trim[..p], logical_trim[p..].trim_start()),
            None => (logical_trim.as_str(), ""),
        };
        let keyword = kw.to_ascii_uppercase();
        let col = lead + 1;
        // Heredocs
        let mut heredocs = Vec::new();
        let base = if keyword == "ONBUILD" {
            rest.split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase()
        } else {
            keyword.clone()
        };
        if matches!(base.as_str(), "RUN" | "COPY" | "ADD") {
            for (delim, quoted, strip_tabs) in find_heredoc_markers(rest) {
                let body_line = lines.get(i).map(|l| l.no).unwrap_or(last.no + 1);
                let mut body = String::new();
                while i < lines.len() {
                    let t = lines[i].text;
                    let cmp = if strip_tabs {
                        t.trim_start_matches('\t')
                    } else {
                        t
                    };
                    last = lines[i];
                    i += 1;
                    if cmp == delim {
                        break;
                    }
                    body.push_str(cmp);
                    body.push('\n');
                }
                heredocs.push(Heredoc {
                    delimiter: delim,
                    quoted,
                    strip_tabs,
                    body,
                    body_line,
                });
            }
        }
        let span = Span {
            start: first.start + lead.min(first.text.len()),
            end: last.start + last.text.len(),
            line: first.no,
            end_line: last.no,
        };
        let pos = TextPos {
            origin: first.text.as_ptr() as usize - src.as_ptr() as usize + lead,
            first_line: first_len.unwrap_or(0).saturating_sub(lead),
            keyword: 0,
            text: 0,
        };
        let rest_off = logical_trim.len() - rest.len();
        let instr = build_instruction(
            &keyword, rest, rest_off, span, heredocs, escape, first.no, col, pos,
        )?;
        instructions.push(instr);
    }
    Ok(Dockerfile {
        directives,
        escape,
        instructions,
    })
}

/// Finds `<<WORD`, `<<-WORD`, `<<"WORD"` markers outside quotes.
pub fn find_heredoc_markers(s: &str) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                i += 1;
            }
            i += 1;
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '\\' => i += 1,
            '<' if i + 1 < b.len() && b[i + 1] == '<' => {
                let mut j = i + 2;
                if j < b.len() && b[j] == '<' {
                    // here-string <<<
                    i = j + 1;
                    continue;
                }
                let strip = j < b.len() && b[j] == '-';
                if strip {
                    j += 1;
                }
                let mut q = None;
                if j < b.len() && (b[j] == '"' || b[j] == '\'') {
                    q = Some(b[j]);
                    j += 1;
                }
                let st = j;
                while j < b.len()
                    && !b[j].is_whitespace()
                    && Some(b[j]) != q
                    && !matches!(b[j], ';' | '|' | '&' | '<' | '>' | '(' | ')')
                    && (q.is_some() || !matches!(b[j], '"' | '\''))
                {
                    j += 1;
                }
                let word: String = b[st..j].iter().collect();
                if q.is_some() && j < b.len() && Some(b[j]) == q {
                    j += 1;
                }
                if !word.is_empty()
                    && word
                        .chars()
                        .all(|c| c.is_alphanumeric() || "_-.".contains(c))
                {
                    out.push((word, q.is_some(), strip));
                    // far beyond any real use; keeps pathological input linear
                    if out.len() >= 64 {
                        return out;
                    }
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn perr(line: usize, column: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        column,
        message: message.into(),
    }
}

/// Builds one instruction; `rest` (the text after the keyword) starts at logical offset
/// `rest_off`, `pos` has the origin, first-line length and keyword offset.
#[allow(clippy::too_many_arguments)]
fn build_instruction(
    keyword: &str,
    rest: &str,
    rest_off: usize,
    span: Span,
    heredocs: Vec<Heredoc>,
    escape: char,
    line: usize,
    col: usize,
    mut pos: TextPos,
) -> Result<Instruction, ParseError> {
    if !KEYWORDS.contains(&keyword) {
        return Err(perr(
            line,
            col,
            format!("unknown instruction: {}", keyword_display(keyword)),
        ));
    }
    let takes_flags = matches!(keyword, "RUN" | "COPY" | "ADD" | "FROM" | "HEALTHCHECK");
    let (mut flags, text) = if takes_flags {
        parse_flags(rest)
    } else {
        (vec![], rest.to_string())
    };
    for f in &mut flags {
        f.offset += rest_off;
    }
    pos.text = rest_off + (rest.len() - text.len());
    let needs_args = !matches!(keyword, "HEALTHCHECK");
    if needs_args && text.trim().is_empty() && heredocs.is_empty() {
        return Err(perr(
            line,
            col,
            format!("{keyword} requires at least one argument"),
        ));
    }
    let args = match keyword {
        "ONBUILD" => {
            let t = text.trim();
            let (kw, r) = match t.find(char::is_whitespace) {
                Some(p) => (&t[..p], t[p..].trim_start()),
                None => (t, ""),
            };
            // `ONBUILD ONBUILD` is reported by DL3043; deeper chains are rejected (and keep
            // the recursion bounded).
            if col > 16 && kw.eq_ignore_ascii_case("ONBUILD") {
                return Err(perr(
                    line,
                    col,
                    "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                ));
            }
            let t_off = pos.text + (text.len() - text.trim_start().len());
            let inner = build_instruction(
                &kw.to_ascii_uppercase(),
                r,
                t_off + (t.len() - r.len()),
                span,
                heredocs.clone(),
                escape,
                line,
                col + 8,
                TextPos {
                    keyword: t_off,
                    ..pos
                },
            )?;
            Args::Onbuild(Box::new(inner))
        }
        _ => {
            parse_args(keyword, &text, &flags, &heredocs, escape).map_err(|m| perr(line, col, m))?
        }
    };
    Ok(Instruction {
        span,
        keyword: keyword.to_string(),
        flags,
        text,
        heredocs,
        args,
        pos,
    })
}

fn keyword_display(k: &str) -> String {
    k.chars().take(40).collect()
}

/// Splits leading `--flag[=value]` tokens off an argument string.
fn parse_flags(rest: &str) -> (Vec<Flag>, String) {
    let mut flags = Vec::new();
    let mut s = rest.trim_start();
    while let Some(after) = s.strip_prefix("--") {
        // read one token honoring quotes
        let mut end = 0;
        let mut quote: Option<char> = None;
        for (idx, c) in after.char_indices() {
            end = idx + c.len_utf8();
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c.is_whitespace() => {
                    end = idx;
                    break;
                }
                None => {}
            }
        }
        let tok = &after[..end];
        if tok.is_empty() {
            break;
        }
        let (name, value) = match tok.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(unquote(v))),
            None => (tok.to_string(), None),
        };
        flags.push(Flag {
            name,
            value,
            offset: rest.len() - s.len(),
        });
        s = after[end..].trim_start();
    }
    (flags, s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_with_comments() {
        let d = parse("FROM a\nRUN a \\\n# c\n\n  b\nRUN c\n").unwrap();
        assert_eq!(d.instructions.len(), 3);
        assert_eq!(d.instructions[1].text, "a   b");
        assert_eq!(d.instructions[1].span.end_line, 5);
        assert_eq!(d.instructions[2].span.line, 6);
    }

    #[test]
    fn heredocs() {
        let d =
            parse("FROM a\nRUN <<EOF\necho hi\nEOF\nCOPY <<a <<b /x\n1\na\n2\nb\nRUN x\n").unwrap();
        assert_eq!(d.instructions[1].heredocs[0].body, "echo hi\n");
        assert_eq!(d.instructions[2].heredocs.len(), 2);
        assert_eq!(d.instructions[3].span.line, 10);
    }

    #[test]
    fn windows_escape() {
        let d = parse("# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo\n").unwrap();
        assert_eq!(d.escape, '`');
        assert_eq!(d.instructions[2].text, "dir c:\\   && echo");
    }

    #[test]
    fn unknown_instruction() {
        let e = parse("FROM a\nFOO bar\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
