//! The report's maps: backlog peak per caseworker, days to clear and on-time share of the first scenario's
//! municipalities, as inline SVG choropleths (`report::map`), with the same figures in a table for readers who
//! do not see the colours; and, when the scenario has `[[timeliness]]` rules, one map per rule of the
//! municipalities it flags, in two colours, with the month each is first flagged.

use super::{escape, figure, svg, ReportScenario};
use crate::report::lang::Lang;
use crate::report::map::{self, MapMetric};
use std::fmt::Write as _;

/// Whether the first scenario gets the section: at least two of its municipalities are on the map.
pub(super) fn shown(first: &ReportScenario) -> bool {
    map::fits(first.scenario.municipalities.iter().map(|m| m.code))
}

pub(super) fn section(
    html: &mut String,
    first: &ReportScenario,
    lang: Lang,
) -> std::io::Result<()> {
    let (scenario, outcome) = (first.scenario, first.entry.outcome);
    let _ = writeln!(
        html,
        "<section id=\"maps\">\n<h2>{}</h2>",
        escape(lang.text("section_maps"))
    );
    let subtitle = lang
        .text("map_subtitle")
        .replacen("{}", &scenario.label(), 1)
        .replacen("{}", &outcome.replications.to_string(), 1);
    let codes = || scenario.municipalities.iter().map(|m| m.code);
    let maps: Vec<(MapMetric, map::Map)> = MapMetric::ALL
        .into_iter()
        .map(|what| {
            let drawn = what.map(lang, subtitle.clone(), codes(), &outcome.municipalities);
            (what, drawn)
        })
        .collect();
    for (what, drawn) in &maps {
        let chart = svg(|out| map::write_svg(drawn, out))?;
        figure(
            html,
            &format!("map-{}", what.key().replace('_', "-")),
            &drawn.title,
            &chart,
            lang.text("map_caption"),
        );
    }
    let flags: Vec<map::CategoryMap> = outcome
        .timeliness
        .iter()
        .map(|rule| map::flag_map(rule, outcome.replications, lang, subtitle.clone(), codes()))
        .collect();
    for (rule, drawn) in outcome.timeliness.iter().zip(&flags) {
        let chart = svg(|out| map::write_categories_svg(drawn, out))?;
        figure(
            html,
            &format!("map-timeliness-{}", rule.rule.id),
            &drawn.title,
            &chart,
            lang.text("map_flag_caption"),
        );
    }
    let _ = write!(
        html,
        "<table id=\"table-maps\">\n<thead><tr><th>{}</th><th class=\"text\">{}</th>",
        escape(lang.text("col_code")),
        escape(lang.text("col_municipality"))
    );
    for (what, drawn) in &maps {
        let _ = write!(
            html,
            "<th>{} ({})</th>",
            escape(&drawn.title),
            escape(what.unit(lang))
        );
    }
    for drawn in &flags {
        let _ = write!(html, "<th class=\"text\">{}</th>", escape(&drawn.title));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for municipality in &scenario.municipalities {
        let _ = write!(
            html,
            "<tr><td>{}</td><td class=\"text\">{}</td>",
            municipality.code,
            escape(&municipality.name)
        );
        for (_, drawn) in &maps {
            let value = drawn
                .value(municipality.code)
                .map_or_else(|| "-".to_string(), |v| drawn.shown(v));
            let _ = write!(html, "<td>{}</td>", escape(&value));
        }
        for drawn in &flags {
            let text = drawn.value(municipality.code).map_or("-", |(_, text)| text);
            let _ = write!(html, "<td class=\"text\">{}</td>", escape(text));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}
