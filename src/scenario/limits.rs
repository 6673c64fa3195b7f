//! Every limit a scenario is held to, in one place: the sizes of files and lists and the largest value of each
//! key (checked before the detailed checks that compare entries pairwise), and the estimate of what a run will
//! need (checked before anything is allocated for it), so that no input file can make `backlog` run out of memory
//! or time. The documentation lists the same limits (docs/exit-codes.md, "Limits").

use super::checker::Checker;
use super::model::*;
use super::raw::RawScenario;
use super::{Scenario, Sources};
use crate::budget::Budget;
use crate::error::{InputError, Location, Problem};
pub use crate::format::bytes;
use crate::format::thousands;
use chrono::NaiveDate;

// Files.

/// Largest scenario or data file read (bytes).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest scenario file (bytes). Real scenarios are a few kilobytes; parsing takes memory and time in
/// proportion (some 60 times the file's size), so the limit is far lower than for data files.
pub const MAX_SCENARIO_BYTES: usize = 1024 * 1024;
/// How deep an `extends` chain may go.
pub const MAX_EXTENDS_DEPTH: usize = 16;
/// Most rows read from a municipality file.
pub(super) const MAX_CSV_ROWS: usize = 100_000;

/// The largest shard file `merge` reads: a million grid points of a few hundred bytes each.
pub const MAX_SHARD_BYTES: u64 = 512 * 1024 * 1024;
/// The longest line of a shard file; a row of the widest sweep output is a few kilobytes.
pub const MAX_SHARD_LINE_BYTES: usize = 1024 * 1024;
/// The longest key of a `--set`, `--vary` or `--search`: far beyond any path into a scenario, and short enough
/// to be named in a message whole.
pub const MAX_OVERRIDE_KEY_BYTES: usize = 200;

// Sweeps and ensembles.

/// Default limit on grid points x replications of a sweep; `--force` lifts it.
pub const MAX_RUNS: u64 = 10_000;
/// Most values one axis or the whole grid may have, even with `--force`: the grid is listed in memory.
pub const MAX_POINTS: usize = 1_000_000;
/// Most draws of one ensemble.
pub const MAX_DRAWS: u32 = 100_000;

// Period and lists.

/// Longest period (and longest warm-up) a scenario may have, in days: ten years.
pub const MAX_PERIOD_DAYS: i64 = 3660;
/// Most replications.
pub const MAX_REPLICATIONS: u32 = 100_000;
/// Most benefit groups (the engine stores a group index in a byte; summaries select groups with a 64-bit mask).
pub const MAX_GROUPS: usize = 64;
/// Most municipalities in one scenario.
pub const MAX_MUNICIPALITIES: usize = 2000;
/// Most suspension windows.
pub const MAX_SUSPENSIONS: usize = 100;
/// Most dated entries in one list (closed days, staffing, inflow and duration changes): two a simulated day.
const MAX_DATED_ENTRIES: usize = 2 * MAX_PERIOD_DAYS as usize;
/// Most meeting rules in one schedule, rule sets, and expectations.
const MAX_LIST_ENTRIES: usize = 1000;
/// Largest spell-day offset in a meeting rule (and largest initial age bucket).
pub(super) const MAX_RULE_DAYS: u32 = 3660;
/// Most problems reported at once; a file with thousands of mistakes gets the first ones and a count.
const MAX_PROBLEMS: usize = 100;

// Largest values of single keys.

/// Most caseworkers (FTE) nationally, in `staffing` and its dated changes.
pub(super) const MAX_CASEWORKERS: f64 = 1e7;
/// Most caseworkers (FTE) given for one municipality.
pub(super) const MAX_MUNICIPALITY_CASEWORKERS: f64 = 1e6;
/// Most meetings one caseworker can hold in a working day (also the largest quality floor).
pub(super) const MAX_MEETINGS_PER_CASEWORKER_DAY: f64 = 200.0;
/// Smallest time of a phone or video meeting, as a share of an in-person one: a meeting of no time at all
/// would make capacity unbounded (a hundredth of a meeting is already far below any real one).
pub(super) const MIN_PHONE_TIME: f64 = 0.01;
/// Largest factor on caseworkers or inflow.
pub(super) const MAX_FACTOR: f64 = 1000.0;
/// Largest inflow of one group in persons a day.
pub(super) const MAX_INFLOW_PER_DAY: f64 = 1e6;
/// Largest duration parameter (days, shape).
pub(super) const MAX_DURATION_PARAMETER: f64 = 1e5;
/// Smallest duration parameter (days, shape): smaller values make the distributions numerically degenerate.
pub(super) const MIN_DURATION_PARAMETER: f64 = 0.001;
/// Largest population of one municipality.
pub(super) const MAX_POPULATION: f64 = 1e9;
/// Largest reference population the municipalities' populations are shares of.
pub(super) const MAX_REFERENCE_POPULATION: f64 = 1e10;
/// Largest expected value (either sign) in `[[expect]]`, and largest absolute tolerance for a value of 0.
pub(super) const MAX_EXPECTED_VALUE: f64 = 1e12;
/// Largest `scale` of an expectation.
pub(super) const MAX_EXPECT_SCALE: f64 = 1e6;

// What a run will need.

/// Most municipality x group x simulated-day cells: the engine keeps a few words per cell, so this bounds its
/// memory (about 70 bytes a cell) before anything is allocated.
pub const MAX_CELLS: f64 = 10_000_000.0;
/// Most persons a scenario may create (initial stock plus expected inflow over every simulated day).
pub const MAX_PERSONS: f64 = 20_000_000.0;
/// Most statutory meetings a scenario may expect to fall due (an upper bound from inflow, stock, spell length
/// and the meeting rules); it bounds the run time and keeps the engine's 32-bit meeting indices in range.
pub const MAX_MEETINGS: f64 = 500_000_000.0;

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
        (
            "akasse.changes",
            raw.akasse.as_ref().map_or(0, |a| a.changes.len()),
            MAX_DATED_ENTRIES,
            "changes",
        ),
        (
            "akasse.takeovers",
            raw.akasse.as_ref().map_or(0, |a| a.takeovers.len()),
            MAX_LIST_ENTRIES,
            "takeovers",
        ),
        ("expect", raw.expect.len(), MAX_LIST_ENTRIES, "expectations"),
        (
            "timeliness",
            raw.timeliness.len(),
            MAX_LIST_ENTRIES,
            "rules",
        ),
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

/// The bytes of the engine's state that the estimate counts. The engine checks at compile time that they are the
/// sizes of its own types (`engine::bytes`), so the estimate cannot drift from the engine it describes, and
/// this layer, below the engine, need not look up at it.
pub mod engine_bytes {
    /// Per person on benefit: the person, their next meeting or place in a run, and two list slots.
    pub const PER_PERSON: usize = 40;
    /// Per pending meeting: its entry in a deadline bucket.
    pub const PER_PENDING: usize = 12;
    /// Per municipality x group x reported day of the recorded series.
    pub const PER_CELL: usize = 52;
    /// Per municipality x reported day of the recorded series.
    pub const PER_MUNICIPALITY_DAY: usize = 24;
}

/// Bytes the engine keeps for each person on benefit.
const PERSON_BYTES: f64 = engine_bytes::PER_PERSON as f64;
/// Bytes for each pending meeting.
const PENDING_BYTES: f64 = engine_bytes::PER_PENDING as f64;
/// Vectors grow by doubling, so at their largest they may hold twice what they use.
const GROWTH: f64 = 2.0;
/// Bytes of the recorded series per municipality x group x day and per municipality x day.
const CELL_BYTES: f64 = engine_bytes::PER_CELL as f64;
const MUNICIPALITY_DAY_BYTES: f64 = engine_bytes::PER_MUNICIPALITY_DAY as f64;

/// The last-level cache the engine's state competes for: the reference machine's (docs/performance.md).
const CACHE_BYTES: f64 = 32.0 * 1024.0 * 1024.0;

/// What a run of a scenario will need, estimated from the scenario alone before anything is allocated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizeEstimate {
    /// Simulated days, warm-up included.
    pub days: f64,
    /// Municipality x group x simulated-day cells.
    pub cells: f64,
    /// Persons the run creates in all: initial stock plus the inflow over every day at its peak rate.
    pub persons: f64,
    /// Statutory meetings that may fall due (an upper bound in expectation).
    pub meetings: f64,
    /// Persons on benefit at their largest, in the largest municipality (a thread simulates one municipality at
    /// a time, so the largest one sets a thread's peak).
    pub peak_persons: f64,
    /// Pending meetings at their largest, in the largest municipality: as if none were held, bounded by the
    /// meetings that can fall due.
    pub peak_pending: f64,
    /// Peak memory of one run in bytes: the engine's state at its peak and the recorded series.
    pub memory: f64,
    /// Bytes of the recorded series of one run (part of `memory`): what a command keeps of a run whose daily
    /// figures it writes or charts.
    pub series: f64,
    /// Municipalities and groups.
    counts: (usize, usize),
    /// The group that contributes most persons, and its persons and meetings, to point messages at.
    largest_group: (usize, f64, f64),
}

impl SizeEstimate {
    /// The estimate for `municipalities` and `groups` simulated from `sim_start` to `end`.
    pub fn of(
        municipalities: &[Municipality],
        groups: &[Group],
        start_state: StartState,
        sim_start: NaiveDate,
        end: NaiveDate,
    ) -> SizeEstimate {
        let days = (end - sim_start).num_days() as f64 + 1.0;
        let cells = municipalities.len() as f64 * groups.len() as f64 * days;
        let mut estimate = SizeEstimate {
            days,
            cells,
            persons: 0.0,
            meetings: 0.0,
            peak_persons: 0.0,
            peak_pending: 0.0,
            memory: 0.0,
            series: 0.0,
            counts: (municipalities.len(), groups.len()),
            largest_group: (0, 0.0, 0.0),
        };
        // Per municipality: persons on benefit and pending meetings at their largest, summed over groups.
        let mut peaks = vec![(0.0, 0.0); municipalities.len()];
        for (i, group) in groups.iter().enumerate() {
            let peak_inflow = group
                .inflow_per_day
                .changes
                .iter()
                .map(|(_, v)| *v)
                .fold(group.inflow_per_day.base, f64::max);
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
            let (mut created, mut due) = (0.0, 0.0);
            for (m, municipality) in municipalities.iter().enumerate() {
                let stock = match start_state {
                    StartState::Stock => municipality.initial_stock[i],
                    // The stationary stock: the first day's inflow times the mean whole-day spell in force
                    // on the first day.
                    StartState::Stationary => {
                        municipality.inflow_scale[i]
                            * group.inflow_per_day.at(sim_start)
                            * (mean_days(group.duration.at(sim_start)) + 1.0)
                    }
                };
                let inflow = municipality.peak_inflow_scale(i) * peak_inflow;
                // Arrivals are spread over the horizon, so on average they see half of it.
                let here_created = stock + inflow * days;
                let here_due =
                    stock * per_spell(seen) + inflow * days * per_spell(seen.min(days / 2.0));
                // On benefit at once: the stock and the inflow of one mean spell (Little's law), at most all
                // created; pending: as if none were held, at most the meetings that can fall due.
                let alive = (stock + inflow * seen).min(here_created);
                let pending = (alive * per_spell(seen)).min(here_due);
                peaks[m].0 += alive;
                peaks[m].1 += pending;
                created += here_created;
                due += here_due;
            }
            estimate.persons += created;
            estimate.meetings += due;
            if created >= estimate.largest_group.1 {
                estimate.largest_group = (i, created, due);
            }
        }
        // A thread simulates one municipality at a time: the largest sets the peak.
        let bytes_of =
            |(persons, pending): (f64, f64)| persons * PERSON_BYTES + pending * PENDING_BYTES;
        if let Some(&largest) = peaks
            .iter()
            .max_by(|a, b| bytes_of(**a).total_cmp(&bytes_of(**b)))
        {
            (estimate.peak_persons, estimate.peak_pending) = largest;
        }
        let engine =
            GROWTH * (estimate.peak_persons * PERSON_BYTES + estimate.peak_pending * PENDING_BYTES);
        let series =
            cells * CELL_BYTES + municipalities.len() as f64 * days * MUNICIPALITY_DAY_BYTES;
        estimate.memory = engine + series;
        estimate.series = series;
        estimate
    }

    /// The estimate for a validated scenario (after sweep overrides, for instance).
    pub fn of_scenario(scenario: &Scenario) -> SizeEstimate {
        SizeEstimate::of(
            &scenario.municipalities,
            &scenario.groups,
            scenario.start_state,
            scenario.sim_start(),
            scenario.end,
        )
    }

    /// Seconds one run takes on one thread of a current machine, roughly: the engine handles about 40 million
    /// meeting events a second (docs/performance.md) while its state fits in the cache, and a meeting falls due,
    /// is queued and is held. State far beyond the cache makes each event wait for memory, about four times as
    /// long: the huge fixture (8 GB, 333 million meetings) took 97 s of CPU where the in-cache rate says 25 s.
    pub fn seconds(&self) -> f64 {
        let beyond_cache = (1.0 - CACHE_BYTES / self.memory.max(1.0)).max(0.0);
        let per_event = (1.0 + 3.0 * beyond_cache) / 40e6;
        (3.0 * self.meetings + self.persons) * per_event + self.cells / 1e8
    }

    /// The first size limit the scenario breaks, with the key to blame and the message.
    fn problem(&self) -> Option<(String, String)> {
        if self.cells > MAX_CELLS {
            return Some((
                "groups".to_string(),
                format!(
                    "{} municipalities x {} groups x {} simulated days is {:.3e} daily cells; the limit is {MAX_CELLS:.0} (shorten the period or the warm-up, or split the scenario)",
                    self.counts.0, self.counts.1, self.days, self.cells
                ),
            ));
        }
        let (group, persons, meetings) = self.largest_group;
        // NaN (from an overflowing product) is refused as well.
        if self.persons.is_nan() || self.persons > MAX_PERSONS {
            return Some((
                format!("groups[{group}]"),
                format!("the scenario would create about {:.3e} persons (this group {persons:.3e}); the limit is {MAX_PERSONS:.0} (check inflow_per_day, initial_stock, the municipalities' populations and the period)", self.persons),
            ));
        }
        if self.meetings.is_nan() || self.meetings > MAX_MEETINGS {
            return Some((
                format!("groups[{group}]"),
                format!("the scenario could make about {:.3e} meetings fall due (this group {meetings:.3e}); the limit is {MAX_MEETINGS:.0} (check followup.every_days, the spell durations and the period)", self.meetings),
            ));
        }
        None
    }

    /// Refuses a run whose estimated peak memory is above the `budget`.
    pub fn check_memory(&self, budget: &Budget) -> Result<(), String> {
        if self.memory.is_nan() || self.memory > budget.bytes {
            return Err(format!(
                "a run would need about {} of memory at its peak ({}), more than {}; {}, or shorten the period, lengthen followup.every_days or let spells end",
                bytes(self.memory),
                self.what(),
                budget.describe(),
                budget.remedy(),
            ));
        }
        Ok(())
    }

    /// What the peak memory of one run is made of, for a message.
    pub fn what(&self) -> String {
        format!(
            "{} persons on benefit and {} pending meetings at the largest, in the largest municipality, and {} daily cells",
            thousands(self.peak_persons),
            thousands(self.peak_pending),
            thousands(self.cells),
        )
    }

    /// Every size check, for a scenario about to be simulated: the scenario limits, then memory.
    pub fn check_run(scenario: &Scenario, budget: &Budget) -> Result<SizeEstimate, String> {
        let estimate = SizeEstimate::of_scenario(scenario);
        if let Some((_, message)) = estimate.problem() {
            return Err(message);
        }
        estimate.check_memory(budget)?;
        Ok(estimate)
    }
}

/// Reads a size such as `4G`, `512M`, `2GB`, `1.5 GiB` or a plain number of bytes, for `--max-memory`.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(format!(
                "`{text}` is not a size; give bytes or a number with K, M, G or T, such as 8G"
            ))
        }
    };
    let value = number
        .parse::<f64>()
        .ok()
        .map(|n| n * factor)
        .filter(|v| v.is_finite() && *v >= 1.0 && *v < 1e18)
        .ok_or_else(|| {
            format!("`{text}` is not a size; give bytes or a number with K, M, G or T, such as 8G")
        })?;
    Ok(value as u64)
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
    if let Some((key, message)) =
        SizeEstimate::of(municipalities, groups, start_state, sim_start, end).problem()
    {
        check.err(key, message);
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
