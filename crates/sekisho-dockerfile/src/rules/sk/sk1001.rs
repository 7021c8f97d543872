//! SK1001: Secret or credential in ENV/ARG/LABEL value

use crate::rules::prelude::*;

/// SK1001's metadata and check.
pub(crate) static SK1001: RuleInfo = RuleInfo {
    code: "SK1001",
    severity: Error,
    message: "Secret or credential in ENV/ARG/LABEL value",
    onbuild: true,
    default_on: true,
    doc: "A value assigned in ENV, ARG or LABEL looks like a credential (private key, cloud \
          access key, token, password in a URL, or a non-empty literal value for a variable named \
          like a secret). ENV/ARG/LABEL values are stored in the image config and history. Use \
          build secrets (`RUN --mount=type=secret`) or runtime configuration instead. CIS Docker \
          Benchmark 4.10.",
    check: Check::Each(&[Kind::Env, Kind::Label, Kind::Arg], check),
};

/// SK1001: Secret or credential in ENV/ARG/LABEL value
fn check(it: &Item, s: &mut Sink) {
    let pairs: Vec<(String, String)> = match it.args() {
        Args::Env(p) | Args::Label(p) => p.clone(),
        Args::Arg(a) => a
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.clone(), v.clone())))
            .collect(),
        _ => return,
    };
    if pairs
        .iter()
        .any(|(k, v)| looks_like_secret_value(v) || (secret_name(k) && literal_value(v)))
    {
        s.fail(it);
    }
}

fn looks_like_secret_value(v: &str) -> bool {
    let v = v.trim();
    v.contains("-----BEGIN") && v.contains("PRIVATE KEY")
        || (v.len() == 20
            && (v.starts_with("AKIA") || v.starts_with("ASIA"))
            && v.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        || [
            "ghp_",
            "gho_",
            "ghs_",
            "github_pat_",
            "glpat-",
            "xoxb-",
            "xoxp-",
            "sk_live_",
            "npm_",
        ]
        .iter()
        .any(|p| v.starts_with(p) && v.len() > p.len() + 15)
        || url_with_password(v)
}

fn url_with_password(v: &str) -> bool {
    let Some((_, rest)) = v.split_once("://") else {
        return false;
    };
    let auth = rest.split('/').next().unwrap_or("");
    match auth.rsplit_once('@') {
        Some((cred, _)) => cred
            .split_once(':')
            .is_some_and(|(_, p)| !p.is_empty() && !p.starts_with('$')),
        None => false,
    }
}

fn secret_name(k: &str) -> bool {
    let low = k.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "private_key",
        "access_key",
        "credential",
    ]
    .iter()
    .any(|s| low.contains(s))
        && !low.ends_with("_file")
        && !low.ends_with("_path")
}

fn literal_value(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty()
        && !v.starts_with('$')
        && !v.starts_with('/')
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "none" | "null" | "changeme" | "0" | "1"
        )
}
