//! The table as Markdown, to paste into a report.

use super::{CheckResult, Entry, Exporter, Outcome, Result, Scenario, ScenarioInfo, Write};
use crate::report::{check, compare, table};

pub struct Markdown;

impl Exporter for Markdown {
    fn simulate(
        &self,
        out: &mut dyn Write,
        scenario: &Scenario,
        info: &ScenarioInfo,
        outcome: &Outcome,
    ) -> Result<()> {
        table::write_markdown(out, scenario, info, outcome)
    }

    fn compare(&self, out: &mut dyn Write, entries: &[Entry]) -> Result<()> {
        compare::write_markdown(out, entries)
    }

    fn check(&self, out: &mut dyn Write, results: &[CheckResult]) -> Result<()> {
        check::markdown(out, results)
    }
}
