//! Inputs given as ranges: the grammar and its messages, the central values, and `simulate --draws`.

use crate::common::{fixture, layer, run};
use std::path::{Path, PathBuf};

/// summary.json from its `total` on: the results without the run's identity.
fn results(dir: &Path) -> String {
    let summary = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    summary[summary.find("\n  \"total\"").unwrap()..].to_string()
}

fn json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn malformed_ranges_exit_2_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[staffing]\ncaseworkers = { low = 16, high = 12 }\n",
            "3:17: staffing.caseworkers.low: low (16) is above high (12)",
        ),
        (
            "[staffing]\ncaseworkers = 10\nphone_share = { low = 0.1, mode = 0.9, high = 0.5 }\n",
            "4:28: staffing.phone_share.mode: mode (0.9) is outside low (0.1) to high (0.5)",
        ),
        (
            "[staffing]\nphone_share = { low = 0.1, high = 0.5, step = 0.1 }\n",
            "3:1: staffing.phone_share: unknown key `step` in a range; a range is { low, high }, { low, mode, high }, { p10, p90, dist = \"normal\" } (or \"lognormal\") or { one_of = [...], weights = [...] }",
        ),
        (
            "[staffing]\ncaseworkers = { one_of = [8, 10], weights = [1, 2, 3] }\n",
            "3:35: staffing.caseworkers.weights: has 3 entries but one_of has 2: one weight per value",
        ),
        (
            "[staffing]\ncaseworkers = { p10 = -2, p90 = 12, dist = \"lognormal\" }\n",
            "3:17: staffing.caseworkers.p10: a lognormal range is for positive quantities: p10 must be above 0, got -2",
        ),
        (
            "[staffing]\ncaseworkers = { p10 = 8, p90 = 12 }\n",
            "3:1: staffing.caseworkers: p10 and p90 need dist = \"normal\" or dist = \"lognormal\"",
        ),
        (
            "[staffing]\nphone_share = { low = 0.5, high = 1.4 }\n",
            "3:1: staffing.phone_share: the range (uniform 0.5 to 1.4) at its high end (1.4): must be between 0 and 1, got 1.4",
        ),
        (
            "seed = { low = 1, high = 9 }\n",
            "2:1: seed: cannot be a range: the draws are seeded from it; give one whole number",
        ),
    ];
    for (i, (body, expected)) in cases.iter().enumerate() {
        let path = layer(dir.path(), &format!("bad{i}.toml"), body);
        let (code, stdout, stderr) = run(&["validate", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{body}: {stdout}{stderr}");
        assert_eq!(
            stderr,
            format!("error: {}:{expected}\n", path.display()),
            "{body}"
        );
    }
}

#[test]
fn a_normal_range_is_checked_at_its_first_percentile_and_set_takes_ranges() {
    let small = fixture("small.toml");
    let (code, _, stderr) = run(&[
        "simulate",
        small.to_str().unwrap(),
        "--set",
        "staffing.phone_share={p10=0.1,p90=0.5,dist=\"normal\"}",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(&format!(
            "error: {}: --set staffing.phone_share={{p10=0.1,p90=0.5,dist=\"normal\"}}: the range (normal, p10 0.1, p90 0.5) at its 1st percentile (-0.063",
            small.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("): must be between 0 and 1, got -0.063"),
        "{stderr}"
    );
}

#[test]
fn without_draws_every_range_runs_at_its_central_value() {
    let dir = tempfile::tempdir().unwrap();
    let ranged = layer(
        dir.path(),
        "ranged.toml",
        "[staffing]\ncaseworkers = { low = 6, high = 12 }\nmeetings_per_caseworker_day = { low = 4, mode = 6, high = 7 }\n",
    );
    let plain = layer(
        dir.path(),
        "plain.toml",
        "[staffing]\ncaseworkers = 9\nmeetings_per_caseworker_day = 6\n",
    );
    let ranged_sets = [
        "--set",
        "groups.kh.duration.mean_days={p10=60,p90=240,dist=\"lognormal\"}",
        "--set",
        "groups.kh.inflow_per_day={p10=2,p90=4,dist=\"normal\"}",
        "--set",
        "suspensions[0].end={one_of=[2021-04-30,2021-05-31,2021-06-30],weights=[1,2,2]}",
    ];
    let plain_sets = [
        "--set",
        "groups.kh.duration.mean_days=120",
        "--set",
        "groups.kh.inflow_per_day=3",
        "--set",
        "suspensions[0].end=2021-05-31",
    ];
    let mut outputs = Vec::new();
    for (path, sets, name) in [(&ranged, &ranged_sets, "r"), (&plain, &plain_sets, "p")] {
        let out = dir.path().join(name);
        let mut args = vec!["simulate", path.to_str().unwrap(), "--reps", "2"];
        args.extend(sets.iter());
        args.extend(["--out", out.to_str().unwrap()]);
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{stderr}");
        outputs.push((stdout, results(&out)));
    }
    assert_eq!(outputs[0].1, outputs[1].1);
    assert!(outputs[0].0.contains("5 inputs given as ranges ran at their central values (groups.kh.duration.mean_days, groups.kh.inflow_per_day, staffing.caseworkers, staffing.meetings_per_caseworker_day, suspensions[0].end); --draws N runs the ensemble\n"), "{}", outputs[0].0);
    assert!(!outputs[1].0.contains("ranges"));
    // A plain value given later replaces a range whole.
    let out = dir.path().join("over");
    let (code, _, stderr) = run(&[
        "simulate",
        ranged.to_str().unwrap(),
        "--reps",
        "2",
        "--set",
        "staffing.caseworkers=9",
        "--set",
        "staffing.meetings_per_caseworker_day=6",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let summary = json(&out);
    assert!(summary["scenario"].get("ranges").is_none());
}

#[test]
fn plain_scenarios_have_no_ranges_and_refuse_draws() {
    let dir = tempfile::tempdir().unwrap();
    let small = fixture("small.toml");
    let out = dir.path().join("out");
    let (code, stdout, _) = run(&[
        "simulate",
        small.to_str().unwrap(),
        "--reps",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("range") && !stdout.contains("draws"));
    let summary = json(&out);
    assert!(summary["scenario"].get("ranges").is_none());
    assert!(summary["scenario"].get("draws").is_none());
    assert!(summary["bands"]["held"].get("dice_p5").is_none());
    let csv = std::fs::read_to_string(out.join("municipalities.csv")).unwrap();
    assert!(!csv.contains("dice"));
    assert!(!out.join("draws.csv").exists());
    let (code, _, stderr) = run(&["simulate", small.to_str().unwrap(), "--draws", "10"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "error: --draws: {} gives no input as a range; write one as {{ low = 0.4, high = 0.8 }} (docs/scenario.md)\n",
            small.display()
        )
    );
}

/// Staff from 2 to 4 caseworkers: capacity binds at the low end, so the range moves the results.
fn scarce(dir: &Path) -> PathBuf {
    layer(
        dir,
        "scarce.toml",
        "[staffing]\ncaseworkers = { low = 2, high = 4 }\n",
    )
}

fn band(summary: &serde_json::Value, metric: &str, key: &str) -> f64 {
    summary["bands"][metric][key].as_f64().unwrap()
}

#[test]
fn an_ensemble_band_holds_the_dice_band_and_draws_csv_follows_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let path = scarce(dir.path());
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run(&[
        "simulate",
        path.to_str().unwrap(),
        "--reps",
        "2",
        "--draws",
        "200",
        "--summary-only",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 input given as a range, 200 draws (Latin hypercube) x 2 replications with common random numbers: 400 runs"), "{stdout}");
    assert!(stdout.contains("\n5%-95% over draws and replications (predictive): held "));
    assert!(stdout.contains("\n5%-95% over replications at the central values (dice only): held "));
    let summary = json(&out);
    assert_eq!(summary["scenario"]["draws"], 200);
    for metric in ["held", "backlog_peak", "on_time_share", "days_to_clear"] {
        let (p5, p95) = (band(&summary, metric, "p5"), band(&summary, metric, "p95"));
        let (dice5, dice95) = (
            band(&summary, metric, "dice_p5"),
            band(&summary, metric, "dice_p95"),
        );
        assert!(
            p5 <= dice5 && dice95 <= p95,
            "{metric}: {p5}-{p95} vs dice {dice5}-{dice95}"
        );
        // Staff from 2 to 4 moves the time to clear the backlog far more than the dice do.
        if metric == "days_to_clear" {
            assert!(
                p95 - p5 > 2.0 * (dice95 - dice5),
                "{p5}-{p95} vs {dice5}-{dice95}"
            );
        }
    }
    let municipalities = std::fs::read_to_string(out.join("municipalities.csv")).unwrap();
    assert!(municipalities.contains(",held,held_p5,held_p95,held_dice_p5,held_dice_p95,"));
    let draws = std::fs::read_to_string(out.join("draws.csv")).unwrap();
    let mut lines = draws.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..3], ["draw", "staffing.caseworkers", "arrivals"]);
    let held = header.iter().position(|h| *h == "held").unwrap();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            l.split(',')
                .map(|f| f.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 200);
    let mut staff: Vec<f64> = rows.iter().map(|r| r[1]).collect();
    assert!(staff.iter().all(|s| (2.0..=4.0).contains(s)));
    let mean = staff.iter().sum::<f64>() / 200.0;
    assert!((mean - 3.0).abs() < 0.02, "mean {mean}");
    staff.sort_by(f64::total_cmp);
    // Uniform from 2 to 4: quartiles at 2.5 and 3.5.
    assert!((staff[49] - 2.5).abs() < 0.02 && (staff[149] - 3.5).abs() < 0.02);
    // More staff hold more meetings: the most staffed tenth hold more than the least staffed tenth.
    let mut by_staff: Vec<(f64, f64)> = rows.iter().map(|r| (r[1], r[held])).collect();
    by_staff.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mean_held = |part: &[(f64, f64)]| part.iter().map(|p| p.1).sum::<f64>() / part.len() as f64;
    assert!(mean_held(&by_staff[180..]) > mean_held(&by_staff[..20]));
}

#[test]
fn an_ensemble_is_the_same_on_one_thread_and_two() {
    let dir = tempfile::tempdir().unwrap();
    let path = layer(
        dir.path(),
        "two.toml",
        "[staffing]\ncaseworkers = { low = 2, high = 4 }\nphone_share = { one_of = [0.0, 0.5], weights = [1, 3] }\n",
    );
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.path().join(format!("out{jobs}"));
        let (code, stdout, stderr) = run(&[
            "simulate",
            path.to_str().unwrap(),
            "--reps",
            "2",
            "--draws",
            "12",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stderr}");
        let files: Vec<Vec<u8>> = [
            "summary.json",
            "municipalities.csv",
            "groups.csv",
            "daily.csv",
            "draws.csv",
        ]
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
        outputs.push((stdout.replace(&format!("out{jobs}"), "out"), files));
    }
    assert_eq!(outputs[0], outputs[1]);
    let draws = String::from_utf8(outputs[0].1[4].clone()).unwrap();
    assert_eq!(draws.lines().count(), 13);
    assert!(draws.lines().skip(1).all(|l| {
        let phone = l.split(',').nth(2).unwrap();
        phone == "0.0" || phone == "0.5"
    }));
}

#[test]
fn validate_lists_every_ranged_input_with_its_central_value() {
    let small = fixture("small.toml");
    let (code, stdout, stderr) = run(&[
        "validate",
        small.to_str().unwrap(),
        "--set",
        "staffing.caseworkers={ low = 2, high = 4 }",
        "--set",
        "staffing.phone_share={ low = 0.1, mode = 0.2, high = 0.6 }",
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(
        stdout.ends_with(
            "  2 inputs given as ranges (central value: range):\n    staffing.caseworkers = 3.0: uniform 2 to 4\n    staffing.phone_share = 0.2: triangular 0.1 to 0.6, mode 0.2\n"
        ),
        "{stdout}"
    );
}

#[test]
fn past_six_ranged_inputs_the_table_points_to_validate_instead_of_listing_them() {
    let small = fixture("small.toml");
    let mut args = vec!["simulate", small.to_str().unwrap(), "--reps", "2"];
    let sets = [
        "staffing.caseworkers={ low = 6, high = 12 }",
        "staffing.meetings_per_caseworker_day={ low = 4, high = 7 }",
        "staffing.phone_share={ low = 0.1, high = 0.3 }",
        "staffing.phone_time={ low = 0.5, high = 0.9 }",
        "groups.kh.inflow_per_day={ low = 2, high = 4 }",
        "groups.kh.duration.mean_days={ low = 90, high = 150 }",
        "suspensions[0].end={ one_of = [2021-04-30, 2021-05-31] }",
    ];
    for set in &sets {
        args.extend(["--set", set]);
    }
    let (code, central, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(central.ends_with("7 inputs given as ranges ran at their central values (`backlog validate` lists them); --draws N runs the ensemble\n"), "{central}");
    args.extend(["--draws", "8"]);
    let (code, drawn, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        drawn.ends_with("\nranges: `backlog validate` lists them; --out writes each draw's values to draws.csv\n"),
        "{drawn}"
    );
    assert!(!drawn.contains("\nrange "), "{drawn}");
    assert!(
        drawn.contains(", days to clear "),
        "the bands name days to clear: {drawn}"
    );
}
