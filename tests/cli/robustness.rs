//! Small edges of robustness: names with control characters in charts, keys given twice, values at the edge of
//! their domain, a closed stderr, and an output that is a pipe nobody reads.

use crate::common::{backlog, fixture};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// The small fixture with `edit` applied to its text, written to `dir`.
fn small_with(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(fixture("small.toml")).unwrap();
    let path = dir.join("scenario.toml");
    std::fs::write(&path, edit(text)).unwrap();
    path
}

/// A scenario name holding control characters (allowed in TOML strings as escapes) leaves the SVG chart and
/// the HTML report well-formed: the characters are written as visible escapes.
#[test]
fn control_characters_in_a_name_keep_charts_and_reports_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small_with(dir.path(), |text| {
        text.replace(
            "name = \"small\"",
            "name = \"small\\u0001\\u001b[31m\\u0007\"",
        )
    });
    let chart = dir.path().join("chart.svg");
    backlog()
        .arg("simulate")
        .arg(&scenario)
        .arg("--plot")
        .arg(&chart)
        .assert()
        .success();
    let svg = std::fs::read_to_string(&chart).unwrap();
    let document = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
    let texts: Vec<&str> = document
        .descendants()
        .filter_map(|node| node.text())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("small\\u{1}\\u{1b}[31m\\u{7}")),
        "{texts:?}"
    );
    let report = dir.path().join("report.html");
    backlog()
        .arg("report")
        .arg(&scenario)
        .args(["--reps", "1", "--out"])
        .arg(&report)
        .assert()
        .success();
    let html = std::fs::read_to_string(&report).unwrap();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(&html, options).unwrap_or_else(|e| panic!("{e}"));
    assert!(html.contains("small\\u{1}\\u{1b}[31m\\u{7}"));
    assert!(!html.contains('\u{1}') && !svg.contains('\u{1b}'));
}

/// A municipality adjusted twice, in the file or by two `--set` of one key, is refused instead of keeping the
/// last silently.
#[test]
fn an_adjustment_given_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = small_with(dir.path(), |text| {
        text + "\n[[municipalities.adjust]]\ncode = 1\ninflow_factor = 2\n\n[[municipalities.adjust]]\ncode = 1\ncaseworkers = 5\n"
    });
    backlog()
        .arg("validate")
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(format!(
            "error: {}:35:1: municipalities.adjust[1].code: municipality 1 is adjusted twice (first in municipalities.adjust[0]); put its keys in one entry\n",
            scenario.display()
        ));
    backlog()
        .args(["validate", "tests/fixtures/small.toml"])
        .args(["--set", "municipalities.adjust.1.inflow_factor=2"])
        .args(["--set", "municipalities.adjust.1.inflow_factor=3"])
        .assert()
        .code(2)
        .stderr("error: --set: `municipalities.adjust.1.inflow_factor` is given twice (municipalities.adjust.1.inflow_factor=2 and municipalities.adjust.1.inflow_factor=3); give each key once\n");
    // Two keys of one table are two keys.
    backlog()
        .args(["validate", "tests/fixtures/small.toml"])
        .args(["--set", "staffing.phone_share=0.5"])
        .args(["--set", "staffing.phone_time=0.5"])
        .assert()
        .success();
}

/// `phone_time` is at least a hundredth of an in-person meeting (a meeting of no time would make capacity
/// unbounded), in `[staffing]` and in a change; a dated change that changes nothing is refused.
#[test]
fn phone_time_has_a_floor_and_a_change_must_change_something() {
    let dir = tempfile::tempdir().unwrap();
    for (key, value) in [
        ("staffing.phone_time", "1e-300"),
        ("staffing.phone_time", "0"),
    ] {
        backlog()
            .args(["validate", "tests/fixtures/small.toml", "--set"])
            .arg(format!("{key}={value}"))
            .assert()
            .code(2)
            .stderr(predicate::str::ends_with(format!(
                "{key}={value}: must be between 0.01 and 1, got {value}\n"
            )));
    }
    backlog()
        .args(["validate", "tests/fixtures/small.toml"])
        .args(["--set", "staffing.phone_time=0.01"])
        .assert()
        .success();
    let scenario = small_with(dir.path(), |text| {
        text.replace(
            "meetings_per_caseworker_day = 5\n",
            "meetings_per_caseworker_day = 5\nchanges = [{ id = \"x\", date = 2021-06-01 }, { date = 2021-07-01, phone_share = 0.5, phone_time = 1e-300 }]\n",
        )
    });
    let file = scenario.display();
    backlog()
        .arg("validate")
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(format!(
            "error: {file}:17:12: staffing.changes[0]: changes nothing: give at least one of caseworkers, caseworkers_factor, add_caseworkers, meetings_per_caseworker_day, phone_share and phone_time (or remove the change)\n\
             {file}:17:85: staffing.changes[1].phone_time: must be between 0.01 and 1, got 1e-300\n"
        ));
}

/// Runs `backlog ARGS` with stderr closed (`2>&-`).
#[cfg(target_os = "linux")]
fn with_stderr_closed(args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" \"$@\" 2>&-")
        .arg(assert_cmd::cargo::cargo_bin("backlog"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// With stderr closed, a run that had a note to give cannot give it: its results are written and it exits 3,
/// not a silent 0. A run with nothing to say succeeds; bad input still exits 2.
#[cfg(target_os = "linux")]
#[test]
fn a_closed_stderr_fails_a_run_that_had_something_to_say() {
    let noted = with_stderr_closed(&["simulate", "tests/fixtures/small.toml", "--jobs", "100000"]);
    assert_eq!(noted.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&noted.stdout).starts_with("small (2021-01-01 to 2021-12-31)"));
    let quiet = with_stderr_closed(&["simulate", "tests/fixtures/small.toml"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(quiet.stdout, noted.stdout);
    let bad = with_stderr_closed(&["simulate", "tests/fixtures/missing.toml"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// An output that is a named pipe nothing reads is refused before the run (a blocking open would wait for ever
/// after it); one with a reader is written in place (tests/cli/atomic.rs).
#[cfg(unix)]
#[test]
fn an_output_pipe_without_a_reader_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("chart.svg");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    backlog()
        .args(["simulate", "tests/fixtures/small.toml", "--plot"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: --plot: `{}` is a named pipe (FIFO) that nothing reads; start the program that reads it first, or give a file\n",
            fifo.display()
        ));
}
