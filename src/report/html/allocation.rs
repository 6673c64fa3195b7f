//! The allocation report (`backlog allocate --report`): where extra caseworker FTE cut the national objective
//! most, as one self-contained page in the style of the run report.
//!
//! Sections: the splits compared (none, optimal, the three naive ones, with their bands and their margins over
//! the optimal one), the map of the FTE each municipality gets (when two or more of the scenario's municipalities
//! are on the map of Denmark) with the same figures in a table, the municipalities (sortable), provenance. Every
//! number cell carries the unrounded value in `data-sort`, so a test can hold the page against `--format json`.

use super::tables::{cell, header_row};
use super::{escape, figure, svg, SCRIPT, STYLE};
use crate::allocate::{MunicipalityShare, Objective, Split};
use crate::report::lang::Lang;
use crate::report::map::{self, Map};
use crate::scenario::Scenario;
use chrono::NaiveDate;
use std::fmt::Write as _;
use std::io::Write;

/// Everything the allocation report shows.
pub struct AllocationReport<'a> {
    /// The scenario, with its labels in the report's language.
    pub scenario: &'a Scenario,
    pub objective: Objective,
    pub add: f64,
    pub step: f64,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub seed: u64,
    pub replications: u32,
    pub runs: u64,
    /// The national objective without extra staff.
    pub before: f64,
    /// The optimal split first, then by population, by caseload, by backlog peak.
    pub splits: &'a [Split],
    pub municipalities: &'a [MunicipalityShare],
    /// The FTE of the optimal split per municipality, labelled in the report's language.
    pub map: Map,
    /// The command line that made the report.
    pub command: String,
    pub lang: Lang,
}

/// The label of an objective in `lang`.
pub fn objective_label(objective: Objective, lang: Lang) -> &'static str {
    match objective {
        Objective::OverdueDays => lang.text("objective_overdue_days"),
        Objective::HeldLate => lang.text("objective_held_late"),
        Objective::Flagged => lang.text("objective_flagged"),
    }
}

/// An objective's value as the page shows it: whole, or with a decimal for flags (means of 0 and 1).
fn shown(objective: Objective, value: f64, lang: Lang) -> String {
    match objective {
        Objective::Flagged => lang.decimal(value, 1),
        _ => lang.thousands(value),
    }
}

/// FTE as people write them: whole numbers without decimals, others with two.
pub fn fte(value: f64, lang: Lang) -> String {
    if value.fract() == 0.0 {
        lang.thousands(value)
    } else {
        lang.decimal(value, 2)
    }
}

/// A number cell: shown rounded in the language's style, sorted by its unrounded value.
fn number(value: f64, shown: String) -> (String, String) {
    (shown, format!("{value}"))
}

/// Writes the whole page to `out`.
pub fn write(out: &mut dyn Write, report: &AllocationReport) -> std::io::Result<()> {
    let lang = report.lang;
    let scenario = report.scenario;
    let unit = objective_label(report.objective, lang);
    let mut html = String::new();
    let title = lang.fill(
        "alloc_title",
        &[&scenario.label(), &fte(report.add, lang), unit],
    );
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
    let lead = lang.fill(
        "alloc_lead",
        &[
            &fte(report.add, lang),
            &fte(report.step, lang),
            &lang.date(report.from),
            &lang.date(report.until),
            unit,
            &lang.date(report.from),
        ],
    );
    let runs = match report.replications {
        1 => lang.fill(
            "alloc_runs_one",
            &[
                &report.seed.to_string(),
                &lang.thousands(report.runs as f64),
            ],
        ),
        _ => lang.fill(
            "alloc_runs",
            &[
                &lang.thousands(f64::from(report.replications)),
                &report.seed.to_string(),
                &lang.thousands(report.runs as f64),
            ],
        ),
    };
    let _ = writeln!(
        html,
        "<p class=\"lead\" id=\"lead\">{} {}</p>",
        escape(&lead),
        escape(&runs)
    );
    if !scenario.description.is_empty() {
        let _ = writeln!(
            html,
            "<p class=\"note\">{}</p>",
            escape(&scenario.description)
        );
    }
    let shown_map = map::fits(scenario.municipalities.iter().map(|m| m.code));
    let mut sections = vec![("national", "section_national")];
    if shown_map {
        sections.push(("map", "section_alloc_map"));
    }
    sections.push(("municipalities", "section_municipalities"));
    sections.push(("provenance", "section_provenance"));
    html.push_str("<nav>");
    for (i, (id, key)) in sections.iter().enumerate() {
        if i > 0 {
            html.push_str(" · ");
        }
        let _ = write!(html, "<a href=\"#{id}\">{}</a>", escape(lang.text(key)));
    }
    html.push_str("</nav>\n");

    national_section(&mut html, report, unit);
    if shown_map {
        map_section(&mut html, report)?;
    }
    municipalities_section(&mut html, report, unit);
    provenance_section(&mut html, report, unit);
    let _ = write!(
        html,
        "</main>\n<script>//<![CDATA[\n{SCRIPT}//]]></script>\n</body>\n</html>\n"
    );
    out.write_all(html.as_bytes())
}

/// The national objective of no extra staff and of every split: one row each.
fn national_section(html: &mut String, report: &AllocationReport, unit: &str) {
    let lang = report.lang;
    let count = |v: f64| number(v, shown(report.objective, v, lang));
    let _ = writeln!(
        html,
        "<section id=\"national\">\n<h2>{}</h2>\n<table id=\"table-national\">",
        escape(lang.text("section_national"))
    );
    let _ = write!(
        html,
        "<thead><tr><th class=\"text\">{}</th><th>{}</th>",
        escape(lang.text("col_split")),
        escape(&lang.fill("col_objective", &[unit]))
    );
    header_cells(
        html,
        &["col_band", "col_margin", "col_margin_share", "col_paired"],
        lang,
    );
    html.push_str("</tr></thead>\n<tbody>\n");
    let empty = (String::new(), String::new());
    let _ = write!(html, "<tr data-split=\"none\">");
    cell(
        html,
        &(
            lang.text("split_none").to_string(),
            lang.text("split_none").to_string(),
        ),
        true,
    );
    cell(html, &count(report.before), false);
    for _ in 0..4 {
        cell(html, &empty, false);
    }
    html.push_str("</tr>\n");
    let optimal = report.splits.first().map_or(0.0, |s| s.objective);
    for split in report.splits {
        let name = lang.text(&format!("split_{}", split.name)).to_string();
        let _ = write!(html, "<tr data-split=\"{}\">", escape(&split.name));
        cell(html, &(name.clone(), name), true);
        cell(html, &count(split.objective), false);
        cell(
            html,
            &(
                format!("{}-{}", lang.thousands(split.p5), lang.thousands(split.p95)),
                format!("{}", split.p5),
            ),
            false,
        );
        cell(html, &count(split.margin), false);
        let share = match optimal > 0.0 {
            true => {
                let share = 100.0 * split.margin / optimal;
                let sign = if share >= 0.0 { "+" } else { "" };
                number(share, format!("{sign}{} %", lang.decimal(share, 1)))
            }
            false => empty.clone(),
        };
        cell(html, &share, false);
        cell(
            html,
            &(
                format!(
                    "{} – {}",
                    lang.thousands(split.margin_p5),
                    lang.thousands(split.margin_p95)
                ),
                format!("{}", split.margin_p5),
            ),
            false,
        );
        html.push_str("</tr>\n");
    }
    let _ = writeln!(
        html,
        "</tbody>\n</table>\n<p class=\"note\">{}</p>\n</section>",
        escape(&lang.fill("alloc_national_note", &[&fte(report.add, lang)]))
    );
}

fn header_cells(html: &mut String, keys: &[&str], lang: Lang) {
    for key in keys {
        let _ = write!(html, "<th>{}</th>", escape(lang.text(key)));
    }
}

/// The map of the FTE each municipality gets, and the same figures in a table for readers who do not see it.
fn map_section(html: &mut String, report: &AllocationReport) -> std::io::Result<()> {
    let lang = report.lang;
    let _ = writeln!(
        html,
        "<section id=\"map\">\n<h2>{}</h2>",
        escape(lang.text("section_alloc_map"))
    );
    let chart = svg(|out| map::write_svg(&report.map, out))?;
    figure(
        html,
        "map-fte-added",
        &report.map.title,
        &chart,
        lang.text("alloc_map_caption"),
    );
    let _ = write!(
        html,
        "<table id=\"table-map\">\n<thead><tr><th>{}</th><th class=\"text\">{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        escape(lang.text("col_code")),
        escape(lang.text("col_municipality")),
        escape(&report.map.unit)
    );
    for municipality in &report.scenario.municipalities {
        let value = report
            .map
            .value(municipality.code)
            .map_or_else(|| "-".to_string(), |v| report.map.shown(v));
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"text\">{}</td><td>{}</td></tr>",
            municipality.code,
            escape(&municipality.name),
            escape(&value)
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

/// Every municipality's FTE and its objective without and with them (sortable).
fn municipalities_section(html: &mut String, report: &AllocationReport, unit: &str) {
    let lang = report.lang;
    let count = |v: f64| number(v, shown(report.objective, v, lang));
    let _ = writeln!(
        html,
        "<section id=\"municipalities\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n<p class=\"hint\">{}</p>\n<table class=\"sortable\" id=\"table-allocation\">",
        escape(lang.text("section_municipalities")),
        escape(&lang.fill("alloc_municipalities_note", &[&capitalised(unit)])),
        escape(lang.text("sort_hint"))
    );
    header_row(
        html,
        &[
            ("col_code", false),
            ("col_municipality", true),
            ("col_fte_added", false),
            ("col_without", false),
            ("col_with", false),
            ("col_with_band", false),
        ],
        lang,
    );
    html.push_str("<tbody>\n");
    for row in report.municipalities {
        let _ = write!(html, "<tr data-code=\"{}\">", row.code);
        let code = row.code.to_string();
        cell(html, &(code.clone(), code), false);
        // The name as the scenario gives it in the report's language.
        let name = report
            .scenario
            .municipalities
            .iter()
            .find(|m| m.code == row.code)
            .map_or(row.name.clone(), |m| m.name.clone());
        cell(html, &(name.clone(), name), true);
        cell(
            html,
            &number(row.fte_added, fte(row.fte_added, lang)),
            false,
        );
        cell(html, &count(row.before), false);
        cell(html, &count(row.after), false);
        cell(
            html,
            &(
                format!(
                    "{}-{}",
                    lang.thousands(row.after_p5),
                    lang.thousands(row.after_p95)
                ),
                format!("{}", row.after_p5),
            ),
            false,
        );
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn provenance_section(html: &mut String, report: &AllocationReport, unit: &str) {
    let lang = report.lang;
    let scenario = report.scenario;
    let _ = writeln!(
        html,
        "<section id=\"provenance\">\n<h2>{}</h2>\n<table id=\"table-provenance\">\n<tbody>",
        escape(lang.text("section_provenance"))
    );
    let mut rows = vec![
        ("prov_scenario", scenario.label()),
        ("prov_file", scenario.file.display().to_string()),
        ("prov_sha256", scenario.sha256.clone()),
        ("prov_seed", report.seed.to_string()),
        ("prov_reps", report.replications.to_string()),
        (
            "prov_period",
            format!("{} - {}", scenario.start, scenario.end),
        ),
        ("prov_objective", unit.to_string()),
        (
            "prov_add",
            format!("{} ({})", fte(report.add, lang), fte(report.step, lang)),
        ),
        ("prov_window", format!("{} - {}", report.from, report.until)),
        ("prov_runs", report.runs.to_string()),
    ];
    if !scenario.overrides.is_empty() {
        rows.push(("prov_set", scenario.overrides.join(" ")));
    }
    rows.push(("prov_version", crate::report::VERSION.to_string()));
    rows.push(("prov_command", report.command.clone()));
    for (key, value) in rows {
        let _ = writeln!(
            html,
            "<tr><th class=\"text\">{}</th><td class=\"text\"><code>{}</code></td></tr>",
            escape(lang.text(key)),
            escape(&value)
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}
