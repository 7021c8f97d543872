//! Mutated image configs and history texts through the config/history checks: no panics.
//! (The fuzz target in `fuzz/` does the same with coverage guidance.)

#[path = "../../../tests/hostile_dump.rs"]
mod hostile_dump;

use sekisho_audit::{audit_config, shell, AuditOptions};
use sekisho_image::ImageConfig;
use sekisho_report::render_findings_table as render_table;

const SEED: &str = include_str!("../fuzz/corpus/config_history/seed.json");

/// A generated image config, also written (opt-in) to the hostile dump as a docker-archive. Its
/// layers are empty: one per diffID the config lists (at most 1000), with `rootfs` rewritten to
/// match so that the image is read and the config's checks run; the rest is kept as given.
fn dump_config(data: &[u8]) {
    // The diffID of an empty layer (a tar of two zero blocks).
    const EMPTY: &str = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";
    if !hostile_dump::enabled() {
        return;
    }
    let Ok(serde_json::Value::Object(mut config)) = serde_json::from_slice(data) else {
        return;
    };
    let layers = config
        .get("rootfs")
        .and_then(|r| r.get("diff_ids"))
        .and_then(|d| d.as_array())
        .map_or(0, Vec::len)
        .min(1000);
    config.insert(
        "rootfs".into(),
        serde_json::json!({"type": "layers", "diff_ids": vec![EMPTY; layers]}),
    );
    let manifest = serde_json::json!([{"Config": "config.json", "RepoTags": ["hostile:1"],
        "Layers": vec!["empty.tar"; layers]}]);
    let archive = hostile_dump::tar(&[
        ("empty.tar", &[0u8; 1024]),
        ("config.json", &serde_json::to_vec(&config).unwrap()),
        ("manifest.json", &serde_json::to_vec(&manifest).unwrap()),
    ]);
    hostile_dump::bytes("image", ".tar", &archive);
}

/// The seed config with its history replaced by one step per `created_by`, dumped.
fn dump_history(created_by: &[&str]) {
    if !hostile_dump::enabled() {
        return;
    }
    let mut config: serde_json::Value = serde_json::from_str(SEED).unwrap();
    config["history"] = created_by
        .iter()
        .map(|c| serde_json::json!({"created_by": c}))
        .collect();
    dump_config(&serde_json::to_vec(&config).unwrap());
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\"",
    b"'",
    b"\\",
    b"$(",
    b"`",
    b"&&",
    b"||",
    b"|",
    b";",
    b"\n",
    b"#(nop)",
    b"RUN |9 ",
    b"/bin/sh -c ",
    b"null",
    b"[]",
    b"{}",
    b"0:0",
    b"root",
    b"\xff\xfe",
    b"\x00",
    "é".as_bytes(),
    b"-----BEGIN PRIVATE KEY-----",
    b"ghp_",
    b"AKIA",
    b"=",
    b":",
    b"# buildkit",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let pos = rng.below(data.len() + 1);
        match rng.below(5) {
            0 if !data.is_empty() => {
                let p = pos.min(data.len() - 1);
                data[p] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let end = (pos + rng.below(16)).min(data.len());
                data.drain(pos.min(end)..end);
            }
            2 => {
                let ins = INTERESTING[rng.below(INTERESTING.len())];
                data.splice(pos..pos, ins.iter().copied());
            }
            3 => data.truncate(pos),
            _ => {
                let ins = vec![b'a' + rng.below(26) as u8; rng.below(4) + 1];
                data.splice(pos..pos, ins);
            }
        }
    }
    data
}

#[test]
fn mutated_configs_do_not_panic() {
    let scanner = sekisho_secret::Scanner::builtin();
    let opts = AuditOptions::default();
    let tags = vec!["example/x:latest".to_string()];
    let seed_config: ImageConfig = serde_json::from_str(SEED).unwrap();
    dump_config(SEED.as_bytes());
    // The seed itself exercises most checks.
    let base = audit_config(&seed_config, &tags, 3, Some(&scanner), &opts);
    for id in [
        "CIS-DI-0001",
        "CIS-DI-0006",
        "CIS-DI-0007",
        "CIS-DI-0010",
        "DKL-DI-0001",
        "DKL-DI-0002",
        "DKL-DI-0006",
        "SK-IMG-001",
        "SK-IMG-003",
    ] {
        assert!(
            base.iter().any(|f| f.id == id),
            "seed should trigger {id}:\n{}",
            render_table(&base, false)
        );
    }
    let mut rng = Rng(0x5EC1_5A0A_0D17_0001);
    let mut parsed = 0;
    for _ in 0..3000 {
        let data = mutate(&mut rng, SEED.as_bytes());
        let text = String::from_utf8_lossy(&data);
        let _ = shell::parse_created_by(&text);
        if let Ok(config) = serde_json::from_slice::<ImageConfig>(&data) {
            parsed += 1;
            if parsed % 100 == 1 {
                // A sample for the opt-in hostile dump.
                dump_config(&data);
            }
            let f = audit_config(&config, &tags, rng.below(5), Some(&scanner), &opts);
            let _ = sekisho_report::sarif::render(&f, &Default::default(), true);
        }
    }
    assert!(
        parsed > 100,
        "only {parsed} mutants parsed: the test would not reach the checks"
    );

    // Mutated history texts alone, much wilder.
    let history_seeds = [
        "RUN /bin/sh -c apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/* # buildkit",
        "/bin/sh -c #(nop)  CMD [\"bash\"]",
        "RUN |2 A=1 B=\"two words\" /bin/sh -c sh -c 'sudo -u a bash -c \"curl x | sh\"'",
    ];
    for seed in history_seeds {
        for round in 0..2000 {
            let data = mutate(&mut rng, seed.as_bytes());
            if round % 500 == 0 {
                // A sample for the opt-in hostile dump.
                dump_history(&[&String::from_utf8_lossy(&data)]);
            }
            let step = shell::parse_created_by(&String::from_utf8_lossy(&data));
            if let Some(s) = step.script {
                let _ = s.commands().map(|c| c.name().len()).sum::<usize>();
            }
        }
    }
}

#[test]
fn deep_and_long_inputs_are_bounded() {
    // Nested `sh -c` deeper than the recursion bound, and a long script: both finish quickly.
    let mut script = String::from("apt-get upgrade");
    // Quoting grows the text about threefold per level: 9 levels is past the bound of 4.
    for _ in 0..9 {
        script = format!("sh -c {}", shell_quote(&script));
    }
    assert!(script.len() < 200_000);
    let long = "a && ".repeat(20_000);
    dump_history(&[
        &format!("RUN /bin/sh -c {script} # buildkit"),
        &format!("RUN /bin/sh -c {long} # buildkit"),
    ]);
    let s = shell::parse_script(&script);
    assert!(s.pipelines.len() < 100);
    let start = std::time::Instant::now();
    let s = shell::parse_script(&long);
    assert_eq!(s.pipelines.len(), 20_000);
    assert!(start.elapsed().as_secs() < 5);
}

#[test]
fn unclosed_parentheses_in_history_are_bounded() {
    // A few dozen unclosed `(` / `$(` made the shell parser backtrack exponentially; the
    // parenthesis limit splits such a script without it (this test would not end otherwise).
    // Words whose nesting brush's word parser backtracks over (closers of the wrong kind or
    // in quotes) and a tilde index it panicked on are read without it.
    let scripts = [
        format!("echo \"{}e", "$(".repeat(40)),
        format!("{}e", "(".repeat(40)),
        format!("curl -o x \"{}e\" | sh", "$(]".repeat(30)),
        format!(
            "echo \"{}`'\"`\" ~+99999999999999999999",
            "${_[)".repeat(10)
        ),
    ];
    dump_history(&[
        &format!("RUN /bin/sh -c {} # buildkit", scripts[0]),
        &format!("/bin/sh -c #(nop) CMD {}", scripts[1]),
        &format!("RUN /bin/sh -c {} # buildkit", scripts[2]),
        &format!("/bin/sh -c {}", scripts[3]),
    ]);
    for script in &scripts {
        let s = shell::parse_script(script);
        assert!(s.commands().count() > 0);
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}
