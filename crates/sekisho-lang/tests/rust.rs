//! Cargo.lock against Trivy's golden and the `debian-app` image; cargo-auditable data of the
//! image's `rustapp` and of copies of it whose `.dep-v0` section is swapped for other data.

mod common;
mod oci;

use std::io::Write;

use object::{Object, ObjectSection};
use sekisho_lang::{rust, LangError, LangPackage, Relationship};

fn rel_name(r: Relationship) -> &'static str {
    match r {
        Relationship::Unknown => "",
        Relationship::Root => "root",
        Relationship::Direct => "direct",
        Relationship::Indirect => "indirect",
    }
}

fn sorted(pkgs: &[LangPackage]) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = pkgs
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone(),
                rel_name(p.relationship).to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn truth_at(path: &str) -> Vec<(String, String)> {
    let mut v: Vec<_> = oci::truth("cargo")
        .into_iter()
        .filter(|(_, _, p)| p == path)
        .map(|(n, v, _)| (n, v))
        .collect();
    v.sort();
    v
}

#[test]
fn cargo_lock_matches_trivy_golden_but_keeps_dev_dependencies() {
    let parsed = rust::cargo_lock(common::fixture("cargo/Cargo.lock")).unwrap();
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    // Trivy drops the dev-dependency winapi (and what only it pulls in) by reading
    // Cargo.toml; the lockfile alone cannot tell, so it is the one difference.
    let dev_only = [
        "winapi@0.3.9",
        "winapi-i686-pc-windows-gnu@0.4.0",
        "winapi-x86_64-pc-windows-gnu@0.4.0",
    ];
    let mut got: Vec<_> = parsed
        .packages
        .iter()
        .filter(|p| !dev_only.contains(&p.id.as_str()))
        .map(|p| {
            let deps: Vec<String> = p
                .dependencies
                .iter()
                .filter(|d| !dev_only.contains(&d.as_str()))
                .cloned()
                .collect();
            (
                p.id.clone(),
                p.name.clone(),
                p.version.clone(),
                rel_name(p.relationship).to_string(),
                deps,
                p.purl(),
            )
        })
        .collect();
    got.sort();
    let want: Vec<_> = common::golden_packages("cargo.lock.json.golden", "Cargo.lock")
        .into_iter()
        .map(|g| {
            (
                g.id,
                g.name,
                g.version,
                g.relationship,
                g.depends_on,
                g.purl,
            )
        })
        .collect();
    assert_eq!(got, want);
    let app = parsed.packages.iter().find(|p| p.name == "app").unwrap();
    assert_eq!(
        app.dependencies,
        vec!["memchr@1.0.2", "regex@1.7.3", "winapi@0.3.9"]
    );
    let winapi = parsed.packages.iter().find(|p| p.name == "winapi").unwrap();
    assert_eq!(winapi.relationship, Relationship::Direct);
}

#[test]
fn image_cargo_lock_and_binary_match_the_ground_truth() {
    for (path, parsed) in [
        (
            "/src/rustapp/Cargo.lock",
            rust::cargo_lock(oci::image_file("src/rustapp/Cargo.lock")).unwrap(),
        ),
        (
            "/usr/local/bin/rustapp",
            rust::auditable_binary(oci::image_file("usr/local/bin/rustapp")).unwrap(),
        ),
    ] {
        let got: Vec<_> = sorted(&parsed.packages)
            .into_iter()
            .map(|(n, v, _)| (n, v))
            .collect();
        assert_eq!(got, truth_at(path), "{path}");
        assert_eq!(
            sorted(&parsed.packages),
            vec![
                ("base64".into(), "0.13.0".into(), "direct".into()),
                ("rustapp".into(), "0.1.0".into(), "root".into()),
                ("smallvec".into(), "1.6.0".into(), "direct".into()),
            ],
            "{path}"
        );
        let root = parsed
            .packages
            .iter()
            .find(|p| p.name == "rustapp")
            .unwrap();
        assert_eq!(root.dependencies, vec!["base64@0.13.0", "smallvec@1.6.0"]);
        assert!(parsed.packages.iter().all(|p| !p.dev));
    }
}

#[test]
fn cargo_lock_v1_with_sources_and_metadata() {
    let lock = br#"[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "rand 0.7.3 (registry+https://github.com/rust-lang/crates.io-index)",
 "rand 0.8.5 (git+https://github.com/rust-random/rand#abc)",
 "missing 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "rand"
version = "0.7.3"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "rand"
version = "0.8.5"
source = "git+https://github.com/rust-random/rand#abc"
dependencies = [
 "rand_core 0.6.4 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "rand_core"
version = "0.6.4"
source = "registry+https://github.com/rust-lang/crates.io-index"

[metadata]
"checksum rand 0.7.3 (registry+https://github.com/rust-lang/crates.io-index)" = "6a6b1a"
"#;
    let parsed = rust::cargo_lock(lock).unwrap();
    assert_eq!(
        sorted(&parsed.packages),
        vec![
            ("app".into(), "0.1.0".into(), "root".into()),
            ("rand".into(), "0.7.3".into(), "direct".into()),
            ("rand".into(), "0.8.5".into(), "direct".into()),
            ("rand_core".into(), "0.6.4".into(), "indirect".into()),
        ]
    );
    assert_eq!(
        parsed.packages[0].dependencies,
        vec!["rand@0.7.3", "rand@0.8.5"]
    );
    assert_eq!(parsed.packages[2].dependencies, vec!["rand_core@0.6.4"]);
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);

    // The pre-2017 layout: the root crate in [root].
    let old = br#"[root]
name = "old"
version = "0.0.1"
dependencies = ["libc 0.2.1 (registry+https://github.com/rust-lang/crates.io-index)"]

[[package]]
name = "libc"
version = "0.2.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
    let parsed = rust::cargo_lock(old).unwrap();
    assert_eq!(
        sorted(&parsed.packages),
        vec![
            ("libc".into(), "0.2.1".into(), "direct".into()),
            ("old".into(), "0.0.1".into(), "root".into()),
        ]
    );
}

#[test]
fn cargo_lock_damage_is_an_error_not_a_panic() {
    let lock = common::fixture("cargo/Cargo.lock");
    for end in 0..lock.len() {
        let _ = rust::cargo_lock(&lock[..end]);
    }
    assert!(rust::cargo_lock(b"[[package]]\nname = 1\n").is_err());
    assert!(rust::cargo_lock(b"\xff").is_err());
}

/// A copy of `rustapp` whose `.dep-v0` section holds `payload` (appended to the file and
/// pointed at by the section header).
fn with_dep_section(payload: &[u8]) -> Vec<u8> {
    let mut elf = oci::image_file("usr/local/bin/rustapp").to_vec();
    let index = {
        let file = object::File::parse(&*elf).unwrap();
        file.section_by_name(".dep-v0").unwrap().index().0
    };
    let shoff = u64::from_le_bytes(elf[0x28..0x30].try_into().unwrap()) as usize;
    let header = shoff + 64 * index;
    let offset = elf.len() as u64;
    elf.extend_from_slice(payload);
    elf[header + 0x18..header + 0x20].copy_from_slice(&offset.to_le_bytes());
    elf[header + 0x20..header + 0x28].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    elf
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn auditable_build_dependencies_are_dev() {
    let json = br#"{"packages":[
        {"name":"cc","version":"1.0.79","source":"crates.io","kind":"build"},
        {"name":"tool","version":"2.0.0","source":"local","dependencies":[2,0],"root":true},
        {"name":"serde","version":"1.0.160","source":"crates.io","dependencies":[3]},
        {"name":"serde_derive","version":"1.0.160","source":"crates.io","dependencies":[99]}
    ],"format":1}"#;
    let parsed = rust::auditable_binary(&with_dep_section(&zlib(json))).unwrap();
    let got: Vec<_> = parsed
        .packages
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.relationship,
                p.dev,
                p.dependencies.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("cc", Relationship::Direct, true, vec![]),
            (
                "tool",
                Relationship::Root,
                false,
                vec!["cc@1.0.79".to_string(), "serde@1.0.160".to_string()]
            ),
            (
                "serde",
                Relationship::Direct,
                false,
                vec!["serde_derive@1.0.160".to_string()]
            ),
            ("serde_derive", Relationship::Indirect, false, vec![]),
        ]
    );
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    assert_eq!(parsed.packages[2].purl(), "pkg:cargo/serde@1.0.160");
}

#[test]
fn auditable_hostile_data() {
    // A zlib bomb: 64 MiB of spaces compress to ~64 KiB.
    let bomb = zlib(&vec![b' '; 64 << 20]);
    common::dump_project("rustapp", &with_dep_section(&bomb));
    let err = rust::auditable_binary(&with_dep_section(&bomb)).unwrap_err();
    assert!(matches!(err, LangError::Limit(_)), "{err}");
    // Not zlib, not JSON, truncated zlib: errors naming the problem.
    let err = rust::auditable_binary(&with_dep_section(b"not zlib at all")).unwrap_err();
    assert!(err.to_string().contains("zlib"), "{err}");
    assert!(rust::auditable_binary(&with_dep_section(&zlib(b"[1,2"))).is_err());
    let good = zlib(br#"{"packages":[{"name":"a","version":"1.0.0","root":true}]}"#);
    for end in 0..good.len() {
        let _ = rust::auditable_binary(&with_dep_section(&good[..end]));
    }
    // No section, not an executable: nothing.
    assert!(rust::auditable_binary(oci::image_file("usr/sbin/gosu"))
        .unwrap()
        .packages
        .is_empty());
    assert!(rust::auditable_binary(b"").unwrap().packages.is_empty());
    // Every prefix of the real binary.
    let bin = oci::image_file("usr/local/bin/rustapp");
    for end in (0..bin.len()).step_by(bin.len() / 200) {
        let _ = rust::auditable_binary(&bin[..end]);
    }
    // The section pointing past the end of the file.
    let mut past = with_dep_section(b"x");
    let n = past.len();
    past.truncate(n - 1);
    assert!(rust::auditable_binary(&past).unwrap().packages.is_empty());
}

#[test]
fn executables_are_dispatched_by_their_first_bytes() {
    use sekisho_lang::{parse, sniff, FileType, Limits};
    for (path, want) in [
        (
            "usr/local/bin/rustapp",
            vec!["base64", "rustapp", "smallvec"],
        ),
        ("usr/sbin/gosu", vec!["github.com/tianon/gosu", "stdlib"]),
    ] {
        let bytes = oci::image_file(path);
        let kind = sniff(&bytes[..sekisho_lang::SNIFF_LEN]).unwrap();
        assert_eq!(kind, FileType::Binary);
        let parsed = parse(kind, path, bytes, &Limits::default()).unwrap();
        let mut names: Vec<_> = parsed.packages.iter().map(|p| p.name.as_str()).collect();
        names.sort();
        assert_eq!(names, want, "{path}");
    }
}
