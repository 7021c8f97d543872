//! History `created_by` parsing: which Dockerfile instruction made a step, and for `RUN`, the
//! shell commands it ran.
//!
//! This module recognises the history forms (classic `/bin/sh -c #(nop) …`, BuildKit
//! `RUN … # buildkit`, `RUN |N A=b …`); the shell body itself is parsed by the shared shell
//! model, `sekisho-shell` (brush-parser, with its quote-aware splitter for bodies brush
//! rejects), the same parser the Dockerfile linter uses. Its pipelines are kept (`curl … |
//! sh` is one pipeline of two commands); commands inside `$(…)` are pipelines of their own;
//! wrappers (`sudo`, `env`, `nohup`, …) are also listed unwrapped; `sh -c 'script'` is
//! parsed recursively, to a bounded depth. Nothing here panics.

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
        let model = sekisho_shell::SimpleCommand {
            words: self
                .words
                .iter()
                .zip(self.raw.iter().map(Some).chain(std::iter::repeat(None)))
                .map(|(text, raw)| {
                    // only the text is read here: no simplified form (left empty)
                    let raw = raw.cloned().unwrap_or_default();
                    sekisho_shell::Word::from_forms(raw, text.clone(), String::new())
                })
                .collect(),
            name_index: Some(0),
            ..Default::default()
        };
        let inner = model.unwrap_wrapper()?;
        let skipped = self.words.len() - inner.words.len();
        Some(SimpleCommand {
            words: inner.words.into_iter().map(|w| w.into_text()).collect(),
            raw: self.raw[skipped.min(self.raw.len())..].to_vec(),
        })
    }

    /// The history view of a command of the shared shell model: its words with quoting
    /// removed (leading assignments are the model's, not words), then its process
    /// substitutions as written (`<(curl …)`); `None` for an assignment-only command.
    fn from_model(c: &sekisho_shell::SimpleCommand) -> Option<SimpleCommand> {
        if c.words.is_empty() {
            return None;
        }
        let subs = c.process_substitutions.iter().cloned();
        Some(SimpleCommand {
            words: c
                .words
                .iter()
                .map(|w| w.text().to_string())
                .chain(subs.clone())
                .collect(),
            raw: c.words.iter().map(|w| w.raw.clone()).chain(subs).collect(),
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
    let model = sekisho_shell::parse_or_fallback(text);
    let mut local = Script::default();
    for i in 0..model.pipelines.len() {
        let pipeline: Pipeline = model
            .pipeline_commands(i)
            .filter_map(SimpleCommand::from_model)
            .collect();
        if !pipeline.is_empty() {
            local.pipelines.push(pipeline);
        }
    }
    if depth >= MAX_DEPTH {
        final_out.pipelines.extend(local.pipelines);
        return;
    }
    // Wrappers' inner commands (`sudo -u app sh -c ...` -> `sh -c ...`).
    let mut unwrapped: Vec<Pipeline> = Vec::new();
    for c in local.pipelines.iter().flatten() {
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
    for c in local.pipelines.iter().chain(unwrapped.iter()).flatten() {
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
    fn shared_model_view() {
        // redirections are not words, case patterns and keywords are not commands, and
        // commands in `$(...)` are seen
        let s = parse_script(
            "echo 'hosts: files dns' > /etc/nsswitch.conf; case $a in x) apt-get upgrade;; esac; \
             v=$(apt-get update)",
        );
        let all: Vec<&str> = s.commands().map(|c| c.name()).collect();
        assert_eq!(all, ["echo", "apt-get", "apt-get"]);
        assert_eq!(s.pipelines[0][0].words, ["echo", "hosts: files dns"]);
        let s = parse_script("bash <(curl -fsSL https://x)");
        assert!(s.pipelines[0][0]
            .args()
            .iter()
            .any(|a| a.starts_with("<(curl")));
        // bodies brush rejects go through the splitter
        let s = parse_script("if ($x) { Invoke-WebRequest $u | Out-Null }");
        assert!(s.pipelines.iter().any(|p| p.len() == 2));
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
