//! Go build info against the `debian-app` image (gosu), binaries built here with the Go
//! toolchain checked against `go version -m` (skipped without `go`), synthetic pre-1.18
//! pointer-layout binaries, and `go.mod` / `vendor/modules.txt`.

mod common;
mod oci;

use std::path::{Path, PathBuf};
use std::process::Command;

use sekisho_lang::{golang, LangPackage, Relationship};

fn triples(pkgs: &[LangPackage]) -> Vec<(String, String, Relationship)> {
    let mut v: Vec<_> = pkgs
        .iter()
        .map(|p| (p.name.clone(), p.version.clone(), p.relationship))
        .collect();
    v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    v
}

fn t(name: &str, version: &str, rel: Relationship) -> (String, String, Relationship) {
    (name.to_string(), version.to_string(), rel)
}

#[test]
fn gosu_matches_the_ground_truth() {
    let parsed = golang::binary(oci::image_file("usr/sbin/gosu")).unwrap();
    let mut want: Vec<_> = oci::truth("golang")
        .into_iter()
        .filter(|(_, _, path)| path == "/usr/sbin/gosu")
        .map(|(n, v, _)| (n, v))
        .collect();
    want.sort();
    assert_eq!(
        want,
        vec![
            ("github.com/tianon/gosu".to_string(), String::new()),
            ("stdlib".to_string(), "go1.19.8".to_string())
        ]
    );
    assert_eq!(
        triples(&parsed.packages),
        vec![
            t("github.com/tianon/gosu", "", Relationship::Root),
            t("stdlib", "go1.19.8", Relationship::Unknown),
        ]
    );
    let root = &parsed.packages[0];
    assert_eq!(root.dependencies, vec!["stdlib@go1.19.8"]);
    assert_eq!(root.purl(), "pkg:golang/github.com/tianon/gosu");
    assert!(parsed.warnings.is_empty());
}

#[test]
fn other_executables_give_nothing() {
    let rustapp = oci::image_file("usr/local/bin/rustapp");
    let parsed = golang::binary(rustapp).unwrap();
    assert!(parsed.packages.is_empty() && parsed.warnings.is_empty());
    assert!(golang::binary(b"").unwrap().packages.is_empty());
    assert!(golang::binary(b"\x7fELF garbage")
        .unwrap()
        .packages
        .is_empty());
}

#[test]
fn truncated_and_corrupted_gosu_never_panics() {
    let gosu = oci::image_file("usr/sbin/gosu");
    let step = gosu.len() / 150;
    for end in (0..gosu.len()).step_by(step) {
        let _ = golang::binary(&gosu[..end]);
    }
    // For the opt-in hostile dump, a sample: the cut in the middle.
    common::dump_project("gosu", &gosu[..gosu.len() / 2]);
    // Damage every byte of the header and the first strings after it.
    let at = gosu
        .windows(14)
        .position(|w| w == b"\xff Go buildinf:")
        .unwrap();
    let mut damaged = gosu.to_vec();
    for i in at..at + 48 {
        for x in [0x00, 0xff, 0x02] {
            let keep = damaged[i];
            damaged[i] = x;
            let _ = golang::binary(&damaged);
            damaged[i] = keep;
        }
    }
    // A header claiming a huge inline length.
    damaged[at + 32..at + 42].copy_from_slice(&[0xff; 10]);
    common::dump_project("gosu", &damaged);
    let parsed = golang::binary(&damaged).unwrap();
    assert!(parsed.packages.is_empty());
    assert_eq!(parsed.warnings.len(), 1);
}

// --- Synthetic pre-Go-1.18 binaries: an ELF64 with one PT_LOAD, the header holding pointers.

const BASE: u64 = 0x40_0000;

/// An ELF64 (`big_endian` or not) whose one loadable segment maps the whole file at `BASE`,
/// with Go's pointer-layout build info (`ptr_size` pointers) for `version` and `modinfo`.
fn pointer_layout_elf(big_endian: bool, ptr_size: usize, version: &str, modinfo: &[u8]) -> Vec<u8> {
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u64b = |v: u64| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let ptr = |v: u64| -> Vec<u8> {
        let b = u64b(v);
        if ptr_size == 8 {
            b.to_vec()
        } else if big_endian {
            b[4..].to_vec()
        } else {
            b[..4].to_vec()
        }
    };
    // Layout: ELF header (64) + program header (56), header at 0x80, string headers at 0xc0,
    // string data at 0x100.
    let mut data = vec![0u8; 0x100];
    let version_data = 0x100u64;
    let modinfo_data = version_data + version.len() as u64;
    data.extend_from_slice(version.as_bytes());
    data.extend_from_slice(modinfo);
    let total = data.len() as u64;
    // ELF header.
    data[..4].copy_from_slice(b"\x7fELF");
    data[4] = 2; // 64-bit
    data[5] = if big_endian { 2 } else { 1 };
    data[6] = 1;
    data[16..18].copy_from_slice(&u16b(2)); // ET_EXEC
    data[18..20].copy_from_slice(&u16b(if big_endian { 21 } else { 62 })); // PPC64 / x86-64
    data[20..24].copy_from_slice(&u32b(1));
    data[24..32].copy_from_slice(&u64b(BASE + 0x100)); // entry
    data[32..40].copy_from_slice(&u64b(64)); // phoff
    data[52..54].copy_from_slice(&u16b(64)); // ehsize
    data[54..56].copy_from_slice(&u16b(56)); // phentsize
    data[56..58].copy_from_slice(&u16b(1)); // phnum
    data[58..60].copy_from_slice(&u16b(64)); // shentsize
                                             // Program header: PT_LOAD, RW, offset 0 → BASE.
    let ph = 64;
    data[ph..ph + 4].copy_from_slice(&u32b(1));
    data[ph + 4..ph + 8].copy_from_slice(&u32b(6));
    data[ph + 16..ph + 24].copy_from_slice(&u64b(BASE));
    data[ph + 24..ph + 32].copy_from_slice(&u64b(BASE));
    data[ph + 32..ph + 40].copy_from_slice(&u64b(total));
    data[ph + 40..ph + 48].copy_from_slice(&u64b(total));
    data[ph + 48..ph + 56].copy_from_slice(&u64b(0x1000));
    // Build-info header.
    let h = 0x80;
    data[h..h + 14].copy_from_slice(b"\xff Go buildinf:");
    data[h + 14] = ptr_size as u8;
    data[h + 15] = u8::from(big_endian);
    let vp = ptr(BASE + 0xc0);
    let mp = ptr(BASE + 0xc0 + 2 * ptr_size as u64);
    data[h + 16..h + 16 + ptr_size].copy_from_slice(&vp);
    data[h + 16 + ptr_size..h + 16 + 2 * ptr_size].copy_from_slice(&mp);
    // String headers.
    let mut strings = Vec::new();
    strings.extend(ptr(BASE + version_data));
    strings.extend(ptr(version.len() as u64));
    strings.extend(ptr(BASE + modinfo_data));
    strings.extend(ptr(modinfo.len() as u64));
    data[0xc0..0xc0 + strings.len()].copy_from_slice(&strings);
    data
}

fn sentinel_wrapped(text: &str) -> Vec<u8> {
    let mut m = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6".to_vec();
    m.extend_from_slice(text.as_bytes());
    m.extend_from_slice(b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2");
    m
}

#[test]
fn pointer_layout_of_old_toolchains() {
    let modinfo = sentinel_wrapped(
        "path\tgithub.com/example/tool\nmod\tgithub.com/example/tool\tv1.4.0\th1:abc=\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:def=\ndep\tgolang.org/x/sys\tv0.0.0-20200323222414-85ca7c5b95cd\n=>\tgolang.org/x/sys\tv0.1.0\th1:ghi=\n",
    );
    for (big_endian, ptr_size) in [(false, 8), (true, 8), (false, 4), (true, 4)] {
        let elf = pointer_layout_elf(big_endian, ptr_size, "go1.16.15", &modinfo);
        let parsed = golang::binary(&elf).unwrap();
        assert_eq!(
            triples(&parsed.packages),
            vec![
                t("github.com/example/tool", "v1.4.0", Relationship::Root),
                t("github.com/pkg/errors", "v0.9.1", Relationship::Unknown),
                t("golang.org/x/sys", "v0.1.0", Relationship::Unknown),
                t("stdlib", "go1.16.15", Relationship::Unknown),
            ],
            "big_endian {big_endian} ptr {ptr_size}: {:?}",
            parsed.warnings
        );
        // Pointers out of range: a warning, no packages, no panic.
        let mut broken = elf.clone();
        broken[0xc0..0xc0 + ptr_size].fill(0xee);
        let parsed = golang::binary(&broken).unwrap();
        assert!(parsed.packages.is_empty());
        assert!(
            parsed.warnings[0].contains("out of range"),
            "{:?}",
            parsed.warnings
        );
        for end in 0..elf.len() {
            let _ = golang::binary(&elf[..end]);
        }
    }
}

// --- Binaries built here, with `go version -m` as the oracle.

fn go() -> Option<PathBuf> {
    let out = Command::new("go").arg("env").arg("GOROOT").output().ok()?;
    out.status.success().then(|| PathBuf::from("go"))
}

/// Packages as `go version -m` shows them, by the rules `golang::binary` documents.
fn oracle(binary: &Path) -> Vec<(String, String, Relationship)> {
    let out = Command::new("go")
        .args(["version", "-m"])
        .arg(binary)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    let go_version = first.rsplit(": ").next().unwrap().to_string();
    let mut path = String::new();
    let mut main: Option<(String, String)> = None;
    let mut deps: Vec<(String, String)> = Vec::new();
    let mut last_main = false;
    for line in lines {
        let f: Vec<&str> = line.trim_start_matches('\t').split('\t').collect();
        let version = |i: usize| {
            let v = f.get(i).copied().unwrap_or("");
            if v == "(devel)" { "" } else { v }.to_string()
        };
        match f[0] {
            "path" => path = f[1].to_string(),
            "mod" => {
                main = Some((f[1].to_string(), version(2)));
                last_main = true;
            }
            "dep" => {
                deps.push((f[1].to_string(), version(2)));
                last_main = false;
            }
            "=>" => {
                let target = if last_main {
                    main.as_mut().unwrap()
                } else {
                    deps.last_mut().unwrap()
                };
                if f[1].starts_with('.') || f[1].starts_with('/') {
                    target.1 = String::new();
                } else {
                    *target = (f[1].to_string(), version(2));
                }
            }
            _ => {}
        }
    }
    let (main_path, main_version) = main.unwrap_or((path, String::new()));
    let mut want = vec![
        t(&main_path, &main_version, Relationship::Root),
        t("stdlib", &go_version, Relationship::Unknown),
    ];
    want.extend(deps.iter().map(|(n, v)| t(n, v, Relationship::Unknown)));
    want.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    want
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A module with a dependency replaced by a local directory and one replaced by another
/// module, vendored so that nothing is downloaded.
fn replace_module(dir: &Path) {
    write(
        dir,
        "go.mod",
        "module example.com/hello\n\ngo 1.17\n\nrequire (\n\texample.com/dep v1.2.3\n\texample.com/other v0.1.0 // indirect\n)\n\nreplace example.com/dep => ./dep\n\nreplace example.com/other v0.1.0 => example.com/fork v0.2.0\n",
    );
    write(
        dir,
        "main.go",
        "package main\n\nimport (\n\t\"example.com/dep\"\n\t\"example.com/other\"\n)\n\nfunc main() { println(dep.Hello(), other.World()) }\n",
    );
    write(dir, "dep/go.mod", "module example.com/dep\n\ngo 1.17\n");
    let dep_go = "package dep\n\nfunc Hello() string { return \"hi\" }\n";
    write(dir, "dep/dep.go", dep_go);
    write(
        dir,
        "vendor/example.com/dep/go.mod",
        "module example.com/dep\n\ngo 1.17\n",
    );
    write(dir, "vendor/example.com/dep/dep.go", dep_go);
    write(
        dir,
        "vendor/example.com/other/other.go",
        "package other\n\nfunc World() string { return \"w\" }\n",
    );
    write(dir, "vendor/modules.txt", MODULES_TXT);
}

const MODULES_TXT: &str = "# example.com/dep v1.2.3 => ./dep
## explicit; go 1.17
example.com/dep
# example.com/other v0.1.0 => example.com/fork v0.2.0
## explicit
example.com/other
# example.com/dep => ./dep
# example.com/other v0.1.0 => example.com/fork v0.2.0
";

#[test]
fn built_binaries_match_go_version_m() {
    let Some(go) = go() else {
        eprintln!("go not installed: skipped");
        return;
    };
    let dir = std::env::temp_dir().join(format!("sekisho-lang-go-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    replace_module(&dir);
    let mut binaries = Vec::new();
    for (name, flags) in [
        ("hello", vec![]),
        ("hello-stripped", vec!["-ldflags=-s -w"]),
    ] {
        let out = Command::new(&go)
            .current_dir(&dir)
            .env("GOFLAGS", "-mod=vendor")
            .env("GOPROXY", "off")
            .env("GOCACHE", dir.join("cache"))
            .args(["build", "-o", name])
            .args(&flags)
            .arg(".")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        binaries.push(dir.join(name));
    }
    let go_version = String::from_utf8(
        Command::new(&go)
            .arg("env")
            .arg("GOVERSION")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    for bin in &binaries {
        let parsed = golang::binary(&std::fs::read(bin).unwrap()).unwrap();
        let got = triples(&parsed.packages);
        assert_eq!(got, oracle(bin), "{bin:?}");
        // Hand-checked: the local replacement keeps its path without a version, the module
        // replacement is named by its target.
        assert_eq!(
            got,
            vec![
                t("example.com/dep", "", Relationship::Unknown),
                t("example.com/fork", "v0.2.0", Relationship::Unknown),
                t("example.com/hello", "", Relationship::Root),
                t("stdlib", &go_version, Relationship::Unknown),
            ]
        );
    }
    // The toolchain's own binaries.
    let goroot = String::from_utf8(
        Command::new(&go)
            .arg("env")
            .arg("GOROOT")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let goroot = PathBuf::from(goroot.trim());
    let mut checked = 0;
    for sub in ["bin", "pkg/tool"] {
        for bin in walk(&goroot.join(sub)) {
            let bytes = std::fs::read(&bin).unwrap();
            let parsed = golang::binary(&bytes).unwrap();
            assert_eq!(triples(&parsed.packages), oracle(&bin), "{bin:?}");
            checked += 1;
        }
    }
    assert!(checked > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

// --- go.mod and modules.txt

#[test]
fn goapp_go_mod_matches_the_ground_truth() {
    let parsed = golang::go_mod(oci::image_file("src/goapp/go.mod")).unwrap();
    let mut want: Vec<_> = oci::truth("golang")
        .into_iter()
        .filter(|(_, _, path)| path == "/src/goapp/go.mod")
        .map(|(n, v, _)| (n, v))
        .collect();
    want.sort();
    let mut got: Vec<_> = parsed
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    got.sort();
    assert_eq!(got, want);
    let sys = parsed
        .packages
        .iter()
        .find(|p| p.name == "golang.org/x/sys")
        .unwrap();
    assert_eq!(sys.relationship, Relationship::Indirect);
    let mux = parsed
        .packages
        .iter()
        .find(|p| p.name == "github.com/gorilla/mux")
        .unwrap();
    assert_eq!(mux.relationship, Relationship::Direct);
}

#[test]
fn trivy_gomod_fixture() {
    // Trivy's golden lists no packages for it; hand-checked: 3 direct, 15 indirect.
    let parsed = golang::go_mod(common::fixture("gomod/go.mod")).unwrap();
    assert_eq!(parsed.packages.len(), 18);
    let direct: Vec<_> = parsed
        .packages
        .iter()
        .filter(|p| p.relationship == Relationship::Direct)
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        direct,
        vec![
            ("github.com/open-policy-agent/opa", "v0.35.0"),
            ("golang.org/x/net", "v0.0.0-20211111083644-e5c967477495"),
            ("golang.org/x/sys", "v0.0.0-20211205182925-97ca703d548d"),
        ]
    );
    assert!(parsed.packages[3..]
        .iter()
        .all(|p| p.relationship == Relationship::Indirect));
    assert_eq!(
        parsed.packages[3].purl(),
        "pkg:golang/github.com/docker/distribution@v2.7.1%2Bincompatible"
    );
    let sub = golang::go_mod(common::fixture("gomod/submod2/go.mod")).unwrap();
    assert_eq!(
        triples(&sub.packages),
        vec![t(
            "github.com/davecgh/go-spew",
            "v1.1.0",
            Relationship::Direct
        )]
    );
}

#[test]
fn go_mod_replace_directives() {
    let gomod = br#"module example.com/app // the module itself is not listed

go 1.21

require github.com/single/line v1.0.0
require (
	github.com/a/a v1.0.0
	github.com/b/b v1.0.0 // indirect
	github.com/c/c v1.0.0
	"github.com/d/d" v1.0.0 // indirect; used by tests
	github.com/e/e v1.0.0 //indirect
	github.com/f/f v1.0.0 // not indirect
)

replace github.com/a/a => github.com/a/fork v1.1.0
replace (
	github.com/b/b v0.9.0 => github.com/b/fork v2.0.0 // other version: not applied
	github.com/c/c v1.0.0 => ../c
	github.com/unused/x => github.com/unused/y v1.0.0
)
exclude github.com/a/a v0.1.0
retract [v0.0.1, v0.0.2]
"#;
    let parsed = golang::go_mod(gomod).unwrap();
    let got: Vec<_> = parsed
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.relationship))
        .collect();
    assert_eq!(
        got,
        vec![
            ("github.com/single/line", "v1.0.0", Relationship::Direct),
            ("github.com/a/fork", "v1.1.0", Relationship::Direct),
            ("github.com/b/b", "v1.0.0", Relationship::Indirect),
            ("github.com/d/d", "v1.0.0", Relationship::Indirect),
            ("github.com/e/e", "v1.0.0", Relationship::Indirect),
            ("github.com/f/f", "v1.0.0", Relationship::Direct),
        ]
    );
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    for end in 0..gomod.len() {
        let _ = golang::go_mod(&gomod[..end]);
    }
    assert!(golang::go_mod(b"\xff\xfe").is_err());
}

#[test]
fn vendor_modules_txt() {
    let parsed = golang::vendor_modules(MODULES_TXT.as_bytes()).unwrap();
    let mut text = MODULES_TXT.to_string();
    text.push_str(
        "# github.com/plain/mod v1.2.3\n## explicit; go 1.13\ngithub.com/plain/mod/sub\n",
    );
    let parsed_more = golang::vendor_modules(text.as_bytes()).unwrap();
    let got: Vec<_> = parsed_more
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    // The replacement records at the end of Go's file are not modules.
    assert_eq!(
        got,
        vec![
            ("example.com/dep", ""),
            ("example.com/fork", "v0.2.0"),
            ("github.com/plain/mod", "v1.2.3"),
        ]
    );
    assert_eq!(parsed.packages.len(), 2);
    for end in 0..text.len() {
        let _ = golang::vendor_modules(&text.as_bytes()[..end]);
    }
}
