//! Standalone `sekisho dockerfile` for benchmarking and manual use:
//! `cargo run --release -p sekisho-dockerfile --example lint -- FILE...`.

use clap::Parser;

#[derive(Parser)]
#[command(name = "sekisho-dockerfile", about = "Lint Dockerfiles")]
struct Cli {
    #[command(flatten)]
    args: sekisho_dockerfile::cli::LintArgs,
}

fn main() {
    let cli = Cli::parse();
    match sekisho_dockerfile::cli::run(&cli.args) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
