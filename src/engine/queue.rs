//! Pending meetings by deadline: a bucket queue of entries, one per pending meeting.
//!
//! The queue is a bucket queue indexed by deadline day, so "earliest deadline first" costs O(1) per meeting.
//! The engine gives the queue a bucket for every deadline a meeting can have, the days after the last simulated
//! one included (a meeting due in the last weeks of a run may well have its deadline after it). Any deadline
//! past the last bucket waits in a binary heap ordered by deadline and then by the order queued, and is served
//! after the buckets: the order is strict at any horizon. An entry whose person has left stays where it is and
//! is skipped when the queue reaches it (the caller says which entries are still live).

use super::calendar::Day;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Emptied buckets kept per queue for reuse.
const SPARE_BUCKETS: usize = 64;

/// Pending meetings of one municipality (or one priority class of it) by deadline day.
#[derive(Debug)]
pub struct DeadlineQueue<T> {
    /// One per deadline day kept in buckets.
    buckets: Vec<Vec<T>>,
    /// A bit per bucket, set while it holds entries, so that the empty days between two deadlines are passed
    /// 64 at a time.
    occupied: Vec<u64>,
    /// Deadlines from `buckets.len()` on: (deadline, order queued, entry), smallest first.
    beyond: BinaryHeap<Reverse<(Day, u64, T)>>,
    /// Entries queued beyond the buckets so far: ties on a deadline go to the one queued first.
    beyond_queued: u64,
    /// Lowest bucket that may hold an entry, and the read position inside it.
    head: usize,
    position: usize,
    /// One past the highest bucket pushed to: the buckets from here on are empty, so an empty queue is found
    /// empty without reading them.
    end: usize,
    /// Emptied buckets, so a new deadline day does not grow its bucket from nothing.
    spare: Vec<Vec<T>>,
}

impl<T: Copy + Ord> DeadlineQueue<T> {
    pub fn with_days(days: usize) -> Self {
        DeadlineQueue {
            buckets: (0..days).map(|_| Vec::new()).collect(),
            occupied: vec![0; days.div_ceil(64)],
            head: days,
            position: 0,
            end: 0,
            spare: Vec::new(),
            beyond: BinaryHeap::new(),
            beyond_queued: 0,
        }
    }

    /// Forgets every entry, keeping the buckets' memory.
    pub fn clear(&mut self) {
        let end = self.end.min(self.buckets.len());
        for bucket in &mut self.buckets[..end] {
            bucket.clear();
        }
        self.occupied.fill(0);
        self.head = self.buckets.len();
        self.position = 0;
        self.end = 0;
        self.beyond.clear();
        self.beyond_queued = 0;
    }

    /// Adds an entry with deadline day `deadline` (not before the first day: meetings fall due inside the run).
    #[inline(always)]
    pub fn push(&mut self, deadline: Day, entry: T) {
        match self.bucket(deadline) {
            Some(list) => list.push(entry),
            None => self.push_beyond(deadline, entry),
        }
    }

    /// The bucket of deadline day `deadline` (not before the first day), ready for entries pushed at its end,
    /// or `None` past the buckets (use [`push`](Self::push) there).
    #[inline(always)]
    pub fn bucket(&mut self, deadline: Day) -> Option<&mut Vec<T>> {
        debug_assert!(deadline >= 0, "a deadline before the first day");
        let bucket = deadline.max(0) as usize;
        if bucket >= self.buckets.len() {
            return None;
        }
        if bucket < self.head {
            // Forget what was already read from the old head bucket before reading from an earlier one.
            if let Some(old) = self.buckets.get_mut(self.head) {
                old.drain(..self.position);
            }
            self.head = bucket;
            self.position = 0;
        }
        self.end = self.end.max(bucket + 1);
        self.occupied[bucket / 64] |= 1 << (bucket % 64);
        let list = &mut self.buckets[bucket];
        if list.capacity() == 0 {
            if let Some(spare) = self.spare.pop() {
                *list = spare;
            }
        }
        Some(list)
    }

    #[cold]
    #[inline(never)]
    fn push_beyond(&mut self, deadline: Day, entry: T) {
        self.beyond
            .push(Reverse((deadline, self.beyond_queued, entry)));
        self.beyond_queued += 1;
    }

    /// Takes up to `max` live entries of the earliest deadline day that has any, in order: `take` is called on
    /// each entry met, with the entry `LOOKAHEAD` places on in the same bucket (to prefetch what it needs), and
    /// says whether it was live (taken) or not (dropped). Returns that day and how many were taken, or `None`
    /// once the queue has no live entry. Entries of the same deadline may remain for the next call.
    #[inline(always)]
    pub fn take_earliest<const LOOKAHEAD: usize>(
        &mut self,
        max: u64,
        take: impl FnMut(T, Option<&T>) -> bool,
    ) -> Option<(Day, u64)> {
        self.take_earliest_by::<LOOKAHEAD>(max, Day::MAX, take)
    }

    /// The earliest deadline day that may still hold an entry (live or not), or `None` once the queue is empty.
    pub fn earliest(&mut self) -> Option<Day> {
        while self.head < self.end {
            if self.occupied[self.head / 64] & (1 << (self.head % 64)) == 0 {
                self.head = self.next_occupied(self.head);
                self.position = 0;
                continue;
            }
            if self.position >= self.buckets[self.head].len() {
                self.next_bucket();
                continue;
            }
            return Some(self.head as Day);
        }
        self.beyond
            .peek()
            .map(|Reverse((deadline, _, _))| *deadline)
    }

    /// [`take_earliest`](Self::take_earliest), from deadlines up to `last` only: `None` once no live entry is
    /// left with a deadline on or before it.
    #[inline(always)]
    pub fn take_earliest_by<const LOOKAHEAD: usize>(
        &mut self,
        max: u64,
        last: Day,
        mut take: impl FnMut(T, Option<&T>) -> bool,
    ) -> Option<(Day, u64)> {
        debug_assert!(max > 0, "nothing to take");
        while self.head < self.end {
            if self.occupied[self.head / 64] & (1 << (self.head % 64)) == 0 {
                self.head = self.next_occupied(self.head);
                self.position = 0;
                continue;
            }
            if self.head as Day > last {
                return None;
            }
            let bucket = &self.buckets[self.head];
            let mut position = self.position;
            let mut taken = 0;
            while taken < max {
                let Some(&entry) = bucket.get(position) else {
                    break;
                };
                let ahead = bucket.get(position + LOOKAHEAD);
                position += 1;
                taken += u64::from(take(entry, ahead));
            }
            self.position = position;
            if taken > 0 {
                return Some((self.head as Day, taken));
            }
            self.next_bucket();
        }
        let deadline = loop {
            if self.beyond.peek()?.0 .0 > last {
                return None;
            }
            let Reverse((deadline, _, entry)) = self.beyond.pop()?;
            if take(entry, None) {
                break deadline;
            }
        };
        let mut taken = 1;
        while taken < max {
            match self.beyond.peek() {
                Some(Reverse((next, _, _))) if *next == deadline => {}
                _ => break,
            }
            let Some(Reverse((_, _, entry))) = self.beyond.pop() else {
                break;
            };
            taken += u64::from(take(entry, None));
        }
        Some((deadline, taken))
    }

    /// The first bucket from `from` on that holds entries, or `end` if none does.
    #[inline(never)]
    fn next_occupied(&self, from: usize) -> usize {
        let mut word = from / 64;
        let mut bits = self.occupied[word] & (u64::MAX << (from % 64));
        while bits == 0 {
            word += 1;
            if word * 64 >= self.end {
                return self.end;
            }
            bits = self.occupied[word];
        }
        (word * 64 + bits.trailing_zeros() as usize).min(self.end)
    }

    /// Leaves the head bucket, every deadline in it served: keeps a few emptied buckets for later days and gives
    /// the rest of the memory back.
    #[inline(never)]
    fn next_bucket(&mut self) {
        self.occupied[self.head / 64] &= !(1 << (self.head % 64));
        let mut done = std::mem::take(&mut self.buckets[self.head]);
        if done.capacity() > 0 && self.spare.len() < SPARE_BUCKETS {
            done.clear();
            self.spare.push(done);
        }
        self.head += 1;
        self.position = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    /// Random days of pushes (deadlines from the past to well past the last bucket), leavers and a day's
    /// capacity taken, as the engine makes them: the queue must give exactly what a priority queue ordered by
    /// (deadline, order queued) pops, past the last bucket included.
    #[test]
    fn pops_in_the_order_of_a_reference_priority_queue_at_any_horizon() {
        for seed in 0..20 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let days: Day = rng.gen_range(1..60);
            let mut queue = DeadlineQueue::with_days(days as usize);
            let mut reference = BinaryHeap::new();
            // Per entry queued (the entry is its order), in order: still pending?
            let mut pending: Vec<bool> = Vec::new();
            let mut alive: Vec<u32> = Vec::new();
            let mut beyond_popped = 0;
            for day in 0..days + 30 {
                for _ in 0..rng.gen_range(0..12) {
                    let deadline = (day + rng.gen_range(-3..days + 40)).max(0);
                    let entry = pending.len() as u32;
                    queue.push(deadline, entry);
                    reference.push(Reverse((deadline, entry)));
                    alive.push(entry);
                    pending.push(true);
                }
                // Some leave: their entries die where they are.
                for _ in 0..rng.gen_range(0..3) {
                    if !alive.is_empty() {
                        let entry = alive.swap_remove(rng.gen_range(0..alive.len()));
                        pending[entry as usize] = false;
                    }
                }
                // A day's capacity, taken a deadline day at a time as the engine does.
                let capacity = rng.gen_range(1..10);
                let mut expected = Vec::new();
                while expected.len() < capacity {
                    match reference.pop() {
                        Some(Reverse((_, entry))) if !pending[entry as usize] => continue,
                        Some(Reverse(popped)) => expected.push(popped),
                        None => break,
                    }
                }
                let mut taken = Vec::new();
                while taken.len() < capacity {
                    let mut today = Vec::new();
                    let Some((deadline, count)) =
                        queue.take_earliest::<4>((capacity - taken.len()) as u64, |entry, _| {
                            let live = pending[entry as usize];
                            if live {
                                today.push(entry);
                            }
                            live
                        })
                    else {
                        break;
                    };
                    assert_eq!(count as usize, today.len());
                    taken.extend(today.into_iter().map(|entry| (deadline, entry)));
                }
                assert_eq!(taken, expected, "seed {seed}, day {day}");
                for (deadline, entry) in taken {
                    if deadline >= days {
                        beyond_popped += 1;
                    }
                    pending[entry as usize] = false;
                    alive.retain(|&e| e != entry);
                }
            }
            assert!(
                beyond_popped > 0,
                "seed {seed}: nothing popped past the end"
            );
        }
    }
}
