//! `[[expect_municipalities]]`: a published per-municipality series, read from a CSV and lined up with the
//! scenario's municipalities, for `backlog check` to compare a metric with, municipality by municipality.

use super::checker::{groups_and_window, metric_named, Checker};
use super::model::{Group, Municipality, MunicipalityExpectation};
use super::municipalities::read_table;
use super::raw::RawScenario;
use super::Sources;
use chrono::NaiveDate;
use std::collections::HashMap;

pub(super) fn municipality_expectations(
    raw: &RawScenario,
    municipalities: &[Municipality],
    groups: &[Group],
    check: &mut Checker,
    sources: &mut Sources,
    (start, end): (NaiveDate, NaiveDate),
) -> Vec<MunicipalityExpectation> {
    let mut out = Vec::new();
    for (i, e) in raw.expect_municipalities.iter().enumerate() {
        let key = format!("expect_municipalities[{i}]");
        let metric = metric_named(check, &format!("{key}.metric"), &e.metric);
        let (group_indices, from, to) = groups_and_window(
            check,
            &key,
            e.groups.iter().flatten(),
            groups,
            (e.from, e.to),
            (start, end),
        );
        check.positive(&format!("{key}.tolerance"), e.tolerance, 1.0);
        if !check.municipalities_complete || municipalities.is_empty() {
            continue;
        }
        if municipalities.len() < 2 {
            check.err(
                &key,
                "compares how a metric is spread over municipalities, so it needs at least 2 (set `expect_municipalities = []` in a scenario of one municipality)",
            );
            continue;
        }
        let file_key = format!("{key}.file");
        let Some(table) = read_table(sources, check, &file_key, &e.file) else {
            continue;
        };
        let mut columns = Vec::new();
        for (what, name) in [("code_column", &e.code_column), ("column", &e.column)] {
            match table.column(name) {
                Some(field) => columns.push(field),
                None => check.err(
                    format!("{key}.{what}"),
                    format!("{} has no column `{name}`", table.path.display()),
                ),
            }
        }
        let [code_field, value_field] = columns[..] else {
            continue;
        };
        let mut by_code: HashMap<u32, f64> = HashMap::new();
        let mut first_line: HashMap<u32, usize> = HashMap::new();
        for row in 0..table.rows.len() {
            let code = match table.code(row, code_field, &file_key) {
                Ok(code) => code,
                Err(problem) => {
                    check.extra.push(problem);
                    continue;
                }
            };
            let line = table.position(Some(row), code_field).0;
            if let Some(first) = first_line.insert(code, line) {
                check.extra.push(table.problem(
                    Some(row),
                    code_field,
                    &file_key,
                    format!("municipality code {code} appears twice (first on line {first})"),
                ));
                continue;
            }
            // Rows of municipalities the scenario does not simulate are not read.
            if !municipalities.iter().any(|m| m.code == code) {
                continue;
            }
            match table.number(row, value_field, &file_key) {
                Ok(value) if value > 0.0 => {
                    by_code.insert(code, value);
                }
                Ok(_) => check.extra.push(table.problem(
                    Some(row),
                    value_field,
                    &file_key,
                    format!(
                        "column `{}`: 0 leaves the percentage error of municipality {code} undefined",
                        e.column
                    ),
                )),
                Err(problem) => check.extra.push(problem),
            }
        }
        let missing: Vec<String> = municipalities
            .iter()
            .filter(|m| !first_line.contains_key(&m.code))
            .map(|m| m.code.to_string())
            .collect();
        if !missing.is_empty() {
            check.err(
                &file_key,
                format!(
                    "{} has no row for municipality {}",
                    table.path.display(),
                    missing.join(", ")
                ),
            );
            continue;
        }
        if by_code.len() < municipalities.len() {
            continue;
        }
        let values: Vec<f64> = municipalities
            .iter()
            .map(|m| {
                by_code[&m.code]
                    * if e.times_population {
                        m.population
                    } else {
                        1.0
                    }
            })
            .collect();
        if values.iter().sum::<f64>() <= 0.0 {
            check.err(
                format!("{key}.column"),
                format!(
                    "the values of `{}` sum to zero: nothing to compare with",
                    e.column
                ),
            );
            continue;
        }
        // An unknown metric is reported above; the scenario is refused, so the expectation is not needed.
        let Some(metric) = metric else {
            continue;
        };
        out.push(MunicipalityExpectation {
            figure: e.figure.clone(),
            source: e.source.clone(),
            danish: crate::scenario::model::DanishFigure {
                figure: e.figure_da.clone(),
                source: e.source_da.clone(),
                known_miss: e.known_miss_da.clone(),
            },
            published: e.published.clone(),
            file: table.path.clone(),
            column: e.column.clone(),
            values,
            metric,
            groups: group_indices,
            from,
            to,
            tolerance: e.tolerance,
            known_miss: e.known_miss.clone(),
        });
    }
    out
}
