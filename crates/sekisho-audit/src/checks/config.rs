//! Checks on the image config alone: user, healthcheck, credentials in ENV and labels,
//! volumes, tags, exposed ports.

use sekisho_image::ImageConfig;

use super::*;
use crate::finding::{AuditFinding, Finding};
use crate::AuditOptions;

/// Words of an ENV or label key that suggest a credential. A key is split into words at
/// `_`, `-`, `.` and lower-to-upper case changes, so `KEYBOARD_LAYOUT` or `MONKEY` do not match
/// `KEY` (Dockle matches substrings).
const SUSPICIOUS_WORDS: &[&str] = &[
    "PASSWD",
    "PASSWORD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
    "PRIVATE",
    "AUTH",
];

/// Keys Dockle accepts by default (public GPG key IDs in official images).
const ACCEPTED_KEYS: &[&str] = &["GPG_KEY", "GPG_KEYS"];

/// Key words that are never secrets on their own even next to `KEY`.
const KEY_PARTNERS_OK: &[&str] = &["GPG", "PUBLIC", "PUB"];

/// Split an ENV or label key into upper-case words.
pub fn key_words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase();
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Why `key` looks like it holds a credential, if it does.
pub fn suspicious_key(key: &str) -> Option<String> {
    if ACCEPTED_KEYS.contains(&key.to_ascii_uppercase().as_str()) {
        return None;
    }
    let words = key_words(key);
    if let Some(w) = words
        .iter()
        .find(|w| SUSPICIOUS_WORDS.contains(&w.as_str()))
    {
        return Some(w.clone());
    }
    // `KEY` as a word counts unless it is a public key ID (`GPG_KEY`, `PUBLIC_KEY`), and
    // `ACCESS` only next to `KEY` (`ACCESS_KEY`, Dockle's `ACCESS` alone matched `ACCESS_LOG`).
    if words.iter().any(|w| w == "KEY")
        && !words.iter().any(|w| KEY_PARTNERS_OK.contains(&w.as_str()))
    {
        return Some("KEY".to_string());
    }
    if words.iter().any(|w| w == "PWD") && words.len() > 1 {
        return Some("PWD".to_string());
    }
    None
}

/// Whether a `User` value names root: empty, `root`, `0`, with or without a group, or a
/// user name that `/etc/passwd` maps to UID 0 (given by `uid_of`).
pub fn is_root_user(user: &str, uid_of: &dyn Fn(&str) -> Option<u32>) -> bool {
    let user_part = user.trim().split(':').next().unwrap_or("").trim();
    if user_part.is_empty() || user_part == "root" {
        return true;
    }
    if let Ok(uid) = user_part.parse::<u64>() {
        return uid == 0;
    }
    uid_of(user_part) == Some(0)
}

/// Config checks. `uid_of` maps a user name to its UID from the image's `/etc/passwd`.
pub fn check_config(
    config: &ImageConfig,
    tags: &[String],
    opts: &AuditOptions,
    uid_of: &dyn Fn(&str) -> Option<u32>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let rc = &config.config;

    if is_root_user(&rc.user, uid_of) {
        let details = if rc.user.trim().is_empty() {
            "no USER in the config: the container runs as root".to_string()
        } else {
            format!("USER {:?} is root", rc.user)
        };
        out.push(Finding::config(&CIS_DI_0001, details).at("config User"));
    }

    match &rc.healthcheck {
        None => out.push(
            Finding::config(&CIS_DI_0006, "no HEALTHCHECK in the config").at("config Healthcheck"),
        ),
        Some(h) if h.test.first().map(String::as_str) == Some("NONE") => out.push(
            Finding::config(&CIS_DI_0006, "HEALTHCHECK NONE disables the health check")
                .at("config Healthcheck"),
        ),
        Some(_) => {}
    }

    let env_keys = rc.env.iter().map(|env| {
        (
            "ENV",
            "Env",
            env.split_once('=').map(|(k, _)| k).unwrap_or(env),
        )
    });
    let label_keys = rc.labels.keys().map(|k| ("LABEL", "Labels", k.as_str()));
    for (what, field, key) in env_keys.chain(label_keys) {
        if opts.accepts_key(key) {
            continue;
        }
        if let Some(word) = suspicious_key(key) {
            out.push(
                Finding::config(
                    &CIS_DI_0010,
                    format!("suspicious {what} key {key} (contains {word}); accept with --accept-key {key}"),
                )
                .at(format!("config {field}[{key}]")),
            );
        }
    }

    for volume in rc.volumes.keys() {
        let v = volume.trim_end_matches('/');
        let v = if v.is_empty() { "/" } else { v };
        if matches!(
            v,
            "/" | "/dev"
                | "/proc"
                | "/sys"
                | "/boot"
                | "/etc"
                | "/var/run/docker.sock"
                | "/run/docker.sock"
        ) {
            out.push(
                Finding::config(
                    &DKL_DI_0002,
                    format!("VOLUME {volume} mounts a sensitive directory"),
                )
                .at("config Volumes"),
            );
        }
    }

    for tag in tags {
        let name_tag = tag.rsplit('/').next().unwrap_or(tag);
        if tag == "latest" || name_tag.ends_with(":latest") {
            out.push(Finding::config(&DKL_DI_0006, format!("image tag {tag}")).at("image tag"));
        }
    }

    for port in rc.exposed_ports.keys() {
        let (number, proto) = port.split_once('/').unwrap_or((port, "tcp"));
        if number.trim() == "22" && proto.eq_ignore_ascii_case("tcp") {
            out.push(
                Finding::config(
                    &SK_IMG_003,
                    format!("EXPOSE {port}: an SSH server in a container (Trivy DS004)"),
                )
                .at("config ExposedPorts"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_users() {
        let none = |_: &str| None;
        for u in [
            "",
            "root",
            "0",
            "0:0",
            "root:root",
            "root:1000",
            " 0 ",
            "00",
        ] {
            assert!(is_root_user(u, &none), "{u:?}");
        }
        for u in ["1000", "1000:1000", "nobody", "app:root"] {
            assert!(!is_root_user(u, &none), "{u:?}");
        }
        let toor = |n: &str| (n == "toor").then_some(0);
        assert!(is_root_user("toor", &toor));
    }

    #[test]
    fn suspicious_keys() {
        for k in [
            "PASSWORD",
            "DB_PASSWORD",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "org.example.deploy-token",
            "API_KEY",
            "GITHUB_TOKEN",
            "apiKey",
            "MYSQL_ROOT_PWD",
        ] {
            assert!(suspicious_key(k).is_some(), "{k}");
        }
        for k in [
            "PATH",
            "GPG_KEY",
            "KEYBOARD",
            "ACCESS_LOG",
            "PUBLIC_KEY_URL",
            "PWD",
            "maintainer",
            "HOME",
            "NODE_VERSION",
        ] {
            assert!(suspicious_key(k).is_none(), "{k}");
        }
    }
}
