//! Reading SBOMs back into a [`Report`], so an SBOM can be scanned without the image it
//! describes: CycloneDX JSON (1.2–1.6), SPDX 2.x JSON and Syft's own JSON, as sekisho, Syft and
//! Trivy write them.
//!
//! Every package comes from its purl (type, namespace, name, version, the `arch`, `epoch`,
//! `distro` and `upstream` qualifiers), completed by what the format records beside it: the
//! source package (Syft's `metadata.source`/`sourceVersion` for deb and `originPackage` for apk,
//! Trivy's `SrcName`/`SrcVersion`/`SrcRelease`/`SrcEpoch`, sekisho's `srcName`/`srcVersion`),
//! the location (Syft's primary location or `virtualPath`, the `sekisho:location:path`,
//! `syft:location:0:path` and `aquasecurity:trivy:FilePath` properties, sekisho's SPDX
//! `sourceInfo`) and the layer, an rpm's module (sekisho's `modularityLabel` property or SPDX
//! comment line, Trivy's `Modularitylabel`, Syft's `metadata.modularityLabel`) and sekisho's
//! third-party verdict (its `thirdParty` property or SPDX comment line; other tools' documents
//! carry none, so their packages count as the distribution's). Names follow sekisho's own conventions (Maven `group:artifact`,
//! npm `@scope/name`, Go module paths, Go `stdlib` at `go1.x`), so matching treats the packages
//! of an SBOM as it treats those of an image. The operating system comes from the document's
//! operating-system entry (CycloneDX component, SPDX package, Syft `distro`), else from the
//! purls' `distro` qualifier (`debian-12.8`). Entries that are not packages (files, the image
//! itself, purl types sekisho does not match) are left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;

use sekisho_model::{LayerRef, OsInfo, Package, PackageKind, Report, SourceInfo, Timestamp};

/// The largest document read (bytes).
pub const MAX_SIZE: usize = 512 << 20;

/// Why an SBOM could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The document is over [`MAX_SIZE`].
    #[error("{name}: {size} bytes is more than the {limit} bytes an SBOM may have")]
    TooLarge {
        /// The file.
        name: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON, truncated, nested too deeply, or a field of the wrong type.
    #[error("{name}: {what}")]
    Json {
        /// The file.
        name: String,
        /// What is wrong, with the line and column.
        what: String,
    },
    /// Valid JSON, but not a document of a format read here.
    #[error("{name}: not a CycloneDX, SPDX or Syft JSON document: {why}")]
    UnknownFormat {
        /// The file.
        name: String,
        /// What was found instead.
        why: String,
    },
    /// A format read here, in a variant or version that is not.
    #[error("{name}: {what}")]
    Unsupported {
        /// The file.
        name: String,
        /// What is not supported.
        what: String,
    },
}

/// The format of an SBOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CycloneDX JSON.
    CycloneDx,
    /// SPDX 2.x JSON.
    Spdx,
    /// Syft's native JSON (`syft -o syft-json`).
    Syft,
}

impl Format {
    /// The name used as the report's source kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CycloneDx => "cyclonedx",
            Format::Spdx => "spdx",
            Format::Syft => "syft-json",
        }
    }
}

/// Read an SBOM (`name` is the file, for messages and the report's source) into a report of
/// its operating system and packages. The report's time is the document's creation time when
/// it records one (else the Unix epoch: the caller may set its own).
pub fn read(bytes: &[u8], name: &str) -> Result<Report, ReadError> {
    if bytes.len() > MAX_SIZE {
        return Err(ReadError::TooLarge {
            name: name.to_string(),
            size: bytes.len(),
            limit: MAX_SIZE,
        });
    }
    let format = detect(bytes, name)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let json_err = |e: serde_json::Error| json_error(name, e);
    let reader = match format {
        Format::CycloneDx => {
            let doc: CdxDoc = serde_json::from_slice(bytes).map_err(json_err)?;
            from_cyclonedx(doc, name)?
        }
        Format::Spdx => {
            let doc: SpdxDoc = serde_json::from_slice(bytes).map_err(json_err)?;
            from_spdx(doc, name)
        }
        Format::Syft => {
            let doc: SyftDoc = serde_json::from_slice(bytes).map_err(json_err)?;
            from_syft(doc, name)
        }
    };
    reader.finish(format, name)
}

/// Which format `bytes` is in (the document is parsed once, cheaply, to find out; syntax
/// errors and truncation are reported here).
pub fn detect(bytes: &[u8], name: &str) -> Result<Format, ReadError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &text[i..])
        .unwrap_or(&[]);
    let unsupported = |what: &str| ReadError::Unsupported {
        name: name.to_string(),
        what: what.to_string(),
    };
    if start.is_empty() {
        return Err(ReadError::Json {
            name: name.to_string(),
            what: "empty document".to_string(),
        });
    }
    if start.starts_with(b"<") {
        return Err(unsupported(
            "an XML document; only the JSON forms of CycloneDX and SPDX are read",
        ));
    }
    if start.starts_with(b"SPDXVersion:") || start.starts_with(b"##") {
        return Err(unsupported(
            "an SPDX tag-value document; only SPDX JSON is read",
        ));
    }
    let probe: Value = serde_json::from_slice::<Probe>(text)
        .map(|p| p.0)
        .map_err(|e| json_error(name, e))?;
    let Value::Object(top) = probe else {
        return Err(ReadError::UnknownFormat {
            name: name.to_string(),
            why: format!("the document is a JSON {}, not an object", kind_of(&probe)),
        });
    };
    if let Some(v) = top.get("bomFormat") {
        return match v.as_str() {
            Some("CycloneDX") => Ok(Format::CycloneDx),
            _ => Err(unsupported(&format!("bomFormat is {v}, not \"CycloneDX\""))),
        };
    }
    if let Some(v) = top.get("spdxVersion") {
        return match v.as_str() {
            Some(s) if s.starts_with("SPDX-2.") => Ok(Format::Spdx),
            _ => Err(unsupported(&format!(
                "spdxVersion is {v}; SPDX 2.x JSON is read"
            ))),
        };
    }
    if top.contains_key("artifacts") && (top.contains_key("schema") || top.contains_key("source")) {
        return Ok(Format::Syft);
    }
    if top.contains_key("@context") {
        return Err(unsupported(
            "a JSON-LD document (SPDX 3?); SPDX 2.x JSON is read",
        ));
    }
    let keys: Vec<&str> = top.keys().map(String::as_str).take(8).collect();
    Err(ReadError::UnknownFormat {
        name: name.to_string(),
        why: if keys.is_empty() {
            "an empty object".to_string()
        } else {
            format!(
                "no bomFormat, spdxVersion or artifacts key (keys: {})",
                keys.join(", ")
            )
        },
    })
}

/// The top-level keys of a document with small values kept (the markers) and everything else
/// skipped without building it.
struct Probe(Value);

impl<'de> Deserialize<'de> for Probe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Probe, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON document")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Value, A::Error> {
                let mut out = serde_json::Map::new();
                while let Some(k) = m.next_key::<String>()? {
                    if matches!(k.as_str(), "bomFormat" | "spdxVersion") {
                        let v: Value = m.next_value()?;
                        out.insert(k, v);
                    } else {
                        m.next_value::<IgnoredAny>()?;
                        out.insert(k, Value::Null);
                    }
                }
                Ok(Value::Object(out))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Value::Array(Vec::new()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Value, E> {
                Ok(Value::String(String::new()))
            }
            fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
                Ok(Value::from(n))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
                Ok(Value::from(n))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
                Ok(Value::from(n))
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
        }
        d.deserialize_any(V).map(Probe)
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn json_error(name: &str, e: serde_json::Error) -> ReadError {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => format!(
            "truncated: the JSON ends early (line {}, column {})",
            e.line(),
            e.column()
        ),
        Category::Syntax => format!("not valid JSON: {e}"),
        Category::Data => format!("a field has the wrong type or value: {e}"),
        Category::Io => format!("could not be read: {e}"),
    };
    ReadError::Json {
        name: name.to_string(),
        what,
    }
}

// ---------------------------------------------------------------------------------------------
// Package URLs.

/// A parsed package URL (<https://github.com/package-url/purl-spec>), components decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Purl {
    /// Type, lower case (`deb`, `npm`).
    pub kind: String,
    /// Namespace segments joined with `/` (`debian`, `@babel`, `org.slf4j`, `github.com/x`).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Version (empty when none).
    pub version: String,
    /// Qualifiers, keys lower case, empty values left out.
    pub qualifiers: BTreeMap<String, String>,
    /// Subpath (empty when none).
    pub subpath: String,
}

impl Purl {
    /// Parse `pkg:type/namespace/name@version?qualifiers#subpath`; `None` when it is not a
    /// purl (no `pkg:` scheme, no type or no name).
    pub fn parse(text: &str) -> Option<Purl> {
        let text = text.trim();
        let scheme = text.get(..4)?;
        if !scheme.eq_ignore_ascii_case("pkg:") {
            return None;
        }
        let mut rest = text[4..].trim_start_matches('/');
        let mut purl = Purl::default();
        if let Some((r, sub)) = rest.rsplit_once('#') {
            rest = r;
            purl.subpath = sub
                .split('/')
                .filter(|s| !s.is_empty() && *s != "." && *s != "..")
                .map(decode)
                .collect::<Vec<_>>()
                .join("/");
        }
        if let Some((r, q)) = rest.split_once('?') {
            rest = r;
            for pair in q.split('&') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let v = decode(v);
                if !k.is_empty() && !v.is_empty() {
                    purl.qualifiers.insert(k.to_ascii_lowercase(), v);
                }
            }
        }
        // The version follows the last `@` after the last `/` (an npm scope may be written
        // unencoded: `@babel/core@7.0.0`).
        if let Some(at) = rest.rfind('@') {
            if !rest[at..].contains('/') && rest[..at].contains('/') {
                purl.version = decode(&rest[at + 1..]);
                rest = &rest[..at];
            }
        }
        let (kind, path) = rest.split_once('/')?;
        purl.kind = kind.to_ascii_lowercase();
        let mut segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode)
            .collect();
        purl.name = segments.pop()?;
        purl.namespace = segments.join("/");
        if purl.kind.is_empty() || purl.name.is_empty() {
            return None;
        }
        Some(purl)
    }

    /// A qualifier's value, or `""`.
    pub fn qualifier(&self, key: &str) -> &str {
        self.qualifiers.get(key).map(String::as_str).unwrap_or("")
    }
}

/// Percent-decode a purl component (`+` stays `+`); invalid escapes are kept as written.
fn decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The package kind of a purl type.
pub fn kind_of_purl_type(ty: &str) -> Option<PackageKind> {
    Some(match ty {
        "apk" => PackageKind::Apk,
        "deb" => PackageKind::Deb,
        "rpm" => PackageKind::Rpm,
        "pypi" => PackageKind::Pypi,
        "npm" => PackageKind::Npm,
        "maven" => PackageKind::Maven,
        "golang" => PackageKind::Golang,
        "cargo" => PackageKind::Cargo,
        "gem" => PackageKind::Gem,
        "composer" => PackageKind::Composer,
        "nuget" => PackageKind::Nuget,
        "conda" => PackageKind::Conda,
        "pub" => PackageKind::Pub,
        "hex" => PackageKind::Hex,
        "swift" => PackageKind::Swift,
        "cocoapods" => PackageKind::Cocoapods,
        "conan" => PackageKind::Conan,
        "julia" => PackageKind::Julia,
        _ => return None,
    })
}

/// The package name sekisho uses for a purl: Maven `group:artifact`; npm, Go, Composer, Swift,
/// gem and cargo namespace and name joined with `/`; a CocoaPods subspec as `Pod/Sub`; the
/// bare name otherwise (OS package namespaces are the vendor, not part of the name).
fn package_name(kind: PackageKind, p: &Purl) -> String {
    let joined = |sep: &str| {
        if p.namespace.is_empty() {
            p.name.clone()
        } else {
            format!("{}{sep}{}", p.namespace, p.name)
        }
    };
    match kind {
        PackageKind::Maven => joined(":"),
        PackageKind::Npm
        | PackageKind::Golang
        | PackageKind::Composer
        | PackageKind::Swift
        | PackageKind::Gem
        | PackageKind::Cargo => joined("/"),
        PackageKind::Cocoapods if !p.subpath.is_empty() => format!("{}/{}", p.name, p.subpath),
        _ => p.name.clone(),
    }
}

/// Names equal up to case and the separators `-`, `_`, `.` (PEP 503 and friends).
fn loosely_equal(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '_' | '.' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    };
    norm(a) == norm(b)
}

/// A placeholder some tools write for "no version".
fn no_version(v: &str) -> bool {
    matches!(v, "" | "UNKNOWN" | "NOASSERTION" | "NONE")
}

// ---------------------------------------------------------------------------------------------
// What every format yields per package, turned into a `Package` in one place.

/// One package entry of a document, before it becomes a [`Package`].
#[derive(Debug, Default)]
struct Entry {
    /// The document's own name and version (used when the purl agrees or has none).
    name: String,
    version: String,
    purl: String,
    /// Source package and version the format records beside the purl.
    source_name: String,
    source_version: String,
    arch: String,
    path: String,
    layer_index: Option<usize>,
    diff_id: String,
    licenses: Vec<String>,
    supplier: String,
    dev: bool,
    owner: Option<String>,
    /// sekisho's third-party verdict (`sekisho:package:thirdParty`).
    third_party: Option<String>,
    /// rpm `MODULARITYLABEL` (sekisho's property, Trivy's `Modularitylabel`).
    modularity_label: Option<String>,
    /// Syft-style paths to files inside the package (`METADATA`, `package.json`) are made
    /// the package's directory, as sekisho reports them.
    file_path: bool,
}

#[derive(Default)]
struct Reader {
    report_os: Option<OsInfo>,
    /// The first `distro` qualifier of an OS package purl (`debian-12.8`).
    purl_distro: Option<String>,
    packages: Vec<Package>,
    skipped: BTreeMap<String, usize>,
    warnings: Vec<String>,
    source: SourceInfo,
    created: Option<Timestamp>,
}

impl Reader {
    fn add(&mut self, e: Entry) {
        let Some(purl) = Purl::parse(&e.purl) else {
            if e.purl.is_empty() {
                *self.skipped.entry("no purl".to_string()).or_default() += 1;
            } else {
                self.warnings.push(format!(
                    "{} {}: purl {:?} could not be parsed; skipped",
                    e.name, e.version, e.purl
                ));
            }
            return;
        };
        let Some(kind) = kind_of_purl_type(&purl.kind) else {
            *self
                .skipped
                .entry(format!("purl type {}", purl.kind))
                .or_default() += 1;
            return;
        };
        let from_purl = package_name(kind, &purl);
        let name = if !e.name.is_empty() && loosely_equal(&e.name, &from_purl) {
            e.name.clone()
        } else {
            from_purl
        };
        let mut version = if purl.version.is_empty() {
            e.version.clone()
        } else {
            purl.version.clone()
        };
        if no_version(&version) {
            version.clear();
        }
        let mut epoch = None;
        if kind.is_os() {
            let q = purl.qualifier("epoch");
            if !q.is_empty() && !version.is_empty() && !version.contains(':') {
                version = format!("{q}:{version}");
            }
            if kind == PackageKind::Rpm {
                epoch = version
                    .split_once(':')
                    .and_then(|(e, _)| e.parse::<u32>().ok());
            }
            if self.purl_distro.is_none() && !purl.qualifier("distro").is_empty() {
                self.purl_distro = Some(purl.qualifier("distro").to_string());
            }
        }
        // Go's toolchain is `stdlib` at `go1.x` in sekisho (Syft's purl says `1.x`).
        if kind == PackageKind::Golang
            && name == "stdlib"
            && !version.is_empty()
            && !version.starts_with("go")
        {
            version = format!("go{}", version.trim_start_matches('v'));
        }
        let (source_name, source_version) = if kind.is_os() {
            source_of(kind, &e, &purl, &name, &version)
        } else {
            (String::new(), String::new())
        };
        let arch = if purl.qualifier("arch").is_empty() {
            e.arch.clone()
        } else {
            purl.qualifier("arch").to_string()
        };
        let path = if e.file_path {
            package_dir(&e.path)
        } else {
            e.path.clone()
        };
        self.packages.push(Package {
            kind,
            name,
            version,
            epoch,
            arch,
            source_name,
            source_version,
            licenses: e.licenses,
            supplier: e.supplier,
            purl: e.purl,
            layer: LayerRef {
                index: e.layer_index.unwrap_or(0),
                digest: String::new(),
                diff_id: e.diff_id,
                created_by: None,
            },
            path,
            files: Vec::new(),
            dependencies: Vec::new(),
            dev: e.dev,
            owner: e.owner,
            third_party: e.third_party.filter(|_| kind.is_os()),
            modularity_label: e
                .modularity_label
                .filter(|l| kind == PackageKind::Rpm && !l.is_empty()),
        });
    }

    fn finish(mut self, format: Format, name: &str) -> Result<Report, ReadError> {
        let mut source = std::mem::take(&mut self.source);
        source.input = name.to_string();
        source.kind = format.as_str().to_string();
        let mut report = Report::new(source, self.created.unwrap_or(Timestamp::UNIX_EPOCH));
        let mut os = self.report_os.take();
        if let Some(distro) = &self.purl_distro {
            if let Some((id, version)) = distro.rsplit_once('-') {
                match &mut os {
                    // The purl may be more exact (`debian-12.8` beside an OS entry `12`).
                    Some(os) if os.id == id && os.version.is_empty() => {
                        os.version = version.to_string();
                    }
                    Some(_) => {}
                    None => {
                        os = Some(OsInfo {
                            id: id.to_string(),
                            name: String::new(),
                            version: version.to_string(),
                            codename: None,
                            pretty_name: String::new(),
                            evidence: "the purls' distro qualifier".to_string(),
                            content_manifests: Vec::new(),
                        })
                    }
                }
            }
        }
        report.os = os;
        // Duplicates (same package at the same place) are one package, as in an image scan.
        let mut seen = BTreeSet::new();
        self.packages.retain(|p| {
            seen.insert((
                p.kind,
                p.name.clone(),
                p.version.clone(),
                p.path.clone(),
                p.purl.clone(),
            ))
        });
        self.packages.sort_by(|a, b| {
            (a.kind, &a.name, &a.version, &a.path).cmp(&(b.kind, &b.name, &b.version, &b.path))
        });
        report.packages = self.packages;
        report.warnings = self.warnings;
        for (why, n) in &self.skipped {
            if why != "no purl" {
                report
                    .warnings
                    .push(format!("{name}: {n} entries skipped ({why}: not matched)"));
            }
        }
        Ok(report)
    }
}

/// Source package and version of an OS package: what the format records, else the purl's
/// `upstream` qualifier, else the package itself (deb and apk: a package built from a source of
/// its own name).
fn source_of(
    kind: PackageKind,
    e: &Entry,
    purl: &Purl,
    name: &str,
    version: &str,
) -> (String, String) {
    if !e.source_name.is_empty() {
        let v = if e.source_version.is_empty() && kind != PackageKind::Rpm {
            version.to_string()
        } else {
            e.source_version.clone()
        };
        return (e.source_name.clone(), v);
    }
    let upstream = purl.qualifier("upstream");
    if !upstream.is_empty() {
        return match kind {
            PackageKind::Rpm => split_source_rpm(upstream, purl.qualifier("epoch")),
            _ => match upstream.split_once('@') {
                Some((n, v)) if !v.is_empty() => (n.to_string(), v.to_string()),
                Some((n, _)) => (n.to_string(), version.to_string()),
                None => (upstream.to_string(), version.to_string()),
            },
        };
    }
    match kind {
        PackageKind::Rpm => (String::new(), String::new()),
        _ => (name.to_string(), version.to_string()),
    }
}

/// `bash-5.1.8-6.el9.src.rpm` → (`bash`, `[epoch:]5.1.8-6.el9`).
fn split_source_rpm(source_rpm: &str, epoch: &str) -> (String, String) {
    let base = source_rpm
        .strip_suffix(".src.rpm")
        .or_else(|| source_rpm.strip_suffix(".nosrc.rpm"))
        .unwrap_or(source_rpm);
    let Some((rest, release)) = base.rsplit_once('-') else {
        return (String::new(), String::new());
    };
    let Some((name, version)) = rest.rsplit_once('-') else {
        return (String::new(), String::new());
    };
    let version = if epoch.is_empty() {
        format!("{version}-{release}")
    } else {
        format!("{epoch}:{version}-{release}")
    };
    (name.to_string(), version)
}

/// The directory of an installed package from the path of its metadata file, as sekisho
/// reports it (`…/x.dist-info/METADATA` → `…/x.dist-info`, `…/node_modules/x/package.json` →
/// `…/node_modules/x`).
fn package_dir(path: &str) -> String {
    let path = path.to_string();
    for file in ["/METADATA", "/PKG-INFO"] {
        if let Some(dir) = path.strip_suffix(file) {
            if dir.ends_with(".dist-info") || dir.ends_with(".egg-info") {
                return dir.to_string();
            }
        }
    }
    if let Some(dir) = path.strip_suffix("/package.json") {
        if dir.contains("/node_modules/") {
            return dir.to_string();
        }
    }
    path
}

/// An [`OsInfo`] from an SBOM's operating-system entry.
fn os_info(id: &str, version: &str, pretty: &str, evidence: &str) -> Option<OsInfo> {
    let id = id.trim().to_ascii_lowercase();
    if id.is_empty() {
        return None;
    }
    Some(OsInfo {
        id,
        name: String::new(),
        version: version.trim().to_string(),
        codename: None,
        pretty_name: pretty.to_string(),
        evidence: evidence.to_string(),
        content_manifests: Vec::new(),
    })
}

fn timestamp(text: Option<&str>) -> Option<Timestamp> {
    text.and_then(|t| t.parse::<Timestamp>().ok())
}

// ---------------------------------------------------------------------------------------------
// CycloneDX.

#[derive(Deserialize)]
struct CdxDoc {
    #[serde(default, rename = "specVersion")]
    spec_version: Option<String>,
    #[serde(default)]
    metadata: Option<CdxMetadata>,
    #[serde(default)]
    components: Vec<CdxComponent>,
}

#[derive(Deserialize)]
struct CdxMetadata {
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    component: Option<CdxComponent>,
}

#[derive(Deserialize, Default)]
struct CdxComponent {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    supplier: Option<CdxOrg>,
    #[serde(default)]
    licenses: Vec<CdxLicenseChoice>,
    #[serde(default)]
    properties: Vec<CdxProperty>,
    #[serde(default)]
    components: Vec<CdxComponent>,
}

#[derive(Deserialize)]
struct CdxOrg {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct CdxLicenseChoice {
    #[serde(default)]
    license: Option<CdxLicense>,
    #[serde(default)]
    expression: Option<String>,
}

#[derive(Deserialize)]
struct CdxLicense {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct CdxProperty {
    name: String,
    #[serde(default)]
    value: Option<String>,
}

fn from_cyclonedx(doc: CdxDoc, name: &str) -> Result<Reader, ReadError> {
    if let Some(v) = &doc.spec_version {
        let minor = v
            .strip_prefix("1.")
            .and_then(|m| m.parse::<u32>().ok())
            .unwrap_or(0);
        if !(2..=6).contains(&minor) {
            return Err(ReadError::Unsupported {
                name: name.to_string(),
                what: format!("CycloneDX specVersion {v:?}; 1.2 to 1.6 are read"),
            });
        }
    }
    let mut r = Reader::default();
    if let Some(meta) = &doc.metadata {
        r.created = timestamp(meta.timestamp.as_deref());
        if let Some(c) = &meta.component {
            describe_image(&mut r.source, &c.name, c.version.as_deref().unwrap_or(""));
            for p in &c.properties {
                let v = p.value.as_deref().unwrap_or("");
                match p.name.as_str() {
                    "aquasecurity:trivy:ImageID" if r.source.image_id.is_none() => {
                        r.source.image_id = Some(v.to_string());
                    }
                    "aquasecurity:trivy:RepoTag" if !r.source.tags.contains(&v.to_string()) => {
                        r.source.tags.push(v.to_string());
                    }
                    _ => {}
                }
            }
        }
    }
    let mut stack: Vec<&CdxComponent> = doc.components.iter().rev().collect();
    while let Some(c) = stack.pop() {
        stack.extend(c.components.iter().rev());
        match c.kind.as_str() {
            "operating-system" => {
                if r.report_os.is_none() {
                    r.report_os = os_info(
                        &c.name,
                        c.version.as_deref().unwrap_or(""),
                        c.description.as_deref().unwrap_or(""),
                        "the SBOM's operating-system component",
                    );
                }
                continue;
            }
            "file"
            | "container"
            | "device"
            | "firmware"
            | "data"
            | "machine-learning-model"
            | "cryptographic-asset"
            | "platform" => continue,
            _ => {}
        }
        r.add(cdx_entry(c));
    }
    Ok(r)
}

/// The image a document describes: its name (a tag when it looks like one) and digest.
fn describe_image(source: &mut SourceInfo, name: &str, version: &str) {
    if name.contains(':') && !name.starts_with('/') && !source.tags.iter().any(|t| t == name) {
        source.tags.push(name.to_string());
    }
    if version.starts_with("sha256:") || version.starts_with("sha512:") {
        source.manifest_digest = Some(version.to_string());
    }
}

fn cdx_entry(c: &CdxComponent) -> Entry {
    let mut e = Entry {
        name: c.name.clone(),
        version: c.version.clone().unwrap_or_default(),
        purl: c.purl.clone().unwrap_or_default(),
        supplier: c
            .supplier
            .as_ref()
            .and_then(|s| s.name.clone())
            .unwrap_or_default(),
        dev: c.scope.as_deref() == Some("optional"),
        ..Entry::default()
    };
    for l in &c.licenses {
        let text = l.expression.clone().or_else(|| {
            l.license
                .as_ref()
                .and_then(|l| l.id.clone().or(l.name.clone()))
        });
        if let Some(t) = text.filter(|t| !t.is_empty()) {
            e.licenses.push(t);
        }
    }
    let mut trivy_src = TrivySource::default();
    for p in &c.properties {
        let v = p.value.clone().unwrap_or_default();
        match p.name.as_str() {
            "sekisho:location:path" => e.path = v,
            "sekisho:layer:index" => e.layer_index = v.parse().ok(),
            "sekisho:layer:diffID" => e.diff_id = v,
            "sekisho:package:srcName" => e.source_name = v,
            "sekisho:package:srcVersion" => e.source_version = v,
            "sekisho:package:arch" => e.arch = v,
            "sekisho:package:dev" => e.dev = v == "true",
            "sekisho:package:owner" => e.owner = Some(v),
            "sekisho:package:thirdParty" => e.third_party = Some(v),
            "sekisho:package:modularityLabel" | "aquasecurity:trivy:Modularitylabel" => {
                e.modularity_label = Some(v)
            }
            "syft:location:0:path" if e.path.is_empty() => {
                e.path = v;
                e.file_path = true;
            }
            "syft:location:0:layerID" if e.diff_id.is_empty() => e.diff_id = v,
            "aquasecurity:trivy:FilePath" if e.path.is_empty() => {
                e.path = if v.starts_with('/') {
                    v
                } else {
                    format!("/{v}")
                };
                e.file_path = true;
            }
            "aquasecurity:trivy:LayerDiffID" if e.diff_id.is_empty() => e.diff_id = v,
            other => trivy_src.set(other.strip_prefix("aquasecurity:trivy:"), v),
        }
    }
    trivy_src.apply(&mut e);
    e
}

/// Trivy's source package fields (`SrcName`, `SrcVersion`, `SrcRelease`, `SrcEpoch`), written
/// as CycloneDX properties or SPDX annotations.
#[derive(Default)]
struct TrivySource {
    name: String,
    version: String,
    release: String,
    epoch: String,
}

impl TrivySource {
    fn set(&mut self, key: Option<&str>, value: String) {
        match key {
            Some("SrcName") => self.name = value,
            Some("SrcVersion") => self.version = value,
            Some("SrcRelease") => self.release = value,
            Some("SrcEpoch") => self.epoch = value,
            _ => {}
        }
    }

    fn apply(self, e: &mut Entry) {
        if self.name.is_empty() || !e.source_name.is_empty() {
            return;
        }
        e.source_name = self.name;
        let mut v = self.version;
        if !self.release.is_empty() && !v.is_empty() {
            v = format!("{v}-{}", self.release);
        }
        if !self.epoch.is_empty() && self.epoch != "0" && !v.is_empty() {
            v = format!("{}:{v}", self.epoch);
        }
        e.source_version = v;
    }
}

// ---------------------------------------------------------------------------------------------
// SPDX.

#[derive(Deserialize)]
struct SpdxDoc {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, rename = "creationInfo")]
    creation_info: Option<SpdxCreation>,
    #[serde(default)]
    packages: Vec<SpdxPackage>,
}

#[derive(Deserialize)]
struct SpdxCreation {
    #[serde(default)]
    created: Option<String>,
}

#[derive(Deserialize)]
struct SpdxPackage {
    #[serde(default)]
    name: String,
    #[serde(default, rename = "versionInfo")]
    version: Option<String>,
    #[serde(default, rename = "externalRefs")]
    external_refs: Vec<SpdxRef>,
    #[serde(default, rename = "primaryPackagePurpose")]
    purpose: Option<String>,
    #[serde(default, rename = "sourceInfo")]
    source_info: Option<String>,
    #[serde(default, rename = "licenseDeclared")]
    license_declared: Option<String>,
    #[serde(default, rename = "licenseConcluded")]
    license_concluded: Option<String>,
    #[serde(default)]
    supplier: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    annotations: Vec<SpdxAnnotation>,
    #[serde(default)]
    comment: Option<String>,
}

#[derive(Deserialize)]
struct SpdxRef {
    #[serde(default, rename = "referenceType")]
    ref_type: String,
    #[serde(default, rename = "referenceLocator")]
    locator: String,
}

#[derive(Deserialize)]
struct SpdxAnnotation {
    #[serde(default)]
    comment: String,
}

fn from_spdx(doc: SpdxDoc, _name: &str) -> Reader {
    let mut r = Reader {
        created: timestamp(
            doc.creation_info
                .as_ref()
                .and_then(|c| c.created.as_deref()),
        ),
        ..Reader::default()
    };
    if let Some(n) = &doc.name {
        describe_image(&mut r.source, n, "");
    }
    for p in &doc.packages {
        let version = p.version.clone().unwrap_or_default();
        match p.purpose.as_deref() {
            Some("OPERATING-SYSTEM") => {
                if r.report_os.is_none() {
                    r.report_os = os_info(
                        &p.name,
                        &version,
                        p.description.as_deref().unwrap_or(""),
                        "the SBOM's operating-system package",
                    );
                }
                continue;
            }
            Some("CONTAINER") => {
                if version.starts_with("sha256:") {
                    r.source.manifest_digest = Some(version.clone());
                }
                continue;
            }
            Some("FILE") => continue,
            _ => {}
        }
        let purl = p
            .external_refs
            .iter()
            .find(|x| x.ref_type.eq_ignore_ascii_case("purl"))
            .map(|x| x.locator.clone())
            .unwrap_or_default();
        let license = [&p.license_declared, &p.license_concluded]
            .into_iter()
            .flatten()
            .find(|l| !matches!(l.as_str(), "" | "NOASSERTION" | "NONE"))
            .cloned();
        let mut e = Entry {
            name: p.name.clone(),
            version,
            purl,
            licenses: license.into_iter().collect(),
            supplier: p
                .supplier
                .as_deref()
                .filter(|s| *s != "NOASSERTION")
                .map(|s| {
                    s.strip_prefix("Organization:")
                        .or_else(|| s.strip_prefix("Person:"))
                        .unwrap_or(s)
                        .trim()
                        .to_string()
                })
                .unwrap_or_default(),
            ..Entry::default()
        };
        spdx_source_info(p.source_info.as_deref().unwrap_or(""), &mut e);
        let mut trivy_src = TrivySource::default();
        for a in &p.annotations {
            if let Some((k, v)) = a.comment.split_once(": ") {
                match k {
                    "FilePath" if e.path.is_empty() => {
                        e.path = if v.starts_with('/') {
                            v.to_string()
                        } else {
                            format!("/{v}")
                        };
                        e.file_path = true;
                    }
                    "LayerDiffID" if e.diff_id.is_empty() => e.diff_id = v.to_string(),
                    "Modularitylabel" => e.modularity_label = Some(v.to_string()),
                    _ => trivy_src.set(Some(k), v.to_string()),
                }
            }
        }
        trivy_src.apply(&mut e);
        // sekisho's own facts without an SPDX field, as `key: value` comment lines.
        for line in p.comment.as_deref().unwrap_or("").lines() {
            match line.split_once(": ") {
                Some(("third-party", v)) => e.third_party = Some(v.to_string()),
                Some(("modularity-label", v)) => e.modularity_label = Some(v.to_string()),
                _ => {}
            }
        }
        r.add(e);
    }
    r
}

/// The location in an SPDX package's `sourceInfo`: sekisho writes `layer N (DIFFID), PATH`;
/// Syft writes `acquired package info from …: PATH, PATH…` (the package database first when
/// it is one of them).
fn spdx_source_info(info: &str, e: &mut Entry) {
    if let Some(rest) = info.strip_prefix("layer ") {
        if let Some((index, rest)) = rest.split_once(" (") {
            if let Some((diff, path)) = rest.split_once("), ") {
                e.layer_index = index.parse().ok();
                e.diff_id = diff.to_string();
                e.path = path.to_string();
                return;
            }
        }
    }
    if let Some((_, paths)) = info.rsplit_once(": ") {
        let paths: Vec<&str> = paths
            .split(", ")
            .map(str::trim)
            .filter(|p| p.starts_with('/'))
            .collect();
        let db = paths.iter().find(|p| {
            p.ends_with("/var/lib/dpkg/status")
                || p.ends_with("lib/apk/db/installed")
                || p.contains("/var/lib/rpm/")
        });
        if let Some(path) = db.or(paths.first()) {
            e.path = path.to_string();
            e.file_path = true;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Syft JSON.

#[derive(Deserialize)]
struct SyftDoc {
    #[serde(default)]
    artifacts: Vec<SyftArtifact>,
    #[serde(default, rename = "artifactRelationships")]
    relationships: Vec<SyftRelationship>,
    #[serde(default)]
    distro: Option<SyftDistro>,
    #[serde(default)]
    source: Option<SyftSource>,
}

#[derive(Deserialize)]
struct SyftArtifact {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    purl: String,
    #[serde(default)]
    locations: Vec<SyftLocation>,
    #[serde(default)]
    licenses: Vec<Value>,
    #[serde(default)]
    metadata: Option<SyftMetadata>,
}

#[derive(Deserialize)]
struct SyftLocation {
    #[serde(default)]
    path: String,
    #[serde(default, rename = "layerID")]
    layer_id: String,
    #[serde(default)]
    annotations: Option<BTreeMap<String, Value>>,
}

/// The few metadata fields read; typed loosely (`source` is a string for deb and an object
/// for Composer).
#[derive(Deserialize, Default)]
struct SyftMetadata {
    /// The name as the package's own metadata writes it (Python: `Jinja2` where the artifact
    /// has the normalised `jinja2`).
    #[serde(default)]
    name: Option<Value>,
    #[serde(default)]
    source: Option<Value>,
    #[serde(default, rename = "sourceVersion")]
    source_version: Option<Value>,
    #[serde(default, rename = "originPackage")]
    origin_package: Option<Value>,
    #[serde(default, rename = "virtualPath")]
    virtual_path: Option<Value>,
    #[serde(default)]
    architecture: Option<Value>,
    #[serde(default)]
    maintainer: Option<Value>,
    #[serde(default, rename = "sourceRpm")]
    source_rpm: Option<Value>,
    #[serde(default, rename = "modularityLabel")]
    modularity_label: Option<Value>,
}

fn text(v: &Option<Value>) -> String {
    v.as_ref()
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[derive(Deserialize)]
struct SyftRelationship {
    #[serde(default)]
    parent: String,
    #[serde(default)]
    child: String,
    #[serde(default, rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct SyftDistro {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default, rename = "versionID")]
    version_id: String,
    #[serde(default, rename = "versionCodename")]
    codename: String,
    #[serde(default, rename = "prettyName")]
    pretty_name: String,
}

#[derive(Deserialize)]
struct SyftSource {
    #[serde(default)]
    name: String,
    #[serde(default)]
    metadata: Option<SyftSourceMetadata>,
}

#[derive(Deserialize)]
struct SyftSourceMetadata {
    #[serde(default, rename = "imageID")]
    image_id: Option<String>,
    #[serde(default, rename = "manifestDigest")]
    manifest_digest: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    layers: Vec<SyftLayer>,
}

#[derive(Deserialize)]
struct SyftLayer {
    #[serde(default)]
    digest: String,
}

fn from_syft(doc: SyftDoc, _name: &str) -> Reader {
    let mut r = Reader::default();
    if let Some(d) = &doc.distro {
        let version = if d.version_id.is_empty() {
            d.version.split_whitespace().next().unwrap_or("")
        } else {
            &d.version_id
        };
        r.report_os = os_info(&d.id, version, &d.pretty_name, "the SBOM's distro").map(|mut os| {
            os.name = d.name.clone();
            os.codename = Some(d.codename.clone()).filter(|c| !c.is_empty());
            os
        });
    }
    let mut layer_index: HashMap<String, usize> = HashMap::new();
    if let Some(src) = &doc.source {
        if let Some(m) = &src.metadata {
            r.source.image_id = m.image_id.clone().filter(|s| !s.is_empty());
            r.source.manifest_digest = m.manifest_digest.clone().filter(|s| !s.is_empty());
            r.source.tags = m.tags.clone();
            for (i, l) in m.layers.iter().enumerate() {
                layer_index.insert(l.digest.clone(), i);
                r.source.layers.push(LayerRef {
                    index: i,
                    digest: l.digest.clone(),
                    diff_id: l.digest.clone(),
                    created_by: None,
                });
            }
        }
        if r.source.tags.is_empty() {
            describe_image(&mut r.source, &src.name, "");
        }
    }
    let purl_of: HashMap<&str, &str> = doc
        .artifacts
        .iter()
        .map(|a| (a.id.as_str(), a.purl.as_str()))
        .collect();
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for rel in &doc.relationships {
        if rel.kind == "ownership-by-file-overlap" {
            if let Some(p) = purl_of.get(rel.parent.as_str()).filter(|p| !p.is_empty()) {
                owner.entry(rel.child.as_str()).or_insert(p);
            }
        }
    }
    for a in &doc.artifacts {
        let meta = a.metadata.as_ref();
        let primary = a
            .locations
            .iter()
            .find(|l| {
                l.annotations
                    .as_ref()
                    .and_then(|m| m.get("evidence"))
                    .and_then(Value::as_str)
                    == Some("primary")
            })
            .or(a.locations.first());
        let virtual_path = meta.map(|m| text(&m.virtual_path)).unwrap_or_default();
        // A jar inside an archive: Syft writes `a.war:WEB-INF/lib/b.jar`, sekisho `a.war!…`.
        let path = if virtual_path.is_empty() {
            primary.map(|l| l.path.clone()).unwrap_or_default()
        } else {
            virtual_path.replace(':', "!")
        };
        let diff_id = primary.map(|l| l.layer_id.clone()).unwrap_or_default();
        let mut e = Entry {
            name: a.name.clone(),
            version: a.version.clone(),
            purl: a.purl.clone(),
            path,
            layer_index: layer_index.get(&diff_id).copied(),
            diff_id,
            licenses: a
                .licenses
                .iter()
                .filter_map(|l| match l {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(o) => o.get("value").and_then(Value::as_str).map(str::to_string),
                    _ => None,
                })
                .filter(|l| !l.is_empty())
                .collect(),
            owner: owner.get(a.id.as_str()).map(|p| p.to_string()),
            file_path: true,
            ..Entry::default()
        };
        if let Some(m) = meta {
            let own = text(&m.name);
            if !own.is_empty() && loosely_equal(&own, &a.name) {
                e.name = own;
            }
            e.arch = text(&m.architecture);
            e.supplier = text(&m.maintainer);
            let label = text(&m.modularity_label);
            if !label.is_empty() {
                e.modularity_label = Some(label);
            }
            let source = text(&m.source);
            let origin = text(&m.origin_package);
            if a.purl.starts_with("pkg:deb/") && !source.is_empty() {
                e.source_name = source;
                e.source_version = text(&m.source_version);
            } else if a.purl.starts_with("pkg:apk/") && !origin.is_empty() {
                e.source_name = origin;
            }
            let source_rpm = text(&m.source_rpm);
            if a.purl.starts_with("pkg:rpm/") && !source_rpm.is_empty() {
                let epoch = Purl::parse(&a.purl)
                    .map(|p| p.qualifier("epoch").to_string())
                    .unwrap_or_default();
                (e.source_name, e.source_version) = split_source_rpm(&source_rpm, &epoch);
            }
        }
        r.add(e);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_purls() {
        let p = Purl::parse(
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u9?arch=amd64&distro=debian-12.8&upstream=glibc%402.36-9%2Bdeb12u9",
        )
        .unwrap();
        assert_eq!(p.kind, "deb");
        assert_eq!(p.namespace, "debian");
        assert_eq!(p.name, "libc6");
        assert_eq!(p.version, "2.36-9+deb12u9");
        assert_eq!(p.qualifier("distro"), "debian-12.8");
        assert_eq!(p.qualifier("upstream"), "glibc@2.36-9+deb12u9");
        let p = Purl::parse("pkg:npm/%40babel/core@7.0.0").unwrap();
        assert_eq!((p.namespace.as_str(), p.name.as_str()), ("@babel", "core"));
        let p = Purl::parse("pkg:npm/@babel/core").unwrap();
        assert_eq!((p.namespace.as_str(), p.version.as_str()), ("@babel", ""));
        let p = Purl::parse("pkg:golang/github.com/tianon/gosu@(devel)").unwrap();
        assert_eq!(p.namespace, "github.com/tianon");
        assert_eq!(p.version, "(devel)");
        let p = Purl::parse("pkg:cocoapods/GoogleUtilities@7.5.2#NSData+zlib").unwrap();
        assert_eq!(p.subpath, "NSData+zlib");
        assert_eq!(
            package_name(PackageKind::Cocoapods, &p),
            "GoogleUtilities/NSData+zlib"
        );
        let p = Purl::parse("pkg:maven/org.slf4j/slf4j-api@1.7.32").unwrap();
        assert_eq!(package_name(PackageKind::Maven, &p), "org.slf4j:slf4j-api");
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%zz%41"), "%zzA");
        assert_eq!(decode("1%3A2"), "1:2");
        assert!(Purl::parse("npm/x@1").is_none());
        assert!(Purl::parse("pkg:npm").is_none());
        assert!(Purl::parse("pkg:").is_none());
        assert!(Purl::parse("pkg:é").is_none());
    }

    #[test]
    fn source_rpms() {
        assert_eq!(
            split_source_rpm("bash-5.1.8-6.el9.src.rpm", "1"),
            ("bash".to_string(), "1:5.1.8-6.el9".to_string())
        );
        assert_eq!(split_source_rpm("x", ""), (String::new(), String::new()));
    }

    #[test]
    fn package_dirs() {
        assert_eq!(
            package_dir("/v/site-packages/a-1.dist-info/METADATA"),
            "/v/site-packages/a-1.dist-info"
        );
        assert_eq!(
            package_dir("/srv/node_modules/a/package.json"),
            "/srv/node_modules/a"
        );
    }
}
