//! What a user chose not to see: `--severity`, `--ignore-unfixed`, `--ignore-status`, and
//! ignore files (`.trivyignore` as Trivy reads it, `.sekishoignore` with package scopes,
//! expiry dates and reasons). Applied to a finished report, so every writer and the exit code
//! see the same findings.

use jiff::civil::Date;
use sekisho_model::{Finding, Report, Severity};

/// One ignore rule: an ID (a finding's ID or any of its aliases), optionally only for packages
/// whose purl starts with a prefix, optionally until a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreRule {
    /// The ID.
    pub id: String,
    /// Only for packages whose purl starts with this (`pkg:npm/lodash`).
    pub purl_prefix: Option<String>,
    /// The rule stops applying after this day.
    pub expires: Option<Date>,
    /// Why (kept for people; `.sekishoignore`'s text after `#`).
    pub reason: String,
}

/// Parse an ignore file. Each line: `ID [pkg:PURL-PREFIX] [exp:YYYY-MM-DD] [# reason]`; `#`
/// starts a comment; blank lines are skipped. `.trivyignore` lines (`ID`, `ID exp:DATE`) are
/// the same syntax. A line with an unreadable date is an error naming the line.
pub fn parse_ignore_file(text: &str) -> Result<Vec<IgnoreRule>, String> {
    let mut rules = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let (body, reason) = match raw.split_once('#') {
            Some((b, r)) => (b, r.trim()),
            None => (raw, ""),
        };
        let mut words = body.split_whitespace();
        let Some(id) = words.next() else { continue };
        let mut rule = IgnoreRule {
            id: id.to_string(),
            purl_prefix: None,
            expires: None,
            reason: reason.to_string(),
        };
        for word in words {
            if let Some(date) = word.strip_prefix("exp:") {
                let date: Date = date
                    .parse()
                    .map_err(|e| format!("line {}: expiry {date:?}: {e}", n + 1))?;
                rule.expires = Some(date);
            } else if word.starts_with("pkg:") {
                rule.purl_prefix = Some(word.to_string());
            } else {
                return Err(format!(
                    "line {}: {word:?} is neither pkg:PURL nor exp:YYYY-MM-DD",
                    n + 1
                ));
            }
        }
        rules.push(rule);
    }
    Ok(rules)
}

/// The user's filters.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only these severities (empty: all).
    pub severities: Vec<Severity>,
    /// Drop vulnerabilities without a fixed version.
    pub ignore_unfixed: bool,
    /// Drop vulnerabilities whose status is one of these (`will-not-fix`, `end-of-life`, ...).
    pub ignore_status: Vec<String>,
    /// Ignore rules from files.
    pub ignore: Vec<IgnoreRule>,
    /// Today, for rule expiry.
    pub today: Option<Date>,
}

impl Filters {
    /// Whether `f` stays in the report.
    pub fn keeps(&self, f: &Finding) -> bool {
        if !self.severities.is_empty() && !self.severities.contains(&f.severity) {
            return false;
        }
        let vuln = f.vulnerability.as_deref();
        if let Some(v) = vuln {
            if self.ignore_unfixed && v.fixed.is_none() {
                return false;
            }
            if self.ignore_status.contains(&v.status) {
                return false;
            }
        }
        !self.ignore.iter().any(|rule| {
            let live = match (rule.expires, self.today) {
                (Some(exp), Some(today)) => today <= exp,
                _ => true,
            };
            let named = rule.id == f.id || vuln.is_some_and(|v| v.aliases.contains(&rule.id));
            let scoped = match (&rule.purl_prefix, vuln) {
                (None, _) => true,
                (Some(prefix), Some(v)) => v.purl.starts_with(prefix.as_str()),
                (Some(_), None) => false,
            };
            live && named && scoped
        })
    }

    /// Apply to the findings of a report.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain(|f| self.keeps(f));
    }
}

/// Drop development dependencies and the vulnerability findings of those packages.
pub fn exclude_dev(report: &mut Report) {
    let dev: std::collections::HashSet<(String, String)> = report
        .packages
        .iter()
        .filter(|p| p.dev)
        .map(|p| (p.purl.clone(), p.path.clone()))
        .collect();
    if dev.is_empty() {
        return;
    }
    report.packages.retain(|p| !p.dev);
    if let Some(findings) = report.findings.as_mut() {
        findings.retain(|f| {
            let Some(v) = f.vulnerability.as_deref() else {
                return true;
            };
            let path = f.path.clone().unwrap_or_default();
            !dev.contains(&(v.purl.clone(), path))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sekisho_model::{FindingKind, VulnInfo};

    fn vuln(id: &str, aliases: &[&str], fixed: Option<&str>, status: &str) -> Finding {
        let mut f = Finding::new(FindingKind::Vulnerability, id, Severity::High, id, "");
        f.vulnerability = Some(Box::new(VulnInfo {
            package: "lodash".into(),
            ecosystem: "npm".into(),
            purl: "pkg:npm/lodash@4.17.15".into(),
            installed: "4.17.15".into(),
            fixed: fixed.map(str::to_string),
            status: status.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            sources: vec!["ghsa".into()],
            severity_source: String::new(),
            cvss: None,
            score: None,
            references: vec![],
            vex: None,
        }));
        f
    }

    #[test]
    fn ignore_files_as_trivy_and_sekisho_read_them() {
        let rules = parse_ignore_file(
            "# comment\nCVE-2020-8203\nGHSA-35jh-r3h4-6jhm exp:2026-01-01\n\
             CVE-2021-23337 pkg:npm/lodash # accepted until the upgrade\n\n",
        )
        .unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[2].reason, "accepted until the upgrade");
        assert!(parse_ignore_file("CVE-1 exp:soon").is_err());
        let filters = Filters {
            ignore: rules,
            today: Some(jiff::civil::date(2026, 12, 5)),
            ..Filters::default()
        };
        assert!(!filters.keeps(&vuln("CVE-2020-8203", &[], None, "fixed")));
        // Expired: reported again.
        assert!(filters.keeps(&vuln(
            "CVE-2021-23337x",
            &["GHSA-35jh-r3h4-6jhm"],
            None,
            "fixed"
        )));
        // By alias, within the package scope.
        assert!(!filters.keeps(&vuln("GHSA-x", &["CVE-2021-23337"], None, "fixed")));
    }

    #[test]
    fn dev_dependencies_and_their_findings_can_be_left_out() {
        let source = sekisho_model::SourceInfo::default();
        let mut report = Report::new(source, jiff::Timestamp::UNIX_EPOCH);
        let mut lodash = vuln("CVE-1", &[], None, "fixed");
        lodash.path = Some("package-lock.json".into());
        report.findings = Some(vec![lodash]);
        let package = |dev: bool, name: &str| sekisho_model::Package {
            kind: sekisho_model::PackageKind::Npm,
            name: name.into(),
            version: "4.17.15".into(),
            epoch: None,
            arch: String::new(),
            source_name: String::new(),
            source_version: String::new(),
            licenses: vec![],
            supplier: String::new(),
            third_party: None,
            modularity_label: None,
            purl: format!("pkg:npm/{name}@4.17.15"),
            layer: Default::default(),
            path: "package-lock.json".into(),
            files: vec![],
            dependencies: vec![],
            dev,
            owner: None,
        };
        report.packages = vec![package(true, "lodash"), package(false, "express")];
        exclude_dev(&mut report);
        assert_eq!(report.packages.len(), 1);
        assert!(report.findings().is_empty());
    }

    #[test]
    fn severity_unfixed_and_status() {
        let filters = Filters {
            severities: vec![Severity::Critical],
            ..Filters::default()
        };
        assert!(!filters.keeps(&vuln("CVE-1", &[], None, "fixed")));
        let filters = Filters {
            ignore_unfixed: true,
            ignore_status: vec!["will-not-fix".into()],
            ..Filters::default()
        };
        assert!(!filters.keeps(&vuln("CVE-1", &[], None, "affected-no-fix")));
        assert!(filters.keeps(&vuln("CVE-1", &[], Some("1.0"), "fixed")));
        assert!(!filters.keeps(&vuln("CVE-1", &[], Some("1.0"), "will-not-fix")));
    }
}
