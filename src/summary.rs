//! Summary metrics: a fold of a run's [`Series`] over a date range, for the total, one municipality or one group,
//! and the mean and 5 %-95 % band of each metric over replications.

use crate::engine::metrics::{GroupDay, Levels, Series};
use crate::metric::{Kind, Metric};
use crate::scenario::Scenario;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub mod episodes;
pub use episodes::Episode;

/// A set of benefit groups, by index (scenarios have at most 64 groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupSet(u64);

impl GroupSet {
    pub const ALL: GroupSet = GroupSet(u64::MAX);

    pub fn one(group: usize) -> Self {
        GroupSet(1 << group)
    }

    pub fn of(groups: impl IntoIterator<Item = usize>) -> Self {
        GroupSet(groups.into_iter().fold(0, |mask, g| mask | 1 << g))
    }

    pub fn contains(&self, group: usize) -> bool {
        self.0 & (1 << group) != 0
    }

    pub fn is_all(&self) -> bool {
        *self == GroupSet::ALL
    }
}

/// What part of a run a summary covers.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    pub municipality: Option<usize>,
    pub groups: GroupSet,
    /// Reported day indices, inclusive.
    pub from: usize,
    pub to: usize,
}

impl Selection {
    pub fn whole(series: &Series) -> Self {
        Selection {
            municipality: None,
            groups: GroupSet::ALL,
            from: 0,
            to: series.days - 1,
        }
    }
}

/// The summary metrics of one selection of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub arrivals: f64,
    pub exits: f64,
    pub due: f64,
    pub held: f64,
    pub held_on_time: f64,
    /// Meetings held in the person's first half-year on benefit (182 days from the spell's start).
    pub held_early: f64,
    pub waived: f64,
    pub dropped: f64,
    pub suspended: f64,
    /// Suspended meetings of persons already on benefit when the first suspension began.
    pub suspended_existing: f64,
    /// Meetings to hold in the period: pending at its start plus those falling due, less those waived.
    pub owed: f64,
    /// `owed` less the meetings dropped in the range (their person left first): the meetings that were held, or
    /// are still pending at the end, for persons still on benefit.
    pub owed_kept: f64,
    pub active_start: f64,
    pub active_end: f64,
    pub active_mean: f64,
    pub pending_start: f64,
    pub pending_end: f64,
    pub overdue_start: f64,
    pub overdue_end: f64,
    /// Largest overdue count (the backlog) at the end of any day.
    pub backlog_peak: f64,
    pub capacity: f64,
    /// Mean caseworker FTE.
    pub caseworkers: f64,
    /// Held / capacity.
    pub utilisation: f64,
    /// Held on time / held.
    pub on_time_share: f64,
    /// Held early / held: the share of the meetings held in the spells' first half-year.
    pub held_early_share: f64,
    /// Meetings held per person-year on benefit: held / (mean active persons x the range's days / 365).
    pub held_per_person_year: f64,
    /// Meetings held per caseworker FTE per working day.
    pub meetings_per_caseworker_day: f64,
    /// Mean active persons per caseworker FTE.
    pub active_per_caseworker: f64,
    /// The backlog peak per caseworker FTE on the peak day: where the load is worst.
    pub backlog_peak_per_caseworker: f64,
    /// Days from the end of the first suspension to the day the backlog is back at its pre-suspension level:
    /// the first episode's (over replications, the mean).
    pub days_to_clear: Option<f64>,
    /// `days_to_clear` of one run; over replications, the median, as `backlog_cleared_date` is (the mean is
    /// `days_to_clear`), so that the two shown side by side agree.
    pub days_to_clear_median: Option<f64>,
    pub backlog_peak_date: Option<NaiveDate>,
    /// The first episode's cleared date.
    pub backlog_cleared_date: Option<NaiveDate>,
    /// One episode per suspension starting in the range, in date order (module [`episodes`]).
    pub episodes: Vec<Episode>,
}

impl Metrics {
    /// The backlog's peak date and the date it cleared, both `None` when there was no backlog: a peak of 0 has
    /// no date, and nothing was cleared.
    pub fn backlog_dates(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let (peak, cleared, _) = self.backlog_medians();
        (peak, cleared)
    }

    /// [`backlog_dates`](Self::backlog_dates) and the median days to clear, which goes with the median cleared
    /// date: all `None` when there was no backlog.
    pub fn backlog_medians(&self) -> (Option<NaiveDate>, Option<NaiveDate>, Option<f64>) {
        if self.backlog_peak > 0.0 {
            (
                self.backlog_peak_date,
                self.backlog_cleared_date,
                self.days_to_clear_median,
            )
        } else {
            (None, None, None)
        }
    }

    /// A metric's value; `None` for a value that does not exist (a backlog not cleared).
    pub fn get(&self, metric: Metric) -> Option<f64> {
        Some(match metric {
            Metric::Arrivals => self.arrivals,
            Metric::Exits => self.exits,
            Metric::Due => self.due,
            Metric::Held => self.held,
            Metric::HeldOnTime => self.held_on_time,
            Metric::HeldEarly => self.held_early,
            Metric::Waived => self.waived,
            Metric::Dropped => self.dropped,
            Metric::Suspended => self.suspended,
            Metric::SuspendedExisting => self.suspended_existing,
            Metric::Owed => self.owed,
            Metric::OwedKept => self.owed_kept,
            Metric::ActiveStart => self.active_start,
            Metric::ActiveEnd => self.active_end,
            Metric::ActiveMean => self.active_mean,
            Metric::PendingStart => self.pending_start,
            Metric::PendingEnd => self.pending_end,
            Metric::OverdueStart => self.overdue_start,
            Metric::OverdueEnd => self.overdue_end,
            Metric::BacklogPeak => self.backlog_peak,
            Metric::Capacity => self.capacity,
            Metric::Caseworkers => self.caseworkers,
            Metric::Utilisation => self.utilisation,
            Metric::OnTimeShare => self.on_time_share,
            Metric::HeldEarlyShare => self.held_early_share,
            Metric::HeldPerPersonYear => self.held_per_person_year,
            Metric::MeetingsPerCaseworkerDay => self.meetings_per_caseworker_day,
            Metric::ActivePerCaseworker => self.active_per_caseworker,
            Metric::BacklogPeakPerCaseworker => self.backlog_peak_per_caseworker,
            Metric::DaysToClear => return self.days_to_clear,
        })
    }

    /// Sets a metric (a missing value is 0, except for `days_to_clear`).
    pub fn set(&mut self, metric: Metric, value: Option<f64>) {
        let slot = match metric {
            Metric::DaysToClear => {
                self.days_to_clear = value;
                return;
            }
            Metric::Arrivals => &mut self.arrivals,
            Metric::Exits => &mut self.exits,
            Metric::Due => &mut self.due,
            Metric::Held => &mut self.held,
            Metric::HeldOnTime => &mut self.held_on_time,
            Metric::HeldEarly => &mut self.held_early,
            Metric::Waived => &mut self.waived,
            Metric::Dropped => &mut self.dropped,
            Metric::Suspended => &mut self.suspended,
            Metric::SuspendedExisting => &mut self.suspended_existing,
            Metric::Owed => &mut self.owed,
            Metric::OwedKept => &mut self.owed_kept,
            Metric::ActiveStart => &mut self.active_start,
            Metric::ActiveEnd => &mut self.active_end,
            Metric::ActiveMean => &mut self.active_mean,
            Metric::PendingStart => &mut self.pending_start,
            Metric::PendingEnd => &mut self.pending_end,
            Metric::OverdueStart => &mut self.overdue_start,
            Metric::OverdueEnd => &mut self.overdue_end,
            Metric::BacklogPeak => &mut self.backlog_peak,
            Metric::Capacity => &mut self.capacity,
            Metric::Caseworkers => &mut self.caseworkers,
            Metric::Utilisation => &mut self.utilisation,
            Metric::OnTimeShare => &mut self.on_time_share,
            Metric::HeldEarlyShare => &mut self.held_early_share,
            Metric::HeldPerPersonYear => &mut self.held_per_person_year,
            Metric::MeetingsPerCaseworkerDay => &mut self.meetings_per_caseworker_day,
            Metric::ActivePerCaseworker => &mut self.active_per_caseworker,
            Metric::BacklogPeakPerCaseworker => &mut self.backlog_peak_per_caseworker,
        };
        *slot = value.unwrap_or(0.0);
    }

    /// The books balance: every meeting owed at the start or falling due is held, waived, dropped or pending.
    pub fn books_balance(&self) -> bool {
        self.pending_start + self.due == self.held + self.waived + self.dropped + self.pending_end
    }
}

/// Reported day index of a date, if inside the series.
pub fn day_index(series: &Series, date: NaiveDate) -> Option<usize> {
    let index = (date - series.start).num_days();
    (0..series.days as i64)
        .contains(&index)
        .then_some(index as usize)
}

/// Summarises `selection` of one run.
pub fn summarise(scenario: &Scenario, series: &Series, selection: Selection) -> Metrics {
    let municipalities: Vec<usize> = match selection.municipality {
        Some(m) => vec![m],
        None => (0..series.municipalities).collect(),
    };
    let groups: Vec<usize> = (0..series.groups)
        .filter(|&g| selection.groups.contains(g))
        .collect();
    let start_levels = if selection.from == 0 {
        let mut sum = Levels::default();
        for &m in &municipalities {
            for &g in &groups {
                add_levels(&mut sum, series.initial[m * series.groups + g]);
            }
        }
        sum
    } else {
        let mut sum = Levels::default();
        for &m in &municipalities {
            for &g in &groups {
                add_levels(&mut sum, levels_of(series.row(selection.from - 1, m, g)));
            }
        }
        sum
    };
    let totals: Vec<GroupDay> = (selection.from..=selection.to)
        .map(|day| {
            let mut total = GroupDay::default();
            for &m in &municipalities {
                for &g in &groups {
                    total += series.row(day, m, g);
                }
            }
            total
        })
        .collect();
    fold_days(
        scenario,
        series,
        selection,
        &municipalities,
        start_levels,
        &totals,
    )
}

/// The summaries of the whole run: in total, per municipality (in order) and per group (in order), each the
/// same as [`summarise`] of its selection, from one pass over the series.
pub fn summarise_whole(
    scenario: &Scenario,
    series: &Series,
) -> (Metrics, Vec<Metrics>, Vec<Metrics>) {
    let whole = Selection::whole(series);
    let (municipalities, days, groups) = (series.municipalities, series.days, series.groups);
    if groups == 0 {
        let one = |selection| summarise(scenario, series, selection);
        return (
            one(whole),
            (0..municipalities)
                .map(|m| {
                    one(Selection {
                        municipality: Some(m),
                        ..whole
                    })
                })
                .collect(),
            Vec::new(),
        );
    }
    // Day totals per municipality (one at a time), per group (`groups x days`) and of everything. Sums of
    // counts, so the order they are added in changes nothing.
    let mut by_municipality = vec![GroupDay::default(); days];
    let mut by_group = vec![GroupDay::default(); groups * days];
    let mut total = vec![GroupDay::default(); days];
    let mut start_by_group = vec![Levels::default(); groups];
    let mut start_total = Levels::default();
    let mut per_municipality = Vec::with_capacity(municipalities);
    let every: Vec<usize> = (0..municipalities).collect();
    for m in 0..municipalities {
        let rows = &series.rows[m * days * groups..(m + 1) * days * groups];
        for ((day, day_rows), sum) in rows
            .chunks_exact(groups)
            .enumerate()
            .zip(&mut by_municipality)
        {
            let mut day_sum = GroupDay::default();
            for (g, row) in day_rows.iter().enumerate() {
                day_sum += row;
                by_group[g * days + day] += row;
            }
            *sum = day_sum;
            total[day] += &day_sum;
        }
        let mut start = Levels::default();
        for (g, &levels) in series.initial[m * groups..(m + 1) * groups]
            .iter()
            .enumerate()
        {
            add_levels(&mut start, levels);
            add_levels(&mut start_by_group[g], levels);
        }
        add_levels(&mut start_total, start);
        per_municipality.push(fold_days(
            scenario,
            series,
            Selection {
                municipality: Some(m),
                ..whole
            },
            &every[m..=m],
            start,
            &by_municipality,
        ));
    }
    let per_group = (0..groups)
        .map(|g| {
            fold_days(
                scenario,
                series,
                Selection {
                    groups: GroupSet::one(g),
                    ..whole
                },
                &every,
                start_by_group[g],
                &by_group[g * days..(g + 1) * days],
            )
        })
        .collect();
    let all = fold_days(scenario, series, whole, &every, start_total, &total);
    (all, per_municipality, per_group)
}

/// What the joint meetings of a selection waited for: summed over its days, a joint meeting counted once for
/// each working day it was due and not held while a side had no capacity left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct JointWaits {
    /// Joint meetings held.
    pub joint_held: f64,
    /// Days joint meetings waited while the jobcentre had no capacity left.
    pub waited_for_jobcentre_days: f64,
    /// Days joint meetings waited while the a-kasse had no capacity left.
    pub waited_for_akasse_days: f64,
}

impl JointWaits {
    /// The mean over runs.
    pub fn mean(runs: &[JointWaits]) -> JointWaits {
        let n = runs.len().max(1) as f64;
        let sum = |pick: fn(&JointWaits) -> f64| runs.iter().map(pick).sum::<f64>() / n;
        JointWaits {
            joint_held: sum(|w| w.joint_held),
            waited_for_jobcentre_days: sum(|w| w.waited_for_jobcentre_days),
            waited_for_akasse_days: sum(|w| w.waited_for_akasse_days),
        }
    }
}

/// The a-kasse side of one run (with an `[akasse]` section): its meetings' metrics, in total and per
/// municipality, as the jobcentre's are (persons, arrivals and exits are the jobcentre's: 0 here), and the
/// joint meetings' waits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AkasseSummary {
    pub total: Metrics,
    pub municipalities: Vec<Metrics>,
    pub waits: JointWaits,
    pub municipality_waits: Vec<JointWaits>,
}

/// The a-kasse side of the whole run, `None` without an `[akasse]` section.
pub fn summarise_akasse(scenario: &Scenario, series: &Series) -> Option<AkasseSummary> {
    if !series.has_akasse() {
        return None;
    }
    let whole = Selection::whole(series);
    let days = series.days;
    let every: Vec<usize> = (0..series.municipalities).collect();
    let mut total = vec![GroupDay::default(); days];
    let mut start_total = Levels::default();
    let mut waits = JointWaits::default();
    let mut municipalities = Vec::with_capacity(series.municipalities);
    let mut municipality_waits = Vec::with_capacity(series.municipalities);
    for m in 0..series.municipalities {
        let rows = &series.akasse[m * days..(m + 1) * days];
        let totals: Vec<GroupDay> = rows.iter().map(|row| row.meetings).collect();
        let mut own = JointWaits::default();
        for (sum, row) in total.iter_mut().zip(rows) {
            *sum += &row.meetings;
            own.joint_held += f64::from(row.joint_held);
            own.waited_for_jobcentre_days += f64::from(row.waited_jobcentre);
            own.waited_for_akasse_days += f64::from(row.waited_akasse);
        }
        waits.joint_held += own.joint_held;
        waits.waited_for_jobcentre_days += own.waited_for_jobcentre_days;
        waits.waited_for_akasse_days += own.waited_for_akasse_days;
        let start = series.akasse_initial[m];
        add_levels(&mut start_total, start);
        let selection = Selection {
            municipality: Some(m),
            ..whole
        };
        municipalities.push(fold_side(
            scenario,
            series,
            selection,
            &every[m..=m],
            start,
            &totals,
            Side::Akasse,
        ));
        municipality_waits.push(own);
    }
    Some(AkasseSummary {
        total: fold_side(
            scenario,
            series,
            whole,
            &every,
            start_total,
            &total,
            Side::Akasse,
        ),
        municipalities,
        waits,
        municipality_waits,
    })
}

fn levels_of(row: &GroupDay) -> Levels {
    Levels {
        active: row.active,
        pending: row.pending,
        overdue: row.overdue,
    }
}

fn add_levels(sum: &mut Levels, levels: Levels) {
    sum.active += levels.active;
    sum.pending += levels.pending;
    sum.overdue += levels.overdue;
}

/// The metrics of `selection` from its day totals (`totals[i]`: day `selection.from + i`, summed over the
/// selection's municipalities and groups) and its levels at the start; staff and capacity are read for
/// `municipalities` when the selection holds every group.
fn fold_days(
    scenario: &Scenario,
    series: &Series,
    selection: Selection,
    municipalities: &[usize],
    start_levels: Levels,
    totals: &[GroupDay],
) -> Metrics {
    fold_side(
        scenario,
        series,
        selection,
        municipalities,
        start_levels,
        totals,
        Side::Jobcentre,
    )
}

/// Whose staff and capacity a fold reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Jobcentre,
    Akasse,
}

/// [`fold_days`] of one side's meetings, with that side's staff and capacity.
fn fold_side(
    scenario: &Scenario,
    series: &Series,
    selection: Selection,
    municipalities: &[usize],
    start_levels: Levels,
    totals: &[GroupDay],
    side: Side,
) -> Metrics {
    let mut metrics = Metrics {
        active_start: f64::from(start_levels.active),
        pending_start: f64::from(start_levels.pending),
        overdue_start: f64::from(start_levels.overdue),
        ..Metrics::default()
    };
    // Backlog clearing is measured per suspension that starts inside the selection, each in its own episode.
    let windows = episodes::starting_in(
        scenario,
        |date| day_index(series, date),
        series.days - 1,
        (selection.from, selection.to),
    );
    let mut peak = (-1.0, selection.from);
    // The caseworker FTE on the peak day.
    let mut peak_caseworkers = 0.0;
    let mut overdue_by_day = Vec::with_capacity(selection.to + 1 - selection.from);
    let (mut active_sum, mut caseworker_sum, mut caseworker_working_sum) = (0.0, 0.0, 0.0);
    for (day, total) in (selection.from..=selection.to).zip(totals) {
        // Capacity and staff belong to the municipality; a group's share of them is not defined.
        let mut day_caseworkers = 0.0;
        if selection.groups.is_all() {
            for &m in municipalities {
                let (capacity, caseworkers, carried_in) = match side {
                    Side::Jobcentre => {
                        let staff = series.municipality_row(day, m);
                        (staff.capacity, staff.caseworkers, staff.carried_in)
                    }
                    Side::Akasse => {
                        let staff = series.akasse_row(day, m);
                        (staff.capacity, staff.caseworkers, staff.carried_in)
                    }
                };
                // The first day's capacity adds the fraction of a meeting carried in from before the range,
                // which it may hold: without it, a range held to capacity can seem to hold more than it had.
                if day == selection.from {
                    metrics.capacity += carried_in;
                }
                metrics.capacity += capacity;
                caseworker_sum += caseworkers;
                day_caseworkers += caseworkers;
                if series.working[day] {
                    caseworker_working_sum += caseworkers;
                }
            }
        }
        metrics.arrivals += f64::from(total.arrivals);
        metrics.exits += f64::from(total.exits);
        metrics.due += f64::from(total.due);
        metrics.held += f64::from(total.held);
        metrics.held_on_time += f64::from(total.held_on_time);
        metrics.held_early += f64::from(total.held_early);
        metrics.waived += f64::from(total.waived);
        metrics.dropped += f64::from(total.dropped);
        metrics.suspended += f64::from(total.suspended);
        metrics.suspended_existing += f64::from(total.suspended_existing);
        active_sum += f64::from(total.active);
        let overdue = f64::from(total.overdue);
        if overdue > peak.0 {
            peak = (overdue, day);
            peak_caseworkers = day_caseworkers;
        }
        overdue_by_day.push(overdue);
        if day == selection.to {
            metrics.active_end = f64::from(total.active);
            metrics.pending_end = f64::from(total.pending);
            metrics.overdue_end = overdue;
        }
    }
    let days = (selection.to + 1 - selection.from) as f64;
    metrics.active_mean = active_sum / days;
    metrics.owed = metrics.pending_start + metrics.due - metrics.waived;
    metrics.owed_kept = metrics.owed - metrics.dropped;
    metrics.backlog_peak = peak.0;
    metrics.backlog_peak_date = Some(series.date(peak.1));
    metrics.caseworkers = crate::format::round_fte(caseworker_sum / days);
    // Held meetings never exceed the capacity with what was carried in; the sums of fractional capacities are
    // rounded in another order than the day-to-day carry, so a range held to capacity may come out a few units
    // in the last place above 1.
    metrics.utilisation = ratio(metrics.held, metrics.capacity).min(1.0);
    metrics.on_time_share = ratio(metrics.held_on_time, metrics.held);
    metrics.held_early_share = ratio(metrics.held_early, metrics.held);
    metrics.held_per_person_year = ratio(metrics.held, metrics.active_mean * days / 365.0);
    metrics.meetings_per_caseworker_day = ratio(metrics.held, caseworker_working_sum);
    metrics.active_per_caseworker = ratio(metrics.active_mean, metrics.caseworkers);
    metrics.backlog_peak_per_caseworker = ratio(metrics.backlog_peak, peak_caseworkers);
    metrics.episodes = episodes::episodes(
        scenario,
        &windows,
        selection.from,
        f64::from(start_levels.overdue),
        &overdue_by_day,
        |day| series.date(day),
    );
    if let Some(first) = metrics.episodes.first() {
        metrics.backlog_cleared_date = first.backlog_cleared_date;
        metrics.days_to_clear = first.days_to_clear;
        metrics.days_to_clear_median = first.days_to_clear;
    }
    metrics
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        0.0
    }
}

/// Mean and 5 %-95 % band of one metric over replications.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// `None` when any replication has no value (the backlog was not cleared).
    pub mean: Option<f64>,
    pub p5: Option<f64>,
    pub p95: Option<f64>,
}

/// Percentile with linear interpolation between order statistics; `None` sorts above every number.
pub fn percentile(sorted: &[Option<f64>], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    match (sorted[low], sorted[high]) {
        (Some(a), Some(b)) => Some(a + (b - a) * (position - low as f64)),
        _ => None,
    }
}

pub fn band(values: impl IntoIterator<Item = Option<f64>>) -> Band {
    let mut values: Vec<Option<f64>> = values.into_iter().collect();
    values.sort_by(|a, b| match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(y),
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Greater,
        (_, None) => std::cmp::Ordering::Less,
    });
    // The mean is taken over the sorted values, all of them or none.
    let complete = !values.is_empty() && !values.contains(&None);
    Band {
        mean: complete.then(|| values.iter().flatten().sum::<f64>() / values.len() as f64),
        p5: percentile(&values, 0.05),
        p95: percentile(&values, 0.95),
    }
}

/// Metrics averaged over replications, with the band of every numeric metric. Dates are the median date over
/// replications (a replication that never cleared counts as later than any date).
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub mean: Metrics,
    pub bands: Vec<(Metric, Band)>,
    /// For an ensemble (`--draws`), the dice-only bands beside the predictive `bands`: over replications at
    /// the inputs' central values (crate::ensemble). Empty otherwise.
    pub dice: Vec<(Metric, Band)>,
}

impl Aggregate {
    /// The band of `metric` over replications, if it has one.
    pub fn band(&self, metric: Metric) -> Option<&Band> {
        self.bands
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, band)| band)
    }
}

/// The lower median, `None` counting as larger than any value (a replication that never cleared).
pub fn median<T: PartialOrd + Copy>(values: impl IntoIterator<Item = Option<T>>) -> Option<T> {
    let mut values: Vec<Option<T>> = values.into_iter().collect();
    values.sort_by(|a, b| match (a, b) {
        (Some(x), Some(y)) => x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal),
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Greater,
        (_, None) => std::cmp::Ordering::Less,
    });
    values
        .get(values.len().saturating_sub(1) / 2)
        .copied()
        .flatten()
}

pub fn aggregate(runs: &[Metrics]) -> Aggregate {
    let bands: Vec<(Metric, Band)> = Metric::ALL
        .into_iter()
        .map(|metric| {
            let band = band(runs.iter().map(|r| r.get(metric)));
            if metric.kind() != Kind::Fte {
                return (metric, band);
            }
            // The mean of equal FTE is that FTE, not a few units in the last place off it.
            let round = |value: Option<f64>| value.map(crate::format::round_fte);
            let (mean, p5, p95) = (round(band.mean), round(band.p5), round(band.p95));
            (metric, Band { mean, p5, p95 })
        })
        .collect();
    let mut mean = Metrics {
        backlog_peak_date: median(runs.iter().map(|m| m.backlog_peak_date)),
        backlog_cleared_date: median(runs.iter().map(|m| m.backlog_cleared_date)),
        // The same order statistic as the cleared date: days to clear grow with the date.
        days_to_clear_median: median(runs.iter().map(|m| m.days_to_clear)),
        episodes: episodes::aggregate(
            &runs
                .iter()
                .map(|m| m.episodes.as_slice())
                .collect::<Vec<_>>(),
        ),
        ..Metrics::default()
    };
    for &(metric, band) in &bands {
        mean.set(metric, band.mean);
    }
    Aggregate {
        mean,
        bands,
        dice: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_and_treat_missing_as_largest() {
        let values: Vec<Option<f64>> = (0..=10).map(|v| Some(f64::from(v))).collect();
        assert_eq!(percentile(&values, 0.05), Some(0.5));
        assert_eq!(percentile(&values, 0.95), Some(9.5));
        let b = band(vec![Some(1.0), None, Some(3.0)]);
        assert_eq!(b.mean, None);
        assert_eq!(b.p5, Some(1.2));
        assert_eq!(b.p95, None);
    }
}
