//! Conda environments: one `conda-meta/<name>-<version>-<build>.json` record per installed
//! package, in every environment prefix (`/opt/conda`, `/opt/conda/envs/NAME`, ...).

use serde::Deserialize;

/// One installed conda package, as its `conda-meta` record describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CondaPackage {
    /// Package name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Build string (`py311h64a7726_0`).
    #[serde(default)]
    pub build: String,
    /// The channel it came from, usually a URL ending in the subdir
    /// (`https://conda.anaconda.org/conda-forge/linux-64`).
    #[serde(default)]
    pub channel: String,
    /// Platform subdirectory (`linux-64`, `noarch`).
    #[serde(default)]
    pub subdir: String,
    /// Licence as the package declares it.
    #[serde(default)]
    pub license: String,
    /// The package file name (`numpy-1.26.4-py311h64a7726_0.conda`).
    #[serde(default, rename = "fn")]
    pub file_name: String,
    /// Installed files, relative to the environment prefix.
    #[serde(default)]
    pub files: Vec<String>,
}

/// Whether `path` (normalised, no leading `/`) is a conda-meta record: a `.json` file directly
/// inside a directory named `conda-meta`.
pub fn is_record(path: &str) -> bool {
    let Some((dir, name)) = path.rsplit_once('/') else {
        return false;
    };
    (dir == "conda-meta" || dir.ends_with("/conda-meta"))
        && name.ends_with(".json")
        && name.len() > 5
}

/// Parse one conda-meta record. Records without a name or version are an error.
pub fn parse(bytes: &[u8]) -> Result<CondaPackage, String> {
    let pkg: CondaPackage =
        serde_json::from_slice(bytes).map_err(|e| format!("not a conda-meta record: {e}"))?;
    if pkg.name.is_empty() || pkg.version.is_empty() {
        return Err("conda-meta record without name or version".to_string());
    }
    Ok(pkg)
}

impl CondaPackage {
    /// The channel's short name (`conda-forge`, `main`): the path segment before the subdir of
    /// a channel URL, or the channel as written.
    pub fn channel_name(&self) -> &str {
        let c = self.channel.trim_end_matches('/');
        let c = c.strip_suffix(&format!("/{}", self.subdir)).unwrap_or(c);
        c.rsplit('/').next().unwrap_or(c)
    }

    /// The package archive type from its file name (`conda` or `tar.bz2`), as the purl
    /// `type` qualifier has it.
    pub fn archive_type(&self) -> &str {
        if self.file_name.ends_with(".conda") {
            "conda"
        } else if self.file_name.ends_with(".tar.bz2") {
            "tar.bz2"
        } else {
            ""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records() {
        assert!(is_record(
            "opt/conda/conda-meta/numpy-1.26.4-py311h64a7726_0.json"
        ));
        assert!(is_record("conda-meta/x-1-0.json"));
        assert!(!is_record("opt/conda/conda-meta/history"));
        assert!(!is_record("opt/conda/conda-meta/sub/x.json"));
        assert!(!is_record("opt/conda/pkgs/x.json"));
        let p = parse(br#"{"name":"numpy","version":"1.26.4","build":"py311h64a7726_0","channel":"https://conda.anaconda.org/conda-forge/linux-64","subdir":"linux-64","fn":"numpy-1.26.4-py311h64a7726_0.conda","license":"BSD-3-Clause","files":["lib/python3.11/site-packages/numpy/__init__.py"],"depends":["python >=3.11"]}"#).unwrap();
        assert_eq!(p.channel_name(), "conda-forge");
        assert_eq!(p.archive_type(), "conda");
        assert!(parse(b"{}").is_err());
        assert!(parse(b"not json").is_err());
    }
}
