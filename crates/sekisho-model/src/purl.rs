//! Package URLs (<https://github.com/package-url/purl-spec>): building them with the
//! percent-encoding the spec asks for.

/// Percent-encode a purl component. Unreserved characters and `:` (which the spec allows
/// in versions, e.g. Debian epochs) stay; everything else, `+` included, is encoded.
pub fn encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Build `pkg:TYPE/NAMESPACE/NAME@VERSION?k=v&...`; qualifiers with empty values are left out
/// and the rest sorted by key as the spec requires.
pub fn build(
    kind: &str,
    namespace: Option<&str>,
    name: &str,
    version: &str,
    qualifiers: &[(&str, String)],
) -> String {
    let mut out = format!("pkg:{kind}/");
    if let Some(ns) = namespace.filter(|n| !n.is_empty()) {
        let parts: Vec<String> = ns.split('/').map(|p| encode(p, b"")).collect();
        out.push_str(&parts.join("/"));
        out.push('/');
    }
    out.push_str(&encode(name, b""));
    if !version.is_empty() {
        out.push('@');
        out.push_str(&encode(version, b":"));
    }
    let mut quals: Vec<&(&str, String)> =
        qualifiers.iter().filter(|(_, v)| !v.is_empty()).collect();
    quals.sort_by(|a, b| a.0.cmp(b.0));
    for (i, (k, v)) in quals.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(&encode(v, b":"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_the_spec() {
        assert_eq!(
            build(
                "deb",
                Some("debian"),
                "libc6",
                "2.36-9+deb12u4",
                &[("arch", "amd64".into()), ("distro", "debian-12".into())]
            ),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"
        );
        assert_eq!(
            build(
                "deb",
                Some("debian"),
                "zlib1g",
                "1:1.2.13.dfsg-1",
                &[("upstream", "zlib@1.2".into())]
            ),
            "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?upstream=zlib%401.2"
        );
    }
}
