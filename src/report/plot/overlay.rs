//! Several runs on one date axis: the total overdue of each scenario in `backlog compare --plot`.
//!
//! Each run has its colour and its marker, and its own suspension windows are shaded, with its reopening marked:
//! two runs that differ only in when they reopen show two shaded windows and two dates. A window every run
//! shares is shaded grey once, and runs that reopen on the same day share one label ("A, B reopened 26 May").

use super::{
    draw_title, render, time_panel, Event, Line, Shade, TimePanel, EVENT_COLOR, MARKERS,
    OVERLAY_SHADE_OPACITY, PALETTE, SHADE_COLOR, SHADE_OPACITY, TITLE_HEIGHT, WIDTH,
};
use crate::output::Output;
use crate::report::lang::Lang;
use crate::run::Outcome;
use crate::scenario::Scenario;
use chrono::NaiveDate;
use std::io::Write;

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

/// The total overdue meetings of each scenario's replication 0, with its suspensions, for the overlay chart.
pub fn overlay_lines(scenarios: &[Scenario], outcomes: &[Outcome]) -> Vec<OverlayLine> {
    scenarios
        .iter()
        .zip(outcomes)
        .enumerate()
        .filter_map(|(i, (s, outcome))| {
            let series = outcome.first.as_ref()?;
            Some(OverlayLine {
                label: format!("{}: {}", crate::report::compare::letter(i), s.label()),
                tag: crate::report::compare::letter(i),
                start: series.start,
                values: (0..series.days)
                    .map(|day| {
                        (0..series.municipalities)
                            .flat_map(|m| series.group_rows(day, m))
                            .map(|row| f64::from(row.overdue))
                            .sum()
                    })
                    .collect(),
                suspensions: s.suspensions.iter().map(|s| (s.start, s.end)).collect(),
            })
        })
        .collect()
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
    // Each window once, with the runs it belongs to: a window all runs share is shaded grey and named once;
    // a window of only some runs is shaded in the colour of the first of them.
    let mut windows: Vec<((i64, i64), Vec<usize>)> = Vec::new();
    let mut panel_lines = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for &(from, to) in &line.suspensions {
            let window = (offset(from), offset(to));
            match windows.iter_mut().find(|(w, _)| *w == window) {
                Some((_, runs)) => runs.push(i),
                None => windows.push((window, vec![i])),
            }
        }
        // Runs that coincide are told apart by width as well: the earlier, the wider.
        panel_lines.push(Line {
            label: line.label.clone(),
            color: PALETTE[i % PALETTE.len()],
            width: overlay_width(i, lines.len()),
            marker: MARKERS[i % MARKERS.len()],
            first_day: offset(line.start) as i32,
            values: line.values.clone(),
        });
    }
    let mut shades = Vec::new();
    let mut reopenings: Vec<(i64, Vec<usize>)> = Vec::new();
    for ((first, last), runs) in &windows {
        let shared = runs.len() == lines.len() && lines.len() > 1;
        let (color, opacity) = if shared {
            (SHADE_COLOR, SHADE_OPACITY)
        } else {
            (PALETTE[runs[0] % PALETTE.len()], OVERLAY_SHADE_OPACITY)
        };
        let (from, to) = ((*first).max(0), (*last).min(days as i64 - 1));
        if from <= to {
            shades.push(Shade {
                from: from as usize,
                to: to as usize,
                color,
                opacity,
            });
        }
        let reopening = last + 1;
        match reopenings.iter_mut().find(|(day, _)| *day == reopening) {
            Some((_, all)) => all.extend(runs),
            None => reopenings.push((reopening, runs.clone())),
        }
    }
    let mut events = Vec::new();
    for (day, mut runs) in reopenings {
        if !(0..days as i64).contains(&day) {
            continue;
        }
        runs.sort_unstable();
        runs.dedup();
        let tags: Vec<&str> = runs.iter().map(|&i| lines[i].tag.as_str()).collect();
        let date = lang.short_date(start + chrono::Days::new(day as u64));
        events.push(Event {
            day: day as usize,
            label: format!(
                "{} {}",
                tags.join(", "),
                lang.fill("event_reopening", &[&date])
            ),
            color: match runs.as_slice() {
                [only] => PALETTE[only % PALETTE.len()],
                _ => EVENT_COLOR,
            },
        });
    }
    events.sort_by_key(|e| e.day);
    Some(TimePanel {
        title: String::new(),
        y_label: y_label.to_string(),
        start,
        days,
        lines: panel_lines,
        bands: Vec::new(),
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
    output: &Output,
    title: &str,
    y_label: &str,
    lines: &[OverlayLine],
    lang: Lang,
) -> anyhow::Result<()> {
    super::write_chart(output, |out| {
        write_overlay(out, title, y_label, lines, lang)
    })
}
