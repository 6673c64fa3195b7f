//! `backlog sensitivity` as a user runs it: an input the metric cannot depend on ranks last with indices of zero,
//! the output does not depend on the threads, and bad input is refused with one clear message.

use crate::common::{backlog, fixture};
use std::path::{Path, PathBuf};

/// The small fixture with two ranged inputs: the staffing, which cannot change how many people arrive (the
/// engine draws its random numbers for people only), and the inflow, which can.
const RANGED: &str = r#"
name = "ranged"
seed = 7
start = 2021-01-01
end = 2021-12-31

[warmup]
days = 200

[municipalities]
reference_population = 1000
list = [{ code = 1, name = "Testby", population = 1000 }]

[staffing]
caseworkers = { low = 5, high = 15 }
meetings_per_caseworker_day = 5

[[groups]]
id = "kh"
inflow_per_day = { low = 2.0, high = 4.0 }
duration = { distribution = "exponential", mean_days = 120 }
meetings = [{ due_day = 0, deadline_day = 7 }, { due_day = 60, deadline_day = 90 }]
followup = { every_days = 90, deadline_days = 30 }

[[suspensions]]
start = 2021-03-01
end = 2021-04-30
groups.kh = { action = "catch_up" }
"#;

fn ranged() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ranged.toml");
    std::fs::write(&path, RANGED).unwrap();
    (dir, path)
}

fn sensitivity(scenario: &Path, args: &[&str]) -> Vec<u8> {
    let output = backlog()
        .arg("sensitivity")
        .arg(scenario)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "sensitivity {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

fn input<'a>(report: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("no input {key} in {report}"))
}

#[test]
fn an_input_the_metric_cannot_depend_on_has_indices_of_zero_and_ranks_last() {
    let (_dir, path) = ranged();
    let report = json(&sensitivity(
        &path,
        &["--metric", "arrivals", "--n", "32", "--format", "json"],
    ));
    assert_eq!(report["points"], 5 + 32 * 4);
    let staff = input(&report, "staffing.caseworkers");
    let inflow = input(&report, "groups.kh.inflow_per_day");
    // The same people arrive whatever the staffing: exactly no effect, in the indices and in the tornado.
    for index in ["first", "total"] {
        for field in ["value", "p5", "p95"] {
            assert_eq!(staff[index][field], 0.0, "{index}.{field}");
        }
    }
    assert_eq!(staff["swing"], 0.0);
    assert_eq!(staff["rank"], 2);
    assert_eq!(inflow["rank"], 1);
    let total = inflow["total"]["value"].as_f64().unwrap();
    assert!(total > 0.9, "{total}");
    assert!(inflow["swing"].as_f64().unwrap() > 0.0);
    // More inflow, more arrivals.
    assert!(inflow["at_high"].as_f64().unwrap() > inflow["at_low"].as_f64().unwrap());
}

#[test]
fn the_output_is_the_same_on_any_number_of_threads() {
    let (_dir, path) = ranged();
    let args = |jobs| {
        vec![
            "--metric",
            "backlog_peak",
            "--n",
            "16",
            "--reps",
            "2",
            "--format",
            "csv",
            "--jobs",
            jobs,
        ]
    };
    let one = sensitivity(&path, &args("1"));
    let two = sensitivity(&path, &args("2"));
    assert_eq!(one, two);
    let text = String::from_utf8(one).unwrap();
    assert!(
        text.starts_with("rank,input,range,central_value,low_value,high_value,total,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3);
}

#[test]
fn the_tornado_alone_runs_one_point_and_two_per_input_and_draws_its_chart() {
    let (dir, path) = ranged();
    let plot = dir.path().join("tornado.svg");
    let out = dir.path().join("ranking.csv");
    let stdout = sensitivity(
        &path,
        &[
            "--metric",
            "overdue_end",
            "--by",
            "2021-06-30",
            "--tornado-only",
            "--plot",
            plot.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let table = String::from_utf8(stdout).unwrap();
    assert!(
        table.starts_with("overdue_end of ranged by 2021-06-30: 2 ranged inputs, 5 points x 1 replication, seed 7\n"),
        "{table}"
    );
    assert!(!table.contains("total order"), "{table}");
    let svg = std::fs::read_to_string(&plot).unwrap();
    for text in [
        "staffing.caseworkers",
        "groups.kh.inflow_per_day",
        "central: ",
    ] {
        assert!(svg.contains(text), "{text}");
    }
    let csv = std::fs::read_to_string(&out).unwrap();
    let first = csv.lines().nth(1).unwrap();
    // Without the design the index columns are empty.
    assert!(first.contains(",,,,,,overdue_end,"), "{first}");
}

#[test]
fn bad_input_is_refused_with_one_message() {
    let (_dir, path) = ranged();
    let small = fixture("small.toml");
    let cases: Vec<(Vec<&str>, &Path, String)> = vec![
        (
            vec!["--metric", "backlog_peak"],
            &small,
            format!(
                "error: {}: has no ranged input, so there is nothing to rank; write an input as a range, e.g. `phone_share = {{ low = 0.4, high = 0.8 }}`, or give one with --set\n",
                small.display()
            ),
        ),
        (
            vec!["--metric", "backlog"],
            &path,
            format!(
                "error: --metric: unknown metric `backlog`; one of: {}\n",
                backlog::metric::Metric::names()
            ),
        ),
        (
            vec!["--metric", "arrivals", "--by", "2022-01-01"],
            &path,
            "error: --by: 2022-01-01 is outside the scenario's period (2021-01-01 to 2021-12-31)\n".into(),
        ),
        (
            vec!["--metric", "arrivals", "--municipality", "99"],
            &path,
            "error: --municipality: no municipality with code 99 in ranged (".into(),
        ),
    ];
    for (args, scenario, message) in cases {
        let output = backlog()
            .arg("sensitivity")
            .arg(scenario)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.starts_with(&message), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
    backlog()
        .args([
            "sensitivity",
            path.to_str().unwrap(),
            "--metric",
            "arrivals",
            "--n",
            "1",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--n <N>"));
}
