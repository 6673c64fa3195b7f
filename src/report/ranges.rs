//! What outputs say about ranged inputs: the ranges in the run's identity, and the notes under the table.

use crate::scenario::ranges::Space;
use serde::Serialize;

/// One ranged input as outputs record it.
#[derive(Debug, Clone, Serialize)]
pub struct RangeInfo {
    pub key: String,
    /// The range in words: `uniform 0.4 to 0.8`.
    pub range: String,
    /// The central value, which a run without `--draws` uses.
    pub central: String,
}

/// The ranges of a space, in its order.
pub fn ranges(space: &Space) -> Vec<RangeInfo> {
    space
        .inputs
        .iter()
        .map(|input| RangeInfo {
            key: input.key.clone(),
            range: input.describe(),
            central: input.text_at(input.central_u()),
        })
        .collect()
}
