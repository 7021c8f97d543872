//! Account databases: empty passwords (DKL-LI-0001) and duplicate IDs or names (DKL-LI-0002).

use std::collections::BTreeMap;

use super::*;
use crate::finding::{AuditFinding, Finding};

/// One line of `/etc/passwd` (or `/etc/group`): name, password field, numeric ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// User or group name.
    pub name: String,
    /// Second field (`x`, `*`, a hash, or empty).
    pub password: String,
    /// UID or GID.
    pub id: Option<u32>,
    /// 1-based line.
    pub line: usize,
}

/// Parse `name:password:id:...` lines; comments, blank lines and NIS `+`/`-` lines skipped.
pub fn parse_colon_file(text: &str) -> Vec<Account> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty()
                || line.starts_with('#')
                || line.starts_with('+')
                || line.starts_with('-')
            {
                return None;
            }
            let mut fields = line.split(':');
            let name = fields.next()?.to_string();
            let password = fields.next().unwrap_or("").to_string();
            let id = fields.next().and_then(|f| f.trim().parse().ok());
            Some(Account {
                name,
                password,
                id,
                line: i + 1,
            })
        })
        .collect()
}

/// A file as the checks see it: path (no leading `/`), the layer that wrote it, its text.
pub type TextFile<'a> = (&'a str, usize, String);

/// DKL-LI-0001: accounts whose password field is empty in `/etc/shadow` (or
/// `/etc/master.passwd`), or in `/etc/passwd` itself (no shadowing: also a login without a
/// password). Locked (`!`, `*`) and shadowed (`x`) entries are fine.
pub fn check_empty_passwords(
    shadow: Option<&TextFile>,
    passwd: Option<&TextFile>,
    master: Option<&TextFile>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for file in [shadow, master, passwd].into_iter().flatten() {
        let (path, layer, text) = file;
        for a in parse_colon_file(text) {
            if a.password.is_empty() {
                out.push(
                    Finding::config(
                        &DKL_LI_0001,
                        format!("account {} has an empty password field (line {}): it can log in without a password", a.name, a.line),
                    )
                    .at_path(path)
                    .in_layer(Some(*layer)),
                );
            }
        }
    }
    out
}

/// DKL-LI-0002: UIDs in `/etc/passwd` and GIDs in `/etc/group` used by more than one name,
/// and names defined twice. One finding per duplicated ID or name.
pub fn check_duplicates(passwd: Option<&TextFile>, group: Option<&TextFile>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (file, what, id_name) in [(passwd, "user", "UID"), (group, "group", "GID")] {
        let Some((path, layer, text)) = file else {
            continue;
        };
        let accounts = parse_colon_file(text);
        let mut by_id: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &accounts {
            if let Some(id) = a.id {
                by_id.entry(id).or_default().push(&a.name);
            }
            *by_name.entry(&a.name).or_default() += 1;
        }
        for (id, names) in by_id {
            if names.len() > 1 {
                out.push(
                    Finding::config(
                        &DKL_LI_0002,
                        format!("duplicate {id_name} {id}: {what}s {}", names.join(", ")),
                    )
                    .at_path(path)
                    .in_layer(Some(*layer)),
                );
            }
        }
        for (name, n) in by_name {
            if n > 1 {
                out.push(
                    Finding::config(&DKL_LI_0002, format!("{what} {name} is defined {n} times"))
                        .at_path(path)
                        .in_layer(Some(*layer)),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_duplicates() {
        let shadow = (
            "etc/shadow",
            4,
            "root:*:1::::::\ndeploy::2::::::\nb:!:3::::::\n".to_string(),
        );
        let f = check_empty_passwords(Some(&shadow), None, None);
        assert_eq!(f.len(), 1);
        assert!(f[0].details.contains("deploy"));
        let passwd = (
            "etc/passwd",
            4,
            "root:x:0:0::/:/bin/sh\na:x:1000:1000::/:/bin/sh\nb:x:1000:1000::/:/bin/sh\n"
                .to_string(),
        );
        let f = check_duplicates(Some(&passwd), None);
        assert_eq!(f.len(), 1);
        assert!(f[0].details.contains("UID 1000"));
        assert!(parse_colon_file("garbage\n::\n:::::::::\n").len() == 3);
    }
}
