//! Backlog episodes: one per suspension that starts inside a selection, each with its own peak, peak date,
//! cleared date and days to clear, so that a second suspension is never measured from the first.
//!
//! An episode runs from its suspension's first day to the day before the next suspension starts (or to the end
//! of the selection). Its backlog is measured against the overdue count at the end of the day before its own
//! suspension began; it is cleared on the first day on or after its peak when the overdue count is back at or
//! below that level, and its days to clear count from its own suspension's last day. A backlog not cleared
//! before the next suspension starts is not cleared in that episode ("not cleared before `next`"): what is
//! left of it is part of the next episode, whose level before is the overdue count then. So no day is counted
//! in two episodes, and the figures of a group, a municipality and the nation never mix episodes.

use super::{band, median, Band};
use crate::scenario::Scenario;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One suspension's episode in one selection: of one run, or over replications (the backlog figures the mean,
/// the dates and `days_to_clear_median` the lower median, as for the whole selection).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    /// The suspension's id (its place in the list, `[0]`, when it has none).
    pub id: String,
    /// The suspension's capacity window.
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// The id of the next suspension starting in the selection, where this episode ends.
    pub next: Option<String>,
    /// The overdue count at the end of the day before the suspension began: the level the backlog clears to.
    pub backlog_before: f64,
    /// The largest overdue count from the suspension's first day to the episode's last.
    pub backlog_peak: f64,
    pub backlog_peak_date: Option<NaiveDate>,
    pub backlog_cleared_date: Option<NaiveDate>,
    /// Days from the suspension's last day to the cleared date (0 if it cleared inside the window); over
    /// replications the mean, `None` when any replication did not clear.
    pub days_to_clear: Option<f64>,
    /// `days_to_clear` of one run; over replications the lower median, which goes with the median cleared date.
    pub days_to_clear_median: Option<f64>,
    /// 5 %-95 % bands of the peak and of the days to clear over replications.
    pub backlog_peak_band: Band,
    pub days_to_clear_band: Band,
}

impl Episode {
    /// The peak date, the cleared date and the median days to clear, all `None` when the episode had no backlog.
    pub fn medians(&self) -> (Option<NaiveDate>, Option<NaiveDate>, Option<f64>) {
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

    /// What the cleared date reads when there is none: "not cleared before winter", or "not cleared".
    pub fn not_cleared(&self) -> String {
        match &self.next {
            Some(next) => format!("not cleared before {next}"),
            None => "not cleared".to_string(),
        }
    }
}

/// The suspensions that start in `from..=to` (reported day indices), in date order: (index in the scenario,
/// first day, last day). `day_of` gives a date's reported day index if it is reported; a window running past
/// the last reported day ends on it.
pub fn starting_in(
    scenario: &Scenario,
    day_of: impl Fn(NaiveDate) -> Option<usize>,
    last_day: usize,
    (from, to): (usize, usize),
) -> Vec<(usize, usize, usize)> {
    let mut windows: Vec<(usize, usize, usize)> = scenario
        .suspensions
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((i, day_of(s.start)?, day_of(s.end).unwrap_or(last_day))))
        .filter(|&(_, start, _)| (from..=to).contains(&start))
        .collect();
    windows.sort_by_key(|&(_, start, _)| start);
    windows
}

/// The episodes of one run's selection from its overdue count on each day (`overdue[i]`: day `from + i`) and
/// at the end of the day before `from` (`overdue_before`); `date` turns a day index into its date.
pub fn episodes(
    scenario: &Scenario,
    windows: &[(usize, usize, usize)],
    from: usize,
    overdue_before: f64,
    overdue: &[f64],
    date: impl Fn(usize) -> NaiveDate,
) -> Vec<Episode> {
    let to = from + overdue.len() - 1;
    let level = |day: usize| overdue[day - from];
    windows
        .iter()
        .enumerate()
        .map(|(n, &(index, start, end))| {
            let next = windows.get(n + 1);
            let last = next.map_or(to, |&(_, next_start, _)| next_start - 1);
            let before = if start == from {
                overdue_before
            } else {
                level(start - 1)
            };
            let mut peak = (-1.0, start);
            for day in start..=last {
                if level(day) > peak.0 {
                    peak = (level(day), day);
                }
            }
            let cleared = (peak.1..=last).find(|&day| level(day) <= before);
            let days_to_clear = cleared.map(|day| (day as f64 - end as f64).max(0.0));
            let suspension = &scenario.suspensions[index];
            Episode {
                id: suspension.id.clone(),
                start: Some(suspension.start),
                end: Some(suspension.end),
                next: next.map(|&(i, _, _)| scenario.suspensions[i].id.clone()),
                backlog_before: before,
                backlog_peak: peak.0,
                backlog_peak_date: Some(date(peak.1)),
                backlog_cleared_date: cleared.map(&date),
                days_to_clear,
                days_to_clear_median: days_to_clear,
                backlog_peak_band: band([Some(peak.0)]),
                days_to_clear_band: band([days_to_clear]),
            }
        })
        .collect()
}

/// The episodes over replications, episode by episode (every run of a selection has the same episodes).
pub fn aggregate(runs: &[&[Episode]]) -> Vec<Episode> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    (0..first.len())
        .map(|n| {
            let of = |run: &&[Episode]| run[n].clone();
            let all: Vec<Episode> = runs.iter().map(of).collect();
            let peak = band(all.iter().map(|e| Some(e.backlog_peak)));
            let days = band(all.iter().map(|e| e.days_to_clear));
            let mean = |f: fn(&Episode) -> f64| all.iter().map(f).sum::<f64>() / all.len() as f64;
            Episode {
                backlog_before: mean(|e| e.backlog_before),
                backlog_peak: peak.mean.unwrap_or_default(),
                backlog_peak_date: median(all.iter().map(|e| e.backlog_peak_date)),
                backlog_cleared_date: median(all.iter().map(|e| e.backlog_cleared_date)),
                days_to_clear: days.mean,
                days_to_clear_median: median(all.iter().map(|e| e.days_to_clear)),
                backlog_peak_band: peak,
                days_to_clear_band: days,
                ..all[0].clone()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: usize) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(n as u64)
    }

    fn scenario(ids: &[&str]) -> Scenario {
        let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.toml");
        let mut scenario = crate::scenario::load(std::path::Path::new(fixture)).unwrap();
        scenario.suspensions = ids
            .iter()
            .map(|id| crate::scenario::model::Suspension {
                id: id.to_string(),
                name: id.to_string(),
                start: day(0),
                end: day(0),
                capacity_share: 0.0,
                phone_counts: false,
                closes: Default::default(),
                actions: Vec::new(),
            })
            .collect();
        scenario
    }

    #[test]
    fn a_second_episode_clears_to_its_own_level_and_counts_from_its_own_end() {
        // Days 0-19. Spring: days 2-4, backlog 5 before, peak 9 on day 6, back at 5 on day 8 (4 days after its
        // end). Winter: days 12-13, backlog 6 before (it rose again), peak 10 on day 15, back at 6 on day 17.
        let overdue = [
            5., 5., 6., 7., 8., 8., 9., 7., 5., 5., 5., 6., 7., 8., 9., 10., 8., 6., 6., 6.,
        ];
        let scenario = scenario(&["spring", "winter"]);
        let windows = [(0, 2, 4), (1, 12, 13)];
        let found = episodes(&scenario, &windows, 0, 5.0, &overdue, day);
        assert_eq!(found.len(), 2);
        let (spring, winter) = (&found[0], &found[1]);
        assert_eq!(spring.next.as_deref(), Some("winter"));
        assert_eq!((spring.backlog_before, spring.backlog_peak), (5.0, 9.0));
        assert_eq!(spring.backlog_peak_date, Some(day(6)));
        assert_eq!(spring.backlog_cleared_date, Some(day(8)));
        assert_eq!(spring.days_to_clear, Some(4.0));
        assert_eq!((winter.backlog_before, winter.backlog_peak), (6.0, 10.0));
        assert_eq!(winter.backlog_cleared_date, Some(day(17)));
        assert_eq!(winter.days_to_clear, Some(4.0));
        assert_eq!(winter.next, None);
    }

    #[test]
    fn an_episode_not_cleared_before_the_next_suspension_ends_there() {
        // Spring (days 1-2) never gets back to 0 before winter starts on day 6; winter clears to its own level.
        let overdue = [0., 3., 5., 4., 3., 2., 4., 6., 2., 1.];
        let scenario = scenario(&["spring", "winter"]);
        let found = episodes(&scenario, &[(0, 1, 2), (1, 6, 6)], 0, 0.0, &overdue, day);
        assert_eq!(found[0].backlog_cleared_date, None);
        assert_eq!(found[0].days_to_clear, None);
        assert_eq!(found[0].not_cleared(), "not cleared before winter");
        assert_eq!(found[1].backlog_before, 2.0);
        assert_eq!(found[1].backlog_peak, 6.0);
        assert_eq!(found[1].backlog_cleared_date, Some(day(8)));
        assert_eq!(found[1].days_to_clear, Some(2.0));
    }

    #[test]
    fn over_replications_the_days_are_a_mean_and_a_median() {
        let run = |days: Option<f64>, peak: f64| Episode {
            id: "spring".into(),
            backlog_peak: peak,
            days_to_clear: days,
            days_to_clear_median: days,
            backlog_cleared_date: days.map(|d| day(d as usize)),
            ..Episode::default()
        };
        let runs = [
            run(Some(10.0), 4.0),
            run(Some(30.0), 8.0),
            run(Some(20.0), 6.0),
        ];
        let slices: Vec<&[Episode]> = runs.iter().map(std::slice::from_ref).collect();
        let all = aggregate(&slices);
        assert_eq!(all[0].days_to_clear, Some(20.0));
        assert_eq!(all[0].days_to_clear_median, Some(20.0));
        assert_eq!(all[0].backlog_peak, 6.0);
        assert_eq!(all[0].backlog_cleared_date, Some(day(20)));
        let runs = [run(Some(10.0), 4.0), run(None, 8.0)];
        let slices: Vec<&[Episode]> = runs.iter().map(std::slice::from_ref).collect();
        let all = aggregate(&slices);
        assert_eq!(all[0].days_to_clear, None);
        assert_eq!(all[0].days_to_clear_median, Some(10.0));
    }
}
