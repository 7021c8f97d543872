//! Checkstyle XML.

use super::{xml_escape, FileReport};

/// Renders Checkstyle XML.
pub fn render(reports: &[FileReport]) -> String {
    let mut o =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for r in reports {
        o.push_str(&format!("  <file name=\"{}\">\n", xml_escape(&r.path)));
        for f in r.rows() {
            o.push_str(&format!(
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>\n",
                f.line,
                f.column,
                f.severity.as_str(),
                xml_escape(f.message),
                xml_escape(f.code)
            ));
        }
        o.push_str("  </file>\n");
    }
    o.push_str("</checkstyle>\n");
    o
}
