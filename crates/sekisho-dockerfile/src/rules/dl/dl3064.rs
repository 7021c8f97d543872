//! DL3064: Potentially sensitive data should not be used in the `ARG` or `ENV` commands

use crate::rules::prelude::*;

/// DL3064's metadata and check.
pub(crate) static DL3064: RuleInfo = RuleInfo {
    code: "DL3064",
    severity: Warning,
    message: "Potentially sensitive data should not be used in the `ARG` or `ENV` commands",
    onbuild: true,
    default_on: true,
    doc: "ARG and ENV values are stored in the image history. Use build secrets (`RUN \
          --mount=type=secret`). See also SK1001 which looks at values.",
    check: Check::Each(&[Kind::Arg, Kind::Env], check),
};

/// DL3064: Potentially sensitive data should not be used in the `ARG` or `ENV` commands
fn check(it: &Item, s: &mut Sink) {
    let bad = match it.args() {
        Args::Arg(a) => a.iter().position(|(k, _)| is_sensitive_name(k)),
        Args::Env(p) => p.iter().position(|(k, _)| is_sensitive_name(k)),
        _ => None,
    };
    if let Some(i) = bad {
        s.fail_at(it.loc_word(i));
    }
}

/// Names hadolint considers sensitive in `ARG`/`ENV` (DL3064).
pub(crate) const SENSITIVE_NAMES: &[&str] = &[
    "ACCESS_TOKEN",
    "APPLICATION_KEY",
    "APP_SECRET",
    "AUTH_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "BITTREX_API_KEY",
    "BITTREX_API_SECRET",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_ID",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "HEROKU_API_USER",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_AUTHN_GROUPID",
    "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTID",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "OS_USERNAME",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "STRIPE_DEVICE_NAME",
    "TRAVIS_OS_NAME",
    "TRAVIS_SECURE_ENV_VARS",
    "TRAVIS_SUDO",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];

/// Substrings hadolint considers suspicious in variable names (DL3064).
pub(crate) const SUSPICIOUS: &[&str] = &[
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
    "username",
];

/// Whether a variable name looks sensitive (hadolint DL3064 logic).
pub(crate) fn is_sensitive_name(name: &str) -> bool {
    let up = name.to_ascii_uppercase();
    let low = name.to_ascii_lowercase();
    SENSITIVE_NAMES.contains(&up.as_str()) || SUSPICIOUS.iter().any(|s| low.contains(s))
}
