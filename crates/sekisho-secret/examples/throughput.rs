//! Throughput of the secret scanner on a generated text corpus (no timing assertions anywhere).
//!
//! ```text
//! cargo run --release -p sekisho-secret --example throughput [-- MB [trivy-secret.yaml]]
//! ```
//!
//! The corpus imitates what an image holds: source code, config files, prose, JSON with hashes,
//! minified one-line JavaScript, base64 blobs, with a secret planted every few hundred KiB. It
//! is cut into "files" of 1 KiB to 1 MiB and each file is scanned as `Scanner::scan` would be
//! called by the image walker. Prints MB/s (single thread).

use sekisho_secret::Scanner;
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

const AN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const CODE: &str = r#"def handler(event, context):
    """Process the incoming request and return a response with the token status."""
    user = event.get("user")
    password = get_password(user)
    if not check(user, password):
        raise PermissionError("invalid credentials for user")
    key = cache.get(f"session:{user}")
    return {"status": 200, "body": json.dumps({"ok": True, "key": key})}

function renderKeyboard(keys, monkey) {
  const secretPanel = document.getElementById('secret-panel');
  for (const k of keys) { secretPanel.appendChild(makeKey(k, monkey.auth)); }
  return fetch('/api/v1/token/refresh', { method: 'POST', credentials: 'include' });
}
"#;

const CONFIG: &str = r#"[server]
listen = 0.0.0.0:8080
workers = 4
log_level = info
password_min_length = 12
token_ttl = 3600
auth_backend = ldap
# the secret store is configured in /etc/app/secrets.d
PermitRootLogin no
PasswordAuthentication no
"#;

const PROSE: &str = "The package provides a keyword index of access tokens and passwords used by \
the authentication service. Keys are rotated every ninety days; the secret manager keeps the \
history. Please pass the configuration through the environment rather than the command line. \
";

fn corpus(mb: usize) -> Vec<u8> {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let mut out = String::with_capacity(mb << 20);
    while out.len() < mb << 20 {
        match rng.below(8) {
            0 | 1 => out.push_str(CODE),
            2 => out.push_str(CONFIG),
            3 => out.push_str(PROSE),
            4 => {
                out.push_str("{\"name\":\"pkg\",\"integrity\":\"sha512-");
                out.push_str(&rng.string(B64, 86));
                out.push_str("==\",\"resolved\":\"https://registry.example/pkg/-/pkg-1.0.0.tgz\",\"shasum\":\"");
                out.push_str(&rng.string(HEX, 40));
                out.push_str("\",\"id\":\"");
                out.push_str(&rng.string(HEX, 32));
                out.push_str("\"}\n");
            }
            5 => {
                // Minified JS: one long line.
                for _ in 0..200 {
                    out.push_str("var a");
                    out.push_str(&rng.string(AN, 3));
                    out.push_str("=function(e,t){return e.key===t?t.token:e.secret||null};");
                }
                out.push('\n');
            }
            6 => {
                out.push_str("data:image/png;base64,");
                for _ in 0..20 {
                    out.push_str(&rng.string(B64, 76));
                }
                out.push('\n');
            }
            _ => {
                if rng.below(20) == 0 {
                    out.push_str("GITHUB_TOKEN=ghp_");
                    out.push_str(&rng.string(AN, 36));
                    out.push('\n');
                } else {
                    out.push_str("commit ");
                    out.push_str(&rng.string(HEX, 40));
                    out.push_str("\nAuthor: Dev <dev@example.com>\n\n    fix: handle empty password field\n\n");
                }
            }
        }
    }
    out.into_bytes()
}

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(64);
    let data = corpus(mb);
    let t = Instant::now();
    let scanner = match std::env::args().nth(2) {
        Some(path) => {
            Scanner::new(sekisho_secret::Config::load(path).expect("config")).expect("scanner")
        }
        None => Scanner::builtin(),
    };
    let build = t.elapsed();

    // Cut into files of 1 KiB .. 1 MiB (log-uniform), at line boundaries.
    let mut rng = Rng(42);
    let mut files: Vec<&[u8]> = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let size = 1024usize << rng.below(11);
        let mut end = (pos + size).min(data.len());
        while end < data.len() && data[end - 1] != b'\n' {
            end += 1;
        }
        files.push(&data[pos..end]);
        pos = end;
    }

    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..3 {
        let t = Instant::now();
        findings = 0;
        for (i, f) in files.iter().enumerate() {
            findings += scanner.scan(&format!("srv/app/file{i}.txt"), f).len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "scanner build {:.1} ms; corpus {:.1} MB in {} files; {} findings; best of 3: {:.3} s = {:.1} MB/s (one thread)",
        build.as_secs_f64() * 1e3,
        data.len() as f64 / 1e6,
        files.len(),
        findings,
        best,
        data.len() as f64 / 1e6 / best
    );
}
