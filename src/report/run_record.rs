//! run.json: what produced the files beside it (the scenario, its sha256, the seed, the version, what the
//! command line overrode, how the daily files were cut and which files were written), recorded once instead of
//! as columns repeated on every row.

use super::ScenarioInfo;
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Write;

/// The daily files' options, as given or defaulted.
#[derive(Debug, Clone, Serialize)]
pub struct DailyOptions {
    pub grain: super::daily::Grain,
    pub period: super::daily::Period,
    pub bands: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunRecord<'a> {
    pub scenario: &'a ScenarioInfo,
    /// Scenario values replaced on the command line, by the scenario key they replace (`seed`, `replications`).
    pub overrides: Map<String, Value>,
    /// `null` when no daily file was written (`--summary-only`).
    pub daily: Option<DailyOptions>,
    /// The files written into the directory, in the order written.
    pub files: Vec<String>,
}

pub fn write(out: &mut dyn Write, record: &RunRecord) -> std::io::Result<()> {
    // Through a Value, so that the keys come out sorted like summary.json's.
    let value = serde_json::to_value(record)?;
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}
