//! Ensembles: `--draws N` scenarios drawn from the ranged inputs, each run `--reps` times.
//!
//! Replication `r` of every draw uses the seed `replication_seed(seed, r)`, the same dice for every draw
//! (common random numbers), so two draws differ by their inputs only. Every (draw, replication) run is one task
//! of the rayon pool and the results are collected in draw-then-replication order, so the output is the same
//! for any number of threads.
//!
//! The bands of an ensemble are predictive: percentiles over all draws and replications together, what the
//! inputs' ranges and the dice give jointly. Beside them stays the dice-only band: the band over replications
//! at the central values, which is exactly what the same command prints without `--draws`. (The other
//! candidate, the mean over draws of each draw's own band, mixes the draws' shifts of location into a band that
//! claims to be the dice's; the band at the central values does not, and the reader can reproduce it.)

use crate::engine::metrics::Series;
use crate::engine::{replication_seed, Simulation};
use crate::error::InputError;
use crate::run::{self, Outcome, RunSummary, View};
use crate::scenario::ranges::Space;
use crate::scenario::Scenario;
use crate::signals::{self, Interrupted};
use crate::summary::{aggregate, Aggregate, Metrics};
use rayon::prelude::*;

/// The draws of an ensemble: where they sit in the unit cube and the scenarios built there.
pub struct Draws {
    pub points: Vec<Vec<f64>>,
    pub scenarios: Vec<Scenario>,
}

impl Draws {
    /// `draws` points of a Latin hypercube seeded by `seed`, and the scenario at each (built in parallel,
    /// collected in order).
    pub fn new(space: &Space, seed: u64, draws: u32) -> Result<Draws, InputError> {
        let points = crate::scenario::ranges::design::latin_hypercube(seed, draws, space.len());
        Draws::at(space, points)
    }

    /// The scenarios at the given points (from a plausible set), built in parallel, collected in order.
    pub fn at(space: &Space, points: Vec<Vec<f64>>) -> Result<Draws, InputError> {
        let scenarios = points
            .par_iter()
            .map(|point| space.build_at(point))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Draws { points, scenarios })
    }
}

/// What an ensemble gives: the outcome over all runs (predictive bands, with the dice-only bands of `dice`
/// beside them) and each draw's total, the mean over its replications.
pub struct Ensemble {
    pub outcome: Outcome,
    pub draw_totals: Vec<Metrics>,
}

/// Runs every draw `reps` times and aggregates all runs; `dice` is the outcome at the central values (its
/// bands are kept beside the predictive ones, its kept series is the ensemble's). `codes` are the
/// municipalities shown (`--municipality`).
pub fn run(
    draws: &Draws,
    codes: &[u32],
    seed: u64,
    reps: u32,
    dice: Outcome,
) -> Result<Result<Ensemble, InputError>, Interrupted> {
    Ok(run_and(draws, codes, seed, reps, dice, |_, _| ())?.map(|(ensemble, _)| ensemble))
}

/// [`run`], and `also` of every run's series and summary (of the municipalities shown), in draw-then-replication
/// order: what else a caller keeps of each run (the daily backlog of the report's fan chart, the totals
/// `compare` pairs) without running it twice.
pub fn run_and<T, F>(
    draws: &Draws,
    codes: &[u32],
    seed: u64,
    reps: u32,
    dice: Outcome,
    also: F,
) -> Result<Result<(Ensemble, Vec<T>), InputError>, Interrupted>
where
    T: Send,
    F: Fn(&Series, &RunSummary) -> T + Sync + Send,
{
    let views = match views(draws, codes) {
        Ok(views) => views,
        Err(error) => return Ok(Err(error)),
    };
    let every: Vec<usize> = (0..draws.scenarios.len()).collect();
    let (runs, extras): (Vec<RunSummary>, Vec<T>) =
        run_draws(draws, &views, &every, seed, reps, also)?
            .into_iter()
            .unzip();
    Ok(Ok((
        assembled(draws, &views, seed, reps, dice, runs),
        extras,
    )))
}

/// The summaries of draws `which` (indices of `draws`, in that order), each run `reps` times, in
/// draw-then-replication order: what a shard of an ensemble runs.
pub fn summaries(
    draws: &Draws,
    codes: &[u32],
    which: &[usize],
    seed: u64,
    reps: u32,
) -> Result<Result<Vec<RunSummary>, InputError>, Interrupted> {
    let views = match views(draws, codes) {
        Ok(views) => views,
        Err(error) => return Ok(Err(error)),
    };
    let runs = run_draws(draws, &views, which, seed, reps, |_, _| ())?;
    Ok(Ok(runs.into_iter().map(|(summary, ())| summary).collect()))
}

/// The ensemble of every draw's `reps` summaries, `runs` in draw-then-replication order (from [`summaries`] of
/// all draws, or of shards put back in order): what [`run`] gives.
pub fn assemble(
    draws: &Draws,
    codes: &[u32],
    seed: u64,
    reps: u32,
    dice: Outcome,
    runs: Vec<RunSummary>,
) -> Result<Ensemble, InputError> {
    let views = views(draws, codes)?;
    Ok(assembled(draws, &views, seed, reps, dice, runs))
}

/// The municipalities shown of each draw's scenario (`None`: all of them).
fn views(draws: &Draws, codes: &[u32]) -> Result<Vec<Option<View>>, InputError> {
    draws.scenarios.iter().map(|s| View::of(s, codes)).collect()
}

/// Runs draws `which`, each `reps` times, as one task per (draw, replication) of the rayon pool, collected in
/// order, with `also` of each run's series and summary.
fn run_draws<T, F>(
    draws: &Draws,
    views: &[Option<View>],
    which: &[usize],
    seed: u64,
    reps: u32,
    also: F,
) -> Result<Vec<(RunSummary, T)>, Interrupted>
where
    T: Send,
    F: Fn(&Series, &RunSummary) -> T + Sync + Send,
{
    let count = which.len() * reps as usize;
    (0..count)
        .into_par_iter()
        .map(|k| {
            let (d, r) = (which[k / reps as usize], k as u32 % reps);
            signals::check()?;
            let scenario = &draws.scenarios[d];
            let series = Simulation::new(scenario, replication_seed(seed, r)).run()?;
            crate::progress::announced_run_done();
            Ok(match &views[d] {
                Some(view) => {
                    let shown = run::select_municipalities(&series, &view.indices);
                    let summary = RunSummary::of(&view.scenario, &shown);
                    let extra = also(&shown, &summary);
                    (summary, extra)
                }
                None => {
                    let summary = RunSummary::of(scenario, &series);
                    let extra = also(&series, &summary);
                    (summary, extra)
                }
            })
        })
        .collect()
}

/// The ensemble of all draws' runs (draw-then-replication order) beside the dice-only outcome `dice`.
fn assembled(
    draws: &Draws,
    views: &[Option<View>],
    seed: u64,
    reps: u32,
    dice: Outcome,
    runs: Vec<RunSummary>,
) -> Ensemble {
    let collect = |pick: &dyn Fn(&RunSummary) -> Metrics, dice: &Aggregate| {
        let mut all = aggregate(&runs.iter().map(pick).collect::<Vec<_>>());
        all.dice = dice.bands.clone();
        all
    };
    let draw_totals = runs
        .chunks(reps as usize)
        .map(|chunk| aggregate(&chunk.iter().map(|s| s.total.clone()).collect::<Vec<_>>()).mean)
        .collect();
    let outcome = Outcome {
        seed,
        replications: reps,
        total: collect(&|s| s.total.clone(), &dice.total),
        municipalities: (0..dice.municipalities.len())
            .map(|m| collect(&|s| s.municipalities[m].clone(), &dice.municipalities[m]))
            .collect(),
        groups: (0..dice.groups.len())
            .map(|g| collect(&|s| s.groups[g].clone(), &dice.groups[g]))
            .collect(),
        akasse: run::AkasseOutcome::of(&runs),
        first: dice.first,
        // Every draw has the central scenario's rules and municipalities.
        timeliness: match (views.first(), draws.scenarios.first()) {
            (Some(Some(view)), _) => Some(&view.scenario),
            (_, scenario) => scenario,
        }
        .map_or_else(Vec::new, |scenario| {
            crate::timeliness::aggregate(
                scenario,
                &runs
                    .iter()
                    .map(|s| s.timeliness.clone())
                    .collect::<Vec<_>>(),
            )
        }),
    };
    Ensemble {
        outcome,
        draw_totals,
    }
}
