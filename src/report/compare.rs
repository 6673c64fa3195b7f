//! `backlog compare` output: the total summary metrics of several runs side by side, each with its difference
//! from the first run (the baseline), absolute and relative.
//!
//! Differences are taken between the means over replications. A relative difference is the absolute one over
//! the baseline's magnitude; when the baseline is 0 it is 0 for an equal value and missing otherwise. Dates
//! differ by a number of days; a run without a backlog has no peak date.

use super::ScenarioInfo;
use crate::format::thousands;
use crate::metric::{Metric, Shown};
use crate::run::Outcome;
use crate::summary::{Band, Metrics};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Write;

/// One compared run.
pub struct Entry<'a> {
    pub info: ScenarioInfo,
    pub outcome: &'a Outcome,
    /// Under `compare --draws`: the 5 %-95 % band of this run's difference from the baseline over the pairs of
    /// runs with the same draw and replication, for [`DIFFERENCE_BAND_METRICS`]; `None` for the baseline and
    /// without draws.
    pub difference_bands: Option<Vec<(Metric, Band)>>,
}

/// The metrics whose paired difference has a band under `compare --draws`: those whose bands `simulate --draws`
/// notes.
pub const DIFFERENCE_BAND_METRICS: [Metric; 4] = [
    Metric::Held,
    Metric::BacklogPeak,
    Metric::DaysToClear,
    Metric::OverdueEnd,
];

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
    Metric::ALL
        .into_iter()
        .map(|metric| {
            (
                metric.name(),
                difference(baseline.get(metric), metrics.get(metric)),
            )
        })
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
    /// Under `--draws`: the band of the paired difference from the baseline, `{METRIC: {"p5", "p95"}}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    difference_bands: Option<Map<String, Value>>,
    /// The a-kasse side's total metrics and joint meetings' waits, for a scenario with an `[akasse]` section.
    #[serde(skip_serializing_if = "Option::is_none")]
    akasse: Option<AkasseEntry<'a>>,
}

#[derive(Serialize)]
struct AkasseEntry<'a> {
    total: Map<String, Value>,
    joint: &'a crate::summary::JointWaits,
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
                    difference_bands: entry.difference_bands.as_ref().map(|bands| {
                        bands
                            .iter()
                            .map(|(metric, band)| {
                                let mut pair = Map::new();
                                pair.insert("p5".into(), number(band.p5));
                                pair.insert("p95".into(), number(band.p95));
                                (metric.name().to_string(), Value::Object(pair))
                            })
                            .collect()
                    }),
                    akasse: entry.outcome.akasse.as_ref().map(|akasse| AkasseEntry {
                        total: super::json::metrics_map(&akasse.total.mean),
                        joint: &akasse.waits,
                    }),
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

/// What a row of the table shows: a metric, or one of the two dates.
#[derive(Clone, Copy, PartialEq)]
enum Item {
    Metric(Metric),
    PeakDate,
    ClearedDate,
}

impl Item {
    /// The name of the metric or date, as in summary.json.
    fn name(self) -> &'static str {
        match self {
            Item::Metric(metric) => metric.name(),
            Item::PeakDate => "backlog_peak_date",
            Item::ClearedDate => "backlog_cleared_date",
        }
    }
}

/// The rows of the table in order: what, label, how to show it. The metrics' rows come from their table in
/// [`crate::metric`]; the two dates sit between them at their places.
fn table_rows() -> Vec<(Item, &'static str, Kind)> {
    let mut rows: Vec<(u8, Item, &'static str, Kind)> = Metric::ALL
        .into_iter()
        .filter_map(|metric| {
            let row = metric.compare_row()?;
            let kind = match row.shown {
                Shown::Count => Kind::Count,
                Shown::Share => Kind::Share,
                Shown::Decimals(places) => Kind::Decimal(places),
            };
            Some((row.place, Item::Metric(metric), row.label, kind))
        })
        .collect();
    rows.push((
        8,
        Item::PeakDate,
        "backlog peak date (median)",
        Kind::Date(peak_date),
    ));
    rows.push((
        10,
        Item::ClearedDate,
        "backlog cleared on (median)",
        Kind::Date(|m| m.backlog_cleared_date),
    ));
    rows.sort_by_key(|&(place, ..)| place);
    rows.into_iter()
        .map(|(_, item, label, kind)| (item, label, kind))
        .collect()
}

/// Whether a run had no backlog at all: then there is nothing to clear, and its clearing date is only the day
/// its suspension began.
fn no_backlog(metrics: &Metrics) -> bool {
    metrics.backlog_peak <= 0.0
}

/// The rows that tell when the backlog was cleared: "no backlog" for a run without one.
fn about_clearing(item: Item) -> bool {
    matches!(item, Item::Metric(Metric::DaysToClear) | Item::ClearedDate)
}

fn show(kind: Kind, metrics: &Metrics, item: Item) -> String {
    if about_clearing(item) && no_backlog(metrics) {
        return "no backlog".to_string();
    }
    let value = match (kind, item) {
        (Kind::Date(pick), _) => return pick(metrics).map_or("-".to_string(), |d| d.to_string()),
        (_, Item::Metric(metric)) => metrics.get(metric),
        _ => None,
    };
    match value {
        // No value: a backlog that was never cleared.
        None if item == Item::Metric(Metric::DaysToClear) => "not cleared".to_string(),
        None => "-".to_string(),
        Some(v) => match kind {
            Kind::Count => thousands(v),
            Kind::Share => format!("{:.1}%", v * 100.0),
            Kind::Decimal(places) => format!("{v:.places$}"),
            Kind::Date(_) => unreachable!("handled above"),
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
    if entries.is_empty() {
        return Vec::new();
    }
    let (_, cells) = grid(entries);
    table_rows()
        .into_iter()
        .zip(cells)
        .map(|((item, label, _), mut row)| {
            row.remove(0);
            (item.name(), label, row)
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

/// A run's name with the changes laid over its files, for the chart's legend: `København 2020 (set
/// staffing.caseworkers=3000) (what if suspensions.spring.end=2020-05-11)`.
pub fn side_label(info: &ScenarioInfo) -> String {
    let mut label = info.name.clone();
    if !info.set.is_empty() {
        label.push_str(&format!(" (set {})", info.set.join(", ")));
    }
    if !info.what_if.is_empty() {
        label.push_str(&format!(" (what if {})", info.what_if.join("; ")));
    }
    label
}

/// The changes a run has over its files, one line each: the `--set` overrides (every side has them) and the
/// side's what-if.
fn changes(info: &ScenarioInfo) -> Vec<String> {
    let mut lines = Vec::new();
    if !info.set.is_empty() {
        lines.push(format!("set: {}", info.set.join(", ")));
    }
    if !info.what_if.is_empty() {
        lines.push(format!("what if: {}", info.what_if.join("; ")));
    }
    lines
}

/// The legend lines naming each run by letter, each with the lines of its changes.
fn legend(entries: &[Entry]) -> Vec<(String, Vec<String>)> {
    entries
        .iter()
        .map(|entry| {
            let info = &entry.info;
            let line = format!(
                "{} ({}): {} to {}, seed {}, {} replication{}",
                info.name,
                info.file,
                info.start,
                info.end,
                info.seed,
                info.replications,
                if info.replications == 1 { "" } else { "s" }
            );
            (line, changes(info))
        })
        .collect()
}

/// The header and the rows of the table: label, the baseline's value, then value and difference of each other run.
fn grid(entries: &[Entry]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["metric".to_string(), letter(0)];
    for i in 1..entries.len() {
        header.push(letter(i));
        header.push(format!("{} - {}", letter(i), letter(0)));
    }
    let baseline = &*headline(&entries[0].outcome.total.mean);
    let rows = table_rows()
        .into_iter()
        .map(|(item, label, kind)| {
            let mut row = vec![label.to_string(), show(kind, baseline, item)];
            for entry in &entries[1..] {
                let mean = &*headline(&entry.outcome.total.mean);
                let d = match kind {
                    // A date of clearing that is only a suspension's start says nothing against another run.
                    Kind::Date(_)
                        if about_clearing(item) && (no_backlog(baseline) || no_backlog(mean)) =>
                    {
                        Difference {
                            absolute: None,
                            relative: None,
                        }
                    }
                    Kind::Date(pick) => date_difference(pick(baseline), pick(mean)),
                    _ => match item {
                        Item::Metric(metric) => difference(baseline.get(metric), mean.get(metric)),
                        _ => unreachable!("dates are shown as dates"),
                    },
                };
                row.push(show(kind, mean, item));
                row.push(show_difference(kind, d));
            }
            row
        })
        .collect::<Vec<_>>();
    let mut rows = rows;
    rows.extend(akasse_rows(entries));
    (header, rows)
}

/// The figures the table shows of a run: with several suspensions, the backlog peak and its date are the first
/// episode's, beside its clearing and days to clear, as in `simulate`'s table, so that no row mixes episodes.
fn headline(metrics: &Metrics) -> std::borrow::Cow<'_, Metrics> {
    match metrics.episodes.as_slice() {
        [first, _, ..] => {
            let mut headline = metrics.clone();
            headline.backlog_peak = first.backlog_peak;
            headline.backlog_peak_date = first.backlog_peak_date;
            std::borrow::Cow::Owned(headline)
        }
        _ => std::borrow::Cow::Borrowed(metrics),
    }
}

/// With an a-kasse side in every run: its rows after the jobcentre's, each with the baseline's value and every
/// other run's value and difference.
fn akasse_rows(entries: &[Entry]) -> Vec<Vec<String>> {
    let Some(sides) = entries
        .iter()
        .map(|e| e.outcome.akasse.as_ref())
        .collect::<Option<Vec<_>>>()
    else {
        return Vec::new();
    };
    type Pick = fn(&crate::run::AkasseOutcome) -> f64;
    let rows: [(&str, Kind, Pick); 9] = [
        ("a-kasse: meetings due", Kind::Count, |a| a.total.mean.due),
        ("a-kasse: meetings held", Kind::Count, |a| a.total.mean.held),
        ("a-kasse: held on time", Kind::Share, |a| {
            a.total.mean.on_time_share
        }),
        ("a-kasse: backlog peak", Kind::Count, |a| {
            a.total.mean.backlog_peak
        }),
        ("a-kasse: overdue at end", Kind::Count, |a| {
            a.total.mean.overdue_end
        }),
        ("a-kasse: meetings/cw-day", Kind::Decimal(2), |a| {
            a.total.mean.meetings_per_caseworker_day
        }),
        ("joint meetings held", Kind::Count, |a| a.waits.joint_held),
        ("joint: days waited for jc", Kind::Count, |a| {
            a.waits.waited_for_jobcentre_days
        }),
        ("joint: days waited for a-k.", Kind::Count, |a| {
            a.waits.waited_for_akasse_days
        }),
    ];
    let shown = |kind: Kind, value: f64| match kind {
        Kind::Share => format!("{:.1}%", value * 100.0),
        Kind::Decimal(places) => format!("{value:.places$}"),
        _ => thousands(value),
    };
    rows.into_iter()
        .map(|(label, kind, pick)| {
            let base = pick(sides[0]);
            let mut row = vec![label.to_string(), shown(kind, base)];
            for side in &sides[1..] {
                let value = pick(side);
                row.push(shown(kind, value));
                row.push(show_difference(kind, difference(Some(base), Some(value))));
            }
            row
        })
        .collect()
}

fn footnotes(entries: &[Entry]) -> Vec<String> {
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
    let mut notes = vec![
        format!(
            "Totals over {over}; numbers are means over replications, dates medians; differences are against {} (pp: percentage points).",
            letter(0)
        ),
        "meetings per caseworker-day: meetings held per caseworker FTE per working day.".to_string(),
    ];
    let shifted: Vec<String> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.outcome.total.mean.suspended > e.outcome.total.mean.due)
        .map(|(i, _)| letter(i))
        .collect();
    for (i, entry) in entries.iter().enumerate() {
        for note in &entry.info.what_if_notes {
            notes.push(format!("{}: {note}.", letter(i)));
        }
    }
    let several: Vec<String> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e.outcome.total.mean.episodes.as_slice() {
            [first, _, ..] => Some(format!("{} ({})", letter(i), first.id)),
            _ => None,
        })
        .collect();
    if !several.is_empty() {
        notes.push(format!(
            "In {}, several suspensions each have their episode: the backlog peak, its date, cleared and days to clear shown are the first episode's (named in brackets); `backlog simulate` lists every episode.",
            several.join(", ")
        ));
    }
    notes.extend(ensemble_notes(entries));
    if !shifted.is_empty() {
        notes.push(format!(
            "In {}, meetings that fell due in a suspension exceed those due: a `shift` rule counts every meeting it moves out of the dead period by the date it would have fallen due, and as due only when it does fall due after the period (never if the person leaves first or the run ends).",
            shifted.join(", ")
        ));
    }
    notes
}

/// Under `--draws`: each side's ensemble as `simulate` notes it (draws, predictive and dice-only bands, ranges),
/// then the band of each side's paired difference from the baseline, and what pairing means.
fn ensemble_notes(entries: &[Entry]) -> Vec<String> {
    if entries.iter().all(|e| e.info.draws.is_none()) {
        return Vec::new();
    }
    let mut notes = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        for note in super::table::range_notes(&entry.info, entry.outcome) {
            notes.push(format!("{}: {note}", letter(i)));
        }
    }
    let ends = |band: &Band| match (band.p5, band.p95) {
        (Some(low), Some(high)) => format!("{} to {}", thousands(low), thousands(high)),
        (Some(low), None) => format!("{} to -", thousands(low)),
        _ => "-".to_string(),
    };
    for (i, entry) in entries.iter().enumerate().skip(1) {
        let Some(bands) = &entry.difference_bands else {
            notes.push(format!(
                "{} - {}: no band of the difference: the sides run different numbers of replications, so their runs do not pair.",
                letter(i),
                letter(0)
            ));
            continue;
        };
        let shown: Vec<String> = bands
            .iter()
            .map(|(metric, band)| {
                let label = match metric {
                    Metric::Held => "held",
                    Metric::BacklogPeak => "backlog peak",
                    Metric::DaysToClear => "days to clear",
                    _ => "overdue at end",
                };
                format!("{label} {}", ends(band))
            })
            .collect();
        notes.push(format!(
            "{} - {}: 5%-95% of the paired difference over draws and replications: {}",
            letter(i),
            letter(0),
            shown.join(", ")
        ));
    }
    notes.push(
        "The draws are paired: draw d of every side gives the inputs the sides share the same quantile of their ranges (the same set of a plausible set), and replication r the same dice, so the band of a difference is that of what the sides do not share; a side without ranges pairs its replications with every draw."
            .to_string(),
    );
    notes
}

/// The side-by-side table: a legend naming each run by letter, then one row per metric with the baseline's
/// value, and for every other run its value and its difference from the baseline.
pub fn write_table(out: &mut dyn Write, entries: &[Entry]) -> std::io::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    for (i, (line, changes)) in legend(entries).iter().enumerate() {
        writeln!(out, "{:<3} {line}", letter(i))?;
        for change in changes {
            writeln!(out, "    {change}")?;
        }
    }
    writeln!(out)?;
    let (header, rows) = grid(entries);
    for row in std::iter::once(&header).chain(&rows) {
        write!(out, "{:<LABEL_WIDTH$} {:>VALUE_WIDTH$}", row[0], row[1])?;
        for pair in row[2..].chunks(2) {
            write!(
                out,
                " {:>VALUE_WIDTH$} {:>DIFFERENCE_WIDTH$}",
                pair[0], pair[1]
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    for note in footnotes(entries) {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

/// The same table in Markdown, for pasting into a report.
pub fn write_markdown(out: &mut dyn Write, entries: &[Entry]) -> std::io::Result<()> {
    use super::table::markdown_text;
    if entries.is_empty() {
        return Ok(());
    }
    for (i, (line, changes)) in legend(entries).iter().enumerate() {
        let line = std::iter::once(line)
            .chain(changes)
            .cloned()
            .collect::<Vec<_>>();
        writeln!(
            out,
            "- **{}**: {}",
            letter(i),
            markdown_text(&line.join("; "))
        )?;
    }
    writeln!(out)?;
    let (header, rows) = grid(entries);
    writeln!(out, "| {} |", header.join(" | "))?;
    writeln!(out, "|---|{}", "---:|".repeat(header.len() - 1))?;
    for row in &rows {
        let cells: Vec<String> = row.iter().map(|c| markdown_text(c)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    writeln!(out)?;
    for note in footnotes(entries) {
        writeln!(out, "{}", markdown_text(&note))?;
    }
    Ok(())
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

    #[test]
    fn every_place_in_the_table_is_taken_once() {
        let mut places: Vec<u8> = Metric::ALL
            .iter()
            .filter_map(|m| m.compare_row().map(|row| row.place))
            .chain([8, 10])
            .collect();
        places.sort_unstable();
        assert_eq!(places, (1..=places.len() as u8).collect::<Vec<_>>());
    }
}
