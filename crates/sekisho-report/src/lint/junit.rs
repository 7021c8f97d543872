//! JUnit XML: one test case per finding, grouped per file.

use super::{xml_escape, FileReport};

/// Renders JUnit XML.
pub fn render(reports: &[FileReport]) -> String {
    let total: usize = reports.iter().map(|r| r.findings.len().max(1)).sum();
    let failures: usize = reports.iter().map(|r| r.findings.len()).sum();
    let mut o = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"sekisho dockerfile\" tests=\"{total}\" failures=\"{failures}\">\n"
    );
    for r in reports {
        let path = xml_escape(&r.path);
        o.push_str(&format!(
            "  <testsuite name=\"{path}\" tests=\"{}\" failures=\"{}\">\n",
            r.findings.len().max(1),
            r.findings.len()
        ));
        if r.findings.is_empty() {
            o.push_str(&format!(
                "    <testcase name=\"lint\" classname=\"{path}\"/>\n"
            ));
        }
        for f in r.rows() {
            o.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{path}:{}\">\n      <failure message=\"{}\" type=\"{}\">{path}:{}:{} {} {}: {}</failure>\n    </testcase>\n",
                xml_escape(f.code),
                f.line,
                xml_escape(f.message),
                f.severity.as_str(),
                f.line,
                f.column,
                xml_escape(f.code),
                f.severity.as_str(),
                xml_escape(f.message)
            ));
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
}
