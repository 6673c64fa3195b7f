//! summary.json: `{"scenario": {...}, "total": {METRIC: number}, "municipalities": [{"code", "name", "metrics"}]}`,
//! extended with `bands` (mean, p5, p95 over replications) and per-group totals. Keys are sorted, so the document
//! is byte-identical for the same scenario and seed.

use super::ScenarioInfo;
use crate::metric::Metric;
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::summary::{Aggregate, Band, Episode, JointWaits, Metrics};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Write;

#[derive(Serialize)]
struct Document<'a> {
    scenario: &'a ScenarioInfo,
    total: MetricsFields<'a>,
    bands: BandsFields<'a>,
    municipalities: Vec<Entry<'a>>,
    groups: Vec<Entry<'a>>,
    /// The a-kasse side, with an `[akasse]` section only (so that a scenario without one writes what it did).
    #[serde(skip_serializing_if = "Option::is_none")]
    akasse: Option<AkasseDocument<'a>>,
    /// The timeliness rules (super::timeliness), only when the scenario declares some.
    #[serde(skip_serializing_if = "Value::is_null")]
    timeliness: Value,
}

/// The a-kasse side: its meetings' metrics and bands as the jobcentre's, and the joint meetings' waits, in
/// total and per municipality.
#[derive(Serialize)]
struct AkasseDocument<'a> {
    total: MetricsFields<'a>,
    bands: BandsFields<'a>,
    joint: &'a JointWaits,
    municipalities: Vec<AkasseEntry<'a>>,
}

#[derive(Serialize)]
struct AkasseEntry<'a> {
    code: u32,
    name: &'a str,
    metrics: MetricsFields<'a>,
    bands: BandsFields<'a>,
    joint: &'a JointWaits,
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    name: &'a str,
    metrics: MetricsFields<'a>,
    bands: BandsFields<'a>,
}

/// A key of [`metrics_map`].
#[derive(Clone, Copy)]
enum Field {
    Metric(Metric),
    PeakDate,
    ClearedDate,
    DaysToClearMedian,
    Episodes,
}

/// Writes what [`metrics_map`] holds, key for key in its (sorted) order, without building it.
struct MetricsFields<'a>(&'a Metrics);

impl Serialize for MetricsFields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut fields: Vec<(&str, Field)> = Metric::ALL
            .into_iter()
            .map(|metric| (metric.name(), Field::Metric(metric)))
            .collect();
        fields.push(("backlog_peak_date", Field::PeakDate));
        fields.push(("backlog_cleared_date", Field::ClearedDate));
        fields.push(("days_to_clear_median", Field::DaysToClearMedian));
        fields.push(("episodes", Field::Episodes));
        fields.sort_by_key(|&(name, _)| name);
        fields.dedup_by_key(|&mut (name, _)| name);
        let date =
            |d: Option<chrono::NaiveDate>| d.map_or(Value::Null, |d| Value::String(d.to_string()));
        // Without a backlog both dates are null, as the tables and CSVs leave them empty.
        let (peak_date, cleared_date, days_to_clear_median) = self.0.backlog_medians();
        let mut map = serializer.serialize_map(Some(fields.len()))?;
        for (name, field) in fields {
            let value = match field {
                Field::Metric(metric) => number(self.0.get(metric)),
                Field::PeakDate => date(peak_date),
                Field::ClearedDate => date(cleared_date),
                Field::DaysToClearMedian => number(days_to_clear_median),
                Field::Episodes => episodes(&self.0.episodes),
            };
            map.serialize_entry(name, &value)?;
        }
        map.end()
    }
}

/// Writes what [`bands_map`] holds, key for key in its (sorted) order, without building it.
struct BandsFields<'a>(&'a Aggregate);

impl Serialize for BandsFields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        // A map keeps the last of equal keys.
        let mut bands: Vec<(&str, &Band, Option<&Band>)> = self
            .0
            .bands
            .iter()
            .enumerate()
            .rev()
            .map(|(i, (metric, band))| (metric.name(), band, self.0.dice.get(i).map(|(_, d)| d)))
            .collect();
        bands.sort_by_key(|&(name, _, _)| name);
        bands.dedup_by_key(|&mut (name, _, _)| name);
        let mut map = serializer.serialize_map(Some(bands.len()))?;
        for (name, band, dice) in bands {
            map.serialize_entry(name, &BandFields(band, dice))?;
        }
        map.end()
    }
}

/// One band as [`bands_map`] writes it: `{"mean", "p5", "p95"}`; for an ensemble, the dice-only band
/// first, `{"dice_p5", "dice_p95", "mean", ...}` (keys sorted).
struct BandFields<'a>(&'a Band, Option<&'a Band>);

impl Serialize for BandFields<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(if self.1.is_some() { 5 } else { 3 }))?;
        if let Some(dice) = self.1 {
            map.serialize_entry("dice_p5", &number(dice.p5))?;
            map.serialize_entry("dice_p95", &number(dice.p95))?;
        }
        map.serialize_entry("mean", &number(self.0.mean))?;
        map.serialize_entry("p5", &number(self.0.p5))?;
        map.serialize_entry("p95", &number(self.0.p95))?;
        map.end()
    }
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
    let (peak_date, cleared_date, days_to_clear_median) = metrics.backlog_medians();
    map.insert("backlog_peak_date".into(), date(peak_date));
    map.insert("backlog_cleared_date".into(), date(cleared_date));
    map.insert("days_to_clear_median".into(), number(days_to_clear_median));
    map.insert("episodes".into(), episodes(&metrics.episodes));
    map
}

/// The episodes of a selection, one object each in date order: the suspension's id and window, the next
/// suspension's id (where the episode ends), the backlog before it, its peak, the dates and the days to clear
/// (the mean over replications, and the median), with the bands of the peak and the days to clear.
fn episodes(episodes: &[Episode]) -> Value {
    let date =
        |d: Option<chrono::NaiveDate>| d.map_or(Value::Null, |d| Value::String(d.to_string()));
    let band = |band: &Band| {
        let mut entry = Map::new();
        entry.insert("mean".into(), number(band.mean));
        entry.insert("p5".into(), number(band.p5));
        entry.insert("p95".into(), number(band.p95));
        Value::Object(entry)
    };
    episodes
        .iter()
        .map(|episode| {
            let (peak_date, cleared_date, days_to_clear_median) = episode.medians();
            let mut bands = Map::new();
            bands.insert("backlog_peak".into(), band(&episode.backlog_peak_band));
            bands.insert("days_to_clear".into(), band(&episode.days_to_clear_band));
            let mut map = Map::new();
            map.insert("id".into(), Value::String(episode.id.clone()));
            map.insert("start".into(), date(episode.start));
            map.insert("end".into(), date(episode.end));
            map.insert(
                "next".into(),
                episode.next.clone().map_or(Value::Null, Value::String),
            );
            map.insert(
                "backlog_before".into(),
                number(Some(episode.backlog_before)),
            );
            map.insert("backlog_peak".into(), number(Some(episode.backlog_peak)));
            map.insert("backlog_peak_date".into(), date(peak_date));
            map.insert("backlog_cleared_date".into(), date(cleared_date));
            map.insert("days_to_clear".into(), number(episode.days_to_clear));
            map.insert("days_to_clear_median".into(), number(days_to_clear_median));
            map.insert("bands".into(), Value::Object(bands));
            Value::Object(map)
        })
        .collect()
}

pub fn bands_map(aggregate: &Aggregate) -> Map<String, Value> {
    aggregate
        .bands
        .iter()
        .enumerate()
        .map(|(i, (metric, band))| {
            let mut entry = Map::new();
            entry.insert("mean".into(), number(band.mean));
            entry.insert("p5".into(), number(band.p5));
            entry.insert("p95".into(), number(band.p95));
            if let Some((_, dice)) = aggregate.dice.get(i) {
                entry.insert("dice_p5".into(), number(dice.p5));
                entry.insert("dice_p95".into(), number(dice.p95));
            }
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
        total: MetricsFields(&outcome.total.mean),
        bands: BandsFields(&outcome.total),
        municipalities: scenario
            .municipalities
            .iter()
            .zip(&outcome.municipalities)
            .map(|(m, a)| Entry {
                code: Some(m.code),
                id: None,
                name: &m.name,
                metrics: MetricsFields(&a.mean),
                bands: BandsFields(a),
            })
            .collect(),
        groups: scenario
            .groups
            .iter()
            .zip(&outcome.groups)
            .map(|(g, a)| Entry {
                code: None,
                id: Some(&g.id),
                name: &g.name,
                metrics: MetricsFields(&a.mean),
                bands: BandsFields(a),
            })
            .collect(),
        akasse: outcome.akasse.as_ref().map(|akasse| AkasseDocument {
            total: MetricsFields(&akasse.total.mean),
            bands: BandsFields(&akasse.total),
            joint: &akasse.waits,
            municipalities: scenario
                .municipalities
                .iter()
                .zip(&akasse.municipalities)
                .zip(&akasse.municipality_waits)
                .map(|((m, a), joint)| AkasseEntry {
                    code: m.code,
                    name: &m.name,
                    metrics: MetricsFields(&a.mean),
                    bands: BandsFields(a),
                    joint,
                })
                .collect(),
        }),
        timeliness: if outcome.timeliness.is_empty() {
            Value::Null
        } else {
            super::timeliness::json(scenario, outcome)
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::aggregate;

    #[test]
    fn written_fields_are_the_maps_byte_for_byte() {
        let run = |n: f64, cleared: bool| Metrics {
            arrivals: 1234.0 + n,
            held: 0.1 + n,
            utilisation: f64::NAN,
            on_time_share: 1.0 / 3.0,
            days_to_clear: cleared.then_some(17.0 + n),
            backlog_peak: 5.0,
            backlog_peak_date: Some("2020-04-01".parse().unwrap()),
            backlog_cleared_date: cleared.then(|| "2020-09-30".parse().unwrap()),
            episodes: vec![Episode {
                id: "spring".into(),
                next: Some("winter".into()),
                backlog_peak: 5.0 + n,
                days_to_clear: cleared.then_some(17.0 + n),
                days_to_clear_median: cleared.then_some(17.0 + n),
                backlog_cleared_date: cleared.then(|| "2020-09-30".parse().unwrap()),
                ..Episode::default()
            }],
            ..Metrics::default()
        };
        for runs in [
            vec![run(0.0, true)],
            vec![run(0.0, true), run(2.5, false), run(1e9, true)],
        ] {
            let aggregate = aggregate(&runs);
            assert_eq!(
                pretty(&MetricsFields(&aggregate.mean)),
                pretty(&metrics_map(&aggregate.mean))
            );
            assert_eq!(
                pretty(&BandsFields(&aggregate)),
                pretty(&bands_map(&aggregate))
            );
        }
    }

    fn pretty<T: Serialize>(value: &T) -> String {
        serde_json::to_string_pretty(value).unwrap()
    }
}
