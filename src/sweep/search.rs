//! `--target` without a grid: the search for the value of one lever that meets the target.
//!
//! Without `--search`, the lever is the scenario's staffing (whole caseworker FTE for one municipality, else
//! `caseworkers_factor` in hundredths), doubled up from the scenario's own level and then bisected. With
//! `--search KEY=RANGE`, any key `--vary` takes is searched over the range's values, in either direction: the
//! smallest value meeting the target when larger values help (temporary staff), the largest when smaller values
//! help (a suspension's end). Every step is logged on the progress line; the answer's row is returned.

use super::grid::{Axis, Key, Value};
use super::output::Row;
use super::target::{self, Boundary, Probe, Staffing, Target};
use super::{RepOutcome, Sweep};
use crate::progress::Progress;

/// What a search varies.
pub enum Lever {
    /// The scenario's staffing, from its own level up.
    Staffing(Staffing),
    /// One key over the values of a range, in order.
    Range(Axis),
}

impl Lever {
    pub fn key(&self) -> &Key {
        match self {
            Lever::Staffing(staffing) => &staffing.key,
            Lever::Range(axis) => &axis.key,
        }
    }
}

/// What a search found.
pub struct Searched {
    /// The row (and replications) of the answer, or of the last value tried when no value meets the target.
    pub best: (Row, Vec<RepOutcome>),
    /// Every value tried and its row, in the order of the values (for a chart).
    pub tried: Vec<(Value, Row)>,
}

/// Runs the search.
pub fn search(
    sweep: &Sweep,
    lever: &Lever,
    target: &Target,
    progress: &Progress,
) -> anyhow::Result<Searched> {
    let key = lever.key();
    let mut tried: Vec<(Value, Row, Vec<RepOutcome>)> = Vec::new();
    let runs = match sweep.draws {
        Some(n) => format!("runs ({n} draws x {} replications)", sweep.reps),
        None => "replications".to_string(),
    };
    let values_of =
        |reps: &[RepOutcome]| -> Vec<Option<f64>> { reps.iter().map(|r| r.target?.0).collect() };
    let mut probe = |value: Value| -> anyhow::Result<Probe> {
        let mut results =
            sweep.run_points(std::slice::from_ref(key), &[(0, vec![value])], progress)?;
        let (row, reps) = results.pop().expect("one point run");
        let outcome = row.target.expect("a target is set");
        progress.note(&format!(
            "target: {key}={value}: {} of {} {runs} meet {} {} ({})",
            reps.iter()
                .filter(|r| r.target.is_some_and(|(_, holds)| holds))
                .count(),
            reps.len(),
            target.condition,
            target.window(),
            if outcome.met { "met" } else { "not met" }
        ));
        let stuck = !outcome.met
            && tried
                .last()
                .is_some_and(|(_, _, before)| values_of(before) == values_of(&reps));
        tried.push((value, row, reps));
        Ok(if outcome.met {
            Probe::Met
        } else if stuck {
            Probe::Stuck
        } else {
            Probe::Missed
        })
    };
    let asked = format!(
        "{} {} with confidence {}",
        target.condition,
        target.window(),
        target.confidence
    );
    let (answer, note) = match lever {
        Lever::Staffing(staffing) => {
            let found = target::bisect(staffing, |steps| probe(staffing.value(steps)))?;
            let value = staffing.value(found.steps);
            let note = if found.met {
                format!("target: smallest {key} meeting {asked}: {value}")
            } else {
                let unit = if staffing.resolution_steps_per_unit == 1 {
                    " FTE"
                } else {
                    ""
                };
                let last = &tried[tried.len() - 1];
                let why = match tried.len().checked_sub(2).map(|i| &tried[i]) {
                    Some((before, ..)) if found.steps < staffing.max_steps => format!(
                        "going from {before}{unit} to {value}{unit} changed no run's {}, so more staff will not meet it",
                        target.condition.measure
                    ),
                    _ => format!(
                        "the search stops at {value}{unit}, the largest {key} it tries"
                    ),
                };
                format!(
                    "target: no {key} up to {value}{unit} meets {asked}: at {value}{unit} {} (median over {} {runs}); {why}{}",
                    target.describe(target::median(values_of(&last.2))),
                    last.2.len(),
                    suspended(sweep, target)
                )
            };
            (value, note)
        }
        Lever::Range(axis) => {
            let values = &axis.values;
            let boundary =
                target::bisect_range(values.len(), |i| Ok(probe(values[i])? == Probe::Met))?;
            let last = values[values.len() - 1];
            match boundary {
                Boundary::Smallest(i) => (
                    values[i],
                    format!("target: smallest {key} meeting {asked}: {}", values[i]),
                ),
                Boundary::Largest(i) => (
                    values[i],
                    format!("target: largest {key} meeting {asked}: {}", values[i]),
                ),
                Boundary::All => (
                    values[0],
                    format!(
                        "target: every {key} from {} to {last} meets {asked}",
                        values[0]
                    ),
                ),
                Boundary::None => {
                    // Both ends were tried, first and last.
                    let at: Vec<String> = tried
                        .iter()
                        .map(|(value, _, reps)| {
                            format!(
                                "at {value} {}",
                                target.describe(target::median(values_of(reps)))
                            )
                        })
                        .collect();
                    (
                        last,
                        format!(
                            "target: no {key} from {} to {last} meets {asked}: {} (medians over {} {runs})",
                            values[0],
                            at.join(", "),
                            tried[0].2.len()
                        ),
                    )
                }
            }
        }
    };
    progress.note(&note);
    tried.sort_by(|(a, ..), (b, ..)| match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.total_cmp(b),
        (Value::Date(a), Value::Date(b)) => a.cmp(b),
        _ => std::cmp::Ordering::Equal,
    });
    let at = tried
        .iter()
        .position(|(value, ..)| *value == answer)
        .expect("the answer was tried");
    let best = (tried[at].1.clone(), tried[at].2.clone());
    Ok(Searched {
        best,
        tried: tried
            .into_iter()
            .map(|(value, row, _)| (value, row))
            .collect(),
    })
}

/// The suspensions that overlap the target's window, which staff cannot undo: `; the window overlaps the
/// suspension from 2021-03-01 to 2021-04-15`, or nothing.
fn suspended(sweep: &Sweep, target: &Target) -> String {
    let scenario = sweep.scenario;
    let from = target.from.unwrap_or(scenario.start);
    let overlapping: Vec<String> = scenario
        .suspensions
        .iter()
        .filter(|s| s.start <= target.by && s.end >= from)
        .map(|s| format!("the suspension from {} to {}", s.start, s.end))
        .collect();
    if overlapping.is_empty() {
        String::new()
    } else {
        format!("; the window overlaps {}", overlapping.join(" and "))
    }
}
