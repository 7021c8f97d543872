//! Runs a deterministic, generated mutation corpus through the parser, the rules, the
//! fixer and the diff: nothing may panic. (The libFuzzer target in `fuzz/` explores
//! further; this test keeps a short budget in every `cargo test`.)

use std::panic::{catch_unwind, AssertUnwindSafe};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/dockerfiles"
);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "\\\n",
    "`\n",
    "<<EOF\n",
    "<<-'EOT'\n",
    "\nEOF\n",
    "\"",
    "'",
    "[",
    "]",
    "[\"a\", ",
    "$(",
    "${",
    "}",
    "`",
    "#",
    "# escape=`\n",
    "# syntax=docker/dockerfile:1\n",
    "\r",
    "\t",
    "é",
    "\u{feff}",
    "\0",
    "ONBUILD ",
    "RUN ",
    "FROM ",
    "COPY --from=",
    "--mount=type=cache,target=",
    "&&",
    "||",
    "|",
    ";",
    "(",
    ")",
    "{",
    "}",
    "=",
    " AS ",
    ":",
    "@sha256:",
    "\n\n",
    "apt-get install ",
    "pip install ",
    "HEALTHCHECK CMD ",
    "ENV a=",
    "LABEL ",
    "ARG ",
    "USER ",
    "EXPOSE 99999",
    "<<<",
    "$((1+",
    "case x in",
    "esac",
    "if",
    "then",
    "fi",
    "for i in",
    "do",
    "done",
    "!",
    "\\",
];

fn mutate(rng: &mut Rng, src: &str) -> String {
    let mut s: Vec<char> = src.chars().collect();
    let n = 1 + rng.below(4);
    for _ in 0..n {
        match rng.below(6) {
            0 if !s.is_empty() => {
                let a = rng.below(s.len());
                let b = (a + rng.below(40)).min(s.len());
                s.drain(a..b);
            }
            1 | 2 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(s.len() + 1);
                for (i, c) in t.chars().enumerate() {
                    s.insert(at + i, c);
                }
            }
            3 if !s.is_empty() => {
                let a = rng.below(s.len());
                let b = (a + rng.below(80)).min(s.len());
                let chunk: Vec<char> = s[a..b].to_vec();
                let at = rng.below(s.len() + 1);
                for (i, c) in chunk.into_iter().enumerate() {
                    s.insert(at + i, c);
                }
            }
            4 => {
                let len = s.len();
                s.truncate(rng.below(len + 1));
            }
            _ => {
                if let Some(c) = s.get_mut(rng.below(src.len().max(1))) {
                    *c = ['\n', ' ', '\\', '"', '$', '<', '[', '#', '`'][(*c as usize) % 9];
                }
            }
        }
    }
    s.into_iter().collect()
}

fn exercise(s: &str) {
    let _ = sekisho_dockerfile::parse(s);
    let mut cfg = sekisho_dockerfile::Config {
        enabled: vec!["DL1001".into(), "DL3057".into(), "SK1006".into()],
        trusted_registries: vec!["docker.io".into(), "*.example.com".into()],
        ..Default::default()
    };
    cfg.label_schema
        .insert("org.opencontainers.image.version".into(), "semver".into());
    let _ = sekisho_dockerfile::lint_with(s, &cfg);
    let fixed = sekisho_dockerfile::fix::fix(s);
    let _ = sekisho_dockerfile::fix::unified_diff("Dockerfile", s, &fixed);
}

#[test]
fn mutation_corpus_never_panics() {
    let mut seeds: Vec<String> = vec![
        "FROM a\nRUN <<EOF\necho hi\nEOF\n".into(),
        "# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir c:\\ `\n  && echo\n".into(),
        "ARG X=1\nFROM ${X:-alpine}:3 AS b\nCOPY --from=b --chmod=777 a b/\nONBUILD RUN apk add x\n".into(),
        "FROM a\nCMD [\"a\",\nENTRYPOINT [\n\"x\"\n]\n".into(),
    ];
    if let Ok(dir) = std::fs::read_dir(format!("{DATA}/corpus")) {
        let mut files: Vec<_> = dir.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort();
        for f in files.iter().step_by(9) {
            if let Ok(s) = std::fs::read_to_string(f) {
                seeds.push(s);
            }
        }
    }
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let budget: usize = std::env::var("SEKISHO_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut failures = Vec::new();
    for i in 0..budget {
        let seed = &seeds[i % seeds.len()];
        let m = mutate(&mut rng, seed);
        if catch_unwind(AssertUnwindSafe(|| exercise(&m))).is_err() {
            failures.push(m);
        }
    }
    for f in failures.iter().take(3) {
        eprintln!("panicking input: {f:?}");
    }
    println!(
        "mutations: {} passed, {} failed",
        budget - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} mutated inputs panicked",
        failures.len()
    );
}

#[test]
fn pathological_nesting_is_bounded() {
    let n = 5000;
    let inputs = [
        format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(n)),
        format!("FROM a\nRUN {}x{}\n", "(".repeat(n), ")".repeat(n)),
        format!("FROM a\nRUN echo {}x{}\n", "$(".repeat(n), ")".repeat(n)),
        format!("ARG A={}x{}\nFROM $A\n", "${B:-".repeat(n), "}".repeat(n)),
        format!(
            "FROM a\nRUN echo \"{}{}\"\n",
            "${x:-".repeat(n),
            "}".repeat(n)
        ),
        format!("FROM a\nRUN {}\n", "<<EOF ".repeat(n)),
        format!("FROM a\nRUN a{}\n", " \\\n".repeat(n)),
    ];
    for i in &inputs {
        exercise(i);
    }
}
