//! The HTML report: one self-contained file a manager reads, or prints on A4.
//!
//! Everything is inside the file: the charts are inline SVG, the style sheet and the few lines of script that
//! sort the tables are inline, and no font, image or script is fetched from anywhere. The document is also
//! well-formed XML (void elements closed, the script in a CDATA section), so tests can parse it with an XML
//! parser and look at every chart and table. Labels come from [`super::lang`], in English or Danish.
//!
//! Sections, in order: headline (first scenario), backlog (with `--draws`, a fan chart over the ensemble; with an
//! `[akasse]` section, the a-kasse side's backlog and meetings held beside it), what
//! drives this answer (with `--draws`, the tornado of the backlog peak), capacity against demand, scenarios compared (with
//! several), maps (when two or more of the first scenario's municipalities are on the map of Denmark), municipalities (chosen ones charted, all in a sortable table), benefit groups, timeliness rules (when
//! a scenario has `[[timeliness]]`: the municipalities each rule flags, scenario beside scenario), published figures
//! (when a scenario has `[[expect]]`), provenance. Every section has an `id`, every chart a `figure` with an
//! `id`, so a reader can link to them and a test can find them.
//!
//! `backlog allocate --report` writes a page of its own in the same style ([`allocation`]).

pub mod allocation;
mod drivers;
mod maps;
mod tables;
mod timeliness;
use super::compare::Entry;
use super::lang::Lang;
use super::plot::{self, Fan, OverlayLine, TimePanel};
use crate::check::CheckResult;
use crate::metric::Metric;
use crate::run::Outcome;
use crate::scenario::Scenario;
use crate::summary::Band;
use chrono::NaiveDate;
pub use drivers::{Driver, Drivers, SHOWN_DRIVERS};
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
    /// With `--draws`, for a first scenario with ranges: the fan of its backlog and what drives its peak.
    pub fan: Option<Fan>,
    pub drivers: Option<Drivers>,
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
            c if super::unwritable_in_xml(c) => out.extend(c.escape_unicode()),
            _ => out.push(c),
        }
    }
    out
}
/// The style sheet, inlined into every report.
const STYLE: &str = include_str!("report.css");

/// Sorts a table by the column whose heading is clicked, by each cell's `data-sort` (a number when both are);
/// when it has run, marks the document with the number of sortable tables (scripts/check-report.sh looks).
const SCRIPT: &str = include_str!("sort.js");

/// The band of `metric` in an outcome's total.
fn band_of(outcome: &Outcome, metric: Metric) -> Band {
    outcome
        .total
        .bands
        .iter()
        .find(|(m, _)| *m == metric)
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

/// A chart in a `figure`, the SVG marked as one image named `title` for screen readers.
fn figure(html: &mut String, id: &str, title: &str, svg: &str, caption: &str) {
    let svg = svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title)),
        1,
    );
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
    let title = lang.fill("report_title", &[&scenario.label()]);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{}\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta name=\"generator\" content=\"backlog {}\"/>\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n",
        lang.code(),
        crate::report::VERSION,
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
    if let Some(draws) = first.entry.info.draws {
        let text = match &first.entry.info.plausible {
            Some(file) => lang.fill(
                "report_plausible",
                &[
                    &draws.to_string(),
                    file,
                    &first.entry.info.ranges.len().to_string(),
                    &outcome.replications.to_string(),
                ],
            ),
            None => lang.fill(
                "report_draws",
                &[
                    &draws.to_string(),
                    &first.entry.info.ranges.len().to_string(),
                    &outcome.replications.to_string(),
                ],
            ),
        };
        let _ = writeln!(html, "<p class=\"note\">{}</p>", escape(&text));
    }
    if !scenario.description.is_empty() {
        let _ = writeln!(
            html,
            "<p class=\"note\">{}</p>",
            escape(&scenario.description)
        );
    }
    contents(&mut html, report);
    headline(&mut html, scenario, outcome, lang);

    if let Some(series) = &outcome.first {
        let all: Vec<usize> = (0..series.municipalities).collect();
        let name = plot::total_name(scenario, lang);
        let _ = writeln!(
            html,
            "<section id=\"backlog\">\n<h2>{}</h2>",
            escape(lang.text("section_backlog"))
        );
        let (panel, caption) = match &report.fan {
            Some(fan) => (
                plot::fan_panel(scenario, series, fan, &name, lang),
                "caption_fan",
            ),
            None => (
                plot::backlog_panel(scenario, series, &all, &name, true, lang),
                "caption_series",
            ),
        };
        figure(
            &mut html,
            "chart-backlog",
            &panel.title,
            &panel_svg(&panel, 420)?,
            lang.text(caption),
        );
        if series.has_akasse() {
            let chart = svg(|out| {
                plot::write_akasse(
                    out,
                    scenario,
                    series,
                    &name,
                    lang,
                    (REPORT_CHART_WIDTH, 380),
                )
            })?;
            figure(
                &mut html,
                "chart-akasse",
                &lang.fill("panel_akasse_backlog", &[&name]),
                &chart,
                lang.text("caption_akasse"),
            );
        }
        html.push_str("</section>\n");
        if let Some(drivers) = &report.drivers {
            drivers::section(&mut html, drivers, lang)?;
        }
        let _ = writeln!(
            html,
            "<section id=\"capacity\">\n<h2>{}</h2>",
            escape(lang.text("section_capacity"))
        );
        let panel = plot::capacity_panel(scenario, series, &all, &name, true, lang);
        figure(
            &mut html,
            "chart-capacity",
            &panel.title,
            &panel_svg(&panel, 420)?,
            lang.text("caption_capacity"),
        );
        html.push_str("</section>\n");
    }

    if report.scenarios.len() > 1 {
        tables::compare_section(&mut html, report)?;
    }
    if maps::shown(first) {
        maps::section(&mut html, first, lang)?;
    }
    tables::municipalities_section(&mut html, report, first)?;
    tables::groups_section(&mut html, first, lang)?;
    tables::akasse_section(&mut html, first, lang);
    if timeliness::shown(report) {
        timeliness::section(&mut html, report);
    }
    if !report.checks.is_empty() {
        tables::checks_section(&mut html, &report.checks, lang);
    }
    tables::provenance_section(&mut html, report);
    let _ = write!(
        html,
        "</main>\n<script>//<![CDATA[\n{SCRIPT}//]]></script>\n</body>\n</html>\n"
    );
    out.write_all(html.as_bytes())
}

/// Links to the sections below, in their order (left out in print).
fn contents(html: &mut String, report: &Report) {
    let lang = report.lang;
    let mut sections = vec![("headline", "headline"), ("backlog", "section_backlog")];
    if report.drivers.is_some() {
        sections.push(("drivers", "section_drivers"));
    }
    sections.push(("capacity", "section_capacity"));
    if report.scenarios.len() > 1 {
        sections.push(("compare", "section_compare"));
    }
    if report.scenarios.first().is_some_and(maps::shown) {
        sections.push(("maps", "section_maps"));
    }
    sections.push(("municipalities", "section_municipalities"));
    sections.push(("groups", "section_groups"));
    if report
        .scenarios
        .first()
        .is_some_and(|s| s.entry.outcome.akasse.is_some())
    {
        sections.push(("akasse", "section_akasse"));
    }
    if timeliness::shown(report) {
        sections.push(("timeliness", "section_timeliness"));
    }
    if !report.checks.is_empty() {
        sections.push(("checks", "section_checks"));
    }
    sections.push(("provenance", "section_provenance"));
    html.push_str("<nav>");
    for (i, (id, key)) in sections.iter().enumerate() {
        if i > 0 {
            html.push_str(" · ");
        }
        let _ = write!(html, "<a href=\"#{id}\">{}</a>", escape(lang.text(key)));
    }
    html.push_str("</nav>\n");
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
    // With several episodes the peak is the first one's, as the cleared date beside it is (the episodes
    // table gives each).
    let (peak, peak_date, peak_band) = match mean.episodes.as_slice() {
        [first, _, ..] => (
            first.backlog_peak,
            first.medians().0,
            first.backlog_peak_band,
        ),
        _ => (
            mean.backlog_peak,
            mean.backlog_dates().0,
            band_of(outcome, Metric::BacklogPeak),
        ),
    };
    let mut peak_details = Vec::new();
    if let Some(date) = peak_date {
        peak_details.push(lang.fill("peak_on", &[&lang.date(date)]));
    }
    peak_details.push(lang.fill("band", &[&band_text(&peak_band, count)]));
    card(
        html,
        "card-peak",
        lang.text("peak_backlog"),
        &count(peak),
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
                &[&band_text(&band_of(outcome, Metric::OnTimeShare), |v| {
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
                    &band_of(outcome, Metric::MeetingsPerCaseworkerDay),
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
    let first = mean.episodes.first();
    let peak = match mean.episodes.as_slice() {
        [first, _, ..] => first.backlog_peak,
        _ => mean.backlog_peak,
    };
    if peak <= 0.0 {
        return (lang.text("no_backlog").to_string(), Vec::new());
    }
    let Some(date) = mean.backlog_cleared_date else {
        let value = match first.and_then(|e| e.next.as_ref()) {
            Some(next) => lang.fill("not_cleared_before", &[next]),
            None => lang.fill("not_cleared", &[&lang.date(scenario.end)]),
        };
        return (value, Vec::new());
    };
    let mut details = Vec::new();
    // The median days, which go with the median date.
    if let Some(days) = mean.days_to_clear_median {
        details.push(lang.fill("cleared_after", &[&format!("{days:.0}")]));
    }
    let reopened: Option<NaiveDate> = first.and_then(|e| e.end);
    if let Some(end) = reopened {
        let band = band_of(outcome, Metric::DaysToClear);
        let as_date = |days: f64| {
            let date = end + chrono::Days::new(days.round().max(0.0) as u64);
            lang.short_date(date)
        };
        details.push(lang.fill("band", &[&band_text(&band, as_date)]));
    }
    (lang.date(date), details)
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
}
