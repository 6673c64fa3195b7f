//! The rules: what every jobcentre of a run reads and none changes (schedules, staffing by day, durations,
//! queue sizes), worked out once per run.

use super::calendar::{Calendar, Day};
use super::plan::{DueAction, GroupPlan};
use super::sampling::{DurationSampler, Returning, StationarySpells};
use super::stock_reference::{self, StockReference};
use crate::scenario::{Akasse, HeldBy, LocalLevel, Order, Scenario, StartState};
use rand::distributions::WeightedIndex;

/// Most deadline days after the horizon the queues keep buckets for (24 bytes each); the rare deadline beyond
/// waits in order in a heap.
pub(super) const MAX_QUEUE_DAYS_BEYOND: u64 = 20_000;

/// Per-day capacity inputs shared by all municipalities.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct DayStaffing {
    pub(super) caseworkers_factor: f64,
    /// FTE added for the reference population (temporary staff).
    pub(super) add_caseworkers: f64,
    /// Statutory meetings one FTE can hold today (0 on closed days).
    pub(super) meetings_per_fte: f64,
}

/// What every jobcentre of a run reads and none changes.
pub(super) struct Rules<'a> {
    pub(super) scenario: &'a Scenario,
    pub(super) calendar: Calendar,
    pub(super) warmup: usize,
    pub(super) horizon: Day,
    pub(super) plans: Vec<GroupPlan>,
    pub(super) durations: Vec<Vec<(Day, DurationSampler)>>,
    pub(super) staffing: Vec<DayStaffing>,
    /// Per municipality: its staff given in its own FTE by day, or `None` when every change is national.
    pub(super) local_staffing: Vec<Option<Vec<LocalLevel>>>,
    pub(super) class_of_group: Vec<usize>,
    pub(super) classes: usize,
    /// One per simulated day, plus one for deadlines beyond the horizon.
    pub(super) buckets: usize,
    /// Deadline days the queues keep a bucket for: every deadline a meeting falling due inside the run can
    /// have, so that later ones (kept in order all the same) are an exception.
    pub(super) queue_days: usize,
    /// First day of the first suspension (`Day::MAX` without one): who was on benefit before it.
    pub(super) suspension_origin: Day,
    /// Per group with a steady-state initial stock: spell lengths drawn once per run from their own stream, so
    /// that every municipality samples the same distribution.
    pub(super) stock_reference: Vec<Option<StockReference>>,
    /// Per group with an aged initial stock: which age bucket a person falls in.
    pub(super) stock_buckets: Vec<Option<WeightedIndex<f64>>>,
    /// Per group, for a stationary start: the spells of the persons present before the first day.
    pub(super) stationary: Vec<Option<StationarySpells>>,
    /// Per group with a local surge: its first and last day, and the national inflow the day before it.
    pub(super) surges: Vec<Option<(Day, Day, f64)>>,
    /// Whether persons whose meetings fall due together are gathered into runs (always, but in a test that
    /// compares with every person alone: [`Simulation::without_runs`](super::Simulation::without_runs)).
    pub(super) runs: bool,
    /// With an `[akasse]` section, per simulated day: the a-kasse's FTE factor and meetings per FTE (0 on
    /// closed days); empty without, when the a-kasse is always free.
    pub(super) akasse_staffing: Vec<(f64, f64)>,
    /// Per group: its takeovers as (first day, last day, share, spell days taken over).
    pub(super) takeovers: Vec<Vec<(Day, Day, f64, u32)>>,
    /// Per group with returning persons (a share above 0): who of its new spells resumes an earlier clock, and
    /// from how far back.
    pub(super) returning: Vec<Option<Returning>>,
}

impl<'a> Rules<'a> {
    pub(super) fn new(scenario: &'a Scenario, seed: u64) -> Self {
        let warmup = scenario.warmup_days as usize;
        let days = warmup + scenario.period_days();
        let calendar = Calendar::new(
            scenario.sim_start(),
            days,
            scenario.holidays,
            &scenario.closed_days,
        );
        let groups = scenario.groups.len();
        let plans: Vec<GroupPlan> = (0..groups)
            .map(|g| GroupPlan::new(scenario, g, &calendar))
            .collect();
        let durations = scenario
            .groups
            .iter()
            .map(|group| {
                let mut list = vec![(Day::MIN, DurationSampler::new(&group.duration.base))];
                list.extend(
                    group
                        .duration
                        .changes
                        .iter()
                        .map(|(date, d)| (calendar.day(*date), DurationSampler::new(d))),
                );
                list
            })
            .collect();
        let staffing = (0..days as Day)
            .map(|day| day_staffing(scenario, &calendar, day))
            .collect();
        let local_staffing = scenario
            .municipalities
            .iter()
            .map(|m| {
                let local = scenario.staffing.local.iter().find(|l| l.code == m.code)?;
                Some(
                    (0..days as Day)
                        .map(|day| *local.level.at(calendar.date(day)))
                        .collect(),
                )
            })
            .collect();
        let (class_of_group, classes) = match scenario.order {
            Order::EarliestDeadline => (vec![0; groups], 1),
            Order::GroupPriority => {
                let mut priorities: Vec<u32> = scenario.groups.iter().map(|g| g.priority).collect();
                priorities.sort();
                priorities.dedup();
                let classes = scenario
                    .groups
                    .iter()
                    .map(|g| priorities.binary_search(&g.priority).unwrap_or(0))
                    .collect();
                (classes, priorities.len())
            }
        };
        let surges = scenario
            .groups
            .iter()
            .map(|group| {
                let (from, to) = group.surge?;
                let before = from.pred_opt().unwrap_or(from);
                Some((
                    calendar.day(from),
                    calendar.day(to),
                    *group.inflow_per_day.at(before),
                ))
            })
            .collect();
        let akasse_staffing = match &scenario.akasse {
            Some(akasse) => (0..days as Day)
                .map(|day| akasse_day(scenario, akasse, &calendar, day))
                .collect(),
            None => Vec::new(),
        };
        let mut takeovers = vec![Vec::new(); groups];
        for takeover in scenario.akasse.iter().flat_map(|a| &a.takeovers) {
            takeovers[takeover.group].push((
                calendar.day(takeover.from),
                takeover.to.map_or(Day::MAX, |to| calendar.day(to)),
                takeover.share,
                takeover.before_day,
            ));
        }
        let suspension_origin = scenario
            .suspensions
            .iter()
            .map(|s| calendar.day(s.start))
            .min()
            .unwrap_or(Day::MAX);
        let mut rules = Rules {
            scenario,
            horizon: calendar.len() as Day,
            calendar,
            warmup,
            plans,
            durations,
            staffing,
            local_staffing,
            class_of_group,
            classes,
            buckets: days + 1,
            queue_days: 0,
            suspension_origin,
            stock_reference: Vec::new(),
            stock_buckets: Vec::new(),
            stationary: Vec::new(),
            surges,
            runs: true,
            akasse_staffing,
            takeovers,
            returning: scenario
                .groups
                .iter()
                .map(|group| group.returning.as_ref().and_then(Returning::new))
                .collect(),
        };
        let longest_wait = rules.plans.iter().map(GroupPlan::longest_wait).max();
        let catch_up_by = rules
            .plans
            .iter()
            .flat_map(|plan| &plan.action)
            .filter_map(|action| match action {
                DueAction::CatchUp(catch_up) => Some(catch_up.by),
                _ => None,
            })
            .max();
        rules.queue_days = (days as u64 + longest_wait.unwrap_or(0) as u64 + 1)
            .max(catch_up_by.map_or(0, |by| by.max(0) as u64 + 1))
            .min(days as u64 + MAX_QUEUE_DAYS_BEYOND) as usize;
        if scenario.start_state == StartState::Stationary {
            // The duration in force on day 0: a change dated on the first simulated day applies to the stock.
            let day_zero = scenario.sim_start();
            rules.stationary = scenario
                .groups
                .iter()
                .map(|group| StationarySpells::new(group.duration.at(day_zero)))
                .collect();
            return rules;
        }
        (rules.stock_reference, rules.stock_buckets) =
            stock_reference::tables(rules.scenario, |g| rules.duration_sampler(g, 0), seed);
        rules
    }

    pub(super) fn groups(&self) -> usize {
        self.plans.len()
    }

    pub(super) fn duration_sampler(&self, group: usize, day: Day) -> DurationSampler {
        let list = &self.durations[group];
        list.iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map_or(list[0].1, |(_, s)| *s)
    }

    pub(super) fn bucket(&self, deadline: Day) -> usize {
        (deadline.max(0) as usize).min(self.buckets - 1)
    }

    /// Caseworkers and meeting capacity of municipality `m` on `day`.
    pub(super) fn capacity(&self, m: usize, day: Day) -> (f64, f64) {
        let staffing = self.staffing[day as usize];
        let municipality = &self.scenario.municipalities[m];
        let national = municipality.reference_share * staffing.add_caseworkers;
        let caseworkers = match &self.local_staffing[m] {
            None => municipality.caseworkers * staffing.caseworkers_factor + national,
            Some(days) => {
                let local = days[day as usize];
                local
                    .caseworkers
                    .unwrap_or(municipality.caseworkers * staffing.caseworkers_factor)
                    + national
                    + local.add_caseworkers
            }
        };
        (caseworkers, caseworkers * staffing.meetings_per_fte)
    }

    /// Whether the scenario has an a-kasse side.
    #[inline(always)]
    pub(super) fn has_akasse(&self) -> bool {
        !self.akasse_staffing.is_empty()
    }

    /// A-kasse caseworkers and meeting capacity of municipality `m` on `day`.
    pub(super) fn akasse_capacity(&self, m: usize, day: Day) -> (f64, f64) {
        let (factor, per_fte) = self.akasse_staffing[day as usize];
        let caseworkers = self.scenario.municipalities[m].akasse_caseworkers * factor;
        (caseworkers, caseworkers * per_fte)
    }

    /// Who holds meeting `k` of group `g` for a person whose first meetings the a-kasse took over or not.
    #[inline(always)]
    pub(super) fn side(&self, g: usize, k: u32, taken_over: bool) -> HeldBy {
        let plan = &self.plans[g];
        if taken_over {
            let (due, _) = plan.schedule.offsets(k).expect("scheduled meetings exist");
            if self.takeovers[g]
                .iter()
                .any(|&(_, _, _, before)| due < before)
            {
                return HeldBy::Akasse;
            }
        }
        plan.held_by(k)
    }
}

/// The a-kasse's FTE factor and meetings per FTE on `day`: its level, times the open share of a window that
/// closes it, 0 on a closed day.
fn akasse_day(scenario: &Scenario, akasse: &Akasse, calendar: &Calendar, day: Day) -> (f64, f64) {
    let date = calendar.date(day);
    let level = akasse.level.at(date);
    if !calendar.is_working(day) {
        return (level.caseworkers_factor, 0.0);
    }
    let mut per_fte = level.meetings_per_fte();
    if let Some(suspension) = scenario
        .suspensions
        .iter()
        .find(|s| s.closes.akasse() && s.start <= date && date <= s.end)
    {
        per_fte = if suspension.phone_counts {
            level.meetings_per_caseworker_day / level.phone_time * suspension.capacity_share
        } else {
            per_fte * suspension.capacity_share
        };
    }
    (level.caseworkers_factor, per_fte)
}

pub(super) fn day_staffing(scenario: &Scenario, calendar: &Calendar, day: Day) -> DayStaffing {
    let date = calendar.date(day);
    let level = scenario.staffing.level.at(date);
    if !calendar.is_working(day) {
        return DayStaffing {
            caseworkers_factor: level.caseworkers_factor,
            add_caseworkers: level.add_caseworkers,
            meetings_per_fte: 0.0,
        };
    }
    let mut per_fte = level.meetings_per_fte();
    if let Some(suspension) = scenario
        .suspensions
        .iter()
        .find(|s| s.closes.jobcentre() && s.start <= date && date <= s.end)
    {
        per_fte = if suspension.phone_counts {
            // Phone and video meetings count: the open share of capacity is held entirely by phone.
            level.meetings_per_caseworker_day / level.phone_time * suspension.capacity_share
        } else {
            per_fte * suspension.capacity_share
        };
    }
    if let Some(cap) = scenario.staffing.max_meetings_per_caseworker_day {
        per_fte = per_fte.min(cap);
    }
    DayStaffing {
        caseworkers_factor: level.caseworkers_factor,
        add_caseworkers: level.add_caseworkers,
        meetings_per_fte: per_fte,
    }
}
