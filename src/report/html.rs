//! The HTML report: one self-contained file a manager reads, or prints on A4.
//!
//! Everything is inside the file: the charts are inline SVG, the style sheet and the few lines of script that
//! sort the tables are inline, and no font, image or script is fetched from anywhere. The document is also
//! well-formed XML (void elements closed, the script in a CDATA section), so tests can parse it with an XML
//! parser and look at every chart and table. Labels come from [`super::lang`], in English or Danish.
//!
//! Sections, in order: headline (first scenario), backlog, capacity against demand, scenarios compared (with
//! several), municipalities (chosen ones charted, all in a sortable table), benefit groups, published figures
//! (when a scenario has `[[expect]]`), provenance. Every section has an `id`, every chart a `figure` with an
//! `id`, so a reader can link to them and a test can find them.

use super::compare::{self, Entry};
use super::lang::Lang;
use super::plot::{self, OverlayLine, TimePanel};
use crate::check::CheckResult;
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::summary::{Band, Metrics};
use chrono::NaiveDate;
use std::fmt::Write as _;
use std::io::Write;

/// One scenario of the report with its run.
pub struct ReportScenario<'a> {
    pub scenario: &'a Scenario,
    pub entry: Entry<'a>,
}

/// Everything the report shows.
pub struct Report<'a> {
    pub scenarios: Vec<ReportScenario<'a>>,
    /// The total overdue of each scenario, for the overlay (with several scenarios).
    pub overlay: Vec<OverlayLine>,
    /// The `[[expect]]` results of every scenario that has them.
    pub checks: Vec<CheckResult>,
    /// Municipalities of the first scenario to chart; empty: the largest backlog peaks.
    pub chosen: Vec<usize>,
    /// The command line that made the report.
    pub command: String,
    pub lang: Lang,
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --accent: #0072b2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; line-height: 1.4; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 32px 0 8px; border-bottom: 2px solid var(--accent); padding-bottom: 2px; }
p.lead, p.note, p.hint { color: var(--muted); margin: 4px 0 12px; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.card { border: 1px solid var(--rule); border-left: 5px solid var(--accent); padding: 10px 12px; border-radius: 4px; }
.card h3 { font-size: 0.95em; margin: 0; color: var(--muted); font-weight: 600; }
.card .value { font-size: 1.8em; font-weight: 700; margin: 2px 0; }
.card p { margin: 2px 0; font-size: 0.9em; }
.card .band { color: var(--muted); }
figure { margin: 12px 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; font-size: 0.88em; margin: 8px 0; }
th, td { padding: 3px 6px; border-bottom: 1px solid var(--rule); text-align: right; vertical-align: top; }
th { background: #f2f2f2; }
td.text, th.text { text-align: left; }
td:not(.text) { white-space: nowrap; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " \25B2"; }
table.sortable th[aria-sort="descending"]::after { content: " \25BC"; }
.status-PASS { color: #007a4d; font-weight: 700; }
.status-FAIL { color: #b00020; font-weight: 700; }
.status-MISS, .status-PASS\2A { color: #8a5a00; font-weight: 700; }
code { font-size: 0.95em; word-break: break-all; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 9.5pt; }
  main { max-width: none; padding: 0; }
  .cards { grid-template-columns: repeat(2, 1fr); }
  figure, .card, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
  p.hint { display: none; }
}
"#;

/// Sorts a table by the column whose heading is clicked, by each cell's `data-sort` (a number when both are);
/// when it has run, marks the document with the number of sortable tables (scripts/check-report.sh looks).
const SCRIPT: &str = r#"
document.querySelectorAll('table.sortable').forEach(function (table) {
  var heads = table.querySelectorAll('thead th');
  heads.forEach(function (th, column) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var descending = th.getAttribute('aria-sort') === 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute('data-sort');
        var y = b.cells[column].getAttribute('data-sort');
        var nx = parseFloat(x), ny = parseFloat(y);
        var order = (isNaN(nx) || isNaN(ny)) ? x.localeCompare(y) : nx - ny;
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
document.documentElement.setAttribute('data-sortable',
  String(document.querySelectorAll('table.sortable').length));
"#;

/// The band of metric `name` in an outcome's total.
fn band_of(outcome: &Outcome, name: &str) -> Band {
    outcome
        .total
        .bands
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
        .unwrap_or(Band {
            mean: None,
            p5: None,
            p95: None,
        })
}

/// An SVG chart drawn by `draw`, as a string to inline.
fn svg(draw: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    draw(&mut bytes)?;
    String::from_utf8(bytes).map_err(std::io::Error::other)
}

fn figure(html: &mut String, id: &str, svg: &str, caption: &str) {
    let _ = write!(
        html,
        "<figure class=\"chart\" id=\"{id}\">\n{}<figcaption>{}</figcaption>\n</figure>\n",
        svg,
        escape(caption)
    );
}

/// Width of the charts in the report: narrower than a chart file, so that their text reads at page width.
const REPORT_CHART_WIDTH: u32 = 1000;

fn panel_svg(panel: &TimePanel, height: u32) -> std::io::Result<String> {
    svg(|out| plot::write_panel(out, panel, (REPORT_CHART_WIDTH, height)))
}

/// Writes the whole report to `out`.
pub fn write(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let lang = report.lang;
    let Some(first) = report.scenarios.first() else {
        return Err(std::io::Error::other("a report needs a scenario"));
    };
    let scenario = first.scenario;
    let outcome = first.entry.outcome;
    let mut html = String::new();
    let title = lang.fill("report_title", &[&scenario.name]);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{}\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta name=\"generator\" content=\"backlog {}\"/>\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        lang.code(),
        super::VERSION,
        escape(&title)
    );
    let _ = writeln!(html, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        html,
        "<p class=\"lead\">{}</p>",
        escape(&if outcome.replications == 1 {
            lang.fill(
                "report_lead_one",
                &[
                    &lang.date(scenario.start),
                    &lang.date(scenario.end),
                    &outcome.seed.to_string(),
                ],
            )
        } else {
            lang.fill(
                "report_lead",
                &[
                    &lang.date(scenario.start),
                    &lang.date(scenario.end),
                    &outcome.replications.to_string(),
                    &outcome.seed.to_string(),
                ],
            )
        })
    );
    if !scenario.description.is_empty() {
        let _ = writeln!(
            html,
            "<p class=\"note\">{}</p>",
            escape(&scenario.description)
        );
    }
    headline(&mut html, scenario, outcome, lang);

    if let Some(series) = &outcome.first {
        let all: Vec<usize> = (0..series.municipalities).collect();
        let name = plot::total_name(scenario, lang);
        let _ = writeln!(
            html,
            "<section id=\"backlog\">\n<h2>{}</h2>",
            escape(lang.text("section_backlog"))
        );
        let panel = plot::backlog_panel(scenario, series, &all, &name, true, lang);
        figure(
            &mut html,
            "chart-backlog",
            &panel_svg(&panel, 420)?,
            lang.text("caption_series"),
        );
        html.push_str("</section>\n");
        let _ = writeln!(
            html,
            "<section id=\"capacity\">\n<h2>{}</h2>",
            escape(lang.text("section_capacity"))
        );
        let panel = plot::capacity_panel(scenario, series, &all, &name, true, lang);
        figure(
            &mut html,
            "chart-capacity",
            &panel_svg(&panel, 420)?,
            lang.text("caption_capacity"),
        );
        html.push_str("</section>\n");
    }

    if report.scenarios.len() > 1 {
        compare_section(&mut html, report)?;
    }
    municipalities_section(&mut html, report, first)?;
    groups_section(&mut html, first, lang)?;
    if !report.checks.is_empty() {
        checks_section(&mut html, &report.checks, lang);
    }
    provenance_section(&mut html, report);
    let _ = write!(
        html,
        "</main>\n<script>//<![CDATA[{SCRIPT}//]]></script>\n</body>\n</html>\n"
    );
    out.write_all(html.as_bytes())
}

fn card(html: &mut String, id: &str, heading: &str, value: &str, details: &[String]) {
    let _ = write!(
        html,
        "<div class=\"card\" id=\"{id}\">\n<h3>{}</h3>\n<p class=\"value\">{}</p>\n",
        escape(heading),
        escape(value)
    );
    for (i, detail) in details.iter().enumerate() {
        let class = if i + 1 == details.len() && detail.starts_with("5-95") {
            "band"
        } else {
            "detail"
        };
        let _ = writeln!(html, "<p class=\"{class}\">{}</p>", escape(detail));
    }
    html.push_str("</div>\n");
}

/// "a-b" of a band's ends, formatted by `show`; "-" for a missing end.
fn band_text(band: &Band, show: impl Fn(f64) -> String) -> String {
    let end = |v: Option<f64>| v.map_or("-".to_string(), &show);
    format!("{}-{}", end(band.p5), end(band.p95))
}

fn headline(html: &mut String, scenario: &Scenario, outcome: &Outcome, lang: Lang) {
    let mean = &outcome.total.mean;
    let _ = writeln!(
        html,
        "<section id=\"headline\">\n<h2>{}</h2>\n<div class=\"cards\">",
        escape(lang.text("headline"))
    );
    let count = |v: f64| lang.thousands(v);
    let mut peak_details = Vec::new();
    if let Some(date) = mean.backlog_peak_date.filter(|_| mean.backlog_peak > 0.0) {
        peak_details.push(lang.fill("peak_on", &[&lang.date(date)]));
    }
    peak_details.push(lang.fill(
        "band",
        &[&band_text(&band_of(outcome, "backlog_peak"), count)],
    ));
    card(
        html,
        "card-peak",
        lang.text("peak_backlog"),
        &count(mean.backlog_peak),
        &peak_details,
    );

    let (value, details) = cleared(scenario, outcome, lang);
    card(html, "card-cleared", lang.text("cleared"), &value, &details);

    card(
        html,
        "card-on-time",
        lang.text("on_time"),
        &lang.percent(mean.on_time_share),
        &[
            lang.fill("on_time_of", &[&count(mean.held)]),
            lang.fill(
                "band",
                &[&band_text(&band_of(outcome, "on_time_share"), |v| {
                    lang.percent(v)
                })],
            ),
        ],
    );
    card(
        html,
        "card-load",
        lang.text("load"),
        &lang.decimal(mean.meetings_per_caseworker_day, 2),
        &[
            lang.text("load_value").to_string(),
            lang.fill(
                "load_persons",
                &[&lang.decimal(mean.active_per_caseworker, 1)],
            ),
            lang.fill(
                "band",
                &[&band_text(
                    &band_of(outcome, "meetings_per_caseworker_day"),
                    |v| lang.decimal(v, 2),
                )],
            ),
        ],
    );
    html.push_str("</div>\n</section>\n");
}

/// The "backlog cleared" card: the median date, the days after the first suspension, and the band as dates.
fn cleared(scenario: &Scenario, outcome: &Outcome, lang: Lang) -> (String, Vec<String>) {
    let mean = &outcome.total.mean;
    if mean.backlog_peak <= 0.0 {
        return (lang.text("no_backlog").to_string(), Vec::new());
    }
    let Some(date) = mean.backlog_cleared_date else {
        return (
            lang.fill("not_cleared", &[&lang.date(scenario.end)]),
            Vec::new(),
        );
    };
    let mut details = Vec::new();
    if let Some(days) = mean.days_to_clear {
        details.push(lang.fill("cleared_after", &[&format!("{days:.0}")]));
    }
    let reopened: Option<NaiveDate> = scenario.suspensions.first().map(|s| s.end);
    if let Some(end) = reopened {
        let band = band_of(outcome, "days_to_clear");
        let as_date = |days: f64| {
            let date = end + chrono::Days::new(days.round().max(0.0) as u64);
            lang.short_date(date)
        };
        details.push(lang.fill("band", &[&band_text(&band, as_date)]));
    }
    (lang.date(date), details)
}

/// The metrics of one row of the municipality or group table, as (text, sort key) cells.
fn metric_cells(metrics: &Metrics, lang: Lang) -> Vec<(String, String)> {
    let count = |v: f64| (lang.thousands(v), format!("{v:.0}"));
    let date = |d: Option<NaiveDate>| match d {
        Some(d) => (d.to_string(), d.to_string()),
        None => ("-".to_string(), String::new()),
    };
    // Without a backlog there is no peak to date and nothing to clear.
    let had_backlog = metrics.backlog_peak > 0.0;
    let peak_date = metrics.backlog_peak_date.filter(|_| had_backlog);
    let cleared_date = metrics.backlog_cleared_date.filter(|_| had_backlog);
    let days_to_clear = match metrics.days_to_clear.filter(|_| had_backlog) {
        Some(days) => (format!("{days:.0}"), format!("{days:.0}")),
        // Not cleared sorts after every number of days; no backlog before them.
        None if metrics.backlog_peak > 0.0 => (
            lang.text("not_cleared_short").to_string(),
            "1e9".to_string(),
        ),
        None => ("-".to_string(), "-1".to_string()),
    };
    vec![
        count(metrics.due),
        count(metrics.held),
        (
            lang.percent(metrics.on_time_share),
            format!("{:.6}", metrics.on_time_share),
        ),
        count(metrics.backlog_peak),
        date(peak_date),
        date(cleared_date),
        days_to_clear,
    ]
}

fn header_row(html: &mut String, columns: &[(&str, bool)], lang: Lang) {
    html.push_str("<thead><tr>");
    for (key, text) in columns {
        let class = if *text { " class=\"text\"" } else { "" };
        let _ = write!(html, "<th{class}>{}</th>", escape(lang.text(key)));
    }
    html.push_str("</tr></thead>\n");
}

fn cell(html: &mut String, (text, sort): &(String, String), is_text: bool) {
    let class = if is_text { " class=\"text\"" } else { "" };
    let _ = write!(
        html,
        "<td{class} data-sort=\"{}\">{}</td>",
        escape(sort),
        escape(text)
    );
}

fn municipalities_section(
    html: &mut String,
    report: &Report,
    first: &ReportScenario,
) -> std::io::Result<()> {
    let lang = report.lang;
    let (scenario, outcome) = (first.scenario, first.entry.outcome);
    let _ = writeln!(
        html,
        "<section id=\"municipalities\">\n<h2>{}</h2>",
        escape(lang.text("section_municipalities"))
    );
    if let Some(series) = &outcome.first {
        let shown = if !report.chosen.is_empty() {
            report.chosen.clone()
        } else {
            plot::largest_backlogs(series)
        };
        for m in shown {
            let name = &scenario.municipalities[m].name;
            let panel = plot::backlog_panel(scenario, series, &[m], name, true, lang);
            figure(
                html,
                &format!("chart-municipality-{}", scenario.municipalities[m].code),
                &panel_svg(&panel, 340)?,
                lang.text("caption_series"),
            );
        }
    }
    let _ = writeln!(
        html,
        "<p class=\"hint\">{}</p>\n<table class=\"sortable\" id=\"table-municipalities\">",
        escape(lang.text("sort_hint"))
    );
    header_row(
        html,
        &[
            ("col_code", false),
            ("col_municipality", true),
            ("col_due", false),
            ("col_held", false),
            ("col_on_time", false),
            ("col_peak", false),
            ("col_peak_date", false),
            ("col_cleared", false),
            ("col_days_to_clear", false),
            ("col_mtg_cw", false),
            ("col_pers_cw", false),
        ],
        lang,
    );
    html.push_str("<tbody>\n");
    for (municipality, aggregate) in scenario.municipalities.iter().zip(&outcome.municipalities) {
        let metrics = &aggregate.mean;
        html.push_str("<tr>");
        let code = municipality.code.to_string();
        cell(html, &(code.clone(), code), false);
        cell(
            html,
            &(municipality.name.clone(), municipality.name.clone()),
            true,
        );
        for c in metric_cells(metrics, lang) {
            cell(html, &c, false);
        }
        let load = metrics.meetings_per_caseworker_day;
        cell(html, &(lang.decimal(load, 2), format!("{load:.6}")), false);
        let persons = metrics.active_per_caseworker;
        cell(
            html,
            &(lang.decimal(persons, 1), format!("{persons:.6}")),
            false,
        );
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

fn groups_section(html: &mut String, first: &ReportScenario, lang: Lang) -> std::io::Result<()> {
    let (scenario, outcome) = (first.scenario, first.entry.outcome);
    let _ = writeln!(
        html,
        "<section id=\"groups\">\n<h2>{}</h2>",
        escape(lang.text("section_groups"))
    );
    if let Some(series) = &outcome.first {
        let panel = plot::groups_panel(scenario, series, lang);
        figure(
            html,
            "chart-groups",
            &panel_svg(&panel, 440)?,
            lang.text("caption_series"),
        );
    }
    html.push_str("<table class=\"sortable\" id=\"table-groups\">\n");
    header_row(
        html,
        &[
            ("col_group", true),
            ("col_due", false),
            ("col_held", false),
            ("col_on_time", false),
            ("col_peak", false),
            ("col_peak_date", false),
            ("col_cleared", false),
            ("col_days_to_clear", false),
        ],
        lang,
    );
    html.push_str("<tbody>\n");
    for (group, aggregate) in scenario.groups.iter().zip(&outcome.groups) {
        html.push_str("<tr>");
        cell(html, &(group.name.clone(), group.name.clone()), true);
        for c in metric_cells(&aggregate.mean, lang) {
            cell(html, &c, false);
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

/// A cell of the compare table in the report's language: numbers with Danish separators, the few words
/// translated.
fn localise(text: &str, lang: Lang) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Da => {
            let swapped: String = text
                .chars()
                .map(|c| match c {
                    ',' => '.',
                    '.' => ',',
                    c => c,
                })
                .collect();
            swapped
                .replace("not cleared", "ikke væk")
                .replace("days", "dage")
        }
    }
}

fn compare_section(html: &mut String, report: &Report) -> std::io::Result<()> {
    let lang = report.lang;
    let _ = writeln!(
        html,
        "<section id=\"compare\">\n<h2>{}</h2>\n<ul>",
        escape(lang.text("section_compare"))
    );
    for (i, s) in report.scenarios.iter().enumerate() {
        let _ = writeln!(
            html,
            "<li><strong>{}</strong>: {} (<code>{}</code>)</li>",
            compare::letter(i),
            escape(&s.scenario.name),
            escape(&s.entry.info.file)
        );
    }
    html.push_str("</ul>\n<table id=\"table-compare\">\n<thead><tr>");
    let _ = write!(
        html,
        "<th class=\"text\">{}</th><th>A</th>",
        escape(lang.text("col_metric"))
    );
    for i in 1..report.scenarios.len() {
        let _ = write!(
            html,
            "<th>{}</th><th>{} - A</th>",
            compare::letter(i),
            compare::letter(i)
        );
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    let entries: Vec<Entry> = report
        .scenarios
        .iter()
        .map(|s| Entry {
            info: s.entry.info.clone(),
            outcome: s.entry.outcome,
        })
        .collect();
    for (name, _, cells) in compare::rows(&entries) {
        let _ = write!(
            html,
            "<tr><td class=\"text\">{}</td>",
            escape(lang.text(&format!("m_{name}")))
        );
        for c in cells {
            let _ = write!(html, "<td>{}</td>", escape(&localise(&c, lang)));
        }
        html.push_str("</tr>\n");
    }
    let _ = writeln!(
        html,
        "</tbody>\n</table>\n<p class=\"note\">{}</p>",
        escape(lang.text("compare_note"))
    );
    if !report.overlay.is_empty() {
        let chart = svg(|out| {
            plot::write_overlay(
                out,
                lang.text("overlay_title"),
                lang.text("overdue_meetings"),
                &report.overlay,
                lang,
            )
        })?;
        figure(html, "chart-compare", &chart, lang.text("overlay_title"));
    }
    html.push_str("</section>\n");
    Ok(())
}

fn checks_section(html: &mut String, checks: &[CheckResult], lang: Lang) {
    let _ = writeln!(
        html,
        "<section id=\"checks\">\n<h2>{}</h2>\n<table id=\"table-checks\">",
        escape(lang.text("section_checks"))
    );
    header_row(
        html,
        &[
            ("col_status", true),
            ("col_figure", true),
            ("col_published", false),
            ("col_simulated", false),
            ("col_error", false),
            ("col_tolerance", false),
        ],
        lang,
    );
    html.push_str("<tbody>\n");
    for check in checks {
        let status = check.status();
        let simulated = match check.simulated.mean {
            Some(mean) => format!(
                "{} ({})",
                lang.thousands(mean),
                band_text(&check.simulated, |v| lang.thousands(v))
            ),
            None => "-".to_string(),
        };
        let error = check.error.map_or("-".to_string(), |e| {
            let sign = if e > 0.0 { "+" } else { "" };
            format!("{sign}{}", lang.percent(e))
        });
        let mut figure = format!("{} ({})", escape(&check.figure), escape(&check.scenario));
        let _ = write!(
            figure,
            "<br/><small>{}: {}</small>",
            escape(lang.text("col_source")),
            escape(&check.source)
        );
        if let Some(reason) = &check.known_miss {
            let _ = write!(
                figure,
                "<br/><small>{}</small>",
                escape(&lang.fill("known_miss", &[reason]))
            );
        }
        let _ = writeln!(
            html,
            "<tr><td class=\"text status-{status}\">{status}</td><td class=\"text\">{figure}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&lang.thousands(check.value)),
            escape(&simulated),
            escape(&error),
            escape(&lang.percent(check.tolerance)).replace(",0 %", " %").replace(".0 %", " %")
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

fn provenance_section(html: &mut String, report: &Report) {
    let lang = report.lang;
    let _ = writeln!(
        html,
        "<section id=\"provenance\">\n<h2>{}</h2>\n<table id=\"table-provenance\">",
        escape(lang.text("section_provenance"))
    );
    html.push_str("<tbody>\n");
    for (i, s) in report.scenarios.iter().enumerate() {
        let info = &s.entry.info;
        let prefix = if report.scenarios.len() > 1 {
            format!("{}: ", compare::letter(i))
        } else {
            String::new()
        };
        let rows = [
            ("prov_scenario", format!("{prefix}{}", info.name)),
            ("prov_file", info.file.clone()),
            ("prov_sha256", info.sha256.clone()),
            ("prov_seed", info.seed.to_string()),
            ("prov_reps", info.replications.to_string()),
            ("prov_period", format!("{} - {}", info.start, info.end)),
        ];
        for (key, value) in rows {
            let _ = writeln!(
                html,
                "<tr><th class=\"text\">{}</th><td class=\"text\"><code>{}</code></td></tr>",
                escape(lang.text(key)),
                escape(&value)
            );
        }
    }
    for (key, value) in [
        ("prov_version", super::VERSION.to_string()),
        ("prov_command", report.command.clone()),
    ] {
        let _ = writeln!(
            html,
            "<tr><th class=\"text\">{}</th><td class=\"text\"><code>{}</code></td></tr>",
            escape(lang.text(key)),
            escape(&value)
        );
    }
    let _ = writeln!(
        html,
        "</tbody>\n</table>\n<p class=\"note\">{}</p>\n</section>",
        escape(lang.text("prov_note"))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_text_safe_in_content_and_attributes() {
        assert_eq!(
            escape("<b>\"Høje-Taastrup\" & 'Ærø'</b>"),
            "&lt;b&gt;&quot;Høje-Taastrup&quot; &amp; &#39;Ærø&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn danish_cells_swap_the_separators_and_translate_the_words() {
        assert_eq!(localise("+11.2 pp (+12.7%)", Lang::Da), "+11,2 pp (+12,7%)");
        assert_eq!(localise("17,561", Lang::Da), "17.561");
        assert_eq!(localise("+20 days", Lang::Da), "+20 dage");
        assert_eq!(localise("not cleared", Lang::Da), "ikke væk");
        assert_eq!(localise("17,561", Lang::En), "17,561");
    }
}
