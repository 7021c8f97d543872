//! Checks on small images built in memory (layers applied to a `MergedFs`, file contents run
//! through the engine's real `ScanVisitor`): cases the shared images do not have.

mod common;

use common::audit;
use sekisho_audit::{AuditFinding, AuditOptions, AuditOutput, FileState, Finding, Level};
use sekisho_image::{
    Entry, EntryKind, ImageConfig, ImageInfo, ImageScan, Interest, LayerVisitor, MergedFs,
    SourceKind, Whiteout,
};

struct Layer {
    entries: Vec<(Entry, Vec<u8>)>,
    whiteouts: Vec<Whiteout>,
}

fn file(path: &str, mode: u32, content: &str) -> (Entry, Vec<u8>) {
    (
        Entry {
            path: path.into(),
            kind: EntryKind::File,
            mode,
            uid: 0,
            gid: 0,
            size: content.len() as u64,
            link: None,
            sha256: None,
        },
        content.as_bytes().to_vec(),
    )
}

fn dir(path: &str, mode: u32) -> (Entry, Vec<u8>) {
    let (mut e, _) = file(path, mode, "");
    e.kind = EntryKind::Dir;
    (e, Vec::new())
}

fn layer(entries: Vec<(Entry, Vec<u8>)>) -> Layer {
    Layer {
        entries,
        whiteouts: Vec::new(),
    }
}

fn build(layers: Vec<Layer>, config: ImageConfig) -> ImageScan<AuditOutput> {
    let visitor = common::visitor(&AuditOptions::default());
    let mut fs = MergedFs::new();
    let mut outputs = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        let entries: Vec<Entry> = l.entries.iter().map(|(e, _)| e.clone()).collect();
        fs.apply_layer(i, &entries, &l.whiteouts);
        outputs.push(std::sync::Arc::new(
            l.entries
                .iter()
                .filter(|(e, _)| e.kind == EntryKind::File && visitor.interest(e) != Interest::Skip)
                .filter_map(|(e, c)| visitor.visit(e, c).map(|o| (e.path.clone(), o)))
                .collect(),
        ));
    }
    ImageScan {
        info: ImageInfo {
            input: "/nonexistent/synthetic.tar".into(),
            kind: SourceKind::DockerArchive,
            tags: vec!["example/app:latest".into()],
            manifest_digest: None,
            config_digest: None,
            config,
            layers: Vec::new(),
        },
        fs,
        layers: Vec::new(),
        outputs,
        warnings: Vec::new(),
    }
}

fn find<'a>(f: &'a [Finding], id: &str, location: &str) -> &'a Finding {
    f.iter()
        .find(|x| x.id == id && x.location == location)
        .unwrap_or_else(|| {
            panic!(
                "no {id} at {location}:\n{}",
                sekisho_report::render_findings_table(f, false)
            )
        })
}

/// A random-looking GitHub token made at run time (no token-shaped literal in the source).
fn token() -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let body: String = (0..36)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect();
    format!("ghp_{body}")
}

#[test]
fn deleted_replaced_and_config_cases() {
    let mut config: ImageConfig = serde_json::from_str(
        r#"{"config":{"User":"toor","Volumes":{"/var/run/docker.sock":{}},"Healthcheck":{"Test":["NONE"]}},
            "history":[{"created_by":"COPY . / # buildkit"},{"created_by":"RUN /bin/sh -c apk update # buildkit"},{"created_by":"RUN /bin/sh -c rm -rf /root/.aws # buildkit"},{"created_by":"RUN |1 NPM_TOKEN=abc /bin/sh -c npm ci # buildkit","empty_layer":true}]}"#,
    )
    .unwrap();
    config.config.env.push("KEYBOARD_LAYOUT=us".into());
    let l0 = layer(vec![
        file(
            "etc/passwd",
            0o644,
            "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\nnopw::1000:1000::/:/bin/sh\n",
        ),
        file("etc/group", 0o644, "root:x:0:\nwheel:x:10:\nwheel:x:11:\n"),
        file(
            "root/.aws/credentials",
            0o600,
            "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
        ),
        file(
            "app/config.js",
            0o644,
            &format!("const token = \"{}\";\n", token()),
        ),
        file("usr/local/bin/sudo", 0o4755, "#!/bin/sh\n"),
        dir("opt/shared", 0o777),
        file("var/cache/apk/APKINDEX.abc.tar.gz", 0o644, "x"),
        file("tmp/build.log", 0o644, "log"),
    ]);
    let l1 = layer(vec![file(
        "app/config.js",
        0o644,
        "const token = process.env.TOKEN;\n",
    )]);
    let l2 = Layer {
        entries: Vec::new(),
        whiteouts: vec![Whiteout::Remove("root/.aws".into())],
    };
    let scan = build(vec![l0, l1, l2], config);
    let f = audit(&scan, &AuditOptions::default());

    // The token lives on in layer 0 although layer 1 replaced the file.
    let gh = find(&f, "github-pat", "/app/config.js");
    assert_eq!(
        (gh.layer, gh.state, gh.deleted_in),
        (Some(0), Some(FileState::Replaced), Some(1))
    );
    // A credential file deleted by a later layer: present in 0, deleted in 2.
    let cred = find(&f, "CIS-DI-0010", "/root/.aws/credentials");
    assert_eq!(
        (cred.layer, cred.state, cred.deleted_in),
        (Some(0), Some(FileState::Deleted), Some(2))
    );
    let key = find(&f, "aws-access-key-id", "/root/.aws/credentials");
    assert_eq!(key.deleted_in, Some(2));
    // `toor` is UID 0 in /etc/passwd.
    assert!(find(&f, "CIS-DI-0001", "config User")
        .details
        .contains("toor"));
    assert!(find(&f, "CIS-DI-0006", "config Healthcheck")
        .details
        .contains("NONE"));
    find(&f, "DKL-DI-0002", "config Volumes");
    find(&f, "DKL-DI-0006", "image tag");
    // `apk update` alone.
    assert_eq!(find(&f, "CIS-DI-0007", "history[1]").layer, Some(1));
    // Empty password in /etc/passwd itself; duplicate group name.
    assert!(find(&f, "DKL-LI-0001", "/etc/passwd")
        .details
        .contains("nopw"));
    assert!(find(&f, "DKL-LI-0002", "/etc/group")
        .details
        .contains("wheel"));
    // A sudo binary outside the package manager, setuid and not owned: WARN.
    find(&f, "DKL-DI-0001", "/usr/local/bin/sudo");
    assert_eq!(
        find(&f, "CIS-DI-0008", "/usr/local/bin/sudo").level(),
        Level::Warn
    );
    // World-writable directory without sticky bit; apk cache; /tmp leftovers.
    find(&f, "SK-IMG-002", "/opt/shared");
    find(&f, "DKL-DI-0004", "/var/cache/apk");
    find(&f, "DKL-LI-0003", "/tmp");
    // A build argument with a credential name is in the history in clear.
    assert!(find(&f, "CIS-DI-0010", "history[3]")
        .details
        .contains("NPM_TOKEN"));
    // Not a credential key.
    assert!(!f
        .iter()
        .any(|x| x.location == "config Env[KEYBOARD_LAYOUT]"));
}

#[test]
fn signature_beside_the_archive_passes_cis_di_0005() {
    let dir = std::env::temp_dir().join(format!("sekisho-audit-sig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let image = dir.join("app.tar");
    std::fs::write(&image, b"").unwrap();
    let scan = build(vec![layer(vec![])], ImageConfig::default());
    let opts = AuditOptions {
        source_path: Some(image.clone()),
        ..Default::default()
    };
    assert!(audit(&scan, &opts).iter().any(|f| f.id == "CIS-DI-0005"));
    std::fs::write(dir.join("app.tar.sig"), b"sig").unwrap();
    assert!(!audit(&scan, &opts).iter().any(|f| f.id == "CIS-DI-0005"));
    // An OCI layout with a cosign signature tag for its manifest.
    let layout = dir.join("layout");
    std::fs::create_dir_all(&layout).unwrap();
    std::fs::write(
        layout.join("index.json"),
        r#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:ab","size":1,"annotations":{"org.opencontainers.image.ref.name":"sha256-ab.sig"}}]}"#,
    )
    .unwrap();
    let mut scan = scan;
    scan.info.manifest_digest = Some("sha256:ab".into());
    let opts = AuditOptions {
        source_path: Some(layout),
        ..Default::default()
    };
    assert!(!audit(&scan, &opts).iter().any(|f| f.id == "CIS-DI-0005"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn secrets_quoted_by_other_findings_are_masked() {
    let token = token();
    let config: ImageConfig = serde_json::from_str(&format!(
        r#"{{"history":[{{"created_by":"RUN /bin/sh -c curl -H 'Authorization: token {token}' https://example.invalid/i.sh | sh # buildkit"}},
            {{"created_by":"ADD https://user:{token}@example.invalid/app.tgz /app # buildkit"}},
            {{"created_by":"RUN /bin/sh -c GITHUB_TOKEN={token} apt-get upgrade -y # buildkit"}}]}}"#
    ))
    .unwrap();
    let scan = build(vec![layer(vec![]), layer(vec![]), layer(vec![])], config);
    let f = audit(&scan, &AuditOptions::default());
    for id in ["SK-IMG-001", "CIS-DI-0009", "DKL-DI-0003"] {
        assert!(f.iter().any(|x| x.id == id), "{id} missing: {f:#?}");
    }
    // The secret scanner reports the token (masked) and no output carries it in clear.
    assert!(f.iter().any(|x| x.id == "github-pat"));
    let text = format!("{f:?}");
    assert!(!text.contains(&token), "{text}");
    let json = sekisho_report::sarif::render(&f, &Default::default(), true)
        + &sekisho_report::render_findings_table(&f, false);
    assert!(!json.contains(&token));
}
