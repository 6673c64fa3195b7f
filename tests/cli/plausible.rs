//! `--draws` on compare, with the sides' draws paired, and `--plausible` on compare, sweep, report and
//! sensitivity: each runs the plausible set as `simulate` does, refuses a stale one, and takes the first N sets
//! with `--draws`.

use crate::calibrate::{calibrate, synthetic};
use crate::common::backlog;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The synthetic scenario and its plausible set, in `dir`.
fn calibrated(dir: &Path) -> (PathBuf, PathBuf) {
    let scenario = synthetic(dir, 500.0);
    let plausible = dir.join("plausible.toml");
    calibrate(&scenario, &plausible);
    (scenario, plausible)
}

fn run(args: &[&str]) -> Output {
    backlog().args(args).output().unwrap()
}

fn text(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Changes the scenario's calibration target, so that its plausible set is stale, and checks that `args`
/// (which run the set) are refused with the message `simulate` gives.
fn assert_refused_once_stale(scenario: &Path, plausible: &Path, args: &[&str]) {
    let text = std::fs::read_to_string(scenario)
        .unwrap()
        .replace("value = 93", "value = 120");
    std::fs::write(scenario, text).unwrap();
    let stale = run(args);
    assert_eq!(stale.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: {}: is stale: {} has changed since it was calibrated (its inputs, data, ranges or calibration targets); regenerate it with `backlog calibrate {} --draws 64 --reps 4 --seed 7 --out {}`",
            plausible.display(),
            scenario.display(),
            scenario.display(),
            plausible.display()
        )),
        "{stderr}"
    );
}

#[test]
fn compare_pairs_the_draws_of_the_sides_for_any_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = synthetic(dir.path(), 500.0);
    let path = scenario.to_str().unwrap();
    let compare = |jobs: &str| {
        text(&run(&[
            "compare",
            path,
            "--what-if",
            "staffing.caseworkers=4",
            "--draws",
            "6",
            "--reps",
            "2",
            "--jobs",
            jobs,
        ]))
    };
    let one = compare("1");
    assert_eq!(one, compare("2"));
    assert!(one.contains("A: 1 input given as a range, 6 draws (Latin hypercube) x 2 replications"));
    assert!(
        one.contains("B - A: 5%-95% of the paired difference over draws and replications: held ")
    );
    // The baseline's ensemble is the one `simulate --draws` runs.
    let simulate = text(&run(&["simulate", path, "--draws", "6", "--reps", "2"]));
    let predictive = |out: &str, prefix: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(prefix).map(str::to_string))
            .unwrap_or_else(|| panic!("no {prefix} in {out}"))
    };
    assert_eq!(
        predictive(&one, "A: 5%-95% over draws and replications (predictive): "),
        predictive(
            &simulate,
            "5%-95% over draws and replications (predictive): "
        )
    );
    // The same scenario on both sides: paired draws and dice leave no difference at all.
    let same = run(&["compare", path, path, "--draws", "6", "--reps", "2"]);
    assert!(text(&same).contains(
        "B - A: 5%-95% of the paired difference over draws and replications: held 0 to 0, backlog peak 0 to 0, days to clear 0 to 0, overdue at end 0 to 0"
    ));
    // Without --draws, nothing of it.
    let plain = text(&run(&[
        "compare",
        path,
        "--what-if",
        "staffing.caseworkers=4",
    ]));
    assert!(!plain.contains("paired"));
}

#[test]
fn compare_runs_the_plausible_set_and_refuses_a_stale_one() {
    let dir = tempfile::tempdir().unwrap();
    let (scenario, plausible) = calibrated(dir.path());
    let (path, set) = (scenario.to_str().unwrap(), plausible.to_str().unwrap());
    let args = [
        "compare",
        path,
        "--what-if",
        "staffing.caseworkers=4",
        "--reps",
        "2",
        "--plausible",
        set,
    ];
    let out = text(&run(&args));
    assert!(out.contains(&format!("draws (the plausible set {set}) x 2 replications")));
    let first = text(&run(
        &[&args[..], &["--draws", "3", "--format", "json"]].concat()
    ));
    let json: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(json["scenarios"][1]["scenario"]["draws"], 3);
    assert!(json["scenarios"][1]["difference_bands"]["backlog_peak"]["p5"].is_number());
    assert!(json["scenarios"][0]["bands"]["held"]["dice_p5"].is_number());
    assert_refused_once_stale(&scenario, &plausible, &args);
}

#[test]
fn sweep_runs_the_plausible_set_at_every_point_and_refuses_a_stale_one() {
    let dir = tempfile::tempdir().unwrap();
    let (scenario, plausible) = calibrated(dir.path());
    let (path, set) = (scenario.to_str().unwrap(), plausible.to_str().unwrap());
    let accepted = toml::from_str::<toml::Table>(&std::fs::read_to_string(&plausible).unwrap())
        .unwrap()["accepted"]
        .as_integer()
        .unwrap();
    let args = [
        "sweep",
        path,
        "--vary",
        "staffing.caseworkers=4,10",
        "--reps",
        "1",
        "--format",
        "json",
        "--plausible",
        set,
    ];
    let draws = |extra: &[&str]| {
        let out = text(&run(&[&args[..], extra].concat()));
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        json["scenario"]["draws"]
            .as_i64()
            .unwrap_or_else(|| panic!("{out}"))
    };
    assert_eq!(draws(&[]), accepted);
    assert_eq!(draws(&["--draws", "3"]), 3);
    assert_refused_once_stale(&scenario, &plausible, &args);
}

#[test]
fn report_runs_the_plausible_set_without_the_prior_drivers_and_refuses_a_stale_one() {
    let dir = tempfile::tempdir().unwrap();
    let (scenario, plausible) = calibrated(dir.path());
    let html = dir.path().join("report.html");
    let (path, set) = (scenario.to_str().unwrap(), plausible.to_str().unwrap());
    let args = [
        "report",
        path,
        "--reps",
        "1",
        "--out",
        html.to_str().unwrap(),
        "--plausible",
        set,
        "--draws",
        "3",
    ];
    text(&run(&args));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains(&format!("With 3 sets of the plausible set {set}")));
    assert!(!page.contains("<section id=\"drivers\">"));
    assert_refused_once_stale(&scenario, &plausible, &args);
}

#[test]
fn sensitivity_refuses_a_plausible_set_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = synthetic(dir.path(), 500.0);
    let output = run(&[
        "sensitivity",
        scenario.to_str().unwrap(),
        "--metric",
        "backlog_peak",
        "--plausible",
        "any.toml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim_end(),
        "error: --plausible: cannot rank inputs over the plausible set any.toml: Sobol' indices need every input drawn independently of the others, and the plausible set's are not (the calibration targets keep a value of one input only beside some values of another); drawing each from its plausible band alone would rank the inputs over combinations the calibration rejected. Rank them over their prior ranges without --plausible, or run the plausible set with `simulate --plausible` (docs/calibration.md)"
    );
}

#[test]
fn the_danish_report_describes_ranges_in_danish() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = synthetic(dir.path(), 500.0);
    let html = dir.path().join("rapport.html");
    text(&run(&[
        "report",
        scenario.to_str().unwrap(),
        "--lang",
        "da",
        "--draws",
        "4",
        "--reps",
        "1",
        "--out",
        html.to_str().unwrap(),
    ]));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<td class=\"text\">ligefordelt 1 til 5</td>"),
        "{page}"
    );
    assert!(!page.contains("uniform 1 to 5"));
}
