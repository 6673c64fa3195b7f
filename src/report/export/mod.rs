//! One exporter per stdout format, as one trait: each format writes every command's document (`simulate`,
//! `compare`, `check`) in its own file, and [`Format::exporter`] is the only place a format is matched. A new
//! format is one file here and one variant of [`Format`].

mod json;
mod markdown;
mod table;

use super::compare::Entry;
use super::{Format, ScenarioInfo};
use crate::check::CheckResult;
use crate::run::Outcome;
use crate::scenario::Scenario;
use std::io::{Result, Write};

/// Writes the documents of one stdout format.
pub trait Exporter {
    /// `backlog simulate`: one run's summary.
    fn simulate(
        &self,
        out: &mut dyn Write,
        scenario: &Scenario,
        info: &ScenarioInfo,
        outcome: &Outcome,
    ) -> Result<()>;

    /// `backlog compare`: several runs side by side.
    fn compare(&self, out: &mut dyn Write, entries: &[Entry]) -> Result<()>;

    /// `backlog check`: the expectations and how the runs met them.
    fn check(&self, out: &mut dyn Write, results: &[CheckResult]) -> Result<()>;

    /// Whether the document is for programs: then it is written even with `--quiet`, and no `wrote …` lines
    /// follow it.
    fn for_programs(&self) -> bool {
        false
    }
}

impl Format {
    /// The exporter that writes this format.
    pub fn exporter(self) -> &'static dyn Exporter {
        match self {
            Format::Table => &table::Table,
            Format::Json => &json::Json,
            Format::Markdown => &markdown::Markdown,
        }
    }
}
