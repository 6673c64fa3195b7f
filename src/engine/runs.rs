//! Runs of persons: persons of one group whose meetings fall due on the same days with the same deadlines,
//! whose meeting is one event in the agenda and is handled for them all at once.

use super::calendar::Day;
use super::due::Due;
use super::event::Event;
use super::jobcentre::{Jobcentre, PERSON_LOOKAHEAD};
pub(super) use super::members::{Member, Run};
use super::person::make_pending;
use super::plan::DueAction;
use super::prefetch::prefetch;
use super::rules::Rules;

impl Jobcentre {
    /// A free run's index; its member list is empty.
    pub(super) fn new_run(&mut self) -> u32 {
        self.free_runs.pop().unwrap_or_else(|| {
            self.runs.push(Run::default());
            (self.runs.len() - 1) as u32
        })
    }

    /// Frees run `run`, giving back its (emptied) member list.
    pub(super) fn free_run(&mut self, run: u32, mut members: Vec<Member>) {
        members.clear();
        self.runs[run as usize].members = members;
        self.free_runs.push(run);
    }

    /// Puts meeting `k` of `members` (persons of group `g` who arrived on `arrival`, in the order their meetings
    /// are scheduled), due on `due` before each one's exit and before the horizon, in the calendar: as the
    /// meeting of run `run`, or of the one person, or not at all; run `run` is freed unless it is used. Without
    /// runs ([`Jobcentre::gathers_runs`]) each member's meeting is put in the calendar alone, in the same place and order.
    pub(super) fn schedule_members(
        &mut self,
        run: u32,
        g: usize,
        arrival: Day,
        k: u32,
        due: Day,
        members: Vec<Member>,
    ) {
        match members[..] {
            [] => self.free_run(run, members),
            [member] => {
                self.agenda.schedule(due, Event::alone(member, k));
                self.free_run(run, members);
            }
            _ if !self.gathers_runs => {
                for &member in &members {
                    self.agenda.schedule(due, Event::alone(member, k));
                }
                self.free_run(run, members);
            }
            _ => {
                self.runs[run as usize] = Run {
                    arrival,
                    group: g as u8,
                    members,
                };
                self.agenda.schedule(due, Event::run(run, k));
            }
        }
    }

    /// Meeting `k` of every member of run `run` falls due, as [`meeting_due`](Self::meeting_due) has it for
    /// one person, member after member; what is the same for them all is worked out once.
    #[inline(never)]
    pub(super) fn run_meeting_due(&mut self, rules: &Rules, run: u32, k: u32, day: Day) {
        let mut members = std::mem::take(&mut self.runs[run as usize].members);
        let Run { arrival, group, .. } = self.runs[run as usize];
        let g = usize::from(group);
        let plan = &rules.plans[g];
        let origin = plan.clock_origin(arrival);
        let (_, deadline_offset) = plan.schedule.offsets(k).expect("scheduled meetings exist");
        let deadline = plan.day_at(origin, deadline_offset);
        let action = plan.action[day as usize];
        let count = members.len() as u32;
        let before = self.today[g];
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
        #[cfg(debug_assertions)]
        self.check_run(rules, run, &members, k, day, deadline, next);
        if self.akasse.is_some() {
            // Members' meetings may be held by different sides (a takeover): each falls due on its own.
            let existing = arrival < rules.suspension_origin;
            // `Due::of` above counted them as the jobcentre's: the sides count them instead.
            self.today[g] = before;
            for member in &members {
                let k = k.wrapping_add(member.skew);
                self.fall_due_on_side(rules, g, member.person, k, deadline, day, existing);
            }
        } else if action != DueAction::Waive {
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
    /// Checks, in debug builds, that run `run` (its `members` taken out) stands for what each member's own meeting
    /// `k + skew`, falling due today, would do alone: every member is of the run's group, still on benefit, in
    /// step with the run's spell clock (today, the run's deadline `deadline` and its next meeting's day `next`),
    /// counted as existing exactly when the run is, and members come in the order they were created, which is the
    /// order their meetings would have been scheduled alone.
    #[cfg(debug_assertions)]
    #[allow(clippy::too_many_arguments)]
    fn check_run(
        &self,
        rules: &Rules,
        run: u32,
        members: &[Member],
        k: u32,
        day: Day,
        deadline: Day,
        next: Option<Day>,
    ) {
        let Run { arrival, group, .. } = self.runs[run as usize];
        let plan = &rules.plans[usize::from(group)];
        let existing = arrival < rules.suspension_origin;
        let mut created = None;
        for member in members {
            let person = self.persons[member.person as usize];
            assert_eq!(person.group, group, "a member of another group");
            assert!(day < member.exit, "a member who has left");
            let k = k.wrapping_add(member.skew);
            let (due, until) = plan.schedule.offsets(k).expect("a scheduled meeting");
            assert_eq!(
                plan.day_of(person.clock_start, due),
                day,
                "a member out of step"
            );
            assert_eq!(
                plan.day_of(person.clock_start, until),
                deadline,
                "a member with another deadline"
            );
            let own_next = plan
                .schedule
                .offsets(k + 1)
                .map(|(due, _)| plan.day_of(person.clock_start, due))
                .filter(|&due| due < rules.horizon);
            assert_eq!(
                own_next, next,
                "a member whose next meeting is on another day"
            );
            assert_eq!(
                person.existing(),
                existing,
                "a member existing when the run is not, or the other way round"
            );
            let born = self.born[member.person as usize];
            assert!(
                created < Some(born),
                "members out of the order they were created"
            );
            created = Some(born);
        }
    }
}
