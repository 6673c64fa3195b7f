//! The report's tables: municipalities and benefit groups (sortable), scenarios compared, published figures,
//! provenance.

use super::{band_text, escape, figure, panel_svg, Report, ReportScenario};
use crate::check::CheckResult;
use crate::report::compare::{self, Entry};
use crate::report::lang::Lang;
use crate::report::plot;
use crate::summary::Metrics;
use chrono::NaiveDate;
use std::fmt::Write as _;

/// The metrics of one row of the municipality or group table, as (text, sort key) cells.
fn metric_cells(metrics: &Metrics, lang: Lang) -> Vec<(String, String)> {
    let count = |v: f64| (lang.thousands(v), format!("{v:.0}"));
    let date = |d: Option<NaiveDate>| match d {
        Some(d) => (d.to_string(), d.to_string()),
        None => ("-".to_string(), String::new()),
    };
    // The median days to clear, beside the median cleared date it goes with; without a backlog there is no
    // peak to date and nothing to clear.
    // With several episodes, the first one's peak beside its clearing (the episodes table gives each).
    let (backlog_peak, (peak_date, cleared_date, days_to_clear)) = match metrics.episodes.as_slice()
    {
        [first, _, ..] => (first.backlog_peak, first.medians()),
        _ => (metrics.backlog_peak, metrics.backlog_medians()),
    };
    let days_to_clear = match days_to_clear {
        Some(days) => (format!("{days:.0}"), format!("{days:.0}")),
        // Not cleared sorts after every number of days; no backlog before them.
        None if backlog_peak > 0.0 => (
            lang.text("not_cleared_short").to_string(),
            "1e9".to_string(),
        ),
        None => ("-".to_string(), "-1".to_string()),
    };
    // Due and held as the books of the simulate table show them (docs/outputs.md).
    let books = crate::report::table::Books::of(metrics);
    vec![
        count(books.due),
        count(books.held),
        (
            lang.percent(metrics.on_time_share),
            format!("{:.6}", metrics.on_time_share),
        ),
        count(backlog_peak),
        date(peak_date),
        date(cleared_date),
        days_to_clear,
    ]
}

pub(super) fn header_row(html: &mut String, columns: &[(&str, bool)], lang: Lang) {
    html.push_str("<thead><tr>");
    for (key, text) in columns {
        let class = if *text { " class=\"text\"" } else { "" };
        let _ = write!(html, "<th{class}>{}</th>", escape(lang.text(key)));
    }
    html.push_str("</tr></thead>\n");
}

pub(super) fn cell(html: &mut String, (text, sort): &(String, String), is_text: bool) {
    let class = if is_text { " class=\"text\"" } else { "" };
    let _ = write!(
        html,
        "<td{class} data-sort=\"{}\">{}</td>",
        escape(sort),
        escape(text)
    );
}

pub(super) fn municipalities_section(
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
                &panel.title,
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
            ("col_caseworkers", false),
            ("col_peak_cw", false),
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
        for value in [
            persons,
            metrics.caseworkers,
            metrics.backlog_peak_per_caseworker,
        ] {
            cell(
                html,
                &(lang.decimal(value, 1), format!("{value:.6}")),
                false,
            );
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

pub(super) fn groups_section(
    html: &mut String,
    first: &ReportScenario,
    lang: Lang,
) -> std::io::Result<()> {
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
            &panel.title,
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
    html.push_str("</tbody>\n</table>\n");
    episodes_table(html, first, lang);
    html.push_str("</section>\n");
    Ok(())
}

/// The episodes: per suspension, the total's and each group's backlog before it, peak, cleared date and days
/// to clear, so that no figure of one episode stands beside another's.
fn episodes_table(html: &mut String, first: &ReportScenario, lang: Lang) {
    let (scenario, outcome) = (first.scenario, first.entry.outcome);
    if outcome.total.mean.episodes.is_empty() {
        return;
    }
    let _ = writeln!(
        html,
        "<h3>{}</h3>\n<p class=\"hint\">{}</p>\n<table class=\"sortable\" id=\"table-episodes\">",
        escape(lang.text("episodes_heading")),
        escape(lang.text("episodes_hint"))
    );
    header_row(
        html,
        &[
            ("col_episode", true),
            ("col_group", true),
            ("col_before", false),
            ("col_peak", false),
            ("col_peak_date", false),
            ("col_cleared", false),
            ("col_days_to_clear", false),
        ],
        lang,
    );
    html.push_str("<tbody>\n");
    let total = lang.text("episodes_all_groups");
    let rows = std::iter::once((total, &outcome.total)).chain(
        scenario
            .groups
            .iter()
            .zip(&outcome.groups)
            .map(|(g, a)| (g.name.as_str(), a)),
    );
    for (name, aggregate) in rows {
        for episode in &aggregate.mean.episodes {
            let (peak_date, cleared_date, days) = episode.medians();
            let date = |d: Option<NaiveDate>| match d {
                Some(d) => (d.to_string(), d.to_string()),
                None => ("-".to_string(), String::new()),
            };
            let count = |v: f64| (lang.thousands(v), format!("{v:.0}"));
            let days = match (days, episode.backlog_peak > 0.0) {
                (Some(days), _) => (format!("{days:.0}"), format!("{days:.0}")),
                (None, true) => (
                    match &episode.next {
                        Some(next) => lang.fill("not_cleared_before", &[next]),
                        None => lang.text("not_cleared_short").to_string(),
                    },
                    "1e9".to_string(),
                ),
                (None, false) => ("-".to_string(), "-1".to_string()),
            };
            html.push_str("<tr>");
            cell(html, &(episode.id.clone(), episode.id.clone()), true);
            cell(html, &(name.to_string(), name.to_string()), true);
            for c in [
                count(episode.backlog_before),
                count(episode.backlog_peak),
                date(peak_date),
                date(cleared_date),
                days,
            ] {
                cell(html, &c, false);
            }
            html.push_str("</tr>\n");
        }
    }
    html.push_str("</tbody>\n</table>\n");
}

/// The a-kasse side (with an `[akasse]` section): its meetings per municipality and in total, and the joint
/// meetings' waits for each side.
pub(super) fn akasse_section(html: &mut String, first: &ReportScenario, lang: Lang) {
    let (scenario, outcome) = (first.scenario, first.entry.outcome);
    let Some(akasse) = &outcome.akasse else {
        return;
    };
    let _ = writeln!(
        html,
        "<section id=\"akasse\">\n<h2>{}</h2>",
        escape(lang.text("section_akasse"))
    );
    let total = &akasse.total.mean;
    let _ = writeln!(
        html,
        "<p>{}</p>\n<p>{}</p>",
        escape(&lang.fill("akasse_lead", &[&lang.percent(total.utilisation)])),
        escape(&lang.fill(
            "akasse_joint",
            &[
                &lang.thousands(akasse.waits.joint_held),
                &lang.thousands(akasse.waits.waited_for_jobcentre_days),
                &lang.thousands(akasse.waits.waited_for_akasse_days),
            ]
        ))
    );
    html.push_str("<table class=\"sortable\" id=\"table-akasse\">\n");
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
        ],
        lang,
    );
    html.push_str("<tbody>\n");
    let total_name = lang.text("akasse_total").to_string();
    let rows = std::iter::once((String::new(), total_name, &akasse.total)).chain(
        scenario
            .municipalities
            .iter()
            .zip(&akasse.municipalities)
            .map(|(m, a)| (m.code.to_string(), m.name.clone(), a)),
    );
    for (code, name, aggregate) in rows {
        let metrics = &aggregate.mean;
        html.push_str("<tr>");
        cell(html, &(code.clone(), code), false);
        cell(html, &(name.clone(), name), true);
        for c in metric_cells(metrics, lang) {
            cell(html, &c, false);
        }
        let load = metrics.meetings_per_caseworker_day;
        cell(html, &(lang.decimal(load, 2), format!("{load:.6}")), false);
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
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
                .replace("no backlog", "ingen pukkel")
                .replace("days", "dage")
        }
    }
}

pub(super) fn compare_section(html: &mut String, report: &Report) -> std::io::Result<()> {
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
            difference_bands: None,
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
    if let Some(mut panel) =
        plot::overlay_panel(&report.overlay, lang.text("overdue_meetings"), lang)
    {
        panel.title = lang.text("overlay_title").to_string();
        figure(
            html,
            "chart-compare",
            &panel.title,
            &panel_svg(&panel, 480)?,
            lang.text("overlay_subtitle"),
        );
    }
    html.push_str("</section>\n");
    Ok(())
}

pub(super) fn checks_section(html: &mut String, checks: &[CheckResult], lang: Lang) {
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
        // A per-municipality series is judged by the mean absolute percentage error over the municipalities:
        // its "simulated" band is that error in each replication.
        let (published, simulated, error) = match (&check.spread, check.simulated.mean) {
            (Some(_), Some(mean)) => (
                "-".to_string(),
                lang.fill(
                    "mape",
                    &[&format!(
                        "{} ({})",
                        lang.percent(mean),
                        band_text(&check.simulated, |v| lang.percent(v))
                    )],
                ),
                check
                    .error
                    .map_or("-".to_string(), |e| lang.fill("mape", &[&lang.percent(e)])),
            ),
            (_, mean) => (
                lang.thousands(check.value),
                mean.map_or("-".to_string(), |mean| {
                    format!(
                        "{} ({})",
                        lang.thousands(mean),
                        band_text(&check.simulated, |v| lang.thousands(v))
                    )
                }),
                check.error.map_or("-".to_string(), |e| {
                    let sign = if e > 0.0 { "+" } else { "" };
                    format!("{sign}{}", lang.percent(e))
                }),
            ),
        };
        let mut figure = format!("{} ({})", escape(&check.figure), escape(&check.scenario));
        if let Some(spread) = &check.spread {
            let worst: Vec<String> = spread
                .worst
                .iter()
                .map(|w| {
                    let sign = if w.error > 0.0 { "+" } else { "" };
                    format!("{} {sign}{}", w.name, lang.percent(w.error))
                })
                .collect();
            let _ = write!(
                figure,
                "<br/><small>{}</small>",
                escape(&lang.fill("worst", &[&worst.join(", ")]))
            );
        }
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
            escape(&published),
            escape(&simulated),
            escape(&error),
            escape(&lang.percent(check.tolerance)).replace(",0 %", " %").replace(".0 %", " %")
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

pub(super) fn provenance_section(html: &mut String, report: &Report) {
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
        let shown = info.municipalities_shown.as_ref().map(|codes| {
            (
                "prov_shown",
                codes
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        });
        let set = (!info.set.is_empty()).then(|| ("prov_set", info.set.join(" ")));
        let draws = info.draws.map(|n| ("prov_draws", n.to_string()));
        let rows = rows.into_iter().chain(shown).chain(set).chain(draws);
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
        ("prov_version", crate::report::VERSION.to_string()),
        ("prov_command", report.command.clone()),
    ] {
        let _ = writeln!(
            html,
            "<tr><th class=\"text\">{}</th><td class=\"text\"><code>{}</code></td></tr>",
            escape(lang.text(key)),
            escape(&value)
        );
    }
    let note = match report.fan {
        Some(_) => "prov_note_draws",
        None => "prov_note",
    };
    let _ = writeln!(
        html,
        "</tbody>\n</table>\n<p class=\"note\">{}</p>\n</section>",
        escape(lang.text(note))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_cells_swap_the_separators_and_translate_the_words() {
        assert_eq!(localise("+11.2 pp (+12.7%)", Lang::Da), "+11,2 pp (+12,7%)");
        assert_eq!(localise("17,561", Lang::Da), "17.561");
        assert_eq!(localise("+20 days", Lang::Da), "+20 dage");
        assert_eq!(localise("not cleared", Lang::Da), "ikke væk");
        assert_eq!(localise("17,561", Lang::En), "17,561");
    }
}
