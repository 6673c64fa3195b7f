//! The discrete-event engine: one integer day at a time.
//!
//! Each municipality's jobcentre is simulated on its own: it has its own people, calendar, deadline queues and
//! random stream, and shares only the read-only rules (schedules, suspensions, staffing, calendar). Each
//! simulated day of a jobcentre runs in this order (documented in docs/model.md):
//! 1. arrivals: Poisson draws per group; each new person gets a spell duration and their first meeting is put
//!    in the calendar;
//! 2. events of the day: exits (a leaver's pending meetings are dropped), then meetings falling due in the order
//!    they were scheduled (held over, waived or caught up according to the suspension rules; the next meeting
//!    of the schedule is put in the calendar). No person has an exit and a meeting on the same day;
//! 3. caught-up meetings held back until today (`catch_up_from`, even pacing) join the deadline queue;
//! 4. on working days, capacity is spent on pending meetings, earliest deadline first by default;
//! 5. meetings still pending whose deadline was today become overdue, and the day is recorded.
//!
//! Because jobcentres share nothing that changes, [`Simulation::run`] simulates each from the first day to the
//! last on its own, in parallel on the current rayon pool (each writing its own part of the series), so the
//! state a thread works on is one municipality's and stays in the cache; [`Simulation::step`] advances all of
//! them by one day. Both give the same results, whatever the number of threads.
//!
//! Future events live in a calendar indexed by day; per-event work allocates nothing (vectors grow amortised and
//! slots are recycled). Random numbers are drawn only for arrivals, durations and the initial stock, from seeded
//! PCG streams, so a run depends on nothing but the scenario and the seed, two staffing levels see the same
//! people, and a municipality sees the same people whichever other municipalities are in the scenario.

mod agenda;
pub mod calendar;
pub mod metrics;
mod plan;
mod prefetch;
mod queue;
mod sampling;
#[cfg(test)]
mod stationary_tests;

use crate::scenario::{InitialAge, Order, Scenario, StartState, MAX_GROUPS};
use agenda::Agenda;
use calendar::{Calendar, Day};
use metrics::{GroupDay, Levels, MunicipalityDay, MunicipalitySeries, Series, Workload};
use plan::{DueAction, GroupPlan};
use prefetch::prefetch;
use queue::DeadlineQueue;
use rand::distributions::WeightedIndex;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Poisson};
use rand_pcg::Pcg64;
use rayon::prelude::*;
use sampling::{DurationSampler, StationarySpells};
use std::cell::RefCell;
use std::collections::HashMap;

/// Marks, in [`Event::meeting`], a meeting of every member of a [`Run`]: the event's `person` is then the run's
/// index. Meeting indices stay below it (a schedule of 2^31 meetings would not fit in memory).
const RUN: u32 = 1 << 31;
/// A person who never leaves.
const NEVER: Day = Day::MAX;
/// How many events ahead the event loop asks for a person. Far enough to cover a trip to memory, near enough
/// to stay in the cache.
const PERSON_LOOKAHEAD: usize = 32;
/// How many queued meetings ahead holding asks for the meeting's person.
const QUEUE_LOOKAHEAD: usize = 16;
/// Spell lengths drawn per group to approximate the length-biased distribution of a steady-state stock.
const STOCK_REFERENCE_DRAWS: usize = 4096;
/// Most deadline days after the horizon the queues keep buckets for (24 bytes each); the rare deadline beyond
/// waits in order in a heap.
const MAX_QUEUE_DAYS_BEYOND: u64 = 20_000;
/// How many days before the first a person of the initial stock not yet in their follow-ups may have arrived
/// and still be gathered into a run by day of arrival.
const MAX_STOCK_RUN_AGE: usize = 4096;
/// The key of the random stream that draws those reference spells (municipality streams are keyed by code).
const STOCK_REFERENCE_STREAM: u64 = u64::MAX;

/// 12 bytes. A person's meetings fall due before their exit, which is drawn when they arrive, so an event
/// needs no check that its person is still the one in the slot.
#[derive(Debug, Clone, Copy)]
struct Event {
    /// The person's slot, or the run's index for a meeting of a [`Run`].
    person: u32,
    /// Index of the meeting in the group's schedule, with [`RUN`] set for a run's.
    meeting: u32,
    /// The person's exit day, which decides whether the next meeting is scheduled; carried here (the event
    /// list is read in order) so that a person fits in 16 bytes. Not used for a run's meeting.
    exit: Day,
}

impl Event {
    /// Meeting `k` of a run, falling due for `member` alone: their own meeting `k + skew`.
    fn alone(member: Member, k: u32) -> Self {
        Event {
            person: member.person,
            meeting: k.wrapping_add(member.skew),
            exit: member.exit,
        }
    }
}

/// Persons of one group whose meetings fall due on the same days with the same deadlines, and whose meetings
/// are scheduled one after the other: one event stands for the meeting of them all. They arrived on the same
/// day (the day's arrivals of a group), or are of the initial stock and past their fixed meetings, with
/// follow-ups in step. Those who leave before a meeting falls due are no longer members by then.
#[derive(Debug, Default)]
struct Run {
    /// The arrival whose spell clock gives the run's days: its meeting `k` falls due when the run's does.
    arrival: Day,
    group: u8,
    /// In the order their meetings are scheduled.
    members: Vec<Member>,
}

/// A member of a [`Run`]: the person's slot and exit day, and how far their meeting index is from the run's
/// (the member has meeting `k + skew` when the run has meeting `k`; 0 but for follow-ups in step).
#[derive(Debug, Clone, Copy)]
struct Member {
    person: u32,
    exit: Day,
    skew: u32,
}

/// 16 bytes, so a person never straddles two cache lines.
#[derive(Debug, Clone, Copy)]
struct Person {
    arrival: Day,
    /// Counts the persons who had this slot before: a queued meeting of one of them is no longer pending.
    generation: u32,
    /// The person's pending meetings: bit `b` stands for meeting `first_pending + b` of the group's schedule.
    /// Bit 0 is set whenever any is (the lowest pending meeting is `first_pending`). A pending meeting that does
    /// not fit (32 or more meetings after the lowest) is kept in the jobcentre's `spilled` map instead.
    pending: u32,
    first_pending: u16,
    group: u8,
    /// Whether the person has meetings in `spilled`.
    spilled: bool,
}

const _: () = assert!(std::mem::size_of::<Person>() == 16);

impl Person {
    /// Adds meeting `k`, later than every pending one, to the bits; false if it does not fit there.
    #[inline(always)]
    fn add_pending(&mut self, k: u32) -> bool {
        if self.pending == 0 {
            let Ok(first) = u16::try_from(k) else {
                return false;
            };
            self.first_pending = first;
            self.pending = 1;
            return true;
        }
        let offset = k.wrapping_sub(u32::from(self.first_pending));
        // Every meeting in the bits fits in a `u16`, so that `first_pending` can move up to any of them.
        if offset < 32 && k <= u32::from(u16::MAX) {
            self.pending |= 1 << offset;
            true
        } else {
            false
        }
    }

    /// The meetings in the bits, lowest first (those in `spilled` are not among them).
    fn meetings_in_bits(&self) -> impl Iterator<Item = u32> {
        let first = u32::from(self.first_pending);
        let mut bits = self.pending;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let k = first + bits.trailing_zeros();
            bits &= bits - 1;
            Some(k)
        })
    }

    /// Removes meeting `k` from the bits; false if it is not there (it was spilled).
    #[inline(always)]
    fn remove_pending(&mut self, k: u32) -> bool {
        let offset = k.wrapping_sub(u32::from(self.first_pending));
        if offset >= 32 || self.pending & (1 << offset) == 0 {
            return false;
        }
        self.pending &= !(1 << offset);
        if self.pending != 0 {
            let shift = self.pending.trailing_zeros();
            self.pending >>= shift;
            self.first_pending += shift as u16;
        }
        true
    }
}

/// A pending meeting in a deadline queue or waiting to be released: meeting `meeting` of the schedule of the
/// person in slot `person`, while the slot's generation is `generation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    person: u32,
    generation: u32,
    meeting: u32,
}

/// Per-day capacity inputs shared by all municipalities.
#[derive(Debug, Clone, Copy, Default)]
struct DayStaffing {
    caseworkers_factor: f64,
    /// FTE added for the reference population (temporary staff).
    add_caseworkers: f64,
    /// Statutory meetings one FTE can hold today (0 on closed days).
    meetings_per_fte: f64,
}

/// What every jobcentre of a run reads and none changes.
struct Rules<'a> {
    scenario: &'a Scenario,
    calendar: Calendar,
    warmup: usize,
    horizon: Day,
    plans: Vec<GroupPlan>,
    durations: Vec<Vec<(Day, DurationSampler)>>,
    staffing: Vec<DayStaffing>,
    class_of_group: Vec<usize>,
    classes: usize,
    /// One per simulated day, plus one for deadlines beyond the horizon.
    buckets: usize,
    /// Deadline days the queues keep a bucket for: every deadline a meeting falling due inside the run can
    /// have, so that later ones (kept in order all the same) are an exception.
    queue_days: usize,
    /// First day of the first suspension (`Day::MAX` without one): who was on benefit before it.
    suspension_origin: Day,
    /// Per group with a steady-state initial stock: spell lengths drawn once per run from their own stream, so
    /// that every municipality samples the same distribution.
    stock_reference: Vec<Option<StockReference>>,
    /// Per group with an aged initial stock: which age bucket a person falls in.
    stock_buckets: Vec<Option<WeightedIndex<f64>>>,
    /// Per group, for a stationary start: the spells of the persons present before the first day.
    stationary: Vec<Option<StationarySpells>>,
    /// Per group with a local surge: its first and last day, and the national inflow the day before it.
    surges: Vec<Option<(Day, Day, f64)>>,
}

/// Spell lengths of a group and an index that picks one in proportion to its length.
struct StockReference {
    spells: Vec<u32>,
    length_biased: WeightedIndex<f64>,
}

/// One municipality's jobcentre: its people, their pending meetings and its own random stream.
struct Jobcentre {
    /// The rules' sizes its tables were made for.
    shape: Shape,
    municipality: usize,
    rng: Pcg64,
    persons: Vec<Person>,
    free_persons: Vec<u32>,
    /// Future meetings falling due, by day.
    agenda: Agenda<Event>,
    /// Per day: the slots of the persons who leave on it (kept after the day, for their capacity).
    exits: Vec<Vec<u32>>,
    /// Runs whose next meeting is in the agenda, and free ones (their member lists keep their capacity).
    runs: Vec<Run>,
    free_runs: Vec<u32>,
    /// While the initial stock of a group is drawn: the runs gathering it, with the meeting the first member of
    /// each has and the day it falls due. First by phase of the follow-ups (twice the interval: whether on benefit before the suspension
    /// or not), then by day of arrival.
    in_step: Vec<Option<(u32, u32, Day)>>,
    /// Per person (by slot): pending meetings that did not fit in the person's bits, rarely any.
    spilled: HashMap<u32, Vec<u32>>,
    /// One per class, where a class is all groups (earliest deadline) or one priority level.
    queues: Vec<DeadlineQueue<Pending>>,
    /// `buckets x groups`: live pending meetings by deadline day. Day-major, so the counts one day touches
    /// (deadlines a few weeks ahead, and today's at the close) sit together.
    pending_at_deadline: Vec<u32>,
    /// Per group.
    levels: Vec<Levels>,
    /// Per group: the arrival distribution last used, with its rate.
    arrival_distributions: Vec<(f64, Option<Poisson<f64>>)>,
    /// Per group: today's flows.
    today: Vec<GroupDay>,
    /// Fractional capacity carried to the next working day.
    carry: f64,
    /// Caught-up meetings waiting for the day they may be held from (`catch_up_from`, even pacing), by that
    /// day: pending, but not yet in a deadline queue.
    parked: Vec<Vec<Pending>>,
    /// Per group and evenly paced catch-up rule: how many meetings have been dealt out to its days.
    dealt: Vec<Vec<u32>>,
}

thread_local! {
    /// The memory of the last jobcentre a whole run used on this thread, for the next run's: a sweep's or a
    /// simulation's replications then grow their slabs, lists and buckets once per thread, not once per run.
    static SPARE_JOBCENTRE: RefCell<Option<Jobcentre>> = const { RefCell::new(None) };
}

/// A jobcentre taken from this thread's spare (or new, if there is none of the rules' shape), given back when
/// dropped. [`Jobcentre::start`] forgets everything a jobcentre held, so where it comes from changes nothing
/// but memory.
struct Lent(Option<Jobcentre>);

impl Lent {
    fn take(rules: &Rules) -> Self {
        let spare = SPARE_JOBCENTRE
            .try_with(|spare| spare.borrow_mut().take())
            .ok()
            .flatten();
        Lent(Some(match spare {
            Some(jobcentre) if jobcentre.shape == Shape::of(rules) => jobcentre,
            _ => Jobcentre::new(rules),
        }))
    }

    fn jobcentre(&mut self) -> &mut Jobcentre {
        self.0
            .as_mut()
            .expect("a lent jobcentre is held until dropped")
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        let Some(jobcentre) = self.0.take() else {
            return;
        };
        // Fails only while the thread's locals are being destroyed; the memory is then freed.
        let _ = SPARE_JOBCENTRE.try_with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                *spare = Some(jobcentre);
            }
        });
    }
}

/// What the sizes of a jobcentre's per-day and per-group tables follow from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    groups: usize,
    classes: usize,
    queue_days: usize,
    buckets: usize,
    horizon: Day,
    /// Per group: its evenly paced catch-up rules.
    release_rules: Vec<usize>,
}

impl Shape {
    fn of(rules: &Rules) -> Self {
        Shape {
            groups: rules.groups(),
            classes: rules.classes,
            queue_days: rules.queue_days,
            buckets: rules.buckets,
            horizon: rules.horizon,
            release_rules: rules
                .plans
                .iter()
                .map(|plan| plan.release_days.len())
                .collect(),
        }
    }
}

/// A run of one scenario with one seed.
pub struct Simulation<'a> {
    rules: Rules<'a>,
    seed: u64,
    /// The next day to simulate (in step mode).
    day: Day,
    /// Every municipality's jobcentre, built by the first [`step`](Self::step); [`run`](Self::run) without a
    /// step before builds one at a time instead.
    jobcentres: Vec<Jobcentre>,
    series: Series,
    workload: Workload,
}

impl<'a> Simulation<'a> {
    /// Prepares a run; the municipalities and their initial stock are built by the first [`step`](Self::step)
    /// or by [`run`](Self::run).
    pub fn new(scenario: &'a Scenario, seed: u64) -> Self {
        let rules = Rules::new(scenario, seed);
        let groups = scenario.groups.len();
        let municipalities = scenario.municipalities.len();
        let mut series = Series::new(
            scenario.start,
            scenario.period_days(),
            municipalities,
            groups,
        );
        series.working = (0..scenario.period_days())
            .map(|d| rules.calendar.is_working((rules.warmup + d) as Day))
            .collect();
        Simulation {
            rules,
            seed,
            day: 0,
            jobcentres: Vec::new(),
            series,
            workload: Workload::default(),
        }
    }

    /// Number of simulated days, warm-up included.
    pub fn horizon(&self) -> Day {
        self.rules.horizon
    }

    /// The date of the next day to simulate.
    pub fn today(&self) -> chrono::NaiveDate {
        self.rules.calendar.date(self.day)
    }

    pub fn is_finished(&self) -> bool {
        self.day >= self.horizon()
    }

    /// Live totals over all municipalities and groups after the last simulated day (zero before the first).
    pub fn levels(&self) -> Levels {
        self.jobcentres
            .iter()
            .flat_map(|j| &j.levels)
            .fold(Levels::default(), |sum, l| Levels {
                active: sum.active + l.active,
                pending: sum.pending + l.pending,
                overdue: sum.overdue + l.overdue,
            })
    }

    /// The work done so far, warm-up included.
    pub fn workload(&self) -> Workload {
        self.workload
    }

    /// Simulates one day in every municipality; returns false when the run is over.
    pub fn step(&mut self) -> bool {
        if self.is_finished() {
            return false;
        }
        if self.day == 0 {
            let rules = &self.rules;
            self.jobcentres = (self.series.municipalities_mut().into_iter().enumerate())
                .map(|(m, mut series)| {
                    let mut jobcentre = Jobcentre::new(rules);
                    jobcentre.start(rules, m, self.seed, &mut series);
                    jobcentre
                })
                .collect();
        }
        let parts = self.series.municipalities_mut();
        for (jobcentre, mut series) in self.jobcentres.iter_mut().zip(parts) {
            jobcentre.step(&self.rules, self.day, &mut series, Some(&mut self.workload));
        }
        self.workload.days += 1;
        self.day += 1;
        true
    }

    /// Simulates up to and including `date` (or to the end of the run).
    pub fn run_until(&mut self, date: chrono::NaiveDate) {
        let last = self.rules.calendar.day(date);
        while self.day <= last && self.step() {}
    }

    /// Simulates to the end and returns the recorded series. Each jobcentre runs all its remaining days on its
    /// own. From the first day, the municipalities run in parallel on the current rayon pool, each writing its
    /// own part of the series, and one jobcentre's memory serves the municipalities a thread takes in turn; the
    /// series is the same for any number of threads. After SIGINT or SIGTERM each municipality stops within a
    /// few simulated days, and the series, cut short, is for the caller to discard (see `crate::signals`).
    pub fn run(mut self) -> Series {
        let rules = &self.rules;
        let seed = self.seed;
        let parts = self.series.municipalities_mut();
        if self.day == 0 {
            parts.into_par_iter().enumerate().for_each_init(
                || Lent::take(rules),
                |lent, (m, mut series)| {
                    let jobcentre = lent.jobcentre();
                    jobcentre.start(rules, m, seed, &mut series);
                    for day in 0..rules.horizon {
                        // After SIGINT or SIGTERM the series is cut short; the caller discards it.
                        if day % 16 == 0 && crate::signals::received().is_some() {
                            break;
                        }
                        // The workload of a whole run is not kept: it is not counted.
                        jobcentre.step(rules, day, &mut series, None);
                    }
                },
            );
        } else {
            for (jobcentre, mut series) in self.jobcentres.iter_mut().zip(parts) {
                for day in self.day..rules.horizon {
                    jobcentre.step(rules, day, &mut series, Some(&mut self.workload));
                }
            }
        }
        self.series
    }
}

impl<'a> Rules<'a> {
    fn new(scenario: &'a Scenario, seed: u64) -> Self {
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
            class_of_group,
            classes,
            buckets: days + 1,
            queue_days: 0,
            suspension_origin,
            stock_reference: Vec::new(),
            stock_buckets: Vec::new(),
            stationary: Vec::new(),
            surges,
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
            rules.stationary = scenario
                .groups
                .iter()
                .map(|group| StationarySpells::new(&group.duration.base))
                .collect();
            return rules;
        }
        let mut rng = Pcg64::seed_from_u64(stream_seed(seed, STOCK_REFERENCE_STREAM));
        rules.stock_reference = (0..groups)
            .map(|g| {
                let group = &scenario.groups[g];
                let stocked = scenario
                    .municipalities
                    .iter()
                    .any(|m| m.initial_stock[g] > 0.0);
                if !stocked || group.initial_age != InitialAge::SteadyState {
                    return None;
                }
                let sampler = rules.duration_sampler(g, 0);
                let spells: Vec<u32> = (0..STOCK_REFERENCE_DRAWS)
                    .map(|_| sampler.sample(&mut rng).unwrap_or(365))
                    .collect();
                let length_biased =
                    WeightedIndex::new(spells.iter().map(|&d| f64::from(d))).ok()?;
                Some(StockReference {
                    spells,
                    length_biased,
                })
            })
            .collect();
        rules.stock_buckets = scenario
            .groups
            .iter()
            .map(|group| match &group.initial_age {
                InitialAge::Buckets(buckets) => {
                    WeightedIndex::new(buckets.iter().map(|(_, share)| *share)).ok()
                }
                InitialAge::SteadyState => None,
            })
            .collect();
        rules
    }

    fn groups(&self) -> usize {
        self.plans.len()
    }

    fn duration_sampler(&self, group: usize, day: Day) -> DurationSampler {
        let list = &self.durations[group];
        list.iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map_or(list[0].1, |(_, s)| *s)
    }

    fn bucket(&self, deadline: Day) -> usize {
        (deadline.max(0) as usize).min(self.buckets - 1)
    }

    /// Caseworkers and meeting capacity of municipality `m` on `day`.
    fn capacity(&self, m: usize, day: Day) -> (f64, f64) {
        let staffing = self.staffing[day as usize];
        let municipality = &self.scenario.municipalities[m];
        let caseworkers = municipality.caseworkers * staffing.caseworkers_factor
            + municipality.reference_share * staffing.add_caseworkers;
        (caseworkers, caseworkers * staffing.meetings_per_fte)
    }
}

impl Jobcentre {
    /// An empty jobcentre; [`start`](Self::start) gives it a municipality.
    fn new(rules: &Rules) -> Self {
        let groups = rules.groups();
        Jobcentre {
            shape: Shape::of(rules),
            municipality: 0,
            rng: Pcg64::seed_from_u64(0),
            persons: Vec::new(),
            free_persons: Vec::new(),
            agenda: Agenda::new(rules.horizon as usize),
            exits: vec![Vec::new(); rules.horizon as usize],
            runs: Vec::new(),
            free_runs: Vec::new(),
            in_step: Vec::new(),
            spilled: HashMap::new(),
            queues: (0..rules.classes)
                .map(|_| DeadlineQueue::with_days(rules.queue_days))
                .collect(),
            pending_at_deadline: vec![0; groups * rules.buckets],
            levels: vec![Levels::default(); groups],
            arrival_distributions: vec![(f64::NAN, None); groups],
            today: vec![GroupDay::default(); groups],
            carry: 0.0,
            parked: vec![Vec::new(); rules.horizon as usize],
            dealt: rules
                .plans
                .iter()
                .map(|plan| vec![0; plan.release_days.len()])
                .collect(),
        }
    }

    /// Makes this the jobcentre of `municipality` on the day before the first, with its initial stock and its
    /// stream keyed by the municipality's code; whatever it held before is forgotten, its memory kept.
    fn start(
        &mut self,
        rules: &Rules,
        municipality: usize,
        seed: u64,
        series: &mut MunicipalitySeries,
    ) {
        let code = rules.scenario.municipalities[municipality].code;
        self.municipality = municipality;
        self.rng = Pcg64::seed_from_u64(stream_seed(seed, u64::from(code)));
        self.persons.clear();
        self.free_persons.clear();
        self.agenda.reset(rules.horizon as usize);
        for list in &mut self.exits {
            list.clear();
        }
        for run in &mut self.runs {
            run.members.clear();
        }
        self.free_runs.clear();
        self.free_runs.extend((0..self.runs.len() as u32).rev());
        self.spilled.clear();
        for queue in &mut self.queues {
            queue.clear();
        }
        self.pending_at_deadline.fill(0);
        self.levels.fill(Levels::default());
        self.arrival_distributions.fill((f64::NAN, None));
        self.today.fill(GroupDay::default());
        self.carry = 0.0;
        for list in &mut self.parked {
            list.clear();
        }
        for counts in &mut self.dealt {
            counts.fill(0);
        }
        self.seed_initial_stock(rules, series);
    }

    /// Simulates `day`.
    fn step(
        &mut self,
        rules: &Rules,
        day: Day,
        series: &mut MunicipalitySeries,
        workload: Option<&mut Workload>,
    ) {
        if day as usize == rules.warmup {
            series.initial_mut().copy_from_slice(&self.levels);
        }
        self.agenda.open(day);
        self.arrivals(rules, day, series);
        self.process_events(rules, day);
        self.release_parked(rules, day);
        if rules.calendar.is_working(day) {
            self.hold_meetings(rules, day);
        }
        self.close_day(rules, day, series, workload);
    }

    fn seed_initial_stock(&mut self, rules: &Rules, series: &mut MunicipalitySeries) {
        if !rules.stationary.is_empty() {
            self.seed_stationary(rules, series);
            return;
        }
        let m = self.municipality;
        for g in 0..rules.groups() {
            let group = &rules.scenario.groups[g];
            if rules.scenario.municipalities[m].initial_stock[g] <= 0.0 {
                continue;
            }
            let sampler = rules.duration_sampler(g, 0);
            let buckets = match &group.initial_age {
                InitialAge::Buckets(b) => b.as_slice(),
                InitialAge::SteadyState => &[],
            };
            let expected = rules.scenario.municipalities[m].initial_stock[g];
            let count = expected.floor() as u64 + u64::from(self.rng.gen_bool(expected.fract()));
            for _ in 0..count {
                let (age, remaining) = match (&rules.stock_reference[g], &rules.stock_buckets[g]) {
                    // Steady state: a stock member sits in a spell drawn length-biased, at a uniform point of it.
                    (Some(reference), _) => {
                        let spell = reference.spells[reference.length_biased.sample(&mut self.rng)];
                        let age = self.rng.gen_range(0..spell);
                        let remaining = match sampler {
                            DurationSampler::Never => None,
                            _ => Some(spell - age),
                        };
                        (age, remaining)
                    }
                    (None, Some(index)) => {
                        let bucket = index.sample(&mut self.rng);
                        let low = if bucket == 0 {
                            0
                        } else {
                            buckets[bucket - 1].0
                        };
                        let age = self.rng.gen_range(low..buckets[bucket].0);
                        (age, sampler.sample(&mut self.rng))
                    }
                    (None, None) => (0, sampler.sample(&mut self.rng)),
                };
                let member = self.add_person(rules, series, g, -(age as Day), remaining, 0);
                self.schedule_stock_member(rules, g, -(age as Day), member);
            }
            self.schedule_in_step(g);
        }
    }

    /// The persons on benefit at the end of the day before the first, drawn from the stationary state of each
    /// group's first-day inflow and duration ([`StationarySpells`]): a person present arrived `age + 1` days
    /// before day 0 on a spell of `spell` whole days, `age` uniform in `0..spell`, and leaves on day
    /// `spell - 1 - age`. Their next meetings follow from their arrival, as for anyone.
    fn seed_stationary(&mut self, rules: &Rules, series: &mut MunicipalitySeries) {
        for g in 0..rules.groups() {
            let Some(spells) = &rules.stationary[g] else {
                continue;
            };
            let lambda = self.inflow_rate(rules, g, 0) * spells.candidates_per_inflow();
            let candidates = match Poisson::new(lambda) {
                Ok(poisson) if lambda > 0.0 => poisson.sample(&mut self.rng) as u64,
                _ => 0,
            };
            for _ in 0..candidates {
                if let Some(spell) = spells.candidate(&mut self.rng) {
                    let age = self.rng.gen_range(0..spell);
                    let arrival = -1 - age as Day;
                    let member =
                        self.add_person(rules, series, g, arrival, Some(spell - 1 - age), 0);
                    self.schedule_stock_member(rules, g, arrival, member);
                }
            }
            self.schedule_in_step(g);
        }
    }

    /// New spells per day in group `g` on `day` in this municipality.
    fn inflow_rate(&self, rules: &Rules, g: usize, day: Day) -> f64 {
        let surge_base = rules.surges[g]
            .filter(|(from, to, _)| (*from..=*to).contains(&day))
            .map(|(_, _, base)| base);
        rules.scenario.municipalities[self.municipality].inflow_rate(
            g,
            rules.plans[g].inflow[day as usize],
            surge_base,
        )
    }

    fn arrivals(&mut self, rules: &Rules, day: Day, series: &mut MunicipalitySeries) {
        for g in 0..rules.groups() {
            let lambda = self.inflow_rate(rules, g, day);
            if lambda <= 0.0 {
                continue;
            }
            // Rates change on a few dates only; building the distribution costs a log-gamma, so keep it while
            // the rate is the same (same rate, same distribution, same draws).
            let (rate, poisson) = &mut self.arrival_distributions[g];
            if rate.to_bits() != lambda.to_bits() {
                *rate = lambda;
                *poisson = Poisson::new(lambda).ok();
            }
            let count = poisson.map_or(0.0, |p| p.sample(&mut self.rng)) as u64;
            if count == 0 {
                continue;
            }
            let sampler = rules.duration_sampler(g, day);
            self.today[g].arrivals += count as u32;
            // The day's arrivals of the group have their meetings on the same days: one run.
            let run = self.new_run();
            let mut members = std::mem::take(&mut self.runs[run as usize].members);
            for _ in 0..count {
                let duration = sampler.sample(&mut self.rng);
                members.push(self.add_person(rules, series, g, day, duration, day));
            }
            match first_meeting(rules, &rules.plans[g], day, day) {
                Some((k, due)) => {
                    members.retain(|member| due < member.exit);
                    self.schedule_members(run, g, day, k, due, members);
                }
                None => self.free_run(run, members),
            }
        }
    }

    /// Creates a person who arrived on `arrival` (negative for the initial stock) and leaves `remaining` days
    /// after `today`, and schedules their exit; their meetings are for the caller to schedule.
    #[inline(always)]
    fn add_person(
        &mut self,
        rules: &Rules,
        series: &mut MunicipalitySeries,
        g: usize,
        arrival: Day,
        remaining: Option<u32>,
        today: Day,
    ) -> Member {
        let exit = remaining.map_or(NEVER, |r| today.saturating_add(r as Day));
        let person = Person {
            arrival,
            generation: 0,
            pending: 0,
            first_pending: 0,
            group: g as u8,
            spilled: false,
        };
        let index = match self.free_persons.pop() {
            Some(index) => {
                let slot = &mut self.persons[index as usize];
                *slot = Person {
                    generation: slot.generation,
                    ..person
                };
                index
            }
            None => {
                assert!(
                    self.persons.len() < u32::MAX as usize,
                    "too many persons for one municipality"
                );
                self.persons.push(person);
                (self.persons.len() - 1) as u32
            }
        };
        self.levels[g].active += 1;
        if let Some(list) = self.exits.get_mut(exit as usize) {
            list.push(index);
        }
        self.count_shifted(rules, series, g, arrival, exit, today);
        Member {
            person: index,
            exit,
            skew: 0,
        }
    }

    /// Gathers a person of the initial stock of group `g` into a run: one past their fixed meetings into the
    /// run of those whose follow-ups are in step with theirs, anyone else into that of those who arrived on
    /// the same day ([`schedule_in_step`](Self::schedule_in_step) schedules the runs). Someone who arrived
    /// more than [`MAX_STOCK_RUN_AGE`] days before has their first meeting scheduled at once.
    fn schedule_stock_member(&mut self, rules: &Rules, g: usize, arrival: Day, member: Member) {
        let plan = &rules.plans[g];
        let Some((k, due)) = first_meeting(rules, plan, arrival, 0) else {
            return;
        };
        if due >= member.exit {
            return;
        }
        // Follow-ups in step: the same spell-clock day now, so the same days and deadlines from now on. Whether
        // they were on benefit before the suspension must agree too, as it is counted once for a whole run.
        let (due_offset, _) = plan.schedule.offsets(k).expect("a scheduled meeting");
        let phase = plan.clock_origin(arrival) + i64::from(due_offset);
        let existing = usize::from(arrival < rules.suspension_origin);
        // A table of runs by phase of the follow-ups, or else by day of arrival (before the first day).
        let at = match plan.schedule.followup_every(k) {
            Some(every) if (0..i64::from(every)).contains(&phase) => phase as usize * 2 + existing,
            _ => {
                let age = (-1 - arrival) as usize;
                if age >= MAX_STOCK_RUN_AGE {
                    self.agenda.schedule(due, Event::alone(member, k));
                    return;
                }
                2 * plan.schedule.followup_interval() as usize + age
            }
        };
        if self.in_step.len() <= at {
            self.in_step.resize(at + 1, None);
        }
        let (run, first_k, _) = match self.in_step[at] {
            Some(found) => found,
            None => {
                let run = self.new_run();
                self.runs[run as usize].arrival = arrival;
                self.in_step[at] = Some((run, k, due));
                (run, k, due)
            }
        };
        self.runs[run as usize].members.push(Member {
            skew: k.wrapping_sub(first_k),
            ..member
        });
    }

    /// Schedules the runs of stock members of group `g`: those with follow-ups in step, earliest first, then
    /// those by day of arrival, latest first.
    fn schedule_in_step(&mut self, g: usize) {
        for at in 0..self.in_step.len() {
            let Some((run, k, due)) = self.in_step[at].take() else {
                continue;
            };
            let arrival = self.runs[run as usize].arrival;
            let members = std::mem::take(&mut self.runs[run as usize].members);
            self.schedule_members(run, g, arrival, k, due, members);
        }
    }

    /// A free run's index; its member list is empty.
    fn new_run(&mut self) -> u32 {
        self.free_runs.pop().unwrap_or_else(|| {
            self.runs.push(Run::default());
            (self.runs.len() - 1) as u32
        })
    }

    /// Frees run `run`, giving back its (emptied) member list.
    fn free_run(&mut self, run: u32, mut members: Vec<Member>) {
        members.clear();
        self.runs[run as usize].members = members;
        self.free_runs.push(run);
    }

    /// Puts meeting `k` of `members` (persons of group `g` who arrived on `arrival`, in the order their meetings
    /// are scheduled), due on `due` before each one's exit and before the horizon, in the calendar: as the
    /// meeting of run `run`, or of the one person, or not at all; run `run` is freed unless it is used.
    fn schedule_members(
        &mut self,
        run: u32,
        g: usize,
        arrival: Day,
        k: u32,
        due: Day,
        members: Vec<Member>,
    ) {
        debug_assert!(k < RUN, "a meeting index that marks a run");
        match members[..] {
            [] => self.free_run(run, members),
            [member] => {
                self.agenda.schedule(due, Event::alone(member, k));
                self.free_run(run, members);
            }
            _ => {
                self.runs[run as usize] = Run {
                    arrival,
                    group: g as u8,
                    members,
                };
                self.agenda.schedule(
                    due,
                    Event {
                        person: run,
                        meeting: k | RUN,
                        exit: 0,
                    },
                );
            }
        }
    }

    /// For a `shift` group: counts as suspended the meetings that would have fallen due inside a dead period,
    /// on the day they would have fallen due.
    #[inline(always)]
    fn count_shifted(
        &self,
        rules: &Rules,
        series: &mut MunicipalitySeries,
        g: usize,
        arrival: Day,
        exit: Day,
        today: Day,
    ) {
        let plan = &rules.plans[g];
        let Some((clock, (first_dead, last_dead))) = plan
            .shift
            .as_ref()
            .and_then(|clock| Some((clock, clock.dead_span()?)))
        else {
            return;
        };
        // Only meetings that would have fallen due from today, inside the dead days, before the exit.
        let end = i64::from(exit.min(rules.horizon)).min(i64::from(last_dead) + 1);
        let from = i64::from(today.max(first_dead));
        if from >= end {
            // Most spells end before the dead days or begin after them.
            return;
        }
        let mut k = plan.schedule.first_due_from(from - i64::from(arrival));
        while let Some((due, _)) = plan.schedule.offsets(k) {
            let unshifted = i64::from(arrival) + i64::from(due);
            if unshifted >= end {
                break;
            }
            let unshifted = unshifted as Day;
            if clock.is_dead(unshifted) {
                let reported = unshifted as usize;
                if reported >= rules.warmup {
                    let row = &mut series.group_rows_mut(reported - rules.warmup)[g];
                    row.suspended += 1;
                    if arrival < rules.suspension_origin {
                        row.suspended_existing += 1;
                    }
                }
            }
            k += 1;
        }
    }

    #[inline(never)]
    fn process_events(&mut self, rules: &Rules, day: Day) {
        // A leaver's meetings all fell due before today, and who leaves changes nothing for anyone else's, so
        // the day's exits go first.
        let exits = std::mem::take(&mut self.exits[day as usize]);
        for (i, &index) in exits.iter().enumerate() {
            if let Some(&ahead) = exits.get(i + PERSON_LOOKAHEAD) {
                prefetch(&self.persons, ahead as usize);
            }
            self.exit(rules, index, day);
        }
        self.exits[day as usize] = exits;
        // Events scheduled for today while today's run (a meeting due on the day of the one before) form the
        // next batch.
        loop {
            let batch = self.agenda.take(day);
            if batch.is_empty() {
                self.agenda.recycle(batch);
                break;
            }
            for (i, event) in batch.iter().enumerate() {
                // Each event reads and writes its person, a random access into a large slab: ask for it a few
                // events ahead.
                if let Some(ahead) = batch.get(i + PERSON_LOOKAHEAD) {
                    prefetch(&self.persons, ahead.person as usize);
                }
                if event.meeting & RUN != 0 {
                    self.run_meeting_due(rules, event.person, event.meeting & !RUN, day);
                } else {
                    self.meeting_due(rules, *event, day);
                }
            }
            self.agenda.recycle(batch);
        }
    }

    fn exit(&mut self, rules: &Rules, index: u32, day: Day) {
        let person = self.persons[index as usize];
        let g = person.group as usize;
        if person.pending != 0 || person.spilled {
            self.drop_all_pending(rules, index, person, day);
        }
        self.levels[g].active -= 1;
        self.today[g].exits += 1;
        let slot = &mut self.persons[index as usize];
        slot.generation = slot.generation.wrapping_add(1);
        slot.pending = 0;
        slot.spilled = false;
        self.free_persons.push(index);
    }

    /// Drops every pending meeting of the person in slot `index`, who leaves on `day`.
    #[inline(never)]
    fn drop_all_pending(&mut self, rules: &Rules, index: u32, person: Person, day: Day) {
        let g = person.group as usize;
        let plan = &rules.plans[g];
        let spilled = match person.spilled {
            true => self.spilled.remove(&index).unwrap_or_default(),
            false => Vec::new(),
        };
        for k in person.meetings_in_bits().chain(spilled) {
            self.drop_pending(rules, g, plan.deadline(person.arrival, k), day);
        }
    }

    /// Counts a pending meeting of group `g` as dropped on `day`, and removes it from the counts by deadline (the
    /// pending level follows from the day's flows when it closes).
    fn drop_pending(&mut self, rules: &Rules, g: usize, deadline: Day, day: Day) {
        self.today[g].dropped += 1;
        let bucket = rules.bucket(deadline);
        self.pending_at_deadline[bucket * self.levels.len() + g] -= 1;
        if deadline < day {
            self.levels[g].overdue -= 1;
        }
    }

    #[inline(always)]
    fn meeting_due(&mut self, rules: &Rules, event: Event, day: Day) {
        let Jobcentre {
            persons,
            agenda,
            spilled,
            queues,
            pending_at_deadline,
            levels,
            today,
            parked,
            dealt,
            ..
        } = self;
        let (index, k) = (event.person, event.meeting);
        let person = persons[index as usize];
        let g = person.group as usize;
        let plan = &rules.plans[g];
        let origin = plan.clock_origin(person.arrival);
        let (_, deadline_offset) = plan.schedule.offsets(k).expect("scheduled meetings exist");
        let action = plan.action[day as usize];
        let due = Due::of(
            &mut today[g],
            action,
            person.arrival < rules.suspension_origin,
            1,
            plan.day_at(origin, deadline_offset),
            day,
        );
        if action != DueAction::Waive {
            let entry = make_pending(persons, spilled, index, k);
            let groups = levels.len();
            pending_at_deadline[rules.bucket(due.deadline) * groups + g] += 1;
            let queue = &mut queues[rules.class_of_group[g]];
            due.queue_or_park(entry, plan, &mut dealt[g], parked, queue, day);
        }
        schedule_meeting(agenda, rules, plan, origin, index, k + 1, event.exit);
    }

    /// Meeting `k` of every member of run `run` falls due, as [`meeting_due`](Self::meeting_due) has it for
    /// one person, member after member; what is the same for them all is worked out once.
    #[inline(never)]
    fn run_meeting_due(&mut self, rules: &Rules, run: u32, k: u32, day: Day) {
        let mut members = std::mem::take(&mut self.runs[run as usize].members);
        let Run { arrival, group, .. } = self.runs[run as usize];
        let g = usize::from(group);
        let plan = &rules.plans[g];
        let origin = plan.clock_origin(arrival);
        let (_, deadline_offset) = plan.schedule.offsets(k).expect("scheduled meetings exist");
        let deadline = plan.day_at(origin, deadline_offset);
        let action = plan.action[day as usize];
        let count = members.len() as u32;
        #[cfg(debug_assertions)]
        for member in &members {
            // Each member's own schedule puts their meeting today, with the run's deadline.
            let person = self.persons[member.person as usize];
            let k = k.wrapping_add(member.skew);
            let (due, until) = plan.schedule.offsets(k).expect("a scheduled meeting");
            assert_eq!(
                plan.day_of(person.arrival, due),
                day,
                "a member out of step"
            );
            assert_eq!(
                plan.day_of(person.arrival, until),
                deadline,
                "a member with another deadline"
            );
            assert!(day < member.exit, "a member who has left");
        }
        let due = Due::of(
            &mut self.today[g],
            action,
            arrival < rules.suspension_origin,
            count,
            deadline,
            day,
        );
        // The next meeting's day: members leaving on or before it are no longer members then.
        let next = plan
            .schedule
            .offsets(k + 1)
            .map(|(due, _)| plan.day_at(origin, due))
            .filter(|&due| due < rules.horizon);
        let stays = next.unwrap_or(Day::MAX);
        if action != DueAction::Waive {
            let groups = self.levels.len();
            self.pending_at_deadline[rules.bucket(due.deadline) * groups + g] += count;
            let Jobcentre {
                persons,
                spilled,
                queues,
                parked,
                dealt,
                ..
            } = self;
            let queue = &mut queues[rules.class_of_group[g]];
            // All of them join one deadline day's bucket, unless catch-up holds some back.
            let bucket = match (due.even, due.release > day) {
                (None, false) => queue.bucket(due.deadline),
                _ => None,
            };
            if let Some(list) = bucket {
                list.extend(members.iter().enumerate().map(|(i, member)| {
                    if let Some(ahead) = members.get(i + PERSON_LOOKAHEAD) {
                        prefetch(persons, ahead.person as usize);
                    }
                    make_pending(persons, spilled, member.person, k.wrapping_add(member.skew))
                }));
            } else {
                for member in &members {
                    let entry =
                        make_pending(persons, spilled, member.person, k.wrapping_add(member.skew));
                    due.queue_or_park(entry, plan, &mut dealt[g], parked, queue, day);
                }
            }
        }
        members.retain(|member| stays < member.exit);
        match next {
            Some(due) => self.schedule_members(run, g, arrival, k + 1, due, members),
            None => self.free_run(run, members),
        }
    }

    /// Puts the caught-up meetings that may be held from today into their deadline queues (those whose person
    /// has left meanwhile were dropped then).
    fn release_parked(&mut self, rules: &Rules, day: Day) {
        let Some(list) = self.parked.get_mut(day as usize) else {
            return;
        };
        if list.is_empty() {
            return;
        }
        for entry in std::mem::take(list) {
            let person = self.persons[entry.person as usize];
            if person.generation == entry.generation {
                let plan = &rules.plans[person.group as usize];
                let deadline = plan.deadline(person.arrival, entry.meeting);
                let class = rules.class_of_group[person.group as usize];
                self.queues[class].push(deadline, entry);
            }
        }
    }

    #[inline(never)]
    fn hold_meetings(&mut self, rules: &Rules, day: Day) {
        let (_, capacity) = rules.capacity(self.municipality, day);
        let available = capacity + self.carry;
        let mut slots = available.floor() as u64;
        self.carry = available - slots as f64;
        // The state touched per meeting, as local slices: their bounds stay in registers.
        let groups = self.levels.len();
        let persons = &mut self.persons[..];
        let spilled = &mut self.spilled;
        // Meetings held of one deadline day, by group.
        let mut held = [0u32; MAX_GROUPS];
        let held = &mut held[..groups];
        for queue in &mut self.queues[..rules.classes] {
            while slots > 0 {
                let taken = queue.take_earliest::<QUEUE_LOOKAHEAD>(slots, |entry, ahead| {
                    // Holding a meeting updates its person: ask for the person of a meeting a few places on.
                    if let Some(ahead) = ahead {
                        prefetch(persons, ahead.person as usize);
                    }
                    let person = &mut persons[entry.person as usize];
                    if person.generation != entry.generation {
                        // The person has left: the meeting was dropped then.
                        return false;
                    }
                    if !person.remove_pending(entry.meeting) {
                        unspill(spilled, person, entry);
                    }
                    held[person.group as usize] += 1;
                    true
                });
                let Some((deadline, count)) = taken else {
                    break;
                };
                slots -= count;
                // As `drop_pending` does for a dropped meeting, for every meeting of that deadline held.
                let bucket = rules.bucket(deadline) * groups;
                let counts = &mut self.pending_at_deadline[bucket..bucket + groups];
                for (g, n) in held.iter_mut().enumerate() {
                    if *n == 0 {
                        continue;
                    }
                    counts[g] -= *n;
                    if deadline < day {
                        self.levels[g].overdue -= *n;
                    }
                    self.today[g].held += *n;
                    if day <= deadline {
                        self.today[g].held_on_time += *n;
                    }
                    *n = 0;
                }
            }
        }
    }

    fn close_day(
        &mut self,
        rules: &Rules,
        day: Day,
        series: &mut MunicipalitySeries,
        workload: Option<&mut Workload>,
    ) {
        let groups = rules.groups();
        let m = self.municipality;
        let bucket = rules.bucket(day);
        let falling_overdue = &self.pending_at_deadline[bucket * groups..(bucket + 1) * groups];
        for ((levels, &count), flows) in
            self.levels.iter_mut().zip(falling_overdue).zip(&self.today)
        {
            levels.overdue += count;
            // Every meeting falling due is pending until it is held or dropped, unless it was waived.
            levels.pending = levels.pending + flows.due - flows.waived - flows.held - flows.dropped;
        }
        if let Some(workload) = workload {
            let active = self.levels.iter().map(|l| u64::from(l.active)).sum();
            workload.add(&self.today, active);
        }
        if (day as usize) >= rules.warmup {
            let reported = day as usize - rules.warmup;
            let rows = series.group_rows_mut(reported);
            for ((row, today), levels) in rows.iter_mut().zip(&self.today).zip(&self.levels) {
                // `suspended` may already hold meetings a `shift` group counted ahead of time.
                *row = GroupDay {
                    suspended: today.suspended + row.suspended,
                    suspended_existing: today.suspended_existing + row.suspended_existing,
                    active: levels.active,
                    pending: levels.pending,
                    overdue: levels.overdue,
                    ..*today
                };
            }
            let (caseworkers, capacity) = rules.capacity(m, day);
            *series.municipality_row_mut(reported) = MunicipalityDay {
                caseworkers,
                capacity,
            };
        }
        self.today.fill(GroupDay::default());
    }
}

/// Meetings falling due today under the day's rule: their deadline (caught up by a catch-up rule's `by`), the
/// day they may be held from and the evenly paced rule that deals them out to its days, if any.
struct Due {
    deadline: Day,
    release: Day,
    even: Option<usize>,
}

impl Due {
    /// Applies the day's rule `action` to `count` meetings of one group falling due on `day` with deadline
    /// `deadline`, counting them in the day's `flows` (`existing`: of persons on benefit before the
    /// suspension).
    #[inline(always)]
    fn of(
        flows: &mut GroupDay,
        action: DueAction,
        existing: bool,
        count: u32,
        deadline: Day,
        day: Day,
    ) -> Self {
        flows.due += count;
        // Held from today, unless a catch-up rule holds them back.
        let mut due = Due {
            deadline,
            release: day,
            even: None,
        };
        match action {
            DueAction::Normal => {}
            DueAction::Waive => {
                flows.waived += count;
                flows.suspended += count;
            }
            DueAction::CatchUp(catch_up) => {
                flows.suspended += count;
                due.deadline = deadline.max(catch_up.by);
                due.release = day.max(catch_up.from);
                due.even = catch_up.even.map(usize::from);
            }
        }
        if action != DueAction::Normal && existing {
            flows.suspended_existing += count;
        }
        due
    }

    /// Puts one of these meetings, `entry`, in its deadline queue, or parks it until the day it may be held
    /// from; an evenly paced rule deals the meetings out in turn to its days, in the order they fall due
    /// (`dealt`: the group's count per rule).
    #[inline(always)]
    fn queue_or_park(
        &self,
        entry: Pending,
        plan: &GroupPlan,
        dealt: &mut [u32],
        parked: &mut [Vec<Pending>],
        queue: &mut DeadlineQueue<Pending>,
        day: Day,
    ) {
        let mut release = self.release;
        if let Some(rule) = self.even {
            let days = &plan.release_days[rule];
            let dealt = &mut dealt[rule];
            release = release.max(days[*dealt as usize % days.len()]);
            *dealt += 1;
        }
        if release > day {
            // Beyond the horizon it is never released: it stays pending to the end.
            if let Some(list) = parked.get_mut(release as usize) {
                list.push(entry);
            }
        } else {
            queue.push(self.deadline, entry);
        }
    }
}

/// The first meeting due on or after `today` of a person who arrived on `arrival`, and its day, if that is
/// before the horizon. Earlier ones belong to the time before the run.
fn first_meeting(rules: &Rules, plan: &GroupPlan, arrival: Day, today: Day) -> Option<(u32, Day)> {
    let origin = plan.clock_origin(arrival);
    let mut k = plan
        .schedule
        .first_due_from(i64::from(today) - i64::from(arrival));
    // Dead days only delay a meeting, so with a shift clock an earlier one may fall on or after today as well.
    if plan.shift.is_some() {
        while k > 0
            && plan
                .schedule
                .offsets(k - 1)
                .is_some_and(|(due, _)| plan.day_at(origin, due) >= today)
        {
            k -= 1;
        }
    }
    let (due, _) = plan.schedule.offsets(k)?;
    let day = plan.day_at(origin, due);
    (day < rules.horizon).then_some((k, day))
}

/// Puts meeting `k` of the person in slot `person` in the calendar, unless it falls on or after their exit or the
/// horizon; `origin` is where the person's spell clock starts ([`GroupPlan::clock_origin`]).
#[inline(always)]
fn schedule_meeting(
    agenda: &mut Agenda<Event>,
    rules: &Rules,
    plan: &GroupPlan,
    origin: i64,
    person: u32,
    k: u32,
    exit: Day,
) {
    if let Some((due, _)) = plan.schedule.offsets(k) {
        let day = plan.day_at(origin, due);
        if day < exit && day < rules.horizon {
            agenda.schedule(
                day,
                Event {
                    person,
                    meeting: k,
                    exit,
                },
            );
        }
    }
}

/// Makes meeting `k` pending for the person in slot `index` (in their bits, or in `spilled`), and returns its
/// queue entry.
#[inline(always)]
fn make_pending(
    persons: &mut [Person],
    spilled: &mut HashMap<u32, Vec<u32>>,
    index: u32,
    k: u32,
) -> Pending {
    let slot = &mut persons[index as usize];
    if !slot.add_pending(k) {
        spill(spilled, slot, index, k);
    }
    Pending {
        person: index,
        generation: slot.generation,
        meeting: k,
    }
}

/// Keeps pending meeting `k` of the person in slot `index` in `spilled`: it does not fit in the person's bits.
#[cold]
#[inline(never)]
fn spill(spilled: &mut HashMap<u32, Vec<u32>>, person: &mut Person, index: u32, k: u32) {
    person.spilled = true;
    spilled.entry(index).or_default().push(k);
}

/// Removes a held meeting that was kept in `spilled` rather than in its person's bits.
#[cold]
#[inline(never)]
fn unspill(spilled: &mut HashMap<u32, Vec<u32>>, person: &mut Person, entry: Pending) {
    let list = spilled.get_mut(&entry.person).expect("a spilled meeting");
    let at = list
        .iter()
        .position(|&k| k == entry.meeting)
        .expect("a spilled meeting");
    list.swap_remove(at);
    if list.is_empty() {
        spilled.remove(&entry.person);
        person.spilled = false;
    }
}

fn day_staffing(scenario: &Scenario, calendar: &Calendar, day: Day) -> DayStaffing {
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
        .find(|s| s.start <= date && date <= s.end)
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

/// The seed of replication `replication` of a run with base seed `seed`: replication 0 uses the seed itself,
/// the others a SplitMix64 mix of both, so replications are independent streams and stable across releases.
pub fn replication_seed(seed: u64, replication: u32) -> u64 {
    if replication == 0 {
        return seed;
    }
    stream_seed(seed, u64::from(replication))
}

/// A SplitMix64 mix of a seed and a key: the seed of an independent stream, the same on every machine.
fn stream_seed(seed: u64, key: u64) -> u64 {
    let mut z = seed ^ key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod pending_tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The meetings a person's bits and the side map say are pending.
    fn pending(person: &Person, spilled: &HashMap<u32, Vec<u32>>, index: u32) -> BTreeSet<u32> {
        let mut set: BTreeSet<u32> = person.meetings_in_bits().collect();
        assert_eq!(person.spilled, spilled.contains_key(&index));
        set.extend(spilled.get(&index).into_iter().flatten());
        set
    }

    /// Meetings fall due in increasing order and are held in any order, far apart or close together, past the
    /// largest meeting the bits can name too: the bits and the side map always hold exactly the meetings that
    /// fell due and were not held, and the lowest pending one is bit 0.
    #[test]
    fn a_persons_pending_meetings_are_those_fallen_due_and_not_held() {
        for seed in 0..200 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let index = 7;
            let mut person = Person {
                arrival: 0,
                generation: 0,
                pending: 0,
                first_pending: 0,
                group: 0,
                spilled: false,
            };
            let mut spilled = HashMap::new();
            let mut reference = BTreeSet::new();
            let mut next: u32 = if seed % 4 == 0 { 65_500 } else { 0 };
            for _ in 0..300 {
                if rng.gen_bool(0.55) {
                    next += rng.gen_range(1..if seed % 2 == 0 { 3 } else { 40 });
                    if !person.add_pending(next) {
                        spill(&mut spilled, &mut person, index, next);
                    }
                    reference.insert(next);
                } else if !reference.is_empty() {
                    let k = *reference
                        .iter()
                        .nth(rng.gen_range(0..reference.len()))
                        .unwrap();
                    let entry = Pending {
                        person: index,
                        generation: 0,
                        meeting: k,
                    };
                    if !person.remove_pending(k) {
                        unspill(&mut spilled, &mut person, entry);
                    }
                    reference.remove(&k);
                }
                assert_eq!(pending(&person, &spilled, index), reference, "seed {seed}");
                assert!(
                    person.pending == 0 || person.pending & 1 == 1,
                    "seed {seed}"
                );
            }
        }
    }
}
