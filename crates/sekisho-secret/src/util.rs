//! Small helpers: entropy, placeholder heuristics, binary sniffing, base64 decoding.

/// Shannon entropy of `s` in bits per byte.
pub fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

/// Longest run of one repeated byte.
fn longest_run(s: &[u8]) -> usize {
    let mut best = 0;
    let mut cur = 0;
    let mut prev = None;
    for &b in s {
        if Some(b) == prev {
            cur += 1;
        } else {
            cur = 1;
            prev = Some(b);
        }
        best = best.max(cur);
    }
    best
}

/// Longest run of consecutive ascending alphanumerics (`abcdef`, `123456`).
fn longest_ascending(s: &[u8]) -> usize {
    let mut best = 1;
    let mut cur = 1;
    for w in s.windows(2) {
        if w[0].is_ascii_alphanumeric() && w[1] == w[0].wrapping_add(1) {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 1;
        }
    }
    best
}

/// Words that mark a value as a placeholder wherever they appear in it (ASCII case-insensitive).
const PLACEHOLDER_WORDS: &[&str] = &[
    "****",
    "....",
    "\u{2026}",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "yourapikey",
    "placeholder",
    "redacted",
    "replace_me",
    "replaceme",
    "replace-me",
    "insert_",
    "insert-",
    "dummy",
    "_here",
    "-here",
];

/// Whether `s` looks like a placeholder or template rather than a real secret value:
/// variable references (`${TOKEN}`, `$TOKEN`, `{{ .token }}`, `%(pw)s`), angle-bracketed hints
/// (`<your-token>`), filler (`xxxx`, `****`), long runs of one character or of an ascending
/// sequence (`aaaaaa`, `12345678`), very few distinct characters.
pub fn is_placeholder(s: &[u8]) -> bool {
    if s.is_empty() {
        return true;
    }
    let t = s;
    let contains = |needle: &[u8]| t.windows(needle.len()).any(|w| w == needle);
    // Filler in one case only: "Xxxx" occurs by chance in random mixed-case tokens.
    if contains(b"${")
        || contains(b"xxxx")
        || contains(b"XXXX")
        || contains(b"{{")
        || contains(b"}}")
        || contains(b"$(")
        || contains(b"%(")
        || contains(b"%s")
        || t[0] == b'$'
        || (t[0] == b'<' && t[t.len() - 1] == b'>')
        || (t[0] == b'{' && t[t.len() - 1] == b'}')
        || (t[0] == b'[' && t[t.len() - 1] == b']')
        || (t.len() > 1 && t[0] == b'%' && t[t.len() - 1] == b'%')
    {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    for w in PLACEHOLDER_WORDS {
        let w = w.as_bytes();
        if lower.windows(w.len()).any(|x| x == w) {
            return true;
        }
    }
    if s.len() >= 6 {
        if longest_run(s) >= 6 || longest_ascending(&lower) >= 8 {
            return true;
        }
        let mut seen = [false; 256];
        let mut distinct = 0;
        for &b in s {
            if !seen[b as usize] {
                seen[b as usize] = true;
                distinct += 1;
            }
        }
        if distinct < 4 {
            return true;
        }
    }
    false
}

/// Whether the first `sniff_len` bytes of `content` look binary: a NUL byte, or more than 30%
/// of the bytes being control characters or invalid UTF-8.
pub fn looks_binary(content: &[u8], sniff_len: usize) -> bool {
    let head = &content[..content.len().min(sniff_len)];
    if head.is_empty() {
        return false;
    }
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let mut bad = 0usize;
    let mut rest = head;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                bad += count_controls(s.as_bytes());
                break;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                bad += count_controls(&rest[..valid]);
                match e.error_len() {
                    Some(n) => {
                        bad += n;
                        rest = &rest[valid + n..];
                    }
                    // Truncated sequence at the end of the sniffed window: not an error.
                    None => break,
                }
            }
        }
    }
    bad * 10 > head.len() * 3
}

fn count_controls(s: &[u8]) -> usize {
    s.iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x0b | 0x1b))
        .count()
}

/// Decode base64 (standard or URL-safe alphabet, padding optional). `None` on invalid input.
pub fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    let s: &[u8] = {
        let mut end = s.len();
        while end > 0 && s[end - 1] == b'=' {
            end -= 1;
        }
        &s[..end]
    };
    if s.len() % 4 == 1 {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= val(c)? << (18 - 6 * i);
        }
        let bytes = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        out.extend_from_slice(&bytes[..chunk.len() - 1]);
    }
    Some(out)
}

/// File extensions of source code, where a bare (unquoted) value after `password =` is an
/// expression, not a literal.
const CODE_EXTENSIONS: &[&str] = &[
    "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "go", "java", "kt", "kts", "scala", "groovy",
    "rb", "php", "rs", "c", "h", "cc", "cpp", "hpp", "cs", "swift", "m", "pl", "pm", "lua", "r",
    "dart", "ex", "exs", "erl", "clj", "vue", "svelte", "html", "htm", "css", "scss", "less",
];

/// Whether `path` names a source-code file (by extension).
pub fn is_code_path(path: &str) -> bool {
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') && !ext.contains('/') => {
            let ext = ext.to_ascii_lowercase();
            CODE_EXTENSIONS.contains(&ext.as_str())
        }
        _ => false,
    }
}

/// Remove a leading `/` or `./` so path regexes see `usr/share/...` as in Trivy.
pub fn normalize_path(path: &str) -> &str {
    let mut p = path;
    loop {
        if let Some(r) = p.strip_prefix("./") {
            p = r;
        } else if let Some(r) = p.strip_prefix('/') {
            p = r;
        } else {
            return p;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_values() {
        assert_eq!(shannon_entropy(b""), 0.0);
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn placeholders() {
        for p in [
            "${TOKEN}",
            "$TOKEN",
            "<your-token>",
            "{{ .Values.token }}",
            "xxxxxxxxxxxx",
            "XXXXXXXXXXXXXXXX",
            "********",
            "aaaaaaaaaa",
            "abcdefghijkl",
            "1234567890",
            "%(password)s",
            "your_api_key_here",
            "{token}",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for p in ["hunter2-not-real", "Xep61NKyq0Lz", "wJalrXUtnFEMI/K7MDENG"] {
            assert!(!is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode(b"dXNlcjpwYXNz").unwrap(), b"user:pass");
        assert_eq!(base64_decode(b"dXNlcjpwYXM=").unwrap(), b"user:pas");
        assert_eq!(
            base64_decode(b"eyJhbGciOiJIUzI1NiJ9").unwrap(),
            br#"{"alg":"HS256"}"#
        );
        assert!(base64_decode(b"a").is_none());
        assert!(base64_decode(b"ab!d").is_none());
    }

    #[test]
    fn binary_sniff() {
        assert!(!looks_binary(b"hello\nworld\n", 1024));
        assert!(looks_binary(b"ELF\0\0\0", 1024));
        assert!(looks_binary(&[0xff, 0xfe, 0x80, 0x81, 0x82, 0x83], 1024));
        assert!(!looks_binary("héllo wörld".as_bytes(), 1024));
        assert!(!looks_binary(b"", 1024));
    }

    #[test]
    fn paths() {
        assert_eq!(normalize_path("/usr/share/x"), "usr/share/x");
        assert_eq!(normalize_path("./a/b"), "a/b");
        assert!(is_code_path("app/server.js"));
        assert!(!is_code_path("app/.env"));
        assert!(!is_code_path("etc/app.conf"));
        assert!(!is_code_path("a.b/c"));
    }
}
