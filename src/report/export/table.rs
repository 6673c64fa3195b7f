//! The table to read in a terminal.

use super::{CheckResult, Entry, Exporter, Outcome, Result, Scenario, ScenarioInfo, Write};
use crate::report::{check, compare, table};

pub struct Table;

impl Exporter for Table {
    fn simulate(
        &self,
        out: &mut dyn Write,
        scenario: &Scenario,
        info: &ScenarioInfo,
        outcome: &Outcome,
    ) -> Result<()> {
        table::write(out, scenario, info, outcome)
    }

    fn compare(&self, out: &mut dyn Write, entries: &[Entry]) -> Result<()> {
        compare::write_table(out, entries)
    }

    fn check(&self, out: &mut dyn Write, results: &[CheckResult]) -> Result<()> {
        check::table(out, results)
    }
}
