//! The discrete-event engine: one integer day at a time.
//!
//! Each simulated day runs in this order (documented in docs/model.md):
//! 1. arrivals: Poisson draws per municipality and group; each new person gets a spell duration and their
//!    first meeting is put in the calendar;
//! 2. events of the day, in the order they were scheduled: exits (a leaver's pending meetings are dropped) and
//!    meetings falling due (held over, waived or caught up according to the suspension rules; the next meeting
//!    of the schedule is put in the calendar). No person has an exit and a meeting on the same day;
//! 3. on working days, capacity is spent on pending meetings, earliest deadline first by default;
//! 4. meetings still pending whose deadline was today become overdue, and the day is recorded.
//!
//! Future events live in a calendar indexed by day; per-event work allocates nothing (vectors grow amortised and
//! slots are recycled). Random numbers are drawn only for arrivals and durations, from one seeded PCG stream, so
//! a run depends on nothing but the scenario and the seed, and two staffing levels see the same people.

pub mod calendar;
pub mod metrics;
mod plan;
mod prefetch;
mod queue;
mod sampling;

use crate::scenario::{InitialAge, Order, Scenario};
use calendar::{Calendar, Day};
use metrics::{GroupDay, Levels, MunicipalityDay, Series, Workload};
use plan::{DueAction, GroupPlan};
use prefetch::prefetch;
use queue::{DeadlineQueue, Node, Nodes, NIL, PERSON};
use rand::distributions::WeightedIndex;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Poisson};
use rand_pcg::Pcg64;
use sampling::DurationSampler;

/// Marks an exit in [`Event::meeting`].
const EXIT: u32 = u32::MAX;
/// A person who never leaves.
const NEVER: Day = Day::MAX;
/// How many events ahead the event loop asks for a person, and for the person's newest pending meeting (found
/// through the person, so nearer). Far enough to cover a trip to memory, near enough to stay in the cache.
const PERSON_LOOKAHEAD: usize = 32;
const NODE_LOOKAHEAD: usize = 16;
/// How many queued meetings ahead holding asks for the neighbours of a meeting on its person's list.
const NEIGHBOUR_LOOKAHEAD: usize = 8;
/// Emptied day lists kept for reuse.
const SPARE_EVENT_LISTS: usize = 4;

#[derive(Debug, Clone, Copy)]
struct Event {
    person: u32,
    generation: u32,
    /// Index of the meeting in the group's schedule, or [`EXIT`].
    meeting: u32,
    /// The person's exit day, which decides whether the next meeting is scheduled; carried here (the event
    /// list is read in order) so that a person fits in 16 bytes.
    exit: Day,
}

/// 16 bytes, so a person never straddles two cache lines.
#[derive(Debug, Clone, Copy)]
struct Person {
    arrival: Day,
    generation: u32,
    /// First node of the person's pending meetings.
    pending_head: u32,
    municipality: u16,
    group: u8,
}

const _: () = assert!(std::mem::size_of::<Person>() == 16);

/// Per-day capacity inputs shared by all municipalities.
#[derive(Debug, Clone, Copy, Default)]
struct DayStaffing {
    caseworkers_factor: f64,
    /// Statutory meetings one FTE can hold today (0 on closed days).
    meetings_per_fte: f64,
}

/// A run of one scenario with one seed.
pub struct Simulation<'a> {
    scenario: &'a Scenario,
    calendar: Calendar,
    warmup: usize,
    /// The next day to simulate.
    day: Day,
    rng: Pcg64,
    plans: Vec<GroupPlan>,
    durations: Vec<Vec<(Day, DurationSampler)>>,
    staffing: Vec<DayStaffing>,
    persons: Vec<Person>,
    free_persons: Vec<u32>,
    /// Per simulated day, in the order scheduled.
    events: Vec<Vec<Event>>,
    /// Emptied lists of past days, for days that have none yet.
    spare_events: Vec<Vec<Event>>,
    nodes: Nodes,
    /// `municipalities x classes`, where a class is all groups (earliest deadline) or one priority level.
    queues: Vec<DeadlineQueue>,
    class_of_group: Vec<usize>,
    classes: usize,
    /// `buckets x (municipality x groups + group)`: live pending meetings by deadline day. Day-major, so the
    /// counts one day touches (deadlines a few weeks ahead, and today's at the close) sit together.
    pending_at_deadline: Vec<u32>,
    buckets: usize,
    levels: Vec<Levels>,
    /// `municipalities x groups`: the arrival distribution last used, with its rate.
    arrival_distributions: Vec<(f64, Option<Poisson<f64>>)>,
    today: Vec<GroupDay>,
    carry: Vec<f64>,
    /// First day of the first suspension (`Day::MAX` without one): who was on benefit before it.
    suspension_origin: Day,
    series: Series,
    workload: Workload,
}

impl<'a> Simulation<'a> {
    /// Builds a run; nothing is simulated until [`step`](Self::step) or [`run`](Self::run).
    pub fn new(scenario: &'a Scenario, seed: u64) -> Self {
        let warmup = scenario.warmup_days as usize;
        let days = warmup + scenario.period_days();
        let calendar = Calendar::new(
            scenario.sim_start(),
            days,
            scenario.holidays,
            &scenario.closed_days,
        );
        let groups = scenario.groups.len();
        let municipalities = scenario.municipalities.len();
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
        let suspension_origin = scenario
            .suspensions
            .iter()
            .map(|s| calendar.day(s.start))
            .min()
            .unwrap_or(Day::MAX);
        // One bucket per simulated day, plus one for deadlines beyond the horizon.
        let buckets = days + 1;
        let mut simulation = Simulation {
            scenario,
            calendar,
            warmup,
            day: 0,
            rng: Pcg64::seed_from_u64(seed),
            plans,
            durations,
            staffing,
            persons: Vec::new(),
            free_persons: Vec::new(),
            events: (0..days).map(|_| Vec::new()).collect(),
            spare_events: Vec::new(),
            nodes: Nodes::default(),
            queues: (0..municipalities * classes)
                .map(|_| DeadlineQueue::with_days(buckets))
                .collect(),
            class_of_group,
            classes,
            pending_at_deadline: vec![0; municipalities * groups * buckets],
            buckets,
            levels: vec![Levels::default(); municipalities * groups],
            arrival_distributions: vec![(f64::NAN, None); municipalities * groups],
            today: vec![GroupDay::default(); municipalities * groups],
            carry: vec![0.0; municipalities],
            suspension_origin,
            workload: Workload::default(),
            series: Series::new(
                scenario.start,
                scenario.period_days(),
                municipalities,
                groups,
            ),
        };
        simulation.series.working = (0..scenario.period_days())
            .map(|d| simulation.calendar.is_working((warmup + d) as Day))
            .collect();
        simulation.seed_initial_stock();
        simulation
    }

    /// Number of simulated days, warm-up included.
    pub fn horizon(&self) -> Day {
        self.calendar.len() as Day
    }

    /// The date of the next day to simulate.
    pub fn today(&self) -> chrono::NaiveDate {
        self.calendar.date(self.day)
    }

    pub fn is_finished(&self) -> bool {
        self.day >= self.horizon()
    }

    /// Live totals over all municipalities and groups (after the last simulated day).
    pub fn levels(&self) -> Levels {
        self.levels.iter().fold(Levels::default(), |sum, l| Levels {
            active: sum.active + l.active,
            pending: sum.pending + l.pending,
            overdue: sum.overdue + l.overdue,
        })
    }

    /// The work done so far, warm-up included.
    pub fn workload(&self) -> Workload {
        self.workload
    }

    /// Simulates one day; returns false when the run is over.
    pub fn step(&mut self) -> bool {
        if self.is_finished() {
            return false;
        }
        let day = self.day;
        if day as usize == self.warmup {
            self.series.initial.copy_from_slice(&self.levels);
        }
        self.arrivals(day);
        self.process_events(day);
        if self.calendar.is_working(day) {
            self.hold_meetings(day);
        }
        self.close_day(day);
        self.day += 1;
        true
    }

    /// Simulates up to and including `date` (or to the end of the run).
    pub fn run_until(&mut self, date: chrono::NaiveDate) {
        let last = self.calendar.day(date);
        while self.day <= last && self.step() {}
    }

    /// Simulates to the end and returns the recorded series.
    pub fn run(mut self) -> Series {
        while self.step() {}
        self.series
    }

    fn group_count(&self) -> usize {
        self.scenario.groups.len()
    }

    fn duration_sampler(&self, group: usize, day: Day) -> DurationSampler {
        let list = &self.durations[group];
        list.iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map_or(list[0].1, |(_, s)| *s)
    }

    fn seed_initial_stock(&mut self) {
        for g in 0..self.group_count() {
            let group = &self.scenario.groups[g];
            if group.initial_stock <= 0.0 {
                continue;
            }
            let sampler = self.duration_sampler(g, 0);
            // Steady state: a stock member sits in a spell drawn length-biased, at a uniform point of it.
            let reference: Vec<u32> = match group.initial_age {
                InitialAge::SteadyState => (0..4096)
                    .map(|_| sampler.sample(&mut self.rng).unwrap_or(365))
                    .collect(),
                InitialAge::Buckets(_) => Vec::new(),
            };
            let length_biased = WeightedIndex::new(reference.iter().map(|&d| f64::from(d))).ok();
            let buckets = match &group.initial_age {
                InitialAge::Buckets(b) => b.clone(),
                InitialAge::SteadyState => Vec::new(),
            };
            let bucket_index = WeightedIndex::new(buckets.iter().map(|(_, share)| *share)).ok();
            for m in 0..self.scenario.municipalities.len() {
                let expected = group.initial_stock * self.scenario.municipalities[m].inflow_scale;
                let count =
                    expected.floor() as u64 + u64::from(self.rng.gen_bool(expected.fract()));
                for _ in 0..count {
                    let (age, remaining) = match (&length_biased, &bucket_index) {
                        (Some(index), _) => {
                            let spell = reference[index.sample(&mut self.rng)];
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
                    self.add_person(m, g, -(age as Day), remaining, 0);
                }
            }
        }
    }

    fn arrivals(&mut self, day: Day) {
        for m in 0..self.scenario.municipalities.len() {
            let scale = self.scenario.municipalities[m].inflow_scale;
            for g in 0..self.group_count() {
                let lambda = self.plans[g].inflow[day as usize] * scale;
                if lambda <= 0.0 {
                    continue;
                }
                let mg = m * self.group_count() + g;
                // Rates change on a few dates only; building the distribution costs a log-gamma, so keep it
                // while the rate is the same (same rate, same distribution, same draws).
                let (rate, poisson) = &mut self.arrival_distributions[mg];
                if rate.to_bits() != lambda.to_bits() {
                    *rate = lambda;
                    *poisson = Poisson::new(lambda).ok();
                }
                let count = poisson.map_or(0.0, |p| p.sample(&mut self.rng)) as u64;
                if count == 0 {
                    continue;
                }
                let sampler = self.duration_sampler(g, day);
                self.today[mg].arrivals += count as u32;
                for _ in 0..count {
                    let duration = sampler.sample(&mut self.rng);
                    self.add_person(m, g, day, duration, day);
                }
            }
        }
    }

    /// Creates a person who arrived on `arrival` (negative for the initial stock) and leaves `remaining` days
    /// after `today`; schedules their exit and their first meeting on or after `today`.
    fn add_person(&mut self, m: usize, g: usize, arrival: Day, remaining: Option<u32>, today: Day) {
        let exit = remaining.map_or(NEVER, |r| today.saturating_add(r as Day));
        let person = Person {
            arrival,
            generation: 0,
            pending_head: NIL,
            municipality: m as u16,
            group: g as u8,
        };
        let (index, person) = match self.free_persons.pop() {
            Some(index) => {
                let person = Person {
                    generation: self.persons[index as usize].generation,
                    ..person
                };
                self.persons[index as usize] = person;
                (index, person)
            }
            None => {
                // Node links tag a person index with the top bit.
                assert!(
                    self.persons.len() < PERSON as usize,
                    "too many persons for one run"
                );
                self.persons.push(person);
                ((self.persons.len() - 1) as u32, person)
            }
        };
        let generation = person.generation;
        let mg = m * self.group_count() + g;
        self.levels[mg].active += 1;
        if exit < self.horizon() {
            self.schedule(
                exit,
                Event {
                    person: index,
                    generation,
                    meeting: EXIT,
                    exit,
                },
            );
        }
        let plan = &self.plans[g];
        // The first meeting due on or after today; earlier ones belong to the time before the run.
        let mut k = 0;
        while let Some((due, _)) = plan.schedule.offsets(k) {
            if plan.day_of(arrival, due) >= today {
                break;
            }
            k += 1;
        }
        self.count_shifted(g, m, arrival, exit, today);
        self.schedule_meeting(index, person, k, exit);
    }

    /// For a `shift` group: counts as suspended the meetings that would have fallen due inside a dead period,
    /// on the day they would have fallen due.
    fn count_shifted(&mut self, g: usize, m: usize, arrival: Day, exit: Day, today: Day) {
        let Some(clock) = &self.plans[g].shift else {
            return;
        };
        let groups = self.group_count();
        let mut k = 0;
        while let Some((due, _)) = self.plans[g].schedule.offsets(k) {
            let unshifted = i64::from(arrival) + i64::from(due);
            if unshifted >= i64::from(exit.min(self.horizon())) {
                break;
            }
            let unshifted = unshifted as Day;
            if unshifted >= today && clock.is_dead(unshifted) {
                let reported = unshifted as usize;
                if reported >= self.warmup {
                    let row = (reported - self.warmup) * self.series.municipalities * groups
                        + m * groups
                        + g;
                    self.series.rows[row].suspended += 1;
                    if arrival < self.suspension_origin {
                        self.series.rows[row].suspended_existing += 1;
                    }
                }
            }
            k += 1;
        }
    }

    /// Puts meeting `k` of a person in the calendar, unless it falls on or after their exit or the horizon.
    fn schedule_meeting(&mut self, person: u32, p: Person, k: u32, exit: Day) {
        let generation = p.generation;
        let plan = &self.plans[p.group as usize];
        if let Some((due, _)) = plan.schedule.offsets(k) {
            let day = plan.day_of(p.arrival, due);
            if day < exit && day < self.horizon() {
                self.schedule(
                    day,
                    Event {
                        person,
                        generation,
                        meeting: k,
                        exit,
                    },
                );
            }
        }
    }

    fn process_events(&mut self, day: Day) {
        // Events scheduled for today while today's run (a meeting due on the day of the one before) form the
        // next batch.
        loop {
            let batch = std::mem::take(&mut self.events[day as usize]);
            if batch.is_empty() {
                break;
            }
            for (i, event) in batch.iter().enumerate() {
                // Each event reads its person, and most then touch the person's newest pending meeting; both are
                // random reads into large slabs, so ask for them a few events ahead.
                if let Some(ahead) = batch.get(i + PERSON_LOOKAHEAD) {
                    prefetch(&self.persons, ahead.person as usize);
                }
                if let Some(ahead) = batch.get(i + NODE_LOOKAHEAD) {
                    if let Some(person) = self.persons.get(ahead.person as usize) {
                        self.nodes.prefetch(person.pending_head);
                    }
                }
                let person = self.persons[event.person as usize];
                if person.generation != event.generation {
                    continue;
                }
                if event.meeting == EXIT {
                    self.exit(event.person, day);
                } else {
                    self.meeting_due(event.person, event.meeting, event.exit, day);
                }
            }
            self.recycle_events(batch);
        }
    }

    /// Keeps a processed day's list for a later day, so the calendar does not grow each day's list from
    /// nothing; a few spares are enough, the rest are freed so memory does not grow with the days simulated.
    fn recycle_events(&mut self, mut list: Vec<Event>) {
        if self.spare_events.len() < SPARE_EVENT_LISTS {
            list.clear();
            self.spare_events.push(list);
        }
    }

    fn schedule(&mut self, day: Day, event: Event) {
        let list = &mut self.events[day as usize];
        if list.capacity() == 0 {
            if let Some(spare) = self.spare_events.pop() {
                *list = spare;
            }
        }
        list.push(event);
    }

    fn exit(&mut self, index: u32, day: Day) {
        let person = self.persons[index as usize];
        let mg = person.municipality as usize * self.group_count() + person.group as usize;
        let mut node_index = person.pending_head;
        while node_index != NIL {
            let node = *self.nodes.get(node_index);
            self.nodes.get_mut(node_index).alive = false;
            self.forget_pending(mg, node.deadline, day);
            self.today[mg].dropped += 1;
            node_index = node.next;
        }
        self.levels[mg].active -= 1;
        self.today[mg].exits += 1;
        let slot = &mut self.persons[index as usize];
        slot.generation = slot.generation.wrapping_add(1);
        slot.pending_head = NIL;
        self.free_persons.push(index);
    }

    fn bucket(&self, deadline: Day) -> usize {
        (deadline.max(0) as usize).min(self.buckets - 1)
    }

    /// Removes one pending meeting from the counts (it was held or dropped on `day`).
    fn forget_pending(&mut self, mg: usize, deadline: Day, day: Day) {
        let bucket = self.bucket(deadline);
        self.pending_at_deadline[bucket * self.levels.len() + mg] -= 1;
        self.levels[mg].pending -= 1;
        if deadline < day {
            self.levels[mg].overdue -= 1;
        }
    }

    fn meeting_due(&mut self, index: u32, k: u32, exit: Day, day: Day) {
        let person = self.persons[index as usize];
        let (g, m) = (person.group as usize, person.municipality as usize);
        let mg = m * self.group_count() + g;
        let plan = &self.plans[g];
        let (_, deadline_offset) = plan.schedule.offsets(k).expect("scheduled meetings exist");
        let mut deadline = plan.day_of(person.arrival, deadline_offset);
        let action = plan.action[day as usize];
        self.today[mg].due += 1;
        if action != DueAction::Normal && person.arrival < self.suspension_origin {
            self.today[mg].suspended_existing += 1;
        }
        match action {
            DueAction::Normal => {}
            DueAction::Waive => {
                self.today[mg].waived += 1;
                self.today[mg].suspended += 1;
            }
            DueAction::CatchUp(by) => {
                self.today[mg].suspended += 1;
                deadline = deadline.max(by);
            }
        }
        if action != DueAction::Waive {
            let node = self.nodes.alloc(Node {
                deadline,
                prev: PERSON | index,
                next: person.pending_head,
                group: g as u8,
                alive: true,
            });
            if person.pending_head != NIL {
                self.nodes.get_mut(person.pending_head).prev = node;
            }
            self.persons[index as usize].pending_head = node;
            let bucket = self.bucket(deadline);
            self.pending_at_deadline[bucket * self.levels.len() + mg] += 1;
            self.levels[mg].pending += 1;
            self.queues[m * self.classes + self.class_of_group[g]].push(bucket, node);
        }
        self.schedule_meeting(index, person, k + 1, exit);
    }

    fn capacity(&self, m: usize, day: Day) -> (f64, f64) {
        let staffing = self.staffing[day as usize];
        let caseworkers = self.scenario.municipalities[m].caseworkers * staffing.caseworkers_factor;
        (caseworkers, caseworkers * staffing.meetings_per_fte)
    }

    fn hold_meetings(&mut self, day: Day) {
        let groups = self.group_count();
        for m in 0..self.scenario.municipalities.len() {
            let (_, capacity) = self.capacity(m, day);
            let available = capacity + self.carry[m];
            let mut slots = available.floor() as u64;
            self.carry[m] = available - slots as f64;
            for class in 0..self.classes {
                while slots > 0 {
                    let queue = &mut self.queues[m * self.classes + class];
                    let Some(node_index) = queue.pop(&mut self.nodes) else {
                        break;
                    };
                    // Holding a meeting unlinks it from its person's list: ask for the neighbours of a meeting
                    // a few places on (its node was asked for by the queue, further ahead).
                    if let Some(ahead) = queue.peek(NEIGHBOUR_LOOKAHEAD) {
                        let node = self.nodes.get(ahead);
                        if node.prev & PERSON != 0 {
                            prefetch(&self.persons, (node.prev & !PERSON) as usize);
                        } else {
                            self.nodes.prefetch(node.prev);
                        }
                        self.nodes.prefetch(node.next);
                    }
                    slots -= 1;
                    let node = *self.nodes.get(node_index);
                    let mg = m * groups + node.group as usize;
                    self.forget_pending(mg, node.deadline, day);
                    self.today[mg].held += 1;
                    if day <= node.deadline {
                        self.today[mg].held_on_time += 1;
                    }
                    // Unlink from the person's list.
                    if node.prev & PERSON != 0 {
                        self.persons[(node.prev & !PERSON) as usize].pending_head = node.next;
                    } else {
                        self.nodes.get_mut(node.prev).next = node.next;
                    }
                    if node.next != NIL {
                        self.nodes.get_mut(node.next).prev = node.prev;
                    }
                    self.nodes.release(node_index);
                }
            }
        }
    }

    fn close_day(&mut self, day: Day) {
        let groups = self.group_count();
        let municipalities = self.scenario.municipalities.len();
        let bucket = self.bucket(day);
        let cells = municipalities * groups;
        let falling_overdue = &self.pending_at_deadline[bucket * cells..(bucket + 1) * cells];
        for (levels, &count) in self.levels.iter_mut().zip(falling_overdue) {
            levels.overdue += count;
        }
        let active = self.levels.iter().map(|l| u64::from(l.active)).sum();
        self.workload.add_day(&self.today, active);
        if (day as usize) < self.warmup {
            self.today.fill(GroupDay::default());
            return;
        }
        let reported = day as usize - self.warmup;
        let base = reported * municipalities * groups;
        for mg in 0..municipalities * groups {
            let mut row = self.today[mg];
            row.suspended += self.series.rows[base + mg].suspended;
            row.suspended_existing += self.series.rows[base + mg].suspended_existing;
            row.active = self.levels[mg].active;
            row.pending = self.levels[mg].pending;
            row.overdue = self.levels[mg].overdue;
            self.series.rows[base + mg] = row;
        }
        for m in 0..municipalities {
            let (caseworkers, capacity) = self.capacity(m, day);
            self.series.municipality_rows[reported * municipalities + m] = MunicipalityDay {
                caseworkers,
                capacity,
            };
        }
        self.today.fill(GroupDay::default());
    }
}

fn day_staffing(scenario: &Scenario, calendar: &Calendar, day: Day) -> DayStaffing {
    let date = calendar.date(day);
    let level = scenario.staffing.level.at(date);
    if !calendar.is_working(day) {
        return DayStaffing {
            caseworkers_factor: level.caseworkers_factor,
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
        meetings_per_fte: per_fte,
    }
}

/// The seed of replication `replication` of a run with base seed `seed`: replication 0 uses the seed itself,
/// the others a SplitMix64 mix of both, so replications are independent streams and stable across releases.
pub fn replication_seed(seed: u64, replication: u32) -> u64 {
    if replication == 0 {
        return seed;
    }
    let mut z = seed ^ u64::from(replication).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
