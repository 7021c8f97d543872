//! brush's reading of the common word shapes, without brush.
//!
//! Most words of a `RUN` body are literal text, `'…'`, `"…"` and `$NAME` / `${NAME}` (also
//! inside double quotes). brush's word parser is the costly part of a lint (a PEG parse per
//! word, cached and cloned); [`parts`] reads these shapes in one pass and declines everything
//! else (backslashes, backquotes, `~`, any other expansion), which brush then parses. Its two
//! readers, [`word_forms`] and [`pieces`], are checked against brush on random words in the
//! crate's tests.

use std::ops::Range;

use brush_parser::word::{Parameter, ParameterExpr, WordPiece, WordPieceWithSource};

/// A part of a word in one of the shapes [`parts`] reads.
enum Part {
    /// Literal text, unquoted or inside double quotes.
    Text(Range<usize>),
    /// `'…'`: the whole part and the text between the quotes.
    Single {
        whole: Range<usize>,
        text: Range<usize>,
    },
    /// `$NAME` or `${NAME}`: the whole part and the name.
    Variable {
        whole: Range<usize>,
        name: Range<usize>,
    },
    /// The `"` at this index opens a double-quoted sequence.
    OpenDouble(usize),
    /// The `"` at this index closes it.
    CloseDouble(usize),
}

/// Reads `raw` part by part, in order, into `part`. False (possibly after some parts) when
/// `raw` has a shape left to brush.
fn parts(raw: &str, mut part: impl FnMut(Part)) -> bool {
    let bytes = raw.as_bytes();
    let mut i = 0;
    let mut in_double = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' | b'`' | b'~' => return false,
            b'\'' if !in_double => {
                let Some(len) = raw[i + 1..].find('\'') else {
                    return false;
                };
                let end = i + 1 + len;
                part(Part::Single {
                    whole: i..end + 1,
                    text: i + 1..end,
                });
                i = end + 1;
            }
            b'"' => {
                part(if in_double {
                    Part::CloseDouble(i)
                } else {
                    Part::OpenDouble(i)
                });
                in_double = !in_double;
                i += 1;
            }
            b'$' => {
                let Some(len) = variable_len(&bytes[i + 1..]) else {
                    return false;
                };
                let name = if bytes[i + 1] == b'{' {
                    i + 2..i + len
                } else {
                    i + 1..i + 1 + len
                };
                part(Part::Variable {
                    whole: i..i + 1 + len,
                    name,
                });
                i += 1 + len;
            }
            _ => {
                // this byte (a `'` inside double quotes is literal) and up to the next byte
                // that matters (all ASCII, so a char boundary)
                let end = bytes[i + 1..]
                    .iter()
                    .position(|b| matches!(b, b'\\' | b'`' | b'~' | b'\'' | b'"' | b'$'))
                    .map_or(bytes.len(), |n| i + 1 + n);
                part(Part::Text(i..end));
                i = end;
            }
        }
    }
    !in_double
}

/// The length of `NAME` or `{NAME}` at the start of `rest` (what follows a `$`), NAME being
/// a shell variable name; `None` for any other expansion.
fn variable_len(rest: &[u8]) -> Option<usize> {
    let name = |s: &[u8]| {
        let n = s
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        (n > 0 && !s[0].is_ascii_digit()).then_some(n)
    };
    if rest.first() == Some(&b'{') {
        let n = name(&rest[1..])?;
        (rest.get(1 + n) == Some(&b'}')).then_some(n + 2)
    } else {
        name(rest)
    }
}

/// The word with its quoting removed and its simplified form (every expansion as
/// `${VAR}`), as brush's pieces give them; `None` for a shape left to brush.
pub(crate) fn word_forms(raw: &str) -> Option<(String, String)> {
    let (mut text, mut simple) = (String::new(), String::new());
    let read = parts(raw, |part| match part {
        Part::Text(range) | Part::Single { text: range, .. } => {
            text.push_str(&raw[range.clone()]);
            simple.push_str(&raw[range]);
        }
        Part::Variable { whole, .. } => {
            text.push_str(&raw[whole]);
            simple.push_str("${VAR}");
        }
        Part::OpenDouble(_) | Part::CloseDouble(_) => {}
    });
    read.then_some((text, simple))
}

/// The pieces brush's word parser gives for `raw`; `None` for a shape left to brush.
pub(crate) fn pieces(raw: &str) -> Option<Vec<WordPieceWithSource>> {
    let piece = |piece, range: Range<usize>| WordPieceWithSource {
        piece,
        start_index: range.start,
        end_index: range.end,
    };
    let mut top = Vec::new();
    // the pieces of the open double-quoted sequence and where it started
    let mut double: Option<(usize, Vec<WordPieceWithSource>)> = None;
    let read = parts(raw, |part| {
        let list = match double.as_mut() {
            Some((_, inner)) => inner,
            None => &mut top,
        };
        match part {
            Part::Text(range) => match list.last_mut() {
                // brush reads a `'` inside double quotes as part of the text around it
                Some(WordPieceWithSource {
                    piece: WordPiece::Text(text),
                    end_index,
                    ..
                }) if *end_index == range.start => {
                    text.push_str(&raw[range.clone()]);
                    *end_index = range.end;
                }
                _ => list.push(piece(
                    WordPiece::Text(raw[range.clone()].to_string()),
                    range,
                )),
            },
            Part::Single { whole, text } => list.push(piece(
                WordPiece::SingleQuotedText(raw[text].to_string()),
                whole,
            )),
            Part::Variable { whole, name } => list.push(piece(
                WordPiece::ParameterExpansion(ParameterExpr::Parameter {
                    parameter: Parameter::Named(raw[name].to_string()),
                    indirect: false,
                }),
                whole,
            )),
            Part::OpenDouble(at) => double = Some((at, Vec::new())),
            Part::CloseDouble(at) => {
                if let Some((start, inner)) = double.take() {
                    top.push(piece(WordPiece::DoubleQuotedSequence(inner), start..at + 1));
                }
            }
        }
    });
    read.then_some(top)
}
