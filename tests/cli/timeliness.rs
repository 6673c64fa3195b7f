//! Timeliness rules end to end: timeliness.csv against daily.csv, the columns they add, the report's section,
//! and the same bytes whatever the number of threads.

use crate::common::{backlog, fixture};
use std::collections::BTreeMap;
use std::path::Path;

/// three.toml (three towns, 2021, two suspensions) with one rule on group `kh`: monthly, under 0.95 for two
/// periods in a row, April 2021 left out.
fn with_rule(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("rule.toml");
    let text = format!(
        "extends = {:?}\nname = \"three towns with a rule\"\n\n[[timeliness]]\nid = \"kh95\"\nlabel = \"kh under 95 %\"\nlabel_da = \"kh under 95 %\"\ngroups = [\"kh\"]\nmeasure = \"monthly\"\nthreshold = 0.95\nperiods = 2\nexclude = [\"2021-04\"]\nsource = \"a test\"\n",
        fixture("three.toml").display().to_string()
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn number(text: &str) -> f64 {
    text.parse().unwrap()
}

#[test]
fn timeliness_csv_is_daily_csv_summed_by_month_and_the_rule_counts_runs_across_the_excluded_month()
{
    let dir = tempfile::tempdir().unwrap();
    let scenario = with_rule(dir.path());
    let out = dir.path().join("out");
    backlog()
        .arg("simulate")
        .arg(&scenario)
        .args(["--reps", "1", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "episodes.csv, timeliness.csv, daily.csv",
        ));
    // Group kh's held, held on time and due per municipality and month, from daily.csv.
    let mut sums: BTreeMap<(String, String), [f64; 3]> = BTreeMap::new();
    for row in read_csv(&out.join("daily.csv")) {
        if row["group"] != "kh" {
            continue;
        }
        let key = (
            row["municipality_code"].clone(),
            row["date"][..7].to_string(),
        );
        let sum = sums.entry(key).or_default();
        sum[0] += number(&row["held"]);
        sum[1] += number(&row["held_on_time"]);
        sum[2] += number(&row["due"]);
    }
    let rows = read_csv(&out.join("timeliness.csv"));
    assert_eq!(rows.len(), 3 * 12, "three towns, twelve months");
    let (mut flagged, mut below) = (0, 0);
    let mut run_by_town: BTreeMap<String, u32> = BTreeMap::new();
    for row in &rows {
        let [held, on_time, due] = sums[&(row["code"].clone(), row["month"].clone())];
        assert_eq!(number(&row["held"]), held, "{row:?}");
        assert_eq!(number(&row["held_on_time"]), on_time, "{row:?}");
        assert_eq!(number(&row["due"]), due, "{row:?}");
        let run = run_by_town.entry(row["code"].clone()).or_default();
        if row["month"] == "2021-04" {
            // Left out: no measure, and the run neither breaks nor grows.
            assert_eq!(row["excluded"], "1");
            assert_eq!(row["share_on_time"], "");
            assert_eq!(row["run"], run.to_string());
            continue;
        }
        let share = if held > 0.0 {
            on_time / held
        } else {
            assert!(due > 0.0, "every month of three.toml has meetings due");
            0.0
        };
        assert_eq!(number(&row["share_on_time"]), share, "{row:?}");
        *run = if share < 0.95 { *run + 1 } else { 0 };
        assert_eq!(row["below"], if share < 0.95 { "1" } else { "0" });
        assert_eq!(row["run"], run.to_string(), "{row:?}");
        assert_eq!(row["flagged"], if *run >= 2 { "1" } else { "0" });
        below += usize::from(share < 0.95);
        flagged += usize::from(*run >= 2);
    }
    assert!(below > 0 && flagged > 0, "the rule has something to flag");
    // municipalities.csv: each town's first flagged month and months below, as timeliness.csv gives them.
    for town in read_csv(&out.join("municipalities.csv")) {
        let months: Vec<&BTreeMap<String, String>> =
            rows.iter().filter(|r| r["code"] == town["code"]).collect();
        let first = months
            .iter()
            .find(|r| r["flagged"] == "1")
            .map_or(String::new(), |r| r["month"].clone());
        assert_eq!(town["timeliness_first_flagged.kh95"], first);
        assert_eq!(
            town["timeliness_flagged.kh95"],
            if first.is_empty() { "0" } else { "1" }
        );
        let below = months.iter().filter(|r| r["below"] == "1").count();
        assert_eq!(town["timeliness_months_below.kh95"], below.to_string());
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let rule = &summary["timeliness"][0];
    assert_eq!(rule["id"], "kh95");
    assert_eq!(rule["exclude"], serde_json::json!(["2021-04"]));
    let flagged_towns = rule["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["flagged"] == true)
        .count();
    assert_eq!(rule["flagged"], flagged_towns);
}

#[test]
fn a_scenario_without_rules_writes_no_timeliness_file_or_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    backlog()
        .arg("simulate")
        .arg(fixture("three.toml"))
        .args(["--reps", "1", "--summary-only", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(!out.join("timeliness.csv").exists());
    let header = std::fs::read_to_string(out.join("municipalities.csv")).unwrap();
    assert!(!header.contains("timeliness"));
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(!summary.contains("timeliness"));
}

#[test]
fn the_timeliness_outputs_are_the_same_bytes_with_one_thread_or_four() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = with_rule(dir.path());
    let run = |jobs: &str| {
        let out = dir.path().join(format!("out-{jobs}"));
        backlog()
            .arg("simulate")
            .arg(&scenario)
            .args(["--reps", "4", "--summary-only", "--jobs", jobs, "--out"])
            .arg(&out)
            .assert()
            .success();
        ["timeliness.csv", "municipalities.csv", "summary.json"]
            .map(|file| std::fs::read(out.join(file)).unwrap())
    };
    assert_eq!(run("1"), run("4"));
}

#[test]
fn the_report_lists_each_scenarios_flagged_municipalities_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = with_rule(dir.path());
    let out = dir.path().join("report.html");
    backlog()
        .arg("report")
        .arg(&scenario)
        .arg(fixture("three.toml"))
        .args(["--reps", "2", "--lang", "da", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&html, options).unwrap();
    let section = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("timeliness"))
        .expect("a timeliness section");
    let table = section
        .descendants()
        .find(|n| n.attribute("id") == Some("table-timeliness-0"))
        .expect("the rule's table");
    let rows: Vec<Vec<String>> = table
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .skip(1)
        .map(|tr| {
            tr.children()
                .filter(|n| n.has_tag_name("td"))
                .map(|td| td.text().unwrap_or_default().to_string())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 2, "one row per scenario");
    assert_eq!(rows[0][0], "three towns with a rule");
    assert!(rows[0][1].ends_with(" af 3"), "{:?}", rows[0]);
    assert_eq!(rows[1][0], "three towns");
    assert_eq!(rows[1][2], "scenariet har ikke denne regel");
    // The flagged list is summary.json's, for the same runs.
    let json_out = dir.path().join("out");
    backlog()
        .arg("simulate")
        .arg(&scenario)
        .args(["--reps", "2", "--summary-only", "--out"])
        .arg(&json_out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_out.join("summary.json")).unwrap())
            .unwrap();
    let flagged: Vec<String> = summary["timeliness"][0]["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["flagged"] == true)
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rows[0][1], format!("{} af 3", flagged.len()));
    for name in &flagged {
        assert!(
            rows[0][2].contains(name.as_str()),
            "{name} in {:?}",
            rows[0]
        );
    }
}

#[test]
fn the_workbook_has_a_timeliness_sheet_with_the_rows_of_timeliness_csv() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = with_rule(dir.path());
    let out = dir.path().join("out");
    let xlsx = dir.path().join("run.xlsx");
    backlog()
        .arg("simulate")
        .arg(&scenario)
        .args(["--reps", "2", "--summary-only", "--xlsx"])
        .arg(&xlsx)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let workbook = part("xl/workbook.xml");
    let names: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(
        names,
        [
            "Summary",
            "Municipalities",
            "Groups",
            "Episodes",
            "Timeliness",
            "Daily totals"
        ]
    );
    let sheet = part("xl/worksheets/sheet5.xml");
    let rows = read_csv(&out.join("timeliness.csv"));
    assert_eq!(sheet.matches("<row ").count(), rows.len() + 1);
}

#[test]
fn check_compares_a_published_count_of_flagged_municipalities_with_the_mean_over_replications() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = with_rule(dir.path());
    let out = dir.path().join("out");
    backlog()
        .arg("simulate")
        .arg(&scenario)
        .args(["--reps", "3", "--summary-only", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let mean = summary["timeliness"][0]["flagged_mean"].as_f64().unwrap();
    let with_figure = dir.path().join("figure.toml");
    std::fs::write(
        &with_figure,
        "extends = \"rule.toml\"\n\n[[expect]]\nfigure = \"towns flagged\"\nsource = \"a test\"\nvalue = 9\ntolerance = 0.5\nmetric = \"timeliness_flagged.kh95\"\n",
    )
    .unwrap();
    let output = backlog()
        .arg("check")
        .arg(&with_figure)
        .args(["--reps", "3", "--format", "json"])
        .output()
        .unwrap();
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let text = results.to_string();
    assert!(
        text.contains("\"metric\":\"timeliness_flagged.kh95\""),
        "{text}"
    );
    assert!(
        text.contains(&format!("\"mean\":{}", serde_json::json!(mean))),
        "{text}: mean {mean}"
    );
    // Three towns cannot be nine flagged: the figure fails.
    assert_eq!(output.status.code(), Some(1), "{text}");
}

#[test]
fn the_map_of_flags_colours_the_98_municipalities_as_municipalities_csv_flags_them() {
    // Denmark 2020 with early80 made to flag some municipalities and not others: June, the catch-up month,
    // counted (only March-May left out), and under 45 % in one month (not 80 % in six). Outside the spring every
    // municipality holds nearly all its meetings on time; June's share runs from about 23 % to 65 %.
    let dir = tempfile::tempdir().unwrap();
    let (map, out) = (dir.path().join("flags.svg"), dir.path().join("run"));
    backlog()
        .args(["simulate", "scenarios/dk2020.toml", "-q", "--reps", "2"])
        .args(["--set", "timeliness.early80.threshold=0.45"])
        .args(["--set", "timeliness.early80.periods=1"])
        .args(["--set", "timeliness.early80.exclude=[\"2020-03..2020-05\"]"])
        .args([
            "--map-metric",
            "timeliness-flagged",
            "--map-rule",
            "early80",
        ])
        .arg("--map")
        .arg(&map)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&map).unwrap();
    let document = roxmltree::Document::parse(&text).expect("the map is well-formed SVG");
    let shapes: Vec<_> = document
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("class") == Some("municipality"))
        .collect();
    assert_eq!(shapes.len(), 98);
    let rows = read_csv(&out.join("municipalities.csv"));
    assert_eq!(rows.len(), 98);
    let flagged = rows
        .iter()
        .filter(|r| r["timeliness_flagged.early80"] == "1")
        .count();
    assert!(0 < flagged && flagged < 98, "{flagged} flagged");
    for row in &rows {
        let shape = shapes
            .iter()
            .find(|s| s.attribute("data-code") == Some(row["code"].as_str()))
            .unwrap();
        let title = shape
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap()
            .to_string();
        let share = number(&row["timeliness_flagged_share.early80"]);
        let runs = format!("in {} of 2 replications", (share * 2.0).round());
        let (fill, expected) = match row["timeliness_flagged.early80"].as_str() {
            "1" => (
                "#d55e00",
                format!(
                    "{}: flagged from {} ({runs})",
                    row["name"], row["timeliness_first_flagged.early80"]
                ),
            ),
            _ if share > 0.0 => ("#56b4e9", format!("{}: not flagged ({runs})", row["name"])),
            _ => ("#56b4e9", format!("{}: not flagged", row["name"])),
        };
        assert_eq!(shape.attribute("fill"), Some(fill), "{}", row["name"]);
        assert_eq!(title, expected);
    }
    // The legend: two swatches, each with its count, and no grey (every municipality is in the scenario).
    let legend: Vec<(&str, String)> = document
        .descendants()
        .filter(|n| n.attribute("class") == Some("legend"))
        .map(|swatch| {
            let label = swatch
                .next_sibling_element()
                .and_then(|t| t.text())
                .unwrap()
                .to_string();
            (swatch.attribute("fill").unwrap(), label)
        })
        .collect();
    assert_eq!(
        legend,
        [
            ("#d55e00", format!("flagged ({flagged})")),
            ("#56b4e9", format!("not flagged ({})", 98 - flagged)),
        ]
    );
    assert!(text.contains(">Rule early80<"), "the legend names the rule");
}

#[test]
fn a_map_of_flags_needs_a_rule_the_scenario_has() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("flags.svg");
    let run = |scenario: &Path, extra: &[&str]| {
        backlog()
            .arg("simulate")
            .arg(scenario)
            .arg("--map")
            .arg(&map)
            .args(extra)
            .assert()
            .code(2)
    };
    let dk2020 = Path::new("scenarios/dk2020.toml");
    run(dk2020, &["--map-metric", "timeliness-flagged"]).stderr(
        "error: --map-rule: the scenario has 2 timeliness rules; name the one to map: early80, supervision12\n",
    );
    run(
        dk2020,
        &["--map-metric", "timeliness-flagged", "--map-rule", "early90"],
    )
    .stderr("error: --map-rule: the scenario has no timeliness rule `early90`; its rules: early80, supervision12\n");
    run(dk2020, &["--map-rule", "early80"])
        .stderr("error: --map-rule: only applies with --map-metric timeliness-flagged\n");
    let three = fixture("three.toml");
    run(&three, &["--map-metric", "timeliness-flagged"]).stderr(format!(
        "error: --map-metric: timeliness-flagged maps a timeliness rule's flags, and {} has no [[timeliness]] rules\n",
        three.display()
    ));
    assert!(!map.exists());
}
