//! GitLab Code Quality (Code Climate subset) JSON.

use super::FileReport;
use sekisho_model::LintLevel as Severity;

fn fingerprint(parts: &[&str]) -> String {
    // FNV-1a 64, twice with different seeds, as a stable 32-hex-digit id.
    let mut out = String::new();
    for seed in [0xcbf2_9ce4_8422_2325u64, 0x8422_2325_cbf2_9ce4u64] {
        let mut h = seed;
        for p in parts {
            for b in p.bytes().chain(std::iter::once(0)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// Renders a GitLab Code Quality report.
pub fn render(reports: &[FileReport]) -> String {
    let arr: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|r| {
            r.rows().map(move |f| {
                let sev = match f.severity {
                    Severity::Error => "blocker",
                    Severity::Warning => "major",
                    Severity::Info => "info",
                    Severity::Style => "minor",
                };
                serde_json::json!({
                    "type": "issue",
                    "check_name": f.code,
                    "description": format!("{}: {}", f.code, f.message),
                    "categories": ["Bug Risk"],
                    "fingerprint": fingerprint(&[&r.path, f.code, &f.line.to_string(), f.message]),
                    "severity": sev,
                    "location": {"path": r.path, "lines": {"begin": f.line, "end": f.end_line}},
                })
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&arr).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}
