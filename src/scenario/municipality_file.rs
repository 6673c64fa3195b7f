//! The municipality file: a CSV with columns `code,name,population`, read for `municipalities.file`.

use super::limits::MAX_CSV_ROWS;
use crate::error::{Location, Problem};
use std::path::Path;

#[derive(serde::Deserialize)]
pub(super) struct CsvMunicipality {
    pub code: u32,
    pub name: String,
    pub population: f64,
}

/// Reads the municipality CSV. Problems point at the CSV's own line and column and name the scenario key
/// that refers to it.
pub(super) fn read_municipality_csv(
    path: &Path,
    text: &str,
) -> Result<Vec<CsvMunicipality>, Problem> {
    let problem = |line_col: Option<(usize, usize)>, message: String| Problem {
        location: Some(Location {
            file: path.to_path_buf(),
            line_col,
        }),
        key: "municipalities.file".to_string(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| problem(Some((1, 1)), format!("cannot read the header: {e}")))?
        .clone();
    for needed in ["code", "name", "population"] {
        if !headers.iter().any(|h| h == needed) {
            return Err(problem(
                Some((1, 1)),
                format!("has no `{needed}` column (columns needed: code, name, population)"),
            ));
        }
    }
    // 1-based line and column of field `field` of a record that starts at byte `record_start`.
    let field_position = |record: &csv::StringRecord, field: Option<usize>| {
        let record_start = record.position().map_or(0, |p| p.byte() as usize);
        let offset = field
            .and_then(|f| record.get(f))
            .and_then(|value| text[record_start..].find(value))
            .unwrap_or(0);
        super::locate::line_col(text, record_start + offset)
    };
    let mut rows = Vec::new();
    // The line each code was first seen on, so that a duplicate is reported where it is.
    let mut first_line = std::collections::HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("this row has {len} fields, the header has {expected_len}"),
                    _ => format!("cannot read this row: {e}"),
                };
                return Err(problem(Some((line, 1)), message));
            }
        }
        let row: CsvMunicipality = match record.deserialize(Some(&headers)) {
            Ok(row) => row,
            Err(e) => {
                let field = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err.field().map(|f| f as usize),
                    _ => None,
                };
                let column = field.and_then(|f| headers.get(f));
                let value = field.and_then(|f| record.get(f)).unwrap_or("");
                let expected = match column {
                    Some("code") => "a municipality code (a whole number)",
                    Some("population") => "a number",
                    _ => "a value",
                };
                let message = match column {
                    Some(column) => format!("column `{column}`: `{value}` is not {expected}"),
                    None => format!("bad row: {e}"),
                };
                return Err(problem(Some(field_position(&record, field)), message));
            }
        };
        if !(row.population.is_finite() && row.population > 0.0) {
            let population = headers.iter().position(|h| h == "population");
            return Err(problem(
                Some(field_position(&record, population)),
                format!(
                    "column `population`: the population of {} must be a number greater than 0, got {}",
                    row.code, row.population
                ),
            ));
        }
        let line = field_position(&record, None).0;
        if let Some(first) = first_line.insert(row.code, line) {
            let code = headers.iter().position(|h| h == "code");
            return Err(problem(
                Some(field_position(&record, code)),
                format!(
                    "column `code`: municipality code {} appears twice (first on line {first})",
                    row.code
                ),
            ));
        }
        rows.push(row);
        if rows.len() > MAX_CSV_ROWS {
            return Err(problem(
                Some(field_position(&record, None)),
                format!("has more than {MAX_CSV_ROWS} rows"),
            ));
        }
    }
    if rows.is_empty() {
        return Err(problem(None, "has no rows".to_string()));
    }
    Ok(rows)
}
