//! Several runs on one date axis: the total overdue of each scenario in `backlog compare --plot`.
//!
//! Each run has its colour and its marker, and its own suspension windows are shaded in its colour, with its
//! reopening marked: two runs that differ only in when they reopen show two shaded windows and two dates.

use super::{
    draw_title, render, time_panel, Event, Line, Shade, TimePanel, MARKERS, OVERLAY_SHADE_OPACITY,
    PALETTE, TITLE_HEIGHT, WIDTH,
};
use crate::report::lang::Lang;
use chrono::NaiveDate;
use std::io::Write;
use std::path::Path;

/// One run's daily values in an overlay chart.
#[derive(Debug, Clone)]
pub struct OverlayLine {
    /// The legend entry, e.g. "A: København 2020".
    pub label: String,
    /// A short name for the run's event labels, e.g. "A".
    pub tag: String,
    pub start: NaiveDate,
    pub values: Vec<f64>,
    /// The run's suspension windows (dates, inclusive).
    pub suspensions: Vec<(NaiveDate, NaiveDate)>,
}

/// The overlay as one panel (from the earliest start to the latest end), for the chart and the HTML report.
pub fn overlay_panel(lines: &[OverlayLine], y_label: &str, lang: Lang) -> Option<TimePanel> {
    let start = lines.iter().map(|l| l.start).min()?;
    let end = lines
        .iter()
        .map(|l| l.start + chrono::Days::new(l.values.len().saturating_sub(1) as u64))
        .max()
        .unwrap_or(start);
    let days = (end - start).num_days() as usize + 1;
    let offset = |date: NaiveDate| (date - start).num_days();
    let mut shades = Vec::new();
    let mut events = Vec::new();
    let mut panel_lines = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        for &(from, to) in &line.suspensions {
            let (first, last) = (offset(from).max(0), offset(to).min(days as i64 - 1));
            if first <= last {
                shades.push(Shade {
                    from: first as usize,
                    to: last as usize,
                    color,
                    opacity: OVERLAY_SHADE_OPACITY,
                });
            }
            let reopening = offset(to) + 1;
            if (0..days as i64).contains(&reopening) {
                let date = lang.short_date(to + chrono::Days::new(1));
                events.push(Event {
                    day: reopening as usize,
                    label: format!("{} {}", line.tag, lang.fill("event_reopening", &[&date])),
                    color,
                });
            }
        }
        // Runs that coincide are told apart by width as well: the earlier, the wider.
        panel_lines.push(Line {
            label: line.label.clone(),
            color,
            width: overlay_width(i, lines.len()),
            marker: MARKERS[i % MARKERS.len()],
            first_day: offset(line.start) as i32,
            values: line.values.clone(),
        });
    }
    events.sort_by_key(|e| e.day);
    Some(TimePanel {
        title: String::new(),
        y_label: y_label.to_string(),
        start,
        days,
        lines: panel_lines,
        shades,
        shade_label: None,
        events,
        legend: true,
        font_size: 14,
        lang,
    })
}

/// Several runs on one date axis (see the module comment).
pub fn write_overlay(
    out: &mut dyn Write,
    title: &str,
    y_label: &str,
    lines: &[OverlayLine],
    lang: Lang,
) -> std::io::Result<()> {
    let Some(panel) = overlay_panel(lines, y_label, lang) else {
        return Err(std::io::Error::other(
            "an overlay chart needs at least one line",
        ));
    };
    let height = 600 + 22 * lines.len() as u32;
    render(out, (WIDTH, height), |root| {
        let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
        draw_title(&title_area, title, lang.text("overlay_subtitle"))?;
        time_panel(&body, &panel)
    })
}

/// Stroke width of line `index` of `count` in an overlay: 2 for the last, 2 more for each earlier one, at most 8.
fn overlay_width(index: usize, count: usize) -> u32 {
    (2 + 2 * (count - 1 - index) as u32).min(8)
}

/// Writes an overlay chart to `path` atomically, as SVG or PNG.
pub fn overlay_chart(
    path: &Path,
    title: &str,
    y_label: &str,
    lines: &[OverlayLine],
    lang: Lang,
) -> anyhow::Result<()> {
    super::write_chart(path, |out| write_overlay(out, title, y_label, lines, lang))
}
