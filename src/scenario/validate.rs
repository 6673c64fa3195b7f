//! Checks a [`RawScenario`] for meaning and builds the [`Scenario`], collecting every problem it finds.

use super::limits::{check_size, report, too_many};
use super::model::*;
use super::raw::*;
use super::Sources;
use crate::error::{InputError, Problem};
use crate::metric::Metric;
use chrono::NaiveDate;
use sha2::Digest;
use std::path::{Path, PathBuf};

/// Longest period (and longest warm-up) a scenario may have, in days: ten years.
pub const MAX_PERIOD_DAYS: i64 = 3660;
/// Most persons a scenario may create (initial stock plus expected inflow over every simulated day).
pub const MAX_PERSONS: f64 = 20_000_000.0;
/// Most municipalities in one scenario.
pub const MAX_MUNICIPALITIES: usize = 2000;
/// Most replications.
pub const MAX_REPLICATIONS: u32 = 100_000;
/// Largest spell-day offset in a meeting rule.
pub(super) const MAX_RULE_DAYS: u32 = 3660;
/// Smallest duration parameter (days, shape): smaller values make the distributions numerically degenerate.
const MIN_DURATION_PARAMETER: f64 = 0.001;

pub(super) struct Checker {
    pub problems: Vec<(String, String)>,
    pub extra: Vec<Problem>,
    /// False once the period itself is wrong (reversed, too long): dates are then not checked against it, since
    /// every one of them would be reported for the same mistake.
    pub period_ok: bool,
    /// False when the municipality file could not be read: references to its codes are then not checked.
    pub municipalities_complete: bool,
}

impl Checker {
    fn new() -> Self {
        Checker {
            problems: Vec::new(),
            extra: Vec::new(),
            period_ok: true,
            municipalities_complete: true,
        }
    }

    pub fn err(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push((key.into(), message.into()));
    }

    /// A finite number in `[min, max]`.
    pub(super) fn number(&mut self, key: &str, value: f64, min: f64, max: f64) -> bool {
        if !value.is_finite() {
            self.err(key, format!("must be a finite number, got {value}"));
            false
        } else if value < min || value > max {
            self.err(
                key,
                format!("must be between {min} and {max}, got {}", show(value)),
            );
            false
        } else {
            true
        }
    }

    pub(super) fn positive(&mut self, key: &str, value: f64, max: f64) -> bool {
        if value.is_finite() && value <= 0.0 {
            self.err(key, format!("must be greater than 0, got {}", show(value)));
            return false;
        }
        self.number(key, value, 0.0, max)
    }

    /// A date inside `[from, to]`; not checked when the range itself is reversed (that is reported once, on `end`).
    pub(super) fn date_in(
        &mut self,
        key: &str,
        date: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
        what: &str,
    ) -> bool {
        if from > to {
            return false;
        }
        if !self.period_ok {
            return true;
        }
        if date < from || date > to {
            self.err(
                key,
                format!("{date} is outside the {what} ({from} to {to})"),
            );
            false
        } else {
            true
        }
    }
}

/// A number as a message shows it: plain when of ordinary size, else in exponent form (not 300 digits).
fn show(value: f64) -> String {
    if value == 0.0 || (1e-4..1e15).contains(&value.abs()) {
        value.to_string()
    } else {
        format!("{value:e}")
    }
}

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
    let replications = raw.replications.unwrap_or(1);
    if replications == 0 || replications > MAX_REPLICATIONS {
        check.err(
            "replications",
            format!("must be between 1 and {MAX_REPLICATIONS}, got {replications}"),
        );
    }

    let mut closed_days = Vec::new();
    for (i, day) in raw.calendar.closed.iter().enumerate() {
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

    let staffing = staffing(&raw.staffing, &mut check, sim_start, end);
    let mut groups = groups(&raw, &mut check, sim_start, end);
    let municipalities = super::municipalities::municipalities(
        &raw.municipalities,
        &raw.staffing,
        &mut groups,
        &mut check,
        &mut sources,
        (start, end),
    );
    let suspensions = suspensions(&raw, &groups, &mut check, start, end);
    let expectations = expectations(
        &raw,
        &municipalities,
        &groups,
        &mut check,
        &sources,
        (start, end),
    );
    let municipality_expectations = super::expect_municipalities::municipality_expectations(
        &raw,
        &municipalities,
        &groups,
        &mut check,
        &mut sources,
        (start, end),
    );

    if period_ok && check.problems.is_empty() && check.extra.is_empty() {
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
    Ok(Scenario {
        name: raw.name,
        description: raw.description,
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
        groups,
        suspensions,
        expectations,
        municipality_expectations,
    })
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

/// Resolves a path written in the scenario relative to the file that wrote `key`.
pub(super) fn relative_to_declaring_file(sources: &Sources, key: &str, written: &str) -> PathBuf {
    let dir = sources
        .declaring(key)
        .and_then(|s| s.path.parent())
        .unwrap_or(Path::new(""));
    dir.join(written)
}

/// `a/b/../c` as `a/c`, without touching the file system, so that one file reached through different
/// `extends` chains has one name.
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn staffing(
    raw: &RawStaffing,
    check: &mut Checker,
    sim_start: NaiveDate,
    end: NaiveDate,
) -> Staffing {
    check.number("staffing.caseworkers", raw.caseworkers, 0.0, 1e7);
    check.positive(
        "staffing.meetings_per_caseworker_day",
        raw.meetings_per_caseworker_day,
        200.0,
    );
    check.number("staffing.phone_share", raw.phone_share, 0.0, 1.0);
    check.positive("staffing.phone_time", raw.phone_time, 1.0);
    if let Some(cap) = raw.max_meetings_per_caseworker_day {
        check.positive("staffing.max_meetings_per_caseworker_day", cap, 200.0);
    }
    check.number(
        "staffing.caseworkers_factor",
        raw.caseworkers_factor,
        0.0,
        1000.0,
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
    let mut changes: Vec<(NaiveDate, StaffingLevel)> = Vec::new();
    let mut order: Vec<(NaiveDate, usize)> = raw
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.date.0, i))
        .collect();
    order.sort();
    let mut current = base;
    for (date, i) in order {
        let change = &raw.changes[i];
        let key = format!("staffing.changes[{i}]");
        check.date_in(
            &format!("{key}.date"),
            date,
            sim_start,
            end,
            "simulated period",
        );
        if changes.last().is_some_and(|(last, _)| *last == date) {
            check.err(
                format!("{key}.date"),
                format!("two staffing changes on {date}"),
            );
        }
        match (change.caseworkers, change.caseworkers_factor) {
            (Some(_), Some(_)) => check.err(
                key.clone(),
                "give `caseworkers` or `caseworkers_factor`, not both",
            ),
            (Some(fte), None) => {
                if check.number(&format!("{key}.caseworkers"), fte, 0.0, 1e7)
                    && raw.caseworkers > 0.0
                {
                    current.caseworkers_factor = fte / raw.caseworkers;
                } else if raw.caseworkers == 0.0 {
                    check.err(format!("{key}.caseworkers"), "cannot rescale staffing.caseworkers = 0; use caseworkers_factor or municipality caseworkers");
                }
            }
            (None, Some(factor)) => {
                if check.number(&format!("{key}.caseworkers_factor"), factor, 0.0, 1000.0) {
                    current.caseworkers_factor = factor;
                }
            }
            (None, None) => {}
        }
        if let Some(v) = change.meetings_per_caseworker_day {
            if check.positive(&format!("{key}.meetings_per_caseworker_day"), v, 200.0) {
                current.meetings_per_caseworker_day = v;
            }
        }
        if let Some(v) = change.phone_share {
            if check.number(&format!("{key}.phone_share"), v, 0.0, 1.0) {
                current.phone_share = v;
            }
        }
        if let Some(v) = change.phone_time {
            if check.positive(&format!("{key}.phone_time"), v, 1.0) {
                current.phone_time = v;
            }
        }
        if let Some(v) = change.add_caseworkers {
            if check.number(&format!("{key}.add_caseworkers"), v, 0.0, 1e7) {
                current.add_caseworkers = v;
            }
        }
        changes.push((date, current));
    }
    Staffing {
        level: Dated { base, changes },
        max_meetings_per_caseworker_day: raw.max_meetings_per_caseworker_day,
    }
}

fn duration(
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
                if check.positive(&param_key, *v, 1e5)
                    && check.number(&param_key, *v, MIN_DURATION_PARAMETER, 1e5)
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

fn meeting_rules(
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
        rules.push(MeetingRule {
            due_day: m.due_day,
            deadline_day: m.deadline_day,
            joint: m.joint,
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

fn groups(
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
    let mut groups = Vec::new();
    for (i, g) in raw.groups.iter().enumerate() {
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
        check.number(&format!("{key}.inflow_per_day"), g.inflow_per_day, 0.0, 1e6);
        let factor = g.inflow_factor;
        check.number(&format!("{key}.inflow_factor"), factor, 0.0, 1000.0);
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
        let mut inflow = Dated::constant(g.inflow_per_day * factor);
        let mut inflow_changes: Vec<_> = g.inflow_changes.iter().enumerate().collect();
        inflow_changes.sort_by_key(|(_, c)| c.date);
        for (j, change) in inflow_changes {
            let ckey = format!("{key}.inflow_changes[{j}]");
            check.date_in(
                &format!("{ckey}.date"),
                change.date.0,
                sim_start,
                end,
                "simulated period",
            );
            check.number(
                &format!("{ckey}.inflow_per_day"),
                change.inflow_per_day,
                0.0,
                1e6,
            );
            if inflow
                .changes
                .last()
                .is_some_and(|(d, _)| *d == change.date.0)
            {
                check.err(
                    format!("{ckey}.date"),
                    format!("two inflow changes on {}", change.date.0),
                );
            }
            inflow
                .changes
                .push((change.date.0, change.inflow_per_day * factor));
        }
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
        if raw.warmup.start == StartState::Stationary {
            if base_duration == Duration::Never {
                check.err(
                    format!("{key}.duration"),
                    "a group that never leaves has no stationary state; use `warmup.start = \"stock\"` with a warm-up",
                );
            }
            if !g.initial_age_buckets.is_empty() {
                check.err(
                    format!("{key}.initial_age_buckets"),
                    "not used with `warmup.start = \"stationary\"`, which draws the ages itself; remove it or use `start = \"stock\"`",
                );
            }
        }
        let mut durations = Dated::constant(base_duration);
        let mut duration_changes: Vec<_> = g.duration_changes.iter().enumerate().collect();
        duration_changes.sort_by_key(|(_, c)| c.date);
        for (j, c) in duration_changes {
            let ckey = format!("{key}.duration_changes[{j}]");
            check.date_in(
                &format!("{ckey}.date"),
                c.date.0,
                sim_start,
                end,
                "simulated period",
            );
            if durations
                .changes
                .last()
                .is_some_and(|(d, _)| *d == c.date.0)
            {
                check.err(
                    format!("{ckey}.date"),
                    format!("two duration changes on {}", c.date.0),
                );
            }
            let changed = duration(
                check,
                &ckey,
                c.distribution,
                [
                    ("mean_days", c.mean_days),
                    ("sd_days", c.sd_days),
                    ("shape", c.shape),
                    ("scale_days", c.scale_days),
                ],
            );
            durations.changes.push((c.date.0, changed));
        }
        let (meetings, followup) = match &g.rules {
            Some(name) => {
                if !g.meetings.is_empty() || g.followup.is_some() {
                    check.err(
                        format!("{key}.rules"),
                        "give `rules` or inline `meetings`/`followup`, not both",
                    );
                }
                match raw.rules.get(name) {
                    Some(rules) => meeting_rules(
                        // Checked once, under `rules.<name>`, above.
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
            None => meeting_rules(check, &key, &g.meetings, &g.followup),
        };
        check.number(
            &format!("{key}.initial_stock"),
            g.initial_stock,
            0.0,
            MAX_PERSONS,
        );
        let initial_age = if g.initial_age_buckets.is_empty() {
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
        };
        groups.push(Group {
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
        });
    }
    groups
}

fn suspensions(
    raw: &RawScenario,
    groups: &[Group],
    check: &mut Checker,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<Suspension> {
    let mut suspensions: Vec<Suspension> = Vec::new();
    check_ids(
        check,
        "suspensions",
        "suspension",
        raw.suspensions.iter().map(|s| s.id.as_deref()),
    );
    for (i, s) in raw.suspensions.iter().enumerate() {
        let key = format!("suspensions[{i}]");
        let (s_start, s_end) = (s.start.0, s.end.0);
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
        for (other_index, other) in suspensions.iter().enumerate() {
            if s_start <= other.end && other.start <= s_end {
                check.err(format!("{key}.start"), format!("window {s_start} to {s_end} overlaps suspensions[{other_index}] ({} to {})", other.start, other.end));
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
            for (other_index, other) in suspensions.iter().enumerate() {
                let o = other.actions[actions.len()];
                let same_as_windows = (action.from, action.to) == (s_start, s_end)
                    && (o.from, o.to) == (other.start, other.end);
                // Overlapping rule windows that are just the suspensions' own windows were reported above.
                if same_as_windows && overlapping.contains(&other_index) {
                    continue;
                }
                if action.from <= o.to && o.from <= action.to {
                    check.err(format!("{gkey}.from"), format!("the rule window {} to {} for `{}` overlaps suspensions[{other_index}]'s ({} to {})", action.from, action.to, group.id, o.from, o.to));
                }
            }
            actions.push(action);
        }
        suspensions.push(Suspension {
            name: s
                .name
                .clone()
                .unwrap_or_else(|| format!("suspension {}", i + 1)),
            start: s_start,
            end: s_end,
            capacity_share: s.capacity_share,
            phone_counts: s.phone_counts,
            actions,
        });
    }
    suspensions
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

/// The metric an `[[expect]]`-like table names, or a problem at `key`.
pub(super) fn metric_named(check: &mut Checker, key: &str, name: &str) -> Option<Metric> {
    let metric = Metric::from_name(name);
    if metric.is_none() {
        check.err(
            key,
            format!("unknown metric `{name}` (metrics: {})", Metric::names()),
        );
    }
    metric
}

/// The groups (as indices) and the window `from`..=`to` of an `[[expect]]`-like table at `key`, checked against
/// the scenario's groups and period; the window defaults to the whole period.
pub(super) fn groups_and_window<'a>(
    check: &mut Checker,
    key: &str,
    ids: impl Iterator<Item = &'a String>,
    groups: &[Group],
    (from, to): (Option<DateValue>, Option<DateValue>),
    (start, end): (NaiveDate, NaiveDate),
) -> (Vec<usize>, NaiveDate, NaiveDate) {
    let mut group_indices = Vec::new();
    for (j, id) in ids.enumerate() {
        match groups.iter().position(|g| &g.id == id) {
            Some(index) => group_indices.push(index),
            None => check.err(
                format!("{key}.groups[{j}]"),
                format!("group `{id}` does not exist"),
            ),
        }
    }
    let both_given = from.is_some() && to.is_some();
    let from = from.map_or(start, |d| d.0);
    let to = to.map_or(end, |d| d.0);
    check.date_in(&format!("{key}.from"), from, start, end, "period");
    check.date_in(&format!("{key}.to"), to, start, end, "period");
    // With the defaults, a reversed range is the period's own mistake, reported once on `end`.
    if to < from && (check.period_ok || both_given) {
        check.err(format!("{key}.to"), format!("{to} is before from {from}"));
    }
    (group_indices, from, to)
}

fn expectations(
    raw: &RawScenario,
    municipalities: &[Municipality],
    groups: &[Group],
    check: &mut Checker,
    sources: &Sources,
    (start, end): (NaiveDate, NaiveDate),
) -> Vec<Expectation> {
    let mut out = Vec::new();
    for (i, e) in raw.expect.iter().enumerate() {
        let key = format!("expect[{i}]");
        let metric = metric_named(check, &format!("{key}.metric"), &e.metric);
        if let Some(code) = e.municipality {
            if check.municipalities_complete && !municipalities.iter().any(|m| m.code == code) {
                check.err(
                    format!("{key}.municipality"),
                    format!("municipality {code} is not in this scenario"),
                );
            }
        }
        let (group_indices, from, to) = groups_and_window(
            check,
            &key,
            e.groups.iter().flatten(),
            groups,
            (e.from, e.to),
            (start, end),
        );
        check.number(&format!("{key}.value"), e.value, -1e12, 1e12);
        // A relative error from 0 is undefined, so for a value of 0 the tolerance is absolute, in the metric's
        // units (after `scale`).
        let most = if e.value == 0.0 { 1e12 } else { 1.0 };
        check.positive(&format!("{key}.tolerance"), e.tolerance, most);
        check.positive(&format!("{key}.scale"), e.scale, 1e6);
        let like_for_like = e.like_for_like.as_ref().map(|l| {
            let metric = match &l.metric {
                Some(name) => {
                    let named = Metric::from_name(name);
                    if named.is_none() {
                        check.err(
                            format!("{key}.like_for_like.metric"),
                            format!("unknown metric `{name}` (metrics: {})", Metric::names()),
                        );
                    }
                    named
                }
                None => metric,
            };
            let scenario = l.scenario.as_ref().map(|written| {
                let skey = format!("{key}.like_for_like.scenario");
                let path = lexically_normal(&relative_to_declaring_file(sources, &skey, written));
                if !path.is_file() {
                    check.err(skey, format!("{} is not a file", path.display()));
                }
                path
            });
            (l.definition.clone(), metric, scenario)
        });
        // An unknown metric is reported above; the scenario is refused, so the expectation is not needed.
        let Some(metric) = metric else {
            continue;
        };
        let like_for_like = match like_for_like {
            Some((definition, Some(metric), scenario)) => Some(LikeForLike {
                definition,
                metric,
                scenario,
            }),
            Some((_, None, _)) => continue,
            None => None,
        };
        out.push(Expectation {
            figure: e.figure.clone(),
            source: e.source.clone(),
            published: e.published.clone(),
            value: e.value,
            tolerance: e.tolerance,
            metric,
            municipality: e.municipality,
            groups: group_indices,
            from,
            to,
            scale: e.scale,
            known_miss: e.known_miss.clone(),
            definition: e.definition.clone(),
            like_for_like,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lexically_normal;
    use std::path::Path;

    #[test]
    fn lexically_normal_folds_parent_and_current_components() {
        let cases = [
            ("scenarios/readings/../dk2020.toml", "scenarios/dk2020.toml"),
            ("./a/./b.toml", "a/b.toml"),
            ("../a/b.toml", "../a/b.toml"),
            ("a/../../b.toml", "../b.toml"),
            ("/x/../y.toml", "/y.toml"),
        ];
        for (written, normal) in cases {
            assert_eq!(
                lexically_normal(Path::new(written)),
                Path::new(normal),
                "{written}"
            );
        }
    }
}
