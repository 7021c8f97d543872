//! Human-readable output in the style of rustc diagnostics.

use super::FileReport;
use crate::escape_control as clean;
use sekisho_model::LintLevel as Severity;

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn sev_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
        Severity::Style => "1;35",
    }
}

/// Renders findings with the offending source line and a caret.
pub fn render(reports: &[FileReport], color: bool) -> String {
    let st = Style { on: color };
    let mut o = String::new();
    let mut total = 0;
    for r in reports {
        let lines: Vec<&str> = r.source.lines().collect();
        for f in r.rows() {
            total += 1;
            let head = format!("{}[{}]", f.severity.as_str(), f.code);
            o.push_str(&st.paint(sev_color(f.severity), &head));
            o.push_str(&st.paint("1", &format!(": {}", clean(f.message))));
            o.push('\n');
            let width = f.line.to_string().len();
            let pad = " ".repeat(width);
            o.push_str(&format!(
                "{pad}{} {}:{}:{}\n",
                st.paint("1;34", "-->"),
                clean(&r.path),
                f.line,
                f.column
            ));
            if let Some(text) = lines.get(f.line.wrapping_sub(1)) {
                let text = text.trim_end_matches('\r');
                let bar = st.paint("1;34", "|");
                o.push_str(&format!("{pad} {bar}\n"));
                o.push_str(&format!(
                    "{} {bar} {}\n",
                    st.paint("1;34", &f.line.to_string()),
                    clean(text)
                ));
                // The caret goes under the flagged word: from the finding's column (in
                // characters) to the next blank.
                let indent = (f.column.max(1) - 1)
                    .max(text.chars().take_while(|c| c.is_whitespace()).count());
                let rest: String = text.chars().skip(indent).collect();
                let word = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .count()
                    .max(1);
                o.push_str(&format!(
                    "{pad} {bar} {}{}",
                    " ".repeat(indent),
                    st.paint(sev_color(f.severity), &"^".repeat(word))
                ));
                if f.end_line > f.line {
                    o.push_str(&format!(" (instruction continues to line {})", f.end_line));
                }
                o.push('\n');
            }
            o.push_str(&format!("{pad} = help: `sekisho explain {}`\n\n", f.code));
        }
    }
    if total == 0 {
        return String::new();
    }
    o.push_str(&summary(reports));
    o
}

/// `3 findings (1 error, 2 warnings) in 2 files`.
fn summary(reports: &[FileReport]) -> String {
    let mut counts = Vec::new();
    for (level, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "info"),
        (Severity::Style, "style", "style"),
    ] {
        let n = reports
            .iter()
            .flat_map(|r| r.rows())
            .filter(|f| f.severity == level)
            .count();
        if n > 0 {
            counts.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    let total: usize = reports.iter().map(|r| r.findings.len()).sum();
    let files = reports.iter().filter(|r| !r.findings.is_empty()).count();
    format!(
        "{total} {} ({}) in {files} {}\n",
        if total == 1 { "finding" } else { "findings" },
        counts.join(", "),
        if files == 1 { "file" } else { "files" }
    )
}
