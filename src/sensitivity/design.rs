//! The Saltelli design: the points at which a model is evaluated to estimate first- and total-order indices.
//!
//! Row `j` of a scrambled Sobol sequence of dimension `2k` gives row `j` of A (its first `k` coordinates) and of
//! B (its last `k`); `A_B^(i)` is A with column `i` replaced by B's. Points are numbered block by block: A's `N`
//! rows, then B's, then those of `A_B^(0)`, ..., `A_B^(k-1)`, so the point at index `b N + j` is row `j` of
//! block `b`. The sequence is Burley's hash-based Owen scrambling (crate `sobol_burley`), seeded from the
//! caller's seed, so the same seed gives the same points on every machine. Its `f32` output, a multiple of
//! 2^-23, is moved to the middle of its cell, so no coordinate is 0 or 1 and every inverse distribution
//! function is finite there. Rows balance best when `N` is a power of two.

use super::indices::{self, Bootstrap, Indices};

/// The most rows the Sobol sequence has (2^16).
pub const MAX_BASE: usize = 1 << 16;

/// The dimensions `sobol_burley` scrambles together; further dimensions reuse them under another seed.
const SOBOL_DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// Why a design cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DesignError {
    #[error("a sensitivity design needs at least one input")]
    NoInputs,
    #[error("the base sample must have between 2 and {MAX_BASE} rows, not {0}")]
    Base(usize),
}

/// The Saltelli design for `inputs` inputs and `base` rows.
#[derive(Debug, Clone)]
pub struct Design {
    inputs: usize,
    base: usize,
    /// Row `j` of the Sobol sequence, `2 * inputs` coordinates per row.
    sobol: Vec<f64>,
}

impl Design {
    pub fn new(inputs: usize, base: usize, seed: u64) -> Result<Design, DesignError> {
        if inputs == 0 {
            return Err(DesignError::NoInputs);
        }
        if !(2..=MAX_BASE).contains(&base) {
            return Err(DesignError::Base(base));
        }
        // Both halves of the 64-bit seed count.
        let seed = (seed ^ (seed >> 32)) as u32;
        let dimensions = 2 * inputs;
        let mut sobol = Vec::with_capacity(base * dimensions);
        for row in 0..base {
            for dimension in 0..dimensions {
                let pass = (dimension / SOBOL_DIMENSIONS) as u32;
                let value = sobol_burley::sample(
                    row as u32,
                    (dimension % SOBOL_DIMENSIONS) as u32,
                    seed.wrapping_add(pass.wrapping_mul(0x9e37_79b9)),
                );
                sobol.push(f64::from(value) + 0.5 / f64::from(1u32 << 23));
            }
        }
        Ok(Design {
            inputs,
            base,
            sobol,
        })
    }

    /// The number of inputs, `k`.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// The rows of A and of B, `N`.
    pub fn base(&self) -> usize {
        self.base
    }

    /// Points in the design: `N (k + 2)`.
    pub fn len(&self) -> usize {
        self.base * (self.inputs + 2)
    }

    /// Never: a design has at least one input and two rows.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The point at `index` in design order: `k` coordinates in `(0, 1)`.
    pub fn point(&self, index: usize) -> Vec<f64> {
        assert!(index < self.len(), "design point {index} of {}", self.len());
        let (block, row) = (index / self.base, index % self.base);
        let k = self.inputs;
        let sobol = &self.sobol[row * 2 * k..(row + 1) * 2 * k];
        let (a, b) = sobol.split_at(k);
        match block {
            0 => a.to_vec(),
            1 => b.to_vec(),
            _ => {
                let mut point = a.to_vec();
                point[block - 2] = b[block - 2];
                point
            }
        }
    }

    /// Every point, in design order.
    pub fn points(&self) -> impl ExactSizeIterator<Item = Vec<f64>> + '_ {
        (0..self.len()).map(|index| self.point(index))
    }

    /// The indices of every input from the model's `values` at the points, in design order (finite numbers).
    pub fn indices(&self, values: &[f64], bootstrap: Bootstrap) -> Indices {
        assert_eq!(values.len(), self.len(), "one value per design point");
        let n = self.base;
        let blocks: Vec<&[f64]> = values.chunks(n).collect();
        indices::estimate(blocks[0], blocks[1], &blocks[2..], bootstrap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_blocks_take_one_column_from_b_and_the_rest_from_a() {
        let design = Design::new(3, 16, 1).unwrap();
        assert_eq!(design.len(), 16 * 5);
        for row in 0..16 {
            let a = design.point(row);
            let b = design.point(16 + row);
            for input in 0..3 {
                let mixed = design.point((2 + input) * 16 + row);
                for column in 0..3 {
                    let expected = if column == input {
                        b[column]
                    } else {
                        a[column]
                    };
                    assert_eq!(mixed[column], expected);
                }
            }
            assert!(a.iter().chain(&b).all(|&u| u > 0.0 && u < 1.0));
        }
    }

    #[test]
    fn each_column_is_stratified_at_a_power_of_two() {
        // Owen-scrambled Sobol points put exactly one value in each of the N cells of width 1/N, per dimension.
        let n = 64;
        let design = Design::new(2, n, 99).unwrap();
        for column in 0..2 {
            for block in 0..2 {
                let mut cells: Vec<usize> = (0..n)
                    .map(|row| (design.point(block * n + row)[column] * n as f64) as usize)
                    .collect();
                cells.sort_unstable();
                assert_eq!(cells, (0..n).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn the_seed_picks_the_sequence_and_the_same_seed_repeats_it() {
        let one = Design::new(2, 32, 5).unwrap();
        let again = Design::new(2, 32, 5).unwrap();
        let other = Design::new(2, 32, 6).unwrap();
        assert_eq!(
            one.points().collect::<Vec<_>>(),
            again.points().collect::<Vec<_>>()
        );
        assert_ne!(
            one.points().collect::<Vec<_>>(),
            other.points().collect::<Vec<_>>()
        );
    }

    #[test]
    fn inputs_past_the_sequence_dimensions_are_not_copies_of_the_first() {
        // 200 inputs need 400 dimensions: dimension 256 (B's column 56) reuses the sequence's dimension 0
        // (A's column 0) under another seed.
        let n = 16;
        let design = Design::new(200, n, 3).unwrap();
        let first: Vec<f64> = (0..n).map(|row| design.point(row)[0]).collect();
        let reused: Vec<f64> = (0..n).map(|row| design.point(n + row)[56]).collect();
        assert_ne!(first, reused);
    }

    #[test]
    fn sizes_out_of_range_are_refused() {
        assert_eq!(Design::new(0, 8, 1).unwrap_err(), DesignError::NoInputs);
        assert_eq!(Design::new(2, 1, 1).unwrap_err(), DesignError::Base(1));
        assert_eq!(
            Design::new(2, MAX_BASE + 1, 1).unwrap_err(),
            DesignError::Base(MAX_BASE + 1)
        );
    }
}
