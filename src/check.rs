//! Published figures against the model: each expectation of a scenario evaluated over its replications, with the
//! model's figure on the published figure's own definition beside it where the scenario gives one.

use crate::engine::metrics::Series;
use crate::error::{InputError, Location};
use crate::run::replicate;
use crate::scenario::{Expectation, Scenario};
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
    pub metric: String,
    /// What the model's figure counts.
    pub definition: Option<String>,
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
    /// The model's figure on the published figure's definition: shown beside the test, never deciding it.
    pub like_for_like: Option<LikeForLikeResult>,
}

/// The like-for-like figure of one expectation.
#[derive(Debug, Clone, Serialize)]
pub struct LikeForLikeResult {
    pub definition: String,
    pub metric: String,
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
        groups: if e.groups.is_empty() {
            GroupSet::ALL
        } else {
            GroupSet::of(e.groups.iter().copied())
        },
        from: day_index(series, e.from).expect("validated inside the period"),
        to: day_index(series, e.to).expect("validated inside the period"),
    }
}

/// Runs `reps` replications of `scenario` and evaluates each of its expectations; like-for-like figures on
/// another scenario run that one with the same seed and replications (common random numbers).
pub fn check(
    scenario: &Scenario,
    counterfactuals: &Counterfactuals,
    seed: u64,
    reps: u32,
) -> Vec<CheckResult> {
    let expectations = &scenario.expectations;
    // Per replication and expectation: the figure and, on this scenario, the like-for-like figure.
    let values: Vec<Vec<(Option<f64>, Option<f64>)>> =
        replicate(scenario, seed, reps, |_, series| {
            expectations
                .iter()
                .map(|e| {
                    let metrics = summarise(scenario, &series, own_selection(scenario, e, &series));
                    let like = e
                        .like_for_like
                        .as_ref()
                        .filter(|l| l.scenario.is_none())
                        .and_then(|l| metrics.get(&l.metric));
                    (
                        metrics.get(&e.metric).map(|v| v * e.scale),
                        like.map(|v| v * e.scale),
                    )
                })
                .collect()
        });
    let mut like_for_like: Vec<Option<Band>> = expectations
        .iter()
        .enumerate()
        .map(|(i, e)| {
            e.like_for_like
                .as_ref()
                .filter(|l| l.scenario.is_none())
                .map(|_| band(values.iter().map(|run| run[i].1)))
        })
        .collect();
    for (path, other) in counterfactuals {
        let wanted: Vec<usize> = (0..expectations.len())
            .filter(|&i| {
                expectations[i]
                    .like_for_like
                    .as_ref()
                    .is_some_and(|l| l.scenario.as_ref() == Some(path))
            })
            .collect();
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
                    let metric = &e.like_for_like.as_ref().expect("wanted").metric;
                    summarise(other, &series, selection)
                        .get(metric)
                        .map(|v| v * e.scale)
                })
                .collect()
        });
        for (k, &i) in wanted.iter().enumerate() {
            like_for_like[i] = Some(band(other_values.iter().map(|run| run[k])));
        }
    }
    expectations
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let simulated = band(values.iter().map(|run| run[i].0));
            let like = e.like_for_like.as_ref().zip(like_for_like[i]);
            result(scenario, e, simulated, like)
        })
        .collect()
}

fn result(
    scenario: &Scenario,
    e: &Expectation,
    simulated: Band,
    like_for_like: Option<(&crate::scenario::LikeForLike, Band)>,
) -> CheckResult {
    let error_of = |band: &Band| band.mean.map(|mean| (mean - e.value) / e.value);
    let error = error_of(&simulated);
    CheckResult {
        scenario: scenario.name.clone(),
        file: scenario.file.display().to_string(),
        figure: e.figure.clone(),
        source: e.source.clone(),
        published: e.published.clone(),
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
        tolerance: e.tolerance,
        pass: error.is_some_and(|err| err.abs() <= e.tolerance),
        known_miss: e.known_miss.clone(),
        like_for_like: like_for_like.map(|(l, band)| LikeForLikeResult {
            definition: l.definition.clone(),
            metric: l.metric.clone(),
            scenario: l.scenario.as_ref().map(|p| p.display().to_string()),
            error: error_of(&band),
            simulated: band,
        }),
    }
}
