//! Several runs on one date axis: the total overdue of each scenario in `backlog compare --plot`.

use super::{draw_title, render, time_panel, Line, TimePanel, PALETTE, TITLE_HEIGHT, WIDTH};
use chrono::NaiveDate;
use std::io::Write;

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
        // Each line is drawn from its own first day, so runs that start later begin further right; earlier lines
        // are wider, so where runs coincide each still shows as a stripe beside the next.
        let panel_lines = lines
            .iter()
            .enumerate()
            .map(|(i, line)| Line {
                label: &line.label,
                color: PALETTE[i % PALETTE.len()],
                width: overlay_width(i, lines.len()),
                first_day: (line.start - start).num_days() as i32,
                values: line.values.clone(),
            })
            .collect();
        time_panel(
            &body,
            &TimePanel {
                title: String::new(),
                y_label,
                start,
                days,
                lines: panel_lines,
                shade: &shade_days,
                legend: true,
                font_size: 14,
            },
        )
    })
}

/// Stroke width of line `index` of `count` in an overlay: 2 for the last, 2 more for each earlier one, at most 8.
fn overlay_width(index: usize, count: usize) -> u32 {
    (2 + 2 * (count - 1 - index) as u32).min(8)
}
