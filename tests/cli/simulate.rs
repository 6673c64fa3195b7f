//! `backlog simulate` and `backlog validate` as a user runs them: outputs, determinism, bad input.

use crate::common::{backlog, fixture};
use predicates::prelude::*;
use std::path::Path;

fn run_to(dir: &Path, extra: &[&str]) {
    backlog()
        .args([
            "simulate",
            fixture("small.toml").to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ])
        .args(extra)
        .assert()
        .success();
}

#[test]
fn same_seed_gives_identical_files_whatever_the_threads_and_another_seed_differs() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    run_to(dirs[0].path(), &["--reps", "4", "--jobs", "1"]);
    run_to(dirs[1].path(), &["--reps", "4", "--jobs", "2"]);
    run_to(dirs[2].path(), &["--reps", "4", "--seed", "8"]);
    for file in ["summary.json", "daily.csv"] {
        let read = |i: usize| std::fs::read(dirs[i].path().join(file)).unwrap();
        assert_eq!(read(0), read(1), "{file} differs between --jobs 1 and 2");
        assert_ne!(read(0), read(2), "{file} does not depend on the seed");
    }
}

#[test]
fn summary_json_keeps_its_contract() {
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), &[]);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    for key in ["name", "file", "sha256", "seed", "start", "end", "version"] {
        assert!(summary["scenario"].get(key).is_some(), "scenario.{key}");
    }
    assert_eq!(summary["scenario"]["seed"], 7);
    assert_eq!(summary["scenario"]["sha256"].as_str().unwrap().len(), 64);
    for metric in [
        "arrivals",
        "exits",
        "due",
        "held",
        "held_on_time",
        "waived",
        "dropped",
        "pending_start",
        "pending_end",
        "overdue_end",
        "suspended",
        "backlog_peak",
    ] {
        assert!(summary["total"][metric].is_number(), "total.{metric}");
    }
    let municipality = &summary["municipalities"][0];
    assert_eq!(municipality["code"], 1);
    assert_eq!(municipality["name"], "Testby");
    assert!(municipality["metrics"]["backlog_peak_date"].is_string());
    assert!(municipality["metrics"]
        .get("backlog_cleared_date")
        .is_some());
    let total = &summary["total"];
    let n = |k: &str| total[k].as_f64().unwrap();
    assert_eq!(
        n("pending_start") + n("due"),
        n("held") + n("waived") + n("dropped") + n("pending_end")
    );
}

#[test]
fn daily_csv_has_one_row_per_date_municipality_and_group() {
    let dir = tempfile::tempdir().unwrap();
    run_to(dir.path(), &[]);
    let bytes = std::fs::read(dir.path().join("daily.csv")).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    // The byte-order mark, then the header; run identity and capacity are elsewhere (run.json, capacity.csv).
    assert!(text.starts_with("\u{feff}date,municipality_code,municipality,group,arrivals,exits,active,due,held,held_on_time,waived,dropped,pending,overdue,suspended,suspended_existing\n"));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let rows = reader.records().count();
    assert_eq!(rows, 365);
}

#[test]
fn json_format_prints_the_summary_and_summary_only_skips_daily_rows() {
    let dir = tempfile::tempdir().unwrap();
    let output = backlog()
        .args([
            "simulate",
            fixture("small.toml").to_str().unwrap(),
            "--format",
            "json",
            "--summary-only",
            "--out",
            dir.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(printed, written);
    assert!(!dir.path().join("daily.csv").exists());
}

#[test]
fn table_shows_the_books() {
    backlog()
        .args(["simulate", fixture("small.toml").to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("Testby"))
        .stdout(predicate::str::contains("books: pending at start"));
}

/// Writes `text` as a scenario and runs `validate` on it.
fn validate(text: &str) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    let assert = backlog()
        .args(["validate", path.to_str().unwrap()])
        .assert();
    drop(dir);
    assert
}

fn small_with(find: &str, replace: &str) -> String {
    let text = std::fs::read_to_string(fixture("small.toml")).unwrap();
    assert!(text.contains(find), "fixture has no `{find}`");
    text.replacen(find, replace, 1)
}

#[test]
fn bad_input_names_the_file_key_and_line_and_exits_2() {
    let cases: &[(&str, &str, &str)] = &[
        ("seed = 7", "seed = 7\nsede = 8", "bad.toml:4:1: sede: unknown field `sede`"),
        ("seed = 7", "seed = \"seven\"", "bad.toml:3:1: seed: invalid type: string \"seven\"; expected a whole number, 0 or more"),
        ("start = 2021-01-01", "start = 2021-13-01", "bad.toml:4:14: TOML syntax error: invalid date-time: value is out of range"),
        ("start = 2021-01-01", "start = \"2021-02-30\"", "start: `2021-02-30` is not a date of the form YYYY-MM-DD"),
        ("end = 2021-12-31", "end = 2020-12-31", "bad.toml:5:1: end: 2020-12-31 is before start 2021-01-01"),
        ("inflow_per_day = 3", "inflow_per_day = -3", "bad.toml:20:1: groups[0].inflow_per_day: must be between 0 and 1000000, got -3"),
        ("inflow_per_day = 3", "inflow_per_day = nan", "bad.toml:20:1: groups[0].inflow_per_day: must be a finite number, got NaN"),
        ("groups.kh = ", "groups.dp = ", "suspensions[0].groups.dp: group `dp` does not exist (groups: kh)"),
        ("[staffing]", "[[municipalities.adjust]]\ncode = 99\ninflow_factor = 2\n\n[staffing]", "bad.toml:15:1: municipalities.adjust[0].code: municipality 99 does not exist in this scenario"),
    ];
    for (find, replace, message) in cases {
        validate(&small_with(find, replace))
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
}

#[test]
fn validate_reports_every_problem() {
    let text = small_with("inflow_per_day = 3", "inflow_per_day = -3")
        .replace("caseworkers = 10", "caseworkers = -1");
    validate(&text)
        .code(2)
        .stderr(predicate::str::contains("groups[0].inflow_per_day"))
        .stderr(predicate::str::contains(
            "staffing.caseworkers: must be between 0 and 10000000, got -1",
        ));
}

#[test]
fn missing_and_unreadable_files_exit_2() {
    backlog()
        .args(["simulate", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/file.toml: cannot read: no such file",
        ));
    let dir = tempfile::tempdir().unwrap();
    backlog()
        .args(["validate", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory, not a file"));
    let csv = small_with(
        "list = [{ code = 1, name = \"Testby\", population = 1000 }]",
        "file = \"missing.csv\"",
    );
    validate(&csv).code(2).stderr(predicate::str::contains(
        "missing.csv: cannot read: no such file",
    ));
}

#[test]
fn validate_accepts_the_fixture() {
    backlog()
        .args(["validate", fixture("small.toml").to_str().unwrap()])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok"));
}

/// summary.json of `scenario` simulated with `extra` arguments.
fn summary_of(scenario: &Path, extra: &[&str]) -> serde_json::Value {
    let output = backlog()
        .arg("simulate")
        .arg(scenario)
        .args(["--format", "json", "-q"])
        .args(extra)
        .output()
        .unwrap();
    assert!(output.status.success());
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn utilisation_never_exceeds_one_when_capacity_is_fully_used() {
    // 1.3 caseworkers holding 3.3 meetings a day leave a fraction of a meeting over each day, carried to the
    // next: from the warm-up into the first reported day too. Demand is far above capacity, so every slot is
    // used and held meets capacity.
    for caseworkers in ["0.7", "1.3", "1.7", "1.9"] {
        let summary = summary_of(
            &fixture("scarce.toml"),
            &[
                "--set",
                &format!("staffing.caseworkers={caseworkers}"),
                "--set",
                "staffing.meetings_per_caseworker_day=3.3",
            ],
        );
        let mut entries = vec![&summary["total"]];
        entries.extend(
            summary["municipalities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| &m["metrics"]),
        );
        for metrics in entries {
            let (held, capacity) = (
                metrics["held"].as_f64().unwrap(),
                metrics["capacity"].as_f64().unwrap(),
            );
            let utilisation = metrics["utilisation"].as_f64().unwrap();
            assert!(
                held <= capacity,
                "{caseworkers} caseworkers: held {held} > capacity {capacity}"
            );
            assert!(
                utilisation <= 1.0 && utilisation > 0.99,
                "{caseworkers} caseworkers: utilisation {utilisation}"
            );
        }
        let band = &summary["bands"]["utilisation"];
        for key in ["mean", "p5", "p95"] {
            assert!(
                band[key].as_f64().unwrap() <= 1.0,
                "{caseworkers}: {key} {band}"
            );
        }
    }
}

#[test]
fn caseworkers_read_as_the_staffing_given_without_float_noise() {
    // 1.3 FTE summed over 273 days and divided by them came out 1.3000000000000065.
    let summary = summary_of(
        &fixture("scarce.toml"),
        &["--set", "staffing.caseworkers=1.3", "--reps", "3"],
    );
    assert_eq!(summary["total"]["caseworkers"], 1.3);
    assert_eq!(summary["municipalities"][0]["metrics"]["caseworkers"], 1.3);
    for key in ["mean", "p5", "p95"] {
        assert_eq!(summary["bands"]["caseworkers"][key], 1.3, "{key}");
    }
}

#[test]
fn the_median_days_to_clear_go_with_the_median_cleared_date() {
    // The suspension of small.toml ends on 30 April; the cleared date and the days to clear beside it are both
    // medians over replications, so one is the other counted from that day. The mean is kept as days_to_clear.
    let summary = summary_of(&fixture("small.toml"), &["--reps", "6"]);
    let end = chrono::NaiveDate::from_ymd_opt(2021, 4, 30).unwrap();
    let metrics = &summary["total"];
    let cleared: chrono::NaiveDate = metrics["backlog_cleared_date"]
        .as_str()
        .expect("the backlog clears")
        .parse()
        .unwrap();
    assert_eq!(
        metrics["days_to_clear_median"].as_f64().unwrap(),
        ((cleared - end).num_days() as f64).max(0.0),
        "{metrics}"
    );
    assert_eq!(
        metrics["days_to_clear"],
        summary["bands"]["days_to_clear"]["mean"]
    );
}

/// The books line of the table, `books: pending at start A + due B = held C + waived D + dropped E + pending at
/// end F`, as the numbers shown: (left side, right side).
fn books_shown(table: &str) -> (Vec<u64>, Vec<u64>) {
    let line = table
        .lines()
        .find(|l| l.starts_with("books: ") || l.starts_with("Books: "))
        .unwrap_or_else(|| panic!("no books in\n{table}"));
    let line = line.split(". Capacity").next().unwrap();
    let (left, right) = line.split_once(" = ").unwrap();
    let numbers = |side: &str| -> Vec<u64> {
        side.split(" + ")
            .map(|part| {
                part.rsplit(' ')
                    .next()
                    .unwrap()
                    .replace(',', "")
                    .parse()
                    .unwrap_or_else(|_| panic!("`{part}` in {line}"))
            })
            .collect()
    };
    (numbers(left), numbers(right))
}

#[test]
fn the_books_add_up_in_the_numbers_shown() {
    // Means over a few replications are fractional; scarce.toml over 2 and 7 replications used to show books
    // one apart (1,624 owed against 1,625 settled).
    for scenario in ["small.toml", "three.toml", "rich.toml", "scarce.toml"] {
        for reps in ["2", "3", "7"] {
            for format in ["table", "markdown"] {
                let output = backlog()
                    .arg("simulate")
                    .arg(fixture(scenario))
                    .args(["--reps", reps, "--format", format])
                    .output()
                    .unwrap();
                assert!(output.status.success(), "{output:?}");
                let table = String::from_utf8(output.stdout).unwrap();
                let (left, right) = books_shown(&table);
                assert_eq!((left.len(), right.len()), (2, 4), "{table}");
                assert_eq!(
                    left.iter().sum::<u64>(),
                    right.iter().sum::<u64>(),
                    "{scenario} --reps {reps} --format {format}:\n{table}"
                );
                // The total's row shows the same due and held as the books.
                if format == "table" {
                    let row = table
                        .lines()
                        .find(|l| l.starts_with("total "))
                        .unwrap_or_else(|| table.lines().nth(4).unwrap());
                    let cells: Vec<u64> = row
                        .split_whitespace()
                        .skip(1)
                        .take(2)
                        .map(|c| c.replace(',', "").parse().unwrap())
                        .collect();
                    assert_eq!(cells, [left[1], right[0]], "{row}");
                }
            }
        }
    }
}
