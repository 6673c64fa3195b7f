//! Running a scenario: replications in parallel, summaries per replication, results in replication order.
//!
//! Replication `r` always uses the seed [`replication_seed`]`(seed, r)` and the results are collected in order,
//! so the output is the same whatever the number of threads.

use crate::engine::metrics::Series;
use crate::engine::{replication_seed, Simulation};
use crate::error::InputError;
use crate::scenario::Scenario;
use crate::signals::{self, Interrupted};
use crate::summary::{
    aggregate, summarise_akasse, summarise_whole, Aggregate, AkasseSummary, JointWaits, Metrics,
};
use crate::timeliness::{self, MonthCounts, RuleOutcome};
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
            let series = Simulation::new(scenario, replication_seed(seed, r)).run()?;
            crate::progress::announced_run_done();
            Ok(f(r, series))
        })
        .collect()
}

/// The summaries of one replication: total, per municipality and per group.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RunSummary {
    pub total: Metrics,
    pub municipalities: Vec<Metrics>,
    pub groups: Vec<Metrics>,
    /// The a-kasse side, with an `[akasse]` section.
    pub akasse: Option<AkasseSummary>,
    /// Per timeliness rule, per municipality: the counted meetings of each month.
    pub timeliness: Vec<Vec<Vec<MonthCounts>>>,
}

impl RunSummary {
    pub fn of(scenario: &Scenario, series: &Series) -> Self {
        let (total, municipalities, groups) = summarise_whole(scenario, series);
        RunSummary {
            total,
            municipalities,
            groups,
            akasse: summarise_akasse(scenario, series),
            timeliness: scenario
                .timeliness
                .iter()
                .map(|rule| timeliness::run_counts(rule, series))
                .collect(),
        }
    }
}

/// The a-kasse side over replications: aggregates of its metrics in total and per municipality, and the mean
/// waits of the joint meetings.
#[derive(Debug, Clone)]
pub struct AkasseOutcome {
    pub total: Aggregate,
    pub municipalities: Vec<Aggregate>,
    pub waits: JointWaits,
    pub municipality_waits: Vec<JointWaits>,
}

impl AkasseOutcome {
    /// Over the runs' summaries; `None` without an a-kasse side.
    pub fn of(runs: &[RunSummary]) -> Option<AkasseOutcome> {
        let sides: Vec<&AkasseSummary> = runs.iter().filter_map(|r| r.akasse.as_ref()).collect();
        let first = sides.first()?;
        let metrics = |pick: &dyn Fn(&AkasseSummary) -> Metrics| {
            aggregate(&sides.iter().map(|s| pick(s)).collect::<Vec<_>>())
        };
        let waits = |pick: &dyn Fn(&AkasseSummary) -> JointWaits| {
            JointWaits::mean(&sides.iter().map(|s| pick(s)).collect::<Vec<_>>())
        };
        Some(AkasseOutcome {
            total: metrics(&|s| s.total.clone()),
            municipalities: (0..first.municipalities.len())
                .map(|m| metrics(&|s| s.municipalities[m].clone()))
                .collect(),
            waits: waits(&|s| s.waits),
            municipality_waits: (0..first.municipalities.len())
                .map(|m| waits(&|s| s.municipality_waits[m]))
                .collect(),
        })
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
    /// The a-kasse side, with an `[akasse]` section.
    pub akasse: Option<AkasseOutcome>,
    /// Replication 0 (whose seed is the scenario's seed), kept when asked for.
    pub first: Option<Series>,
    /// Each timeliness rule of the scenario over the replications (empty without rules).
    pub timeliness: Vec<RuleOutcome>,
}

/// Runs `reps` replications and aggregates them; keeps the series of replication 0 if `keep_series`.
pub fn simulate(
    scenario: &Scenario,
    seed: u64,
    reps: u32,
    keep_series: bool,
) -> Result<Outcome, Interrupted> {
    simulate_showing(scenario, None, seed, reps, keep_series)
}

/// The municipalities an output shows (`--municipality`): a copy of the scenario that holds only them, and
/// their indices in the scenario that is run.
pub struct View {
    pub scenario: Scenario,
    pub indices: Vec<usize>,
}

impl View {
    /// The view of `codes` (in the scenario's order); `None` for no codes, i.e. everything.
    pub fn of(scenario: &Scenario, codes: &[u32]) -> Result<Option<View>, InputError> {
        if codes.is_empty() {
            return Ok(None);
        }
        for code in codes {
            if scenario.municipality_index(*code).is_none() {
                return Err(InputError::argument(
                    "--municipality",
                    format!(
                        "{code} is not a municipality of {} ({})",
                        scenario.file.display(),
                        scenario.name
                    ),
                ));
            }
        }
        let indices: Vec<usize> = (0..scenario.municipalities.len())
            .filter(|&m| codes.contains(&scenario.municipalities[m].code))
            .collect();
        let mut shown = scenario.clone();
        shown.municipalities = indices
            .iter()
            .map(|&m| scenario.municipalities[m].clone())
            .collect();
        Ok(Some(View {
            scenario: shown,
            indices,
        }))
    }
}

/// The days of `series` for the municipalities `shown` only, in that order.
pub fn select_municipalities(series: &Series, shown: &[usize]) -> Series {
    let groups = series.groups;
    let mut selected = Series::new(series.start, series.days, shown.len(), groups);
    if series.has_akasse() {
        selected = selected.with_akasse();
        for (i, &m) in shown.iter().enumerate() {
            let (from, to) = (m * series.days, (m + 1) * series.days);
            selected.akasse[i * series.days..(i + 1) * series.days]
                .copy_from_slice(&series.akasse[from..to]);
            selected.akasse_initial[i] = series.akasse_initial[m];
        }
    }
    selected.working = series.working.clone();
    for day in 0..series.days {
        for (i, &m) in shown.iter().enumerate() {
            selected
                .group_rows_mut(day, i)
                .copy_from_slice(series.group_rows(day, m));
            *selected.municipality_row_mut(day, i) = *series.municipality_row(day, m);
        }
    }
    for (i, &m) in shown.iter().enumerate() {
        selected.initial[i * groups..(i + 1) * groups]
            .copy_from_slice(&series.initial[m * groups..(m + 1) * groups]);
    }
    selected
}

/// As [`simulate`], with every summary (total and groups included) and the kept series taken over the
/// municipalities of `view` only. The run itself is the whole scenario's.
pub fn simulate_showing(
    scenario: &Scenario,
    view: Option<&View>,
    seed: u64,
    reps: u32,
    keep_series: bool,
) -> Result<Outcome, Interrupted> {
    Ok(simulate_showing_and(scenario, view, seed, reps, keep_series, |_| ())?.0)
}

/// [`simulate_showing`], and `also` of every replication's whole series (before any view), in replication
/// order: what else a caller needs from the same runs (the `[[expect]]` values of the HTML report), without
/// running them twice.
pub fn simulate_showing_and<T, F>(
    scenario: &Scenario,
    view: Option<&View>,
    seed: u64,
    reps: u32,
    keep_series: bool,
    also: F,
) -> Result<(Outcome, Vec<T>), Interrupted>
where
    T: Send,
    F: Fn(&Series) -> T + Sync + Send,
{
    let mut runs = replicate(scenario, seed, reps, |r, series| {
        let extra = also(&series);
        let (scenario, series) = match view {
            Some(view) => (
                &view.scenario,
                select_municipalities(&series, &view.indices),
            ),
            None => (scenario, series),
        };
        let summary = RunSummary::of(scenario, &series);
        (summary, extra, (r == 0 && keep_series).then_some(series))
    })?;
    let first = runs.first_mut().and_then(|(_, _, series)| series.take());
    let mut extras = Vec::with_capacity(runs.len());
    let mut summaries: Vec<RunSummary> = Vec::with_capacity(runs.len());
    for (summary, extra, _) in runs {
        summaries.push(summary);
        extras.push(extra);
    }
    let collect = |pick: &dyn Fn(&RunSummary) -> Metrics| {
        aggregate(&summaries.iter().map(pick).collect::<Vec<_>>())
    };
    let outcome = Outcome {
        seed,
        replications: reps,
        total: collect(&|s| s.total.clone()),
        municipalities: (0..view.map_or(scenario.municipalities.len(), |v| v.indices.len()))
            .map(|m| collect(&|s| s.municipalities[m].clone()))
            .collect(),
        groups: (0..scenario.groups.len())
            .map(|g| collect(&|s| s.groups[g].clone()))
            .collect(),
        akasse: AkasseOutcome::of(&summaries),
        first,
        timeliness: timeliness::aggregate(
            view.map_or(scenario, |v| &v.scenario),
            &summaries
                .iter()
                .map(|s| s.timeliness.clone())
                .collect::<Vec<_>>(),
        ),
    };
    Ok((outcome, extras))
}
