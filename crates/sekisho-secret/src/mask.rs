//! Masking: findings never carry a secret in clear.

/// How many characters to leave visible at each end of a secret of `n` characters: none for
/// secrets under 20 characters (passwords: every revealed character makes guessing easier),
/// else at most 4 and never more than a fifth per side, enough to recognise a token's kind
/// (`AKIA…`, `ghp_…`) without giving it away.
fn visible(n: usize) -> usize {
    if n < 20 {
        0
    } else {
        (n / 5).min(4)
    }
}

/// Mask a secret: keep the first and last few characters, replace the middle with `*`
/// (one per character, like Trivy). A PEM/OpenSSH armored block keeps its `BEGIN`/`END` lines
/// (which are not secret) and shows the body as `****`.
///
/// ```
/// assert_eq!(sekisho_secret::mask_secret("AKIAIOSFODNN7EXAMPLE"), "AKIA************MPLE");
/// assert_eq!(sekisho_secret::mask_secret("abc"), "***");
/// ```
pub fn mask_secret(secret: &str) -> String {
    if let Some(m) = mask_armored(secret) {
        return m;
    }
    if secret.contains('\n') {
        // A multi-line secret that is not an armored block: show nothing of it.
        return "****".to_string();
    }
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    let k = visible(n);
    let mut out = String::with_capacity(secret.len());
    out.extend(&chars[..k]);
    out.push_str(&"*".repeat(n - 2 * k));
    out.extend(&chars[n - k..]);
    out
}

/// `-----BEGIN X-----` ... `-----END X-----` → header, `****`, footer.
fn mask_armored(secret: &str) -> Option<String> {
    if !secret.starts_with("-----BEGIN") || !secret.ends_with("-----") {
        return None;
    }
    let header_end = secret[10..].find("-----")? + 10 + 5;
    let footer_start = secret.rfind("-----END")?;
    if footer_start < header_end {
        return None;
    }
    let sep = if secret.contains('\n') { "\n" } else { "" };
    Some(format!(
        "{}{sep}****{sep}{}",
        &secret[..header_end],
        &secret[footer_start..]
    ))
}

/// Mask every span in `spans` (byte ranges relative to `line`) of `line`. The span equal to
/// `own` is replaced by `own_masked` (its first line); others are replaced by `*`.
/// Long lines are cut to a window around `own` with `…` marks.
pub(crate) fn mask_line(
    line: &[u8],
    spans: &[(usize, usize)],
    own: (usize, usize),
    own_masked_first_line: &str,
) -> String {
    const CONTEXT: usize = 100;
    let mut out = String::new();
    let mut pos = 0usize;
    let mut own_out_start = 0usize;
    let mut own_out_end = 0usize;
    let mut sorted: Vec<(usize, usize)> = spans.to_vec();
    sorted.sort();
    let own = (own.0.min(line.len()), own.1.min(line.len()));
    for (s, e) in sorted {
        let s = s.min(line.len());
        let e = e.min(line.len());
        if e <= pos {
            continue;
        }
        let is_own = (s, e) == own;
        let s = s.max(pos);
        out.push_str(&String::from_utf8_lossy(&line[pos..s]));
        if is_own {
            own_out_start = out.len();
            out.push_str(own_masked_first_line);
            own_out_end = out.len();
        } else {
            let n = String::from_utf8_lossy(&line[s..e]).chars().count();
            out.push_str(&"*".repeat(n));
        }
        pos = e;
    }
    out.push_str(&String::from_utf8_lossy(&line[pos..]));
    let out = out.trim_end_matches(['\r', '\n']).to_string();
    if out.chars().count() <= 2 * CONTEXT + 60 {
        return out;
    }
    // Cut to a window around the secret, on char boundaries.
    let own_out_end = own_out_end.min(out.len());
    let own_out_start = own_out_start.min(own_out_end);
    let mut start = own_out_start;
    for _ in 0..CONTEXT {
        match out[..start].chars().next_back() {
            Some(c) => start -= c.len_utf8(),
            None => break,
        }
    }
    let mut end = own_out_end;
    for _ in 0..CONTEXT {
        match out[end..].chars().next() {
            Some(c) => end += c.len_utf8(),
            None => break,
        }
    }
    let mut cut = String::new();
    if start > 0 {
        cut.push('\u{2026}');
    }
    cut.push_str(&out[start..end]);
    if end < out.len() {
        cut.push('\u{2026}');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_secret("AKIAIOSFODNN7EXAMPLE"), "AKIA************MPLE");
        assert_eq!(mask_secret("hunter2"), "*******");
        assert_eq!(mask_secret("correct-horse-batt"), "******************");
        assert_eq!(mask_secret("abcd"), "****");
        assert_eq!(mask_secret(""), "");
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEgcmVhbCBrZXksIGp1c3QgYSBtYXNraW5nIHRlc3QgYm9keSBmb3IgdGhl\n-----END RSA PRIVATE KEY-----";
        assert_eq!(
            mask_secret(pem),
            "-----BEGIN RSA PRIVATE KEY-----\n****\n-----END RSA PRIVATE KEY-----"
        );
        assert_eq!(mask_secret("a\nb"), "****");
    }

    #[test]
    fn line_masking() {
        let line = b"export TOKEN=ghp_abcdefghij and OTHER=zzzzzzzz\n";
        let own = (13, 27);
        let m = mask_line(line, &[own, (38, 46)], own, "ghp_******ghij");
        assert_eq!(m, "export TOKEN=ghp_******ghij and OTHER=********");
        let long = format!("{}SECRET{}", "a".repeat(500), "b".repeat(500));
        let m = mask_line(long.as_bytes(), &[(500, 506)], (500, 506), "S****T");
        assert!(m.starts_with('\u{2026}') && m.ends_with('\u{2026}'));
        assert!(m.contains("S****T"));
        assert!(m.chars().count() < 220);
    }
}
