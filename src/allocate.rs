//! Sharing extra caseworker FTE over a scenario's municipalities so that a national objective is as small as it
//! can be (`backlog allocate`, docs/allocate.md).
//!
//! Municipalities are independent in the engine (each has its own people, queues and random stream, seeded by
//! its code), so the national objective is the sum of each municipality's, and each municipality's depends only
//! on the FTE it gets. One run of the scenario with `k x step` FTE added in *every* municipality therefore gives
//! every municipality's objective at `k x step` at once: the gain curves cost one run per level and
//! replication, whatever the number of municipalities. Replication `r` has the same seed at every level (common
//! random numbers), so the levels differ only in their staff.
//!
//! Over separable curves, the best split of `units` steps is exact by dynamic programming ([`best_split`]),
//! whether or not the curves are concave: `best[i][u]` is the least objective of the first `i` municipalities
//! with `u` steps among them, `min over k <= u of best[i-1][u-k] + f_i(k)`; O(M x units^2). The split always
//! places all `units` (adding staff can make a figure worse, e.g. a meeting held late instead of dropped when
//! the person leaves, and the task is to place the staff given, not to hold some back).
//!
//! The objective `flagged` counts the municipalities a timeliness rule flags (0 or 1 per municipality and run).
//! Its curves are mostly flat, so many splits tie: the split minimises the pair (municipalities flagged,
//! overdue meeting-days) in lexicographic order ([`Ranked`]), which is still a sum over municipalities, so the
//! same dynamic programme stays exact and among the splits that flag the fewest it takes the one with the fewest
//! overdue meeting-days.

use crate::engine::metrics::Series;
use crate::engine::{replication_seed, Simulation};
use crate::scenario::model::{Dated, LocalLevel, LocalStaffing};
use crate::scenario::{Scenario, TimelinessRule};
use crate::signals::{self, Interrupted};
use crate::summary::{percentile, summarise, Selection};
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;
use std::ops::Add;

/// The national figure the split makes as small as it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// Overdue meetings summed over the days from --from to the scenario's end (meeting-days).
    OverdueDays,
    /// Meetings held after their deadline, from --from to the scenario's end.
    HeldLate,
    /// Municipalities the timeliness rule --rule flags in a month from --from's to the scenario's end; of
    /// splits that flag as few, the one with the fewest overdue meeting-days.
    Flagged,
}

impl Objective {
    pub fn name(self) -> &'static str {
        match self {
            Objective::OverdueDays => "overdue-days",
            Objective::HeldLate => "held-late",
            Objective::Flagged => "flagged",
        }
    }

    /// The unit its values are counted in.
    pub fn unit(self) -> &'static str {
        match self {
            Objective::OverdueDays => "overdue meeting-days",
            Objective::HeldLate => "meetings held late",
            Objective::Flagged => "municipalities flagged",
        }
    }
}

/// The objective of municipality `m` of `series` counted from the reported day `from` (an index) on: the
/// objective's value, and the overdue meeting-days that break ties between splits when the objective is
/// `flagged` (0 for the others, which need no tie-break).
pub fn measure(request: &Request, series: &Series, m: usize, from: usize) -> (u64, u64) {
    let summed = |pick: fn(&crate::engine::metrics::GroupDay) -> u64| -> u64 {
        (from..series.days)
            .flat_map(|day| series.group_rows(day, m))
            .map(pick)
            .sum()
    };
    match (&request.objective, &request.rule) {
        (Objective::OverdueDays, _) => (summed(|row| u64::from(row.overdue)), 0),
        (Objective::HeldLate, _) => (summed(|row| u64::from(row.held - row.held_on_time)), 0),
        (Objective::Flagged, Some(rule)) => {
            let first_month = request.from.with_day(1).expect("day 1 exists");
            let flagged = crate::timeliness::assess(rule, series, m)
                .months
                .iter()
                .any(|month| month.flagged && month.counts.month >= first_month);
            (u64::from(flagged), summed(|row| u64::from(row.overdue)))
        }
        (Objective::Flagged, None) => unreachable!("the command checks that --rule is given"),
    }
}

/// What the split minimises, in lexicographic order: the objective, then the tie-break (overdue meeting-days
/// for `flagged`, 0 otherwise). A sum of pairs is the pair of sums, so the order is separable and the dynamic
/// programme exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ranked {
    pub objective: u64,
    pub tie_break: u64,
}

impl Add for Ranked {
    type Output = Ranked;
    fn add(self, other: Ranked) -> Ranked {
        Ranked {
            objective: self.objective + other.objective,
            tie_break: self.tie_break + other.tie_break,
        }
    }
}

/// What to share out, and over which days the extra staff work.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub objective: Objective,
    /// The timeliness rule of `flagged` (`--rule`); `None` for the other objectives.
    pub rule: Option<TimelinessRule>,
    /// FTE added per step.
    pub step: f64,
    /// Steps to share out (`--add` / `--step`).
    pub units: usize,
    /// The first day the extra staff work, and the first day the objective counts.
    pub from: NaiveDate,
    /// The last day the extra staff work (`None`: to the scenario's end). The objective counts to the end.
    pub until: Option<NaiveDate>,
    pub seed: u64,
    pub reps: u32,
}

/// The default step for `add` whole FTE: 1 up to 20 FTE, otherwise the largest of 1, 2, 5, 10, 20, 50, ...
/// that divides `add` and is at most `add / 20` rounded up, so that a curve has about 20 levels or more
/// (docs/allocate.md).
pub fn default_step(add: u64) -> u64 {
    let most = add.div_ceil(20).max(1);
    let mut best = 1;
    let mut base = 1;
    while base <= most {
        for step in [base, 2 * base, 5 * base] {
            if step <= most && add % step == 0 {
                best = best.max(step);
            }
        }
        base *= 10;
    }
    best
}

/// `scenario` with `extra` FTE added in every municipality from `from` to `until` (inclusive), on top of any
/// staffing change of its own: a local change (`add_caseworkers = { CODE = .. }`) at each of the two dates.
pub fn with_extra(
    scenario: &Scenario,
    extra: f64,
    from: NaiveDate,
    until: Option<NaiveDate>,
) -> Scenario {
    let mut changed = scenario.clone();
    let after = until
        .and_then(|u| u.succ_opt())
        .filter(|d| *d <= scenario.end);
    for municipality in &scenario.municipalities {
        let index = match changed
            .staffing
            .local
            .iter()
            .position(|l| l.code == municipality.code)
        {
            Some(i) => i,
            None => {
                changed.staffing.local.push(LocalStaffing {
                    code: municipality.code,
                    level: Dated::constant(LocalLevel::default()),
                });
                changed.staffing.local.len() - 1
            }
        };
        let level = &mut changed.staffing.local[index].level;
        split_at(level, from);
        if let Some(after) = after {
            split_at(level, after);
        }
        for (date, local) in &mut level.changes {
            if *date >= from && after.is_none_or(|a| *date < a) {
                local.add_caseworkers += extra;
            }
        }
    }
    changed
}

/// Makes `date` a change of `level`, holding the value in force that day, so values from it on can change.
fn split_at(level: &mut Dated<LocalLevel>, date: NaiveDate) {
    if level.changes.iter().any(|(d, _)| *d == date) {
        return;
    }
    let value = *level.at(date);
    let place = level.changes.partition_point(|(d, _)| *d < date);
    level.changes.insert(place, (date, value));
}

/// Each municipality's objective at `0, 1, ..., units` steps, per replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Curves {
    /// `[municipality][level][replication]`.
    pub values: Vec<Vec<Vec<u64>>>,
    /// The tie-break (overdue meeting-days) in the same layout, for `flagged`; empty for the other objectives.
    pub tie_break: Vec<Vec<Vec<u64>>>,
    /// Per municipality: the backlog peak without extra staff, mean over replications.
    pub baseline_peak: Vec<f64>,
}

impl Curves {
    /// The objective of municipality `m` at `level` steps, summed over replications (what the split
    /// minimises: the mean times the replications, kept whole so that sums are exact).
    pub fn total(&self, m: usize, level: usize) -> u64 {
        self.values[m][level].iter().sum()
    }

    /// Per municipality, the summed objective at each level.
    pub fn totals(&self) -> Vec<Vec<u64>> {
        (0..self.values.len())
            .map(|m| {
                (0..self.values[m].len())
                    .map(|k| self.total(m, k))
                    .collect()
            })
            .collect()
    }

    /// The tie-break of municipality `m` at `level` steps summed over replications (0 without one).
    pub fn tie_break_total(&self, m: usize, level: usize) -> u64 {
        self.tie_break
            .get(m)
            .map_or(0, |levels| levels[level].iter().sum())
    }

    /// Per municipality and level, the objective and the tie-break summed over replications: what
    /// [`best_split`] ranks.
    pub fn ranked(&self) -> Vec<Vec<Ranked>> {
        (0..self.values.len())
            .map(|m| {
                (0..self.values[m].len())
                    .map(|k| Ranked {
                        objective: self.total(m, k),
                        tie_break: self.tie_break_total(m, k),
                    })
                    .collect()
            })
            .collect()
    }

    /// The tie-break of a split summed over municipalities and replications; `None` without one.
    pub fn tie_break_of_split(&self, split: &[usize]) -> Option<u64> {
        (!self.tie_break.is_empty()).then(|| {
            split
                .iter()
                .enumerate()
                .map(|(m, &k)| self.tie_break_total(m, k))
                .sum()
        })
    }

    /// The objective of a split summed over municipalities and replications.
    pub fn of_split(&self, split: &[usize]) -> u64 {
        split
            .iter()
            .enumerate()
            .map(|(m, &k)| self.total(m, k))
            .sum()
    }

    /// The objective of a split in each replication (a national run with the split gives the same, the
    /// municipalities being independent).
    pub fn by_replication(&self, split: &[usize]) -> Vec<u64> {
        let reps = self.values.first().map_or(0, |m| m[0].len());
        (0..reps)
            .map(|r| {
                split
                    .iter()
                    .enumerate()
                    .map(|(m, &k)| self.values[m][k][r])
                    .sum()
            })
            .collect()
    }
}

/// Runs `scenario` at every level `0..=units` and replication, in parallel, and gives each municipality's
/// curve. Every run counts towards the announced progress.
pub fn curves(scenario: &Scenario, request: &Request) -> Result<Curves, Interrupted> {
    let from = (request.from - scenario.start).num_days().max(0) as usize;
    let levels: Vec<Scenario> = (0..=request.units)
        .map(|k| match k {
            0 => scenario.clone(),
            _ => with_extra(
                scenario,
                k as f64 * request.step,
                request.from,
                request.until,
            ),
        })
        .collect();
    let reps = request.reps as usize;
    let municipalities = scenario.municipalities.len();
    // Per run: each municipality's (objective, tie-break), and at level 0 its backlog peak.
    type Run = (Vec<(u64, u64)>, Option<Vec<f64>>);
    let runs: Vec<Run> = (0..levels.len() * reps)
        .into_par_iter()
        .map(|run| {
            signals::check()?;
            let (level, r) = (run / reps, run % reps);
            let series =
                Simulation::new(&levels[level], replication_seed(request.seed, r as u32)).run()?;
            crate::progress::announced_run_done();
            let values = (0..municipalities)
                .map(|m| measure(request, &series, m, from))
                .collect();
            let peaks = (level == 0).then(|| {
                let whole = Selection::whole(&series);
                (0..municipalities)
                    .map(|m| {
                        summarise(
                            scenario,
                            &series,
                            Selection {
                                municipality: Some(m),
                                ..whole
                            },
                        )
                        .backlog_peak
                    })
                    .collect()
            });
            Ok((values, peaks))
        })
        .collect::<Result<_, Interrupted>>()?;
    let layout = |pick: fn((u64, u64)) -> u64| -> Vec<Vec<Vec<u64>>> {
        (0..municipalities)
            .map(|m| {
                (0..levels.len())
                    .map(|k| (0..reps).map(|r| pick(runs[k * reps + r].0[m])).collect())
                    .collect()
            })
            .collect()
    };
    let values = layout(|(value, _)| value);
    let tie_break = match request.objective {
        Objective::Flagged => layout(|(_, tie_break)| tie_break),
        _ => Vec::new(),
    };
    let baseline_peak = (0..municipalities)
        .map(|m| {
            (0..reps)
                .map(|r| runs[r].1.as_ref().map_or(0.0, |p| p[m]))
                .sum::<f64>()
                / reps as f64
        })
        .collect();
    Ok(Curves {
        values,
        tie_break,
        baseline_peak,
    })
}

/// The split of exactly `units` steps over the curves (`curves[m][k]`: municipality `m`'s objective with `k`
/// steps, for `k` in `0..=units`) with the least sum, by dynamic programming. Of equal sums, the split that
/// gives the later municipalities fewer steps wins, so the answer does not depend on anything but the curves.
/// The values are whole numbers, or [`Ranked`] pairs compared in lexicographic order.
pub fn best_split<T: Copy + Ord + Add<Output = T>>(curves: &[Vec<T>], units: usize) -> Vec<usize> {
    let m = curves.len();
    if m == 0 {
        return Vec::new();
    }
    // best[u]: least sum of the municipalities so far with u steps among them; choice[i][u]: steps of i.
    let mut best: Vec<Option<T>> = (0..=units).map(|u| curves[0].get(u).copied()).collect();
    let mut choice = vec![(0..=units).collect::<Vec<usize>>()];
    for curve in &curves[1..] {
        let mut next = vec![None; units + 1];
        let mut chosen = vec![0; units + 1];
        for u in 0..=units {
            for (k, &value) in curve.iter().enumerate().take(u + 1) {
                let Some(before) = best[u - k] else { continue };
                let sum = before + value;
                if next[u].is_none_or(|n| sum < n) {
                    next[u] = Some(sum);
                    chosen[u] = k;
                }
            }
        }
        best = next;
        choice.push(chosen);
    }
    let mut split = vec![0; m];
    let mut left = units;
    for i in (0..m).rev() {
        split[i] = choice[i][left];
        left -= split[i];
    }
    split
}

/// Shares `units` steps in proportion to `weights` by the largest remainder: each gets the whole part of its
/// quota, and the steps left over go to the largest fractional parts (ties to the first). Sums to `units`
/// exactly; all-zero weights share equally.
pub fn proportional(weights: &[f64], units: usize) -> Vec<usize> {
    if weights.is_empty() {
        return Vec::new();
    }
    let total: f64 = weights.iter().map(|w| w.max(0.0)).sum();
    let quotas: Vec<f64> = weights
        .iter()
        .map(|w| match total > 0.0 {
            true => units as f64 * w.max(0.0) / total,
            false => units as f64 / weights.len() as f64,
        })
        .collect();
    let mut split: Vec<usize> = quotas.iter().map(|q| q.floor() as usize).collect();
    let placed: usize = split.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (quotas[a] - quotas[a].floor(), quotas[b] - quotas[b].floor());
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &m in order.iter().cycle().take(units.saturating_sub(placed)) {
        split[m] += 1;
    }
    split
}

/// The 5th and 95th percentiles of whole values.
pub fn band(values: &[u64]) -> (f64, f64) {
    let mut sorted: Vec<Option<f64>> = values.iter().map(|&v| Some(v as f64)).collect();
    sorted.sort_by(|a, b| a.unwrap_or(0.0).total_cmp(&b.unwrap_or(0.0)));
    (
        percentile(&sorted, 0.05).unwrap_or(0.0),
        percentile(&sorted, 0.95).unwrap_or(0.0),
    )
}

/// One municipality's answer: the FTE it gets in the optimal split and its objective before and after.
#[derive(Debug, Serialize)]
pub struct MunicipalityShare {
    pub code: u32,
    pub name: String,
    pub fte_added: f64,
    /// The objective without extra staff and with the FTE added: means over replications, and the 5 %-95 %
    /// band of the latter.
    pub before: f64,
    pub after: f64,
    pub after_p5: f64,
    pub after_p95: f64,
    /// The objective at 0, 1, 2, ... steps (means over replications).
    pub curve: Vec<f64>,
    /// For `flagged`: the tie-break, overdue meeting-days, without and with the FTE added (means).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue_days_before: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue_days_after: Option<f64>,
}

/// A split of the FTE and its national objective.
#[derive(Debug, Serialize)]
pub struct Split {
    pub name: String,
    pub objective: f64,
    pub p5: f64,
    pub p95: f64,
    /// How much more the split leaves than the optimal one (mean over replications), and the 5 %-95 % band of
    /// that difference taken replication by replication (common random numbers: the pairs share their people).
    pub margin: f64,
    pub margin_p5: f64,
    pub margin_p95: f64,
    /// FTE per municipality, in the scenario's order.
    pub fte: Vec<f64>,
    /// For `flagged`: the tie-break, the split's overdue meeting-days (mean over replications).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue_days: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Every split of `units` over `m` municipalities, by enumeration.
    fn brute_force(curves: &[Vec<u64>], units: usize) -> u64 {
        fn go(curves: &[Vec<u64>], left: usize) -> u64 {
            match curves {
                [] => unreachable!(),
                [last] => last[left],
                [first, rest @ ..] => (0..=left)
                    .map(|k| first[k] + go(rest, left - k))
                    .min()
                    .unwrap(),
            }
        }
        go(curves, units)
    }

    #[test]
    fn the_split_is_the_best_of_every_split_on_curves_that_are_not_concave() {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        for _ in 0..300 {
            let m = rng.gen_range(1..=4);
            let units = rng.gen_range(0..=7);
            let curves: Vec<Vec<u64>> = (0..m)
                .map(|_| (0..=units).map(|_| rng.gen_range(0..50)).collect())
                .collect();
            let split = best_split(&curves, units);
            assert_eq!(split.iter().sum::<usize>(), units);
            let sum: u64 = split.iter().enumerate().map(|(i, &k)| curves[i][k]).sum();
            assert_eq!(sum, brute_force(&curves, units), "{curves:?}");
        }
    }

    #[test]
    fn of_splits_that_flag_as_few_the_one_with_the_fewest_overdue_days_wins_as_enumeration_finds() {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(11);
        for _ in 0..300 {
            let m = rng.gen_range(1..=4);
            let units = rng.gen_range(0..=6);
            // 0/1 curves, as the flags of one replication, with overdue days that fall as staff are added.
            let curves: Vec<Vec<Ranked>> = (0..m)
                .map(|_| {
                    let unflag_at = rng.gen_range(0..=units + 2);
                    let flagged = rng.gen_bool(0.6);
                    let mut overdue = rng.gen_range(50..100);
                    (0..=units)
                        .map(|k| {
                            overdue -= rng.gen_range(0..8);
                            Ranked {
                                objective: u64::from(flagged && k < unflag_at),
                                tie_break: overdue,
                            }
                        })
                        .collect()
                })
                .collect();
            let split = best_split(&curves, units);
            assert_eq!(split.iter().sum::<usize>(), units);
            let found = split
                .iter()
                .enumerate()
                .fold(Ranked::default(), |sum, (i, &k)| sum + curves[i][k]);
            let mut every = vec![Vec::new()];
            for _ in 0..m {
                every = every
                    .into_iter()
                    .flat_map(|s: Vec<usize>| {
                        (0..=units).map(move |k| [s.clone(), vec![k]].concat())
                    })
                    .collect();
            }
            let least = every
                .iter()
                .filter(|s| s.iter().sum::<usize>() == units)
                .map(|s| {
                    s.iter()
                        .enumerate()
                        .fold(Ranked::default(), |sum, (i, &k)| sum + curves[i][k])
                })
                .min()
                .unwrap();
            assert_eq!(found, least, "{curves:?}");
        }
    }

    #[test]
    fn a_curve_that_pays_only_after_a_threshold_gets_all_of_it() {
        // Concave-greedy would give the first step to the second curve and stop there.
        let curves = vec![vec![100, 100, 100, 0], vec![100, 90, 85, 84]];
        assert_eq!(best_split(&curves, 3), vec![3, 0]);
    }

    #[test]
    fn largest_remainder_sums_exactly_and_follows_the_weights() {
        assert_eq!(proportional(&[1.0, 1.0, 1.0], 10), vec![4, 3, 3]);
        assert_eq!(proportional(&[5.0, 3.0, 2.0], 10), vec![5, 3, 2]);
        assert_eq!(proportional(&[0.0, 0.0], 3), vec![2, 1]);
        assert_eq!(proportional(&[2.0, 1.0], 0), vec![0, 0]);
        assert_eq!(proportional(&[0.7, 0.2, 0.1], 4).iter().sum::<usize>(), 4);
    }

    #[test]
    fn the_default_step_divides_the_staff_and_gives_about_twenty_levels() {
        assert_eq!(default_step(200), 10);
        assert_eq!(default_step(20), 1);
        assert_eq!(default_step(50), 2);
        assert_eq!(default_step(37), 1);
        assert_eq!(default_step(1000), 50);
        for add in 1..500 {
            assert_eq!(add % default_step(add), 0);
        }
    }
}
