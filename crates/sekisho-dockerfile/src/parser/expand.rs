//! Dockerfile variable expansion: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:+alt}`, `${VAR+alt}`, with the file's escape character protecting `$`.

/// Longest expansion kept, in bytes. `ARG B=$A$A` doubles per line: a few dozen such lines
/// of a hostile Dockerfile would need gigabytes. Past this, the value is cut (no real build
/// argument comes near it).
pub const MAX_EXPANSION: usize = 64 << 10;

/// Expands variables in `s`; unknown variables expand to the empty string, as BuildKit
/// does for unset build arguments. The result is at most [`MAX_EXPANSION`] bytes.
pub fn expand(s: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    expand_depth(s, escape, lookup, 0)
}

fn expand_depth(
    s: &str,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> String {
    if depth > 16 {
        return s.to_string();
    }
    let expand = |s: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>| {
        expand_depth(s, escape, lookup, depth + 1)
    };
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == escape && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            let mut depth = 0usize;
            let close = chars[i + 2..].iter().position(|&x| {
                match x {
                    '{' => depth += 1,
                    '}' if depth == 0 => return true,
                    '}' => depth -= 1,
                    _ => {}
                }
                false
            });
            let Some(close) = close else {
                out.extend(&chars[i..]);
                break;
            };
            let inner: String = chars[i + 2..i + 2 + close].iter().collect();
            let name_len = inner
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .count();
            let (name, op) = inner.split_at(name_len);
            let val = lookup(name);
            let set = val.is_some();
            let non_empty = val.as_deref().is_some_and(|v| !v.is_empty());
            let text = if let Some(d) = op.strip_prefix(":-") {
                if non_empty {
                    val.unwrap_or_default()
                } else {
                    expand(d, escape, lookup)
                }
            } else if let Some(d) = op.strip_prefix('-') {
                if set {
                    val.unwrap_or_default()
                } else {
                    expand(d, escape, lookup)
                }
            } else if let Some(a) = op.strip_prefix(":+") {
                if non_empty {
                    expand(a, escape, lookup)
                } else {
                    String::new()
                }
            } else if let Some(a) = op.strip_prefix('+') {
                if set {
                    expand(a, escape, lookup)
                } else {
                    String::new()
                }
            } else {
                val.unwrap_or_default()
            };
            out.push_str(&text);
            if out.len() > MAX_EXPANSION {
                return cut(out);
            }
            i += close + 3;
            continue;
        }
        let n: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
            .collect();
        if n.is_empty() {
            out.push('$');
            i += 1;
            continue;
        }
        out.push_str(&lookup(&n).unwrap_or_default());
        if out.len() > MAX_EXPANSION {
            return cut(out);
        }
        i += 1 + n.chars().count();
    }
    out
}

/// `s` cut to at most [`MAX_EXPANSION`] bytes, on a character boundary.
fn cut(mut s: String) -> String {
    let mut end = MAX_EXPANSION;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expansion() {
        let l = |n: &str| match n {
            "A" => Some("x".to_string()),
            "E" => Some(String::new()),
            _ => None,
        };
        assert_eq!(
            expand("$A/${A}/${B:-d}/${A:+alt}/${B:+alt}", '\\', &l),
            "x/x/d/alt/"
        );
        assert_eq!(expand("${E:-d}|${E-d}|\\$A", '\\', &l), "d||$A");
        assert_eq!(expand("${B:-${A}y}", '\\', &l), "xy");
    }

    #[test]
    fn expansion_is_bounded() {
        let big = "é".repeat(40_000);
        let l = |_: &str| Some(big.clone());
        let out = expand("$A$A$A", '\\', &l);
        assert!(out.len() <= MAX_EXPANSION && out.len() > MAX_EXPANSION - 4);
    }
}
