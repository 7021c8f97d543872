//! Per-instruction argument structures.

use super::words::{split_words, unquote};
use super::{Flag, Heredoc, Instruction};

/// A command in exec (JSON) or shell form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmdLine {
    /// `["a", "b"]`.
    Exec(Vec<String>),
    /// `a b`.
    Shell(String),
}

impl CmdLine {
    /// The command as one string (exec form joined by spaces, as hadolint does).
    pub fn text(&self) -> String {
        match self {
            CmdLine::Exec(v) => v.join(" "),
            CmdLine::Shell(s) => s.clone(),
        }
    }

    fn parse(text: &str) -> CmdLine {
        match parse_json_array(text) {
            Some(v) => CmdLine::Exec(v),
            None => CmdLine::Shell(text.to_string()),
        }
    }
}

/// An image reference as written in `FROM`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageRef {
    /// The text as written.
    pub raw: String,
    /// Registry host if the first path component looks like one.
    pub registry: Option<String>,
    /// Repository path without registry, tag or digest.
    pub name: String,
    /// Tag, if any.
    pub tag: Option<String>,
    /// Digest, if any.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses `registry/name:tag@digest`.
    pub fn parse(raw: &str) -> ImageRef {
        let mut rest = raw;
        let mut digest = None;
        if let Some((a, d)) = rest.split_once('@') {
            digest = Some(d.to_string());
            rest = a;
        }
        let mut tag = None;
        let last_slash = rest.rfind('/').map(|p| p + 1).unwrap_or(0);
        if let Some(p) = rest[last_slash..].rfind(':') {
            let p = last_slash + p;
            // do not split inside ${VAR:-x}
            let before = &rest[..p];
            if before.matches("${").count() <= before.matches('}').count() {
                tag = Some(rest[p + 1..].to_string());
                rest = &rest[..p];
            }
        }
        let mut registry = None;
        let mut name = rest.to_string();
        if let Some((first, tail)) = rest.split_once('/') {
            if first.contains('.') || first.contains(':') || first == "localhost" {
                registry = Some(first.to_string());
                name = tail.to_string();
            }
        }
        ImageRef {
            raw: raw.to_string(),
            registry,
            name,
            tag,
            digest,
        }
    }
}

/// `FROM` arguments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FromArgs {
    /// The base image.
    pub image: ImageRef,
    /// Stage name after `AS`.
    pub alias: Option<String>,
    /// `--platform` value.
    pub platform: Option<String>,
}

/// A `--mount` option of `RUN`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mount {
    /// `type=` (default `bind`).
    pub kind: String,
    /// `target=`/`dst=`/`destination=`.
    pub target: Option<String>,
    /// All `key=value` pairs.
    pub options: Vec<(String, String)>,
}

impl Mount {
    fn parse(v: &str) -> Mount {
        let mut m = Mount {
            kind: "bind".into(),
            ..Default::default()
        };
        for part in v.split(',') {
            let (k, val) = part.split_once('=').unwrap_or((part, ""));
            let k = k.trim().to_ascii_lowercase();
            let val = unquote(val.trim());
            match k.as_str() {
                "type" => m.kind = val.clone(),
                "target" | "dst" | "destination" => m.target = Some(val.clone()),
                _ => {}
            }
            m.options.push((k, val));
        }
        m
    }
}

/// `RUN` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunArgs {
    /// The command.
    pub cmd: CmdLine,
    /// Parsed `--mount` flags.
    pub mounts: Vec<Mount>,
    /// The script the shell would run: the command, plus heredoc bodies.
    pub script: String,
}

/// `COPY`/`ADD` arguments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyArgs {
    /// Source words as written (quotes kept in shell form).
    pub sources: Vec<String>,
    /// Destination as written.
    pub dest: String,
    /// `--from` value.
    pub from: Option<String>,
    /// Whether the JSON form was used.
    pub json: bool,
}

/// Parsed instruction arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Args {
    /// A comment line (text after `#`).
    Comment(String),
    /// `FROM`.
    From(FromArgs),
    /// `RUN`.
    Run(RunArgs),
    /// `CMD`.
    Cmd(CmdLine),
    /// `ENTRYPOINT`.
    Entrypoint(CmdLine),
    /// `SHELL` (JSON list, or words if not JSON).
    Shell(Vec<String>),
    /// `COPY`.
    Copy(CopyArgs),
    /// `ADD`.
    Add(CopyArgs),
    /// `ENV` pairs (values unquoted).
    Env(Vec<(String, String)>),
    /// `LABEL` pairs (keys and values unquoted).
    Label(Vec<(String, String)>),
    /// `ARG` names with optional defaults.
    Arg(Vec<(String, Option<String>)>),
    /// `EXPOSE` ports as written.
    Expose(Vec<String>),
    /// `USER`.
    User(String),
    /// `WORKDIR` (as written).
    Workdir(String),
    /// `VOLUME`.
    Volume(Vec<String>),
    /// `STOPSIGNAL`.
    Stopsignal(String),
    /// `HEALTHCHECK` (`None` for `HEALTHCHECK NONE`).
    Healthcheck(Option<CmdLine>),
    /// `MAINTAINER`.
    Maintainer(String),
    /// `ONBUILD` and the wrapped instruction.
    Onbuild(Box<Instruction>),
}

/// Parses a JSON array of strings; `None` if the text is not one.
pub fn parse_json_array(text: &str) -> Option<Vec<String>> {
    let t = text.trim();
    if !t.starts_with('[') || !t.ends_with(']') {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(t).ok()?;
    let arr = v.as_array()?;
    arr.iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
}

/// Parses `k=v k2="v 2"` or legacy `k v` pairs.
pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    let words = split_words(text);
    if words.is_empty() {
        return vec![];
    }
    if !words[0].contains('=') {
        let key = unquote(&words[0]);
        let value = text.trim_start()[words[0].len()..].trim().to_string();
        return vec![(key, unquote(&value))];
    }
    words
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (unquote(k), unquote(v)),
            None => (unquote(w), String::new()),
        })
        .collect()
}

pub(super) fn parse_args(
    keyword: &str,
    text: &str,
    flags: &[Flag],
    heredocs: &[Heredoc],
    _escape: char,
) -> Result<Args, String> {
    let t = text.trim();
    Ok(match keyword {
        "FROM" => {
            let w = split_words(t);
            let image = ImageRef::parse(w.first().map(String::as_str).unwrap_or(""));
            let alias = if w.len() >= 3 && w[1].eq_ignore_ascii_case("as") {
                Some(w[2].clone())
            } else {
                None
            };
            let platform = flags
                .iter()
                .rev()
                .find(|f| f.name == "platform")
                .map(|f| f.value.clone().unwrap_or_default());
            Args::From(FromArgs {
                image,
                alias,
                platform,
            })
        }
        "RUN" => {
            let cmd = CmdLine::parse(t);
            let mounts = flags
                .iter()
                .filter(|f| f.name == "mount")
                .map(|f| Mount::parse(f.value.as_deref().unwrap_or("")))
                .collect();
            let script = run_script(&cmd, heredocs);
            Args::Run(RunArgs {
                cmd,
                mounts,
                script,
            })
        }
        "CMD" => Args::Cmd(CmdLine::parse(t)),
        "ENTRYPOINT" => Args::Entrypoint(CmdLine::parse(t)),
        "SHELL" => Args::Shell(parse_json_array(t).unwrap_or_else(|| split_words(t))),
        "COPY" | "ADD" => {
            let (words, json) = match parse_json_array(t) {
                Some(v) => (v, true),
                None => (split_words(t), false),
            };
            let (sources, dest) = match words.split_last() {
                Some((d, s)) => (s.to_vec(), d.clone()),
                None => (vec![], String::new()),
            };
            let from = flags
                .iter()
                .rev()
                .find(|f| f.name == "from")
                .map(|f| f.value.clone().unwrap_or_default());
            let c = CopyArgs {
                sources,
                dest,
                from,
                json,
            };
            if keyword == "COPY" {
                Args::Copy(c)
            } else {
                Args::Add(c)
            }
        }
        "ENV" => Args::Env(parse_pairs(t)),
        "LABEL" => Args::Label(parse_pairs(t)),
        "ARG" => Args::Arg(
            split_words(t)
                .iter()
                .map(|w| match w.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(unquote(v))),
                    None => (w.to_string(), None),
                })
                .collect(),
        ),
        "EXPOSE" => Args::Expose(split_words(t)),
        "USER" => Args::User(t.to_string()),
        "WORKDIR" => Args::Workdir(t.to_string()),
        "VOLUME" => Args::Volume(parse_json_array(t).unwrap_or_else(|| split_words(t))),
        "STOPSIGNAL" => Args::Stopsignal(t.to_string()),
        "MAINTAINER" => Args::Maintainer(t.to_string()),
        "HEALTHCHECK" => {
            let mut w = t.splitn(2, char::is_whitespace);
            let first = w.next().unwrap_or("");
            let rest = w.next().unwrap_or("").trim();
            if first.eq_ignore_ascii_case("NONE") {
                Args::Healthcheck(None)
            } else if first.eq_ignore_ascii_case("CMD") {
                Args::Healthcheck(Some(CmdLine::parse(rest)))
            } else if t.is_empty() {
                return Err("HEALTHCHECK requires an argument".into());
            } else {
                Args::Healthcheck(Some(CmdLine::parse(t)))
            }
        }
        _ => return Err(format!("unknown instruction: {keyword}")),
    })
}

/// Builds the script a `RUN` executes: a heredoc-only command (`RUN <<EOF`) runs the
/// body itself; otherwise the body is fed to the command as a shell heredoc.
fn run_script(cmd: &CmdLine, heredocs: &[Heredoc]) -> String {
    let text = cmd.text();
    if heredocs.is_empty() {
        return text;
    }
    let stripped: String = {
        let mut s = text.clone();
        for h in heredocs {
            for pat in [
                format!("<<-\"{}\"", h.delimiter),
                format!("<<-'{}'", h.delimiter),
                format!("<<-{}", h.delimiter),
                format!("<<\"{}\"", h.delimiter),
                format!("<<'{}'", h.delimiter),
                format!("<<{}", h.delimiter),
            ] {
                s = s.replacen(&pat, "", 1);
            }
        }
        s
    };
    if stripped.trim().is_empty() {
        let mut out = String::new();
        for h in heredocs {
            out.push_str(&h.body);
        }
        return out;
    }
    let mut out = text;
    out.push('\n');
    for h in heredocs {
        out.push_str(&h.body);
        out.push_str(&h.delimiter);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image() {
        let i = ImageRef::parse("quay.io/a/b:1.0@sha256:x");
        assert_eq!(i.registry.as_deref(), Some("quay.io"));
        assert_eq!(i.name, "a/b");
        assert_eq!(i.tag.as_deref(), Some("1.0"));
        let i = ImageRef::parse("localhost:5000/foo");
        assert_eq!(i.tag, None);
        assert_eq!(i.name, "foo");
    }

    #[test]
    fn pairs() {
        assert_eq!(
            parse_pairs(r#"a=1 b="x y""#),
            vec![("a".into(), "1".into()), ("b".into(), "x y".into())]
        );
        assert_eq!(parse_pairs("a x y"), vec![("a".into(), "x y".into())]);
    }
}
