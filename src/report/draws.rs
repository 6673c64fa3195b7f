//! draws.csv: each draw of an ensemble, its inputs' values and its headline metrics, for slicing in a
//! spreadsheet or a data frame. The workbook's Draws sheet holds the same columns ([`header`], [`inputs`]).

use crate::ensemble::Draws;
use crate::metric::Metric;
use crate::scenario::ranges::Space;
use crate::summary::Metrics;

/// The columns of draws.csv and of the Draws sheet: `draw`, each ranged input's key, every metric's name.
pub fn header(space: &Space) -> Vec<String> {
    let mut header = vec!["draw".to_string()];
    header.extend(space.inputs.iter().map(|i| i.key.clone()));
    header.extend(Metric::ALL.iter().map(|m| m.to_string()));
    header
}

/// Each ranged input's value at a draw's point, as text (`0.55`, `2020-06-04`, `reading_a`).
pub fn inputs(space: &Space, point: &[f64]) -> Vec<String> {
    space
        .inputs
        .iter()
        .zip(point)
        .map(|(i, &u)| i.text_at(u))
        .collect()
}

/// draws.csv: one row per draw, its number, each ranged input's value (one column per key) and the mean over
/// its replications of every metric of the total.
pub fn write(
    out: &mut dyn std::io::Write,
    space: &Space,
    draws: &Draws,
    totals: &[Metrics],
) -> std::io::Result<()> {
    out.write_all(super::daily::BOM)?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(header(space))?;
    for (d, (point, total)) in draws.points.iter().zip(totals).enumerate() {
        let mut row = vec![(d + 1).to_string()];
        row.extend(inputs(space, point));
        row.extend(Metric::ALL.iter().map(|&m| {
            let mut text = Vec::new();
            if let Some(value) = total.get(m) {
                super::tidy::push_display(&mut text, value);
            }
            String::from_utf8(text).unwrap_or_default()
        }));
        writer.write_record(&row)?;
    }
    writer.flush()
}
