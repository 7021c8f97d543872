//! CycloneDX 1.6 JSON (<https://cyclonedx.org/docs/1.6/json/>).

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{json, Value};

use crate::{stable_uuid, TOOL_NAME, TOOL_VERSION};
use sekisho_model::{Package, Report};

/// Write the report as a CycloneDX 1.6 JSON document (pretty-printed, keys sorted). Components
/// are built and written one at a time, so memory does not grow with a JSON tree of the whole
/// document (100,000 packages took 1.5 GB that way).
pub fn write(inv: &Report, out: impl std::io::Write) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(out, &Document(inv))
}

/// The document as a string (tests, small reports).
pub fn render(inv: &Report) -> String {
    let mut buf = Vec::new();
    // Writing JSON of in-memory data to a Vec cannot fail.
    let _ = write(inv, &mut buf);
    String::from_utf8(buf).unwrap_or_default() + "\n"
}

const IMAGE_REF: &str = "image";

struct Document<'a>(&'a Report);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let image_version = inv
            .source
            .manifest_digest
            .clone()
            .or_else(|| inv.source.image_id.clone())
            .unwrap_or_default();
        let mut image = json!({
            "bom-ref": IMAGE_REF,
            "type": "container",
            "name": inv.source.name(),
        });
        if !image_version.is_empty() {
            image["version"] = json!(image_version);
        }
        // Keys in sorted order, as a JSON map with sorted keys writes them.
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json")?;
        m.serialize_entry("bomFormat", "CycloneDX")?;
        m.serialize_entry("components", &Components(inv))?;
        m.serialize_entry("dependencies", &Dependencies(inv))?;
        m.serialize_entry(
            "metadata",
            &json!({
                "component": image,
                "timestamp": inv.created.to_string(),
                "tools": {"components": [{"name": TOOL_NAME, "type": "application", "version": TOOL_VERSION}]},
            }),
        )?;
        m.serialize_entry("serialNumber", &format!("urn:uuid:{}", stable_uuid(inv)))?;
        m.serialize_entry("specVersion", "1.6")?;
        m.serialize_entry("version", &1)?;
        m.end()
    }
}

fn os_ref(os: &sekisho_model::OsInfo) -> String {
    format!("os:{}@{}", os.id, os.version)
}

fn bom_ref(i: usize, pkg: &Package) -> String {
    format!("{}#{i}", pkg.purl)
}

/// The operating system, then every package, each made when it is written.
struct Components<'a>(&'a Report);

impl Serialize for Components<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let mut seq = s.serialize_seq(None)?;
        if let Some(os) = &inv.os {
            seq.serialize_element(&json!({
                "bom-ref": os_ref(os),
                "type": "operating-system",
                "name": os.id,
                "version": os.version,
                "description": os.pretty_name,
            }))?;
        }
        for (i, pkg) in inv.packages.iter().enumerate() {
            seq.serialize_element(&component(pkg, &bom_ref(i, pkg)))?;
        }
        seq.end()
    }
}

/// One entry of `dependencies` (fields in sorted order, like the rest of the document).
#[derive(serde::Serialize)]
struct Dependency<'a> {
    #[serde(rename = "dependsOn")]
    depends_on: DependsOn<'a>,
    #[serde(rename = "ref")]
    reference: &'static str,
}

/// The image's entry, then one per package whose source recorded its dependencies.
struct Dependencies<'a>(&'a Report);

impl Serialize for Dependencies<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let mut seq = s.serialize_seq(None)?;
        seq.serialize_element(&Dependency {
            depends_on: DependsOn(inv),
            reference: IMAGE_REF,
        })?;
        for (i, to) in crate::dependency_edges(inv) {
            let refs: Vec<String> = to.iter().map(|&j| bom_ref(j, &inv.packages[j])).collect();
            seq.serialize_element(&json!({
                "dependsOn": refs,
                "ref": bom_ref(i, &inv.packages[i]),
            }))?;
        }
        seq.end()
    }
}

/// The image depends on the OS and every package.
struct DependsOn<'a>(&'a Report);

impl Serialize for DependsOn<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let inv = self.0;
        let mut seq = s.serialize_seq(None)?;
        if let Some(os) = &inv.os {
            seq.serialize_element(&os_ref(os))?;
        }
        for (i, pkg) in inv.packages.iter().enumerate() {
            seq.serialize_element(&bom_ref(i, pkg))?;
        }
        seq.end()
    }
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
    if pkg.dev {
        c["scope"] = json!("optional");
        props.push(json!({"name": "sekisho:package:dev", "value": "true"}));
    }
    if let Some(owner) = &pkg.owner {
        props.push(json!({"name": "sekisho:package:owner", "value": owner}));
    }
    c["properties"] = Value::Array(props);
    c
}
