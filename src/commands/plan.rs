//! What the subcommands share before they run: the `--set` overrides, every size check, and the number of
//! threads the runs get.

use crate::budget::{Bound, Budget};
use crate::cli::RunOptions;
use crate::error::InputError;
use crate::format::thousands;
use crate::scenario::{Override, Scenario, SizeEstimate};
use crate::summary::Metrics;

/// The `--set` arguments, parsed (their keys are checked against the scenario when it is loaded).
/// A key given twice is refused: which of the two should hold is not for `backlog` to guess.
pub fn overrides(options: &crate::cli::SetOptions) -> Result<Vec<Override>, InputError> {
    let overrides: Vec<Override> = options
        .set
        .iter()
        .map(|argument| Override::parse("--set", argument))
        .collect::<Result<_, _>>()?;
    for (i, later) in overrides.iter().enumerate() {
        if let Some(earlier) = overrides[..i].iter().find(|o| o.key == later.key) {
            return Err(InputError::argument(
                "--set",
                format!(
                    "`{}` is given twice ({}={} and {}={}); give each key once",
                    later.key, earlier.key, earlier.value, later.key, later.value
                ),
            ));
        }
    }
    Ok(overrides)
}

/// `--draws` needs an input given as a range.
pub fn require_ranges(
    space: &crate::scenario::ranges::Space,
    scenario: &std::path::Path,
) -> Result<(), InputError> {
    if space.is_empty() {
        return Err(InputError::argument(
            "--draws",
            format!(
                "{} gives no input as a range; write one as {{ low = 0.4, high = 0.8 }} (docs/scenario.md)",
                scenario.display()
            ),
        ));
    }
    Ok(())
}

/// The points an ensemble runs: the plausible set `plausible` (checked to be fresh against the scenario it was
/// calibrated on; the first `draws` sets when given), else `draws` points of a Latin hypercube; `None` without
/// either.
pub fn design(
    space: &crate::scenario::ranges::Space,
    seed: u64,
    draws: Option<u32>,
    plausible: Option<&std::path::Path>,
) -> anyhow::Result<Option<Vec<Vec<f64>>>> {
    let Some(path) = plausible else {
        return Ok(
            draws.map(|n| crate::scenario::ranges::design::latin_hypercube(seed, n, space.len()))
        );
    };
    let set = plausible_set(path)?;
    Ok(Some(set.points(path, space, seed, draws)?))
}

/// The plausible set at `path`, read and checked to be fresh against the scenario it was calibrated on (as that
/// scenario is now, with the `--set` overrides it was calibrated with), and to hold at least one set.
pub fn plausible_set(path: &std::path::Path) -> anyhow::Result<crate::calibrate::Plausible> {
    use crate::scenario::ranges::Space;
    let set = crate::calibrate::Plausible::read(path)?;
    let calibrated = std::path::Path::new(&set.scenario);
    let overrides = set
        .set
        .iter()
        .map(|argument| Override::parse("--set", argument))
        .collect::<Result<Vec<_>, _>>()?;
    let calibrated_space = Space::of(&crate::scenario::Base::read(calibrated)?, &overrides)?;
    set.check_fresh(path, &calibrated_space.build_central()?, &calibrated_space)?;
    if set.sets.is_empty() {
        return Err(InputError::file(
            path,
            "holds no plausible set: no draw agreed with every calibration target",
        )
        .into());
    }
    Ok(set)
}

/// Runs `work` on a pool of `threads` threads (see [`plan`]).
pub fn with_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> anyhow::Result<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()?;
    let result = pool.install(work);
    crate::progress::announced_finish();
    Ok(result)
}

/// Every size check for a scenario about to be simulated (the scenario limits and the memory `budget`), with
/// the scenario file named in the message.
pub fn estimate(scenario: &Scenario, budget: &Budget) -> anyhow::Result<SizeEstimate> {
    SizeEstimate::check_run(scenario, budget)
        .map_err(|message| InputError::file(&scenario.file, message).into())
}

/// What a command keeps in memory across its runs, beyond each run's own peak: every replication's summaries,
/// the series it writes or charts, the daily bands' levels of every replication. Counted from the sizes of the
/// stored types, so that the estimate stays an upper bound when they change.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    /// What is kept and its bytes, for the message.
    parts: Vec<(String, f64)>,
}

impl Kept {
    /// Adds `bytes` kept for `what`.
    pub fn add(&mut self, what: impl Into<String>, bytes: f64) {
        self.parts.push((what.into(), bytes));
    }

    /// Adds `count` values of `T`, kept for `what`.
    pub fn add_values<T>(&mut self, what: impl Into<String>, count: f64) {
        self.add(what, count * std::mem::size_of::<T>() as f64);
    }

    pub fn bytes(&self) -> f64 {
        self.parts.iter().map(|(_, bytes)| bytes).sum()
    }

    /// The parts, for a message: `the summaries of 10,000 runs 2.7 GB, the daily bands 17.2 GB`.
    fn describe(&self) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .filter(|(_, bytes)| *bytes > 0.0)
            .map(|(what, bytes)| format!("{what} {}", crate::format::bytes(*bytes)))
            .collect();
        parts.join(", ")
    }
}

/// The runs a command is about to start, for [`plan_work`].
#[derive(Debug, Clone, Default)]
pub struct Work {
    pub runs: u64,
    /// Estimated seconds of all runs on one thread.
    pub seconds: f64,
    /// The largest estimated peak memory of one run, in bytes.
    pub largest_memory: f64,
    /// What the runs' summaries, kept until all are done, and whatever else the command keeps need.
    pub kept: Kept,
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
/// The command may keep one series of each scenario (see [`plan_keeping`]).
pub fn plan(
    label: &'static str,
    scenarios: &[(&Scenario, u64)],
    options: &RunOptions,
) -> anyhow::Result<usize> {
    let mut kept = Kept::default();
    let series = scenarios
        .iter()
        .map(|(scenario, _)| SizeEstimate::of_scenario(scenario).series)
        .sum();
    kept.add("the daily series kept", series);
    plan_keeping(label, scenarios, kept, options)
}

/// [`plan`] for a command that keeps `kept` across its runs besides each replication's summaries (one per
/// municipality, per group and in all), which every command keeps until its runs are done.
pub fn plan_keeping(
    label: &'static str,
    scenarios: &[(&Scenario, u64)],
    mut kept: Kept,
    options: &RunOptions,
) -> anyhow::Result<usize> {
    let budget = Budget::of(options.max_memory);
    let mut work = Work::default();
    let mut summaries = 0.0;
    for (scenario, runs) in scenarios {
        work.add(&estimate(scenario, &budget)?, *runs);
        let entities = scenario.municipalities.len() + scenario.groups.len() + 1;
        summaries += *runs as f64 * entities as f64;
    }
    let mut every = Kept::default();
    // Each replication's summaries, and the values of one metric over the replications while they are
    // aggregated.
    every.add_values::<Metrics>(
        format!("the summaries of {} runs", thousands(work.runs as f64)),
        summaries + work.runs as f64,
    );
    every.parts.append(&mut kept.parts);
    work.kept = every;
    let threads = plan_work(&work, Jobs::of(options)?, &budget).map_err(|message| {
        InputError::file(
            scenarios
                .first()
                .map_or(std::path::Path::new("-"), |(s, _)| &s.file),
            message,
        )
    })?;
    // Shown once the runs have taken a second (see crate::progress).
    crate::progress::announce(label, work.runs);
    Ok(threads)
}

/// Whether `work` on `threads` threads is estimated to take over a minute.
fn is_long(work: &Work, threads: usize) -> bool {
    wall_seconds(work, threads) > 60.0
}

fn wall_seconds(work: &Work, threads: usize) -> f64 {
    work.seconds / threads.min(work.runs.max(1) as usize).max(1) as f64
}

/// `--jobs`, checked (once, where a command reads its arguments): at least 1 when given.
#[derive(Debug, Clone, Copy)]
pub struct Jobs(Option<usize>);

impl Jobs {
    pub fn of(options: &RunOptions) -> Result<Jobs, InputError> {
        match options.jobs {
            Some(0) => Err(InputError::argument("--jobs", "must be at least 1")),
            jobs => Ok(Jobs(jobs)),
        }
    }
}

/// The number of threads for `work`: `--jobs`, at most the available parallelism, and at most as many runs
/// at once as fit in the memory `budget` beside what the command keeps. Work estimated to take over a minute is
/// announced. Refuses work whose one run does not fit beside what is kept.
pub fn plan_work(work: &Work, jobs: Jobs, budget: &Budget) -> Result<usize, String> {
    let kept = work.kept.bytes();
    let per_thread = work.largest_memory + budget.per_thread();
    if kept + per_thread > budget.bytes {
        return Err(format!(
            "the runs would need about {} of memory: {} for one run at a time and {} kept over the runs ({}), more than {}; {}, or run fewer replications or write fewer daily figures (--daily, --period, no --daily-bands)",
            crate::format::bytes(kept + work.largest_memory),
            crate::format::bytes(work.largest_memory),
            crate::format::bytes(kept),
            work.kept.describe(),
            budget.describe(),
            budget.remedy(),
        ));
    }
    let mut threads = threads(jobs);
    let fit = ((budget.bytes - kept) / per_thread.max(1.0)).floor() as usize;
    if fit < threads.min(work.runs as usize) {
        let within = match budget.bound {
            Bound::MaxMemory => format!("--max-memory {}", crate::format::bytes(budget.limit)),
            _ => budget.describe(),
        };
        crate::streams::note(&format!(
            "note: using {} thread{} so that the runs in parallel stay within {within} (each needs about {})",
            fit.max(1),
            if fit <= 1 { "" } else { "s" },
            crate::format::bytes(work.largest_memory)
        ));
        threads = fit.max(1);
    }
    if is_long(work, threads) {
        crate::streams::note(&format!(
            "note: {} run{} on {threads} thread{}, estimated at about {}; progress follows",
            work.runs,
            if work.runs == 1 { "" } else { "s" },
            if threads == 1 { "" } else { "s" },
            crate::format::duration(wall_seconds(work, threads))
        ));
    }
    Ok(threads)
}

/// The number of worker threads for `--jobs`: at least 1, at most the available parallelism.
fn threads(Jobs(jobs): Jobs) -> usize {
    let available = std::thread::available_parallelism().map_or(1, |n| n.get());
    match jobs {
        None => available,
        Some(jobs) if jobs > available => {
            crate::streams::note(&format!(
                "note: --jobs {jobs} is more than the {available} threads this machine runs at once; using {available}"
            ));
            available
        }
        Some(jobs) => jobs,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn work(runs: u64, seconds: f64) -> Work {
        Work {
            runs,
            seconds,
            ..Work::default()
        }
    }

    /// The note is due when the runs' seconds, shared among the threads that can take them at once, pass a
    /// minute: one long run is not shortened by threads it cannot use.
    #[test]
    fn work_is_long_when_its_share_per_thread_passes_a_minute() {
        assert!(is_long(&work(1, 100.0), 2));
        assert!(!is_long(&work(1, 59.0), 1));
        assert!(!is_long(&work(4, 100.0), 2));
        assert!(is_long(&work(4, 100.0), 1));
        assert!(is_long(&work(2, 130.0), 8));
        assert!(!is_long(&work(0, 0.0), 2));
    }
}
