//! `--target`: a condition on one metric, evaluated per replication on the period up to `--by`, and the
//! bisection that finds the smallest staffing meeting it with the asked confidence.
//!
//! With common random numbers the share of replications meeting a target grows with staffing, so a bisection
//! over whole FTE (or hundredths of a factor) finds the same answer as a grid fine enough to contain it.

use super::grid::{Key, Value};
use crate::error::InputError;
use crate::metric::Metric;
use crate::scenario::Scenario;
use chrono::NaiveDate;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    AtMost,
    Below,
    AtLeast,
    Above,
}

impl Operator {
    fn symbol(self) -> &'static str {
        match self {
            Operator::AtMost => "<=",
            Operator::Below => "<",
            Operator::AtLeast => ">=",
            Operator::Above => ">",
        }
    }
}

/// `METRIC OP VALUE`, e.g. `overdue_end<=0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub metric: Metric,
    pub operator: Operator,
    pub threshold: f64,
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, InputError> {
        let bad = |message: String| InputError::argument("--target", message);
        let operators = [
            Operator::AtMost,
            Operator::AtLeast,
            Operator::Below,
            Operator::Above,
        ];
        let Some((position, operator)) = operators
            .iter()
            .find_map(|&op| text.find(op.symbol()).map(|at| (at, op)))
        else {
            return Err(bad(format!(
                "expected METRIC OP VALUE such as overdue_end<=0 (OP is <=, <, >= or >), got `{text}`"
            )));
        };
        let name = text[..position].trim();
        let threshold_text = text[position + operator.symbol().len()..].trim();
        let Some(metric) = Metric::from_name(name) else {
            return Err(bad(format!(
                "unknown metric `{name}`; metrics: {}",
                Metric::names()
            )));
        };
        let threshold = threshold_text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| bad(format!("`{threshold_text}` is not a number")))?;
        Ok(Condition {
            metric,
            operator,
            threshold,
        })
    }

    /// Whether one replication's value meets the condition; a missing value (a backlog never cleared) counts as
    /// larger than any number.
    pub fn holds(&self, value: Option<f64>) -> bool {
        let v = value.unwrap_or(f64::INFINITY);
        match self.operator {
            Operator::AtMost => v <= self.threshold,
            Operator::Below => v < self.threshold,
            Operator::AtLeast => v >= self.threshold,
            Operator::Above => v > self.threshold,
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            self.metric,
            self.operator.symbol(),
            self.threshold
        )
    }
}

/// A target with its date and confidence, checked against the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub condition: Condition,
    pub by: NaiveDate,
    pub confidence: f64,
}

impl Target {
    pub fn new(
        scenario: &Scenario,
        condition: Condition,
        by: Option<&str>,
        confidence: Option<f64>,
    ) -> Result<Target, InputError> {
        let by = match by {
            None => scenario.end,
            Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                InputError::argument("--by", format!("`{text}` is not a date (YYYY-MM-DD)"))
            })?,
        };
        if by < scenario.start || by > scenario.end {
            return Err(InputError::argument(
                "--by",
                format!(
                    "{by} is outside the scenario's period ({} to {})",
                    scenario.start, scenario.end
                ),
            ));
        }
        if condition.metric == Metric::DaysToClear
            && !scenario
                .suspensions
                .iter()
                .any(|s| s.start >= scenario.start && s.start <= by)
        {
            return Err(InputError::argument(
                "--target",
                format!(
                    "days_to_clear counts the days from the end of the first suspension until its backlog is cleared, but `{}` has no suspension starting between {} and {by}; give the scenario a suspension, or target another metric such as overdue_end<=0",
                    scenario.name, scenario.start
                ),
            ));
        }
        let confidence = confidence.unwrap_or(0.95);
        if !(confidence > 0.0 && confidence <= 1.0) {
            return Err(InputError::argument(
                "--confidence",
                format!("must be greater than 0 and at most 1, got {confidence}"),
            ));
        }
        Ok(Target {
            condition,
            by,
            confidence,
        })
    }

    /// Whether a share of replications meeting the condition is enough.
    pub fn met(&self, share: f64) -> bool {
        share >= self.confidence
    }
}

/// The staffing a bisection searches, in whole steps: `value = steps * resolution`.
#[derive(Debug, Clone, PartialEq)]
pub struct Staffing {
    pub key: Key,
    /// FTE for `caseworkers`, a hundredth for `caseworkers_factor`.
    pub resolution_steps_per_unit: u32,
    pub max_steps: u64,
    /// The scenario's own staffing, where the search starts.
    pub start_steps: u64,
}

impl Staffing {
    /// `caseworkers` for a one-municipality scenario, else `caseworkers_factor`.
    pub fn of(scenario: &Scenario) -> Staffing {
        if scenario.municipalities.len() == 1 {
            Staffing {
                key: Key::parse("caseworkers").expect("a known key"),
                resolution_steps_per_unit: 1,
                max_steps: 1_000_000,
                start_steps: (scenario.municipalities[0].caseworkers.ceil() as u64).max(1),
            }
        } else {
            Staffing {
                key: Key::parse("caseworkers_factor").expect("a known key"),
                resolution_steps_per_unit: 100,
                max_steps: 100_000,
                start_steps: 100,
            }
        }
    }

    pub fn value(&self, steps: u64) -> Value {
        // Division by a power of ten gives the double nearest the decimal, so 1.07 prints as 1.07.
        Value::Number(steps as f64 / f64::from(self.resolution_steps_per_unit))
    }
}

/// The outcome of a bisection: the smallest staffing found, or the largest tried when none meets the target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub steps: u64,
    pub met: bool,
}

/// Finds the smallest `steps` in `0..=max_steps` for which `meets` holds, assuming it holds for every larger
/// value once it holds: doubles up from the scenario's own staffing, then bisects. `meets` is called at most
/// about twice log2(max_steps) times.
pub fn bisect(
    staffing: &Staffing,
    mut meets: impl FnMut(u64) -> anyhow::Result<bool>,
) -> anyhow::Result<Found> {
    // `low` never meets the target (-1 stands for "below zero"); `high` does.
    let mut low: i64 = -1;
    let mut high = staffing.start_steps.min(staffing.max_steps);
    while !meets(high)? {
        if high == staffing.max_steps {
            return Ok(Found {
                steps: high,
                met: false,
            });
        }
        low = high as i64;
        high = (high * 2).min(staffing.max_steps);
    }
    while high as i64 - low > 1 {
        let middle = (low + high as i64) / 2;
        if meets(middle as u64)? {
            high = middle as u64;
        } else {
            low = middle;
        }
    }
    Ok(Found {
        steps: high,
        met: true,
    })
}

/// The outcome of a search over a list of values: the boundary value's index, and which way the target goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    /// Larger values meet the target: the smallest that does.
    Smallest(usize),
    /// Smaller values meet the target: the largest that does.
    Largest(usize),
    /// Every value meets it.
    All,
    /// No value meets it.
    None,
}

/// Finds where `meets` changes along `count` ordered values (a `--search` range), assuming it changes at most
/// once: tries both ends, then bisects. `meets` is called about log2(count) + 2 times.
pub fn bisect_range(
    count: usize,
    mut meets: impl FnMut(usize) -> anyhow::Result<bool>,
) -> anyhow::Result<Boundary> {
    assert!(count > 0, "a range has at least one value");
    let last = count - 1;
    let (first_meets, last_meets) = (meets(0)?, if last == 0 { None } else { Some(meets(last)?) });
    let rising = match (first_meets, last_meets.unwrap_or(first_meets)) {
        (true, true) => return Ok(Boundary::All),
        (false, false) => return Ok(Boundary::None),
        (false, true) => true,
        (true, false) => false,
    };
    // `low` and `high` hold opposite answers; narrow them until they are neighbours.
    let (mut low, mut high) = (0, last);
    while high - low > 1 {
        let middle = (low + high) / 2;
        if meets(middle)? == rising {
            high = middle;
        } else {
            low = middle;
        }
    }
    Ok(if rising {
        Boundary::Smallest(high)
    } else {
        Boundary::Largest(low)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_treat_missing_as_largest() {
        let c = Condition::parse("overdue_end<=0").unwrap();
        assert_eq!(
            (c.metric, c.operator, c.threshold),
            (Metric::OverdueEnd, Operator::AtMost, 0.0)
        );
        let c = Condition::parse("days_to_clear < 60").unwrap();
        assert!(c.holds(Some(59.0)) && !c.holds(None));
        assert!(Condition::parse("on_time_share>=0.9")
            .unwrap()
            .holds(Some(0.95)));
        assert!(Condition::parse("days_to_clear>10").unwrap().holds(None));
        assert!(Condition::parse("nonsense<=1").is_err());
        assert!(Condition::parse("overdue_end=0").is_err());
    }

    #[test]
    fn bisection_finds_the_threshold_from_either_side() {
        for answer in [0_u64, 1, 7, 10, 11, 37, 999] {
            let staffing = Staffing {
                key: Key::parse("caseworkers").unwrap(),
                resolution_steps_per_unit: 1,
                max_steps: 1000,
                start_steps: 10,
            };
            let found = bisect(&staffing, |s| Ok(s >= answer)).unwrap();
            assert_eq!(
                found,
                Found {
                    steps: answer,
                    met: true
                }
            );
        }
        let staffing = Staffing {
            key: Key::parse("caseworkers").unwrap(),
            resolution_steps_per_unit: 1,
            max_steps: 50,
            start_steps: 10,
        };
        assert_eq!(
            bisect(&staffing, |_| Ok(false)).unwrap(),
            Found {
                steps: 50,
                met: false
            }
        );
    }

    #[test]
    fn range_bisection_finds_the_boundary_either_way() {
        for boundary in 0..10 {
            assert_eq!(
                bisect_range(10, |i| Ok(i >= boundary)).unwrap(),
                if boundary == 0 {
                    Boundary::All
                } else {
                    Boundary::Smallest(boundary)
                }
            );
            assert_eq!(
                bisect_range(10, |i| Ok(i <= boundary)).unwrap(),
                if boundary == 9 {
                    Boundary::All
                } else {
                    Boundary::Largest(boundary)
                }
            );
        }
        assert_eq!(bisect_range(5, |_| Ok(false)).unwrap(), Boundary::None);
        assert_eq!(bisect_range(1, |_| Ok(true)).unwrap(), Boundary::All);
        let mut calls = 0;
        bisect_range(1000, |i| {
            calls += 1;
            Ok(i >= 637)
        })
        .unwrap();
        assert!(calls <= 12, "{calls} calls");
    }
}
