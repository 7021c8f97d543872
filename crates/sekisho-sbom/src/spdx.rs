//! SPDX 2.3 JSON (<https://spdx.github.io/spdx-spec/v2.3/>).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::spdx_ids;

use crate::{stable_uuid, TOOL_NAME, TOOL_VERSION};
use sekisho_model::{Package, Report};

/// Render the inventory as an SPDX 2.3 JSON document.
pub fn render(inv: &Report) -> Value {
    let mut packages = Vec::new();
    let mut refs = BTreeMap::new();
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Image",
    })];
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
    packages.push(image);
    if let Some(os) = &inv.os {
        packages.push(json!({
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
        }));
        relationships.push(json!({
            "spdxElementId": "SPDXRef-Image",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-OperatingSystem",
        }));
    }
    for (i, pkg) in inv.packages.iter().enumerate() {
        let id = format!(
            "SPDXRef-Package-{}-{}-{i}",
            pkg.kind.as_str(),
            sanitize_id(&pkg.name)
        );
        relationships.push(json!({
            "spdxElementId": "SPDXRef-Image",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": id,
        }));
        packages.push(package(pkg, &id, &mut refs));
    }
    let extracted: Vec<Value> = refs
        .into_iter()
        .map(|(id, text)| json!({"licenseId": id, "extractedText": text, "name": text}))
        .collect();
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": inv.source.name(),
        "documentNamespace": format!("https://sekisho.invalid/spdx/{}", stable_uuid(inv)),
        "creationInfo": {
            "created": inv.created.to_string(),
            "creators": [format!("Tool: {TOOL_NAME}-{TOOL_VERSION}")],
        },
        "packages": packages,
        "relationships": relationships,
    });
    if !extracted.is_empty() {
        doc["hasExtractedLicensingInfos"] = Value::Array(extracted);
    }
    doc
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
