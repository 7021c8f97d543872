//! Audit one image and print the findings: `cargo run -p sekisho-audit --example audit -- IMAGE [table|json|sarif]`.

use sekisho_audit::{audit, render_json, render_sarif, render_table, AuditOptions, AuditVisitor};

fn main() {
    let mut args = std::env::args().skip(1);
    let input = args.next().expect("usage: audit IMAGE [table|json|sarif]");
    let format = args.next().unwrap_or_else(|| "table".into());
    let opts = AuditOptions::default();
    let visitor = AuditVisitor::new(&opts).expect("secret config");
    let source = sekisho_image::Source::parse(&input).expect("source");
    let start = std::time::Instant::now();
    let scan = sekisho_image::scan(&source, &Default::default(), &visitor).expect("scan");
    let inv = sekisho_inventory::collect(&scan);
    let findings = audit(&scan, &inv.packages, &opts);
    let out = match format.as_str() {
        "json" => render_json(&findings),
        "sarif" => render_sarif(&findings),
        _ => render_table(&findings, false),
    };
    print!("{out}");
    let total = start.elapsed();
    // For comparison: the same image with the inventory visitor alone.
    let t = std::time::Instant::now();
    let _ = sekisho_image::scan(
        &source,
        &Default::default(),
        &sekisho_inventory::InventoryVisitor,
    )
    .expect("scan");
    let scanned: u64 = scan
        .outputs
        .iter()
        .flatten()
        .filter(|(_, o)| !o.secrets.is_empty())
        .count() as u64;
    eprintln!(
        "{} findings in {total:?} (inventory-only scan {:?}; {} files with secrets)",
        findings.len(),
        t.elapsed(),
        scanned
    );
}
