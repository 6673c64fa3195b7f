//! Grid points as overrides: each point is the `--set` overrides followed by one `--vary KEY=VALUE` per axis,
//! laid over the scenario's merged files and checked by the scenario validator, exactly as `--set` is. There is
//! one key grammar and one set of value ranges: the scenario's own.

use super::grid::{Grid, Key, Value};
use crate::error::InputError;
use crate::scenario::{Base, Override, Scenario};

/// The overrides of one point: the fixed ones first, then one per axis.
pub fn point(set: &[Override], keys: &[Key], values: &[Value]) -> Vec<Override> {
    set.iter()
        .cloned()
        .chain(keys.iter().zip(values).map(|(key, &value)| key.set(value)))
        .collect()
}

/// Builds the scenario of one point.
pub fn build(
    base: &Base,
    set: &[Override],
    keys: &[Key],
    values: &[Value],
) -> Result<Scenario, InputError> {
    base.build(&point(set, keys, values))
}

/// Checks every value of every axis against the scenario (the other axes at the scenario's own values), before
/// anything runs; reports the first bad value of each axis.
pub fn check(base: &Base, set: &[Override], grid: &Grid) -> Result<(), InputError> {
    let mut problems = Vec::new();
    for axis in &grid.axes {
        if let Some(error) = axis
            .values
            .iter()
            .find_map(|&value| build(base, set, std::slice::from_ref(&axis.key), &[value]).err())
        {
            problems.extend(error.problems);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError { problems })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn scarce() -> Base {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scarce.toml");
        Base::read(&path).unwrap()
    }

    fn key(name: &str) -> Key {
        Key::parse(name).unwrap()
    }

    #[test]
    fn overrides_change_only_their_field() {
        let base = scarce();
        let plain = base.build(&[]).unwrap();
        let end = NaiveDate::from_ymd_opt(2021, 5, 20).unwrap();
        let keys = [
            key("suspension_end"),
            key("caseworkers_factor"),
            key("phone_share"),
            key("inflow_factor"),
        ];
        let values = [
            Value::Date(end),
            Value::Number(1.5),
            Value::Number(0.4),
            Value::Number(2.0),
        ];
        let changed = build(&base, &[], &keys, &values).unwrap();
        assert_eq!(changed.suspensions[0].end, end);
        assert_eq!(changed.suspensions[0].actions[0].to, end);
        assert_eq!(changed.suspensions[0].start, plain.suspensions[0].start);
        assert_eq!(
            changed.municipalities[0].caseworkers,
            plain.municipalities[0].caseworkers * 1.5
        );
        assert_eq!(changed.staffing.level.base.phone_share, 0.4);
        assert_eq!(
            changed.groups[0].inflow_per_day.base,
            plain.groups[0].inflow_per_day.base * 2.0
        );
        assert_eq!(changed.groups[0].duration, plain.groups[0].duration);
        assert_eq!(
            changed.overrides,
            [
                "suspension_end=2021-05-20",
                "caseworkers_factor=1.5",
                "phone_share=0.4",
                "inflow_factor=2"
            ]
        );
        let seven = build(&base, &[], &[key("caseworkers")], &[Value::Number(7.0)]).unwrap();
        assert_eq!(seven.municipalities[0].caseworkers, 7.0);
    }

    #[test]
    fn values_the_scenario_cannot_take_are_named_with_the_validators_message() {
        let base = scarce();
        let grid = Grid::parse(&["phone_share=0.5,1.5".into()]).unwrap();
        let error = check(&base, &[], &grid).unwrap_err();
        assert_eq!(error.problems.len(), 1);
        assert_eq!(error.problems[0].key, "--vary phone_share=1.5");
        assert_eq!(
            error.problems[0].message,
            "staffing.phone_share: must be between 0 and 1, got 1.5"
        );
        let grid = Grid::parse(&["suspension_end=2021-02-01".into()]).unwrap();
        let error = check(&base, &[], &grid).unwrap_err();
        assert!(
            error.problems[0]
                .message
                .contains("is before the window's start"),
            "{error}"
        );
        let grid = Grid::parse(&["meetings_per_caseworker_day=0".into()]).unwrap();
        let error = check(&base, &[], &grid).unwrap_err();
        assert!(error.problems[0].message.contains("must be greater than 0"));
    }
}
