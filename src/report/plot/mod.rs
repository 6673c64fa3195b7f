//! Charts as SVG, drawn with plotters' SVG backend, and as PNG through resvg with a bundled font.
//!
//! The SVG is the chart: text is written as SVG `<text>` elements, and a `.png` path renders that same SVG with
//! resvg (pure Rust, no system libraries) using the DejaVu Sans font shipped inside the binary, so a PNG needs no
//! browser and no installed fonts ([`png`]). Three kinds of chart:
//! - [`series`]: one run over time. For the total and for chosen municipalities (or those with the largest
//!   backlog peaks), a row of two panels: pending and overdue meetings (left) and capacity against meetings
//!   falling due, as 7-day means (right); suspensions shaded and dated events marked in every panel. With an
//!   `[akasse]` section, a row for the a-kasse side under the total: its pending and overdue meetings (left)
//!   and its capacity against the meetings it held, as 7-day means (right), shaded where a window closes it.
//!   Also the single panels, the a-kasse's row and the per-group chart the HTML report embeds.
//! - [`fan`]: the backlog of an ensemble over time, its median with the 50 % and 90 % bands (the HTML report
//!   with `--draws`).
//! - [`overlay`]: the total overdue of several runs on one time axis (`backlog compare --plot`), each run's own
//!   suspensions shaded (a window all runs share in grey, the others in the run's colour).
//! - [`sweep`]: days to clear the backlog against a swept input, with the target line and the answer.
//! - [`tornado`]: how far an answer moves as each uncertain input goes from low to high (`backlog sensitivity`).
//!
//! This file holds what they share: colours and markers, the SVG document, titles, legends and the date panel.
//! Every daily line is one polyline with exactly one point per day it covers, so a test can find each series in
//! the file; markers, legends and event lines are separate elements. Colours are the Okabe-Ito palette, which
//! people with the common colour-vision deficiencies tell apart; every line also carries its own marker shape,
//! so lines stay distinct in greyscale print.

mod fan;
mod overlay;
mod png;
mod series;
mod sweep;
mod tornado;

pub use fan::{backlog_by_day, fan_panel, Fan, FAN_QUANTILES};
pub use overlay::{overlay_chart, overlay_lines, overlay_panel, write_overlay, OverlayLine};
pub use png::svg_to_png;
pub use series::{
    akasse_backlog_panel, akasse_held_panel, backlog_panel, capacity_panel, groups_panel,
    largest_backlogs, scenario_events, series_chart, suspension_days, total_name, trailing_mean,
    write_akasse, write_panel, write_series, SeriesOptions,
};
pub use sweep::{sweep_chart, write_sweep, AxisUnit, SweepChart};
pub use tornado::{tornado_chart, write_tornado, TornadoBar, TornadoChart};

use super::lang::Lang;
use crate::output::Output;
use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::io::Write;

/// Width of every chart in pixels.
pub const WIDTH: u32 = 1200;
/// Municipality rows shown under the total when none are chosen, the largest backlog peaks first.
pub const MAX_MUNICIPALITY_PANELS: usize = 4;
/// Days in the moving mean of capacity and demand.
pub const MEAN_DAYS: usize = 7;
/// The file types a chart can be written as, by extension.
pub const CHART_EXTENSIONS: &[&str] = &["svg", "png"];

/// Okabe-Ito colours.
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
pub const VERMILLION: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
pub const GREEN: RGBColor = RGBColor(0x00, 0x9e, 0x73);
pub const PURPLE: RGBColor = RGBColor(0xcc, 0x79, 0xa7);
pub const ORANGE: RGBColor = RGBColor(0xe6, 0x9f, 0x00);
pub const SKY: RGBColor = RGBColor(0x56, 0xb4, 0xe9);
pub const YELLOW: RGBColor = RGBColor(0xf0, 0xe4, 0x42);

pub const PENDING_COLOR: RGBColor = BLUE;
pub const OVERDUE_COLOR: RGBColor = VERMILLION;
pub const CAPACITY_COLOR: RGBColor = GREEN;
pub const DEMAND_COLOR: RGBColor = BLACK;
/// The meetings the a-kasse held (its panel has no demand line).
pub const HELD_COLOR: RGBColor = PURPLE;
/// Fill of the suspension windows of a one-run chart (drawn at [`SHADE_OPACITY`]): grey, which prints as itself.
pub const SHADE_COLOR: RGBColor = RGBColor(0x88, 0x88, 0x88);
pub const SHADE_OPACITY: f64 = 0.22;
/// Opacity of each run's suspension shading in an overlay, in the run's colour; where runs share a window
/// the shades add up.
pub const OVERLAY_SHADE_OPACITY: f64 = 0.10;
/// Colours of the runs in an overlay, of the groups and of the sweep, in order.
pub const PALETTE: [RGBColor; 8] = [
    BLUE,
    VERMILLION,
    GREEN,
    PURPLE,
    ORANGE,
    SKY,
    BLACK,
    RGBColor(0x99, 0x88, 0x00),
];
/// Colour of event lines and their labels.
pub const EVENT_COLOR: RGBColor = RGBColor(0x33, 0x33, 0x33);

const TITLE_HEIGHT: u32 = 56;
const FONT: &str = "sans-serif";

/// The shape drawn along a line every few days and in its legend entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Triangle,
    Square,
    Cross,
    Ring,
}

/// Markers of the lines of a chart, in order.
pub const MARKERS: [Marker; 5] = [
    Marker::Circle,
    Marker::Triangle,
    Marker::Square,
    Marker::Cross,
    Marker::Ring,
];

/// One daily line of a date panel, starting on day `first_day` of the panel.
pub struct Line {
    pub label: String,
    pub color: RGBColor,
    pub width: u32,
    pub marker: Marker,
    pub first_day: i32,
    pub values: Vec<f64>,
}

/// A band between two daily lines, starting on day `first_day` of the panel (a fan chart's 50 % or 90 % band).
pub struct BandArea {
    pub label: String,
    pub color: RGBColor,
    pub opacity: f64,
    pub first_day: i32,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

/// A shaded range of days (inclusive).
#[derive(Debug, Clone, Copy)]
pub struct Shade {
    pub from: usize,
    pub to: usize,
    pub color: RGBColor,
    pub opacity: f64,
}

/// A dated event marked by a vertical line with a label: a suspension, a reopening, the end of a dead period.
#[derive(Debug, Clone)]
pub struct Event {
    pub day: usize,
    pub label: String,
    pub color: RGBColor,
}

/// A panel with a date axis from `start` over `days` days.
pub struct TimePanel {
    /// Caption above the panel; none when empty.
    pub title: String,
    pub y_label: String,
    pub start: NaiveDate,
    pub days: usize,
    pub lines: Vec<Line>,
    /// Bands drawn under the lines, in order (the widest first).
    pub bands: Vec<BandArea>,
    pub shades: Vec<Shade>,
    /// The legend entry of the shading, if it has one.
    pub shade_label: Option<String>,
    pub events: Vec<Event>,
    pub legend: bool,
    pub font_size: u32,
    pub lang: Lang,
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
    // Only text (titles, names, labels) can hold a control character: written as is, it would make the
    // document ill-formed.
    let svg = super::visible_controls(&svg);
    out.write_all(svg.as_bytes())?;
    if !svg.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}

/// Writes a chart to `output`: as SVG, or rendered to PNG when the file name ends in `.png`.
pub fn write_chart(
    output: &Output,
    draw: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    if !output.has_extension("png") {
        return output.write(draw);
    }
    let mut svg = Vec::new();
    draw(&mut svg)?;
    let svg = String::from_utf8(svg).map_err(|e| anyhow::anyhow!("chart is not UTF-8: {e}"))?;
    let png = svg_to_png(&svg)?;
    output.write(|out| out.write_all(&png))
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
        (FONT, 15).into_font().color(&RGBColor(0x44, 0x44, 0x44)),
    ))?;
    Ok(())
}

/// Rough width in pixels of `text` at plotters font size `size` (plotters writes 0.8 of it as the SVG size).
fn text_width(text: &str, size: u32) -> i32 {
    (text.chars().count() as f64 * f64::from(size) * 0.47) as i32
}

/// Draws `marker` centred on the pixel `(x, y)`.
fn draw_marker_at(
    area: &DrawingArea<SVGBackend, Shift>,
    marker: Marker,
    color: RGBColor,
    (x, y): (i32, i32),
) -> DrawResult {
    match marker {
        Marker::Circle => area.draw(&Circle::new((x, y), 4, color.filled()))?,
        Marker::Ring => area.draw(&Circle::new((x, y), 4, color.stroke_width(2)))?,
        Marker::Triangle => area.draw(&TriangleMarker::new((x, y), 5, color.filled()))?,
        Marker::Square => area.draw(&Rectangle::new(
            [(x - 4, y - 4), (x + 4, y + 4)],
            color.filled(),
        ))?,
        Marker::Cross => area.draw(&Cross::new((x, y), 4, color.stroke_width(2)))?,
    }
    Ok(())
}

/// A legend entry: a line with its marker, or a shaded swatch.
enum LegendItem<'a> {
    Line(&'a Line),
    Swatch(&'a str, RGBColor, f64),
}

/// Lays the legend out in rows across `width` and returns each item's row and x, and the number of rows.
fn legend_layout(items: &[LegendItem], width: i32, font: u32) -> (Vec<(i32, i32)>, i32) {
    let mut placed = Vec::new();
    let (mut row, mut x) = (0, 0);
    for item in items {
        let label = match item {
            LegendItem::Line(line) => line.label.as_str(),
            LegendItem::Swatch(label, ..) => label,
        };
        let w = 34 + text_width(label, font) + 18;
        if x > 0 && x + w > width {
            row += 1;
            x = 0;
        }
        placed.push((row, x));
        x += w;
    }
    (placed, if items.is_empty() { 0 } else { row + 1 })
}

/// Draws the legend into its strip, starting at `left`.
fn draw_legend(
    area: &DrawingArea<SVGBackend, Shift>,
    items: &[LegendItem],
    left: i32,
    font: u32,
) -> DrawResult {
    let width = area.dim_in_pixel().0 as i32 - left;
    let (placed, _) = legend_layout(items, width, font);
    let row_height = font as i32 + 8;
    for (item, &(row, x)) in items.iter().zip(&placed) {
        let (x, y) = (left + x, row * row_height + row_height / 2 + 2);
        let label = match item {
            LegendItem::Line(line) => {
                area.draw(&PathElement::new(
                    [(x, y), (x + 26, y)],
                    line.color.stroke_width(line.width.max(2)),
                ))?;
                draw_marker_at(area, line.marker, line.color, (x + 13, y))?;
                line.label.as_str()
            }
            LegendItem::Swatch(label, color, opacity) => {
                area.draw(&Rectangle::new(
                    [(x, y - 6), (x + 26, y + 6)],
                    color.mix(*opacity).filled(),
                ))?;
                label
            }
        };
        area.draw(&Text::new(
            label.to_string(),
            (x + 32, y),
            TextStyle::from((FONT, font).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(())
}

/// Days between markers on a line of `days` days, so that a panel carries about two dozen of them.
fn marker_step(days: usize) -> usize {
    (days / 24).max(1)
}

/// Draws a date panel: caption, legend, mesh with month ticks, shading, event lines, the lines and their markers.
fn time_panel(area: &DrawingArea<SVGBackend, Shift>, panel: &TimePanel) -> DrawResult {
    let font = panel.font_size;
    let mut area = area.clone();
    if !panel.title.is_empty() {
        let (caption, rest) = area.split_vertically(font + 14);
        let (w, _) = caption.dim_in_pixel();
        caption.draw(&Text::new(
            panel.title.clone(),
            (w as i32 / 2, 4),
            TextStyle::from((FONT, font + 4).into_font()).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        area = rest;
    }
    if panel.legend {
        let mut items: Vec<LegendItem> = panel.lines.iter().map(LegendItem::Line).collect();
        items.extend(
            panel
                .bands
                .iter()
                .map(|b| LegendItem::Swatch(&b.label, b.color, b.opacity)),
        );
        if let (Some(label), Some(shade)) = (&panel.shade_label, panel.shades.first()) {
            items.push(LegendItem::Swatch(label, shade.color, shade.opacity));
        }
        let left = 82;
        let width = area.dim_in_pixel().0 as i32 - left;
        let (_, rows) = legend_layout(&items, width, font);
        let (strip, rest) = area.split_vertically(rows as u32 * (font + 8) + 4);
        draw_legend(&strip, &items, left, font)?;
        area = rest;
    }
    let x_end = panel.days.saturating_sub(1).max(1) as i32;
    let highest = panel
        .lines
        .iter()
        .flat_map(|l| l.values.iter().copied())
        .chain(panel.bands.iter().flat_map(|b| b.high.iter().copied()))
        .fold(0.0, f64::max);
    let y_top = nice_top(highest);
    // A little room below zero, so that a line on zero is drawn above the axis, not hidden under it.
    let y_bottom = -y_top * 0.025;
    let (ticks, with_month) = month_ticks(panel.start, panel.days, area.dim_in_pixel().0);
    let (start, lang) = (panel.start, panel.lang);
    let date_label = move |x: &i32| {
        let date = start + chrono::Days::new((*x).max(0) as u64);
        lang.month_tick(date, with_month)
    };
    let mut chart = ChartBuilder::on(&area)
        .margin_top(6)
        .margin_left(10)
        .margin_right(24)
        .margin_bottom(6)
        .x_label_area_size(30)
        .y_label_area_size(72)
        .build_cartesian_2d((0..x_end).with_key_points(ticks), y_bottom..y_top)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.08))
        .x_label_formatter(&date_label)
        .y_label_formatter(&|y| {
            if *y < 0.0 {
                String::new()
            } else {
                lang.thousands(*y)
            }
        })
        .y_desc(panel.y_label.as_str())
        .label_style((FONT, font))
        .axis_desc_style((FONT, font))
        .draw()?;
    for shade in &panel.shades {
        let style = shade.color.mix(shade.opacity).filled();
        chart.draw_series(std::iter::once(Rectangle::new(
            [
                (shade.from as i32, y_bottom),
                ((shade.to as i32 + 1).min(x_end), y_top),
            ],
            style,
        )))?;
    }
    draw_events(&mut chart, &panel.events, x_end, y_bottom, y_top, font)?;
    // Each band one polygon: along its high edge day by day, then back along its low edge.
    for band in &panel.bands {
        let day = |i: usize| band.first_day + i as i32;
        let outline: Vec<(i32, f64)> = (band.high.iter().enumerate())
            .map(|(i, &v)| (day(i), v))
            .chain(band.low.iter().enumerate().rev().map(|(i, &v)| (day(i), v)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            outline,
            band.color.mix(band.opacity).filled(),
        )))?;
    }
    for (index, line) in panel.lines.iter().enumerate() {
        let (color, width) = (line.color, line.width);
        chart.draw_series(LineSeries::new(
            line.values
                .iter()
                .enumerate()
                .map(|(day, &v)| (line.first_day + day as i32, v)),
            color.stroke_width(width),
        ))?;
        let step = marker_step(panel.days);
        let offset = (index * step) / panel.lines.len().max(1);
        let points: Vec<(i32, f64)> = line
            .values
            .iter()
            .enumerate()
            .skip(offset)
            .step_by(step)
            .map(|(day, &v)| (line.first_day + day as i32, v))
            .collect();
        draw_markers(&mut chart, line.marker, color, &points)?;
    }
    Ok(())
}

/// Draws `marker` at each of `points`, in chart coordinates.
fn draw_markers<X, Y, DB>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    marker: Marker,
    color: RGBColor,
    points: &[(X::ValueType, Y::ValueType)],
) -> DrawResult
where
    X: Ranged,
    Y: Ranged,
    X::ValueType: Clone + 'static,
    Y::ValueType: Clone + 'static,
    DB: DrawingBackend,
    DB::ErrorType: 'static,
{
    let at = |p: &(X::ValueType, Y::ValueType)| (p.0.clone(), p.1.clone());
    match marker {
        Marker::Circle => {
            chart.draw_series(points.iter().map(|p| Circle::new(at(p), 4, color.filled())))?;
        }
        Marker::Ring => {
            chart.draw_series(
                points
                    .iter()
                    .map(|p| Circle::new(at(p), 4, color.stroke_width(2))),
            )?;
        }
        Marker::Triangle => {
            chart.draw_series(
                points
                    .iter()
                    .map(|p| TriangleMarker::new(at(p), 5, color.filled())),
            )?;
        }
        Marker::Square => {
            chart.draw_series(points.iter().map(|p| {
                EmptyElement::at(at(p)) + Rectangle::new([(-4, -4), (4, 4)], color.filled())
            }))?;
        }
        Marker::Cross => {
            chart.draw_series(
                points
                    .iter()
                    .map(|p| Cross::new(at(p), 4, color.stroke_width(2))),
            )?;
        }
    }
    Ok(())
}

/// Vertical lines at the events' days, with their labels at the top, alternating between two heights so that
/// neighbours do not overwrite each other; a label near the right edge is written to the left of its line.
fn draw_events<X, Y>(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<X, Y>>,
    events: &[Event],
    x_end: i32,
    y_bottom: f64,
    y_top: f64,
    font: u32,
) -> DrawResult
where
    X: Ranged<ValueType = i32>,
    Y: Ranged<ValueType = f64>,
{
    let label_font = font.saturating_sub(2).max(9);
    for (i, event) in events.iter().enumerate() {
        let day = event.day as i32;
        if day > x_end {
            continue;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            [(day, y_bottom), (day, y_top)],
            event.color.mix(0.7).stroke_width(1),
        )))?;
        let right_half = f64::from(day) > f64::from(x_end) * 0.78;
        let (dx, anchor) = if right_half {
            (-3, HPos::Right)
        } else {
            (3, HPos::Left)
        };
        let dy = 2 + (i % 2) as i32 * (label_font as i32 + 3);
        let style = TextStyle::from((FONT, label_font).into_font())
            .color(&event.color)
            .pos(Pos::new(anchor, VPos::Top));
        chart.draw_series(std::iter::once(
            EmptyElement::at((day, y_top)) + Text::new(event.label.clone(), (dx, dy), style),
        ))?;
    }
    Ok(())
}

/// A round axis top just above `max`: the next multiple of a 1-2-2.5-5 step that gives at most eight steps.
pub fn nice_top(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let target = max * 1.04;
    let magnitude = 10f64.powf((target / 8.0).log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|s| s * magnitude)
        .find(|&s| target / s <= 8.0)
        .unwrap_or(10.0 * magnitude);
    (target / step).ceil() * step
}

/// Ticks on the first day of every month, or of every second, third, sixth or twelfth month when the panel is
/// too narrow for them; and whether the labels name the month (or only the year).
fn month_ticks(start: NaiveDate, days: usize, width: u32) -> (Vec<i32>, bool) {
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
    (ticks, step < 12)
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
        let (ticks, with_month) = month_ticks(start, 366, 2000);
        assert_eq!(ticks.len(), 12);
        assert_eq!(ticks[0], 17);
        assert!(with_month);
        let (narrow, _) = month_ticks(start, 366, 400);
        assert!(narrow.len() <= 5 && !narrow.is_empty());
    }

    #[test]
    fn nice_top_fits_the_data_closely_on_a_round_step() {
        assert_eq!(nice_top(0.0), 1.0);
        assert_eq!(nice_top(900.0), 1000.0);
        assert_eq!(nice_top(930.0), 1000.0);
        // The backlog peak of København 2020: the axis ends at 17,500, not 25,000.
        assert_eq!(nice_top(16_500.0), 17_500.0);
        assert_eq!(nice_top(17_561.0), 20_000.0);
        assert_eq!(nice_top(47_000.0), 50_000.0);
        for max in [1.0, 7.3, 99.0, 1234.0, 16_500.0, 634_331.0] {
            let top = nice_top(max);
            assert!(top > max && top <= max * 1.3, "{max} -> {top}");
        }
    }

    /// The y pixel of each polyline of `svg` with `points` points, if it is flat.
    fn flat_lines(svg: &str, points: usize) -> Vec<f64> {
        svg.lines()
            .filter(|l| l.starts_with("<polyline"))
            .filter_map(|l| {
                let coords: Vec<f64> = l
                    .split("points=\"")
                    .nth(1)?
                    .split('"')
                    .next()?
                    .split_whitespace()
                    .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
                    .collect();
                (coords.len() == points && coords.iter().all(|y| *y == coords[0]))
                    .then_some(coords[0])
            })
            .collect()
    }

    #[test]
    fn a_line_on_zero_is_drawn_above_the_x_axis() {
        let line = |label: &str, value: f64| Line {
            label: label.to_string(),
            color: BLUE,
            width: 2,
            marker: Marker::Circle,
            first_day: 0,
            values: vec![value; 30],
        };
        let panel = TimePanel {
            title: String::new(),
            y_label: "meetings".to_string(),
            start: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            days: 30,
            lines: vec![line("zero", 0.0), line("ten", 10.0)],
            bands: Vec::new(),
            shades: Vec::new(),
            shade_label: None,
            events: Vec::new(),
            legend: true,
            font_size: 13,
            lang: Lang::En,
        };
        let mut svg = Vec::new();
        render(&mut svg, (600, 300), |root| time_panel(root, &panel)).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        let lines = flat_lines(&svg, 30);
        assert_eq!(lines.len(), 2, "{svg}");
        let (zero, ten) = (lines[0], lines[1]);
        // The x axis is the lowest flat two-point line (the legend's swatches sit at the top).
        let axis = flat_lines(&svg, 2).into_iter().fold(0.0, f64::max);
        assert!(ten < zero, "ten is drawn higher up than zero");
        assert!(zero < axis - 2.0, "zero at y={zero}, axis at y={axis}");
        // The axis still ends just above the data: 10 is nearer the top than the middle.
        let top = flat_lines(&svg, 2).into_iter().fold(f64::MAX, f64::min);
        assert!(
            ten - top < (axis - top) / 2.0,
            "top {top}, ten {ten}, axis {axis}"
        );
    }

    #[test]
    fn the_legend_wraps_to_a_new_row_when_the_width_is_used_up() {
        let line = |label: &str| Line {
            label: label.to_string(),
            color: BLUE,
            width: 2,
            marker: Marker::Circle,
            first_day: 0,
            values: vec![],
        };
        let lines = [line("a fairly long label"), line("another long label")];
        let items: Vec<LegendItem> = lines.iter().map(LegendItem::Line).collect();
        let (_, rows) = legend_layout(&items, 2000, 13);
        assert_eq!(rows, 1);
        let (placed, rows) = legend_layout(&items, 200, 13);
        assert_eq!(rows, 2);
        assert_eq!(placed[1], (1, 0));
    }
}
