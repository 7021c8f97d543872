#![no_main]
//! Hostile ARG expansion and nesting: the input drives a Dockerfile of ARG lines whose values
//! reference earlier ARGs (plain, braced, `:-`/`-`/`:+`/`+` forms nested inside each other, so
//! values can double per line), followed by RUN bodies nested by the input (subshells, `$(`,
//! backquotes, braces, quotes). Parsing and linting must not panic, overflow the stack or
//! allocate without bound (libFuzzer's -rss_limit_mb and -timeout catch those); every direct
//! expansion stays within `MAX_EXPANSION`.

use libfuzzer_sys::fuzz_target;
use sekisho_dockerfile::parser::{expand, MAX_EXPANSION};

/// One variable reference to `name`, its form and nesting chosen by `b`.
fn reference(name: &str, b: u8, inner: &str) -> String {
    match b % 8 {
        0 => format!("${name}"),
        1 => format!("${{{name}}}"),
        2 => format!("${{{name}:-{inner}}}"),
        3 => format!("${{{name}-{inner}}}"),
        4 => format!("${{{name}:+{inner}}}"),
        5 => format!("${{{name}+{inner}}}"),
        6 => format!("\\${name}"),
        _ => format!("${{UNSET_{name}:-{inner}}}"),
    }
}

fn nest(depth: usize, kind: u8, core: &str) -> String {
    let (open, close) = match kind % 6 {
        0 => ("(", ")"),
        1 => ("$(", ")"),
        2 => ("{ ", "; }"),
        3 => ("\"$(", ")\""),
        4 => ("`", "`"),
        _ => ("$((", "))"),
    };
    let mut s = String::with_capacity(depth * (open.len() + close.len()) + core.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(core);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (ctl, rest) = data.split_at(data.len().min(64));
    let mut df = String::from("FROM scratch\nARG V0=");
    df.push_str(&String::from_utf8_lossy(&rest[..rest.len().min(32)]).replace('\n', " "));
    df.push('\n');
    // ARG lines: each value references earlier variables, twice per line at most.
    for (i, &b) in ctl.iter().enumerate() {
        let a = format!("V{}", (b as usize) % (i + 1));
        let c = format!("V{}", (b as usize / 7) % (i + 1));
        let inner = reference(&c, b.rotate_left(3), &reference(&a, b >> 4, "x"));
        df.push_str(&format!(
            "ARG V{}={}{}\n",
            i + 1,
            reference(&a, b, &inner),
            reference(&c, b >> 3, "")
        ));
    }
    // Nesting: depth from the input, up to a few thousand levels.
    let depth = (u16::from(ctl[0]) << 8 | u16::from(ctl[1])) as usize % 5000;
    let last = ctl.len();
    df.push_str(&format!(
        "RUN {}\n",
        nest(depth, ctl[0], &format!("echo ${{V{last}}}"))
    ));
    df.push_str(&format!("ENV E=${{V{last}}}\nLABEL l=${{V{last}:-d}}\n"));
    let _ = sekisho_dockerfile::parse(&df);
    let _ = sekisho_dockerfile::lint(&df);

    // Direct expansion of the input against variables that double on each lookup.
    if let Ok(s) = std::str::from_utf8(rest) {
        let lookup = |name: &str| -> Option<String> {
            let n = name.len().min(20);
            Some("ab".repeat(1 << n.min(14)))
        };
        let out = expand(s, '\\', &lookup);
        assert!(
            out.len() <= MAX_EXPANSION,
            "expansion of {} bytes",
            out.len()
        );
    }
});
