//! The chart of one run: the total and the largest backlogs, each as backlog and capacity-against-demand panels.

use super::{
    draw_title, render, time_panel, DrawResult, Line, TimePanel, CAPACITY_COLOR, DEMAND_COLOR,
    MAX_MUNICIPALITY_PANELS, MEAN_DAYS, MUNICIPALITY_ROW_HEIGHT, OVERDUE_COLOR, PENDING_COLOR,
    TITLE_HEIGHT, TOTAL_ROW_HEIGHT, WIDTH,
};
use crate::engine::metrics::{GroupDay, Series};
use crate::scenario::Scenario;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io::Write;
use std::path::Path;

/// The chart of one run (see the module comment), written to `out`.
pub fn write_series(
    out: &mut dyn Write,
    scenario: &Scenario,
    series: &Series,
) -> std::io::Result<()> {
    let shade = suspension_days(scenario, series);
    let shown = largest_backlogs(series);
    let height = TITLE_HEIGHT + TOTAL_ROW_HEIGHT + MUNICIPALITY_ROW_HEIGHT * shown.len() as u32;
    render(out, (WIDTH, height), |root| {
        let (title, body) = root.split_vertically(TITLE_HEIGHT);
        let mut subtitle = String::from(
            "Shaded: suspension windows. Capacity and meetings due: 7-day means. One replication (the scenario's seed).",
        );
        if !shown.is_empty() {
            subtitle.push_str(&format!(
                " Below the total: the {} municipalities with the largest backlog peaks.",
                shown.len()
            ));
        }
        draw_title(
            &title,
            &format!(
                "{}: statutory meetings, {} to {}",
                scenario.label(),
                scenario.start,
                scenario.end
            ),
            &subtitle,
        )?;
        let (total_row, mut rest) = body.split_vertically(TOTAL_ROW_HEIGHT);
        let all: Vec<usize> = (0..series.municipalities).collect();
        let total_name = match scenario.municipalities.as_slice() {
            [only] => only.name.as_str(),
            _ => "All municipalities",
        };
        draw_row(&total_row, series, &all, total_name, &shade, true)?;
        for &m in &shown {
            let (row, below) = rest.split_vertically(MUNICIPALITY_ROW_HEIGHT);
            draw_row(
                &row,
                series,
                &[m],
                &scenario.municipalities[m].name,
                &shade,
                false,
            )?;
            rest = below;
        }
        Ok(())
    })
}

/// Writes the chart of one run to `path` atomically.
pub fn series_chart(path: &Path, scenario: &Scenario, series: &Series) -> anyhow::Result<()> {
    crate::report::write_atomically(path, |out| write_series(out, scenario, series))
}

/// One row: backlog on the left, capacity against demand on the right, for the sum over `municipalities`.
fn draw_row(
    area: &DrawingArea<SVGBackend, Shift>,
    series: &Series,
    municipalities: &[usize],
    name: &str,
    shade: &[(usize, usize)],
    legend: bool,
) -> DrawResult {
    let (left, right) = area.split_horizontally(WIDTH / 2);
    let sum_groups = |pick: fn(&GroupDay) -> u32| -> Vec<f64> {
        (0..series.days)
            .map(|day| {
                municipalities
                    .iter()
                    .flat_map(|&m| series.group_rows(day, m))
                    .map(|row| f64::from(pick(row)))
                    .sum()
            })
            .collect()
    };
    let capacity: Vec<f64> = (0..series.days)
        .map(|day| {
            municipalities
                .iter()
                .map(|&m| series.municipality_row(day, m).capacity)
                .sum()
        })
        .collect();
    time_panel(
        &left,
        &TimePanel {
            title: format!("{name}: meetings pending and overdue"),
            y_label: "meetings",
            start: series.start,
            days: series.days,
            lines: vec![
                Line {
                    label: "pending",
                    color: PENDING_COLOR,
                    width: 2,
                    first_day: 0,
                    values: sum_groups(|r| r.pending),
                },
                Line {
                    label: "overdue (the backlog)",
                    color: OVERDUE_COLOR,
                    width: 2,
                    first_day: 0,
                    values: sum_groups(|r| r.overdue),
                },
            ],
            shade,
            legend,
            font_size: 13,
        },
    )?;
    time_panel(
        &right,
        &TimePanel {
            title: format!("{name}: capacity and meetings due per day"),
            y_label: "meetings per day (7-day mean)",
            start: series.start,
            days: series.days,
            lines: vec![
                Line {
                    label: "capacity",
                    color: CAPACITY_COLOR,
                    width: 2,
                    first_day: 0,
                    values: trailing_mean(&capacity, MEAN_DAYS),
                },
                Line {
                    label: "meetings due (demand)",
                    color: DEMAND_COLOR,
                    width: 2,
                    first_day: 0,
                    values: trailing_mean(&sum_groups(|r| r.due), MEAN_DAYS),
                },
            ],
            shade,
            legend,
            font_size: 13,
        },
    )
}

/// Inclusive reported-day ranges of the scenario's suspensions that overlap the series.
pub fn suspension_days(scenario: &Scenario, series: &Series) -> Vec<(usize, usize)> {
    let last = series.days as i64 - 1;
    scenario
        .suspensions
        .iter()
        .filter_map(|s| {
            let from = (s.start - series.start).num_days().max(0);
            let to = (s.end - series.start).num_days().min(last);
            (from <= to).then_some((from as usize, to as usize))
        })
        .collect()
}

/// Municipalities with the largest overdue peaks, largest first; none when there is only one municipality
/// (the total row already shows it).
pub fn largest_backlogs(series: &Series) -> Vec<usize> {
    if series.municipalities < 2 {
        return Vec::new();
    }
    let peak = |m: usize| {
        (0..series.days)
            .map(|day| {
                series
                    .group_rows(day, m)
                    .iter()
                    .map(|r| r.overdue)
                    .sum::<u32>()
            })
            .max()
            .unwrap_or(0)
    };
    let mut ranked: Vec<(u32, usize)> = (0..series.municipalities).map(|m| (peak(m), m)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .take(MAX_MUNICIPALITY_PANELS)
        .map(|(_, m)| m)
        .collect()
}

/// Mean of each day and the `window - 1` days before it (fewer at the start).
pub fn trailing_mean(values: &[f64], window: usize) -> Vec<f64> {
    let mut sum = 0.0;
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            sum += v;
            if i >= window {
                sum -= values[i - window];
            }
            sum / (i + 1).min(window) as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_mean_averages_what_is_there() {
        assert_eq!(
            trailing_mean(&[7.0, 0.0, 2.0, 4.0], 2),
            vec![7.0, 3.5, 1.0, 3.0]
        );
    }
}
