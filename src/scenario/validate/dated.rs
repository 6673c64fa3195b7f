//! Lists of dated changes (staffing, inflow and spell duration): one walk through a list in date order that
//! checks every date and builds the [`Dated`] value the engine reads.

use super::Checker;
use crate::scenario::model::Dated;
use chrono::NaiveDate;

/// A list of dated changes as the scenario writes it.
pub(super) struct DatedList<'a, C> {
    /// The list's key, e.g. `staffing.changes`; an entry's key is `{list}[{index}]`.
    pub list: &'a str,
    /// The entries in a message on two of them on one day, e.g. `staffing changes`.
    pub what: &'a str,
    pub entries: &'a [C],
    pub date: fn(&C) -> NaiveDate,
    /// Whether an entry's own values are checked before its date is compared with the previous entry's (for
    /// inflow changes) or after: problems are reported in that order.
    pub values_first: bool,
}

/// The value in force from `base` on, changed by the entries of `changes` in date order (entries on one day in
/// the order written). Each entry's date must lie on or before `end` and differ from the previous entry's;
/// `value` checks an entry at its key and gives the value from its date on, from the value before it.
///
/// Entries dated before `sim_start` (a scenario whose `start` lies past the dated entries of the one it extends)
/// are the state on the first simulated day: the value they leave in force becomes the base, so the engine sees
/// only changes inside the simulated period.
pub(super) fn dated_changes<C, V>(
    check: &mut Checker,
    changes: DatedList<C>,
    (sim_start, end): (NaiveDate, NaiveDate),
    base: V,
    mut value: impl FnMut(&mut Checker, &str, &C, &V) -> V,
) -> Dated<V> {
    let mut dated = Dated::constant(base);
    let mut in_order: Vec<(usize, &C)> = changes.entries.iter().enumerate().collect();
    // A stable sort: entries on one day keep the order they are written in.
    in_order.sort_by_key(|(_, entry)| (changes.date)(entry));
    for (index, entry) in in_order {
        let key = format!("{}[{index}]", changes.list);
        let date = (changes.date)(entry);
        if date > end {
            check.date_in(
                &format!("{key}.date"),
                date,
                sim_start,
                end,
                "simulated period",
            );
        }
        let previous = dated.changes.last().map_or(&dated.base, |(_, v)| v);
        let same_day = dated.changes.last().is_some_and(|(last, _)| *last == date);
        let report_same_day = |check: &mut Checker| {
            if same_day {
                check.err(
                    format!("{key}.date"),
                    format!("two {} on {date}", changes.what),
                );
            }
        };
        let changed = if changes.values_first {
            let changed = value(check, &key, entry, previous);
            report_same_day(check);
            changed
        } else {
            report_same_day(check);
            value(check, &key, entry, previous)
        };
        dated.changes.push((date, changed));
    }
    let before_start = dated
        .changes
        .iter()
        .take_while(|(date, _)| *date < sim_start)
        .count();
    if let Some((_, in_force)) = dated.changes.drain(..before_start).next_back() {
        dated.base = in_force;
    }
    dated
}
