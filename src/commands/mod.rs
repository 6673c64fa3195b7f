//! One function per subcommand: turn parsed arguments into work and output.

mod check;
mod compare;
mod simulate;
mod validate;

use crate::cli::{Cli, Command};
use crate::error::{exit_code, InputError};

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Simulate(args) => simulate::run(args).map(|()| exit_code::OK),
        Command::Compare(args) => compare::run(args).map(|()| exit_code::OK),
        Command::Validate(args) => validate::run(args).map(|()| exit_code::OK),
        Command::Check(args) => check::run(args),
    }
}

/// Runs `work` on a pool of `jobs` threads (all cores when `None`).
pub fn with_jobs<T: Send>(
    jobs: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> anyhow::Result<T> {
    if jobs == Some(0) {
        return Err(InputError::argument("--jobs", "must be at least 1").into());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()?;
    Ok(pool.install(work))
}
