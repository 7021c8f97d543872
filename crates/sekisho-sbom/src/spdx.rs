//! SPDX 2.3 JSON (<https://spdx.github.io/spdx-spec/v2.3/>).

use serde_json::{json, Value};

use crate::model::{Inventory, Package};
use crate::{stable_uuid, time, TOOL_NAME, TOOL_VERSION};

/// Render the inventory as an SPDX 2.3 JSON document.
pub fn render(inv: &Inventory) -> Value {
    let mut packages = Vec::new();
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Image",
    })];
    let mut image = json!({
        "name": inv.source.input,
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
        packages.push(package(pkg, &id));
    }
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": inv.source.input,
        "documentNamespace": format!("https://sekisho.invalid/spdx/{}", stable_uuid(inv)),
        "creationInfo": {
            "created": time::rfc3339(time::now_epoch()),
            "creators": [format!("Tool: {TOOL_NAME}-{TOOL_VERSION}")],
        },
        "packages": packages,
        "relationships": relationships,
    })
}

fn package(pkg: &Package, id: &str) -> Value {
    let declared = license_expression(&pkg.licenses);
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
    if declared.is_none() && !pkg.licenses.is_empty() {
        p["licenseComments"] = json!(format!("as recorded: {}", pkg.licenses.join(" ")));
    }
    p["supplier"] = if pkg.supplier.is_empty() {
        json!("NOASSERTION")
    } else {
        json!(format!("Organization: {}", pkg.supplier))
    };
    p
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

/// A licence list as an SPDX expression, when every token looks like an SPDX identifier or
/// operator; otherwise `None` (the raw text goes to `licenseComments`).
fn license_expression(licenses: &[String]) -> Option<String> {
    if licenses.is_empty() {
        return None;
    }
    let plausible = |l: &str| {
        l.split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .filter(|t| !t.is_empty())
            .all(|t| {
                matches!(t, "AND" | "OR" | "WITH")
                    || (t
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
                        && t.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            })
    };
    if !licenses.iter().all(|l| plausible(l)) {
        return None;
    }
    Some(if licenses.len() == 1 {
        licenses[0].clone()
    } else {
        licenses
            .iter()
            .map(|l| format!("({l})"))
            .collect::<Vec<_>>()
            .join(" AND ")
    })
}
