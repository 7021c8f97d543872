//! Hostile Dockerfiles (a pull request can carry one): bounded memory and no stack overflow.

#[path = "../../../tests/hostile_dump.rs"]
mod hostile_dump;

/// Lint `text`, a generated Dockerfile (also written to the opt-in hostile dump).
fn lint(text: &str) -> Vec<sekisho_dockerfile::Finding> {
    hostile_dump::bytes("dockerfile", ".Dockerfile", text.as_bytes());
    sekisho_dockerfile::lint(text)
}

#[test]
fn doubling_build_arguments_are_bounded() {
    // Each ARG doubles the previous one: 16 bytes * 2^40 if expanded in full.
    let mut text = String::from("FROM alpine\nARG A0=xxxxxxxxxxxxxxxx\n");
    for i in 1..=40 {
        text.push_str(&format!("ARG A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
    }
    text.push_str("RUN apt-get install -y $A40 && echo ${A40}\n");
    let findings = lint(&text);
    assert!(findings.iter().any(|f| f.code == "DL3006"), "{findings:?}");
}

#[test]
fn deeply_nested_shell_bodies_do_not_overflow_the_stack() {
    let n = 5000;
    let text = format!(
        "FROM alpine:3.20\nRUN {}echo hi{}\nRUN {}x{}\nRUN {}echo{}\n",
        "(".repeat(n),
        ")".repeat(n),
        "echo $(".repeat(3000),
        ")".repeat(3000),
        "if true; then ".repeat(3000),
        "; fi".repeat(3000)
    );
    hostile_dump::bytes("dockerfile", ".Dockerfile", text.as_bytes());
    // Runs on a thread with a small stack, so unbounded recursion would abort the test.
    let findings = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || sekisho_dockerfile::lint(&text))
        .unwrap()
        .join()
        .expect("linting a deeply nested body must not overflow the stack");
    assert!(findings.iter().any(|f| f.code == "SK1004"), "{findings:?}");
}

/// Unclosed parentheses, a few dozen levels deep, made the shell parser backtrack
/// exponentially (a 40-byte line hung the linter, also through `image --dockerfile` and
/// history commands): past `MAX_PAREN_NESTING` the body is split without the parser. Were
/// the parser reached, this test would not end (CI's time limit fails it).
#[test]
fn unclosed_parentheses_do_not_hang_the_linter() {
    let mut text = String::from("FROM alpine:3.20\n");
    for n in [20, 40, 64] {
        text.push_str(&format!("RUN {}e\n", "(".repeat(n)));
        text.push_str(&format!("RUN echo \"{}e\n", "$(".repeat(n)));
        text.push_str(&format!(
            "RUN echo \"$(onPeren{}e = 'Stop'; if y\n",
            "(".repeat(n)
        ));
        text.push_str(&format!(
            "RUN apt-get install -y curl \"$(x{}\n",
            "( ".repeat(n)
        ));
    }
    let findings = lint(&text);
    // the bodies are still linted from the fallback split: the unpinned, unconfirmed install
    assert!(findings.iter().any(|f| f.code == "DL3008"), "{findings:?}");
}

/// Words that make brush's word parser backtrack (nested `${NAME[`, `$(` closed by `]` or by
/// a quoted `)`): a 60-byte line took over a minute. Past `MAX_WORD_OPENERS` such a word is
/// read as written; the body is still linted. Were the word parser reached, this test would
/// not end. Also a word brush's word parser panicked on (found by the same fuzz target).
#[test]
fn nested_words_do_not_hang_the_linter() {
    let mut text = String::from("FROM alpine:3.20\n");
    for unit in ["${_[", "${_[)", "$(]", "$(')'", "${_:-"] {
        for n in [8, 30] {
            text.push_str(&format!(
                "RUN apt-get install -y curl \"{}`'\"`\"^`~44'\"`\n",
                unit.repeat(n)
            ));
        }
    }
    // a tilde's directory-stack index too large for brush's integer made it panic
    text.push_str("RUN echo ~+999999999999999999999999 a:~-99999999999\n");
    let findings = lint(&text);
    assert!(findings.iter().any(|f| f.code == "DL3008"), "{findings:?}");
}

/// A UTF-8 byte order mark before the first line (BuildKit ignores it): `--fix` sliced inside
/// the mark and panicked when the first line was a comment (found by the parse_and_lint fuzz
/// target), and shifted its edits by the mark's three bytes otherwise. Each shape of first
/// line is fixed in place, the mark kept.
#[test]
fn byte_order_mark_keeps_fixes_on_their_bytes() {
    for first in [
        "#",
        "# syntax=docker/dockerfile:1",
        "MAINTAINER x",
        "ADD a /a",
        "",
    ] {
        let text = format!("\u{feff}{first}\nFROM alpine:3.20\nMAINTAINER y\nADD b /b\n");
        hostile_dump::bytes("dockerfile", ".Dockerfile", text.as_bytes());
        let fixed = sekisho_dockerfile::fix::fix(&text);
        let want =
            format!("\u{feff}{first}\nFROM alpine:3.20\nLABEL maintainer=\"y\"\nCOPY b /b\n")
                .replace("MAINTAINER x", "LABEL maintainer=\"x\"")
                .replace("ADD a /a", "COPY a /a");
        assert_eq!(fixed, want);
    }
}
