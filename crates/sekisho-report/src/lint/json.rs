//! hadolint-compatible JSON: `[{code, column, file, level, line, message}]`.

use super::FileReport;

/// Renders the hadolint JSON array.
pub fn render(reports: &[FileReport]) -> String {
    let arr: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|r| {
            r.rows().map(move |f| {
                serde_json::json!({
                    "code": f.code,
                    "column": f.column,
                    "file": r.path,
                    "level": f.severity.as_str(),
                    "line": f.line,
                    "message": f.message,
                })
            })
        })
        .collect();
    let mut s = serde_json::to_string(&arr).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}
