//! Compares our DL findings with hadolint 2.15.1 on the real-world corpus.
//!
//! For every file hadolint parses, findings are compared as (rule, line) multisets.
//! Precision and recall are printed per rule; the test fails below 98% overall.
//! Deliberate disagreements (where we believe hadolint is wrong) are listed in
//! [`DELIBERATE`] with the reason; they are excluded from the score and printed.
//! SC findings are reported (not asserted): the corpus is the only reference for them.
//! The 16 files hadolint rejects (DL1000) must all parse here; see [`HADOLINT_REJECTS`].
//!
//! Columns are a deliberate difference and are not compared: hadolint reports column 1
//! for every finding; sekisho reports the real column of what a finding flags (the image
//! in FROM, a flag, the unpinned package or the command in a RUN body, a label or port
//! word) when it is on the instruction's first line, else the column where the
//! instruction starts. Lines are the instruction's start line in both. The test prints how
//! many compared findings have a column other than 1.

use std::collections::{BTreeMap, HashMap, HashSet};

use sekisho_dockerfile::{lint_with, Config};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/dockerfiles"
);

/// (file, rule, line, who is right and why). `+` = we report, hadolint does not;
/// `-` = hadolint reports, we do not.
const DELIBERATE: &[(&str, &str, usize, char, &str)] = &[
    ("0120", "DL3008", 18, '-', "`apt-get install ${CHROME_VERSION}`: the package list is a variable; its value (and pinning) is unknowable statically"),
    ("0777", "DL3008", 9, '-', "`apt-get install $buildDeps`: package list given by a variable"),
    ("0881", "DL3008", 25, '-', "`apt-get install $fetchDeps`: package list given by a variable"),
    ("0881", "DL3008", 51, '-', "`apt-get install $fetchDeps`: package list given by a variable"),
    ("0881", "DL3008", 88, '-', "`apt-get install $buildDeps`: package list given by a variable"),
    ("0352", "DL3059", 12, '-', "PowerShell body: ShellCheck fails to parse it so hadolint counts zero commands and reports consecutive RUNs; brush-parser reads several commands, so the RUN is not a single-command RUN"),
];

/// Our decision for every file hadolint 2.15.1 rejects with DL1000: we parse them all.
const HADOLINT_REJECTS: &[(&str, &str)] = &[
    ("0122", "accept: `--mount=from=X` without target is valid BuildKit"),
    ("0152", "accept: `--mount=from=X` without target is valid BuildKit"),
    ("0174", "accept: `--mount=from=X` without target is valid BuildKit"),
    ("0531", "accept: heredoc terminator followed directly by an instruction is valid"),
    ("0586", "accept: a trailing `\\\\` is a line continuation, as in Docker"),
    ("0671", "accept: a JSON-form ENTRYPOINT spread over lines without continuations is joined while that completes the JSON array (the file is used as a GitHub Action)"),
    ("0733", "accept: a trailing `\\\\` is a line continuation, as in Docker"),
    ("0804", "accept: `--mount=from=X` without target is valid BuildKit"),
    ("0805", "accept: a comment right after a heredoc terminator is valid"),
    ("0818", "accept: a comment right after a heredoc terminator is valid"),
    ("0839", "accept: a comment right after a heredoc terminator is valid"),
    ("0851", "accept: `ADD <<EOF` heredocs are valid BuildKit"),
    ("0864", "accept: a comment right after a heredoc terminator is valid"),
    ("0874", "accept: a comment right after a heredoc terminator is valid"),
    ("0883", "accept: Buildah's `,z` mount option"),
    ("0885", "accept: unbalanced quotes in ENV are a build-time error, not a parse error"),
];

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

#[test]
fn corpus_agreement() {
    let corpus = format!("{DATA}/corpus");
    let dir = std::fs::read_dir(&corpus).unwrap_or_else(|e| {
        panic!("test data missing: {corpus}: {e} (the shared corpora must be at ../shared next to the repository)")
    });
    let mut files: Vec<String> = dir
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".Dockerfile"))
        .collect();
    files.sort();
    let cfg = Config::default();
    let mut dl: BTreeMap<String, Score> = BTreeMap::new();
    let mut sc: BTreeMap<String, Score> = BTreeMap::new();
    let mut mismatches: Vec<String> = vec![];
    let mut deliberate_hits = 0;
    let mut parse_failures = vec![];
    let mut compared = 0;
    let mut sc_lines = Score::default();
    let mut sc_missed: Vec<String> = vec![];
    // findings whose column differs from hadolint's constant 1 (deliberate, see above)
    let mut column_diffs = 0;
    for f in &files {
        let stem = f.trim_end_matches(".Dockerfile");
        let src = std::fs::read_to_string(format!("{corpus}/{f}")).expect("read");
        let ours = lint_with(&src, &cfg);
        if ours.iter().any(|x| x.code == "DL1000") {
            parse_failures.push(format!("{f}: {:?}", ours[0]));
        }
        let Ok(h) = std::fs::read_to_string(format!("{DATA}/hadolint/{stem}.json")) else {
            continue;
        };
        let h: Vec<serde_json::Value> = serde_json::from_str(&h).expect("json");
        if h.iter().any(|x| x["code"] == "DL1000") {
            continue;
        }
        compared += 1;
        let mut theirs: HashMap<(String, usize), usize> = HashMap::new();
        for x in &h {
            let code = x["code"].as_str().unwrap_or("").to_string();
            let line = x["line"].as_u64().unwrap_or(0) as usize;
            *theirs.entry((code, line)).or_default() += 1;
        }
        let mut mine: HashMap<(String, usize), usize> = HashMap::new();
        for x in &ours {
            if x.column != 1 {
                column_diffs += 1;
            }
            if x.code.starts_with("DL") || x.code.starts_with("SC") {
                *mine.entry((x.code.clone(), x.line)).or_default() += 1;
            }
        }
        let mut keys: Vec<&(String, usize)> = theirs.keys().chain(mine.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let t = theirs.get(k).copied().unwrap_or(0);
            let m = mine.get(k).copied().unwrap_or(0);
            if k.0.starts_with("SC") {
                // hadolint keeps one ShellCheck finding per RUN; score recall per code
                // and agreement on which RUN lines have any SC finding.
                let s = sc.entry(k.0.clone()).or_default();
                if t > 0 {
                    if m > 0 {
                        s.tp += 1;
                    } else {
                        s.fn_ += 1;
                        if sekisho_dockerfile::explain(&k.0).is_some() {
                            sc_missed.push(format!("{stem} {} line {}", k.0, k.1));
                        }
                    }
                } else if m > 0 {
                    s.fp += 1;
                }
                continue;
            }
            let deliberate = DELIBERATE
                .iter()
                .any(|d| d.0 == stem && d.1 == k.0 && d.2 == k.1);
            if deliberate && t != m {
                deliberate_hits += 1;
                continue;
            }
            let s = dl.entry(k.0.clone()).or_default();
            s.tp += t.min(m);
            s.fp += m.saturating_sub(t);
            s.fn_ += t.saturating_sub(m);
            if t != m {
                mismatches.push(format!(
                    "{stem} {} line {}: hadolint {t}, ours {m}",
                    k.0, k.1
                ));
            }
        }
        let their_sc: HashSet<usize> = theirs
            .keys()
            .filter(|k| k.0.starts_with("SC"))
            .map(|k| k.1)
            .collect();
        let our_sc: HashSet<usize> = mine
            .keys()
            .filter(|k| k.0.starts_with("SC"))
            .map(|k| k.1)
            .collect();
        sc_lines.tp += their_sc.intersection(&our_sc).count();
        sc_lines.fp += our_sc.difference(&their_sc).count();
        sc_lines.fn_ += their_sc.difference(&our_sc).count();
    }
    println!("compared {compared} files hadolint parses");
    let report = |name: &str, t: &BTreeMap<String, Score>| {
        let (mut tp, mut fp, mut fn_) = (0, 0, 0);
        println!("{name}: rule  tp  fp  fn  precision  recall");
        for (code, s) in t {
            println!(
                "  {code}  {:4} {:4} {:4}  {:6.1}%  {:6.1}%",
                s.tp,
                s.fp,
                s.fn_,
                pct(s.tp, s.tp + s.fp),
                pct(s.tp, s.tp + s.fn_)
            );
            tp += s.tp;
            fp += s.fp;
            fn_ += s.fn_;
        }
        let p = pct(tp, tp + fp);
        let r = pct(tp, tp + fn_);
        println!("{name} overall: tp {tp} fp {fp} fn {fn_} precision {p:.2}% recall {r:.2}%");
        (p, r)
    };
    let (p, r) = report("DL", &dl);
    println!(
        "SC (hadolint reports at most one ShellCheck code per RUN; we report every code we \
         support, so a per-code 'fp' is often a finding hadolint dropped or a code it ranks lower)"
    );
    report("SC", &sc);
    println!(
        "SC by RUN line (any SC finding): agree {} / ours only {} / hadolint only {}: \
         precision {:.1}% recall {:.1}%",
        sc_lines.tp,
        sc_lines.fp,
        sc_lines.fn_,
        pct(sc_lines.tp, sc_lines.tp + sc_lines.fp),
        pct(sc_lines.tp, sc_lines.tp + sc_lines.fn_)
    );
    println!(
        "SC findings of supported codes that we miss ({}):",
        sc_missed.len()
    );
    for m in &sc_missed {
        println!("  {m}");
    }
    println!(
        "findings with a real column other than hadolint's 1 (deliberate, not compared): \
         {column_diffs}"
    );
    println!("deliberate disagreements excluded: {deliberate_hits}");
    for (file, code, line, dir, why) in DELIBERATE {
        println!("  {file} {code} line {line} ({dir}): {why}");
    }
    println!("DL mismatches ({}):", mismatches.len());
    for m in &mismatches {
        println!("  {m}");
    }
    for (f, why) in HADOLINT_REJECTS {
        println!("hadolint rejects {f}: we {why}");
    }
    assert!(
        parse_failures.is_empty(),
        "files we fail to parse: {parse_failures:#?}"
    );
    assert!(
        p >= 98.0 && r >= 98.0,
        "DL precision {p:.2}% recall {r:.2}%"
    );
}
