//! The parts of a benefit group that say when its members meet and how long they stay: spell-length
//! distributions and meeting rules (inline in a group or as named rule sets under `[rules]`).

use super::Checker;
use crate::scenario::limits::{MAX_DURATION_PARAMETER, MAX_RULE_DAYS, MIN_DURATION_PARAMETER};
use crate::scenario::model::{Duration, Followup, HeldBy, MeetingRule};
use crate::scenario::raw::{DistributionKind, RawFollowup, RawMeeting};

/// A spell-length distribution of kind `kind` from its parameters `mean_days`, `sd_days`, `shape` and
/// `scale_days` (in that order): those the kind needs must be given and in range, the others left out.
pub(super) fn duration(
    check: &mut Checker,
    key: &str,
    kind: DistributionKind,
    params: [(&str, Option<f64>); 4],
) -> Duration {
    let needed: &[&str] = match kind {
        DistributionKind::Exponential | DistributionKind::Fixed => &["mean_days"],
        DistributionKind::Lognormal => &["mean_days", "sd_days"],
        DistributionKind::Weibull | DistributionKind::Gamma => &["shape", "scale_days"],
        DistributionKind::Never => &[],
    };
    let kind_name = format!("{kind:?}").to_lowercase();
    let mut values = [1.0; 4];
    for (slot, (name, value)) in params.iter().enumerate() {
        let param_key = format!("{key}.{name}");
        match (needed.contains(name), value) {
            (true, Some(v)) => {
                if check.positive(&param_key, *v, MAX_DURATION_PARAMETER)
                    && check.number(
                        &param_key,
                        *v,
                        MIN_DURATION_PARAMETER,
                        MAX_DURATION_PARAMETER,
                    )
                {
                    values[slot] = *v;
                }
            }
            (true, None) => check.err(key, format!("the {kind_name} distribution needs `{name}`")),
            (false, Some(_)) => check.err(
                &param_key,
                format!("is not used by the {kind_name} distribution"),
            ),
            (false, None) => {}
        }
    }
    let [mean, sd, shape, scale] = values;
    match kind {
        DistributionKind::Exponential => Duration::Exponential { mean },
        DistributionKind::Lognormal => Duration::Lognormal { mean, sd },
        DistributionKind::Weibull => Duration::Weibull { shape, scale },
        DistributionKind::Gamma => Duration::Gamma { shape, scale },
        DistributionKind::Fixed => {
            if params[0].1.is_some_and(|v| v < 1.0) {
                check.err(
                    format!("{key}.mean_days"),
                    "a fixed duration must be at least 1 day",
                );
            }
            Duration::Fixed { days: mean }
        }
        DistributionKind::Never => Duration::Never,
    }
}

/// The meeting rules of a schedule at `key` (listed in the order they fall due) and its follow-up meetings.
pub(super) fn meeting_rules(
    check: &mut Checker,
    key: &str,
    meetings: &[RawMeeting],
    followup: &Option<RawFollowup>,
) -> (Vec<MeetingRule>, Option<Followup>) {
    let mut rules = Vec::new();
    for (i, m) in meetings.iter().enumerate() {
        let mkey = format!("{key}.meetings[{i}]");
        if m.due_day > MAX_RULE_DAYS || m.deadline_day > MAX_RULE_DAYS {
            check.err(
                &mkey,
                format!("due_day and deadline_day must be at most {MAX_RULE_DAYS}"),
            );
        }
        if m.deadline_day < m.due_day {
            check.err(
                format!("{mkey}.deadline_day"),
                format!("{} is before due_day {}", m.deadline_day, m.due_day),
            );
        }
        if let Some(previous) = rules.last().map(|r: &MeetingRule| r.due_day) {
            if m.due_day < previous {
                check.err(format!("{mkey}.due_day"), format!("{} is before the previous meeting's due_day {previous}; list meetings in the order they fall due", m.due_day));
            }
        }
        let held_by = match (m.joint, m.held_by) {
            (false, held_by) => held_by.unwrap_or_default(),
            (true, None | Some(HeldBy::Joint)) => HeldBy::Joint,
            (true, Some(other)) => {
                check.err(
                    format!("{mkey}.joint"),
                    format!(
                        "`joint = true` says held_by = \"joint\", but held_by is \"{}\"; give one of them",
                        held_by_name(other)
                    ),
                );
                other
            }
        };
        rules.push(MeetingRule {
            due_day: m.due_day,
            deadline_day: m.deadline_day,
            held_by,
        });
    }
    let followup = followup.as_ref().map(|f| {
        if f.every_days == 0 || f.every_days > MAX_RULE_DAYS {
            check.err(
                format!("{key}.followup.every_days"),
                format!(
                    "must be between 1 and {MAX_RULE_DAYS}, got {}",
                    f.every_days
                ),
            );
        }
        if f.deadline_days > MAX_RULE_DAYS {
            check.err(
                format!("{key}.followup.deadline_days"),
                format!("must be at most {MAX_RULE_DAYS}"),
            );
        }
        Followup {
            every_days: f.every_days.max(1),
            deadline_days: f.deadline_days,
        }
    });
    (rules, followup)
}

/// A side as the scenario writes it.
pub(super) fn held_by_name(held_by: HeldBy) -> &'static str {
    match held_by {
        HeldBy::Jobcentre => "jobcentre",
        HeldBy::Akasse => "akasse",
        HeldBy::Joint => "joint",
    }
}
