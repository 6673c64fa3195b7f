//! `backlog report`: the HTML file is parsed (it is well-formed XML) and every chart, table and section is
//! checked for what it holds; PNG charts are decoded; the label table matches docs/outputs.md.

use crate::common::{backlog, fixture};
use plotters::style::Color;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(crate) fn parse(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options).expect("the report is well-formed")
}

fn by_id<'a, 'input>(
    document: &'a roxmltree::Document<'input>,
    id: &str,
) -> roxmltree::Node<'a, 'input> {
    document
        .descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no element with id {id}"))
}

/// Polylines in `node` with exactly `points` points.
fn daily_lines(node: roxmltree::Node, points: usize) -> usize {
    node.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .count()
                == points
        })
        .count()
}

fn texts(node: roxmltree::Node) -> Vec<String> {
    node.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

fn body_rows<'a, 'input>(table: roxmltree::Node<'a, 'input>) -> Vec<roxmltree::Node<'a, 'input>> {
    table
        .descendants()
        .filter(|n| n.has_tag_name("tbody"))
        .flat_map(|body| body.children().filter(|n| n.has_tag_name("tr")))
        .collect()
}

fn cells<'a, 'input>(row: roxmltree::Node<'a, 'input>) -> Vec<roxmltree::Node<'a, 'input>> {
    row.children().filter(|n| n.has_tag_name("td")).collect()
}

/// Nothing in the file is fetched from elsewhere: no linked style sheet, image, frame, or script source.
fn assert_self_contained(document: &roxmltree::Document) {
    for node in document.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(
            !["link", "img", "iframe", "object", "embed"].contains(&tag),
            "<{tag}> in the report"
        );
        assert!(node.attribute("src").is_none(), "<{tag} src> in the report");
        if let Some(href) = node.attribute("href") {
            assert!(!href.contains("//"), "<{tag} href={href}> in the report");
        }
    }
    let style = document
        .descendants()
        .find(|n| n.has_tag_name("style"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(!style.contains("@import") && !style.contains("url("));
    assert!(style.contains("@page { size: A4"));
}

/// The sorting script is inline, in a CDATA section, and starts on its own line (a `//` before it would comment
/// its first line out); scripts/check-report.sh runs it in a browser.
fn assert_script_inline(text: &str) {
    assert_eq!(text.matches("<script>").count(), 1);
    assert!(text.contains("<script>//<![CDATA[\ndocument.querySelectorAll('table.sortable')"));
    assert!(text.contains("//]]></script>"));
}

#[test]
fn the_national_report_holds_every_chart_its_series_and_a_row_per_municipality() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dk2020.html");
    let scenario_path = root().join("scenarios/dk2020.toml");
    let scenario = backlog::scenario::load(&scenario_path).unwrap();
    backlog()
        .arg("report")
        .arg(&scenario_path)
        .args(["--reps", "1", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(format!("wrote {}\n", out.display()));
    let text = read(&out);
    let document = parse(&text);
    assert_eq!(document.root_element().attribute("lang"), Some("en"));
    assert_self_contained(&document);
    assert_script_inline(&text);
    for section in [
        "headline",
        "backlog",
        "capacity",
        "maps",
        "municipalities",
        "groups",
        "akasse",
        "timeliness",
        "checks",
        "provenance",
    ] {
        assert!(by_id(&document, section).has_tag_name("section"));
    }
    // The contents link to every section there is, and only to those.
    let links: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name("a"))
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert_eq!(
        links,
        [
            "#headline",
            "#backlog",
            "#capacity",
            "#maps",
            "#municipalities",
            "#groups",
            "#akasse",
            "#timeliness",
            "#checks",
            "#provenance"
        ]
    );
    // One scenario: nothing to compare.
    assert!(!text.contains("id=\"compare\""));
    let days = 366;
    let backlog_chart = by_id(&document, "chart-backlog");
    assert_eq!(daily_lines(backlog_chart, days), 2);
    let labels = texts(backlog_chart);
    for label in [
        "pending",
        "overdue (the backlog)",
        "suspension",
        "suspended 12 Mar",
        "reopened 26 May",
        "dead period ends 1 Sep",
    ] {
        assert!(
            labels.iter().any(|t| t == label),
            "no `{label}` in {labels:?}"
        );
    }
    let svg = backlog_chart
        .descendants()
        .find(|n| n.has_tag_name("svg"))
        .unwrap();
    assert_eq!(svg.attribute("role"), Some("img"));
    assert_eq!(
        svg.attribute("aria-label"),
        Some("All municipalities: meetings pending and overdue")
    );
    // Capacity and demand are 7-day means, drawn from the seventh day.
    assert_eq!(daily_lines(by_id(&document, "chart-capacity"), days - 6), 2);
    let groups = by_id(&document, "chart-groups");
    assert_eq!(daily_lines(groups, days), scenario.groups.len());
    for group in &scenario.groups {
        assert!(texts(groups).contains(&group.name), "{}", group.name);
    }
    // The four largest backlogs are charted, each with its two lines.
    let municipality_charts: Vec<_> = document
        .descendants()
        .filter(|n| {
            n.attribute("id")
                .is_some_and(|id| id.starts_with("chart-municipality-"))
        })
        .collect();
    assert_eq!(municipality_charts.len(), 4);
    for chart in municipality_charts {
        assert_eq!(daily_lines(chart, days), 2);
    }

    // The table: one row per municipality, in scenario order, thirteen columns; one replication, so the held
    // column adds up exactly to the total in the headline.
    let rows = body_rows(by_id(&document, "table-municipalities"));
    assert_eq!(rows.len(), 98);
    let mut held = 0.0;
    for (row, municipality) in rows.iter().zip(&scenario.municipalities) {
        let cells = cells(*row);
        assert_eq!(cells.len(), 13);
        assert_eq!(
            cells[0].text(),
            Some(municipality.code.to_string().as_str())
        );
        assert_eq!(cells[1].text(), Some(municipality.name.as_str()));
        held += cells[3]
            .attribute("data-sort")
            .unwrap()
            .parse::<f64>()
            .unwrap();
    }
    let on_time = by_id(&document, "card-on-time");
    let detail = on_time
        .descendants()
        .find(|n| n.attribute("class") == Some("detail"))
        .and_then(|n| n.text())
        .unwrap();
    let total: f64 = detail
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .unwrap();
    assert_eq!(held, total, "{detail}");

    // Every [[expect]] figure of the scenario, with its status.
    let checks = body_rows(by_id(&document, "table-checks"));
    assert_eq!(
        checks.len(),
        scenario.expectations.len() + scenario.municipality_expectations.len()
    );
    for row in checks {
        let status = cells(row)[0].text().unwrap();
        assert!(
            ["PASS", "FAIL", "MISS", "PASS*"].contains(&status),
            "{status}"
        );
    }
    assert!(text.contains(&scenario.sha256));
    // The headline cards, each with a value.
    for card in ["card-peak", "card-cleared", "card-on-time", "card-load"] {
        let value = by_id(&document, card)
            .descendants()
            .find(|n| n.attribute("class") == Some("value"))
            .and_then(|n| n.text())
            .unwrap();
        assert!(!value.is_empty(), "{card}");
    }
}

#[test]
fn a_report_of_several_scenarios_compares_them_in_danish_and_draws_the_chosen_municipality() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rapport.html");
    let three = fixture("three.toml");
    let small = fixture("small.toml");
    let run = |jobs: &str, out: &Path| {
        backlog()
            .arg("report")
            .args([&three, &small])
            .args(["--lang", "da", "--plot-municipality", "3", "--reps", "2"])
            .args(["--jobs", jobs, "--out"])
            .arg(out)
            .assert()
            .success();
    };
    run("1", &out);
    let text = read(&out);
    let document = parse(&text);
    assert_eq!(document.root_element().attribute("lang"), Some("da"));
    assert_self_contained(&document);
    // Two scenarios: the compare table (one row per metric, A then B and B - A) and the overlay.
    let compare_rows = body_rows(by_id(&document, "table-compare"));
    assert_eq!(compare_rows.len(), 17);
    for row in &compare_rows {
        assert_eq!(cells(*row).len(), 4);
    }
    assert!(text.contains("<td class=\"text\">holdte samtaler</td>"));
    let overlay = by_id(&document, "chart-compare");
    assert_eq!(daily_lines(overlay, 365), 2);
    let labels = texts(overlay);
    assert!(labels.iter().any(|t| t == "A: three towns"), "{labels:?}");
    // Both reopen on 1 May after the shared spring window; only A (three towns) has the winter window.
    assert!(
        labels.iter().any(|t| t == "A, B genåbnet 1. maj"),
        "{labels:?}"
    );
    assert!(
        labels.iter().any(|t| t == "A genåbnet 21. dec"),
        "{labels:?}"
    );
    // Only the municipality asked for, Lilleby (code 3), is charted.
    assert_eq!(
        daily_lines(by_id(&document, "chart-municipality-3"), 365),
        2
    );
    assert!(!text.contains("chart-municipality-1\""));
    // Danish labels in the charts and the tables.
    assert!(texts(by_id(&document, "chart-backlog")).contains(&"afventende".to_string()));
    assert_eq!(body_rows(by_id(&document, "table-municipalities")).len(), 3);
    // Every inline chart is an SVG document of its own that renders: as a PNG of its size, with ink on it.
    let mut rest = text.as_str();
    let mut charts = 0;
    while let Some(start) = rest.find("<svg ") {
        let end = rest[start..].find("</svg>").unwrap() + start + "</svg>".len();
        let svg = &rest[start..end];
        let width: u32 = svg
            .split("width=\"")
            .nth(1)
            .and_then(|w| w.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        let png = backlog::report::plot::svg_to_png(svg).unwrap();
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
        assert_eq!(pixmap.width(), width);
        let dark = pixmap
            .pixels()
            .iter()
            .filter(|p| p.red() < 80 && p.green() < 80 && p.blue() < 80)
            .count();
        assert!(dark > 2000, "chart {charts}: {dark} dark pixels");
        charts += 1;
        rest = &rest[end..];
    }
    // Backlog, capacity, overlay, Lilleby, groups.
    assert_eq!(charts, 5);
    // Neither fixture has [[expect]]: no checks section.
    assert!(!text.contains("id=\"checks\""));
    // The same report whatever the number of threads.
    let again = dir.path().join("again.html");
    run("2", &again);
    let again_text = read(&again).replace("again.html", "rapport.html");
    assert_eq!(text.replace("--jobs 1", "--jobs 2"), again_text);
}

#[test]
fn a_bad_municipality_code_or_output_name_fails_before_the_run_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    backlog()
        .arg("report")
        .arg(fixture("three.toml"))
        .args(["--plot-municipality", "999", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "--plot-municipality: no municipality with code 999 in three towns",
        ));
    backlog()
        .arg("report")
        .arg(fixture("three.toml"))
        .arg("--out")
        .arg(dir.path().join("report.txt"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "report.txt` must end in .html or .htm",
        ));
    backlog()
        .arg("simulate")
        .arg(fixture("three.toml"))
        .args(["--plot-municipality", "42", "--plot"])
        .arg(dir.path().join("chart.svg"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no municipality with code 42"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn simulate_draws_a_png_and_the_chosen_municipalities() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("three.png");
    backlog()
        .arg("simulate")
        .arg(fixture("three.toml"))
        .args(["--plot-municipality", "2", "--plot"])
        .arg(&png)
        .assert()
        .success();
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&bytes).expect("a PNG");
    // The title, the total row and one municipality row.
    assert_eq!((pixmap.width(), pixmap.height()), (1200, 56 + 400 + 250));
    // Lines in the pending colour, and dark text.
    let (r, g, b) = backlog::report::plot::PENDING_COLOR.rgb();
    let count = |pick: &dyn Fn(u8, u8, u8) -> bool| {
        pixmap
            .pixels()
            .iter()
            .filter(|p| pick(p.red(), p.green(), p.blue()))
            .count()
    };
    assert!(count(&|pr, pg, pb| (pr, pg, pb) == (r, g, b)) > 1000);
    assert!(count(&|pr, pg, pb| pr < 60 && pg < 60 && pb < 60) > 2000);

    let svg = dir.path().join("three.svg");
    backlog()
        .arg("simulate")
        .arg(fixture("three.toml"))
        .args([
            "--plot-municipality",
            "3",
            "--plot-municipality",
            "1",
            "--plot",
        ])
        .arg(&svg)
        .assert()
        .success();
    let text = read(&svg);
    let document = roxmltree::Document::parse(&text).unwrap();
    let titles = texts(document.root_element());
    let lilleby = titles
        .iter()
        .position(|t| t == "Lilleby: meetings pending and overdue")
        .unwrap();
    let storby = titles
        .iter()
        .position(|t| t == "Storby: meetings pending and overdue")
        .unwrap();
    assert!(lilleby < storby, "in the order asked for");
    assert!(!titles.iter().any(|t| t.starts_with("Mellemby")));
}

#[test]
fn docs_outputs_lists_every_label_in_both_languages() {
    let docs = read(&root().join("docs/outputs.md"));
    for (key, en, da) in backlog::report::lang::STRINGS {
        let row = format!("| `{key}` | {en} | {da} |");
        assert!(docs.contains(&row), "docs/outputs.md lacks: {row}");
    }
}

#[test]
fn the_checks_in_a_report_are_those_of_backlog_check_from_the_same_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("checks.html");
    let scenario = fixture("expect-fail.toml");
    // A figure that misses is shown, not an error: the report is written and the command succeeds.
    backlog()
        .arg("report")
        .arg(&scenario)
        .args(["--reps", "3", "--out"])
        .arg(&out)
        .assert()
        .success();
    let json = backlog()
        .arg("check")
        .arg(&scenario)
        .args(["--reps", "3", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let expected: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let expected = expected.as_array().unwrap();
    let text = read(&out);
    let document = parse(&text);
    let rows = body_rows(by_id(&document, "table-checks"));
    assert_eq!(rows.len(), expected.len());
    for (row, check) in rows.iter().zip(expected) {
        let cells = cells(*row);
        let status = if check["pass"].as_bool().unwrap() {
            "PASS"
        } else {
            "FAIL"
        };
        assert_eq!(cells[0].text(), Some(status));
        let simulated = cells[3].text().unwrap();
        let mean: String = simulated
            .split(' ')
            .next()
            .unwrap()
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        assert_eq!(
            mean,
            format!("{:.0}", check["simulated"]["mean"].as_f64().unwrap()),
            "{simulated}"
        );
        let figure = check["figure"].as_str().unwrap();
        assert!(
            cells[1]
                .descendants()
                .any(|n| n.text().is_some_and(|t| t.starts_with(figure))),
            "{figure}"
        );
    }
}

#[test]
fn a_report_of_chosen_municipalities_shows_their_numbers_from_the_whole_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mellemby.html");
    let three = fixture("three.toml");
    backlog()
        .arg("report")
        .arg(&three)
        .args(["--municipality", "2", "--reps", "2", "--out"])
        .arg(&out)
        .assert()
        .success();
    let text = read(&out);
    let document = parse(&text);
    let rows = body_rows(by_id(&document, "table-municipalities"));
    assert_eq!(rows.len(), 1);
    let cells = cells(rows[0]);
    assert_eq!(cells[1].text(), Some("Mellemby"));
    // The numbers are Mellemby's in the run of all three towns.
    let json = backlog()
        .arg("simulate")
        .arg(&three)
        .args(["--reps", "2", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let mellemby = &json["municipalities"][1];
    assert_eq!(mellemby["name"], "Mellemby");
    let held = mellemby["metrics"]["held"].as_f64().unwrap();
    assert_eq!(
        cells[3].attribute("data-sort"),
        Some(format!("{held:.0}").as_str())
    );
    // The total is Mellemby alone, and the provenance says which municipalities are shown.
    let detail = by_id(&document, "card-on-time")
        .descendants()
        .find(|n| n.attribute("class") == Some("detail"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(
        detail,
        format!("of {} meetings held", backlog::format::thousands(held))
    );
    assert!(text.contains("<td class=\"text\"><code>2</code></td>"));
    // An unknown code is bad input, before the run.
    backlog()
        .arg("report")
        .arg(&three)
        .args(["--municipality", "9", "--out"])
        .arg(dir.path().join("none.html"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--municipality: 9 is not a municipality",
        ));
    assert!(!dir.path().join("none.html").exists());
}

/// The small fixture with three inputs given as ranges: staff from 2 to 4 caseworkers (capacity binds, so the
/// range moves the backlog most), the meetings a caseworker holds a day, and the follow-up deadline.
fn ranged(dir: &Path) -> PathBuf {
    let path = dir.join("ranged.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\n[staffing]\ncaseworkers = {{ low = 2, high = 4 }}\nmeetings_per_caseworker_day = {{ low = 4.5, high = 5.5 }}\n[[groups]]\nid = \"kh\"\nfollowup = {{ every_days = 90, deadline_days = {{ low = 20, high = 40 }} }}\n",
            fixture("small.toml").to_str().unwrap()
        ),
    )
    .unwrap();
    path
}

fn report(scenario: &Path, out: &Path, extra: &[&str]) -> String {
    backlog()
        .arg("report")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
    read(out)
}

/// The pixel heights of a polyline's or a polygon's points.
fn heights(node: roxmltree::Node) -> Vec<f64> {
    node.attribute("points")
        .unwrap()
        .split_whitespace()
        .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn with_draws_the_backlog_chart_is_a_fan_whose_bands_are_ordered_around_the_central_median() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = ranged(dir.path());
    let days = 365;
    // Without --draws: the one-run chart, no band, no drivers.
    let plain = report(&scenario, &dir.path().join("plain.html"), &["--reps", "3"]);
    let document = parse(&plain);
    let chart = by_id(&document, "chart-backlog");
    assert!(!chart
        .descendants()
        .any(|n| n.has_tag_name("polygon") && n.attribute("opacity") != Some("1")));
    assert!(document
        .descendants()
        .all(|n| n.attribute("id") != Some("drivers")));
    assert!(!plain.contains("draws"));

    let text = report(
        &scenario,
        &dir.path().join("fan.html"),
        &["--reps", "3", "--draws", "16"],
    );
    let document = parse(&text);
    assert_self_contained(&document);
    let chart = by_id(&document, "chart-backlog");
    let band = |opacity: &str| {
        let polygon = chart
            .descendants()
            .find(|n| n.has_tag_name("polygon") && n.attribute("opacity") == Some(opacity))
            .unwrap_or_else(|| panic!("no band of opacity {opacity}"));
        let ys = heights(polygon);
        assert_eq!(ys.len(), 2 * days, "a band's edges have a point per day");
        // Along the high edge, then back along the low edge.
        let high = ys[..days].to_vec();
        let low: Vec<f64> = ys[days..].iter().rev().copied().collect();
        (low, high)
    };
    let ((p5, p95), (p25, p75)) = (band("0.18"), band("0.38"));
    let line = |color: &str, width: &str| {
        let node = chart
            .descendants()
            .find(|n| {
                n.has_tag_name("polyline")
                    && n.attribute("stroke") == Some(color)
                    && n.attribute("stroke-width") == Some(width)
                    && heights(*n).len() == days
            })
            .unwrap_or_else(|| panic!("no daily line in {color} of width {width}"));
        heights(node)
    };
    let (median, central) = (line("#D55E00", "3"), line("#000000", "1"));
    // Pixel heights grow downwards: the 95th percentile is drawn highest.
    let mut spread = 0;
    for day in 0..days {
        let column = [p95[day], p75[day], median[day], p25[day], p5[day]];
        assert!(
            column.windows(2).all(|w| w[0] <= w[1]),
            "day {day}: {column:?}"
        );
        assert!(
            p95[day] <= central[day] && central[day] <= p5[day],
            "day {day}: the central median {} outside {}-{}",
            central[day],
            p95[day],
            p5[day]
        );
        if p5[day] - p95[day] > 2.0 {
            spread += 1;
        }
    }
    assert!(
        spread > 20,
        "the draws move the backlog on {spread} days only"
    );
    let lead = texts_of(&document, "p");
    assert!(
        lead.iter()
            .any(|p| p.starts_with("With 16 draws of 3 inputs given as ranges")),
        "{lead:?}"
    );
}

fn texts_of(document: &roxmltree::Document, tag: &str) -> Vec<String> {
    document
        .descendants()
        .filter(|n| n.has_tag_name(tag))
        .map(|n| {
            n.descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect()
        })
        .collect()
}

#[test]
fn the_drivers_are_the_tornado_of_sensitivity_in_order_of_swing_and_the_report_is_the_same_on_one_thread_and_two(
) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = ranged(dir.path());
    let one = report(
        &scenario,
        &dir.path().join("one.html"),
        &["--reps", "2", "--draws", "6", "--jobs", "1", "--lang", "da"],
    );
    let two = report(
        &scenario,
        &dir.path().join("two.html"),
        &["--reps", "2", "--draws", "6", "--jobs", "2", "--lang", "da"],
    );
    // The files differ only in the command line the provenance quotes.
    let without_command = |text: &str| {
        text.lines()
            .filter(|l| !l.contains("<code>backlog report"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_command(&one), without_command(&two));
    let document = parse(&one);
    let section = by_id(&document, "drivers");
    assert!(texts_of(&document, "h2").contains(&"Hvad driver svaret".to_string()));
    assert!(document
        .descendants()
        .any(|n| n.has_tag_name("a") && n.attribute("href") == Some("#drivers")));
    let rows = body_rows(by_id(&document, "table-drivers"));
    let keys: Vec<String> = rows
        .iter()
        .map(|row| {
            cells(*row)[1]
                .descendants()
                .filter(|t| t.is_text())
                .filter_map(|t| t.text())
                .collect()
        })
        .collect();
    // Danish numbers: "1.234" is a thousand and more.
    let swings: Vec<f64> = rows
        .iter()
        .map(|row| {
            cells(*row)[7]
                .text()
                .unwrap()
                .replace('.', "")
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(swings.windows(2).all(|w| w[0] >= w[1]), "{swings:?}");
    // The same ranking as `backlog sensitivity --tornado-only` with the same seed and replications.
    let output = backlog()
        .arg("sensitivity")
        .arg(&scenario)
        .args([
            "--tornado-only",
            "--metric",
            "backlog_peak",
            "--reps",
            "2",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let csv = String::from_utf8(output.stdout).unwrap();
    let ranked: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(keys, ranked);
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "groups.kh.followup.deadline_days",
            "staffing.caseworkers",
            "staffing.meetings_per_caseworker_day"
        ]
    );
    // The tornado chart: a bar label per input, largest swing on top.
    let chart = by_id(&document, "chart-drivers");
    assert_eq!(chart.parent(), Some(section));
    let labels = texts(chart);
    for key in &keys {
        assert!(labels.contains(key), "{key} in {labels:?}");
    }
}

#[test]
fn draws_need_a_scenario_with_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plain.html");
    backlog()
        .arg("report")
        .arg(fixture("small.toml"))
        .args(["--draws", "5", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr("error: --draws: no scenario given has an input as a range; write one as { low = 0.4, high = 0.8 } (docs/scenario.md)\n");
    assert!(!out.exists());
}

/// The words a reader sees in a report: every text outside scripts and styles, split on white space, with
/// punctuation trimmed; numbers, dates, file names, keys and flags left out.
pub(crate) fn words_of(text: &str) -> std::collections::BTreeSet<String> {
    let document = parse(text);
    document
        .descendants()
        .filter(|n| n.is_text())
        .filter(|n| {
            !n.ancestors()
                .any(|a| a.has_tag_name("script") || a.has_tag_name("style"))
        })
        .flat_map(|n| n.text().unwrap_or("").split_whitespace())
        .map(|w| w.trim_matches(|c: char| ".,;:()[]\"'`*+=%·".contains(c)))
        .filter(|w| {
            !w.is_empty()
                && !w.starts_with('-')
                && !w.contains(|c: char| c.is_ascii_digit() || "/._".contains(c))
        })
        .map(String::from)
        .collect()
}

/// A Danish report has no word of the English report of the same scenarios, but names and the words both
/// languages spell alike: every label, axis, unit and scenario text is translated (the scenarios' `name_da`,
/// `description_da`, groups' `label_da` and the figures' `figure_da`, `source_da`, `known_miss_da`).
#[test]
fn the_danish_report_has_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = [
        root().join("scenarios/cph2020.toml"),
        root().join("scenarios/cph2020-no-covid.toml"),
    ];
    let write = |lang: &str| {
        let out = dir.path().join(format!("{lang}.html"));
        backlog()
            .arg("report")
            .args(&scenarios)
            .args(["--reps", "1", "--lang", lang, "--out"])
            .arg(&out)
            .assert()
            .success();
        words_of(&read(&out))
    };
    let (danish, english) = (write("da"), write("en"));
    const ALIKE: &[&str] = &[
        // Proper names and the names of Danish benefits, which English text uses too.
        "København",
        "Københavns",
        "Kommune",
        "Jobcenter",
        "Fagbladet",
        "Beskæftigelses-",
        "LAB",
        "dagpenge",
        "Dagpenge",
        "a-kasse",
        "Sygedagpenge",
        "Jobafklaringsforløb",
        "Ledighedsydelse",
        "kontanthjælp",
        "uddannelseshjælp",
        // The tool, its command and its status codes; the sides of a comparison.
        "backlog",
        "report",
        "PASS",
        "MISS",
        "pp",
        "A",
        "B",
        "§",
        // Words both languages spell alike.
        "for",
        "over",
        "en",
        "og",
        "at",
        "via",
        "median",
        "seed",
        "status",
        "suspension",
        "tolerance",
        "revision",
        "december",
        "start",
        // The suspension's id in the scenario, which names its episode in both languages.
        "spring",
        // Danish titles of the timeliness rules' sources, which the English report cites as they are.
        "STAR",
        "Beskæftigelsesministeriet",
        "Skærpet",
        "skærpet",
        "tilsyn",
        "med",
        "kommunernes",
        "beskæftigelsesindsats",
        "opfølgning",
        "på",
        "den",
        "tidlige",
        "indsats",
        "under",
    ];
    let english_left: Vec<&String> = danish
        .intersection(&english)
        .filter(|w| !ALIKE.contains(&w.as_str()))
        .collect();
    assert!(
        english_left.is_empty(),
        "English in the Danish report: {english_left:?}"
    );
    // The scenarios' Danish labels are there.
    assert!(
        danish.contains("forsikrede") && danish.contains("halvår"),
        "{danish:?}"
    );
}
