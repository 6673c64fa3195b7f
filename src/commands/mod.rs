//! One function per subcommand: turn parsed arguments into work and output.

mod check;
pub mod compare;
mod merge;
pub mod output;
mod report;
pub mod sensitivity;
mod simulate;
mod sweep;
mod validate;

use crate::cli::{Cli, Command, RunOptions};
use crate::error::{exit_code, InputError};
use crate::scenario::{Override, Scenario, SizeEstimate};
pub use output::{one_on_stdout, Output, Transaction};

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
        Command::Merge(args) => merge::run(args).map(|()| exit_code::OK),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
            stdout.write(|out| {
                clap_complete::generate(args.shell, &mut command, "backlog", out);
                Ok(())
            })?;
            Ok(exit_code::OK)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            let stdout = Output::file("stdout", std::path::Path::new("-"), &[])?;
            stdout.write(|out| clap_mangen::Man::new(command).render(out))?;
            Ok(exit_code::OK)
        }
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

/// Runs `work` on a pool of `threads` threads (see [`plan`]).
pub fn with_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> anyhow::Result<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()?;
    let result = pool.install(work);
    crate::sweep::progress::announced_finish();
    Ok(result)
}

/// Every size check for a scenario about to be simulated (the scenario limits and `--max-memory`), with the
/// scenario file named in the message.
pub fn estimate(scenario: &Scenario, options: &RunOptions) -> anyhow::Result<SizeEstimate> {
    SizeEstimate::check_run(scenario, options.max_memory)
        .map_err(|message| InputError::file(&scenario.file, message).into())
}

/// The runs a command is about to start, for [`plan_work`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Work {
    pub runs: u64,
    /// Estimated seconds of all runs on one thread.
    pub seconds: f64,
    /// The largest estimated peak memory of one run, in bytes.
    pub largest_memory: f64,
}

impl Work {
    pub fn add(&mut self, estimate: &SizeEstimate, runs: u64) {
        self.runs += runs;
        self.seconds += estimate.seconds() * runs as f64;
        self.largest_memory = self.largest_memory.max(estimate.memory);
    }
}

/// Picks the number of threads for runs of `scenarios` (each checked with [`estimate`]; `runs` of each), and
/// shows their progress under `label` once they have taken a second.
pub fn plan(
    label: &'static str,
    scenarios: &[(&Scenario, u64)],
    options: &RunOptions,
) -> anyhow::Result<usize> {
    let mut work = Work::default();
    for (scenario, runs) in scenarios {
        work.add(&estimate(scenario, options)?, *runs);
    }
    let threads = plan_work(&work, options)?;
    // Shown once the runs have taken a second (see sweep::progress).
    crate::sweep::progress::announce(label, work.runs);
    Ok(threads)
}

/// Whether `work` on `threads` threads is estimated to take over a minute.
fn is_long(work: &Work, threads: usize) -> bool {
    wall_seconds(work, threads) > 60.0
}

fn wall_seconds(work: &Work, threads: usize) -> f64 {
    work.seconds / threads.min(work.runs.max(1) as usize).max(1) as f64
}

/// The number of threads for `work`: `--jobs`, at most the available parallelism, and at most as many runs
/// at once as fit in `--max-memory`. Work estimated to take over a minute is announced.
pub fn plan_work(work: &Work, options: &RunOptions) -> anyhow::Result<usize> {
    let mut threads = threads(options.jobs)?;
    let fit = (options.max_memory as f64 / work.largest_memory.max(1.0)).floor() as usize;
    if fit < threads.min(work.runs as usize) {
        crate::streams::note(&format!(
            "note: using {} thread{} so that the runs in parallel stay within --max-memory {} (each needs about {})",
            fit.max(1),
            if fit <= 1 { "" } else { "s" },
            crate::scenario::bytes(options.max_memory as f64),
            crate::scenario::bytes(work.largest_memory)
        ));
        threads = fit.max(1);
    }
    if is_long(work, threads) {
        crate::streams::note(&format!(
            "note: {} run{} on {threads} thread{}, estimated at about {}; progress follows",
            work.runs,
            if work.runs == 1 { "" } else { "s" },
            if threads == 1 { "" } else { "s" },
            duration(wall_seconds(work, threads))
        ));
    }
    Ok(threads)
}

/// A duration for people: `3 minutes`, `2.5 hours`.
fn duration(seconds: f64) -> String {
    if seconds < 5400.0 {
        format!("{:.0} minutes", (seconds / 60.0).ceil())
    } else {
        format!("{:.1} hours", seconds / 3600.0)
    }
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
