//! Prints the parsed instructions, shell commands and findings of a Dockerfile.
fn main() {
    let path = std::env::args().nth(1).expect("usage: dump FILE");
    let src = std::fs::read_to_string(&path).expect("read");
    match sekisho_dockerfile::parse(&src) {
        Ok(df) => {
            for i in &df.instructions {
                if let sekisho_dockerfile::parser::Args::Run(r) = &i.args {
                    let sh = sekisho_dockerfile::shell::parse_shell(&r.script);
                    println!(
                        "{} RUN parsed={} pipes={}",
                        i.span.line, sh.parsed, sh.has_pipes
                    );
                    for c in &sh.commands {
                        println!("    {} {:?}", c.name, c.args);
                    }
                }
            }
        }
        Err(e) => println!("parse error: {e}"),
    }
    for f in sekisho_dockerfile::lint(&src) {
        println!("{}:{} {} {}", f.line, f.column, f.code, f.message);
    }
}
