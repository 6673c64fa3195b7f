//! Pending meetings: a slab of nodes, each on its person's list and in its municipality's deadline queue.
//!
//! The queue is a bucket queue indexed by deadline day, so "earliest deadline first" costs O(1) per meeting.
//! The engine gives the queue a bucket for every deadline a meeting can have, the days after the last simulated
//! one included (a meeting due in the last weeks of a run may well have its deadline after it). Any deadline
//! past the last bucket waits in a binary heap ordered by deadline and then by the order queued, and is served
//! after the buckets: the order is strict at any horizon. A person who leaves has their pending meetings unlinked at
//! once (so the counts are exact); the nodes stay in the queue, marked dead, and are recycled when the queue
//! reaches them.

use super::calendar::Day;
use super::prefetch::prefetch;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub const NIL: u32 = u32::MAX;

/// Tags a [`Node::prev`] that names the person owning the list rather than a node.
pub const PERSON: u32 = 1 << 31;

/// 16 bytes, so a node never straddles two cache lines.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    pub deadline: Day,
    /// The previous node on the person's list of pending meetings, or `PERSON | person` for the first one.
    pub prev: u32,
    pub next: u32,
    pub group: u8,
    pub alive: bool,
}

const _: () = assert!(std::mem::size_of::<Node>() == 16);

/// All pending-meeting nodes of a run.
#[derive(Debug, Default)]
pub struct Nodes {
    nodes: Vec<Node>,
    free: Vec<u32>,
}

impl Nodes {
    pub fn alloc(&mut self, node: Node) -> u32 {
        if let Some(index) = self.free.pop() {
            self.nodes[index as usize] = node;
            index
        } else {
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        }
    }

    /// Forgets every node, keeping the memory.
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.free.clear();
    }

    pub fn release(&mut self, index: u32) {
        self.free.push(index);
    }

    pub fn get(&self, index: u32) -> &Node {
        &self.nodes[index as usize]
    }

    pub fn get_mut(&mut self, index: u32) -> &mut Node {
        &mut self.nodes[index as usize]
    }

    /// Hints that node `index` will be read soon (nothing for [`NIL`]).
    #[inline(always)]
    pub fn prefetch(&self, index: u32) {
        prefetch(&self.nodes, index as usize);
    }
}

/// How many queued nodes ahead `pop` asks for a node.
const LOOKAHEAD: usize = 16;
/// Emptied buckets kept per queue for reuse.
const SPARE_BUCKETS: usize = 64;

/// Pending meetings of one municipality (or one priority class of it) by deadline day.
#[derive(Debug, Default)]
pub struct DeadlineQueue {
    /// One per simulated day.
    buckets: Vec<Vec<u32>>,
    /// Deadlines from `buckets.len()` on: (deadline, order queued, node), smallest first.
    beyond: BinaryHeap<Reverse<(Day, u64, u32)>>,
    /// Nodes queued beyond the buckets so far: ties on a deadline go to the one queued first.
    beyond_queued: u64,
    /// Lowest bucket that may hold a node, and the read position inside it.
    head: usize,
    position: usize,
    /// One past the highest bucket pushed to: the buckets from here on are empty, so an empty queue is found
    /// empty without reading them.
    end: usize,
    /// Emptied buckets, so a new deadline day does not grow its bucket from nothing.
    spare: Vec<Vec<u32>>,
}

impl DeadlineQueue {
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

    /// Forgets every node, keeping the buckets' memory.
    pub fn clear(&mut self) {
        for bucket in &mut self.buckets {
            bucket.clear();
        }
        self.head = self.buckets.len();
        self.position = 0;
        self.end = 0;
        self.beyond.clear();
        self.beyond_queued = 0;
    }

    /// Adds a node with deadline day `deadline` (not before the first day: meetings fall due inside the run).
    #[inline(always)]
    pub fn push(&mut self, deadline: Day, node: u32) {
        debug_assert!(deadline >= 0, "a deadline before the first day");
        let bucket = deadline.max(0) as usize;
        if bucket >= self.buckets.len() {
            self.push_beyond(deadline, node);
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
        list.push(node);
    }

    #[cold]
    #[inline(never)]
    fn push_beyond(&mut self, deadline: Day, node: u32) {
        self.beyond
            .push(Reverse((deadline, self.beyond_queued, node)));
        self.beyond_queued += 1;
    }

    /// The node `ahead` places after the next one to pop, if it has the same deadline day inside the buckets (it
    /// may be dead).
    pub fn peek(&self, ahead: usize) -> Option<u32> {
        let bucket = self.buckets.get(self.head)?;
        bucket.get(self.position + ahead).copied()
    }

    /// The live node with the earliest deadline (ties: the one queued first), removed from the queue.
    /// Dead nodes met on the way are released.
    #[inline]
    pub fn pop(&mut self, nodes: &mut Nodes) -> Option<u32> {
        while self.head < self.end {
            let bucket = &mut self.buckets[self.head];
            if self.position < bucket.len() {
                if let Some(&ahead) = bucket.get(self.position + LOOKAHEAD) {
                    nodes.prefetch(ahead);
                }
                let node = bucket[self.position];
                self.position += 1;
                if nodes.get(node).alive {
                    return Some(node);
                }
                nodes.release(node);
            } else {
                // A bucket is left only once every deadline in it has been served: keep a few for later days
                // and give the rest of the memory back.
                let mut done = std::mem::take(bucket);
                if done.capacity() > 0 && self.spare.len() < SPARE_BUCKETS {
                    done.clear();
                    self.spare.push(done);
                }
                self.head += 1;
                self.position = 0;
            }
        }
        while let Some(Reverse((_, _, node))) = self.beyond.pop() {
            if nodes.get(node).alive {
                return Some(node);
            }
            nodes.release(node);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;

    fn node(deadline: Day) -> Node {
        Node {
            deadline,
            prev: NIL,
            next: NIL,
            group: 0,
            alive: true,
        }
    }

    /// Random days of pushes (deadlines from the past to well past the last bucket), leavers and pops, as the
    /// engine makes them: the queue must pop exactly what a priority queue ordered by (deadline, order queued)
    /// pops, past the last bucket included.
    #[test]
    fn pops_in_the_order_of_a_reference_priority_queue_at_any_horizon() {
        for seed in 0..20 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let days: Day = rng.gen_range(1..60);
            let mut nodes = Nodes::default();
            let mut queue = DeadlineQueue::with_days(days as usize);
            let mut reference = BinaryHeap::new();
            // Per node queued, in order: still pending? (Slab indices are reused, so the reference keys on this.)
            let mut pending: Vec<bool> = Vec::new();
            let mut alive: Vec<(u32, usize)> = Vec::new();
            let mut beyond_popped = 0;
            for day in 0..days + 30 {
                for _ in 0..rng.gen_range(0..12) {
                    let deadline = (day + rng.gen_range(-3..days + 40)).max(0);
                    let index = nodes.alloc(node(deadline));
                    queue.push(deadline, index);
                    reference.push(Reverse((deadline, pending.len(), index)));
                    alive.push((index, pending.len()));
                    pending.push(true);
                }
                // Some leave: their nodes die where they are.
                for _ in 0..rng.gen_range(0..3) {
                    if !alive.is_empty() {
                        let (index, order) = alive.swap_remove(rng.gen_range(0..alive.len()));
                        nodes.get_mut(index).alive = false;
                        pending[order] = false;
                    }
                }
                for _ in 0..rng.gen_range(0..10) {
                    let expected = loop {
                        match reference.pop() {
                            Some(Reverse((_, order, _))) if !pending[order] => continue,
                            other => break other.map(|Reverse((_, order, index))| (index, order)),
                        }
                    };
                    let popped = queue.pop(&mut nodes);
                    assert_eq!(popped, expected.map(|e| e.0), "seed {seed}, day {day}");
                    let Some((index, order)) = expected else {
                        break;
                    };
                    if nodes.get(index).deadline >= days {
                        beyond_popped += 1;
                    }
                    nodes.get_mut(index).alive = false;
                    pending[order] = false;
                    alive.retain(|&(_, o)| o != order);
                    // Held nodes go back to the slab, as in the engine; their index may be reused.
                    nodes.release(index);
                }
            }
            assert!(
                beyond_popped > 0,
                "seed {seed}: nothing popped past the end"
            );
        }
    }
}
