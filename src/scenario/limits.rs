//! Limits on the size of a scenario: checked before the detailed checks that compare entries pairwise, and
//! before anything is allocated for a run, so that no input file can make `backlog` run out of memory or time.

use super::model::*;
use super::raw::RawScenario;
use super::validate::{Checker, MAX_MUNICIPALITIES, MAX_PERIOD_DAYS, MAX_PERSONS, MAX_RULE_DAYS};
use super::Sources;
use crate::error::{InputError, Location, Problem};
use chrono::NaiveDate;

/// Most benefit groups (the engine stores a group index in a byte; summaries select groups with a 64-bit mask).
pub const MAX_GROUPS: usize = 64;
/// Most municipality x group x simulated-day cells: the engine keeps a few words per cell, so this bounds its
/// memory (about 70 bytes a cell) before anything is allocated.
pub const MAX_CELLS: f64 = 10_000_000.0;
/// Most statutory meetings a scenario may expect to fall due (an upper bound from inflow, stock, spell length
/// and the meeting rules); it bounds the run time and keeps the engine's 32-bit meeting indices in range.
pub const MAX_MEETINGS: f64 = 500_000_000.0;
/// Most suspension windows.
pub const MAX_SUSPENSIONS: usize = 100;
/// Most dated entries in one list (closed days, staffing, inflow and duration changes): two a simulated day.
const MAX_DATED_ENTRIES: usize = 2 * MAX_PERIOD_DAYS as usize;
/// Most meeting rules in one schedule, rule sets, and expectations.
const MAX_LIST_ENTRIES: usize = 1000;
/// Most rows read from a municipality file.
pub(super) const MAX_CSV_ROWS: usize = 100_000;
/// Most problems reported at once; a file with thousands of mistakes gets the first ones and a count.
const MAX_PROBLEMS: usize = 100;

/// Locates the problems found, at most [`MAX_PROBLEMS`] of them.
pub(super) fn report(check: Checker, sources: &Sources) -> InputError {
    let total = check.extra.len() + check.problems.len();
    let mut problems = check.extra;
    problems.extend(
        check
            .problems
            .into_iter()
            .take(MAX_PROBLEMS.saturating_sub(problems.len()))
            .map(|(key, message)| sources.locate(&key, message)),
    );
    problems.truncate(MAX_PROBLEMS);
    if total > problems.len() {
        problems.push(Problem {
            location: sources.files.first().map(|source| Location {
                file: source.path.clone(),
                line_col: None,
            }),
            key: String::new(),
            message: format!("... and {} more problems", total - problems.len()),
        });
    }
    InputError { problems }
}

/// Reports every list longer than its limit, at the first entry past it.
pub(super) fn too_many(raw: &RawScenario, check: &mut Checker) {
    let m = &raw.municipalities;
    let include = m.include.as_ref().map_or(0, Vec::len);
    let lists = [
        ("groups", raw.groups.len(), MAX_GROUPS, "benefit groups"),
        (
            "suspensions",
            raw.suspensions.len(),
            MAX_SUSPENSIONS,
            "suspensions",
        ),
        (
            "municipalities.list",
            m.list.len(),
            MAX_MUNICIPALITIES,
            "municipalities",
        ),
        (
            "municipalities.adjust",
            m.adjust.len(),
            MAX_MUNICIPALITIES,
            "adjustments",
        ),
        (
            "municipalities.data",
            m.data.len(),
            MAX_LIST_ENTRIES,
            "data files",
        ),
        (
            "municipalities.include",
            include,
            MAX_MUNICIPALITIES,
            "codes",
        ),
        (
            "calendar.closed",
            raw.calendar.closed.len(),
            MAX_DATED_ENTRIES,
            "closed days",
        ),
        (
            "staffing.changes",
            raw.staffing.changes.len(),
            MAX_DATED_ENTRIES,
            "changes",
        ),
        ("expect", raw.expect.len(), MAX_LIST_ENTRIES, "expectations"),
        (
            "expect_municipalities",
            raw.expect_municipalities.len(),
            MAX_LIST_ENTRIES,
            "expectations",
        ),
    ];
    for (key, len, max, what) in lists {
        check_len(check, key, len, max, what);
    }
    if raw.rules.len() > MAX_LIST_ENTRIES {
        check.err(
            "rules",
            format!(
                "{} rule sets; the limit is {MAX_LIST_ENTRIES}",
                raw.rules.len()
            ),
        );
    }
    for (name, rules) in raw.rules.iter().take(MAX_LIST_ENTRIES) {
        let key = format!("rules.{name}.meetings");
        check_len(
            check,
            &key,
            rules.meetings.len(),
            MAX_LIST_ENTRIES,
            "meetings",
        );
    }
    for (i, g) in raw.groups.iter().enumerate().take(MAX_GROUPS) {
        let key = format!("groups[{i}]");
        let lists = [
            (
                "inflow_changes",
                g.inflow_changes.len(),
                MAX_DATED_ENTRIES,
                "changes",
            ),
            (
                "duration_changes",
                g.duration_changes.len(),
                MAX_DATED_ENTRIES,
                "changes",
            ),
            ("meetings", g.meetings.len(), MAX_LIST_ENTRIES, "meetings"),
            (
                "initial_age_buckets",
                g.initial_age_buckets.len(),
                MAX_RULE_DAYS as usize,
                "buckets",
            ),
        ];
        for (list, len, max, what) in lists {
            check_len(check, &format!("{key}.{list}"), len, max, what);
        }
    }
    for (i, s) in raw.suspensions.iter().enumerate().take(MAX_SUSPENSIONS) {
        if s.groups.len() > MAX_GROUPS {
            check.err(
                format!("suspensions[{i}].groups"),
                format!("{} group rules; the limit is {MAX_GROUPS}", s.groups.len()),
            );
        }
    }
}

fn check_len(check: &mut Checker, key: &str, len: usize, max: usize, what: &str) {
    if len > max {
        check.err(
            format!("{key}[{max}]"),
            format!("{len} {what}; the limit is {max}"),
        );
    }
}

/// Refuses scenarios too large to simulate before anyone allocates for them: memory for the daily cells, and
/// the persons and meetings the run would create (an upper bound in expectation, from peak inflow).
pub(super) fn check_size(
    check: &mut Checker,
    municipalities: &[Municipality],
    groups: &[Group],
    start_state: StartState,
    sim_start: NaiveDate,
    end: NaiveDate,
) {
    let days = (end - sim_start).num_days() as f64 + 1.0;
    let cells = municipalities.len() as f64 * groups.len() as f64 * days;
    if cells > MAX_CELLS {
        check.err(
            "groups",
            format!(
                "{} municipalities x {} groups x {days} simulated days is {cells:.3e} daily cells; the limit is {MAX_CELLS:.0} (shorten the period or the warm-up, or split the scenario)",
                municipalities.len(),
                groups.len()
            ),
        );
        return;
    }
    let mut persons = 0.0;
    let mut meetings = 0.0;
    // The group that contributes most, to point the message at.
    let mut largest = (0, 0.0, 0.0);
    for (i, group) in groups.iter().enumerate() {
        let peak_inflow = group
            .inflow_per_day
            .changes
            .iter()
            .map(|(_, v)| *v)
            .fold(group.inflow_per_day.base, f64::max);
        let scale: f64 = municipalities.iter().map(|m| m.peak_inflow_scale(i)).sum();
        let stock: f64 = match start_state {
            StartState::Stock => municipalities.iter().map(|m| m.initial_stock[i]).sum(),
            // The stationary stock: the first day's inflow times the mean whole-day spell.
            StartState::Stationary => {
                let first_day: f64 = municipalities.iter().map(|m| m.inflow_scale[i]).sum();
                first_day * group.inflow_per_day.base * (mean_days(&group.duration.base) + 1.0)
            }
        };
        let inflow = scale * peak_inflow * days;
        // A spell is seen for at most its mean length (or the horizon); E[min(D, H)] <= min(E[D], H).
        let longest_mean = std::iter::once(&group.duration.base)
            .chain(group.duration.changes.iter().map(|(_, d)| d))
            .map(mean_days)
            .fold(0.0, f64::max);
        let seen = longest_mean.min(days);
        let per_spell = |seen: f64| {
            group.meetings.len() as f64
                + group
                    .followup
                    .map_or(0.0, |f| seen / f64::from(f.every_days.max(1)))
        };
        // Arrivals are spread over the horizon, so on average they see half of it.
        let group_meetings = stock * per_spell(seen) + inflow * per_spell(seen.min(days / 2.0));
        persons += stock + inflow;
        meetings += group_meetings;
        if stock + inflow >= largest.1 {
            largest = (i, stock + inflow, group_meetings);
        }
    }
    // NaN (from an overflowing product) is refused as well.
    if persons.is_nan() || persons > MAX_PERSONS {
        check.err(
            format!("groups[{}]", largest.0),
            format!("the scenario would create about {persons:.3e} persons (this group {:.3e}); the limit is {MAX_PERSONS:.0} (check inflow_per_day, initial_stock, the municipalities' populations and the period)", largest.1),
        );
    } else if meetings.is_nan() || meetings > MAX_MEETINGS {
        check.err(
            format!("groups[{}]", largest.0),
            format!("the scenario could make about {meetings:.3e} meetings fall due (this group {:.3e}); the limit is {MAX_MEETINGS:.0} (check followup.every_days, the spell durations and the period)", largest.2),
        );
    }
}

/// Mean spell length in days; infinite for `never`, and for Weibull (whose mean needs the gamma function), where
/// the horizon then caps it.
fn mean_days(duration: &Duration) -> f64 {
    match *duration {
        Duration::Exponential { mean } | Duration::Lognormal { mean, .. } => mean,
        Duration::Fixed { days } => days,
        Duration::Gamma { shape, scale } => shape * scale,
        Duration::Weibull { shape, scale } => scale * libm::tgamma(1.0 + 1.0 / shape),
        Duration::Never => f64::INFINITY,
    }
}
