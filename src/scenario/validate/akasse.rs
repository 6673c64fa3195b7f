//! `[akasse]`: the unemployment funds' caseworkers, their dated changes and the spells whose first meetings
//! they take over; and the a-kasse FTE of each municipality, shared out by its insured unemployed.

use super::dated::{dated_changes, DatedList};
use super::{check_ids, Checker};
use crate::scenario::limits::{MAX_CASEWORKERS, MAX_FACTOR, MAX_MEETINGS_PER_CASEWORKER_DAY};
use crate::scenario::model::{Akasse, AkasseLevel, Group, HeldBy, Municipality, Takeover};
use crate::scenario::raw::{RawAkasse, RawAkasseChange, RawMeeting, RawScenario};
use chrono::NaiveDate;

pub(super) fn akasse(
    raw: &RawScenario,
    groups: &[Group],
    check: &mut Checker,
    (sim_start, end): (NaiveDate, NaiveDate),
) -> Option<Akasse> {
    let Some(akasse) = &raw.akasse else {
        refuse_akasse_meetings(raw, check);
        return None;
    };
    check.number(
        "akasse.caseworkers",
        akasse.caseworkers,
        0.0,
        MAX_CASEWORKERS,
    );
    check.positive(
        "akasse.meetings_per_caseworker_day",
        akasse.meetings_per_caseworker_day,
        MAX_MEETINGS_PER_CASEWORKER_DAY,
    );
    check.number("akasse.phone_share", akasse.phone_share, 0.0, 1.0);
    check.positive("akasse.phone_time", akasse.phone_time, 1.0);
    check_ids(
        check,
        "akasse.changes",
        "a-kasse change",
        akasse.changes.iter().map(|c| c.id.as_deref()),
    );
    check_ids(
        check,
        "akasse.takeovers",
        "takeover",
        akasse.takeovers.iter().map(|c| c.id.as_deref()),
    );
    let base = AkasseLevel {
        caseworkers_factor: 1.0,
        meetings_per_caseworker_day: akasse.meetings_per_caseworker_day,
        phone_share: akasse.phone_share,
        phone_time: akasse.phone_time,
    };
    let changes = DatedList {
        list: "akasse.changes",
        what: "a-kasse changes",
        entries: &akasse.changes,
        date: |change| change.date.0,
        values_first: false,
    };
    let level = dated_changes(
        check,
        changes,
        (sim_start, end),
        base,
        |check, key, change, before| changed_level(check, key, change, before, akasse),
    );
    let takeovers = takeovers(akasse, groups, check, (sim_start, end));
    Some(Akasse { level, takeovers })
}

/// Without an `[akasse]` section the a-kasse is always free: a meeting it holds alone has no capacity to wait for.
fn refuse_akasse_meetings(raw: &RawScenario, check: &mut Checker) {
    let lists = raw
        .rules
        .iter()
        .map(|(name, rules)| (format!("rules.{name}"), &rules.meetings))
        .chain(
            raw.groups
                .iter()
                .enumerate()
                .map(|(i, g)| (format!("groups[{i}]"), &g.meetings)),
        );
    for (key, meetings) in lists {
        for (j, meeting) in meetings.iter().enumerate() {
            if is_akasse_only(meeting) {
                check.err(
                    format!("{key}.meetings[{j}].held_by"),
                    "a meeting held by the a-kasse needs an [akasse] section with its capacity",
                );
            }
        }
    }
}

fn is_akasse_only(meeting: &RawMeeting) -> bool {
    meeting.held_by == Some(HeldBy::Akasse)
}

fn changed_level(
    check: &mut Checker,
    key: &str,
    change: &RawAkasseChange,
    before: &AkasseLevel,
    akasse: &RawAkasse,
) -> AkasseLevel {
    let mut level = *before;
    if change.caseworkers.is_some() && change.caseworkers_factor.is_some() {
        check.err(
            format!("{key}.caseworkers_factor"),
            "give caseworkers or caseworkers_factor, not both",
        );
    }
    if let Some(fte) = change.caseworkers {
        if check.number(&format!("{key}.caseworkers"), fte, 0.0, MAX_CASEWORKERS) {
            level.caseworkers_factor = if akasse.caseworkers > 0.0 {
                fte / akasse.caseworkers
            } else {
                check.err(
                    format!("{key}.caseworkers"),
                    "akasse.caseworkers is 0: a new national FTE has nothing to scale; give caseworkers_factor",
                );
                0.0
            };
        }
    }
    if let Some(factor) = change.caseworkers_factor {
        check.number(
            &format!("{key}.caseworkers_factor"),
            factor,
            0.0,
            MAX_FACTOR,
        );
        level.caseworkers_factor = factor;
    }
    if let Some(per_day) = change.meetings_per_caseworker_day {
        check.positive(
            &format!("{key}.meetings_per_caseworker_day"),
            per_day,
            MAX_MEETINGS_PER_CASEWORKER_DAY,
        );
        level.meetings_per_caseworker_day = per_day;
    }
    if let Some(share) = change.phone_share {
        check.number(&format!("{key}.phone_share"), share, 0.0, 1.0);
        level.phone_share = share;
    }
    if let Some(time) = change.phone_time {
        check.positive(&format!("{key}.phone_time"), time, 1.0);
        level.phone_time = time;
    }
    level
}

fn takeovers(
    akasse: &RawAkasse,
    groups: &[Group],
    check: &mut Checker,
    (sim_start, end): (NaiveDate, NaiveDate),
) -> Vec<Takeover> {
    let mut list = Vec::new();
    for (i, t) in akasse.takeovers.iter().enumerate() {
        let key = format!("akasse.takeovers[{i}]");
        let group = groups.iter().position(|g| g.id == t.group);
        if group.is_none() {
            let known: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
            check.err(
                format!("{key}.group"),
                format!(
                    "group `{}` does not exist (groups: {})",
                    t.group,
                    known.join(", ")
                ),
            );
        }
        check.date_in(
            &format!("{key}.from"),
            t.from.0,
            sim_start,
            end,
            "simulated period",
        );
        if let Some(to) = t.to {
            check.date_in(
                &format!("{key}.to"),
                to.0,
                sim_start,
                end,
                "simulated period",
            );
            if to.0 < t.from.0 {
                check.err(
                    format!("{key}.to"),
                    format!("{} is before from {}", to.0, t.from.0),
                );
            }
        }
        check.number(&format!("{key}.share"), t.share, 0.0, 1.0);
        if t.before_day == 0 || t.before_day > crate::scenario::limits::MAX_RULE_DAYS {
            check.err(
                format!("{key}.before_day"),
                format!(
                    "must be between 1 and {}, got {}",
                    crate::scenario::limits::MAX_RULE_DAYS,
                    t.before_day
                ),
            );
        }
        for (j, other) in list.iter().enumerate() {
            let other: &Takeover = other;
            let overlaps = Some(other.group) == group
                && other.to.is_none_or(|to| t.from.0 <= to)
                && t.to.is_none_or(|to| other.from <= to.0);
            if overlaps {
                check.err(
                    format!("{key}.from"),
                    format!("the window overlaps akasse.takeovers[{j}]'s for the same group"),
                );
            }
        }
        list.push(Takeover {
            group: group.unwrap_or(0),
            from: t.from.0,
            to: t.to.map(|d| d.0),
            share: t.share,
            before_day: t.before_day,
        });
    }
    list
}

/// Gives each municipality its a-kasse FTE: the national figure times its share of the insured groups' national
/// initial stock (the population share where no insured group has one), unless a column gave its own; 0 without
/// an `[akasse]` section.
pub(super) fn share_out(
    raw: &RawScenario,
    groups: &[Group],
    municipalities: &mut [Municipality],
    reference_population: f64,
    check: &mut Checker,
) {
    let Some(akasse) = &raw.akasse else {
        for m in municipalities.iter_mut() {
            if !m.akasse_caseworkers.is_nan() {
                check.err(
                    "municipalities.columns",
                    "a column with use = \"akasse_caseworkers\" needs an [akasse] section",
                );
                break;
            }
        }
        for m in municipalities.iter_mut() {
            m.akasse_caseworkers = 0.0;
        }
        return;
    };
    let insured: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].insured).collect();
    let national: f64 = insured.iter().map(|&g| groups[g].initial_stock).sum();
    for m in municipalities.iter_mut() {
        if !m.akasse_caseworkers.is_nan() {
            continue;
        }
        let share = if national > 0.0 {
            insured.iter().map(|&g| m.initial_stock[g]).sum::<f64>() / national
        } else {
            m.population / reference_population
        };
        m.akasse_caseworkers = akasse.caseworkers * share;
    }
}
