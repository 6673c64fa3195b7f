//! Excel workbooks: `simulate --xlsx` (sheets Summary, Municipalities, Groups, Episodes, Timeliness with
//! `[[timeliness]]` rules, Daily totals, and Draws with `--draws`) and `check --xlsx`
//! (sheet Checks). Numbers are stored as numbers with a display format (counts with thousands separators, shares
//! as percentages, dates as dates), text as shared strings, which keeps the Danish letters intact.
//!
//! The workbook's creation time is fixed (1 January 2000, UTC), so the same run gives the same bytes.

use super::ScenarioInfo;
use crate::check::CheckResult;
use crate::engine::metrics::{GroupDay, Series};
use crate::ensemble::Draws;
use crate::metric::{Kind, Metric};
use crate::run::Outcome;
use crate::scenario::ranges::Space;
use crate::scenario::Scenario;
use crate::summary::{Aggregate, Metrics};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// The display format of a metric's values.
fn number_format(metric: Metric) -> &'static str {
    match metric.kind() {
        Kind::Share => "0.0%",
        Kind::Ratio if metric == Metric::MeetingsPerCaseworkerDay => "0.00",
        Kind::Ratio | Kind::Fte | Kind::Days => "#,##0.0",
        Kind::Count => "#,##0",
    }
}

struct Formats {
    header: Format,
    date: Format,
    text: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            text: Format::new(),
        }
    }

    fn number(metric: Metric) -> Format {
        Format::new().set_num_format(number_format(metric))
    }
}

fn workbook() -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    Ok(workbook)
}

/// The characters a number or a date takes at most in its display format ("12,345,678.9", "2020-06-11").
const NUMBER_WIDTH: usize = 12;
/// The widest a column of text is made: longer texts (a source, a reason) run on past it.
const MAX_TEXT_WIDTH: usize = 60;

/// The characters of the longest of `texts`.
fn longest<'a>(texts: impl IntoIterator<Item = &'a str>) -> usize {
    texts
        .into_iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0)
}

/// The width of each column for its header and, at the least, a number (columns of text widen it further).
fn header_widths(names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .map(|n| n.chars().count().max(NUMBER_WIDTH))
        .collect()
}

/// Sizes each column to `widths` (its header's and contents' characters, text up to [`MAX_TEXT_WIDTH`]), with a
/// margin for the bold header, and fits the sheet to the page width when printed: landscape, one page wide and
/// as many tall as it takes.
fn fit(sheet: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
    for (col, &chars) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, (chars.min(MAX_TEXT_WIDTH) + 2) as f64)?;
    }
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn headers(sheet: &mut Worksheet, formats: &Formats, names: &[&str]) -> Result<(), XlsxError> {
    for (col, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &formats.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn optional_number(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    if let Some(value) = value {
        sheet.write_number_with_format(row, col, value, format)?;
    }
    Ok(())
}

fn optional_date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    date: Option<chrono::NaiveDate>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    if let Some(date) = date {
        sheet.write_datetime_with_format(row, col, date, &formats.date)?;
    }
    Ok(())
}

/// Summary: the run's identity, then one row per metric of the total with its mean and band.
fn summary_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    info: &ScenarioInfo,
    total: &Aggregate,
) -> Result<(), XlsxError> {
    sheet.set_name("Summary")?;
    let identity = [
        ("scenario", info.name.clone()),
        ("file", info.file.clone()),
        ("sha256", info.sha256.clone()),
        ("seed", info.seed.to_string()),
        ("replications", info.replications.to_string()),
        ("start", info.start.clone()),
        ("end", info.end.clone()),
        ("version", info.version.clone()),
    ];
    for (row, (key, value)) in identity.iter().enumerate() {
        let row = row as u32;
        sheet.write_string_with_format(row, 0, *key, &formats.header)?;
        // Numbers and dates as such, where they are exact: a seed above 2^53 stays text.
        let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
        let number = value.parse::<u64>().ok().filter(|&n| n < 1 << 53);
        match (*key, date, number) {
            ("start" | "end", Some(date), _) => {
                sheet.write_datetime_with_format(row, 1, date, &formats.date)?;
            }
            ("seed" | "replications", _, Some(number)) => {
                sheet.write_number(row, 1, number as f64)?;
            }
            _ => {
                sheet.write_string(row, 1, value)?;
            }
        }
    }
    let top = identity.len() as u32 + 1;
    for (col, name) in ["metric", "mean", "p5", "p95"].iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, *name, &formats.header)?;
    }
    for (i, &(metric, band)) in total.bands.iter().enumerate() {
        let row = top + 1 + i as u32;
        let format = Formats::number(metric);
        sheet.write_string(row, 0, metric.name())?;
        optional_number(sheet, row, 1, total.mean.get(metric), &format)?;
        optional_number(sheet, row, 2, band.p5, &format)?;
        optional_number(sheet, row, 3, band.p95, &format)?;
    }
    let row = top + 1 + total.bands.len() as u32;
    let (peak_date, cleared_date, days_to_clear_median) = total.mean.backlog_medians();
    sheet.write_string(row, 0, "backlog_peak_date (median)")?;
    optional_date(sheet, row, 1, peak_date, formats)?;
    sheet.write_string(row + 1, 0, "backlog_cleared_date (median)")?;
    optional_date(sheet, row + 1, 1, cleared_date, formats)?;
    sheet.write_string(row + 2, 0, "days_to_clear_median")?;
    let days = Formats::number(Metric::DaysToClear);
    optional_number(sheet, row + 2, 1, days_to_clear_median, &days)?;
    let labels = identity
        .iter()
        .map(|(key, _)| *key)
        .chain(total.bands.iter().map(|(metric, _)| metric.name()))
        .chain(["metric", "backlog_cleared_date (median)"]);
    let values = longest(identity.iter().map(|(_, value)| value.as_str()));
    fit(
        sheet,
        &[
            longest(labels),
            values.max(NUMBER_WIDTH),
            NUMBER_WIDTH,
            NUMBER_WIDTH,
        ],
    )
}

/// Municipalities or Groups: the keys, then every metric's mean, p5 and p95 and the two dates, as in the CSVs.
fn entity_sheet<'a>(
    sheet: &mut Worksheet,
    formats: &Formats,
    name: &str,
    keys: [&str; 2],
    rows: impl Iterator<Item = ([String; 2], &'a Aggregate)>,
    staffed: bool,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let columns = super::tidy::metric_columns();
    let mut names: Vec<&str> = keys.to_vec();
    names.extend(columns.iter().map(String::as_str));
    headers(sheet, formats, &names)?;
    let number_formats: Vec<Format> = Metric::ALL.map(Formats::number).to_vec();
    let mut widths = header_widths(&names);
    for (i, (key, aggregate)) in rows.enumerate() {
        for (width, text) in widths.iter_mut().zip(&key) {
            *width = (*width).max(text.chars().count());
        }
        let row = i as u32 + 1;
        match key[0].parse::<f64>() {
            Ok(code) => sheet.write_number(row, 0, code)?,
            Err(_) => sheet.write_string_with_format(row, 0, &key[0], &formats.text)?,
        };
        sheet.write_string(row, 1, &key[1])?;
        let mut col = 2;
        for (&(metric, band), format) in aggregate.bands.iter().zip(&number_formats) {
            if staffed || !metric.is_staff() {
                optional_number(sheet, row, col, aggregate.mean.get(metric), format)?;
                optional_number(sheet, row, col + 1, band.p5, format)?;
                optional_number(sheet, row, col + 2, band.p95, format)?;
            }
            col += 3;
        }
        let (peak_date, cleared_date, days_to_clear_median) = aggregate.mean.backlog_medians();
        optional_date(sheet, row, col, peak_date, formats)?;
        optional_date(sheet, row, col + 1, cleared_date, formats)?;
        let days = Formats::number(Metric::DaysToClear);
        optional_number(sheet, row, col + 2, days_to_clear_median, &days)?;
    }
    sheet.set_freeze_panes(1, 2)?;
    fit(sheet, &widths)
}

/// Timeliness (only with `[[timeliness]]` rules): the rows and columns of timeliness.csv, numbers as numbers.
fn timeliness_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    scenario: &Scenario,
    outcome: &Outcome,
) -> Result<(), XlsxError> {
    sheet.set_name("Timeliness")?;
    let columns = super::timeliness::COLUMNS;
    headers(sheet, formats, &columns)?;
    let share = Formats::number(Metric::OnTimeShare);
    let count = Formats::number(Metric::Held);
    for (i, fields) in super::timeliness::rows(scenario, outcome)
        .iter()
        .enumerate()
    {
        let row = i as u32 + 1;
        for (col, (field, column)) in fields.iter().zip(columns).enumerate() {
            let col = col as u16;
            let format = match column {
                "share_on_time" | "threshold" => &share,
                _ => &count,
            };
            match (column, field.parse::<f64>()) {
                // A value that does not exist is an empty cell, as in the CSV.
                _ if field.is_empty() => {}
                ("rule" | "name" | "month", _) | (_, Err(_)) => {
                    sheet.write_string(row, col, field)?;
                }
                (_, Ok(value)) => {
                    sheet.write_number_with_format(row, col, value, format)?;
                }
            }
        }
    }
    Ok(())
}

/// Episodes: the rows and columns of episodes.csv, numbers as numbers and dates as dates.
fn episodes_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    scenario: &Scenario,
    outcome: &Outcome,
) -> Result<(), XlsxError> {
    sheet.set_name("Episodes")?;
    headers(sheet, formats, &super::tidy::EPISODE_COLUMNS)?;
    let mut widths = header_widths(&super::tidy::EPISODE_COLUMNS);
    let count = Formats::number(Metric::BacklogPeak);
    let days = Formats::number(Metric::DaysToClear);
    for (i, (selection, episode)) in super::tidy::episodes(scenario, outcome).enumerate() {
        let row = i as u32 + 1;
        let (peak_date, cleared_date, days_to_clear_median) = episode.medians();
        let [scope, key, name] = selection;
        for (col, text) in [&scope, &key, &name, &episode.id].into_iter().enumerate() {
            sheet.write_string(row, col as u16, text)?;
            widths[col] = widths[col].max(text.chars().count());
        }
        optional_date(sheet, row, 4, episode.start, formats)?;
        optional_date(sheet, row, 5, episode.end, formats)?;
        sheet.write_string(row, 6, episode.next.as_deref().unwrap_or_default())?;
        optional_number(sheet, row, 7, Some(episode.backlog_before), &count)?;
        optional_number(sheet, row, 8, Some(episode.backlog_peak), &count)?;
        optional_number(sheet, row, 9, episode.backlog_peak_band.p5, &count)?;
        optional_number(sheet, row, 10, episode.backlog_peak_band.p95, &count)?;
        optional_date(sheet, row, 11, peak_date, formats)?;
        optional_date(sheet, row, 12, cleared_date, formats)?;
        optional_number(sheet, row, 13, episode.days_to_clear, &days)?;
        optional_number(sheet, row, 14, episode.days_to_clear_band.p5, &days)?;
        optional_number(sheet, row, 15, episode.days_to_clear_band.p95, &days)?;
        optional_number(sheet, row, 16, days_to_clear_median, &days)?;
        let not_cleared = super::tidy::not_cleared_before(episode);
        widths[17] = widths[17].max(not_cleared.chars().count());
        sheet.write_string(row, 17, not_cleared)?;
    }
    fit(sheet, &widths)
}

/// A-kasse (with an `[akasse]` section): the a-kasse side's metrics as the Municipalities sheet has the
/// jobcentre's, its total first, then the joint meetings held and the days they waited for each side.
fn akasse_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    scenario: &Scenario,
    akasse: &crate::run::AkasseOutcome,
) -> Result<(), XlsxError> {
    let rows = std::iter::once(([String::new(), "total".to_string()], &akasse.total)).chain(
        scenario
            .municipalities
            .iter()
            .zip(&akasse.municipalities)
            .map(|(m, a)| ([m.code.to_string(), m.name.clone()], a)),
    );
    entity_sheet(sheet, formats, "A-kasse", ["code", "name"], rows, true)?;
    let first = 2 + super::tidy::metric_columns().len() as u16;
    let names = [
        "joint_held",
        "joint_waited_for_jobcentre_days",
        "joint_waited_for_akasse_days",
    ];
    for (i, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, first + i as u16, *name, &formats.header)?;
    }
    let waits = std::iter::once(&akasse.waits).chain(&akasse.municipality_waits);
    let count = Formats::number(Metric::Held);
    for (i, w) in waits.enumerate() {
        let row = i as u32 + 1;
        let values = [
            w.joint_held,
            w.waited_for_jobcentre_days,
            w.waited_for_akasse_days,
        ];
        for (j, value) in values.into_iter().enumerate() {
            sheet.write_number_with_format(row, first + j as u16, value, &count)?;
        }
    }
    Ok(())
}

/// Daily totals: replication 0 summed over municipalities and groups, one row per day, then the percentiles
/// over replications of pending and overdue meetings (`levels`: one per replication, a row per day).
fn daily_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    series: &Series,
    levels: &[Vec<[u32; 2]>],
) -> Result<(), XlsxError> {
    sheet.set_name("Daily totals")?;
    let mut names = vec!["date"];
    names.extend(super::daily::VALUE_COLUMNS);
    names.extend(["capacity", "caseworkers"]);
    if !levels.is_empty() {
        names.extend(super::daily::BAND_COLUMNS);
    }
    headers(sheet, formats, &names)?;
    let count = Formats::number(Metric::Held);
    let fte = Formats::number(Metric::Caseworkers);
    for day in 0..series.days {
        let row = day as u32 + 1;
        sheet.write_datetime_with_format(row, 0, series.date(day), &formats.date)?;
        let mut total = GroupDay::default();
        let (mut capacity, mut caseworkers) = (0.0, 0.0);
        for m in 0..series.municipalities {
            series.group_rows(day, m).iter().for_each(|r| total += r);
            let staff = series.municipality_row(day, m);
            capacity += staff.capacity;
            caseworkers += staff.caseworkers;
        }
        let values = [
            total.arrivals,
            total.exits,
            total.active,
            total.due,
            total.held,
            total.held_on_time,
            total.waived,
            total.dropped,
            total.pending,
            total.overdue,
            total.suspended,
            total.suspended_existing,
        ];
        for (col, value) in values.iter().enumerate() {
            sheet.write_number_with_format(row, col as u16 + 1, f64::from(*value), &count)?;
        }
        let col = values.len() as u16 + 1;
        sheet.write_number_with_format(row, col, capacity, &count)?;
        sheet.write_number_with_format(
            row,
            col + 1,
            crate::format::round_fte(caseworkers),
            &fte,
        )?;
        if !levels.is_empty() {
            for (i, value) in super::daily::band_values(levels, day).iter().enumerate() {
                sheet.write_number_with_format(row, col + 2 + i as u16, *value, &count)?;
            }
        }
    }
    fit(sheet, &header_widths(&names))
}

/// Draws: the columns of draws.csv, one row per draw of an ensemble; an input's value as a number or a date
/// where it is one, else as text.
fn draws_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    (space, draws, totals): DrawsSheet,
) -> Result<(), XlsxError> {
    sheet.set_name("Draws")?;
    let names = super::draws::header(space);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    headers(sheet, formats, &names)?;
    let number_formats: Vec<Format> = Metric::ALL.map(Formats::number).to_vec();
    let mut widths = header_widths(&names);
    for (d, (point, total)) in draws.points.iter().zip(totals).enumerate() {
        let row = d as u32 + 1;
        sheet.write_number(row, 0, (d + 1) as f64)?;
        for (i, text) in super::draws::inputs(space, point).iter().enumerate() {
            let col = i as u16 + 1;
            widths[col as usize] = widths[col as usize].max(text.chars().count());
            if let Ok(number) = text.parse::<f64>() {
                sheet.write_number(row, col, number)?;
            } else if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                sheet.write_datetime_with_format(row, col, date, &formats.date)?;
            } else {
                sheet.write_string(row, col, text)?;
            }
        }
        let first = space.inputs.len() as u16 + 1;
        for (m, (&metric, format)) in Metric::ALL.iter().zip(&number_formats).enumerate() {
            optional_number(sheet, row, first + m as u16, total.get(metric), format)?;
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    fit(sheet, &widths)
}

/// An ensemble's inputs, its draws and each draw's total (the mean over its replications), for the Draws sheet.
pub type DrawsSheet<'a> = (&'a Space, &'a Draws, &'a [Metrics]);

/// The workbook of `simulate`; `series` (replication 0) gives the Daily totals sheet, `levels` (the total
/// pending and overdue of each day, one per replication) its percentile columns, `draws` the Draws sheet.
pub fn simulation(
    scenario: &Scenario,
    info: &ScenarioInfo,
    outcome: &Outcome,
    series: Option<&Series>,
    levels: &[Vec<[u32; 2]>],
    draws: Option<DrawsSheet>,
) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut workbook = workbook()?;
    summary_sheet(workbook.add_worksheet(), &formats, info, &outcome.total)?;
    entity_sheet(
        workbook.add_worksheet(),
        &formats,
        "Municipalities",
        ["code", "name"],
        scenario
            .municipalities
            .iter()
            .zip(&outcome.municipalities)
            .map(|(m, a)| ([m.code.to_string(), m.name.clone()], a)),
        true,
    )?;
    entity_sheet(
        workbook.add_worksheet(),
        &formats,
        "Groups",
        ["id", "name"],
        scenario
            .groups
            .iter()
            .zip(&outcome.groups)
            .map(|(g, a)| ([g.id.clone(), g.name.clone()], a)),
        false,
    )?;
    episodes_sheet(workbook.add_worksheet(), &formats, scenario, outcome)?;
    if let Some(akasse) = &outcome.akasse {
        akasse_sheet(workbook.add_worksheet(), &formats, scenario, akasse)?;
    }
    if !outcome.timeliness.is_empty() {
        timeliness_sheet(workbook.add_worksheet(), &formats, scenario, outcome)?;
    }
    if let Some(series) = series {
        daily_sheet(workbook.add_worksheet(), &formats, series, levels)?;
    }
    if let Some(draws) = draws {
        draws_sheet(workbook.add_worksheet(), &formats, draws)?;
    }
    workbook.save_to_buffer()
}

/// The workbook of `check`: one row per published figure.
pub fn checks(results: &[CheckResult]) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut workbook = workbook()?;
    let sheet = workbook.add_worksheet();
    sheet.set_name("Checks")?;
    let mut names = vec![
        "status",
        "scenario",
        "file",
        "figure",
        "metric",
        "published",
        "simulated mean",
        "simulated p5",
        "simulated p95",
        "error",
        "tolerance",
        "source",
        "known miss",
    ];
    headers(sheet, &formats, &names)?;
    let count = Format::new().set_num_format("#,##0");
    let share = Format::new().set_num_format("0.0%");
    for (i, r) in results.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, r.status())?;
        sheet.write_string(row, 1, &r.scenario)?;
        sheet.write_string(row, 2, &r.file)?;
        sheet.write_string(row, 3, &r.figure)?;
        sheet.write_string(row, 4, r.metric.name())?;
        // A per-municipality series is compared by its mean absolute percentage error, a share.
        let simulated = if r.spread.is_some() {
            sheet.write_string(row, 5, "by municipality (MAPE)")?;
            &share
        } else {
            sheet.write_number_with_format(row, 5, r.value, &count)?;
            &count
        };
        optional_number(sheet, row, 6, r.simulated.mean, simulated)?;
        optional_number(sheet, row, 7, r.simulated.p5, simulated)?;
        optional_number(sheet, row, 8, r.simulated.p95, simulated)?;
        optional_number(sheet, row, 9, r.error, &share)?;
        sheet.write_number_with_format(row, 10, r.tolerance, &share)?;
        sheet.write_string(row, 11, &r.source)?;
        if let Some(reason) = &r.known_miss {
            sheet.write_string(row, 12, reason)?;
        }
        if let Some(p) = &r.predictive {
            optional_number(sheet, row, 13, p.simulated.mean, simulated)?;
            optional_number(sheet, row, 14, p.simulated.p5, simulated)?;
            optional_number(sheet, row, 15, p.simulated.p95, simulated)?;
            if let Some(inside) = p.inside {
                sheet.write_boolean(row, 16, inside)?;
            }
            optional_number(sheet, row, 17, p.interval_score, simulated)?;
        }
    }
    // Under --draws, the predictive columns (docs/outputs.md).
    if results.iter().any(|r| r.predictive.is_some()) {
        for (column, header) in [
            "predictive mean",
            "predictive p5",
            "predictive p95",
            "published inside",
            "interval score",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string_with_format(0, 13 + column as u16, *header, &formats.header)?;
            names.push(header);
        }
    }
    let mut widths = header_widths(&names);
    // The columns of text, as wide as their longest entry.
    for r in results {
        let metric = r.metric.name();
        let texts = [
            (0, r.status()),
            (1, r.scenario.as_str()),
            (2, r.file.as_str()),
            (3, r.figure.as_str()),
            (4, metric.as_str()),
            (
                5,
                if r.spread.is_some() {
                    "by municipality (MAPE)"
                } else {
                    ""
                },
            ),
            (11, r.source.as_str()),
            (12, r.known_miss.as_deref().unwrap_or("")),
        ];
        for (col, text) in texts {
            widths[col] = widths[col].max(text.chars().count());
        }
    }
    fit(sheet, &widths)?;
    workbook.save_to_buffer()
}
