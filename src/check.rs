//! Published figures against the model: each expectation of a scenario evaluated over its replications, with the
//! model's figure on the published figure's own definition beside it where the scenario gives one.

use crate::engine::metrics::Series;
use crate::error::{InputError, Location};
use crate::run::replicate;
use crate::scenario::{Expectation, LikeForLike, MunicipalityExpectation, Role, Scenario};
use crate::summary::{band, day_index, summarise, Band, GroupSet, Selection};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The outcome of one expectation.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub scenario: String,
    pub file: String,
    pub figure: String,
    pub source: String,
    pub published: Option<String>,
    /// Whether the figure is a calibration target or a validation figure.
    #[serde(rename = "use")]
    pub role: Role,
    pub metric: crate::metric::Figure,
    /// What the model's figure counts.
    pub definition: Option<String>,
    pub municipality: Option<u32>,
    pub groups: Vec<String>,
    pub from: String,
    pub to: String,
    pub value: f64,
    /// Mean and 5 %-95 % band of the simulated metric (times the expectation's scale) over replications.
    pub simulated: Band,
    /// (mean - published) / published; for a published value of 0, mean - published (an absolute error).
    pub error: Option<f64>,
    /// Whether `error` and `tolerance` are absolute (the published value is 0).
    pub absolute: bool,
    pub tolerance: f64,
    /// Within tolerance.
    pub pass: bool,
    /// Why the model is known not to reproduce the figure, if it is.
    pub known_miss: Option<String>,
    /// For a per-municipality series: the error distribution. `value` is then 0 (a perfect match), `error` the
    /// MAPE and `simulated` the MAPE of each replication on its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
    /// The model's figure on the published figure's definition: shown beside the test, never deciding it.
    pub like_for_like: Option<LikeForLikeResult>,
    /// Under `--draws`: the band over the ranged inputs' draws and the dice together. Shown beside the test,
    /// never deciding it: the test stays the central value's error against the tolerance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predictive: Option<PredictiveResult>,
}

/// The predictive band of one figure, over an ensemble's draws and their replications, against the published
/// value.
#[derive(Debug, Clone, Serialize)]
pub struct PredictiveResult {
    pub draws: u32,
    /// Replications of each draw.
    pub replications: u32,
    /// Mean and 5 %-95 % band over every (draw, replication) run, times the expectation's scale.
    pub simulated: Band,
    /// Whether the published value lies in the 5 %-95 % band.
    pub inside: Option<bool>,
    /// The band's width, p95 - p5.
    pub width: Option<f64>,
    /// The interval score of the 90 % band (Gneiting and Raftery, 2007): its width plus 2/0.1 = 20 times the
    /// distance by which the published value lies outside it, in the figure's units. Lower is better; a wide
    /// band and a miss both cost.
    pub interval_score: Option<f64>,
}

/// The share of the runs a 5 %-95 % band leaves outside, the alpha of its interval score.
const BAND_ALPHA: f64 = 0.1;

impl PredictiveResult {
    fn of(band: Band, value: f64, draws: u32, replications: u32) -> PredictiveResult {
        let bounds = band.p5.zip(band.p95);
        PredictiveResult {
            draws,
            replications,
            inside: bounds.map(|(low, high)| (low..=high).contains(&value)),
            width: bounds.map(|(low, high)| high - low),
            interval_score: bounds.map(|(low, high)| interval_score(low, high, value)),
            simulated: band,
        }
    }
}

/// The interval score of the central `1 - BAND_ALPHA` interval `[low, high]` for the observed `value`.
pub fn interval_score(low: f64, high: f64, value: f64) -> f64 {
    let outside = (low - value).max(0.0) + (value - high).max(0.0);
    (high - low) + 2.0 / BAND_ALPHA * outside
}

/// An ensemble a check runs beside the central values: the scenarios at the drawn points, each run `reps` times.
pub struct Ensemble<'a> {
    pub scenarios: &'a [Scenario],
    pub reps: u32,
}

/// The like-for-like figure of one expectation.
#[derive(Debug, Clone, Serialize)]
pub struct LikeForLikeResult {
    pub definition: String,
    pub metric: crate::metric::Metric,
    /// The scenario it was computed on, when not the expectation's own.
    pub scenario: Option<String>,
    pub simulated: Band,
    /// (mean - published) / published.
    pub error: Option<f64>,
}

impl CheckResult {
    /// A check fails when it misses its tolerance and is not a documented known miss.
    pub fn failed(&self) -> bool {
        !self.pass && self.known_miss.is_none()
    }

    pub fn status(&self) -> &'static str {
        match (self.pass, &self.known_miss) {
            (true, None) => "PASS",
            (true, Some(_)) => "PASS*",
            (false, None) => "FAIL",
            (false, Some(_)) => "MISS",
        }
    }
}

/// The simulated values of one replication: per expectation, its figure and its like-for-like figure on the same
/// run; per municipality expectation and municipality.
#[derive(Debug, Clone)]
pub struct Replication {
    /// Per expectation, in the scenario's order: its figure in this run (times its scale).
    pub figures: Vec<Option<f64>>,
    like_for_like: Vec<Option<f64>>,
    by_municipality: Vec<Vec<Option<f64>>>,
}

/// The other scenarios like-for-like figures are computed on, by the path the expectations give.
pub type Counterfactuals = BTreeMap<PathBuf, Scenario>;

/// Loads every scenario the expectations of `scenarios` compute a like-for-like figure on, and checks that each
/// expectation's municipality, groups and dates exist there.
pub fn load_counterfactuals(scenarios: &[Scenario]) -> Result<Counterfactuals, InputError> {
    let mut loaded = Counterfactuals::new();
    let mut problems = Vec::new();
    for scenario in scenarios {
        for (i, e) in scenario.expectations.iter().enumerate() {
            let Some(path) = e.like_for_like.as_ref().and_then(|l| l.scenario.as_ref()) else {
                continue;
            };
            if !loaded.contains_key(path) {
                match crate::scenario::load(path) {
                    Ok(other) => {
                        loaded.insert(path.clone(), other);
                    }
                    Err(error) => {
                        problems.extend(error.problems);
                        continue;
                    }
                }
            }
            if let Err(message) = other_selection(scenario, e, &loaded[path]) {
                problems.push(crate::error::Problem {
                    location: Some(Location {
                        file: scenario.file.clone(),
                        line_col: None,
                    }),
                    key: format!("expect[{i}].like_for_like.scenario"),
                    message: format!("{}: {message}", path.display()),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(InputError { problems })
    }
}

/// The selection of expectation `e` of `scenario` in scenario `other`: the same municipality, groups (by id)
/// and dates.
fn other_selection(
    scenario: &Scenario,
    e: &Expectation,
    other: &Scenario,
) -> Result<Selection, String> {
    let municipality = match e.municipality {
        None => None,
        Some(code) => Some(
            other
                .municipality_index(code)
                .ok_or(format!("has no municipality {code}"))?,
        ),
    };
    let groups = if e.groups.is_empty() {
        GroupSet::ALL
    } else {
        let mut indices = Vec::new();
        for &g in &e.groups {
            let id = &scenario.groups[g].id;
            indices.push(
                other
                    .group_index(id)
                    .ok_or(format!("has no group `{id}`"))?,
            );
        }
        GroupSet::of(indices)
    };
    if e.from < other.start || e.to > other.end {
        return Err(format!(
            "its period ({} to {}) does not cover {} to {}",
            other.start, other.end, e.from, e.to
        ));
    }
    let day = |date: chrono::NaiveDate| (date - other.start).num_days() as usize;
    Ok(Selection {
        municipality,
        groups,
        from: day(e.from),
        to: day(e.to),
    })
}

/// The selection of expectation `e` in a run of its own scenario.
fn own_selection(scenario: &Scenario, e: &Expectation, series: &Series) -> Selection {
    Selection {
        municipality: e
            .municipality
            .and_then(|code| scenario.municipality_index(code)),
        groups: group_set(&e.groups),
        from: day_index(series, e.from).expect("validated inside the period"),
        to: day_index(series, e.to).expect("validated inside the period"),
    }
}

/// Runs `reps` replications of `scenario` and evaluates each of its expectations, then each of its
/// per-municipality expectations; like-for-like figures on another scenario run that one with the same seed and
/// replications (common random numbers).
pub fn check(
    scenario: &Scenario,
    counterfactuals: &Counterfactuals,
    seed: u64,
    reps: u32,
) -> Result<Vec<CheckResult>, crate::signals::Interrupted> {
    check_showing(scenario, counterfactuals, seed, reps, &[], None)
}

/// As [`check`], leaving out the figures of municipalities not in `shown` (national figures stay) and giving
/// the errors of the municipalities in `shown` in per-municipality checks. Empty `shown`: everything.
pub fn check_showing(
    scenario: &Scenario,
    counterfactuals: &Counterfactuals,
    seed: u64,
    reps: u32,
    shown: &[u32],
    ensemble: Option<&Ensemble>,
) -> Result<Vec<CheckResult>, crate::signals::Interrupted> {
    let runs: Vec<Replication> = replicate(scenario, seed, reps, |_, series| {
        replication_values(scenario, &series)
    })?;
    let other = counterfactual_bands(scenario, counterfactuals, seed, reps)?;
    let mut results = results_with(scenario, &runs, shown, &other);
    if let Some(ensemble) = ensemble {
        let bands = predictive_bands(ensemble, seed)?;
        let draws = ensemble.scenarios.len() as u32;
        // The figures come first in the results, in the expectations' order less those not shown.
        let shown_figures = scenario.expectations.iter().zip(bands).filter(|(e, _)| {
            shown.is_empty() || e.municipality.is_none_or(|code| shown.contains(&code))
        });
        for (result, (e, band)) in results.iter_mut().zip(shown_figures) {
            result.predictive = Some(PredictiveResult::of(band, e.value, draws, ensemble.reps));
        }
    }
    // Calibration targets first, then the validation figures, each in the file's order.
    results.sort_by_key(|r| r.role != Role::Calibrate);
    Ok(results)
}

/// The band of every expectation's figure over all runs of the ensemble: draw `d`, replication `r` uses the
/// seed of replication `r` (common random numbers), one rayon task a run, collected in draw-then-replication
/// order, so the bands do not depend on the number of threads.
fn predictive_bands(
    ensemble: &Ensemble,
    seed: u64,
) -> Result<Vec<Band>, crate::signals::Interrupted> {
    let runs = ensemble_figures(ensemble, seed)?;
    let count = ensemble
        .scenarios
        .first()
        .map_or(0, |s| s.expectations.len());
    Ok((0..count)
        .map(|i| band(runs.iter().map(|run| run[i])))
        .collect())
}

/// Every expectation's figure in every run of the ensemble: draw `d`, replication `r` uses the seed of
/// replication `r` (common random numbers); one rayon task a run, collected in draw-then-replication order.
pub fn ensemble_figures(
    ensemble: &Ensemble,
    seed: u64,
) -> Result<Vec<Vec<Option<f64>>>, crate::signals::Interrupted> {
    use rayon::prelude::*;
    let reps = ensemble.reps as usize;
    (0..ensemble.scenarios.len() * reps)
        .into_par_iter()
        .map(|k| {
            let scenario = &ensemble.scenarios[k / reps];
            crate::signals::check()?;
            let replication = crate::engine::replication_seed(seed, (k % reps) as u32);
            let series = crate::engine::Simulation::new(scenario, replication).run()?;
            crate::progress::announced_run_done();
            Ok(replication_values(scenario, &series).figures)
        })
        .collect()
}

/// The simulated values of every expectation of `scenario` in one run (the whole scenario's series), like-for-like
/// figures on the same run included.
pub fn replication_values(scenario: &Scenario, series: &Series) -> Replication {
    let (figures, like_for_like) = scenario
        .expectations
        .iter()
        .map(|e| {
            let Some(metric) = e.metric.metric() else {
                return (timeliness_figure(scenario, e, series), None);
            };
            let metrics = summarise(scenario, series, own_selection(scenario, e, series));
            let like = e
                .like_for_like
                .as_ref()
                .filter(|l| l.scenario.is_none())
                .and_then(|l| metrics.get(l.metric));
            (
                metrics.get(metric).map(|v| v * e.scale),
                like.map(|v| v * e.scale),
            )
        })
        .unzip();
    let by_municipality = scenario
        .municipality_expectations
        .iter()
        .map(|e| {
            (0..scenario.municipalities.len())
                .map(|m| {
                    let selection = Selection {
                        municipality: Some(m),
                        groups: group_set(&e.groups),
                        from: day_index(series, e.from).expect("validated inside the period"),
                        to: day_index(series, e.to).expect("validated inside the period"),
                    };
                    summarise(scenario, series, selection).get(e.metric)
                })
                .collect()
        })
        .collect();
    Replication {
        figures,
        like_for_like,
        by_municipality,
    }
}

/// A figure that is not a summary metric: the number of municipalities a timeliness rule flags in one run
/// (times the expectation's scale).
fn timeliness_figure(scenario: &Scenario, e: &Expectation, series: &Series) -> Option<f64> {
    let crate::metric::Figure::TimelinessFlagged(id) = &e.metric else {
        return None;
    };
    let rule = scenario.timeliness.iter().find(|r| &r.id == id)?;
    let flagged = (0..series.municipalities)
        .filter(|&m| crate::timeliness::assess(rule, series, m).flagged())
        .count();
    Some(flagged as f64 * e.scale)
}

/// The results of the scenario's expectations from the [`replication_values`] of each run, in replication
/// order; `shown` as for [`check_showing`]. Like-for-like figures on another scenario are left out (they need
/// runs of that scenario: [`check_showing`] makes them).
pub fn results(scenario: &Scenario, runs: &[Replication], shown: &[u32]) -> Vec<CheckResult> {
    let mut results = results_with(scenario, runs, shown, &[]);
    results.sort_by_key(|r| r.role != Role::Calibrate);
    results
}

/// As [`results`], with the bands of like-for-like figures on other scenarios, by expectation.
fn results_with(
    scenario: &Scenario,
    runs: &[Replication],
    shown: &[u32],
    other: &[Option<Band>],
) -> Vec<CheckResult> {
    let figures = scenario.expectations.iter().enumerate().map(|(i, e)| {
        let simulated = band(runs.iter().map(|run| run.figures[i]));
        let like = match &e.like_for_like {
            Some(l) if l.scenario.is_none() => {
                Some(band(runs.iter().map(|run| run.like_for_like[i])))
            }
            Some(_) => other.get(i).copied().flatten(),
            None => None,
        };
        result(scenario, e, simulated, e.like_for_like.as_ref().zip(like))
    });
    let spreads = scenario
        .municipality_expectations
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let runs: Vec<&Vec<Option<f64>>> =
                runs.iter().map(|run| &run.by_municipality[i]).collect();
            municipality_result(scenario, e, &runs, shown)
        });
    figures
        .filter(|r| shown.is_empty() || r.municipality.is_none_or(|code| shown.contains(&code)))
        .chain(spreads)
        .collect()
}

/// Per expectation: the band of its like-for-like figure on the counterfactual it names, from runs of that
/// scenario with the same seed and replications; `None` for the others.
/// The expectations of `scenario` whose like-for-like figure is computed on the scenario at `path`.
fn wanted_from(scenario: &Scenario, path: &std::path::Path) -> Vec<usize> {
    (0..scenario.expectations.len())
        .filter(|&i| {
            scenario.expectations[i]
                .like_for_like
                .as_ref()
                .is_some_and(|l| l.scenario.as_deref() == Some(path))
        })
        .collect()
}

/// The scenarios [`check_showing`] runs for `scenario`, `reps` times each: the scenario itself, then each
/// scenario its like-for-like figures are computed on. What the progress of `check` counts.
pub fn runs_of<'a>(
    scenario: &'a Scenario,
    counterfactuals: &'a Counterfactuals,
) -> impl Iterator<Item = &'a Scenario> {
    std::iter::once(scenario).chain(
        counterfactuals
            .iter()
            .filter(|(path, _)| !wanted_from(scenario, path).is_empty())
            .map(|(_, other)| other),
    )
}

fn counterfactual_bands(
    scenario: &Scenario,
    counterfactuals: &Counterfactuals,
    seed: u64,
    reps: u32,
) -> Result<Vec<Option<Band>>, crate::signals::Interrupted> {
    let expectations = &scenario.expectations;
    let mut bands: Vec<Option<Band>> = vec![None; expectations.len()];
    for (path, other) in counterfactuals {
        let wanted = wanted_from(scenario, path);
        if wanted.is_empty() {
            continue;
        }
        let selections: Vec<Selection> = wanted
            .iter()
            .map(|&i| other_selection(scenario, &expectations[i], other).expect("checked on load"))
            .collect();
        let other_values: Vec<Vec<Option<f64>>> = replicate(other, seed, reps, |_, series| {
            wanted
                .iter()
                .zip(&selections)
                .map(|(&i, &selection)| {
                    let e = &expectations[i];
                    let metric = e.like_for_like.as_ref().expect("wanted").metric;
                    summarise(other, &series, selection)
                        .get(metric)
                        .map(|v| v * e.scale)
                })
                .collect()
        })?;
        for (k, &i) in wanted.iter().enumerate() {
            bands[i] = Some(band(other_values.iter().map(|run| run[k])));
        }
    }
    Ok(bands)
}

fn group_set(groups: &[usize]) -> GroupSet {
    if groups.is_empty() {
        GroupSet::ALL
    } else {
        GroupSet::of(groups.iter().copied())
    }
}

/// How far the simulated metric of each municipality is from the published series once that is scaled to the
/// simulated total: the mean absolute percentage error (MAPE) and the municipalities furthest off.
#[derive(Debug, Clone, Serialize)]
pub struct Spread {
    /// Municipalities compared.
    pub municipalities: usize,
    /// The published series, times the population if the scenario says so, is multiplied by this so that it
    /// adds up to the simulated total.
    pub scaled_by: f64,
    pub mape: f64,
    /// The five largest absolute percentage errors, largest first.
    pub worst: Vec<MunicipalityError>,
    /// The municipalities chosen with `--municipality`, in the scenario's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shown: Vec<MunicipalityError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityError {
    pub code: u32,
    pub name: String,
    /// Mean over replications.
    pub simulated: f64,
    /// Scaled as `scaled_by` says.
    pub published: f64,
    /// (simulated - published) / published.
    pub error: f64,
}

/// The absolute percentage error of each municipality's mean `simulated` against `published` scaled to the same
/// total, and that scale.
pub fn percentage_errors(simulated: &[f64], published: &[f64]) -> (f64, Vec<f64>) {
    let scale = simulated.iter().sum::<f64>() / published.iter().sum::<f64>();
    let errors = simulated
        .iter()
        .zip(published)
        .map(|(s, p)| (s - p * scale) / (p * scale))
        .collect();
    (scale, errors)
}

fn mape(errors: &[f64]) -> f64 {
    errors.iter().map(|e| e.abs()).sum::<f64>() / errors.len() as f64
}

fn municipality_result(
    scenario: &Scenario,
    e: &MunicipalityExpectation,
    runs: &[&Vec<Option<f64>>],
    shown: &[u32],
) -> CheckResult {
    let count = scenario.municipalities.len();
    // A municipality whose metric has no value in some replication leaves the comparison undefined.
    let means: Option<Vec<f64>> = (0..count)
        .map(|m| {
            let values: Option<Vec<f64>> = runs.iter().map(|run| run[m]).collect();
            values.map(|v| v.iter().sum::<f64>() / v.len().max(1) as f64)
        })
        .collect();
    let per_run = band(runs.iter().map(|run| {
        let values: Option<Vec<f64>> = run.iter().copied().collect();
        values.map(|v| mape(&percentage_errors(&v, &e.values).1))
    }));
    let spread = means.map(|means| {
        let (scale, errors) = percentage_errors(&means, &e.values);
        let mut order: Vec<usize> = (0..count).collect();
        // Largest error first; ties by the scenario's order, so the report is the same on every run.
        order.sort_by(|&a, &b| errors[b].abs().total_cmp(&errors[a].abs()).then(a.cmp(&b)));
        let error_of = |m: usize| MunicipalityError {
            code: scenario.municipalities[m].code,
            name: scenario.municipalities[m].name.clone(),
            simulated: means[m],
            published: e.values[m] * scale,
            error: errors[m],
        };
        Spread {
            municipalities: count,
            scaled_by: scale,
            mape: mape(&errors),
            worst: order.iter().take(5).map(|&m| error_of(m)).collect(),
            shown: (0..count)
                .filter(|&m| shown.contains(&scenario.municipalities[m].code))
                .map(error_of)
                .collect(),
        }
    });
    let error = spread.as_ref().map(|s| s.mape);
    CheckResult {
        scenario: scenario.name.clone(),
        file: scenario.file.display().to_string(),
        figure: e.figure.clone(),
        source: e.source.clone(),
        published: e.published.clone(),
        role: Role::Validate,
        metric: crate::metric::Figure::Metric(e.metric),
        definition: None,
        municipality: None,
        groups: e
            .groups
            .iter()
            .map(|&g| scenario.groups[g].id.clone())
            .collect(),
        from: e.from.to_string(),
        to: e.to.to_string(),
        value: 0.0,
        simulated: per_run,
        error,
        absolute: false,
        tolerance: e.tolerance,
        pass: error.is_some_and(|err| err <= e.tolerance),
        known_miss: e.known_miss.clone(),
        spread,
        like_for_like: None,
        predictive: None,
    }
}

fn result(
    scenario: &Scenario,
    e: &Expectation,
    simulated: Band,
    like_for_like: Option<(&LikeForLike, Band)>,
) -> CheckResult {
    // A relative error from 0 is undefined (it would be NaN or infinite): a value of 0 is checked absolutely.
    let absolute = e.value == 0.0;
    let error_of = |band: &Band| {
        band.mean.map(|mean| {
            if absolute {
                mean - e.value
            } else {
                (mean - e.value) / e.value
            }
        })
    };
    let error = error_of(&simulated);
    CheckResult {
        scenario: scenario.label(),
        file: scenario.file.display().to_string(),
        figure: e.figure.clone(),
        source: e.source.clone(),
        published: e.published.clone(),
        role: e.role,
        metric: e.metric.clone(),
        definition: e.definition.clone(),
        municipality: e.municipality,
        groups: e
            .groups
            .iter()
            .map(|&g| scenario.groups[g].id.clone())
            .collect(),
        from: e.from.to_string(),
        to: e.to.to_string(),
        value: e.value,
        simulated,
        error,
        absolute,
        tolerance: e.tolerance,
        pass: error.is_some_and(|err| err.abs() <= e.tolerance),
        known_miss: e.known_miss.clone(),
        spread: None,
        like_for_like: like_for_like.map(|(l, band)| LikeForLikeResult {
            definition: l.definition.clone(),
            metric: l.metric,
            scenario: l.scenario.as_ref().map(|p| p.display().to_string()),
            error: error_of(&band),
            simulated: band,
        }),
        predictive: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentage_errors_compare_with_the_series_scaled_to_the_simulated_total() {
        let (scale, errors) = percentage_errors(&[1.0, 2.0, 3.0], &[20.0, 20.0, 20.0]);
        assert_eq!(scale, 0.1);
        assert_eq!(errors, vec![-0.5, 0.0, 0.5]);
        assert_eq!(mape(&errors), 1.0 / 3.0);
    }

    #[test]
    fn the_interval_score_is_the_width_inside_and_adds_twenty_times_the_miss_outside() {
        assert_eq!(interval_score(10.0, 20.0, 15.0), 10.0);
        assert_eq!(interval_score(10.0, 20.0, 10.0), 10.0);
        assert_eq!(interval_score(10.0, 20.0, 8.0), 10.0 + 20.0 * 2.0);
        assert_eq!(interval_score(10.0, 20.0, 23.0), 10.0 + 20.0 * 3.0);
    }
}
