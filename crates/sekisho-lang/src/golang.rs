//! Go: build info of binaries, `go.mod`, `vendor/modules.txt`.
//!
//! Versions keep their `v` (`v1.8.0`) as Go writes them (Trivy strips it); the toolchain is the
//! package `stdlib` at `go1.19.8`.

use std::collections::HashMap;

use object::{Object, ObjectSection, ObjectSegment};
use sekisho_model::PackageKind;

use crate::{LangError, LangPackage, Parsed, Relationship};

/// The start of Go's build-info header.
const MAGIC: &[u8] = b"\xff Go buildinf:";
/// Size of the header; inline strings follow it.
const HEADER_LEN: usize = 32;
/// Longest version or modinfo string believed (real ones are a few KiB).
const MAX_STRING: u64 = 16 << 20;
/// Headers tried at most per executable (each may cost a walk over its segments).
const MAX_CANDIDATES: usize = 16;
/// Fat Mach-O members tried at most.
const MAX_FAT_ARCHES: usize = 16;

fn golang(name: impl Into<String>, version: impl Into<String>) -> LangPackage {
    LangPackage::new(PackageKind::Golang, name, version)
}

/// Build info of a Go binary (ELF, Mach-O including fat, PE): the main module as the root,
/// every `dep` (with its `=>` replacement applied, as Trivy does), and `stdlib` at the
/// toolchain version (`go1.19.8`).
///
/// The header is found in the `.go.buildinfo` (`__go_buildinfo`) section, else by scanning the
/// file at 16-byte alignment; both the Go 1.18+ inline-string layout and the older pointer
/// layout (4- or 8-byte pointers, either byte order) are read. The main module comes from the
/// `mod` line, else the `path` line (GOPATH builds have no `mod`), with `(devel)` read as no
/// version (Trivy does the same). A dependency replaced by a local directory keeps its own path
/// with no version (Trivy and Syft would name it by the directory). Not a Go binary: nothing. A
/// header that cannot be read: nothing, with a warning.
pub fn binary(content: &[u8]) -> Result<Parsed, LangError> {
    if let Ok(fat) = object::read::macho::MachOFatFile32::parse(content) {
        return Ok(fat_binary(content, fat.arches()));
    }
    if let Ok(fat) = object::read::macho::MachOFatFile64::parse(content) {
        return Ok(fat_binary(content, fat.arches()));
    }
    Ok(single_binary(content))
}

fn fat_binary<A: object::read::macho::FatArch>(content: &[u8], arches: &[A]) -> Parsed {
    let mut warnings = Vec::new();
    for arch in arches.iter().take(MAX_FAT_ARCHES) {
        if let Ok(data) = arch.data(content) {
            let parsed = single_binary(data);
            if !parsed.packages.is_empty() {
                return parsed;
            }
            warnings.extend(parsed.warnings);
        }
    }
    Parsed {
        packages: Vec::new(),
        warnings,
    }
}

/// One executable: find the header, read the two strings, parse modinfo.
fn single_binary(content: &[u8]) -> Parsed {
    let file = object::File::parse(content).ok();
    let mut candidates: Vec<&[u8]> = Vec::new();
    if let Some(f) = &file {
        for name in [".go.buildinfo", "__go_buildinfo"] {
            if let Some(data) = f.section_by_name(name).and_then(|s| s.data().ok()) {
                candidates.extend(aligned_magics(data));
            }
        }
    }
    if candidates.is_empty() {
        candidates.extend(aligned_magics(content));
    }
    let mut problem = None;
    for header in candidates.into_iter().take(MAX_CANDIDATES) {
        match read_header(header, file.as_ref()) {
            Ok((version, modinfo)) => return from_modinfo(&version, &modinfo),
            Err(e) => problem = problem.or(Some(e)),
        }
    }
    Parsed {
        packages: Vec::new(),
        warnings: problem
            .map(|p| format!("Go build info not readable: {p}"))
            .into_iter()
            .collect(),
    }
}

/// Every 16-byte-aligned occurrence of the magic in `data`, as the data from there on.
fn aligned_magics(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    memchr::memmem::find_iter(data, MAGIC)
        .filter(|i| i % 16 == 0)
        .map(move |i| &data[i..])
}

/// The version and modinfo strings from the header at the start of `data`.
fn read_header(data: &[u8], file: Option<&object::File>) -> Result<(String, Vec<u8>), String> {
    if data.len() < HEADER_LEN {
        return Err("header truncated".into());
    }
    let ptr_size = data[14] as usize;
    let flags = data[15];
    if flags & 2 != 0 {
        let rest = &data[HEADER_LEN..];
        let (version, rest) = varint_string(rest).ok_or("version string out of range")?;
        let (modinfo, _) = varint_string(rest).ok_or("modinfo string out of range")?;
        return Ok((
            String::from_utf8_lossy(version).into_owned(),
            modinfo.to_vec(),
        ));
    }
    if ptr_size != 4 && ptr_size != 8 {
        return Err(format!("pointer size {ptr_size}"));
    }
    let big_endian = flags & 1 != 0;
    let file = file.ok_or("pointer layout in a file whose segments cannot be read")?;
    let ptr = |b: &[u8]| -> u64 { read_uint(&b[..ptr_size], big_endian) };
    let version_addr = ptr(&data[16..]);
    let modinfo_addr = ptr(&data[16 + ptr_size..]);
    let read_string = |addr: u64| -> Option<&[u8]> {
        let header = read_at(file, addr, 2 * ptr_size as u64)?;
        let (data_addr, len) = (ptr(header), ptr(&header[ptr_size..]));
        if len > MAX_STRING {
            return None;
        }
        read_at(file, data_addr, len)
    };
    let version = read_string(version_addr).ok_or("version pointer out of range")?;
    let modinfo = read_string(modinfo_addr).ok_or("modinfo pointer out of range")?;
    Ok((
        String::from_utf8_lossy(version).into_owned(),
        modinfo.to_vec(),
    ))
}

fn read_uint(b: &[u8], big_endian: bool) -> u64 {
    let fold = |acc: u64, &x: &u8| (acc << 8) | u64::from(x);
    if big_endian {
        b.iter().fold(0, fold)
    } else {
        b.iter().rev().fold(0, fold)
    }
}

/// `len` bytes at virtual address `addr`, from whichever segment or section maps them.
fn read_at<'a>(file: &object::File<'a>, addr: u64, len: u64) -> Option<&'a [u8]> {
    for segment in file.segments() {
        if let Ok(Some(d)) = segment.data_range(addr, len) {
            return Some(d);
        }
    }
    for section in file.sections() {
        if let Ok(Some(d)) = section.data_range(addr, len) {
            return Some(d);
        }
    }
    None
}

/// A Go `binary.Uvarint` length, then that many bytes.
fn varint_string(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut len: u64 = 0;
    for (i, &b) in data.iter().take(10).enumerate() {
        len |= u64::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            let len = usize::try_from(len).ok()?;
            let rest = &data[i + 1..];
            return (len <= rest.len()).then(|| rest.split_at(len));
        }
    }
    None
}

/// Packages from the toolchain version and the modinfo text.
fn from_modinfo(go_version: &str, modinfo: &[u8]) -> Parsed {
    let mut modinfo = modinfo;
    // Go brackets modinfo with 16-byte sentinels; the text before the last one ends in `\n`.
    if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        modinfo = &modinfo[16..modinfo.len() - 16];
    }
    let text = String::from_utf8_lossy(modinfo);
    let mut parsed = Parsed::default();
    let mut path = String::new();
    let mut main: Option<(String, String)> = None;
    // (path, version), each possibly replaced; `true` when the last line was the main module.
    let mut deps: Vec<(String, String)> = Vec::new();
    let mut last_is_main = false;
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["path", p, ..] => path = p.to_string(),
            ["mod", p, rest @ ..] => {
                main = Some((p.to_string(), rest.first().unwrap_or(&"").to_string()));
                last_is_main = true;
            }
            ["dep", p, rest @ ..] => {
                deps.push((p.to_string(), rest.first().unwrap_or(&"").to_string()));
                last_is_main = false;
            }
            ["=>", p, rest @ ..] => {
                let version = rest.first().unwrap_or(&"").to_string();
                let target = if last_is_main {
                    main.as_mut()
                } else {
                    deps.last_mut()
                };
                match target {
                    Some(t) if is_local_path(p) => t.1 = String::new(),
                    Some(t) => *t = (p.to_string(), version),
                    None => parsed
                        .warnings
                        .push(format!("replacement {p} without a module before it")),
                }
            }
            _ => {}
        }
    }
    let (main_path, main_version) = main.unwrap_or((path, String::new()));
    let mut packages = Vec::new();
    if let Some(stdlib) = go_version
        .split_whitespace()
        .next()
        .filter(|v| v.starts_with("go"))
    {
        packages.push(golang("stdlib", stdlib));
    }
    for (p, v) in deps {
        if !p.is_empty() {
            packages.push(golang(p, devel_is_empty(v)));
        }
    }
    if !main_path.is_empty() && main_path != "command-line-arguments" {
        let mut root = golang(main_path, devel_is_empty(main_version));
        root.relationship = Relationship::Root;
        root.dependencies = packages.iter().map(|p| p.id.clone()).collect();
        root.dependencies.sort();
        root.dependencies.dedup();
        packages.insert(0, root);
    }
    parsed.packages = packages;
    parsed
}

fn devel_is_empty(v: String) -> String {
    if v == "(devel)" {
        String::new()
    } else {
        v
    }
}

/// A replacement by a directory (`./x`, `../x`, `/x`, Windows `C:\x`) rather than a module.
fn is_local_path(p: &str) -> bool {
    p.starts_with("./")
        || p.starts_with("../")
        || p.starts_with('/')
        || p == "."
        || p == ".."
        || p.starts_with(".\\")
        || p.starts_with("..\\")
        || p.as_bytes().get(1..3) == Some(b":\\")
}

// ---------------------------------------------------------------------------------------------
// go.mod

/// One go.mod line split into tokens (double-quoted and back-quoted strings unquoted), and
/// whether its comment starts with `indirect`.
fn tokens(line: &str) -> (Vec<String>, bool) {
    let (code, comment) = match find_comment(line) {
        Some(i) => (&line[..i], Some(line[i + 2..].trim())),
        None => (line, None),
    };
    let indirect = comment.is_some_and(|c| {
        c == "indirect" || c.starts_with("indirect;") || c.starts_with("indirect ")
    });
    let mut out = Vec::new();
    let mut chars = code.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' || c == '`' {
            chars.next();
            let mut s = String::new();
            let mut escaped = false;
            for (_, ch) in chars.by_ref() {
                if c == '"' && ch == '\\' && !escaped {
                    escaped = true;
                    continue;
                }
                if ch == c && !escaped {
                    break;
                }
                escaped = false;
                s.push(ch);
            }
            out.push(s);
            continue;
        }
        let mut end = code.len();
        while let Some(&(i, ch)) = chars.peek() {
            if ch.is_whitespace() {
                end = i;
                break;
            }
            chars.next();
        }
        out.push(code[start..end].to_string());
    }
    (out, indirect)
}

/// Where `//` starts a comment (outside quotes).
fn find_comment(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        match (quote, b[i]) {
            (None, b'"' | b'`') => quote = Some(b[i]),
            (Some(q), c) if c == q => quote = None,
            (Some(b'"'), b'\\') => i += 1,
            (None, b'/') if b.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
}

/// `go.mod`: every `require` (single lines and blocks); `// indirect` marks indirect
/// dependencies, the others are direct. `replace` directives are applied as Trivy applies
/// them: one with a version on the left only to that version; a replacement by a module
/// renames it; a replacement by a local directory drops it. The `module` itself is not listed.
pub fn go_mod(content: &[u8]) -> Result<Parsed, LangError> {
    let text = std::str::from_utf8(content).map_err(|e| LangError::malformed("go.mod", e))?;
    let mut parsed = Parsed::default();
    let mut requires: Vec<(String, String, bool)> = Vec::new();
    let mut replaces: Vec<Replace> = Vec::new();
    let mut block: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let (toks, indirect) = tokens(line);
        let Some(first) = toks.first() else { continue };
        let (verb, args): (String, &[String]) = match &block {
            Some(_) if first == ")" => {
                block = None;
                continue;
            }
            Some(b) => (b.clone(), &toks[..]),
            None if toks.len() == 2 && toks[1] == "(" => {
                block = Some(first.clone());
                continue;
            }
            None => (first.clone(), &toks[1..]),
        };
        match verb.as_str() {
            "require" => match args {
                [path, version] => requires.push((path.clone(), version.clone(), indirect)),
                _ => parsed
                    .warnings
                    .push(format!("line {}: require without path and version", n + 1)),
            },
            "replace" => {
                let Some(arrow) = args.iter().position(|a| a == "=>") else {
                    parsed
                        .warnings
                        .push(format!("line {}: replace without =>", n + 1));
                    continue;
                };
                let (left, right) = (&args[..arrow], &args[arrow + 1..]);
                match (left, right) {
                    ([old, old_v @ ..], [new, new_v @ ..])
                        if old_v.len() <= 1 && new_v.len() <= 1 =>
                    {
                        replaces.push(Replace {
                            old: old.clone(),
                            old_version: old_v.first().cloned(),
                            new: new.clone(),
                            new_version: new_v.first().cloned(),
                        })
                    }
                    _ => parsed
                        .warnings
                        .push(format!("line {}: malformed replace", n + 1)),
                }
            }
            _ => {}
        }
    }
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut packages: Vec<Option<LangPackage>> = Vec::new();
    for (path, version, indirect) in requires {
        let mut p = golang(path.clone(), version);
        p.relationship = if indirect {
            Relationship::Indirect
        } else {
            Relationship::Direct
        };
        match index.get(&path) {
            Some(&i) => packages[i] = Some(p),
            None => {
                index.insert(path, packages.len());
                packages.push(Some(p));
            }
        }
    }
    for r in &replaces {
        let Some(&i) = index.get(&r.old) else {
            continue;
        };
        let Some(old) = packages[i].as_ref() else {
            continue;
        };
        if r.old_version.as_ref().is_some_and(|v| *v != old.version) {
            continue;
        }
        match &r.new_version {
            None => packages[i] = None,
            Some(v) => {
                let mut p = golang(r.new.clone(), v.clone());
                p.relationship = old.relationship;
                packages[i] = Some(p);
            }
        }
    }
    parsed.packages = packages.into_iter().flatten().collect();
    Ok(parsed)
}

/// `vendor/modules.txt`: one package per module line `# path version` that is followed by its
/// packages or `##` annotations; `# path version => new version` gives the replacement,
/// `# path [version] => ./dir` the module's own path with no version. The bare replacement
/// records Go appends at the end (no packages after them) are not modules and are skipped.
pub fn vendor_modules(content: &[u8]) -> Result<Parsed, LangError> {
    let text = std::str::from_utf8(content).map_err(|e| LangError::malformed("modules.txt", e))?;
    let mut parsed = Parsed::default();
    // The module line waiting for a package or annotation line to confirm it.
    let mut pending: Option<LangPackage> = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        let Some(rest) = line.strip_prefix("# ") else {
            // A package line or a `##` annotation: the pending module is real.
            parsed.packages.extend(pending.take());
            continue;
        };
        pending = None;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let (left, right) = match fields.iter().position(|f| *f == "=>") {
            Some(i) => (&fields[..i], Some(&fields[i + 1..])),
            None => (&fields[..], None),
        };
        let Some(path) = left.first() else {
            parsed
                .warnings
                .push(format!("line {}: no module path", n + 1));
            continue;
        };
        let version = left.get(1).copied().unwrap_or("");
        pending = match right {
            Some([new, v, ..]) if !is_local_path(new) => Some(golang(*new, *v)),
            Some([new]) if is_local_path(new) => Some(golang(*path, "")),
            Some(_) => {
                parsed
                    .warnings
                    .push(format!("line {}: malformed replacement", n + 1));
                None
            }
            None => Some(golang(*path, version)),
        };
    }
    Ok(parsed)
}
