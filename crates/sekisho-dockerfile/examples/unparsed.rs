//! Lists RUN bodies brush-parser rejects (for checking parser coverage).
fn main() {
    for path in std::env::args().skip(1) {
        let Ok(src) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(df) = sekisho_dockerfile::parse(&src) else {
            continue;
        };
        for i in &df.instructions {
            let r = match &i.args {
                sekisho_dockerfile::parser::Args::Run(r) => r,
                _ => continue,
            };
            let sh = sekisho_dockerfile::shell::parse_shell(&r.script);
            if !sh.parsed {
                let first: String = r.script.chars().take(100).collect();
                println!("{path}:{} {}", i.span.line, first.replace('\n', " "));
            }
        }
    }
}
