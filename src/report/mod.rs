//! Reports: one writer per format, all fed from the same summaries, all writing to `&mut dyn Write`.
//!
//! Where the bytes go (stdout, a file replaced atomically, a directory swapped in whole) is decided by
//! `output::Output`, never here.

pub mod check;
pub mod compare;
pub mod daily;
pub mod draws;
pub mod export;
pub mod html;
pub mod json;
pub mod lang;
pub mod map;
pub mod plot;
pub mod ranges;
pub mod run_record;
pub mod table;
pub mod tidy;
pub mod timeliness;
pub mod xlsx;

use crate::scenario::Scenario;
use serde::Serialize;

/// Whether `c` is a character XML 1.0 cannot hold, even as a reference (the C0 controls but tab and line ends,
/// U+FFFE, U+FFFF): markup writes it as a visible escape (`\u{1}`) instead, which keeps SVG charts, JUnit
/// files and HTML reports well-formed whatever a scenario's names hold.
pub(crate) fn unwritable_in_xml(c: char) -> bool {
    (u32::from(c) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}'
}

/// `text` with every character [`unwritable_in_xml`] written as a visible escape.
pub(crate) fn visible_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(unwritable_in_xml) {
        return text.into();
    }
    let mut visible = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unwritable_in_xml(c) {
            visible.extend(c.escape_unicode());
        } else {
            visible.push(c);
        }
    }
    visible.into()
}

/// The tool's version, recorded in every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Output formats for stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A table to read in a terminal.
    Table,
    /// JSON for scripts (each command's document is in docs/outputs.md).
    Json,
    /// The table as Markdown, to paste into a report.
    Markdown,
}

impl Format {
    /// The document of this format on standard output, as the message of a second output asking for `-` names
    /// it.
    pub fn stdout_name(self) -> &'static str {
        match self {
            Format::Table => "the table (--quiet leaves it out)",
            Format::Json => "the JSON document of --format json",
            Format::Markdown => "the Markdown table (--quiet leaves it out)",
        }
    }
}

/// Identifies the scenario and run in every output.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub file: String,
    pub sha256: String,
    pub seed: u64,
    pub start: String,
    pub end: String,
    pub version: String,
    pub replications: u32,
    /// The `--set` overrides laid over the scenario files, `KEY=VALUE`, in the order applied.
    pub set: Vec<String>,
    /// With `compare --what-if`: this side's changes, `KEY=VALUE`, laid over the scenario after `set`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub what_if: Vec<String>,
    /// With `compare --what-if`: the dated entries the changes left where they were, near a date they moved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub what_if_notes: Vec<String>,
    /// The municipality codes chosen with `--municipality`: every figure is then over these only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipalities_shown: Option<Vec<u32>>,
    /// The inputs given as ranges (docs/scenario.md), and the draws run over them (`--draws`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<ranges::RangeInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draws: Option<u32>,
    /// The plausible set the draws came from (`--plausible FILE`), instead of a Latin hypercube.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plausible: Option<String>,
}

impl ScenarioInfo {
    pub fn new(scenario: &Scenario, seed: u64, replications: u32) -> Self {
        ScenarioInfo {
            name: scenario.name.clone(),
            file: scenario.file.display().to_string(),
            sha256: scenario.sha256.clone(),
            seed,
            start: scenario.start.to_string(),
            end: scenario.end.to_string(),
            version: VERSION.to_string(),
            replications,
            set: scenario.overrides.clone(),
            what_if: Vec::new(),
            what_if_notes: Vec::new(),
            municipalities_shown: None,
            ranges: Vec::new(),
            draws: None,
            plausible: None,
        }
    }

    /// Records the municipalities chosen with `--municipality`, if any.
    pub fn showing(mut self, codes: &[u32]) -> Self {
        if !codes.is_empty() {
            let mut codes = codes.to_vec();
            codes.sort_unstable();
            codes.dedup();
            self.municipalities_shown = Some(codes);
        }
        self
    }
}
