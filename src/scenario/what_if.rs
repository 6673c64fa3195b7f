//! What a what-if moves: the dated entries of the merged scenario table, and for each date a what-if moves, the
//! dated entries of other tables it leaves where they were near the old or the new date (ending a suspension
//! earlier leaves the reopening's staffing change on its old date).

use super::layers::id_of;
use super::overrides::DATE_KEYS;
use super::{Base, Override};
use crate::error::InputError;
use chrono::NaiveDate;

/// Tables that hold no lever: the figures checked and the run's own period.
const NOT_LEVERS: &[&str] = &["expect", "warmup"];

/// One date a what-if moved, and the dated entries of other tables it left near the old or the new date.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// The date's key, with ids: `suspensions.spring.end`.
    pub key: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Keys and dates of the entries left where they were, tables in the order of their keys.
    pub left: Vec<(String, NaiveDate)>,
}

impl Moved {
    /// `suspensions.spring.end moved from 2020-05-25 to 2020-05-11; left where they were: ...`.
    pub fn note(&self) -> String {
        let left: Vec<String> = self
            .left
            .iter()
            .map(|(key, date)| format!("{key} = {date}"))
            .collect();
        format!(
            "{} moved from {} to {}; left where {}: {}",
            self.key,
            self.from,
            self.to,
            if left.len() == 1 {
                "it was"
            } else {
                "they were"
            },
            left.join(", ")
        )
    }
}

/// The dates `side` moves against the scenario with `common` alone, each with the dated entries of other
/// tables that lie between its old and new date or a day beside them and that the what-if left as they were.
/// Only moves that left such entries are returned.
pub fn moved_dates(
    base: &Base,
    common: &[Override],
    side: &[Override],
) -> Result<Vec<Moved>, InputError> {
    let (before, _) = base.merged_with(common)?;
    let all: Vec<Override> = common.iter().chain(side).cloned().collect();
    let (after, _) = base.merged_with(&all)?;
    let (before, after) = (dated_entries(&before), dated_entries(&after));
    let mut moved = Vec::new();
    for (key, to) in &after {
        let Some(&(_, from)) = before.iter().find(|(k, _)| k == key) else {
            continue;
        };
        if from == *to {
            continue;
        }
        let (low, high) = (from.min(*to).pred_opt(), from.max(*to).succ_opt());
        let owner = key.rsplit_once('.').map_or("", |(owner, _)| owner);
        let left: Vec<(String, NaiveDate)> = before
            .iter()
            .filter(|(other, date)| {
                !other.starts_with(&format!("{owner}."))
                    && low.is_none_or(|low| *date >= low)
                    && high.is_none_or(|high| *date <= high)
                    && after.iter().any(|(k, d)| k == other && d == date)
            })
            .cloned()
            .collect();
        if !left.is_empty() {
            moved.push(Moved {
                key: key.clone(),
                from,
                to: *to,
                left,
            });
        }
    }
    Ok(moved)
}

/// Every date of the table under a date key (`date`, `start`, `end`, `from`, ...) inside a table of levers,
/// with its key written with ids: tables in the order of their keys, lists in their order.
fn dated_entries(table: &toml::Table) -> Vec<(String, NaiveDate)> {
    let mut found = Vec::new();
    for (key, value) in table {
        if !NOT_LEVERS.contains(&key.as_str()) {
            walk(value, key, &mut found);
        }
    }
    found
}

fn walk(value: &toml::Value, shown: &str, found: &mut Vec<(String, NaiveDate)>) {
    match value {
        toml::Value::Table(table) => {
            for (key, value) in table {
                let shown = format!("{shown}.{key}");
                if DATE_KEYS.contains(&key.as_str()) {
                    if let Some(date) = date_of(value) {
                        found.push((shown, date));
                        continue;
                    }
                }
                walk(value, &shown, found);
            }
        }
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let name = id_of(item).map(str::to_string).or_else(|| {
                    item.get("code")
                        .and_then(|c| c.as_integer())
                        .map(|c| c.to_string())
                });
                let entry = match name {
                    Some(name) => format!("{shown}.{name}"),
                    None => format!("{shown}[{i}]"),
                };
                walk(item, &entry, found);
            }
        }
        _ => {}
    }
}

/// A date written as a TOML date or as a string, or a range of dates at its central value (what a run without
/// `--draws` uses).
fn date_of(value: &toml::Value) -> Option<NaiveDate> {
    let text = match value {
        toml::Value::Datetime(datetime) => datetime.to_string(),
        toml::Value::String(text) => text.clone(),
        toml::Value::Table(table) if super::ranges::is_range(table) => {
            let (dist, kind) = super::ranges::dist::parse(table, false).ok()?;
            let central = dist.central_u();
            let value = match &dist {
                super::ranges::Dist::OneOf { values, .. } => {
                    values.get(dist.index_at(central)?)?.clone()
                }
                _ => super::ranges::dist::value_of(dist.number_at(central)?, kind),
            };
            return date_of(&value);
        }
        _ => return None,
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()
}

/// Reads one `--what-if`: assignments `KEY=VALUE` as for `--set`, separated by `;` (a `;` inside quotes or
/// inside an inline table or array is part of its value).
pub fn parse(argument: &str) -> Result<Vec<Override>, InputError> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0);
    for (i, c) in argument.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth = depth.saturating_sub(1),
            (None, ';') if depth == 0 => {
                parts.push(&argument[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&argument[start..]);
    let parts: Vec<&str> = parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Err(InputError::argument(
            "--what-if",
            format!(
                "`{argument}`: no change; give KEY=VALUE such as suspensions.spring.end=2020-05-11"
            ),
        ));
    }
    parts
        .into_iter()
        .map(|part| Override::parse("--what-if", part))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_split_on_semicolons_outside_values() {
        let keys = |text: &str| -> Vec<String> {
            parse(text).unwrap().iter().map(Override::text).collect()
        };
        assert_eq!(
            keys("suspensions.spring.end=2020-05-11; staffing.changes.reopen.date=2020-05-12"),
            [
                "suspensions.spring.end=2020-05-11",
                "staffing.changes.reopen.date=2020-05-12"
            ]
        );
        assert_eq!(keys("name=\"a; b\";seed=3"), ["name=\"a; b\"", "seed=3"]);
        assert_eq!(
            keys("staffing.changes.x={date=2020-06-01, add_caseworkers=2};"),
            ["staffing.changes.x={date=2020-06-01, add_caseworkers=2}"]
        );
        assert!(parse(" ; ").is_err());
        assert!(parse("seed").is_err());
    }

    #[test]
    fn a_moved_date_lists_the_dated_entries_it_left_beside_it() {
        let table: toml::Table = toml::from_str(
            "start = 2020-01-01\n[[suspensions]]\nid = \"spring\"\nstart = 2020-03-12\nend = 2020-05-25\n\
             [[staffing.changes]]\nid = \"reopen\"\ndate = 2020-05-26\n[[staffing.changes]]\nid = \"later\"\n\
             date = 2020-06-15\n[[expect]]\nfrom = 2020-05-20\n",
        )
        .unwrap();
        let found = dated_entries(&table);
        assert_eq!(
            found.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            [
                "staffing.changes.reopen.date",
                "staffing.changes.later.date",
                "suspensions.spring.end",
                "suspensions.spring.start"
            ]
        );
    }
}
