//! `[staffing]`: the national caseworkers and their meetings a day, and the dated changes to them.

use super::dated::{dated_changes, DatedList};
use super::{check_ids, Checker};
use crate::scenario::limits::{
    MAX_CASEWORKERS, MAX_FACTOR, MAX_MEETINGS_PER_CASEWORKER_DAY, MIN_PHONE_TIME,
};
use crate::scenario::model::{
    Dated, LocalLevel, LocalStaffing, Municipality, Staffing, StaffingLevel,
};
use crate::scenario::raw::{Fte, RawStaffing, RawStaffingChange};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

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
    check.number("staffing.phone_time", raw.phone_time, MIN_PHONE_TIME, 1.0);
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
    let both = dated_changes(
        check,
        changes,
        (sim_start, end),
        Level {
            national: base,
            local: BTreeMap::new(),
        },
        |check, key, change, before| {
            changed_level(
                check,
                key,
                change,
                before,
                raw.caseworkers,
                raw.caseworkers_factor,
            )
        },
    );
    Staffing {
        level: Dated {
            base: both.base.national,
            changes: both
                .changes
                .iter()
                .map(|(date, level)| (*date, level.national))
                .collect(),
        },
        local: local_staffing(&both),
        max_meetings_per_caseworker_day: raw.max_meetings_per_caseworker_day,
    }
}

/// The national level and each municipality's own, as a change leaves them.
#[derive(Clone)]
struct Level {
    national: StaffingLevel,
    local: BTreeMap<u32, LocalLevel>,
}

/// Splits the municipalities' own levels out of the walk, one dated value per municipality a change names.
fn local_staffing(both: &Dated<Level>) -> Vec<LocalStaffing> {
    let codes: BTreeSet<u32> = both
        .changes
        .iter()
        .flat_map(|(_, level)| level.local.keys().copied())
        .collect();
    codes
        .into_iter()
        .map(|code| LocalStaffing {
            code,
            level: Dated {
                base: LocalLevel::default(),
                changes: both
                    .changes
                    .iter()
                    .map(|(date, level)| {
                        (*date, level.local.get(&code).copied().unwrap_or_default())
                    })
                    .collect(),
            },
        })
        .collect()
}

/// A table of FTE by municipality code: each code as a number, with its FTE checked (the codes are checked
/// against the municipalities simulated by [`check_local_codes`]).
fn local_fte(check: &mut Checker, key: &str, table: &[(String, f64)]) -> Vec<(u32, f64)> {
    let mut valid = Vec::new();
    if table.is_empty() {
        check.err(
            key,
            "an empty table: give FTE by municipality code, such as { 101 = 20 }",
        );
    }
    for (code, fte) in table {
        let entry_key = format!("{key}.{code}");
        match code.parse::<u32>() {
            Ok(parsed) => {
                if fte_in_range(check, &entry_key, *fte, &format!("FTE in municipality {code}")) {
                    valid.push((parsed, *fte));
                }
            }
            Err(_) => check.err(
                entry_key,
                format!("`{code}` is not a municipality code: the table's keys are codes such as 101, each with FTE in that municipality's own units"),
            ),
        }
    }
    valid
}

/// The unit of a plain FTE number, named in messages.
const NATIONAL: &str = "national FTE, shared out by the staff key";

/// Checks an FTE number (0 to the limit), naming its unit in the message.
fn fte_in_range(check: &mut Checker, key: &str, fte: f64, unit: &str) -> bool {
    if !fte.is_finite() {
        check.err(key, format!("must be a finite number ({unit}), got {fte}"));
        false
    } else if !(0.0..=MAX_CASEWORKERS).contains(&fte) {
        check.err(
            key,
            format!(
                "must be between 0 and {MAX_CASEWORKERS} ({unit}), got {}",
                super::super::checker::show(fte)
            ),
        );
        false
    } else {
        true
    }
}

/// Every municipality code a staffing change names in its table form must be one the scenario simulates.
pub(super) fn check_local_codes(
    raw: &RawStaffing,
    municipalities: &[Municipality],
    check: &mut Checker,
) {
    // Without municipalities (their own problems are reported) there is nothing to check the codes against.
    if municipalities.is_empty() {
        return;
    }
    let simulated: Vec<String> = municipalities.iter().map(|m| m.code.to_string()).collect();
    for (index, change) in raw.changes.iter().enumerate() {
        for (name, fte) in [
            ("caseworkers", &change.caseworkers),
            ("add_caseworkers", &change.add_caseworkers),
        ] {
            let Some(Fte::Local(table)) = fte else {
                continue;
            };
            for (code, _) in table {
                if code.parse::<u32>().is_ok() && !simulated.contains(code) {
                    check.err(
                        format!("staffing.changes[{index}].{name}.{code}"),
                        format!(
                            "municipality {code} is not simulated in this scenario (it simulates {}); the table gives FTE in a simulated municipality's own units",
                            shown_codes(&simulated)
                        ),
                    );
                }
            }
        }
    }
}

fn shown_codes(codes: &[String]) -> String {
    const SHOWN: usize = 10;
    if codes.len() <= SHOWN {
        codes.join(", ")
    } else {
        format!(
            "{}, ... ({} municipalities)",
            codes[..SHOWN].join(", "),
            codes.len()
        )
    }
}

/// The staffing level from a change on: `before` with the values the change gives (those that pass their checks).
/// A national `caseworkers` or `caseworkers_factor` sets every municipality's staff again, so it ends the FTE a
/// municipality was given in its own units; a national `add_caseworkers` and a municipality's own are separate
/// levels, each held until a later change sets it in the same form.
fn changed_level(
    check: &mut Checker,
    key: &str,
    change: &RawStaffingChange,
    before: &Level,
    caseworkers: f64,
    caseworkers_factor: f64,
) -> Level {
    let mut level = before.national;
    let mut local = before.local.clone();
    let RawStaffingChange {
        id: _,
        date: _,
        caseworkers: ref new_caseworkers,
        caseworkers_factor: new_factor,
        meetings_per_caseworker_day,
        phone_share,
        phone_time,
        ref add_caseworkers,
    } = *change;
    if new_caseworkers.is_none()
        && new_factor.is_none()
        && meetings_per_caseworker_day.is_none()
        && phone_share.is_none()
        && phone_time.is_none()
        && add_caseworkers.is_none()
    {
        check.err(key, "changes nothing: give at least one of caseworkers, caseworkers_factor, add_caseworkers, meetings_per_caseworker_day, phone_share and phone_time (or remove the change)");
    }
    match (&change.caseworkers, change.caseworkers_factor) {
        (Some(_), Some(_)) => {
            check.err(key, "give `caseworkers` or `caseworkers_factor`, not both")
        }
        (Some(Fte::National(fte)), None) => {
            let fte = *fte;
            if fte_in_range(check, &format!("{key}.caseworkers"), fte, NATIONAL)
                && caseworkers > 0.0
            {
                level.caseworkers_factor = fte / caseworkers;
                local.values_mut().for_each(|l| l.caseworkers = None);
            } else if caseworkers == 0.0 {
                check.err(format!("{key}.caseworkers"), "cannot rescale staffing.caseworkers = 0; use caseworkers_factor or municipality caseworkers");
            }
        }
        (Some(Fte::Local(table)), None) => {
            for (code, fte) in local_fte(check, &format!("{key}.caseworkers"), table) {
                local.entry(code).or_default().caseworkers = Some(fte * caseworkers_factor);
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
                local.values_mut().for_each(|l| l.caseworkers = None);
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
        if check.number(&format!("{key}.phone_time"), v, MIN_PHONE_TIME, 1.0) {
            level.phone_time = v;
        }
    }
    match &change.add_caseworkers {
        Some(Fte::National(v))
            if fte_in_range(check, &format!("{key}.add_caseworkers"), *v, NATIONAL) =>
        {
            level.add_caseworkers = *v;
        }
        Some(Fte::National(_)) => {}
        Some(Fte::Local(table)) => {
            for (code, fte) in local_fte(check, &format!("{key}.add_caseworkers"), table) {
                local.entry(code).or_default().add_caseworkers = fte;
            }
        }
        None => {}
    }
    Level {
        national: level,
        local,
    }
}
