use super::*;

fn names(s: &Script) -> Vec<Vec<&str>> {
    (0..s.pipelines.len())
        .map(|i| s.pipeline_commands(i).map(|c| c.name()).collect())
        .collect()
}

#[test]
fn commands_pipelines_lists() {
    let s = parse("apt-get update && apt-get install -y \"foo\" $(echo bar | tr a b) || true")
        .expect("parses");
    let all: Vec<&str> = s.commands.iter().map(|c| c.name()).collect();
    assert_eq!(all, ["apt-get", "apt-get", "echo", "tr", "true"]);
    assert_eq!(
        names(&s),
        [
            vec!["apt-get"],
            vec!["apt-get"],
            vec!["echo", "tr"],
            vec!["true"]
        ]
    );
    assert!(s.has_pipes());
    // the top-level list: update && install || true
    assert_eq!(s.lists[0].pipelines, [0, 1, 3]);
    assert_eq!(s.lists[0].ops, [ListOp::And, ListOp::Or]);
    assert!(s.pipelines[0].checked && s.pipelines[1].checked && !s.pipelines[3].checked);
    let install = &s.commands[1];
    let args: Vec<&str> = install.args().iter().map(|w| w.text()).collect();
    assert_eq!(args, ["install", "-y", "foo", "$(echo bar | tr a b)"]);
    assert_eq!(install.depth, 0);
    assert_eq!(s.commands[2].depth, 1);
}

#[test]
fn curl_pipe_sh_is_one_pipeline() {
    let s = parse("curl -fsSL https://x/i.sh | sudo -E bash -s -- -y; echo done").unwrap();
    assert_eq!(names(&s), [vec!["curl", "sudo"], vec!["echo"]]);
    let sudo = s.pipeline_commands(0).nth(1).unwrap();
    assert_eq!(sudo.innermost().name(), "bash");
    assert_eq!(s.lists.len(), 2);
}

#[test]
fn byte_offsets_and_quoting() {
    let body = "A=é echo \"ü b\" 'c'\\&d";
    let s = parse(body).unwrap();
    let c = &s.commands[0];
    assert_eq!(c.assignments[0].name, "A");
    assert_eq!(c.assignments[0].value.as_ref().unwrap().text(), "é");
    for w in &c.words {
        let span = w.span.clone().expect("top-level span");
        assert_eq!(&body[span], w.raw);
    }
    let texts: Vec<&str> = c.words.iter().map(|w| w.text()).collect();
    assert_eq!(texts, ["echo", "ü b", "c&d"]);
}

#[test]
fn assignments_and_wrappers() {
    let s = parse("DEBIAN_FRONTEND=noninteractive env A=b nohup apt-get install -y x").unwrap();
    let c = &s.commands[0];
    assert_eq!(c.assignments[0].name, "DEBIAN_FRONTEND");
    assert_eq!(c.name(), "env");
    let chain: Vec<String> = c
        .unwrap_wrappers()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert_eq!(chain, ["nohup", "apt-get"]);
    assert!(parse("sudo").unwrap().commands[0]
        .unwrap_wrapper()
        .is_none());
    assert!(parse("ls").unwrap().commands[0].unwrap_wrapper().is_none());
}

#[test]
fn subshells_and_substitutions() {
    let s = parse("(cd /x && make) ; bash <(curl -s https://x) ; v=`date`").unwrap();
    assert!(s.commands[0].in_subshell && s.commands[1].in_subshell);
    let bash = s.commands.iter().find(|c| c.name() == "bash").unwrap();
    assert_eq!(bash.process_substitutions, ["<(curl -s https://x)"]);
    assert!(s.commands.iter().any(|c| c.name() == "curl"));
    let date = s.commands.iter().find(|c| c.name() == "date").unwrap();
    assert_eq!(date.depth, 1);
    assert!(s
        .words
        .iter()
        .any(|w| w.role == Role::Assign("v".into()) && w.raw == "`date`"));
}

#[test]
fn fallback_for_powershell() {
    let body =
        "$ErrorActionPreference = 'Stop'; if ($a) { Invoke-WebRequest -Uri $url | Out-Null }";
    assert!(parse(body).is_err());
    let s = parse_or_fallback(body);
    assert!(!s.parsed);
    assert_eq!(
        names(&s),
        [
            vec!["$ErrorActionPreference"],
            vec!["if"],
            vec!["$a"],
            vec!["Invoke-WebRequest", "Out-Null"]
        ]
    );
    assert!(
        !s.has_pipes(),
        "fallback pipelines are not parsed pipelines"
    );
    let s = fallback("foo a | bar -x && baz || qux");
    assert_eq!(names(&s), [vec!["foo", "bar"], vec!["baz"], vec!["qux"]]);
}

#[test]
fn deep_nesting_fails_cleanly() {
    let deep = format!("{}true{}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(parse(&deep), Err(ShellError::TooDeep(MAX_PAREN_NESTING)));
    let deep = format!("{}true{}", "{ ".repeat(5000), "; }".repeat(5000));
    assert_eq!(parse(&deep), Err(ShellError::TooDeep(MAX_NESTING)));
    let _ = parse_or_fallback(&deep);
    // substitutions nested past the parenthesis limit fail; at the limit they parse
    let nest = |levels: usize| {
        let mut s = String::from("true");
        for _ in 0..levels {
            s = format!("echo \"$({s})\"");
        }
        s
    };
    let s = nest(MAX_PAREN_NESTING + 4);
    assert_eq!(parse(&s), Err(ShellError::TooDeep(MAX_PAREN_NESTING)));
    let _ = parse_or_fallback(&s);
    let p = parse(&nest(MAX_PAREN_NESTING)).expect("nesting at the limit parses");
    assert!(p.commands.len() <= MAX_SUBSTITUTION_DEPTH + 2);
    // backquotes are not brackets: thousands of escaped levels still terminate
    let ticks = format!("echo {}", "\\`".repeat(4000));
    let _ = parse_or_fallback(&ticks);
}

#[test]
fn odd_input_does_not_panic() {
    for t in [
        "",
        "'",
        "\"",
        "\\",
        "$(",
        "$((((",
        "`",
        "|||",
        "&&&",
        "a |",
        "| a",
        "(",
        ")",
        "{ }",
        "é'ü\"\\",
        "cat <<EOF\nx\n",
        "for",
        "case x in",
        "[[ -f",
        "a=(",
        "${",
        "$'\\x'",
    ] {
        let _ = parse(t);
        let s = parse_or_fallback(t);
        for i in 0..s.pipelines.len() {
            let _ = s.pipeline_commands(i).count();
        }
        let _ = simplify_word(t);
        let _ = unquote_word(t);
        let _ = substitutions(t);
    }
}

#[test]
fn words_helpers() {
    assert_eq!(simplify_word("\"$HOME\"/x-$(id -u)"), "${VAR}/x-${VAR}");
    assert_eq!(unquote_word("\"$HOME\"/x"), "$HOME/x");
    assert_eq!(substitutions("a$(b c)\"`d`\""), ["b c", "d"]);
    assert_eq!(split_words(r#"a "b c" 'd e'f"#), ["a", "\"b c\"", "'d e'f"]);
    assert_eq!(unquote(r#""b \"c\"""#), "b \"c\"");
}

#[test]
fn deep_keyword_nesting_fails_cleanly() {
    let n = 3000;
    for (open, close) in [
        ("if true; then ", "fi; "),
        ("while true; do ", "done; "),
        ("for x in a; do ", "done; "),
        ("case a in a) ", ";; esac; "),
        ("! ", ""),
        ("{ ", "; } "),
        ("( ", ") "),
        ("echo \"$(", ")\""),
        ("echo `", "`"),
    ] {
        let body = format!("{}true; {}", open.repeat(n), close.repeat(n));
        let _ = parse(&body);
        let _ = parse_or_fallback(&body);
    }
    // deep words through the word helpers
    let word = format!("{}x{}", "${a:-".repeat(n), "}".repeat(n));
    let _ = simplify_word(&word);
    let _ = unquote_word(&word);
    assert!(substitutions(&format!("{}x{}", "$(".repeat(n), ")".repeat(n))).is_empty());
    // long chains inside `[[ ]]` build deep expression trees
    for body in [
        format!("[[ {}-f a ]]", "! ".repeat(n)),
        format!("[[ {}-f a ]]", "-f a && ".repeat(n)),
        format!("[[ {}-f a ]]", "-f a || ".repeat(n)),
    ] {
        let _ = parse(&body);
        let _ = parse_or_fallback(&body);
    }
}

#[test]
fn long_flat_bodies_parse() {
    let body = "a && ".repeat(5000) + "a";
    let s = parse(&body).expect("a long list is not deep");
    assert_eq!(s.pipelines.len(), 5001);
    let body = "a | ".repeat(5000) + "a";
    let s = parse(&body).expect("a long pipeline is not deep");
    assert_eq!(s.pipelines[0].elements.len(), 5001);
}

/// The brush-free readings of common words ([`plain`]) give brush's answer, on hand-picked
/// words and on every word of random strings over the characters that matter: the same
/// pieces (compared in their `Debug` form: brush derives `PartialEq` only for its own
/// tests) and so the same unquoted and simplified forms.
#[test]
fn plain_words_agree_with_brush() {
    let mut checked = 0;
    let mut check = |raw: &str| {
        let fast_pieces = plain::pieces(raw);
        let fast_forms = plain::word_forms(raw);
        assert_eq!(fast_pieces.is_some(), fast_forms.is_some(), "{raw:?}");
        let (Some(fast_pieces), Some(fast_forms)) = (fast_pieces, fast_forms) else {
            return;
        };
        let pieces = brush_parser::word::parse(raw, &options()).expect("brush reads it");
        assert_eq!(format!("{fast_pieces:?}"), format!("{pieces:?}"), "{raw:?}");
        let (mut text, mut simple) = (String::new(), String::new());
        unquote_pieces(raw, &pieces, &mut text);
        simplify_pieces(&pieces, &mut simple);
        assert_eq!(fast_forms, (text, simple), "{raw:?}");
        assert_eq!(
            word_pieces(raw).map(|p| format!("{p:?}")),
            Some(format!("{pieces:?}"))
        );
        checked += 1;
    };
    for w in [
        "plain",
        "\"quoted words\"",
        "'single $x'",
        "$HOME",
        "${HOME}",
        "\"$A-${B}c\"",
        "a'b'\"c\"d",
        "x=$Y",
        "--opt=\"$V\"",
        "\"\"",
        "''",
        "$_x1",
        "é$X'ü'",
        "\"it's\"",
        "${A}${B}",
        "\"'$X'\"",
        "a\"b'c\"d'",
        "*.txt",
        "$A[1]",
    ] {
        check(w);
    }
    // Random words: a fixed linear congruential sequence over an alphabet of quotes,
    // dollars, braces, brackets, names, digits, globs and separators.
    let alphabet: Vec<char> = "ab_1$${}[]*'\"-=/.:é ".chars().collect();
    let mut state: u64 = 0x5eed;
    for _ in 0..20_000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (state >> 60) as usize + 1;
        let word: String = (0..len)
            .map(|k| {
                let x = state.rotate_left(7 * k as u32) >> 32;
                alphabet[x as usize % alphabet.len()]
            })
            .collect();
        check(&word);
    }
    assert!(checked > 5_000, "only {checked} words took the fast path");
}

/// The counting pass of the nesting guard bounds the exact walks from above: it never lets
/// through a body the walks find too deep. Random bodies built from keywords, brackets,
/// operators, quotes and separators, around the limit.
#[test]
fn nesting_guard_counts_never_undercount() {
    const PIECES: &[&str] = &[
        "if ", "while ", "until ", "for ", "select ", "case ", "fi ", "done ", "esac ", "(", ")",
        "{ ", "} ", "[[ ", " ]]", "[", "]", "! ", "&&", "||", "|", "&", ";", "\n", "\t", "'", "\"",
        "\\", "`", "<", ">", "x", "ifx ", "elif ", "cat ", "set ", "$(", "\\if ", "'if' ",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut deep = 0;
    for _ in 0..20_000 {
        let len = MAX_NESTING + next(4 * MAX_NESTING);
        // bias towards one piece so that some bodies do nest past the limit
        let favourite = next(PIECES.len());
        let body: String = (0..len)
            .map(|_| {
                PIECES[if next(3) == 0 {
                    favourite
                } else {
                    next(PIECES.len())
                }]
            })
            .collect();
        let exact = paren_depth(&body) > MAX_PAREN_NESTING
            || bracket_depth(&body) > MAX_NESTING
            || keyword_depth(&body) > MAX_NESTING;
        deep += usize::from(exact);
        assert_eq!(too_deep(&body), exact, "{body:?}");
    }
    assert!(
        deep > 100,
        "the generator reaches past the limit ({deep} bodies)"
    );
}

/// Texts longer than one round of the guard's packed counts ([`COUNT_FIELD_MAX`] bytes) are
/// counted across the rounds: nesting at the very end is still found, and a long flat text
/// full of brackets and operators is not taken for a deep one.
#[test]
fn nesting_guard_reads_long_texts() {
    let flat = "(a) && [b] || { c; } ! ".repeat(2 * COUNT_FIELD_MAX / 20);
    assert!(flat.len() > 2 * COUNT_FIELD_MAX);
    assert_eq!(nesting_limit_exceeded(&flat), None);
    let deep = format!("{flat}{}x{}", "(".repeat(6), ")".repeat(6));
    assert_eq!(nesting_limit_exceeded(&deep), Some(MAX_PAREN_NESTING));
    let deep = format!("{flat}{}x{}", "{ ".repeat(65), "} ".repeat(65));
    assert_eq!(nesting_limit_exceeded(&deep), Some(MAX_NESTING));
}

/// Unclosed parentheses and `$[` made brush backtrack exponentially (twice the work per level
/// in a body, three times per `$(` in a double-quoted word: 16 levels took 15 s, 40 for
/// ever). Past [`MAX_PAREN_NESTING`] nothing reaches brush (were it reached, this test would not end
/// and CI's time limit would fail it); at the limit the shapes parse as usual.
#[test]
fn unclosed_parentheses_never_reach_brush() {
    let shapes = |n: usize| {
        vec![
            format!("{}e", "(".repeat(n)),
            format!("{}e", "( ".repeat(n)),
            format!("echo \"{}e", "$(".repeat(n)),
            format!("echo \"$(x{}e = 1; if y", "(".repeat(n)),
            format!("echo $(({}e", "(".repeat(n)),
            format!("echo \"{}e", "$[l".repeat(n)),
            format!(",\"\\X{}e waa; done", "cur$[l$((fe".repeat(n)),
        ]
    };
    for n in [MAX_PAREN_NESTING, MAX_PAREN_NESTING + 1, 20, 64, 5000] {
        for body in shapes(n) {
            if n > MAX_PAREN_NESTING {
                assert_eq!(parse(&body), Err(ShellError::TooDeep(MAX_PAREN_NESTING)));
            }
            let script = parse_or_fallback(&body);
            for w in script.commands.iter().flat_map(|c| &c.words) {
                let _ = simplify_word(&w.raw);
                let _ = unquote_word(&w.raw);
                let _ = substitutions(&w.raw);
            }
        }
    }
}

/// brush's word parser backtracks over every nesting level of a word (found by the
/// `word_pieces` fuzz target: a 54-byte word took 0.6 s, `"${_[` seven times for ever), and
/// closers of another kind or in quotes close nothing for it, so a depth walk could be
/// misled: `word_openers` counts instead. Past [`MAX_WORD_OPENERS`] no word helper reaches
/// brush (were it reached, this test would not end); leaves like `${HOME}` do not count.
#[test]
fn nested_words_never_reach_brush() {
    let trailer = "`'\"`\"^`~44'\"`";
    for unit in [
        "${_[", "${_[)", "${_[}", "$(]", "$(')'", "${_:-", "${_:-')'", "$(}",
    ] {
        for n in [8, 20, 64] {
            for word in [
                format!("\"{}{trailer}", unit.repeat(n)),
                format!("{}x", unit.repeat(n)),
            ] {
                assert!(word_openers(&word) > MAX_WORD_OPENERS, "{word}");
                assert!(word_pieces(&word).is_none(), "{word}");
                let _ = simplify_word(&word);
                let _ = unquote_word(&word);
                assert!(substitutions(&word).is_empty(), "{word}");
                let _ = parse_or_fallback(&format!("echo {word}"));
            }
        }
    }
    // leaves, however many, and a few real nested words are read as before
    let flat = "\"${A}-${B:-x}/$(nproc)/${C}/${D}/${E}/${F}/${G}/`id -u`\"";
    // (a backquote may open or close: the closing one, followed by `"`, counts)
    assert_eq!(word_openers(flat), 1);
    assert_eq!(substitutions(flat), ["nproc", "id -u"]);
    let nested = "$(if [ \"$(dpkg --print-architecture)\" = amd64 ]; then echo a; fi)";
    assert_eq!(word_openers(nested), 2);
    assert_eq!(simplify_word(nested), "${VAR}");
    // nested array indexes weigh most (brush re-reads an index in each expansion form)
    assert_eq!(word_openers("${A[$i]}"), 4);
    assert!(word_openers("${A[${B[${C[0]}]}]}") > MAX_WORD_OPENERS);
}

/// brush unwraps the parse of a redirection's file-descriptor number and panicked on one
/// that overflows (found by the fuzzer): such bodies are a syntax error, never a panic.
#[test]
fn oversized_file_descriptors_are_a_syntax_error() {
    for body in [
        "444444444444444444<",
        "echo hi 99999999999>x",
        "echo \"$(cat 12345678901<in)\"",
    ] {
        assert!(matches!(parse(body), Err(ShellError::Syntax(_))), "{body}");
        assert!(!parse_or_fallback(body).commands.is_empty(), "{body}");
    }
    // nor does a tilde's directory-stack index that overflows (a panic in brush's word parser)
    for word in [
        "~+999999999999999999999999",
        "a:~-99999999999",
        "~12345678901",
    ] {
        assert!(word_pieces(word).is_none(), "{word}");
        assert_eq!(simplify_word(word), word);
        assert_eq!(unquote_word(word), word);
        assert!(!parse_or_fallback(&format!("echo {word}"))
            .commands
            .is_empty());
    }
    assert!(word_pieces("~+12").is_some());
    // ordinary descriptor numbers still parse
    let s = parse("cmd 2>/dev/null 3<in").expect("redirections parse");
    assert_eq!(s.commands.len(), 1);
}
