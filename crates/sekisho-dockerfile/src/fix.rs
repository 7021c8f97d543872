//! `--fix`: safe rewrites that keep the rest of the file byte for byte.
//!
//! * `MAINTAINER x` becomes `LABEL maintainer="x"` (DL4000).
//! * `ADD` of local files or folders becomes `COPY` (DL3020).
//! * `apt-get install` gains `--no-install-recommends` (DL3015).
//! * `apt-get install` RUNs gain `&& rm -rf /var/lib/apt/lists/*` (DL3009); `dnf`,
//!   `microdnf`, `yum` and `zypper` installs gain their `clean` command (DL3040, DL3032,
//!   DL3036).
//! * `apk add` gains `--no-cache` (DL3019).
//! * `pip install` gains `--no-cache-dir` (DL3042).
//!
//! Edits are computed on the original text of each instruction; everything else is
//! copied unchanged.

use crate::parser::{self, Args, CmdLine, Dockerfile, Instruction};
use crate::rules::is_archive_or_url;

/// One text edit: replace `start..end` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte offset.
    pub start: usize,
    /// Byte offset (exclusive).
    pub end: usize,
    /// Replacement.
    pub text: String,
    /// The rule this edit addresses.
    pub rule: &'static str,
}

/// Returns the fixed text (unchanged if nothing applies or the file does not parse).
pub fn fix(src: &str) -> String {
    let Ok(df) = parser::parse(src) else {
        return src.to_string();
    };
    apply(src, &edits(src, &df))
}

/// Applies non-overlapping edits.
pub fn apply(src: &str, edits: &[Edit]) -> String {
    let mut e: Vec<&Edit> = edits.iter().collect();
    e.sort_by_key(|x| (x.start, x.end));
    let mut out = String::with_capacity(src.len() + 64);
    let mut pos = 0;
    for x in e {
        if x.start < pos
            || x.end > src.len()
            || !src.is_char_boundary(x.start)
            || !src.is_char_boundary(x.end)
        {
            continue;
        }
        out.push_str(&src[pos..x.start]);
        out.push_str(&x.text);
        pos = x.end;
    }
    out.push_str(&src[pos..]);
    out
}

/// Computes the safe edits for a parsed file.
pub fn edits(src: &str, df: &Dockerfile) -> Vec<Edit> {
    let mut out = Vec::new();
    for i in &df.instructions {
        let Some(text) = src.get(i.span.start..i.span.end) else {
            continue;
        };
        match &i.args {
            Args::Maintainer(m) => {
                let v = parser::unquote(m.trim())
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"");
                out.push(Edit {
                    start: i.span.start,
                    end: i.span.end,
                    text: format!("LABEL maintainer=\"{v}\""),
                    rule: "DL4000",
                });
            }
            Args::Add(c) => {
                let local = !c.sources.is_empty()
                    && c.sources
                        .iter()
                        .all(|s| !is_archive_or_url(s) && !s.starts_with("<<"))
                    && i.flags
                        .iter()
                        .all(|f| matches!(f.name.as_str(), "chown" | "chmod" | "link"));
                if local && text.len() >= 3 && text[..3].eq_ignore_ascii_case("ADD") {
                    out.push(Edit {
                        start: i.span.start,
                        end: i.span.start + 3,
                        text: "COPY".into(),
                        rule: "DL3020",
                    });
                }
            }
            Args::Run(r) if i.heredocs.is_empty() => {
                if let CmdLine::Shell(_) = r.cmd {
                    run_edits(i, text, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

/// Finds segments `name ... sub` (up to a shell separator) in raw RUN text and
/// returns the byte offset just after `sub` if `flag` is absent from the segment.
fn insert_points(
    text: &str,
    name: &str,
    sub: &str,
    flag_present: &dyn Fn(&str) -> bool,
) -> Vec<usize> {
    let mut pts = Vec::new();
    let mut from = 0;
    while let Some(p) = find_word(text, name, from) {
        let seg_end = segment_end(text, p);
        let seg = &text[p..seg_end];
        if let Some(q) = find_word(seg, sub, name.len()) {
            if !flag_present(seg) {
                pts.push(p + q + sub.len());
            }
        }
        from = p + name.len();
    }
    pts
}

fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.' || c == b'/'
}

fn find_word(text: &str, w: &str, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut start = from;
    while start <= text.len() {
        let p = start + text.get(start..)?.find(w)?;
        let before_ok = p == 0 || !is_word_char(b[p - 1]);
        let after = p + w.len();
        let after_ok = after >= b.len() || !is_word_char(b[after]);
        if before_ok && after_ok {
            return Some(p);
        }
        start = p + 1;
    }
    None
}

fn segment_end(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'&' | b'|' | b';' | b')' | b'\n'
                    if !(c == b'\n' && i > 0 && b[i - 1] == b'\\') =>
                {
                    return i
                }
                _ => {}
            },
        }
        i += 1;
    }
    b.len()
}

fn run_edits(i: &Instruction, text: &str, out: &mut Vec<Edit>) {
    let base = i.span.start;
    for p in insert_points(text, "apt-get", "install", &|s| {
        s.contains("--no-install-recommends") || s.contains("Install-Recommends")
    }) {
        out.push(Edit {
            start: base + p,
            end: base + p,
            text: " --no-install-recommends".into(),
            rule: "DL3015",
        });
    }
    for p in insert_points(text, "apk", "add", &|s| s.contains("--no-cache")) {
        out.push(Edit {
            start: base + p,
            end: base + p,
            text: " --no-cache".into(),
            rule: "DL3019",
        });
    }
    for name in ["pip", "pip3"] {
        for p in insert_points(text, name, "install", &|s| s.contains("--no-cache-dir")) {
            out.push(Edit {
                start: base + p,
                end: base + p,
                text: " --no-cache-dir".into(),
                rule: "DL3042",
            });
        }
    }
    let trimmed = text.trim_end();
    let ends_cleanly = !trimmed.ends_with('\\')
        && !trimmed.ends_with('&')
        && !trimmed.ends_with(';')
        && !trimmed.ends_with('|')
        && !trimmed.lines().last().unwrap_or("").contains('#')
        && !text.contains("--mount=type=cache");
    if !ends_cleanly {
        return;
    }
    let at = base + trimmed.len();
    let installs_apt = !insert_points(text, "apt-get", "install", &|_| false).is_empty();
    if installs_apt && !text.contains("/var/lib/apt/lists") {
        out.push(Edit {
            start: at,
            end: at,
            text: " \\\n    && rm -rf /var/lib/apt/lists/*".into(),
            rule: "DL3009",
        });
        return;
    }
    for (mgr, clean, rule) in [
        ("dnf", "dnf clean all", "DL3040"),
        ("microdnf", "microdnf clean all", "DL3040"),
        ("yum", "yum clean all", "DL3032"),
        ("zypper", "zypper clean", "DL3036"),
    ] {
        let installs = !insert_points(text, mgr, "install", &|_| false).is_empty();
        if installs && find_word(text, "clean", 0).is_none() {
            out.push(Edit {
                start: at,
                end: at,
                text: format!(" \\\n    && {clean}"),
                rule,
            });
            return;
        }
    }
}

/// A unified diff of two texts (`---`/`+++` headers with `path`, hunks with three lines of
/// context), as `diff -u` and `git diff` print it.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let p = path.trim_start_matches('/');
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{p}"), &format!("b/{p}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_have_one_hunk_per_change() {
        let old: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let new = old
            .replace("line 2\n", "line two\n")
            .replace("line 18\n", "line eighteen\n");
        let d = unified_diff("/Dockerfile", &old, &new);
        assert!(d.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"), "{d}");
        assert_eq!(
            d.matches("\n@@ ").count() + usize::from(d.starts_with("@@")),
            2,
            "{d}"
        );
        assert!(
            d.contains("@@ -1,5 +1,5 @@") && d.contains("@@ -15,6 +15,6 @@"),
            "{d}"
        );
        assert!(unified_diff("x", "a", "b").contains("\\ No newline at end of file"));
        assert_eq!(unified_diff("x", "same\n", "same\n"), "");
    }

    #[test]
    fn fixes() {
        let src = "FROM debian:12\nMAINTAINER Jane <j@x>\nADD app /app\nADD https://x/y.tgz /y\nRUN apt-get update && apt-get install -y curl\nRUN apk add git && pip install --user foo\n# keep me \n";
        let out = fix(src);
        assert!(out.contains("LABEL maintainer=\"Jane <j@x>\""));
        assert!(out.contains("COPY app /app"));
        assert!(out.contains("ADD https://x/y.tgz /y"));
        assert!(out.contains("apt-get install --no-install-recommends -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n"));
        assert!(out.contains("apk add --no-cache git && pip install --no-cache-dir --user foo"));
        assert!(out.ends_with("# keep me \n"));
        // idempotent
        assert_eq!(fix(&out), out);
        let d = unified_diff("Dockerfile", src, &out);
        assert!(d.contains("-MAINTAINER Jane <j@x>\n"), "{d}");
        assert!(d.contains("+LABEL maintainer=\"Jane <j@x>\"\n"), "{d}");
        assert!(
            d.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,"),
            "{d}"
        );
    }

    #[test]
    fn untouched_without_findings() {
        let src = "FROM a:1\r\nCOPY . /x\r\n";
        assert_eq!(fix(src), src);
    }

    #[test]
    fn byte_order_mark_is_kept_and_edits_land_on_their_bytes() {
        // The first line's span once counted from before the mark: a comment there made
        // `--fix` slice inside the mark and panic (found by the parse_and_lint fuzz target),
        // and a MAINTAINER there was replaced three bytes short.
        let src = "\u{feff}# a comment\nFROM alpine:3.20\nMAINTAINER x\n";
        assert_eq!(
            fix(src),
            "\u{feff}# a comment\nFROM alpine:3.20\nLABEL maintainer=\"x\"\n"
        );
        let src = "\u{feff}MAINTAINER x\nFROM alpine:3.20\nADD a /a\n";
        assert_eq!(
            fix(src),
            "\u{feff}LABEL maintainer=\"x\"\nFROM alpine:3.20\nCOPY a /a\n"
        );
        let df = parser::parse(src).unwrap();
        assert_eq!(&src[df.instructions[0].span.start..][..10], "MAINTAINER");
        // A file that is only the mark.
        assert_eq!(fix("\u{feff}"), "\u{feff}");
    }
}
