//! municipalities.csv and groups.csv: the summary of summary.json as flat tables, one row per municipality or
//! group and one column per metric (the mean over replications), each followed by its `_p5` and `_p95` columns;
//! episodes.csv: the backlog episodes of summary.json, one row per suspension and selection.
//!
//! The values are the very numbers of summary.json, written in Rust's shortest round-trip form, so that a
//! script reading either file gets the same figures. A value that does not exist is an empty field.

use super::daily::BOM;
use crate::metric::Metric;
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::summary::{Aggregate, Episode};
use std::io::Write;

/// The metric columns after the keys: each numeric metric with its band (the mean over replications), then the
/// two dates and the days to clear that go with the cleared date (medians over replications).
pub fn metric_columns() -> Vec<String> {
    metric_columns_with(false)
}

/// [`metric_columns`]; for an ensemble (`dice`), each band followed by the dice-only band, `_dice_p5` and
/// `_dice_p95`.
pub fn metric_columns_with(dice: bool) -> Vec<String> {
    Metric::ALL
        .iter()
        .flat_map(|m| {
            let mut columns = vec![m.to_string(), format!("{m}_p5"), format!("{m}_p95")];
            if dice {
                columns.extend([format!("{m}_dice_p5"), format!("{m}_dice_p95")]);
            }
            columns
        })
        .chain([
            "backlog_peak_date".into(),
            "backlog_cleared_date".into(),
            "days_to_clear_median".into(),
        ])
        .collect()
}

/// Appends `value` as `f64`'s `Display` writes it: the shortest form that reads back as the same number, with
/// no exponent. A whole number below 2^53 is written by `itoa`: its shortest form is its own digits (a number
/// with fewer significant digits is at least 1 away, and the neighbouring floats are at most 1 apart), so the
/// text is the same without the general float path, which most of these values would otherwise take.
pub(crate) fn push_display(out: &mut Vec<u8>, value: f64) {
    /// 2^53.
    const EXACT_BELOW: f64 = 9_007_199_254_740_992.0;
    // `-0.0` is written `-0`; `itoa` would drop the sign.
    if value.fract() == 0.0
        && value.abs() < EXACT_BELOW
        && !(value == 0.0 && value.is_sign_negative())
    {
        out.extend_from_slice(itoa::Buffer::new().format(value as i64).as_bytes());
    } else {
        // Writing into a `Vec` cannot fail.
        let _ = write!(out, "{value}");
    }
}

/// The fields of one row, written one after another into one buffer, so that a row costs no allocation per field.
#[derive(Default)]
struct Fields {
    text: Vec<u8>,
    /// Where each field ends in `text`.
    ends: Vec<usize>,
}

impl Fields {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    fn end_field(&mut self) {
        self.ends.push(self.text.len());
    }

    fn push_str(&mut self, value: &str) {
        self.text.extend_from_slice(value.as_bytes());
        self.end_field();
    }

    /// A number as [`push_display`] writes it; a value that does not exist is an empty field.
    fn push_number(&mut self, value: Option<f64>) {
        if let Some(value) = value {
            push_display(&mut self.text, value);
        }
        self.end_field();
    }

    fn push_date(&mut self, date: Option<chrono::NaiveDate>) {
        if let Some(date) = date {
            // Writing into a `Vec` cannot fail.
            let _ = write!(self.text, "{date}");
        }
        self.end_field();
    }

    /// The fields in order.
    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let field = &self.text[start..end];
            start = end;
            field
        })
    }
}

/// Appends the metric fields of one row; `staffed` is false for a group.
fn metric_fields(fields: &mut Fields, aggregate: &Aggregate, staffed: bool) {
    let dice = !aggregate.dice.is_empty();
    for (i, &(metric, band)) in aggregate.bands.iter().enumerate() {
        if !staffed && metric.is_staff() {
            for _ in 0..if dice { 5 } else { 3 } {
                fields.end_field();
            }
        } else {
            fields.push_number(aggregate.mean.get(metric));
            fields.push_number(band.p5);
            fields.push_number(band.p95);
            if let Some((_, dice)) = aggregate.dice.get(i) {
                fields.push_number(dice.p5);
                fields.push_number(dice.p95);
            }
        }
    }
    let (peak_date, cleared_date, days_to_clear_median) = aggregate.mean.backlog_medians();
    fields.push_date(peak_date);
    fields.push_date(cleared_date);
    fields.push_number(days_to_clear_median);
}

/// Writes the header (`keys`, then the metric columns) and one row per item: `row` fills the row's fields.
fn write_table<T>(
    out: &mut dyn Write,
    keys: &[&str],
    dice: bool,
    items: impl Iterator<Item = T>,
    extra: &[String],
    row: impl Fn(&mut Fields, T),
) -> std::io::Result<()> {
    out.write_all(BOM)?;
    let mut writer = csv::Writer::from_writer(out);
    let mut header: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    header.extend(metric_columns_with(dice));
    header.extend(extra.iter().cloned());
    writer.write_record(&header)?;
    let mut fields = Fields::default();
    for item in items {
        fields.clear();
        row(&mut fields, item);
        writer.write_record(fields.iter())?;
    }
    writer.flush()
}

/// The a-kasse side's metrics in municipalities.csv (with an `[akasse]` section), each as `akasse_<metric>`
/// with its band.
pub const AKASSE_METRICS: [Metric; 11] = [
    Metric::Due,
    Metric::Held,
    Metric::HeldOnTime,
    Metric::OnTimeShare,
    Metric::PendingEnd,
    Metric::OverdueEnd,
    Metric::BacklogPeak,
    Metric::Capacity,
    Metric::Caseworkers,
    Metric::Utilisation,
    Metric::MeetingsPerCaseworkerDay,
];

/// The columns the a-kasse side adds to municipalities.csv: its metrics with their bands, then the joint
/// meetings held and the days they waited for each side.
pub fn akasse_columns() -> Vec<String> {
    AKASSE_METRICS
        .iter()
        .flat_map(|m| {
            [
                format!("akasse_{m}"),
                format!("akasse_{m}_p5"),
                format!("akasse_{m}_p95"),
            ]
        })
        .chain([
            "joint_held".into(),
            "joint_waited_for_jobcentre_days".into(),
            "joint_waited_for_akasse_days".into(),
        ])
        .collect()
}

/// municipalities.csv: `code, name`, then the metrics; with an a-kasse side, its columns after them; then each
/// timeliness rule's columns (none without rules).
pub fn write_municipalities(
    out: &mut dyn Write,
    scenario: &Scenario,
    outcome: &Outcome,
) -> std::io::Result<()> {
    let mut extra = match outcome.akasse {
        Some(_) => akasse_columns(),
        None => Vec::new(),
    };
    extra.extend(super::timeliness::municipality_columns(outcome));
    write_table(
        out,
        &["code", "name"],
        !outcome.total.dice.is_empty(),
        scenario.municipalities.iter().enumerate(),
        &extra,
        |fields, (i, m)| {
            fields.push_str(itoa::Buffer::new().format(m.code));
            fields.push_str(&m.name);
            metric_fields(fields, &outcome.municipalities[i], true);
            if let Some(akasse) = &outcome.akasse {
                let aggregate = &akasse.municipalities[i];
                for metric in AKASSE_METRICS {
                    let band = aggregate.band(metric);
                    fields.push_number(aggregate.mean.get(metric));
                    fields.push_number(band.and_then(|b| b.p5));
                    fields.push_number(band.and_then(|b| b.p95));
                }
                let waits = &akasse.municipality_waits[i];
                fields.push_number(Some(waits.joint_held));
                fields.push_number(Some(waits.waited_for_jobcentre_days));
                fields.push_number(Some(waits.waited_for_akasse_days));
            }
            for field in super::timeliness::municipality_fields(outcome, i) {
                fields.push_str(&field);
            }
        },
    )
}

/// groups.csv: `id, name`, then the metrics, the staff metrics left empty.
pub fn write_groups(
    out: &mut dyn Write,
    scenario: &Scenario,
    outcome: &Outcome,
) -> std::io::Result<()> {
    write_table(
        out,
        &["id", "name"],
        !outcome.total.dice.is_empty(),
        scenario.groups.iter().zip(&outcome.groups),
        &[],
        |fields, (g, a)| {
            fields.push_str(&g.id);
            fields.push_str(&g.name);
            metric_fields(fields, a, false);
        },
    )
}

/// The columns of episodes.csv.
pub(crate) const EPISODE_COLUMNS: [&str; 18] = [
    "scope",
    "key",
    "name",
    "episode",
    "start",
    "end",
    "next",
    "backlog_before",
    "backlog_peak",
    "backlog_peak_p5",
    "backlog_peak_p95",
    "backlog_peak_date",
    "backlog_cleared_date",
    "days_to_clear",
    "days_to_clear_p5",
    "days_to_clear_p95",
    "days_to_clear_median",
    "not_cleared_before",
];

/// episodes.csv: one row per episode of the total (`scope` total), of each municipality (`key` its code) and
/// of each group (`key` its id), in that order, each selection's episodes in date order. `next` is the next
/// suspension, where the episode ends; `not_cleared_before` repeats it when the backlog was not cleared by then
/// (the median cleared date does not exist).
pub fn write_episodes(
    out: &mut dyn Write,
    scenario: &Scenario,
    outcome: &Outcome,
) -> std::io::Result<()> {
    out.write_all(BOM)?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(EPISODE_COLUMNS)?;
    let mut fields = Fields::default();
    for ([scope, key, name], episode) in episodes(scenario, outcome) {
        fields.clear();
        fields.push_str(&scope);
        fields.push_str(&key);
        fields.push_str(&name);
        episode_fields(&mut fields, episode);
        writer.write_record(fields.iter())?;
    }
    writer.flush()
}

/// The rows of episodes.csv: the selection (`scope`, `key`, `name`) and one of its episodes, in the file's order.
pub(crate) fn episodes<'a>(
    scenario: &'a Scenario,
    outcome: &'a Outcome,
) -> impl Iterator<Item = ([String; 3], &'a Episode)> {
    let total = std::iter::once((
        ["total".to_string(), String::new(), String::new()],
        &outcome.total,
    ));
    let municipalities = scenario
        .municipalities
        .iter()
        .zip(&outcome.municipalities)
        .map(|(m, a)| {
            (
                [
                    "municipality".to_string(),
                    m.code.to_string(),
                    m.name.clone(),
                ],
                a,
            )
        });
    let groups = scenario
        .groups
        .iter()
        .zip(&outcome.groups)
        .map(|(g, a)| (["group".to_string(), g.id.clone(), g.name.clone()], a));
    total
        .chain(municipalities)
        .chain(groups)
        .flat_map(|(selection, a)| {
            a.mean
                .episodes
                .iter()
                .map(move |episode| (selection.clone(), episode))
        })
}

/// `next` when the episode had a backlog and no median cleared date: not cleared before that suspension.
pub(crate) fn not_cleared_before(episode: &Episode) -> &str {
    let not_cleared = episode.backlog_peak > 0.0 && episode.medians().1.is_none();
    episode
        .next
        .as_deref()
        .filter(|_| not_cleared)
        .unwrap_or_default()
}

fn episode_fields(fields: &mut Fields, episode: &Episode) {
    let (peak_date, cleared_date, days_to_clear_median) = episode.medians();
    fields.push_str(&episode.id);
    fields.push_date(episode.start);
    fields.push_date(episode.end);
    fields.push_str(episode.next.as_deref().unwrap_or_default());
    fields.push_number(Some(episode.backlog_before));
    fields.push_number(Some(episode.backlog_peak));
    fields.push_number(episode.backlog_peak_band.p5);
    fields.push_number(episode.backlog_peak_band.p95);
    fields.push_date(peak_date);
    fields.push_date(cleared_date);
    fields.push_number(episode.days_to_clear);
    fields.push_number(episode.days_to_clear_band.p5);
    fields.push_number(episode.days_to_clear_band.p95);
    fields.push_number(days_to_clear_median);
    fields.push_str(not_cleared_before(episode));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            75604.0,
            0.1,
            1.0 / 3.0,
            33612.29508196721,
            1e15,
            1e16,
            1e21,
            1e-7,
            123456789012345680000.0,
            9_007_199_254_740_991.0,
            9_007_199_254_740_992.0,
            -9_007_199_254_740_993.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // Whole numbers and halves across the range, and their neighbouring floats.
        let mut x = 1.0_f64;
        while x < 1e300 {
            let (up, down) = (
                f64::from_bits(x.to_bits() + 1),
                f64::from_bits(x.to_bits() - 1),
            );
            values.extend([x, x + 0.5, -x, up, down, (x * 0.7).round()]);
            x *= 3.1;
        }
        for value in values {
            let mut written = Vec::new();
            push_display(&mut written, value);
            assert_eq!(String::from_utf8(written).unwrap(), value.to_string());
        }
    }
}
