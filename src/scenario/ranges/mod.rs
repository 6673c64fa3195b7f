//! Inputs given as ranges: a number (or a date, or a choice) written as a distribution instead of one value.
//!
//! Any value of a scenario may be an inline table that reads as a range ([`dist`] has the grammar):
//! `phone_share = { low = 0.4, high = 0.8 }`. The ranges are found after the `extends` layers are merged and the
//! `--set` overrides are written, so a range may come from any layer or from `--set`, and the same value given
//! plainly in a later layer (or by `--set`) replaces it. A [`Space`] is the scenario's ranged inputs in the
//! order they appear; a point of the unit cube, one coordinate per input, is one scenario: each input at the
//! inverse of its distribution function at its coordinate ([`Space::build_at`]), checked by the same validator
//! as a plain file. Without draws every input takes its central value ([`Space::central`]).
//!
//! A range is checked when it is read: its own shape (`low` above `high`, a `mode` outside, `weights` of the
//! wrong length, unknown keys), then the scenario with each input at each end of its range (the 1st and 99th
//! percentiles of a normal or lognormal range, every value of a `one_of`), the others at their central values,
//! so that a range reaching outside what its key takes fails before any run, naming file, line and key. A choice
//! of tables or lists is checked alternative by alternative, and a problem inside one is reported at its line in
//! the alternative, naming the alternative by its position and label.

pub mod design;
pub mod dist;

pub use dist::{Dist, Kind};

use crate::error::{InputError, Location, Problem};
use crate::scenario::locate::{self, Segment};
use crate::scenario::overrides::Applied;
use crate::scenario::{Base, Override, Scenario};
use std::sync::Arc;

pub use super::limits::MAX_DRAWS;

/// Keys that take whole numbers: a range given for one of them is drawn and rounded to the nearest.
pub const WHOLE_KEYS: &[&str] = &[
    "replications",
    "days",
    "due_day",
    "deadline_day",
    "deadline_days",
    "up_to_days",
    "every_days",
    "priority",
    "code",
    "include",
];

/// One input given as a range.
#[derive(Debug, Clone)]
pub struct Input {
    /// Its key as `--set` takes it, entries of lists named by id or code: `groups.dagpenge.inflow_factor`.
    pub key: String,
    pub dist: Dist,
    /// How a drawn value is written.
    pub kind: Kind,
    /// Where the range is written: the file and line (or the file given, when `--set` wrote it).
    pub location: Option<Location>,
    /// The key as messages name it (positions in lists, or the `--set` that wrote it).
    pub shown: String,
    /// For a choice with `labels`, or of tables or lists: the name of each alternative, which outputs show
    /// instead of the value ([`dist::labels`]).
    pub labels: Option<Vec<String>>,
    /// Its place in the merged table.
    path: Vec<Segment>,
}

impl Input {
    /// The value at `u` of the unit interval: the inverse CDF, rounded for whole numbers and dates.
    pub fn value_at(&self, u: f64) -> toml::Value {
        match &self.dist {
            Dist::OneOf { values, .. } => values[self.dist.index_at(u).unwrap_or(0)].clone(),
            dist => dist::value_of(dist.number_at(u).unwrap_or(0.0), self.kind),
        }
    }

    /// The value at `u` as a number, where it is one (a date is its days from 1970-01-01; `None` for a string).
    pub fn number_at(&self, u: f64) -> Option<f64> {
        match self.value_at(u) {
            toml::Value::Integer(i) => Some(i as f64),
            toml::Value::Float(f) => Some(f),
            toml::Value::Boolean(b) => Some(f64::from(u8::from(b))),
            _ => None,
        }
    }

    /// The value at `u` as text: `0.55`, `2020-06-04`, `reading_a`; for a labelled choice, the label.
    pub fn text_at(&self, u: f64) -> String {
        match (&self.labels, self.dist.index_at(u)) {
            (Some(labels), Some(k)) => labels[k].clone(),
            _ => dist::plain(&self.value_at(u)),
        }
    }

    /// The name of a choice's alternative `k`: its label, or the value as text.
    fn alternative(&self, k: usize, value: &toml::Value) -> String {
        match &self.labels {
            Some(labels) => labels[k].clone(),
            None => dist::plain(value),
        }
    }

    /// Whether the choice's alternatives are whole tables or lists.
    fn of_tables(&self) -> bool {
        matches!(&self.dist, Dist::OneOf { values, .. } if values.iter().any(|v| v.is_table() || v.is_array()))
    }

    /// The point of the unit interval of the central value.
    pub fn central_u(&self) -> f64 {
        self.dist.central_u()
    }

    /// The central value: the mode, the midpoint, the median, or the value with the highest weight.
    pub fn central(&self) -> toml::Value {
        self.value_at(self.central_u())
    }

    /// The low end as checked: the low bound, the 1st percentile, or the first value of a `one_of`.
    pub fn low(&self) -> toml::Value {
        match &self.dist {
            Dist::OneOf { values, .. } => values[0].clone(),
            dist => self.value_at(dist.ends()[0].1),
        }
    }

    /// The high end as checked: the high bound, the 99th percentile, or the last value of a `one_of`.
    pub fn high(&self) -> toml::Value {
        match &self.dist {
            Dist::OneOf { values, .. } => values[values.len() - 1].clone(),
            dist => self.value_at(dist.ends()[1].1),
        }
    }

    /// The range in words: `uniform 0.4 to 0.8`; a labelled choice by its labels: `one of A+F, B+F, weights 2, 1`.
    pub fn describe(&self) -> String {
        match (&self.labels, &self.dist) {
            (Some(labels), Dist::OneOf { weights, .. }) => Dist::OneOf {
                values: labels.iter().cloned().map(toml::Value::String).collect(),
                weights: weights.clone(),
            }
            .describe(self.kind),
            _ => self.dist.describe(self.kind),
        }
    }
}

/// The ranged inputs of one scenario, and what builds a scenario at a point of their unit cube.
#[derive(Clone)]
pub struct Space {
    pub inputs: Vec<Input>,
    base: Base,
    /// The merged table with the overrides written, the ranges still in it.
    merged: Arc<toml::Table>,
    applied: Vec<Applied>,
    overrides: Vec<Override>,
}

impl Space {
    /// The ranged inputs of `base` with `overrides` written over it, every range checked (see the module's
    /// comment). A scenario without ranges gives an empty space, whose one point is the scenario.
    pub fn of(base: &Base, overrides: &[Override]) -> Result<Space, InputError> {
        let (merged, applied) = base.merged_with(overrides)?;
        Space::from_merged(base, merged, applied, overrides)
    }

    pub(crate) fn from_merged(
        base: &Base,
        merged: Arc<toml::Table>,
        applied: Vec<Applied>,
        overrides: &[Override],
    ) -> Result<Space, InputError> {
        let sources = base.sources(Arc::clone(&merged), applied.clone(), overrides);
        let mut found = Vec::new();
        find_table(&merged, &mut Vec::new(), "", &mut found);
        let mut inputs = Vec::new();
        let mut problems = Vec::new();
        for (path, shown_key, table) in found {
            let key = locate::render(&path);
            if path == [Segment::Key("seed".into())] {
                problems.push(sources.locate(
                    &key,
                    "cannot be a range: the draws are seeded from it; give one whole number".into(),
                ));
                continue;
            }
            let whole = path.iter().rev().find_map(|s| match s {
                Segment::Key(k) => Some(WHOLE_KEYS.contains(&k.as_str())),
                Segment::Index(_) => None,
            });
            match dist::parse(table, whole.unwrap_or(false)) {
                Ok((dist, kind)) => {
                    let at = sources.locate(&key, String::new());
                    inputs.push(Input {
                        key: shown_key,
                        dist,
                        kind,
                        location: at.location,
                        shown: at.key,
                        labels: dist::labels(table).ok().flatten(),
                        path,
                    });
                }
                Err(wrong) => {
                    let inner = match wrong.inner {
                        Some(inner) => format!("{key}.{inner}"),
                        None => key,
                    };
                    problems.push(sources.locate(&inner, wrong.message));
                }
            }
        }
        if !problems.is_empty() {
            return Err(InputError { problems });
        }
        let space = Space {
            inputs,
            base: base.clone(),
            merged,
            applied,
            overrides: overrides.to_vec(),
        };
        space.check_ends()?;
        Ok(space)
    }

    /// The number of ranged inputs: the dimension of the unit cube.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The point of the unit cube where every input takes its central value.
    pub fn central(&self) -> Vec<f64> {
        self.inputs.iter().map(Input::central_u).collect()
    }

    /// The scenario with every input at its central value.
    pub fn build_central(&self) -> Result<Scenario, InputError> {
        self.build_at(&self.central())
    }

    /// The scenario with input `i` at the inverse CDF of `point[i]` (a point of the unit cube, one coordinate
    /// per input, in the order of [`Space::inputs`]), checked as a plain file is.
    pub fn build_at(&self, point: &[f64]) -> Result<Scenario, InputError> {
        assert_eq!(point.len(), self.inputs.len(), "one coordinate per input");
        let values: Vec<toml::Value> = self
            .inputs
            .iter()
            .zip(point)
            .map(|(input, &u)| input.value_at(u))
            .collect();
        self.build_with(&values)
    }

    /// The scenario with every input at the value given.
    fn build_with(&self, values: &[toml::Value]) -> Result<Scenario, InputError> {
        if self.inputs.is_empty() {
            return self.base.build_merged(
                Arc::clone(&self.merged),
                self.applied.clone(),
                &self.overrides,
            );
        }
        let mut table = toml::Table::clone(&self.merged);
        for (input, value) in self.inputs.iter().zip(values) {
            if let Some(slot) = slot_mut(&mut table, &input.path) {
                *slot = value.clone();
            }
        }
        self.base
            .build_merged(Arc::new(table), self.applied.clone(), &self.overrides)
    }

    /// Builds the scenario at the central values, then with each input at each end of its range (every value
    /// of a `one_of`) and the others central; a failure at an end names the input and the end.
    fn check_ends(&self) -> Result<(), InputError> {
        if self.inputs.is_empty() {
            return Ok(());
        }
        let central: Vec<toml::Value> = self.inputs.iter().map(Input::central).collect();
        if let Err(error) = self.build_with(&central) {
            // A problem with a ranged key is the range's; any other is the scenario's own.
            let ranged = error.problems.first().and_then(|p| {
                self.inputs.iter().find(|i| {
                    p.key == i.shown
                        || p.key == locate::render(&i.path)
                        || (i.of_tables() && inside(&p.key, &i.path).is_some())
                })
            });
            return Err(match ranged {
                Some(input) if input.of_tables() => {
                    let k = input.dist.index_at(input.central_u()).unwrap_or(0);
                    self.at_alternative(input, k, error)
                }
                Some(input) => {
                    let end = format!("at its central value ({})", dist::plain(&input.central()));
                    self.at_end(input, &end, error)
                }
                None => error,
            });
        }
        for (i, input) in self.inputs.iter().enumerate() {
            if let (true, Dist::OneOf { values, .. }) = (input.of_tables(), &input.dist) {
                for (k, value) in values.iter().enumerate() {
                    let mut values = central.clone();
                    values[i] = value.clone();
                    if let Err(error) = self.build_with(&values) {
                        return Err(self.at_alternative(input, k, error));
                    }
                }
                continue;
            }
            let ends: Vec<(String, toml::Value)> = match &input.dist {
                Dist::OneOf { values, .. } => values
                    .iter()
                    .enumerate()
                    .map(|(k, v)| {
                        (
                            format!("with its value {}", input.alternative(k, v)),
                            v.clone(),
                        )
                    })
                    .collect(),
                dist => dist
                    .ends()
                    .iter()
                    .map(|&(name, u)| {
                        let value = input.value_at(u);
                        (format!("at its {name} ({})", dist::plain(&value)), value)
                    })
                    .collect(),
            };
            for (name, value) in ends {
                let mut values = central.clone();
                values[i] = value;
                if let Err(error) = self.build_with(&values) {
                    return Err(self.at_end(input, &name, error));
                }
            }
        }
        Ok(())
    }

    /// One message for an alternative of a choice of tables or lists that the scenario does not take: at the line
    /// of the key inside the alternative (where the file has it), naming the alternative by position and label.
    fn at_alternative(&self, input: &Input, k: usize, error: InputError) -> InputError {
        let first = error.problems.into_iter().next();
        let label = input
            .labels
            .as_ref()
            .map_or_else(|| (k + 1).to_string(), |labels| labels[k].clone());
        let (location, reason) = match first {
            Some(p) => match inside(&p.key, &input.path) {
                Some(rest) => {
                    let mut path = input.path.clone();
                    path.push(Segment::Key("one_of".into()));
                    path.push(Segment::Index(k));
                    path.extend(locate::parse(rest));
                    let sources = self.base.sources(
                        Arc::clone(&self.merged),
                        self.applied.clone(),
                        &self.overrides,
                    );
                    let found = sources.locate(&locate::render(&path), String::new());
                    let rest = rest.trim_start_matches('.');
                    let reason = if rest.is_empty() {
                        p.message
                    } else {
                        format!("{rest}: {}", p.message)
                    };
                    (found.location.or_else(|| input.location.clone()), reason)
                }
                None => (input.location.clone(), p.to_string()),
            },
            None => (
                input.location.clone(),
                "the scenario does not validate".into(),
            ),
        };
        InputError {
            problems: vec![Problem {
                location,
                key: input.shown.clone(),
                message: format!(
                    "the choice ({}) with alternative {} ({label}): {reason}",
                    input.describe(),
                    k + 1
                ),
            }],
        }
    }

    /// One message for a range whose end the scenario does not take: at the range's line, naming the end.
    fn at_end(&self, input: &Input, end: &str, error: InputError) -> InputError {
        let key = locate::render(&input.path);
        let first = error.problems.into_iter().next();
        let reason = match first {
            Some(p) if p.key == key || p.key == input.shown => p.message,
            Some(p) => p.to_string(),
            None => "the scenario does not validate".into(),
        };
        InputError {
            problems: vec![Problem {
                location: input.location.clone(),
                key: input.shown.clone(),
                message: format!("the range ({}) {end}: {reason}", input.describe()),
            }],
        }
    }
}

pub use dist::{has_ranges, is_range};

/// The rest of a problem's key below a ranged input's place (`.dagpenge.action` below `suspensions[0].groups`),
/// empty when the problem is the input's own; `None` when it is elsewhere.
fn inside<'a>(key: &'a str, path: &[Segment]) -> Option<&'a str> {
    let rest = key.strip_prefix(locate::render(path).as_str())?;
    (rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')).then_some(rest)
}

type Found<'a> = (Vec<Segment>, String, &'a toml::Table);

fn find_table<'a>(
    table: &'a toml::Table,
    path: &mut Vec<Segment>,
    shown: &str,
    found: &mut Vec<Found<'a>>,
) {
    for (key, value) in table {
        path.push(Segment::Key(key.clone()));
        let shown = if shown.is_empty() {
            key.clone()
        } else {
            format!("{shown}.{key}")
        };
        find_value(value, path, &shown, found);
        path.pop();
    }
}

fn find_value<'a>(
    value: &'a toml::Value,
    path: &mut Vec<Segment>,
    shown: &str,
    found: &mut Vec<Found<'a>>,
) {
    match value {
        toml::Value::Table(t) if dist::is_range(t) => {
            found.push((path.clone(), shown.to_string(), t));
        }
        toml::Value::Table(t) => find_table(t, path, shown, found),
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                let name = item.as_table().and_then(|t| {
                    t.get("id")
                        .and_then(|id| id.as_str().map(str::to_string))
                        .or_else(|| {
                            t.get("code")
                                .and_then(|c| c.as_integer())
                                .map(|c| c.to_string())
                        })
                });
                let shown = match name {
                    Some(name) => format!("{shown}.{name}"),
                    None => format!("{shown}[{i}]"),
                };
                find_value(item, path, &shown, found);
                path.pop();
            }
        }
        _ => {}
    }
}

fn slot_mut<'a>(table: &'a mut toml::Table, path: &[Segment]) -> Option<&'a mut toml::Value> {
    let (first, rest) = path.split_first()?;
    let Segment::Key(key) = first else {
        return None;
    };
    let mut node = table.get_mut(key)?;
    for segment in rest {
        node = match segment {
            Segment::Key(key) => node.as_table_mut()?.get_mut(key)?,
            Segment::Index(i) => node.as_array_mut()?.get_mut(*i)?,
        };
    }
    Some(node)
}
