//! One function per subcommand: turn parsed arguments into work and output. [`plan`] holds what they share
//! (the `--set` overrides, size checks and the number of threads); this module only dispatches.

mod allocate;
mod calibrate;
mod check;
mod compare;
mod man;
mod merge;
pub mod plan;
mod report;
pub mod sensitivity;
mod simulate;
mod sweep;
mod validate;

use crate::cli::{Cli, Command};
use crate::error::exit_code;
use crate::output::Output;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    let quiet = cli.quiet;
    crate::streams::set_quiet(quiet);
    match cli.command {
        Command::Simulate(args) => simulate::run(args, quiet).map(|()| exit_code::OK),
        Command::Compare(args) => compare::run(args, quiet).map(|()| exit_code::OK),
        Command::Validate(args) => validate::run(args, quiet).map(|()| exit_code::OK),
        Command::Check(args) => check::run(args, quiet),
        Command::Report(args) => report::run(args, quiet).map(|()| exit_code::OK),
        Command::Sweep(args) => sweep::run(args).map(|()| exit_code::OK),
        Command::Sensitivity(args) => sensitivity::run(args, quiet).map(|()| exit_code::OK),
        Command::Calibrate(args) => calibrate::run(args, quiet).map(|()| exit_code::OK),
        Command::Allocate(args) => allocate::run(args, quiet).map(|()| exit_code::OK),
        Command::Merge(args) => merge::run(args, quiet).map(|()| exit_code::OK),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
            stdout.write(|out| {
                clap_complete::generate(args.shell, &mut command, "backlog", out);
                Ok(())
            })?;
            Ok(exit_code::OK)
        }
        Command::Man(args) => man::run(args, quiet).map(|()| exit_code::OK),
    }
}
