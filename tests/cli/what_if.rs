//! `compare --what-if`: one scenario against itself changed, with every side's changes named; `--set` adding
//! a whole dated entry; identical sides warned of.

use crate::common::run;
use std::path::{Path, PathBuf};

const SCENARIO: &str = r#"name = "spring"
seed = 11
start = 2021-01-01
end = 2021-09-30

[municipalities]
reference_population = 1000
list = [{ code = 1, name = "Testby", population = 1000 }]

[staffing]
caseworkers = 6
meetings_per_caseworker_day = 5

[[staffing.changes]]
id = "reopen"
date = 2021-05-01
phone_share = 1.0

[[groups]]
id = "kh"
initial_stock = 400
inflow_per_day = 3
duration = { distribution = "exponential", mean_days = 120 }
meetings = [{ due_day = 0, deadline_day = 7 }, { due_day = 60, deadline_day = 90 }]
followup = { every_days = 30, deadline_days = 14 }

[[suspensions]]
id = "spring"
start = 2021-03-01
end = 2021-04-30
groups.kh = { action = "catch_up" }
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `backlog ARGS` and returns (exit code, stdout, stderr).
fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn a_what_if_side_runs_the_scenario_with_its_change_and_the_first_side_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "spring.toml", SCENARIO);
    let changed = write(
        dir.path(),
        "earlier.toml",
        &SCENARIO.replace("end = 2021-04-30", "end = 2021-04-15"),
    );
    let (code, out, err) = run(&[
        "compare",
        plain.to_str().unwrap(),
        "--reps",
        "2",
        "--format",
        "json",
        "--what-if",
        "suspensions.spring.end=2021-04-15",
    ]);
    assert_eq!(code, 0, "{err}");
    let document = json(&out);
    let sides = document["scenarios"].as_array().unwrap();
    assert_eq!(sides.len(), 2);
    let (code, by_files, err) = run(&[
        "compare",
        plain.to_str().unwrap(),
        changed.to_str().unwrap(),
        "--reps",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let by_files = json(&by_files);
    for side in 0..2 {
        assert_eq!(sides[side]["total"], by_files["scenarios"][side]["total"]);
        assert_eq!(
            sides[side]["difference"],
            by_files["scenarios"][side]["difference"]
        );
    }
    assert_ne!(sides[0]["total"], sides[1]["total"]);
    assert!(sides[0]["scenario"].get("what_if").is_none());
    assert_eq!(
        sides[1]["scenario"]["what_if"],
        json(r#"["suspensions.spring.end=2021-04-15"]"#)
    );
    // The reopening's change, the day after the old end, stayed where it was: the side says so.
    assert_eq!(
        sides[1]["scenario"]["what_if_notes"],
        json(
            r#"["suspensions.spring.end moved from 2021-04-30 to 2021-04-15; left where it was: staffing.changes.reopen.date = 2021-05-01"]"#
        )
    );
}

#[test]
fn the_legend_and_the_chart_name_each_sides_changes() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "spring.toml", SCENARIO);
    let chart = dir.path().join("overlay.svg");
    let (code, out, err) = run(&[
        "compare",
        plain.to_str().unwrap(),
        "--reps",
        "1",
        "--set",
        "staffing.caseworkers=5",
        "--what-if",
        "suspensions.spring.end=2021-04-15; staffing.changes.reopen.date=2021-04-16",
        "--what-if",
        "staffing.changes.june={date=2021-06-01, add_caseworkers={1=2}}",
        "--plot",
        chart.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let legend: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(legend.len(), 8, "{out}");
    assert_eq!(legend[1], "    set: staffing.caseworkers=5");
    assert!(legend[2].starts_with("B   spring ("));
    assert_eq!(legend[3], "    set: staffing.caseworkers=5");
    assert_eq!(
        legend[4],
        "    what if: suspensions.spring.end=2021-04-15; staffing.changes.reopen.date=2021-04-16"
    );
    assert_eq!(
        legend[7],
        "    what if: staffing.changes.june={date=2021-06-01, add_caseworkers={1=2}}"
    );
    // Both dated entries moved together: nothing was left behind.
    assert!(!out.contains("left where"), "{out}");
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains(
        "B: spring (set staffing.caseworkers=5) (what if suspensions.spring.end=2021-04-15; staffing.changes.reopen.date=2021-04-16)"
    ));
}

#[test]
fn identical_sides_are_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "spring.toml", SCENARIO);
    let plain = plain.to_str().unwrap();
    let (code, _, err) = run(&[
        "compare",
        plain,
        plain,
        "--reps",
        "1",
        "--set",
        "staffing.caseworkers=5",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: sides A and B are identical (the same inputs, seed and replications): every difference between them is 0; --set changes every side alike"),
        "{err}"
    );
    // A what-if that sets a value to what it was.
    let (code, _, err) = run(&[
        "compare",
        plain,
        "--reps",
        "1",
        "--what-if",
        "staffing.caseworkers=5",
        "--what-if",
        "staffing.caseworkers=6",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: sides A and C are identical"),
        "{err}"
    );
    assert!(!err.contains("sides A and B"), "{err}");
}

#[test]
fn what_if_misuse_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "spring.toml", SCENARIO);
    let plain = plain.to_str().unwrap();
    for (args, said) in [
        (
            vec!["compare", plain],
            "give two scenarios or more, or one scenario with --what-if",
        ),
        (
            vec!["compare", plain, plain, "--what-if", "seed=3"],
            "--what-if: compares one scenario with itself changed, but 2 scenarios were given",
        ),
        (
            vec!["compare", plain, "--what-if", " ; "],
            "--what-if: ` ; `: no change",
        ),
        (
            vec![
                "compare",
                plain,
                "--what-if",
                "suspensions.autumn.end=2021-05-01",
            ],
            "--what-if suspensions.autumn.end=2021-05-01: `suspensions` has no entry `autumn`",
        ),
    ] {
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(said), "{args:?}: {err}");
    }
}

#[test]
fn set_adds_a_dated_entry_as_the_file_would_have_it() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "spring.toml", SCENARIO);
    let with_entry = write(
        dir.path(),
        "june.toml",
        &SCENARIO.replace(
            "[[groups]]",
            "[[staffing.changes]]\nid = \"june\"\ndate = 2021-06-01\nadd_caseworkers = 2\n\n[[groups]]",
        ),
    );
    let summary = |args: &[&str]| {
        let (code, out, err) = run(args);
        assert_eq!(code, 0, "{err}");
        json(&out)["total"].clone()
    };
    let by_set = summary(&[
        "simulate",
        plain.to_str().unwrap(),
        "--reps",
        "2",
        "--format",
        "json",
        "--set",
        "staffing.changes.june={date=2021-06-01, add_caseworkers=2}",
    ]);
    let by_file = summary(&[
        "simulate",
        with_entry.to_str().unwrap(),
        "--reps",
        "2",
        "--format",
        "json",
    ]);
    let without = summary(&[
        "simulate",
        plain.to_str().unwrap(),
        "--reps",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(by_set, by_file);
    assert_ne!(by_set, without);
}

/// With several suspensions, compare's rows show the first episode's backlog peak beside its clearing, as
/// simulate's table does, and a note says so: no row puts one episode's peak beside another's clearing.
#[test]
fn compare_shows_the_first_episodes_peak_beside_its_clearing_when_there_are_several() {
    let rich = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rich.toml");
    let (code, summary, err) = run(&["simulate", rich, "--reps", "2", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let total = &json(&summary)["total"];
    let first = &total["episodes"][0];
    let (first_peak, whole_peak) = (
        first["backlog_peak"].as_f64().unwrap(),
        total["backlog_peak"].as_f64().unwrap(),
    );
    assert!(
        first_peak < whole_peak,
        "the fixture's second episode peaks higher: {first_peak} against {whole_peak}"
    );
    let (code, table, err) = run(&[
        "compare",
        rich,
        "--what-if",
        "staffing.caseworkers=5",
        "--reps",
        "2",
    ]);
    assert_eq!(code, 0, "{err}");
    let row = table
        .lines()
        .find(|l| l.starts_with("backlog peak (overdue)"))
        .unwrap();
    let shown = row[28..]
        .split_whitespace()
        .next()
        .unwrap()
        .replace(',', "");
    assert_eq!(shown.parse::<f64>().unwrap(), first_peak.round(), "{row}");
    let id = first["id"].as_str().unwrap();
    assert!(
        table.contains(&format!(
            "In A ({id}), B ({id}), several suspensions each have their episode"
        )),
        "{table}"
    );
}
