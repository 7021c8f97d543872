//! What every ID sekisho reports means: image checks, secret rules and lint rules, for SARIF
//! rule descriptions and `sekisho explain`.

use sekisho_model::RuleInfo;
use sekisho_secret::Scanner;

/// What rule `id` is: an image check (`CIS-DI-0001`, `SK-IMG-001`), a lint rule (`DL3008`,
/// `SC2086`, `SK1004`), or a rule of `scanner` (secret rule IDs).
pub fn rule_info(id: &str, scanner: Option<&Scanner>) -> Option<RuleInfo> {
    if let Some(check) = sekisho_audit::checks::by_id(id) {
        return Some(RuleInfo {
            title: check.title.to_string(),
            default_severity: check.level.severity(),
            help: None,
        });
    }
    if let Some(rule) = scanner.and_then(|s| s.rules().find(|r| r.id == id)) {
        return Some(RuleInfo {
            title: rule.title.clone(),
            default_severity: rule.severity,
            help: None,
        });
    }
    sekisho_dockerfile::rule_info(id)
}

/// The documentation `sekisho explain ID` prints, for any ID sekisho reports.
pub fn explain(id: &str) -> Option<String> {
    if let Some(doc) = sekisho_dockerfile::explain(id) {
        return Some(doc);
    }
    let id = id.trim();
    if let Some(check) = sekisho_audit::checks::by_id(&id.to_ascii_uppercase()) {
        return Some(format!(
            "{} ({}, image check)\n\n{}\n",
            check.id, check.level, check.title
        ));
    }
    let scanner = sekisho_audit::builtin_scanner();
    let rule = scanner.rules().find(|r| r.id == id)?;
    Some(format!(
        "{} ({}, secret rule, category {})\n\n{}\n\nKeywords: {}\n",
        rule.id,
        rule.severity,
        rule.category,
        rule.title,
        rule.keywords.join(", ")
    ))
}
