//! The table of `simulate`, for a terminal or as Markdown: the run's identity, then one line per municipality
//! (the largest backlogs first when there are many), the total, one line per group, the books and the notes.

use super::ScenarioInfo;
use crate::format::thousands;
use crate::metric::Metric;
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::summary::{Aggregate, Band};
use std::io::Write;

/// Municipalities shown before the table is cut (the rest are in summary.json).
const MAX_ROWS: usize = 15;

pub(crate) fn band_text(band: &Band) -> String {
    match (band.p5, band.p95) {
        (Some(low), Some(high)) => format!("{}-{}", thousands(low), thousands(high)),
        _ => "-".to_string(),
    }
}

/// The column headers of the table after the label.
const HEADERS: [&str; 10] = [
    "due",
    "held",
    "on time",
    "waived",
    "dropped",
    "suspended",
    "backlog peak",
    "cleared (median)",
    "mtg/cw",
    "pers/cw",
];

/// The cells of one row after its label. `staffed` is false for group rows: staff and capacity belong to
/// municipalities, not to groups.
fn cells(a: &Aggregate, staffed: bool) -> [String; 10] {
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
        ("0".to_string(), "no backlog".to_string())
    };
    let (per_caseworker, persons_per_caseworker) = if staffed {
        (
            format!("{:.2}", m.meetings_per_caseworker_day),
            format!("{:.1}", m.active_per_caseworker),
        )
    } else {
        ("-".to_string(), "-".to_string())
    };
    let suspended = if m.suspended > m.due {
        format!("{}*", thousands(m.suspended))
    } else {
        thousands(m.suspended)
    };
    [
        thousands(m.due),
        thousands(m.held),
        format!("{:.1}%", m.on_time_share * 100.0),
        thousands(m.waived),
        thousands(m.dropped),
        suspended,
        peak,
        cleared,
        per_caseworker,
        persons_per_caseworker,
    ]
}

fn row(out: &mut dyn Write, label: &str, a: &Aggregate, staffed: bool) -> std::io::Result<()> {
    let c = cells(a, staffed);
    writeln!(
        out,
        "{label:<30} {:>10} {:>10} {:>8} {:>9} {:>9} {:>10} {:>16} {:>18} {:>7} {:>7}",
        c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9],
    )
}

/// Municipalities in the order shown: scenario order, or the largest backlog peaks first when there are many.
fn shown_municipalities(scenario: &Scenario, outcome: &Outcome) -> Vec<usize> {
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
    order
}

/// The notes under the table: what `*` on `suspended` means, when it appears, and the column legend.
fn notes(info: &ScenarioInfo, outcome: &Outcome) -> Vec<String> {
    let mut notes = Vec::new();
    let starred = std::iter::once(&outcome.total)
        .chain(&outcome.municipalities)
        .chain(&outcome.groups)
        .any(|a| a.mean.suspended > a.mean.due);
    if starred {
        notes.push("*: suspended exceeds due: a `shift` rule counts under `suspended` every meeting it moves out of the dead period, by the date it would have fallen due, and under `due` only when it does fall due after the period (never if the person leaves first or the run ends)".to_string());
    }
    notes.push("on time, mtg/cw, pers/cw and the counts are means over replications; backlog peak date and cleared are medians".to_string());
    notes.push(
        "mtg/cw: meetings held per caseworker per working day; pers/cw: active persons per caseworker"
            .to_string(),
    );
    notes.extend(range_notes(info, outcome));
    notes
}

/// The table as Markdown: the run's identity, a table of municipalities (and the total), a table of groups, the
/// books and the notes.
pub fn write_markdown(
    out: &mut dyn Write,
    scenario: &Scenario,
    info: &ScenarioInfo,
    outcome: &Outcome,
) -> std::io::Result<()> {
    writeln!(
        out,
        "**{}** ({} to {}), seed {}, {} replication{}; scenario `{}` sha256 `{}`, backlog {}",
        info.name,
        info.start,
        info.end,
        info.seed,
        info.replications,
        if info.replications == 1 { "" } else { "s" },
        info.file,
        &info.sha256[..12.min(info.sha256.len())],
        info.version
    )?;
    let table = |out: &mut dyn Write, first: &str, rows: Vec<(String, [String; 10])>| {
        writeln!(out)?;
        writeln!(out, "| {first} | {} |", HEADERS.join(" | "))?;
        writeln!(out, "|---|{}", "---:|".repeat(10))?;
        for (label, cells) in rows {
            writeln!(out, "| {} | {} |", markdown_text(&label), cells.join(" | "))?;
        }
        Ok::<(), std::io::Error>(())
    };
    let order = shown_municipalities(scenario, outcome);
    let mut rows: Vec<(String, [String; 10])> = order
        .iter()
        .take(MAX_ROWS)
        .map(|&m| {
            (
                scenario.municipalities[m].name.clone(),
                cells(&outcome.municipalities[m], true),
            )
        })
        .collect();
    if scenario.municipalities.len() > 1 {
        rows.push(("**total**".to_string(), cells(&outcome.total, true)));
    }
    table(out, "municipality", rows)?;
    if order.len() > MAX_ROWS {
        writeln!(
            out,
            "\n{} more municipalities (largest backlog peaks shown; all are in summary.json)",
            order.len() - MAX_ROWS
        )?;
    }
    let groups = scenario
        .groups
        .iter()
        .zip(&outcome.groups)
        .map(|(g, a)| (g.id.clone(), cells(a, false)))
        .collect();
    table(out, "group (all municipalities)", groups)?;
    let t = &outcome.total.mean;
    writeln!(out)?;
    writeln!(
        out,
        "Books: pending at start {} + due {} = held {} + waived {} + dropped {} + pending at end {}. Capacity used: {:.1}%; caseworkers (FTE, mean): {:.1}.",
        thousands(t.pending_start),
        thousands(t.due),
        thousands(t.held),
        thousands(t.waived),
        thousands(t.dropped),
        thousands(t.pending_end),
        t.utilisation * 100.0,
        t.caseworkers
    )?;
    if outcome.akasse.is_some() {
        table(
            out,
            "a-kasse (its own and the joint meetings)",
            akasse_rows(scenario, outcome),
        )?;
        writeln!(out)?;
        writeln!(out, "{}", akasse_lines(outcome).join(" "))?;
    }
    writeln!(out)?;
    for note in notes(info, outcome) {
        writeln!(out, "- {}", markdown_text(&note))?;
    }
    Ok(())
}

/// The a-kasse side's rows: its municipalities shown (in the order the jobcentre's are) and its total; persons
/// per caseworker is the jobcentre's, so left out.
fn akasse_rows(scenario: &Scenario, outcome: &Outcome) -> Vec<(String, [String; 10])> {
    let Some(akasse) = &outcome.akasse else {
        return Vec::new();
    };
    let akasse_cells = |a: &Aggregate| {
        let mut c = cells(a, true);
        c[9] = "-".to_string();
        c
    };
    let mut rows: Vec<(String, [String; 10])> = shown_municipalities(scenario, outcome)
        .into_iter()
        .take(MAX_ROWS)
        .map(|m| {
            (
                scenario.municipalities[m].name.clone(),
                akasse_cells(&akasse.municipalities[m]),
            )
        })
        .collect();
    if scenario.municipalities.len() > 1 {
        rows.push(("total".to_string(), akasse_cells(&akasse.total)));
    }
    rows
}

/// The a-kasse side's books, capacity and joint meetings' waits, one sentence each.
fn akasse_lines(outcome: &Outcome) -> Vec<String> {
    let Some(akasse) = &outcome.akasse else {
        return Vec::new();
    };
    let t = &akasse.total.mean;
    let w = &akasse.waits;
    vec![
        format!(
            "a-kasse books: pending at start {} + due {} = held {} + waived {} + dropped {} + pending at end {}.",
            thousands(t.pending_start),
            thousands(t.due),
            thousands(t.held),
            thousands(t.waived),
            thousands(t.dropped),
            thousands(t.pending_end)
        ),
        format!(
            "a-kasse capacity used: {:.1}%; caseworkers (FTE, mean): {:.1}.",
            t.utilisation * 100.0,
            t.caseworkers
        ),
        format!(
            "joint meetings held: {}; days they waited for the jobcentre: {}, for the a-kasse: {}.",
            thousands(w.joint_held),
            thousands(w.waited_for_jobcentre_days),
            thousands(w.waited_for_akasse_days)
        ),
    ]
}

/// Text safe inside a Markdown table cell.
pub fn markdown_text(text: &str) -> String {
    text.replace('|', "\\|")
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
        "{:<30} {:>10} {:>10} {:>8} {:>9} {:>9} {:>10} {:>16} {:>18} {:>7} {:>7}",
        "municipality",
        HEADERS[0],
        HEADERS[1],
        HEADERS[2],
        HEADERS[3],
        HEADERS[4],
        HEADERS[5],
        HEADERS[6],
        HEADERS[7],
        HEADERS[8],
        HEADERS[9],
    )?;
    let order = shown_municipalities(scenario, outcome);
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
    if outcome.akasse.is_some() {
        writeln!(out)?;
        writeln!(out, "a-kasse (its own and the joint meetings):")?;
        for (label, cells) in akasse_rows(scenario, outcome) {
            writeln!(
                out,
                "{label:<30} {:>10} {:>10} {:>8} {:>9} {:>9} {:>10} {:>16} {:>18} {:>7} {:>7}",
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                cells[4],
                cells[5],
                cells[6],
                cells[7],
                cells[8],
                cells[9],
            )?;
        }
        for line in akasse_lines(outcome) {
            writeln!(out, "{line}")?;
        }
    }
    // An ensemble's bands are among the notes, predictive and dice-only side by side.
    if outcome.replications > 1 && outcome.total.dice.is_empty() {
        let band = |metric: Metric| {
            outcome
                .total
                .bands
                .iter()
                .find(|(m, _)| *m == metric)
                .map(|(_, b)| band_text(b))
                .unwrap_or_default()
        };
        writeln!(
            out,
            "5%-95% over replications: held {}, backlog peak {}, overdue at end {}",
            band(Metric::Held),
            band(Metric::BacklogPeak),
            band(Metric::OverdueEnd)
        )?;
    }
    for note in notes(info, outcome) {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

/// The most ranged inputs the note under the table names one by one.
const LISTED_RANGES: usize = 6;

/// The notes on ranges under the table: without draws, that the ranges ran at their central values; with
/// draws, the predictive and the dice-only bands of the headline figures and the ranges drawn.
fn range_notes(info: &ScenarioInfo, outcome: &Outcome) -> Vec<String> {
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
        // A long list would bury the table: past a handful, `backlog validate` names them all.
        let listed = if count <= LISTED_RANGES {
            keys.join(", ")
        } else {
            "`backlog validate` lists them".to_string()
        };
        return vec![format!(
            "{inputs} ran at {} central value{} ({listed}); --draws N runs the ensemble",
            if count == 1 { "its" } else { "their" },
            if count == 1 { "" } else { "s" },
        )];
    };
    let band = |bands: &[(Metric, crate::summary::Band)], metric: Metric| {
        bands
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, b)| band_text(b))
            .unwrap_or_default()
    };
    let line = |bands: &[(Metric, crate::summary::Band)]| {
        format!(
            "held {}, backlog peak {}, days to clear {}, overdue at end {}",
            band(bands, Metric::Held),
            band(bands, Metric::BacklogPeak),
            // A run that never clears sorts above every number: past 95 % of the runs, say so.
            match bands.iter().find(|(m, _)| *m == Metric::DaysToClear) {
                Some((_, b)) if b.p5.is_some() && b.p95.is_none() =>
                    format!("{}-not cleared", thousands(b.p5.unwrap_or_default())),
                _ => band(bands, Metric::DaysToClear),
            },
            band(bands, Metric::OverdueEnd)
        )
    };
    let runs = u64::from(draws) * u64::from(outcome.replications);
    let mut notes = vec![
        format!(
            "{inputs}, {draws} draws ({}) x {} replication{} with common random numbers: {} runs; the counts are means over all of them",
            info.plausible
                .as_ref()
                .map_or("Latin hypercube".to_string(), |p| format!("the plausible set {p}")),
            outcome.replications,
            if outcome.replications == 1 { "" } else { "s" },
            crate::format::thousands(runs as f64)
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
    if count <= LISTED_RANGES {
        for range in &info.ranges {
            notes.push(format!(
                "range {}: {}, central {}",
                range.key, range.range, range.central
            ));
        }
    } else {
        notes.push(
            "ranges: `backlog validate` lists them; --out writes each draw's values to draws.csv"
                .to_string(),
        );
    }
    notes
}
