use backlog::error::exit_code_for;
use clap::Parser;

fn main() {
    let cli = backlog::cli::Cli::parse();
    let code = match backlog::commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            exit_code_for(&error)
        }
    };
    std::process::exit(code);
}
