//! The data of a run of persons: the run and its members. What a run does at its meetings is in `runs`.

use super::calendar::Day;

/// Persons of one group whose meetings fall due on the same days with the same deadlines, and whose meetings
/// are scheduled one after the other: one event stands for the meeting of them all. They arrived on the same
/// day (the day's arrivals of a group), or are of the initial stock and past their fixed meetings, with
/// follow-ups in step. Those who leave before a meeting falls due are no longer members by then.
#[derive(Debug, Default)]
pub(super) struct Run {
    /// The start of the clock that gives the run's days (its members' arrival, or for the initial stock their
    /// clock start): its meeting `k` falls due when the run's does.
    pub(super) arrival: Day,
    pub(super) group: u8,
    /// In the order their meetings are scheduled.
    pub(super) members: Vec<Member>,
}

/// A member of a [`Run`]: the person's slot and exit day, and how far their meeting index is from the run's
/// (the member has meeting `k + skew` when the run has meeting `k`; 0 but for follow-ups in step).
#[derive(Debug, Clone, Copy)]
pub(super) struct Member {
    pub(super) person: u32,
    pub(super) exit: Day,
    pub(super) skew: u32,
}
