//! One uncertain input's distribution: read from its table, checked, and turned into values by the inverse of its
//! cumulative distribution function, so that a point `u` of the unit interval is one value.
//!
//! Four shapes, told apart by their keys: `{ low, high }` (uniform), `{ low, mode, high }` (triangular),
//! `{ p10, p90, dist = "normal" | "lognormal" }` and `{ one_of = [...], weights = [...] }` (discrete). Dates take
//! the first two and the last; whole-number keys take the drawn number rounded.
//!
//! A choice (`one_of`) takes whole values written as given: numbers, dates and strings, but also tables and lists,
//! each of which replaces the key's value whole when drawn. Its alternatives may carry `labels = [...]`, one short
//! name each, which outputs show instead of the value (a table's label is its position from 1 without them). An
//! alternative holds no range of its own: a range inside a choice would be drawn only when its alternative is, which
//! a design of fixed dimension does not give, so it is refused and the alternative is written at one value.

use chrono::{Datelike, NaiveDate};

/// The keys a range table may hold.
pub const KEYS: [&str; 9] = [
    "low", "high", "mode", "p10", "p90", "dist", "one_of", "weights", "labels",
];

/// The standard normal's 90th percentile: p10 and p90 lie this many standard deviations from the median.
const Z90: f64 = 1.281_551_565_544_600_4;

/// The shapes an input may take.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Uniform {
        low: f64,
        high: f64,
    },
    Triangular {
        low: f64,
        mode: f64,
        high: f64,
    },
    /// Median `(p10 + p90) / 2`.
    Normal {
        p10: f64,
        p90: f64,
    },
    /// Median `sqrt(p10 * p90)`; only for positive quantities.
    LogNormal {
        p10: f64,
        p90: f64,
    },
    /// One of the values, with the given weights (not necessarily summing to 1).
    OneOf {
        values: Vec<toml::Value>,
        weights: Vec<f64>,
    },
}

/// How a drawn number is written back into the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A number, as drawn.
    Number,
    /// A whole number: the drawn number rounded to the nearest (half away from zero).
    Whole,
    /// A date: the drawn day rounded to the nearest.
    Date,
    /// A `one_of` value, written as given.
    AsGiven,
}

/// A problem with a range table: the key inside it (if one), and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub inner: Option<&'static str>,
    pub message: String,
}

fn malformed(inner: Option<&'static str>, message: impl Into<String>) -> Malformed {
    Malformed {
        inner,
        message: message.into(),
    }
}

/// Whether a table is a range: it holds `low`, `high`, `mode`, `p10`, `p90` or `one_of` as a value (not as a
/// table, so that a rule set or a column named `low` is not taken for one).
pub fn is_range(table: &toml::Table) -> bool {
    ["low", "high", "mode", "p10", "p90", "one_of"]
        .iter()
        .any(|key| table.get(*key).is_some_and(|v| !v.is_table()))
}

const SHAPES: &str = "a range is { low, high }, { low, mode, high }, { p10, p90, dist = \"normal\" } (or \"lognormal\") or { one_of = [...], weights = [...] }";

/// Reads a range table. `whole` says the key takes whole numbers.
pub fn parse(table: &toml::Table, whole: bool) -> Result<(Dist, Kind), Malformed> {
    for key in table.keys() {
        if !KEYS.contains(&key.as_str()) {
            return Err(malformed(
                None,
                format!("unknown key `{key}` in a range; {SHAPES}"),
            ));
        }
    }
    let has = |key: &str| table.contains_key(key);
    if has("one_of") {
        if let Some(other) = ["low", "high", "mode", "p10", "p90", "dist"]
            .into_iter()
            .find(|k| has(k))
        {
            return Err(malformed(
                None,
                format!("one_of cannot be mixed with `{other}`; {SHAPES}"),
            ));
        }
        return one_of(table);
    }
    if has("weights") {
        return Err(malformed(Some("weights"), "weights go with one_of"));
    }
    if has("labels") {
        return Err(malformed(Some("labels"), "labels go with one_of"));
    }
    if has("p10") || has("p90") {
        if let Some(other) = ["low", "high", "mode"].into_iter().find(|k| has(k)) {
            return Err(malformed(
                None,
                format!("p10 and p90 cannot be mixed with `{other}`; {SHAPES}"),
            ));
        }
        let p10 = number(table, "p10")?;
        let p90 = number(table, "p90")?;
        if p10 >= p90 {
            return Err(malformed(
                Some("p10"),
                format!("p10 ({p10}) must be below p90 ({p90})"),
            ));
        }
        let dist = match table.get("dist") {
            None => {
                return Err(malformed(
                    None,
                    "p10 and p90 need dist = \"normal\" or dist = \"lognormal\"",
                ))
            }
            Some(toml::Value::String(dist)) => dist.as_str(),
            Some(_) => {
                return Err(malformed(
                    Some("dist"),
                    "must be \"normal\" or \"lognormal\"",
                ))
            }
        };
        let kind = if whole { Kind::Whole } else { Kind::Number };
        return match dist {
            "normal" => Ok((Dist::Normal { p10, p90 }, kind)),
            "lognormal" if p10 <= 0.0 => Err(malformed(
                Some("p10"),
                format!(
                    "a lognormal range is for positive quantities: p10 must be above 0, got {p10}"
                ),
            )),
            "lognormal" => Ok((Dist::LogNormal { p10, p90 }, kind)),
            other => Err(malformed(
                Some("dist"),
                format!("must be \"normal\" or \"lognormal\", got \"{other}\""),
            )),
        };
    }
    if has("dist") {
        return Err(malformed(Some("dist"), "dist goes with p10 and p90"));
    }
    if !has("low") || !has("high") {
        let missing = if has("low") { "high" } else { "low" };
        return Err(malformed(None, format!("`{missing}` is missing; {SHAPES}")));
    }
    let dates = ["low", "high", "mode"]
        .iter()
        .any(|k| matches!(table.get(*k), Some(toml::Value::Datetime(_))));
    let read = |key: &'static str| {
        if dates {
            date(table, key)
        } else {
            number(table, key)
        }
    };
    let (low, high) = (read("low")?, read("high")?);
    let shown = |v: f64| show(v, dates);
    if low > high {
        return Err(malformed(
            Some("low"),
            format!("low ({}) is above high ({})", shown(low), shown(high)),
        ));
    }
    let kind = match (dates, whole) {
        (true, _) => Kind::Date,
        (false, true) => Kind::Whole,
        (false, false) => Kind::Number,
    };
    if has("mode") {
        let mode = read("mode")?;
        if mode < low || mode > high {
            return Err(malformed(
                Some("mode"),
                format!(
                    "mode ({}) is outside low ({}) to high ({})",
                    shown(mode),
                    shown(low),
                    shown(high)
                ),
            ));
        }
        return Ok((Dist::Triangular { low, mode, high }, kind));
    }
    Ok((Dist::Uniform { low, high }, kind))
}

fn one_of(table: &toml::Table) -> Result<(Dist, Kind), Malformed> {
    let Some(toml::Value::Array(values)) = table.get("one_of") else {
        return Err(malformed(
            Some("one_of"),
            "must be a list of values, such as one_of = [2020-08-31, 2020-12-31]",
        ));
    };
    if values.is_empty() {
        return Err(malformed(Some("one_of"), "needs at least one value"));
    }
    for (k, value) in values.iter().enumerate() {
        if let Some(inner) = range_inside(value) {
            let at = if inner.is_empty() {
                "is itself a range".to_string()
            } else {
                format!("holds a range at `{inner}`")
            };
            return Err(malformed(
                Some("one_of"),
                format!(
                    "alternative {} {at}; a choice's alternatives are written at one value each (a range inside one would be drawn only when it is chosen, which the draws' design does not give)",
                    k + 1
                ),
            ));
        }
    }
    if let Some(toml::Value::Float(f)) = values
        .iter()
        .find(|v| v.as_float().is_some_and(|f| !f.is_finite()))
    {
        return Err(malformed(
            Some("one_of"),
            format!("{f} is not a finite number"),
        ));
    }
    let weights = match table.get("weights") {
        None => vec![1.0; values.len()],
        Some(toml::Value::Array(weights)) => {
            if weights.len() != values.len() {
                return Err(malformed(
                    Some("weights"),
                    format!(
                        "has {} entr{} but one_of has {}: one weight per value",
                        weights.len(),
                        if weights.len() == 1 { "y" } else { "ies" },
                        values.len()
                    ),
                ));
            }
            let mut read = Vec::with_capacity(weights.len());
            for weight in weights {
                match as_number(weight) {
                    Some(w) if w.is_finite() && w >= 0.0 => read.push(w),
                    _ => return Err(malformed(Some("weights"), "must be numbers, 0 or more")),
                }
            }
            if read.iter().sum::<f64>() <= 0.0 {
                return Err(malformed(Some("weights"), "must not all be 0"));
            }
            read
        }
        Some(_) => {
            return Err(malformed(
                Some("weights"),
                "must be a list of numbers, one per value of one_of",
            ))
        }
    };
    labels(table)?;
    Ok((
        Dist::OneOf {
            values: values.clone(),
            weights,
        },
        Kind::AsGiven,
    ))
}

/// The names a choice's alternatives are shown by: the `labels` given, or, when an alternative is a table or a
/// list, each alternative's position from 1 (a value written as given names itself). `None` for a choice of
/// plain values without labels, and for the other shapes.
pub fn labels(table: &toml::Table) -> Result<Option<Vec<String>>, Malformed> {
    let Some(toml::Value::Array(values)) = table.get("one_of") else {
        return Ok(None);
    };
    let Some(given) = table.get("labels") else {
        if values.iter().any(|v| v.is_table() || v.is_array()) {
            return Ok(Some(
                values
                    .iter()
                    .enumerate()
                    .map(|(k, v)| match v {
                        toml::Value::Table(_) | toml::Value::Array(_) => (k + 1).to_string(),
                        other => plain(other),
                    })
                    .collect(),
            ));
        }
        return Ok(None);
    };
    let wrong = || {
        malformed(
            Some("labels"),
            "must be a list of short names, one per value of one_of, such as labels = [\"A+F\", \"B+F\"]",
        )
    };
    let toml::Value::Array(given) = given else {
        return Err(wrong());
    };
    let mut labels = Vec::with_capacity(given.len());
    for label in given {
        match label {
            toml::Value::String(label) if !label.trim().is_empty() => {
                if labels.contains(label) {
                    return Err(malformed(
                        Some("labels"),
                        format!("`{label}` is given twice: each alternative needs its own label"),
                    ));
                }
                labels.push(label.clone());
            }
            _ => return Err(wrong()),
        }
    }
    if labels.len() != values.len() {
        return Err(malformed(
            Some("labels"),
            format!(
                "has {} entr{} but one_of has {}: one label per value",
                labels.len(),
                if labels.len() == 1 { "y" } else { "ies" },
                values.len()
            ),
        ));
    }
    Ok(Some(labels))
}

/// Where a value holds a range: `""` when it is one, the dotted key (with `[n]` for list entries) of the first
/// one inside it, or `None`.
fn range_inside(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::Table(t) if is_range(t) => Some(String::new()),
        toml::Value::Table(t) => t.iter().find_map(|(key, value)| {
            range_inside(value).map(|inner| match inner.as_str() {
                "" => key.clone(),
                _ if inner.starts_with('[') => format!("{key}{inner}"),
                _ => format!("{key}.{inner}"),
            })
        }),
        toml::Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            range_inside(item).map(|inner| match inner.as_str() {
                "" => format!("[{i}]"),
                _ if inner.starts_with('[') => format!("[{i}]{inner}"),
                _ => format!("[{i}].{inner}"),
            })
        }),
        _ => None,
    }
}

fn as_number(value: &toml::Value) -> Option<f64> {
    match value {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn number(table: &toml::Table, key: &'static str) -> Result<f64, Malformed> {
    match table.get(key).and_then(as_number) {
        Some(value) if value.is_finite() => Ok(value),
        Some(value) => Err(malformed(Some(key), format!("{value} is not a finite number"))),
        None if key.starts_with('p') && table.get(key).is_some_and(|v| v.is_datetime()) => Err(
            malformed(Some(key), "p10 and p90 take numbers; give a range of dates as { low, high } or { one_of = [...] }"),
        ),
        None if table.contains_key(key) => Err(malformed(Some(key), "must be a number")),
        None => Err(malformed(None, format!("`{key}` is missing; {SHAPES}"))),
    }
}

/// Days from 1970-01-01 of a date value.
fn date(table: &toml::Table, key: &'static str) -> Result<f64, Malformed> {
    let date = match table.get(key) {
        Some(toml::Value::Datetime(dt)) if dt.time.is_none() && dt.offset.is_none() => {
            dt.date.and_then(|d| {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            })
        }
        _ => None,
    };
    match date {
        Some(date) => Ok((date - epoch()).num_days() as f64),
        None => Err(malformed(
            Some(key),
            "must be a date such as 2020-05-25, as low and high are",
        )),
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date")
}

/// A number of [`Kind::Date`] (days from 1970-01-01) as a date.
pub fn day_to_date(days: f64) -> NaiveDate {
    epoch() + chrono::Duration::days(days.round() as i64)
}

fn show(value: f64, date: bool) -> String {
    if date {
        day_to_date(value).to_string()
    } else {
        value.to_string()
    }
}

impl Dist {
    /// The point of the unit interval whose value is the central one: the mode, the midpoint, the median, or
    /// for `one_of` the middle of the interval of the value with the highest weight (the first on ties).
    pub fn central_u(&self) -> f64 {
        match self {
            Dist::Uniform { .. } | Dist::Normal { .. } | Dist::LogNormal { .. } => 0.5,
            Dist::Triangular { low, mode, high } if high > low => (mode - low) / (high - low),
            Dist::Triangular { .. } => 0.5,
            Dist::OneOf { weights, .. } => {
                let total: f64 = weights.iter().sum();
                let best = self.central_index().unwrap_or(0);
                let before: f64 = weights[..best].iter().sum();
                (before + weights[best] / 2.0) / total
            }
        }
    }

    /// For `one_of`, the position of the central value.
    fn central_index(&self) -> Option<usize> {
        let Dist::OneOf { weights, .. } = self else {
            return None;
        };
        let mut best = 0;
        for (i, w) in weights.iter().enumerate() {
            if *w > weights[best] {
                best = i;
            }
        }
        Some(best)
    }

    /// The central value as a number (for `one_of`, `None`).
    pub fn central_number(&self) -> Option<f64> {
        match *self {
            Dist::Uniform { low, high } => Some((low + high) / 2.0),
            Dist::Triangular { mode, .. } => Some(mode),
            Dist::Normal { p10, p90 } => Some((p10 + p90) / 2.0),
            Dist::LogNormal { p10, p90 } => Some((p10 * p90).sqrt()),
            Dist::OneOf { .. } => None,
        }
    }

    /// The inverse CDF at `u` as a number (for `one_of`, `None`). The central point gives exactly the central
    /// value; `u` is clamped to the unit interval (and, for the unbounded shapes, just inside it).
    pub fn number_at(&self, u: f64) -> Option<f64> {
        if u == self.central_u() {
            return self.central_number();
        }
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        match *self {
            Dist::Uniform { low, high } => Some(low + u * (high - low)),
            Dist::Triangular { low, mode, high } => {
                let width = high - low;
                if width <= 0.0 {
                    return Some(low);
                }
                let split = (mode - low) / width;
                Some(if u < split {
                    low + (u * width * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * width * (high - mode)).sqrt()
                })
            }
            Dist::Normal { p10, p90 } => {
                let (median, sd) = ((p10 + p90) / 2.0, (p90 - p10) / (2.0 * Z90));
                Some(median + sd * normal_quantile(u))
            }
            Dist::LogNormal { p10, p90 } => {
                let (low, high) = (p10.ln(), p90.ln());
                let (median, sd) = ((low + high) / 2.0, (high - low) / (2.0 * Z90));
                Some((median + sd * normal_quantile(u)).exp())
            }
            Dist::OneOf { .. } => None,
        }
    }

    /// For `one_of`, the position of the value at `u`.
    pub fn index_at(&self, u: f64) -> Option<usize> {
        let Dist::OneOf { weights, .. } = self else {
            return None;
        };
        if u == self.central_u() {
            return self.central_index();
        }
        let total: f64 = weights.iter().sum();
        let mut cumulative = 0.0;
        for (i, w) in weights.iter().enumerate() {
            cumulative += w;
            if *w > 0.0 && u < cumulative / total {
                return Some(i);
            }
        }
        weights.iter().rposition(|w| *w > 0.0)
    }

    /// The points of the unit interval at which the scenario is checked: the ends (the 1st and 99th
    /// percentiles of the unbounded shapes), named for messages. `one_of` is checked value by value instead.
    pub fn ends(&self) -> [(&'static str, f64); 2] {
        match self {
            Dist::Normal { .. } | Dist::LogNormal { .. } => {
                [("1st percentile", 0.01), ("99th percentile", 0.99)]
            }
            _ => [("low end", 0.0), ("high end", 1.0)],
        }
    }

    /// The range in words: `uniform 0.4 to 0.8`.
    pub fn describe(&self, kind: Kind) -> String {
        self.describe_in(kind, &Wording::ENGLISH)
    }

    /// The range in the words and with the numbers and dates of `wording` (the report's Danish).
    pub fn describe_in(&self, kind: Kind, wording: &Wording) -> String {
        let w = wording;
        let show = |value: f64| {
            if kind == Kind::Date {
                (w.date)(day_to_date(value))
            } else {
                (w.number)(value)
            }
        };
        let list = |items: Vec<String>| items.join(w.separator);
        match self {
            Dist::Uniform { low, high } => {
                format!("{} {} {} {}", w.uniform, show(*low), w.to, show(*high))
            }
            Dist::Triangular { low, mode, high } => format!(
                "{} {} {} {}{}{} {}",
                w.triangular,
                show(*low),
                w.to,
                show(*high),
                w.separator,
                w.mode,
                show(*mode)
            ),
            Dist::Normal { p10, p90 } | Dist::LogNormal { p10, p90 } => {
                let name = match self {
                    Dist::Normal { .. } => w.normal,
                    _ => w.lognormal,
                };
                let sep = w.separator;
                format!(
                    "{name}{sep}p10 {}{sep}p90 {}",
                    (w.number)(*p10),
                    (w.number)(*p90)
                )
            }
            Dist::OneOf { values, weights } => {
                let values = list(values.iter().map(w.value).collect());
                let equal = weights.windows(2).all(|pair| pair[0] == pair[1]);
                if equal {
                    format!("{} {values}", w.one_of)
                } else {
                    let weights = list(weights.iter().map(|x| (w.number)(*x)).collect());
                    format!(
                        "{} {values}{}{} {weights}",
                        w.one_of, w.separator, w.weights
                    )
                }
            }
        }
    }
}

/// The words a range is described in, and how its numbers, dates and `one_of` values are written.
pub struct Wording<'a> {
    pub uniform: &'a str,
    pub triangular: &'a str,
    pub normal: &'a str,
    pub lognormal: &'a str,
    /// Between the low and the high end.
    pub to: &'a str,
    pub mode: &'a str,
    pub one_of: &'a str,
    pub weights: &'a str,
    /// Between the parts of a description and the items of a list.
    pub separator: &'a str,
    pub number: &'a dyn Fn(f64) -> String,
    pub date: &'a dyn Fn(NaiveDate) -> String,
    pub value: &'a dyn Fn(&toml::Value) -> String,
}

impl Wording<'static> {
    /// What `validate`, draws.csv and the plausible set write: `triangular 14 to 45, mode 30`.
    pub const ENGLISH: Wording<'static> = Wording {
        uniform: "uniform",
        triangular: "triangular",
        normal: "normal",
        lognormal: "lognormal",
        to: "to",
        mode: "mode",
        one_of: "one of",
        weights: "weights",
        separator: ", ",
        number: &|x| x.to_string(),
        date: &|date| date.to_string(),
        value: &plain,
    };
}

/// A value as text without quotes: `0.5`, `2020-08-31`, `reading_a`.
pub fn plain(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(dt) => dt.to_string(),
        other => other.to_string(),
    }
}

/// A number as the value `kind` writes.
pub fn value_of(number: f64, kind: Kind) -> toml::Value {
    match kind {
        Kind::Number | Kind::AsGiven => toml::Value::Float(number),
        Kind::Whole => toml::Value::Integer(number.round() as i64),
        Kind::Date => {
            let date = day_to_date(number);
            toml::Value::Datetime(toml::value::Datetime {
                date: Some(toml::value::Date {
                    year: date.year() as u16,
                    month: date.month() as u8,
                    day: date.day() as u8,
                }),
                time: None,
                offset: None,
            })
        }
    }
}

/// The standard normal quantile: Acklam's rational approximation, refined by one Halley step against `erfc`
/// (relative error about 1e-15 over the unit interval).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.02425;
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    let error = 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2) - p;
    let step = error * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - step / (1.0 + x * step / 2.0)
}

/// Whether a merged scenario table holds any range.
pub fn has_ranges(table: &toml::Table) -> bool {
    table.values().any(value_has_ranges)
}

fn value_has_ranges(value: &toml::Value) -> bool {
    match value {
        toml::Value::Table(t) => is_range(t) || has_ranges(t),
        toml::Value::Array(items) => items.iter().any(value_has_ranges),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str::<toml::Table>(&format!("x = {text}")).unwrap()["x"]
            .as_table()
            .unwrap()
            .clone()
    }

    fn read(text: &str) -> Result<Dist, String> {
        parse(&table(text), false)
            .map(|(d, _)| d)
            .map_err(|m| m.message)
    }

    #[test]
    fn normal_quantile_matches_known_values() {
        assert!((normal_quantile(0.9) - Z90).abs() < 1e-12);
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!(normal_quantile(0.5).abs() < 1e-15);
        assert!((normal_quantile(0.01) + 2.326_347_874_040_841).abs() < 1e-12);
    }

    #[test]
    fn shapes_and_their_central_values() {
        let u = read("{ low = 0.4, high = 0.8 }").unwrap();
        assert_eq!(u.number_at(u.central_u()), Some(0.6000000000000001));
        assert_eq!(u.number_at(0.0), Some(0.4));
        let t = read("{ low = 1, mode = 2, high = 5 }").unwrap();
        assert_eq!(t.number_at(t.central_u()), Some(2.0));
        assert!((t.number_at(0.25).unwrap() - 2.0).abs() < 1e-12);
        let n = read("{ p10 = 10, p90 = 20, dist = \"normal\" }").unwrap();
        assert_eq!(n.number_at(0.5), Some(15.0));
        assert!((n.number_at(0.9).unwrap() - 20.0).abs() < 1e-9);
        let l = read("{ p10 = 10, p90 = 40, dist = \"lognormal\" }").unwrap();
        assert_eq!(l.number_at(0.5), Some(20.0));
        assert!((l.number_at(0.1).unwrap() - 10.0).abs() < 1e-9);
        let o = read("{ one_of = [\"a\", \"b\", \"c\"], weights = [1, 3, 3] }").unwrap();
        assert_eq!(o.index_at(o.central_u()), Some(1));
        assert_eq!(o.index_at(0.1), Some(0));
        assert_eq!(o.index_at(0.99), Some(2));
    }

    #[test]
    fn malformed_ranges_say_what_is_wrong() {
        assert_eq!(
            read("{ low = 2, high = 1 }").unwrap_err(),
            "low (2) is above high (1)"
        );
        assert_eq!(
            read("{ low = 1, mode = 3, high = 2 }").unwrap_err(),
            "mode (3) is outside low (1) to high (2)"
        );
        assert_eq!(
            read("{ p10 = 1, p90 = 2 }").unwrap_err(),
            "p10 and p90 need dist = \"normal\" or dist = \"lognormal\""
        );
        assert_eq!(
            read("{ p10 = -1, p90 = 2, dist = \"lognormal\" }").unwrap_err(),
            "a lognormal range is for positive quantities: p10 must be above 0, got -1"
        );
        assert_eq!(
            read("{ one_of = [1, 2], weights = [1] }").unwrap_err(),
            "has 1 entry but one_of has 2: one weight per value"
        );
        assert!(read("{ low = 1, high = 2, step = 1 }")
            .unwrap_err()
            .starts_with("unknown key `step` in a range"));
        assert!(read("{ low = 1 }")
            .unwrap_err()
            .starts_with("`high` is missing"));
    }

    #[test]
    fn date_ranges_draw_whole_days() {
        let (d, kind) = parse(&table("{ low = 2020-05-25, high = 2020-06-15 }"), false).unwrap();
        assert_eq!(kind, Kind::Date);
        let middle = value_of(d.number_at(d.central_u()).unwrap(), kind);
        assert_eq!(plain(&middle), "2020-06-05");
    }
}
