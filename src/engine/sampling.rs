//! Random draws: spell durations and the steady-state age of an initial stock.

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
    pub fn sample<R: Rng>(&self, rng: &mut R) -> Option<u32> {
        let days = match self {
            DurationSampler::Exponential(d) => d.sample(rng),
            DurationSampler::Lognormal(d) => d.sample(rng),
            DurationSampler::Weibull(d) => d.sample(rng),
            DurationSampler::Gamma(d) => d.sample(rng),
            DurationSampler::Fixed(days) => *days,
            DurationSampler::Never => return None,
        };
        // Durations beyond ~100 years are "never" for any horizon we allow.
        Some(days.ceil().clamp(1.0, 40_000.0) as u32)
    }
}
