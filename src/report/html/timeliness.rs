//! The timeliness section: per `[[timeliness]]` rule, the municipalities it flags in each scenario of the
//! report, side by side, so that a scenario with the suspension reads against one without it. Shown only when a
//! scenario of the report declares rules.

use super::{escape, Report};
use crate::report::lang::Lang;
use crate::report::timeliness::{flagged, month};
use crate::scenario::TimelinessRule;
use std::fmt::Write as _;

/// Whether any scenario of the report declares a timeliness rule.
pub(super) fn shown(report: &Report) -> bool {
    report
        .scenarios
        .iter()
        .any(|s| !s.entry.outcome.timeliness.is_empty())
}

/// The rules of the report's scenarios by id, in the order they first appear.
fn rule_ids<'a>(report: &Report<'a>) -> Vec<&'a str> {
    let mut ids: Vec<&str> = Vec::new();
    for s in &report.scenarios {
        for rule in &s.entry.outcome.timeliness {
            if !ids.contains(&rule.rule.id.as_str()) {
                ids.push(&rule.rule.id);
            }
        }
    }
    ids
}

fn label(rule: &TimelinessRule, lang: Lang) -> &str {
    let label = match lang {
        Lang::En => rule.label.as_deref(),
        Lang::Da => rule.label_da.as_deref().or(rule.label.as_deref()),
    };
    label.unwrap_or(&rule.id)
}

/// What the rule asks, in words: "monthly, under 80 % for 6 periods in a row, 2020-03 to 2020-06 left out".
fn definition(rule: &TimelinessRule, lang: Lang) -> String {
    let measure = lang.text(match rule.measure {
        crate::scenario::TimelinessMeasure::Monthly => "timeliness_monthly",
        crate::scenario::TimelinessMeasure::Rolling12 => "timeliness_rolling12",
    });
    let mut text = lang.fill(
        "timeliness_rule",
        &[
            measure,
            &lang.percent(rule.threshold),
            &rule.periods.to_string(),
        ],
    );
    if !rule.exclude.is_empty() {
        let months: Vec<String> = rule.exclude.iter().map(|&d| month(d)).collect();
        text.push_str("; ");
        text.push_str(&lang.fill("timeliness_excluded", &[&months.join(", ")]));
    }
    text
}

pub(super) fn section(html: &mut String, report: &Report) {
    let lang = report.lang;
    let _ = writeln!(
        html,
        "<section id=\"timeliness\">\n<h2>{}</h2>\n<p class=\"hint\">{}</p>",
        escape(lang.text("section_timeliness")),
        escape(lang.text("timeliness_hint"))
    );
    for (i, id) in rule_ids(report).into_iter().enumerate() {
        let Some(rule) = report
            .scenarios
            .iter()
            .flat_map(|s| &s.entry.outcome.timeliness)
            .find(|r| r.rule.id == id)
        else {
            continue;
        };
        let _ = writeln!(
            html,
            "<h3>{}</h3>\n<p class=\"note\">{}</p>",
            escape(label(&rule.rule, lang)),
            escape(&definition(&rule.rule, lang))
        );
        let source = match lang {
            Lang::En => rule.rule.source.as_ref(),
            Lang::Da => rule.rule.source_da.as_ref().or(rule.rule.source.as_ref()),
        };
        if let Some(source) = source {
            let _ = writeln!(
                html,
                "<p class=\"note\">{}</p>",
                escape(&lang.fill("timeliness_source", &[source]))
            );
        }
        let _ = writeln!(
            html,
            "<table id=\"table-timeliness-{i}\">\n<thead><tr><th class=\"text\">{}</th><th>{}</th><th class=\"text\">{}</th></tr></thead>\n<tbody>",
            escape(lang.text("prov_scenario")),
            escape(lang.text("col_flagged_count")),
            escape(lang.text("col_flagged"))
        );
        for s in &report.scenarios {
            let outcome = s.entry.outcome;
            let name = escape(&s.scenario.label());
            let Some(outcome_rule) = outcome.timeliness.iter().find(|r| r.rule.id == id) else {
                let _ = writeln!(
                    html,
                    "<tr><td class=\"text\">{name}</td><td></td><td class=\"text\">{}</td></tr>",
                    escape(lang.text("timeliness_no_rule"))
                );
                continue;
            };
            let list: Vec<String> = flagged(s.scenario, outcome_rule)
                .map(|(_, name, a, share)| {
                    let first = a.first_flagged.map(month).unwrap_or_default();
                    lang.fill(
                        "timeliness_flagged_entry",
                        &[name, &first, &lang.percent(share)],
                    )
                })
                .collect();
            let list = if list.is_empty() {
                lang.text("timeliness_none").to_string()
            } else {
                list.join(", ")
            };
            let _ = writeln!(
                html,
                "<tr><td class=\"text\">{name}</td><td>{}</td><td class=\"text\">{}</td></tr>",
                lang.fill(
                    "timeliness_count",
                    &[
                        &outcome_rule.flagged_count().to_string(),
                        &outcome_rule.municipalities.len().to_string()
                    ]
                ),
                escape(&list)
            );
        }
        html.push_str("</tbody>\n</table>\n");
    }
    html.push_str("</section>\n");
}
