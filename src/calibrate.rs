//! `backlog calibrate`: the draws of the ranged inputs that agree with every calibration target.
//!
//! The method is rejection, approximate Bayesian computation with a uniform kernel: N points of a Latin
//! hypercube over the ranges (each input drawn through its own distribution, so the points sample the prior),
//! each run `reps` times with the replications' seeds; a draw is kept when the mean over its replications of
//! every calibration target (`use = "calibrate"`) lies within that target's tolerance of the published value.
//! The kept draws sample the prior restricted to what agrees with the figures known before the outcome. Rejection
//! needs no tuning beyond the tolerances the scenario already states, keeps every draw independent (so shards and
//! threads cannot change the result), and at the acceptance rates of the reference scenarios (a third or more)
//! wastes little; history matching in waves or sequential ABC would pay off only at much lower rates. Validation
//! figures are never read, so they cannot move the plausible set.

use crate::check::{ensemble_figures, Ensemble};
use crate::error::InputError;
use crate::scenario::ranges::{design::latin_hypercube, Space};
use crate::scenario::{Role, Scenario};
use crate::signals::Interrupted;
use crate::summary::{band, Band};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What the plausible set records of one ranged input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputRecord {
    pub key: String,
    /// The range in words, as validate prints it; a file whose ranges no longer match is stale.
    pub range: String,
    /// 5 %-95 % of the input over all draws (the prior) and over the kept draws (plausible).
    pub prior: Option<[f64; 2]>,
    pub plausible: Option<[f64; 2]>,
}

/// One calibration target's fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRecord {
    pub figure: String,
    pub value: f64,
    pub tolerance: f64,
    /// 5 %-95 % of the draws' means over all draws and over the kept ones.
    pub prior: Option<[f64; 2]>,
    pub plausible: Option<[f64; 2]>,
}

/// One kept draw: its number in the design (from 1) and its point in the unit cube, in the inputs' order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlausibleSet {
    pub draw: u32,
    pub point: Vec<f64>,
}

/// The plausible set, as `backlog calibrate` writes it and `--plausible FILE` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plausible {
    /// The scenario calibrated, as given.
    pub scenario: String,
    /// The digest of everything the calibration read: the scenario's inputs, data and calibration targets
    /// (not its validation figures, its name or its comments). A file whose digest no longer matches is stale.
    pub inputs_sha256: String,
    /// The `--set` overrides the calibration ran with, `KEY=VALUE`, in order.
    pub set: Vec<String>,
    pub seed: u64,
    pub draws: u32,
    pub replications: u32,
    pub accepted: u32,
    pub method: String,
    pub inputs: Vec<InputRecord>,
    pub targets: Vec<TargetRecord>,
    pub sets: Vec<PlausibleSet>,
}

/// The digest of what a calibration depends on: the central scenario less its identity and its validation
/// figures, and the ranges.
pub fn inputs_digest(scenario: &Scenario, space: &Space) -> String {
    use sha2::{Digest, Sha256};
    let mut fitted = scenario.clone();
    fitted.name.clear();
    fitted.description.clear();
    // Words in Danish change no calibration either.
    fitted.danish = Default::default();
    fitted.sha256.clear();
    fitted.file = Default::default();
    fitted.overrides.clear();
    fitted.expectations.retain(|e| e.role == Role::Calibrate);
    for expectation in &mut fitted.expectations {
        expectation.danish = Default::default();
    }
    fitted.municipality_expectations.clear();
    // Timeliness rules only read a run's outputs, so they change no calibration: left out, as the text was
    // before scenarios had them, so that a committed set stays valid when rules are added.
    fitted.timeliness.clear();
    let text = format!("{fitted:?}");
    let text = text
        .strip_suffix(", timeliness: [] }")
        .map_or(text.clone(), |head| format!("{head} }}"));
    // A group without returning persons reads as it did before groups could have them, so that a committed set
    // stays valid for a scenario that does not use them.
    let text = text.replace(", returning: None }", " }");
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    for input in &space.inputs {
        hasher.update(format!("{}={}\n", input.key, input.describe()).as_bytes());
    }
    format!("{:x}", hasher.finalize())
}

/// A band's 5 %-95 %, when both ends exist (no value, or too few kept draws, give none).
fn pair(b: Band) -> Option<[f64; 2]> {
    b.p5.zip(b.p95).map(|(low, high)| [low, high])
}

/// Runs the design and keeps the draws within every calibration target's tolerance.
pub fn calibrate(
    scenario: &Scenario,
    space: &Space,
    seed: u64,
    draws: u32,
    reps: u32,
) -> Result<Result<Plausible, InputError>, Interrupted> {
    let every: Vec<usize> = (0..draws as usize).collect();
    Ok(
        match draw_means(scenario, space, seed, draws, reps, &every)? {
            Ok(means) => Ok(accept(scenario, space, seed, draws, reps, means)),
            Err(error) => Err(error),
        },
    )
}

/// The calibration targets of `scenario`: the indices of its expectations with `use = "calibrate"`.
pub fn targets(scenario: &Scenario) -> Vec<usize> {
    (0..scenario.expectations.len())
        .filter(|&i| scenario.expectations[i].role == Role::Calibrate)
        .collect()
}

/// Each draw's mean of every calibration target (`None` where a run has no value).
pub type DrawMeans = Vec<Vec<Option<f64>>>;

/// Runs the design's draws numbered `which` (from 0) and gives each one's mean over its replications of every
/// calibration target, in [`targets`] order. A draw's runs do not depend on which other draws run, so the draws
/// may be split across shards.
pub fn draw_means(
    scenario: &Scenario,
    space: &Space,
    seed: u64,
    draws: u32,
    reps: u32,
    which: &[usize],
) -> Result<Result<DrawMeans, InputError>, Interrupted> {
    let targets = targets(scenario);
    let points = latin_hypercube(seed, draws, space.len());
    let scenarios = match which
        .par_iter()
        .map(|&d| space.build_at(&points[d]))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(scenarios) => scenarios,
        Err(error) => return Ok(Err(error)),
    };
    let ensemble = Ensemble {
        scenarios: &scenarios,
        reps,
    };
    let runs = ensemble_figures(&ensemble, seed)?;
    Ok(Ok(runs
        .chunks(reps as usize)
        .map(|chunk| {
            targets
                .iter()
                .map(|&i| band(chunk.iter().map(|run| run[i])).mean)
                .collect()
        })
        .collect()))
}

/// The plausible set from every draw's `means` (as [`draw_means`] gives them, for all draws in order): the draws
/// within every calibration target's tolerance.
pub fn accept(
    scenario: &Scenario,
    space: &Space,
    seed: u64,
    draws: u32,
    reps: u32,
    means: Vec<Vec<Option<f64>>>,
) -> Plausible {
    let targets = targets(scenario);
    let points = latin_hypercube(seed, draws, space.len());
    let kept: Vec<usize> = (0..means.len())
        .filter(|&d| {
            targets.iter().enumerate().all(|(t, &i)| {
                let e = &scenario.expectations[i];
                means[d][t].is_some_and(|mean| {
                    let error = if e.value == 0.0 {
                        mean - e.value
                    } else {
                        (mean - e.value) / e.value
                    };
                    error.abs() <= e.tolerance
                })
            })
        })
        .collect();
    let inputs = space
        .inputs
        .iter()
        .enumerate()
        .map(|(j, input)| {
            let value = |d: usize| input.number_at(points[d][j]);
            InputRecord {
                key: input.key.clone(),
                range: input.describe(),
                prior: pair(band((0..points.len()).map(value))),
                plausible: pair(band(kept.iter().map(|&d| value(d)))),
            }
        })
        .collect();
    let target_records = targets
        .iter()
        .enumerate()
        .map(|(t, &i)| {
            let e = &scenario.expectations[i];
            TargetRecord {
                figure: e.figure.clone(),
                value: e.value,
                tolerance: e.tolerance,
                prior: pair(band(means.iter().map(|m| m[t]))),
                plausible: pair(band(kept.iter().map(|&d| means[d][t]))),
            }
        })
        .collect();
    Plausible {
        scenario: scenario.file.display().to_string(),
        inputs_sha256: inputs_digest(scenario, space),
        set: scenario.overrides.clone(),
        seed,
        draws,
        replications: reps,
        accepted: kept.len() as u32,
        method: "rejection: a draw is kept when the mean over its replications of every calibration target lies within the target's tolerance".to_string(),
        inputs,
        targets: target_records,
        sets: kept
            .iter()
            .map(|&d| PlausibleSet {
                draw: d as u32 + 1,
                point: points[d].clone(),
            })
            .collect(),
    }
}

impl Plausible {
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a plausible set serialises");
        format!(
            "# The plausible set of {}: written by `backlog calibrate`; regenerate it with the same command\n# when the scenario, its data or its calibration targets change (a stale file is refused).\n{body}",
            self.scenario
        )
    }

    /// Reads a plausible set and checks it against the scenario and space it is to be used with: every input
    /// it records must be a ranged input of the space with the same range, and the scenario it was calibrated on
    /// must give the same digest today.
    pub fn read(path: &Path) -> Result<Plausible, InputError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::file(path, format!("cannot read the plausible set: {e}")))?;
        toml::from_str(&text).map_err(|e| {
            InputError::file(
                path,
                format!(
                    "is not a plausible set written by `backlog calibrate`: {}",
                    e.message()
                ),
            )
        })
    }

    /// The stale-file check against the calibrated scenario as it is now.
    pub fn check_fresh(
        &self,
        path: &Path,
        scenario: &Scenario,
        space: &Space,
    ) -> Result<(), InputError> {
        if inputs_digest(scenario, space) != self.inputs_sha256 {
            return Err(InputError::file(
                path,
                format!(
                    "is stale: {} has changed since it was calibrated (its inputs, data, ranges or calibration targets); regenerate it with `backlog calibrate {}{} --draws {} --reps {} --seed {} --out {}`",
                    self.scenario,
                    self.scenario,
                    self.set
                        .iter()
                        .map(|s| format!(" --set '{s}'"))
                        .collect::<String>(),
                    self.draws,
                    self.replications,
                    self.seed,
                    path.display()
                ),
            ));
        }
        Ok(())
    }

    /// The points to run `space` at: one per plausible set (the first `limit` when given), each input the set
    /// records at its plausible value, every other ranged input (one the calibrated scenario did not range, such
    /// as a crisis input of a scenario extending it) from a Latin hypercube seeded by `seed`.
    pub fn points(
        &self,
        path: &Path,
        space: &Space,
        seed: u64,
        limit: Option<u32>,
    ) -> Result<Vec<Vec<f64>>, InputError> {
        let keys: Vec<&str> = space
            .inputs
            .iter()
            .map(|input| input.key.as_str())
            .collect();
        let fill = latin_hypercube(seed, self.count(limit), space.len());
        self.points_over(path, space, &keys, &fill)
    }

    /// How many sets a run over the first `limit` (all without one) takes.
    pub fn count(&self, limit: Option<u32>) -> u32 {
        let all = self.sets.len() as u32;
        limit.map_or(all, |n| n.min(all))
    }

    /// The points to run `space` at, one per row of `fill` (at most one per plausible set): each input the set
    /// records at its plausible value, every other at the column of `fill` whose key in `keys` is its own. A
    /// design over the inputs of several spaces (the sides of `compare`) so gives every side the same value of
    /// an input they share. Every input of `space` has its key in `keys`.
    pub fn points_over(
        &self,
        path: &Path,
        space: &Space,
        keys: &[&str],
        fill: &[Vec<f64>],
    ) -> Result<Vec<Vec<f64>>, InputError> {
        for record in &self.inputs {
            match space.inputs.iter().find(|input| input.key == record.key) {
                Some(input) if input.describe() == record.range => {}
                Some(input) => {
                    return Err(InputError::file(
                        path,
                        format!(
                            "is stale: {} was calibrated over {}, but the scenario now gives {}; regenerate it with `backlog calibrate`",
                            record.key,
                            record.range,
                            input.describe()
                        ),
                    ))
                }
                None => {}
            }
        }
        Ok(fill
            .iter()
            .zip(&self.sets)
            .map(|(row, set)| {
                space
                    .inputs
                    .iter()
                    .map(
                        |input| match self.inputs.iter().position(|r| r.key == input.key) {
                            Some(at) => set.point[at],
                            None => {
                                let column = keys
                                    .iter()
                                    .position(|key| *key == input.key)
                                    .expect("every input of the space has its key in the design");
                                row[column]
                            }
                        },
                    )
                    .collect()
            })
            .collect())
    }
}
