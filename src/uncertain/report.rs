//! What outputs say about ranged inputs: the ranges in the run's identity, and the notes under the table.

use super::Space;
use crate::metric::Metric;
use crate::report::ScenarioInfo;
use crate::run::Outcome;
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

/// The notes on ranges under the table: without draws, that the ranges ran at their central values; with
/// draws, the predictive and the dice-only bands of the headline figures and the ranges drawn.
pub fn notes(info: &ScenarioInfo, outcome: &Outcome) -> Vec<String> {
    let count = info.ranges.len();
    if count == 0 {
        return Vec::new();
    }
    let inputs = if count == 1 {
        "1 input given as a range".to_string()
    } else {
        format!("{count} inputs given as ranges")
    };
    let Some(draws) = info.draws else {
        let keys: Vec<&str> = info.ranges.iter().map(|r| r.key.as_str()).collect();
        return vec![format!(
            "{inputs} ran at {} central value{} ({}); --draws N runs the ensemble",
            if count == 1 { "its" } else { "their" },
            if count == 1 { "" } else { "s" },
            keys.join(", ")
        )];
    };
    let band = |bands: &[(Metric, crate::summary::Band)], metric: Metric| {
        bands
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, b)| crate::report::table::band_text(b))
            .unwrap_or_default()
    };
    let line = |bands: &[(Metric, crate::summary::Band)]| {
        format!(
            "held {}, backlog peak {}, overdue at end {}",
            band(bands, Metric::Held),
            band(bands, Metric::BacklogPeak),
            band(bands, Metric::OverdueEnd)
        )
    };
    let runs = u64::from(draws) * u64::from(outcome.replications);
    let mut notes = vec![
        format!(
            "{inputs}, {draws} draws (Latin hypercube) x {} replication{} with common random numbers: {} runs; the counts are means over all of them",
            outcome.replications,
            if outcome.replications == 1 { "" } else { "s" },
            crate::report::thousands(runs as f64)
        ),
        format!(
            "5%-95% over draws and replications (predictive): {}",
            line(&outcome.total.bands)
        ),
        format!(
            "5%-95% over replications at the central values (dice only): {}",
            line(&outcome.total.dice)
        ),
    ];
    for range in &info.ranges {
        notes.push(format!(
            "range {}: {}, central {}",
            range.key, range.range, range.central
        ));
    }
    notes
}
