//! Grid points applied to a validated [`Scenario`]: each key changes a clone, and [`check`] re-validates what a
//! value can break before any run starts.
//!
//! The scenario loader has already checked everything else, so an override only needs the checks its own field
//! takes in the loader: the same ranges, and for a suspension's end the same date rules. The size of each
//! point (persons, meetings, memory) is checked by the one estimate in `scenario::SizeEstimate`, on the
//! scenario with the point's values applied.

use super::grid::{Grid, Key, Value};
use crate::error::{InputError, Problem};
use crate::scenario::Scenario;

/// The range a numeric key accepts, as the scenario loader accepts it, and whether 0 is excluded.
fn bounds(key: Key) -> (f64, f64, bool) {
    match key {
        Key::Caseworkers => (0.0, 1e6, false),
        Key::CaseworkersFactor | Key::InflowFactor => (0.0, 1000.0, false),
        Key::MeetingsPerCaseworkerDay => (0.0, 200.0, true),
        Key::PhoneShare => (0.0, 1.0, false),
        // Dates are checked against the suspension, not a range.
        Key::SuspensionEnd => (f64::NEG_INFINITY, f64::INFINITY, false),
    }
}

/// Checks every value of every axis against `scenario`; reports the first bad value of each axis.
pub fn check(scenario: &Scenario, grid: &Grid) -> Result<(), InputError> {
    let mut problems = Vec::new();
    for axis in &grid.axes {
        if let Some(message) = check_key(scenario, axis.key) {
            problems.push(message);
            continue;
        }
        if let Some(message) = axis
            .values
            .iter()
            .find_map(|&value| check_value(scenario, axis.key, value))
        {
            problems.push(message);
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(InputError {
        problems: problems
            .into_iter()
            .map(|message| Problem {
                location: None,
                key: "--vary".to_string(),
                message,
            })
            .collect(),
    })
}

/// Whether the key applies to this scenario at all.
pub fn check_key(scenario: &Scenario, key: Key) -> Option<String> {
    match key {
        Key::Caseworkers if scenario.municipalities.len() != 1 => Some(format!(
            "caseworkers sets the staff of a one-municipality scenario, but `{}` has {} municipalities; vary caseworkers_factor instead",
            scenario.name,
            scenario.municipalities.len()
        )),
        Key::SuspensionEnd if scenario.suspensions.is_empty() => Some(format!(
            "suspension_end moves the end of the first suspension, but `{}` has no suspension",
            scenario.name
        )),
        _ => None,
    }
}

/// What is wrong with one value, if anything.
pub fn check_value(scenario: &Scenario, key: Key, value: Value) -> Option<String> {
    let v = match value {
        Value::Date(end) => return check_suspension_end(scenario, end),
        Value::Number(v) => v,
    };
    let (min, max, positive) = bounds(key);
    if v < min || v > max || (positive && v <= min) {
        let low = if positive {
            format!("greater than {min}")
        } else {
            format!("at least {min}")
        };
        return Some(format!(
            "{key} = {value} is out of range; it must be {low} and at most {max}"
        ));
    }
    None
}

fn check_suspension_end(scenario: &Scenario, end: chrono::NaiveDate) -> Option<String> {
    let suspension = scenario.suspensions.first()?;
    if end < suspension.start {
        return Some(format!(
            "suspension_end = {end} is before the suspension's start {}",
            suspension.start
        ));
    }
    if end > scenario.end {
        return Some(format!(
            "suspension_end = {end} is outside the period ({} to {})",
            scenario.start, scenario.end
        ));
    }
    if let Some((i, other)) = scenario
        .suspensions
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, other)| other.start <= end && suspension.start <= other.end)
    {
        return Some(format!(
            "suspension_end = {end} makes the first suspension overlap suspensions[{i}] ({} to {})",
            other.start, other.end
        ));
    }
    for (group, action) in scenario.groups.iter().zip(&suspension.actions) {
        if action.to == suspension.end && end < action.from {
            return Some(format!(
                "suspension_end = {end} is before the rule window for `{}` starts ({})",
                group.id, action.from
            ));
        }
    }
    None
}

/// A clone of `scenario` with each key set to its value. The values must have passed [`check`].
pub fn apply(scenario: &Scenario, keys: &[Key], values: &[Value]) -> Scenario {
    let mut changed = scenario.clone();
    for (&key, &value) in keys.iter().zip(values) {
        set(&mut changed, key, value);
    }
    changed
}

fn set(scenario: &mut Scenario, key: Key, value: Value) {
    let level = &mut scenario.staffing.level;
    match value {
        Value::Date(end) => {
            let suspension = &mut scenario.suspensions[0];
            // Group rules that ran to the window's end follow it; rules with their own dates keep them.
            for action in &mut suspension.actions {
                if action.to == suspension.end {
                    action.to = end;
                }
            }
            suspension.end = end;
        }
        Value::Number(v) => match key {
            Key::Caseworkers => scenario.municipalities[0].caseworkers = v,
            Key::CaseworkersFactor => {
                for municipality in &mut scenario.municipalities {
                    municipality.caseworkers *= v;
                }
            }
            Key::MeetingsPerCaseworkerDay => {
                level.base.meetings_per_caseworker_day = v;
                for (_, change) in &mut level.changes {
                    change.meetings_per_caseworker_day = v;
                }
            }
            Key::PhoneShare => {
                level.base.phone_share = v;
                for (_, change) in &mut level.changes {
                    change.phone_share = v;
                }
            }
            Key::InflowFactor => {
                for group in &mut scenario.groups {
                    group.inflow_per_day.base *= v;
                    for (_, inflow) in &mut group.inflow_per_day.changes {
                        *inflow *= v;
                    }
                }
            }
            Key::SuspensionEnd => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn scarce() -> Scenario {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scarce.toml");
        crate::scenario::load(&path).unwrap()
    }

    #[test]
    fn overrides_change_only_their_field() {
        let base = scarce();
        let end = NaiveDate::from_ymd_opt(2021, 5, 20).unwrap();
        let keys = [
            Key::SuspensionEnd,
            Key::CaseworkersFactor,
            Key::PhoneShare,
            Key::InflowFactor,
        ];
        let values = [
            Value::Date(end),
            Value::Number(1.5),
            Value::Number(0.4),
            Value::Number(2.0),
        ];
        let changed = apply(&base, &keys, &values);
        assert_eq!(changed.suspensions[0].end, end);
        assert_eq!(changed.suspensions[0].actions[0].to, end);
        assert_eq!(changed.suspensions[0].start, base.suspensions[0].start);
        assert_eq!(changed.municipalities[0].caseworkers, 3.0);
        assert_eq!(changed.staffing.level.base.phone_share, 0.4);
        assert_eq!(changed.groups[0].inflow_per_day.base, 6.0);
        assert_eq!(changed.groups[0].duration, base.groups[0].duration);
        assert_eq!(
            apply(&base, &[Key::Caseworkers], &[Value::Number(7.0)]).municipalities[0].caseworkers,
            7.0
        );
    }

    #[test]
    fn values_the_scenario_cannot_take_are_named() {
        let base = scarce();
        assert_eq!(
            check_value(&base, Key::PhoneShare, Value::Number(0.5)),
            None
        );
        let early = Value::Date(NaiveDate::from_ymd_opt(2021, 2, 1).unwrap());
        assert!(check_value(&base, Key::SuspensionEnd, early)
            .unwrap()
            .contains("before the suspension's start"));
        assert!(
            check_value(&base, Key::MeetingsPerCaseworkerDay, Value::Number(0.0))
                .unwrap()
                .contains("greater than 0")
        );
        assert!(check_value(&base, Key::Caseworkers, Value::Number(-1.0)).is_some());
    }
}
