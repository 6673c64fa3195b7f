//! `[[groups]]`: the benefit groups, each with its inflow, spell lengths, meeting rules and initial stock; and
//! the named rule sets of `[rules]` the groups may refer to.

use super::dated::{dated_changes, DatedList};
use super::rules::{duration, meeting_rules};
use super::{check_ids, is_id, Checker};
use crate::scenario::limits::{MAX_FACTOR, MAX_INFLOW_PER_DAY, MAX_PERSONS, MAX_RULE_DAYS};
use crate::scenario::model::*;
use crate::scenario::raw::*;
use chrono::NaiveDate;

pub(super) fn groups(
    raw: &RawScenario,
    check: &mut Checker,
    sim_start: NaiveDate,
    end: NaiveDate,
) -> Vec<Group> {
    if raw.groups.is_empty() {
        check.err("groups", "at least one benefit group is needed");
    }

    for (name, rules) in &raw.rules {
        meeting_rules(
            check,
            &format!("rules.{name}"),
            &rules.meetings,
            &rules.followup,
        );
    }
    raw.groups
        .iter()
        .enumerate()
        .map(|(i, _)| group(raw, i, check, (sim_start, end)))
        .collect()
}

/// The group `raw.groups[i]`, checked.
fn group(
    raw: &RawScenario,
    i: usize,
    check: &mut Checker,
    simulated: (NaiveDate, NaiveDate),
) -> Group {
    let g = &raw.groups[i];
    let key = format!("groups[{i}]");
    if !is_id(&g.id) {
        check.err(
            format!("{key}.id"),
            format!(
                "`{}` must be non-empty and use only letters, digits, `_` and `-`",
                g.id
            ),
        );
    }
    if raw.groups[..i].iter().any(|other| other.id == g.id) {
        check.err(
            format!("{key}.id"),
            format!("group `{}` is defined twice", g.id),
        );
    }
    check.number(
        &format!("{key}.inflow_per_day"),
        g.inflow_per_day,
        0.0,
        MAX_INFLOW_PER_DAY,
    );
    let factor = g.inflow_factor;
    check.number(&format!("{key}.inflow_factor"), factor, 0.0, MAX_FACTOR);
    check_ids(
        check,
        &format!("{key}.inflow_changes"),
        "inflow change",
        g.inflow_changes.iter().map(|c| c.id.as_deref()),
    );
    check_ids(
        check,
        &format!("{key}.duration_changes"),
        "duration change",
        g.duration_changes.iter().map(|c| c.id.as_deref()),
    );
    let inflow_changes = DatedList {
        list: &format!("{key}.inflow_changes"),
        what: "inflow changes",
        entries: &g.inflow_changes,
        date: |change| change.date.0,
        values_first: true,
    };
    let inflow = dated_changes(
        check,
        inflow_changes,
        simulated,
        g.inflow_per_day * factor,
        |check, ckey, change, _| {
            check.number(
                &format!("{ckey}.inflow_per_day"),
                change.inflow_per_day,
                0.0,
                MAX_INFLOW_PER_DAY,
            );
            change.inflow_per_day * factor
        },
    );
    let d = &g.duration;
    let base_duration = duration(
        check,
        &format!("{key}.duration"),
        d.distribution,
        [
            ("mean_days", d.mean_days),
            ("sd_days", d.sd_days),
            ("shape", d.shape),
            ("scale_days", d.scale_days),
        ],
    );
    if raw.warmup.start == StartState::Stationary && !g.initial_age_buckets.is_empty() {
        check.err(
            format!("{key}.initial_age_buckets"),
            "not used with `warmup.start = \"stationary\"`, which draws the ages itself; remove it or use `start = \"stock\"`",
        );
    }
    let duration_changes = DatedList {
        list: &format!("{key}.duration_changes"),
        what: "duration changes",
        entries: &g.duration_changes,
        date: |change| change.date.0,
        values_first: false,
    };
    let durations = dated_changes(
        check,
        duration_changes,
        simulated,
        base_duration,
        |check, ckey, c, _| {
            duration(
                check,
                ckey,
                c.distribution,
                [
                    ("mean_days", c.mean_days),
                    ("sd_days", c.sd_days),
                    ("shape", c.shape),
                    ("scale_days", c.scale_days),
                ],
            )
        },
    );
    if raw.warmup.start == StartState::Stationary && *durations.at(simulated.0) == Duration::Never {
        // The stock is drawn from the duration in force on day 0: the base, or a change dated on that day.
        let at = g
            .duration_changes
            .iter()
            .rposition(|change| change.date.0 == simulated.0)
            .map_or(format!("{key}.duration"), |j| {
                format!("{key}.duration_changes[{j}]")
            });
        check.err(
            at,
            "a group that never leaves has no stationary state; use `warmup.start = \"stock\"` with a warm-up",
        );
    }
    let (meetings, followup) = schedule(raw, check, &key, g);
    check.number(
        &format!("{key}.initial_stock"),
        g.initial_stock,
        0.0,
        MAX_PERSONS,
    );
    let initial_age = initial_age(check, &key, g);
    let returning = g.returning.as_ref().map(|r| returning(check, &key, r));
    Group {
        id: g.id.clone(),
        name: g.name.clone().unwrap_or_else(|| g.id.clone()),
        insured: g.insured,
        priority: g.priority,
        inflow_per_day: inflow,
        duration: durations,
        meetings,
        followup,
        initial_stock: g.initial_stock,
        initial_age,
        surge: None,
        returning,
    }
}

/// The returning persons of the group at `key`: a share of its new spells, and their earlier unemployment.
fn returning(check: &mut Checker, key: &str, r: &RawReturning) -> Returning {
    check.number(&format!("{key}.returning.share"), r.share, 0.0, 1.0);
    let prior_key = format!("{key}.returning.prior_days");
    let d = &r.prior_days;
    if d.distribution == DistributionKind::Never {
        check.err(
            &prior_key,
            "earlier unemployment must be finite; give a distribution of days (`fixed`, `exponential`, ...)",
        );
    }
    let prior_days = duration(
        check,
        &prior_key,
        d.distribution,
        [
            ("mean_days", d.mean_days),
            ("sd_days", d.sd_days),
            ("shape", d.shape),
            ("scale_days", d.scale_days),
        ],
    );
    Returning {
        share: r.share,
        prior_days,
    }
}

/// The meeting rules of group `g` at `key`: inline, or the rule set it names (checked once, under `rules.<name>`).
fn schedule(
    raw: &RawScenario,
    check: &mut Checker,
    key: &str,
    g: &RawGroup,
) -> (Vec<MeetingRule>, Option<Followup>) {
    match &g.rules {
        Some(name) => {
            if !g.meetings.is_empty() || g.followup.is_some() {
                check.err(
                    format!("{key}.rules"),
                    "give `rules` or inline `meetings`/`followup`, not both",
                );
            }
            match raw.rules.get(name) {
                Some(rules) => meeting_rules(
                    // Checked once, under `rules.<name>`, by `groups`.
                    &mut Checker::new(),
                    "",
                    &rules.meetings,
                    &rules.followup,
                ),
                None => {
                    let known: Vec<&str> = raw.rules.keys().map(String::as_str).collect();
                    check.err(
                        format!("{key}.rules"),
                        format!(
                            "rule set `{name}` does not exist (defined: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    );
                    (Vec::new(), None)
                }
            }
        }
        None => meeting_rules(check, key, &g.meetings, &g.followup),
    }
}

/// How long the initial stock of group `g` at `key` has been on benefit: drawn from the steady state, or the
/// buckets given.
fn initial_age(check: &mut Checker, key: &str, g: &RawGroup) -> InitialAge {
    if g.initial_age_buckets.is_empty() {
        InitialAge::SteadyState
    } else {
        let mut total = 0.0;
        let mut previous = 0;
        let mut buckets = Vec::new();
        for (j, b) in g.initial_age_buckets.iter().enumerate() {
            let bkey = format!("{key}.initial_age_buckets[{j}]");
            if b.up_to_days <= previous || b.up_to_days > MAX_RULE_DAYS {
                check.err(format!("{bkey}.up_to_days"), format!("must increase from bucket to bucket and be between 1 and {MAX_RULE_DAYS}, got {}", b.up_to_days));
            }
            check.number(&format!("{bkey}.share"), b.share, 0.0, 1.0);
            total += b.share;
            previous = b.up_to_days;
            buckets.push((b.up_to_days, b.share));
        }
        if (total - 1.0).abs() > 1e-6 {
            check.err(
                format!("{key}.initial_age_buckets"),
                format!("shares must add up to 1, got {total}"),
            );
        }
        InitialAge::Buckets(buckets)
    }
}
