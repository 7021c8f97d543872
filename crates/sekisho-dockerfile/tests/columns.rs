//! Real columns: findings point at what they flag when it is on the instruction's first
//! line; otherwise (and for instruction-level findings) at the instruction's first
//! non-blank character. The line is always the instruction's start line, as in hadolint.
//! Columns count characters (a tab is one, a BOM none).

use sekisho_dockerfile::{lint_with, Config};

fn at(src: &str, code: &str) -> Vec<(usize, usize)> {
    let mut cfg = Config::default();
    cfg.enabled.push("SK1006".into());
    lint_with(src, &cfg)
        .into_iter()
        .filter(|f| f.code == code)
        .map(|f| (f.line, f.column))
        .collect()
}

#[test]
fn from_image_and_flags() {
    assert_eq!(at("FROM ubuntu:latest\n", "DL3007"), vec![(1, 6)]);
    assert_eq!(
        at("FROM --platform=linux/amd64 alpine:3.20\n", "DL3029"),
        vec![(1, 6)]
    );
    assert_eq!(
        at("  FROM alpine:3.20 AS scratch\n", "DL3063"),
        vec![(1, 23)]
    );
    assert_eq!(
        at(
            "FROM a:1 AS b\nFROM a:1\nCOPY --chmod=777 --from=b /x /y\n",
            "DL3022"
        ),
        vec![]
    );
    assert_eq!(
        at("FROM a:1\nCOPY --chmod=777 --from=nope /x /y\n", "DL3022"),
        vec![(2, 18)]
    );
    assert_eq!(
        at("FROM a:1\nCOPY --chmod=777 x /y\n", "SK1010"),
        vec![(2, 6)]
    );
}

#[test]
fn run_words() {
    // the unpinned package, not the instruction
    assert_eq!(
        at(
            "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=1 wget\n",
            "DL3008"
        ),
        vec![(2, 55)]
    );
    // on a continuation line: the instruction's line and column
    assert_eq!(
        at(
            "FROM debian:12\n  RUN apt-get install -y --no-install-recommends \\\n    wget\n",
            "DL3008"
        ),
        vec![(2, 3)]
    );
    // the command
    assert_eq!(
        at("FROM debian:12\nRUN cd /x && sudo make\n", "DL3004"),
        vec![(2, 14)]
    );
    // tabs and non-ASCII count as one character
    assert_eq!(
        at("FROM debian:12\nRUN\techo é && sudo x\n", "DL3004"),
        vec![(2, 15)]
    );
    // JSON form: no positions inside the array
    assert_eq!(
        at("FROM debian:12\nRUN [\"sudo\", \"x\"]\n", "DL3004"),
        vec![(2, 1)]
    );
}

#[test]
fn instruction_level_and_encodings() {
    assert_eq!(at("FROM a:1\n   MAINTAINER me\n", "DL4000"), vec![(2, 4)]);
    // BOM and CRLF
    assert_eq!(at("\u{feff}FROM ubuntu:latest\r\n", "DL3007"), vec![(1, 6)]);
    // ONBUILD: the wrapped instruction
    assert_eq!(
        at("FROM a:1\nONBUILD RUN cd /x && sudo make\n", "DL3004"),
        vec![(2, 22)]
    );
    assert_eq!(
        at("FROM a:1\nONBUILD MAINTAINER me\n", "DL3043"),
        vec![(2, 9)]
    );
}
