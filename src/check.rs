//! Published figures against the model: each expectation of a scenario evaluated over its replications.

use crate::run::replicate;
use crate::scenario::{Expectation, Scenario};
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
    /// (mean - published) / published.
    pub error: Option<f64>,
    pub tolerance: f64,
    /// Within tolerance.
    pub pass: bool,
    /// Why the model is known not to reproduce the figure, if it is.
    pub known_miss: Option<String>,
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

/// Runs `reps` replications of `scenario` and evaluates each of its expectations.
pub fn check(scenario: &Scenario, seed: u64, reps: u32) -> Vec<CheckResult> {
    let values: Vec<Vec<Option<f64>>> = replicate(scenario, seed, reps, |_, series| {
        scenario
            .expectations
            .iter()
            .map(|e| {
                let selection = Selection {
                    municipality: e
                        .municipality
                        .and_then(|code| scenario.municipality_index(code)),
                    groups: if e.groups.is_empty() {
                        GroupSet::ALL
                    } else {
                        GroupSet::of(e.groups.iter().copied())
                    },
                    from: day_index(&series, e.from).expect("validated inside the period"),
                    to: day_index(&series, e.to).expect("validated inside the period"),
                };
                summarise(scenario, &series, selection)
                    .get(&e.metric)
                    .map(|v| v * e.scale)
            })
            .collect()
    });
    scenario
        .expectations
        .iter()
        .enumerate()
        .map(|(i, e)| result(scenario, e, band(values.iter().map(|run| run[i]))))
        .collect()
}

fn result(scenario: &Scenario, e: &Expectation, simulated: Band) -> CheckResult {
    let error = simulated.mean.map(|mean| (mean - e.value) / e.value);
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
        tolerance: e.tolerance,
        pass: error.is_some_and(|err| err.abs() <= e.tolerance),
        known_miss: e.known_miss.clone(),
    }
}
