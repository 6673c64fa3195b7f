//! Published figures against the model: each expectation of a scenario evaluated over its replications.

use crate::engine::metrics::Series;
use crate::run::replicate;
use crate::scenario::{Expectation, MunicipalityExpectation, Scenario};
use crate::summary::{band, day_index, summarise, Band, GroupSet, Selection};
use serde::Serialize;

/// The outcome of one expectation.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub scenario: String,
    pub file: String,
    pub figure: String,
    pub source: String,
    pub published: Option<String>,
    pub metric: String,
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

/// The simulated values of one replication: per expectation, and per municipality expectation and municipality.
#[derive(Debug, Clone)]
pub struct Replication {
    figures: Vec<Option<f64>>,
    by_municipality: Vec<Vec<Option<f64>>>,
}

/// Runs `reps` replications of `scenario` and evaluates each of its expectations, then each of its
/// per-municipality expectations.
pub fn check(
    scenario: &Scenario,
    seed: u64,
    reps: u32,
) -> Result<Vec<CheckResult>, crate::signals::Interrupted> {
    check_showing(scenario, seed, reps, &[])
}

/// As [`check`], leaving out the figures of municipalities not in `shown` (national figures stay) and giving
/// the errors of the municipalities in `shown` in per-municipality checks. Empty `shown`: everything.
pub fn check_showing(
    scenario: &Scenario,
    seed: u64,
    reps: u32,
    shown: &[u32],
) -> Result<Vec<CheckResult>, crate::signals::Interrupted> {
    let runs: Vec<Replication> = replicate(scenario, seed, reps, |_, series| {
        replication_values(scenario, &series)
    })?;
    Ok(results(scenario, &runs, shown))
}

/// The simulated values of every expectation of `scenario` in one run (the whole scenario's series).
pub fn replication_values(scenario: &Scenario, series: &Series) -> Replication {
    let figures = scenario
        .expectations
        .iter()
        .map(|e| {
            let selection = Selection {
                municipality: e
                    .municipality
                    .and_then(|code| scenario.municipality_index(code)),
                groups: group_set(&e.groups),
                from: day_index(series, e.from).expect("validated inside the period"),
                to: day_index(series, e.to).expect("validated inside the period"),
            };
            summarise(scenario, series, selection)
                .get(&e.metric)
                .map(|v| v * e.scale)
        })
        .collect();
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
                    summarise(scenario, series, selection).get(&e.metric)
                })
                .collect()
        })
        .collect();
    Replication {
        figures,
        by_municipality,
    }
}

/// The results of the scenario's expectations from the [`replication_values`] of each run, in replication
/// order; `shown` as for [`check_showing`].
pub fn results(scenario: &Scenario, runs: &[Replication], shown: &[u32]) -> Vec<CheckResult> {
    let figures = scenario
        .expectations
        .iter()
        .enumerate()
        .map(|(i, e)| result(scenario, e, band(runs.iter().map(|run| run.figures[i]))));
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
        metric: e.metric.clone(),
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
    }
}

fn result(scenario: &Scenario, e: &Expectation, simulated: Band) -> CheckResult {
    // A relative error from 0 is undefined (it would be NaN or infinite): a value of 0 is checked absolutely.
    let absolute = e.value == 0.0;
    let error = simulated.mean.map(|mean| {
        if absolute {
            mean - e.value
        } else {
            (mean - e.value) / e.value
        }
    });
    CheckResult {
        scenario: scenario.label(),
        file: scenario.file.display().to_string(),
        figure: e.figure.clone(),
        source: e.source.clone(),
        published: e.published.clone(),
        metric: e.metric.clone(),
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
}
