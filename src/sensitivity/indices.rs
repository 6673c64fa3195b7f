//! First- and total-order Sobol' indices from a model's values on a Saltelli design, with bootstrap intervals.
//!
//! With `f(A)`, `f(B)` and `f(A_B^(i))` the values on the design's blocks (`N` each) and `V` the variance of
//! the `2N` values of `f(A)` and `f(B)` together:
//! - first order (Saltelli et al. 2010, table 2 (b)): `S_i = mean_j (f(B)_j - m) (f(A_B^(i))_j - f(A)_j) / V`,
//!   the share of the variance that input `i` explains alone. `m` is the mean of the same `2N` values: the
//!   estimator is unbiased with any constant there (the mean of `f(A_B^(i)) - f(A)` is 0), and with the mean it
//!   no longer grows noisy when the metric's level is large against its spread (a backlog of 10,000 +- 500);
//! - total order (Jansen 1999): `ST_i = mean_j (f(A)_j - f(A_B^(i))_j)^2 / (2 V)`, its share with all its
//!   interactions.
//!
//! An input the model does not read gives `f(A_B^(i)) = f(A)` row for row, so both its indices are exactly 0.
//! Intervals come from the percentile bootstrap: the `N` rows are drawn with replacement (the same rows for
//! every block, so the estimators keep their pairing), the indices computed again, and the 5th and 95th
//! percentiles of the resampled indices kept. The draws use a seeded PCG generator, so they repeat exactly.
//! A model that does not vary at all (`V = 0`) has every index 0.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// The percentiles of the bootstrap interval.
pub const INTERVAL: (f64, f64) = (0.05, 0.95);

/// How the intervals are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bootstrap {
    /// Resamples of the rows; 0 makes every interval the point estimate alone.
    pub resamples: usize,
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Bootstrap {
        Bootstrap {
            resamples: 500,
            seed: 0,
        }
    }
}

/// An index and its bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    /// The 5th percentile over resamples.
    pub low: f64,
    /// The 95th percentile over resamples.
    pub high: f64,
}

/// The indices of one input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputIndices {
    pub first: Estimate,
    pub total: Estimate,
}

/// The indices of every input, in input order, with the mean and variance of the model's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Indices {
    pub mean: f64,
    pub variance: f64,
    pub inputs: Vec<InputIndices>,
}

/// The indices from the values on A, B and each `A_B^(i)` (all of the same length `N`, at least 2).
pub fn estimate(a: &[f64], b: &[f64], mixed: &[&[f64]], bootstrap: Bootstrap) -> Indices {
    let n = a.len();
    assert!(n >= 2 && b.len() == n && mixed.iter().all(|m| m.len() == n));
    let all: Vec<usize> = (0..n).collect();
    let whole = Sample { a, b, mixed }.indices(&all);
    let mut first: Vec<Vec<f64>> = vec![Vec::with_capacity(bootstrap.resamples); mixed.len()];
    let mut total = first.clone();
    let mut rng = Pcg64::seed_from_u64(bootstrap.seed);
    let mut rows = vec![0; n];
    for _ in 0..bootstrap.resamples {
        for row in rows.iter_mut() {
            *row = rng.gen_range(0..n);
        }
        let resampled = Sample { a, b, mixed }.indices(&rows);
        for (input, (s, st)) in resampled.indices.into_iter().enumerate() {
            first[input].push(s);
            total[input].push(st);
        }
    }
    let interval = |value: f64, resampled: &mut Vec<f64>| {
        if resampled.is_empty() {
            return Estimate {
                value,
                low: value,
                high: value,
            };
        }
        resampled.sort_by(f64::total_cmp);
        Estimate {
            value,
            low: percentile(resampled, INTERVAL.0),
            high: percentile(resampled, INTERVAL.1),
        }
    };
    let inputs = whole
        .indices
        .iter()
        .zip(first.iter_mut().zip(total.iter_mut()))
        .map(|(&(s, st), (first, total))| InputIndices {
            first: interval(s, first),
            total: interval(st, total),
        })
        .collect();
    Indices {
        mean: whole.mean,
        variance: whole.variance,
        inputs,
    }
}

struct Sample<'a> {
    a: &'a [f64],
    b: &'a [f64],
    mixed: &'a [&'a [f64]],
}

struct PointEstimates {
    mean: f64,
    variance: f64,
    /// (first, total) per input.
    indices: Vec<(f64, f64)>,
}

impl Sample<'_> {
    /// The estimators over the given rows (with repeats, for a resample).
    fn indices(&self, rows: &[usize]) -> PointEstimates {
        let count = rows.len() as f64;
        let mean = rows.iter().map(|&j| self.a[j] + self.b[j]).sum::<f64>() / (2.0 * count);
        let variance = rows
            .iter()
            .map(|&j| (self.a[j] - mean).powi(2) + (self.b[j] - mean).powi(2))
            .sum::<f64>()
            / (2.0 * count);
        let indices = self
            .mixed
            .iter()
            .map(|mixed| {
                if variance <= 0.0 {
                    return (0.0, 0.0);
                }
                let (mut first, mut total) = (0.0, 0.0);
                for &j in rows {
                    let step = mixed[j] - self.a[j];
                    first += (self.b[j] - mean) * step;
                    total += step * step;
                }
                (first / count / variance, total / (2.0 * count) / variance)
            })
            .collect();
        PointEstimates {
            mean,
            variance,
            indices,
        }
    }
}

/// The `q` quantile of sorted values, interpolating linearly between neighbours.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

#[cfg(test)]
mod tests {
    use super::super::Design;
    use super::*;
    use std::f64::consts::PI;

    /// Standard errors below are those of plain Monte Carlo (the delta method applied to each estimator's ratio
    /// to the variance); a scrambled Sobol design does at least as well, so an estimate more than `Z` of them
    /// from the true index is a wrong estimator, not bad luck.
    const Z: f64 = 4.0;

    /// The standard errors of the first- and total-order estimates of every input, from the row-wise
    /// contributions to each estimator: `se = sd_j((u_j - S w_j) / V) / sqrt(N)` with `u_j` the row's term of
    /// the numerator and `w_j` its term of the variance.
    fn standard_errors(design: &Design, values: &[f64]) -> Vec<(f64, f64)> {
        let n = design.base();
        let blocks: Vec<&[f64]> = values.chunks(n).collect();
        let (a, b) = (blocks[0], blocks[1]);
        let mean = (a.iter().sum::<f64>() + b.iter().sum::<f64>()) / (2 * n) as f64;
        let w: Vec<f64> = (0..n)
            .map(|j| ((a[j] - mean).powi(2) + (b[j] - mean).powi(2)) / 2.0)
            .collect();
        let variance = w.iter().sum::<f64>() / n as f64;
        let se = |u: Vec<f64>| {
            let index = u.iter().sum::<f64>() / n as f64 / variance;
            let influence: Vec<f64> = (0..n).map(|j| (u[j] - index * w[j]) / variance).collect();
            let centre = influence.iter().sum::<f64>() / n as f64;
            let spread =
                influence.iter().map(|x| (x - centre).powi(2)).sum::<f64>() / (n - 1) as f64;
            (spread / n as f64).sqrt()
        };
        blocks[2..]
            .iter()
            .map(|mixed| {
                let first = se((0..n).map(|j| (b[j] - mean) * (mixed[j] - a[j])).collect());
                let total = se((0..n).map(|j| (a[j] - mixed[j]).powi(2) / 2.0).collect());
                (first, total)
            })
            .collect()
    }

    fn evaluate(design: &Design, model: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        design.points().map(|x| model(&x)).collect()
    }

    /// Asserts every index within `Z` standard errors of the true (first, total) indices.
    fn assert_near(design: &Design, values: &[f64], truth: &[(f64, f64)]) -> Indices {
        let indices = design.indices(values, Bootstrap::default());
        let errors = standard_errors(design, values);
        for (input, (&(s, st), (se_s, se_st))) in truth.iter().zip(errors).enumerate() {
            let got = indices.inputs[input];
            assert!(
                (got.first.value - s).abs() <= Z * se_s,
                "input {input}: first order {} against {s} (standard error {se_s})",
                got.first.value
            );
            assert!(
                (got.total.value - st).abs() <= Z * se_st,
                "input {input}: total order {} against {st} (standard error {se_st})",
                got.total.value
            );
        }
        indices
    }

    #[test]
    fn an_input_the_model_does_not_read_has_indices_of_exactly_zero() {
        let design = Design::new(4, 1024, 11).unwrap();
        let values = evaluate(&design, |x| (3.0 * x[2]).exp());
        let indices = assert_near(
            &design,
            &values,
            &[(0.0, 0.0), (0.0, 0.0), (1.0, 1.0), (0.0, 0.0)],
        );
        for input in [0, 1, 3] {
            let zero = Estimate {
                value: 0.0,
                low: 0.0,
                high: 0.0,
            };
            assert_eq!(indices.inputs[input].first, zero);
            assert_eq!(indices.inputs[input].total, zero);
        }
    }

    #[test]
    fn a_linear_model_of_uniform_inputs_splits_the_variance_by_squared_coefficients() {
        let coefficients = [1.0, 2.0, -3.0, 0.5, 0.0];
        let squares: f64 = coefficients.iter().map(|a| a * a).sum();
        let truth: Vec<(f64, f64)> = coefficients
            .iter()
            .map(|a| (a * a / squares, a * a / squares))
            .collect();
        let design = Design::new(coefficients.len(), 2048, 3).unwrap();
        let values = evaluate(&design, |x| {
            10.0 + coefficients.iter().zip(x).map(|(a, x)| a * x).sum::<f64>()
        });
        assert_near(&design, &values, &truth);
    }

    #[test]
    fn the_ishigami_function_gives_its_analytic_indices() {
        // f = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1 on (-pi, pi)^3 (Ishigami and Homma 1990).
        let design = Design::new(3, 8192, 2026).unwrap();
        let values = evaluate(&design, |u| {
            let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
            x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
        });
        assert_near(
            &design,
            &values,
            &[(0.3139, 0.5576), (0.4424, 0.4424), (0.0, 0.2437)],
        );
    }

    #[test]
    fn bootstrap_intervals_hold_the_estimate_narrow_with_more_rows_and_repeat_for_a_seed() {
        let model = |x: &[f64]| x[0] + 2.0 * x[1] * x[1] + x[0] * x[1];
        let width = |n: usize| {
            let design = Design::new(2, n, 8).unwrap();
            let indices = design.indices(&evaluate(&design, model), Bootstrap::default());
            for input in &indices.inputs {
                for estimate in [input.first, input.total] {
                    assert!(estimate.low <= estimate.value && estimate.value <= estimate.high);
                    assert!(estimate.low < estimate.high);
                }
            }
            indices.inputs[0].total.high - indices.inputs[0].total.low
        };
        // The width shrinks as 1/sqrt(N) or faster: a quarter of the rows, at least half again as wide.
        let (narrow, wide) = (width(4096), width(1024));
        assert!(wide > 1.5 * narrow, "{wide} against {narrow}");

        let design = Design::new(2, 256, 8).unwrap();
        let values = evaluate(&design, model);
        let seeded = |seed| {
            design.indices(
                &values,
                Bootstrap {
                    resamples: 200,
                    seed,
                },
            )
        };
        assert_eq!(seeded(1), seeded(1));
        assert_ne!(seeded(1), seeded(2));
        let none = design.indices(
            &values,
            Bootstrap {
                resamples: 0,
                seed: 1,
            },
        );
        assert_eq!(none.inputs[1].total.low, none.inputs[1].total.value);
        assert_eq!(none.inputs[1].total, {
            let mut t = seeded(1).inputs[1].total;
            (t.low, t.high) = (t.value, t.value);
            t
        });
    }

    #[test]
    fn a_model_that_does_not_vary_has_every_index_zero() {
        let design = Design::new(2, 16, 1).unwrap();
        let indices = design.indices(&vec![5.0; design.len()], Bootstrap::default());
        assert_eq!(indices.variance, 0.0);
        assert!(indices
            .inputs
            .iter()
            .all(|i| i.first.value == 0.0 && i.total.value == 0.0 && i.total.high == 0.0));
    }

    #[test]
    fn percentiles_interpolate_between_neighbours() {
        let values: Vec<f64> = (0..=10).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.05), 0.5);
        assert_eq!(percentile(&values, 0.95), 9.5);
        assert_eq!(percentile(&[3.0], 0.95), 3.0);
    }
}
