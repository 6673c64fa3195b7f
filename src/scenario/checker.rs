//! The checker every part of scenario loading reports into: problems by key (located in the files later) and
//! problems already located in a data file, with the checks of numbers, dates, metric names, groups and windows
//! that the loaders share. It uses nothing of the loaders, so each of them can use it.

use super::model::*;
use super::raw::DateValue;
use super::Sources;
use crate::error::Problem;
use crate::metric::Metric;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

pub(super) struct Checker {
    pub problems: Vec<(String, String)>,
    pub extra: Vec<Problem>,
    /// False once the period itself is wrong (reversed, too long): dates are then not checked against it, since
    /// every one of them would be reported for the same mistake.
    pub period_ok: bool,
    /// False when the municipality file could not be read: references to its codes are then not checked.
    pub municipalities_complete: bool,
}

impl Checker {
    pub(super) fn new() -> Self {
        Checker {
            problems: Vec::new(),
            extra: Vec::new(),
            period_ok: true,
            municipalities_complete: true,
        }
    }

    pub fn err(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push((key.into(), message.into()));
    }

    /// A finite number in `[min, max]`.
    pub(super) fn number(&mut self, key: &str, value: f64, min: f64, max: f64) -> bool {
        if !value.is_finite() {
            self.err(key, format!("must be a finite number, got {value}"));
            false
        } else if value < min || value > max {
            self.err(
                key,
                format!("must be between {min} and {max}, got {}", show(value)),
            );
            false
        } else {
            true
        }
    }

    pub(super) fn positive(&mut self, key: &str, value: f64, max: f64) -> bool {
        if value.is_finite() && value <= 0.0 {
            self.err(key, format!("must be greater than 0, got {}", show(value)));
            return false;
        }
        self.number(key, value, 0.0, max)
    }

    /// A date inside `[from, to]`; not checked when the range itself is reversed (that is reported once, on `end`).
    pub(super) fn date_in(
        &mut self,
        key: &str,
        date: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
        what: &str,
    ) -> bool {
        if from > to {
            return false;
        }
        if !self.period_ok {
            return true;
        }
        if date < from || date > to {
            self.err(
                key,
                format!("{date} is outside the {what} ({from} to {to})"),
            );
            false
        } else {
            true
        }
    }
}

/// A number as a message shows it: plain when of ordinary size, else in exponent form (not 300 digits).
pub(super) fn show(value: f64) -> String {
    if value == 0.0 || (1e-4..1e15).contains(&value.abs()) {
        value.to_string()
    } else {
        format!("{value:e}")
    }
}

/// Resolves a path written in the scenario relative to the file that wrote `key`.
pub(super) fn relative_to_declaring_file(sources: &Sources, key: &str, written: &str) -> PathBuf {
    let dir = sources
        .declaring(key)
        .and_then(|s| s.path.parent())
        .unwrap_or(Path::new(""));
    dir.join(written)
}

/// The metric an `[[expect]]`-like table names, or a problem at `key`.
pub(super) fn metric_named(check: &mut Checker, key: &str, name: &str) -> Option<Metric> {
    let metric = Metric::from_name(name);
    if metric.is_none() {
        check.err(
            key,
            format!("unknown metric `{name}` (metrics: {})", Metric::names()),
        );
    }
    metric
}

/// The groups (as indices) and the window `from`..=`to` of an `[[expect]]`-like table at `key`, checked against
/// the scenario's groups and period; the window defaults to the whole period.
pub(super) fn groups_and_window<'a>(
    check: &mut Checker,
    key: &str,
    ids: impl Iterator<Item = &'a String>,
    groups: &[Group],
    (from, to): (Option<DateValue>, Option<DateValue>),
    (start, end): (NaiveDate, NaiveDate),
) -> (Vec<usize>, NaiveDate, NaiveDate) {
    let mut group_indices = Vec::new();
    for (j, id) in ids.enumerate() {
        match groups.iter().position(|g| &g.id == id) {
            Some(index) => group_indices.push(index),
            None => check.err(
                format!("{key}.groups[{j}]"),
                format!("group `{id}` does not exist"),
            ),
        }
    }
    let both_given = from.is_some() && to.is_some();
    let from = from.map_or(start, |d| d.0);
    let to = to.map_or(end, |d| d.0);
    check.date_in(&format!("{key}.from"), from, start, end, "period");
    check.date_in(&format!("{key}.to"), to, start, end, "period");
    // With the defaults, a reversed range is the period's own mistake, reported once on `end`.
    if to < from && (check.period_ok || both_given) {
        check.err(format!("{key}.to"), format!("{to} is before from {from}"));
    }
    (group_indices, from, to)
}
