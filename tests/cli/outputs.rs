//! The files of `simulate --out DIR` an analyst reads directly: the tidy tables, the daily files at every grain and
//! period, the daily bands, run.json and the Excel workbook, each checked against summary.json.

use crate::common::{backlog, fixture};
use serde_json::Value;
use std::path::Path;

/// The three-town fixture with a Danish name that also needs quoting, in `dir`.
fn danish_three(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("three.toml")).unwrap();
    assert!(text.contains("\"Storby\""));
    let path = dir.join("danish.toml");
    std::fs::write(&path, text.replace("\"Storby\"", "\"Ærø, Søby\"")).unwrap();
    path
}

fn simulate(scenario: &Path, out: &Path, extra: &[&str]) {
    backlog()
        .arg("simulate")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn summary(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

/// A CSV of the output directory: it starts with the UTF-8 byte-order mark; header and rows after it.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "{} has no byte-order mark",
        path.display()
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// Equal to the last bits or nearly: serde_json's parser (without its `float_roundtrip` feature) may read a
/// number one unit in the last place off.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(1.0)
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("`{text}` is not a number"))
}

/// Sums a column over rows.
fn sum(header: &[String], rows: &[Vec<String>], name: &str) -> f64 {
    let c = column(header, name);
    rows.iter().map(|r| number(&r[c])).sum()
}

#[test]
fn tidy_tables_have_one_row_per_entity_and_the_numbers_of_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = danish_three(dir.path());
    let out = dir.path().join("out");
    simulate(&scenario, &out, &["--reps", "3", "--summary-only"]);
    let summary = summary(&out);
    let (header, rows) = read_csv(&out.join("municipalities.csv"));
    assert_eq!(header.len(), 2 + backlog::metric::Metric::ALL.len() * 3 + 3);
    assert_eq!(
        header[..8],
        [
            "code",
            "name",
            "arrivals",
            "arrivals_p5",
            "arrivals_p95",
            "exits",
            "exits_p5",
            "exits_p95"
        ]
    );
    assert_eq!(
        header[header.len() - 3..],
        [
            "backlog_peak_date",
            "backlog_cleared_date",
            "days_to_clear_median"
        ]
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][..2], ["1", "Ærø, Søby"]);
    for (row, entry) in rows
        .iter()
        .zip(summary["municipalities"].as_array().unwrap())
    {
        assert_eq!(row[0], entry["code"].to_string());
        for metric in [
            "held",
            "backlog_peak",
            "capacity",
            "meetings_per_caseworker_day",
            "on_time_share",
        ] {
            let value = |name: &str| number(&row[column(&header, name)]);
            let band = &entry["bands"][metric];
            assert!(
                same(value(metric), entry["metrics"][metric].as_f64().unwrap()),
                "{metric}"
            );
            assert!(same(
                value(&format!("{metric}_p5")),
                band["p5"].as_f64().unwrap()
            ));
            assert!(same(
                value(&format!("{metric}_p95")),
                band["p95"].as_f64().unwrap()
            ));
        }
        assert_eq!(
            row[column(&header, "backlog_peak_date")],
            entry["metrics"]["backlog_peak_date"].as_str().unwrap()
        );
    }
    // Groups: the same metrics, but staff belongs to municipalities and is left empty.
    let (header, rows) = read_csv(&out.join("groups.csv"));
    assert_eq!(header[..2], ["id", "name"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "dp");
    let groups = summary["groups"].as_array().unwrap();
    for (row, entry) in rows.iter().zip(groups) {
        assert_eq!(
            number(&row[column(&header, "held")]),
            entry["metrics"]["held"].as_f64().unwrap()
        );
        for staff in [
            "capacity",
            "caseworkers_p5",
            "utilisation",
            "active_per_caseworker_p95",
        ] {
            assert_eq!(row[column(&header, staff)], "", "{staff} of a group");
        }
        // A group without a backlog has no peak date and nothing cleared, as the table's "no backlog".
        let had_backlog = entry["metrics"]["backlog_peak"].as_f64().unwrap() > 0.0;
        for date in ["backlog_peak_date", "backlog_cleared_date"] {
            let expected = match entry["metrics"][date].as_str() {
                Some(date) if had_backlog => date,
                _ => "",
            };
            assert_eq!(row[column(&header, date)], expected, "{date} of {}", row[0]);
        }
    }
    // The group rows add up to the total.
    assert_eq!(
        sum(&header, &rows, "held"),
        summary["total"]["held"].as_f64().unwrap()
    );
    // --summary-only writes no daily file; run.json says so.
    assert!(!out.join("daily.csv").exists());
    let run: Value = serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["daily"], Value::Null);
    assert_eq!(run["overrides"], serde_json::json!({"replications": 3}));
    assert_eq!(run["scenario"], summary["scenario"]);
}

#[test]
fn daily_files_at_every_grain_and_period_add_up_to_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = danish_three(dir.path());
    let run = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        simulate(&scenario, &out, extra);
        out
    };
    let default = run("default", &[]);
    let total = summary(&default)["total"].clone();
    let t = |name: &str| total[name].as_f64().unwrap();

    // The default grain: a row per date, municipality and group, capacity in capacity.csv, identity in run.json.
    let (header, rows) = read_csv(&default.join("daily.csv"));
    assert_eq!(
        header.join(","),
        "date,municipality_code,municipality,group,arrivals,exits,active,due,held,held_on_time,waived,dropped,pending,overdue,suspended,suspended_existing"
    );
    assert_eq!(rows.len(), 365 * 3 * 2);
    assert_eq!(rows[0][..4], ["2021-01-01", "1", "Ærø, Søby", "dp"]);
    assert_eq!(sum(&header, &rows, "held"), t("held"));
    let (header, capacity) = read_csv(&default.join("capacity.csv"));
    assert_eq!(
        header.join(","),
        "date,municipality_code,municipality,capacity,caseworkers,working_days"
    );
    assert_eq!(capacity.len(), 365 * 3);
    assert!((sum(&header, &capacity, "capacity") - t("capacity")).abs() < 0.01 * 365.0 * 3.0);
    let run_json: Value =
        serde_json::from_slice(&std::fs::read(default.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        run_json["daily"],
        serde_json::json!({"grain": "municipality-group", "period": "day", "bands": false})
    );
    assert_eq!(run_json["overrides"], serde_json::json!({}));

    // Totals per day: one row a day, with capacity, and the levels of the last day are the summary's end levels.
    let totals = run("total", &["--daily", "total"]);
    let (header, rows) = read_csv(&totals.join("daily.csv"));
    assert_eq!(header[..2], ["date", "arrivals"]);
    assert_eq!(header[header.len() - 2..], ["capacity", "caseworkers"]);
    assert_eq!(rows.len(), 365);
    assert!(!totals.join("capacity.csv").exists());
    assert_eq!(sum(&header, &rows, "due"), t("due"));
    let last = rows.last().unwrap();
    assert_eq!(number(&last[column(&header, "pending")]), t("pending_end"));
    assert_eq!(number(&last[column(&header, "overdue")]), t("overdue_end"));
    let peak = rows
        .iter()
        .map(|r| number(&r[column(&header, "overdue")]))
        .fold(0.0, f64::max);
    assert_eq!(peak, t("backlog_peak"));

    // Per municipality, per month: twelve rows each, flows summed, levels at the end of the month.
    let months = run("months", &["--daily", "municipality", "--period", "month"]);
    let (header, rows) = read_csv(&months.join("daily.csv"));
    assert_eq!(
        header[..4],
        [
            "period_start",
            "period_end",
            "municipality_code",
            "municipality"
        ]
    );
    assert_eq!(rows.len(), 12 * 3);
    assert_eq!(rows[3][..3], ["2021-02-01", "2021-02-28", "1"]);
    assert_eq!(sum(&header, &rows, "held"), t("held"));
    let pending_end: f64 = rows[33..]
        .iter()
        .map(|r| number(&r[column(&header, "pending")]))
        .sum();
    assert_eq!(pending_end, t("pending_end"));

    // Per group, per ISO week: the first week is the partial one ending on Sunday 3 January.
    let weeks = run("weeks", &["--daily", "group", "--period", "week"]);
    let (header, rows) = read_csv(&weeks.join("daily.csv"));
    assert_eq!(header[..3], ["period_start", "period_end", "group"]);
    assert_eq!(rows[0][..3], ["2021-01-01", "2021-01-03", "dp"]);
    assert_eq!(rows[2][..3], ["2021-01-04", "2021-01-10", "dp"]);
    assert_eq!(sum(&header, &rows, "arrivals"), t("arrivals"));
    let (header, capacity) = read_csv(&weeks.join("capacity.csv"));
    assert_eq!(header[..2], ["period_start", "period_end"]);
    assert_eq!(capacity.len(), rows.len() / 2);
    assert_eq!(sum(&header, &capacity, "working_days"), {
        let (h, r) = read_csv(&default.join("capacity.csv"));
        sum(&h, &r, "working_days") / 3.0
    });
}

#[test]
fn daily_bands_are_ordered_percentiles_over_replications_and_reproduce() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    simulate(
        &fixture("three.toml"),
        &one,
        &["--reps", "1", "--daily", "total", "--daily-bands"],
    );
    // With one replication every percentile is that replication's level.
    let (daily_header, daily) = read_csv(&one.join("daily.csv"));
    let (header, bands) = read_csv(&one.join("daily_bands.csv"));
    assert_eq!(
        header.join(","),
        "date,pending_p5,pending_p50,pending_p95,overdue_p5,overdue_p50,overdue_p95"
    );
    for (day, band) in daily.iter().zip(&bands) {
        assert_eq!(day[0], band[0]);
        for (level, first) in [("pending", 1), ("overdue", 4)] {
            let value = &day[column(&daily_header, level)];
            assert_eq!(
                band[first..first + 3],
                [value.clone(), value.clone(), value.clone()]
            );
        }
    }
    let many = |jobs: &str| {
        let out = dir.path().join(format!("jobs{jobs}"));
        simulate(
            &fixture("three.toml"),
            &out,
            &[
                "--reps",
                "5",
                "--jobs",
                jobs,
                "--daily",
                "municipality",
                "--period",
                "week",
                "--daily-bands",
            ],
        );
        std::fs::read(out.join("daily_bands.csv")).unwrap()
    };
    let bytes = many("1");
    assert_eq!(bytes, many("2"));
    let (header, rows) = read_csv(&dir.path().join("jobs1/daily_bands.csv"));
    assert_eq!(
        header[..4],
        [
            "period_start",
            "period_end",
            "municipality_code",
            "municipality"
        ]
    );
    let spread = rows.iter().any(|r| number(&r[4]) < number(&r[6]));
    assert!(spread, "five replications never differ");
    for row in &rows {
        let v: Vec<f64> = row[4..].iter().map(|x| number(x)).collect();
        assert!(
            v[0] <= v[1] && v[1] <= v[2] && v[3] <= v[4] && v[4] <= v[5],
            "{row:?}"
        );
    }
}

#[test]
fn python_reads_municipalities_csv() {
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output();
    if !python.is_ok_and(|o| o.status.success()) {
        eprintln!("python3 not found: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let scenario = danish_three(dir.path());
    let out = dir.path().join("out");
    simulate(&scenario, &out, &["--summary-only"]);
    let script = r#"
import csv, json, sys
with open(sys.argv[1] + "/municipalities.csv", newline="", encoding="utf-8-sig") as f:
    rows = list(csv.DictReader(f))
summary = json.load(open(sys.argv[1] + "/summary.json", encoding="utf-8"))
assert [r["name"] for r in rows] == [m["name"] for m in summary["municipalities"]], rows
for row, m in zip(rows, summary["municipalities"]):
    assert float(row["held"]) == m["metrics"]["held"]
    assert float(row["backlog_peak_p95"]) == m["bands"]["backlog_peak"]["p95"]
try:
    import pandas
except ImportError:
    pandas = None
if pandas is not None:
    frame = pandas.read_csv(sys.argv[1] + "/municipalities.csv")
    assert list(frame.columns[:2]) == ["code", "name"], list(frame.columns[:3])
    assert list(frame["name"]) == [r["name"] for r in rows]
print(rows[0]["name"], rows[0]["held"])
"#;
    let output = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8(output.stdout)
        .unwrap()
        .starts_with("Ærø, Søby "));
}

/// The text of one part of an xlsx file.
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("no {name}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The cells of a sheet as (reference, value) with shared strings resolved.
fn xlsx_cells(bytes: &[u8], sheet: usize) -> Vec<(String, String)> {
    let strings_xml = xlsx_part(bytes, "xl/sharedStrings.xml");
    let strings = roxmltree::Document::parse(&strings_xml).unwrap();
    let shared: Vec<String> = strings
        .descendants()
        .filter(|n| n.has_tag_name("si"))
        .map(|si| {
            si.descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect()
        })
        .collect();
    let sheet_xml = xlsx_part(bytes, &format!("xl/worksheets/sheet{sheet}.xml"));
    let document = roxmltree::Document::parse(&sheet_xml).unwrap();
    document
        .descendants()
        .filter(|n| n.has_tag_name("c"))
        .filter_map(|c| {
            let value = c
                .children()
                .find(|n| n.has_tag_name("v"))?
                .text()?
                .to_string();
            let value = match c.attribute("t") {
                Some("s") => shared[value.parse::<usize>().unwrap()].clone(),
                _ => value,
            };
            Some((c.attribute("r").unwrap().to_string(), value))
        })
        .collect()
}

#[test]
fn the_workbook_has_its_sheets_the_danish_letters_and_the_summary_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = danish_three(dir.path());
    let out = dir.path().join("out");
    let xlsx = dir.path().join("run.xlsx");
    simulate(
        &scenario,
        &out,
        &["--reps", "2", "--xlsx", xlsx.to_str().unwrap()],
    );
    let bytes = std::fs::read(&xlsx).unwrap();
    let workbook = xlsx_part(&bytes, "xl/workbook.xml");
    let names: Vec<String> = roxmltree::Document::parse(&workbook)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("sheet"))
        .map(|n| n.attribute("name").unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "Summary",
            "Municipalities",
            "Groups",
            "Episodes",
            "Daily totals"
        ]
    );
    let summary = summary(&out);
    let cell = |cells: &[(String, String)], r: &str| {
        cells
            .iter()
            .find(|(c, _)| c == r)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    // Summary: identity, then metric | mean | p5 | p95 from row 10, in the order of summary.json's metrics.
    let cells = xlsx_cells(&bytes, 1);
    assert_eq!(cell(&cells, "B1"), "three towns");
    assert_eq!(cell(&cells, "B4"), "5", "the seed, as a number");
    assert_eq!(cell(&cells, "B6"), "44197", "the start, as a date");
    assert_eq!(cell(&cells, "A10"), "metric");
    assert_eq!(cell(&cells, "A14"), "held");
    assert_eq!(
        number(&cell(&cells, "B14")),
        summary["total"]["held"].as_f64().unwrap()
    );
    assert_eq!(
        number(&cell(&cells, "D14")),
        summary["bands"]["held"]["p95"].as_f64().unwrap()
    );
    // Municipalities: the name intact, held (the fourth metric, column L) as in summary.json.
    let cells = xlsx_cells(&bytes, 2);
    assert_eq!(cell(&cells, "B2"), "Ærø, Søby");
    assert_eq!(cell(&cells, "L1"), "held");
    assert_eq!(
        number(&cell(&cells, "L2")),
        summary["municipalities"][0]["metrics"]["held"]
            .as_f64()
            .unwrap()
    );
    // Episodes: the rows of episodes.csv, the total's first.
    let cells = xlsx_cells(&bytes, 4);
    assert_eq!(cell(&cells, "A1"), "scope");
    assert_eq!(cell(&cells, "A2"), "total");
    assert_eq!(
        number(&cell(&cells, "I2")),
        summary["total"]["episodes"][0]["backlog_peak"]
            .as_f64()
            .unwrap()
    );
    // Daily totals: one row per day under the header, dates as Excel serial numbers (2021-01-01 is 44197).
    let cells = xlsx_cells(&bytes, 5);
    assert_eq!(cell(&cells, "A2"), "44197");
    assert!(cells.iter().any(|(r, _)| r == "A366"));
    assert!(!cells.iter().any(|(r, _)| r == "A367"));
    // After capacity and caseworkers, the percentiles over the two replications, in order.
    assert_eq!(cell(&cells, "J1"), "pending");
    assert_eq!(cell(&cells, "P1"), "pending_p5");
    assert_eq!(cell(&cells, "U1"), "overdue_p95");
    for row in 2..=366 {
        let v: Vec<f64> = ["P", "Q", "R", "S", "T", "U"]
            .iter()
            .map(|c| number(&cell(&cells, &format!("{c}{row}"))))
            .collect();
        assert!(
            v[0] <= v[1] && v[1] <= v[2] && v[3] <= v[4] && v[4] <= v[5],
            "row {row}: {v:?}"
        );
    }
    let spread =
        (2..=366).any(|row| cell(&cells, &format!("P{row}")) != cell(&cells, &format!("R{row}")));
    assert!(spread, "two replications never differ");
    // Numbers carry display formats.
    let styles = xlsx_part(&bytes, "xl/styles.xml");
    assert!(styles.contains("#,##0") && styles.contains("0.0%") && styles.contains("yyyy-mm-dd"));
    // The same run writes the same bytes.
    let again = dir.path().join("again.xlsx");
    simulate(
        &scenario,
        &dir.path().join("out2"),
        &["--reps", "2", "--xlsx", again.to_str().unwrap()],
    );
    assert_eq!(bytes, std::fs::read(&again).unwrap());
}

#[test]
fn the_workbook_of_an_ensemble_has_a_draws_sheet_with_the_rows_of_draws_csv() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("ranged.toml");
    std::fs::write(
        &scenario,
        format!(
            "extends = {:?}\n[staffing]\ncaseworkers = {{ low = 2, high = 4 }}\nphone_share = {{ one_of = [0.0, 0.5] }}\n",
            fixture("small.toml").to_str().unwrap()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let xlsx = dir.path().join("run.xlsx");
    simulate(
        &scenario,
        &out,
        &[
            "--reps",
            "2",
            "--draws",
            "7",
            "--xlsx",
            xlsx.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&xlsx).unwrap();
    let workbook = xlsx_part(&bytes, "xl/workbook.xml");
    let names: Vec<String> = roxmltree::Document::parse(&workbook)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("sheet"))
        .map(|n| n.attribute("name").unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "Summary",
            "Municipalities",
            "Groups",
            "Episodes",
            "Daily totals",
            "Draws"
        ]
    );
    let (header, rows) = read_csv(&out.join("draws.csv"));
    assert_eq!(rows.len(), 7);
    let cells = xlsx_cells(&bytes, 6);
    let letter = |col: usize| {
        let mut name = String::new();
        let mut n = col + 1;
        while n > 0 {
            name.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
            n = (n - 1) / 26;
        }
        name
    };
    let cell = |col: usize, row: usize| {
        let reference = format!("{}{row}", letter(col));
        cells
            .iter()
            .find(|(r, _)| *r == reference)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    // The header of draws.csv, then one row per draw with its values: the same numbers, an empty cell where
    // the CSV has none.
    for (col, name) in header.iter().enumerate() {
        assert_eq!(&cell(col, 1), name);
    }
    for (i, row) in rows.iter().enumerate() {
        for (col, text) in row.iter().enumerate() {
            let value = cell(col, i + 2);
            if text.is_empty() {
                assert!(value.is_empty(), "{}{}: {value}", letter(col), i + 2);
            } else {
                assert!(
                    same(number(&value), number(text)),
                    "{}{}: {value} against {text}",
                    letter(col),
                    i + 2
                );
            }
        }
    }
    let last_row = cells
        .iter()
        .map(|(r, _)| {
            r.trim_start_matches(char::is_alphabetic)
                .parse::<usize>()
                .unwrap()
        })
        .max();
    assert_eq!(last_row, Some(8), "a header and one row per draw");
}

#[test]
fn check_writes_a_checks_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("checks.xlsx");
    backlog()
        .args([
            "check",
            fixture("expect-fail.toml").to_str().unwrap(),
            "--xlsx",
        ])
        .arg(&xlsx)
        .assert()
        .code(1);
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(xlsx_part(&bytes, "xl/workbook.xml").contains("name=\"Checks\""));
    let cells = xlsx_cells(&bytes, 1);
    assert!(cells.iter().any(|(r, v)| r == "A1" && v == "status"));
    assert!(cells.iter().any(|(r, v)| r.starts_with('A') && v == "FAIL"));
}

#[test]
fn a_workbook_path_without_xlsx_fails_before_the_run_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.csv");
    backlog()
        .args([
            "simulate",
            fixture("small.toml").to_str().unwrap(),
            "--xlsx",
        ])
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: --xlsx: `{}` must end in .xlsx (that is the only format written), or be `-` for standard output\n",
            path.display()
        ));
    assert!(!path.exists());
}

#[test]
fn daily_options_need_out_and_no_summary_only() {
    let small = fixture("small.toml");
    backlog()
        .args(["simulate", small.to_str().unwrap(), "--daily", "total"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "error: the following required arguments were not provided:\n  --out <DIR>",
        ));
    let dir = tempfile::tempdir().unwrap();
    backlog()
        .args([
            "simulate",
            small.to_str().unwrap(),
            "--summary-only",
            "--period",
            "week",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "error: the argument '--summary-only' cannot be used with '--period <PERIOD>'",
        ));
    backlog()
        .args([
            "simulate",
            small.to_str().unwrap(),
            "--daily",
            "county",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "invalid value 'county' for '--daily <GRAIN>'",
        ));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn the_tidy_tables_and_run_json_follow_the_municipalities_shown() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    simulate(
        &fixture("three.toml"),
        &out,
        &[
            "--municipality",
            "2",
            "--daily",
            "municipality",
            "--daily-bands",
        ],
    );
    let (_, rows) = read_csv(&out.join("municipalities.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][..2], ["2", "Mellemby"]);
    for file in ["daily.csv", "daily_bands.csv"] {
        let (header, rows) = read_csv(&out.join(file));
        let codes: std::collections::BTreeSet<&str> = rows
            .iter()
            .map(|r| r[column(&header, "municipality_code")].as_str())
            .collect();
        assert_eq!(codes.into_iter().collect::<Vec<_>>(), ["2"], "{file}");
    }
    let run: Value = serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        run["scenario"]["municipalities_shown"],
        serde_json::json!([2])
    );
}

#[test]
fn caseworkers_and_the_peak_per_caseworker_are_in_the_table_the_csvs_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("three.toml");
    let out = dir.path().join("out");
    // Staffing is the same every day, so the peak per caseworker is the peak over the caseworkers.
    let table = backlog()
        .arg("simulate")
        .arg(&scenario)
        .args(["--reps", "3", "--out"])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    let (header, rows) = read_csv(&out.join("municipalities.csv"));
    let (peak, caseworkers, per_caseworker) = (
        column(&header, "backlog_peak"),
        column(&header, "caseworkers"),
        column(&header, "backlog_peak_per_caseworker"),
    );
    assert_eq!(rows.len(), 3);
    for row in &rows {
        let expected = number(&row[peak]) / number(&row[caseworkers]);
        assert!(expected > 0.0);
        assert!(
            (number(&row[per_caseworker]) - expected).abs() < 1e-9,
            "{row:?}"
        );
        // The table's line of the municipality ends with the two, rounded to one decimal.
        let line = table
            .lines()
            .find(|l| l.starts_with(row[1].as_str()))
            .unwrap_or_else(|| panic!("no line for {} in\n{table}", row[1]));
        let last: Vec<&str> = line.split_whitespace().rev().take(2).collect();
        assert_eq!(
            last,
            [
                format!("{:.1}", number(&row[per_caseworker])),
                format!("{:.1}", number(&row[caseworkers]))
            ],
            "{line}"
        );
    }
    let header_line = table
        .lines()
        .find(|l| l.starts_with("municipality"))
        .unwrap();
    assert!(
        header_line.ends_with("caseworkers peak/cw"),
        "{header_line}"
    );
    // A group has no staff of its own.
    let (group_header, group_rows) = read_csv(&out.join("groups.csv"));
    let group_per_caseworker = column(&group_header, "backlog_peak_per_caseworker");
    assert!(group_rows
        .iter()
        .all(|r| r[group_per_caseworker].is_empty()));

    let html = dir.path().join("report.html");
    backlog()
        .arg("report")
        .arg(&scenario)
        .args(["--reps", "3", "--out"])
        .arg(&html)
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).unwrap();
    let table = &text[text.find("id=\"table-municipalities\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(
        table.contains("<th>caseworkers (FTE, mean)</th><th>backlog peak per caseworker</th></tr>")
    );
    for row in &rows {
        let cells = format!(
            "<td data-sort=\"{:.6}\">{:.1}</td><td data-sort=\"{:.6}\">{:.1}</td></tr>",
            number(&row[caseworkers]),
            number(&row[caseworkers]),
            number(&row[per_caseworker]),
            number(&row[per_caseworker]),
        );
        assert!(table.contains(&cells), "no {cells} in {table}");
    }
}

/// The column index (from 0) of a cell reference such as `AB12`.
fn column_of(reference: &str) -> usize {
    reference
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .fold(0, |n, c| n * 26 + (c as usize - 'A' as usize + 1))
        - 1
}

/// Checks one sheet of a workbook: every column at least as wide as its header and its texts (up to 60
/// characters), and set to print landscape, one page wide.
fn assert_sheet_fits(bytes: &[u8], sheet: usize) {
    let xml = xlsx_part(bytes, &format!("xl/worksheets/sheet{sheet}.xml"));
    let document = roxmltree::Document::parse(&xml).unwrap();
    let mut widths = Vec::new();
    for col in document.descendants().filter(|n| n.has_tag_name("col")) {
        let number = |name: &str| col.attribute(name).unwrap().parse::<usize>().unwrap();
        let width: f64 = col.attribute("width").unwrap().parse().unwrap();
        for index in number("min")..=number("max") {
            widths.resize(widths.len().max(index), 0.0);
            widths[index - 1] = width;
        }
    }
    let cells = xlsx_cells(bytes, sheet);
    assert!(!cells.is_empty(), "sheet {sheet}");
    for (reference, value) in &cells {
        // Header cells and texts: numbers are stored as numbers, their text is not what is shown.
        let header = reference.trim_start_matches(|c: char| c.is_ascii_alphabetic()) == "1";
        if header || value.parse::<f64>().is_err() {
            let chars = value.chars().count().min(60) as f64;
            let width = widths.get(column_of(reference)).copied().unwrap_or(0.0);
            assert!(
                width >= chars,
                "sheet {sheet}: column of {reference} `{value}` is {width} wide"
            );
        }
    }
    let setup = document
        .descendants()
        .find(|n| n.has_tag_name("pageSetup"))
        .unwrap_or_else(|| panic!("sheet {sheet} has no page setup"));
    assert_eq!(
        setup.attribute("orientation"),
        Some("landscape"),
        "sheet {sheet}"
    );
    // One page wide is the default, which the file leaves out; any number of pages tall is 0.
    assert_eq!(
        setup.attribute("fitToWidth").unwrap_or("1"),
        "1",
        "sheet {sheet}"
    );
    assert_eq!(setup.attribute("fitToHeight"), Some("0"), "sheet {sheet}");
    let fit = document
        .descendants()
        .find(|n| n.has_tag_name("pageSetUpPr"))
        .and_then(|n| n.attribute("fitToPage"));
    assert_eq!(fit, Some("1"), "sheet {sheet}");
}

#[test]
fn every_sheet_of_a_workbook_is_as_wide_as_its_headers_and_prints_one_page_wide() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = danish_three(dir.path());
    let simulated = dir.path().join("run.xlsx");
    backlog()
        .arg("simulate")
        .arg(&scenario)
        .args(["--reps", "2", "--quiet", "--xlsx"])
        .arg(&simulated)
        .assert()
        .success();
    let bytes = std::fs::read(&simulated).unwrap();
    for sheet in 1..=4 {
        assert_sheet_fits(&bytes, sheet);
    }
    let checked = dir.path().join("check.xlsx");
    backlog()
        .arg("check")
        .arg(fixture("expect-fail.toml"))
        .args(["--quiet", "--xlsx"])
        .arg(&checked)
        .assert()
        .code(1);
    assert_sheet_fits(&std::fs::read(&checked).unwrap(), 1);
}
