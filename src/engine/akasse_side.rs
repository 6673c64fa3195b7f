//! The a-kasse's state in one municipality: its queues, pending meetings by deadline, levels and the day's
//! flows (what `akasse` does with them is there; the jobcentre owns one, so it is apart from both).

use super::calendar::Day;
use super::metrics::{GroupDay, Levels};
use super::person::Pending;
use super::queue::DeadlineQueue;
use super::rules::Rules;

/// The a-kasse's state in one municipality.
pub(super) struct AkasseSide {
    /// Per class: the meetings the a-kasse holds alone.
    pub(super) queues: Vec<DeadlineQueue<Pending>>,
    /// Per class: the joint meetings.
    pub(super) joint: Vec<DeadlineQueue<Pending>>,
    /// Per deadline bucket: the a-kasse's live pending meetings (its own and the joint ones).
    pub(super) pending_at_deadline: Vec<u32>,
    pub(super) levels: Levels,
    /// Today's flows of the a-kasse's meetings.
    pub(super) today: GroupDay,
    pub(super) carry: f64,
    /// Joint meetings pending now, and held today.
    pub(super) joint_pending: u32,
    pub(super) joint_held: u32,
    /// Today's joint meetings left waiting for the jobcentre's capacity and for the a-kasse's.
    pub(super) waited_jobcentre: u32,
    pub(super) waited_akasse: u32,
    /// A bit per person slot: whether the a-kasse took over the person's first meetings.
    pub(super) taken_over: Vec<u64>,
    /// Per group and takeover: the spells that started in its window so far.
    pub(super) takeover_count: Vec<Vec<u64>>,
}

impl AkasseSide {
    pub(super) fn new(rules: &Rules) -> Self {
        AkasseSide {
            queues: (0..rules.classes)
                .map(|_| DeadlineQueue::with_days(rules.queue_days))
                .collect(),
            joint: (0..rules.classes)
                .map(|_| DeadlineQueue::with_days(rules.queue_days))
                .collect(),
            pending_at_deadline: vec![0; rules.buckets],
            levels: Levels::default(),
            today: GroupDay::default(),
            carry: 0.0,
            joint_pending: 0,
            joint_held: 0,
            waited_jobcentre: 0,
            waited_akasse: 0,
            taken_over: Vec::new(),
            takeover_count: rules.takeovers.iter().map(|t| vec![0; t.len()]).collect(),
        }
    }

    /// Forgets everything, keeping the memory.
    pub(super) fn clear(&mut self) {
        for queue in self.queues.iter_mut().chain(&mut self.joint) {
            queue.clear();
        }
        self.pending_at_deadline.fill(0);
        self.levels = Levels::default();
        self.today = GroupDay::default();
        self.carry = 0.0;
        self.joint_pending = 0;
        self.joint_held = 0;
        self.waited_jobcentre = 0;
        self.waited_akasse = 0;
        self.taken_over.clear();
        for counts in &mut self.takeover_count {
            counts.fill(0);
        }
    }

    pub(super) fn is_taken_over(&self, slot: u32) -> bool {
        let slot = slot as usize;
        self.taken_over
            .get(slot / 64)
            .is_some_and(|word| word & (1 << (slot % 64)) != 0)
    }

    pub(super) fn set_taken_over(&mut self, slot: u32, on: bool) {
        let slot = slot as usize;
        if slot / 64 >= self.taken_over.len() {
            if !on {
                return;
            }
            self.taken_over.resize(slot / 64 + 1, 0);
        }
        let bit = 1 << (slot % 64);
        if on {
            self.taken_over[slot / 64] |= bit;
        } else {
            self.taken_over[slot / 64] &= !bit;
        }
    }

    /// Counts one a-kasse meeting with deadline `deadline` as no longer pending (held or dropped on `day`).
    pub(super) fn remove_pending(&mut self, rules: &Rules, deadline: Day, day: Day) {
        self.pending_at_deadline[rules.bucket(deadline)] -= 1;
        if deadline < day {
            self.levels.overdue -= 1;
        }
    }
}
