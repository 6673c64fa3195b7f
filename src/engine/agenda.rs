//! Future events by day, read back in the order they were scheduled.
//!
//! Days are grouped in blocks of [`BLOCK`] days. The days of the current block each have a list, on a ring that
//! is reused from block to block, so the lists keep their capacity and scheduling allocates nothing once they
//! have grown. An event for a later block goes on that block's single list, with its day; when the block
//! begins, its list is dealt out to the day lists in order. Every event for a day in a later block was scheduled
//! before the block began, and so before any event put straight on the day's list: each day is still read in
//! scheduling order. Memory grows with the events waiting, not with the days simulated.

use super::calendar::Day;

/// Days per block: a power of two.
pub const BLOCK: usize = 256;

#[derive(Debug)]
pub struct Agenda<T> {
    /// The day lists of the current block, at `day % BLOCK` (an array, so that index needs no bounds check).
    near: Box<[Vec<T>; BLOCK]>,
    /// Per block: events for its days, with their day, in scheduling order; dealt out when the block begins.
    far: Vec<Vec<(Day, T)>>,
    /// The current block.
    block: usize,
    /// The day last opened: nothing may be scheduled before it.
    today: Day,
    /// An emptied day list, given to a day whose list is being read.
    spare: Vec<T>,
    /// Emptied block lists, for blocks that have none yet.
    spare_far: Vec<Vec<(Day, T)>>,
}

/// Emptied block lists kept for reuse.
const SPARE_BLOCK_LISTS: usize = 4;

impl<T> Agenda<T> {
    /// An agenda for days `0..days`, its current block the first.
    pub fn new(days: usize) -> Self {
        Agenda {
            near: Box::new(std::array::from_fn(|_| Vec::new())),
            far: (0..days.div_ceil(BLOCK)).map(|_| Vec::new()).collect(),
            block: 0,
            today: 0,
            spare: Vec::new(),
            spare_far: Vec::new(),
        }
    }

    /// Empties the agenda for a new run of `days` days, keeping the lists' memory.
    pub fn reset(&mut self, days: usize) {
        for list in self.near.iter_mut() {
            list.clear();
        }
        for list in &mut self.far {
            if list.capacity() > 0 && self.spare_far.len() < SPARE_BLOCK_LISTS {
                list.clear();
                self.spare_far.push(std::mem::take(list));
            }
        }
        self.far.clear();
        self.far.resize_with(days.div_ceil(BLOCK), Vec::new);
        self.block = 0;
        self.today = 0;
    }

    /// Adds an event on `day`, which must not be before the day last opened. Scheduling into the past is a bug
    /// of the engine, never of the input (every event is a meeting falling due on or after the day that schedules
    /// it): debug builds stop on it, and a release build reads the event today, the nearest day that can still
    /// be read, rather than a block late or never. A `Result` would put a branch that cannot be taken on every
    /// caller of the hottest call of the event loop; the clamp is one comparison.
    #[inline(always)]
    pub fn schedule(&mut self, day: Day, event: T) {
        debug_assert!(day >= self.today, "an event scheduled in the past");
        let day = day.max(self.today);
        let block = day as usize / BLOCK;
        if block == self.block {
            self.near[day as usize % BLOCK].push(event);
        } else {
            self.schedule_far(block, day, event);
        }
    }

    #[inline(never)]
    fn schedule_far(&mut self, block: usize, day: Day, event: T) {
        debug_assert!(block > self.block, "an event in a past block");
        let list = &mut self.far[block];
        if list.capacity() == 0 {
            if let Some(spare) = self.spare_far.pop() {
                *list = spare;
            }
        }
        list.push((day, event));
    }

    /// Makes `day`'s block the current one, dealing out its events; days must be opened in order, none skipped.
    pub fn open(&mut self, day: Day) {
        debug_assert!(day >= self.today, "a day opened out of order");
        self.today = day;
        let block = day as usize / BLOCK;
        if block == self.block {
            return;
        }
        debug_assert_eq!(block, self.block + 1, "a block skipped");
        self.block = block;
        let mut waiting = std::mem::take(&mut self.far[block]);
        for (day, event) in waiting.drain(..) {
            self.near[day as usize % BLOCK].push(event);
        }
        if self.spare_far.len() < SPARE_BLOCK_LISTS {
            self.spare_far.push(waiting);
        }
    }

    /// The events of `day` (in the current block) scheduled so far, leaving its list empty for any scheduled
    /// while these are handled; give the list back with [`recycle`](Self::recycle).
    pub fn take(&mut self, day: Day) -> Vec<T> {
        std::mem::replace(
            &mut self.near[day as usize % BLOCK],
            std::mem::take(&mut self.spare),
        )
    }

    /// Returns a list from [`take`](Self::take) once its events are handled.
    pub fn recycle(&mut self, mut list: Vec<T>) {
        list.clear();
        if list.capacity() > self.spare.capacity() {
            self.spare = list;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drains every day in order, as the engine does, scheduling `then(day, event)` for each event read.
    fn drain(
        agenda: &mut Agenda<u32>,
        days: Day,
        then: impl Fn(Day, u32) -> Option<(Day, u32)>,
    ) -> Vec<(Day, u32)> {
        let mut seen = Vec::new();
        for day in 0..days {
            agenda.open(day);
            loop {
                let batch = agenda.take(day);
                if batch.is_empty() {
                    agenda.recycle(batch);
                    break;
                }
                for &event in &batch {
                    seen.push((day, event));
                    if let Some((later, next)) = then(day, event) {
                        agenda.schedule(later, next);
                    }
                }
                agenda.recycle(batch);
            }
        }
        seen
    }

    #[test]
    fn each_day_is_read_in_scheduling_order_across_blocks() {
        let days = 5 * BLOCK as Day;
        let mut agenda = Agenda::new(days as usize);
        // Event n is scheduled n-th; days spread over every block, several events a day.
        let plan: Vec<Day> = (0..2000).map(|n| (n * 7919) % days).collect();
        for (n, &day) in plan.iter().enumerate() {
            agenda.schedule(day, n as u32);
        }
        // Each event read schedules one more, a varying distance ahead (same day, same block, next blocks).
        let seen = drain(&mut agenda, days, |day, event| {
            let later = day + (event as Day % 150);
            (event < 1_000_000 && later < days).then_some((later, event + 1_000_000))
        });
        // What was read: every first-round event once, on its day, and within a day in the order scheduled.
        let mut expected: Vec<(Day, u32)> = plan
            .iter()
            .enumerate()
            .map(|(n, &d)| (d, n as u32))
            .collect();
        expected.sort_by_key(|&(day, n)| (day, n));
        let first_round: Vec<(Day, u32)> = seen
            .iter()
            .copied()
            .filter(|&(_, e)| e < 1_000_000)
            .collect();
        assert_eq!(first_round, expected);
        // Second-round events come on their day, after the first-round ones of that day, in the order their
        // causes were read.
        for day in 0..days {
            let today: Vec<u32> = seen.iter().filter(|s| s.0 == day).map(|s| s.1).collect();
            let split = today
                .iter()
                .position(|&e| e >= 1_000_000)
                .unwrap_or(today.len());
            assert!(today[split..].iter().all(|&e| e >= 1_000_000), "day {day}");
            let causes: Vec<u32> = seen
                .iter()
                .filter(|&&(d, e)| e < 1_000_000 && d + (e as Day % 150) == day)
                .map(|&(_, e)| e + 1_000_000)
                .collect();
            assert_eq!(today[split..], causes[..], "day {day}");
        }
    }

    /// An event for a day already read, in the current block or an earlier one, would wait a block or for ever:
    /// debug builds refuse it.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "an event scheduled in the past")]
    fn scheduling_into_the_past_is_refused() {
        let mut agenda = Agenda::new(3 * BLOCK);
        agenda.open(5);
        agenda.schedule(4, 1);
    }

    /// In a release build such an event is read on the day open, not a block later.
    #[test]
    #[cfg(not(debug_assertions))]
    fn an_event_for_a_past_day_is_read_today() {
        let mut agenda = Agenda::new(3 * BLOCK);
        agenda.open(5);
        agenda.schedule(4, 1);
        assert_eq!(agenda.take(5), vec![1]);
    }

    #[test]
    fn reset_forgets_every_event() {
        let mut agenda = Agenda::new(3 * BLOCK);
        agenda.schedule(3, 1);
        agenda.schedule(2 * BLOCK as Day + 1, 2);
        agenda.reset(2 * BLOCK);
        agenda.schedule(BLOCK as Day, 3);
        let seen = drain(&mut agenda, 2 * BLOCK as Day, |_, _| None);
        assert_eq!(seen, vec![(BLOCK as Day, 3)]);
    }
}
