//! Charts as SVG, drawn with plotters' SVG backend only: no system libraries and no font files.
//!
//! Text is written as SVG `<text>` elements and laid out by whatever renders the file, so plotters only needs its
//! built-in size estimate. Three charts:
//! - [`write_series`]: one run over time. For the total and for the municipalities with the largest backlog
//!   peaks, a row of two panels: pending and overdue meetings (left) and capacity against meetings falling due,
//!   as 7-day means (right); suspension windows are shaded in every panel.
//! - [`write_overlay`]: the total overdue of several runs on one time axis (`backlog compare --plot`).
//! - [`write_sweep`]: days to clear the backlog against a swept input, the mean with its 5 %-95 % band.
//!
//! Every daily line has exactly one point per reported day, so a test can find each series in the file.

use crate::engine::metrics::Series;
use crate::scenario::Scenario;
use crate::summary::Band;
use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io::Write;
use std::path::Path;

/// Width of every chart in pixels.
pub const WIDTH: u32 = 1200;
/// Municipality rows shown under the total, the largest backlog peaks first.
pub const MAX_MUNICIPALITY_PANELS: usize = 4;
/// Days in the moving mean of capacity and demand.
pub const MEAN_DAYS: usize = 7;

pub const PENDING_COLOR: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
pub const OVERDUE_COLOR: RGBColor = RGBColor(0xd6, 0x27, 0x28);
pub const CAPACITY_COLOR: RGBColor = RGBColor(0x2c, 0xa0, 0x2c);
pub const DEMAND_COLOR: RGBColor = RGBColor(0x44, 0x44, 0x44);
/// Fill of the suspension windows (drawn at [`SHADE_OPACITY`]).
pub const SHADE_COLOR: RGBColor = RGBColor(0xff, 0xa5, 0x00);
pub const SHADE_OPACITY: f64 = 0.18;
/// Colours of the runs in an overlay and of the sweep, in order.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x17, 0xbe, 0xcf),
];

const TITLE_HEIGHT: u32 = 56;
const TOTAL_ROW_HEIGHT: u32 = 380;
const MUNICIPALITY_ROW_HEIGHT: u32 = 240;
const FONT: &str = "sans-serif";
/// Space above the highest line in panels with a legend, so the legend box does not hide data.
const LEGEND_HEADROOM: f64 = 1.2;

/// One daily line of a time panel.
struct Line<'a> {
    label: &'a str,
    color: RGBColor,
    values: Vec<f64>,
}

/// A panel with a date axis: `lines` are indexed by day from `start`, `shade` holds inclusive day ranges.
struct TimePanel<'a> {
    title: String,
    y_label: &'a str,
    start: NaiveDate,
    days: usize,
    lines: Vec<Line<'a>>,
    shade: &'a [(usize, usize)],
    legend: bool,
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn io_error(error: Box<dyn std::error::Error>) -> std::io::Error {
    std::io::Error::other(format!("cannot draw the chart: {error}"))
}

/// Draws into an SVG document held in memory, then writes it out.
fn render(
    out: &mut dyn Write,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> DrawResult,
) -> std::io::Result<()> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| io_error(e.into()))?;
        draw(&root).map_err(io_error)?;
        root.present().map_err(|e| io_error(e.into()))?;
    }
    out.write_all(svg.as_bytes())?;
    if !svg.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}

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
                scenario.name, scenario.start, scenario.end
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
    super::write_atomically(path, |out| write_series(out, scenario, series))
}

fn draw_title(area: &DrawingArea<SVGBackend, Shift>, title: &str, subtitle: &str) -> DrawResult {
    area.draw(&Text::new(
        title.to_string(),
        (16, 8),
        (FONT, 24).into_font().style(FontStyle::Bold),
    ))?;
    area.draw(&Text::new(
        subtitle.to_string(),
        (16, 36),
        (FONT, 15).into_font().color(&DEMAND_COLOR),
    ))?;
    Ok(())
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
    let sum_groups = |pick: fn(&crate::engine::metrics::GroupDay) -> u32| -> Vec<f64> {
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
                    values: sum_groups(|r| r.pending),
                },
                Line {
                    label: "overdue (the backlog)",
                    color: OVERDUE_COLOR,
                    values: sum_groups(|r| r.overdue),
                },
            ],
            shade,
            legend,
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
                    values: trailing_mean(&capacity, MEAN_DAYS),
                },
                Line {
                    label: "meetings due (demand)",
                    color: DEMAND_COLOR,
                    values: trailing_mean(&sum_groups(|r| r.due), MEAN_DAYS),
                },
            ],
            shade,
            legend,
        },
    )
}

fn time_panel(area: &DrawingArea<SVGBackend, Shift>, panel: &TimePanel) -> DrawResult {
    let x_end = panel.days.saturating_sub(1).max(1) as i32;
    let highest = panel
        .lines
        .iter()
        .flat_map(|l| l.values.iter().copied())
        .fold(0.0, f64::max);
    // Headroom above the lines for the legend box.
    let y_top = nice_top(if panel.legend {
        highest * LEGEND_HEADROOM
    } else {
        highest
    });
    let (ticks, format) = month_ticks(panel.start, panel.days, area.dim_in_pixel().0);
    let start = panel.start;
    let date_label = move |x: &i32| {
        let date = start + chrono::Days::new((*x).max(0) as u64);
        date.format(format).to_string()
    };
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FONT, 17))
        .margin_top(6)
        .margin_left(10)
        .margin_right(24)
        .margin_bottom(6)
        .x_label_area_size(30)
        .y_label_area_size(68)
        .build_cartesian_2d((0..x_end).with_key_points(ticks), 0.0..y_top)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.08))
        .x_label_formatter(&date_label)
        .y_label_formatter(&|y| super::thousands(*y))
        .y_desc(panel.y_label)
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 13))
        .draw()?;
    if !panel.shade.is_empty() {
        let shade_style = SHADE_COLOR.mix(SHADE_OPACITY).filled();
        let drawn = chart.draw_series(panel.shade.iter().map(|&(from, to)| {
            Rectangle::new(
                [(from as i32, 0.0), ((to as i32 + 1).min(x_end), y_top)],
                shade_style,
            )
        }))?;
        if panel.legend {
            drawn
                .label("suspension")
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], shade_style));
        }
    }
    for line in &panel.lines {
        let color = line.color;
        let drawn = chart.draw_series(LineSeries::new(
            line.values
                .iter()
                .enumerate()
                .map(|(day, &v)| (day as i32, v)),
            color.stroke_width(2),
        ))?;
        if panel.legend {
            drawn.label(line.label).legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 18, y)], color.stroke_width(3))
            });
        }
    }
    if panel.legend {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 13))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.25))
            .draw()?;
    }
    Ok(())
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

/// A round axis top a little above `max`.
fn nice_top(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let target = max * 1.08;
    let magnitude = 10f64.powf(target.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|step| step * magnitude)
        .find(|&top| top >= target)
        .unwrap_or(target)
}

/// Ticks on the first day of every month, or of every second, third, sixth or twelfth month when the panel is
/// too narrow for them; with the label format that fits.
fn month_ticks(start: NaiveDate, days: usize, width: u32) -> (Vec<i32>, &'static str) {
    let max_ticks = (width / 80).max(2) as usize;
    let months = months_between(start, days);
    let step = [1, 2, 3, 6, 12]
        .into_iter()
        .find(|step| months.len().div_ceil(*step) <= max_ticks)
        .unwrap_or(12);
    let ticks: Vec<i32> = months
        .iter()
        .filter(|(date, _)| date.month0() as usize % step == 0)
        .map(|&(_, day)| day as i32)
        .collect();
    (ticks, if step >= 12 { "%Y" } else { "%b %Y" })
}

/// The first days of months inside the series, with their day index.
fn months_between(start: NaiveDate, days: usize) -> Vec<(NaiveDate, usize)> {
    let mut out = Vec::new();
    let mut month = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).expect("valid date");
    loop {
        let day = (month - start).num_days();
        if day >= days as i64 {
            return out;
        }
        if day >= 0 {
            out.push((month, day as usize));
        }
        month = month + chrono::Months::new(1);
    }
}

/// One run's daily values in an overlay chart.
#[derive(Debug, Clone)]
pub struct OverlayLine {
    pub label: String,
    pub start: NaiveDate,
    pub values: Vec<f64>,
}

/// Several runs on one date axis (from the earliest start to the latest end), with `shade` (dates, inclusive)
/// marking the suspensions of the first run.
pub fn write_overlay(
    out: &mut dyn Write,
    title: &str,
    y_label: &str,
    lines: &[OverlayLine],
    shade: &[(NaiveDate, NaiveDate)],
) -> std::io::Result<()> {
    let Some(start) = lines.iter().map(|l| l.start).min() else {
        return Err(std::io::Error::other(
            "an overlay chart needs at least one line",
        ));
    };
    let end = lines
        .iter()
        .map(|l| l.start + chrono::Days::new(l.values.len().saturating_sub(1) as u64))
        .max()
        .unwrap_or(start);
    let days = (end - start).num_days() as usize + 1;
    let offset = |date: NaiveDate| (date - start).num_days();
    let shade_days: Vec<(usize, usize)> = shade
        .iter()
        .filter_map(|&(from, to)| {
            let (from, to) = (offset(from).max(0), offset(to).min(days as i64 - 1));
            (from <= to).then_some((from as usize, to as usize))
        })
        .collect();
    let height = 560 + 22 * lines.len() as u32;
    render(out, (WIDTH, height), |root| {
        let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
        draw_title(
            &title_area,
            title,
            "Shaded: suspension windows of the first scenario. One replication each. Where runs coincide, the wider line is the earlier one.",
        )?;
        overlay_panel(&body, start, days, y_label, &shade_days, lines)
    })
}

/// Each line is drawn from its own first day, so runs that start later begin further right.
fn overlay_panel(
    area: &DrawingArea<SVGBackend, Shift>,
    start: NaiveDate,
    days: usize,
    y_label: &str,
    shade: &[(usize, usize)],
    lines: &[OverlayLine],
) -> DrawResult {
    let x_end = days.saturating_sub(1).max(1) as i32;
    let y_top = nice_top(
        lines
            .iter()
            .flat_map(|l| l.values.iter().copied())
            .fold(0.0, f64::max)
            * LEGEND_HEADROOM,
    );
    let (ticks, format) = month_ticks(start, days, area.dim_in_pixel().0);
    let date_label = move |x: &i32| {
        let date = start + chrono::Days::new((*x).max(0) as u64);
        date.format(format).to_string()
    };
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(28)
        .x_label_area_size(32)
        .y_label_area_size(78)
        .build_cartesian_2d((0..x_end).with_key_points(ticks), 0.0..y_top)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.08))
        .x_label_formatter(&date_label)
        .y_label_formatter(&|y| super::thousands(*y))
        .y_desc(y_label)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 14))
        .draw()?;
    if !shade.is_empty() {
        let shade_style = SHADE_COLOR.mix(SHADE_OPACITY).filled();
        chart
            .draw_series(shade.iter().map(|&(from, to)| {
                Rectangle::new(
                    [(from as i32, 0.0), ((to as i32 + 1).min(x_end), y_top)],
                    shade_style,
                )
            }))?
            .label("suspension")
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], shade_style));
    }
    for (i, line) in lines.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let first = (line.start - start).num_days() as i32;
        // Earlier lines are wider, so where runs coincide each still shows as a stripe beside the next.
        let width = overlay_width(i, lines.len());
        chart
            .draw_series(LineSeries::new(
                line.values
                    .iter()
                    .enumerate()
                    .map(|(day, &v)| (first + day as i32, v)),
                color.stroke_width(width),
            ))?
            .label(line.label.as_str())
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 18, y)], color.stroke_width(width))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.25))
        .draw()?;
    Ok(())
}

/// Stroke width of line `index` of `count` in an overlay: 2 for the last, 2 more for each earlier one, at most 8.
fn overlay_width(index: usize, count: usize) -> u32 {
    (2 + 2 * (count - 1 - index) as u32).min(8)
}

/// Writes an overlay chart to `path` atomically.
pub fn overlay_chart(
    path: &Path,
    title: &str,
    y_label: &str,
    lines: &[OverlayLine],
    shade: &[(NaiveDate, NaiveDate)],
) -> anyhow::Result<()> {
    super::write_atomically(path, |out| write_overlay(out, title, y_label, lines, shade))
}

/// Days to clear against a swept input: the mean as a line with a dot per point, the 5 %-95 % band shaded
/// around it, and a cross on the top edge where the backlog was not cleared in every replication.
pub fn write_sweep(
    out: &mut dyn Write,
    x_label: &str,
    points: &[(f64, Band)],
) -> std::io::Result<()> {
    let mut points: Vec<(f64, Band)> = points
        .iter()
        .copied()
        .filter(|(x, _)| x.is_finite())
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    if points.is_empty() {
        return Err(std::io::Error::other(
            "a sweep chart needs at least one point",
        ));
    }
    render(out, (WIDTH, 640), |root| {
        let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
        draw_title(
            &title_area,
            &format!("Days to clear the backlog against {x_label}"),
            "Line: mean over replications; shaded: 5 %-95 % band; x on the top edge: not cleared in every replication.",
        )?;
        sweep_panel(&body, x_label, &points)
    })
}

fn sweep_panel(
    area: &DrawingArea<SVGBackend, Shift>,
    x_label: &str,
    points: &[(f64, Band)],
) -> DrawResult {
    let (x_min, x_max) = (points[0].0, points[points.len() - 1].0);
    let pad = if x_max > x_min {
        (x_max - x_min) * 0.04
    } else {
        x_min.abs().max(1.0) * 0.1
    };
    let y_top = nice_top(
        points
            .iter()
            .flat_map(|(_, b)| [b.mean, b.p5, b.p95])
            .flatten()
            .fold(0.0, f64::max),
    );
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(28)
        .x_label_area_size(44)
        .y_label_area_size(78)
        .build_cartesian_2d((x_min - pad)..(x_max + pad), 0.0..y_top)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.08))
        .x_desc(x_label)
        .y_desc("days to clear (from the end of the suspension)")
        .y_label_formatter(&|y| super::thousands(*y))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 14))
        .draw()?;
    let color = PALETTE[0];
    // The band, one polygon per run of consecutive points that have both ends.
    let mut runs: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new()];
    for (x, band) in points {
        match (band.p5, band.p95) {
            (Some(low), Some(high)) => runs.last_mut().expect("never empty").push((*x, low, high)),
            _ => runs.push(Vec::new()),
        }
    }
    let band_style = color.mix(0.2).filled();
    let polygons: Vec<Vec<(f64, f64)>> = runs
        .into_iter()
        .filter(|run| !run.is_empty())
        .map(|run| {
            let mut outline: Vec<(f64, f64)> = run.iter().map(|&(x, low, _)| (x, low)).collect();
            outline.extend(run.iter().rev().map(|&(x, _, high)| (x, high)));
            outline
        })
        .collect();
    if !polygons.is_empty() {
        chart
            .draw_series(
                polygons
                    .into_iter()
                    .map(|outline| Polygon::new(outline, band_style)),
            )?
            .label("5 %-95 % over replications")
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], band_style));
    }
    let means: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|(x, b)| Some((*x, b.mean?)))
        .collect();
    if !means.is_empty() {
        chart
            .draw_series(LineSeries::new(
                means.iter().copied(),
                color.stroke_width(2),
            ))?
            .label("mean days to clear")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(3)));
        chart.draw_series(means.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
    }
    let not_cleared: Vec<f64> = points
        .iter()
        .filter(|(_, b)| b.mean.is_none())
        .map(|(x, _)| *x)
        .collect();
    if !not_cleared.is_empty() {
        chart
            .draw_series(
                not_cleared
                    .iter()
                    .map(|&x| Cross::new((x, y_top), 7, OVERDUE_COLOR.stroke_width(2))),
            )?
            .label("not cleared in every replication")
            .legend(move |(x, y)| Cross::new((x + 9, y), 6, OVERDUE_COLOR.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.25))
        .draw()?;
    Ok(())
}

/// Writes the sweep chart to `out_path` atomically.
pub fn sweep_chart(out_path: &Path, x_label: &str, points: &[(f64, Band)]) -> anyhow::Result<()> {
    super::write_atomically(out_path, |out| write_sweep(out, x_label, points))
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

    #[test]
    fn month_ticks_fall_on_first_days_and_thin_out_when_narrow() {
        let start = NaiveDate::from_ymd_opt(2020, 1, 15).unwrap();
        let (ticks, format) = month_ticks(start, 366, 2000);
        assert_eq!(ticks.len(), 12);
        assert_eq!(ticks[0], 17);
        assert_eq!(format, "%b %Y");
        let (narrow, _) = month_ticks(start, 366, 400);
        assert!(narrow.len() <= 5 && !narrow.is_empty());
    }

    #[test]
    fn nice_top_is_round_and_above_the_maximum() {
        assert_eq!(nice_top(0.0), 1.0);
        assert_eq!(nice_top(900.0), 1000.0);
        assert_eq!(nice_top(930.0), 1200.0);
        assert_eq!(nice_top(47_000.0), 60_000.0);
    }
}
