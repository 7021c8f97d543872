//! Alpine/Wolfi apk database `lib/apk/db/installed`.

/// One package record from the apk database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApkPackage {
    /// `P:` name.
    pub name: String,
    /// `V:` version.
    pub version: String,
    /// `A:` architecture.
    pub arch: String,
    /// `o:` origin (source package).
    pub origin: String,
    /// `L:` licence.
    pub license: String,
    /// `m:` maintainer.
    pub maintainer: String,
    /// Files from `F:` directories and `R:` names, absolute.
    pub files: Vec<String>,
}

/// Parse the apk installed database. Records without a name or version are skipped.
pub fn parse(text: &str) -> Vec<ApkPackage> {
    let mut out = Vec::new();
    let mut cur = ApkPackage::default();
    let mut dir = String::new();
    let mut flush = |cur: &mut ApkPackage| {
        if !cur.name.is_empty() && !cur.version.is_empty() {
            out.push(std::mem::take(cur));
        } else {
            *cur = ApkPackage::default();
        }
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut cur);
            dir.clear();
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        match key {
            "P" => cur.name = value.to_string(),
            "V" => cur.version = value.to_string(),
            "A" => cur.arch = value.to_string(),
            "o" => cur.origin = value.to_string(),
            "L" => cur.license = value.to_string(),
            "m" => cur.maintainer = value.to_string(),
            "F" => dir = value.to_string(),
            "R" => cur.files.push(if dir.is_empty() {
                format!("/{value}")
            } else {
                format!("/{dir}/{value}")
            }),
            _ => {}
        }
    }
    flush(&mut cur);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_records() {
        let db = "C:Q1abc=\nP:musl\nV:1.1.22-r3\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:libc.musl-x86_64.so.1\n\nP:broken\n\n";
        let pkgs = super::parse(db);
        assert_eq!(pkgs.len(), 1);
        assert_eq!(pkgs[0].files, ["/lib/libc.musl-x86_64.so.1"]);
    }
}
