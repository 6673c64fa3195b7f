//! The one-at-a-time tornado: how far the answer moves when one input goes from low to high and every other
//! input stays at its central value.
//!
//! Low and high are the 5 % and 95 % quantiles of the input's distribution, not the ends of its range: a
//! distribution given by `p10` and `p90` has no finite ends, and quantiles put every kind of input on the same
//! footing (for a uniform `{low, high}` they sit a twentieth of the range inside its ends). The design is `1 + 2k`
//! points: the central point, then for each input its low point and its high point. It costs a handful of
//! runs, where the Sobol' indices cost `N (k + 2)`, but it sees no interaction between inputs.

/// The quantile of an input's low end.
pub const TORNADO_LOW: f64 = 0.05;
/// The quantile of an input's high end.
pub const TORNADO_HIGH: f64 = 0.95;

/// The points of the tornado for inputs whose central values sit at `central` in the unit cube: the central
/// point, then input 0 at [`TORNADO_LOW`] and at [`TORNADO_HIGH`], then input 1, and so on.
pub fn points(central: &[f64]) -> Vec<Vec<f64>> {
    let mut points = Vec::with_capacity(1 + 2 * central.len());
    points.push(central.to_vec());
    for input in 0..central.len() {
        for quantile in [TORNADO_LOW, TORNADO_HIGH] {
            let mut point = central.to_vec();
            point[input] = quantile;
            points.push(point);
        }
    }
    points
}

/// One input's bar: the answer with the input at its low and at its high quantile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub input: usize,
    pub low: f64,
    pub high: f64,
}

impl Bar {
    /// How far the answer moves between the input's two ends.
    pub fn swing(&self) -> f64 {
        (self.high - self.low).abs()
    }
}

/// The answer at the central point and every input's bar, largest swing first (ties in input order).
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    pub central: f64,
    pub bars: Vec<Bar>,
}

impl Tornado {
    /// The tornado from the model's values at [`points`], in that order.
    pub fn from_values(values: &[f64]) -> Tornado {
        assert!(
            values.len() % 2 == 1,
            "a tornado has a central point and two per input"
        );
        let mut bars: Vec<Bar> = values[1..]
            .chunks(2)
            .enumerate()
            .map(|(input, ends)| Bar {
                input,
                low: ends[0],
                high: ends[1],
            })
            .collect();
        bars.sort_by(|a, b| b.swing().total_cmp(&a.swing()).then(a.input.cmp(&b.input)));
        Tornado {
            central: values[0],
            bars,
        }
    }

    /// The bar of `input`.
    pub fn bar(&self, input: usize) -> Option<&Bar> {
        self.bars.iter().find(|bar| bar.input == input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_input_moves_alone_from_its_low_to_its_high_quantile() {
        let central = [0.5, 0.25, 0.7];
        let points = points(&central);
        assert_eq!(points.len(), 7);
        assert_eq!(points[0], central);
        assert_eq!(points[3], [0.5, TORNADO_LOW, 0.7]);
        assert_eq!(points[4], [0.5, TORNADO_HIGH, 0.7]);
    }

    #[test]
    fn bars_rank_by_swing_whichever_way_the_answer_moves() {
        // y = 10 + x0 - 4 x1 + 2 x2: swings of 0.9, 3.6 and 1.8; x1 lowers the answer.
        let model = |x: &[f64]| 10.0 + x[0] - 4.0 * x[1] + 2.0 * x[2];
        let values: Vec<f64> = points(&[0.5, 0.5, 0.5]).iter().map(|x| model(x)).collect();
        let tornado = Tornado::from_values(&values);
        assert_eq!(tornado.central, 9.5);
        let order: Vec<usize> = tornado.bars.iter().map(|bar| bar.input).collect();
        assert_eq!(order, [1, 2, 0]);
        let steep = tornado.bar(1).unwrap();
        assert!(steep.low > steep.high);
        assert!((steep.swing() - 4.0 * (TORNADO_HIGH - TORNADO_LOW)).abs() < 1e-12);
        let flat = Tornado::from_values(&[1.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(
            flat.bars.iter().map(|bar| bar.input).collect::<Vec<_>>(),
            [0, 1]
        );
    }
}
