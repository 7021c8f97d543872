//! Docker credential helpers: `docker-credential-<name> get`, the server URL on standard
//! input, `{"ServerURL","Username","Secret"}` on standard output. A helper that has nothing
//! for the server exits non-zero saying `credentials not found in native keychain`; that is
//! "no login", anything else that is not the JSON is an error. A user name of `<token>` makes
//! the secret an identity token (kept as such: see [`crate::IDENTITY_TOKEN_USER`]).

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::auth::Credentials;

/// What a helper prints when it has nothing for the server (the protocol's one message).
const NOT_FOUND: &str = "credentials not found in native keychain";

/// Most of a helper's output read.
const MAX_OUTPUT: u64 = 1 << 20;

/// Ask `docker-credential-<helper>` (found on `PATH`) for `server_url`'s login, waiting at
/// most `timeout`. `Ok(None)`: the helper has none. The error is the reason, for a message
/// that also names the helper and the registry.
pub fn get(
    helper: &str,
    server_url: &str,
    timeout: Duration,
) -> Result<Option<Credentials>, String> {
    if helper.is_empty() || helper.contains(['/', '\\']) || helper.starts_with('.') {
        return Err(format!("{helper:?} is not a helper name"));
    }
    let program = format!("docker-credential-{helper}");
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("{program} is not on PATH"),
            _ => format!("cannot run {program}: {e}"),
        })?;
    // The URL, then end of input; a helper that exits without reading it is its own business.
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(server_url.as_bytes());
    }
    let reader = |pipe: Option<Box<dyn Read + Send>>| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if let Some(p) = pipe {
                let _ = p.take(MAX_OUTPUT).read_to_end(&mut out);
            }
            let _ = tx.send(out);
        });
        rx
    };
    let stdout = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "no answer within {} s (the helper was stopped)",
                    timeout.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("waiting for {program}: {e}")),
        }
    };
    // A helper's own children may keep the pipes open: wait a little for the rest of the
    // output, not for them.
    let collect = |rx: std::sync::mpsc::Receiver<Vec<u8>>| {
        rx.recv_timeout(Duration::from_secs(1)).unwrap_or_default()
    };
    let stdout = collect(stdout);
    let stderr = collect(stderr);
    let out = String::from_utf8_lossy(&stdout);
    if !status.success() {
        if out.trim() == NOT_FOUND {
            return Ok(None);
        }
        let said = [out.trim(), String::from_utf8_lossy(&stderr).trim()]
            .into_iter()
            .find(|s| !s.is_empty())
            .map(|s| format!(": {}", short(s)))
            .unwrap_or_default();
        return Err(format!("`{program} get` failed ({status}){said}"));
    }
    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(rename = "Username", default)]
        username: String,
        #[serde(rename = "Secret", default)]
        secret: String,
    }
    // The error does not quote the output: it may hold the secret.
    let answer: Answer = serde_json::from_str(out.trim()).map_err(|e| {
        format!(
            "`{program} get` printed {} bytes that are not the helper protocol's JSON \
             (`{{\"Username\": …, \"Secret\": …}}`; {:?} error at line {}, column {})",
            out.trim().len(),
            e.classify(),
            e.line(),
            e.column()
        )
    })?;
    if answer.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(Credentials {
        username: answer.username,
        password: answer.secret,
    }))
}

/// One line of at most 200 characters, without control characters, for a message: what a
/// helper says when it fails.
fn short(s: &str) -> String {
    let one: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    one
}
