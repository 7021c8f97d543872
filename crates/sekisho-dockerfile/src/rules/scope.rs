//! Build variables in scope at each instruction, with BuildKit's rules.
//!
//! * `ARG`s before the first `FROM` are global: they are visible in `FROM` lines, and
//!   inside a stage only after a bare `ARG NAME` re-declaration, which takes the global
//!   default.
//! * An `ARG` or `ENV` is visible after its declaration and until the end of its stage.
//! * `ENV` is inherited from a parent stage used as `FROM <stage-name>`; `ARG` never is.
//! * `ENV` wins over an `ARG` of the same name.
//!
//! Instructions before the first `FROM` (only `ARG` in a valid file) see the global
//! `ARG`s (and any `ENV`) declared before them, as hadolint's single-stage cases expect.
//!
//! The pinning rules (DL3008, DL3013, DL3016, DL3018, DL3028, DL3033, DL3037, DL3041,
//! DL3062) judge a package word through [`Scope::resolve`]: a word that uses a variable
//! declared somewhere in the file but not in scope there is unpinned (the variable is
//! empty when that `RUN` executes); a word whose variables are all in scope with known
//! values is judged on its expansion; anything else (variables declared nowhere in the
//! file, which may come from the base image's `ENV`, `ARG`s without a value, command
//! substitutions) is judged as written.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use sekisho_shell::brush_parser::word::{WordPiece, WordPieceWithSource};

use crate::parser::{expand, Args, Dockerfile, Instruction};

/// The variables visible at one point of a Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Variables in scope: name to value (`None` when the value is not known here: an
    /// `ARG` without a default, whose value comes from `--build-arg`, or a value that
    /// uses such a variable). Shared by the `RUN`s between two declarations.
    pub vars: Rc<HashMap<String, Option<String>>>,
    /// Every `ARG`/`ENV` name declared anywhere in the file (top level).
    pub declared: Rc<HashSet<String>>,
    /// Variables the `RUN` body assigns itself (`V=$(...)`, `export V=...`, `for V in`,
    /// `read V`): their value there is the shell's, so words using them are unknown.
    pub shadowed: HashSet<String>,
}

/// How a shell word reads with the variables in scope (see [`Scope::resolve`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// No variable in the word: judge it as written.
    Literal,
    /// Every variable is in scope with a known value: the word after expansion (quotes
    /// removed), split into several words at whitespace when an expansion was unquoted
    /// (the shell's field splitting); no word when it expanded to nothing.
    Expanded(Vec<String>),
    /// The word uses a variable declared in the file but not in scope here (so it is
    /// empty when the command runs), without a default.
    OutOfScope,
    /// The word's value cannot be known (variables declared nowhere in the file or with
    /// unknown values, command substitutions): judge it as written.
    Unknown,
}

impl Scope {
    /// The value of a variable in scope (`Some(None)` when in scope with an unknown value).
    pub fn get(&self, name: &str) -> Option<&Option<String>> {
        self.vars.get(name)
    }

    /// How the shell word `raw` (as written in a `RUN` body) reads here.
    pub fn resolve(&self, raw: &str) -> Resolved {
        if !raw.contains('$') {
            return Resolved::Literal;
        }
        let Some(pieces) = sekisho_shell::word_pieces(raw) else {
            return Resolved::Unknown;
        };
        let mut st = ResolveState::default();
        let mut out = String::new();
        self.pieces(raw, &pieces, &mut out, &mut st);
        if !st.params {
            Resolved::Literal
        } else if st.out_of_scope {
            Resolved::OutOfScope
        } else if st.unknown {
            Resolved::Unknown
        } else if st.unquoted {
            Resolved::Expanded(out.split_whitespace().map(str::to_string).collect())
        } else {
            Resolved::Expanded(vec![out])
        }
    }

    fn pieces(
        &self,
        raw: &str,
        pieces: &[WordPieceWithSource],
        out: &mut String,
        st: &mut ResolveState,
    ) {
        for p in pieces {
            match &p.piece {
                WordPiece::Text(t) | WordPiece::SingleQuotedText(t) => out.push_str(t),
                WordPiece::AnsiCQuotedText(t) => out.push_str(t),
                WordPiece::DoubleQuotedSequence(inner)
                | WordPiece::GettextDoubleQuotedSequence(inner) => {
                    st.quoted += 1;
                    self.pieces(raw, inner, out, st);
                    st.quoted -= 1;
                }
                WordPiece::TildeExpansion(_) => out.push('~'),
                WordPiece::EscapeSequence(e) => out.push_str(e.strip_prefix('\\').unwrap_or(e)),
                WordPiece::ParameterExpansion(_) => {
                    st.params = true;
                    st.unquoted |= st.quoted == 0;
                    let src = raw.get(p.start_index..p.end_index).unwrap_or("");
                    self.parameter(src, out, st);
                }
                WordPiece::CommandSubstitution(_)
                | WordPiece::BackquotedCommandSubstitution(_)
                | WordPiece::ArithmeticExpression(_) => {
                    st.params = true;
                    st.unknown = true;
                }
            }
        }
    }

    /// One `$name` / `${name...}` expansion.
    fn parameter(&self, src: &str, out: &mut String, st: &mut ResolveState) {
        let inner = src
            .strip_prefix("${")
            .and_then(|s| s.strip_suffix('}'))
            .unwrap_or_else(|| src.strip_prefix('$').unwrap_or(src));
        let name_len = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .count();
        let (name, op) = inner.split_at(name_len);
        // Only the forms the Dockerfile expander knows are evaluated.
        let known_op = op.is_empty() || [":-", "-", ":+", "+"].iter().any(|o| op.starts_with(o));
        if name.is_empty() || !known_op {
            st.unknown = true;
            return;
        }
        if self.shadowed.contains(name) {
            st.unknown = true;
            return;
        }
        let has_default = op.starts_with(":-") || op.starts_with('-');
        if !self.vars.contains_key(name) && self.declared.contains(name) && !has_default {
            st.out_of_scope = true;
            return;
        }
        let unknown = Cell::new(false);
        let lookup = |n: &str| -> Option<String> {
            if self.shadowed.contains(n) {
                unknown.set(true);
                return None;
            }
            match self.vars.get(n) {
                Some(Some(v)) => Some(v.clone()),
                Some(None) => {
                    unknown.set(true);
                    None
                }
                // declared elsewhere: unset here
                None if self.declared.contains(n) => None,
                None => {
                    unknown.set(true);
                    None
                }
            }
        };
        let v = expand(src, '\\', &lookup);
        if unknown.get() {
            st.unknown = true;
        }
        out.push_str(&v);
    }
}

#[derive(Default)]
struct ResolveState {
    params: bool,
    /// Inside double quotes (depth).
    quoted: usize,
    /// An expansion outside double quotes (its value is split at whitespace).
    unquoted: bool,
    out_of_scope: bool,
    unknown: bool,
}

/// The variables of the stage being walked.
#[derive(Default, Clone)]
struct StageVars {
    args: HashMap<String, Option<String>>,
    env: HashMap<String, Option<String>>,
    /// `args` and `env` merged (`ENV` wins), made by the first `RUN` after a declaration
    /// and shared by the `RUN`s up to the next one.
    merged: Option<Rc<HashMap<String, Option<String>>>>,
}

impl StageVars {
    fn scope(&mut self, declared: &Rc<HashSet<String>>) -> Scope {
        let vars = self.merged.get_or_insert_with(|| {
            let mut vars = self.args.clone();
            vars.extend(self.env.iter().map(|(k, v)| (k.clone(), v.clone())));
            Rc::new(vars)
        });
        Scope {
            vars: vars.clone(),
            declared: declared.clone(),
            shadowed: HashSet::new(),
        }
    }

    fn set_arg(&mut self, name: &str, value: Option<String>) {
        self.args.insert(name.to_string(), value);
        self.merged = None;
    }

    fn set_env(&mut self, name: &str, value: Option<String>) {
        self.env.insert(name.to_string(), value);
        self.merged = None;
    }

    /// Expands an `ARG`/`ENV` value with the variables visible now; `None` if it uses a
    /// variable whose value is unknown.
    fn value(&self, v: &str, escape: char) -> Option<String> {
        let unknown = Cell::new(false);
        let lookup = |n: &str| match self.env.get(n).or_else(|| self.args.get(n)) {
            Some(Some(v)) => Some(v.clone()),
            _ => {
                unknown.set(true);
                None
            }
        };
        let out = expand(v, escape, &lookup);
        (!unknown.get()).then_some(out)
    }
}

/// The scope in force at each instruction of `instrs` (the file's top-level
/// instructions, in order): what the instruction sees, before its own declarations.
/// Only `RUN` instructions get their variables; the others an empty scope.
pub fn scopes(df: &Dockerfile, instrs: &[&Instruction]) -> Vec<Scope> {
    let mut names = HashSet::new();
    for i in instrs {
        match &i.args {
            Args::Arg(a) => names.extend(a.iter().map(|(k, _)| k.clone())),
            Args::Env(e) => names.extend(e.iter().map(|(k, _)| k.clone())),
            _ => {}
        }
    }
    let declared = Rc::new(names);
    let mut out = Vec::with_capacity(instrs.len());
    let mut global: HashMap<String, Option<String>> = HashMap::new();
    let mut in_stage = false;
    let mut cur = StageVars::default();
    let mut stage_name: Option<String> = None;
    let mut stage_env: HashMap<String, HashMap<String, Option<String>>> = HashMap::new();
    for i in instrs {
        out.push(match &i.args {
            Args::Run(_) => cur.scope(&declared),
            _ => Scope {
                declared: declared.clone(),
                ..Default::default()
            },
        });
        match &i.args {
            Args::From(f) => {
                if let Some(n) = stage_name.take() {
                    stage_env.insert(n, cur.env.clone());
                }
                let parent = df.resolved_image(f).name.to_ascii_lowercase();
                let env = stage_env.get(&parent).cloned().unwrap_or_default();
                if !in_stage {
                    global = cur.args.clone();
                }
                in_stage = true;
                cur = StageVars {
                    env,
                    ..Default::default()
                };
                stage_name = f.alias.as_ref().map(|a| a.to_ascii_lowercase());
            }
            Args::Arg(a) => {
                for (k, v) in a {
                    let val = match v {
                        Some(v) => cur.value(v, df.escape),
                        None if in_stage => global.get(k).cloned().flatten(),
                        None => None,
                    };
                    cur.set_arg(k, val);
                }
            }
            Args::Env(e) => {
                for (k, v) in e {
                    let val = cur.value(v, df.escape);
                    cur.set_env(k, val);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_scopes(src: &str) -> Vec<Scope> {
        let df = crate::parse(src).expect("parses");
        let instrs: Vec<&Instruction> = df.instructions.iter().collect();
        let s = scopes(&df, &instrs);
        instrs
            .iter()
            .zip(s)
            .filter(|(i, _)| matches!(i.args, Args::Run(_)))
            .map(|(_, s)| s)
            .collect()
    }

    fn val(s: &Scope, n: &str) -> Option<Option<String>> {
        s.get(n).cloned()
    }

    #[test]
    fn stage_scoping() {
        let s = run_scopes(
            "ARG G=1\nARG H\nFROM a AS build\nRUN x\nARG G\nARG V=2\nENV E=${V}-e\nRUN x\n\
             FROM build\nRUN x\nFROM other\nARG H\nRUN x\n",
        );
        // global ARGs are not visible in a stage without re-declaration
        assert_eq!(val(&s[0], "G"), None);
        // re-declared: takes the global default
        assert_eq!(val(&s[1], "G"), Some(Some("1".into())));
        assert_eq!(val(&s[1], "E"), Some(Some("2-e".into())));
        // child of `build`: ENV inherited, ARG not
        assert_eq!(val(&s[2], "E"), Some(Some("2-e".into())));
        assert_eq!(val(&s[2], "V"), None);
        // unrelated stage: nothing inherited; bare ARG without a global default
        assert_eq!(val(&s[3], "E"), None);
        assert_eq!(val(&s[3], "H"), Some(None));
    }

    #[test]
    fn declaration_order() {
        let s = run_scopes("FROM a\nRUN x\nARG V=1\nRUN x\n");
        assert_eq!(val(&s[0], "V"), None);
        assert_eq!(val(&s[1], "V"), Some(Some("1".into())));
    }

    #[test]
    fn before_first_from() {
        let s = run_scopes("ARG version=1.0-2\nRUN x\n");
        assert_eq!(val(&s[0], "version"), Some(Some("1.0-2".into())));
    }

    #[test]
    fn resolve_words() {
        let s =
            run_scopes("ARG A=9\nFROM a\nARG V=1.2\nARG U\nENV S=\"x=1 y\"\nRUN x\nENV LATE=1\n");
        let s = &s[0];
        assert_eq!(s.resolve("curl"), Resolved::Literal);
        assert_eq!(
            s.resolve("\"git-${V}\""),
            Resolved::Expanded(vec!["git-1.2".into()])
        );
        assert_eq!(
            s.resolve("git-$V"),
            Resolved::Expanded(vec!["git-1.2".into()])
        );
        // field splitting only for unquoted expansions
        assert_eq!(
            s.resolve("\"a == ${V}\""),
            Resolved::Expanded(vec!["a == 1.2".into()])
        );
        assert_eq!(
            s.resolve("${S}"),
            Resolved::Expanded(vec!["x=1".into(), "y".into()])
        );
        // global ARG not re-declared, ENV declared later: out of scope
        assert_eq!(s.resolve("git-${A}"), Resolved::OutOfScope);
        assert_eq!(s.resolve("git-${LATE}"), Resolved::OutOfScope);
        // a default applies when the variable is unset
        assert_eq!(
            s.resolve("git-${A:-3}"),
            Resolved::Expanded(vec!["git-3".into()])
        );
        // assigned by the RUN body itself: unknown
        let mut shadowing = s.clone();
        shadowing.shadowed.insert("V".into());
        assert_eq!(shadowing.resolve("git-${V}"), Resolved::Unknown);
        // declared nowhere, no value, command substitution: unknown
        assert_eq!(s.resolve("git-${NOPE}"), Resolved::Unknown);
        assert_eq!(s.resolve("git-${U}"), Resolved::Unknown);
        assert_eq!(s.resolve("git-$(date)"), Resolved::Unknown);
        // single quotes do not expand
        assert_eq!(s.resolve("'git-$V'"), Resolved::Literal);
    }
}
