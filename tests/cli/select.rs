//! `--municipality CODE`: the outputs show the municipalities chosen; the run is the whole scenario's.

use crate::common::{backlog, fixture};

fn json(args: &[&str]) -> serde_json::Value {
    let output = backlog().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn simulate_shows_the_chosen_municipalities_with_the_numbers_of_the_whole_run() {
    let scenario = fixture("three.toml");
    let scenario = scenario.to_str().unwrap();
    let all = json(&["simulate", scenario, "--reps", "2", "--format", "json"]);
    let two = json(&[
        "simulate",
        scenario,
        "--reps",
        "2",
        "--format",
        "json",
        "--municipality",
        "3",
        "--municipality",
        "1",
    ]);
    let codes = |doc: &serde_json::Value| -> Vec<u64> {
        doc["municipalities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["code"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(codes(&all), [1, 2, 3]);
    // In the scenario's order, whatever the order given.
    assert_eq!(codes(&two), [1, 3]);
    assert_eq!(
        two["scenario"]["municipalities_shown"],
        serde_json::json!([1, 3])
    );
    // Each municipality's numbers are those of the whole run, and the total is theirs.
    assert_eq!(two["municipalities"][0], all["municipalities"][0]);
    assert_eq!(two["municipalities"][1], all["municipalities"][2]);
    let held = |doc: &serde_json::Value, i: usize| {
        doc["municipalities"][i]["metrics"]["held"]
            .as_f64()
            .unwrap()
    };
    let total = two["total"]["held"].as_f64().unwrap();
    assert!((total - held(&two, 0) - held(&two, 1)).abs() < 1e-6 * total);
    assert!(total < all["total"]["held"].as_f64().unwrap());
}

#[test]
fn daily_csv_holds_the_chosen_municipalities_only() {
    let dir = tempfile::tempdir().unwrap();
    let output = backlog()
        .arg("simulate")
        .arg(fixture("three.toml"))
        .args(["--reps", "1", "--municipality", "2", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let mut reader = csv::Reader::from_path(dir.path().join("daily.csv")).unwrap();
    let codes: std::collections::BTreeSet<String> = reader
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|row| row.unwrap()["municipality_code"].clone())
        .collect();
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), ["2"]);
}

#[test]
fn an_unknown_code_is_a_usage_error() {
    let output = backlog()
        .arg("simulate")
        .arg(fixture("three.toml"))
        .args(["--municipality", "751"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("--municipality: 751 is not a municipality of"),
        "{stderr}"
    );
    let check = backlog()
        .arg("check")
        .arg(fixture("three.toml"))
        .args(["--municipality", "751"])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(2));
    assert!(String::from_utf8(check.stderr)
        .unwrap()
        .contains("--municipality: 751 is not a municipality of any of the scenarios"));
}

#[test]
fn compare_totals_are_over_the_chosen_municipalities() {
    let scenario = fixture("three.toml");
    let scenario = scenario.to_str().unwrap();
    let output = backlog()
        .args([
            "compare",
            scenario,
            scenario,
            "--reps",
            "1",
            "--municipality",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("Totals over the municipalities shown (2)"),
        "{text}"
    );
    let one = json(&[
        "simulate",
        scenario,
        "--reps",
        "1",
        "--format",
        "json",
        "--municipality",
        "2",
    ]);
    let held = one["total"]["held"].as_f64().unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("meetings held"))
        .unwrap();
    let shown: f64 = row
        .split_whitespace()
        .nth(2)
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert_eq!(shown, held.round());
}
