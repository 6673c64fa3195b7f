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
