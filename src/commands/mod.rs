//! One function per subcommand: turn parsed arguments into work and output.

mod check;
pub mod compare;
mod merge;
mod report;
mod simulate;
mod sweep;
mod validate;

use crate::cli::{Cli, Command};
use crate::error::{exit_code, InputError};
use crate::scenario::Override;
use std::io::Write;
use std::path::Path;

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Simulate(args) => simulate::run(args).map(|()| exit_code::OK),
        Command::Compare(args) => compare::run(args).map(|()| exit_code::OK),
        Command::Validate(args) => validate::run(args).map(|()| exit_code::OK),
        Command::Check(args) => check::run(args),
        Command::Report(args) => report::run(args).map(|()| exit_code::OK),
        Command::Sweep(args) => sweep::run(args).map(|()| exit_code::OK),
        Command::Merge(args) => merge::run(args).map(|()| exit_code::OK),
    }
}

/// The `--set` arguments, parsed (their keys are checked against the scenario when it is loaded).
pub fn overrides(options: &crate::cli::SetOptions) -> Result<Vec<Override>, InputError> {
    options
        .set
        .iter()
        .map(|argument| Override::parse("--set", argument))
        .collect()
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

/// Writes an output to a file atomically, or to stdout for `-`.
pub fn write_output(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    if path == Path::new("-") {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        write(&mut out).and_then(|()| out.flush())?;
        Ok(())
    } else {
        crate::report::write_atomically(path, write)
    }
}

/// Fails now, not after the long work, when an output file cannot be created (`-`, stdout, always can).
pub fn check_output(path: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    if path == Path::new("-") {
        return Ok(());
    }
    // A device or a pipe is written in place (see report::write_atomically); opening it is the only check.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return Ok(());
    }
    if path.is_dir() {
        return Err(anyhow::anyhow!(
            "cannot write {}: it is a directory",
            path.display()
        ));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tempfile::tempfile_in(dir).with_context(|| {
        format!(
            "cannot write {}: directory {} is not writable",
            path.display(),
            dir.display()
        )
    })?;
    Ok(())
}

/// The indices of the municipalities with these codes, in the order given; an unknown code is bad input.
pub fn municipality_indices(
    scenario: &crate::scenario::Scenario,
    codes: &[u32],
) -> anyhow::Result<Vec<usize>> {
    codes
        .iter()
        .map(|&code| {
            scenario.municipality_index(code).ok_or_else(|| {
                InputError::argument(
                    "--plot-municipality",
                    format!(
                        "no municipality with code {code} in {} ({})",
                        scenario.name,
                        scenario.file.display()
                    ),
                )
                .into()
            })
        })
        .collect()
}
