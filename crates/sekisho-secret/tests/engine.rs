//! Engine behaviour: skips, config files, key/value scanning, example credentials, masking,
//! robustness on arbitrary bytes.

mod common;
#[path = "../../../tests/hostile_dump.rs"]
mod hostile_dump;

use common::{expand, Rng};
use sekisho_secret::{
    mask_secret, Config, Error, Scanner, SecretFinding, Severity, SkipReason, DEFAULT_MAX_FILE_SIZE,
};

const AWS_EXAMPLE_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const AWS_EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn ids(f: &[SecretFinding]) -> Vec<&str> {
    f.iter().map(|f| f.rule_id.as_str()).collect()
}

#[test]
fn aws_documentation_examples_are_low_and_flagged() {
    let s = Scanner::builtin();
    let text = format!(
        "[default]\naws_access_key_id = {AWS_EXAMPLE_ID}\naws_secret_access_key = {AWS_EXAMPLE_SECRET}\n"
    );
    let found = s.scan("/root/.aws/credentials", text.as_bytes());
    assert_eq!(ids(&found), ["aws-access-key-id", "aws-secret-access-key"]);
    for f in &found {
        assert!(f.example, "{f:?}");
        assert_eq!(f.severity, Severity::Low);
        assert!(f.title.contains("example credential"), "{}", f.title);
    }
    assert_eq!(found[0].start_line, 2);
    assert_eq!(found[0].column, 21);
    assert_eq!(found[0].secret_masked, "AKIA************MPLE");
    assert_eq!(
        found[0].line_masked,
        "aws_access_key_id = AKIA************MPLE"
    );
    assert_eq!(found[1].start_line, 3);
    assert_eq!(
        found[0].secret_sha256,
        "1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3"
    );
}

#[test]
fn real_looking_keys_keep_their_severity() {
    let s = Scanner::builtin();
    let text = expand("aws_access_key_id = AKIA{UP:16}\n", 1);
    let found = s.scan("root/.aws/credentials", text.as_bytes());
    assert_eq!(found.len(), 1);
    assert!(!found[0].example);
    assert_eq!(found[0].severity, Severity::Critical);
    assert_eq!(found[0].title, "AWS Access Key ID");
}

#[test]
fn scan_kv_finds_config_credentials() {
    let s = Scanner::builtin();
    let f = s.scan_kv("AWS_ACCESS_KEY_ID", AWS_EXAMPLE_ID);
    assert_eq!(ids(&f), ["aws-access-key-id"]);
    assert!(f[0].example);
    let f = s.scan_kv("AWS_SECRET_ACCESS_KEY", AWS_EXAMPLE_SECRET);
    assert_eq!(ids(&f), ["aws-secret-access-key"]);
    let f = s.scan_kv("PASSWORD", "hunter2-not-real");
    assert_eq!(ids(&f), ["generic-password"]);
    assert_eq!(f[0].path, "");
    let token = expand("glpat-{an:20}", 3);
    let f = s.scan_kv("org.example.deploy-token", &token);
    assert_eq!(ids(&f), ["gitlab-pat"]);
    assert_eq!(f[0].secret_len, 26);
    // Placeholders and ordinary entries: nothing.
    assert!(s.scan_kv("DB_PASSWORD", "${DB_PASSWORD}").is_empty());
    assert!(s
        .scan_kv(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        )
        .is_empty());
    assert!(s.scan_kv("maintainer", "ops@example.com").is_empty());
    assert!(s.scan_kv("PWD", "/app").is_empty());
    // Typical ENV of official images: public key fingerprints, checksums, versions, URLs.
    for (k, v) in [
        ("GPG_KEY", expand("{HEX:40}", 1)),
        ("PYTHON_SHA256", expand("{hex:64}", 2)),
        ("NODE_VERSION", "20.11.1".to_string()),
        ("YARN_VERSION", "1.22.19".to_string()),
        (
            "PHP_ASC_URL",
            "https://www.php.net/distributions/php-8.3.4.tar.xz.asc".to_string(),
        ),
        ("GOSU_VERSION", "1.17".to_string()),
        ("PG_MAJOR", "16".to_string()),
        ("JAVA_HOME", "/opt/java/openjdk".to_string()),
        ("LANG", "C.UTF-8".to_string()),
        ("org.opencontainers.image.revision", expand("{hex:40}", 3)),
        (
            "org.opencontainers.image.source",
            "https://github.com/org/repo".to_string(),
        ),
        (
            "KEYCLOAK_ADMIN_PASSWORD_FILE",
            "/run/secrets/admin".to_string(),
        ),
        ("RABBITMQ_DEFAULT_PASS", "guest".to_string()),
    ] {
        assert!(s.scan_kv(k, &v).is_empty(), "{k}={v}");
    }
}

#[test]
fn history_lines_are_scanned() {
    let s = Scanner::builtin();
    let f = s.scan_text(&format!("ENV AWS_SECRET_ACCESS_KEY={AWS_EXAMPLE_SECRET}"));
    assert_eq!(ids(&f), ["aws-secret-access-key"]);
    let f = s.scan_text("/bin/sh -c #(nop)  ENV PASSWORD=hunter2-not-real");
    assert_eq!(ids(&f), ["generic-password"]);
    // Several assignments in one ENV instruction.
    let f = s.scan_text(&expand(
        "ENV DB_PASSWORD=Xk9{an:10} API_KEY={an:32} MODE=prod",
        1,
    ));
    assert_eq!(ids(&f), ["generic-password", "generic-api-key"]);
    let f = s.scan_text("RUN /bin/sh -c apt-get update && apt-get install -y sudo # buildkit");
    assert!(f.is_empty());
}

#[test]
fn cheap_skips() {
    let s = Scanner::builtin();
    let secret = expand("token: ghp_{an:36}\n", 5);
    // Binary content (NUL byte in the first KiB).
    let mut bin = b"\x7fELF\0\0\0".to_vec();
    bin.extend_from_slice(secret.as_bytes());
    let o = s.scan_outcome("usr/local/bin/tool", &bin);
    assert_eq!(o.skipped, Some(SkipReason::Binary));
    assert!(o.findings.is_empty());
    // Binary extension, .git objects.
    assert_eq!(
        s.scan_outcome("srv/logo.png", secret.as_bytes()).skipped,
        Some(SkipReason::BinaryPath)
    );
    assert_eq!(
        s.scan_outcome("app/.git/objects/ab/cdef", secret.as_bytes())
            .skipped,
        Some(SkipReason::BinaryPath)
    );
    // Too large (checked from the size alone).
    assert_eq!(
        s.skip_reason("srv/big.sql", DEFAULT_MAX_FILE_SIZE + 1)
            .map(|r| r.0),
        Some(SkipReason::TooLarge)
    );
    // Allowed paths, as Trivy: distribution files under usr/share.
    let o = s.scan_outcome("/usr/share/doc/pkg/README", secret.as_bytes());
    assert_eq!(o.skipped, Some(SkipReason::AllowedPath));
    assert_eq!(o.allow_rule.as_deref(), Some("usr-dirs"));
    // A text file elsewhere is scanned.
    let o = s.scan_outcome("/srv/app/config.yml", secret.as_bytes());
    assert_eq!(o.skipped, None);
    assert_eq!(ids(&o.findings), ["github-pat"]);
    // Latin-1 text is not binary.
    let mut latin = b"caf\xe9 na\xefve r\xe9sum\xe9\n".to_vec();
    latin.extend_from_slice(secret.as_bytes());
    assert_eq!(ids(&s.scan("srv/notes.txt", &latin)), ["github-pat"]);
}

#[test]
fn size_limit_from_config() {
    let s = Scanner::new(Config::from_yaml("max-file-size: 10\n").unwrap()).unwrap();
    let o = s.scan_outcome("srv/a.txt", b"01234567890");
    assert_eq!(o.skipped, Some(SkipReason::TooLarge));
    assert_eq!(s.max_file_size(), 10);
}

#[test]
fn config_custom_rules_and_allow_rules() {
    let yaml = r#"
rules:
  - id: internal-token
    category: Internal
    title: Internal service token
    severity: HIGH
    keywords: [itk_]
    regex: '(?P<secret>itk_[a-z0-9]{32})'
    secret-group-name: secret
  - id: path-scoped
    category: Internal
    title: Only in shell scripts
    severity: LOW
    path: '.*\.sh$'
    regex: 'SCOPED-[0-9]{6}'
    allow-rules:
      - id: skip-ci
        description: CI scripts are fine
        path: '^ci/'
allow-rules:
  - id: fixtures
    description: fixtures
    path: '^srv/fixtures/'
  - id: known-token
    regex: 'itk_0{32}'
disable-rules: [slack-web-hook]
"#;
    let cfg = Config::from_yaml(yaml).unwrap();
    let s = Scanner::new(cfg).unwrap();
    let tok = expand("itk_{lo:32}", 2);
    let f = s.scan("srv/app.conf", format!("x = {tok}\n").as_bytes());
    assert_eq!(ids(&f), ["internal-token"]);
    assert_eq!(f[0].severity, Severity::High);
    assert_eq!(f[0].category, "Internal");
    assert_eq!(f[0].secret_len, 36);
    // Global path allow rule.
    assert!(s.scan("srv/fixtures/app.conf", tok.as_bytes()).is_empty());
    // Global match allow rule (by regex on the secret; the placeholder check is not what
    // drops it, so use a value that is no placeholder).
    let s2 = Scanner::new(
        Config::from_yaml("rules:\n  - {id: t, title: T, severity: LOW, regex: 'zz-[0-9]+'}\nallow-rules:\n  - {id: a, regex: '^zz-42$'}\n").unwrap(),
    )
    .unwrap();
    assert!(s2.scan("srv/a", b"zz-42").is_empty());
    assert_eq!(ids(&s2.scan("srv/a", b"zz-4711")), ["t"]);
    // Path-scoped rule and its own allow rule.
    assert_eq!(
        ids(&s.scan("srv/run.sh", b"SCOPED-123456")),
        ["path-scoped"]
    );
    assert!(s.scan("srv/run.py", b"SCOPED-123456").is_empty());
    assert!(s.scan("ci/run.sh", b"SCOPED-123456").is_empty());
    // Disabled built-in rule.
    let hook = expand(
        "https://hooks.slack.com/services/T{UP:10}/B{UP:10}/{an:24}",
        1,
    );
    assert!(s.scan("srv/notify.sh", hook.as_bytes()).is_empty());
    assert_eq!(
        ids(&Scanner::builtin().scan("srv/notify.sh", hook.as_bytes())),
        ["slack-web-hook"]
    );
}

#[test]
fn config_enable_builtin_and_disable_allow_rules() {
    let cfg =
        Config::from_yaml("enable-builtin-rules: [github-pat]\ndisable-allow-rules: [usr-dirs]\n")
            .unwrap();
    let s = Scanner::new(cfg).unwrap();
    assert_eq!(s.rules().count(), 1);
    let text = expand("ghp_{an:36} glpat-{an:20}", 4);
    // usr/share is scanned now, and only github-pat is active.
    assert_eq!(
        ids(&s.scan("usr/share/doc/x", text.as_bytes())),
        ["github-pat"]
    );
}

#[test]
fn config_custom_rule_replaces_builtin_with_same_id() {
    let cfg = Config::from_yaml(
        "rules:\n  - {id: github-pat, title: Mine, severity: LOW, regex: 'ghp_[A-Za-z0-9]{36}'}\n",
    )
    .unwrap();
    let s = Scanner::new(cfg).unwrap();
    assert_eq!(s.rules().filter(|r| r.id == "github-pat").count(), 1);
    let f = s.scan("srv/a", expand("ghp_{an:36}", 1).as_bytes());
    assert_eq!(f[0].title, "Mine");
    assert_eq!(f[0].severity, Severity::Low);
}

#[test]
fn config_exclude_block() {
    let cfg = Config::from_yaml(
        "exclude-block:\n  description: generated\n  regexes: ['(?s)BEGIN-FIXTURES.*?END-FIXTURES']\n",
    )
    .unwrap();
    let s = Scanner::new(cfg).unwrap();
    let text = expand(
        "a = ghp_{an:36}\nBEGIN-FIXTURES\nb = ghp_{an:36}\nEND-FIXTURES\n",
        9,
    );
    let f = s.scan("srv/a.conf", text.as_bytes());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].start_line, 1);
}

#[test]
fn config_rule_exclude_block_and_allow_regex() {
    let cfg = Config::from_yaml(
        r#"
rules:
  - id: t
    title: T
    severity: HIGH
    regex: 'tok-[0-9a-f]{8}'
    exclude-block:
      regexes: ['(?s)<fixtures>.*?</fixtures>']
    allow-rules:
      - id: known
        regex: 'tok-0badc0de'
"#,
    )
    .unwrap();
    let s = Scanner::new(cfg).unwrap();
    let text = "a tok-12ab34cd
<fixtures>tok-99ff88ee</fixtures>
tok-0badc0de
";
    let f = s.scan("srv/a.txt", text.as_bytes());
    assert_eq!(ids(&f), ["t"]);
    assert_eq!(f[0].start_line, 1);
}

#[test]
fn config_rule_path_list_old_trivy_format() {
    let cfg = Config::from_yaml(
        "rules:\n  - id: t\n    title: T\n    severity: LOW\n    regex: 'zz-[0-9]{4}'\n    path:\n      - '\\.sh$'\n      - '\\.env$'\n",
    )
    .unwrap();
    assert_eq!(cfg.rules[0].path.len(), 2);
    let s = Scanner::new(cfg).unwrap();
    assert_eq!(ids(&s.scan("srv/a.env", b"zz-1234")), ["t"]);
    assert_eq!(ids(&s.scan("srv/a.sh", b"zz-1234")), ["t"]);
    assert!(s.scan("srv/a.py", b"zz-1234").is_empty());
}

#[test]
fn config_errors() {
    let bad =
        Config::from_yaml("rules:\n  - {id: x, title: X, severity: HIGH, regex: '(unclosed'}\n")
            .unwrap();
    assert!(matches!(Scanner::new(bad), Err(Error::Regex { .. })));
    let bad = Config::from_yaml(
        "rules:\n  - {id: x, title: X, severity: HIGH, regex: 'abc', secret-group-name: secret}\n",
    )
    .unwrap();
    assert!(matches!(Scanner::new(bad), Err(Error::MissingGroup { .. })));
    assert!(matches!(
        Config::from_yaml("rules:\n  - {id: x, title: X, severity: URGENT, regex: 'a'}\n"),
        Err(Error::Yaml(_))
    ));
    assert!(matches!(
        Config::from_yaml("rules: [1, 2"),
        Err(Error::Yaml(_))
    ));
    assert!(Config::from_yaml("").is_ok());
    assert!(Config::from_yaml("# only a comment\n").is_ok());
    assert!(matches!(
        Config::load("/nonexistent/trivy-secret.yaml"),
        Err(Error::Io { .. })
    ));
}

#[test]
fn multi_line_private_key_positions_and_masking() {
    let s = Scanner::builtin();
    let text = expand(
        "# deploy key\nkey: |\n  -----BEGIN OPENSSH PRIVATE KEY-----\n  b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n  {b64:70}\n  {b64:40}\n  -----END OPENSSH PRIVATE KEY-----\n",
        3,
    );
    let f = s.scan("srv/deploy.yaml", text.as_bytes());
    assert_eq!(ids(&f), ["private-key"]);
    assert_eq!((f[0].start_line, f[0].end_line, f[0].column), (3, 7, 3));
    assert_eq!(
        f[0].secret_masked,
        "-----BEGIN OPENSSH PRIVATE KEY-----\n****\n-----END OPENSSH PRIVATE KEY-----"
    );
    assert_eq!(f[0].line_masked, "  -----BEGIN OPENSSH PRIVATE KEY-----");
}

#[test]
fn several_secrets_on_one_line_are_all_masked() {
    let s = Scanner::builtin();
    let text = expand("GH=ghp_{an:36} GL=glpat-{an:20} end", 11);
    let f = s.scan("srv/a.env", text.as_bytes());
    assert_eq!(ids(&f), ["github-pat", "gitlab-pat"]);
    for finding in &f {
        for other in &f {
            let secret = &text[other.start_offset..other.end_offset];
            assert!(!finding.line_masked.contains(secret));
        }
        assert!(finding.line_masked.starts_with("GH="));
        assert!(finding.line_masked.ends_with(" end"));
    }
}

#[test]
fn long_lines_are_cut_around_the_secret() {
    let s = Scanner::builtin();
    let mut text = "var a='".to_string() + &"x1".repeat(50_000);
    let tok = expand("ghp_{an:36}", 1);
    text.push_str(&format!("';var t='{tok}';"));
    text.push_str(&"y2".repeat(50_000));
    let f = s.scan("srv/bundle.min.js", text.as_bytes());
    assert_eq!(ids(&f), ["github-pat"]);
    assert!(f[0].line_masked.chars().count() < 300);
    assert!(f[0].line_masked.contains("ghp_"));
    assert!(!f[0].line_masked.contains(&tok));
}

#[test]
fn crlf_and_unicode_columns() {
    let s = Scanner::builtin();
    let tok = expand("ghp_{an:36}", 8);
    let text = format!("first\r\nclé = « {tok} »\r\n");
    let f = s.scan("srv/a.txt", text.as_bytes());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].start_line, 2);
    assert_eq!(f[0].column, 9);
    assert!(!f[0].line_masked.ends_with('\r'));
}

#[test]
fn masking_never_shows_the_whole_secret() {
    let mut rng = Rng::new(42);
    for n in 0..200 {
        let s = common::random(&mut rng, "b64", n);
        let m = mask_secret(&s);
        assert_eq!(m.chars().count(), s.chars().count());
        if n >= 1 {
            assert_ne!(m, s);
        }
        let shown = m.chars().filter(|&c| c != '*').count();
        assert!(shown * 5 <= n * 2, "{s} -> {m}");
    }
    assert_eq!(mask_secret("é1234567890ü"), "************");
    assert_eq!(mask_secret("é123456789012345678ü"), "é123************678ü");
}

/// No panics and consistent findings on arbitrary bytes: random buffers, and real samples with
/// random mutations (byte flips, truncations, splices of secret fragments).
#[test]
fn no_panics_on_random_and_mutated_input() {
    let s = Scanner::builtin();
    let seeds = [
        "aws_access_key_id = AKIA{UP:16}\naws_secret_access_key = {b64:40}\n",
        "-----BEGIN RSA PRIVATE KEY-----\n{b64:64}\n{b64:64}\n-----END RSA PRIVATE KEY-----\n",
        "DATABASE_URL=postgres://app:{an:16}@db:5432/app password={an:12}",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzAwMDAwMDAwfQ.{url:43}",
        "{\"auths\":{\"r\":{\"auth\":\"ZGVwbG95OlE3eCFtQjJ6Szl2UnQ0THc=\"}}} ghp_{an:36} xoxb-{d:12}-{an:24}",
        "machine h login u password {an:12}\nhttps://u:{an:10}@h/ sig={an:43}%3D&sv=2021-01-01",
    ];
    let fragments: Vec<&[u8]> = vec![
        b"-----BEGIN ",
        b"PRIVATE KEY-----",
        b"-----END ",
        b"\xff\xfe",
        b"\xe2\x82",
        b"\n",
        b"\r\n",
        b"password=",
        b"://",
        b"@",
        b"eyJ",
        b".",
        b"\\n",
        b"\0",
    ];
    let mut rng = Rng::new(7);
    let check = |path: &str, buf: &[u8]| {
        for f in s
            .scan(path, buf)
            .iter()
            .chain(s.scan_text(&String::from_utf8_lossy(buf)).iter())
        {
            assert!(f.start_offset < f.end_offset);
            assert!(f.start_line >= 1 && f.end_line >= f.start_line && f.column >= 1);
        }
        let _ = s.scan_kv(
            &String::from_utf8_lossy(&buf[..buf.len() / 2]),
            &String::from_utf8_lossy(&buf[buf.len() / 2..]),
        );
    };
    for round in 0..300u64 {
        // Random bytes, some mostly-ASCII.
        let len = rng.below(600);
        let ascii = round % 2 == 0;
        let buf: Vec<u8> = (0..len)
            .map(|_| {
                if ascii {
                    b" \n=:\"'-_./+abcXYZ019AKIAghp_"[rng.below(28)]
                } else {
                    rng.next() as u8
                }
            })
            .collect();
        check("srv/random.txt", &buf);
        // Mutated samples.
        let seed = seeds[rng.below(seeds.len())];
        let mut buf = expand(seed, round).into_bytes();
        for _ in 0..1 + rng.below(6) {
            match rng.below(4) {
                0 if !buf.is_empty() => {
                    let i = rng.below(buf.len());
                    buf[i] = rng.next() as u8;
                }
                1 if !buf.is_empty() => {
                    let i = rng.below(buf.len());
                    buf.truncate(i);
                }
                2 => {
                    let i = rng.below(buf.len() + 1);
                    let frag = fragments[rng.below(fragments.len())];
                    buf.splice(i..i, frag.iter().copied());
                }
                _ => {
                    let copy = buf.clone();
                    buf.extend_from_slice(&copy);
                }
            }
        }
        check("srv/mutated.env", &buf);
        check("home/u/.netrc", &buf);
    }
}

#[test]
fn scanner_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Scanner>();
}

#[test]
fn findings_serialize_to_json() {
    let s = Scanner::builtin();
    let f = s.scan_kv("AWS_ACCESS_KEY_ID", AWS_EXAMPLE_ID);
    let v = serde_json::to_value(&f[0]).unwrap();
    assert_eq!(v["rule_id"], "aws-access-key-id");
    assert_eq!(v["severity"], "LOW");
    assert_eq!(v["example"], true);
    assert!(!v.to_string().contains(AWS_EXAMPLE_ID));
}

#[test]
fn many_secrets_in_one_file() {
    // 20 000 findings: deduplication and line masking must not be quadratic.
    let s = Scanner::builtin();
    let mut text = String::new();
    for i in 0..10_000u64 {
        text.push_str(&expand("GITHUB_TOKEN=ghp_{an:36} API_KEY={an:32}\n", i));
    }
    hostile_dump::tree("rootfs", &[("srv/tokens.env", text.as_bytes())]);
    let f = s.scan("srv/tokens.env", text.as_bytes());
    assert_eq!(f.len(), 20_000);
    assert_eq!(
        f.iter().filter(|f| f.rule_id == "github-pat").count(),
        10_000
    );
    assert_eq!(f[19_999].start_line, 10_000);
}

#[test]
fn long_lines_full_of_secrets_stay_linear_and_windowed() {
    // Minified code: one 1.5 MB line holding 20,000 tokens. Each finding shows a window of the
    // line around its secret, not the whole line, and the work per finding does not grow with
    // the line (a quadratic scan would take minutes here).
    let s = Scanner::builtin();
    let token = expand("ghp_{an:36}", 11);
    let mut line = String::new();
    for i in 0..20_000 {
        line.push_str(&format!("var t{i}=\"{token}\";"));
    }
    hostile_dump::tree("rootfs", &[("app/bundle.min.js", line.as_bytes())]);
    let f = s.scan("app/bundle.min.js", line.as_bytes());
    assert_eq!(f.len(), 20_000);
    let last = f.last().unwrap();
    assert_eq!(last.start_line, 1);
    assert_eq!(last.column, line.rfind("ghp_").unwrap() + 1);
    for x in [&f[0], &f[10_000], last] {
        let shown = x.line_masked.chars().count();
        assert!(shown <= 2 * 100 + 40 + 2, "{shown}: {}", x.line_masked);
        assert!(!x.line_masked.contains(&token));
    }
    assert!(
        f[10_000].line_masked.starts_with('\u{2026}')
            && f[10_000].line_masked.ends_with('\u{2026}')
    );
}
