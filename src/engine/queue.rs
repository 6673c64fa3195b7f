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
        self.head = self.buckets.len();
        self.position = 0;
        self.end = 0;
        self.beyond.clear();
        self.beyond_queued = 0;
    }

    /// Adds an entry with deadline day `deadline` (not before the first day: meetings fall due inside the run).
    #[inline(always)]
    pub fn push(&mut self, deadline: Day, entry: T) {
        debug_assert!(deadline >= 0, "a deadline before the first day");
        let bucket = deadline.max(0) as usize;
        if bucket >= self.buckets.len() {
            self.push_beyond(deadline, entry);
            return;
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
        let list = &mut self.buckets[bucket];
        if list.capacity() == 0 {
            if let Some(spare) = self.spare.pop() {
                *list = spare;
            }
        }
        list.push(entry);
    }

    #[cold]
    #[inline(never)]
    fn push_beyond(&mut self, deadline: Day, entry: T) {
        self.beyond
            .push(Reverse((deadline, self.beyond_queued, entry)));
        self.beyond_queued += 1;
    }

    /// The entry `ahead` places after the next one to pop, if it has the same deadline day inside the buckets
    /// (it may be dead).
    #[inline(always)]
    pub fn peek(&self, ahead: usize) -> Option<T> {
        let bucket = self.buckets.get(self.head)?;
        bucket.get(self.position + ahead).copied()
    }

    /// The live entry with the earliest deadline (ties: the one queued first) and its deadline, removed from
    /// the queue; entries for which `live` is false are dropped on the way.
    #[inline(always)]
    pub fn pop(&mut self, mut live: impl FnMut(&T) -> bool) -> Option<(Day, T)> {
        while self.head < self.end {
            let bucket = &mut self.buckets[self.head];
            if let Some(&entry) = bucket.get(self.position) {
                self.position += 1;
                if live(&entry) {
                    return Some((self.head as Day, entry));
                }
            } else {
                self.next_bucket();
            }
        }
        self.pop_beyond(live)
    }

    /// Leaves the head bucket, every deadline in it served: keeps a few emptied buckets for later days and gives
    /// the rest of the memory back.
    #[inline(never)]
    fn next_bucket(&mut self) {
        let mut done = std::mem::take(&mut self.buckets[self.head]);
        if done.capacity() > 0 && self.spare.len() < SPARE_BUCKETS {
            done.clear();
            self.spare.push(done);
        }
        self.head += 1;
        self.position = 0;
    }

    #[inline(never)]
    fn pop_beyond(&mut self, mut live: impl FnMut(&T) -> bool) -> Option<(Day, T)> {
        while let Some(Reverse((deadline, _, entry))) = self.beyond.pop() {
            if live(&entry) {
                return Some((deadline, entry));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    /// Random days of pushes (deadlines from the past to well past the last bucket), leavers and pops, as the
    /// engine makes them: the queue must pop exactly what a priority queue ordered by (deadline, order queued)
    /// pops, past the last bucket included.
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
                for _ in 0..rng.gen_range(0..10) {
                    let expected = loop {
                        match reference.pop() {
                            Some(Reverse((_, entry))) if !pending[entry as usize] => continue,
                            other => break other.map(|Reverse(popped)| popped),
                        }
                    };
                    let popped = queue.pop(|&entry| pending[entry as usize]);
                    assert_eq!(popped, expected, "seed {seed}, day {day}");
                    let Some((deadline, entry)) = expected else {
                        break;
                    };
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
