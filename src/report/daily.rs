//! daily.csv: one row per date x municipality x group, streamed from the series through a buffered writer.
//!
//! `capacity` and `caseworkers` belong to the municipality and are repeated on each of its group rows; sum them
//! over municipalities, not over groups. The last four columns identify the run.

use super::ScenarioInfo;
use crate::engine::metrics::Series;
use crate::scenario::Scenario;
use std::io::Write;

pub const COLUMNS: &[&str] = &[
    "date",
    "municipality_code",
    "municipality",
    "group",
    "arrivals",
    "exits",
    "active",
    "due",
    "held",
    "held_on_time",
    "waived",
    "dropped",
    "pending",
    "overdue",
    "suspended",
    "suspended_existing",
    "capacity",
    "caseworkers",
    "scenario",
    "sha256",
    "seed",
    "version",
];

pub fn write(
    out: &mut dyn Write,
    scenario: &Scenario,
    info: &ScenarioInfo,
    series: &Series,
) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS)?;
    let seed = info.seed.to_string();
    let mut numbers = itoa::Buffer::new();
    for day in 0..series.days {
        let date = series.date(day).to_string();
        for (m, municipality) in scenario.municipalities.iter().enumerate() {
            let code = municipality.code.to_string();
            let staff = series.municipality_row(day, m);
            let capacity = format!("{:.3}", staff.capacity);
            let caseworkers = format!("{:.3}", staff.caseworkers);
            for (g, row) in series.group_rows(day, m).iter().enumerate() {
                writer.write_field(&date)?;
                writer.write_field(&code)?;
                writer.write_field(&municipality.name)?;
                writer.write_field(&scenario.groups[g].id)?;
                for value in [
                    row.arrivals,
                    row.exits,
                    row.active,
                    row.due,
                    row.held,
                    row.held_on_time,
                    row.waived,
                    row.dropped,
                    row.pending,
                    row.overdue,
                    row.suspended,
                    row.suspended_existing,
                ] {
                    writer.write_field(numbers.format(value))?;
                }
                writer.write_field(&capacity)?;
                writer.write_field(&caseworkers)?;
                writer.write_field(&info.name)?;
                writer.write_field(&info.sha256)?;
                writer.write_field(&seed)?;
                writer.write_field(&info.version)?;
                writer.write_record(None::<&[u8]>)?;
            }
        }
    }
    writer.flush()
}
