//! The README's rule table must list every built-in rule with its severity.

use sekisho_secret::builtin_rules;

fn table() -> String {
    let mut out = String::from("| ID | Severity | Category | What |\n|---|---|---|---|\n");
    for r in builtin_rules() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.id, r.severity, r.category, r.title
        ));
    }
    out
}

#[test]
fn readme_lists_every_rule() {
    let readme = include_str!("../README.md");
    let mut missing = Vec::new();
    for r in builtin_rules() {
        let row = format!("| `{}` | {} |", r.id, r.severity);
        if !readme.contains(&row) {
            missing.push(row);
        }
    }
    assert!(
        missing.is_empty(),
        "README.md rule table is stale; regenerate with `cargo test -p sekisho-secret --test readme -- --ignored --nocapture`. Missing rows: {missing:?}"
    );
}

#[test]
fn readme_config_example_is_valid() {
    let readme = include_str!("../README.md");
    let start = readme.find("```yaml\n").expect("yaml block") + 8;
    let end = start + readme[start..].find("```").expect("end of yaml block");
    let cfg = sekisho_secret::Config::from_yaml(&readme[start..end]).expect("parses");
    assert_eq!(cfg.rules.len(), 1);
    let scanner = sekisho_secret::Scanner::new(cfg).expect("builds");
    let f = scanner.scan(
        "srv/app.conf",
        b"token = itk_q8w3e7r1t9y2u6i4o0p5a3s8d1f7g2h9\n",
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule_id, "internal-token");
}

/// Prints the rule table for README.md.
#[test]
#[ignore]
fn print_rule_table() {
    println!("{}", table());
    println!("{} rules", builtin_rules().len());
}
