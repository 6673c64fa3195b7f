//! JSON for scripts (each command's document is in docs/outputs.md).

use super::{CheckResult, Entry, Exporter, Outcome, Result, Scenario, ScenarioInfo, Write};
use crate::report::{check, compare, json};

pub struct Json;

impl Exporter for Json {
    fn simulate(
        &self,
        out: &mut dyn Write,
        scenario: &Scenario,
        info: &ScenarioInfo,
        outcome: &Outcome,
    ) -> Result<()> {
        json::write(out, scenario, info, outcome)
    }

    fn compare(&self, out: &mut dyn Write, entries: &[Entry]) -> Result<()> {
        compare::write_json(out, entries)
    }

    fn check(&self, out: &mut dyn Write, results: &[CheckResult]) -> Result<()> {
        check::json(out, results)
    }

    fn for_programs(&self) -> bool {
        true
    }
}
