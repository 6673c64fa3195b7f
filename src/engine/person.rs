//! A person's state: who they are and which meetings they owe, in 16 bytes, with the rare meeting that does
//! not fit kept aside ("spilled").

use super::calendar::Day;
use std::collections::HashMap;

/// 16 bytes, so a person never straddles two cache lines.
#[derive(Debug, Clone, Copy)]
pub(super) struct Person {
    /// The day the person's unemployment clock started, which their meetings are counted from: the first day
    /// of the spell, or earlier for a returning person whose schedule resumes (docs/model.md).
    pub(super) clock_start: Day,
    /// Counts the persons who had this slot before: a queued meeting of one of them is no longer pending.
    pub(super) generation: u32,
    /// The person's pending meetings: bit `b` stands for meeting `first_pending + b` of the group's schedule.
    /// Bit 0 is set whenever any is (the lowest pending meeting is `first_pending`). A pending meeting that does
    /// not fit (32 or more meetings after the lowest) is kept in the jobcentre's `spilled` map instead.
    pub(super) pending: u32,
    pub(super) first_pending: u16,
    pub(super) group: u8,
    /// [`SPILLED`] and [`EXISTING`].
    pub(super) flags: u8,
}

/// The person has meetings in the jobcentre's `spilled` map.
pub(super) const SPILLED: u8 = 1;
/// The person's spell began before the first suspension: they count in `suspended_existing`.
pub(super) const EXISTING: u8 = 2;

const _: () = assert!(std::mem::size_of::<Person>() == 16);

impl Person {
    /// Whether the person has meetings in `spilled`.
    #[inline(always)]
    pub(super) fn spilled(&self) -> bool {
        self.flags & SPILLED != 0
    }

    #[inline(always)]
    pub(super) fn set_spilled(&mut self, on: bool) {
        self.flags = (self.flags & !SPILLED) | if on { SPILLED } else { 0 };
    }

    /// Whether the person's spell began before the first suspension.
    #[inline(always)]
    pub(super) fn existing(&self) -> bool {
        self.flags & EXISTING != 0
    }

    /// Adds meeting `k`, later than every pending one, to the bits; false if it does not fit there.
    #[inline(always)]
    pub(super) fn add_pending(&mut self, k: u32) -> bool {
        if self.pending == 0 {
            let Ok(first) = u16::try_from(k) else {
                return false;
            };
            self.first_pending = first;
            self.pending = 1;
            return true;
        }
        let offset = k.wrapping_sub(u32::from(self.first_pending));
        // Every meeting in the bits fits in a `u16`, so that `first_pending` can move up to any of them.
        if offset < 32 && k <= u32::from(u16::MAX) {
            self.pending |= 1 << offset;
            true
        } else {
            false
        }
    }

    /// The meetings in the bits, lowest first (those in `spilled` are not among them).
    pub(super) fn meetings_in_bits(&self) -> impl Iterator<Item = u32> {
        let first = u32::from(self.first_pending);
        let mut bits = self.pending;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let k = first + bits.trailing_zeros();
            bits &= bits - 1;
            Some(k)
        })
    }

    /// Removes meeting `k` from the bits; false if it is not there (it was spilled).
    #[inline(always)]
    pub(super) fn remove_pending(&mut self, k: u32) -> bool {
        let offset = k.wrapping_sub(u32::from(self.first_pending));
        if offset >= 32 || self.pending & (1 << offset) == 0 {
            return false;
        }
        self.pending &= !(1 << offset);
        if self.pending != 0 {
            let shift = self.pending.trailing_zeros();
            self.pending >>= shift;
            self.first_pending += shift as u16;
        }
        true
    }
}

/// A pending meeting in a deadline queue or waiting to be released: meeting `meeting` of the schedule of the
/// person in slot `person`, while the slot's generation is `generation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Pending {
    pub(super) person: u32,
    pub(super) generation: u32,
    pub(super) meeting: u32,
}

/// Makes meeting `k` pending for the person in slot `index` (in their bits, or in `spilled`), and returns its
/// queue entry.
#[inline(always)]
pub(super) fn make_pending(
    persons: &mut [Person],
    spilled: &mut HashMap<u32, Vec<u32>>,
    index: u32,
    k: u32,
) -> Pending {
    let slot = &mut persons[index as usize];
    if !slot.add_pending(k) {
        spill(spilled, slot, index, k);
    }
    Pending {
        person: index,
        generation: slot.generation,
        meeting: k,
    }
}

/// Keeps pending meeting `k` of the person in slot `index` in `spilled`: it does not fit in the person's bits.
#[cold]
#[inline(never)]
pub(super) fn spill(spilled: &mut HashMap<u32, Vec<u32>>, person: &mut Person, index: u32, k: u32) {
    person.set_spilled(true);
    spilled.entry(index).or_default().push(k);
}

/// Removes a held meeting that was kept in `spilled` rather than in its person's bits.
#[cold]
#[inline(never)]
pub(super) fn unspill(spilled: &mut HashMap<u32, Vec<u32>>, person: &mut Person, entry: Pending) {
    let list = spilled.get_mut(&entry.person).expect("a spilled meeting");
    let at = list
        .iter()
        .position(|&k| k == entry.meeting)
        .expect("a spilled meeting");
    list.swap_remove(at);
    if list.is_empty() {
        spilled.remove(&entry.person);
        person.set_spilled(false);
    }
}

/// The days from the start of a person's unemployment clock within which a meeting counts as held in the first
/// half-year (26 weeks): the split of the meeting volume that the published intensities by time on benefit use.
pub const EARLY_DAYS: Day = 182;

/// Meetings held of one deadline day, by group: all of them, and those held in their person's first
/// [`EARLY_DAYS`] days on benefit.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct HeldCount {
    pub(super) all: u32,
    pub(super) early: u32,
}

/// Holds the meeting `entry` on `day` for its person, unless the person has left (then it was dropped already);
/// counts it in `held` by group.
#[inline(always)]
pub(super) fn take_person(
    persons: &mut [Person],
    spilled: &mut HashMap<u32, Vec<u32>>,
    entry: Pending,
    day: Day,
    held: &mut [HeldCount],
) -> bool {
    let person = &mut persons[entry.person as usize];
    if person.generation != entry.generation {
        return false;
    }
    if !person.remove_pending(entry.meeting) {
        unspill(spilled, person, entry);
    }
    let count = &mut held[person.group as usize];
    count.all += 1;
    count.early += u32::from(day - person.clock_start < EARLY_DAYS);
    true
}

#[cfg(test)]
mod pending_tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64;
    use std::collections::BTreeSet;

    /// The meetings a person's bits and the side map say are pending.
    fn pending(person: &Person, spilled: &HashMap<u32, Vec<u32>>, index: u32) -> BTreeSet<u32> {
        let mut set: BTreeSet<u32> = person.meetings_in_bits().collect();
        assert_eq!(person.spilled(), spilled.contains_key(&index));
        set.extend(spilled.get(&index).into_iter().flatten());
        set
    }

    /// Meetings fall due in increasing order and are held in any order, far apart or close together, past the
    /// largest meeting the bits can name too: the bits and the side map always hold exactly the meetings that
    /// fell due and were not held, and the lowest pending one is bit 0.
    #[test]
    fn a_persons_pending_meetings_are_those_fallen_due_and_not_held() {
        for seed in 0..200 {
            let mut rng = Pcg64::seed_from_u64(seed);
            let index = 7;
            let mut person = Person {
                clock_start: 0,
                generation: 0,
                pending: 0,
                first_pending: 0,
                group: 0,
                flags: 0,
            };
            let mut spilled = HashMap::new();
            let mut reference = BTreeSet::new();
            let mut next: u32 = if seed % 4 == 0 { 65_500 } else { 0 };
            for _ in 0..300 {
                if rng.gen_bool(0.55) {
                    next += rng.gen_range(1..if seed % 2 == 0 { 3 } else { 40 });
                    if !person.add_pending(next) {
                        spill(&mut spilled, &mut person, index, next);
                    }
                    reference.insert(next);
                } else if !reference.is_empty() {
                    let k = *reference
                        .iter()
                        .nth(rng.gen_range(0..reference.len()))
                        .unwrap();
                    let entry = Pending {
                        person: index,
                        generation: 0,
                        meeting: k,
                    };
                    if !person.remove_pending(k) {
                        unspill(&mut spilled, &mut person, entry);
                    }
                    reference.remove(&k);
                }
                assert_eq!(pending(&person, &spilled, index), reference, "seed {seed}");
                assert!(
                    person.pending == 0 || person.pending & 1 == 1,
                    "seed {seed}"
                );
            }
        }
    }
}
