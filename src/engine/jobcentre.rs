//! One jobcentre's day: its state, and the steps of a simulated day in order (events, release, holding,
//! close), each writing the day's flows and levels.

use super::agenda::Agenda;
use super::akasse_side::AkasseSide;
use super::calendar::Day;
use super::due::Due;
use super::event::{Event, EventKind};
use super::members::Run;
use super::metrics::{GroupDay, Levels, MunicipalityDay, MunicipalitySeries, Workload};
use super::person::{make_pending, take_person, HeldCount, Pending, Person};
use super::plan::{DueAction, GroupPlan};
use super::prefetch::prefetch;
use super::queue::DeadlineQueue;
use super::rules::Rules;
use super::shape::Shape;
use super::stream_seed;
use crate::scenario::MAX_GROUPS;
use rand::SeedableRng;
use rand_distr::Poisson;
use rand_pcg::Pcg64;
use std::collections::HashMap;

/// A person who never leaves.
pub(super) const NEVER: Day = Day::MAX;
/// How many events ahead the event loop asks for a person. Far enough to cover a trip to memory, near enough
/// to stay in the cache.
pub(super) const PERSON_LOOKAHEAD: usize = 32;
/// How many queued meetings ahead holding asks for the meeting's person.
pub(super) const QUEUE_LOOKAHEAD: usize = 16;

/// One municipality's jobcentre: its people, their pending meetings and its own random stream.
pub(super) struct Jobcentre {
    /// The rules' sizes its tables were made for.
    pub(super) shape: Shape,
    pub(super) municipality: usize,
    pub(super) rng: Pcg64,
    pub(super) persons: Vec<Person>,
    pub(super) free_persons: Vec<u32>,
    /// Future meetings falling due, by day.
    pub(super) agenda: Agenda<Event>,
    /// Per day: the slots of the persons who leave on it (kept after the day, for their capacity).
    pub(super) exits: Vec<Vec<u32>>,
    /// Runs whose next meeting is in the agenda, and free ones (their member lists keep their capacity).
    pub(super) runs: Vec<Run>,
    pub(super) free_runs: Vec<u32>,
    /// While the initial stock of a group is drawn: the runs gathering it, with the meeting the first member of
    /// each has and the day it falls due. First by phase of the follow-ups (twice the interval: whether on benefit before the suspension
    /// or not), then by day of arrival.
    pub(super) in_step: Vec<Option<(u32, u32, Day)>>,
    /// Per person (by slot): pending meetings that did not fit in the person's bits, rarely any.
    pub(super) spilled: HashMap<u32, Vec<u32>>,
    /// One per class, where a class is all groups (earliest deadline) or one priority level.
    pub(super) queues: Vec<DeadlineQueue<Pending>>,
    /// `buckets x groups`: live pending meetings by deadline day. Day-major, so the counts one day touches
    /// (deadlines a few weeks ahead, and today's at the close) sit together.
    pub(super) pending_at_deadline: Vec<u32>,
    /// Per group.
    pub(super) levels: Vec<Levels>,
    /// Per group: the arrival distribution last used, with its rate.
    pub(super) arrival_distributions: Vec<(f64, Option<Poisson<f64>>)>,
    /// Per group: today's flows.
    pub(super) today: Vec<GroupDay>,
    /// Fractional capacity carried to the next working day.
    pub(super) carry: f64,
    /// Caught-up meetings waiting for the day they may be held from (`catch_up_from`, even pacing), by that
    /// day: pending, but not yet in a deadline queue.
    pub(super) parked: Vec<Vec<Pending>>,
    /// Per group and evenly paced catch-up rule: how many meetings have been dealt out to its days.
    pub(super) dealt: Vec<Vec<u32>>,
    /// Whether persons whose meetings fall due together are gathered into runs ([`Rules::runs`]).
    pub(super) gathers_runs: bool,
    /// The a-kasse side, with an `[akasse]` section.
    pub(super) akasse: Option<Box<AkasseSide>>,
    /// Debug builds, per slot: the number of persons created in the municipality before the one in it (runs
    /// keep their members in this order).
    #[cfg(debug_assertions)]
    pub(super) born: Vec<u64>,
    #[cfg(debug_assertions)]
    pub(super) created: u64,
}

impl Jobcentre {
    /// An empty jobcentre; [`start`](Self::start) gives it a municipality.
    pub(super) fn new(rules: &Rules) -> Self {
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
            gathers_runs: rules.runs,
            akasse: rules.has_akasse().then(|| Box::new(AkasseSide::new(rules))),
            #[cfg(debug_assertions)]
            born: Vec::new(),
            #[cfg(debug_assertions)]
            created: 0,
        }
    }

    /// Makes this the jobcentre of `municipality` on the day before the first, with its initial stock and its
    /// stream keyed by the municipality's code; whatever it held before is forgotten, its memory kept.
    pub(super) fn start(
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
        self.gathers_runs = rules.runs;
        if let Some(akasse) = &mut self.akasse {
            akasse.clear();
        }
        #[cfg(debug_assertions)]
        {
            self.born.clear();
            self.created = 0;
        }
        self.seed_initial_stock(rules, series);
    }

    /// Simulates `day`.
    pub(super) fn step(
        &mut self,
        rules: &Rules,
        day: Day,
        series: &mut MunicipalitySeries,
        workload: Option<&mut Workload>,
    ) {
        if day as usize == rules.warmup {
            series.initial_mut().copy_from_slice(&self.levels);
            if let Some(akasse) = &self.akasse {
                *series.akasse_initial_mut() = akasse.levels;
            }
        }
        self.agenda.open(day);
        self.arrivals(rules, day, series);
        self.process_events(rules, day);
        self.release_parked(rules, day);
        let carried_in = self.carry;
        if self.akasse.is_none() {
            if rules.calendar.is_working(day) {
                self.hold_meetings(rules, day);
            }
            self.close_day(rules, day, series, workload, carried_in);
            return;
        }
        let akasse_carried_in = self.akasse_carry();
        if rules.calendar.is_working(day) {
            self.hold_on_both_sides(rules, day);
        }
        self.close_day(rules, day, series, workload, carried_in);
        self.close_akasse_day(rules, day, series, akasse_carried_in);
    }

    #[inline(never)]
    pub(super) fn process_events(&mut self, rules: &Rules, day: Day) {
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
                    prefetch(&self.persons, ahead.slot() as usize);
                }
                match event.kind() {
                    EventKind::Alone {
                        person,
                        meeting,
                        exit,
                    } => self.meeting_due(rules, person, meeting, exit, day),
                    EventKind::Run { run, meeting } => {
                        self.run_meeting_due(rules, run, meeting, day)
                    }
                }
            }
            self.agenda.recycle(batch);
        }
    }

    pub(super) fn exit(&mut self, rules: &Rules, index: u32, day: Day) {
        let person = self.persons[index as usize];
        let g = person.group as usize;
        if person.pending != 0 || person.spilled() {
            self.drop_all_pending(rules, index, person, day);
        }
        self.levels[g].active -= 1;
        self.today[g].exits += 1;
        let slot = &mut self.persons[index as usize];
        slot.generation = slot.generation.wrapping_add(1);
        slot.pending = 0;
        slot.set_spilled(false);
        self.free_persons.push(index);
    }

    /// Drops every pending meeting of the person in slot `index`, who leaves on `day`.
    #[inline(never)]
    pub(super) fn drop_all_pending(&mut self, rules: &Rules, index: u32, person: Person, day: Day) {
        let g = person.group as usize;
        let plan = &rules.plans[g];
        let spilled = match person.spilled() {
            true => self.spilled.remove(&index).unwrap_or_default(),
            false => Vec::new(),
        };
        if self.akasse.is_some() {
            for k in person.meetings_in_bits().chain(spilled) {
                self.drop_on_side(rules, g, index, person.clock_start, k, day);
            }
            return;
        }
        for k in person.meetings_in_bits().chain(spilled) {
            self.drop_pending(rules, g, plan.deadline(person.clock_start, k), day);
        }
    }

    /// Counts a pending meeting of group `g` as dropped on `day`, and removes it from the counts by deadline (the
    /// pending level follows from the day's flows when it closes).
    pub(super) fn drop_pending(&mut self, rules: &Rules, g: usize, deadline: Day, day: Day) {
        self.today[g].dropped += 1;
        let bucket = rules.bucket(deadline);
        self.pending_at_deadline[bucket * self.levels.len() + g] -= 1;
        if deadline < day {
            self.levels[g].overdue -= 1;
        }
    }

    /// Meeting `k` of the person in slot `index`, who leaves on `exit`, falls due.
    #[inline(always)]
    pub(super) fn meeting_due(&mut self, rules: &Rules, index: u32, k: u32, exit: Day, day: Day) {
        if self.akasse.is_some() {
            let person = self.persons[index as usize];
            let g = person.group as usize;
            let plan = &rules.plans[g];
            let origin = plan.clock_origin(person.clock_start);
            let (_, deadline_offset) = plan.schedule.offsets(k).expect("scheduled meetings exist");
            let deadline = plan.day_at(origin, deadline_offset);
            let existing = person.existing();
            self.fall_due_on_side(rules, g, index, k, deadline, day, existing);
            schedule_meeting(&mut self.agenda, rules, plan, origin, index, k + 1, exit);
            return;
        }
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
        let person = persons[index as usize];
        let g = person.group as usize;
        let plan = &rules.plans[g];
        let origin = plan.clock_origin(person.clock_start);
        let (_, deadline_offset) = plan.schedule.offsets(k).expect("scheduled meetings exist");
        let action = plan.action[day as usize];
        let due = Due::of(
            &mut today[g],
            action,
            person.existing(),
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
        schedule_meeting(agenda, rules, plan, origin, index, k + 1, exit);
    }

    /// Puts the caught-up meetings that may be held from today into their deadline queues (those whose person
    /// has left meanwhile were dropped then).
    pub(super) fn release_parked(&mut self, rules: &Rules, day: Day) {
        let Some(list) = self.parked.get_mut(day as usize) else {
            return;
        };
        if list.is_empty() {
            return;
        }
        for entry in std::mem::take(list) {
            let person = self.persons[entry.person as usize];
            if person.generation == entry.generation && self.akasse.is_some() {
                self.release_on_side(rules, entry, person);
            } else if person.generation == entry.generation {
                let plan = &rules.plans[person.group as usize];
                let deadline = plan.deadline(person.clock_start, entry.meeting);
                let class = rules.class_of_group[person.group as usize];
                self.queues[class].push(deadline, entry);
            }
        }
    }

    #[inline(never)]
    pub(super) fn hold_meetings(&mut self, rules: &Rules, day: Day) {
        let (_, capacity) = rules.capacity(self.municipality, day);
        let available = capacity + self.carry;
        let mut slots = available.floor() as u64;
        self.carry = available - slots as f64;
        // The state touched per meeting, as local slices: their bounds stay in registers.
        let groups = self.levels.len();
        let persons = &mut self.persons[..];
        let spilled = &mut self.spilled;
        // Meetings held of one deadline day, by group.
        let mut held = [HeldCount::default(); MAX_GROUPS];
        let held = &mut held[..groups];
        for queue in &mut self.queues[..rules.classes] {
            while slots > 0 {
                let taken = queue.take_earliest::<QUEUE_LOOKAHEAD>(slots, |entry, ahead| {
                    // Holding a meeting updates its person: ask for the person of a meeting a few places on.
                    if let Some(ahead) = ahead {
                        prefetch(persons, ahead.person as usize);
                    }
                    // A person who has left had the meeting dropped then.
                    take_person(persons, spilled, entry, day, held)
                });
                let Some((deadline, count)) = taken else {
                    break;
                };
                slots -= count;
                // As `drop_pending` does for a dropped meeting, for every meeting of that deadline held.
                let bucket = rules.bucket(deadline) * groups;
                let counts = &mut self.pending_at_deadline[bucket..bucket + groups];
                for (g, count) in held.iter_mut().enumerate() {
                    let n = count.all;
                    if n == 0 {
                        continue;
                    }
                    counts[g] -= n;
                    if deadline < day {
                        self.levels[g].overdue -= n;
                    }
                    self.today[g].held += n;
                    self.today[g].held_early += count.early;
                    if day <= deadline {
                        self.today[g].held_on_time += n;
                    }
                    *count = HeldCount::default();
                }
            }
        }
    }

    pub(super) fn close_day(
        &mut self,
        rules: &Rules,
        day: Day,
        series: &mut MunicipalitySeries,
        workload: Option<&mut Workload>,
        carried_in: f64,
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
                carried_in,
            };
        }
        self.today.fill(GroupDay::default());
    }
}

/// The first meeting due on or after `today` of a person who arrived on `arrival`, and its day, if that is
/// before the horizon. Earlier ones belong to the time before the run.
pub(super) fn first_meeting(
    rules: &Rules,
    plan: &GroupPlan,
    arrival: Day,
    today: Day,
) -> Option<(u32, Day)> {
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
pub(super) fn schedule_meeting(
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
            agenda.schedule(day, Event::person(person, k, exit));
        }
    }
}
