//! Random draws: spell durations, and the spells of a stationary start.

use crate::scenario::Duration;
use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Weibull};

/// A spell-duration distribution ready to sample, in whole days (at least 1), or `None` for "never leaves".
#[derive(Debug, Clone, Copy)]
pub enum DurationSampler {
    Exponential(Exp<f64>),
    Lognormal(LogNormal<f64>),
    Weibull(Weibull<f64>),
    Gamma(Gamma<f64>),
    Fixed(f64),
    Never,
}

impl DurationSampler {
    /// Parameters were validated as finite and positive, so construction cannot fail.
    pub fn new(duration: &Duration) -> Self {
        match *duration {
            Duration::Exponential { mean } => {
                DurationSampler::Exponential(Exp::new(1.0 / mean).expect("validated mean"))
            }
            Duration::Lognormal { mean, sd } => {
                let sigma2 = (1.0 + (sd * sd) / (mean * mean)).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                DurationSampler::Lognormal(
                    LogNormal::new(mu, sigma2.sqrt()).expect("validated mean and sd"),
                )
            }
            Duration::Weibull { shape, scale } => DurationSampler::Weibull(
                Weibull::new(scale, shape).expect("validated shape and scale"),
            ),
            Duration::Gamma { shape, scale } => {
                DurationSampler::Gamma(Gamma::new(shape, scale).expect("validated shape and scale"))
            }
            Duration::Fixed { days } => DurationSampler::Fixed(days),
            Duration::Never => DurationSampler::Never,
        }
    }

    /// Whole days until the spell ends (at least 1), or `None` if it never ends.
    #[inline]
    pub fn sample<R: Rng>(&self, rng: &mut R) -> Option<u32> {
        self.sample_real(rng).map(whole_days)
    }

    /// The duration in real days, before rounding.
    #[inline]
    fn sample_real<R: Rng>(&self, rng: &mut R) -> Option<f64> {
        Some(match self {
            DurationSampler::Exponential(d) => d.sample(rng),
            DurationSampler::Lognormal(d) => d.sample(rng),
            DurationSampler::Weibull(d) => d.sample(rng),
            DurationSampler::Gamma(d) => d.sample(rng),
            DurationSampler::Fixed(days) => *days,
            DurationSampler::Never => return None,
        })
    }
}

/// Who of a group's new spells are returning persons, and the days of earlier unemployment they bring.
#[derive(Debug, Clone, Copy)]
pub struct Returning {
    share: f64,
    prior_days: DurationSampler,
}

impl Returning {
    /// `None` for a share of 0: no spell returns, and no random number is drawn for any.
    pub fn new(returning: &crate::scenario::Returning) -> Option<Self> {
        (returning.share > 0.0).then(|| Returning {
            share: returning.share,
            prior_days: DurationSampler::new(&returning.prior_days),
        })
    }

    /// For one new spell: its earlier unemployment in whole days (at least 1) if it is a returning person's.
    /// Draws a uniform number and the prior days for every spell, returning or not, so that the spells that
    /// return under a share are among those that return under any larger share, with the same prior days.
    #[inline]
    pub fn draw<R: Rng>(&self, rng: &mut R) -> Option<u32> {
        let coin: f64 = rng.gen();
        let prior = self.prior_days.sample(rng);
        if coin < self.share {
            prior
        } else {
            None
        }
    }
}

/// A spell of `days` real days in the engine's whole days: rounded up, at least 1; durations beyond ~100 years
/// are "never" for any horizon we allow.
///
/// The same as `days.ceil().clamp(1.0, 40_000.0) as u32` (NaN gives 0), without `ceil`, which the x86-64
/// baseline target has no instruction for: between 1 and 40,000 the truncation is exact, and one more unless
/// `days` is whole.
#[inline]
fn whole_days(days: f64) -> u32 {
    if days > 1.0 {
        if days < 40_000.0 {
            let truncated = days as u32;
            truncated + u32::from(f64::from(truncated) < days)
        } else {
            40_000
        }
    } else if days.is_nan() {
        0
    } else {
        1
    }
}

/// The spells of the persons on benefit at the end of the day before the first, in the stationary state of a
/// group's inflow and duration distribution, drawn exactly.
///
/// With Poisson arrivals at rate λ a day and whole-day durations `c(X)` (`X` the real duration, `c` the
/// engine's rounding), the persons present who arrived `a >= 1` days before number Poisson(λ P(c(X) >= a)),
/// independently over `a`: Poisson(λ E[c(X)]) in all, each on a spell of whole length `c` drawn with weight
/// `c P(c(X) = c)` (length-biased) and at an age uniform over its `c` possible values. `E[c(X)]` has no closed
/// form, but `c(x) <= x + 1`, so candidates are drawn as a Poisson(λ (μ + 1)) number of spells, each from the
/// mixture `(μ x f(x) / μ + f(x)) / (μ + 1)` (length-biased with probability μ / (μ + 1), plain otherwise: both
/// have closed forms below), and each kept with probability `c(x) / (x + 1)`. The kept ones are exactly the
/// Poisson process above (thinning), with at least half of the candidates kept.
#[derive(Debug, Clone, Copy)]
pub struct StationarySpells {
    plain: DurationSampler,
    length_biased: LengthBiased,
    /// Mean real duration μ.
    mean: f64,
}

/// A length-biased real duration: density `x f(x) / μ`.
#[derive(Debug, Clone, Copy)]
enum LengthBiased {
    /// Exponential (as Gamma(2, mean)) and Gamma(k, θ) (as Gamma(k + 1, θ)).
    Gamma(Gamma<f64>),
    /// LogNormal(m, s) becomes LogNormal(m + s², s).
    Lognormal(LogNormal<f64>),
    /// Weibull(k, λ) becomes λ G^(1/k) with G ~ Gamma(1 + 1/k, 1).
    Weibull {
        gamma: Gamma<f64>,
        scale: f64,
        inverse_shape: f64,
    },
    Fixed(f64),
}

impl StationarySpells {
    /// `None` for a duration that never ends: there is no stationary state.
    pub fn new(duration: &Duration) -> Option<Self> {
        let plain = DurationSampler::new(duration);
        let (length_biased, mean) = match *duration {
            Duration::Exponential { mean } => (
                LengthBiased::Gamma(Gamma::new(2.0, mean).expect("validated mean")),
                mean,
            ),
            Duration::Lognormal { mean, sd } => {
                let sigma2 = (1.0 + (sd * sd) / (mean * mean)).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                (
                    LengthBiased::Lognormal(
                        LogNormal::new(mu + sigma2, sigma2.sqrt()).expect("validated mean and sd"),
                    ),
                    mean,
                )
            }
            Duration::Weibull { shape, scale } => (
                LengthBiased::Weibull {
                    gamma: Gamma::new(1.0 + 1.0 / shape, 1.0).expect("validated shape"),
                    scale,
                    inverse_shape: 1.0 / shape,
                },
                scale * libm::tgamma(1.0 + 1.0 / shape),
            ),
            Duration::Gamma { shape, scale } => (
                LengthBiased::Gamma(
                    Gamma::new(shape + 1.0, scale).expect("validated shape and scale"),
                ),
                shape * scale,
            ),
            Duration::Fixed { days } => (LengthBiased::Fixed(days), days),
            Duration::Never => return None,
        };
        Some(StationarySpells {
            plain,
            length_biased,
            mean,
        })
    }

    /// Candidates per unit of inflow rate: draw Poisson(λ × this) of them and keep each through
    /// [`candidate`](Self::candidate).
    pub fn candidates_per_inflow(&self) -> f64 {
        self.mean + 1.0
    }

    /// One candidate spell: its whole length if it is kept.
    pub fn candidate<R: Rng>(&self, rng: &mut R) -> Option<u32> {
        let biased = rng.gen::<f64>() * (self.mean + 1.0) < self.mean;
        let x = if biased {
            match self.length_biased {
                LengthBiased::Gamma(d) | LengthBiased::Weibull { gamma: d, .. } => {
                    let g = d.sample(rng);
                    match self.length_biased {
                        LengthBiased::Weibull {
                            scale,
                            inverse_shape,
                            ..
                        } => scale * g.powf(inverse_shape),
                        _ => g,
                    }
                }
                LengthBiased::Lognormal(d) => d.sample(rng),
                LengthBiased::Fixed(days) => days,
            }
        } else {
            self.plain.sample_real(rng)?
        };
        let whole = whole_days(x);
        (rng.gen::<f64>() * (x.max(0.0) + 1.0) < f64::from(whole)).then_some(whole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64;

    fn reference(days: f64) -> u32 {
        days.ceil().clamp(1.0, 40_000.0) as u32
    }

    #[test]
    fn whole_days_rounds_up_as_ceil_does() {
        let edges = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.5,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            0.5,
            1.0,
            1.0 + f64::EPSILON,
            1.5,
            2.0,
            2.0 - f64::EPSILON,
            39_999.0,
            39_999.000_000_001,
            39_999.5,
            40_000.0 - 1e-9,
            40_000.0,
            40_000.5,
            1e300,
            f64::MAX,
        ];
        for days in edges {
            assert_eq!(whole_days(days), reference(days), "{days}");
        }
        let mut rng = Pcg64::seed_from_u64(7);
        for _ in 0..1_000_000 {
            let days = rng.gen::<f64>() * 41_000.0 - 100.0;
            assert_eq!(whole_days(days), reference(days), "{days}");
            let whole = rng.gen_range(-10i32..41_000) as f64;
            for days in [whole, whole + 1e-9, whole - 1e-9] {
                assert_eq!(whole_days(days), reference(days), "{days}");
            }
        }
    }
}
