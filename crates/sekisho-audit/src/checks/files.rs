//! Filesystem checks on the merged final filesystem, plus what later layers deleted (still in
//! the blobs): setuid/setgid files, world-writable files, credential files, unnecessary files,
//! package-manager caches, sudo.

use std::collections::{BTreeMap, HashMap};

use sekisho_image::{EntryKind, ImageScan, MergedFs};
use sekisho_model::Package;

use super::history::{cleans_apt_lists, world_writable_chmods, HistoryStep};
use super::*;
use crate::finding::{AuditFinding, FileState, Finding};
use crate::{AuditOptions, AuditOutput};

/// setuid/setgid programs that distributions ship on purpose. A setuid/setgid file whose name
/// is on this list *and* that an OS package owns is a known distro default (reported at INFO);
/// anything else is reported at WARN. Entries with a `/` are matched against the full path
/// (with `/bin` ≡ `/usr/bin` and so on for merged-/usr), others against the file name.
/// Extend it with `--setuid-allow`.
pub const DEFAULT_SETUID_ALLOW: &[&str] = &[
    "su",
    "sudo",
    "sudoedit",
    "passwd",
    "chsh",
    "chfn",
    "gpasswd",
    "newgrp",
    "newuidmap",
    "newgidmap",
    "mount",
    "umount",
    "chage",
    "expiry",
    "unix_chkpwd",
    "pam_extrausers_chkpwd",
    "crontab",
    "ssh-keysign",
    "ssh-agent",
    "dbus-daemon-launch-helper",
    "pkexec",
    "polkit-agent-helper-1",
    "ping",
    "ping6",
    "traceroute6.iputils",
    "wall",
    "write",
    "bsd-write",
    "dotlockfile",
    "at",
    "fusermount",
    "fusermount3",
    "bbsuid",
    "Xorg.wrap",
    "utempter",
    "userhelper",
    "pt_chown",
];

/// Top-level directories where a world-writable file is a problem.
const SYSTEM_DIRS: &[&str] = &[
    "bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "opt", "boot", "root", "var",
];

/// Paths under the system directories where world-writable entries are normal.
const WRITABLE_OK: &[&str] = &[
    "var/tmp",
    "var/crash",
    "var/lock",
    "var/run",
    "var/spool/mail",
    "var/mail",
];

/// Library trees: name-based credential and unnecessary-file checks skip them (package test
/// fixtures, vendored code); the secret scanner still reads their content.
fn in_library_tree(path: &str) -> bool {
    path.starts_with("usr/lib/")
        || path.starts_with("usr/share/")
        || path.starts_with("usr/local/lib/")
        || path.starts_with("usr/include/")
        || path.starts_with("lib/")
        || path.split('/').any(|c| {
            matches!(
                c,
                "node_modules" | "vendor" | "site-packages" | "dist-packages" | "gems" | "bundle"
            )
        })
}

/// `bin/x` ↔ `usr/bin/x` and the like, for merged-/usr ownership lookups.
fn usr_alias(path: &str) -> Option<String> {
    for top in ["bin/", "sbin/", "lib/", "lib32/", "lib64/", "libx32/"] {
        if let Some(rest) = path.strip_prefix(top) {
            return Some(format!("usr/{top}{rest}"));
        }
        if let Some(rest) = path.strip_prefix("usr/").and_then(|p| p.strip_prefix(top)) {
            return Some(format!("{top}{rest}"));
        }
    }
    None
}

/// Map of owned file (no leading `/`) → owning package.
pub fn owners(packages: &[Package]) -> HashMap<&str, &Package> {
    let mut map = HashMap::new();
    for p in packages {
        for f in &p.files {
            map.entry(f.trim_start_matches('/')).or_insert(p);
        }
    }
    map
}

fn owner_of<'a>(owners: &HashMap<&str, &'a Package>, path: &str) -> Option<&'a Package> {
    owners
        .get(path)
        .copied()
        .or_else(|| usr_alias(path).and_then(|a| owners.get(a.as_str()).copied()))
}

fn allowed_setuid(path: &str, allow: &[String]) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    allow.iter().any(|a| {
        if a.contains('/') {
            let a = a.trim_start_matches('/');
            a == path || usr_alias(path).as_deref() == Some(a)
        } else {
            a == base
        }
    })
}

/// The content a layer stored for `path`.
pub fn layer_bytes<'a>(
    scan: &'a ImageScan<AuditOutput>,
    layer: usize,
    path: &str,
) -> Option<&'a [u8]> {
    scan.outputs.get(layer)?.get(path)?.bytes.as_deref()
}

/// CIS-DI-0008: every setuid/setgid file of the final filesystem, its owner package named.
pub fn check_setuid(fs: &MergedFs, packages: &[Package], opts: &AuditOptions) -> Vec<Finding> {
    let owners = owners(packages);
    let mut out = Vec::new();
    for (path, node) in fs.iter() {
        if node.kind != EntryKind::File || node.mode & 0o6000 == 0 {
            continue;
        }
        let mut bits = Vec::new();
        if node.mode & 0o4000 != 0 {
            bits.push(format!("setuid (owner uid {})", node.uid));
        }
        if node.mode & 0o2000 != 0 {
            bits.push(format!("setgid (group gid {})", node.gid));
        }
        let owner = owner_of(&owners, path);
        let allowed = owner.is_some() && allowed_setuid(path, &opts.setuid_allow);
        let who = match owner {
            Some(p) => format!("owned by OS package {} {}", p.name, p.version),
            None => "not owned by any OS package".to_string(),
        };
        let verdict = if allowed {
            "a known distro default (setuid allow-list)"
        } else if owner.is_some() {
            "not on the setuid allow-list"
        } else {
            "added outside the package manager"
        };
        let f = Finding::config(
            &CIS_DI_0008,
            format!(
                "{} {:04o} /{path}: {who}; {verdict}",
                bits.join(" and "),
                node.mode
            ),
        )
        .at_path(path)
        .in_layer(Some(node.layer));
        out.push(if allowed {
            f
        } else {
            f.with_level(Level::Warn)
        });
    }
    out
}

/// SK-IMG-002: world-writable files (and directories without the sticky bit) in system paths.
/// A history step of the same layer that `chmod`s the file world-writable is named.
pub fn check_world_writable(fs: &MergedFs, steps: &[HistoryStep]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (path, node) in fs.iter() {
        let top = path.split('/').next().unwrap_or("");
        if !SYSTEM_DIRS.contains(&top)
            || WRITABLE_OK
                .iter()
                .any(|ok| path == *ok || path.starts_with(&format!("{ok}/")))
        {
            continue;
        }
        let bad = match node.kind {
            EntryKind::File => node.mode & 0o002 != 0,
            EntryKind::Dir => node.mode & 0o002 != 0 && node.mode & 0o1000 == 0,
            _ => false,
        };
        if !bad {
            continue;
        }
        let what = if node.kind == EntryKind::Dir {
            "directory"
        } else {
            "file"
        };
        let mut details = format!("world-writable {what} /{path} ({:04o})", node.mode);
        for s in steps.iter().filter(|s| s.layer == Some(node.layer)) {
            if let Some(script) = &s.step.script {
                for (mode, targets) in world_writable_chmods(script) {
                    if targets.iter().any(|t| t.trim_start_matches('/') == path) {
                        details.push_str(&format!("; set by history[{}]: chmod {mode}", s.index));
                    }
                }
            }
        }
        out.push(
            Finding::config(&SK_IMG_002, details)
                .at_path(path)
                .in_layer(Some(node.layer)),
        );
    }
    out
}

/// Why a file at `path` with `content` (if captured) is a credential file, if it is.
pub fn credential_file(path: &str, content: Option<&[u8]>) -> Option<&'static str> {
    let base = path.rsplit('/').next().unwrap_or(path);
    let parent = path.rsplit('/').nth(1).unwrap_or("");
    let text = || content.map(String::from_utf8_lossy).unwrap_or_default();
    let strong = match base {
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" => {
            Some("SSH private key")
        }
        "credentials" if parent == ".aws" => Some("AWS credentials file"),
        ".git-credentials" => Some("git credential store"),
        ".netrc" | "_netrc" => Some("netrc with login credentials"),
        ".pgpass" => Some("PostgreSQL password file"),
        "config" if parent == ".kube" => Some("kubeconfig"),
        ".npmrc" => {
            let t = text();
            (t.contains("_authToken") || t.contains("_auth=") || t.contains("_password"))
                .then_some(".npmrc with a registry token")
        }
        ".pypirc" => text()
            .contains("password")
            .then_some(".pypirc with a password"),
        "config.json" if parent == ".docker" => {
            let t = text();
            (t.contains("\"auth\"") || t.contains("identitytoken"))
                .then_some("Docker config with registry credentials")
        }
        _ => None,
    };
    if strong.is_some() {
        return strong;
    }
    if path.starts_with("etc/ssh/ssh_host_") && base.ends_with("_key") {
        return Some("SSH host private key baked into the image (shared by every container)");
    }
    if base == ".env"
        || (base.starts_with(".env.")
            && !matches!(
                base.rsplit('.').next(),
                Some("example" | "sample" | "template" | "dist" | "defaults")
            ))
    {
        return Some("dotenv file");
    }
    if in_library_tree(path) {
        return None;
    }
    // Dockle's file names and extensions.
    if matches!(
        base,
        "credentials.json"
            | "credential.json"
            | "credentials"
            | "credential"
            | "password.txt"
            | "secret_token.rb"
            | "carrierwave.rb"
            | "omniauth.rb"
            | "settings.py"
            | "database.yml"
            | "credentials.xml"
    ) {
        return Some("file name of a credential file");
    }
    let ext = base.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if !base.starts_with('.')
        && matches!(
            ext,
            "secret"
                | "ovpn"
                | "private_key"
                | "cscfg"
                | "rdp"
                | "mdf"
                | "sdf"
                | "bek"
                | "tpm"
                | "fve"
                | "jks"
                | "psafe3"
                | "agilekeychain"
                | "keychain"
                | "pcap"
                | "gnucache"
        )
    {
        return Some("file extension of a credential file");
    }
    None
}

/// CIS-DI-0010 for files: credential files in the final filesystem, and those a later layer
/// deleted (still in the layer blob).
pub fn check_credential_files(scan: &ImageScan<AuditOutput>, opts: &AuditOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    for (path, node) in scan.fs.iter() {
        if node.kind != EntryKind::File || opts.accepts_file(path) {
            continue;
        }
        let content = scan
            .final_output(path)
            .and_then(|(_, _, o)| o.bytes.as_deref());
        if let Some(why) = credential_file(path, content) {
            out.push(
                Finding::config(
                    &CIS_DI_0010,
                    format!("{why}: /{path}; accept with --accept-file"),
                )
                .at_path(path)
                .in_layer(Some(node.layer))
                .with_state(FileState::Present, None),
            );
        }
    }
    for d in scan.fs.deleted() {
        if opts.accepts_file(&d.path) {
            continue;
        }
        let content = layer_bytes(scan, d.added_in, &d.path);
        if let Some(why) = credential_file(&d.path, content) {
            out.push(
                Finding::config(
                    &CIS_DI_0010,
                    format!(
                        "{why}: /{} added in layer {} and deleted in layer {}, still readable from the layer blob",
                        d.path, d.added_in, d.deleted_in
                    ),
                )
                .at_path(&d.path)
                .in_layer(Some(d.added_in))
                .with_state(FileState::Deleted, Some(d.deleted_in)),
            );
        }
    }
    out
}

const UNNECESSARY_DIRS: &[&str] = &[".git", ".svn", ".hg", ".cache", ".vscode", ".idea", ".npm"];
const UNNECESSARY_FILES: &[&str] = &[
    "Dockerfile",
    "docker-compose.yml",
    "docker-compose.yaml",
    ".vimrc",
    ".DS_Store",
    ".bash_history",
    ".zsh_history",
    ".ash_history",
    ".sh_history",
    ".python_history",
    ".mysql_history",
    ".psql_history",
    ".node_repl_history",
    ".lesshst",
    ".viminfo",
];

/// DKL-LI-0003: directories and files that have no place in a runtime image (VCS metadata,
/// editor and tool caches, shell histories, `.DS_Store`, build files), files left in `/tmp`, and
/// yum/dnf caches. One finding per directory.
pub fn check_unnecessary(fs: &MergedFs, opts: &AuditOptions) -> Vec<Finding> {
    let mut dirs: BTreeMap<String, (usize, usize)> = BTreeMap::new(); // dir -> (layer, files)
    let mut out = Vec::new();
    for (path, node) in fs.iter() {
        if node.kind != EntryKind::File || opts.accepts_file(path) {
            continue;
        }
        let comps: Vec<&str> = path.split('/').collect();
        if comps
            .iter()
            .any(|c| matches!(*c, "node_modules" | "vendor"))
        {
            continue;
        }
        // Shallowest unnecessary directory on the path.
        let mut dir_hit = None;
        for (i, c) in comps[..comps.len() - 1].iter().enumerate() {
            let prefix = comps[..=i].join("/");
            if UNNECESSARY_DIRS.contains(c)
                || prefix == "tmp"
                || prefix == "var/tmp"
                || prefix == "var/cache/yum"
                || prefix == "var/cache/dnf"
            {
                dir_hit = Some(prefix);
                break;
            }
        }
        if let Some(dir) = dir_hit {
            if in_library_tree(path) && !dir.ends_with(".cache") {
                continue;
            }
            let layer = fs.get(&dir).map(|n| n.layer).unwrap_or(node.layer);
            let e = dirs.entry(dir).or_insert((layer, 0));
            e.1 += 1;
            continue;
        }
        let base = comps[comps.len() - 1];
        if UNNECESSARY_FILES.contains(&base) && !in_library_tree(path) {
            out.push(
                Finding::config(&DKL_LI_0003, format!("unnecessary file /{path}"))
                    .at_path(path)
                    .in_layer(Some(node.layer)),
            );
        }
    }
    for (dir, (layer, files)) in dirs {
        let what = if dir.ends_with(".git") || dir.ends_with(".svn") || dir.ends_with(".hg") {
            "version control metadata (source history, remotes, possibly credentials)"
        } else if dir.starts_with("var/cache/") || dir.contains(".cache") || dir.ends_with(".npm") {
            "cache left behind"
        } else if dir == "tmp" || dir == "var/tmp" {
            "temporary files left behind"
        } else {
            "editor or tool directory"
        };
        out.push(
            Finding::config(
                &DKL_LI_0003,
                format!("unnecessary directory /{dir}: {what} ({files} files)"),
            )
            .at_path(&dir)
            .in_layer(Some(layer)),
        );
    }
    out
}

/// One kind of package-manager cache.
struct CacheKind {
    check: Check,
    dir: &'static str,
    counts: fn(&str) -> bool,
}

fn apt_counts(path: &str) -> bool {
    if let Some(rest) = path.strip_prefix("var/lib/apt/lists/") {
        return rest != "lock" && !rest.starts_with("partial/") && !rest.starts_with("auxfiles/");
    }
    if let Some(rest) = path.strip_prefix("var/cache/apt/") {
        return rest.ends_with(".deb") || rest.ends_with(".bin");
    }
    false
}

fn apk_counts(path: &str) -> bool {
    path.strip_prefix("var/cache/apk/")
        .is_some_and(|r| r != "installed")
}

/// DKL-DI-0005 (apt lists and archives) and DKL-DI-0004 (apk cache), judged from the files the
/// image really holds (present, or deleted by a later layer but still in the blob), one finding
/// per cache per layer; the history step of that layer is named when it installs without
/// cleaning up. Dockle judges from the history text alone.
pub fn check_caches(scan: &ImageScan<AuditOutput>, steps: &[HistoryStep]) -> Vec<Finding> {
    let kinds = [
        CacheKind {
            check: DKL_DI_0005,
            dir: "var/lib/apt/lists",
            counts: apt_counts,
        },
        CacheKind {
            check: DKL_DI_0004,
            dir: "var/cache/apk",
            counts: apk_counts,
        },
    ];
    let mut out = Vec::new();
    for kind in &kinds {
        // layer -> (state, deleted_in, counted files, all files)
        let mut by_layer: BTreeMap<usize, (FileState, Option<usize>, Vec<String>, usize)> =
            BTreeMap::new();
        let in_scope = |p: &str| {
            p.starts_with(&format!("{}/", kind.dir))
                || (kind.dir == "var/lib/apt/lists" && p.starts_with("var/cache/apt/"))
        };
        for (path, node) in scan.fs.iter() {
            if node.kind == EntryKind::File && in_scope(path) {
                let e =
                    by_layer
                        .entry(node.layer)
                        .or_insert((FileState::Present, None, Vec::new(), 0));
                e.3 += 1;
                if (kind.counts)(path) && node.size > 0 {
                    e.2.push(path.to_string());
                }
            }
        }
        for d in scan.fs.deleted() {
            if in_scope(&d.path) && (kind.counts)(&d.path) {
                let e = by_layer.entry(d.added_in).or_insert((
                    FileState::Deleted,
                    Some(d.deleted_in),
                    Vec::new(),
                    0,
                ));
                e.3 += 1;
                e.2.push(d.path.clone());
            }
        }
        for (layer, (state, deleted_in, counted, all)) in by_layer {
            if counted.is_empty() {
                continue;
            }
            let sample: Vec<String> = counted.iter().take(3).map(|p| format!("/{p}")).collect();
            let files = |n: usize| if n == 1 { "file" } else { "files" };
            let mut details = format!(
                "{} cache {} left by layer {layer} ({all} {} in the cache directories, e.g. {})",
                counted.len(),
                files(counted.len()),
                files(all),
                sample.join(", ")
            );
            if state == FileState::Deleted {
                details.push_str(&format!(
                    "; deleted in layer {} but still in the layer blob",
                    deleted_in.unwrap_or(0)
                ));
            }
            for s in steps.iter().filter(|s| s.layer == Some(layer)) {
                if let Some(script) = &s.step.script {
                    let apt = script
                        .commands()
                        .any(|c| matches!(c.name(), "apt-get" | "apt"));
                    if apt && !cleans_apt_lists(script) {
                        details.push_str(&format!(
                            "; history[{}] runs apt without rm -rf /var/lib/apt/lists",
                            s.index
                        ));
                    }
                    if script.commands().any(|c| {
                        c.name() == "apk"
                            && c.subcommand() == Some("add")
                            && !c.has_arg("--no-cache")
                    }) {
                        details.push_str(&format!(
                            "; history[{}] runs apk add without --no-cache",
                            s.index
                        ));
                    }
                }
            }
            out.push(
                Finding::config(&kind.check, details)
                    .at_path(kind.dir)
                    .in_layer(Some(layer))
                    .with_state(state, deleted_in),
            );
        }
    }
    out
}

/// DKL-DI-0001 from the filesystem: sudo installed (by its OS package, or as a file).
pub fn check_sudo(fs: &MergedFs, packages: &[Package]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen_paths = Vec::new();
    for p in packages
        .iter()
        .filter(|p| p.name == "sudo" || p.name.starts_with("sudo-"))
    {
        let bin = p.files.iter().map(|f| f.trim_start_matches('/')).find(|f| {
            f.rsplit('/').next() == Some("sudo")
                && f.rsplit('/')
                    .nth(1)
                    .is_some_and(|d| d == "bin" || d == "sbin")
                && fs
                    .resolve(f)
                    .is_some_and(|(_, n)| n.kind == EntryKind::File)
        });
        let path = bin.map(|b| {
            fs.resolve(b)
                .map(|(r, _)| r)
                .unwrap_or_else(|| b.to_string())
        });
        let mut f = Finding::config(
            &DKL_DI_0001,
            format!("sudo is installed: OS package {} {}", p.name, p.version),
        )
        .in_layer(Some(p.layer.index));
        if let Some(path) = &path {
            f = f.at_path(path);
            seen_paths.push(path.clone());
        }
        out.push(f);
    }
    for candidate in [
        "usr/bin/sudo",
        "bin/sudo",
        "usr/local/bin/sudo",
        "usr/sbin/sudo",
        "sbin/sudo",
    ] {
        if let Some((real, node)) = fs.resolve(candidate) {
            if node.kind == EntryKind::File && !seen_paths.contains(&real) {
                seen_paths.push(real.clone());
                out.push(
                    Finding::config(
                        &DKL_DI_0001,
                        format!("sudo binary /{real} (not from an OS package)"),
                    )
                    .at_path(&real)
                    .in_layer(Some(node.layer)),
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
    fn credential_names() {
        assert!(credential_file("root/.ssh/id_ed25519", None).is_some());
        assert!(credential_file("root/.ssh/id_ed25519.pub", None).is_none());
        assert!(credential_file("root/.aws/credentials", None).is_some());
        assert!(credential_file("app/.env", None).is_some());
        assert!(credential_file("app/.env.example", None).is_none());
        assert!(credential_file("home/a/.npmrc", Some(b"registry=https://r/\n")).is_none());
        assert!(credential_file("home/a/.npmrc", Some(b"//r/:_authToken=abc\n")).is_some());
        assert!(credential_file(
            "usr/lib/python3/dist-packages/django/conf/settings.py",
            None
        )
        .is_none());
        assert!(credential_file("app/settings.py", None).is_some());
        assert!(credential_file("etc/ssh/ssh_host_ed25519_key", None).is_some());
        assert!(credential_file("etc/ssh/ssh_host_ed25519_key.pub", None).is_none());
    }

    #[test]
    fn aliases_and_allow() {
        assert_eq!(usr_alias("bin/su").as_deref(), Some("usr/bin/su"));
        assert_eq!(usr_alias("usr/bin/su").as_deref(), Some("bin/su"));
        let allow: Vec<String> = vec!["sudo".into(), "/usr/lib/x/helper".into()];
        assert!(allowed_setuid("usr/bin/sudo", &allow));
        assert!(allowed_setuid("lib/x/helper", &allow));
        assert!(!allowed_setuid("usr/local/bin/netdiag", &allow));
    }
}
