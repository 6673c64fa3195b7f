//! `backlog compare` output: the total summary metrics of several runs side by side, each with its difference
//! from the first run (the baseline), absolute and relative.
//!
//! Differences are taken between the means over replications. A relative difference is the absolute one over
//! the baseline's magnitude; when the baseline is 0 it is 0 for an equal value and missing otherwise. Dates
//! differ by a number of days; a run without a backlog has no peak date.

use super::{thousands, ScenarioInfo};
use crate::run::Outcome;
use crate::summary::{Metrics, NUMERIC_METRICS};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Write;

/// One compared run.
pub struct Entry<'a> {
    pub info: ScenarioInfo,
    pub outcome: &'a Outcome,
}

/// The difference of one metric from the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    pub absolute: Option<f64>,
    /// Absolute difference over the baseline's magnitude (0.1 is 10 %).
    pub relative: Option<f64>,
}

pub fn difference(baseline: Option<f64>, value: Option<f64>) -> Difference {
    let Some((base, value)) = baseline.zip(value) else {
        return Difference {
            absolute: None,
            relative: None,
        };
    };
    let absolute = value - base;
    let relative = if base != 0.0 {
        Some(absolute / base.abs())
    } else if absolute == 0.0 {
        Some(0.0)
    } else {
        None
    };
    Difference {
        absolute: Some(absolute),
        relative,
    }
}

fn date_difference(baseline: Option<NaiveDate>, value: Option<NaiveDate>) -> Difference {
    Difference {
        absolute: baseline.zip(value).map(|(b, v)| (v - b).num_days() as f64),
        relative: None,
    }
}

/// The date metrics, which differ by days.
/// Picks a date out of the metrics.
type DatePick = fn(&Metrics) -> Option<NaiveDate>;

/// The day of the backlog peak, if there was a backlog (with none, every day is a peak of 0).
fn peak_date(metrics: &Metrics) -> Option<NaiveDate> {
    metrics
        .backlog_peak_date
        .filter(|_| metrics.backlog_peak > 0.0)
}

const DATE_METRICS: &[(&str, DatePick)] = &[
    ("backlog_peak_date", peak_date),
    ("backlog_cleared_date", |m| m.backlog_cleared_date),
];

/// Differences of every numeric metric and of the dates, by metric name.
pub fn differences(baseline: &Metrics, metrics: &Metrics) -> Vec<(&'static str, Difference)> {
    NUMERIC_METRICS
        .iter()
        .map(|&name| (name, difference(baseline.get(name), metrics.get(name))))
        .chain(
            DATE_METRICS
                .iter()
                .map(|&(name, pick)| (name, date_difference(pick(baseline), pick(metrics)))),
        )
        .collect()
}

#[derive(Serialize)]
struct Document<'a> {
    /// Index in `scenarios` of the run the differences are taken from.
    baseline: usize,
    scenarios: Vec<ScenarioEntry<'a>>,
}

#[derive(Serialize)]
struct ScenarioEntry<'a> {
    scenario: &'a ScenarioInfo,
    total: Map<String, Value>,
    bands: Map<String, Value>,
    difference: Map<String, Value>,
}

fn number(value: Option<f64>) -> Value {
    value
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// `{"baseline": 0, "scenarios": [{"scenario", "total", "bands", "difference": {METRIC: {"absolute",
/// "relative"}}}]}`; `total` and `bands` are as in summary.json.
pub fn write_json(out: &mut dyn Write, entries: &[Entry]) -> std::io::Result<()> {
    let Some(first) = entries.first() else {
        return Ok(());
    };
    let baseline = &first.outcome.total.mean;
    let document = Document {
        baseline: 0,
        scenarios: entries
            .iter()
            .map(|entry| {
                let mean = &entry.outcome.total.mean;
                ScenarioEntry {
                    scenario: &entry.info,
                    total: super::json::metrics_map(mean),
                    bands: super::json::bands_map(&entry.outcome.total),
                    difference: differences(baseline, mean)
                        .into_iter()
                        .map(|(name, d)| {
                            let mut pair = Map::new();
                            pair.insert("absolute".into(), number(d.absolute));
                            pair.insert("relative".into(), number(d.relative));
                            (name.to_string(), Value::Object(pair))
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[derive(Clone, Copy)]
enum Kind {
    Count,
    /// A share between 0 and 1, shown in percent; its difference in percentage points.
    Share,
    /// A number with this many decimals.
    Decimal(usize),
    Date(DatePick),
}

/// Rows of the table: metric name, label, how to show it.
const ROWS: &[(&str, &str, Kind)] = &[
    ("due", "meetings due", Kind::Count),
    ("held", "meetings held", Kind::Count),
    ("on_time_share", "held on time", Kind::Share),
    ("waived", "waived", Kind::Count),
    ("dropped", "dropped (person left)", Kind::Count),
    ("suspended", "fell due in a suspension", Kind::Count),
    ("backlog_peak", "backlog peak (overdue)", Kind::Count),
    (
        "backlog_peak_date",
        "backlog peak date",
        Kind::Date(peak_date),
    ),
    ("days_to_clear", "days to clear", Kind::Decimal(0)),
    (
        "backlog_cleared_date",
        "backlog cleared on",
        Kind::Date(|m| m.backlog_cleared_date),
    ),
    ("overdue_end", "overdue at end", Kind::Count),
    ("pending_end", "pending at end", Kind::Count),
    ("capacity", "capacity (meetings)", Kind::Count),
    ("utilisation", "capacity used", Kind::Share),
    ("caseworkers", "caseworkers (FTE, mean)", Kind::Decimal(1)),
    (
        "meetings_per_caseworker_day",
        "meetings per caseworker-day",
        Kind::Decimal(2),
    ),
    (
        "active_per_caseworker",
        "persons per caseworker",
        Kind::Decimal(1),
    ),
];

fn show(kind: Kind, metrics: &Metrics, name: &str) -> String {
    match kind {
        Kind::Date(pick) => pick(metrics).map_or("-".to_string(), |d| d.to_string()),
        _ => match metrics.get(name) {
            // No value: a backlog that was never cleared, or none to clear (no suspension, or no backlog).
            None if name == "days_to_clear" && metrics.backlog_peak > 0.0 => {
                "not cleared".to_string()
            }
            None => "-".to_string(),
            Some(v) => match kind {
                Kind::Count => thousands(v),
                Kind::Share => format!("{:.1}%", v * 100.0),
                Kind::Decimal(places) => format!("{v:.places$}"),
                Kind::Date(_) => unreachable!("handled above"),
            },
        },
    }
}

/// `text` with a `+` in front of a positive value, and without the `-` of a value that rounds to zero.
fn signed(text: String, value: f64) -> String {
    let rounds_to_zero = !text.chars().any(|c| c.is_ascii_digit() && c != '0');
    if rounds_to_zero {
        text.trim_start_matches('-').to_string()
    } else if value > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}

fn show_difference(kind: Kind, d: Difference) -> String {
    let Some(absolute) = d.absolute else {
        return "-".to_string();
    };
    let absolute_text = match kind {
        Kind::Count => signed(thousands(absolute), absolute.round()),
        Kind::Share => signed(format!("{:.1} pp", absolute * 100.0), absolute),
        Kind::Decimal(places) => signed(format!("{absolute:.places$}"), absolute),
        Kind::Date(_) => return signed(format!("{absolute:.0} days"), absolute),
    };
    match d.relative {
        Some(relative) => format!(
            "{absolute_text} ({})",
            signed(format!("{:.1}%", relative * 100.0), relative)
        ),
        None => absolute_text,
    }
}

/// The rows of the side-by-side table: metric name, label, and the cells: the baseline's value, then for every
/// other run its value and its difference from the baseline.
pub fn rows(entries: &[Entry]) -> Vec<(&'static str, &'static str, Vec<String>)> {
    let Some(first) = entries.first() else {
        return Vec::new();
    };
    let baseline = &first.outcome.total.mean;
    ROWS.iter()
        .map(|&(name, label, kind)| {
            let mut cells = vec![show(kind, baseline, name)];
            for entry in &entries[1..] {
                let mean = &entry.outcome.total.mean;
                let d = match kind {
                    Kind::Date(pick) => date_difference(pick(baseline), pick(mean)),
                    _ => difference(baseline.get(name), mean.get(name)),
                };
                cells.push(show(kind, mean, name));
                cells.push(show_difference(kind, d));
            }
            (name, label, cells)
        })
        .collect()
}

const LABEL_WIDTH: usize = 28;
const VALUE_WIDTH: usize = 12;
const DIFFERENCE_WIDTH: usize = 22;

/// The letter that names the run at `index` in the table and the overlay chart.
pub fn letter(index: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    if index < letters.len() {
        (letters[index] as char).to_string()
    } else {
        format!("S{}", index + 1)
    }
}

/// The side-by-side table: a legend naming each run by letter, then one row per metric with the baseline's
/// value, and for every other run its value and its difference from the baseline.
pub fn write_table(out: &mut dyn Write, entries: &[Entry]) -> std::io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    for (i, entry) in entries.iter().enumerate() {
        let info = &entry.info;
        writeln!(
            out,
            "{:<3} {} ({}): {} to {}, seed {}, {} replication{}",
            letter(i),
            info.name,
            info.file,
            info.start,
            info.end,
            info.seed,
            info.replications,
            if info.replications == 1 { "" } else { "s" }
        )?;
    }
    writeln!(out)?;
    write!(
        out,
        "{:<LABEL_WIDTH$} {:>VALUE_WIDTH$}",
        "metric",
        letter(0)
    )?;
    for i in 1..entries.len() {
        write!(
            out,
            " {:>VALUE_WIDTH$} {:>DIFFERENCE_WIDTH$}",
            letter(i),
            format!("{} - {}", letter(i), letter(0))
        )?;
    }
    writeln!(out)?;
    for (_, label, cells) in rows(entries) {
        write!(out, "{label:<LABEL_WIDTH$} {:>VALUE_WIDTH$}", cells[0])?;
        for pair in cells[1..].chunks(2) {
            write!(
                out,
                " {:>VALUE_WIDTH$} {:>DIFFERENCE_WIDTH$}",
                pair[0], pair[1]
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    let over = match entries
        .iter()
        .find_map(|e| e.info.municipalities_shown.as_ref())
    {
        Some(codes) => format!(
            "the municipalities shown ({})",
            codes
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "all municipalities".to_string(),
    };
    writeln!(
        out,
        "Totals over {over}, means over replications; differences are against {} (pp: percentage points).",
        letter(0)
    )?;
    writeln!(
        out,
        "meetings per caseworker-day: meetings held per caseworker FTE per working day."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_signed_and_relative_to_the_baseline() {
        let d = difference(Some(200.0), Some(150.0));
        assert_eq!(d.absolute, Some(-50.0));
        assert_eq!(d.relative, Some(-0.25));
        assert_eq!(difference(Some(0.0), Some(0.0)).relative, Some(0.0));
        assert_eq!(difference(Some(0.0), Some(3.0)).relative, None);
        assert_eq!(difference(None, Some(3.0)).absolute, None);
        assert_eq!(
            show_difference(Kind::Count, difference(Some(1000.0), Some(2500.0))),
            "+1,500 (+150.0%)"
        );
        assert_eq!(
            show_difference(Kind::Share, difference(Some(0.5), Some(0.45))),
            "-5.0 pp (-10.0%)"
        );
        assert_eq!(
            show_difference(Kind::Count, difference(Some(4021.0), Some(4020.9999))),
            "0 (0.0%)"
        );
    }
}
