//! SK1002: Environment file or per-environment configuration copied into the image

use crate::rules::prelude::*;

/// SK1002's metadata and check.
pub(crate) static SK1002: RuleInfo = RuleInfo {
    code: "SK1002",
    severity: Warning,
    message: "Environment file or per-environment configuration copied into the image",
    onbuild: false,
    default_on: true,
    doc: "COPY/ADD of `.env`, `*.env`, `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`, \
          `id_rsa`/`*.pem`/`*.key` or `config.<env>.*` bakes configuration or credentials into a \
          layer. Inject configuration at run time and add these files to .dockerignore.",
    check: Check::Each(&[Kind::Copy, Kind::Add], check),
};

/// SK1002: Environment file or per-environment configuration copied into the image
fn check(it: &Item, s: &mut Sink) {
    let (Args::Copy(c) | Args::Add(c)) = it.args() else {
        return;
    };
    if c.from.is_some() {
        return;
    }
    if let Some(i) = c
        .sources
        .iter()
        .position(|x| !x.contains("://") && sensitive_file(x))
    {
        s.fail_at(copy_word(it, c, i));
    }
}

fn sensitive_file(p: &str) -> bool {
    let p = drop_quotes(p);
    let base = p
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(p)
        .to_ascii_lowercase();
    base == ".env"
        || (base.starts_with(".env.")
            && !base.ends_with(".example")
            && !base.ends_with(".sample")
            && !base.ends_with(".template"))
        || (base.ends_with(".env") && !base.contains('*'))
        || matches!(
            base.as_str(),
            ".npmrc"
                | ".pypirc"
                | ".netrc"
                | ".git-credentials"
                | "id_rsa"
                | "id_ed25519"
                | "id_ecdsa"
                | ".htpasswd"
                | "credentials.json"
        )
        || ((base.ends_with(".pem") || base.ends_with(".key"))
            && (base.contains("private")
                || base.contains("server")
                || base.contains("tls")
                || base.contains("ssl")
                || base == "key.pem"))
        || ["production", "staging", "development", "prod", "dev"]
            .iter()
            .any(|e| {
                base.starts_with(&format!("config.{e}."))
                    || base.starts_with(&format!("application-{e}."))
            })
}
