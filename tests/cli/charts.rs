//! Charts and `backlog compare`: every SVG written is parsed and must hold the plotted series; compare tables and
//! JSON must carry the right differences; the policy scenarios must validate and run.

use crate::common::{backlog, fixture};
use backlog::report::plot::{self, CAPACITY_COLOR, PENDING_COLOR, SHADE_COLOR};
use backlog::summary::Band;
use plotters::style::Color;
use predicates::prelude::PredicateBooleanExt;
use std::path::Path;

/// The parts of an SVG document the tests look at.
struct Svg {
    /// Number of points of each polyline, with its stroke colour.
    polylines: Vec<(String, usize)>,
    /// Fill colours of rectangles.
    rect_fills: Vec<String>,
    /// Fill colour and opacity of rectangles.
    rects: Vec<(String, String)>,
    polygons: usize,
    circles: usize,
    texts: Vec<String>,
}

fn parse_svg(path: &Path) -> Svg {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let document = roxmltree::Document::parse(&text).expect("the chart is well-formed XML");
    assert_eq!(document.root_element().tag_name().name(), "svg");
    let mut svg = Svg {
        polylines: Vec::new(),
        rect_fills: Vec::new(),
        rects: Vec::new(),
        polygons: 0,
        circles: 0,
        texts: Vec::new(),
    };
    for node in document.descendants().filter(|n| n.is_element()) {
        match node.tag_name().name() {
            "polyline" => {
                let points = node.attribute("points").unwrap_or("");
                let count = points.split_whitespace().count();
                for point in points.split_whitespace() {
                    let (x, y) = point.split_once(',').expect("x,y");
                    assert!(
                        x.parse::<f64>().is_ok() && y.parse::<f64>().is_ok(),
                        "{point}"
                    );
                }
                svg.polylines
                    .push((node.attribute("stroke").unwrap_or("").to_string(), count));
            }
            "rect" => {
                let fill = node.attribute("fill").unwrap_or("").to_string();
                let opacity = node.attribute("opacity").unwrap_or("1").to_string();
                svg.rect_fills.push(fill.clone());
                svg.rects.push((fill, opacity));
            }
            "polygon" => svg.polygons += 1,
            "circle" => svg.circles += 1,
            "text" => svg.texts.push(node.text().unwrap_or("").trim().to_string()),
            _ => {}
        }
    }
    svg
}

fn hex(color: plotters::style::RGBColor) -> String {
    let (r, g, b) = color.rgb();
    format!("#{r:02X}{g:02X}{b:02X}")
}

impl Svg {
    /// Polylines with exactly `points` points.
    fn lines_with(&self, points: usize) -> Vec<&(String, usize)> {
        self.polylines
            .iter()
            .filter(|(_, n)| *n == points)
            .collect()
    }

    fn has_text(&self, text: &str) -> bool {
        self.texts.iter().any(|t| t == text)
    }

    fn has_text_containing(&self, part: &str) -> bool {
        self.texts.iter().any(|t| t.contains(part))
    }
}

#[test]
fn simulate_plot_holds_every_series_for_the_total_and_each_municipality() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("three.svg");
    backlog()
        .args([
            "simulate",
            fixture("three.toml").to_str().unwrap(),
            "--plot",
        ])
        .arg(&chart)
        .assert()
        .success()
        .stdout(predicates::str::contains(format!(
            "wrote {}",
            chart.display()
        )));
    let svg = parse_svg(&chart);
    let days = 365;
    // A row for the total and one per municipality (three here); four daily lines per row: pending and overdue
    // from the first day, capacity and demand as 7-day means from the seventh, the first with a full week.
    let daily = svg.lines_with(days);
    assert_eq!(daily.len(), 2 * 4, "{:?}", svg.polylines);
    let weekly = svg.lines_with(days - 6);
    assert_eq!(weekly.len(), 2 * 4, "{:?}", svg.polylines);
    let capacity = weekly
        .iter()
        .filter(|(c, _)| *c == hex(CAPACITY_COLOR))
        .count();
    assert_eq!(capacity, 4);
    let pending = daily
        .iter()
        .filter(|(c, _)| *c == hex(PENDING_COLOR))
        .count();
    assert_eq!(pending, 4);
    // Two suspension windows shaded in each of the eight panels, and one legend swatch in each total panel.
    let shades = svg
        .rect_fills
        .iter()
        .filter(|f| **f == hex(SHADE_COLOR))
        .count();
    assert_eq!(shades, 2 * 8 + 2);
    for text in [
        "All municipalities: meetings pending and overdue",
        "All municipalities: capacity and meetings due per day",
        "Storby: meetings pending and overdue",
        "Mellemby: meetings pending and overdue",
        "Lilleby: capacity and meetings due per day",
        "meetings",
        "meetings per day (7-day mean)",
        "pending",
        "overdue (the backlog)",
        "capacity",
        "meetings due (demand)",
        "suspension",
        "Mar 2021",
        "Jul 2021",
    ] {
        assert!(svg.has_text(text), "no text `{text}` in {:?}", svg.texts);
    }
    assert!(svg.has_text_containing(
        "Below the total: the 3 municipalities with the largest backlog peaks."
    ));
    // Storby has the largest backlog, so it is the first municipality row.
    let storby = svg
        .texts
        .iter()
        .position(|t| t.starts_with("Storby"))
        .unwrap();
    let lilleby = svg
        .texts
        .iter()
        .position(|t| t.starts_with("Lilleby"))
        .unwrap();
    assert!(storby < lilleby);
}

#[test]
fn one_municipality_gets_only_the_total_row() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("small.svg");
    backlog()
        .args([
            "simulate",
            fixture("small.toml").to_str().unwrap(),
            "--plot",
        ])
        .arg(&chart)
        .args(["--format", "json"])
        .assert()
        .success();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&chart).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o644,
            0o644,
            "the chart is readable by everyone: {mode:o}"
        );
    }
    let svg = parse_svg(&chart);
    assert_eq!(svg.lines_with(365).len(), 2);
    assert_eq!(svg.lines_with(365 - 6).len(), 2);
    assert_eq!(
        svg.rect_fills
            .iter()
            .filter(|f| **f == hex(SHADE_COLOR))
            .count(),
        2 + 2
    );
    assert!(svg.has_text("Testby: meetings pending and overdue"));
    assert!(!svg.has_text_containing("All municipalities"));
}

#[test]
fn a_bad_plot_path_fails_before_the_run_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/chart.svg");
    backlog()
        .args([
            "simulate",
            fixture("small.toml").to_str().unwrap(),
            "--plot",
        ])
        .arg(&missing)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicates::str::contains("--plot").and(predicates::str::contains("does not exist")),
        );
    let pdf = dir.path().join("chart.pdf");
    backlog()
        .args([
            "simulate",
            fixture("small.toml").to_str().unwrap(),
            "--plot",
        ])
        .arg(&pdf)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "chart.pdf` must end in .svg or .png (the formats written)",
        ));
    backlog()
        .args([
            "compare",
            fixture("small.toml").to_str().unwrap(),
            fixture("small.toml").to_str().unwrap(),
            "--plot",
        ])
        .arg(&missing)
        .assert()
        .code(2)
        .stdout("");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn sweep_chart_draws_the_mean_the_band_and_the_points_not_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("sweep.svg");
    let band = |mean: f64| Band {
        mean: Some(mean),
        p5: Some(mean * 0.8),
        p95: Some(mean * 1.3),
    };
    let points = [
        (40.0, band(180.0)),
        (60.0, band(95.0)),
        (50.0, band(130.0)),
        (
            30.0,
            Band {
                mean: None,
                p5: Some(300.0),
                p95: None,
            },
        ),
        (70.0, band(70.0)),
    ];
    let sweep = plot::SweepChart {
        scenario: "Testby",
        x_label: "caseworkers",
        unit: plot::AxisUnit::Fte,
        points: &points,
        target_line: Some((100.0, "target: days_to_clear<=100".to_string())),
        target: Some("days_to_clear<=100 by 2021-12-31 in 95.0 % of replications".to_string()),
        answer: Some(60.0),
        lang: backlog::report::lang::Lang::En,
    };
    let output = backlog::output::Output::file("--plot", &chart, &["svg"]).unwrap();
    plot::sweep_chart(&output, &sweep).unwrap();
    let svg = parse_svg(&chart);
    // The mean line joins the four points that have a mean, in x order.
    assert_eq!(svg.lines_with(4).len(), 1, "{:?}", svg.polylines);
    // A dot per mean, and a ring around the answer.
    assert_eq!(svg.circles, 4 + 1);
    // One band polygon over the four consecutive points with both ends (x = 40..70).
    assert_eq!(svg.polygons, 1);
    assert!(svg.has_text("Testby: days to clear the backlog against caseworkers"));
    assert!(svg.has_text("caseworkers"));
    assert!(svg.has_text("days to clear (from the end of the suspension)"));
    assert!(svg.has_text("not cleared in every replication"));
    assert!(svg.has_text("5 %-95 % over replications"));
    assert!(svg.has_text("target: days_to_clear<=100"));
    assert!(svg.has_text("answer: 60 FTE"), "{:?}", svg.texts);
    assert!(svg.has_text_containing("answer: 60 FTE."));
    // The x axis says its unit.
    assert!(svg.has_text("50 FTE"), "{:?}", svg.texts);
    // No file is left behind but the chart.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // The same chart as PNG: its size, white paper, and the answer's colour in it.
    let png_path = dir.path().join("sweep.png");
    let output = backlog::output::Output::file("--plot", &png_path, &["png"]).unwrap();
    plot::sweep_chart(&output, &sweep).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&png_path).unwrap())
        .expect("a PNG file");
    assert_eq!((pixmap.width(), pixmap.height()), (1200, 660));
    let (r, g, b) = plot::OVERDUE_COLOR.rgb();
    let answer_pixels = pixmap
        .pixels()
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) == (r, g, b))
        .count();
    assert!(answer_pixels > 500, "{answer_pixels}");
    let white = pixmap
        .pixels()
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) == (255, 255, 255))
        .count();
    assert!(white > pixmap.pixels().len() / 2);
}

fn compare_json(scenarios: &[&Path], extra: &[&str]) -> serde_json::Value {
    let output = backlog()
        .arg("compare")
        .args(scenarios)
        .args(["--format", "json"])
        .args(extra)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).expect("compare --format json prints JSON")
}

#[test]
fn compare_of_a_scenario_with_itself_differs_by_nothing() {
    let small = fixture("small.toml");
    let json = compare_json(&[&small, &small], &["--reps", "2"]);
    assert_eq!(json["baseline"], 0);
    let scenarios = json["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 2);
    for entry in scenarios {
        assert_eq!(entry["scenario"]["replications"], 2);
        assert_eq!(entry["total"], scenarios[0]["total"]);
        let differences = entry["difference"].as_object().unwrap();
        assert!(differences.contains_key("backlog_peak"));
        assert!(differences.contains_key("backlog_cleared_date"));
        for (metric, d) in differences {
            let value = &entry["total"][metric];
            if value.is_null() {
                assert!(d["absolute"].is_null(), "{metric}");
            } else {
                assert_eq!(d["absolute"].as_f64(), Some(0.0), "{metric}");
            }
            assert!(
                d["relative"].is_null() || d["relative"].as_f64() == Some(0.0),
                "{metric}"
            );
        }
    }
    let table = backlog()
        .arg("compare")
        .args([&small, &small])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    let header = table.lines().find(|l| l.starts_with("metric")).unwrap();
    assert!(header.contains("B - A"), "{header}");
    let rows: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("metric"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 17);
    for row in rows {
        let ok = [
            "0 (0.0%)",
            "0.0 pp (0.0%)",
            "0 days",
            "0.0 (0.0%)",
            "0.00 (0.0%)",
        ]
        .iter()
        .any(|zero| row.ends_with(zero));
        assert!(ok, "not a zero difference: {row}");
    }
}

#[test]
fn compare_with_fewer_caseworkers_shows_less_capacity_and_a_larger_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let base = fixture("small.toml");
    let thin = dir.path().join("thin.toml");
    std::fs::write(
        &thin,
        format!(
            "extends = \"{}\"\nname = \"small, one caseworker\"\nstaffing.caseworkers = 1\n",
            base.display()
        ),
    )
    .unwrap();
    let json = compare_json(&[&base, &thin], &["--seed", "3"]);
    let thin = &json["scenarios"][1];
    assert_eq!(thin["scenario"]["name"], "small, one caseworker");
    assert_eq!(thin["scenario"]["seed"], 3);
    let d = |metric: &str, part: &str| thin["difference"][metric][part].as_f64().unwrap();
    assert!(
        (d("capacity", "relative") + 0.9).abs() < 1e-9,
        "capacity falls by 90 %"
    );
    assert!((d("caseworkers", "absolute") + 9.0).abs() < 1e-9);
    assert!(d("backlog_peak", "absolute") > 0.0);
    assert!(d("overdue_end", "absolute") > 0.0);
    assert!(d("on_time_share", "absolute") < 0.0);
    let base_total = &json["scenarios"][0]["total"];
    let expected = thin["total"]["backlog_peak"].as_f64().unwrap()
        - base_total["backlog_peak"].as_f64().unwrap();
    assert_eq!(d("backlog_peak", "absolute"), expected);
    let relative = d("backlog_peak", "relative");
    assert!((relative - expected / base_total["backlog_peak"].as_f64().unwrap()).abs() < 1e-12);
}

#[test]
fn compare_plot_overlays_the_total_overdue_of_each_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("overlay.svg");
    let small = fixture("small.toml");
    let three = fixture("three.toml");
    backlog()
        .arg("compare")
        .args([&small, &three, &small])
        .arg("--plot")
        .arg(&chart)
        .assert()
        .success()
        .stdout(predicates::str::contains("C   small"));
    let svg = parse_svg(&chart);
    assert_eq!(svg.lines_with(365).len(), 3, "{:?}", svg.polylines);
    for label in ["A: small", "B: three towns", "C: small", "overdue meetings"] {
        assert!(svg.has_text(label), "no text `{label}` in {:?}", svg.texts);
    }
    // The spring window (1 Mar - 30 Apr 2021) is every scenario's: shaded grey once. The winter window is only
    // B's: shaded in B's colour.
    let shades = |color, opacity: &str| {
        svg.rects
            .iter()
            .filter(|(fill, o)| *fill == hex(color) && o == opacity)
            .count()
    };
    assert_eq!(shades(SHADE_COLOR, "0.22"), 1);
    assert_eq!(shades(plot::PALETTE[1], "0.1"), 1);
    assert_eq!(shades(plot::PALETTE[0], "0.1"), 0);
    // Each reopening is marked with the letters of the scenarios that reopen then.
    assert!(svg.has_text("A, B, C reopened 1 May"), "{:?}", svg.texts);
    assert!(svg.has_text("B reopened 21 Dec"), "{:?}", svg.texts);
}

#[test]
fn compare_needs_two_scenarios() {
    backlog()
        .args(["compare", fixture("small.toml").to_str().unwrap()])
        .assert()
        .code(2);
}

#[test]
fn the_policy_scenarios_validate_and_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let policies: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("policy-") && n.ends_with(".toml"))
                })
                .collect()
        })
        .unwrap();
    assert_eq!(policies.len(), 4, "{policies:?}");
    backlog().arg("validate").args(&policies).assert().success();
    let mut runs = vec![root.join("cph2020.toml")];
    runs.extend(policies);
    let json = compare_json(
        &runs.iter().map(|p| p.as_path()).collect::<Vec<_>>(),
        &["--reps", "1"],
    );
    for entry in json["scenarios"].as_array().unwrap() {
        assert!(entry["total"]["held"].as_f64().unwrap() > 0.0);
        assert!(
            entry["total"]["meetings_per_caseworker_day"]
                .as_f64()
                .unwrap()
                > 0.0
        );
    }
}

#[test]
fn the_charts_in_the_docs_hold_their_series() {
    let img = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/img");
    // 2020 has 366 days. cph2020: one row of four lines (pending and overdue daily, capacity and demand as
    // 7-day means from the seventh day) and the a-kasse's row (its pending and overdue daily, its capacity and
    // meetings held as 7-day means); dk2020: the same two rows and four municipalities; the policy overlay: one
    // daily line for each of the four scenarios.
    for (file, daily, weekly) in [
        ("cph2020.svg", 2 * 2, 2 * 2),
        ("dk2020.svg", 6 * 2, 6 * 2),
        ("compare.svg", 4, 0),
    ] {
        let svg = parse_svg(&img.join(file));
        assert_eq!(svg.lines_with(366).len(), daily, "{file}");
        assert_eq!(svg.lines_with(366 - 6).len(), weekly, "{file}");
        assert!(
            svg.rect_fills.iter().any(|f| *f == hex(SHADE_COLOR)),
            "{file}"
        );
        assert!(
            svg.has_text("May 2020") || svg.has_text("Mar 2020"),
            "{file}"
        );
        assert_png_of_svg(&img.join(file));
    }
    // The README's staffing question: the target line and the answer on the sweep chart.
    let sweep = parse_svg(&img.join("sweep-cph2020.svg"));
    assert!(sweep.has_text("København 2020: days to clear the backlog against caseworkers"));
    assert!(sweep.has_text("target: days_to_clear<=30"));
    assert!(
        sweep
            .texts
            .iter()
            .any(|t| t.starts_with("answer: ") && t.ends_with(" FTE")),
        "{:?}",
        sweep.texts
    );
    assert_png_of_svg(&img.join("sweep-cph2020.svg"));
    // The report screenshot is a real picture of a page.
    let shot = resvg::tiny_skia::Pixmap::decode_png(
        &std::fs::read(img.join("report-cph2020.png")).unwrap(),
    )
    .expect("the report screenshot is a PNG");
    assert_eq!(shot.width(), 1280);
    assert!(shot.height() >= 800);
}

/// The PNG beside an SVG chart is a PNG of the SVG's size, with ink on it.
fn assert_png_of_svg(svg_path: &Path) {
    let text = std::fs::read_to_string(svg_path).unwrap();
    let document = roxmltree::Document::parse(&text).unwrap();
    let size = |name: &str| -> u32 {
        document
            .root_element()
            .attribute(name)
            .unwrap()
            .parse()
            .unwrap()
    };
    let png = svg_path.with_extension("png");
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&png).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert_eq!(
        (pixmap.width(), pixmap.height()),
        (size("width"), size("height")),
        "{}",
        png.display()
    );
    let dark = pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() < 80 && p.green() < 80 && p.blue() < 80)
        .count();
    assert!(dark > 5000, "{}: {dark} dark pixels", png.display());
}

/// tests/fixtures/small.toml with an a-kasse side: an a-kasse meeting and a joint one in the group's schedule;
/// `closes` is the suspension's `closes` key (empty: the default, both sides).
fn small_with_akasse(closes: &str) -> String {
    let plain = std::fs::read_to_string(fixture("small.toml")).unwrap();
    plain
        .replacen(
            "{ due_day = 60, deadline_day = 90 }",
            "{ due_day = 30, deadline_day = 45, held_by = \"akasse\" }, { due_day = 60, deadline_day = 90, joint = true }",
            1,
        )
        .replacen("id = \"kh\"", "id = \"kh\"\ninsured = true", 1)
        .replacen("end = 2021-04-30", &format!("end = 2021-04-30\n{closes}"), 1)
        + "\n[akasse]\ncaseworkers = 0.5\nmeetings_per_caseworker_day = 5\n"
}

#[test]
fn the_plot_and_the_report_draw_the_akasse_side_exactly_when_the_scenario_declares_it() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read_to_string(fixture("small.toml")).unwrap();
    for (name, text, declared) in [
        ("plain", plain, false),
        ("akasse", small_with_akasse(""), true),
    ] {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        let (chart, chart_da) = (
            dir.path().join(format!("{name}.svg")),
            dir.path().join(format!("{name}-da.svg")),
        );
        let report = dir.path().join(format!("{name}.html"));
        backlog()
            .arg("simulate")
            .arg(&path)
            .args(["--reps", "1", "--plot"])
            .arg(&chart)
            .assert()
            .success();
        backlog()
            .arg("simulate")
            .arg(&path)
            .args(["--reps", "1", "--lang", "da", "--plot"])
            .arg(&chart_da)
            .assert()
            .success();
        backlog()
            .arg("report")
            .arg(&path)
            .args(["--reps", "1", "--out"])
            .arg(&report)
            .assert()
            .success();
        let svg = parse_svg(&chart);
        // The total row: pending and overdue daily, capacity and demand as 7-day means; the a-kasse's row adds
        // its pending and overdue, and its capacity and meetings held as 7-day means.
        let rows = if declared { 2 } else { 1 };
        assert_eq!(svg.lines_with(365).len(), 2 * rows, "{name}");
        assert_eq!(svg.lines_with(365 - 6).len(), 2 * rows, "{name}");
        for text in [
            "a-kasse: pending",
            "a-kasse: overdue",
            "a-kasse: capacity",
            "a-kasse: meetings held",
            "Testby: the a-kasse's meetings pending and overdue",
            "Testby: the a-kasse's capacity and meetings held per day",
        ] {
            assert_eq!(svg.has_text(text), declared, "{name}: `{text}`");
        }
        let danish = parse_svg(&chart_da);
        assert_eq!(danish.has_text("a-kasse: afventende"), declared, "{name}");
        assert_eq!(danish.has_text("a-kasse: holdte samtaler"), declared);
        assert!(!danish.has_text("a-kasse: pending"));

        let html = std::fs::read_to_string(&report).unwrap();
        assert_eq!(
            html.contains("<figure class=\"chart\" id=\"chart-akasse\">"),
            declared,
            "{name}"
        );
        assert_eq!(html.contains("a-kasse: meetings held"), declared, "{name}");
        if declared {
            // The figure's chart holds the a-kasse's four lines, and sits in the backlog section.
            let document = crate::report::parse(&html);
            let figure = document
                .descendants()
                .find(|n| n.attribute("id") == Some("chart-akasse"))
                .unwrap();
            let lines = figure
                .descendants()
                .filter(|n| n.has_tag_name("polyline"))
                .map(|n| n.attribute("points").unwrap().split_whitespace().count())
                .filter(|&points| points > 2)
                .collect::<Vec<_>>();
            assert_eq!(lines, [365, 365, 365 - 6, 365 - 6]);
            assert_eq!(
                figure.parent_element().unwrap().attribute("id"),
                Some("backlog")
            );
        }
    }
}

#[test]
fn the_akasse_panels_shade_only_the_windows_that_close_the_akasse() {
    let dir = tempfile::tempdir().unwrap();
    let shades = |closes: &str| {
        let path = dir.path().join("s.toml");
        std::fs::write(&path, small_with_akasse(closes)).unwrap();
        let chart = dir.path().join("s.svg");
        backlog()
            .arg("simulate")
            .arg(&path)
            .args(["--reps", "1", "--plot"])
            .arg(&chart)
            .assert()
            .success();
        parse_svg(&chart)
            .rect_fills
            .iter()
            .filter(|f| **f == hex(SHADE_COLOR))
            .count()
    };
    // One window and one legend swatch in each of the four panels; closing the jobcentre only, the a-kasse's
    // two panels have neither.
    assert_eq!(shades(""), 4 * 2);
    assert_eq!(shades("closes = \"both\""), 4 * 2);
    assert_eq!(shades("closes = \"jobcentre\""), 2 * 2);
}

#[test]
fn a_danish_map_writes_its_legend_with_decimal_commas() {
    let dir = tempfile::tempdir().unwrap();
    // Two municipalities on the map: København and Frederiksberg.
    let text = std::fs::read_to_string(fixture("small.toml")).unwrap().replacen(
        "list = [{ code = 1, name = \"Testby\", population = 1000 }]",
        "list = [{ code = 101, name = \"København\", population = 1000 }, { code = 147, name = \"Frederiksberg\", population = 600 }]",
        1,
    );
    let path = dir.path().join("two.toml");
    std::fs::write(&path, text).unwrap();
    let legend = |lang: &str| {
        let map = dir.path().join(format!("map-{lang}.svg"));
        backlog()
            .arg("simulate")
            .arg(&path)
            .args([
                "--reps",
                "2",
                "--map-metric",
                "on-time-share",
                "--lang",
                lang,
            ])
            .arg("--map")
            .arg(&map)
            .assert()
            .success();
        // The legend's tick labels: the texts right of the colour bar, but its "no data" entry.
        let svg = std::fs::read_to_string(&map).unwrap();
        let document = roxmltree::Document::parse(&svg).unwrap();
        document
            .descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("x") == Some("641"))
            .filter_map(|n| n.text())
            .filter(|t| t.starts_with(|c: char| c.is_ascii_digit()))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (english, danish) = (legend("en"), legend("da"));
    assert_eq!(english.len(), 5, "{english:?}");
    // On-time shares in percent with a decimal: the same figures, with a comma in Danish.
    assert!(english.iter().all(|t| t.contains('.') && !t.contains(',')));
    let as_danish: Vec<String> = english.iter().map(|t| t.replace('.', ",")).collect();
    assert_eq!(danish, as_danish);
}
