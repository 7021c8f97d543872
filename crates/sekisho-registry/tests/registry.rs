//! Against a real registry: Debian's `docker-registry` (CNCF distribution) on 127.0.0.1, images
//! pushed with `skopeo`. Images pulled by reference must give the report their archive or
//! layout gives; wrong credentials, a missing tag, corrupt blobs and manifests, truncated
//! downloads and 429s must end in a clear error naming the reference, or in success after a
//! retry. A small proxy in the test plays the token server (basic and OAuth2 refresh
//! tokens), the rate limiter and the flaky network. A registry serving TLS with a CA made at
//! test time (`openssl`) is trusted only with that CA; mirrors from a `registries.conf` are
//! tried before the origin and fallen back from.
//!
//! Without `docker-registry`, `skopeo` and `openssl` the tests say so and pass, unless
//! `SEKISHO_REQUIRE_REGISTRY=1` (set by `scripts/test.sh`, which installs them).

#[path = "../../../tests/registry_harness.rs"]
mod harness;

use harness::{free_port, temp_dir, tls_tools, tools, Registry, TestCa};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sekisho_image::{Platform, ScanOptions, Source};
use sekisho_registry::{ClientOptions, Credentials, Reference, RegistryError, RegistryStore};
use sekisho_scan::{ScanRequest, Scanners};

const IMAGES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/images/built"
);
fn layout(name: &str) -> String {
    let path = format!("{IMAGES}/{name}");
    assert!(
        Path::new(&path).exists(),
        "test data missing: {path} (the shared corpora must be at ../shared next to the repository)"
    );
    path
}

/// `bad-practices.docker.tar.gz` uncompressed (skopeo reads docker archives uncompressed).
fn docker_archive(dir: &Path) -> PathBuf {
    let out = dir.join("bad-practices.docker.tar");
    let mut gz = flate2::read::GzDecoder::new(
        std::fs::File::open(layout("bad-practices.docker.tar.gz")).unwrap(),
    );
    std::io::copy(&mut gz, &mut std::fs::File::create(&out).unwrap()).unwrap();
    out
}

fn options(creds: Option<(&str, &str)>) -> ClientOptions {
    ClientOptions {
        credentials: creds.map(|(u, p)| Credentials {
            username: u.into(),
            password: p.into(),
        }),
        backoff: Duration::from_millis(50),
        ..ClientOptions::default()
    }
}

fn request(source: Source) -> ScanRequest {
    let mut request =
        ScanRequest::new(source, jiff::Timestamp::from_second(1_700_000_000).unwrap());
    request.scanners = Scanners {
        config: true,
        secret: true,
        vuln: false,
    };
    request.image = ScanOptions {
        platform: Some(Platform::parse("linux/amd64").unwrap()),
        ..ScanOptions::default()
    };
    request
}

fn scan_ref(input: &str, opts: ClientOptions) -> Result<sekisho_model::Report, String> {
    let reference = Reference::parse(input).map_err(|e| e.to_string())?;
    let store = RegistryStore::connect(&reference, opts).map_err(|e| {
        eprintln!("error: {e}");
        e.to_string()
    })?;
    sekisho_scan::scan(&request(store.into_source(input))).map_err(|e| {
        // What a user would see, in the test output.
        eprintln!("error: {e}");
        e.to_string()
    })
}

fn scan_local(path: &str) -> sekisho_model::Report {
    sekisho_scan::scan(&request(Source::parse(path).unwrap())).unwrap()
}

/// The report as JSON without what names the source (input, kind, tags, digests of the
/// manifest) and with layer blob digests replaced by diffIDs (a registry stores a docker
/// archive's layers compressed, so only the diffIDs stay).
fn comparable(report: &sekisho_model::Report) -> serde_json::Value {
    let mut text = serde_json::to_string(report).unwrap();
    for layer in &report.source.layers {
        text = text.replace(&layer.digest, &layer.diff_id);
    }
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let source = value["source"].as_object_mut().unwrap();
    for key in ["input", "kind", "tags", "manifest_digest"] {
        source.remove(key);
    }
    value
}

fn assert_same(remote: &sekisho_model::Report, local: &sekisho_model::Report, what: &str) {
    assert!(
        !local.packages.is_empty(),
        "{what}: no packages in the local scan"
    );
    assert_eq!(remote.os, local.os, "{what}: os");
    assert_eq!(
        remote.packages.len(),
        local.packages.len(),
        "{what}: packages"
    );
    assert_eq!(
        remote.source.layers.len(),
        local.source.layers.len(),
        "{what}: layers"
    );
    assert_eq!(comparable(remote), comparable(local), "{what}: report");
}

#[test]
fn images_by_reference_scan_like_their_archives() {
    if !tools() {
        return;
    }
    let registry = Registry::start(false);
    let host = registry.host();
    let work = temp_dir("work");
    registry.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let archive = docker_archive(&work);
    registry.push(
        &format!("docker-archive:{}", archive.display()),
        "team/bad-practices:1.0",
    );

    // An OCI layout pushed as is: the same blobs, the same report.
    let input = format!("{host}/debian-mini:1.0");
    let remote = scan_ref(&input, options(None)).unwrap();
    let local = scan_local(&layout("debian-mini.oci"));
    assert_same(&remote, &local, "debian-mini");
    assert_eq!(remote.source.input, input);
    assert_eq!(remote.source.kind, "registry");
    assert_eq!(remote.source.tags, std::slice::from_ref(&input));
    assert_eq!(remote.source.manifest_digest, local.source.manifest_digest);
    assert_eq!(
        remote.source.layers[0].digest,
        local.source.layers[0].digest
    );

    // The HEAD digest, and the image by digest, with the `registry:` prefix.
    let reference = Reference::parse(&input).unwrap();
    let store = RegistryStore::connect(&reference, options(None)).unwrap();
    let head = store.client().head_manifest("1.0").unwrap();
    assert_eq!(head.digest, store.manifest_digest());
    assert_eq!(Some(&head.digest), local.source.manifest_digest.as_ref());
    let by_digest = format!("registry:{host}/debian-mini@{}", head.digest);
    let remote = scan_ref(&by_digest, options(None)).unwrap();
    assert_same(&remote, &local, "debian-mini by digest");

    // A docker archive, pushed as a Docker v2 manifest with gzip layers.
    let input = format!("{host}/team/bad-practices:1.0");
    let reference = Reference::parse(&input).unwrap();
    let store = RegistryStore::connect(&reference, options(None)).unwrap();
    assert_eq!(
        store.media_type(),
        "application/vnd.docker.distribution.manifest.v2+json"
    );
    let remote = scan_ref(&input, options(None)).unwrap();
    let local = scan_local(archive.to_str().unwrap());
    assert_same(&remote, &local, "bad-practices");
    assert!(
        remote.findings().len() > 3,
        "the audit ran: {:?}",
        remote.findings()
    );

    // An index (two platforms) put by hand: the platform picks the image.
    let manifest = store.client().manifest("1.0").unwrap();
    registry.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "team/bad-practices:mini",
    );
    let mini = RegistryStore::connect(
        &Reference::parse(&format!("{host}/team/bad-practices:mini")).unwrap(),
        options(None),
    )
    .unwrap();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": mini.media_type(), "digest": mini.manifest_digest(), "size": 673,
             "platform": {"os": "linux", "architecture": "arm64"}},
            {"mediaType": manifest.media_type, "digest": manifest.digest, "size": manifest.bytes.len(),
             "platform": {"os": "linux", "architecture": "amd64"}},
        ]
    });
    let put = ureq::put(format!(
        "http://{host}/v2/team/bad-practices/manifests/multi"
    ))
    .header("Content-Type", "application/vnd.oci.image.index.v1+json")
    .send(serde_json::to_vec(&index).unwrap());
    match put {
        Ok(r) => assert_eq!(r.status().as_u16(), 201),
        Err(e) => panic!("PUT index: {e}"),
    }
    let remote = scan_ref(&format!("{host}/team/bad-practices:multi"), options(None)).unwrap();
    assert_same(&remote, &local, "bad-practices through an index");

    // A missing tag, a missing repository: not found, naming the reference.
    for missing in [
        format!("{host}/debian-mini:2.0"),
        format!("{host}/nothing/here:1.0"),
    ] {
        let err = scan_ref(&missing, options(None)).unwrap_err();
        assert!(
            err.contains(&missing) && err.contains("not found"),
            "{missing}: {err}"
        );
    }
    // Nothing listens: a connection error naming the reference, after the retries.
    let closed = format!("127.0.0.1:{}/debian-mini:1.0", free_port());
    let err = scan_ref(
        &closed,
        ClientOptions {
            retries: 1,
            ..options(None)
        },
    )
    .unwrap_err();
    assert!(err.contains(&closed), "{err}");
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn corrupt_blobs_and_manifests_are_digest_errors() {
    if !tools() {
        return;
    }
    let registry = Registry::start(false);
    let host = registry.host();
    registry.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let input = format!("{host}/debian-mini:1.0");
    let local = scan_local(&layout("debian-mini.oci"));

    // A layer whose bytes changed on the registry's disk where gzip does not look (the
    // header's MTIME): it decompresses fine, and only the digest check catches it.
    let layer = &local.source.layers[0].digest;
    let file = registry.blob_file(layer);
    let original = std::fs::read(&file).unwrap();
    assert_eq!(original[..2], [0x1f, 0x8b], "a gzip layer");
    let mut bytes = original.clone();
    bytes[4] ^= 0xff;
    std::fs::write(&file, &bytes).unwrap();
    let err = scan_ref(&input, options(None)).unwrap_err();
    assert!(
        err.contains(&input) && err.contains(&format!("blob {layer}: digest mismatch")),
        "{err}"
    );
    // Changed inside the compressed data: a layer error naming the reference and the layer.
    let mid = bytes.len() / 2;
    bytes[4] ^= 0xff;
    bytes[mid] ^= 0xff;
    std::fs::write(&file, &bytes).unwrap();
    let err = scan_ref(&input, options(None)).unwrap_err();
    assert!(
        err.contains(&input) && err.contains(layer.as_str()),
        "{err}"
    );
    // Cut short on disk: the registry serves fewer bytes than the manifest says.
    std::fs::write(&file, &original[..original.len() / 2]).unwrap();
    let err = scan_ref(&input, options(None)).unwrap_err();
    assert!(err.contains(&input), "{err}");
    std::fs::write(&file, &original).unwrap();
    scan_ref(&input, options(None)).unwrap();

    // The config's bytes changed on disk: the scan's digest check of what the store serves.
    let config = local.source.image_id.clone().unwrap();
    let file = registry.blob_file(&config);
    let original = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, original.replacen('{', "{ ", 1)).unwrap();
    let err = scan_ref(&input, options(None)).unwrap_err();
    assert!(
        err.contains(&input) && err.contains(&format!("blob {config}: digest mismatch")),
        "{err}"
    );
    std::fs::write(&file, &original).unwrap();

    // The manifest's bytes changed on disk: its digest no longer matches.
    let manifest = local.source.manifest_digest.clone().unwrap();
    let file = registry.blob_file(&manifest);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text} ")).unwrap();
    assert_ne!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "the manifest was changed"
    );
    for reference in [input.clone(), format!("{host}/debian-mini@{manifest}")] {
        let err = scan_ref(&reference, options(None)).unwrap_err();
        assert!(
            err.contains(&reference) && err.contains("digest"),
            "{reference}: {err}"
        );
    }
}

#[test]
fn basic_auth_with_htpasswd() {
    if !tools() {
        return;
    }
    let registry = Registry::start(true);
    let host = registry.host();
    registry.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let input = format!("{host}/debian-mini:1.0");
    let local = scan_local(&layout("debian-mini.oci"));
    let remote = scan_ref(&input, options(Some(("user", "pass")))).unwrap();
    assert_same(&remote, &local, "with basic auth");

    let err = scan_ref(&input, options(Some(("user", "wrong")))).unwrap_err();
    assert!(
        err.contains(&input) && err.contains("unauthorized") && err.contains("refused"),
        "{err}"
    );
    let err = scan_ref(&input, options(None)).unwrap_err();
    assert!(
        err.contains(&input) && err.contains("unauthorized") && err.contains("--username"),
        "{err}"
    );
    // Credentials from a docker config.json.
    let config = format!(r#"{{"auths":{{"http://{host}":{{"auth":"dXNlcjpwYXNz"}}}}}}"#);
    let creds = sekisho_registry::DockerConfig::parse(&config)
        .unwrap()
        .credentials_for(&host)
        .unwrap();
    let remote = scan_ref(
        &input,
        ClientOptions {
            credentials: Some(creds),
            ..options(None)
        },
    )
    .unwrap();
    assert_same(&remote, &local, "with config.json credentials");
}

/// What the proxy in front of the registry does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Demand a bearer token from its own `/token` (basic `user:pass`).
    Bearer,
    /// Demand a bearer token from its own `/token`, given only for the OAuth2 refresh token
    /// `rt-1` (a POSTed form, as for identity tokens).
    OAuth,
    /// Answer the first manifest request 429 with `Retry-After: 1`.
    TooManyOnce,
    /// Answer every request 429.
    TooManyAlways,
    /// Cut the first layer download in half.
    TruncateOnce,
    /// Cut every layer download in half.
    TruncateAlways,
}

struct Proxy {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start(upstream: u16, mode: Mode) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let log2 = log.clone();
        // The thread ends with the test process.
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (log, count) = (log2.clone(), count.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, upstream, port, mode, &log, &count);
                });
            }
        });
        Proxy { port, log }
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn read_head(r: &mut impl BufRead) -> std::io::Result<Vec<String>> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(lines);
        }
        let line = line.trim_end().to_string();
        if line.is_empty() {
            return Ok(lines);
        }
        lines.push(line);
    }
}

fn respond(
    conn: &mut TcpStream,
    status: &str,
    headers: &[String],
    body: &str,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(body);
    conn.write_all(out.as_bytes())
}

/// One request per connection: answer it or forward it (`Connection: close` both ways).
fn serve(
    mut conn: TcpStream,
    upstream: u16,
    port: u16,
    mode: Mode,
    log: &Mutex<Vec<String>>,
    count: &AtomicUsize,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    // A TLS hello (the client's probe of a loopback registry): this proxy speaks plain HTTP.
    if reader.fill_buf()?.first() == Some(&0x16) {
        return Ok(());
    }
    let head = read_head(&mut reader)?;
    let Some(request_line) = head.first().cloned() else {
        return Ok(());
    };
    let path = request_line.split(' ').nth(1).unwrap_or("").to_string();
    let header = |name: &str| {
        head.iter().skip(1).find_map(|h| {
            h.split_once(':')
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
        })
    };
    log.lock().unwrap().push(request_line.clone());
    let is_layer_get = request_line.starts_with("GET ") && path.contains("/blobs/");
    match mode {
        Mode::Bearer if path.starts_with("/token") => {
            return if header("authorization").as_deref() == Some("Basic dXNlcjpwYXNz") {
                assert!(
                    path.contains("scope=repository") && path.contains("debian-mini"),
                    "{path}"
                );
                respond(
                    &mut conn,
                    "200 OK",
                    &[],
                    r#"{"token":"tok-123","expires_in":300}"#,
                )
            } else {
                respond(
                    &mut conn,
                    "401 Unauthorized",
                    &[],
                    r#"{"details":"bad credentials"}"#,
                )
            };
        }
        Mode::OAuth if path.starts_with("/token") => {
            let len: u64 = header("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut body = String::new();
            (&mut reader).take(len).read_to_string(&mut body)?;
            log.lock().unwrap().push(format!("form {body}"));
            let form: Vec<&str> = body.split('&').collect();
            return if request_line.starts_with("POST ")
                && form.contains(&"grant_type=refresh_token")
                && form.contains(&"refresh_token=rt-1")
                && form.contains(&"client_id=sekisho")
                && form.contains(&"service=test")
                && form.iter().any(|f| f.starts_with("scope=repository"))
            {
                respond(
                    &mut conn,
                    "200 OK",
                    &[],
                    r#"{"access_token":"tok-123","expires_in":300,"refresh_token":"rt-2"}"#,
                )
            } else {
                respond(
                    &mut conn,
                    "401 Unauthorized",
                    &[],
                    r#"{"errors":[{"code":"UNAUTHORIZED","message":"invalid refresh token"}]}"#,
                )
            };
        }
        Mode::Bearer | Mode::OAuth
            if header("authorization").as_deref() != Some("Bearer tok-123") =>
        {
            return respond(
                &mut conn,
                "401 Unauthorized",
                &[format!(
                    "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"test\",scope=\"repository:debian-mini:{}\"",
                    if request_line.starts_with("GET ") || request_line.starts_with("HEAD ") { "pull" } else { "pull,push" }
                )],
                r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#,
            );
        }
        Mode::TooManyAlways => {
            return respond(
                &mut conn,
                "429 Too Many Requests",
                &[
                    "Retry-After: 1".into(),
                    "RateLimit-Limit: 100;w=21600".into(),
                    "RateLimit-Remaining: 0;w=21600".into(),
                ],
                r#"{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}"#,
            );
        }
        Mode::TooManyOnce
            if path.contains("/manifests/") && count.fetch_add(1, Ordering::SeqCst) == 0 =>
        {
            return respond(
                &mut conn,
                "429 Too Many Requests",
                &["Retry-After: 1".into()],
                "",
            );
        }
        _ => {}
    }
    // Forward.
    let mut up = TcpStream::connect(("127.0.0.1", upstream))?;
    let mut out = format!("{request_line}\r\n");
    for h in head.iter().skip(1) {
        if !h.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(h);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    up.write_all(out.as_bytes())?;
    // A request body (uploads), as long as the request says.
    if let Some(len) = header("content-length").and_then(|v| v.parse::<u64>().ok()) {
        std::io::copy(&mut (&mut reader).take(len), &mut up)?;
    }
    let mut up_reader = BufReader::new(up);
    let resp = read_head(&mut up_reader)?;
    let length: Option<u64> = resp.iter().find_map(|h| {
        h.split_once(':')
            .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse().ok())
    });
    let mut back = String::new();
    for h in &resp {
        if !h.to_ascii_lowercase().starts_with("connection:") {
            back.push_str(h);
            back.push_str("\r\n");
        }
    }
    back.push_str("Connection: close\r\n\r\n");
    conn.write_all(back.as_bytes())?;
    let truncate = is_layer_get
        && length.is_some_and(|l| l > 100_000)
        && match mode {
            Mode::TruncateAlways => true,
            Mode::TruncateOnce => count.fetch_add(1, Ordering::SeqCst) == 0,
            _ => false,
        };
    if truncate {
        let half = length.unwrap() / 2;
        std::io::copy(&mut (&mut up_reader).take(half), &mut conn)?;
        log.lock()
            .unwrap()
            .push(format!("truncated {path} at {half}"));
        conn.shutdown(std::net::Shutdown::Both)?;
    } else {
        std::io::copy(&mut up_reader, &mut conn)?;
    }
    Ok(())
}

#[test]
fn bearer_tokens_from_the_challenge() {
    if !tools() {
        return;
    }
    let registry = Registry::start(false);
    registry.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let proxy = Proxy::start(registry.port, Mode::Bearer);
    let input = format!("127.0.0.1:{}/debian-mini:1.0", proxy.port);
    let local = scan_local(&layout("debian-mini.oci"));
    let remote = scan_ref(&input, options(Some(("user", "pass")))).unwrap();
    assert_same(&remote, &local, "with a bearer token");
    let tokens = proxy.log().iter().filter(|l| l.contains("/token")).count();
    assert_eq!(tokens, 1, "one token per scope, cached: {:?}", proxy.log());

    let err = scan_ref(&input, options(Some(("user", "wrong")))).unwrap_err();
    assert!(
        err.contains(&input) && err.contains("token server refused the credentials"),
        "{err}"
    );
    let err = scan_ref(&input, options(None)).unwrap_err();
    assert!(err.contains(&input) && err.contains("anonymous"), "{err}");
}

#[test]
fn push_through_a_token_server() {
    if !tools() {
        return;
    }
    let registry = Registry::start(false);
    let proxy = Proxy::start(registry.port, Mode::Bearer);
    let input = format!("127.0.0.1:{}/debian-mini:artifact", proxy.port);
    let reference = Reference::parse(&input).unwrap();
    let client = sekisho_registry::Client::for_push(&reference, options(Some(("user", "pass"))));
    let empty = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    let mut cursor = std::io::Cursor::new(b"{}".to_vec());
    assert_eq!(
        client.push_blob(empty, 2, &mut cursor).unwrap(),
        sekisho_registry::BlobPush::Uploaded
    );
    assert_eq!(
        client.push_blob(empty, 2, &mut cursor).unwrap(),
        sekisho_registry::BlobPush::Exists
    );
    // A larger blob, streamed.
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let digest = format!("sha256:{}", hex_sha256(&data));
    let mut cursor = std::io::Cursor::new(data.clone());
    client
        .push_blob(&digest, data.len() as u64, &mut cursor)
        .unwrap();
    assert!(client.blob_exists(&digest).unwrap());
    // A blob whose bytes are not its digest: the registry refuses, a clear error.
    let wrong = format!("sha256:{}", "0".repeat(64));
    let err = client
        .push_blob(&wrong, 2, &mut std::io::Cursor::new(b"{}".to_vec()))
        .unwrap_err()
        .to_string();
    assert!(err.contains(&input) && err.contains(&wrong), "{err}");
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/vnd.example.test",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": empty, "size": 2},
        "layers": [{"mediaType": "application/octet-stream", "digest": digest, "size": data.len()}],
    });
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let pushed = client
        .push_manifest(
            "artifact",
            "application/vnd.oci.image.manifest.v1+json",
            &bytes,
        )
        .unwrap();
    let fetched = client.manifest("artifact").unwrap();
    assert_eq!(fetched.bytes, bytes);
    assert_eq!(fetched.digest, pushed);
    let mut back = Vec::new();
    client
        .blob(&digest)
        .unwrap()
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, data);
    let tokens: Vec<String> = proxy
        .log()
        .into_iter()
        .filter(|l| l.contains("/token"))
        .collect();
    assert!(
        !tokens.is_empty()
            && tokens
                .iter()
                .all(|t| t.contains("pull%2Cpush") || t.contains("pull,push")),
        "tokens asked for push: {tokens:?}"
    );
}

fn hex_sha256(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

#[test]
fn rate_limits_are_retried_and_reported() {
    if !tools() {
        return;
    }
    let registry = Registry::start(false);
    registry.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let local = scan_local(&layout("debian-mini.oci"));

    // 429 then 200: success after waiting the second Retry-After asks for.
    let proxy = Proxy::start(registry.port, Mode::TooManyOnce);
    let input = format!("127.0.0.1:{}/debian-mini:1.0", proxy.port);
    let start = Instant::now();
    let remote = scan_ref(&input, options(None)).unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "Retry-After honoured"
    );
    assert_same(&remote, &local, "after a 429");
    let manifests = proxy
        .log()
        .iter()
        .filter(|l| l.contains("/manifests/1.0"))
        .count();
    assert_eq!(manifests, 2, "{:?}", proxy.log());

    // 429 every time: an error naming the reference, with the rate-limit headers.
    let proxy = Proxy::start(registry.port, Mode::TooManyAlways);
    let input = format!("127.0.0.1:{}/debian-mini:1.0", proxy.port);
    let err = scan_ref(
        &input,
        ClientOptions {
            retries: 1,
            ..options(None)
        },
    )
    .unwrap_err();
    assert!(
        err.contains(&input)
            && err.contains("HTTP 429")
            && err.contains("pull rate limit")
            && err.contains("ratelimit-remaining: 0;w=21600"),
        "{err}"
    );
}

#[test]
fn truncated_downloads_resume_or_fail_cleanly() {
    if !tools() {
        return;
    }
    let registry = Registry::start(false);
    registry.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let local = scan_local(&layout("debian-mini.oci"));

    // Cut once: the download resumes with Range and the scan succeeds.
    let proxy = Proxy::start(registry.port, Mode::TruncateOnce);
    let input = format!("127.0.0.1:{}/debian-mini:1.0", proxy.port);
    let remote = scan_ref(&input, options(None)).unwrap();
    assert_same(&remote, &local, "after a resumed download");
    let log = proxy.log();
    assert!(log.iter().any(|l| l.starts_with("truncated")), "{log:?}");

    // Cut every time: a layer error naming the reference, not a panic.
    let proxy = Proxy::start(registry.port, Mode::TruncateAlways);
    let input = format!("127.0.0.1:{}/debian-mini:1.0", proxy.port);
    let err = scan_ref(
        &input,
        ClientOptions {
            retries: 2,
            ..options(None)
        },
    )
    .unwrap_err();
    assert!(err.contains(&input) && err.contains("layer"), "{err}");
}

#[test]
fn errors_are_typed() {
    // No registry needed: a bad reference names what was typed.
    let err = Reference::parse("Bad/Name").unwrap_err();
    assert!(matches!(err, RegistryError::BadReference { .. }));
    assert!(err.to_string().contains("\"Bad/Name\""), "{err}");
}

#[test]
fn registry_tokens_and_identity_tokens() {
    if !tools() {
        return;
    }
    let registry = Registry::start(false);
    registry.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let local = scan_local(&layout("debian-mini.oci"));

    // A registry token is sent as is: no token server asked.
    let proxy = Proxy::start(registry.port, Mode::Bearer);
    let input = format!("127.0.0.1:{}/debian-mini:1.0", proxy.port);
    let with_token = |token: &str| ClientOptions {
        registry_token: Some(token.to_string()),
        ..options(None)
    };
    let remote = scan_ref(&input, with_token("tok-123")).unwrap();
    assert_same(&remote, &local, "with a registry token");
    assert!(
        !proxy.log().iter().any(|l| l.contains("/token")),
        "{:?}",
        proxy.log()
    );
    let err = scan_ref(&input, with_token("stale")).unwrap_err();
    assert!(
        err.contains(&input) && err.contains("refused the registry token"),
        "{err}"
    );

    // An identity token (user `<token>`) is traded at the token server with an OAuth2 POST.
    let proxy = Proxy::start(registry.port, Mode::OAuth);
    let input = format!("127.0.0.1:{}/debian-mini:1.0", proxy.port);
    let identity = |t: &str| options(Some((sekisho_registry::IDENTITY_TOKEN_USER, t)));
    let remote = scan_ref(&input, identity("rt-1")).unwrap();
    assert_same(&remote, &local, "with an identity token");
    let log = proxy.log();
    assert!(
        log.iter().any(|l| l.starts_with("POST /token"))
            && !log.iter().any(|l| l.starts_with("GET /token")),
        "{log:?}"
    );
    let err = scan_ref(&input, identity("rt-wrong")).unwrap_err();
    assert!(
        err.contains(&input) && err.contains("token server refused the identity token"),
        "{err}"
    );
    // The same server does not take a user and password by GET: only the POST flow works.
    let err = scan_ref(&input, options(Some(("user", "pass")))).unwrap_err();
    assert!(
        err.contains("token server refused the credentials"),
        "{err}"
    );

    // A basic-auth registry cannot take an identity token: said so.
    let basic = Registry::start(true);
    basic.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let input = format!("{}/debian-mini:1.0", basic.host());
    let err = scan_ref(&input, identity("rt-1")).unwrap_err();
    assert!(
        err.contains(&input) && err.contains("identity token"),
        "{err}"
    );
    let err = scan_ref(&input, with_token("tok-123")).unwrap_err();
    assert!(
        err.contains(&input) && err.contains("refused the registry token"),
        "{err}"
    );
}

#[test]
fn tls_with_a_private_ca() {
    if !tls_tools() {
        return;
    }
    let ca = TestCa::make();
    let registry = Registry::start_with(true, Some(&ca));
    registry.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let local = scan_local(&layout("debian-mini.oci"));
    let ca_certs = sekisho_registry::parse_pem_certificates(&ca.ca_pem()).unwrap();
    assert_eq!(ca_certs.len(), 1);
    let with_ca = |builtin_roots: bool| ClientOptions {
        ca_certs: ca_certs.clone(),
        builtin_roots,
        ..options(Some(("user", "pass")))
    };
    for host in [registry.host(), format!("localhost:{}", registry.port)] {
        let input = format!("{host}/debian-mini:1.0");
        // The CA on top of the built-in roots, and the CA alone (SSL_CERT_FILE's way).
        let remote = scan_ref(&input, with_ca(true)).unwrap();
        assert_same(&remote, &local, "over TLS with the CA");
        scan_ref(&input, with_ca(false)).unwrap();
        // Without it: a TLS error naming the reference, not a retry loop or plain HTTP.
        let start = Instant::now();
        let err = scan_ref(&input, options(Some(("user", "pass")))).unwrap_err();
        assert!(
            err.contains(&input)
                && err.contains("TLS")
                && err.contains("not trusted")
                && err.contains("--cacert"),
            "{err}"
        );
        assert!(start.elapsed() < Duration::from_secs(10), "not retried");
        // --insecure skips verification.
        scan_ref(
            &input,
            ClientOptions {
                insecure: true,
                ..options(Some(("user", "pass")))
            },
        )
        .unwrap();
    }
    // A CA that did not sign the certificate does not help.
    let other = TestCa::make();
    let err = scan_ref(
        &format!("{}/debian-mini:1.0", registry.host()),
        ClientOptions {
            ca_certs: sekisho_registry::parse_pem_certificates(&other.ca_pem()).unwrap(),
            ..options(Some(("user", "pass")))
        },
    )
    .unwrap_err();
    assert!(err.contains("not trusted"), "{err}");
    assert!(sekisho_registry::parse_pem_certificates(b"not pem").is_err());
}

#[test]
fn mirrors_first_then_the_origin() {
    if !tools() {
        return;
    }
    let origin = Registry::start(false);
    let mirror = Registry::start(false);
    mirror.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "hub/debian-mini:1.0",
    );
    let local = scan_local(&layout("debian-mini.oci"));
    let conf_for = |origin: &str, mirrors: &[String]| {
        let mut text = format!("[[registry]]\nprefix = \"{origin}\"\nlocation = \"{origin}\"\n");
        for m in mirrors {
            text.push_str(&format!("[[registry.mirror]]\nlocation = \"{m}\"\n"));
        }
        sekisho_registry::RegistriesConf::parse(&text).unwrap()
    };
    let scan_via = |input: &str, conf: &sekisho_registry::RegistriesConf| {
        let reference = Reference::parse(input).unwrap();
        let endpoints = conf.endpoints(&reference).unwrap();
        let store = RegistryStore::connect_via(&reference, &endpoints, |_| {
            Ok(ClientOptions {
                retries: 0,
                ..options(None)
            })
        })
        .map_err(|e| e.to_string())?;
        let mirror = store.mirror().map(|m| m.to_string());
        let report =
            sekisho_scan::scan(&request(store.into_source(input))).map_err(|e| e.to_string())?;
        Ok::<_, String>((report, mirror))
    };

    // The origin lacks the image; the second mirror has it (the first is down).
    let input = format!("{}/debian-mini:1.0", origin.host());
    let down = format!("127.0.0.1:{}", free_port());
    let conf = conf_for(
        &origin.host(),
        &[down.clone(), format!("{}/hub", mirror.host())],
    );
    let (report, served_by) = scan_via(&input, &conf).unwrap();
    assert_same(&report, &local, "from the mirror");
    assert_eq!(report.source.input, input, "the report names the reference");
    assert_eq!(report.source.tags, std::slice::from_ref(&input));
    assert_eq!(
        served_by.as_deref(),
        Some(format!("{}/hub/debian-mini:1.0", mirror.host()).as_str())
    );

    // The origin is down too: still the mirror.
    let gone = format!("127.0.0.1:{}", free_port());
    let input_gone = format!("{gone}/debian-mini:1.0");
    let conf_gone = conf_for(&gone, &[format!("{}/hub", mirror.host())]);
    let (report, _) = scan_via(&input_gone, &conf_gone).unwrap();
    assert_same(&report, &local, "origin down");

    // The mirrors fail (one down, one without the image): the origin serves it.
    origin.push(
        &format!("oci:{}", layout("debian-mini.oci")),
        "debian-mini:1.0",
    );
    let conf = conf_for(&origin.host(), &[down.clone(), mirror.host()]);
    let (report, served_by) = scan_via(&input, &conf).unwrap();
    assert_same(&report, &local, "from the origin after the mirrors");
    assert_eq!(served_by, None);

    // Nobody has it: every failure listed, in order, naming the reference.
    let missing = format!("{}/debian-mini:9.9", origin.host());
    let err = scan_via(&missing, &conf).err().unwrap();
    let first = err.find(&format!("mirror {down}")).expect(&err);
    let second = err
        .find(&format!("mirror {}/debian-mini:9.9", mirror.host()))
        .expect(&err);
    let last = err.find(&format!("registry {missing}")).expect(&err);
    assert!(
        err.starts_with(&missing) && first < second && second < last && err.contains("not found"),
        "{err}"
    );
}
