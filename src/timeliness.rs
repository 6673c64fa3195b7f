//! Timeliness rules: which municipalities a rule on the share of statutory meetings held on time would flag.
//!
//! A rule (`[[timeliness]]`, [`TimelinessRule`]) is read off a run's daily series, never the engine's state: per
//! municipality and calendar month it counts the meetings of the rule's groups that were held, held on time and
//! fell due, and takes the measure (docs/model.md, "Timeliness"):
//!
//! - `monthly`: held on time / held in the month; in a month where counted meetings fell due but none was held,
//!   0 (none was held on time); in a month where none fell due and none was held, no measure.
//! - `rolling12`: the same over the twelve months ending with the month, summed before dividing; at the start of
//!   the period the window holds the months reported so far.
//!
//! Excluded months are left out of every count (rolling windows too) and are not periods. A period is below
//! when its measure is under the threshold; a municipality is flagged in the month that ends `periods` periods
//! below in a row, and stays flagged while the run goes on. A month without a measure, like an excluded one,
//! neither breaks a run nor extends it.
//!
//! Over replications the counts are averaged month by month and the rule applied to the averages, so the
//! flag is that of the expected month; the share of replications in which the municipality was flagged is
//! given beside it.

use crate::engine::metrics::Series;
use crate::scenario::{Scenario, TimelinessMeasure, TimelinessRule};
use chrono::{Datelike, NaiveDate};

/// The counted meetings of one municipality in one calendar month.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MonthCounts {
    /// The month's first day.
    pub month: NaiveDate,
    pub due: f64,
    pub held: f64,
    pub held_on_time: f64,
}

/// One month of one municipality under a rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Month {
    pub counts: MonthCounts,
    /// Counts of the measure's window (the month itself for `monthly`); 0 for an excluded month.
    pub window_held: f64,
    pub window_held_on_time: f64,
    /// Months of the window that count (not excluded).
    pub window_months: u32,
    /// The share held on time; `None` for an excluded month or one without counted meetings.
    pub measure: Option<f64>,
    pub excluded: bool,
    pub below: bool,
    /// Consecutive periods below up to and including this month.
    pub run: u32,
    pub flagged: bool,
}

/// A municipality under a rule: its months and whether and when the rule flags it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub months: Vec<Month>,
    /// First month in which the run of periods below reached the rule's `periods`.
    pub first_flagged: Option<NaiveDate>,
    /// Periods (months) below the threshold.
    pub months_below: u32,
    /// Months flagged.
    pub months_flagged: u32,
}

impl Assessment {
    pub fn flagged(&self) -> bool {
        self.first_flagged.is_some()
    }
}

/// The calendar months of `series`, by first day, with the reported days of each (`from..=to`).
fn months_of(series: &Series) -> Vec<(NaiveDate, usize, usize)> {
    let mut out: Vec<(NaiveDate, usize, usize)> = Vec::new();
    for day in 0..series.days {
        let date = series.date(day);
        let first = date.with_day(1).expect("day 1 exists");
        match out.last_mut() {
            Some((month, _, to)) if *month == first => *to = day,
            _ => out.push((first, day, day)),
        }
    }
    out
}

/// The counted meetings of municipality `municipality` of `series` per calendar month, for `rule`'s groups.
pub fn month_counts(
    rule: &TimelinessRule,
    series: &Series,
    municipality: usize,
) -> Vec<MonthCounts> {
    let counted = |g: usize| rule.groups.is_empty() || rule.groups.contains(&g);
    months_of(series)
        .into_iter()
        .map(|(month, from, to)| {
            let mut counts = MonthCounts {
                month,
                ..MonthCounts::default()
            };
            for day in from..=to {
                for (g, row) in series.group_rows(day, municipality).iter().enumerate() {
                    if counted(g) {
                        counts.due += f64::from(row.due);
                        counts.held += f64::from(row.held);
                        counts.held_on_time += f64::from(row.held_on_time);
                    }
                }
            }
            counts
        })
        .collect()
}

/// Applies `rule` to one municipality's month counts (of one run, or averaged over runs).
pub fn assess_counts(rule: &TimelinessRule, counts: &[MonthCounts]) -> Assessment {
    let window = match rule.measure {
        TimelinessMeasure::Monthly => 1,
        TimelinessMeasure::Rolling12 => 12,
    };
    let excluded = |month: NaiveDate| rule.exclude.binary_search(&month).is_ok();
    let mut months = Vec::with_capacity(counts.len());
    let (mut run, mut first_flagged, mut months_below, mut months_flagged) = (0, None, 0, 0);
    for (i, c) in counts.iter().enumerate() {
        let is_excluded = excluded(c.month);
        let (mut held, mut on_time, mut due, mut window_months) = (0.0, 0.0, 0.0, 0);
        if !is_excluded {
            // The window: this month and the months before it, back to twelve calendar months.
            let earliest = c.month - chrono::Months::new(window - 1);
            for w in counts[..=i]
                .iter()
                .rev()
                .take_while(|w| w.month >= earliest)
            {
                if !excluded(w.month) {
                    held += w.held;
                    on_time += w.held_on_time;
                    due += w.due;
                    window_months += 1;
                }
            }
        }
        let measure = if is_excluded {
            None
        } else if held > 0.0 {
            Some(on_time / held)
        } else if due > 0.0 {
            Some(0.0)
        } else {
            None
        };
        let below = measure.is_some_and(|m| m < rule.threshold);
        if measure.is_some() {
            run = if below { run + 1 } else { 0 };
        }
        if below {
            months_below += 1;
        }
        let flagged = below && run >= rule.periods;
        if flagged {
            months_flagged += 1;
            first_flagged.get_or_insert(c.month);
        }
        months.push(Month {
            counts: *c,
            window_held: held,
            window_held_on_time: on_time,
            window_months,
            measure,
            excluded: is_excluded,
            below,
            run,
            flagged,
        });
    }
    Assessment {
        months,
        first_flagged,
        months_below,
        months_flagged,
    }
}

/// Whether `rule` flags municipality `municipality` of one run's `series`, when, and how many months it is
/// below: what an allocation that aims at fewer flagged municipalities asks of a run.
pub fn assess(rule: &TimelinessRule, series: &Series, municipality: usize) -> Assessment {
    assess_counts(rule, &month_counts(rule, series, municipality))
}

/// One rule's month counts of every municipality of one run.
pub fn run_counts(rule: &TimelinessRule, series: &Series) -> Vec<Vec<MonthCounts>> {
    (0..series.municipalities)
        .map(|m| month_counts(rule, series, m))
        .collect()
}

/// One rule over replications: per municipality, the assessment of the averaged counts and the share of
/// replications in which the municipality was flagged.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOutcome {
    pub rule: TimelinessRule,
    pub municipalities: Vec<Assessment>,
    pub flagged_share: Vec<f64>,
}

impl RuleOutcome {
    /// Municipalities the rule flags on the averaged counts.
    pub fn flagged_count(&self) -> usize {
        self.municipalities.iter().filter(|a| a.flagged()).count()
    }

    /// Mean over replications of the number of municipalities flagged.
    pub fn flagged_count_mean(&self) -> f64 {
        self.flagged_share.iter().sum()
    }
}

/// Every rule of `scenario` over `runs` (per replication, per rule, per municipality: month counts).
pub fn aggregate(scenario: &Scenario, runs: &[Vec<Vec<Vec<MonthCounts>>>]) -> Vec<RuleOutcome> {
    scenario
        .timeliness
        .iter()
        .enumerate()
        .map(|(r, rule)| {
            let municipalities = runs.first().map_or(0, |run| run[r].len());
            let reps = runs.len().max(1) as f64;
            let mut assessments = Vec::with_capacity(municipalities);
            let mut shares = Vec::with_capacity(municipalities);
            for m in 0..municipalities {
                let mut mean = runs[0][r][m].clone();
                for (i, month) in mean.iter_mut().enumerate() {
                    let of = |pick: fn(&MonthCounts) -> f64| {
                        runs.iter().map(|run| pick(&run[r][m][i])).sum::<f64>() / reps
                    };
                    month.due = of(|c| c.due);
                    month.held = of(|c| c.held);
                    month.held_on_time = of(|c| c.held_on_time);
                }
                let flagged_runs = runs
                    .iter()
                    .filter(|run| assess_counts(rule, &run[r][m]).flagged())
                    .count();
                shares.push(flagged_runs as f64 / reps);
                assessments.push(assess_counts(rule, &mean));
            }
            RuleOutcome {
                rule: rule.clone(),
                municipalities: assessments,
                flagged_share: shares,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(measure: TimelinessMeasure, periods: u32, exclude: &[&str]) -> TimelinessRule {
        TimelinessRule {
            id: "t".into(),
            label: None,
            label_da: None,
            groups: Vec::new(),
            measure,
            threshold: 0.8,
            periods,
            exclude: exclude.iter().map(|m| month(m)).collect(),
            source: None,
            source_da: None,
        }
    }

    fn month(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").unwrap()
    }

    /// Months from January 2020 with (held, held on time) each, due = held.
    fn counts(pairs: &[(f64, f64)]) -> Vec<MonthCounts> {
        pairs
            .iter()
            .enumerate()
            .map(|(i, &(held, on_time))| MonthCounts {
                month: month("2020-01") + chrono::Months::new(i as u32),
                due: held,
                held,
                held_on_time: on_time,
            })
            .collect()
    }

    #[test]
    fn three_months_below_in_a_row_flag_in_the_third_and_an_excluded_month_does_not_break_the_run()
    {
        // Jan 90 %, Feb 70 %, Mar 50 % (excluded), Apr 60 %, May 75 %, Jun 85 %.
        let months = counts(&[
            (10.0, 9.0),
            (10.0, 7.0),
            (10.0, 5.0),
            (10.0, 6.0),
            (20.0, 15.0),
            (20.0, 17.0),
        ]);
        let flagged = assess_counts(&rule(TimelinessMeasure::Monthly, 3, &["2020-03"]), &months);
        let runs: Vec<u32> = flagged.months.iter().map(|m| m.run).collect();
        assert_eq!(runs, [0, 1, 1, 2, 3, 0]);
        assert_eq!(flagged.first_flagged, Some(month("2020-05")));
        assert_eq!(flagged.months_below, 3);
        assert_eq!(flagged.months_flagged, 1);
        assert_eq!(flagged.months[2].measure, None);
        assert_eq!(flagged.months[3].measure, Some(0.6));
        // Not excluded, March is below and the run reaches three in April.
        let unexcluded = assess_counts(&rule(TimelinessMeasure::Monthly, 3, &[]), &months);
        assert_eq!(unexcluded.first_flagged, Some(month("2020-04")));
        assert_eq!(unexcluded.months_below, 4);
        // Four in a row are never reached with March excluded.
        let four = assess_counts(&rule(TimelinessMeasure::Monthly, 4, &["2020-03"]), &months);
        assert_eq!(four.first_flagged, None);
    }

    #[test]
    fn a_month_with_meetings_due_and_none_held_measures_zero_and_one_with_none_due_has_no_measure()
    {
        let mut months = counts(&[(10.0, 9.0), (0.0, 0.0), (0.0, 0.0)]);
        months[1].due = 5.0;
        let assessed = assess_counts(&rule(TimelinessMeasure::Monthly, 1, &[]), &months);
        assert_eq!(assessed.months[1].measure, Some(0.0));
        assert_eq!(assessed.months[2].measure, None);
        assert_eq!(assessed.months[2].run, 1);
        assert_eq!(assessed.first_flagged, Some(month("2020-02")));
    }

    #[test]
    fn rolling_twelve_sums_the_window_before_dividing_and_leaves_excluded_months_out() {
        // 14 months: 10 held a month, all on time, except month 3 (Mar 2020: 0 of 10) and month 13 (Jan 2021).
        let mut pairs = vec![(10.0, 10.0); 14];
        pairs[2] = (10.0, 0.0);
        pairs[12] = (30.0, 0.0);
        let months = counts(&pairs);
        let plain = assess_counts(&rule(TimelinessMeasure::Rolling12, 1, &[]), &months);
        // March 2020: (10 + 10 + 0) / 30.
        assert_eq!(plain.months[2].measure, Some(20.0 / 30.0));
        assert_eq!(plain.months[2].window_months, 3);
        // December 2020: 110 of 120.
        assert_eq!(plain.months[11].measure, Some(110.0 / 120.0));
        // January 2021: Feb 2020 - Jan 2021, 100 on time of 140.
        assert_eq!(plain.months[12].measure, Some(100.0 / 140.0));
        assert_eq!(plain.months[12].window_months, 12);
        // February 2021: March 2020 is still in the window, 100 of 140.
        assert_eq!(plain.months[13].measure, Some(100.0 / 140.0));
        let excluded = assess_counts(
            &rule(TimelinessMeasure::Rolling12, 1, &["2020-03"]),
            &months,
        );
        assert_eq!(excluded.months[2].measure, None);
        assert_eq!(excluded.months[11].measure, Some(1.0));
        // February 2021: 11 months count, 100 of 130.
        assert_eq!(excluded.months[13].measure, Some(100.0 / 130.0));
        assert_eq!(excluded.months[13].window_months, 11);
        assert_eq!(excluded.first_flagged, Some(month("2021-01")));
    }
}
