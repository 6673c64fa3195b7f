//! The sweep grid: `--vary KEY=SPEC` arguments parsed into axes, and the cartesian product of the axes.
//!
//! A point is addressed by its index in grid order (the first axis varies slowest), so a shard, a worker and a
//! merge all agree on which point is which without storing the grid. Numeric ranges are stepped in decimal
//! arithmetic, so `0.1..0.3:0.1` gives 0.1, 0.2 and 0.3, and each value prints as it was meant.

use crate::error::InputError;
use crate::scenario::overrides::{self, Override};
use chrono::NaiveDate;
use std::fmt;

pub use crate::scenario::MAX_POINTS;

/// A scenario input a sweep can vary: any key `--set` takes (docs/scenario.md, "Overrides"), such as
/// `staffing.changes.reopen.add_caseworkers`, `suspensions.spring.end` or the short `caseworkers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    name: String,
    /// The flag that gave it, named in messages: `--vary`, or `--search`.
    flag: &'static str,
}

impl Key {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Checks the key's spelling (not yet against a scenario).
    pub fn parse(name: &str) -> Result<Key, String> {
        overrides::check_key(name)?;
        Ok(Key {
            name: name.to_string(),
            flag: "--vary",
        })
    }

    /// The same key, as given to `flag`.
    pub fn given_to(self, flag: &'static str) -> Key {
        Key { flag, ..self }
    }

    /// Whether the key takes dates rather than numbers.
    pub fn is_date(&self) -> bool {
        overrides::is_date_key(&self.name)
    }

    /// The override that sets this key to `value`.
    pub fn set(&self, value: Value) -> Override {
        Override {
            flag: self.flag,
            key: self.name.clone(),
            value: value.to_string(),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One value of an axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Number(f64),
    Date(NaiveDate),
}

impl Value {
    /// Reads a value as [`Display`](fmt::Display) wrote it; the round trip is exact.
    pub fn parse(key: &Key, text: &str) -> Option<Value> {
        if key.is_date() {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(Value::Date)
        } else {
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Value::Number)
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Rust prints the shortest text that reads back as the same number.
            Value::Number(v) => write!(f, "{v}"),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// One `--vary KEY=SPEC`: the key, the spec as given, and its values in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub key: Key,
    pub spec: String,
    pub values: Vec<Value>,
}

impl Axis {
    /// Parses `KEY=SPEC`, where SPEC is an inclusive range `START..END:STEP` or a list `A,B,C`.
    pub fn parse(argument: &str) -> Result<Axis, InputError> {
        let bad = |message: String| InputError::argument("--vary", message);
        let Some((name, spec)) = argument.split_once('=') else {
            return Err(bad(format!(
                "expected KEY=SPEC such as caseworkers=150..300:10, got `{argument}`"
            )));
        };
        let (name, spec) = (name.trim(), spec.trim());
        let key = Key::parse(name).map_err(bad)?;
        let in_spec = |message: String| bad(format!("`{name}={spec}`: {message}"));
        if spec.is_empty() {
            return Err(in_spec(
                "no values; give a range START..END:STEP or a list A,B,C".to_string(),
            ));
        }
        let values = match spec.split_once("..") {
            Some((start, rest)) => {
                let (end, step) = match rest.rsplit_once(':') {
                    Some((end, step)) => (end.trim(), step.trim()),
                    None => (rest.trim(), "1"),
                };
                if key.is_date() {
                    date_range(start.trim(), end, step)
                } else {
                    number_range(start.trim(), end, step)
                }
                .map_err(in_spec)?
            }
            None => spec
                .split(',')
                .map(|item| {
                    let item = item.trim();
                    if item.is_empty() {
                        return Err(in_spec("empty item in the list".to_string()));
                    }
                    Value::parse(&key, item).ok_or_else(|| in_spec(not_a(&key, item)))
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        Ok(Axis {
            key,
            // Without blanks, so that the grid's one-line spec splits back into its parts.
            spec: spec.split_whitespace().collect(),
            values,
        })
    }
}

fn not_a(key: &Key, text: &str) -> String {
    if key.is_date() {
        format!("`{text}` is not a date (YYYY-MM-DD)")
    } else {
        format!("`{text}` is not a number")
    }
}

/// A decimal number as an integer mantissa and a count of decimals: `-1.25` is `(-125, 2)`.
fn decimal(text: &str) -> Option<(i64, u32)> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    if whole.len() + fraction.len() > 15 {
        return None;
    }
    let mantissa: i64 = format!("{whole}{fraction}").parse().ok()?;
    Some((sign * mantissa, fraction.len() as u32))
}

fn number_range(start: &str, end: &str, step: &str) -> Result<Vec<Value>, String> {
    let parse = |text: &str| {
        decimal(text).ok_or_else(|| {
            format!("`{text}` is not a decimal number (ranges take plain decimals such as 0.05)")
        })
    };
    let (start, end, step) = (parse(start)?, parse(end)?, parse(step)?);
    let decimals = start.1.max(end.1).max(step.1);
    let scale = |(mantissa, places): (i64, u32)| {
        10_i64
            .checked_pow(decimals - places)
            .and_then(|factor| mantissa.checked_mul(factor))
            .filter(|v| v.unsigned_abs() < 1 << 53)
            .ok_or_else(|| "too many digits for a range; give a list instead".to_string())
    };
    let (first, last, by) = (scale(start)?, scale(end)?, scale(step)?);
    let unit = 10_f64.powi(decimals as i32);
    let show = |v: i64| v as f64 / unit;
    if by <= 0 {
        return Err(format!("the step must be greater than 0, got {}", show(by)));
    }
    if first > last {
        return Err(format!(
            "the range starts after it ends ({} > {})",
            show(first),
            show(last)
        ));
    }
    let count = ((last - first) / by) as usize + 1;
    if count > MAX_POINTS {
        return Err(format!(
            "{count} values; an axis may have at most {MAX_POINTS}"
        ));
    }
    // An integer divided by a power of ten is the double nearest the decimal, so 0.3 prints as 0.3.
    Ok((0..count as i64)
        .map(|i| Value::Number((first + i * by) as f64 / unit))
        .collect())
}

fn date_range(start: &str, end: &str, step: &str) -> Result<Vec<Value>, String> {
    let parse = |text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD)"))
    };
    let (first, last) = (parse(start)?, parse(end)?);
    let days: i64 = step
        .strip_suffix('d')
        .unwrap_or(step)
        .parse()
        .map_err(|_| format!("the step `{step}` is not a whole number of days"))?;
    if days <= 0 {
        return Err(format!("the step must be greater than 0, got {days}"));
    }
    if first > last {
        return Err(format!("the range starts after it ends ({first} > {last})"));
    }
    let count = ((last - first).num_days() / days) as usize + 1;
    Ok((0..count as u64)
        .map(|i| Value::Date(first + chrono::Days::new(i * days as u64)))
        .collect())
}

/// The cartesian product of the axes, in the order given: the first axis varies slowest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    pub axes: Vec<Axis>,
}

impl Grid {
    /// Parses every `--vary`; a key may be varied once.
    pub fn parse(arguments: &[String]) -> Result<Grid, InputError> {
        let mut axes: Vec<Axis> = Vec::new();
        for argument in arguments {
            let axis = Axis::parse(argument)?;
            if axes.iter().any(|a| a.key == axis.key) {
                return Err(InputError::argument(
                    "--vary",
                    format!("`{}` is varied twice; give each key once", axis.key),
                ));
            }
            axes.push(axis);
        }
        let grid = Grid { axes };
        if grid.len() > MAX_POINTS {
            return Err(InputError::argument(
                "--vary",
                format!(
                    "the grid has {} points; at most {MAX_POINTS} are supported",
                    grid.len()
                ),
            ));
        }
        Ok(grid)
    }

    /// Number of points (1 for a grid without axes: the scenario as it is).
    pub fn len(&self) -> usize {
        self.axes
            .iter()
            .fold(1_usize, |n, axis| n.saturating_mul(axis.values.len()))
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn keys(&self) -> Vec<Key> {
        self.axes.iter().map(|a| a.key.clone()).collect()
    }

    /// The values of point `index`, one per axis.
    pub fn point(&self, index: usize) -> Vec<Value> {
        let mut rest = index;
        let mut values: Vec<Value> = self
            .axes
            .iter()
            .rev()
            .map(|axis| {
                let n = axis.values.len();
                let value = axis.values[rest % n];
                rest /= n;
                value
            })
            .collect();
        values.reverse();
        values
    }

    /// The grid as one line, `key=spec` joined by spaces: part of a sweep's identity.
    pub fn spec(&self) -> String {
        self.axes
            .iter()
            .map(|a| format!("{}={}", a.key, a.spec))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads [`spec`](Self::spec) back (the values are not needed, only keys and specs).
    pub fn parse_spec(spec: &str) -> Option<Vec<(Key, String)>> {
        spec.split(' ')
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (key, spec) = part.split_once('=')?;
                Some((Key::parse(key).ok()?, spec.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(axis: &Axis) -> Vec<String> {
        axis.values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn ranges_are_inclusive_and_decimal() {
        let axis = Axis::parse("caseworkers=150..190:10").unwrap();
        assert_eq!(numbers(&axis), ["150", "160", "170", "180", "190"]);
        let axis = Axis::parse("phone_share=0.1..0.3:0.1").unwrap();
        assert_eq!(numbers(&axis), ["0.1", "0.2", "0.3"]);
        let axis = Axis::parse("caseworkers=1..4:2").unwrap();
        assert_eq!(numbers(&axis), ["1", "3"]);
        let axis = Axis::parse("suspension_end=2020-05-01..2020-05-15:7").unwrap();
        assert_eq!(numbers(&axis), ["2020-05-01", "2020-05-08", "2020-05-15"]);
        let axis = Axis::parse("inflow_factor=1,1.5, 2").unwrap();
        assert_eq!(numbers(&axis), ["1", "1.5", "2"]);
        assert!(
            Axis::parse("caseworkers=100000000000000..100000000000001:0.000000000000001").is_err()
        );
    }

    #[test]
    fn points_run_in_grid_order_first_axis_slowest() {
        let grid = Grid::parse(&["caseworkers=1,2".into(), "phone_share=0,0.5,1".into()]).unwrap();
        assert_eq!(grid.len(), 6);
        let shown: Vec<String> = (0..6)
            .map(|i| {
                let p = grid.point(i);
                format!("{}/{}", p[0], p[1])
            })
            .collect();
        assert_eq!(shown, ["1/0", "1/0.5", "1/1", "2/0", "2/0.5", "2/1"]);
        let keys = Grid::parse_spec(&grid.spec()).unwrap();
        assert_eq!(
            keys[1],
            (Key::parse("phone_share").unwrap(), "0,0.5,1".to_string())
        );
        let axis = Axis::parse("suspensions.spring.end=2020-05-25,2020-06-30").unwrap();
        assert!(axis.key.is_date());
        assert_eq!(numbers(&axis), ["2020-05-25", "2020-06-30"]);
        let axis = Axis::parse("staffing.changes.reopen.add_caseworkers=0..80:40").unwrap();
        assert_eq!(numbers(&axis), ["0", "40", "80"]);
    }
}
