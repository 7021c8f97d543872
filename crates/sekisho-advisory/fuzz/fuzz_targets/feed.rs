//! Any bytes as any feed file (the first byte picks the file name, so every parser is reached:
//! OSV JSON and YAML, secdb, RustSec Markdown, security-wg, RubySec, FriendsOfPHP, Debian
//! tracker, CSAF): a malformed record is a warning, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekisho_advisory::feeds::{parse_file, Ctx};

const NAMES: &[&str] = &[
    "advisories/github-reviewed/2021/01/GHSA-x/GHSA-x.json",
    "vulns/requests/PYSEC-2023-74.yaml",
    "crates/smallvec/RUSTSEC-2021-0003.md",
    "vuln/npm/516.json",
    "gems/rack/CVE-2022-30122.yml",
    "symfony/symfony/CVE-2019-1.yaml",
    "v3.10/main.yaml",
    "alpine/3.10/main/musl.json",
    "os/security.json",
    "debian-tracker.json",
    "advisories/2024/rhsa-2024_0001.json",
    "csaf-vex/2024/cve-2024-0001.json",
    "hydra/cve-2021-25220.json",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let mut warnings = Vec::new();
    let mut ctx = Ctx {
        source: "fuzz",
        file: NAMES[usize::from(pick) % NAMES.len()],
        warnings: &mut warnings,
    };
    let _ = parse_file(&mut ctx, content);
});
