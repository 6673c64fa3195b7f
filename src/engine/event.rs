//! The events of the agenda: a meeting falling due, for one person or for every member of a run, in 12 bytes.
//!
//! The two kinds share one layout (a tagged enum would take 16 bytes): a run's meeting carries, where a
//! person's carries their exit day, a day no person's exit can be. Only [`Event::kind`] reads it, so the rest of
//! the engine sees a closed enum.

use super::calendar::Day;
use super::members::Member;

/// In [`Event::exit`], marks a meeting of every member of a run. No person's exit is before the first day (it
/// is drawn from the day they are created on, 0 for the initial stock), so none is this.
const RUN_EXIT: Day = Day::MIN;

/// A meeting falling due. A person's meetings fall due before their exit, which is drawn when they arrive, so
/// an event needs no check that its person is still the one in the slot.
#[derive(Debug, Clone, Copy)]
pub(super) struct Event {
    /// The person's slot, or the run's index.
    index: u32,
    /// Index of the meeting in the group's schedule (the run's meeting, for a run).
    meeting: u32,
    /// The person's exit day, which decides whether the next meeting is scheduled; carried here (the event
    /// list is read in order) so that a person fits in 16 bytes. [`RUN_EXIT`] for a run's meeting.
    exit: Day,
}

const _: () = assert!(std::mem::size_of::<Event>() == 12);

/// What an [`Event`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EventKind {
    /// Meeting `meeting` of the person in slot `person`, who leaves on `exit`.
    Alone {
        person: u32,
        meeting: u32,
        exit: Day,
    },
    /// Meeting `meeting` of run `run`: the meeting of each of its members.
    Run { run: u32, meeting: u32 },
}

impl Event {
    /// Meeting `meeting` of the person in slot `person`, who leaves on `exit` (not before the first day).
    #[inline(always)]
    pub(super) fn person(person: u32, meeting: u32, exit: Day) -> Self {
        debug_assert!(exit >= 0, "an exit before the first day");
        Event {
            index: person,
            meeting,
            exit,
        }
    }

    /// Meeting `k` of a run, falling due for `member` alone: their own meeting `k + skew`.
    #[inline(always)]
    pub(super) fn alone(member: Member, k: u32) -> Self {
        Event::person(member.person, k.wrapping_add(member.skew), member.exit)
    }

    /// Meeting `meeting` of run `run`.
    #[inline(always)]
    pub(super) fn run(run: u32, meeting: u32) -> Self {
        Event {
            index: run,
            meeting,
            exit: RUN_EXIT,
        }
    }

    #[inline(always)]
    pub(super) fn kind(self) -> EventKind {
        if self.exit == RUN_EXIT {
            EventKind::Run {
                run: self.index,
                meeting: self.meeting,
            }
        } else {
            EventKind::Alone {
                person: self.index,
                meeting: self.meeting,
                exit: self.exit,
            }
        }
    }

    /// The slot of the person whose meeting this is, for a prefetch; a run's index for a run.
    #[inline(always)]
    pub(super) fn slot(self) -> u32 {
        self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_reads_back_as_made() {
        for (person, meeting, exit) in [(0, 0, 0), (7, u32::MAX, Day::MAX), (u32::MAX, 1 << 31, 5)]
        {
            let alone = Event::person(person, meeting, exit).kind();
            assert_eq!(
                alone,
                EventKind::Alone {
                    person,
                    meeting,
                    exit
                }
            );
            let run = Event::run(person, meeting).kind();
            assert_eq!(
                run,
                EventKind::Run {
                    run: person,
                    meeting
                }
            );
        }
    }
}
