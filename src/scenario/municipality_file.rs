//! Municipality CSV files, read as text tables: the municipality file named by `municipalities.file` and the data
//! files of `municipalities.data`. What the columns mean is decided in `municipalities`; this module only reads
//! rows and points problems at the file's own line and column.

use super::limits::MAX_CSV_ROWS;
use crate::error::{Location, Problem};
use std::path::{Path, PathBuf};

/// A CSV file with a header, every row as read.
pub(super) struct CsvTable {
    pub path: PathBuf,
    text: String,
    /// Byte offsets of the text's line feeds, in order: a row's line without counting them again.
    newlines: Vec<usize>,
    pub headers: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl CsvTable {
    /// Reads the header and every row; a row with the wrong number of fields is a problem at its line. `key` is
    /// the scenario key that names the file, for messages.
    pub fn read(path: &Path, key: &str, text: String) -> Result<Self, Problem> {
        let problem = |line_col: Option<(usize, usize)>, message: String| Problem {
            location: Some(Location {
                file: path.to_path_buf(),
                line_col,
            }),
            key: key.to_string(),
            message,
        };
        let newlines: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter_map(|(at, byte)| (byte == b'\n').then_some(at))
            .collect();
        // The csv reader's own line numbers, and the byte offsets it gives a record, do not count the blank lines
        // and the CRLF line ends it skips before the record; the line is counted here from the record's first
        // byte, as `locate::line_col` does.
        let line_of = |byte: u64| {
            let start = record_start(&text, byte as usize);
            newlines.partition_point(|&at| at < start) + 1
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| problem(Some((1, 1)), format!("cannot read the header: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        if let [header] = headers.as_slice() {
            for (separator, name) in [(';', "`;`"), ('\t', "tabs")] {
                if header.contains(separator) {
                    return Err(problem(
                        Some((1, 1)),
                        format!(
                            "the header is one column: the file looks separated by {name} (as Danish Excel \
                             saves CSV); save it as comma-separated CSV, with `.` as the decimal point"
                        ),
                    ));
                }
            }
        }
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| line_of(p.byte()));
                    let message = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!("this row has {len} fields, the header has {expected_len}"),
                        _ => format!("cannot read this row: {e}"),
                    };
                    return Err(problem(Some((line, 1)), message));
                }
            }
            rows.push(record.clone());
            if rows.len() > MAX_CSV_ROWS {
                let line = record.position().map_or(0, |p| line_of(p.byte()));
                return Err(problem(
                    Some((line, 1)),
                    format!("has more than {MAX_CSV_ROWS} rows"),
                ));
            }
        }
        if rows.is_empty() {
            return Err(problem(None, "has no rows".to_string()));
        }
        let table = CsvTable {
            path: path.to_path_buf(),
            text,
            newlines,
            headers,
            rows,
        };
        for (field, header) in table.headers.iter().enumerate() {
            if let Some(first) = table.headers[..field].iter().position(|h| h == header) {
                let message = format!(
                    "column `{header}` appears twice in the header (columns {} and {}); rename or remove one",
                    first + 1,
                    field + 1
                );
                let line_col = table.position(None, field);
                return Err(problem(Some(line_col), message));
            }
        }
        Ok(table)
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// 1-based line and column of field `field` of row `row` (the header is row `None`).
    pub fn position(&self, row: Option<usize>, field: usize) -> (usize, usize) {
        let start = match row {
            Some(row) => self.rows[row].position().map_or(0, |p| p.byte() as usize),
            None => 0,
        };
        let start = record_start(&self.text, start);
        // As `locate::line_col`: one more than the line feeds before `start`.
        let line = self.newlines.partition_point(|&at| at < start) + 1;
        // Walk the raw line to the field, skipping commas inside quotes.
        let mut column = 1;
        let mut fields_passed = 0;
        let mut quoted = false;
        for c in self.text[start..].chars() {
            if fields_passed == field || c == '\n' || c == '\r' {
                break;
            }
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => fields_passed += 1,
                _ => {}
            }
            column += 1;
        }
        (line, column)
    }

    /// A problem at a cell (`row` `None` for the header cell), reported under the scenario key `key`.
    pub fn problem(&self, row: Option<usize>, field: usize, key: &str, message: String) -> Problem {
        Problem {
            location: Some(Location {
                file: self.path.clone(),
                line_col: Some(self.position(row, field)),
            }),
            key: key.to_string(),
            message,
        }
    }

    pub fn get(&self, row: usize, field: usize) -> &str {
        self.rows[row].get(field).unwrap_or("")
    }

    /// The municipality code of a row, from the `code` column at `field`.
    pub fn code(&self, row: usize, field: usize, key: &str) -> Result<u32, Problem> {
        let value = self.get(row, field);
        value.parse().map_err(|_| {
            self.problem(
                Some(row),
                field,
                key,
                format!("column `code`: `{value}` is not a municipality code (a whole number)"),
            )
        })
    }

    /// A number of 0 or more from a cell.
    pub fn number(&self, row: usize, field: usize, key: &str) -> Result<f64, Problem> {
        let column = &self.headers[field];
        let value = self.get(row, field);
        let bad = |message: String| self.problem(Some(row), field, key, message);
        if value.is_empty() {
            return Err(bad(format!("column `{column}`: the value is missing")));
        }
        let number: f64 = value
            .parse()
            .map_err(|_| bad(format!("column `{column}`: `{value}` is not a number")))?;
        if !number.is_finite() {
            return Err(bad(format!(
                "column `{column}`: `{value}` is not a finite number"
            )));
        }
        if number < 0.0 {
            return Err(bad(format!(
                "column `{column}`: {value} is negative; municipality data must be 0 or more"
            )));
        }
        Ok(number)
    }
}

/// The first byte of a record that the csv reader places at `byte`: past the blank lines and CRLF line ends it
/// skipped before the record.
fn record_start(text: &str, byte: usize) -> usize {
    byte + text.as_bytes()[byte.min(text.len())..]
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count()
}
