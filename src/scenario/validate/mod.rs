//! Checks a [`RawScenario`] for meaning and builds the [`Scenario`], collecting every problem it finds.
//!
//! This module holds the [`Checker`] that collects the problems, the checks of the period and of the whole
//! scenario, and the helpers the sections share; each section of the scenario is checked in its own module, in
//! the order the sections' problems are reported: staffing, groups (with their dated changes and meeting rules),
//! municipalities, suspensions, expectations, timeliness rules.

mod akasse;
mod dated;
mod expect;
mod groups;
mod rules;
mod staffing;
mod suspensions;
mod timeliness;

pub(super) use super::checker::{relative_to_declaring_file, Checker};
use super::limits::{check_size, report, too_many, MAX_PERIOD_DAYS, MAX_REPLICATIONS};
use super::model::*;
use super::raw::*;
use super::Sources;
use crate::error::InputError;
use chrono::NaiveDate;
use sha2::Digest;
use std::path::Path;

pub(super) fn validate(
    raw: RawScenario,
    file: &Path,
    mut sources: Sources,
) -> Result<Scenario, InputError> {
    let mut check = Checker::new();
    // Lists longer than any scenario needs are refused before the checks that compare entries pairwise.
    too_many(&raw, &mut check);
    if !check.problems.is_empty() {
        return Err(report(check, &sources));
    }
    if raw.name.trim().is_empty() {
        check.err("name", "must not be empty");
    }
    let (start, end, sim_start) = period(&raw, &mut check);
    let replications = raw.replications.unwrap_or(1);
    if replications == 0 || replications > MAX_REPLICATIONS {
        check.err(
            "replications",
            format!("must be between 1 and {MAX_REPLICATIONS}, got {replications}"),
        );
    }
    let closed_days = closed_days(&raw, &mut check, sim_start, end);

    let staffing = staffing::staffing(&raw.staffing, &mut check, sim_start, end);
    let mut groups = groups::groups(&raw, &mut check, sim_start, end);
    let mut municipalities = super::municipalities::municipalities(
        &raw.municipalities,
        &raw.staffing,
        &mut groups,
        &mut check,
        &mut sources,
        (start, end),
    );
    staffing::check_local_codes(&raw.staffing, &municipalities, &mut check);
    let akasse = akasse::akasse(&raw, &groups, &mut check, (sim_start, end));
    akasse::share_out(
        &raw,
        &groups,
        &mut municipalities,
        raw.municipalities.reference_population,
        &mut check,
    );
    let suspensions = suspensions::suspensions(&raw, &groups, &mut check, (sim_start, start, end));
    let expectations = expect::expectations(
        &raw,
        &municipalities,
        &groups,
        &mut check,
        &sources,
        (start, end),
        suspensions.iter().map(|s| s.start).min(),
    );
    let municipality_expectations = super::expect_municipalities::municipality_expectations(
        &raw,
        &municipalities,
        &groups,
        &mut check,
        &mut sources,
        (start, end),
    );
    let timeliness = timeliness::rules(&raw, &groups, &mut check);

    if check.period_ok && check.problems.is_empty() && check.extra.is_empty() {
        check_size(
            &mut check,
            &municipalities,
            &groups,
            raw.warmup.start,
            sim_start,
            end,
        );
    }

    if !check.problems.is_empty() || !check.extra.is_empty() {
        return Err(report(check, &sources));
    }
    let sha256 = format!("{:x}", sources.hasher.finalize_reset());
    let danish = super::model::Danish {
        name: raw.name_da.clone(),
        description: raw.description_da.clone(),
        groups: raw.groups.iter().map(|g| g.label_da.clone()).collect(),
    };
    Ok(Scenario {
        name: raw.name,
        description: raw.description,
        danish,
        file: file.to_path_buf(),
        sha256,
        overrides: sources.given.clone(),
        seed: raw.seed,
        start,
        end,
        replications,
        order: raw.order,
        warmup_days: raw.warmup.days,
        start_state: raw.warmup.start,
        holidays: raw.calendar.holidays,
        closed_days,
        municipalities,
        staffing,
        akasse,
        groups,
        suspensions,
        expectations,
        municipality_expectations,
        timeliness,
    })
}

/// The period's first and last day and the first simulated day (the first of the warm-up), checked. A period
/// that is itself wrong (reversed, too long) clears [`Checker::period_ok`].
fn period(raw: &RawScenario, check: &mut Checker) -> (NaiveDate, NaiveDate, NaiveDate) {
    let start = raw.start.0;
    let end = raw.end.0;
    for (key, date) in [("start", start), ("end", end)] {
        check.date_in(
            key,
            date,
            ymd(1900, 1, 1),
            ymd(2200, 12, 31),
            "supported years",
        );
    }
    let mut period_ok = true;
    if end < start {
        check.err("end", format!("{end} is before start {start}"));
        period_ok = false;
    } else if (end - start).num_days() + 1 > MAX_PERIOD_DAYS {
        check.err(
            "end",
            format!(
                "the period is {} days; the limit is {MAX_PERIOD_DAYS} days (ten years)",
                (end - start).num_days() + 1
            ),
        );
        period_ok = false;
    }
    if i64::from(raw.warmup.days) > MAX_PERIOD_DAYS {
        check.err(
            "warmup.days",
            format!("{} days; the limit is {MAX_PERIOD_DAYS}", raw.warmup.days),
        );
        period_ok = false;
    }
    // Dates written as strings may lie at the very edge of chrono's range; never step past it.
    let sim_start = start
        .checked_sub_days(chrono::Days::new(u64::from(
            raw.warmup.days.min(MAX_PERIOD_DAYS as u32),
        )))
        .unwrap_or(start);
    check.period_ok = period_ok;
    (start, end, sim_start)
}

/// The days the jobcentres are closed besides the holidays, each once and in order, from the first simulated day.
fn closed_days(
    raw: &RawScenario,
    check: &mut Checker,
    sim_start: NaiveDate,
    end: NaiveDate,
) -> Vec<NaiveDate> {
    let mut closed_days = Vec::new();
    for (i, day) in raw.calendar.closed.iter().enumerate() {
        // A closed day before the first simulated day (one of a base whose `start` this scenario moved past)
        // closes nothing that is simulated.
        if day.0 < sim_start {
            continue;
        }
        if check.date_in(
            &format!("calendar.closed[{i}]"),
            day.0,
            sim_start,
            end,
            "simulated period",
        ) {
            closed_days.push(day.0);
        }
    }
    closed_days.sort();
    closed_days.dedup();
    closed_days
}

/// Whether `id` can name an entry: letters, digits, `_` and `-`, not empty.
pub(super) fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The optional `id`s of a list's entries: well formed and unique.
fn check_ids<'a>(
    check: &mut Checker,
    list: &str,
    what: &str,
    ids: impl Iterator<Item = Option<&'a str>>,
) {
    let mut seen = std::collections::HashSet::new();
    for (i, id) in ids.enumerate() {
        let Some(id) = id else { continue };
        if !is_id(id) {
            check.err(
                format!("{list}[{i}].id"),
                format!("`{id}` must be non-empty and use only letters, digits, `_` and `-`"),
            );
        } else if !seen.insert(id) {
            check.err(
                format!("{list}[{i}].id"),
                format!("{what} `{id}` is defined twice"),
            );
        }
    }
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid constant date")
}
