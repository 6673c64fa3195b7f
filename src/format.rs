//! Numbers, sizes and durations written for people, in every layer's messages and tables.

/// A number rounded to an integer, with thousands separated by commas.
pub fn thousands(value: f64) -> String {
    let rounded = value.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 {
        out.insert(0, '-');
    }
    out
}

/// Whole numbers for `parts` that add up to `total` rounded, each within 1 of its part: the largest-remainder
/// rule. Each part is rounded down, and the units still missing go to the parts with the largest fractions, the
/// first of equal fractions first. When plain rounding already adds up, the result is plain rounding.
///
/// Means over replications are fractional, so rounding each by itself can leave the books of a table one off:
/// this is what the human-facing tables show instead (docs/outputs.md).
pub fn apportion(parts: &[f64], total: f64) -> Vec<f64> {
    let mut whole: Vec<f64> = parts.iter().map(|p| p.floor()).collect();
    let missing = total.round() - whole.iter().sum::<f64>();
    if parts.is_empty() || missing <= 0.0 {
        return whole;
    }
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // A stable sort: of equal fractions, the first part first.
    order.sort_by(|&a, &b| (parts[b] - whole[b]).total_cmp(&(parts[a] - whole[a])));
    // Float noise between a total and its parts' sum is far below one unit; the cycle is only a guard.
    for &i in order.iter().cycle().take(missing as usize) {
        whole[i] += 1.0;
    }
    whole
}

/// Caseworker FTE to a millionth: sums and means of fractional FTE over days and municipalities carry float
/// noise in the last digits (2567.00000000013 for 2567), far below anything staffing means, which this drops.
pub fn round_fte(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

/// A size in bytes, for people: `1.5 GB`, `320 MB`, `12 kB` (decimal units, as `--max-memory` reads them).
pub fn bytes(value: f64) -> String {
    let units = [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    match units.iter().find(|(_, size)| value >= *size) {
        Some((unit, size)) => format!("{:.1} {unit}", value / size),
        None => format!("{value:.0} bytes"),
    }
}

/// A duration for people: `3 minutes`, `2.5 hours`.
pub fn duration(seconds: f64) -> String {
    if seconds < 5400.0 {
        format!("{:.0} minutes", (seconds / 60.0).ceil())
    } else {
        format!("{:.1} hours", seconds / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportioned_parts_add_up_to_the_rounded_total_and_stay_within_one() {
        // Plain rounding gives 1 + 1 + 1 = 3 for a total of 2.
        assert_eq!(apportion(&[0.6, 0.6, 0.8], 2.0), [1.0, 0.0, 1.0]);
        // Already adding up: plain rounding.
        assert_eq!(apportion(&[1.4, 2.6, 3.0], 7.0), [1.0, 3.0, 3.0]);
        assert_eq!(apportion(&[], 0.0), Vec::<f64>::new());
        let parts = [1442.4, 0.0, 180.4, 6.6];
        let shown = apportion(&parts, parts.iter().sum());
        assert_eq!(shown.iter().sum::<f64>(), 1629.0);
        for (p, s) in parts.iter().zip(&shown) {
            assert!((p - s).abs() < 1.0);
        }
    }
}
