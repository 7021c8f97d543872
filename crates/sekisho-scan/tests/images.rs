//! Acceptance tests on the shared test images (../shared/data/images, see its README): every
//! planted problem of `bad-practices` with the right ID, path and layer, and every other finding
//! explained; `whiteout-layers`' deleted secret and setuid copy-up; clean images.

mod common;

use std::collections::BTreeSet;

use common::{audit, stream, IMAGES};
use sekisho_audit::{AuditFinding, AuditOptions, FileState, Finding, FindingKind, Level};

fn run(rel: &str) -> Option<Vec<Finding>> {
    let scan = stream(rel);
    Some(audit(&scan, &AuditOptions::default()))
}

/// Takes the findings matching (id, location, layer) out of `rest`; at least one must match.
fn take(rest: &mut Vec<Finding>, id: &str, location: &str, layer: Option<usize>) -> Vec<Finding> {
    let (hit, keep): (Vec<Finding>, Vec<Finding>) = rest
        .drain(..)
        .partition(|f| f.id == id && f.location == location && f.layer == layer);
    *rest = keep;
    assert!(
        !hit.is_empty(),
        "expected {id} at {location} layer {layer:?}; remaining:\n{}",
        sekisho_report::render_findings_table(rest, false)
    );
    hit
}

/// The planted secrets' fingerprints: (layer, path, sha256).
fn planted_secrets() -> Vec<(String, String, String)> {
    let text =
        std::fs::read_to_string(format!("{IMAGES}/groundtruth/bad-practices.secrets.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let path = c[2].split(" (").next().unwrap().to_string();
            (c[1].to_string(), path, c[6].to_string())
        })
        .collect()
}

#[test]
fn bad_practices_planted_problems() {
    let Some(findings) = run("built/bad-practices.docker.tar.gz") else {
        return;
    };

    // Every planted secret is found with its exact value (compared by sha256).
    for (layer, path, sha) in planted_secrets() {
        let hit = findings.iter().any(|f| {
            f.kind == FindingKind::Secret
                && f.secret.as_ref().is_some_and(|s| s.sha256 == sha)
                && if layer == "config" {
                    f.location == format!("config {path}")
                } else {
                    f.path.as_deref() == Some(path.as_str()) && f.layer == layer.parse().ok()
                }
        });
        assert!(hit, "planted secret not found: layer {layer} {path} {sha}");
    }

    let mut rest = findings.clone();
    let cfg = |id: &str| sekisho_audit::checks::by_id(id).unwrap().level;
    // #1 no User.
    take(&mut rest, "CIS-DI-0001", "config User", None);
    // #2 AWS example pair in ENV: CIS-DI-0010 for both keys + the secret rules at LOW (example).
    take(
        &mut rest,
        "CIS-DI-0010",
        "config Env[AWS_ACCESS_KEY_ID]",
        None,
    );
    take(
        &mut rest,
        "CIS-DI-0010",
        "config Env[AWS_SECRET_ACCESS_KEY]",
        None,
    );
    for f in take(
        &mut rest,
        "aws-access-key-id",
        "config Env[AWS_ACCESS_KEY_ID]",
        None,
    )
    .into_iter()
    .chain(take(
        &mut rest,
        "aws-secret-access-key",
        "config Env[AWS_SECRET_ACCESS_KEY]",
        None,
    )) {
        assert!(f.secret.as_ref().unwrap().example);
        assert_eq!(f.level(), Level::Info);
    }
    // #3 PASSWORD env key. Extra: its value is also a password assignment for the secret
    // scanner (generic-password) - really there.
    take(&mut rest, "CIS-DI-0010", "config Env[PASSWORD]", None);
    take(&mut rest, "generic-password", "config Env[PASSWORD]", None);
    // #4 GitLab PAT in a label: gitlab-pat + CIS-DI-0010 (key contains "token"). The history
    // LABEL step holds the same token: reported once, at the label.
    take(
        &mut rest,
        "gitlab-pat",
        "config Labels[org.example.deploy-token]",
        None,
    );
    take(
        &mut rest,
        "CIS-DI-0010",
        "config Labels[org.example.deploy-token]",
        None,
    );
    // #5 ADD of a URL, layer 3.
    let add = take(&mut rest, "CIS-DI-0009", "history[8]", Some(3));
    assert_eq!(add[0].level(), cfg("CIS-DI-0009"));
    // #6 apt-get upgrade, layer 2.
    take(&mut rest, "DKL-DI-0003", "history[7]", Some(2));
    // #7 curl | sh, layer 4.
    take(&mut rest, "SK-IMG-001", "history[9]", Some(4));
    // #8 / #23 world-writable run.sh, layer 4, with the history chmod named.
    let ww = take(&mut rest, "SK-IMG-002", "/usr/local/bin/run.sh", Some(4));
    assert!(ww[0].details.contains("chmod 777"), "{}", ww[0].details);
    // #9 no HEALTHCHECK.
    take(&mut rest, "CIS-DI-0006", "config Healthcheck", None);
    // #10 EXPOSE 22.
    take(&mut rest, "SK-IMG-003", "config ExposedPorts", None);
    // #11 setuid: netdiag (no package: WARN) and sudo (distro default: INFO, owner named).
    let nd = take(&mut rest, "CIS-DI-0008", "/usr/local/bin/netdiag", Some(4));
    assert_eq!(nd[0].level(), Level::Warn);
    assert!(nd[0].details.contains("not owned"));
    let su = take(&mut rest, "CIS-DI-0008", "/usr/bin/sudo", Some(2));
    assert_eq!(su[0].level(), Level::Info);
    assert!(
        su[0].details.contains("OS package sudo 1.9.13p3-1+deb12u4"),
        "{}",
        su[0].details
    );
    // #12 /root/.aws/credentials: secrets (example pair) + CIS-DI-0010.
    take(&mut rest, "CIS-DI-0010", "/root/.aws/credentials", Some(4));
    take(
        &mut rest,
        "aws-access-key-id",
        "/root/.aws/credentials",
        Some(4),
    );
    take(
        &mut rest,
        "aws-secret-access-key",
        "/root/.aws/credentials",
        Some(4),
    );
    // #13 SSH private key (the .pub is not reported).
    take(&mut rest, "CIS-DI-0010", "/root/.ssh/id_ed25519", Some(4));
    take(&mut rest, "private-key", "/root/.ssh/id_ed25519", Some(4));
    // #14 /app/.env: CIS-DI-0010 + the AWS pair. Extra: its DB_PASSWORD line is a
    // generic-password finding - really there.
    take(&mut rest, "CIS-DI-0010", "/app/.env", Some(3));
    take(&mut rest, "aws-access-key-id", "/app/.env", Some(3));
    take(&mut rest, "aws-secret-access-key", "/app/.env", Some(3));
    take(&mut rest, "generic-password", "/app/.env", Some(3));
    // #15 .git directory.
    take(&mut rest, "DKL-LI-0003", "/app/.git", Some(3));
    // #16 GitHub PAT, #17 Slack webhook.
    take(&mut rest, "github-pat", "/app/server.js", Some(3));
    take(&mut rest, "slack-web-hook", "/app/notify.sh", Some(3));
    // #18 the deleted key: present in layer 3, deleted in layer 5.
    let key = take(
        &mut rest,
        "private-key",
        "/opt/app/certs/server.key",
        Some(3),
    );
    assert_eq!(key[0].deleted_in, Some(5));
    assert_eq!(key[0].state, Some(FileState::Deleted));
    // #19 empty password, #20 duplicate UID.
    let empty = take(&mut rest, "DKL-LI-0001", "/etc/shadow", Some(4));
    assert!(empty[0].details.contains("deploy"));
    let dup = take(&mut rest, "DKL-LI-0002", "/etc/passwd", Some(4));
    assert!(dup[0].details.contains("deploy") && dup[0].details.contains("backup2"));
    // #21 sudo installed (package, layer 2).
    take(&mut rest, "DKL-DI-0001", "/usr/bin/sudo", Some(2));
    // #22 apt lists left by layer 2.
    let apt = take(&mut rest, "DKL-DI-0005", "/var/lib/apt/lists", Some(2));
    assert!(apt[0].details.contains("history[7]"));
    // #24 tag 1.0: no DKL-DI-0006.
    assert!(!findings.iter().any(|f| f.id == "DKL-DI-0006"));
    // Extra, really there: the archive has no signature beside it (CIS-DI-0005, INFO).
    take(&mut rest, "CIS-DI-0005", "image signature", None);

    assert!(
        rest.is_empty(),
        "unexplained findings:\n{}",
        sekisho_report::render_findings_table(&rest, false)
    );
}

#[test]
fn whiteout_layers_deleted_secret_and_setuid_copy_up() {
    for image in [
        "built/whiteout-layers.docker.tar",
        "built/whiteout-layers.oci.tar",
        "built/whiteout-layers.oci",
    ] {
        let Some(findings) = run(image) else { return };
        let mut rest = findings.clone();
        let secret = take(
            &mut rest,
            "aws-secret-access-key",
            "/app/secret.txt",
            Some(1),
        );
        assert_eq!(secret.len(), 1);
        let s = &secret[0];
        assert_eq!((s.state, s.deleted_in), (Some(FileState::Deleted), Some(2)));
        assert!(s.secret.as_ref().unwrap().example);
        assert_eq!(s.level(), Level::Info);
        assert_eq!(s.severity, sekisho_audit::Severity::Low);
        // Only as deleted-but-present: no other finding mentions secret.txt.
        assert!(!rest.iter().any(|f| f.location.contains("secret.txt")));
        // setuid copy-up: became-suid (4755 since layer 3) and sgid-tool; was-suid lost its bit.
        let became = take(
            &mut rest,
            "CIS-DI-0008",
            "/usr/local/bin/became-suid",
            Some(3),
        );
        assert!(became[0].details.contains("4755"));
        let sgid = take(
            &mut rest,
            "CIS-DI-0008",
            "/usr/local/bin/sgid-tool",
            Some(0),
        );
        assert!(sgid[0].details.contains("setgid") && sgid[0].details.contains("2755"));
        assert!(!findings.iter().any(|f| f.location.contains("was-suid")));
        // Config: User 1000:1000 is not root; no HEALTHCHECK and no signature are really so.
        take(&mut rest, "CIS-DI-0006", "config Healthcheck", None);
        take(&mut rest, "CIS-DI-0005", "image signature", None);
        assert!(
            rest.is_empty(),
            "{image}: unexplained findings:\n{}",
            sekisho_report::render_findings_table(&rest, false)
        );
    }
}

#[test]
fn debian_mini_is_clean() {
    for image in ["built/debian-mini.docker.tar.gz", "built/debian-mini.oci"] {
        let Some(findings) = run(image) else { return };
        // USER nobody + HEALTHCHECK, no secrets, apt lists removed: the only finding is that no
        // signature exists for the image (true of every test image).
        let ids: BTreeSet<&str> = findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            BTreeSet::from(["CIS-DI-0005"]),
            "{image}:\n{}",
            sekisho_report::render_findings_table(&findings, false)
        );
    }
}

#[test]
fn scanners_ignore_and_accept() {
    let scan = stream("built/bad-practices.docker.tar.gz");
    let only_secret = AuditOptions {
        config: false,
        ..Default::default()
    };
    let f = audit(&scan, &only_secret);
    assert!(!f.is_empty() && f.iter().all(|f| f.kind == FindingKind::Secret));
    let only_config = AuditOptions {
        secret: false,
        ..Default::default()
    };
    let f = audit(&scan, &only_config);
    assert!(!f.is_empty() && f.iter().all(|f| f.kind == FindingKind::Config));

    let mut opts = AuditOptions::default();
    opts.add_ignore_text("# like a .dockleignore\nCIS-DI-0001\nDKL-LI-0003\n");
    opts.accept_keys.push("PASSWORD".into());
    opts.accept_files.push("credentials".into());
    let f = audit(&scan, &opts);
    assert!(!f
        .iter()
        .any(|f| f.id == "CIS-DI-0001" || f.id == "DKL-LI-0003"));
    assert!(!f
        .iter()
        .any(|f| f.id == "CIS-DI-0010" && f.location == "config Env[PASSWORD]"));
    assert!(!f
        .iter()
        .any(|f| f.id == "CIS-DI-0010" && f.location == "/root/.aws/credentials"));
    // Accepting a key does not hide a secret in its value.
    assert!(f
        .iter()
        .any(|f| f.id == "generic-password" && f.location == "config Env[PASSWORD]"));

    // Dockle's exit semantics.
    assert_eq!(sekisho_scan::exit_code(&f, Level::Warn, 0), 0);
    assert_eq!(sekisho_scan::exit_code(&f, Level::Fatal, 2), 2);
    let infos: Vec<Finding> = f.into_iter().filter(|f| f.level() == Level::Info).collect();
    assert_eq!(sekisho_scan::exit_code(&infos, Level::Warn, 2), 0);
    assert_eq!(sekisho_scan::exit_code(&infos, Level::Info, 2), 2);
}

#[test]
fn other_shared_images_report_what_is_there() {
    // debian-app: USER nobody, HEALTHCHECK kept, packages only. Really there: no signature, and
    // the coveralls `repo_token` that the published npm package debug@2.6.9 ships in its
    // `.coveralls.yml` (layer 4, `npm install`).
    if let Some(findings) = run("built/debian-app.oci") {
        let mut rest = findings.clone();
        take(&mut rest, "CIS-DI-0005", "image signature", None);
        take(
            &mut rest,
            "generic-api-key",
            "/srv/web/node_modules/debug/.coveralls.yml",
            Some(4),
        );
        assert!(
            rest.is_empty(),
            "debian-app: unexplained findings:\n{}",
            sekisho_report::render_findings_table(&rest, false)
        );
    }
    // alpine-310 (Trivy's fixture): no USER, no HEALTHCHECK, no signature, and Alpine 3.10 is
    // past its end of support (2021-05-01).
    if let Some(findings) = run("trivy/alpine-310.tar.gz") {
        let mut rest = findings.clone();
        take(&mut rest, "CIS-DI-0001", "config User", None);
        take(&mut rest, "CIS-DI-0006", "config Healthcheck", None);
        take(&mut rest, "CIS-DI-0005", "image signature", None);
        take(&mut rest, "CIS-DI-0004", "/etc/alpine-release", None);
        assert!(
            rest.is_empty(),
            "alpine-310: unexplained findings:\n{}",
            sekisho_report::render_findings_table(&rest, false)
        );
    }
}
