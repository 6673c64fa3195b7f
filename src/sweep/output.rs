//! Sweep outputs: one row per grid point (CSV or JSON) and one row per grid point and replication (CSV).
//!
//! Both formats are written from the same [`Header`] and [`Row`]s, and every number is printed as the shortest
//! text that reads back as the same number. A shard file holds the CSV rows, so `merge` can read them back and
//! write exactly what one unsharded run writes, in either format.

use super::grid::{Key, Value};
use super::RepOutcome;
use crate::metric::Metric;
use crate::summary::Band;
use chrono::NaiveDate;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::io::{self, Write};

/// The metrics reported for each grid point, in column order.
pub const REPORTED: [Metric; 6] = [
    Metric::BacklogPeak,
    Metric::OverdueEnd,
    Metric::DaysToClear,
    Metric::OnTimeShare,
    Metric::Utilisation,
    Metric::MeetingsPerCaseworkerDay,
];

/// Columns that identify the scenario and run on every CSV row.
/// `set` holds the `--set` overrides, `KEY=VALUE` separated by spaces (empty without any).
pub const IDENTITY_COLUMNS: [&str; 7] = [
    "scenario", "sha256", "seed", "reps", "version", "set", "draws",
];
/// Columns describing the target, after the metrics, when a sweep has one.
pub const TARGET_COLUMNS: [&str; 5] = ["target", "by", "confidence", "target_share", "target_met"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepFormat {
    /// One CSV row per grid point (the default).
    Csv,
    /// One JSON document with a `scenario` object and a `points` list.
    Json,
}

impl SweepFormat {
    pub fn name(self) -> &'static str {
        match self {
            SweepFormat::Csv => "csv",
            SweepFormat::Json => "json",
        }
    }

    pub fn parse(name: &str) -> Option<SweepFormat> {
        [SweepFormat::Csv, SweepFormat::Json]
            .into_iter()
            .find(|f| f.name() == name)
    }
}

/// How the staffing in the rows was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Search {
    Grid,
    Bisection,
}

/// The target as written in outputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetHeader {
    pub condition: String,
    pub by: NaiveDate,
    pub confidence: f64,
    pub search: Search,
}

/// What identifies a sweep's output: the scenario, the run and the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub scenario: String,
    pub sha256: String,
    pub seed: u64,
    pub replications: u32,
    pub version: String,
    /// The `--set` overrides every point starts from, `KEY=VALUE`.
    pub set: Vec<String>,
    /// `--draws`: the draws of the ranged inputs each point runs (`reps` times each); `None` at the central
    /// values.
    pub draws: Option<u32>,
    /// The keys of the value columns, in grid order.
    pub keys: Vec<Key>,
    /// `--vary` keys and specs as given (empty for a bisection).
    pub vary: Vec<(Key, String)>,
    pub target: Option<TargetHeader>,
}

/// The outcome of the target at one grid point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetOutcome {
    /// Share of replications meeting the condition.
    pub share: f64,
    pub met: bool,
}

/// One grid point's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index of the point in grid order.
    pub index: usize,
    pub values: Vec<Value>,
    /// One band per [`REPORTED`] metric.
    pub bands: Vec<Band>,
    pub target: Option<TargetOutcome>,
}

pub fn number(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

impl Header {
    /// The CSV header: identity, values, metric bands, then the target columns if any.
    pub fn csv_columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = IDENTITY_COLUMNS.iter().map(|c| c.to_string()).collect();
        columns.extend(self.keys.iter().map(|k| k.name().to_string()));
        for metric in REPORTED {
            for part in ["mean", "p5", "p95"] {
                columns.push(format!("{metric}_{part}"));
            }
        }
        if self.target.is_some() {
            columns.extend(TARGET_COLUMNS.iter().map(|c| c.to_string()));
        }
        columns
    }

    fn identity_fields(&self) -> Vec<String> {
        vec![
            self.scenario.clone(),
            self.sha256.clone(),
            self.seed.to_string(),
            self.replications.to_string(),
            self.version.clone(),
            self.set.join(" "),
            self.draws.map_or_else(String::new, |n| n.to_string()),
        ]
    }

    /// The CSV fields of one row, matching [`csv_columns`](Self::csv_columns).
    pub fn csv_fields(&self, row: &Row) -> Vec<String> {
        let mut fields = self.identity_fields();
        fields.extend(row.values.iter().map(|v| v.to_string()));
        for band in &row.bands {
            fields.extend([number(band.mean), number(band.p5), number(band.p95)]);
        }
        if let (Some(target), Some(outcome)) = (&self.target, &row.target) {
            fields.extend([
                target.condition.clone(),
                target.by.to_string(),
                target.confidence.to_string(),
                outcome.share.to_string(),
                outcome.met.to_string(),
            ]);
        }
        fields
    }
}

/// Writes the rows in `format`.
pub fn write(
    out: &mut dyn Write,
    format: SweepFormat,
    header: &Header,
    rows: &[Row],
) -> io::Result<()> {
    match format {
        SweepFormat::Csv => write_csv(out, header, rows),
        SweepFormat::Json => write_json(out, header, rows),
    }
}

fn write_csv(out: &mut dyn Write, header: &Header, rows: &[Row]) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header.csv_columns())?;
    for row in rows {
        writer.write_record(header.csv_fields(row))?;
    }
    writer.flush()
}

#[derive(Serialize)]
struct JsonScenario<'a> {
    name: &'a str,
    sha256: &'a str,
    seed: u64,
    replications: u32,
    version: &'a str,
    set: &'a [String],
    draws: Option<u32>,
}

#[derive(Serialize)]
struct JsonAxis<'a> {
    key: &'a str,
    spec: &'a str,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    scenario: JsonScenario<'a>,
    vary: Vec<JsonAxis<'a>>,
    target: Option<&'a TargetHeader>,
    points: Vec<JsonPoint<'a>>,
}

/// One point as a JSON object with its keys in column order.
struct JsonPoint<'a> {
    keys: &'a [Key],
    row: &'a Row,
}

struct JsonValue(Value);

impl Serialize for JsonValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Number(v) => serializer.serialize_f64(v),
            Value::Date(d) => serializer.collect_str(&d.format("%Y-%m-%d")),
        }
    }
}

impl Serialize for JsonPoint<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in self.keys.iter().zip(&self.row.values) {
            map.serialize_entry(key.name(), &JsonValue(*value))?;
        }
        for (metric, band) in REPORTED.iter().zip(&self.row.bands) {
            map.serialize_entry(metric, band)?;
        }
        if let Some(outcome) = &self.row.target {
            map.serialize_entry("target_share", &outcome.share)?;
            map.serialize_entry("target_met", &outcome.met)?;
        }
        map.end()
    }
}

fn write_json(out: &mut dyn Write, header: &Header, rows: &[Row]) -> io::Result<()> {
    let document = JsonDocument {
        scenario: JsonScenario {
            name: &header.scenario,
            sha256: &header.sha256,
            seed: header.seed,
            replications: header.replications,
            version: &header.version,
            set: &header.set,
            draws: header.draws,
        },
        vary: header
            .vary
            .iter()
            .map(|(key, spec)| JsonAxis {
                key: key.name(),
                spec,
            })
            .collect(),
        target: header.target.as_ref(),
        points: rows
            .iter()
            .map(|row| JsonPoint {
                keys: &header.keys,
                row,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// Writes one CSV row per grid point and replication: the identity, the values, the replication and its seed,
/// each reported metric, and the target metric on its window with whether it met the condition.
pub fn write_per_rep(
    out: &mut dyn Write,
    header: &Header,
    points: &[(&Row, &[RepOutcome])],
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut columns: Vec<String> = IDENTITY_COLUMNS.iter().map(|c| c.to_string()).collect();
    columns.extend(header.keys.iter().map(|k| k.name().to_string()));
    columns.extend(["draw", "replication", "replication_seed"].map(str::to_string));
    columns.extend(REPORTED.iter().map(|m| m.to_string()));
    if header.target.is_some() {
        columns.extend(["target_value".to_string(), "target_holds".to_string()]);
    }
    writer.write_record(&columns)?;
    for (row, reps) in points {
        for rep in reps.iter() {
            let mut fields = header.identity_fields();
            fields.extend(row.values.iter().map(|v| v.to_string()));
            fields.extend([
                rep.draw.map_or_else(String::new, |d| d.to_string()),
                rep.replication.to_string(),
                rep.seed.to_string(),
            ]);
            fields.extend(rep.reported.iter().map(|v| number(*v)));
            if let (Some((value, holds)), Some(target)) = (rep.target, &header.target) {
                // A date target's value is a day number inside; it reads as the date.
                let value = match value.and_then(|v| NaiveDate::from_num_days_from_ce_opt(v as i32))
                {
                    Some(date) if target.condition.starts_with("backlog_cleared_date") => {
                        date.to_string()
                    }
                    _ => number(value),
                };
                fields.extend([value, holds.to_string()]);
            }
            writer.write_record(&fields)?;
        }
    }
    writer.flush()
}
