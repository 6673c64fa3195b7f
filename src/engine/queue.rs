//! Pending meetings: a slab of nodes, each on its person's list and in its municipality's deadline queue.
//!
//! The queue is a bucket queue indexed by deadline day, so "earliest deadline first" costs O(1) per meeting.
//! A person who leaves has their pending meetings unlinked at once (so the counts are exact); the nodes stay in
//! their buckets, marked dead, and are recycled when the queue reaches them.

use super::calendar::Day;
use super::prefetch::prefetch;

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
    buckets: Vec<Vec<u32>>,
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
    }

    /// Adds a node; `bucket` is its deadline day, clamped by the caller to the last bucket.
    pub fn push(&mut self, bucket: usize, node: u32) {
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

    /// The node `ahead` places after the next one to pop, if it has the same deadline day (it may be dead).
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
        None
    }
}
