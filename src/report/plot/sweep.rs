//! Days to clear against a swept input, with the 5 %-95 % band over replications.

use super::{
    draw_title, nice_top, render, DrawResult, FONT, OVERDUE_COLOR, PALETTE, TITLE_HEIGHT, WIDTH,
};
use crate::summary::Band;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io::Write;

/// Days to clear against a swept input: the mean as a line with a dot per point, the 5 %-95 % band shaded
/// around it, and a cross on the top edge where the backlog was not cleared in every replication.
pub fn write_sweep(
    out: &mut dyn Write,
    x_label: &str,
    points: &[(f64, Band)],
) -> std::io::Result<()> {
    let mut points: Vec<(f64, Band)> = points
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
    render(out, (WIDTH, 640), |root| {
        let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
        draw_title(
            &title_area,
            &format!("Days to clear the backlog against {x_label}"),
            "Line: mean over replications; shaded: 5 %-95 % band; x on the top edge: not cleared in every replication.",
        )?;
        sweep_panel(&body, x_label, &points)
    })
}

fn sweep_panel(
    area: &DrawingArea<SVGBackend, Shift>,
    x_label: &str,
    points: &[(f64, Band)],
) -> DrawResult {
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
            .fold(0.0, f64::max),
    );
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
        .x_desc(x_label)
        .y_desc("days to clear (from the end of the suspension)")
        .y_label_formatter(&|y| crate::report::thousands(*y))
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
            .label("5 %-95 % over replications")
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
            .label("mean days to clear")
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
            .label("not cleared in every replication")
            .legend(move |(x, y)| Cross::new((x + 9, y), 6, OVERDUE_COLOR.stroke_width(2)));
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
