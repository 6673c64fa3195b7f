//! municipalities.csv and groups.csv: the summary of summary.json as flat tables, one row per municipality or
//! group and one column per metric (the mean over replications), each followed by its `_p5` and `_p95` columns.
//!
//! The values are the very numbers of summary.json, written in Rust's shortest round-trip form, so that a
//! script reading either file gets the same figures. A value that does not exist is an empty field.

use super::daily::BOM;
use crate::metric::Metric;
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::summary::Aggregate;
use std::io::Write;

/// The metric columns after the keys: each numeric metric with its band, then the two dates.
pub fn metric_columns() -> Vec<String> {
    Metric::ALL
        .iter()
        .flat_map(|m| [m.to_string(), format!("{m}_p5"), format!("{m}_p95")])
        .chain(["backlog_peak_date".into(), "backlog_cleared_date".into()])
        .collect()
}

fn number(value: Option<f64>) -> String {
    value.map_or(String::new(), |v| v.to_string())
}

/// The metric fields of one row; `staffed` is false for a group.
fn metric_fields(aggregate: &Aggregate, staffed: bool) -> Vec<String> {
    let mut fields = Vec::with_capacity(Metric::ALL.len() * 3 + 2);
    for &(metric, band) in &aggregate.bands {
        if !staffed && metric.is_staff() {
            fields.extend([String::new(), String::new(), String::new()]);
        } else {
            fields.push(number(aggregate.mean.get(metric)));
            fields.push(number(band.p5));
            fields.push(number(band.p95));
        }
    }
    let date = |d: Option<chrono::NaiveDate>| d.map_or(String::new(), |d| d.to_string());
    let (peak_date, cleared_date) = aggregate.mean.backlog_dates();
    fields.push(date(peak_date));
    fields.push(date(cleared_date));
    fields
}

fn write_table(
    out: &mut dyn Write,
    keys: &[&str],
    rows: impl Iterator<Item = (Vec<String>, Vec<String>)>,
) -> std::io::Result<()> {
    out.write_all(BOM)?;
    let mut writer = csv::Writer::from_writer(out);
    let mut header: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    header.extend(metric_columns());
    writer.write_record(&header)?;
    for (key, fields) in rows {
        writer.write_record(key.iter().chain(&fields))?;
    }
    writer.flush()
}

/// municipalities.csv: `code, name`, then the metrics.
pub fn write_municipalities(
    out: &mut dyn Write,
    scenario: &Scenario,
    outcome: &Outcome,
) -> std::io::Result<()> {
    write_table(
        out,
        &["code", "name"],
        scenario
            .municipalities
            .iter()
            .zip(&outcome.municipalities)
            .map(|(m, a)| {
                (
                    vec![m.code.to_string(), m.name.clone()],
                    metric_fields(a, true),
                )
            }),
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
        scenario
            .groups
            .iter()
            .zip(&outcome.groups)
            .map(|(g, a)| (vec![g.id.clone(), g.name.clone()], metric_fields(a, false))),
    )
}
