//! Examples for sekisho's own SK rules: each must fire on the bad form and stay silent
//! on the fixed form.

use sekisho_dockerfile::{lint_with, Config};

fn codes(src: &str, cfg: &Config) -> Vec<String> {
    lint_with(src, cfg).into_iter().map(|f| f.code).collect()
}

fn check(rule: &str, fires: &[&str], silent: &[&str]) {
    check_cfg(rule, fires, silent, &Config::default());
}

fn check_cfg(rule: &str, fires: &[&str], silent: &[&str], cfg: &Config) {
    for src in fires {
        assert!(
            codes(src, cfg).iter().any(|c| c == rule),
            "{rule} should fire on:\n{src}"
        );
    }
    for src in silent {
        assert!(
            !codes(src, cfg).iter().any(|c| c == rule),
            "{rule} should be silent on:\n{src}"
        );
    }
}

#[test]
fn sk1001_secrets() {
    check(
        "SK1001",
        &[
            "FROM a:1\nENV DB_PASSWORD=hunter2\n",
            "FROM a:1\nARG GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n",
            "FROM a:1\nENV URL=https://user:s3cret@example.com/x\n",
            "FROM a:1\nLABEL key=\"-----BEGIN RSA PRIVATE KEY-----\"\n",
            "FROM a:1\nENV AWS_KEY AKIAABCDEFGHIJKLMNOP\n",
        ],
        &[
            "FROM a:1\nARG DB_PASSWORD\n",
            "FROM a:1\nENV DB_PASSWORD_FILE=/run/secrets/db\n",
            "FROM a:1\nENV TOKEN=$TOKEN\n",
            "FROM a:1\nENV URL=https://example.com/x\n",
        ],
    );
}

#[test]
fn sk1002_env_files() {
    check(
        "SK1002",
        &[
            "FROM a:1\nCOPY .env /app/.env\n",
            "FROM a:1\nCOPY config/.env.production /app/\n",
            "FROM a:1\nCOPY .npmrc /root/\n",
            "FROM a:1\nADD id_rsa /root/.ssh/\n",
        ],
        &[
            "FROM a:1\nCOPY .env.example /app/\n",
            "FROM a:1\nCOPY --from=build /app/.env /x\n",
            "FROM a:1\nCOPY jenkins.io.key /war/key.pub\n",
        ],
    );
}

#[test]
fn sk1003_build_tools_in_final_stage() {
    check(
        "SK1003",
        &["FROM debian:12\nRUN apt-get install -y gcc make\nCMD [\"app\"]\n"],
        &[
            "FROM debian:12 AS build\nRUN apt-get install -y gcc make\nFROM debian:12\nCOPY --from=build /a /a\nCMD [\"app\"]\n",
            "FROM alpine:3\nRUN apk add --virtual .b gcc && make && apk del .b\nCMD [\"app\"]\n",
        ],
    );
}

#[test]
fn sk1004_non_root_user() {
    check(
        "SK1004",
        &[
            "FROM debian:12\nRUN true\n",
            "FROM debian:12\nUSER app\nUSER root\n",
        ],
        &[
            "FROM debian:12\nUSER 10001\n",
            "FROM root AS x\nFROM scratch\nCOPY --from=x /a /a\n",
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n",
        ],
    );
}

#[test]
fn sk1005_add() {
    check(
        "SK1005",
        &[
            "FROM a:1\nADD https://example.com/x.tgz /x\n",
            "FROM a:1\nADD app.tar.gz /app\n",
        ],
        &[
            "FROM a:1\nADD --checksum=sha256:abc https://example.com/x /x\n",
            "FROM a:1\nCOPY app.tar.gz /app\n",
        ],
    );
}

#[test]
fn sk1006_digest_opt_in() {
    let mut cfg = Config::default();
    cfg.enabled.push("SK1006".into());
    check_cfg(
        "SK1006",
        &["FROM debian:12\n"],
        &[
            "FROM debian:12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
            "FROM scratch\n",
        ],
        &cfg,
    );
    check("SK1006", &[], &["FROM debian:12\n"]);
}

#[test]
fn sk1007_caches() {
    check(
        "SK1007",
        &[
            "FROM a:1\nRUN apt-get update && apt-get install -y curl\n",
            "FROM a:1\nRUN apk add curl\n",
            "FROM a:1\nRUN dnf install -y curl\n",
            "FROM a:1\nRUN pip install flask==2.0\n",
            "FROM a:1\nRUN npm install -g yarn@1\n",
        ],
        &[
            "FROM a:1\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
            "FROM a:1\nRUN apk add --no-cache curl\n",
            "FROM a:1\nRUN dnf install -y curl && dnf clean all\n",
            "FROM a:1\nRUN pip install --no-cache-dir flask==2.0\n",
            "FROM a:1\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt apt-get install -y curl\n",
        ],
    );
}

#[test]
fn sk1008_upgrade() {
    check(
        "SK1008",
        &[
            "FROM a:1\nRUN apt-get update && apt-get -y upgrade\n",
            "FROM a:1\nRUN apk upgrade\n",
            "FROM a:1\nRUN dnf -y update\n",
        ],
        &[
            "FROM a:1\nRUN dnf -y update curl\n",
            "FROM a:1\nRUN apt-get install -y --only-upgrade openssl=3.0.1\n",
        ],
    );
}

#[test]
fn sk1009_curl_pipe_sh() {
    check(
        "SK1009",
        &[
            "FROM a:1\nRUN curl -fsSL https://x/install.sh | sh\n",
            "FROM a:1\nRUN wget -qO- https://x | bash -s -- -y\n",
            "FROM a:1\nRUN bash -c \"$(curl -fsSL https://x)\"\n",
        ],
        &[
            "FROM a:1\nRUN curl -fsSL https://x/install.sh -o i.sh && sha256sum -c s && sh i.sh\n",
            "FROM a:1\nRUN curl -fsSL https://x/k.gpg | gpg --dearmor -o /k.gpg\n",
            // the shell reads a file, not the download: they are not in one pipeline
            "FROM a:1\nRUN curl -fsSLo i.sh https://x && bash -s < i.sh | tee log\n",
        ],
    );
}

#[test]
fn sk1010_permissions() {
    check(
        "SK1010",
        &[
            "FROM a:1\nRUN chmod 777 /app\n",
            "FROM a:1\nRUN chmod -R o+w /app\n",
            "FROM a:1\nRUN chmod u+s /bin/x\n",
            "FROM a:1\nRUN chmod 4755 /bin/x\n",
            "FROM a:1\nCOPY --chmod=777 a /a\n",
        ],
        &[
            "FROM a:1\nRUN chmod 755 /app\n",
            "FROM a:1\nRUN chmod 1777 /tmp/x\n",
            "FROM a:1\nRUN chmod +x /app/run.sh\n",
        ],
    );
}

#[test]
fn sk1011_healthcheck() {
    check(
        "SK1011",
        &["FROM a:1\nCMD [\"server\"]\n"],
        &[
            "FROM a:1\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD [\"server\"]\n",
            "FROM a:1\nRUN make\n",
        ],
    );
}

#[test]
fn sk1012_ssh() {
    check(
        "SK1012",
        &["FROM a:1\nEXPOSE 22\n", "FROM a:1\nEXPOSE 80 22/tcp\n"],
        &["FROM a:1\nEXPOSE 2222 80\n"],
    );
}

#[test]
fn sk1013_minimal_installs() {
    check(
        "SK1013",
        &[
            "FROM a:1\nRUN dnf install -y curl-7.1 && dnf clean all\n",
            "FROM a:1\nRUN zypper install -y curl=7\n",
        ],
        &[
            "FROM a:1\nRUN dnf install -y --setopt=install_weak_deps=False curl-7.1\n",
            "FROM a:1\nRUN microdnf install -y --nodocs curl\n",
            "FROM a:1\nRUN zypper install -y --no-recommends curl=7\n",
        ],
    );
}

#[test]
fn sk1014_latest() {
    check(
        "SK1014",
        &[
            "FROM debian\n",
            "FROM debian:latest\n",
            "ARG BASE=debian:latest\nFROM ${BASE}\n",
            "ARG TAG\nFROM debian:${TAG:-latest}\n",
        ],
        &[
            "FROM debian:12\n",
            "FROM ${BASE}\n",
            "ARG BASE=debian:12\nFROM $BASE\n",
            "FROM debian:12 AS b\nFROM b\n",
            "FROM scratch\n",
        ],
    );
}

#[test]
fn sk1015_trusted_registries() {
    let cfg = Config {
        trusted_registries: vec!["registry.example.com".into()],
        ..Default::default()
    };
    check_cfg(
        "SK1015",
        &["FROM debian:12\n", "FROM quay.io/x/y:1\n"],
        &["FROM registry.example.com/debian:12\n", "FROM scratch\n"],
        &cfg,
    );
}

#[test]
fn explain_every_rule() {
    for code in [
        "SK1001", "SK1002", "SK1003", "SK1004", "SK1005", "SK1006", "SK1007", "SK1008", "SK1009",
        "SK1010", "SK1011", "SK1012", "SK1013", "SK1014", "SK1015", "DL3008", "DL4006", "SC2086",
    ] {
        let doc = sekisho_dockerfile::explain(code).unwrap_or_default();
        assert!(doc.starts_with(code) && doc.len() > 60, "{code}: {doc}");
    }
}

#[test]
fn inline_and_global_ignores() {
    let src = "FROM debian\n# hadolint ignore=DL3008,SK1007\nRUN apt-get install -y --no-install-recommends curl\nRUN apt-get install -y --no-install-recommends wget\n";
    let f = lint_with(src, &Config::default());
    assert!(!f.iter().any(|x| x.code == "DL3008" && x.line == 3));
    assert!(f.iter().any(|x| x.code == "DL3008" && x.line == 4));
    let src = "# hadolint global ignore=DL3006\nFROM debian\n";
    assert!(!lint_with(src, &Config::default())
        .iter()
        .any(|x| x.code == "DL3006"));
    let mut cfg = Config::default();
    cfg.overrides
        .insert("DL3006".into(), sekisho_dockerfile::Severity::Error);
    let f = lint_with("FROM debian\n", &cfg);
    assert!(f
        .iter()
        .any(|x| x.code == "DL3006" && x.severity == sekisho_dockerfile::Severity::Error));
}

#[test]
fn parse_error_is_located() {
    let f = lint_with("FROM a:1\nBOGUS x\n", &Config::default());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, "DL1000");
    assert_eq!(f[0].line, 2);
}
