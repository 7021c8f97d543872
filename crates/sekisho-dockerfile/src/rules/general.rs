//! DL rules about instructions other than `RUN` bodies.

use std::collections::{HashMap, HashSet};

use super::{Item, Sink};
use crate::parser::{Args, CmdLine};

/// hadolint's `dropQuotes`.
pub fn drop_quotes(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// Archive extensions hadolint recognises.
pub const ARCHIVE_EXT: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

/// Whether a path looks like an archive.
pub fn is_archive(p: &str) -> bool {
    let p = drop_quotes(p);
    ARCHIVE_EXT.iter().any(|e| p.ends_with(e))
}

/// Whether a path is an http(s) URL.
pub fn is_url(p: &str) -> bool {
    let p = drop_quotes(p);
    p.starts_with("https://") || p.starts_with("http://")
}

/// DL3000: Use absolute WORKDIR
pub fn dl3000(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Workdir(w) = it.args() {
            let d = drop_quotes(w);
            let mut ch = d.chars();
            let win = matches!((ch.next(), ch.next()), (Some(a), Some(':')) if a.is_alphabetic());
            if !(d.starts_with('$') || d.starts_with('/') || win) {
                s.fail(it.line);
            }
        }
    }
}

/// DL3002: Last USER should not be root
pub fn dl3002(items: &[Item], s: &mut Sink) {
    let mut stage: Option<usize> = None;
    let mut bad: std::collections::BTreeMap<usize, usize> = Default::default();
    for it in items {
        match it.args() {
            Args::From(_) => stage = Some(it.line),
            Args::User(u) => {
                let Some(st) = stage else { continue };
                let u = u.trim();
                let root = u.starts_with("root:") || u.starts_with("0:") || u == "root" || u == "0";
                if root {
                    bad.insert(st, it.line);
                } else {
                    bad.remove(&st);
                }
            }
            _ => {}
        }
    }
    for l in bad.values() {
        s.fail(*l);
    }
}

/// DL3006: Always tag the version of an image explicitly
pub fn dl3006(items: &[Item], s: &mut Sink) {
    let mut aliases: HashSet<String> = HashSet::new();
    for it in items {
        if let Args::From(f) = it.args() {
            let img = &f.image;
            if img.name != "scratch"
                && !img.raw.starts_with('$')
                && img.digest.is_none()
                && img.tag.is_none()
                && !aliases.contains(&img.name)
            {
                s.fail(it.line);
            }
            if let Some(a) = &f.alias {
                aliases.insert(a.clone());
            }
        }
    }
}

/// DL3007: Using latest is prone to errors if the image will ever update. Pin the...
pub fn dl3007(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::From(f) = it.args() {
            if f.image.tag.as_deref() == Some("latest") && f.image.digest.is_none() {
                s.fail(it.line);
            }
        }
    }
}

/// DL3011: Valid UNIX ports range from 0 to 65535
pub fn dl3011(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Expose(ports) = it.args() {
            let bad = ports.iter().any(|p| {
                let p = p.split('/').next().unwrap_or("");
                let parts: Vec<&str> = p.split('-').collect();
                parts
                    .iter()
                    .filter_map(|x| x.parse::<u64>().ok())
                    .any(|n| n > 65535)
            });
            if bad {
                s.fail(it.line);
            }
        }
    }
}

/// DL3012: Multiple `HEALTHCHECK` instructions.
pub fn dl3012(items: &[Item], s: &mut Sink) {
    let mut seen = false;
    for it in items {
        match it.args() {
            Args::From(_) => seen = false,
            Args::Healthcheck(_) => {
                if seen {
                    s.fail(it.line);
                }
                seen = true;
            }
            _ => {}
        }
    }
}

/// DL3020: Use COPY instead of ADD for files and folders
pub fn dl3020(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Add(c) = it.args() {
            if !c.sources.iter().all(|p| is_archive(p) || is_url(p)) {
                s.fail(it.line);
            }
        }
    }
}

/// DL3021: COPY with more than 2 arguments requires the last argument to end with /
pub fn dl3021(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Copy(c) = it.args() {
            if c.sources.len() > 1 {
                let d = drop_quotes(&c.dest);
                if c.dest.is_empty() || !d.ends_with('/') {
                    s.fail(it.line);
                }
            }
        }
    }
}

/// DL3022: `COPY --from` should reference a previously defined `FROM` alias
pub fn dl3022(items: &[Item], s: &mut Sink) {
    let mut aliases: HashSet<String> = HashSet::new();
    let mut count = 0usize;
    for it in items {
        match it.args() {
            Args::From(f) => {
                if let Some(a) = &f.alias {
                    aliases.insert(a.clone());
                }
                count += 1;
            }
            Args::Copy(c) => {
                if let Some(from) = &c.from {
                    let known = aliases.contains(from)
                        || from.parse::<usize>().is_ok_and(|n| n < count)
                        || from.contains(':');
                    if !known {
                        s.fail(it.line);
                    }
                }
            }
            _ => {}
        }
    }
}

/// DL3023: `COPY --from` cannot reference its own `FROM` alias
pub fn dl3023(items: &[Item], s: &mut Sink) {
    let mut alias: Option<&str> = None;
    let mut in_stage = false;
    for it in items {
        match it.args() {
            Args::From(f) => {
                alias = f.alias.as_deref();
                in_stage = true;
            }
            Args::Copy(c) if in_stage => {
                if let (Some(from), Some(a)) = (&c.from, alias) {
                    if from == a {
                        s.fail(it.line);
                    }
                }
            }
            _ => {}
        }
    }
}

/// DL3024: FROM aliases (stage names) must be unique
pub fn dl3024(items: &[Item], s: &mut Sink) {
    let mut seen = HashSet::new();
    for it in items {
        if let Args::From(f) = it.args() {
            if let Some(a) = &f.alias {
                if !seen.insert(a.clone()) {
                    s.fail(it.line);
                }
            }
        }
    }
}

/// DL3025: Use arguments JSON notation for CMD and ENTRYPOINT arguments
pub fn dl3025(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Cmd(CmdLine::Shell(_))
        | Args::Entrypoint(CmdLine::Shell(_))
        | Args::Healthcheck(Some(CmdLine::Shell(_))) = it.args()
        {
            s.fail(it.line);
        }
    }
}

/// Whether a registry matches a trusted entry (`*` and `*.domain` wildcards).
pub fn registry_trusted(reg: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| {
        a == "*"
            || a == reg
            || a.strip_prefix("*.")
                .is_some_and(|d| reg.ends_with(&format!(".{d}")))
    })
}

fn image_allowed(img: &crate::parser::ImageRef, allowed: &[String]) -> bool {
    match &img.registry {
        Some(r) => registry_trusted(r, allowed),
        None => {
            img.name == "scratch"
                || registry_trusted("docker.io", allowed)
                || registry_trusted("hub.docker.com", allowed)
        }
    }
}

/// DL3026: Use only an allowed registry in the FROM image
pub fn dl3026(items: &[Item], s: &mut Sink) {
    let allowed: Vec<String> = s.cfg.trusted_registries.clone();
    if allowed.is_empty() {
        return;
    }
    let mut aliases: HashSet<String> = HashSet::new();
    let mut stages = 0usize;
    let is_stage = |v: &str, aliases: &HashSet<String>, stages: usize| {
        aliases.contains(v) || v.parse::<usize>().is_ok_and(|n| n < stages) || v.contains('$')
    };
    for it in items {
        match it.args() {
            Args::From(f) => {
                let img = &f.image;
                if !(aliases.contains(&img.name)
                    || img.raw.starts_with('$')
                    || image_allowed(img, &allowed))
                {
                    s.fail(it.line);
                }
                if let Some(a) = &f.alias {
                    aliases.insert(a.clone());
                }
                stages += 1;
            }
            Args::Copy(c) => {
                if let Some(from) = &c.from {
                    if !is_stage(from, &aliases, stages)
                        && !image_allowed(&crate::parser::ImageRef::parse(from), &allowed)
                    {
                        s.fail(it.line);
                    }
                }
            }
            Args::Run(r) => {
                let bad = r.mounts.iter().any(|m| {
                    m.options.iter().any(|(k, v)| {
                        k == "from"
                            && !is_stage(v, &aliases, stages)
                            && !image_allowed(&crate::parser::ImageRef::parse(v), &allowed)
                    })
                });
                if bad {
                    s.fail(it.line);
                }
            }
            _ => {}
        }
    }
}

/// DL3029: Do not use --platform flag with FROM
pub fn dl3029(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::From(f) = it.args() {
            if let Some(p) = &f.platform {
                if !p.is_empty() && !p.contains('$') {
                    s.fail(it.line);
                }
            }
        }
    }
}

/// DL3043: `ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.
pub fn dl3043(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Onbuild(inner) = it.args() {
            if matches!(
                inner.args,
                Args::Onbuild(_) | Args::From(_) | Args::Maintainer(_)
            ) {
                s.fail(it.line);
            }
        }
    }
}

fn is_var_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn references(var: &str, text: &str) -> bool {
    if text.contains(&format!("${{{var}}}")) {
        return true;
    }
    let pat = format!("${var}");
    if !text.contains(&pat) {
        return false;
    }
    text.split(&pat)
        .skip(1)
        .any(|rest| rest.chars().next().is_none_or(|c| !is_var_char(c)))
}

/// DL3044: Do not refer to an environment variable within the same `ENV` statement...
pub fn dl3044(items: &[Item], s: &mut Sink) {
    let mut defined: HashSet<String> = HashSet::new();
    for it in items {
        match it.args() {
            Args::Env(pairs) => {
                let bad = pairs.iter().enumerate().any(|(i, (k, _))| {
                    !defined.contains(k)
                        && pairs
                            .iter()
                            .enumerate()
                            .any(|(j, (_, v))| j != i && references(k, v))
                });
                for (k, _) in pairs {
                    defined.insert(k.clone());
                }
                if bad {
                    s.fail(it.line);
                }
            }
            Args::Arg(a) => {
                for (k, _) in a {
                    defined.insert(k.clone());
                }
            }
            _ => {}
        }
    }
}

/// DL3045: `COPY` to a relative destination without `WORKDIR` set.
pub fn dl3045(items: &[Item], s: &mut Sink) {
    // None = ONBUILD context without a stage
    let mut current: Option<String> = None;
    let mut workdir: HashMap<Option<String>, bool> = HashMap::new();
    for it in items {
        match it.args() {
            Args::From(f) => {
                let stage = f.alias.clone().unwrap_or_else(|| f.image.name.clone());
                let parent = workdir
                    .get(&Some(f.image.name.clone()))
                    .copied()
                    .unwrap_or(false);
                workdir.insert(Some(stage.clone()), parent);
                current = Some(stage);
            }
            Args::Workdir(_) => {
                workdir.insert(current.clone(), true);
            }
            Args::Copy(c) => {
                if workdir.get(&current).copied().unwrap_or(false) {
                    continue;
                }
                let d = drop_quotes(&c.dest);
                let rest: String = d.chars().skip(1).collect();
                if d.starts_with('/')
                    || rest.starts_with(":\\")
                    || rest.starts_with(":/")
                    || d.starts_with('$')
                {
                    continue;
                }
                s.fail(it.line);
            }
            _ => {}
        }
    }
}

/// DL3048: Invalid label key.
pub fn dl3048(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Label(pairs) = it.args() {
            let bad = pairs.iter().any(|(l, _)| {
                let first_ok = l.chars().next().is_some_and(|c| c.is_ascii_lowercase());
                let last_ok = l
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
                let chars_ok = l
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'));
                let reserved = l.starts_with("com.docker.")
                    || l.starts_with("io.docker.")
                    || l.starts_with("org.dockerproject.");
                let consecutive = l.contains("..") || l.contains("--");
                !first_ok || !last_ok || !chars_ok || reserved || consecutive
            });
            if bad {
                s.fail(it.line);
            }
        }
    }
}

/// DL3057: `HEALTHCHECK` instruction missing.
pub fn dl3057(items: &[Item], s: &mut Sink) {
    // Stages: (name, base image name, line, has healthcheck)
    let mut stages: Vec<(String, String, usize, bool)> = vec![];
    for it in items {
        match it.args() {
            Args::From(f) => {
                let name = f.alias.clone().unwrap_or_else(|| f.image.name.clone());
                stages.push((name, f.image.name.clone(), it.line, false));
            }
            Args::Healthcheck(_) => {
                if let Some(st) = stages.last_mut() {
                    st.3 = true;
                }
            }
            _ => {}
        }
    }
    for (i, st) in stages.iter().enumerate() {
        let is_base = stages[i + 1..].iter().any(|o| o.1 == st.0);
        if is_base {
            continue;
        }
        // walk the ancestry
        let mut ok = st.3;
        let mut base = st.1.clone();
        let mut j = i;
        while !ok {
            match stages[..j].iter().rposition(|o| o.0 == base) {
                Some(k) => {
                    ok = stages[k].3;
                    base = stages[k].1.clone();
                    j = k;
                }
                None => break,
            }
        }
        if !ok {
            s.fail(st.2);
        }
    }
}

/// DL3061: Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.
pub fn dl3061(items: &[Item], s: &mut Sink) {
    let mut seen_from = false;
    for it in items {
        match it.args() {
            Args::From(_) => seen_from = true,
            Args::Comment(_) | Args::Arg(_) => {}
            _ if !seen_from => s.fail(it.line),
            _ => {}
        }
    }
}

/// DL3063: Stage name is reserved. Do not use `scratch` or `context` as a stage name.
pub fn dl3063(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::From(f) = it.args() {
            if let Some(a) = &f.alias {
                if matches!(a.to_ascii_lowercase().as_str(), "scratch" | "context") {
                    s.fail(it.line);
                }
            }
        }
    }
}

/// Names hadolint considers sensitive in `ARG`/`ENV` (DL3064).
pub const SENSITIVE_NAMES: &[&str] = &[
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
pub const SUSPICIOUS: &[&str] = &[
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
    "username",
];

/// Whether a variable name looks sensitive (hadolint DL3064 logic).
pub fn is_sensitive_name(name: &str) -> bool {
    let up = name.to_ascii_uppercase();
    let low = name.to_ascii_lowercase();
    SENSITIVE_NAMES.contains(&up.as_str()) || SUSPICIOUS.iter().any(|s| low.contains(s))
}

/// DL3064: Potentially sensitive data should not be used in the `ARG` or `ENV` commands
pub fn dl3064(items: &[Item], s: &mut Sink) {
    for it in items {
        let bad = match it.args() {
            Args::Arg(a) => a.iter().any(|(k, _)| is_sensitive_name(k)),
            Args::Env(p) => p.iter().any(|(k, _)| is_sensitive_name(k)),
            _ => false,
        };
        if bad {
            s.fail(it.line);
        }
    }
}

/// DL3065: Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as...
pub fn dl3065(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::From(f) = it.args() {
            if matches!(
                f.platform.as_deref(),
                Some("$TARGETPLATFORM" | "${TARGETPLATFORM}")
            ) {
                s.fail(it.line);
            }
        }
    }
}

/// DL3066: Non-numeric user-id may not be resolvable by host system
pub fn dl3066(items: &[Item], s: &mut Sink) {
    // hadolint 2.15.1 accepts a variable declared by ARG (its value is unknown here) and
    // reports anything else that is not numeric, ENV-defined variables included.
    let mut args: HashSet<String> = HashSet::new();
    for it in items {
        match it.args() {
            Args::Arg(a) => args.extend(a.iter().map(|(k, _)| k.clone())),
            Args::User(u) => {
                let uid = u.split(':').next().unwrap_or("");
                if uid.chars().all(|c| c.is_ascii_digit()) {
                    continue;
                }
                let var = uid
                    .trim_start_matches('$')
                    .trim_start_matches('{')
                    .trim_end_matches('}');
                if uid.starts_with('$') && args.contains(var) {
                    continue;
                }
                s.fail(it.line);
            }
            _ => {}
        }
    }
}

/// DL3067: Do not copy an entire filesystem from another stage
pub fn dl3067(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Copy(c) = it.args() {
            if c.from.is_some()
                && c.sources.iter().any(|x| drop_quotes(x) == "/")
                && drop_quotes(&c.dest) == "/"
            {
                s.fail(it.line);
            }
        }
    }
}

/// DL4000: MAINTAINER is deprecated
pub fn dl4000(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Maintainer(_) = it.args() {
            s.fail(it.line);
        }
    }
}

/// DL4003: Multiple `CMD` instructions found. If you list more than one `CMD` then only...
pub fn dl4003(items: &[Item], s: &mut Sink) {
    let mut seen = false;
    for it in items {
        match it.args() {
            Args::From(_) => seen = false,
            Args::Cmd(_) => {
                if seen {
                    s.fail(it.line);
                }
                seen = true;
            }
            _ => {}
        }
    }
}

/// DL4004: Multiple `ENTRYPOINT` instructions found. If you list more than one...
pub fn dl4004(items: &[Item], s: &mut Sink) {
    let mut seen = false;
    for it in items {
        match it.args() {
            Args::From(_) => seen = false,
            Args::Entrypoint(_) => {
                if seen {
                    s.fail(it.line);
                }
                seen = true;
            }
            _ => {}
        }
    }
}

/// DL1001: Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`.
pub fn dl1001(items: &[Item], s: &mut Sink) {
    for it in items {
        if let Args::Comment(c) = it.args() {
            if super::parse_ignore_pragma(c, false).is_some() {
                s.fail(it.line);
            }
        }
    }
}
