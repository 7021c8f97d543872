//! `update` against a local HTTP server (127.0.0.1 only) serving the upstream layouts built
//! from the shared samples (`shared/data/advisories/*.tar.gz`): full and incremental
//! updates, `--mirror`, interrupted downloads, corrupt archives, changed formats, 429 with
//! `Retry-After`, and 1,000 changed records.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sekisho_advisory::{
    update, Database, Error, Event, Feed, FeedFile, HttpOptions, Layout, Mode, Range,
    UpdateOptions, UpdateSummary,
};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/advisories"
);

// ---------------------------------------------------------------------------------------
// A tiny HTTP/1.1 server: files under a root, request counts per path, injected faults.

#[derive(Clone)]
enum Fault {
    /// Send the headers and half the body, then close (every time).
    CloseMidBody,
    /// Answer with this status (every time).
    Status(u16),
    /// Answer 429 with `Retry-After: 1` this many times, then serve normally.
    TooMany(usize),
}

#[derive(Default)]
struct State {
    counts: BTreeMap<String, usize>,
    faults: HashMap<String, Fault>,
}

struct Server {
    url: String,
    root: PathBuf,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl Server {
    fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp, rt) = (Arc::clone(&state), Arc::clone(&stop), root.to_path_buf());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (st, rt) = (Arc::clone(&st), rt.clone());
                std::thread::spawn(move || serve(conn, &rt, &st));
            }
        });
        Server {
            url: format!("http://127.0.0.1:{port}"),
            root: root.to_path_buf(),
            state,
            stop,
            port,
        }
    }

    fn fault(&self, path: &str, fault: Fault) {
        self.state
            .lock()
            .unwrap()
            .faults
            .insert(path.to_owned(), fault);
    }

    fn clear_faults(&self) {
        self.state.lock().unwrap().faults.clear();
    }

    fn take_counts(&self) -> BTreeMap<String, usize> {
        std::mem::take(&mut self.state.lock().unwrap().counts)
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(conn: TcpStream, root: &Path, state: &Mutex<State>) {
    conn.set_read_timeout(Some(Duration::from_secs(10))).ok();
    conn.set_nodelay(true).ok();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut out = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" || h == "\n" {
                break;
            }
        }
        let path = line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .split('?')
            .next()
            .unwrap_or("/")
            .to_owned();
        let fault = {
            let mut st = state.lock().unwrap();
            *st.counts.entry(path.clone()).or_default() += 1;
            let f = st.faults.get(&path).cloned();
            if let Some(Fault::TooMany(n)) = &f {
                if *n <= 1 {
                    st.faults.remove(&path);
                } else {
                    st.faults.insert(path.clone(), Fault::TooMany(n - 1));
                }
            }
            f
        };
        let respond = |out: &mut TcpStream, status: &str, extra: &str, body: &[u8]| {
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{extra}\r\n",
                body.len()
            );
            // One write: a head and a body in two small packets would meet Nagle's
            // algorithm and the client's delayed ACK (40 ms a request).
            let mut msg = head.into_bytes();
            msg.extend_from_slice(body);
            out.write_all(&msg).and_then(|_| out.flush())
        };
        let ok = match fault {
            Some(Fault::Status(code)) => respond(&mut out, &format!("{code} Error"), "", b"no"),
            Some(Fault::TooMany(_)) => respond(
                &mut out,
                "429 Too Many Requests",
                "Retry-After: 1\r\n",
                b"slow down",
            ),
            Some(Fault::CloseMidBody) => {
                let body = fs::read(root.join(path.trim_start_matches('/'))).unwrap_or_default();
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
                let _ = out.write_all(head.as_bytes());
                let _ = out.write_all(&body[..body.len() / 2]);
                let _ = out.flush();
                let _ = out.shutdown(Shutdown::Both);
                return;
            }
            None => match fs::read(root.join(path.trim_start_matches('/'))) {
                Ok(body) => respond(&mut out, "200 OK", "", &body),
                Err(_) => respond(&mut out, "404 Not Found", "", b"not found"),
            },
        };
        if ok.is_err() {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Upstream layouts from the shared samples.

fn read_targz(name: &str) -> Vec<(String, Vec<u8>)> {
    let file = fs::File::open(Path::new(DATA).join(name)).expect("shared advisory data");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut out = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().unwrap().to_string_lossy().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.push((path, bytes));
    }
    out
}

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sekisho-update-test-{}-{name}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn zip_of(records: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in records {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Writes `osv/npm/all.zip` and `osv/npm/modified_id.csv` (and every record as
/// `osv/npm/<ID>.json`) for these records.
fn publish_osv(root: &Path, records: &[serde_json::Value]) {
    publish_eco(root, "npm", records);
}

/// [`publish_osv`] for any ecosystem folder.
fn publish_eco(root: &Path, eco: &str, records: &[serde_json::Value]) {
    let mut members = Vec::new();
    let mut csv: Vec<(String, String)> = Vec::new();
    for r in records {
        let id = r["id"].as_str().unwrap().to_owned();
        let bytes = serde_json::to_vec_pretty(r).unwrap();
        write(&root.join(format!("osv/{eco}/{id}.json")), &bytes);
        members.push((format!("{id}.json"), bytes));
        csv.push((r["modified"].as_str().unwrap().to_owned(), id));
    }
    csv.sort_by(|a, b| b.cmp(a));
    let text: String = csv.iter().map(|(m, id)| format!("{m},{id}\n")).collect();
    write(
        &root.join(format!("osv/{eco}/modified_id.csv")),
        text.as_bytes(),
    );
    write(&root.join(format!("osv/{eco}/all.zip")), &zip_of(&members));
}

fn ghsa_npm() -> Vec<serde_json::Value> {
    read_targz("ghsa.tar.gz")
        .into_iter()
        .filter(|(p, _)| p.ends_with(".json"))
        .map(|(_, b)| serde_json::from_slice::<serde_json::Value>(&b).unwrap())
        .filter(|v| {
            v["affected"]
                .as_array()
                .is_some_and(|a| a.iter().any(|e| e["package"]["ecosystem"] == "npm"))
        })
        .collect()
}

/// The whole upstream tree: OSV npm, Alpine v3.11 main, Wolfi, the Debian tracker, and a
/// Red Hat VEX archive named by `archive_latest.txt`.
fn publish_all(root: &Path) {
    publish_osv(root, &ghsa_npm());
    // Alpine: the branch file in its JSON form, from the per-package vuln-list copies.
    let mut packages = Vec::new();
    for (path, bytes) in read_targz("alpine-vuln-list.tar.gz") {
        if path.contains("/3.11/main/") && path.ends_with(".json") {
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            packages
                .push(serde_json::json!({"pkg": {"name": v["name"], "secfixes": v["secfixes"]}}));
        }
    }
    let main = serde_json::json!({"apkurl": "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk",
        "archs": ["x86_64"], "reponame": "main", "urlprefix": "https://alpine.invalid", "distroversion": "v3.11",
        "packages": packages});
    write(
        &root.join("alpine-secdb/v3.11/main.json"),
        &serde_json::to_vec(&main).unwrap(),
    );
    for (path, bytes) in read_targz("wolfi-secdb.tar.gz") {
        if path.ends_with("security.json") {
            write(&root.join("wolfi/security.json"), &bytes);
        }
    }
    for (path, bytes) in read_targz("debian-tracker.tar.gz") {
        if path.ends_with(".json") {
            write(&root.join("debian-tracker/json"), &bytes);
        }
    }
    publish_redhat(root, "csaf_vex_2026-11-01.tar.zst");
}

fn publish_redhat(root: &Path, name: &str) {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, bytes) in read_targz("redhat-csaf.tar.gz") {
        if let Some(rel) = path.strip_prefix("redhat-csaf/csaf-vex/") {
            let mut h = tar::Header::new_gnu();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            tar.append_data(&mut h, rel, bytes.as_slice()).unwrap();
        }
    }
    let tar = tar.into_inner().unwrap();
    let zst = zstd::encode_all(tar.as_slice(), 3).unwrap();
    write(&root.join(format!("redhat-csaf-vex/{name}")), &zst);
    write(
        &root.join("redhat-csaf-vex/archive_latest.txt"),
        format!("{name}\n").as_bytes(),
    );
}

/// The feed table of the tests: the default layouts with fewer parts, every base on `base`.
fn feeds(base: &str) -> Vec<Feed> {
    let f = |path: &str, save_as: &str| FeedFile {
        path: path.into(),
        save_as: save_as.into(),
    };
    vec![
        Feed {
            name: "osv".into(),
            base: format!("{base}/osv/"),
            layout: Layout::Osv {
                ecosystems: vec!["npm".into()],
            },
        },
        Feed {
            name: "alpine-secdb".into(),
            base: format!("{base}/alpine-secdb/"),
            layout: Layout::Files {
                files: vec![
                    f("v3.11/main.json", "v3.11/main.json"),
                    f("v3.11/community.json", "v3.11/community.json"),
                ],
                missing_ok: true,
            },
        },
        Feed {
            name: "wolfi".into(),
            base: format!("{base}/wolfi/"),
            layout: Layout::Files {
                files: vec![f("security.json", "security.json")],
                missing_ok: false,
            },
        },
        Feed {
            name: "debian-tracker".into(),
            base: format!("{base}/debian-tracker/"),
            layout: Layout::Files {
                files: vec![f("json", "tracker.json")],
                missing_ok: false,
            },
        },
        Feed {
            name: "redhat-csaf-vex".into(),
            base: format!("{base}/redhat-csaf-vex/"),
            layout: Layout::Archive {
                pointer: "archive_latest.txt".into(),
            },
        },
    ]
}

fn options(work: &Path, base: &str) -> UpdateOptions {
    UpdateOptions {
        db: work.join("db/sekisho.db"),
        cache: work.join("db/feeds"),
        feeds: feeds(base),
        only: Vec::new(),
        mirror: None,
        built: "2026-12-05T00:00:00Z".into(),
        http: HttpOptions {
            backoff: Duration::from_millis(10),
            max_retry_after: Duration::from_secs(2),
            ..HttpOptions::default()
        },
    }
}

fn run(opts: &UpdateOptions) -> Result<UpdateSummary, Error> {
    update(opts, &mut |_| {})
}

fn lodash_fixed(db: &Path, id: &str) -> Vec<String> {
    let db = Database::open(db).unwrap();
    let hits = db.lookup("npm", "", "lodash").unwrap();
    let mut fixed = Vec::new();
    for h in hits.iter().filter(|h| h.id == id) {
        for r in &h.affected.ranges {
            if let Range::Ecosystem { events } | Range::Semver { events } = r {
                for e in events {
                    if let Event::Fixed(v) = e {
                        fixed.push(v.clone());
                    }
                }
            }
        }
    }
    fixed
}

fn requested(counts: &BTreeMap<String, usize>, path: &str) -> usize {
    counts.get(path).copied().unwrap_or(0)
}

// ---------------------------------------------------------------------------------------

#[test]
fn full_then_incremental() {
    let work = scratch("incr");
    let root = work.join("upstream");
    publish_all(&root);
    let server = Server::start(&root);
    let opts = options(&work, &server.url);

    let summary = run(&opts).expect("full update");
    let counts = server.take_counts();
    assert_eq!(requested(&counts, "/osv/npm/all.zip"), 1);
    assert_eq!(requested(&counts, "/osv/npm/modified_id.csv"), 0);
    let osv = &summary.feeds[0];
    assert_eq!(osv.parts[0].mode, Mode::Full);
    assert_eq!(osv.parts[0].records, ghsa_npm().len());
    let alpine = &summary.feeds[1];
    assert_eq!(
        alpine.parts[1].mode,
        Mode::Missing,
        "community.json is not served"
    );
    let names: Vec<&str> = summary
        .build
        .sources
        .iter()
        .map(|s| s.row.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "osv",
            "alpine-secdb",
            "wolfi",
            "debian-tracker",
            "redhat-csaf-vex"
        ]
    );
    assert!(summary.build.sources.iter().all(|s| s.row.records > 0));
    assert_eq!(lodash_fixed(&opts.db, "GHSA-p6mc-m468-83gw"), ["4.17.20"]);
    let db = Database::open(&opts.db).unwrap();
    assert!(!db.lookup("apk", "alpine:3.11", "musl").unwrap().is_empty());
    assert!(!db.lookup("apk", "wolfi", "coreutils").unwrap().is_empty());
    assert!(!db
        .lookup("rpm", "redhat:7", "coreutils")
        .unwrap()
        .is_empty());
    assert!(!db
        .lookup("deb", "debian:12", "chromium")
        .unwrap()
        .is_empty());
    drop(db);

    // Upstream changes one record.
    let mut records = ghsa_npm();
    for r in &mut records {
        if r["id"] == "GHSA-p6mc-m468-83gw" {
            r["modified"] = "2030-01-01T00:00:00.5Z".into();
            let text = serde_json::to_string(&r["affected"]).unwrap();
            r["affected"] = serde_json::from_str(&text.replace("4.17.20", "4.17.99")).unwrap();
        }
    }
    publish_osv(&root, &records);
    let summary = run(&opts).expect("incremental update");
    let counts = server.take_counts();
    assert_eq!(requested(&counts, "/osv/npm/all.zip"), 0, "{counts:?}");
    assert_eq!(requested(&counts, "/osv/npm/modified_id.csv"), 1);
    assert_eq!(requested(&counts, "/osv/npm/GHSA-p6mc-m468-83gw.json"), 1);
    let record_requests = counts
        .keys()
        .filter(|p| p.starts_with("/osv/npm/GHSA-"))
        .count();
    assert_eq!(record_requests, 1, "only the changed record: {counts:?}");
    assert_eq!(summary.feeds[0].parts[0].mode, Mode::Incremental);
    assert_eq!(summary.feeds[0].parts[0].records, 1);
    // The Red Hat archive is not downloaded again: the pointer names the same one.
    assert_eq!(
        requested(&counts, "/redhat-csaf-vex/csaf_vex_2026-11-01.tar.zst"),
        0
    );
    assert_eq!(requested(&counts, "/redhat-csaf-vex/archive_latest.txt"), 1);
    assert_eq!(lodash_fixed(&opts.db, "GHSA-p6mc-m468-83gw"), ["4.17.99"]);

    // Nothing changed: only the index is read.
    let summary = run(&opts).expect("no-change update");
    let counts = server.take_counts();
    assert_eq!(summary.feeds[0].parts[0].mode, Mode::Unchanged);
    assert!(!counts.keys().any(|p| p.starts_with("/osv/npm/GHSA-")));

    // A corrupt state means a full download again.
    fs::write(opts.cache.join("osv/npm/.state.json"), b"{not json").unwrap();
    let summary = run(&opts).expect("update after a corrupt state");
    let counts = server.take_counts();
    assert_eq!(summary.feeds[0].parts[0].mode, Mode::Full);
    assert_eq!(requested(&counts, "/osv/npm/all.zip"), 1);
    assert_eq!(lodash_fixed(&opts.db, "GHSA-p6mc-m468-83gw"), ["4.17.99"]);

    // --feed: only the selected feed is fetched; the database keeps every cached feed.
    let mut only = opts.clone();
    only.only = vec!["wolfi".into()];
    let summary = run(&only).expect("one feed");
    let counts = server.take_counts();
    assert!(
        counts.keys().all(|p| p.starts_with("/wolfi/")),
        "{counts:?}"
    );
    assert_eq!(summary.build.sources.len(), 5);
    // A feed none of whose files is on the server is an error, not an empty source.
    fs::remove_file(server.file("alpine-secdb/v3.11/main.json")).unwrap();
    let mut alpine = opts.clone();
    alpine.only = vec!["alpine-secdb".into()];
    let err = run(&alpine).unwrap_err().to_string();
    assert!(
        err.contains("feed alpine-secdb") && err.contains("none of the feed's files"),
        "{err}"
    );
    assert!(opts.cache.join("alpine-secdb/v3.11/main.json").is_file());
    let mut bad = opts.clone();
    bad.only = vec!["nope".into()];
    let err = run(&bad).unwrap_err().to_string();
    assert!(err.contains("unknown feed \"nope\""), "{err}");
}

#[test]
fn mirror_routes_every_request() {
    let work = scratch("mirror");
    let root = work.join("mirror");
    publish_all(&root);
    let server = Server::start(&root);
    // Upstream is a closed port: any request that went there would fail the update.
    let mut opts = options(&work, "http://127.0.0.1:9");
    opts.mirror = Some(format!("{}/", server.url));
    let summary = run(&opts).expect("update from the mirror");
    assert_eq!(summary.build.sources.len(), 5);
    let counts = server.take_counts();
    for feed in [
        "/osv/npm/all.zip",
        "/alpine-secdb/v3.11/main.json",
        "/wolfi/security.json",
        "/debian-tracker/json",
        "/redhat-csaf-vex/archive_latest.txt",
        "/redhat-csaf-vex/csaf_vex_2026-11-01.tar.zst",
    ] {
        assert_eq!(requested(&counts, feed), 1, "{feed}: {counts:?}");
    }
    // Incremental runs go to the mirror too.
    run(&opts).expect("incremental from the mirror");
    assert_eq!(
        requested(&server.take_counts(), "/osv/npm/modified_id.csv"),
        1
    );
    // A mirror with only all.zip and the index: a changed record it lacks means the whole
    // export again, and the change is in the database.
    let mut records = ghsa_npm();
    for r in &mut records {
        if r["id"] == "GHSA-p6mc-m468-83gw" {
            r["modified"] = "2030-01-01T00:00:00Z".into();
            let text = serde_json::to_string(&r["affected"]).unwrap();
            r["affected"] = serde_json::from_str(&text.replace("4.17.20", "4.17.77")).unwrap();
        }
    }
    publish_osv(&root, &records);
    for r in &records {
        let _ = fs::remove_file(root.join(format!("osv/npm/{}.json", r["id"].as_str().unwrap())));
    }
    let summary = run(&opts).expect("fallback to all.zip");
    assert_eq!(summary.feeds[0].parts[0].mode, Mode::Full);
    let counts = server.take_counts();
    assert_eq!(requested(&counts, "/osv/npm/GHSA-p6mc-m468-83gw.json"), 1);
    assert_eq!(requested(&counts, "/osv/npm/all.zip"), 1);
    assert_eq!(lodash_fixed(&opts.db, "GHSA-p6mc-m468-83gw"), ["4.17.77"]);
}

#[test]
fn interrupted_download_keeps_the_old_cache_and_database() {
    let work = scratch("interrupt");
    let root = work.join("upstream");
    publish_all(&root);
    let server = Server::start(&root);
    let opts = options(&work, &server.url);
    run(&opts).expect("first update");
    let db_before = fs::read(&opts.db).unwrap();
    let wolfi_before = fs::read(opts.cache.join("wolfi/security.json")).unwrap();

    // A whole-file feed: the connection closes mid-body on every try.
    server.fault("/wolfi/security.json", Fault::CloseMidBody);
    let err = run(&opts).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Fetch { .. }), "{text}");
    assert!(text.contains("feed wolfi"), "{text}");
    assert!(
        text.contains(&format!("{}/wolfi/security.json", server.url)),
        "{text}"
    );
    assert!(text.contains("after 3 attempts"), "{text}");
    // Three tries (ureq may re-send once on a pooled connection the server closed).
    let tries = requested(&server.take_counts(), "/wolfi/security.json");
    assert!((3..=4).contains(&tries), "{tries}");
    assert_eq!(
        fs::read(opts.cache.join("wolfi/security.json")).unwrap(),
        wolfi_before
    );
    assert_eq!(fs::read(&opts.db).unwrap(), db_before);
    assert_eq!(lodash_fixed(&opts.db, "GHSA-p6mc-m468-83gw"), ["4.17.20"]);

    // The OSV export, on a full download (state gone): the old records stay.
    server.clear_faults();
    fs::remove_file(opts.cache.join("osv/npm/.state.json")).unwrap();
    server.fault("/osv/npm/all.zip", Fault::CloseMidBody);
    let text = run(&opts).unwrap_err().to_string();
    assert!(text.contains("feed osv"), "{text}");
    assert!(text.contains("/osv/npm/all.zip"), "{text}");
    assert!(opts
        .cache
        .join("osv/npm/GHSA-p6mc-m468-83gw.json")
        .is_file());
    assert_eq!(fs::read(&opts.db).unwrap(), db_before);
    // No temporary file is left where the builder would read it.
    let leftovers: Vec<_> = fs::read_dir(opts.cache.join("osv"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, ["npm"], "{leftovers:?}");

    // A server error on one record of an incremental update.
    server.clear_faults();
    run(&opts).expect("recovers");
    let mut records = ghsa_npm();
    records[0]["modified"] = "2031-01-01T00:00:00Z".into();
    let id = records[0]["id"].as_str().unwrap().to_owned();
    publish_osv(&root, &records);
    server.fault(&format!("/osv/npm/{id}.json"), Fault::Status(500));
    let text = run(&opts).unwrap_err().to_string();
    assert!(
        text.contains("feed osv") && text.contains("HTTP 500"),
        "{text}"
    );
    // The state did not move: the next run fetches the record again.
    server.clear_faults();
    server.take_counts();
    run(&opts).expect("recovers");
    assert_eq!(
        requested(&server.take_counts(), &format!("/osv/npm/{id}.json")),
        1
    );
}

#[test]
fn corrupt_zip_names_the_feed() {
    let work = scratch("corrupt");
    let root = work.join("upstream");
    publish_all(&root);
    let zip = server_file(&root, "osv/npm/all.zip");
    let mut bytes = fs::read(&zip).unwrap();
    let n = bytes.len();
    bytes.truncate(n * 2 / 3);
    fs::write(&zip, &bytes).unwrap();
    let server = Server::start(&root);
    let opts = options(&work, &server.url);
    let err = run(&opts).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::FeedArchive { .. }), "{text}");
    assert!(text.contains("feed osv"), "{text}");
    assert!(text.contains("corrupt archive"), "{text}");
    assert!(!opts.db.exists());

    // Garbage that is not a zip at all.
    fs::write(&zip, b"<html>maintenance</html>").unwrap();
    let text = run(&opts).unwrap_err().to_string();
    assert!(
        text.contains("feed osv") && text.contains("corrupt archive"),
        "{text}"
    );
}

fn server_file(root: &Path, rel: &str) -> PathBuf {
    root.join(rel)
}

#[test]
fn changed_format_names_the_feed() {
    let work = scratch("format");
    let root = work.join("upstream");
    publish_all(&root);
    // all.zip now holds something that is not OSV.
    write(
        &root.join("osv/npm/all.zip"),
        &zip_of(&[(
            "x.json".into(),
            br#"{"vulnerability": "CVE-1", "pkg": "x"}"#.to_vec(),
        )]),
    );
    let server = Server::start(&root);
    let opts = options(&work, &server.url);
    let err = run(&opts).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::FeedFormat { .. }), "{text}");
    assert!(
        text.contains("feed osv") && text.contains("x.json"),
        "{text}"
    );
    assert!(text.contains("format changed"), "{text}");

    // A whole-file feed whose shape changed.
    publish_osv(&root, &ghsa_npm());
    fs::write(server.file("wolfi/security.json"), br#"{"advisories": []}"#).unwrap();
    let text = run(&opts).unwrap_err().to_string();
    assert!(text.contains("feed wolfi"), "{text}");
    assert!(text.contains("format changed"), "{text}");
    assert!(!opts.cache.join("wolfi/security.json").exists());

    // modified_id.csv that is not `<time>,<id>` lines.
    publish_all(&root);
    run(&opts).expect("recovers");
    fs::write(server.file("osv/npm/modified_id.csv"), b"id;modified\n").unwrap();
    let text = run(&opts).unwrap_err().to_string();
    assert!(
        text.contains("feed osv") && text.contains("modified_id.csv"),
        "{text}"
    );
}

#[test]
fn too_many_requests_honours_retry_after() {
    let work = scratch("429");
    let root = work.join("upstream");
    publish_all(&root);
    let server = Server::start(&root);
    let opts = options(&work, &server.url);
    server.fault("/wolfi/security.json", Fault::TooMany(1));
    let t = Instant::now();
    run(&opts).expect("retried after 429");
    eprintln!(
        "update with one 429 (Retry-After: 1) took {:?}",
        t.elapsed()
    );
    assert_eq!(requested(&server.take_counts(), "/wolfi/security.json"), 2);
    // A client error that retrying cannot fix fails at once.
    server.fault("/wolfi/security.json", Fault::Status(403));
    let text = run(&opts).unwrap_err().to_string();
    assert!(
        text.contains("HTTP 403") && text.contains("feed wolfi"),
        "{text}"
    );
    assert_eq!(requested(&server.take_counts(), "/wolfi/security.json"), 1);
}

#[test]
fn thousand_changed_records() {
    let work = scratch("thousand");
    let root = work.join("upstream");
    let record = |i: usize, modified: &str, fixed: &str| {
        serde_json::json!({
            "schema_version": "1.6.0",
            "id": format!("TEST-{i:04}"),
            "modified": modified,
            "summary": format!("test record {i}"),
            "affected": [{"package": {"ecosystem": "npm", "name": format!("pkg-{i}")},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]
        })
    };
    let v1: Vec<_> = (0..1000)
        .map(|i| record(i, "2025-01-01T00:00:00Z", "1.0.0"))
        .collect();
    publish_osv(&root, &v1);
    let server = Server::start(&root);
    let mut opts = options(&work, &server.url);
    opts.feeds.truncate(1);
    run(&opts).expect("full");
    server.take_counts();
    let v2: Vec<_> = (0..1000)
        .map(|i| {
            record(
                i,
                &format!("2025-02-01T00:{:02}:{:02}Z", i / 60, i % 60),
                "2.0.0",
            )
        })
        .collect();
    publish_osv(&root, &v2);
    let t = Instant::now();
    let summary = run(&opts).expect("incremental");
    let elapsed = t.elapsed();
    eprintln!("incremental update of 1,000 changed records (fetch + rebuild): {elapsed:?}");
    assert_eq!(summary.feeds[0].parts[0].records, 1000);
    let counts = server.take_counts();
    assert_eq!(
        counts
            .keys()
            .filter(|p| p.starts_with("/osv/npm/TEST-"))
            .count(),
        1000
    );
    assert_eq!(requested(&counts, "/osv/npm/all.zip"), 0);
    let db = Database::open(&opts.db).unwrap();
    let hits = db.lookup("npm", "", "pkg-999").unwrap();
    assert_eq!(hits[0].affected.fixed.as_deref(), Some("2.0.0"));
}

#[test]
fn no_proxy_reaches_the_mirror_directly() {
    let work = scratch("proxy");
    let root = work.join("upstream");
    publish_all(&root);
    let server = Server::start(&root);
    let mut opts = options(&work, &server.url);
    opts.feeds.truncate(1);
    // A proxy nobody listens on: only NO_PROXY lets the update through.
    opts.http.proxy = Some("http://127.0.0.1:9".into());
    opts.http.attempts = 1;
    let text = run(&opts).unwrap_err().to_string();
    assert!(text.contains("feed osv"), "{text}");
    opts.http.no_proxy = Some("example.invalid, 127.0.0.1".into());
    run(&opts).expect("direct to the server");
}

#[test]
fn one_update_per_cache() {
    let work = scratch("lock");
    let root = work.join("upstream");
    publish_all(&root);
    let server = Server::start(&root);
    let opts = options(&work, &server.url);
    fs::create_dir_all(&opts.cache).unwrap();
    let held = fs::File::create(opts.cache.join(".lock")).unwrap();
    held.try_lock().unwrap();
    let text = run(&opts).unwrap_err().to_string();
    assert!(text.contains("another `sekisho db update`"), "{text}");
    assert!(server.take_counts().is_empty());
    drop(held);
    run(&opts).expect("the lock is free again");
}

// ---------------------------------------------------------------------------------------
// Incremental database updates answer exactly as a full build.

/// Every package key of a database.
fn package_keys(db: &Path) -> std::collections::BTreeSet<(String, String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT DISTINCT ecosystem, distro, name FROM affected")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every lookup answer for these keys, in order, each hit with its display text (row ids
/// aside: they are not the same in an updated database).
fn answers(
    db: &Path,
    keys: &std::collections::BTreeSet<(String, String, String)>,
) -> Vec<(String, Vec<String>)> {
    let db = Database::open(db).unwrap();
    keys.iter()
        .map(|(eco, distro, name)| {
            let hits = db.lookup(eco, distro, name).unwrap();
            let text = hits
                .into_iter()
                .map(|mut h| {
                    let display = db.display(h.advisory_row).unwrap();
                    h.advisory_row = 0;
                    format!("{h:?} {display:?}")
                })
                .collect();
            (format!("{eco} {distro} {name}"), text)
        })
        .collect()
}

/// Builds the same cache in full beside the updated database and compares: every lookup
/// answer for every package key of either, the sources (counts, digests) and the totals.
fn assert_same_as_full_build(opts: &UpdateOptions, summary: &UpdateSummary) {
    let full = opts.db.with_file_name("full.db");
    let sources: Vec<PathBuf> = summary
        .build
        .sources
        .iter()
        .map(|s| s.path.clone())
        .collect();
    let built = sekisho_advisory::build(&full, &sources, &opts.built).unwrap();
    let rows = |s: &sekisho_advisory::BuildSummary| -> Vec<_> {
        s.sources.iter().map(|s| s.row.clone()).collect()
    };
    assert_eq!(rows(&summary.build), rows(&built));
    let (a, b) = (
        Database::open(&opts.db).unwrap().info().unwrap(),
        Database::open(&full).unwrap().info().unwrap(),
    );
    assert_eq!(a.sources, b.sources);
    assert_eq!(
        (a.advisories, a.affected, a.repositories),
        (b.advisories, b.affected, b.repositories)
    );
    let mut keys = package_keys(&opts.db);
    keys.extend(package_keys(&full));
    let (got, want) = (answers(&opts.db, &keys), answers(&full, &keys));
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "lookup {}", w.0);
    }
}

fn hits_of(db: &Path, eco: &str, name: &str) -> Vec<sekisho_advisory::Hit> {
    Database::open(db).unwrap().lookup(eco, "", name).unwrap()
}

#[test]
fn incremental_update_equals_a_full_build() {
    let work = scratch("incr-db");
    let root = work.join("upstream");
    // npm: the GHSA npm records; PyPI: the GHSA PyPI records and a copy of an npm record
    // (one id in two ecosystem exports, as OSV.dev publishes multi-ecosystem records).
    let ghsa: Vec<serde_json::Value> = read_targz("ghsa.tar.gz")
        .into_iter()
        .filter(|(p, _)| p.ends_with(".json"))
        .map(|(_, b)| serde_json::from_slice(&b).unwrap())
        .collect();
    let in_eco = |v: &serde_json::Value, eco: &str| {
        v["affected"]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["package"]["ecosystem"] == eco))
    };
    let mut npm: Vec<_> = ghsa.iter().filter(|v| in_eco(v, "npm")).cloned().collect();
    let mut pypi: Vec<_> = ghsa.iter().filter(|v| in_eco(v, "PyPI")).cloned().collect();
    let lodash = "GHSA-p6mc-m468-83gw";
    pypi.push(npm.iter().find(|v| v["id"] == lodash).unwrap().clone());
    publish_eco(&root, "npm", &npm);
    publish_eco(&root, "PyPI", &pypi);
    for (path, bytes) in read_targz("wolfi-secdb.tar.gz") {
        if path.ends_with("security.json") {
            write(&root.join("wolfi/security.json"), &bytes);
        }
    }
    let server = Server::start(&root);
    let mut opts = options(&work, &server.url);
    opts.feeds.retain(|f| f.name == "osv" || f.name == "wolfi");
    opts.feeds[0].layout = Layout::Osv {
        ecosystems: vec!["npm".into(), "PyPI".into()],
    };

    let summary = run(&opts).expect("first update");
    assert!(summary.incremental.is_none(), "a new cache: a full build");
    // Nothing changed upstream: an update with nothing to replace.
    let summary = run(&opts).expect("no change");
    let incr = summary.incremental.clone().expect("incremental");
    assert_eq!((incr.files, incr.removed, incr.added), (0, 0, 0));
    assert_same_as_full_build(&opts, &summary);

    // Upstream: one record modified (its fix and summary), one new (lodash again, and one in
    // PyPI), one withdrawn, one whose affected package is renamed.
    let set =
        |records: &mut Vec<serde_json::Value>, id: &str, f: &dyn Fn(&mut serde_json::Value)| {
            let r = records.iter_mut().find(|r| r["id"] == id).unwrap();
            f(r);
        };
    set(&mut npm, lodash, &|r| {
        r["modified"] = "2030-01-01T00:00:01Z".into();
        r["summary"] = "Prototype pollution in lodash (revised)".into();
        let text = serde_json::to_string(&r["affected"]).unwrap();
        r["affected"] = serde_json::from_str(&text.replace("4.17.20", "4.17.99")).unwrap();
    });
    let withdrawn = "GHSA-29mw-wpgm-hmr9";
    set(&mut npm, withdrawn, &|r| {
        r["modified"] = "2030-01-01T00:00:02Z".into();
        r["withdrawn"] = "2030-01-01T00:00:02Z".into();
    });
    let renamed = "GHSA-vh95-rmgr-6w4m";
    set(&mut npm, renamed, &|r| {
        r["modified"] = "2030-01-01T00:00:03Z".into();
        let text = serde_json::to_string(&r["affected"]).unwrap();
        r["affected"] =
            serde_json::from_str(&text.replace("\"minimist\"", "\"minimist-renamed\"")).unwrap();
    });
    let mut new = npm.iter().find(|v| v["id"] == lodash).unwrap().clone();
    new["id"] = "GHSA-0000-new0-0001".into();
    new["modified"] = "2030-01-01T00:00:04Z".into();
    new["summary"] = "A new lodash advisory".into();
    npm.push(new.clone());
    new["id"] = "GHSA-0000-new0-0002".into();
    let text = serde_json::to_string(&new["affected"]).unwrap();
    new["affected"] = serde_json::from_str(
        &text
            .replace("\"npm\"", "\"PyPI\"")
            .replace("\"lodash\"", "\"jinja2\""),
    )
    .unwrap();
    pypi.push(new);
    publish_eco(&root, "npm", &npm);
    publish_eco(&root, "PyPI", &pypi);
    let before = hits_of(&opts.db, "npm", "minimist");
    assert!(before.iter().any(|h| h.id == renamed));
    let summary = run(&opts).expect("incremental update");
    assert_eq!(summary.feeds[0].parts[0].mode, Mode::Incremental);
    assert_eq!(summary.feeds[0].parts[0].records, 4);
    assert_eq!(summary.feeds[0].parts[1].records, 1);
    let incr = summary.incremental.clone().expect("incremental");
    // Five changed files, and the unchanged PyPI copy of the lodash record read again.
    assert_eq!(
        (incr.files, incr.removed, incr.added),
        (6, 4, 6),
        "{incr:?}"
    );
    assert_same_as_full_build(&opts, &summary);
    // The PyPI copy (unchanged, `PyPI/` before `npm/` in file order) and the new npm version.
    assert_eq!(lodash_fixed(&opts.db, lodash), ["4.17.20", "4.17.99"]);
    assert!(!hits_of(&opts.db, "npm", "minimist")
        .iter()
        .any(|h| h.id == renamed));
    assert!(hits_of(&opts.db, "npm", "minimist-renamed")
        .iter()
        .any(|h| h.id == renamed));
    let lodash_hits = hits_of(&opts.db, "npm", "lodash");
    assert!(lodash_hits
        .iter()
        .filter(|h| h.id == withdrawn)
        .all(|h| h.withdrawn.is_some()));
    assert!(lodash_hits.iter().any(|h| h.id == "GHSA-0000-new0-0001"));
    assert!(!hits_of(&opts.db, "pypi", "jinja2").is_empty());

    // The PyPI copy of the lodash record changes alone; then the record comes back to npm's
    // version: updates on top of updates.
    set(&mut pypi, lodash, &|r| {
        r["modified"] = "2030-02-01T00:00:00Z".into();
        r["summary"] = "PyPI's copy".into();
    });
    publish_eco(&root, "PyPI", &pypi);
    let summary = run(&opts).expect("second incremental update");
    assert!(summary.incremental.is_some());
    assert_same_as_full_build(&opts, &summary);
    let db = Database::open(&opts.db).unwrap();
    let summaries: Vec<_> = db
        .lookup("npm", "", "lodash")
        .unwrap()
        .iter()
        .filter(|h| h.id == lodash)
        .map(|h| db.display(h.advisory_row).unwrap().summary.unwrap())
        .collect();
    assert_eq!(
        summaries,
        ["PyPI's copy", "Prototype pollution in lodash (revised)"],
        "the two copies in file order: PyPI/, then npm/"
    );
    drop(db);

    // Any doubt is a full build.
    // Another feed changed.
    let wolfi = server.file("wolfi/security.json");
    let mut w: serde_json::Value = serde_json::from_slice(&fs::read(&wolfi).unwrap()).unwrap();
    w["packages"].as_array_mut().unwrap().pop();
    fs::write(&wolfi, serde_json::to_vec(&w).unwrap()).unwrap();
    set(&mut npm, lodash, &|r| {
        r["modified"] = "2030-03-01T00:00:00Z".into()
    });
    publish_eco(&root, "npm", &npm);
    let summary = run(&opts).expect("wolfi changed");
    assert!(summary.incremental.is_none());
    assert!(
        run(&opts).unwrap().incremental.is_some(),
        "then incremental again"
    );
    // The export downloaded whole (a corrupt state).
    fs::write(opts.cache.join("osv/npm/.state.json"), b"{").unwrap();
    let summary = run(&opts).expect("all.zip again");
    assert_eq!(summary.feeds[0].parts[0].mode, Mode::Full);
    assert!(summary.incremental.is_none());
    // The database was replaced by another build.
    let wolfi_only = vec![opts.cache.join("wolfi")];
    sekisho_advisory::build(&opts.db, &wolfi_only, "2026-01-01T00:00:00Z").unwrap();
    assert!(run(&opts).unwrap().incremental.is_none());
    // Another schema version.
    let conn = rusqlite::Connection::open(&opts.db).unwrap();
    conn.execute(
        "UPDATE meta SET value = '1' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    assert!(run(&opts).unwrap().incremental.is_none());
    // Another builder.
    let conn = rusqlite::Connection::open(&opts.db).unwrap();
    conn.execute(
        "UPDATE meta SET value = '0.0.0/0' WHERE key = 'builder'",
        [],
    )
    .unwrap();
    drop(conn);
    assert!(run(&opts).unwrap().incremental.is_none());
    // No database.
    fs::remove_file(&opts.db).unwrap();
    assert!(run(&opts).unwrap().incremental.is_none());
    // A lost journal.
    fs::remove_file(opts.cache.join(".journal.json")).unwrap();
    assert!(run(&opts).unwrap().incremental.is_none());
    let summary = run(&opts).unwrap();
    assert!(summary.incremental.is_some());
    assert_same_as_full_build(&opts, &summary);
}

/// Red Hat's repository to CPE map as a feed of its own: stored by a full update, kept by an
/// incremental one (the copied file keeps it), and a changed map is a full build.
#[test]
fn repository_map_feed() {
    let work = scratch("repomap");
    let root = work.join("upstream");
    publish_all(&root);
    let map = |cpe: &str| {
        format!(r#"{{"data": {{"rhel-7-server-rpms": {{"cpes": ["{cpe}"]}}}}}}"#).into_bytes()
    };
    write(
        &root.join("redhat-repository-to-cpe/repository-to-cpe.json"),
        &map("cpe:/o:redhat:enterprise_linux:7::server"),
    );
    let server = Server::start(&root);
    let mut opts = options(&work, &server.url);
    opts.feeds.push(Feed {
        name: "redhat-repository-to-cpe".into(),
        base: format!("{}/redhat-repository-to-cpe/", server.url),
        layout: Layout::Files {
            files: vec![FeedFile {
                path: "repository-to-cpe.json".into(),
                save_as: "repository-to-cpe.json".into(),
            }],
            missing_ok: false,
        },
    });
    let cpes = |opts: &UpdateOptions| {
        Database::open(&opts.db)
            .unwrap()
            .repository_cpes("rhel-7-server-rpms")
            .unwrap()
    };
    let summary = run(&opts).expect("full update");
    assert!(summary.incremental.is_none());
    let source = summary.build.sources.last().unwrap();
    assert_eq!(source.row.name, "redhat-repository-to-cpe");
    assert_eq!(source.row.format, "redhat-repository-to-cpe");
    assert_eq!(
        cpes(&opts),
        Some(vec!["cpe:/o:redhat:enterprise_linux:7::server".to_string()])
    );
    // Red Hat's entries carry their products' CPEs.
    let hits = Database::open(&opts.db)
        .unwrap()
        .lookup("rpm", "redhat:7", "coreutils")
        .unwrap();
    assert!(hits
        .iter()
        .all(|h| h.affected.cpes == ["cpe:/o:redhat:enterprise_linux:7"]));

    // Only an OSV record changes: incremental, and the map is still there.
    let mut records = ghsa_npm();
    for r in &mut records {
        if r["id"] == "GHSA-p6mc-m468-83gw" {
            r["modified"] = "2030-01-01T00:00:00Z".into();
        }
    }
    publish_osv(&root, &records);
    let summary = run(&opts).expect("incremental update");
    assert!(summary.incremental.is_some());
    assert_eq!(
        cpes(&opts),
        Some(vec!["cpe:/o:redhat:enterprise_linux:7::server".to_string()])
    );
    assert_same_as_full_build(&opts, &summary);

    // The map changes: a full build with the new map.
    write(
        &root.join("redhat-repository-to-cpe/repository-to-cpe.json"),
        &map("cpe:/o:redhat:enterprise_linux:7::workstation"),
    );
    let summary = run(&opts).expect("update after the map changed");
    assert!(summary.incremental.is_none());
    assert_eq!(
        cpes(&opts),
        Some(vec![
            "cpe:/o:redhat:enterprise_linux:7::workstation".to_string()
        ])
    );
}
