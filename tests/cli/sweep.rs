//! `backlog sweep` and `backlog merge` as a user runs them: determinism across threads and shards, common random
//! numbers, the target search, and every kind of bad input.

use crate::common::{backlog, fixture};
use std::path::Path;

/// A one-municipality scenario with scarce capacity and a suspension to catch up from.
fn scarce() -> String {
    fixture("scarce.toml").to_str().unwrap().to_string()
}

/// Runs `backlog sweep` on the scarce fixture and returns stdout.
fn sweep(args: &[&str]) -> Vec<u8> {
    let output = backlog()
        .arg("sweep")
        .arg(scarce())
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "sweep {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn records(bytes: &[u8]) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.unwrap())
        .collect()
}

fn column(bytes: &[u8], name: &str) -> usize {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().unwrap();
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

const GRID: [&str; 6] = [
    "--vary",
    "caseworkers=1..3:0.5",
    "--vary",
    "phone_share=0,0.5",
    "--reps",
    "4",
];

#[test]
fn sweep_output_is_byte_identical_for_any_number_of_threads() {
    for format in ["csv", "json"] {
        let dir = tempfile::tempdir().unwrap();
        let per_rep = |jobs: &str| dir.path().join(format!("per-rep-{jobs}.csv"));
        let run = |jobs: &str| {
            let per_rep = per_rep(jobs);
            let mut args = GRID.to_vec();
            args.extend(["--format", format, "--jobs", jobs]);
            args.extend(["--per-rep", per_rep.to_str().unwrap()]);
            sweep(&args)
        };
        let (one, two) = (run("1"), run("2"));
        assert!(!one.is_empty());
        assert_eq!(one, two, "{format} output differs between --jobs 1 and 2");
        assert_eq!(
            std::fs::read(per_rep("1")).unwrap(),
            std::fs::read(per_rep("2")).unwrap(),
            "per-replication rows differ between --jobs 1 and 2"
        );
    }
}

#[test]
fn sweep_csv_has_one_row_per_point_in_grid_order_with_identity_and_bands() {
    let out = sweep(&GRID);
    let rows = records(&out);
    assert_eq!(rows.len(), 10);
    let (caseworkers, phone) = (column(&out, "caseworkers"), column(&out, "phone_share"));
    let shown: Vec<String> = rows
        .iter()
        .map(|r| format!("{}/{}", &r[caseworkers], &r[phone]))
        .collect();
    assert_eq!(
        shown,
        ["1/0", "1/0.5", "1.5/0", "1.5/0.5", "2/0", "2/0.5", "2.5/0", "2.5/0.5", "3/0", "3/0.5"]
    );
    for (name, value) in [("scenario", "scarce"), ("seed", "11"), ("reps", "4")] {
        assert!(
            rows.iter().all(|r| &r[column(&out, name)] == value),
            "{name}"
        );
    }
    assert_eq!(rows[0][column(&out, "sha256")].len(), 64);
    // With one caseworker the backlog is never cleared: an empty cell, not a number.
    assert_eq!(&rows[0][column(&out, "days_to_clear_mean")], "");
    assert!(rows[9][column(&out, "days_to_clear_p95")]
        .parse::<f64>()
        .is_ok());
    for metric in [
        "backlog_peak",
        "overdue_end",
        "on_time_share",
        "utilisation",
        "meetings_per_caseworker_day",
    ] {
        for part in ["mean", "p5", "p95"] {
            let value: f64 = rows[4][column(&out, &format!("{metric}_{part}"))]
                .parse()
                .unwrap();
            assert!(value.is_finite());
        }
    }
}

#[test]
fn sweep_json_names_the_scenario_and_writes_null_when_not_cleared() {
    let out = sweep(&[
        "--vary",
        "caseworkers=1,3",
        "--reps",
        "3",
        "--format",
        "json",
    ]);
    let document: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(document["scenario"]["name"], "scarce");
    assert_eq!(document["scenario"]["seed"], 11);
    assert_eq!(document["scenario"]["replications"], 3);
    assert_eq!(document["vary"][0]["spec"], "1,3");
    let points = document["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[0]["caseworkers"], 1.0);
    assert!(points[0]["days_to_clear"]["mean"].is_null());
    assert!(points[1]["days_to_clear"]["mean"].is_number());
    assert!(points[1]["backlog_peak"]["p95"].is_number());
}

/// Writes shard `k` of `n` into `dir` and returns its path.
fn shard(dir: &Path, grid: &[&str], k: usize, n: usize) -> std::path::PathBuf {
    let path = dir.join(format!("shard-{k}.csv"));
    let spec = format!("{k}/{n}");
    let mut args = grid.to_vec();
    args.extend(["--shard", &spec, "--out", path.to_str().unwrap()]);
    sweep(&args);
    path
}

#[test]
fn merged_shards_equal_the_unsharded_output_byte_for_byte() {
    for format in ["csv", "json"] {
        let mut grid = GRID.to_vec();
        grid.extend(["--format", format]);
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole");
        let mut args = grid.clone();
        args.extend(["--out", whole.to_str().unwrap()]);
        sweep(&args);
        let shards: Vec<_> = (0..3).map(|k| shard(dir.path(), &grid, k, 3)).collect();
        let merged = dir.path().join("merged");
        backlog()
            .arg("merge")
            .args([&shards[2], &shards[0], &shards[1]])
            .arg("--out")
            .arg(&merged)
            .assert()
            .success();
        assert_eq!(
            std::fs::read(&merged).unwrap(),
            std::fs::read(&whole).unwrap(),
            "merged {format} differs from the unsharded run"
        );
        let stdout = backlog()
            .arg("merge")
            .args(&shards)
            .output()
            .unwrap()
            .stdout;
        assert_eq!(stdout, std::fs::read(&whole).unwrap());
    }
}

#[test]
fn more_caseworkers_never_give_a_larger_backlog_on_the_same_random_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let per_rep = dir.path().join("per-rep.csv");
    sweep(&[
        "--vary",
        "suspension_end=2021-03-20,2021-05-20",
        "--vary",
        "caseworkers=0.5..4:0.25",
        "--reps",
        "6",
        "--per-rep",
        per_rep.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&per_rep).unwrap();
    let rows = records(&bytes);
    assert_eq!(rows.len(), 2 * 15 * 6);
    let at = |name: &str| column(&bytes, name);
    let number = |row: &csv::StringRecord, name: &str| -> f64 { row[at(name)].parse().unwrap() };
    let mut compared = 0;
    for a in &rows {
        for b in &rows {
            let same_draws = a[at("suspension_end")] == b[at("suspension_end")]
                && a[at("replication")] == b[at("replication")];
            if same_draws && number(a, "caseworkers") < number(b, "caseworkers") {
                for metric in ["backlog_peak", "overdue_end"] {
                    assert!(
                        number(b, metric) <= number(a, metric),
                        "{metric} grows from {} to {} caseworkers (suspension end {}, replication {})",
                        &a[at("caseworkers")],
                        &b[at("caseworkers")],
                        &a[at("suspension_end")],
                        &a[at("replication")]
                    );
                }
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 2 * 6 * 15 * 14 / 2);
    // The grid spans scarce to ample staffing, so the comparison is not vacuous.
    let overdue: Vec<f64> = rows.iter().map(|r| number(r, "overdue_end")).collect();
    assert!(overdue.contains(&0.0) && overdue.iter().any(|&o| o > 50.0));
}

#[test]
fn target_bisection_finds_the_same_staffing_as_a_fine_grid() {
    for (condition, by) in [
        ("overdue_end<=0", "2021-09-30"),
        ("days_to_clear<=45", "2021-09-30"),
        ("backlog_peak<150", "2021-06-30"),
    ] {
        let target = [
            "--target",
            condition,
            "--by",
            by,
            "--confidence",
            "0.9",
            "--reps",
            "10",
        ];
        let found = sweep(&target);
        let rows = records(&found);
        assert_eq!(rows.len(), 1, "{condition}");
        assert_eq!(
            &rows[0][column(&found, "target_met")],
            "true",
            "{condition}"
        );
        let answer: f64 = rows[0][column(&found, "caseworkers")].parse().unwrap();
        assert!(rows[0][column(&found, "backlog_peak_p95")]
            .parse::<f64>()
            .is_ok());

        let mut args = vec!["--vary", "caseworkers=0..8:1"];
        args.extend(target);
        let grid = sweep(&args);
        let smallest = records(&grid)
            .iter()
            .find(|r| &r[column(&grid, "target_met")] == "true")
            .map(|r| r[column(&grid, "caseworkers")].parse::<f64>().unwrap());
        assert_eq!(Some(answer), smallest, "{condition}");
    }
}

/// The scarce fixture split over two municipalities, written into `dir`.
fn two_municipalities(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("two.toml");
    let text = std::fs::read_to_string(fixture("scarce.toml")).unwrap().replace(
        "list = [{ code = 1, name = \"Testby\", population = 1000 }]",
        "list = [{ code = 1, name = \"A\", population = 600 }, { code = 2, name = \"B\", population = 400 }]",
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn target_bisection_over_the_staffing_factor_matches_a_grid_of_hundredths() {
    let dir = tempfile::tempdir().unwrap();
    let two = two_municipalities(dir.path());
    let run = |extra: &[&str]| {
        let output = backlog()
            .arg("sweep")
            .arg(&two)
            .args([
                "--target",
                "overdue_end<=0",
                "--confidence",
                "0.9",
                "--reps",
                "8",
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success());
        output.stdout
    };
    let found = run(&[]);
    let answer = records(&found)[0][column(&found, "caseworkers_factor")].to_string();
    let grid = run(&["--vary", "caseworkers_factor=0.5..1.5:0.01"]);
    let smallest = records(&grid)
        .iter()
        .find(|r| &r[column(&grid, "target_met")] == "true")
        .map(|r| r[column(&grid, "caseworkers_factor")].to_string());
    assert_eq!(Some(answer), smallest);
}

/// Runs `backlog` with `args`, expects exit code 2 with exactly `message` on stderr and nothing on stdout.
fn refuses(args: &[&str], message: &str) {
    let output = backlog().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end(), format!("error: {message}"), "{args:?}");
    assert!(output.stdout.is_empty(), "{args:?} wrote output");
}

#[test]
fn bad_sweep_input_is_refused_with_exit_code_2_before_any_run() {
    let scenario = scarce();
    let cases: &[(&[&str], &str)] = &[
        (&["--vary", "caseworkers=1..5:0"], "--vary: `caseworkers=1..5:0`: the step must be greater than 0, got 0"),
        (&["--vary", "suspension_end=2021-04-01..2021-05-01:0"], "--vary: `suspension_end=2021-04-01..2021-05-01:0`: the step must be greater than 0, got 0"),
        (&["--vary", "caseworkers=5..1:1"], "--vary: `caseworkers=5..1:1`: the range starts after it ends (5 > 1)"),
        (&["--vary", "caseworkers="], "--vary: `caseworkers=`: no values; give a range START..END:STEP or a list A,B,C"),
        (&["--vary", "caseworkers=1,,2"], "--vary: `caseworkers=1,,2`: empty item in the list"),
        (&["--vary", "caseworkers"], "--vary: expected KEY=SPEC such as caseworkers=150..300:10, got `caseworkers`"),
        (&["--vary", "caseworkers=1,2", "--vary", "caseworkers=3"], "--vary: `caseworkers` is varied twice; give each key once"),
        (&[], "--vary: nothing to sweep; give at least one --vary KEY=SPEC, or --target to search for the staffing"),
        (&["--vary", "caseworkers=1..101:1", "--reps", "100"], "--vary: the grid has 101 points x 100 replications = 10100 runs, more than the limit of 10000; pass --force to run it anyway"),
        (&["--vary", "suspension_end=2021-13-01"], "--vary: `suspension_end=2021-13-01`: `2021-13-01` is not a date (YYYY-MM-DD)"),
        (&["--vary", "caseworkers=1,2", "--shard", "1-4"], "--shard: expected K/N such as 3/16 (shard K of N, K from 0 to N-1), got `1-4`"),
        (&["--vary", "caseworkers=1,2", "--shard", "2/2"], "--shard: K must be less than N (shards are numbered 0 to 1), got `2/2`"),
        (&["--vary", "caseworkers=1,2", "--shard", "0/0"], "--shard: N must be at least 1, got `0/0`"),
        (&["--vary", "caseworkers=1,2", "--shard", "0/3"], "--shard: 0/3: the grid has only 2 points, so some shards would be empty; use at most 2 shards"),
        (&["--target", "overdue_end=0"], "--target: expected METRIC OP VALUE such as overdue_end<=0 (OP is <=, <, >= or >), got `overdue_end=0`"),
        (&["--target", "overdue_end<=0", "--by", "2022-01-01"], "--by: 2022-01-01 is outside the scenario's period (2021-01-01 to 2021-09-30)"),
        (&["--target", "overdue_end<=0", "--confidence", "1.5"], "--confidence: must be greater than 0 and at most 1, got 1.5"),
        (&["--target", "overdue_end<=0", "--shard", "0/2"], "--shard: splits a grid; a --target search without --vary runs as one job"),
        (&["--vary", "caseworkers=1,2", "--per-rep", "-"], "--per-rep: `-` is standard output, which --out already writes; give a file"),
    ];
    for (args, message) in cases {
        let mut all = vec!["sweep", scenario.as_str()];
        all.extend(*args);
        refuses(&all, message);
    }
    // Values are checked by the scenario's own validator, with its messages, naming the scenario and the value.
    let checked: &[(&[&str], &str)] = &[
        (&["--vary", "staff=1,2"], "--vary staff=1: unknown field `staff`; expected one of `name`, `description`, `name_da`, `description_da`, `seed`, `start`, `end`, `replications`, `order`, `warmup`, `calendar`, `municipalities`, `staffing`, `akasse`, `rules`, `groups`, `suspensions`, `expect`, `expect_municipalities`, `timeliness`"),
        (&["--vary", "phone_share=0..1.5:0.5"], "--vary phone_share=1.5: staffing.phone_share: must be between 0 and 1, got 1.5"),
        (&["--vary", "suspension_end=2021-02-01"], "--vary suspension_end=2021-02-01: suspensions[0].end: 2021-02-01 is before the window's start 2021-03-01"),
        (&["--vary", "suspension_end=2021-12-01"], "--vary suspension_end=2021-12-01: suspensions[0].end: 2021-12-01 is outside the period (2021-01-01 to 2021-09-30)"),
        (&["--vary", "suspensions.spring.end=2021-05-01"], "--vary suspensions.spring.end=2021-05-01: `suspensions` has no entry `spring` (its entries have no id; give one with `id = \"...\"`, or pick by position: [0])"),
        (&["--target", "days_to_clear<=10", "--set", "suspensions=[]"], "--target: days_to_clear counts the days from the end of the first suspension until its backlog is cleared, but `scarce` has no suspension starting between 2021-01-01 and 2021-09-30; give the scenario a suspension, or target another metric such as overdue_end<=0"),
        (&["--target", "overdue_end<=0", "--search", "caseworkers=1..5:0"], "--search: `caseworkers=1..5:0`: the step must be greater than 0, got 0"),
        (&["--target", "overdue_end<=0", "--search", "phone_share=0.5,2"], "--search phone_share=2: staffing.phone_share: must be between 0 and 1, got 2"),
    ];
    for (args, message) in checked {
        let mut all = vec!["sweep", scenario.as_str()];
        all.extend(*args);
        let located = if message.starts_with("--target") || message.starts_with("--search:") {
            message.to_string()
        } else {
            format!("{scenario}: {message}")
        };
        refuses(&all, &located);
    }
    // A key that does not fit the scenario.
    let dir = tempfile::tempdir().unwrap();
    let two = two_municipalities(dir.path());
    refuses(
        &["sweep", two.to_str().unwrap(), "--vary", "caseworkers=1,2"],
        &format!("{}: --vary caseworkers=1: caseworkers sets the staff of a one-municipality scenario, but this one has 2 municipalities; vary caseworkers_factor instead", two.display()),
    );
}

fn columns_of(line: &str) -> Vec<&str> {
    line.split(',').collect()
}

#[test]
fn bad_shard_sets_are_refused_by_merge_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let grid = ["--vary", "caseworkers=1..6:1", "--reps", "2"];
    let shards: Vec<_> = (0..3).map(|k| shard(dir.path(), &grid, k, 3)).collect();
    let path = |p: &std::path::PathBuf| p.to_str().unwrap().to_string();
    let (s0, s1, s2) = (path(&shards[0]), path(&shards[1]), path(&shards[2]));
    refuses(
        &["merge", &s0, &s2],
        "SHARD_FILE: shard 1/3 is missing; merge needs all 3 shards of the sweep",
    );
    refuses(
        &["merge", &s0, &s1, &s1, &s2],
        &format!("{s1}: is shard 1/3 again; {s1} is that shard already"),
    );
    // A shard of another sweep: same grid, another seed.
    let other_dir = tempfile::tempdir().unwrap();
    let mut seeded = grid.to_vec();
    seeded.extend(["--seed", "12"]);
    let other = path(&shard(other_dir.path(), &seeded, 1, 3));
    refuses(
        &["merge", &s0, &other, &s2],
        &format!("{other}: comes from a different sweep than {s0}: seed is `12`, not `11`"),
    );
    // A shard of the same grid over a scenario changed by --set.
    let set_dir = tempfile::tempdir().unwrap();
    let mut changed = grid.to_vec();
    changed.extend(["--set", "staffing.phone_share=0.5"]);
    let other = path(&shard(set_dir.path(), &changed, 1, 3));
    refuses(
        &["merge", &s0, &other, &s2],
        &format!("{other}: comes from a different sweep than {s0}: set is `staffing.phone_share=0.5`, not ``"),
    );
    // Split another number of ways.
    let halves = path(&shard(other_dir.path(), &grid, 1, 2));
    refuses(
        &["merge", &s0, &halves, &s2],
        &format!("{halves}: is shard 1/2 of a sweep split 2 ways, but {s0} is shard 0/3"),
    );
    // A shard that lost its last line.
    let text = std::fs::read_to_string(&shards[0]).unwrap();
    let truncated = dir.path().join("truncated.csv");
    let kept: Vec<&str> = text.lines().take(2).collect();
    std::fs::write(&truncated, kept.join("\n") + "\n").unwrap();
    let truncated = path(&truncated);
    refuses(
        &["merge", &truncated, &s1, &s2],
        &format!("{truncated}: is incomplete: shard 0/3 has 2 grid points, the file holds 1"),
    );
    // Edited after it was written: a grid value, a result, the scenario's hash, the digest of one row.
    let lines: Vec<&str> = text.lines().collect();
    let columns: Vec<&str> = lines[0].split(',').collect();
    for (column, value) in [
        ("caseworkers", "7"),
        ("overdue_end_mean", "0"),
        ("sha256", "0000"),
        ("digest", "0000"),
    ] {
        let at = columns.iter().position(|c| *c == column).unwrap();
        let mut fields: Vec<&str> = lines[1].split(',').collect();
        assert_ne!(fields[at], value);
        fields[at] = value;
        let edited_row = fields.join(",");
        let edited = dir.path().join(format!("edited-{column}.csv"));
        let mut edited_lines = lines.clone();
        edited_lines[1] = &edited_row;
        std::fs::write(&edited, edited_lines.join("\n") + "\n").unwrap();
        let edited = path(&edited);
        let message = if column == "digest" {
            format!("{edited}: row 3: digest differs from row 2's; the file was edited or damaged (run its shard again)")
        } else if column == "sha256" {
            format!(
                "{edited}: row 3: belongs to another sweep than row 2: sha256 is `{}`, not `0000`",
                columns_of(lines[2])[at]
            )
        } else {
            format!("{edited}: does not match its digest: the file was edited or damaged after `backlog sweep --shard` wrote it (run its shard again)")
        };
        refuses(&["merge", &edited, &s1, &s2], &message);
    }
    let plain = dir.path().join("plain.csv");
    std::fs::write(&plain, "a,b\n1,2\n").unwrap();
    let plain = path(&plain);
    refuses(
        &["merge", &plain],
        &format!("{plain}: is not a shard file of `backlog sweep --shard` (its columns do not start with sweep,points,format,shard,point,digest)"),
    );
}

#[test]
fn a_point_that_changes_nothing_reproduces_simulate() {
    let output = backlog()
        .args(["simulate", &scarce(), "--reps", "4", "--format", "json"])
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for vary in ["caseworkers_factor=1", "caseworkers=2", "inflow_factor=1"] {
        let out = sweep(&["--vary", vary, "--reps", "4"]);
        let row = &records(&out)[0];
        for metric in [
            "backlog_peak",
            "overdue_end",
            "days_to_clear",
            "on_time_share",
            "utilisation",
            "meetings_per_caseworker_day",
        ] {
            for part in ["mean", "p5", "p95"] {
                let swept: f64 = row[column(&out, &format!("{metric}_{part}"))]
                    .parse()
                    .unwrap();
                let simulated = summary["bands"][metric][part].as_f64().unwrap();
                assert!(
                    (swept - simulated).abs() <= 1e-9 * simulated.abs().max(1.0),
                    "{vary}: {metric}_{part} is {swept}, simulate says {simulated}"
                );
            }
        }
    }
}

#[test]
fn sweep_plot_draws_days_to_clear_against_the_varied_staffing() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("sweep.svg");
    let csv = sweep(&[
        "--vary",
        "caseworkers=1..3:0.5",
        "--reps",
        "4",
        "--plot",
        chart.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&chart).unwrap();
    let document = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let texts: Vec<&str> = document.descendants().filter_map(|n| n.text()).collect();
    assert!(texts.iter().any(|t| t.contains("caseworkers")), "x label");
    // One dot per grid point whose backlog cleared in every replication (the others are crosses on the top edge).
    let dots = document
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    let mean = column(&csv, "days_to_clear_mean");
    let cleared = records(&csv).iter().filter(|r| !r[mean].is_empty()).count();
    assert!(cleared > 0);
    assert_eq!(dots, cleared);
    // The 5 %-95 % band is a filled polygon.
    assert!(document.descendants().any(|n| n.has_tag_name("polygon")));
    // Several keys cannot be drawn on one axis.
    let scenario = scarce();
    refuses(
        &["sweep", &scenario, "--vary", "caseworkers=1,2", "--vary", "phone_share=0,0.5", "--plot", chart.to_str().unwrap()],
        "--plot: draws one numeric --vary key, or the values a --target search tried (staffing, or a numeric --search key), against the days to clear; give exactly one --vary (and no --shard), or none with --target",
    );
}

#[test]
fn a_one_key_grid_names_the_boundary_on_the_side_that_meets_the_target() {
    for (vary, which) in [
        ("suspension_end=2021-03-10..2021-06-10:15", "last"),
        ("caseworkers=1..6:1", "first"),
    ] {
        let output = backlog()
            .args([
                "sweep",
                &scarce(),
                "--vary",
                vary,
                "--target",
                "overdue_end<=0",
                "--reps",
                "3",
            ])
            .output()
            .unwrap();
        assert!(output.status.success());
        let stderr = String::from_utf8(output.stderr).unwrap();
        let key = vary.split('=').next().unwrap();
        let met = column(&output.stdout, "target_met");
        let rows = records(&output.stdout);
        let flags: Vec<bool> = rows.iter().map(|r| &r[met] == "true").collect();
        // The answer is where the target flips, on the side that meets it.
        let at = match which {
            "last" => flags.iter().rposition(|&m| m).unwrap(),
            _ => flags.iter().position(|&m| m).unwrap(),
        };
        assert!(
            flags.contains(&false),
            "{vary}: the grid crosses the target"
        );
        assert!(stderr.contains(&format!(
            "target: {which} {key} in the grid meeting overdue_end<=0 by 2021-09-30 with confidence 0.95: {}\n",
            &rows[at][column(&output.stdout, key)]
        )), "{stderr}");
    }
}

/// The texts of an SVG file.
fn svg_texts(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let document = roxmltree::Document::parse(&text).expect("well-formed SVG");
    document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn sweep_plot_with_a_target_draws_the_target_line_and_marks_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let target = [
        "--target",
        "days_to_clear<=45",
        "--confidence",
        "0.9",
        "--reps",
        "6",
    ];
    // A grid: the answer is the first grid point that meets the target.
    let chart = dir.path().join("grid.svg");
    let mut args = vec![
        "--vary",
        "caseworkers=1..8:1",
        "--plot",
        chart.to_str().unwrap(),
    ];
    args.extend(target);
    let csv = sweep(&args);
    let first_met = records(&csv)
        .iter()
        .find(|r| &r[column(&csv, "target_met")] == "true")
        .map(|r| r[column(&csv, "caseworkers")].to_string())
        .expect("some staffing on the grid meets the target");
    let texts = svg_texts(&chart);
    assert!(
        texts.contains(&format!("answer: {first_met} FTE")),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"target: days_to_clear<=45".to_string()),
        "{texts:?}"
    );
    assert!(texts
        .iter()
        .any(|t| t.ends_with(": days to clear the backlog against caseworkers")));
    assert!(
        texts.contains(&"4 FTE".to_string()),
        "units on the axis: {texts:?}"
    );
    // A search: the staffing it tried, the smallest that met the target marked, and the same answer.
    let chart = dir.path().join("search.png");
    let mut args = vec!["--plot", chart.to_str().unwrap()];
    args.extend(target);
    let found = sweep(&args);
    let answer = records(&found)[0][column(&found, "caseworkers")].to_string();
    assert_eq!(answer, first_met);
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&chart).unwrap()).unwrap();
    assert_eq!((pixmap.width(), pixmap.height()), (1200, 660));
    let svg = dir.path().join("search.svg");
    let mut args = vec!["--plot", svg.to_str().unwrap()];
    args.extend(target);
    sweep(&args);
    assert!(svg_texts(&svg).contains(&format!("answer: {answer} FTE")));
}

#[test]
fn a_search_over_any_numeric_key_draws_the_values_it_tried_and_its_answer() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("search.svg");
    let found = sweep(&[
        "--target",
        "overdue_end<=0",
        "--search",
        "caseworkers=0..8:1",
        "--reps",
        "4",
        "--plot",
        chart.to_str().unwrap(),
    ]);
    let answer = records(&found)[0][column(&found, "caseworkers")].to_string();
    assert!(svg_texts(&chart).contains(&format!("answer: {answer} FTE")));
    // The same answer as the search over the scenario's staffing.
    let staffing = sweep(&["--target", "overdue_end<=0", "--reps", "4"]);
    assert_eq!(
        records(&staffing)[0][column(&staffing, "caseworkers")],
        answer
    );
    // A date key has no numeric axis to draw.
    let output = backlog()
        .args([
            "sweep",
            &scarce(),
            "--target",
            "overdue_end<=0",
            "--search",
            "suspension_end=2021-03-10..2021-06-10:1",
            "--plot",
            chart.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[cfg(target_os = "linux")]
#[test]
fn merge_reads_only_bounded_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("merged.csv");
    let refuse = |input: &Path, message: &str| {
        backlog()
            .arg("merge")
            .arg(input)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(message.to_string()));
        assert!(!out.exists());
    };
    // A device would be read until memory runs out; a FIFO nobody writes to would block for ever.
    refuse(
        Path::new("/dev/zero"),
        "/dev/zero: is not a regular file (a FIFO, a socket or a device); give the path of a file",
    );
    let fifo = dir.path().join("fifo.csv");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    refuse(&fifo, "fifo.csv: is not a regular file");
    // A file without line feeds would be held whole as one record.
    let long = dir.path().join("long.csv");
    std::fs::write(&long, vec![b'a'; 2 * 1024 * 1024]).unwrap();
    refuse(
        &long,
        "long.csv: cannot read: a line longer than 1048576 bytes; not a shard file of `backlog sweep --shard`",
    );
}

/// Rewrites a shard file with `edit` applied to its rows and the digest recomputed as `sweep --shard` computes
/// it (SHA-256 over every field but the digest, fields ended by 0x1f, rows by 0x1e): an edit that a digest
/// alone cannot catch.
fn forge(path: &Path, edit: impl Fn(&mut Vec<String>, &[String])) {
    use sha2::Digest as _;
    let bytes = std::fs::read(path).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let digest_at = headers.iter().position(|h| h == "digest").unwrap();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let mut hasher = sha2::Sha256::new();
    for row in &mut rows {
        edit(row, &headers);
        for (_, field) in row.iter().enumerate().filter(|(i, _)| *i != digest_at) {
            hasher.update(field.as_bytes());
            hasher.update([0x1f]);
        }
        hasher.update([0x1e]);
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer.write_record(&headers).unwrap();
    for row in &mut rows {
        row[digest_at] = digest.clone();
        writer.write_record(&*row).unwrap();
    }
    writer.flush().unwrap();
}

#[test]
fn merge_checks_the_content_of_a_shard_not_only_its_digest() {
    let dir = tempfile::tempdir().unwrap();
    fn at(headers: &[String], name: &str) -> usize {
        headers.iter().position(|h| h == name).unwrap()
    }
    type Edit = Box<dyn Fn(&mut Vec<String>, &[String])>;
    let cases: [(&str, Edit); 4] = [
        (
            "the values of grid point 0 are not those of sweep",
            Box::new(|row, headers| {
                if row[at(headers, "point")] == "0" {
                    row[at(headers, "caseworkers")] = "1.25".to_string();
                }
            }),
        ),
        (
            "backlog_peak: a value is not a finite number of 0 or more",
            Box::new(|row, headers| row[at(headers, "backlog_peak_mean")] = "NaN".to_string()),
        ),
        (
            "backlog_peak: a value is not a finite number of 0 or more",
            Box::new(|row, headers| row[at(headers, "backlog_peak_p5")] = "-1".to_string()),
        ),
        (
            "backlog_peak: its 5th percentile 1000000 is above its 95th",
            Box::new(|row, headers| row[at(headers, "backlog_peak_p5")] = "1000000".to_string()),
        ),
    ];
    for (expected, edit) in cases {
        let shards: Vec<_> = (0..2).map(|k| shard(dir.path(), &GRID, k, 2)).collect();
        forge(&shards[0], edit);
        backlog()
            .arg("merge")
            .args(&shards)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicates::str::contains(expected));
    }
}

/// A grid over staffing with the meetings a caseworker holds in a day drawn from 3 to 7, and a target.
const DRAWN: [&str; 14] = [
    "--vary",
    "caseworkers=1..3:1",
    "--set",
    "staffing.meetings_per_caseworker_day={ low = 3, high = 7 }",
    "--draws",
    "6",
    "--reps",
    "2",
    "--target",
    "overdue_end<=0",
    "--by",
    "2021-09-30",
    "--confidence",
    "0.5",
];

#[test]
fn draws_run_each_point_over_the_ranges_and_the_target_counts_draws_and_dice_together() {
    let dir = tempfile::tempdir().unwrap();
    let per_rep = dir.path().join("per-rep.csv");
    let mut args = DRAWN.to_vec();
    args.extend(["--per-rep", per_rep.to_str().unwrap(), "--jobs", "1"]);
    let rows = sweep(&args);
    let mut two_threads = DRAWN.to_vec();
    two_threads.extend(["--jobs", "2"]);
    assert_eq!(rows, sweep(&two_threads), "the same on one thread and two");
    let runs = std::fs::read(&per_rep).unwrap();
    let (draws, draw, holds) = (
        column(&rows, "draws"),
        column(&runs, "draw"),
        column(&runs, "target_holds"),
    );
    let share = column(&rows, "target_share");
    let runs = records(&runs);
    for (p, row) in records(&rows).iter().enumerate() {
        assert_eq!(&row[draws], "6");
        // 6 draws x 2 replications a point, draw-major, and the share is over all 12.
        let point = &runs[p * 12..(p + 1) * 12];
        let indices: Vec<&str> = point.iter().map(|r| &r[draw]).collect();
        assert_eq!(
            indices,
            ["1", "1", "2", "2", "3", "3", "4", "4", "5", "5", "6", "6"]
        );
        let meeting = point.iter().filter(|r| &r[holds] == "true").count();
        assert_eq!(row[share].parse::<f64>().unwrap(), meeting as f64 / 12.0);
    }
    assert_eq!(runs.len(), 3 * 12);
    // Without --draws the column is there and empty.
    let plain = sweep(&GRID);
    let at = column(&plain, "draws");
    assert!(records(&plain).iter().all(|r| r[at].is_empty()));
}

#[test]
fn shards_of_a_sweep_with_draws_merge_into_the_unsharded_output() {
    let dir = tempfile::tempdir().unwrap();
    let whole = sweep(&DRAWN);
    let shards: Vec<_> = (0..2).map(|k| shard(dir.path(), &DRAWN, k, 2)).collect();
    let merged = backlog().arg("merge").args(&shards).output().unwrap();
    assert!(merged.status.success());
    assert_eq!(merged.stdout, whole);
}

#[test]
fn draws_without_any_range_are_refused() {
    let scenario = scarce();
    refuses(
        &["sweep", &scenario, "--vary", "caseworkers=1..3:1", "--draws", "4"],
        &format!(
            "--draws: {scenario} gives no input as a range; write one as {{ low = 0.4, high = 0.8 }} (docs/scenario.md)"
        ),
    );
}
