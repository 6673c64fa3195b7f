//! Charts as SVG, drawn with plotters' SVG backend only: no system libraries and no font files.
//!
//! Text is written as SVG `<text>` elements and laid out by whatever renders the file, so plotters only needs its
//! built-in size estimate. Three charts, one file each:
//! - [`series`]: one run over time. For the total and for the municipalities with the largest backlog peaks, a
//!   row of two panels: pending and overdue meetings (left) and capacity against meetings falling due, as 7-day
//!   means (right); suspension windows are shaded in every panel.
//! - [`overlay`]: the total overdue of several runs on one time axis (`backlog compare --plot`).
//! - [`sweep`]: days to clear the backlog against a swept input, the mean with its 5 %-95 % band.
//!
//! This file holds what they share: colours, the SVG document, titles and the date-axis panel. Every daily line
//! has exactly one point per day it covers, so a test can find each series in the file.

mod overlay;
mod series;
mod sweep;

pub use overlay::{write_overlay, OverlayLine};
pub use series::{largest_backlogs, suspension_days, trailing_mean, write_series};
pub use sweep::write_sweep;

use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io::Write;

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

/// One daily line of a date panel, starting on day `first_day` of the panel.
struct Line<'a> {
    label: &'a str,
    color: RGBColor,
    width: u32,
    first_day: i32,
    values: Vec<f64>,
}

/// A panel with a date axis from `start` over `days` days; `shade` holds inclusive day ranges.
struct TimePanel<'a> {
    /// Caption above the panel; none when empty.
    title: String,
    y_label: &'a str,
    start: NaiveDate,
    days: usize,
    lines: Vec<Line<'a>>,
    shade: &'a [(usize, usize)],
    legend: bool,
    font_size: u32,
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

/// Draws a date panel: mesh with month ticks, shaded windows, the lines, and the legend if asked for.
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
    let font = panel.font_size;
    let mut builder = ChartBuilder::on(area);
    if !panel.title.is_empty() {
        builder.caption(&panel.title, (FONT, font + 4));
    }
    let mut chart = builder
        .margin_top(6)
        .margin_left(10)
        .margin_right(24)
        .margin_bottom(6)
        .x_label_area_size(30)
        .y_label_area_size(72)
        .build_cartesian_2d((0..x_end).with_key_points(ticks), 0.0..y_top)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.08))
        .x_label_formatter(&date_label)
        .y_label_formatter(&|y| super::thousands(*y))
        .y_desc(panel.y_label)
        .label_style((FONT, font))
        .axis_desc_style((FONT, font))
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
        let (color, width) = (line.color, line.width);
        let drawn = chart.draw_series(LineSeries::new(
            line.values
                .iter()
                .enumerate()
                .map(|(day, &v)| (line.first_day + day as i32, v)),
            color.stroke_width(width),
        ))?;
        if panel.legend {
            drawn.label(line.label).legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 18, y)], color.stroke_width(width.max(3)))
            });
        }
    }
    if panel.legend {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, font))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.25))
            .draw()?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

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
