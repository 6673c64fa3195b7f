//! The chart of one run: the total and chosen municipalities, each as backlog and capacity-against-demand panels,
//! and with an `[akasse]` section a row for the a-kasse side under the total; and the single panels (backlog,
//! capacity, benefit groups) and the a-kasse's row that the HTML report embeds one by one.

use super::{
    draw_title, render, time_panel, Event, Line, Shade, TimePanel, CAPACITY_COLOR, DEMAND_COLOR,
    HELD_COLOR, MARKERS, MAX_MUNICIPALITY_PANELS, MEAN_DAYS, OVERDUE_COLOR, PALETTE, PENDING_COLOR,
    SHADE_COLOR, SHADE_OPACITY, TITLE_HEIGHT, WIDTH,
};
use crate::engine::metrics::{AkasseDay, GroupDay, Series};
use crate::output::Output;
use crate::report::lang::Lang;
use crate::scenario::{ActionKind, Scenario, Suspension};
use chrono::NaiveDate;
use std::io::Write;

const TOTAL_ROW_HEIGHT: u32 = 400;
const MUNICIPALITY_ROW_HEIGHT: u32 = 250;
/// The a-kasse side's row, under the total (with an `[akasse]` section only).
const AKASSE_ROW_HEIGHT: u32 = 360;

/// What the chart of one run shows, beyond the run itself.
#[derive(Debug, Clone, Default)]
pub struct SeriesOptions {
    /// Municipalities (indices) drawn below the total; `None`: the largest backlog peaks.
    pub municipalities: Option<Vec<usize>>,
    pub lang: Lang,
}

/// The chart of one run (see the module comment), written to `out`.
pub fn write_series(
    out: &mut dyn Write,
    scenario: &Scenario,
    series: &Series,
    options: &SeriesOptions,
) -> std::io::Result<()> {
    let lang = options.lang;
    let shown = match &options.municipalities {
        Some(chosen) => chosen.clone(),
        None => largest_backlogs(series),
    };
    // A one-municipality scenario's total is that municipality: no second row for it.
    let shown: Vec<usize> = if series.municipalities < 2 {
        Vec::new()
    } else {
        shown
    };
    let akasse_height = if series.has_akasse() {
        AKASSE_ROW_HEIGHT
    } else {
        0
    };
    let height = TITLE_HEIGHT
        + TOTAL_ROW_HEIGHT
        + akasse_height
        + MUNICIPALITY_ROW_HEIGHT * shown.len() as u32;
    render(out, (WIDTH, height), |root| {
        let (title, body) = root.split_vertically(TITLE_HEIGHT);
        let mut subtitle = lang.text("series_subtitle").to_string();
        if !shown.is_empty() {
            subtitle.push(' ');
            match options.municipalities {
                Some(_) => subtitle.push_str(lang.text("series_chosen")),
                None => {
                    subtitle.push_str(&lang.fill("series_largest", &[&shown.len().to_string()]))
                }
            }
        }
        draw_title(
            &title,
            &lang.fill(
                "series_title",
                &[
                    &scenario.label(),
                    &scenario.start.to_string(),
                    &scenario.end.to_string(),
                ],
            ),
            &subtitle,
        )?;
        let (total_row, mut rest) = body.split_vertically(TOTAL_ROW_HEIGHT);
        let all: Vec<usize> = (0..series.municipalities).collect();
        let total_name = total_name(scenario, lang);
        let (left, right) = total_row.split_horizontally(WIDTH / 2);
        time_panel(
            &left,
            &backlog_panel(scenario, series, &all, &total_name, true, lang),
        )?;
        time_panel(
            &right,
            &capacity_panel(scenario, series, &all, &total_name, true, lang),
        )?;
        if series.has_akasse() {
            let (akasse_row, below) = rest.split_vertically(AKASSE_ROW_HEIGHT);
            akasse_panels(&akasse_row, scenario, series, &total_name, lang)?;
            rest = below;
        }
        for &m in &shown {
            let (row, below) = rest.split_vertically(MUNICIPALITY_ROW_HEIGHT);
            let name = &scenario.municipalities[m].name;
            let (left, right) = row.split_horizontally(WIDTH / 2);
            time_panel(
                &left,
                &backlog_panel(scenario, series, &[m], name, false, lang),
            )?;
            time_panel(
                &right,
                &capacity_panel(scenario, series, &[m], name, false, lang),
            )?;
            rest = below;
        }
        Ok(())
    })
}

/// The name of the whole of a scenario: its one municipality's, or "All municipalities".
pub fn total_name(scenario: &Scenario, lang: Lang) -> String {
    match scenario.municipalities.as_slice() {
        [only] => only.name.clone(),
        _ => lang.text("all_municipalities").to_string(),
    }
}

/// Writes the chart of one run to `output`, as SVG or PNG.
pub fn series_chart(
    output: &Output,
    scenario: &Scenario,
    series: &Series,
    options: &SeriesOptions,
) -> anyhow::Result<()> {
    super::write_chart(output, |out| write_series(out, scenario, series, options))
}

/// One panel as a chart of its own, of `size` pixels.
pub fn write_panel(
    out: &mut dyn Write,
    panel: &TimePanel,
    size: (u32, u32),
) -> std::io::Result<()> {
    render(out, size, |root| time_panel(root, panel))
}

/// The a-kasse side's two panels side by side in `area`: its backlog, and its capacity against the meetings
/// it held.
fn akasse_panels(
    area: &plotters::drawing::DrawingArea<plotters::prelude::SVGBackend, plotters::coord::Shift>,
    scenario: &Scenario,
    series: &Series,
    name: &str,
    lang: Lang,
) -> super::DrawResult {
    let all: Vec<usize> = (0..series.municipalities).collect();
    let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
    time_panel(
        &left,
        &akasse_backlog_panel(scenario, series, &all, name, lang),
    )?;
    time_panel(
        &right,
        &akasse_held_panel(scenario, series, &all, name, lang),
    )
}

/// The a-kasse side's row of the chart of one run as a chart of its own, of `size` pixels (the HTML report).
/// A series without the a-kasse side has none: the caller asks [`Series::has_akasse`] first.
pub fn write_akasse(
    out: &mut dyn Write,
    scenario: &Scenario,
    series: &Series,
    name: &str,
    lang: Lang,
    size: (u32, u32),
) -> std::io::Result<()> {
    render(out, size, |root| {
        akasse_panels(root, scenario, series, name, lang)
    })
}

/// Daily sums over `municipalities` and every group of one field.
fn sum_groups(series: &Series, municipalities: &[usize], pick: fn(&GroupDay) -> u32) -> Vec<f64> {
    daily_sum(series, municipalities, |day, m| {
        series
            .group_rows(day, m)
            .iter()
            .map(|row| f64::from(pick(row)))
            .sum()
    })
}

/// Each day's sum over `municipalities` of `value(day, municipality)`.
fn daily_sum(
    series: &Series,
    municipalities: &[usize],
    value: impl Fn(usize, usize) -> f64,
) -> Vec<f64> {
    (0..series.days)
        .map(|day| municipalities.iter().map(|&m| value(day, m)).sum())
        .collect()
}

/// A panel of `lines` over the series' days, shaded and marked by `decorations` (the suspensions' windows and
/// the scenario's dated events).
fn panel(
    series: &Series,
    title: String,
    y_label: &str,
    lines: Vec<Line>,
    (shades, events): (Vec<Shade>, Vec<Event>),
    legend: bool,
    lang: Lang,
) -> TimePanel {
    TimePanel {
        title,
        y_label: y_label.to_string(),
        start: series.start,
        days: series.days,
        lines,
        bands: Vec::new(),
        shades,
        shade_label: Some(lang.text("suspension").to_string()),
        events,
        legend,
        font_size: 13,
        lang,
    }
}

fn line(label: &str, color: plotters::style::RGBColor, marker: usize, values: Vec<f64>) -> Line {
    Line {
        label: label.to_string(),
        color,
        width: 2,
        marker: MARKERS[marker % MARKERS.len()],
        first_day: 0,
        values,
    }
}

/// The line's [`MEAN_DAYS`]-day trailing means, drawn from the first day that has a full window.
fn weekly_mean(line: Line) -> Line {
    Line {
        first_day: line.first_day + MEAN_DAYS as i32 - 1,
        values: trailing_mean(&line.values, MEAN_DAYS),
        ..line
    }
}

/// The shading and events every panel of one run carries.
pub(super) fn decorations(
    scenario: &Scenario,
    series: &Series,
    lang: Lang,
) -> (Vec<Shade>, Vec<Event>) {
    decorations_of(scenario, series, lang, |_| true)
}

/// The shading of the suspensions for which `shaded` holds, and every event.
fn decorations_of(
    scenario: &Scenario,
    series: &Series,
    lang: Lang,
    shaded: fn(&Suspension) -> bool,
) -> (Vec<Shade>, Vec<Event>) {
    let shades = suspension_days_of(scenario, series, shaded)
        .into_iter()
        .map(|(from, to)| Shade {
            from,
            to,
            color: SHADE_COLOR,
            opacity: SHADE_OPACITY,
        })
        .collect();
    (
        shades,
        scenario_events(scenario, series.start, series.days, lang),
    )
}

/// Meetings pending and overdue, summed over `municipalities`.
pub fn backlog_panel(
    scenario: &Scenario,
    series: &Series,
    municipalities: &[usize],
    name: &str,
    legend: bool,
    lang: Lang,
) -> TimePanel {
    let lines = vec![
        line(
            lang.text("pending"),
            PENDING_COLOR,
            0,
            sum_groups(series, municipalities, |r| r.pending),
        ),
        line(
            lang.text("overdue"),
            OVERDUE_COLOR,
            1,
            sum_groups(series, municipalities, |r| r.overdue),
        ),
    ];
    panel(
        series,
        lang.fill("panel_backlog", &[name]),
        lang.text("meetings"),
        lines,
        decorations(scenario, series, lang),
        legend,
        lang,
    )
}

/// Capacity against meetings falling due, 7-day means, summed over `municipalities`.
pub fn capacity_panel(
    scenario: &Scenario,
    series: &Series,
    municipalities: &[usize],
    name: &str,
    legend: bool,
    lang: Lang,
) -> TimePanel {
    let capacity = daily_sum(series, municipalities, |day, m| {
        series.municipality_row(day, m).capacity
    });
    let lines = vec![
        weekly_mean(line(lang.text("capacity"), CAPACITY_COLOR, 2, capacity)),
        weekly_mean(line(
            lang.text("demand"),
            DEMAND_COLOR,
            3,
            sum_groups(series, municipalities, |r| r.due),
        )),
    ];
    panel(
        series,
        lang.fill("panel_capacity", &[name]),
        lang.text("meetings_per_day"),
        lines,
        decorations(scenario, series, lang),
        legend,
        lang,
    )
}

/// Daily sums over `municipalities` of one field of the a-kasse side.
fn sum_akasse(series: &Series, municipalities: &[usize], pick: fn(&AkasseDay) -> f64) -> Vec<f64> {
    daily_sum(series, municipalities, |day, m| {
        pick(series.akasse_row(day, m))
    })
}

/// The a-kasse's meetings (its own and the joint ones) pending and overdue, summed over `municipalities`;
/// shaded are the windows that close the a-kasse.
pub fn akasse_backlog_panel(
    scenario: &Scenario,
    series: &Series,
    municipalities: &[usize],
    name: &str,
    lang: Lang,
) -> TimePanel {
    let lines = vec![
        line(
            lang.text("akasse_pending"),
            PENDING_COLOR,
            0,
            sum_akasse(series, municipalities, |r| f64::from(r.meetings.pending)),
        ),
        line(
            lang.text("akasse_overdue"),
            OVERDUE_COLOR,
            1,
            sum_akasse(series, municipalities, |r| f64::from(r.meetings.overdue)),
        ),
    ];
    panel(
        series,
        lang.fill("panel_akasse_backlog", &[name]),
        lang.text("meetings"),
        lines,
        decorations_of(scenario, series, lang, |s| s.closes.akasse()),
        true,
        lang,
    )
}

/// The a-kasse's capacity against the meetings it held, 7-day means, summed over `municipalities`.
pub fn akasse_held_panel(
    scenario: &Scenario,
    series: &Series,
    municipalities: &[usize],
    name: &str,
    lang: Lang,
) -> TimePanel {
    let lines = vec![
        weekly_mean(line(
            lang.text("akasse_capacity"),
            CAPACITY_COLOR,
            2,
            sum_akasse(series, municipalities, |r| r.capacity),
        )),
        weekly_mean(line(
            lang.text("akasse_held"),
            HELD_COLOR,
            4,
            sum_akasse(series, municipalities, |r| f64::from(r.meetings.held)),
        )),
    ];
    panel(
        series,
        lang.fill("panel_akasse_held", &[name]),
        lang.text("meetings_per_day"),
        lines,
        decorations_of(scenario, series, lang, |s| s.closes.akasse()),
        true,
        lang,
    )
}

/// Overdue meetings of each benefit group, summed over all municipalities: one line per group.
pub fn groups_panel(scenario: &Scenario, series: &Series, lang: Lang) -> TimePanel {
    let every: Vec<usize> = (0..series.municipalities).collect();
    let lines = scenario
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let values = daily_sum(series, &every, |day, m| {
                f64::from(series.row(day, m, g).overdue)
            });
            line(&group.name, PALETTE[g % PALETTE.len()], g, values)
        })
        .collect();
    panel(
        series,
        lang.fill("groups_title", &[&total_name(scenario, lang)]),
        lang.text("overdue_meetings"),
        lines,
        decorations(scenario, series, lang),
        true,
        lang,
    )
}

/// The dated events of a scenario inside `days` days from `start`: each suspension's start, the reopening the
/// day after it ends, and the day after each `shift` window (the end of a dead period), when frozen schedules
/// resume. One event per day and kind.
pub fn scenario_events(
    scenario: &Scenario,
    start: NaiveDate,
    days: usize,
    lang: Lang,
) -> Vec<Event> {
    let mut dated: Vec<(NaiveDate, &str)> = Vec::new();
    for suspension in &scenario.suspensions {
        dated.push((suspension.start, "event_suspension"));
        if let Some(next) = suspension.end.succ_opt() {
            dated.push((next, "event_reopening"));
        }
        for action in suspension
            .actions
            .iter()
            .filter(|a| a.kind == ActionKind::Shift)
        {
            if let Some(next) = action.to.succ_opt() {
                dated.push((next, "event_dead_period"));
            }
        }
    }
    dated.sort();
    dated.dedup();
    dated
        .into_iter()
        .filter_map(|(date, key)| {
            let day = (date - start).num_days();
            (0..days as i64).contains(&day).then(|| Event {
                day: day as usize,
                label: lang.fill(key, &[&lang.short_date(date)]),
                color: super::EVENT_COLOR,
            })
        })
        .collect()
}

/// Inclusive reported-day ranges of the scenario's suspensions that overlap the series.
pub fn suspension_days(scenario: &Scenario, series: &Series) -> Vec<(usize, usize)> {
    suspension_days_of(scenario, series, |_| true)
}

/// The same, of the suspensions for which `shaded` holds.
fn suspension_days_of(
    scenario: &Scenario,
    series: &Series,
    shaded: fn(&Suspension) -> bool,
) -> Vec<(usize, usize)> {
    let last = series.days as i64 - 1;
    scenario
        .suspensions
        .iter()
        .filter(|s| shaded(s))
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

/// Mean of each day and the `window - 1` days before it, from the first day with a full window: a shorter mean
/// at the start would weigh a holiday or a weekend as if it were a whole week. Starts on day `window - 1`.
pub fn trailing_mean(values: &[f64], window: usize) -> Vec<f64> {
    values
        .windows(window)
        .map(|days| days.iter().sum::<f64>() / window as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_mean_averages_full_windows_only() {
        assert_eq!(trailing_mean(&[7.0, 0.0, 2.0, 4.0], 2), vec![3.5, 1.0, 3.0]);
        assert!(trailing_mean(&[1.0, 2.0], 3).is_empty());
    }
}
