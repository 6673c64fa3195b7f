//! summary.json: `{"scenario": {...}, "total": {METRIC: number}, "municipalities": [{"code", "name", "metrics"}]}`,
//! extended with `bands` (mean, p5, p95 over replications) and per-group totals. Keys are sorted, so the document
//! is byte-identical for the same scenario and seed.

use super::ScenarioInfo;
use crate::metric::Metric;
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::summary::{Aggregate, Metrics};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Write;

#[derive(Serialize)]
struct Document<'a> {
    scenario: &'a ScenarioInfo,
    total: Map<String, Value>,
    bands: Map<String, Value>,
    municipalities: Vec<Entry>,
    groups: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    name: String,
    metrics: Map<String, Value>,
    bands: Map<String, Value>,
}

fn number(value: Option<f64>) -> Value {
    value
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// The metric map of one selection: every numeric metric plus the backlog dates.
pub fn metrics_map(metrics: &Metrics) -> Map<String, Value> {
    let mut map = Map::new();
    for metric in Metric::ALL {
        map.insert(metric.name().to_string(), number(metrics.get(metric)));
    }
    let date =
        |d: Option<chrono::NaiveDate>| d.map_or(Value::Null, |d| Value::String(d.to_string()));
    map.insert("backlog_peak_date".into(), date(metrics.backlog_peak_date));
    map.insert(
        "backlog_cleared_date".into(),
        date(metrics.backlog_cleared_date),
    );
    map
}

pub fn bands_map(aggregate: &Aggregate) -> Map<String, Value> {
    aggregate
        .bands
        .iter()
        .map(|(metric, band)| {
            let mut entry = Map::new();
            entry.insert("mean".into(), number(band.mean));
            entry.insert("p5".into(), number(band.p5));
            entry.insert("p95".into(), number(band.p95));
            (metric.name().to_string(), Value::Object(entry))
        })
        .collect()
}

pub fn write(
    out: &mut dyn Write,
    scenario: &Scenario,
    info: &ScenarioInfo,
    outcome: &Outcome,
) -> std::io::Result<()> {
    let document = Document {
        scenario: info,
        total: metrics_map(&outcome.total.mean),
        bands: bands_map(&outcome.total),
        municipalities: scenario
            .municipalities
            .iter()
            .zip(&outcome.municipalities)
            .map(|(m, a)| Entry {
                code: Some(m.code),
                id: None,
                name: m.name.clone(),
                metrics: metrics_map(&a.mean),
                bands: bands_map(a),
            })
            .collect(),
        groups: scenario
            .groups
            .iter()
            .zip(&outcome.groups)
            .map(|(g, a)| Entry {
                code: None,
                id: Some(g.id.clone()),
                name: g.name.clone(),
                metrics: metrics_map(&a.mean),
                bands: bands_map(a),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
