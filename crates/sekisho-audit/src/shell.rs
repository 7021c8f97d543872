//! History `created_by` parsing: which Dockerfile instruction made a step, and for `RUN`, the
//! shell commands it ran.
//!
//! The shell part is a small tokenizer, not a full shell parser: it respects single and double
//! quotes, backslash escapes, comments, `$(...)`/backticks (kept inside one word), and splits
//! command lists on `&&`, `||`, `;`, `&`, newlines and pipelines on `|`. `sh -c 'script'` is
//! parsed recursively. It should move to the Dockerfile linter's shell parser
//! (`sekisho-dockerfile::shell`) once that exposes pipelines, so both tools see commands alike.
//! It never panics and works in linear time (the recursion depth is bounded).

/// One simple command: its words with quotes removed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    /// Words, quotes removed, leading `VAR=value` assignments dropped.
    pub words: Vec<String>,
    /// Words as written (quotes kept), same indexes as `words`.
    pub raw: Vec<String>,
}

impl SimpleCommand {
    /// The command name: basename of the first word (`/usr/bin/apt-get` → `apt-get`).
    pub fn name(&self) -> &str {
        self.words
            .first()
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .unwrap_or("")
    }

    /// Arguments after the name.
    pub fn args(&self) -> &[String] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// Arguments that are not flags.
    pub fn positional(&self) -> impl Iterator<Item = &str> {
        self.args()
            .iter()
            .map(String::as_str)
            .filter(|a| !a.starts_with('-'))
    }

    /// Whether an argument equals `a`.
    pub fn has_arg(&self, a: &str) -> bool {
        self.args().iter().any(|x| x == a)
    }

    /// The first non-flag argument (a subcommand such as `install`).
    pub fn subcommand(&self) -> Option<&str> {
        self.positional().next()
    }

    /// The command this one runs, for wrappers (`sudo X`, `env A=b X`, `nice X`, `exec X`,
    /// `command X`, `time X`, `nohup X`); `None` when this is not a wrapper.
    pub fn unwrap_wrapper(&self) -> Option<SimpleCommand> {
        let name = self.name();
        if !matches!(
            name,
            "sudo" | "env" | "nice" | "exec" | "command" | "time" | "nohup" | "doas" | "stdbuf"
        ) {
            return None;
        }
        let mut i = 1;
        while i < self.words.len() {
            let w = &self.words[i];
            if w.starts_with('-') || (name == "env" && w.contains('=')) {
                // `sudo -u user X`: flags with a value
                if name == "sudo"
                    && matches!(w.as_str(), "-u" | "-g" | "-C" | "-D" | "-h" | "-p" | "-U")
                {
                    i += 1;
                }
                i += 1;
                continue;
            }
            break;
        }
        if i >= self.words.len() {
            return None;
        }
        Some(SimpleCommand {
            words: self.words[i..].to_vec(),
            raw: self.raw[i.min(self.raw.len())..].to_vec(),
        })
    }
}

/// A pipeline: commands joined by `|`.
pub type Pipeline = Vec<SimpleCommand>;

/// A parsed shell script: its pipelines in order, including those of nested `sh -c` scripts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// Pipelines in order of appearance.
    pub pipelines: Vec<Pipeline>,
}

impl Script {
    /// Every simple command (wrappers such as `sudo` appear both as themselves and unwrapped).
    pub fn commands(&self) -> impl Iterator<Item = &SimpleCommand> {
        self.pipelines.iter().flatten()
    }
}

const MAX_DEPTH: usize = 4;

/// Parse a shell script.
pub fn parse_script(text: &str) -> Script {
    let mut script = Script::default();
    parse_into(text, 0, &mut script);
    script
}

fn parse_into(text: &str, depth: usize, final_out: &mut Script) {
    let tokens = tokenize(text);
    let mut local = Script::default();
    let out = &mut local;
    let mut pipeline: Pipeline = Vec::new();
    let mut current = SimpleCommand::default();
    let flush_cmd = |current: &mut SimpleCommand, pipeline: &mut Pipeline| {
        // Drop leading assignments (`DEBIAN_FRONTEND=noninteractive apt-get ...`) and
        // grouping words.
        let mut start = 0;
        while start < current.words.len() {
            let w = &current.words[start];
            let is_assign = current.raw[start]
                .split_once('=')
                .is_some_and(|(k, _)| is_identifier(k));
            // Grouping words and the keywords that can start a command list
            // (`if apt-get update; then ...`).
            let keyword = matches!(
                w.as_str(),
                "{" | "}" | "!" | "if" | "then" | "else" | "elif" | "do" | "while" | "until"
            ) && current.raw[start] == *w;
            if is_assign || keyword {
                start += 1;
            } else {
                break;
            }
        }
        if start < current.words.len() {
            let cmd = SimpleCommand {
                words: current.words[start..].to_vec(),
                raw: current.raw[start..].to_vec(),
            };
            pipeline.push(cmd);
        }
        *current = SimpleCommand::default();
    };
    for token in tokens {
        match token {
            Token::Word { text, raw } => {
                current.words.push(text);
                current.raw.push(raw);
            }
            Token::Pipe => flush_cmd(&mut current, &mut pipeline),
            Token::Sep => {
                flush_cmd(&mut current, &mut pipeline);
                if !pipeline.is_empty() {
                    out.pipelines.push(std::mem::take(&mut pipeline));
                }
            }
        }
    }
    flush_cmd(&mut current, &mut pipeline);
    if !pipeline.is_empty() {
        out.pipelines.push(pipeline);
    }
    if depth >= MAX_DEPTH {
        final_out.pipelines.extend(local.pipelines);
        return;
    }
    // Wrappers' inner commands (`sudo -u app sh -c ...` -> `sh -c ...`).
    let mut unwrapped: Vec<Pipeline> = Vec::new();
    for c in out.pipelines.iter().flatten() {
        let mut inner = c.unwrap_wrapper();
        let mut hops = 0;
        while let Some(cmd) = inner {
            hops += 1;
            let next = cmd.unwrap_wrapper();
            unwrapped.push(vec![cmd]);
            if hops > 4 {
                break;
            }
            inner = next;
        }
    }
    // Nested scripts: `sh -c '...'`.
    let mut nested: Vec<String> = Vec::new();
    for c in out.pipelines.iter().chain(unwrapped.iter()).flatten() {
        if is_shell(c.name()) {
            if let Some(pos) = c
                .words
                .iter()
                .position(|w| matches!(w.as_str(), "-c" | "-ec" | "-xc" | "-exc"))
            {
                if let Some(body) = c.words.get(pos + 1) {
                    nested.push(body.clone());
                }
            }
        }
    }
    local.pipelines.extend(unwrapped);
    final_out.pipelines.extend(local.pipelines);
    for body in nested {
        parse_into(&body, depth + 1, final_out);
    }
}

/// Whether `name` is a POSIX-like shell.
pub fn is_shell(name: &str) -> bool {
    matches!(
        name,
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[derive(Debug)]
enum Token {
    Word { text: String, raw: String },
    Pipe,
    Sep,
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut word = String::new();
    let mut raw = String::new();
    let mut in_word = false;
    let push_word =
        |tokens: &mut Vec<Token>, word: &mut String, raw: &mut String, in_word: &mut bool| {
            if *in_word {
                tokens.push(Token::Word {
                    text: std::mem::take(word),
                    raw: std::mem::take(raw),
                });
                *in_word = false;
            }
        };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\r' => {
                push_word(&mut tokens, &mut word, &mut raw, &mut in_word);
                i += 1;
            }
            '\n' | ';' => {
                push_word(&mut tokens, &mut word, &mut raw, &mut in_word);
                tokens.push(Token::Sep);
                i += 1;
            }
            '&' => {
                push_word(&mut tokens, &mut word, &mut raw, &mut in_word);
                // `&&`, `&`, but `&>` / `>&` are redirections: treat `&>` as part of nothing.
                if chars.get(i + 1) == Some(&'>') {
                    i += 2;
                    continue;
                }
                tokens.push(Token::Sep);
                i += if chars.get(i + 1) == Some(&'&') { 2 } else { 1 };
            }
            '|' => {
                push_word(&mut tokens, &mut word, &mut raw, &mut in_word);
                if chars.get(i + 1) == Some(&'|') {
                    tokens.push(Token::Sep);
                    i += 2;
                } else {
                    tokens.push(Token::Pipe);
                    i += if chars.get(i + 1) == Some(&'&') { 2 } else { 1 };
                }
            }
            '(' | ')' if !in_word => {
                tokens.push(Token::Sep);
                i += 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' => {
                in_word = true;
                raw.push(c);
                if let Some(&next) = chars.get(i + 1) {
                    raw.push(next);
                    if next != '\n' {
                        word.push(next);
                    }
                    i += 2;
                } else {
                    i += 1;
                }
            }
            '\'' => {
                in_word = true;
                raw.push(c);
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    word.push(chars[i]);
                    raw.push(chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    raw.push('\'');
                    i += 1;
                }
            }
            '"' => {
                in_word = true;
                raw.push(c);
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\'
                        && i + 1 < chars.len()
                        && matches!(chars[i + 1], '"' | '\\' | '$' | '`' | '\n')
                    {
                        raw.push(chars[i]);
                        raw.push(chars[i + 1]);
                        if chars[i + 1] != '\n' {
                            word.push(chars[i + 1]);
                        }
                        i += 2;
                        continue;
                    }
                    word.push(chars[i]);
                    raw.push(chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    raw.push('"');
                    i += 1;
                }
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                // Command substitution: keep balanced parentheses inside the word.
                in_word = true;
                let mut depth = 0usize;
                while i < chars.len() {
                    let ch = chars[i];
                    word.push(ch);
                    raw.push(ch);
                    i += 1;
                    if ch == '(' {
                        depth += 1;
                    } else if ch == ')' {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                }
            }
            '`' => {
                in_word = true;
                word.push(c);
                raw.push(c);
                i += 1;
                while i < chars.len() && chars[i] != '`' {
                    word.push(chars[i]);
                    raw.push(chars[i]);
                    i += 1;
                }
                if i < chars.len() {
                    word.push('`');
                    raw.push('`');
                    i += 1;
                }
            }
            _ => {
                in_word = true;
                word.push(c);
                raw.push(c);
                i += 1;
            }
        }
    }
    push_word(&mut tokens, &mut word, &mut raw, &mut in_word);
    tokens
}

/// What a history step was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The Dockerfile instruction in upper case (`RUN`, `ADD`, `COPY`, `ENV`, ...); `RUN` when
    /// the step is a plain shell command; empty when unknown.
    pub instruction: String,
    /// The instruction's arguments (for `RUN`: the shell script).
    pub args: String,
    /// For `RUN`: the parsed script.
    pub script: Option<Script>,
    /// For BuildKit `RUN |N K=V ...`: the build arguments the step saw (they are stored in the
    /// image history in clear).
    pub build_args: Vec<(String, String)>,
}

/// Parse a history `created_by` text, as written by the classic builder
/// (`/bin/sh -c #(nop)  ADD file:... in /`, `/bin/sh -c apt-get ...`) or by BuildKit
/// (`RUN /bin/sh -c apt-get ... # buildkit`, `RUN |2 A=1 B=2 /bin/sh -c ...`, `ADD x y # buildkit`).
pub fn parse_created_by(created_by: &str) -> Step {
    let mut text = created_by.trim();
    if let Some(rest) = text.strip_suffix("# buildkit") {
        text = rest.trim_end();
    }
    // BuildKit form: `INSTRUCTION args`.
    let (first, rest) = split_first_word(text);
    let upper = first.to_ascii_uppercase();
    if first == upper && is_instruction(first) {
        if first == "RUN" {
            return run_step(rest);
        }
        return Step {
            instruction: first.to_string(),
            args: rest.trim().to_string(),
            script: None,
            build_args: Vec::new(),
        };
    }
    // Classic form: `/bin/sh -c #(nop) INSTRUCTION args` or `/bin/sh -c script`.
    if let Some(body) = strip_shell_prefix(text) {
        let body = body.trim_start();
        if let Some(nop) = body.strip_prefix("#(nop)") {
            let (inst, args) = split_first_word(nop.trim_start());
            return Step {
                instruction: inst.to_ascii_uppercase(),
                args: args.trim().to_string(),
                script: None,
                build_args: Vec::new(),
            };
        }
        let body = body.trim();
        return Step {
            instruction: "RUN".to_string(),
            args: body.to_string(),
            script: Some(parse_script(body)),
            build_args: Vec::new(),
        };
    }
    if text.is_empty() {
        return Step {
            instruction: String::new(),
            args: String::new(),
            script: None,
            build_args: Vec::new(),
        };
    }
    // Something else (other builders write the command itself): treat as a shell command.
    Step {
        instruction: "RUN".to_string(),
        args: text.to_string(),
        script: Some(parse_script(text)),
        build_args: Vec::new(),
    }
}

fn run_step(rest: &str) -> Step {
    let mut body = rest.trim_start();
    // `|N A=1 B=2 ` build-arg prefix.
    let mut build_args = Vec::new();
    if let Some(after) = body.strip_prefix('|') {
        let (count, mut remaining) = split_first_word(after);
        let n: usize = count.parse().unwrap_or(0);
        for _ in 0..n.min(1000) {
            let (arg, r) = split_first_word(remaining.trim_start());
            if let Some((k, v)) = arg.split_once('=') {
                build_args.push((k.to_string(), v.to_string()));
            }
            remaining = r;
        }
        body = remaining.trim_start();
    }
    let script_text = strip_shell_prefix(body).unwrap_or(body).trim();
    Step {
        instruction: "RUN".to_string(),
        args: script_text.to_string(),
        script: Some(parse_script(script_text)),
        build_args,
    }
}

fn strip_shell_prefix(text: &str) -> Option<&str> {
    for prefix in [
        "/bin/sh -c",
        "/bin/bash -c",
        "sh -c",
        "bash -c",
        "/bin/sh -ec",
        "/bin/bash -ec",
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                return Some(rest);
            }
        }
    }
    if let Some(rest) = text.strip_prefix("cmd /S /C") {
        return Some(rest);
    }
    None
}

fn split_first_word(text: &str) -> (&str, &str) {
    match text.find(char::is_whitespace) {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    }
}

fn is_instruction(word: &str) -> bool {
    matches!(
        word,
        "ADD"
            | "ARG"
            | "CMD"
            | "COPY"
            | "ENTRYPOINT"
            | "ENV"
            | "EXPOSE"
            | "HEALTHCHECK"
            | "LABEL"
            | "MAINTAINER"
            | "ONBUILD"
            | "RUN"
            | "SHELL"
            | "STOPSIGNAL"
            | "USER"
            | "VOLUME"
            | "WORKDIR"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Script) -> Vec<Vec<String>> {
        s.pipelines
            .iter()
            .map(|p| p.iter().map(|c| c.name().to_string()).collect())
            .collect()
    }

    #[test]
    fn splits_lists_and_pipes() {
        let s = parse_script("apt-get update && apt-get upgrade -y && apt-get install -y sudo");
        assert_eq!(names(&s), vec![vec!["apt-get"]; 3]);
        let s = parse_script("curl -fsSL http://x/i.sh | sh && chmod 777 /r.sh");
        assert_eq!(names(&s), vec![vec!["curl", "sh"], vec!["chmod"]]);
    }

    #[test]
    fn quotes_are_respected() {
        let s = parse_script(r#"echo "a && b | c" ; printf 'x;y' && echo a\&\&b"#);
        assert_eq!(names(&s), vec![vec!["echo"], vec!["printf"], vec!["echo"]]);
        assert_eq!(s.pipelines[0][0].words[1], "a && b | c");
        assert_eq!(s.pipelines[2][0].words[1], "a&&b");
    }

    #[test]
    fn nested_and_wrapped() {
        let s = parse_script("sudo -u app sh -c 'apt-get update; apt-get upgrade'");
        let all: Vec<&str> = s.commands().map(|c| c.name()).collect();
        assert!(all.contains(&"sudo"));
        assert!(all.contains(&"apt-get"));
        let s = parse_script("DEBIAN_FRONTEND=noninteractive apt-get install -y x");
        assert_eq!(s.pipelines[0][0].name(), "apt-get");
        let s = parse_script(
            "if true; then apt-get upgrade; else sudo x; fi; while read l; do rm \"$l\"; done",
        );
        let all: Vec<&str> = s.commands().map(|c| c.name()).collect();
        for n in ["true", "apt-get", "sudo", "x", "read", "rm"] {
            assert!(all.contains(&n), "{n} in {all:?}");
        }
        // A quoted keyword is a command name like any other word.
        assert_eq!(parse_script("'if' x").pipelines[0][0].name(), "if");
    }

    #[test]
    fn created_by_forms() {
        let s = parse_created_by("/bin/sh -c #(nop) ADD file:abc in / ");
        assert_eq!(
            (s.instruction.as_str(), s.args.as_str()),
            ("ADD", "file:abc in /")
        );
        let s =
            parse_created_by("RUN /bin/sh -c apt-get update && apt-get install -y x # buildkit");
        assert_eq!(s.instruction, "RUN");
        assert_eq!(s.script.unwrap().pipelines.len(), 2);
        let s = parse_created_by("RUN |2 A=1 B=2 /bin/sh -c echo $A # buildkit");
        assert_eq!(s.args, "echo $A");
        assert_eq!(
            s.build_args,
            [
                ("A".to_string(), "1".to_string()),
                ("B".to_string(), "2".to_string())
            ]
        );
        let s = parse_created_by("ADD http://x/a.tgz /app/ # buildkit");
        assert_eq!(
            (s.instruction.as_str(), s.args.as_str()),
            ("ADD", "http://x/a.tgz /app/")
        );
        let s = parse_created_by("/bin/sh -c apt-get update");
        assert_eq!(s.instruction, "RUN");
        let s = parse_created_by("");
        assert_eq!(s.instruction, "");
    }

    #[test]
    fn odd_input_does_not_panic() {
        for t in [
            "'",
            "\"",
            "\\",
            "$(",
            "$((((",
            "`",
            "|||",
            "&&&",
            "RUN |",
            "RUN |99999999999999999999",
            "é'ü\"\\",
        ] {
            let _ = parse_script(t);
            let _ = parse_created_by(t);
        }
    }
}
