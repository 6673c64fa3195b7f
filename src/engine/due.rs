//! What happens to meetings falling due under the day's rule: pending, waived or caught up, queued at once or
//! parked until the day they may be held from.

use super::calendar::Day;
use super::metrics::GroupDay;
use super::person::Pending;
use super::plan::{DueAction, GroupPlan};
use super::queue::DeadlineQueue;

/// Meetings falling due today under the day's rule: their deadline (caught up by a catch-up rule's `by`), the
/// day they may be held from and the evenly paced rule that deals them out to its days, if any.
pub(super) struct Due {
    pub(super) deadline: Day,
    pub(super) release: Day,
    pub(super) even: Option<usize>,
}

impl Due {
    /// Applies the day's rule `action` to `count` meetings of one group falling due on `day` with deadline
    /// `deadline`, counting them in the day's `flows` (`existing`: of persons on benefit before the
    /// suspension).
    #[inline(always)]
    pub(super) fn of(
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
    pub(super) fn queue_or_park(
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
