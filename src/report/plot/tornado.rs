//! The tornado chart: one horizontal bar per uncertain input, from the answer with the input at its low quantile
//! to the answer with it at its high quantile, the others at their central values; widest swing on top.
//!
//! The vertical line is the answer with every input at its central value, the origin every bar grows from. The
//! part of a bar towards the low-quantile answer is blue, the part towards the high-quantile answer vermillion,
//! and each end is labelled with the input's value there, so a bar that runs the other way (more staff, a
//! smaller backlog) reads at a glance.

use super::{
    draw_legend, draw_title, render, text_width, DrawResult, LegendItem, FONT, TITLE_HEIGHT, WIDTH,
};
use super::{BLUE, VERMILLION};
use crate::output::Output;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::io::Write;

/// The colour of the part of a bar towards the input's low end.
pub const LOW_COLOR: RGBColor = BLUE;
/// The colour of the part of a bar towards the input's high end.
pub const HIGH_COLOR: RGBColor = VERMILLION;

/// One input's bar.
#[derive(Debug, Clone)]
pub struct TornadoBar {
    /// The input, as its key.
    pub label: String,
    /// The answer with the input at its low quantile, and the input's value there.
    pub low: f64,
    pub low_text: String,
    /// The answer with the input at its high quantile, and the input's value there.
    pub high: f64,
    pub high_text: String,
}

/// What the tornado chart draws. Bars are drawn top to bottom in the order given.
#[derive(Debug, Clone)]
pub struct TornadoChart<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    /// The answer's name, under the axis.
    pub metric: &'a str,
    /// The answer with every input at its central value.
    pub central: f64,
    /// The text at the top of the central line, and the legend entries of the low and the high parts of the
    /// bars.
    pub central_label: &'a str,
    pub low_label: &'a str,
    pub high_label: &'a str,
    pub bars: &'a [TornadoBar],
}

const BAR_HEIGHT: u32 = 40;
const LEGEND_HEIGHT: u32 = 26;

/// Draws the tornado chart as SVG.
pub fn write_tornado(out: &mut dyn Write, chart: &TornadoChart) -> std::io::Result<()> {
    if chart.bars.is_empty() {
        return Err(std::io::Error::other(
            "a tornado chart needs at least one input",
        ));
    }
    let height = TITLE_HEIGHT + LEGEND_HEIGHT + 130 + BAR_HEIGHT * chart.bars.len() as u32;
    render(out, (WIDTH, height), |root| {
        let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
        draw_title(&title_area, chart.title, chart.subtitle)?;
        let (legend, panel) = body.split_vertically(LEGEND_HEIGHT);
        let items = [
            LegendItem::Swatch(chart.low_label, LOW_COLOR, 0.85),
            LegendItem::Swatch(chart.high_label, HIGH_COLOR, 0.85),
        ];
        draw_legend(&legend, &items, 16, 14)?;
        tornado_panel(&panel, chart)
    })
}

fn tornado_panel(area: &DrawingArea<SVGBackend, Shift>, chart: &TornadoChart) -> DrawResult {
    let bars = chart.bars;
    let count = bars.len() as i32;
    let ends = bars
        .iter()
        .flat_map(|bar| [bar.low, bar.high])
        .chain([chart.central])
        .filter(|x| x.is_finite());
    let (min, max) = ends.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    // Room on both sides for the labels at the ends of the bars.
    let span = max - min;
    let pad = if span > 0.0 {
        span * 0.22
    } else {
        chart.central.abs().max(1.0) * 0.1
    };
    let label_width = bars
        .iter()
        .map(|bar| text_width(&bar.label, 14))
        .max()
        .unwrap_or(0)
        + 24;
    // Bar `i` (from the top) fills the band from `count - i - 1` to `count - i`.
    let top = |i: usize| f64::from(count) - i as f64;
    let mut plot = ChartBuilder::on(area)
        .margin(16)
        .margin_top(30)
        .margin_right(28)
        .x_label_area_size(44)
        .y_label_area_size(label_width.clamp(80, WIDTH as i32 / 3))
        .build_cartesian_2d((min - pad)..(max + pad), 0.0..f64::from(count))?;
    // Whole numbers on a wide axis, decimals on a narrow one (shares, ratios).
    let places = if span >= 20.0 {
        0
    } else if span >= 0.2 {
        2
    } else {
        4
    };
    let tick = |x: &f64| format!("{x:.places$}");
    plot.configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.08))
        .disable_y_mesh()
        .y_labels(0)
        .x_label_formatter(&tick)
        .x_desc(chart.metric)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 14))
        .draw()?;
    // The inputs' names, in the label area left of the axis.
    let name_style =
        TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    plot.draw_series(bars.iter().enumerate().map(|(i, bar)| {
        EmptyElement::at((min - pad, top(i) - 0.5))
            + Text::new(bar.label.clone(), (-10, 0), name_style.clone())
    }))?;
    let central = chart.central;
    // Each bar's two parts, the longer first so that the shorter stays visible when both ends lie on the same
    // side of the centre.
    let mut parts = Vec::with_capacity(2 * bars.len());
    for (i, bar) in bars.iter().enumerate() {
        let mut two = [(bar.low, LOW_COLOR), (bar.high, HIGH_COLOR)];
        if (bar.high - central).abs() > (bar.low - central).abs() {
            two.swap(0, 1);
        }
        for (end, color) in two {
            let mut rectangle = Rectangle::new(
                [(central, top(i) - 1.0), (end, top(i))],
                color.mix(0.85).filled(),
            );
            rectangle.set_margin(7, 7, 0, 0);
            parts.push(rectangle);
        }
    }
    plot.draw_series(parts)?;
    // Each end's label sits outside the bar: to the left of the leftmost end, to the right of the other.
    let label_style = |anchor: HPos| {
        TextStyle::from((FONT, 13).into_font())
            .color(&RGBColor(0x22, 0x22, 0x22))
            .pos(Pos::new(anchor, VPos::Center))
    };
    plot.draw_series(bars.iter().enumerate().flat_map(|(i, bar)| {
        let (left, right) = if bar.low <= bar.high {
            ((bar.low, &bar.low_text), (bar.high, &bar.high_text))
        } else {
            ((bar.high, &bar.high_text), (bar.low, &bar.low_text))
        };
        let at = |x: f64| (x.min(central), x.max(central));
        let y = top(i) - 0.5;
        [
            EmptyElement::at((at(left.0).0, y))
                + Text::new(left.1.clone(), (-6, 0), label_style(HPos::Right)),
            EmptyElement::at((at(right.0).1, y))
                + Text::new(right.1.clone(), (6, 0), label_style(HPos::Left)),
        ]
    }))?;
    plot.draw_series(std::iter::once(PathElement::new(
        [(central, 0.0), (central, f64::from(count))],
        BLACK.stroke_width(2),
    )))?;
    let top = TextStyle::from((FONT, 14).into_font().style(FontStyle::Bold))
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    plot.draw_series(std::iter::once(
        EmptyElement::at((central, f64::from(count)))
            + Text::new(chart.central_label.to_string(), (0, -4), top),
    ))?;
    Ok(())
}

/// Writes the tornado chart to `output`, as SVG or PNG.
pub fn tornado_chart(output: &Output, chart: &TornadoChart) -> anyhow::Result<()> {
    super::write_chart(output, |out| write_tornado(out, chart))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, low: f64, high: f64) -> TornadoBar {
        TornadoBar {
            label: label.to_string(),
            low,
            low_text: format!("{label} low"),
            high,
            high_text: format!("{label} high"),
        }
    }

    fn svg(bars: &[TornadoBar]) -> String {
        let chart = TornadoChart {
            title: "Copenhagen: backlog_peak",
            subtitle: "one input at a time",
            metric: "backlog_peak",
            central: 100.0,
            central_label: "central 100",
            low_label: "input at its 5 % quantile",
            high_label: "input at its 95 % quantile",
            bars,
        };
        let mut out = Vec::new();
        write_tornado(&mut out, &chart).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn fill(color: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", color.0, color.1, color.2)
    }

    #[test]
    fn each_input_gets_a_bar_in_two_colours_labelled_at_both_ends_in_the_order_given() {
        let bars = [
            bar("caseworkers", 160.0, 40.0),
            bar("inflow_factor", 80.0, 130.0),
            bar("phone_share", 100.0, 100.0),
        ];
        let svg = svg(&bars);
        let document = roxmltree::Document::parse(&svg).unwrap();
        let rectangles = |color: RGBColor| {
            let mut tops: Vec<f64> = document
                .descendants()
                .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(&fill(color)))
                .map(|n| n.attribute("y").unwrap().parse().unwrap())
                .collect();
            tops.sort_by(f64::total_cmp);
            tops
        };
        // Legend swatch plus one part per bar, in each colour.
        assert_eq!(rectangles(LOW_COLOR).len(), 4);
        assert_eq!(rectangles(HIGH_COLOR).len(), 4);
        let texts: Vec<&str> = document
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .map(str::trim)
            .collect();
        for bar in &bars {
            for label in [&bar.label, &bar.low_text, &bar.high_text] {
                assert!(texts.contains(&label.as_str()), "{label} in {texts:?}");
            }
        }
        assert!(texts.contains(&"central 100"));
        // Top to bottom in the order given: the input labels' y positions increase.
        let y_of = |label: &str| -> f64 {
            document
                .descendants()
                .find(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some(label))
                .and_then(|n| n.attribute("y"))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!(y_of("caseworkers") < y_of("inflow_factor"));
        assert!(y_of("inflow_factor") < y_of("phone_share"));
        // The answer falls as caseworkers rise: the high end's label is left of the low end's.
        let x_of = |label: &str| -> f64 {
            document
                .descendants()
                .find(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some(label))
                .and_then(|n| n.attribute("x"))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!(x_of("caseworkers high") < x_of("caseworkers low"));
        assert!(x_of("inflow_factor low") < x_of("inflow_factor high"));
    }

    #[test]
    fn the_chart_renders_to_png_and_needs_a_bar() {
        let svg = svg(&[bar("caseworkers", 160.0, 40.0)]);
        let png = super::super::svg_to_png(&svg).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let chart = TornadoChart {
            title: "",
            subtitle: "",
            metric: "",
            central: 0.0,
            central_label: "",
            low_label: "",
            high_label: "",
            bars: &[],
        };
        assert!(write_tornado(&mut Vec::new(), &chart).is_err());
    }
}
