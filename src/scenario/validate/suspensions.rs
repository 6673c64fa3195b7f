//! `[[suspensions]]`: the windows in which meetings were suspended, and what each group's meetings due in them
//! became (waived, shifted or caught up).

use super::{check_ids, Checker};
use crate::scenario::model::*;
use crate::scenario::raw::*;
use chrono::NaiveDate;

pub(super) fn suspensions(
    raw: &RawScenario,
    groups: &[Group],
    check: &mut Checker,
    (sim_start, start, end): (NaiveDate, NaiveDate, NaiveDate),
) -> Vec<Suspension> {
    let mut suspensions: Vec<Suspension> = Vec::new();
    // Each kept suspension's place in the file's list, for messages.
    let mut positions: Vec<usize> = Vec::new();
    check_ids(
        check,
        "suspensions",
        "suspension",
        raw.suspensions.iter().map(|s| s.id.as_deref()),
    );
    for (i, s) in raw.suspensions.iter().enumerate() {
        let key = format!("suspensions[{i}]");
        let (s_start, s_end) = (s.start.0, s.end.0);
        if over_before(s, sim_start) {
            // A suspension of a base whose `start` this scenario moved past: over before the first simulated
            // day, it changes nothing that is simulated (meetings due before day 0 are taken as held).
            continue;
        }
        check.date_in(&format!("{key}.start"), s_start, start, end, "period");
        check.date_in(&format!("{key}.end"), s_end, start, end, "period");
        if s_end < s_start {
            check.err(
                format!("{key}.end"),
                format!("{s_end} is before the window's start {s_start}"),
            );
        }
        check.number(&format!("{key}.capacity_share"), s.capacity_share, 0.0, 1.0);
        let mut overlapping = Vec::new();
        if s.closes != Closes::Both && raw.akasse.is_none() {
            check.err(
                format!("{key}.closes"),
                "closes one side only, but the scenario has no [akasse] section: without it the a-kasse is always free",
            );
        }
        for (other_index, other) in suspensions.iter().enumerate() {
            // One side's closure may overlap the other side's: they close different capacity.
            if closes_apart(s.closes, other.closes) {
                continue;
            }
            if s_start <= other.end && other.start <= s_end {
                let position = positions[other_index];
                check.err(
                    format!("{key}.start"),
                    format!(
                        "window {s_start} to {s_end} overlaps suspensions[{position}] ({} to {})",
                        other.start, other.end
                    ),
                );
                overlapping.push(other_index);
            }
        }
        for id in s.groups.keys() {
            if !groups.iter().any(|g| &g.id == id) {
                let known: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
                check.err(
                    format!("{key}.groups.{id}"),
                    format!("group `{id}` does not exist (groups: {})", known.join(", ")),
                );
            }
        }
        let default_action = s.default_action.unwrap_or(RawAction::Waive);
        if default_action == RawAction::CatchUp && s.default_action.is_some() {
            // catch_up without a date is allowed; nothing more to check.
        }
        let mut actions = Vec::new();
        for group in groups {
            let gkey = format!("{key}.groups.{}", group.id);
            let action = match s.groups.get(&group.id) {
                Some(a) => {
                    let from = a.from.map_or(s_start, |d| d.0);
                    let to = a.to.map_or(s_end, |d| d.0);
                    if a.from.is_some() {
                        check.date_in(&format!("{gkey}.from"), from, start, end, "period");
                    }
                    if a.to.is_some() {
                        check.date_in(&format!("{gkey}.to"), to, start, end, "period");
                    }
                    // With the suspension's own window as default, a reversed window is reported once, above.
                    if to < from && (s_start <= s_end || (a.from.is_some() && a.to.is_some())) {
                        check.err(format!("{gkey}.to"), format!("{to} is before from {from}"));
                    }
                    let catch_up = CatchUp {
                        by: a.catch_up_by.map(|d| d.0),
                        from: a.catch_up_from.map(|d| d.0),
                        pacing: a.catch_up_pacing.unwrap_or_default(),
                    };
                    let kind = match a.action {
                        RawAction::Waive => ActionKind::Waive,
                        RawAction::Shift => ActionKind::Shift,
                        RawAction::CatchUp => ActionKind::CatchUp(catch_up),
                    };
                    check_catch_up(check, &gkey, a, from, start, end);
                    GroupAction { kind, from, to }
                }
                None => GroupAction {
                    kind: match default_action {
                        RawAction::Waive => ActionKind::Waive,
                        RawAction::Shift => ActionKind::Shift,
                        RawAction::CatchUp => ActionKind::CatchUp(CatchUp::default()),
                    },
                    from: s_start,
                    to: s_end,
                },
            };
            if action.kind == ActionKind::Shift && s.closes != Closes::Both {
                check.err(
                    format!("{gkey}.action"),
                    "\"shift\" stops the whole spell clock, so it needs a window that closes both sides (closes = \"both\")",
                );
            }
            for (other_index, other) in suspensions.iter().enumerate() {
                if closes_apart(s.closes, other.closes) {
                    continue;
                }
                let o = other.actions[actions.len()];
                let same_as_windows = (action.from, action.to) == (s_start, s_end)
                    && (o.from, o.to) == (other.start, other.end);
                // Overlapping rule windows that are just the suspensions' own windows were reported above.
                if same_as_windows && overlapping.contains(&other_index) {
                    continue;
                }
                if action.from <= o.to && o.from <= action.to {
                    let position = positions[other_index];
                    check.err(format!("{gkey}.from"), format!("the rule window {} to {} for `{}` overlaps suspensions[{position}]'s ({} to {})", action.from, action.to, group.id, o.from, o.to));
                }
            }
            actions.push(action);
        }
        positions.push(i);
        suspensions.push(Suspension {
            id: s.id.clone().unwrap_or_else(|| format!("[{i}]")),
            name: s
                .name
                .clone()
                .unwrap_or_else(|| format!("suspension {}", i + 1)),
            start: s_start,
            end: s_end,
            capacity_share: s.capacity_share,
            phone_counts: s.phone_counts,
            closes: s.closes,
            actions,
        });
    }
    suspensions
}

/// Whether two windows close different sides (one the jobcentre only, the other the a-kasse only).
fn closes_apart(a: Closes, b: Closes) -> bool {
    let both_jobcentre = a.jobcentre() && b.jobcentre();
    let both_akasse = a.akasse() && b.akasse();
    !both_jobcentre && !both_akasse
}

/// The `catch_up_*` keys of one group's rule: only for `catch_up`, dates inside the period and in order, and
/// even pacing with a window to spread over.
fn check_catch_up(
    check: &mut Checker,
    gkey: &str,
    rule: &RawGroupAction,
    window_start: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
) {
    let keys = [
        ("catch_up_by", rule.catch_up_by.is_some()),
        ("catch_up_from", rule.catch_up_from.is_some()),
        ("catch_up_pacing", rule.catch_up_pacing.is_some()),
    ];
    if rule.action != RawAction::CatchUp {
        for (name, given) in keys {
            if given {
                check.err(
                    format!("{gkey}.{name}"),
                    "only applies to action = \"catch_up\"",
                );
            }
        }
        return;
    }
    if let Some(by) = rule.catch_up_by {
        if by.0 < window_start {
            check.err(
                format!("{gkey}.catch_up_by"),
                format!("{} is before the window starts ({window_start})", by.0),
            );
        }
    }
    if let Some(from) = rule.catch_up_from {
        check.date_in(
            &format!("{gkey}.catch_up_from"),
            from.0,
            start,
            end,
            "period",
        );
        if let Some(by) = rule.catch_up_by.filter(|by| by.0 < from.0) {
            check.err(
                format!("{gkey}.catch_up_by"),
                format!("{} is before catch_up_from ({})", by.0, from.0),
            );
        }
    }
    if rule.catch_up_pacing == Some(Pacing::Even)
        && (rule.catch_up_from.is_none() || rule.catch_up_by.is_none())
    {
        check.err(
            format!("{gkey}.catch_up_pacing"),
            "\"even\" spreads the meetings from catch_up_from to catch_up_by: give both dates",
        );
    }
}

/// Whether a suspension is over before `sim_start`: its capacity window and every date of its group rules.
fn over_before(s: &RawSuspension, sim_start: NaiveDate) -> bool {
    s.end.0 < sim_start
        && s.groups.values().all(|rule| {
            [rule.from, rule.to, rule.catch_up_from, rule.catch_up_by]
                .into_iter()
                .flatten()
                .all(|date| date.0 < sim_start)
        })
}
