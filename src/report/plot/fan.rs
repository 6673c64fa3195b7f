//! The fan chart of an ensemble: the backlog (overdue meetings) day by day as its median over every draw and
//! replication, with the 50 % and 90 % bands around it, and beside it the median over the replications at the
//! central values (the dice only), so a reader sees how much of the spread the inputs' ranges add.
//!
//! Only the backlog of each run is kept, one count per day, not its whole series: days x runs numbers.

use super::series::decorations;
use super::{BandArea, Line, TimePanel, MARKERS, OVERDUE_COLOR};
use crate::engine::metrics::Series;
use crate::report::lang::Lang;
use crate::scenario::Scenario;
use crate::summary::percentile;
use plotters::style::{RGBColor, BLACK};

/// The quantiles of the fan, in the order of [`Fan::quantiles`].
pub const FAN_QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Opacities of the 90 % and the 50 % band.
const OUTER_OPACITY: f64 = 0.18;
const INNER_OPACITY: f64 = 0.38;

/// The overdue meetings at the end of each day, summed over every municipality and group of `series`.
pub fn backlog_by_day(series: &Series) -> Vec<u32> {
    (0..series.days)
        .map(|day| {
            (0..series.municipalities)
                .flat_map(|m| series.group_rows(day, m))
                .map(|row| row.overdue)
                .sum()
        })
        .collect()
}

/// Per day, the 5th, 25th, 50th, 75th and 95th percentiles (linear interpolation) of the backlog over the
/// ensemble's runs, and the median over the replications at the central values.
#[derive(Debug, Clone, PartialEq)]
pub struct Fan {
    /// `quantiles[q][day]`, `q` in the order of [`FAN_QUANTILES`].
    pub quantiles: [Vec<f64>; 5],
    /// The median over the replications at the central values (the dice-only median).
    pub central: Vec<f64>,
    /// The runs of the ensemble (draws x replications).
    pub runs: usize,
}

impl Fan {
    /// The fan of `runs` (each run's [`backlog_by_day`]) around `central` (the same of each replication at the
    /// central values). Every run covers the same days.
    pub fn new(runs: &[Vec<u32>], central: &[Vec<u32>]) -> Fan {
        let days = runs.first().map_or(0, Vec::len);
        let mut quantiles: [Vec<f64>; 5] = Default::default();
        let mut central_median = Vec::with_capacity(days);
        let mut values: Vec<Option<f64>> = Vec::with_capacity(runs.len());
        let sorted_day = |values: &mut Vec<Option<f64>>, of: &[Vec<u32>], day: usize| {
            values.clear();
            values.extend(of.iter().map(|run| Some(f64::from(run[day]))));
            values.sort_by(|a, b| a.partial_cmp(b).expect("counts are never NaN"));
        };
        for day in 0..days {
            sorted_day(&mut values, runs, day);
            for (q, &at) in FAN_QUANTILES.iter().enumerate() {
                quantiles[q].push(percentile(&values, at).unwrap_or(0.0));
            }
            sorted_day(&mut values, central, day);
            central_median.push(percentile(&values, 0.5).unwrap_or(0.0));
        }
        Fan {
            quantiles,
            central: central_median,
            runs: runs.len(),
        }
    }
}

/// The backlog panel of an ensemble: the 90 % and 50 % bands, the median, and the dice-only median; shading
/// and events from `series` (replication 0 at the central values), as in the one-run panel.
pub fn fan_panel(
    scenario: &Scenario,
    series: &Series,
    fan: &Fan,
    name: &str,
    lang: Lang,
) -> TimePanel {
    let (shades, events) = decorations(scenario, series, lang);
    let line = |label: &str, color: RGBColor, width: u32, marker: usize, values: &[f64]| Line {
        label: label.to_string(),
        color,
        width,
        marker: MARKERS[marker],
        first_day: 0,
        values: values.to_vec(),
    };
    let band = |label: &str, opacity: f64, low: usize, high: usize| BandArea {
        label: label.to_string(),
        color: OVERDUE_COLOR,
        opacity,
        first_day: 0,
        low: fan.quantiles[low].clone(),
        high: fan.quantiles[high].clone(),
    };
    TimePanel {
        title: lang.fill("fan_title", &[name]),
        y_label: lang.text("overdue_meetings").to_string(),
        start: series.start,
        days: series.days,
        lines: vec![
            line(
                lang.text("fan_median"),
                OVERDUE_COLOR,
                3,
                1,
                &fan.quantiles[2],
            ),
            line(lang.text("fan_central"), BLACK, 1, 4, &fan.central),
        ],
        bands: vec![
            band(lang.text("fan_90"), OUTER_OPACITY, 0, 4),
            band(lang.text("fan_50"), INNER_OPACITY, 1, 3),
        ],
        shades,
        shade_label: Some(lang.text("suspension").to_string()),
        events,
        legend: true,
        font_size: 13,
        lang,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bands_are_ordered_and_the_quantiles_interpolate() {
        // Day 0: 0..=100 in steps of 1 (101 runs) gives the quantiles themselves; day 1: all the same.
        let runs: Vec<Vec<u32>> = (0..=100).rev().map(|i| vec![i, 7]).collect();
        let central = vec![vec![40, 7], vec![60, 7], vec![50, 9]];
        let fan = Fan::new(&runs, &central);
        let day0: Vec<f64> = fan.quantiles.iter().map(|q| q[0]).collect();
        assert_eq!(day0, [5.0, 25.0, 50.0, 75.0, 95.0]);
        assert!(fan.quantiles.iter().all(|q| q[1] == 7.0));
        assert_eq!(fan.central, [50.0, 7.0]);
        assert_eq!(fan.runs, 101);
    }
}
