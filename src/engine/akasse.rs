//! The a-kasse side of a municipality, with an `[akasse]` section: its own capacity, the meetings it holds
//! alone, and the joint meetings that need a caseworker from each side on the same day.
//!
//! Without an `[akasse]` section none of this runs: every meeting is the jobcentre's, as it always was. With
//! one, each meeting falling due goes to the side that holds it ([`Rules::side`]): a jobcentre meeting to the
//! jobcentre's deadline queue, an a-kasse meeting to the a-kasse's, a joint one to a third queue. The joint
//! meetings count on both sides (due, held, pending, overdue). Each working day both sides' capacity is spent
//! in one pass over the three queues in deadline order ([`Jobcentre::hold_on_both_sides`], docs/model.md).

use super::akasse_side::AkasseSide;
use super::calendar::Day;
use super::due::Due;
use super::jobcentre::{Jobcentre, QUEUE_LOOKAHEAD};
use super::metrics::{AkasseDay, GroupDay, MunicipalitySeries};
use super::person::{make_pending, take_person, HeldCount, Pending, Person};
use super::plan::DueAction;
use super::rules::Rules;
use crate::scenario::HeldBy;

/// Which queue a side's meetings wait in, and which is served first on a tie of deadlines: the joint meetings,
/// which need both sides, then the jobcentre's and the a-kasse's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Lane {
    Joint,
    Jobcentre,
    Akasse,
}

impl Jobcentre {
    fn akasse(&mut self) -> &mut AkasseSide {
        self.akasse.as_mut().expect("an a-kasse side")
    }

    /// Whether the a-kasse took over the first meetings of the person in slot `index`.
    pub(super) fn taken_over(&self, index: u32) -> bool {
        self.akasse.as_ref().is_some_and(|a| a.is_taken_over(index))
    }

    /// A new spell of group `g` in slot `index`, starting on `arrival`: whether a takeover in force takes over
    /// its first meetings. The share is met exactly and without a random draw: of the spells starting in a
    /// takeover's window, the n-th (from 0) is taken over when `floor((n + 1) * share)` passes `floor(n * share)`,
    /// so the other draws of the run are those it would have without the takeover.
    pub(super) fn mark_takeover(&mut self, rules: &Rules, g: usize, index: u32, arrival: Day) {
        let side = self.akasse();
        let mut taken = false;
        for (t, &(from, to, share, _)) in rules.takeovers[g].iter().enumerate() {
            if arrival < from || arrival > to {
                continue;
            }
            let n = side.takeover_count[g][t];
            side.takeover_count[g][t] += 1;
            taken = ((n + 1) as f64 * share).floor() > (n as f64 * share).floor();
        }
        side.set_taken_over(index, taken);
    }

    /// Meeting `k` of the person in slot `index` (of group `g`) falls due on `day` with deadline `deadline`, on
    /// the side that holds it; `existing`: the person was on benefit before the first suspension.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fall_due_on_side(
        &mut self,
        rules: &Rules,
        g: usize,
        index: u32,
        k: u32,
        deadline: Day,
        day: Day,
        existing: bool,
    ) {
        let side = rules.side(g, k, self.taken_over(index));
        let plan = &rules.plans[g];
        let action = plan.action_of(side, day);
        let Jobcentre {
            persons,
            spilled,
            queues,
            pending_at_deadline,
            levels,
            today,
            parked,
            dealt,
            akasse,
            ..
        } = self;
        let akasse = akasse.as_mut().expect("an a-kasse side");
        let due = match side {
            HeldBy::Jobcentre => Due::of(&mut today[g], action, existing, 1, deadline, day),
            HeldBy::Akasse => Due::of(&mut akasse.today, action, existing, 1, deadline, day),
            HeldBy::Joint => {
                Due::of(&mut akasse.today, action, existing, 1, deadline, day);
                Due::of(&mut today[g], action, existing, 1, deadline, day)
            }
        };
        if action == DueAction::Waive {
            return;
        }
        let entry = make_pending(persons, spilled, index, k);
        let bucket = rules.bucket(due.deadline);
        if side != HeldBy::Akasse {
            pending_at_deadline[bucket * levels.len() + g] += 1;
        }
        if side != HeldBy::Jobcentre {
            akasse.pending_at_deadline[bucket] += 1;
        }
        let class = rules.class_of_group[g];
        let queue = match side {
            HeldBy::Jobcentre => &mut queues[class],
            HeldBy::Akasse => &mut akasse.queues[class],
            HeldBy::Joint => {
                akasse.joint_pending += 1;
                &mut akasse.joint[class]
            }
        };
        due.queue_or_park(entry, plan, &mut dealt[g], parked, queue, day);
    }

    /// A caught-up meeting held back until today joins the queue of the side that holds it.
    pub(super) fn release_on_side(&mut self, rules: &Rules, entry: Pending, person: Person) {
        let g = person.group as usize;
        let side = rules.side(g, entry.meeting, self.taken_over(entry.person));
        let deadline = rules.plans[g].deadline_of(person.clock_start, entry.meeting, side);
        let class = rules.class_of_group[g];
        let queue = match side {
            HeldBy::Jobcentre => &mut self.queues[class],
            HeldBy::Akasse => &mut self.akasse().queues[class],
            HeldBy::Joint => &mut self.akasse().joint[class],
        };
        queue.push(deadline, entry);
    }

    /// Drops pending meeting `k` of a person of group `g` who arrived on `arrival` and leaves on `day`, on the
    /// side or sides that hold it.
    pub(super) fn drop_on_side(
        &mut self,
        rules: &Rules,
        g: usize,
        index: u32,
        arrival: Day,
        k: u32,
        day: Day,
    ) {
        let side = rules.side(g, k, self.taken_over(index));
        let deadline = rules.plans[g].deadline_of(arrival, k, side);
        if side != HeldBy::Akasse {
            self.drop_pending(rules, g, deadline, day);
        }
        if side != HeldBy::Jobcentre {
            let akasse = self.akasse();
            akasse.today.dropped += 1;
            akasse.remove_pending(rules, deadline, day);
            if side == HeldBy::Joint {
                akasse.joint_pending -= 1;
            }
        }
    }

    /// Spends both sides' capacity of `day` (a working day). One pass over the three queues in deadline order:
    /// the earliest meeting either side may still hold comes first, a joint one only while both sides have a
    /// meeting's capacity left (on a tie, joint meetings first, then the jobcentre's, then the a-kasse's). Each
    /// side thus holds its meetings earliest deadline first, a joint meeting takes one unit from each side on
    /// the same day, and no meeting waits for another: the pass ends when no side can hold anything more.
    /// Classes (group priority) are served in order, each in one such pass.
    #[inline(never)]
    pub(super) fn hold_on_both_sides(&mut self, rules: &Rules, day: Day) {
        let (_, capacity) = rules.capacity(self.municipality, day);
        let available = capacity + self.carry;
        let mut jobcentre = available.floor() as u64;
        self.carry = available - jobcentre as f64;
        let (_, capacity) = rules.akasse_capacity(self.municipality, day);
        let side = self.akasse();
        let available = capacity + side.carry;
        let mut akasse = available.floor() as u64;
        side.carry = available - akasse as f64;
        let groups = self.levels.len();
        for class in 0..rules.classes {
            loop {
                let side = self.akasse.as_mut().expect("an a-kasse side");
                let heads = [
                    (jobcentre > 0 && akasse > 0)
                        .then(|| side.joint[class].earliest())
                        .flatten()
                        .map(|d| (d, Lane::Joint)),
                    (jobcentre > 0)
                        .then(|| self.queues[class].earliest())
                        .flatten()
                        .map(|d| (d, Lane::Jobcentre)),
                    (akasse > 0)
                        .then(|| side.queues[class].earliest())
                        .flatten()
                        .map(|d| (d, Lane::Akasse)),
                ];
                let Some(&(_, lane)) = heads.iter().flatten().min() else {
                    break;
                };
                // Take from `lane` up to the next lane's head: ties go to the lane served first.
                let last = heads
                    .iter()
                    .flatten()
                    .filter(|(_, other)| *other != lane)
                    .map(|&(d, other)| if other < lane { d - 1 } else { d })
                    .min()
                    .unwrap_or(Day::MAX);
                let max = match lane {
                    Lane::Joint => jobcentre.min(akasse),
                    Lane::Jobcentre => jobcentre,
                    Lane::Akasse => akasse,
                };
                let taken = self.take_lane(rules, lane, class, max, last, day, groups);
                if let Some(count) = taken {
                    if lane != Lane::Akasse {
                        jobcentre -= count;
                    }
                    if lane != Lane::Jobcentre {
                        akasse -= count;
                    }
                }
            }
        }
        let side = self.akasse();
        if side.joint_pending > 0 {
            if jobcentre == 0 {
                side.waited_jobcentre += side.joint_pending;
            }
            if akasse == 0 {
                side.waited_akasse += side.joint_pending;
            }
        }
    }

    /// Takes up to `max` meetings of the earliest deadline (not after `last`) from `lane`'s queue of `class`,
    /// and counts them held on the sides that hold them. `None` when there was none to take.
    #[allow(clippy::too_many_arguments)]
    fn take_lane(
        &mut self,
        rules: &Rules,
        lane: Lane,
        class: usize,
        max: u64,
        last: Day,
        day: Day,
        groups: usize,
    ) -> Option<u64> {
        let Jobcentre {
            persons,
            spilled,
            queues,
            pending_at_deadline,
            levels,
            today,
            akasse,
            ..
        } = self;
        let akasse = akasse.as_mut().expect("an a-kasse side");
        let mut held = [HeldCount::default(); crate::scenario::MAX_GROUPS];
        let queue = match lane {
            Lane::Joint => &mut akasse.joint[class],
            Lane::Jobcentre => &mut queues[class],
            Lane::Akasse => &mut akasse.queues[class],
        };
        let (deadline, count) =
            queue.take_earliest_by::<QUEUE_LOOKAHEAD>(max, last, |entry, _| {
                take_person(persons, spilled, entry, day, &mut held)
            })?;
        if lane != Lane::Akasse {
            let bucket = rules.bucket(deadline) * groups;
            let counts = &mut pending_at_deadline[bucket..bucket + groups];
            for (g, count) in held[..groups].iter().enumerate() {
                let n = count.all;
                if n == 0 {
                    continue;
                }
                counts[g] -= n;
                if deadline < day {
                    levels[g].overdue -= n;
                }
                today[g].held += n;
                today[g].held_early += count.early;
                if day <= deadline {
                    today[g].held_on_time += n;
                }
            }
        }
        if lane != Lane::Jobcentre {
            let n = count as u32;
            akasse.pending_at_deadline[rules.bucket(deadline)] -= n;
            if deadline < day {
                akasse.levels.overdue -= n;
            }
            akasse.today.held += n;
            if day <= deadline {
                akasse.today.held_on_time += n;
            }
            if lane == Lane::Joint {
                akasse.joint_pending -= n;
                akasse.joint_held += n;
            }
        }
        Some(count)
    }

    /// The end of the a-kasse's day: meetings whose deadline was today become overdue, and the day is recorded.
    pub(super) fn close_akasse_day(
        &mut self,
        rules: &Rules,
        day: Day,
        series: &mut MunicipalitySeries,
        carried_in: f64,
    ) {
        let m = self.municipality;
        let side = self.akasse();
        side.levels.overdue += side.pending_at_deadline[rules.bucket(day)];
        let flows = side.today;
        side.levels.pending =
            side.levels.pending + flows.due - flows.waived - flows.held - flows.dropped;
        if (day as usize) >= rules.warmup {
            let (caseworkers, capacity) = rules.akasse_capacity(m, day);
            let row = series.akasse_row_mut(day as usize - rules.warmup);
            *row = AkasseDay {
                meetings: GroupDay {
                    suspended: flows.suspended + row.meetings.suspended,
                    suspended_existing: flows.suspended_existing + row.meetings.suspended_existing,
                    pending: side.levels.pending,
                    overdue: side.levels.overdue,
                    ..flows
                },
                joint_held: side.joint_held,
                waited_jobcentre: side.waited_jobcentre,
                waited_akasse: side.waited_akasse,
                caseworkers,
                capacity,
                carried_in,
            };
        }
        side.today = GroupDay::default();
        side.joint_held = 0;
        side.waited_jobcentre = 0;
        side.waited_akasse = 0;
    }

    /// The a-kasse's fractional capacity carried into today.
    pub(super) fn akasse_carry(&self) -> f64 {
        self.akasse.as_ref().map_or(0.0, |a| a.carry)
    }
}
