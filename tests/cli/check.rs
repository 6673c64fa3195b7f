//! `backlog check`: published figures against the model, exit codes, JUnit, and bad expectations.

use crate::common::{backlog, fixture};
use predicates::prelude::*;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn small_plus(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let base = std::fs::read_to_string(fixture("small.toml")).unwrap();
    write(dir, "scenario.toml", &format!("{base}\n{extra}"))
}

#[test]
fn a_figure_outside_its_tolerance_fails_with_exit_1_and_junit_shows_each_figure() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("check.xml");
    backlog()
        .args([
            "check",
            fixture("expect-fail.toml").to_str().unwrap(),
            "--reps",
            "3",
            "--junit",
            junit.to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("PASS arrivals in 2021"))
        .stdout(predicate::str::contains("FAIL an impossible figure"))
        .stdout(predicate::str::contains(
            "1 passed, 1 failed, 0 known misses",
        ));
    let xml = std::fs::read_to_string(junit).unwrap();
    assert!(
        xml.contains(r#"<testsuites name="backlog check" tests="2" failures="1">"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase classname="small with expectations" name="arrivals in 2021">"#)
    );
    assert_eq!(xml.matches("<failure ").count(), 1);
}

#[test]
fn json_reports_the_band_and_the_error() {
    let output = backlog()
        .args([
            "check",
            fixture("expect-fail.toml").to_str().unwrap(),
            "--reps",
            "5",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let arrivals = &results[0];
    let mean = arrivals["simulated"]["mean"].as_f64().unwrap();
    let (p5, p95) = (
        arrivals["simulated"]["p5"].as_f64().unwrap(),
        arrivals["simulated"]["p95"].as_f64().unwrap(),
    );
    assert!(p5 <= mean && mean <= p95);
    // Poisson(3) a day for 365 days: mean 1095, sd 33; five replications stay well inside 10 %.
    assert!((mean - 1095.0).abs() < 0.1 * 1095.0);
    assert_eq!(
        arrivals["error"].as_f64().unwrap(),
        (mean - 1095.0) / 1095.0
    );
    assert_eq!(results[1]["pass"], false);
}

#[test]
fn a_known_miss_is_reported_but_does_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let path = small_plus(
        dir.path(),
        "[[expect]]\nfigure = \"impossible\"\nsource = \"test\"\nvalue = 1\ntolerance = 0.05\nmetric = \"held\"\nknown_miss = \"the model cannot\"\n",
    );
    backlog()
        .args(["check", path.to_str().unwrap(), "--reps", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("MISS impossible"))
        .stdout(predicate::str::contains("known miss: the model cannot"));
}

#[test]
fn bad_expectations_and_extends_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("[[expect]]\nfigure = \"x\"\nsource = \"y\"\nvalue = 1\ntolerance = 0.1\nmetric = \"helt\"\n", "expect[0].metric: unknown metric `helt`"),
        ("[[expect]]\nfigure = \"x\"\nsource = \"y\"\nvalue = 1\ntolerance = 0.1\nmetric = \"held\"\nmunicipality = 999\n", "expect[0].municipality: municipality 999 is not in this scenario"),
        ("[[expect]]\nfigure = \"x\"\nsource = \"y\"\nvalue = 1\ntolerance = 0.1\nmetric = \"held\"\nfrom = 2020-06-01\n", "expect[0].from: 2020-06-01 is outside the period (2021-01-01 to 2021-12-31)"),
    ];
    for (extra, message) in cases {
        let path = small_plus(dir.path(), extra);
        backlog()
            .args(["check", path.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    let missing = write(
        dir.path(),
        "child.toml",
        "extends = \"nowhere.toml\"\nname = \"child\"\n",
    );
    backlog()
        .args(["check", missing.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "child.toml:1:1: extends: `nowhere.toml` does not exist",
        ));
    write(dir.path(), "a.toml", "extends = \"b.toml\"\nname = \"a\"\n");
    let looped = write(dir.path(), "b.toml", "extends = \"a.toml\"\nname = \"b\"\n");
    backlog()
        .args(["validate", looped.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("closes a loop"));
}

#[test]
fn extends_overrides_a_few_keys_and_merges_groups_by_id() {
    let scenario = backlog::scenario::load(&fixture("expect-fail.toml")).unwrap();
    assert_eq!(scenario.name, "small with expectations");
    assert_eq!(scenario.groups[0].id, "kh");
    assert_eq!(scenario.expectations.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    let child = write(
        dir.path(),
        "child.toml",
        &format!(
            "extends = {:?}\nname = \"child\"\nsuspensions = []\n[[groups]]\nid = \"kh\"\ninflow_per_day = 5\n",
            fixture("small.toml").to_str().unwrap()
        ),
    );
    let scenario = backlog::scenario::load(&child).unwrap();
    assert_eq!(scenario.groups.len(), 1);
    assert_eq!(scenario.groups[0].inflow_per_day.base, 5.0);
    assert_eq!(
        scenario.groups[0].meetings.len(),
        2,
        "the rest of the group comes from the parent"
    );
    assert!(scenario.suspensions.is_empty());
}

#[test]
fn the_shipped_scenarios_validate() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenarios: Vec<String> = ["scenarios", "scenarios/readings"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|e| e.unwrap().path().to_str().unwrap().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    assert!(scenarios.len() >= 10);
    backlog()
        .arg("validate")
        .args(&scenarios)
        .assert()
        .success();
}

/// A published value of 0 has no relative error: its tolerance is absolute, in the metric's units.
#[test]
fn an_expected_value_of_zero_is_checked_with_an_absolute_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zero.toml");
    std::fs::write(
        &path,
        format!(
            "extends = \"{}\"\nname = \"zero\"\n\n[[expect]]\nfigure = \"nothing waived\"\nsource = \"closed form: no waive rule\"\nvalue = 0\ntolerance = 0.5\nmetric = \"waived\"\n\n[[expect]]\nfigure = \"no arrivals\"\nsource = \"wrong on purpose\"\nvalue = 0\ntolerance = 10\nmetric = \"arrivals\"\n",
            crate::common::fixture("small.toml").display()
        ),
    )
    .unwrap();
    let output = backlog()
        .args([
            "check",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--reps",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let waived = &results[0];
    assert_eq!(waived["absolute"], true);
    assert_eq!(waived["error"], 0.0);
    assert_eq!(waived["pass"], true);
    let arrivals = &results[1];
    let mean = arrivals["simulated"]["mean"].as_f64().unwrap();
    assert!(mean > 10.0);
    assert_eq!(arrivals["error"].as_f64(), Some(mean));
    assert_eq!(arrivals["pass"], false);
}

#[test]
fn check_with_nothing_to_check_is_refused() {
    let small = crate::common::fixture("small.toml");
    backlog()
        .args(["check", small.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: {}: has no [[expect]] table, so there is nothing to check; add the published figures it should reproduce, or run it with `simulate`\n",
            small.display()
        ));
    // Beside a scenario with figures, it is named and skipped.
    backlog()
        .args(["check", small.to_str().unwrap()])
        .arg(crate::common::fixture("expect-fail.toml"))
        .assert()
        .code(1)
        .stderr(format!(
            "note: {} has no [[expect]] table; nothing to check there\n",
            small.display()
        ));
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_in_extends_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("b.toml", dir.path().join("a.toml")).unwrap();
    std::os::unix::fs::symlink("a.toml", dir.path().join("b.toml")).unwrap();
    let child = dir.path().join("child.toml");
    std::fs::write(&child, "extends = \"a.toml\"\nname = \"x\"\n").unwrap();
    backlog()
        .args(["validate", child.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(format!(
            "error: {}:1:1: extends: `a.toml` is a loop of symbolic links ({}); point it at a scenario file\n",
            child.display(),
            dir.path().join("a.toml").display()
        ));
}

/// Runs `check --format json` on `path` with 3 replications and returns the results.
fn check_json(path: &std::path::Path) -> serde_json::Value {
    let output = backlog()
        .args([
            "check",
            path.to_str().unwrap(),
            "--reps",
            "3",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(output.status.code().is_some_and(|c| c <= 1), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn expectation(figure: &str, metric: &str, extra: &str) -> String {
    format!("[[expect]]\nfigure = \"{figure}\"\nsource = \"test\"\nvalue = 100\ntolerance = 0.1\nmetric = \"{metric}\"\nfrom = 2021-03-01\nto = 2021-04-30\n{extra}")
}

#[test]
fn like_for_like_on_the_same_run_is_reported_beside_the_test() {
    let dir = tempfile::tempdir().unwrap();
    let extra = [
        expectation(
            "owed",
            "owed",
            "definition = \"all owed\"\nlike_for_like = { metric = \"owed_kept\", definition = \"owed, not dropped\" }\n",
        ),
        expectation("dropped", "dropped", ""),
    ]
    .concat();
    let results = check_json(&small_plus(dir.path(), &extra));
    let (owed, dropped) = (&results[0], &results[1]);
    assert_eq!(owed["definition"], "all owed");
    let like = &owed["like_for_like"];
    assert_eq!(like["definition"], "owed, not dropped");
    assert_eq!(like["scenario"], serde_json::Value::Null);
    let mean = |v: &serde_json::Value| v["simulated"]["mean"].as_f64().unwrap();
    assert!(mean(dropped) > 0.0);
    // Means over the same replications: owed_kept = owed - dropped, to rounding.
    assert!((mean(like) - (mean(owed) - mean(dropped))).abs() < 1e-6);
    assert_eq!(
        like["error"].as_f64().unwrap(),
        (mean(like) - 100.0) / 100.0
    );
    // The test itself stays on the expectation's own metric.
    assert_eq!(
        owed["error"].as_f64().unwrap(),
        (mean(owed) - 100.0) / 100.0
    );
    assert_eq!(dropped["like_for_like"], serde_json::Value::Null);
}

#[test]
fn like_for_like_on_a_counterfactual_runs_it_with_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(fixture("small.toml")).unwrap();
    // The counterfactual: the fixture without its suspension, and checking its own held meetings in the window.
    write(
        dir.path(),
        "no-suspension.toml",
        &format!(
            "{}\n{}",
            base.replace("[[suspensions]]", "[[ignored]]")
                .split("[[ignored]]")
                .next()
                .unwrap(),
            expectation("held", "held", "")
        ),
    );
    let with = small_plus(
        dir.path(),
        &expectation(
            "suspended",
            "suspended",
            "like_for_like = { scenario = \"no-suspension.toml\", metric = \"held\", definition = \"held without it\" }\n",
        ),
    );
    let results = check_json(&with);
    let without = check_json(&dir.path().join("no-suspension.toml"));
    let like = &results[0]["like_for_like"];
    assert!(like["scenario"]
        .as_str()
        .unwrap()
        .ends_with("no-suspension.toml"));
    // Same seed, same replications, same range: exactly the counterfactual's own figure.
    assert_eq!(like["simulated"], without[0]["simulated"]);
    assert!(like["simulated"]["mean"].as_f64().unwrap() > 0.0);
    assert_ne!(like["simulated"], results[0]["simulated"]);
    let junit = dir.path().join("check.xml");
    let table = backlog()
        .args(["check", with.to_str().unwrap(), "--reps", "3", "--junit"])
        .arg(&junit)
        .output()
        .unwrap();
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("; like-for-like (held without it) mean "),
        "{xml}"
    );
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("like-for-like"), "{text}");
    assert!(
        text.contains("published figure's definition: held without it (computed on "),
        "{text}"
    );
}

#[test]
fn a_bad_like_for_like_exits_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let other = write(
        dir.path(),
        "elsewhere.toml",
        &std::fs::read_to_string(fixture("small.toml"))
            .unwrap()
            .replace("code = 1,", "code = 2,"),
    );
    assert!(other.is_file());
    let cases = [
        (
            "like_for_like = { scenario = \"nowhere.toml\", definition = \"d\" }\n",
            "expect[0].like_for_like.scenario: ",
        ),
        (
            "like_for_like = { metric = \"helt\", definition = \"d\" }\n",
            "expect[0].like_for_like.metric: unknown metric `helt`",
        ),
        (
            "municipality = 1\nlike_for_like = { scenario = \"elsewhere.toml\", definition = \"d\" }\n",
            "expect[0].like_for_like.scenario: ",
        ),
    ];
    for (extra, message) in cases {
        let path = small_plus(dir.path(), &expectation("x", "held", extra));
        backlog()
            .args(["check", path.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    let path = small_plus(
        dir.path(),
        &expectation(
            "x",
            "held",
            "municipality = 1\nlike_for_like = { scenario = \"elsewhere.toml\", definition = \"d\" }\n",
        ),
    );
    backlog()
        .args(["check", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "elsewhere.toml: has no municipality 1",
        ))
        .stderr(predicate::str::contains("nowhere").not());
}

/// `check --draws` on expect-fail.toml with the inflow drawn from 2 to 4 a day: arrivals in 2021 are then
/// 365 times the drawn inflow, so the predictive band spans most of 730-1,460 around the published 1,095.
fn check_with_draws(jobs: &str) -> (i32, serde_json::Value, String) {
    let output = backlog()
        .args([
            "check",
            fixture("expect-fail.toml").to_str().unwrap(),
            "--set",
            "groups.kh.inflow_per_day={ low = 2, high = 4 }",
            "--draws",
            "40",
            "--reps",
            "3",
            "--format",
            "json",
            "--jobs",
            jobs,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (
        output.status.code().unwrap(),
        serde_json::from_str(&stdout).unwrap(),
        stdout,
    )
}

#[test]
fn draws_add_a_predictive_band_beside_the_test_and_leave_the_test_as_it_was() {
    let (code, results, one_thread) = check_with_draws("1");
    let (_, _, two_threads) = check_with_draws("2");
    assert_eq!(one_thread, two_threads, "the same on one thread and two");
    // The statuses are those of the central values, as without --draws: one pass, one fail, exit 1.
    assert_eq!(code, 1);
    assert_eq!(results[0]["pass"], true);
    assert_eq!(results[1]["pass"], false);
    for r in results.as_array().unwrap() {
        let p = &r["predictive"];
        assert_eq!(p["draws"], 40);
        assert_eq!(p["replications"], 3);
        let (low, high) = (
            p["simulated"]["p5"].as_f64().unwrap(),
            p["simulated"]["p95"].as_f64().unwrap(),
        );
        let value = r["value"].as_f64().unwrap();
        assert_eq!(p["inside"], low <= value && value <= high);
        // Equal but for the last bit, which the JSON's shortest decimal form may round.
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
        assert!(close(p["width"].as_f64().unwrap(), high - low), "{p}");
        let miss = (low - value).max(0.0) + (value - high).max(0.0);
        assert!(
            close(
                p["interval_score"].as_f64().unwrap(),
                high - low + 20.0 * miss
            ),
            "{p}"
        );
    }
    // Arrivals: the drawn inflow's 5 %-95 % is 2.1-3.9 a day, about 767-1,424 a year, far wider than the
    // dice alone (Poisson, sd about 33), and it holds the published 1,095.
    let arrivals = &results[0];
    let predictive = &arrivals["predictive"]["simulated"];
    let width = arrivals["predictive"]["width"].as_f64().unwrap();
    assert!(width > 500.0 && width < 800.0, "{arrivals}");
    assert!(predictive["p5"].as_f64() < arrivals["simulated"]["p5"].as_f64());
    assert!(predictive["p95"].as_f64() > arrivals["simulated"]["p95"].as_f64());
    assert_eq!(arrivals["predictive"]["inside"], true);
    // The impossible figure (1 meeting held in June) lies below its band, and its score says by how much.
    assert_eq!(results[1]["predictive"]["inside"], false);
}

#[test]
fn draws_without_any_range_exit_2() {
    backlog()
        .args([
            "check",
            fixture("expect-fail.toml").to_str().unwrap(),
            "--draws",
            "10",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::ends_with(
            "error: --draws: none of the scenarios gives an input as a range; write one as { low = 0.4, high = 0.8 } (docs/scenario.md)\n",
        ));
}

/// Control characters in a scenario's name cannot appear in XML 1.0, even as references: the JUnit file stays
/// well-formed, with them written as visible escapes and a tab kept as a tab.
#[test]
fn control_characters_in_a_name_keep_the_junit_file_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("small.toml"), dir.path().join("small.toml")).unwrap();
    let text = std::fs::read_to_string(fixture("expect-fail.toml"))
        .unwrap()
        .replace(
            "name = \"small with expectations\"",
            "name = \"bell\\u0007 tab\\t end\\u001B\"",
        );
    std::fs::write(dir.path().join("named.toml"), text).unwrap();
    let junit = dir.path().join("check.xml");
    backlog()
        .current_dir(dir.path())
        .args(["check", "named.toml", "--junit", "check.xml", "-q"])
        .assert()
        .code(1);
    let xml = std::fs::read_to_string(junit).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    let case = document
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(
        case.attribute("classname"),
        Some("bell\\u{7} tab\t end\\u{1b}")
    );
}

#[test]
fn the_progress_of_check_counts_the_runs_of_its_counterfactuals() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(fixture("small.toml")).unwrap();
    write(dir.path(), "other.toml", &base);
    let with = small_plus(
        dir.path(),
        &expectation(
            "held",
            "held",
            "like_for_like = { scenario = \"other.toml\", metric = \"held\", definition = \"held elsewhere\" }\n",
        ),
    );
    let scenarios = backlog::scenario::load_all(&[with], &[]).unwrap();
    let counterfactuals = backlog::check::load_counterfactuals(&scenarios).unwrap();
    // The scenario's own runs, then those of the scenario its like-for-like figure is computed on: counting only
    // the first showed "20/10 runs (200%)".
    let runs: Vec<&str> = backlog::check::runs_of(&scenarios[0], &counterfactuals)
        .map(|s| s.file.file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(runs, ["scenario.toml", "other.toml"]);
    let other = backlog::scenario::load(&dir.path().join("other.toml")).unwrap();
    assert_eq!(backlog::check::runs_of(&other, &counterfactuals).count(), 1);
}
