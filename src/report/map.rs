//! Choropleth maps of the 98 municipalities, as SVG (inline in the HTML report, or a file; PNG through
//! `plot::write_chart`).
//!
//! The boundaries are data/municipalities_2020.geojson (DAGI, simplified; data/SOURCES.md), compiled in. Longitude
//! and latitude are projected with the cosine-latitude scale at 56° N (x = lon x cos 56°, y = lat), which keeps
//! Denmark's shape within a percent or two; Bornholm, far to the east, is drawn at the same scale in an inset.
//! Colours are viridis (sequential, readable with every common colour-vision deficiency and in greyscale), the
//! legend gives the unit, and each municipality is a `<path>` with a `<title>` of its name and value, so that a
//! browser shows it on hover.

use super::lang::Lang;
use std::io::Write;
use std::sync::OnceLock;

/// The boundaries file, compiled in.
const GEOJSON: &str = include_str!("../../data/municipalities_2020.geojson");

/// The attribution the boundaries' source asks for, printed on every map (data/SOURCES.md).
pub const ATTRIBUTION: &str =
    "Kortdata: Geodatastyrelsen & Danske Kommuner, DAGI/FOT 2014-02-13, 1:500.000";

/// Bornholm's code: drawn in the inset.
const BORNHOLM: u32 = 400;

/// cos 56°: the east-west scale of a degree of longitude against one of latitude at Denmark's middle.
const COS_LATITUDE: f64 = 0.559_192_903_470_746_9;

/// Viridis at eleven even steps (matplotlib's table); values between are interpolated in sRGB.
const VIRIDIS: [(u8, u8, u8); 11] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x28, 0x78),
    (0x3e, 0x4a, 0x89),
    (0x31, 0x68, 0x8e),
    (0x26, 0x82, 0x8e),
    (0x1f, 0x9e, 0x89),
    (0x35, 0xb7, 0x79),
    (0x6d, 0xcd, 0x59),
    (0xb4, 0xde, 0x2c),
    (0xfd, 0xe7, 0x25),
    (0xfd, 0xe7, 0x25),
];

/// Colour of municipalities without a value (not in the scenario).
pub const NO_DATA: &str = "#d9d9d9";

/// One municipality's outline: its rings (outer rings and holes alike, drawn with the even-odd rule) in
/// longitude and latitude.
#[derive(Debug, Clone)]
pub struct Shape {
    pub code: u32,
    pub name: String,
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// The 98 municipalities' outlines, in the file's order (by code).
pub fn shapes() -> &'static [Shape] {
    static SHAPES: OnceLock<Vec<Shape>> = OnceLock::new();
    SHAPES.get_or_init(|| parse(GEOJSON).expect("the compiled-in boundaries are valid GeoJSON"))
}

fn parse(text: &str) -> Result<Vec<Shape>, String> {
    let geojson: geojson::GeoJson = text.parse().map_err(|e| format!("{e}"))?;
    let geojson::GeoJson::FeatureCollection(collection) = geojson else {
        return Err("not a FeatureCollection".into());
    };
    collection
        .features
        .iter()
        .map(|feature| {
            let code = feature
                .property("code")
                .and_then(|c| c.as_u64())
                .ok_or("a feature without a numeric code")? as u32;
            let name = feature
                .property("name")
                .and_then(|n| n.as_str())
                .ok_or("a feature without a name")?
                .to_string();
            let polygons = match feature.geometry.as_ref().map(|g| &g.value) {
                Some(geojson::GeometryValue::MultiPolygon { coordinates }) => coordinates.clone(),
                Some(geojson::GeometryValue::Polygon { coordinates }) => vec![coordinates.clone()],
                _ => return Err(format!("municipality {code} is not a polygon")),
            };
            let rings = polygons
                .iter()
                .flatten()
                .map(|ring| {
                    ring.iter()
                        .map(|p| (p.as_slice()[0], p.as_slice()[1]))
                        .collect()
                })
                .collect();
            Ok(Shape { code, name, rings })
        })
        .collect()
}

/// The colour of `t` in 0..=1 on the viridis scale, as `#rrggbb`.
pub fn viridis(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let position = t * 9.0;
    let low = (position.floor() as usize).min(9);
    let fraction = position - low as f64;
    let (a, b) = (VIRIDIS[low], VIRIDIS[low + 1]);
    let mix =
        |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * fraction).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// What a map shows: one value per municipality code, with the words around it.
#[derive(Debug, Clone)]
pub struct Map {
    pub title: String,
    pub subtitle: String,
    /// The legend's label, with the unit: "FTE added", "overdue meetings per caseworker".
    pub unit: String,
    /// Municipalities without a value are grey ("no data").
    pub values: Vec<(u32, f64)>,
    /// Decimals the legend and the hover titles show.
    pub decimals: usize,
    /// What the legend and the hover titles say of a municipality without a value, in the map's language.
    pub no_data: String,
    /// The language of the labels: numbers are written as the rest of its report writes them ("1,234.5" or
    /// "1.234,5").
    pub lang: Lang,
}

impl Map {
    /// The value of the municipality with `code`, if it has one.
    pub fn value(&self, code: u32) -> Option<f64> {
        self.values
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| *v)
            .filter(|v| v.is_finite())
    }

    /// The range the colours span: from the least to the largest value, so that the differences between
    /// municipalities use the whole scale (the legend gives the ends).
    pub fn scale(&self) -> (f64, f64) {
        let finite = self
            .values
            .iter()
            .map(|(_, v)| *v)
            .filter(|v| v.is_finite());
        let (low, high) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if !low.is_finite() {
            return (0.0, 1.0);
        }
        if high <= low {
            (low, low + 1.0)
        } else {
            (low, high)
        }
    }

    /// The fill of a municipality: its value's colour, or grey without one.
    pub fn fill(&self, code: u32) -> String {
        let (low, high) = self.scale();
        match self.value(code) {
            Some(v) => viridis((v - low) / (high - low)),
            None => NO_DATA.to_string(),
        }
    }

    /// A legend tick: as a value is shown, with one more decimal where that would round it.
    fn tick(&self, value: f64) -> String {
        let scaled = value * 10f64.powi(self.decimals as i32);
        match (scaled - scaled.round()).abs() < 1e-9 {
            true => self.shown(value),
            false => self.lang.decimal(value, self.decimals + 1),
        }
    }

    /// A value as the map's titles and table show it: whole numbers, and any from 1,000 up, with their
    /// thousands separated; smaller ones with the map's decimals.
    pub fn shown(&self, value: f64) -> String {
        if self.decimals == 0 || value.abs() >= 1000.0 {
            self.lang.thousands(value)
        } else {
            self.lang.decimal(value, self.decimals)
        }
    }
}

/// What a map of a run shows per municipality (`simulate --map`, the HTML report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MapMetric {
    /// The backlog peak (overdue meetings) per caseworker FTE (mean FTE over the period).
    BacklogPeakPerCaseworker,
    /// Days from the backlog peak until it is cleared (municipalities that never clear have no value).
    DaysToClear,
    /// The share of meetings held that were held by their deadline, in percent.
    OnTimeShare,
    /// Whether a `[[timeliness]]` rule (--map-rule) flags the municipality: two colours, not a scale
    /// ([`flag_map`]).
    TimelinessFlagged,
}

impl MapMetric {
    pub const ALL: [MapMetric; 3] = [
        MapMetric::BacklogPeakPerCaseworker,
        MapMetric::DaysToClear,
        MapMetric::OnTimeShare,
    ];

    /// Its name in the labels of [`super::lang`]: `map_NAME` is the title, `unit_NAME` the legend's unit.
    pub fn key(self) -> &'static str {
        match self {
            MapMetric::BacklogPeakPerCaseworker => "backlog_peak_per_caseworker",
            MapMetric::DaysToClear => "days_to_clear",
            MapMetric::OnTimeShare => "on_time_share",
            MapMetric::TimelinessFlagged => "timeliness_flagged",
        }
    }

    pub fn title(self, lang: Lang) -> &'static str {
        lang.text(&format!("map_{}", self.key()))
    }

    pub fn unit(self, lang: Lang) -> &'static str {
        lang.text(&format!("unit_{}", self.key()))
    }

    pub fn decimals_shown(self) -> usize {
        self.decimals()
    }

    fn decimals(self) -> usize {
        match self {
            MapMetric::BacklogPeakPerCaseworker => 1,
            MapMetric::DaysToClear => 0,
            MapMetric::OnTimeShare => 1,
            MapMetric::TimelinessFlagged => 0,
        }
    }

    /// The value of one municipality's metrics (means over replications).
    pub fn value(self, metrics: &crate::summary::Metrics) -> Option<f64> {
        use crate::metric::Metric;
        match self {
            MapMetric::BacklogPeakPerCaseworker => {
                let caseworkers = metrics.get(Metric::Caseworkers)?;
                let peak = metrics.get(Metric::BacklogPeak)?;
                (caseworkers > 0.0).then(|| peak / caseworkers)
            }
            MapMetric::DaysToClear => metrics.get(Metric::DaysToClear),
            MapMetric::OnTimeShare => metrics.get(Metric::OnTimeShare).map(|s| 100.0 * s),
            // A rule's flags are not among the metrics: [`flag_map`] draws them.
            MapMetric::TimelinessFlagged => None,
        }
    }

    /// The map of `what` over a run's municipalities (`codes` in the order of `municipalities`).
    pub fn map(
        self,
        lang: Lang,
        subtitle: String,
        codes: impl IntoIterator<Item = u32>,
        municipalities: &[crate::summary::Aggregate],
    ) -> Map {
        Map {
            title: self.title(lang).to_string(),
            subtitle,
            unit: self.unit(lang).to_string(),
            values: codes
                .into_iter()
                .zip(municipalities)
                .filter_map(|(code, m)| Some((code, self.value(&m.mean)?)))
                .collect(),
            decimals: self.decimals(),
            no_data: lang.text("map_no_data").to_string(),
            lang,
        }
    }
}

/// Width and height of a map in pixels.
pub const SIZE: (u32, u32) = (760, 820);
/// Pixels per degree of latitude.
const SCALE: f64 = 205.0;
/// The main map's west and north edges (degrees).
const WEST: f64 = 8.0;
const NORTH: f64 = 57.8;
/// Where the main map starts on the page.
const ORIGIN: (f64, f64) = (20.0, 70.0);
/// The inset's box on the page (x, y, width, height), in the Kattegat's empty corner, and the longitude and
/// latitude at its top left.
const INSET: (f64, f64, f64, f64) = (470.0, 80.0, 110.0, 100.0);
const INSET_CORNER: (f64, f64) = (14.63, 55.33);

fn project(lon: f64, lat: f64, inset: bool) -> (f64, f64) {
    if inset {
        (
            INSET.0 + 18.0 + (lon - INSET_CORNER.0) * COS_LATITUDE * SCALE,
            INSET.1 + 14.0 + (INSET_CORNER.1 - lat) * SCALE,
        )
    } else {
        (
            ORIGIN.0 + (lon - WEST) * COS_LATITUDE * SCALE,
            ORIGIN.1 + (NORTH - lat) * SCALE,
        )
    }
}

fn path_data(shape: &Shape) -> String {
    let inset = shape.code == BORNHOLM;
    let mut d = String::new();
    for ring in &shape.rings {
        for (i, &(lon, lat)) in ring.iter().enumerate() {
            let (x, y) = project(lon, lat, inset);
            d.push_str(if i == 0 { "M" } else { "L" });
            d.push_str(&format!("{x:.1} {y:.1}"));
        }
        d.push('Z');
    }
    d
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Opens a map's SVG document: the page, its title and subtitle, Bornholm's inset, and the group the shapes go in.
fn write_frame(title: &str, subtitle: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let (width, height) = SIZE;
    let font = "font-family=\"DejaVu Sans, sans-serif\"";
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    )?;
    writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    )?;
    writeln!(
        out,
        "<text x=\"16\" y=\"30\" {font} font-size=\"20\" font-weight=\"bold\">{}</text>",
        escape(title)
    )?;
    writeln!(
        out,
        "<text x=\"16\" y=\"52\" {font} font-size=\"13\" fill=\"#444444\">{}</text>",
        escape(subtitle)
    )?;
    let (x, y, w, h) = INSET;
    writeln!(
        out,
        "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1\"/>"
    )?;
    writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" {font} font-size=\"11\" fill=\"#444444\">Bornholm</text>",
        x + 4.0,
        y + h - 5.0
    )?;
    writeln!(
        out,
        "<g stroke=\"#ffffff\" stroke-width=\"0.4\" fill-rule=\"evenodd\">"
    )?;
    Ok(())
}

/// Writes `map` as one SVG document (no XML declaration, so the same text can sit inline in HTML).
pub fn write_svg(map: &Map, out: &mut dyn Write) -> std::io::Result<()> {
    let height = SIZE.1;
    let font = "font-family=\"DejaVu Sans, sans-serif\"";
    write_frame(&map.title, &map.subtitle, out)?;
    for shape in shapes() {
        let value = match map.value(shape.code) {
            Some(v) => format!("{} {}", map.shown(v), map.unit),
            None => map.no_data.clone(),
        };
        writeln!(
            out,
            "<path class=\"municipality\" data-code=\"{}\" fill=\"{}\" d=\"{}\"><title>{}: {}</title></path>",
            shape.code,
            map.fill(shape.code),
            path_data(shape),
            escape(&shape.name),
            escape(&value)
        )?;
    }
    writeln!(out, "</g>")?;
    write_legend(map, out, font)?;
    writeln!(
        out,
        "<text x=\"16\" y=\"{}\" {font} font-size=\"11\" fill=\"#666666\">{}</text>",
        height - 12,
        escape(ATTRIBUTION)
    )?;
    writeln!(out, "</svg>")
}

/// A vertical colour bar with five labelled ticks and the unit above it.
fn write_legend(map: &Map, out: &mut dyn Write, font: &str) -> std::io::Result<()> {
    let (low, high) = map.scale();
    let (x, top, bar_width, bar_height) = (615.0, 300.0, 18.0, 260.0);
    writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" {font} font-size=\"12\" font-weight=\"bold\" text-anchor=\"end\">{}</text>",
        f64::from(SIZE.0) - 8.0,
        top - 14.0,
        escape(&map.unit)
    )?;
    let stripes = 50;
    for i in 0..stripes {
        let t = 1.0 - (f64::from(i) + 0.5) / f64::from(stripes);
        writeln!(
            out,
            "<rect class=\"legend\" x=\"{x}\" y=\"{:.1}\" width=\"{bar_width}\" height=\"{:.1}\" fill=\"{}\"/>",
            top + bar_height * f64::from(i) / f64::from(stripes),
            bar_height / f64::from(stripes) + 0.3,
            viridis(t)
        )?;
    }
    for tick in 0..=4 {
        let t = f64::from(tick) / 4.0;
        let y = top + bar_height * (1.0 - t);
        writeln!(
            out,
            "<line x1=\"{}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#333333\" stroke-width=\"1\"/>",
            x + bar_width,
            x + bar_width + 5.0
        )?;
        writeln!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" {font} font-size=\"12\">{}</text>",
            x + bar_width + 8.0,
            y + 4.0,
            map.tick(low + (high - low) * t)
        )?;
    }
    if map.values.len() < shapes().len() {
        writeln!(
            out,
            "<rect x=\"{x}\" y=\"{}\" width=\"{bar_width}\" height=\"12\" fill=\"{NO_DATA}\"/>",
            top + bar_height + 20.0
        )?;
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" {font} font-size=\"12\">{}</text>",
            x + bar_width + 8.0,
            top + bar_height + 31.0,
            escape(&map.no_data)
        )?;
    }
    Ok(())
}

/// Whether a scenario's municipalities make a map: at least two of them are on it.
pub fn fits(codes: impl IntoIterator<Item = u32>) -> bool {
    codes
        .into_iter()
        .filter(|code| shapes().iter().any(|s| s.code == *code))
        .count()
        >= 2
}

/// Writes `map` to `output`: SVG, or PNG when the file name ends in `.png`.
pub fn write(map: &Map, output: &crate::output::Output) -> anyhow::Result<()> {
    super::plot::write_chart(output, |out| write_svg(map, out))
}

/// Okabe and Ito's vermillion and sky blue: the two colours of a map of flags, told apart with every common
/// colour-vision deficiency and, by their lightness, in greyscale.
pub const FLAGGED: &str = "#d55e00";
pub const NOT_FLAGGED: &str = "#56b4e9";

/// A map of categories rather than values: each municipality in its category's colour, a legend of swatches,
/// and a hover title of its own per municipality.
#[derive(Debug, Clone)]
pub struct CategoryMap {
    pub title: String,
    pub subtitle: String,
    /// The legend's heading.
    pub heading: String,
    /// Each category's label and colour, in the legend's order.
    pub categories: Vec<(String, &'static str)>,
    /// Per municipality code: its category (an index into `categories`) and what its hover title says after
    /// the name.
    pub values: Vec<(u32, usize, String)>,
    pub no_data: String,
}

impl CategoryMap {
    /// The category and the hover text of the municipality with `code`, if it is on the map.
    pub fn value(&self, code: u32) -> Option<(usize, &str)> {
        self.values
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, category, text)| (*category, text.as_str()))
    }
}

/// What the map of flags and its table say of one municipality under a rule: "flagged from 2020-12 (in 7 of
/// 10 replications)", "not flagged", or "not flagged (flagged in 1 of 10 replications)". The flag is that of
/// the counts averaged over replications, as in the timeliness outputs.
pub fn flag_text(
    assessment: &crate::timeliness::Assessment,
    share: f64,
    replications: u32,
    lang: super::lang::Lang,
) -> String {
    let flagged_runs = (share * f64::from(replications)).round();
    let runs = lang.fill(
        "map_flag_runs",
        &[&flagged_runs.to_string(), &replications.to_string()],
    );
    match assessment.first_flagged {
        Some(month) => {
            let text = lang.fill("map_flagged_from", &[&super::timeliness::month(month)]);
            match replications {
                1 => text,
                _ => format!("{text} ({runs})"),
            }
        }
        None if flagged_runs > 0.0 => {
            format!("{} ({runs})", lang.text("map_not_flagged"))
        }
        None => lang.text("map_not_flagged").to_string(),
    }
}

/// The map of the municipalities `rule` flags, in two colours (`codes` in the order of the rule's
/// municipalities).
pub fn flag_map(
    rule: &crate::timeliness::RuleOutcome,
    replications: u32,
    lang: super::lang::Lang,
    subtitle: String,
    codes: impl IntoIterator<Item = u32>,
) -> CategoryMap {
    CategoryMap {
        title: lang.fill("map_flag_title", &[&rule.rule.id]),
        subtitle,
        heading: lang.fill("map_flag_heading", &[&rule.rule.id]),
        categories: vec![
            (lang.text("map_flagged").to_string(), FLAGGED),
            (lang.text("map_not_flagged").to_string(), NOT_FLAGGED),
        ],
        values: codes
            .into_iter()
            .zip(rule.municipalities.iter().zip(&rule.flagged_share))
            .map(|(code, (assessment, &share))| {
                (
                    code,
                    usize::from(!assessment.flagged()),
                    flag_text(assessment, share, replications, lang),
                )
            })
            .collect(),
        no_data: lang.text("map_no_data").to_string(),
    }
}

/// Writes a map of categories as one SVG document, framed as [`write_svg`] frames a map of values.
pub fn write_categories_svg(map: &CategoryMap, out: &mut dyn Write) -> std::io::Result<()> {
    let height = SIZE.1;
    let font = "font-family=\"DejaVu Sans, sans-serif\"";
    write_frame(&map.title, &map.subtitle, out)?;
    for shape in shapes() {
        let (fill, text) = match map.value(shape.code) {
            Some((category, text)) => (map.categories[category].1, text),
            None => (NO_DATA, map.no_data.as_str()),
        };
        writeln!(
            out,
            "<path class=\"municipality\" data-code=\"{}\" fill=\"{fill}\" d=\"{}\"><title>{}: {}</title></path>",
            shape.code,
            path_data(shape),
            escape(&shape.name),
            escape(text)
        )?;
    }
    writeln!(out, "</g>")?;
    // The legend: one swatch per category (and grey when a municipality is off the map), with its count.
    let (legend_x, top) = (615.0, 300.0);
    writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" {font} font-size=\"12\" font-weight=\"bold\" text-anchor=\"end\">{}</text>",
        f64::from(SIZE.0) - 8.0,
        top - 14.0,
        escape(&map.heading)
    )?;
    let mut swatches: Vec<(&str, &str, usize)> = map
        .categories
        .iter()
        .enumerate()
        .map(|(i, (label, colour))| {
            let count = map.values.iter().filter(|(_, c, _)| *c == i).count();
            (label.as_str(), *colour, count)
        })
        .collect();
    if map.values.len() < shapes().len() {
        swatches.push((&map.no_data, NO_DATA, shapes().len() - map.values.len()));
    }
    for (i, (label, colour, count)) in swatches.into_iter().enumerate() {
        let y = top + 26.0 * i as f64;
        writeln!(
            out,
            "<rect class=\"legend\" x=\"{legend_x}\" y=\"{y}\" width=\"18\" height=\"18\" fill=\"{colour}\"/>"
        )?;
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" {font} font-size=\"12\">{} ({count})</text>",
            legend_x + 26.0,
            y + 14.0,
            escape(label)
        )?;
    }
    writeln!(
        out,
        "<text x=\"16\" y=\"{}\" {font} font-size=\"11\" fill=\"#666666\">{}</text>",
        height - 12,
        escape(ATTRIBUTION)
    )?;
    writeln!(out, "</svg>")
}

/// Writes a map of categories to `output`: SVG, or PNG when the file name ends in `.png`.
pub fn write_categories(map: &CategoryMap, output: &crate::output::Output) -> anyhow::Result<()> {
    super::plot::write_chart(output, |out| write_categories_svg(map, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boundaries_hold_the_98_municipalities_of_the_municipality_file() {
        let shapes = shapes();
        assert_eq!(shapes.len(), 98);
        let csv = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/municipalities.csv"
        ))
        .unwrap();
        let codes: Vec<u32> = csv
            .lines()
            .skip(1)
            .map(|line| line.split(',').next().unwrap().parse().unwrap())
            .collect();
        let mut ours: Vec<u32> = shapes.iter().map(|s| s.code).collect();
        ours.sort();
        let mut theirs = codes.clone();
        theirs.sort();
        assert_eq!(ours, theirs);
        assert!(shapes.iter().all(|s| !s.rings.is_empty()));
    }

    #[test]
    fn the_scale_runs_from_dark_purple_to_yellow_and_grows_lighter() {
        assert_eq!(viridis(0.0), "#440154");
        assert_eq!(viridis(1.0), "#fde725");
        let luminance = |hex: &str| {
            let channel = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap());
            0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
        };
        let steps: Vec<f64> = (0..=20)
            .map(|i| luminance(&viridis(f64::from(i) / 20.0)))
            .collect();
        assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{steps:?}");
    }

    /// The labels of the legend's five ticks, lowest first.
    fn legend_ticks(map: &Map) -> Vec<String> {
        let mut svg = Vec::new();
        write_svg(map, &mut svg).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        let mut ticks: Vec<String> = svg
            .lines()
            .filter(|l| l.starts_with("<text x=\"641\""))
            .map(|l| {
                l.split('>')
                    .nth(1)
                    .unwrap()
                    .trim_end_matches("</text")
                    .to_string()
            })
            .collect();
        ticks.retain(|t| *t != map.no_data);
        ticks
    }

    #[test]
    fn the_legend_writes_numbers_as_the_language_does() {
        let map = |lang: Lang| Map {
            title: String::new(),
            subtitle: String::new(),
            unit: String::new(),
            values: vec![(101, 2.25), (147, 1234.5)],
            decimals: 1,
            no_data: lang.text("map_no_data").to_string(),
            lang,
        };
        // 2.25 needs a second decimal; 1,234.5 is written whole with its thousands separated, as in the tables.
        assert_eq!(
            legend_ticks(&map(Lang::En)),
            ["2.25", "310.31", "618.38", "926.44", "1,235"]
        );
        assert_eq!(
            legend_ticks(&map(Lang::Da)),
            ["2,25", "310,31", "618,38", "926,44", "1.235"]
        );
        // The hover titles and the table beside the map write them the same way.
        assert_eq!(map(Lang::Da).shown(3.24), "3,2");
        assert_eq!(map(Lang::Da).shown(12_345.0), "12.345");
        assert_eq!(map(Lang::En).shown(3.24), "3.2");
        let whole = Map {
            decimals: 0,
            ..map(Lang::Da)
        };
        assert_eq!(whole.shown(4321.0), "4.321");
    }

    #[test]
    fn every_municipality_lands_inside_the_page() {
        for shape in shapes() {
            for ring in &shape.rings {
                for &(lon, lat) in ring {
                    let (x, y) = project(lon, lat, shape.code == BORNHOLM);
                    assert!(
                        (0.0..f64::from(SIZE.0)).contains(&x)
                            && (60.0..f64::from(SIZE.1) - 30.0).contains(&y),
                        "{} at {lon},{lat} -> {x},{y}",
                        shape.name
                    );
                }
            }
        }
    }
}
