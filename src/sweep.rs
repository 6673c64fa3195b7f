//! Staffing sweeps: grid -> runs -> rayon -> results in run order.
//!
//! A sweep varies scenario inputs over a [`grid::Grid`] and runs every point for replications `0..reps`.
//! Replication `r` uses the seed [`replication_seed`]`(seed, r)` at every grid point (common random numbers): the
//! engine draws random numbers only for people, so two points see the same people and differ only in what was
//! varied. The (point, replication) pairs run on the current rayon pool and are collected in grid order, so the
//! output is the same byte for byte whatever the number of threads or shards.
//!
//! With `--draws N` every point also draws the scenario's ranged inputs: the same N points of a Latin hypercube
//! seeded by the seed at every grid point (so the draws are common across points as the dice are), each run
//! `reps` times; a point's bands and its target share are then over draws and replications together. An input
//! the grid varies is fixed at each point, so it is not drawn there. With `--plausible` the draws are the
//! plausible set's (the same sets at every point), an input the grid varies again fixed at its point.

pub mod grid;
pub mod output;
pub mod overrides;
pub mod search;
pub mod shard;
pub mod target;

use crate::engine::{replication_seed, Simulation};
use crate::metric::Metric;
use crate::progress::Progress;
use crate::scenario::ranges::{design::latin_hypercube, Space};
use crate::scenario::{Base, Override, Scenario};
use crate::signals::{self, Interrupted};
use crate::summary::{band, summarise, Selection};
use grid::{Key, Value};
use output::{Row, TargetOutcome, REPORTED};
use rayon::prelude::*;
use target::{Break, Target};

pub use crate::scenario::MAX_RUNS;

/// Scenarios built at a time (grid points, or points times draws); bounds memory on large grids.
const CHUNK_SCENARIOS: usize = 64;

/// One replication of one grid point.
#[derive(Debug, Clone, PartialEq)]
pub struct RepOutcome {
    /// The draw of the ranged inputs, under `--draws`.
    pub draw: Option<u32>,
    pub replication: u32,
    pub seed: u64,
    /// One value per [`REPORTED`] metric: over the whole period, or over the target's window when it has
    /// `--from` (but `days_to_clear`, which counts from the first suspension).
    pub reported: [Option<f64>; REPORTED.len()],
    /// The target metric on its window, and whether it met the condition.
    pub target: Option<(Option<f64>, bool)>,
    /// Where the target's condition first breaks after its window, if it does.
    pub broken_after: Option<Break>,
}

/// What every point of a sweep shares: the scenario's merged files and the `--set` overrides each point starts
/// from, the scenario they make, seed, replications and target.
pub struct Sweep<'a> {
    pub base: &'a Base,
    pub set: &'a [Override],
    pub scenario: &'a Scenario,
    pub seed: u64,
    pub reps: u32,
    /// `--draws`: how many draws of the ranged inputs each point runs.
    pub draws: Option<u32>,
    /// `--plausible`: the file and the plausible set whose first `draws` sets each point runs instead of a
    /// Latin hypercube.
    pub plausible: Option<(&'a std::path::Path, &'a crate::calibrate::Plausible)>,
    pub target: Option<&'a Target>,
}

impl Sweep<'_> {
    /// One replication of one point; a run stopped by a signal is [`Interrupted`], never counted.
    fn run_one(
        &self,
        scenario: &Scenario,
        draw: Option<u32>,
        replication: u32,
    ) -> Result<RepOutcome, Interrupted> {
        let seed = replication_seed(self.seed, replication);
        let series = Simulation::new(scenario, seed).run()?;
        let whole = summarise(scenario, &series, Selection::whole(&series));
        let window = self
            .target
            .filter(|target| target.from.is_some())
            .map(|target| {
                let (from, to) = target.days(&series);
                let selection = Selection {
                    from,
                    to,
                    ..Selection::whole(&series)
                };
                summarise(scenario, &series, selection)
            });
        let reported = REPORTED.map(|metric| match &window {
            Some(window) if metric != Metric::DaysToClear => window.get(metric),
            _ => whole.get(metric),
        });
        let target = self.target.map(|target| {
            let value = target.value(scenario, &series);
            (value, target.condition.holds(value))
        });
        Ok(RepOutcome {
            draw,
            replication,
            seed,
            reported,
            target,
            broken_after: self
                .target
                .and_then(|target| target.broken_after(scenario, &series)),
        })
    }

    /// Runs the given points (index in grid order and values for `keys`), all replications each, in parallel;
    /// returns each point's row and its replications, in the order given. A point the scenario cannot take (two
    /// axes that are fine alone but not together) is bad input ([`crate::error::InputError`]); after SIGINT or
    /// SIGTERM no further run starts, and the error is [`Interrupted`].
    pub fn run_points(
        &self,
        keys: &[Key],
        points: &[(usize, Vec<Value>)],
        progress: &Progress,
    ) -> anyhow::Result<Vec<(Row, Vec<RepOutcome>)>> {
        let reps = self.reps as usize;
        // The scenarios of a point: one at the central values, or one a draw.
        let per_point = self.draws.map_or(1, |n| n as usize);
        let mut results = Vec::with_capacity(points.len());
        for chunk in points.chunks((CHUNK_SCENARIOS / per_point).max(1)) {
            let mut scenarios: Vec<Scenario> = Vec::with_capacity(chunk.len() * per_point);
            for (_, values) in chunk {
                match self.draws {
                    None => scenarios.push(overrides::build(self.base, self.set, keys, values)?),
                    Some(n) => {
                        let point = overrides::point(self.set, keys, values);
                        let space = Space::of(self.base, &point)?;
                        let units = match self.plausible {
                            Some((path, set)) => set.points(path, &space, self.seed, Some(n))?,
                            None => latin_hypercube(self.seed, n, space.len()),
                        };
                        let drawn: Vec<Scenario> = units
                            .par_iter()
                            .map(|u| space.build_at(u))
                            .collect::<Result<_, _>>()?;
                        scenarios.extend(drawn);
                    }
                }
            }
            let runs_per_point = per_point * reps;
            let outcomes: Vec<RepOutcome> = (0..chunk.len() * runs_per_point)
                .into_par_iter()
                .map(|run| {
                    signals::check()?;
                    // Numbered from 1, as in simulate's draws.csv.
                    let draw = self
                        .draws
                        .map(|_| ((run % runs_per_point) / reps) as u32 + 1);
                    let outcome =
                        self.run_one(&scenarios[run / reps], draw, (run % reps) as u32)?;
                    progress.run_done();
                    Ok(outcome)
                })
                .collect::<Result<_, Interrupted>>()?;
            for ((index, values), runs) in chunk.iter().zip(outcomes.chunks(runs_per_point)) {
                results.push((self.row(*index, values.clone(), runs), runs.to_vec()));
            }
        }
        Ok(results)
    }

    fn row(&self, index: usize, values: Vec<Value>, reps: &[RepOutcome]) -> Row {
        let bands = (0..REPORTED.len())
            .map(|m| band(reps.iter().map(|r| r.reported[m])))
            .collect();
        let target = self.target.map(|target| {
            let meeting = reps
                .iter()
                .filter(|r| r.target.is_some_and(|(_, holds)| holds))
                .count();
            let share = meeting as f64 / reps.len() as f64;
            TargetOutcome {
                share,
                met: target.met(share),
            }
        });
        Row {
            index,
            values,
            bands,
            target,
        }
    }
}
