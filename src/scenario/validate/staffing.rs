//! `[staffing]`: the national caseworkers and their meetings a day, and the dated changes to them.

use super::dated::{dated_changes, DatedList};
use super::{check_ids, Checker};
use crate::scenario::limits::{MAX_CASEWORKERS, MAX_FACTOR, MAX_MEETINGS_PER_CASEWORKER_DAY};
use crate::scenario::model::{Staffing, StaffingLevel};
use crate::scenario::raw::{RawStaffing, RawStaffingChange};
use chrono::NaiveDate;

pub(super) fn staffing(
    raw: &RawStaffing,
    check: &mut Checker,
    sim_start: NaiveDate,
    end: NaiveDate,
) -> Staffing {
    check.number(
        "staffing.caseworkers",
        raw.caseworkers,
        0.0,
        MAX_CASEWORKERS,
    );
    check.positive(
        "staffing.meetings_per_caseworker_day",
        raw.meetings_per_caseworker_day,
        MAX_MEETINGS_PER_CASEWORKER_DAY,
    );
    check.number("staffing.phone_share", raw.phone_share, 0.0, 1.0);
    check.positive("staffing.phone_time", raw.phone_time, 1.0);
    if let Some(cap) = raw.max_meetings_per_caseworker_day {
        check.positive(
            "staffing.max_meetings_per_caseworker_day",
            cap,
            MAX_MEETINGS_PER_CASEWORKER_DAY,
        );
    }
    check.number(
        "staffing.caseworkers_factor",
        raw.caseworkers_factor,
        0.0,
        MAX_FACTOR,
    );
    check_ids(
        check,
        "staffing.changes",
        "staffing change",
        raw.changes.iter().map(|c| c.id.as_deref()),
    );
    let base = StaffingLevel {
        caseworkers_factor: 1.0,
        add_caseworkers: 0.0,
        meetings_per_caseworker_day: raw.meetings_per_caseworker_day,
        phone_share: raw.phone_share,
        phone_time: raw.phone_time,
    };
    let changes = DatedList {
        list: "staffing.changes",
        what: "staffing changes",
        entries: &raw.changes,
        date: |change| change.date.0,
        values_first: false,
    };
    let level = dated_changes(
        check,
        changes,
        (sim_start, end),
        base,
        |check, key, change, before| changed_level(check, key, change, *before, raw.caseworkers),
    );
    Staffing {
        level,
        max_meetings_per_caseworker_day: raw.max_meetings_per_caseworker_day,
    }
}

/// The staffing level from a change on: `before` with the values the change gives (those that pass their checks).
fn changed_level(
    check: &mut Checker,
    key: &str,
    change: &RawStaffingChange,
    before: StaffingLevel,
    caseworkers: f64,
) -> StaffingLevel {
    let mut level = before;
    match (change.caseworkers, change.caseworkers_factor) {
        (Some(_), Some(_)) => {
            check.err(key, "give `caseworkers` or `caseworkers_factor`, not both")
        }
        (Some(fte), None) => {
            if check.number(&format!("{key}.caseworkers"), fte, 0.0, MAX_CASEWORKERS)
                && caseworkers > 0.0
            {
                level.caseworkers_factor = fte / caseworkers;
            } else if caseworkers == 0.0 {
                check.err(format!("{key}.caseworkers"), "cannot rescale staffing.caseworkers = 0; use caseworkers_factor or municipality caseworkers");
            }
        }
        (None, Some(factor)) => {
            if check.number(
                &format!("{key}.caseworkers_factor"),
                factor,
                0.0,
                MAX_FACTOR,
            ) {
                level.caseworkers_factor = factor;
            }
        }
        (None, None) => {}
    }
    if let Some(v) = change.meetings_per_caseworker_day {
        if check.positive(
            &format!("{key}.meetings_per_caseworker_day"),
            v,
            MAX_MEETINGS_PER_CASEWORKER_DAY,
        ) {
            level.meetings_per_caseworker_day = v;
        }
    }
    if let Some(v) = change.phone_share {
        if check.number(&format!("{key}.phone_share"), v, 0.0, 1.0) {
            level.phone_share = v;
        }
    }
    if let Some(v) = change.phone_time {
        if check.positive(&format!("{key}.phone_time"), v, 1.0) {
            level.phone_time = v;
        }
    }
    if let Some(v) = change.add_caseworkers {
        if check.number(&format!("{key}.add_caseworkers"), v, 0.0, MAX_CASEWORKERS) {
            level.add_caseworkers = v;
        }
    }
    level
}
