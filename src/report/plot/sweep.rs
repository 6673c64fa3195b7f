//! Days to clear against a swept input, with the 5 %-95 % band over replications, the target line and the answer.

use super::{
    draw_title, nice_top, render, DrawResult, FONT, OVERDUE_COLOR, PALETTE, TITLE_HEIGHT, WIDTH,
};
use crate::output::Output;
use crate::report::lang::Lang;
use crate::summary::Band;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::io::Write;

/// The unit of the swept input, written on the x axis ticks and in the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisUnit {
    /// Caseworker full-time equivalents: "110 FTE".
    Fte,
    /// A multiplier: "×1.20".
    Factor,
    /// Meetings per caseworker per working day: "4.5/day".
    PerDay,
    /// A share, shown in percent: "22 %".
    Share,
    /// A plain number.
    Plain,
}

impl AxisUnit {
    pub fn format(self, x: f64, lang: Lang) -> String {
        let places = |x: f64| if (x - x.round()).abs() < 1e-9 { 0 } else { 1 };
        match self {
            AxisUnit::Fte => format!("{} FTE", lang.decimal(x, places(x))),
            AxisUnit::Factor => format!("×{}", lang.decimal(x, 2)),
            AxisUnit::PerDay => format!(
                "{}/{}",
                lang.decimal(x, 1),
                match lang {
                    Lang::En => "day",
                    Lang::Da => "dag",
                }
            ),
            AxisUnit::Share => format!("{} %", lang.decimal(x * 100.0, places(x * 100.0))),
            AxisUnit::Plain => lang.decimal(x, places(x)),
        }
    }
}

/// What the sweep chart draws.
#[derive(Debug, Clone)]
pub struct SweepChart<'a> {
    /// The scenario's name, in the title.
    pub scenario: &'a str,
    /// What was swept, e.g. "caseworkers".
    pub x_label: &'a str,
    pub unit: AxisUnit,
    /// The swept value and the band of days to clear at it.
    pub points: &'a [(f64, Band)],
    /// A target on days to clear: the line drawn at this many days, with its label.
    pub target_line: Option<(f64, String)>,
    /// The target in words, when there is one: shown in the subtitle.
    pub target: Option<String>,
    /// The answer to the target question: the smallest swept value that meets it.
    pub answer: Option<f64>,
    pub lang: Lang,
}

/// Days to clear against a swept input: the mean as a line with a dot per point, the 5 %-95 % band shaded
/// around it, a cross on the top edge where the backlog was not cleared in every replication, the target line
/// and the answer marked.
pub fn write_sweep(out: &mut dyn Write, chart: &SweepChart) -> std::io::Result<()> {
    let mut points: Vec<(f64, Band)> = chart
        .points
        .iter()
        .copied()
        .filter(|(x, _)| x.is_finite())
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    if points.is_empty() {
        return Err(std::io::Error::other(
            "a sweep chart needs at least one point",
        ));
    }
    let lang = chart.lang;
    render(out, (WIDTH, 660), |root| {
        let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
        let mut subtitle = lang.text("sweep_subtitle").to_string();
        if let Some(target) = &chart.target {
            let answer = match chart.answer {
                Some(x) => lang.fill("sweep_answer", &[&chart.unit.format(x, lang)]),
                None => lang.text("sweep_no_answer").to_string(),
            };
            subtitle = format!(
                "{}; {answer}. {subtitle}",
                lang.fill("sweep_target", &[target])
            );
        }
        draw_title(
            &title_area,
            &lang.fill("sweep_title", &[chart.scenario, chart.x_label]),
            &subtitle,
        )?;
        sweep_panel(&body, chart, &points)
    })
}

fn sweep_panel(
    area: &DrawingArea<SVGBackend, Shift>,
    sweep: &SweepChart,
    points: &[(f64, Band)],
) -> DrawResult {
    let lang = sweep.lang;
    let (x_min, x_max) = (points[0].0, points[points.len() - 1].0);
    let pad = if x_max > x_min {
        (x_max - x_min) * 0.04
    } else {
        x_min.abs().max(1.0) * 0.1
    };
    let y_top = nice_top(
        points
            .iter()
            .flat_map(|(_, b)| [b.mean, b.p5, b.p95])
            .flatten()
            .chain(sweep.target_line.as_ref().map(|(y, _)| *y))
            .fold(0.0, f64::max),
    );
    let unit = sweep.unit;
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(28)
        .x_label_area_size(44)
        .y_label_area_size(78)
        .build_cartesian_2d((x_min - pad)..(x_max + pad), 0.0..y_top)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.08))
        .x_desc(sweep.x_label)
        .x_label_formatter(&|x| unit.format(*x, lang))
        .y_desc(lang.text("sweep_y"))
        .y_label_formatter(&|y| lang.thousands(*y))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 14))
        .draw()?;
    let color = PALETTE[0];
    // The band, one polygon per run of consecutive points that have both ends.
    let mut runs: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new()];
    for (x, band) in points {
        match (band.p5, band.p95) {
            (Some(low), Some(high)) => runs.last_mut().expect("never empty").push((*x, low, high)),
            _ => runs.push(Vec::new()),
        }
    }
    let band_style = color.mix(0.2).filled();
    let polygons: Vec<Vec<(f64, f64)>> = runs
        .into_iter()
        .filter(|run| !run.is_empty())
        .map(|run| {
            let mut outline: Vec<(f64, f64)> = run.iter().map(|&(x, low, _)| (x, low)).collect();
            outline.extend(run.iter().rev().map(|&(x, _, high)| (x, high)));
            outline
        })
        .collect();
    if !polygons.is_empty() {
        chart
            .draw_series(
                polygons
                    .into_iter()
                    .map(|outline| Polygon::new(outline, band_style)),
            )?
            .label(lang.text("sweep_band"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 18, y + 6)], band_style));
    }
    let means: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|(x, b)| Some((*x, b.mean?)))
        .collect();
    if !means.is_empty() {
        chart
            .draw_series(LineSeries::new(
                means.iter().copied(),
                color.stroke_width(2),
            ))?
            .label(lang.text("sweep_mean"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(3)));
        chart.draw_series(means.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
    }
    let not_cleared: Vec<f64> = points
        .iter()
        .filter(|(_, b)| b.mean.is_none())
        .map(|(x, _)| *x)
        .collect();
    if !not_cleared.is_empty() {
        chart
            .draw_series(
                not_cleared
                    .iter()
                    .map(|&x| Cross::new((x, y_top), 7, OVERDUE_COLOR.stroke_width(2))),
            )?
            .label(lang.text("sweep_not_cleared"))
            .legend(move |(x, y)| Cross::new((x + 9, y), 6, OVERDUE_COLOR.stroke_width(2)));
    }
    if let Some((days, label)) = &sweep.target_line {
        chart
            .draw_series(std::iter::once(PathElement::new(
                [(x_min - pad, *days), (x_max + pad, *days)],
                BLACK.stroke_width(2),
            )))?
            .label(label.as_str())
            .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLACK.stroke_width(2)));
    }
    if let Some(x) = sweep.answer {
        let text = lang.fill("sweep_answer", &[&unit.format(x, lang)]);
        let y = points
            .iter()
            .find(|(px, _)| *px == x)
            .and_then(|(_, b)| b.mean)
            .unwrap_or(0.0);
        chart.draw_series(std::iter::once(PathElement::new(
            [(x, 0.0), (x, y_top)],
            OVERDUE_COLOR.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (x, y),
            9,
            OVERDUE_COLOR.stroke_width(3),
        )))?;
        let right_half = x > x_min + (x_max - x_min) * 0.7;
        let (dx, anchor) = if right_half {
            (-6, HPos::Right)
        } else {
            (6, HPos::Left)
        };
        let style = TextStyle::from((FONT, 16).into_font().style(FontStyle::Bold))
            .color(&OVERDUE_COLOR)
            .pos(Pos::new(anchor, VPos::Top));
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, y_top)) + Text::new(text, (dx, 6), style),
        ))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.25))
        .draw()?;
    Ok(())
}

/// Writes the sweep chart to `output`, as SVG or PNG.
pub fn sweep_chart(output: &Output, chart: &SweepChart) -> anyhow::Result<()> {
    super::write_chart(output, |out| write_sweep(out, chart))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_units_say_what_was_swept() {
        assert_eq!(AxisUnit::Fte.format(110.0, Lang::En), "110 FTE");
        assert_eq!(AxisUnit::Fte.format(240.5, Lang::Da), "240,5 FTE");
        assert_eq!(AxisUnit::Factor.format(1.2, Lang::En), "×1.20");
        assert_eq!(AxisUnit::Share.format(0.22, Lang::En), "22 %");
        assert_eq!(AxisUnit::PerDay.format(4.5, Lang::En), "4.5/day");
        assert_eq!(AxisUnit::PerDay.format(4.5, Lang::Da), "4,5/dag");
    }
}
