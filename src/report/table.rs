//! The terminal table: the run's identity, then one line per municipality (the largest backlogs first when there
//! are many) and the total.

use super::{thousands, ScenarioInfo};
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::summary::{Aggregate, Band};
use std::io::Write;

/// Municipalities shown before the table is cut (the rest are in summary.json).
const MAX_ROWS: usize = 15;

fn band_text(band: &Band) -> String {
    match (band.p5, band.p95) {
        (Some(low), Some(high)) => format!("{}-{}", thousands(low), thousands(high)),
        _ => "-".to_string(),
    }
}

/// `staffed` is false for group rows: staff and capacity belong to municipalities, not to groups.
fn row(out: &mut dyn Write, label: &str, a: &Aggregate, staffed: bool) -> std::io::Result<()> {
    let m = &a.mean;
    // Without a backlog there is no peak date and nothing to clear.
    let (peak, cleared) = if m.backlog_peak > 0.0 {
        let date = m
            .backlog_peak_date
            .map_or("-".to_string(), |d| d.format("%d %b").to_string());
        let cleared = m
            .backlog_cleared_date
            .map_or("not cleared".to_string(), |d| d.to_string());
        (format!("{} {date}", thousands(m.backlog_peak)), cleared)
    } else {
        ("0".to_string(), "-".to_string())
    };
    let (per_caseworker, persons_per_caseworker) = if staffed {
        (
            format!("{:.2}", m.meetings_per_caseworker_day),
            format!("{:.1}", m.active_per_caseworker),
        )
    } else {
        ("-".to_string(), "-".to_string())
    };
    writeln!(
        out,
        "{label:<30} {:>10} {:>10} {:>7.1}% {:>9} {:>9} {:>10} {:>16} {:>12} {:>7} {:>7}",
        thousands(m.due),
        thousands(m.held),
        m.on_time_share * 100.0,
        thousands(m.waived),
        thousands(m.dropped),
        thousands(m.suspended),
        peak,
        cleared,
        per_caseworker,
        persons_per_caseworker,
    )
}

pub fn write(
    out: &mut dyn Write,
    scenario: &Scenario,
    info: &ScenarioInfo,
    outcome: &Outcome,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} ({} to {}), seed {}, {} replication{}",
        info.name,
        info.start,
        info.end,
        info.seed,
        info.replications,
        if info.replications == 1 { "" } else { "s" }
    )?;
    writeln!(
        out,
        "scenario {} sha256 {}  backlog {}",
        info.file,
        &info.sha256[..12.min(info.sha256.len())],
        info.version
    )?;
    if !info.set.is_empty() {
        writeln!(out, "set {}", info.set.join(" "))?;
    }
    if let Some(codes) = &info.municipalities_shown {
        let codes: Vec<String> = codes.iter().map(u32::to_string).collect();
        writeln!(
            out,
            "showing municipalities {} of the run (--municipality); totals and groups are theirs",
            codes.join(", ")
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<30} {:>10} {:>10} {:>8} {:>9} {:>9} {:>10} {:>16} {:>12} {:>7} {:>7}",
        "municipality",
        "due",
        "held",
        "on time",
        "waived",
        "dropped",
        "suspended",
        "backlog peak",
        "cleared",
        "mtg/cw",
        "pers/cw"
    )?;
    let mut order: Vec<usize> = (0..scenario.municipalities.len()).collect();
    if order.len() > MAX_ROWS {
        order.sort_by(|&a, &b| {
            outcome.municipalities[b]
                .mean
                .backlog_peak
                .total_cmp(&outcome.municipalities[a].mean.backlog_peak)
                .then(a.cmp(&b))
        });
    }
    for &m in order.iter().take(MAX_ROWS) {
        row(
            out,
            &scenario.municipalities[m].name,
            &outcome.municipalities[m],
            true,
        )?;
    }
    if order.len() > MAX_ROWS {
        writeln!(
            out,
            "... {} more municipalities (largest backlog peaks shown; all are in summary.json)",
            order.len() - MAX_ROWS
        )?;
    }
    if scenario.municipalities.len() > 1 {
        row(out, "total", &outcome.total, true)?;
    }
    writeln!(out)?;
    let over = if info.municipalities_shown.is_some() {
        "municipalities shown"
    } else {
        "all municipalities"
    };
    writeln!(out, "by group ({over}):")?;
    for (g, group) in scenario.groups.iter().enumerate() {
        row(out, &group.id, &outcome.groups[g], false)?;
    }
    let t = &outcome.total.mean;
    writeln!(out)?;
    writeln!(
        out,
        "books: pending at start {} + due {} = held {} + waived {} + dropped {} + pending at end {}",
        thousands(t.pending_start),
        thousands(t.due),
        thousands(t.held),
        thousands(t.waived),
        thousands(t.dropped),
        thousands(t.pending_end)
    )?;
    writeln!(
        out,
        "capacity used: {:.1}%; caseworkers (FTE, mean): {:.1}",
        t.utilisation * 100.0,
        t.caseworkers
    )?;
    if outcome.replications > 1 {
        let band = |name: &str| {
            outcome
                .total
                .bands
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| band_text(b))
                .unwrap_or_default()
        };
        writeln!(
            out,
            "5%-95% over replications: held {}, backlog peak {}, overdue at end {}",
            band("held"),
            band("backlog_peak"),
            band("overdue_end")
        )?;
    }
    writeln!(out, "mtg/cw: meetings held per caseworker per working day; pers/cw: active persons per caseworker")
}
