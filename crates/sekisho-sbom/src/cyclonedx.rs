//! CycloneDX 1.6 JSON (<https://cyclonedx.org/docs/1.6/json/>).

use serde_json::{json, Value};

use crate::{stable_uuid, TOOL_NAME, TOOL_VERSION};
use sekisho_model::{Package, Report};

/// Render the inventory as a CycloneDX 1.6 JSON document.
pub fn render(inv: &Report) -> Value {
    let image_ref = "image";
    let mut components = Vec::new();
    let mut image_deps = Vec::new();
    if let Some(os) = &inv.os {
        let os_ref = format!("os:{}@{}", os.id, os.version);
        image_deps.push(json!(os_ref));
        components.push(json!({
            "bom-ref": os_ref,
            "type": "operating-system",
            "name": os.id,
            "version": os.version,
            "description": os.pretty_name,
        }));
    }
    for (i, pkg) in inv.packages.iter().enumerate() {
        let bom_ref = format!("{}#{i}", pkg.purl);
        image_deps.push(json!(bom_ref));
        components.push(component(pkg, &bom_ref));
    }
    let image_version = inv
        .source
        .manifest_digest
        .clone()
        .or_else(|| inv.source.image_id.clone())
        .unwrap_or_default();
    let mut image = json!({
        "bom-ref": image_ref,
        "type": "container",
        "name": inv.source.name(),
    });
    if !image_version.is_empty() {
        image["version"] = json!(image_version);
    }
    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", stable_uuid(inv)),
        "version": 1,
        "metadata": {
            "timestamp": inv.created.to_string(),
            "tools": {"components": [{"type": "application", "name": TOOL_NAME, "version": TOOL_VERSION}]},
            "component": image,
        },
        "components": components,
        "dependencies": [{"ref": image_ref, "dependsOn": image_deps}],
    })
}

fn component(pkg: &Package, bom_ref: &str) -> Value {
    let mut c = json!({
        "bom-ref": bom_ref,
        "type": "library",
        "name": pkg.name,
        "version": pkg.version,
        "purl": pkg.purl,
    });
    if !pkg.supplier.is_empty() {
        c["supplier"] = json!({"name": pkg.supplier});
    }
    if !pkg.licenses.is_empty() {
        c["licenses"] = Value::Array(
            pkg.licenses
                .iter()
                .map(|l| json!({"license": {"name": l}}))
                .collect(),
        );
    }
    let mut props = vec![
        json!({"name": "sekisho:package:type", "value": pkg.kind.as_str()}),
        json!({"name": "sekisho:location:path", "value": pkg.path}),
        json!({"name": "sekisho:layer:index", "value": pkg.layer.index.to_string()}),
    ];
    if !pkg.layer.diff_id.is_empty() {
        props.push(json!({"name": "sekisho:layer:diffID", "value": pkg.layer.diff_id}));
    }
    if !pkg.source_name.is_empty() {
        props.push(json!({"name": "sekisho:package:srcName", "value": pkg.source_name}));
    }
    if !pkg.source_version.is_empty() {
        props.push(json!({"name": "sekisho:package:srcVersion", "value": pkg.source_version}));
    }
    if !pkg.arch.is_empty() {
        props.push(json!({"name": "sekisho:package:arch", "value": pkg.arch}));
    }
    c["properties"] = Value::Array(props);
    c
}
