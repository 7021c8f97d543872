//! Quote-aware word splitting for instruction arguments.

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

/// Byte offsets where the words of [`split_words`] start (same splitting rules).
pub fn word_offsets(s: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    chars.next();
                }
            }
            None => {
                if c.is_whitespace() {
                    in_word = false;
                    continue;
                }
                if !in_word {
                    out.push(i);
                    in_word = true;
                }
                if c == '"' || c == '\'' {
                    quote = Some(c);
                } else if c == '\\' {
                    chars.next();
                }
            }
        }
    }
    out
}

/// Removes shell-style quotes and backslash escapes from a word.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(
            split_words(r#"a "b c" 'd e'f"#),
            vec!["a", "\"b c\"", "'d e'f"]
        );
        assert_eq!(unquote(r#""b \"c\"""#), "b \"c\"");
        assert_eq!(unquote("'a b'c"), "a bc");
        let t = r#"a "b c" 'd e'f  g\ h"#;
        let offs = word_offsets(t);
        assert_eq!(offs.len(), split_words(t).len());
        for (o, w) in offs.iter().zip(split_words(t)) {
            assert!(t[*o..].starts_with(&w));
        }
    }
}
