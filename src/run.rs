//! Running a scenario: replications in parallel, summaries per replication, results in replication order.
//!
//! Replication `r` always uses the seed [`replication_seed`]`(seed, r)` and the results are collected in order,
//! so the output is the same whatever the number of threads.

use crate::engine::metrics::Series;
use crate::engine::{replication_seed, Simulation};
use crate::scenario::Scenario;
use crate::signals::{self, Interrupted};
use crate::summary::{aggregate, summarise, Aggregate, GroupSet, Metrics, Selection};
use rayon::prelude::*;

/// Runs replications `0..reps` of `scenario` with base seed `seed` and maps each finished series through `f`,
/// in parallel on the current rayon pool; results come back in replication order. After SIGINT or SIGTERM no
/// further replication starts, and the result is `Err`.
pub fn replicate<T, F>(
    scenario: &Scenario,
    seed: u64,
    reps: u32,
    f: F,
) -> Result<Vec<T>, Interrupted>
where
    T: Send,
    F: Fn(u32, Series) -> T + Sync + Send,
{
    (0..reps)
        .into_par_iter()
        .map(|r| {
            signals::check()?;
            let series = Simulation::new(scenario, replication_seed(seed, r)).run();
            // A run stopped by a signal is cut short: never summarised.
            signals::check()?;
            crate::sweep::progress::announced_run_done();
            Ok(f(r, series))
        })
        .collect()
}

/// The summaries of one replication: total, per municipality and per group.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub total: Metrics,
    pub municipalities: Vec<Metrics>,
    pub groups: Vec<Metrics>,
}

impl RunSummary {
    pub fn of(scenario: &Scenario, series: &Series) -> Self {
        let whole = Selection::whole(series);
        RunSummary {
            total: summarise(scenario, series, whole),
            municipalities: (0..series.municipalities)
                .map(|m| {
                    summarise(
                        scenario,
                        series,
                        Selection {
                            municipality: Some(m),
                            ..whole
                        },
                    )
                })
                .collect(),
            groups: (0..series.groups)
                .map(|g| {
                    summarise(
                        scenario,
                        series,
                        Selection {
                            groups: GroupSet::one(g),
                            ..whole
                        },
                    )
                })
                .collect(),
        }
    }
}

/// The outcome of `simulate`: aggregates over replications and the series of replication 0.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub seed: u64,
    pub replications: u32,
    pub total: Aggregate,
    pub municipalities: Vec<Aggregate>,
    pub groups: Vec<Aggregate>,
    /// Replication 0 (whose seed is the scenario's seed), kept when asked for.
    pub first: Option<Series>,
}

/// Runs `reps` replications and aggregates them; keeps the series of replication 0 if `keep_series`.
pub fn simulate(
    scenario: &Scenario,
    seed: u64,
    reps: u32,
    keep_series: bool,
) -> Result<Outcome, Interrupted> {
    let mut runs = replicate(scenario, seed, reps, |r, series| {
        let summary = RunSummary::of(scenario, &series);
        (summary, (r == 0 && keep_series).then_some(series))
    })?;
    let first = runs.first_mut().and_then(|(_, series)| series.take());
    let summaries: Vec<RunSummary> = runs.into_iter().map(|(s, _)| s).collect();
    let collect = |pick: &dyn Fn(&RunSummary) -> Metrics| {
        aggregate(&summaries.iter().map(pick).collect::<Vec<_>>())
    };
    Ok(Outcome {
        seed,
        replications: reps,
        total: collect(&|s| s.total.clone()),
        municipalities: (0..scenario.municipalities.len())
            .map(|m| collect(&|s| s.municipalities[m].clone()))
            .collect(),
        groups: (0..scenario.groups.len())
            .map(|g| collect(&|s| s.groups[g].clone()))
            .collect(),
        first,
    })
}
