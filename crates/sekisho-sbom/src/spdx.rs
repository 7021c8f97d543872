//! SPDX 2.3 JSON (<https://spdx.github.io/spdx-spec/v2.3/>).

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{json, Value};

use crate::spdx_ids;

use crate::{stable_uuid, TOOL_NAME, TOOL_VERSION};
use sekisho_model::{Package, Report};

/// Write the report as an SPDX 2.3 JSON document (pretty-printed, keys sorted). Packages and
/// relationships are made one at a time while they are written, so memory does not grow with a
/// JSON tree of the whole document.
pub fn write(inv: &Report, out: impl std::io::Write) -> serde_json::Result<()> {
    // Licence references are listed before the packages (keys are sorted), so they are
    // collected first; writing the packages then finds every reference already named.
    let mut refs = BTreeMap::new();
    for pkg in &inv.packages {
        license_expression(&pkg.licenses, &mut refs);
    }
    serde_json::to_writer_pretty(out, &Document { inv, refs })
}

/// The document as a string (tests, small reports).
pub fn render(inv: &Report) -> String {
    let mut buf = Vec::new();
    // Writing JSON of in-memory data to a Vec cannot fail.
    let _ = write(inv, &mut buf);
    String::from_utf8(buf).unwrap_or_default() + "\n"
}

struct Document<'a> {
    inv: &'a Report,
    refs: BTreeMap<String, String>,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.inv;
        // Keys in sorted order (upper case first), as a JSON map with sorted keys writes them.
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("SPDXID", "SPDXRef-DOCUMENT")?;
        m.serialize_entry(
            "creationInfo",
            &json!({
                "created": inv.created.to_string(),
                "creators": [format!("Tool: {TOOL_NAME}-{TOOL_VERSION}")],
            }),
        )?;
        m.serialize_entry("dataLicense", "CC0-1.0")?;
        m.serialize_entry(
            "documentNamespace",
            &format!("https://sekisho.invalid/spdx/{}", stable_uuid(inv)),
        )?;
        if !self.refs.is_empty() {
            let extracted: Vec<Value> = self
                .refs
                .iter()
                .map(|(id, text)| json!({"licenseId": id, "extractedText": text, "name": text}))
                .collect();
            m.serialize_entry("hasExtractedLicensingInfos", &extracted)?;
        }
        m.serialize_entry("name", &inv.source.name())?;
        m.serialize_entry(
            "packages",
            &Packages {
                inv,
                refs: std::cell::RefCell::new(self.refs.clone()),
            },
        )?;
        m.serialize_entry("relationships", &Relationships(inv))?;
        m.serialize_entry("spdxVersion", "SPDX-2.3")?;
        m.end()
    }
}

fn package_id(i: usize, pkg: &Package) -> String {
    format!(
        "SPDXRef-Package-{}-{}-{i}",
        pkg.kind.as_str(),
        sanitize_id(&pkg.name)
    )
}

/// The image, the OS and every package, each made when it is written.
struct Packages<'a> {
    inv: &'a Report,
    refs: std::cell::RefCell<BTreeMap<String, String>>,
}

impl Serialize for Packages<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.inv;
        let mut seq = s.serialize_seq(None)?;
        let mut image = json!({
            "name": inv.source.name(),
            "SPDXID": "SPDXRef-Image",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "primaryPackagePurpose": "CONTAINER",
        });
        if let Some(id) = inv
            .source
            .manifest_digest
            .as_ref()
            .or(inv.source.image_id.as_ref())
        {
            image["versionInfo"] = json!(id);
        }
        seq.serialize_element(&image)?;
        if let Some(os) = &inv.os {
            seq.serialize_element(&json!({
                "name": os.id,
                "SPDXID": "SPDXRef-OperatingSystem",
                "versionInfo": os.version,
                "downloadLocation": "NOASSERTION",
                "filesAnalyzed": false,
                "licenseConcluded": "NOASSERTION",
                "licenseDeclared": "NOASSERTION",
                "copyrightText": "NOASSERTION",
                "primaryPackagePurpose": "OPERATING-SYSTEM",
                "description": os.pretty_name,
            }))?;
        }
        let mut refs = self.refs.borrow_mut();
        for (i, pkg) in inv.packages.iter().enumerate() {
            seq.serialize_element(&package(pkg, &package_id(i, pkg), &mut refs))?;
        }
        seq.end()
    }
}

/// The document describes the image; the image contains the OS and every package.
struct Relationships<'a>(&'a Report);

impl Serialize for Relationships<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let relation = |from: &str, kind: &str, to: &str| json!({"spdxElementId": from, "relationshipType": kind, "relatedSpdxElement": to});
        let mut seq = s.serialize_seq(None)?;
        seq.serialize_element(&relation("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image"))?;
        if inv.os.is_some() {
            seq.serialize_element(&relation(
                "SPDXRef-Image",
                "CONTAINS",
                "SPDXRef-OperatingSystem",
            ))?;
        }
        for (i, pkg) in inv.packages.iter().enumerate() {
            seq.serialize_element(&relation("SPDXRef-Image", "CONTAINS", &package_id(i, pkg)))?;
        }
        for (i, to) in crate::dependency_edges(inv) {
            let from = package_id(i, &inv.packages[i]);
            for j in to {
                seq.serialize_element(&relation(
                    &from,
                    "DEPENDS_ON",
                    &package_id(j, &inv.packages[j]),
                ))?;
            }
        }
        seq.end()
    }
}

fn package(pkg: &Package, id: &str, refs: &mut BTreeMap<String, String>) -> Value {
    let declared = license_expression(&pkg.licenses, refs);
    let mut p = json!({
        "name": pkg.name,
        "SPDXID": id,
        "versionInfo": pkg.version,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": declared.clone().unwrap_or_else(|| "NOASSERTION".to_string()),
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": "LIBRARY",
        "sourceInfo": format!("layer {} ({}), {}", pkg.layer.index, pkg.layer.diff_id, pkg.path),
        "externalRefs": [{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": pkg.purl,
        }],
    });
    p["supplier"] = if pkg.supplier.is_empty() {
        json!("NOASSERTION")
    } else {
        json!(format!("Organization: {}", pkg.supplier))
    };
    // What SPDX 2.3 has no field for, as `key: value` lines of the package comment.
    let mut comment = Vec::new();
    if let Some(reason) = &pkg.third_party {
        comment.push(format!("third-party: {reason}"));
    }
    if let Some(label) = &pkg.modularity_label {
        comment.push(format!("modularity-label: {label}"));
    }
    if !comment.is_empty() {
        p["comment"] = json!(comment.join("\n"));
    }
    p
}

/// The `LicenseRef-` ID for a free-text licence name, registered in `refs`; two names that
/// sanitise alike (`MIT/X11`, `MIT-X11`) get distinct IDs.
fn license_ref(name: &str, refs: &mut BTreeMap<String, String>) -> String {
    let base = format!("LicenseRef-{}", sanitize_id(name));
    let mut id = base.clone();
    let mut n = 1;
    while let Some(existing) = refs.get(&id) {
        if existing == name {
            return id;
        }
        n += 1;
        id = format!("{base}-{n}");
    }
    refs.insert(id.clone(), name.to_string());
    id
}

/// Keep only the characters SPDX allows in an element ID.
fn sanitize_id(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A licence list as an SPDX expression. Known identifiers and the operators stay as they are;
/// anything else becomes `LicenseRef-<sanitised>` and is added to `refs` with its original text
/// (for `hasExtractedLicensingInfos`). Space-separated lists without operators (apk writes
/// `MIT BSD`) mean all of them, so they are joined with `AND`.
fn license_expression(licenses: &[String], refs: &mut BTreeMap<String, String>) -> Option<String> {
    let mut parts = Vec::new();
    for l in licenses {
        let tokens: Vec<&str> = l.split_whitespace().collect();
        let operator = |t: &str| matches!(t.to_ascii_uppercase().as_str(), "AND" | "OR" | "WITH");
        let has_operator = tokens.iter().any(|t| operator(t));
        let mut out = Vec::new();
        for t in &tokens {
            if operator(t) {
                out.push(t.to_ascii_uppercase());
                continue;
            }
            let open = t.len() - t.trim_start_matches('(').len();
            let close = t.len() - t.trim_end_matches(')').len();
            let core = t.trim_matches(|c| c == '(' || c == ')');
            if core.is_empty() {
                out.push(t.to_string());
                continue;
            }
            let id = spdx_ids::canonical(core).unwrap_or_else(|| license_ref(core, refs));
            out.push(format!("{}{id}{}", "(".repeat(open), ")".repeat(close)));
        }
        if out.is_empty() {
            continue;
        }
        if has_operator {
            parts.push(format!("({})", out.join(" ")));
        } else {
            parts.extend(out);
        }
    }
    match parts.len() {
        0 => None,
        1 => Some(parts.remove(0)),
        _ => Some(parts.join(" AND ")),
    }
}
