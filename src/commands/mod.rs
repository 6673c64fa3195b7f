//! One function per subcommand: turn parsed arguments into work and output.

mod check;
mod compare;
mod merge;
pub mod output;
mod simulate;
mod sweep;
mod validate;

use crate::cli::{Cli, Command};
use crate::error::{exit_code, InputError};
pub use output::{one_on_stdout, Output, Transaction};

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Simulate(args) => simulate::run(args).map(|()| exit_code::OK),
        Command::Compare(args) => compare::run(args).map(|()| exit_code::OK),
        Command::Validate(args) => validate::run(args).map(|()| exit_code::OK),
        Command::Check(args) => check::run(args),
        Command::Sweep(args) => sweep::run(args).map(|()| exit_code::OK),
        Command::Merge(args) => merge::run(args).map(|()| exit_code::OK),
    }
}

/// Runs `work` on a pool of `jobs` threads (all cores when `None`). More threads than cores only slow a run
/// down (and tens of thousands of them exhaust the system), so `--jobs` is capped at the available
/// parallelism, with a note.
pub fn with_jobs<T: Send>(
    jobs: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> anyhow::Result<T> {
    let threads = threads(jobs)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    Ok(pool.install(work))
}

/// The number of worker threads for `--jobs`: at least 1, at most the available parallelism.
pub fn threads(jobs: Option<usize>) -> anyhow::Result<usize> {
    let available = std::thread::available_parallelism().map_or(1, |n| n.get());
    match jobs {
        Some(0) => Err(InputError::argument("--jobs", "must be at least 1").into()),
        None => Ok(available),
        Some(jobs) if jobs > available => {
            crate::streams::note(&format!(
                "note: --jobs {jobs} is more than the {available} threads this machine runs at once; using {available}"
            ));
            Ok(available)
        }
        Some(jobs) => Ok(jobs),
    }
}
