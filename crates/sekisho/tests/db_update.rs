//! `sekisho db update --mirror` end to end against a local HTTP server on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/advisories"
);

/// Serves files under `root`, one request per connection, until the test process ends.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (status, body) = match std::fs::read(root.join(path.trim_start_matches('/'))) {
                Ok(b) => ("200 OK", b),
                Err(_) => ("404 Not Found", b"not found".to_vec()),
            };
            let mut msg = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            msg.extend_from_slice(&body);
            let mut conn = conn;
            let _ = conn.write_all(&msg);
        }
    });
    url
}

fn wolfi_security_json() -> Vec<u8> {
    let file = std::fs::File::open(Path::new(DATA).join("wolfi-secdb.tar.gz")).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().ends_with("security.json") {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            return bytes;
        }
    }
    panic!("no security.json in the Wolfi sample");
}

fn sekisho(args: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sekisho"));
    c.args(args).env_remove("SEKISHO_DB");
    for k in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        c.env_remove(k);
    }
    c.output().expect("run sekisho")
}

#[test]
fn update_from_a_mirror() {
    let dir = std::env::temp_dir().join(format!("sekisho-db-update-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mirror = dir.join("mirror");
    std::fs::create_dir_all(mirror.join("wolfi")).unwrap();
    std::fs::write(mirror.join("wolfi/security.json"), wolfi_security_json()).unwrap();
    let url = serve(mirror.clone());
    let db = dir.join("db/sekisho.db");
    let db_s = db.to_str().unwrap();

    let out = sekisho(&[
        "db", "update", "--db", db_s, "--mirror", &url, "--feed", "wolfi",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("wolfi: 1 requests"), "{stderr}");
    // No progress escapes when stderr is not a terminal.
    assert!(!stderr.contains('\r'), "{stderr}");
    assert!(dir.join("db/feeds/wolfi/security.json").is_file());

    let out = sekisho(&[
        "db",
        "query",
        "apk",
        "coreutils",
        "--distro",
        "wolfi",
        "--db",
        db_s,
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("CVE-2016-2781"));

    // Nothing changed upstream: the database is updated in place of a full build.
    let out = sekisho(&[
        "db", "update", "--db", db_s, "--mirror", &url, "--feed", "wolfi",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("incremental update: 0 changed record files read"),
        "{stderr}"
    );

    // The mirror loses the file: a clear error naming the feed and the URL; the database
    // stays.
    std::fs::remove_file(mirror.join("wolfi/security.json")).unwrap();
    let out = sekisho(&[
        "db", "update", "--db", db_s, "--mirror", &url, "--feed", "wolfi",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("feed wolfi") && stderr.contains(&format!("{url}/wolfi/security.json")),
        "{stderr}"
    );
    assert!(db.is_file());

    let out = sekisho(&["db", "update", "--db", db_s, "--feed", "nope"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown feed"));
}
