//! `--target`: a condition on one metric, evaluated per replication on a window (the period up to `--by`, or the
//! days from `--from` to `--to`), and the bisection that finds the smallest staffing meeting it with the asked
//! confidence.
//!
//! With common random numbers the share of replications meeting a target grows with staffing, so a bisection
//! over whole FTE (or hundredths of a factor) finds the same answer as a grid fine enough to contain it.

use super::grid::{Key, Value};
use crate::engine::metrics::Series;
use crate::error::InputError;
use crate::metric::{Kind, Metric};
use crate::scenario::Scenario;
use crate::summary::{day_index, summarise, Selection};
use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::ops::RangeInclusive;

pub mod episode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    AtMost,
    Below,
    AtLeast,
    Above,
}

impl Operator {
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::AtMost => "<=",
            Operator::Below => "<",
            Operator::AtLeast => ">=",
            Operator::Above => ">",
        }
    }
}

/// A level the engine counts at the end of every day, summed over municipalities and groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Overdue meetings: the backlog.
    Overdue,
    /// Meetings pending, overdue or not.
    Pending,
    /// Persons on benefit.
    Active,
}

impl Level {
    const ALL: [(Level, &'static str); 4] = [
        (Level::Overdue, "overdue"),
        (Level::Overdue, "backlog"),
        (Level::Pending, "pending"),
        (Level::Active, "active"),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Level::Overdue => "overdue",
            Level::Pending => "pending",
            Level::Active => "active",
        }
    }

    /// The level on one reported day.
    pub fn on(self, series: &Series, day: usize) -> f64 {
        let mut sum = 0_u64;
        for m in 0..series.municipalities {
            for row in series.group_rows(day, m) {
                sum += u64::from(match self {
                    Level::Overdue => row.overdue,
                    Level::Pending => row.pending,
                    Level::Active => row.active,
                });
            }
        }
        sum as f64
    }
}

/// What a target measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// A daily level, which must meet the condition on every day of the window.
    Level(Level),
    /// A summary metric of the window taken as one period.
    Summary(Metric),
    /// The day the backlog is back at its level before the first suspension; a run that never clears counts as
    /// later than any date. Its threshold is a date, held as days from the common era.
    ClearedDate,
}

impl Measure {
    fn parse(name: &str) -> Option<Measure> {
        if name == "backlog_cleared_date" {
            return Some(Measure::ClearedDate);
        }
        if let Some(&(level, _)) = Level::ALL.iter().find(|(_, n)| *n == name) {
            return Some(Measure::Level(level));
        }
        Metric::from_name(name).map(Measure::Summary)
    }

    /// The daily level behind a measure whose condition can break on a day after its window: a level, its value
    /// at the end of a period, or the peak backlog.
    pub fn daily(self) -> Option<Level> {
        match self {
            Measure::Level(level) => Some(level),
            Measure::Summary(Metric::OverdueEnd | Metric::BacklogPeak) => Some(Level::Overdue),
            Measure::Summary(Metric::PendingEnd) => Some(Level::Pending),
            Measure::Summary(Metric::ActiveEnd) => Some(Level::Active),
            _ => None,
        }
    }

    /// Whether the measure is counted from the first suspension rather than over a window.
    pub fn from_suspension(self) -> bool {
        matches!(
            self,
            Measure::ClearedDate | Measure::Summary(Metric::DaysToClear)
        )
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Level(level) => write!(f, "{}", level.name()),
            Measure::Summary(metric) => write!(f, "{metric}"),
            Measure::ClearedDate => write!(f, "backlog_cleared_date"),
        }
    }
}

/// `METRIC OP VALUE`, e.g. `overdue_end<=0`, `overdue<=0`, `backlog_cleared_date<=2020-07-01` or, for one
/// suspension's episode, `days_to_clear.winter<=60`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub measure: Measure,
    /// `days_to_clear.ID` and `backlog_cleared_date.ID`: the episode of suspension `ID` (module [`episode`]);
    /// `None` for the first episode in the window.
    pub episode: Option<String>,
    pub operator: Operator,
    pub threshold: f64,
}

/// A date as a number that orders as the date does.
pub fn date_number(date: NaiveDate) -> f64 {
    f64::from(date.num_days_from_ce())
}

fn number_date(value: f64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(value as i32)
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
        let written = text[..position].trim();
        let threshold_text = text[position + operator.symbol().len()..].trim();
        let (name, episode) = episode::split(written).map_err(bad)?;
        let Some(measure) = Measure::parse(name) else {
            return Err(bad(format!(
                "unknown metric `{name}`; metrics: {}; daily levels: overdue (or backlog), pending, active; and backlog_cleared_date (days_to_clear.ID and backlog_cleared_date.ID for the episode of suspension ID)",
                Metric::names()
            )));
        };
        let threshold = if measure == Measure::ClearedDate {
            NaiveDate::parse_from_str(threshold_text, "%Y-%m-%d")
                .map(date_number)
                .map_err(|_| {
                    bad(format!(
                        "backlog_cleared_date takes a date (YYYY-MM-DD), got `{threshold_text}`"
                    ))
                })?
        } else {
            threshold_text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(format!("`{threshold_text}` is not a number")))?
        };
        if episode.is_some() && !measure.from_suspension() {
            return Err(bad(format!(
                "`{written}`: only days_to_clear and backlog_cleared_date are counted per episode (METRIC.ID, ID a suspension's id)"
            )));
        }
        Ok(Condition {
            measure,
            episode,
            operator,
            threshold,
        })
    }

    /// The summary metric the condition is on, if it is on one.
    pub fn metric(&self) -> Option<Metric> {
        match self.measure {
            Measure::Summary(metric) if self.episode.is_none() => Some(metric),
            _ => None,
        }
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

    /// Whether the condition bounds its value from above (`<=`, `<`): a level must then hold at its highest.
    pub fn bounds_above(&self) -> bool {
        matches!(self.operator, Operator::AtMost | Operator::Below)
    }

    /// A value of the measure as it reads: a count with thousands separated, a date, or "never".
    pub fn show(&self, value: Option<f64>) -> String {
        match (self.measure, value) {
            (Measure::ClearedDate, Some(v)) => {
                number_date(v).map_or_else(String::new, |d| d.to_string())
            }
            (_, None) => "never".to_string(),
            (Measure::Level(_), Some(v)) => crate::format::thousands(v),
            (Measure::Summary(metric), Some(v)) if metric.kind() == Kind::Count => {
                crate::format::thousands(v)
            }
            (_, Some(v)) => v.to_string(),
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.measure)?;
        if let Some(id) = &self.episode {
            write!(f, ".{id}")?;
        }
        write!(f, "{}", self.operator.symbol())?;
        match self.measure {
            Measure::ClearedDate => write!(f, "{}", self.show(Some(self.threshold))),
            _ => write!(f, "{}", self.threshold),
        }
    }
}

/// A target with its window and confidence, checked against the scenario.
///
/// `--by DATE` makes the window the period from the scenario's start up to DATE; `--from DATE` (with `--to DATE`,
/// default the scenario's end) a window of its own. A daily level must meet the condition on every day of the
/// window; a summary metric is taken over the window as one period; `days_to_clear` and `backlog_cleared_date`
/// count from the first suspension, so they take `--by` only.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub condition: Condition,
    /// The window's first day, with `--from`; `None` for the period from the scenario's start.
    pub from: Option<NaiveDate>,
    /// The window's last day (`--by` or `--to`).
    pub by: NaiveDate,
    pub confidence: f64,
    /// For `days_to_clear` and `backlog_cleared_date`: the episode they count, and the suspension after it in
    /// the window, if any.
    pub episode: Option<episode::Counted>,
}

/// Where a replication first breaks a target's condition after the target's window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    pub date: NaiveDate,
    /// The level at its worst after the window (highest for `<=`, lowest for `>=`).
    pub worst: f64,
    /// For a target counted in an episode: the day its backlog cleared and the level it cleared to, which it
    /// rose above again on `date`.
    pub cleared: Option<(NaiveDate, f64)>,
}

fn date_argument(flag: &str, text: &str) -> Result<NaiveDate, InputError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| InputError::argument(flag, format!("`{text}` is not a date (YYYY-MM-DD)")))
}

impl Target {
    /// `by` and `to` are `--by` and `--to`; `from` is `--from`.
    pub fn new(
        scenario: &Scenario,
        condition: Condition,
        window: (Option<&str>, Option<&str>, Option<&str>),
        confidence: Option<f64>,
    ) -> Result<Target, InputError> {
        let (from, by, to) = window;
        let inside = |flag: &str, date: NaiveDate| {
            if date < scenario.start || date > scenario.end {
                Err(InputError::argument(
                    flag,
                    format!(
                        "{date} is outside the scenario's period ({} to {})",
                        scenario.start, scenario.end
                    ),
                ))
            } else {
                Ok(date)
            }
        };
        let from = from
            .map(|text| inside("--from", date_argument("--from", text)?))
            .transpose()?;
        let (flag, end) = match (by, to) {
            (Some(text), _) => ("--by", Some(text)),
            (None, Some(text)) => ("--to", Some(text)),
            (None, None) => ("--by", None),
        };
        let by = match end {
            None => scenario.end,
            Some(text) => inside(flag, date_argument(flag, text)?)?,
        };
        if let Some(from) = from {
            if from > by {
                return Err(InputError::argument(
                    "--to",
                    format!("{by} is before --from {from}"),
                ));
            }
            if condition.measure.from_suspension() {
                return Err(InputError::argument(
                    "--from",
                    format!(
                        "{} counts from the end of the first suspension, not over a window; give --by DATE, or target a level such as overdue<=0 from a date",
                        condition.measure
                    ),
                ));
            }
        }
        let counted = episode::Counted::of(scenario, &condition, by)?;
        if condition.measure.from_suspension() && counted.is_none() {
            let what = match condition.measure {
                Measure::ClearedDate => "backlog_cleared_date is the day the backlog of the first suspension is cleared",
                _ => "days_to_clear counts the days from the end of the first suspension until its backlog is cleared",
            };
            return Err(InputError::argument(
                "--target",
                format!(
                    "{what}, but `{}` has no suspension starting between {} and {by}; give the scenario a suspension, or target another metric such as overdue_end<=0",
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
            from,
            by,
            confidence,
            episode: counted,
        })
    }

    /// Whether a share of replications meeting the condition is enough.
    pub fn met(&self, share: f64) -> bool {
        share >= self.confidence
    }

    /// The window as the messages say it: `by 2020-09-01`, or `from 2020-09-01 to 2020-12-31`.
    pub fn window(&self) -> String {
        match self.from {
            None => format!("by {}", self.by),
            Some(from) => format!("from {from} to {}", self.by),
        }
    }

    /// The condition as the outputs' `target` column holds it: with `--from`, the window's first day follows
    /// (`overdue<=0 from 2020-09-01`); the `by` column holds its last.
    pub fn column(&self) -> String {
        match self.from {
            None => self.condition.to_string(),
            Some(from) => format!("{} from {from}", self.condition),
        }
    }

    /// The window's reported day indices in `series`, inclusive.
    pub fn days(&self, series: &Series) -> (usize, usize) {
        let last = series.days - 1;
        let from = self
            .from
            .map_or(0, |date| day_index(series, date).unwrap_or(0));
        (from, day_index(series, self.by).unwrap_or(last))
    }

    /// The measure's value in one run: a level at its worst on the window's days (highest for `<=` and `<`,
    /// lowest for `>=` and `>`), a summary metric over the window, the date the backlog cleared.
    pub fn value(&self, scenario: &Scenario, series: &Series) -> Option<f64> {
        let (from, to) = self.days(series);
        let whole = Selection::whole(series);
        match self.condition.measure {
            Measure::Level(level) => Some(self.worst(level, series, from..=to)),
            Measure::Summary(Metric::DaysToClear) => self
                .counted(scenario, series)
                .and_then(|episode| episode.days_to_clear),
            Measure::Summary(metric) => {
                summarise(scenario, series, Selection { from, to, ..whole }).get(metric)
            }
            Measure::ClearedDate => self
                .counted(scenario, series)
                .and_then(|episode| episode.backlog_cleared_date)
                .map(date_number),
        }
    }

    fn worst(&self, level: Level, series: &Series, days: RangeInclusive<usize>) -> f64 {
        let values = days.map(|day| level.on(series, day));
        if self.condition.bounds_above() {
            values.fold(f64::NEG_INFINITY, f64::max)
        } else {
            values.fold(f64::INFINITY, f64::min)
        }
    }

    /// What the target metric's value in a run says, for a search that found no answer: `overdue is still
    /// 3,200 at its highest from 2020-09-01 to 2020-12-31`.
    pub fn describe(&self, value: Option<f64>) -> String {
        let shown = self.condition.show(value);
        let measure = self.condition.measure;
        match (measure, value) {
            (Measure::Level(_), _) => format!(
                "{measure} is still {shown} at its {} {}",
                if self.condition.bounds_above() {
                    "highest"
                } else {
                    "lowest"
                },
                self.window()
            ),
            (Measure::ClearedDate | Measure::Summary(Metric::DaysToClear), None) => {
                match self.episode.as_ref().and_then(|e| e.next.as_ref()) {
                    Some((next, start)) => format!(
                        "the backlog of episode {} is still not cleared when suspension {next} starts on {start}",
                        self.episode.as_ref().map_or("", |e| e.id.as_str())
                    ),
                    None => format!("the backlog is still not cleared by {}", self.by),
                }
            }
            (Measure::ClearedDate, Some(_)) => format!("the backlog clears on {shown}"),
            (Measure::Summary(_), _) => format!("{measure} is {shown} {}", self.window()),
        }
    }

    /// The first day after the window on which the daily level behind the condition breaks it, with the level
    /// at its worst after the window; `None` when it holds to the end of the run or is not a daily level.
    pub fn broken_after(&self, scenario: &Scenario, series: &Series) -> Option<Break> {
        if self.condition.measure.from_suspension() {
            return self.returns(scenario, series);
        }
        let level = self.condition.measure.daily()?;
        let (_, to) = self.days(series);
        let after = to + 1..=series.days - 1;
        let first = after
            .clone()
            .find(|&day| !self.condition.holds(Some(level.on(series, day))))?;
        Some(Break {
            date: series.date(first),
            worst: self.worst(level, series, after),
            cleared: None,
        })
    }
}

/// The median of one value over runs, a missing value counting as larger than any number (the lower of the two
/// middle values for an even count): the summaries' own, which the median dates use.
pub use crate::summary::median;

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

/// What one staffing level tried gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Met,
    Missed,
    /// Missed, with every replication's value of the target metric the same as at the level tried before: more
    /// staff is not what it lacks, so the search stops there.
    Stuck,
}

/// Finds the smallest `steps` in `0..=max_steps` for which `meets` holds, assuming it holds for every larger
/// value once it holds: doubles up from the scenario's own staffing, then bisects. It gives up at `max_steps`,
/// or as soon as a doubling is [`Probe::Stuck`]. `meets` is called at most about twice log2(max_steps) times.
pub fn bisect(
    staffing: &Staffing,
    mut meets: impl FnMut(u64) -> anyhow::Result<Probe>,
) -> anyhow::Result<Found> {
    // `low` never meets the target (-1 stands for "below zero"); `high` does.
    let mut low: i64 = -1;
    let mut high = staffing.start_steps.min(staffing.max_steps);
    loop {
        match meets(high)? {
            Probe::Met => break,
            Probe::Stuck => {
                return Ok(Found {
                    steps: high,
                    met: false,
                })
            }
            Probe::Missed if high == staffing.max_steps => {
                return Ok(Found {
                    steps: high,
                    met: false,
                })
            }
            Probe::Missed => {}
        }
        low = high as i64;
        high = (high * 2).min(staffing.max_steps);
    }
    while high as i64 - low > 1 {
        let middle = (low + high as i64) / 2;
        if meets(middle as u64)? == Probe::Met {
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

    fn probe(met: bool) -> Probe {
        if met {
            Probe::Met
        } else {
            Probe::Missed
        }
    }

    #[test]
    fn conditions_parse_and_treat_missing_as_largest() {
        let c = Condition::parse("overdue_end<=0").unwrap();
        assert_eq!(
            (c.measure, c.operator, c.threshold),
            (Measure::Summary(Metric::OverdueEnd), Operator::AtMost, 0.0)
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
    fn levels_and_the_cleared_date_parse_and_print_as_written() {
        let c = Condition::parse("backlog<=0").unwrap();
        assert_eq!(c.measure, Measure::Level(Level::Overdue));
        assert_eq!(c.to_string(), "overdue<=0");
        let c = Condition::parse("backlog_cleared_date <= 2020-07-01").unwrap();
        assert_eq!(c.measure, Measure::ClearedDate);
        assert_eq!(c.to_string(), "backlog_cleared_date<=2020-07-01");
        let july = |day| date_number(NaiveDate::from_ymd_opt(2020, 7, day).unwrap());
        assert!(c.holds(Some(july(1))) && !c.holds(Some(july(2))) && !c.holds(None));
        assert!(Condition::parse("backlog_cleared_date<=30").is_err());
        assert_eq!(
            median([Some(3.0), None, Some(1.0), Some(2.0)]),
            Some(2.0),
            "the lower middle value, a missing one sorting last"
        );
        assert_eq!(median([None, Some(1.0), None]), None);
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
            let found = bisect(&staffing, |s| Ok(probe(s >= answer))).unwrap();
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
            bisect(&staffing, |_| Ok(Probe::Missed)).unwrap(),
            Found {
                steps: 50,
                met: false
            }
        );
        // Stuck at the second doubling: the search stops there.
        let mut tried = Vec::new();
        let found = bisect(&staffing, |s| {
            tried.push(s);
            Ok(if s >= 40 { Probe::Stuck } else { Probe::Missed })
        })
        .unwrap();
        assert_eq!(
            (found, tried),
            (
                Found {
                    steps: 40,
                    met: false
                },
                vec![10, 20, 40]
            )
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
