//! The timeliness rules in the outputs: timeliness.csv (one row per rule, municipality and month), the
//! per-municipality columns of municipalities.csv and the `timeliness` list of summary.json. Written only when
//! the scenario declares `[[timeliness]]` rules, so that the outputs of other scenarios do not change.

use super::daily::BOM;
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::timeliness::{Assessment, RuleOutcome};
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::io::Write;

/// The columns of timeliness.csv.
pub const COLUMNS: [&str; 17] = [
    "rule",
    "code",
    "name",
    "month",
    "due",
    "held",
    "held_on_time",
    "window_months",
    "window_held",
    "window_held_on_time",
    "share_on_time",
    "threshold",
    "excluded",
    "below",
    "run",
    "periods",
    "flagged",
];

/// A month as the outputs write it: `2020-03`.
pub fn month(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// A number as the other CSV files write it: `f64`'s shortest round-trip form, no exponent.
fn number(value: f64) -> String {
    value.to_string()
}

fn flag(value: bool) -> &'static str {
    if value {
        "1"
    } else {
        "0"
    }
}

/// The rows of timeliness.csv, as text fields: every rule, then every municipality, then every month.
pub fn rows(scenario: &Scenario, outcome: &Outcome) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for rule in &outcome.timeliness {
        for (m, assessment) in scenario.municipalities.iter().zip(&rule.municipalities) {
            for month_row in &assessment.months {
                let c = month_row.counts;
                rows.push(vec![
                    rule.rule.id.clone(),
                    m.code.to_string(),
                    m.name.clone(),
                    month(c.month),
                    number(c.due),
                    number(c.held),
                    number(c.held_on_time),
                    month_row.window_months.to_string(),
                    number(month_row.window_held),
                    number(month_row.window_held_on_time),
                    month_row.measure.map(number).unwrap_or_default(),
                    number(rule.rule.threshold),
                    flag(month_row.excluded).into(),
                    flag(month_row.below).into(),
                    month_row.run.to_string(),
                    rule.rule.periods.to_string(),
                    flag(month_row.flagged).into(),
                ]);
            }
        }
    }
    rows
}

/// timeliness.csv: each rule's measure per municipality and month, the mean over replications of the counts
/// and the measure and flags of those means.
pub fn write(out: &mut dyn Write, scenario: &Scenario, outcome: &Outcome) -> std::io::Result<()> {
    out.write_all(BOM)?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS)?;
    for row in rows(scenario, outcome) {
        writer.write_record(&row)?;
    }
    writer.flush()
}

/// The columns municipalities.csv gains per rule.
pub fn municipality_columns(outcome: &Outcome) -> Vec<String> {
    outcome
        .timeliness
        .iter()
        .flat_map(|rule| {
            let id = &rule.rule.id;
            [
                format!("timeliness_flagged.{id}"),
                format!("timeliness_first_flagged.{id}"),
                format!("timeliness_months_below.{id}"),
                format!("timeliness_flagged_share.{id}"),
            ]
        })
        .collect()
}

/// The fields of [`municipality_columns`] for municipality `m`.
pub fn municipality_fields(outcome: &Outcome, m: usize) -> Vec<String> {
    outcome
        .timeliness
        .iter()
        .flat_map(|rule| {
            let a = &rule.municipalities[m];
            [
                flag(a.flagged()).to_string(),
                a.first_flagged.map(month).unwrap_or_default(),
                a.months_below.to_string(),
                number(rule.flagged_share[m]),
            ]
        })
        .collect()
}

/// The municipalities a rule flags, in the scenario's order: (code, name, assessment, share of replications).
pub fn flagged<'a>(
    scenario: &'a Scenario,
    rule: &'a RuleOutcome,
) -> impl Iterator<Item = (u32, &'a str, &'a Assessment, f64)> {
    scenario
        .municipalities
        .iter()
        .zip(&rule.municipalities)
        .zip(&rule.flagged_share)
        .filter(|((_, a), _)| a.flagged())
        .map(|((m, a), &share)| (m.code, m.name.as_str(), a, share))
}

/// summary.json's `timeliness`: per rule, its definition, the number of municipalities flagged and each
/// municipality's flag, first flagged month and months below.
pub fn json(scenario: &Scenario, outcome: &Outcome) -> Value {
    outcome
        .timeliness
        .iter()
        .map(|rule| {
            let r = &rule.rule;
            let mut map = Map::new();
            map.insert("id".into(), r.id.clone().into());
            map.insert("measure".into(), r.measure.name().into());
            map.insert("threshold".into(), r.threshold.into());
            map.insert("periods".into(), r.periods.into());
            map.insert(
                "groups".into(),
                if r.groups.is_empty() {
                    scenario.groups.iter().map(|g| g.id.clone()).collect()
                } else {
                    r.groups
                        .iter()
                        .map(|&g| scenario.groups[g].id.clone())
                        .collect()
                },
            );
            map.insert(
                "exclude".into(),
                r.exclude.iter().map(|&d| month(d)).collect(),
            );
            map.insert(
                "source".into(),
                r.source.clone().map_or(Value::Null, Value::String),
            );
            map.insert("flagged".into(), rule.flagged_count().into());
            map.insert("flagged_mean".into(), rule.flagged_count_mean().into());
            let municipalities: Vec<Value> = scenario
                .municipalities
                .iter()
                .zip(&rule.municipalities)
                .zip(&rule.flagged_share)
                .map(|((m, a), &share)| {
                    let mut entry = Map::new();
                    entry.insert("code".into(), m.code.into());
                    entry.insert("name".into(), m.name.clone().into());
                    entry.insert("flagged".into(), a.flagged().into());
                    entry.insert(
                        "first_flagged".into(),
                        a.first_flagged.map_or(Value::Null, |d| month(d).into()),
                    );
                    entry.insert("months_below".into(), a.months_below.into());
                    entry.insert("flagged_share".into(), share.into());
                    Value::Object(entry)
                })
                .collect();
            map.insert("municipalities".into(), municipalities.into());
            Value::Object(map)
        })
        .collect()
}
