//! Snapshot tests (insta): every rule's findings on its fixture, and one fixture through
//! every output format.
//!
//! `tests/fixtures/<CODE>.Dockerfile` holds a small Dockerfile for each rule (`SC.Dockerfile`
//! for the ShellCheck subset) with cases that fire and cases that do not. The snapshot
//! (`tests/snapshots/rules/<CODE>.snap`) lists that rule's findings (code, severity, message,
//! line, column, end line), with the fixture as the snapshot's description so a reviewer
//! sees both. Every registered rule must have a fixture. After a deliberate change, review
//! with `cargo insta review` (or run with `INSTA_UPDATE=always` and read the diff).

use sekisho_dockerfile::{lint_with, Config, Finding, Severity};
use sekisho_report::lint::{render, FileReport, Format};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// All rules enabled (opt-in ones too), a trusted-registry list and a label schema, so
/// every rule can fire on its fixture.
fn config_for(code: &str) -> Config {
    let mut cfg = Config::default();
    for r in sekisho_dockerfile::rules::all_rules() {
        cfg.enabled.push(r.code.to_string());
    }
    cfg.trusted_registries = vec!["docker.io".into(), "registry.example.com".into()];
    let schema: &[(&str, &str)] = match code {
        "DL3049" | "DL3050" | "DL3051" => &[("maintainer", "email"), ("version", "semver")],
        _ => &[
            ("maintainer", "email"),
            ("version", "semver"),
            ("org.opencontainers.image.source", "url"),
            ("created", "rfc3339"),
            ("license", "spdx"),
            ("revision", "hash"),
        ],
    };
    for (k, v) in schema {
        cfg.label_schema.insert(k.to_string(), v.to_string());
    }
    cfg.strict_labels = true;
    // opt-in rules default to the `ignore` severity; show them as info
    for c in ["DL1001", "DL3057"] {
        cfg.overrides.insert(c.into(), Severity::Info);
    }
    cfg
}

fn settings(description: &str, path: &str) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(path);
    s.set_prepend_module_to_snapshot(false);
    s.set_description(description);
    s.set_omit_expression(true);
    s
}

#[test]
fn rule_fixtures() {
    for rule in sekisho_dockerfile::rules::all_rules() {
        let code = rule.code;
        let path = format!("{FIXTURES}/{code}.Dockerfile");
        let src = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("every rule needs a fixture: {path}: {e}"));
        let findings: Vec<Finding> = lint_with(&src, &config_for(code))
            .into_iter()
            .filter(|f| {
                if code == "SC" {
                    f.code.starts_with("SC")
                } else {
                    f.code == code
                }
            })
            .collect();
        assert!(!findings.is_empty(), "{code} does not fire on its fixture");
        settings(&src, "snapshots/rules").bind(|| {
            insta::assert_yaml_snapshot!(code, findings);
        });
    }
}

#[test]
fn render_formats() {
    let path = format!("{FIXTURES}/render.Dockerfile");
    let src = std::fs::read_to_string(&path).expect("fixture");
    let findings = lint_with(&src, &Config::default());
    let rules = findings
        .iter()
        .filter_map(|f| Some((f.code.clone(), sekisho_dockerfile::rule_info(&f.code)?)))
        .collect();
    let reports = vec![FileReport {
        path: "Dockerfile".into(),
        findings: findings
            .iter()
            .filter_map(|f| f.to_report("Dockerfile"))
            .collect(),
        source: src.clone(),
    }];
    for (name, format) in Format::ALL {
        let out = render(format, &reports, &rules, false);
        settings(&src, "snapshots/render").bind(|| {
            insta::assert_snapshot!(name, out);
        });
    }
}

/// BuildKit variable scoping in the pinning rules (`tests/fixtures/scope.Dockerfile`): the
/// findings of every rule that judges a package word.
#[test]
fn variable_scope() {
    const PINNING: &[&str] = &[
        "DL3008", "DL3013", "DL3016", "DL3018", "DL3028", "DL3033", "DL3037", "DL3041", "DL3062",
    ];
    let path = format!("{FIXTURES}/scope.Dockerfile");
    let src = std::fs::read_to_string(&path).expect("fixture");
    let findings: Vec<Finding> = lint_with(&src, &Config::default())
        .into_iter()
        .filter(|f| PINNING.contains(&f.code.as_str()))
        .collect();
    settings(&src, "snapshots/scope").bind(|| {
        insta::assert_yaml_snapshot!("scope", findings);
    });
}
