//! The reference spells a steady-state initial stock is drawn from, and the index of an aged stock's buckets:
//! tables made once per scenario and seed, before any jobcentre starts.

use super::sampling::DurationSampler;
use super::stream_seed;
use crate::scenario::{InitialAge, Scenario};
use rand::distributions::WeightedIndex;
use rand::SeedableRng;
use rand_pcg::Pcg64;

/// Spell lengths drawn per group to approximate the length-biased distribution of a steady-state stock.
pub(super) const STOCK_REFERENCE_DRAWS: usize = 4096;
/// How many days before the first a person of the initial stock not yet in their follow-ups may have arrived
/// and still be gathered into a run by day of arrival.
pub(super) const MAX_STOCK_RUN_AGE: usize = 4096;
/// The key of the random stream that draws those reference spells (municipality streams are keyed by code).
pub(super) const STOCK_REFERENCE_STREAM: u64 = u64::MAX;

/// Spell lengths of a group and an index that picks one in proportion to its length.
pub(super) struct StockReference {
    pub(super) spells: Vec<u32>,
    pub(super) length_biased: WeightedIndex<f64>,
}

/// Per group: the reference spells of a steady-state initial stock, drawn from their own stream, and the
/// index of age buckets of an aged one.
pub(super) fn tables(
    scenario: &Scenario,
    duration_sampler: impl Fn(usize) -> DurationSampler,
    seed: u64,
) -> (Vec<Option<StockReference>>, Vec<Option<WeightedIndex<f64>>>) {
    let groups = scenario.groups.len();
    let mut rng = Pcg64::seed_from_u64(stream_seed(seed, STOCK_REFERENCE_STREAM));
    let stock_reference = (0..groups)
        .map(|g| {
            let group = &scenario.groups[g];
            let stocked = scenario
                .municipalities
                .iter()
                .any(|m| m.initial_stock[g] > 0.0);
            if !stocked || group.initial_age != InitialAge::SteadyState {
                return None;
            }
            let sampler = duration_sampler(g);
            let spells: Vec<u32> = (0..STOCK_REFERENCE_DRAWS)
                .map(|_| sampler.sample(&mut rng).unwrap_or(365))
                .collect();
            let length_biased = WeightedIndex::new(spells.iter().map(|&d| f64::from(d))).ok()?;
            Some(StockReference {
                spells,
                length_biased,
            })
        })
        .collect();
    let stock_buckets = scenario
        .groups
        .iter()
        .map(|group| match &group.initial_age {
            InitialAge::Buckets(buckets) => {
                WeightedIndex::new(buckets.iter().map(|(_, share)| *share)).ok()
            }
            InitialAge::SteadyState => None,
        })
        .collect();
    (stock_reference, stock_buckets)
}
