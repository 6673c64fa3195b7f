//! Which uncertain input drives an answer: variance-based (Sobol') sensitivity indices and a one-at-a-time
//! tornado, as pure arithmetic on points of the unit cube and the values a model gave at them.
//!
//! Nothing here reads a file or runs a scenario. A caller maps each coordinate of a point in `(0, 1)^k` to an
//! input through that input's inverse distribution function, evaluates its model at every point of a
//! [`Design`] (or of a [`tornado`] design), and hands the values back in design order:
//!
//! - [`design`]: the Saltelli design: matrices A and B of `N` rows from one scrambled Sobol sequence of
//!   dimension `2k`, and the `k` matrices `A_B^(i)` (A with column `i` taken from B); `N (k + 2)` points.
//! - [`indices`]: first-order indices by the estimator of Saltelli et al. (2010), total-order indices by that of
//!   Jansen (1999), and percentile bootstrap intervals over resampled rows.
//! - [`tornado`]: each input at its 5 % and 95 % quantile with the others at their central values.
//!
//! ```
//! use backlog::sensitivity::{Bootstrap, Design};
//! // y = x0 + 2 x1 on the unit square: x1 carries 4/5 of the variance.
//! let design = Design::new(2, 1024, 7).unwrap();
//! let values: Vec<f64> = design.points().map(|x| x[0] + 2.0 * x[1]).collect();
//! let indices = design.indices(&values, Bootstrap::default());
//! assert!((indices.inputs[1].total.value - 0.8).abs() < 0.02);
//! ```

pub mod design;
pub mod indices;
pub mod tornado;

pub use design::{Design, DesignError, MAX_BASE};
pub use indices::{Bootstrap, Estimate, Indices, InputIndices};
pub use tornado::{Bar, Tornado, TORNADO_HIGH, TORNADO_LOW};
