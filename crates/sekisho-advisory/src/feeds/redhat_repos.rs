//! Red Hat's map from repositories (content sets, `rhel-9-for-x86_64-appstream-rpms`) to the
//! CPEs of the products they deliver (`cpe:/a:redhat:enterprise_linux:9::appstream`):
//! `repository-to-cpe.json` from Red Hat's security data site (`/data/metrics/`).
//!
//! Recognised by its file name. Two shapes are read: Red Hat's own,
//! `{"data": {"<repo>": {"cpes": ["cpe:/…", …], "repo_relative_urls": […]}, …}}`, and the
//! flattened copy some mirrors keep (aquasecurity/vuln-list-redhat),
//! `{"<repo>": ["cpe:/…", …], …}`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Ctx;

/// The file name the map is published and recognised under.
pub const FILE_NAME: &str = "repository-to-cpe.json";

/// Whether the file at `path` (inside a source) is the map, by its name.
pub fn is_map_file(path: &str) -> bool {
    path.rsplit('/').next() == Some(FILE_NAME)
}

/// Repository → its CPEs (sorted, without repeats).
pub type RepositoryCpes = BTreeMap<String, BTreeSet<String>>;

/// Parses the map; `None` when the document has neither shape (a warning says why).
/// Repositories without a CPE are left out; CPEs are trimmed.
pub fn parse(ctx: &mut Ctx<'_>, doc: &Value) -> Option<RepositoryCpes> {
    let Some(obj) = doc.as_object() else {
        ctx.warn("", "repository-to-cpe map: not a JSON object");
        return None;
    };
    let entries = match obj.get("data") {
        Some(Value::Object(data)) => data,
        Some(_) => {
            ctx.warn("", "repository-to-cpe map: `data` is not an object");
            return None;
        }
        None => obj,
    };
    let mut map = RepositoryCpes::new();
    for (repo, entry) in entries {
        let list = match entry {
            Value::Object(o) => o.get("cpes"),
            v @ Value::Array(_) => Some(v),
            _ => None,
        };
        let Some(Value::Array(list)) = list else {
            ctx.warn(repo, "repository-to-cpe map: no `cpes` list; skipped");
            continue;
        };
        let cpes: BTreeSet<String> = list
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|c| c.starts_with("cpe:"))
            .map(str::to_owned)
            .collect();
        if !cpes.is_empty() && !repo.trim().is_empty() {
            map.entry(repo.trim().to_owned()).or_default().extend(cpes);
        }
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Warning;

    fn run(text: &str) -> (Option<RepositoryCpes>, Vec<Warning>) {
        let mut warnings = Vec::new();
        let mut ctx = Ctx {
            source: "s",
            file: FILE_NAME,
            warnings: &mut warnings,
        };
        let v: Value = serde_json::from_str(text).unwrap();
        (parse(&mut ctx, &v), warnings)
    }

    #[test]
    fn both_shapes() {
        let (map, w) = run(r#"{"data": {
            "rhel-9-for-x86_64-appstream-rpms": {"cpes": ["cpe:/a:redhat:enterprise_linux:9::appstream"],
                "repo_relative_urls": ["content/dist/rhel9/9/x86_64/appstream/os"]},
            "rhel-9-for-x86_64-baseos-eus-rpms__9_DOT_2": {"cpes": [" cpe:/o:redhat:rhel_eus:9.2::baseos", "cpe:/o:redhat:rhel_eus:9.2::baseos"]},
            "empty-rpms": {"cpes": []},
            "broken-rpms": 3
        }}"#);
        let map = map.unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(
            map["rhel-9-for-x86_64-appstream-rpms"]
                .iter()
                .collect::<Vec<_>>(),
            ["cpe:/a:redhat:enterprise_linux:9::appstream"]
        );
        assert_eq!(
            map["rhel-9-for-x86_64-baseos-eus-rpms__9_DOT_2"]
                .iter()
                .collect::<Vec<_>>(),
            ["cpe:/o:redhat:rhel_eus:9.2::baseos"]
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].record, "broken-rpms");

        let (map, w) = run(
            r#"{"rhel-8-for-x86_64-baseos-rpms": ["cpe:/o:redhat:enterprise_linux:8::baseos"]}"#,
        );
        assert!(w.is_empty());
        assert_eq!(map.unwrap().len(), 1);

        assert!(run("[1]").0.is_none());
        assert!(run(r#"{"data": []}"#).0.is_none());
        assert!(is_map_file("cpe/repository-to-cpe.json"));
        assert!(is_map_file("repository-to-cpe.json"));
        assert!(!is_map_file("nvr-to-cpe.json"));
    }
}
