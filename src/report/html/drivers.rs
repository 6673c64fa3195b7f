//! "What drives this answer" (with `--draws`, for a first scenario with ranges): the five inputs that move the
//! backlog peak most when each goes alone from its 5 % to its 95 % quantile, the others at their central values
//! (the one-at-a-time tornado of `backlog sensitivity`), as a table and as the tornado chart.

use super::{escape, figure, svg};
use crate::report::lang::Lang;
use crate::report::plot::{self, TornadoBar, TornadoChart};
use std::fmt::Write as _;

/// Inputs the section shows, the largest swings first.
pub const SHOWN_DRIVERS: usize = 5;

/// One input of the tornado, as the report shows it.
#[derive(Debug, Clone)]
pub struct Driver {
    pub key: String,
    /// The range in words: `uniform 0.4 to 0.8`.
    pub range: String,
    /// The input's value at its 5 % and its 95 % quantile.
    pub low_value: String,
    pub high_value: String,
    /// The backlog peak with the input there, the others central.
    pub at_low: f64,
    pub at_high: f64,
}

impl Driver {
    pub fn swing(&self) -> f64 {
        (self.at_high - self.at_low).abs()
    }
}

/// The tornado of the backlog peak of the report's first scenario.
#[derive(Debug, Clone)]
pub struct Drivers {
    /// What the peak is taken over: the whole scenario or the one municipality shown.
    pub name: String,
    /// The backlog peak with every input at its central value.
    pub central: f64,
    /// Ranged inputs in all, and replications behind every point.
    pub inputs: usize,
    pub replications: u32,
    /// The inputs with the largest swings, at most [`SHOWN_DRIVERS`], largest first.
    pub shown: Vec<Driver>,
}

/// An input's value as a reader takes it in: a decimal to a few significant places in the report's language
/// (`345.1`, `0.425`, in Danish `0,425`); whole numbers, dates and names as they are.
fn value_text(text: &str, lang: Lang) -> String {
    match text.parse::<f64>() {
        Ok(x) if text.contains('.') && x.is_finite() => {
            let places = match x.abs() {
                a if a >= 100.0 => 1,
                a if a >= 1.0 => 2,
                _ => 3,
            };
            let rounded = format!("{x:.places$}");
            let trimmed = rounded.trim_end_matches('0').trim_end_matches('.');
            let places = trimmed.split('.').nth(1).map_or(0, str::len);
            lang.decimal(x, places)
        }
        _ => text.to_string(),
    }
}

pub(super) fn section(html: &mut String, drivers: &Drivers, lang: Lang) -> std::io::Result<()> {
    let _ = writeln!(
        html,
        "<section id=\"drivers\">\n<h2>{}</h2>",
        escape(lang.text("section_drivers"))
    );
    let _ = writeln!(
        html,
        "<p>{}</p>",
        escape(&lang.fill(
            "drivers_note",
            &[
                &drivers.shown.len().to_string(),
                &drivers.inputs.to_string(),
                &drivers.name,
                &drivers.replications.to_string(),
                &(1 + 2 * drivers.inputs).to_string(),
                &lang.thousands(drivers.central),
            ],
        ))
    );
    html.push_str("<table id=\"table-drivers\">\n<thead><tr>");
    let columns = [
        ("col_rank", false),
        ("col_input", true),
        ("col_range", true),
        ("col_low_value", false),
        ("col_high_value", false),
        ("col_at_low", false),
        ("col_at_high", false),
        ("col_swing", false),
    ];
    for (key, text) in columns {
        let class = if text { " class=\"text\"" } else { "" };
        let _ = write!(html, "<th{class}>{}</th>", escape(lang.text(key)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for (rank, driver) in drivers.shown.iter().enumerate() {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"text\"><code>{}</code></td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            rank + 1,
            escape(&driver.key),
            escape(&driver.range),
            escape(&value_text(&driver.low_value, lang)),
            escape(&value_text(&driver.high_value, lang)),
            escape(&lang.thousands(driver.at_low)),
            escape(&lang.thousands(driver.at_high)),
            escape(&lang.thousands(driver.swing())),
        );
    }
    html.push_str("</tbody>\n</table>\n");
    let bars: Vec<TornadoBar> = drivers
        .shown
        .iter()
        .map(|d| TornadoBar {
            label: d.key.clone(),
            low: d.at_low,
            low_text: value_text(&d.low_value, lang),
            high: d.at_high,
            high_text: value_text(&d.high_value, lang),
        })
        .collect();
    let title = lang.fill("drivers_title", &[&drivers.name]);
    let subtitle = lang.fill("drivers_subtitle", &[&drivers.replications.to_string()]);
    let central = lang.fill("drivers_central", &[&lang.thousands(drivers.central)]);
    let chart = TornadoChart {
        title: &title,
        subtitle: &subtitle,
        metric: lang.text("m_backlog_peak"),
        central: drivers.central,
        central_label: &central,
        low_label: lang.text("drivers_low"),
        high_label: lang.text("drivers_high"),
        bars: &bars,
    };
    if !bars.is_empty() {
        let svg = svg(|out| plot::write_tornado(out, &chart))?;
        figure(
            html,
            "chart-drivers",
            &title,
            &svg,
            lang.text("caption_drivers"),
        );
    }
    html.push_str("</section>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_to_a_few_places_in_the_report_language() {
        assert_eq!(value_text("345.088807911", Lang::En), "345.1");
        assert_eq!(value_text("0.42", Lang::Da), "0,42");
        assert_eq!(value_text("1.5", Lang::En), "1.5");
        assert_eq!(value_text("0.1575", Lang::En), "0.158");
        assert_eq!(value_text("2.0", Lang::En), "2");
        assert_eq!(value_text("40", Lang::En), "40");
        assert_eq!(value_text("2020-06-04", Lang::Da), "2020-06-04");
    }
}
