//! The table of `simulate`, for a terminal or as Markdown: the run's identity, then one line per municipality
//! (the largest backlogs first when there are many), the total, one line per group, the books and the notes.

use super::ScenarioInfo;
use crate::format::thousands;
use crate::metric::Metric;
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::summary::{Aggregate, Band, Episode, Metrics};
use std::io::Write;

/// Municipalities shown before the table is cut (the rest are in summary.json).
const MAX_ROWS: usize = 15;

pub(crate) fn band_text(band: &Band) -> String {
    match (band.p5, band.p95) {
        (Some(low), Some(high)) => format!("{}-{}", thousands(low), thousands(high)),
        _ => "-".to_string(),
    }
}

/// The columns of the table after the label.
const COLUMNS: usize = 12;

/// The column headers of the table after the label.
const HEADERS: [&str; COLUMNS] = [
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
    "caseworkers",
    "peak/cw",
];

/// The width of each column after the label, right-aligned.
const WIDTHS: [usize; COLUMNS] = [10, 10, 8, 9, 9, 10, 16, 18, 7, 7, 11, 7];

/// The books of a selection as the tables show them: `pending_start + due = held + waived + dropped +
/// pending_end`, each side's means rounded by [`apportion`](crate::format::apportion) to the same rounded
/// total, so that the numbers shown add up (rounding each mean by itself can leave them one off).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Books {
    pub pending_start: f64,
    pub due: f64,
    pub held: f64,
    pub waived: f64,
    pub dropped: f64,
    pub pending_end: f64,
}

impl Books {
    pub(crate) fn of(m: &Metrics) -> Books {
        let total = m.pending_start + m.due;
        let owed = crate::format::apportion(&[m.pending_start, m.due], total);
        let settled =
            crate::format::apportion(&[m.held, m.waived, m.dropped, m.pending_end], total);
        Books {
            pending_start: owed[0],
            due: owed[1],
            held: settled[0],
            waived: settled[1],
            dropped: settled[2],
            pending_end: settled[3],
        }
    }

    /// The line under the table, `books: pending at start ... + pending at end ...`, without its first word.
    fn text(&self) -> String {
        format!(
            "pending at start {} + due {} = held {} + waived {} + dropped {} + pending at end {}",
            thousands(self.pending_start),
            thousands(self.due),
            thousands(self.held),
            thousands(self.waived),
            thousands(self.dropped),
            thousands(self.pending_end)
        )
    }
}

/// The cells of one row after its label. `staffed` is false for group rows: staff and capacity belong to
/// municipalities, not to groups.
fn cells(a: &Aggregate, staffed: bool) -> [String; COLUMNS] {
    let m = &a.mean;
    let books = Books::of(m);
    // With several episodes the peak and its clearing are the first episode's, so that one row never shows the
    // peak of one episode beside the clearing of another; the episode rows give each one.
    let (backlog_peak, peak_date, cleared_date, not_cleared) = match m.episodes.as_slice() {
        [first, _, ..] => (
            first.backlog_peak,
            first.backlog_peak_date,
            first.backlog_cleared_date,
            first.not_cleared(),
        ),
        _ => (
            m.backlog_peak,
            m.backlog_peak_date,
            m.backlog_cleared_date,
            "not cleared".to_string(),
        ),
    };
    // Without a backlog there is no peak date and nothing to clear.
    let (peak, cleared) = if backlog_peak > 0.0 {
        let date = peak_date.map_or("-".to_string(), |d| d.format("%d %b").to_string());
        let cleared = cleared_date.map_or(not_cleared, |d| d.to_string());
        (format!("{} {date}", thousands(backlog_peak)), cleared)
    } else {
        ("0".to_string(), "no backlog".to_string())
    };
    let [per_caseworker, persons_per_caseworker, caseworkers, peak_per_caseworker] = if staffed {
        [
            format!("{:.2}", m.meetings_per_caseworker_day),
            format!("{:.1}", m.active_per_caseworker),
            format!("{:.1}", m.caseworkers),
            format!("{:.1}", m.backlog_peak_per_caseworker),
        ]
    } else {
        ["-", "-", "-", "-"].map(String::from)
    };
    let suspended = if m.suspended > m.due {
        format!("{}*", thousands(m.suspended))
    } else {
        thousands(m.suspended)
    };
    [
        thousands(books.due),
        thousands(books.held),
        format!("{:.1}%", m.on_time_share * 100.0),
        thousands(books.waived),
        thousands(books.dropped),
        suspended,
        peak,
        cleared,
        per_caseworker,
        persons_per_caseworker,
        caseworkers,
        peak_per_caseworker,
    ]
}

/// One line of the table: the label, then each cell right-aligned in its column.
fn line<S: AsRef<str>>(out: &mut dyn Write, label: &str, cells: &[S]) -> std::io::Result<()> {
    write!(out, "{label:<30}")?;
    for (cell, width) in cells.iter().zip(WIDTHS) {
        write!(out, " {:>width$}", cell.as_ref())?;
    }
    writeln!(out)
}

fn row(out: &mut dyn Write, label: &str, a: &Aggregate, staffed: bool) -> std::io::Result<()> {
    line(out, label, &cells(a, staffed))
}

/// The column headers of the episode rows after the label.
const EPISODE_HEADERS: [&str; 5] = [
    "before",
    "backlog peak",
    "cleared (median)",
    "days (mean)",
    "(median)",
];

/// The episode rows: per suspension, its window, the total and each group (when there are several), with the
/// backlog before it, its peak, its cleared date and its days to clear from the suspension's end.
fn episode_rows(scenario: &Scenario, outcome: &Outcome) -> Vec<(String, [String; 5])> {
    let cells = |episode: &Episode| {
        let (peak_date, cleared, median) = episode.medians();
        let peak = match peak_date {
            Some(date) => format!(
                "{} {}",
                thousands(episode.backlog_peak),
                date.format("%d %b")
            ),
            None => "0".to_string(),
        };
        let cleared = match (episode.backlog_peak > 0.0, cleared) {
            (false, _) => "no backlog".to_string(),
            (true, Some(date)) => date.to_string(),
            (true, None) => episode.not_cleared(),
        };
        [
            thousands(episode.backlog_before),
            peak,
            cleared,
            episode
                .days_to_clear
                .filter(|_| episode.backlog_peak > 0.0)
                .map_or("-".to_string(), |d| format!("{d:.1}")),
            median.map_or("-".to_string(), thousands),
        ]
    };
    let mut rows = Vec::new();
    for (n, episode) in outcome.total.mean.episodes.iter().enumerate() {
        let window = match (episode.start, episode.end) {
            (Some(start), Some(end)) => {
                format!(" {}-{}", start.format("%d %b"), end.format("%d %b %Y"))
            }
            _ => String::new(),
        };
        rows.push((format!("{}{window}", episode.id), cells(episode)));
        if scenario.groups.len() > 1 {
            for (group, a) in scenario.groups.iter().zip(&outcome.groups) {
                if let Some(episode) = a.mean.episodes.get(n) {
                    rows.push((format!("  {}", group.id), cells(episode)));
                }
            }
        }
    }
    rows
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
    notes.push("on time, mtg/cw, pers/cw, caseworkers, peak/cw and the counts are means over replications (the books' counts rounded so that they add up); backlog peak date and cleared are medians".to_string());
    let episodes = &outcome.total.mean.episodes;
    if let Some(first) = episodes.first() {
        notes.push(format!(
            "episodes: one per suspension, from its start to the next one's; cleared when the backlog is back at its level the day before the suspension (before), days counted from the suspension's end{}",
            if episodes.len() > 1 {
                format!("; backlog peak and cleared in the tables above are the first episode's ({})", first.id)
            } else {
                String::new()
            }
        ));
    }
    notes.push(
        "mtg/cw: meetings held per caseworker per working day; pers/cw: active persons per caseworker; caseworkers: FTE, mean; peak/cw: backlog peak per caseworker (FTE on the peak day)"
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
    let table = |out: &mut dyn Write, first: &str, rows: Vec<(String, [String; COLUMNS])>| {
        writeln!(out)?;
        writeln!(out, "| {first} | {} |", HEADERS.join(" | "))?;
        writeln!(out, "|---|{}", "---:|".repeat(COLUMNS))?;
        for (label, cells) in rows {
            writeln!(out, "| {} | {} |", markdown_text(&label), cells.join(" | "))?;
        }
        Ok::<(), std::io::Error>(())
    };
    let order = shown_municipalities(scenario, outcome);
    let mut rows: Vec<(String, [String; COLUMNS])> = order
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
    let episodes = episode_rows(scenario, outcome);
    if !episodes.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "| episode (all municipalities) | {} |",
            EPISODE_HEADERS.join(" | ")
        )?;
        writeln!(out, "|---|{}", "---:|".repeat(EPISODE_HEADERS.len()))?;
        for (label, cells) in episodes {
            writeln!(out, "| {} | {} |", markdown_text(&label), cells.join(" | "))?;
        }
    }
    let t = &outcome.total.mean;
    writeln!(out)?;
    writeln!(
        out,
        "Books: {}. Capacity used: {:.1}%; caseworkers (FTE, mean): {:.1}.",
        Books::of(t).text(),
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
fn akasse_rows(scenario: &Scenario, outcome: &Outcome) -> Vec<(String, [String; COLUMNS])> {
    let Some(akasse) = &outcome.akasse else {
        return Vec::new();
    };
    let akasse_cells = |a: &Aggregate| {
        let mut c = cells(a, true);
        c[9] = "-".to_string();
        c
    };
    let mut rows: Vec<(String, [String; COLUMNS])> = shown_municipalities(scenario, outcome)
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
        format!("a-kasse books: {}.", Books::of(t).text()),
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
    line(out, "municipality", &HEADERS)?;
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
    let episodes = episode_rows(scenario, outcome);
    if !episodes.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<31} {:>8} {:>16} {:>26} {:>11} {:>8}",
            format!("episodes ({over}):"),
            EPISODE_HEADERS[0],
            EPISODE_HEADERS[1],
            EPISODE_HEADERS[2],
            EPISODE_HEADERS[3],
            EPISODE_HEADERS[4],
        )?;
        for (label, c) in &episodes {
            writeln!(
                out,
                "{label:<31} {:>8} {:>16} {:>26} {:>11} {:>8}",
                c[0], c[1], c[2], c[3], c[4]
            )?;
        }
    }
    let t = &outcome.total.mean;
    writeln!(out)?;
    writeln!(out, "books: {}", Books::of(t).text())?;
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
            line(out, &label, &cells)?;
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
pub(crate) fn range_notes(info: &ScenarioInfo, outcome: &Outcome) -> Vec<String> {
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
