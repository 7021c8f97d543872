//! Quote-aware word splitting for instruction arguments.

/// Word splitting and unquoting are the shell model's (one implementation for the linter and
/// the audit).
pub use sekisho_shell::{split_words, unquote};
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
