//! `--set`, ids merged through `extends`, layers, and where problems are reported.

use crate::common::{backlog, fixture, run};
use std::path::{Path, PathBuf};

/// Runs `backlog` and returns (exit code, stdout, stderr).
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn small() -> String {
    fixture("small.toml").to_str().unwrap().to_string()
}

/// The results of a `simulate --out` directory, as bytes: summary.json after its `scenario` object, and
/// daily.csv with capacity.csv (the run's identity is in summary.json's `scenario` and run.json).
fn results(dir: &Path) -> (String, String) {
    let summary = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    let after_scenario = summary[summary.find("\n  \"total\"").unwrap()..].to_string();
    let daily = std::fs::read_to_string(dir.join("daily.csv")).unwrap();
    let capacity = std::fs::read_to_string(dir.join("capacity.csv")).unwrap();
    (after_scenario, daily + &capacity)
}

#[test]
fn a_set_run_gives_the_same_bytes_as_the_change_written_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (by_set, by_file) = (dir.path().join("set"), dir.path().join("file"));
    let (code, table_set, stderr) = run(&[
        "simulate",
        &small(),
        "--reps",
        "3",
        "--set",
        "staffing.caseworkers=4",
        "--set",
        "groups.kh.duration.mean_days=90",
        "--out",
        by_set.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(small()).unwrap();
    let changed = text
        .replace("caseworkers = 10", "caseworkers = 4")
        .replace("mean_days = 120", "mean_days = 90");
    assert_ne!(text, changed);
    let file = write(dir.path(), "changed.toml", &changed);
    let (code, table_file, _) = run(&[
        "simulate",
        file.to_str().unwrap(),
        "--reps",
        "3",
        "--out",
        by_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(results(&by_set), results(&by_file));
    // The table after its header lines (scenario, file and set) is the same too.
    let body = |table: &str| {
        table[table.find("\nmunicipality").unwrap()..table.find("\nwrote").unwrap()].to_string()
    };
    assert_eq!(body(&table_set), body(&table_file));
    // Against the fixture itself the results differ: the overrides took effect.
    let plain = dir.path().join("plain");
    run(&[
        "simulate",
        &small(),
        "--reps",
        "3",
        "--out",
        plain.to_str().unwrap(),
    ]);
    assert_ne!(results(&plain).0, results(&by_set).0);
    // Provenance: summary.json, run.json and the table name the overrides.
    let summary = std::fs::read_to_string(by_set.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"set\": [\n      \"staffing.caseworkers=4\",\n      \"groups.kh.duration.mean_days=90\"\n    ]"),
        "{summary}"
    );
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(by_set.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        run["overrides"]["set"],
        serde_json::json!(["staffing.caseworkers=4", "groups.kh.duration.mean_days=90"])
    );
    assert!(table_set.contains("\nset staffing.caseworkers=4 groups.kh.duration.mean_days=90\n"));
}

#[test]
fn bad_set_values_name_the_argument_with_the_validators_message() {
    let small = small();
    let cases: &[(&[&str], String)] = &[
        (
            &["validate", &small, "--set", "staffing.phone_share=2"],
            format!("{small}: --set staffing.phone_share=2: must be between 0 and 1, got 2"),
        ),
        (
            &["simulate", &small, "--set", "staffing.caseworker=3"],
            format!("{small}: --set staffing.caseworker=3: unknown field `caseworker`; expected one of `caseworkers`, `meetings_per_caseworker_day`, `phone_share`, `phone_time`, `max_meetings_per_caseworker_day`, `caseworkers_factor`, `changes`"),
        ),
        (
            &["check", &small, "--set", "groups.dp.inflow_per_day=3"],
            format!("{small}: --set groups.dp.inflow_per_day=3: `groups` has no entry `dp` (entries: kh)"),
        ),
        (
            &["compare", &small, &small, "--set", "seed=-1"],
            format!("{small}: --set seed=-1: invalid value: integer `-1`; expected a whole number, 0 or more\n{small}: --set seed=-1: invalid value: integer `-1`; expected a whole number, 0 or more"),
        ),
        (
            &["simulate", &small, "--set", "staffing.caseworkers"],
            "--set: expected KEY=VALUE such as staffing.caseworkers=300, got `staffing.caseworkers`".to_string(),
        ),
        // Switching a distribution key by key leaves the old parameter, written in the file: reported there.
        (
            &["simulate", &small, "--set", "groups.kh.duration.distribution=weibull", "--set", "groups.kh.duration.shape=2", "--set", "groups.kh.duration.scale_days=100"],
            format!("{small}:21:44: groups[0].duration.mean_days: is not used by the weibull distribution"),
        ),
        // A problem with the table an override wrote into is found in the file, and names the override.
        (
            &["simulate", &small, "--set", "groups.kh.duration.distribution=gamma", "--set", "groups.kh.duration.mean_days=[]"],
            format!("{small}: --set groups.kh.duration.mean_days=[]: invalid type: sequence; expected a number"),
        ),
        (
            &["simulate", &small, "--set", "groups.kh.duration.distribution=gamma"],
            format!("{small}:21:44: groups[0].duration.mean_days: is not used by the gamma distribution\n{small}:21:1: groups[0].duration: the gamma distribution needs `shape` (with --set groups.kh.duration.distribution=gamma)\n{small}:21:1: groups[0].duration: the gamma distribution needs `scale_days` (with --set groups.kh.duration.distribution=gamma)"),
        ),
        // A bad value in a scenario whose municipalities are shared out by data: only that problem, no
        // "municipality not in this scenario" for a list that was never worked out.
        (
            &["validate", "scenarios/cph2020.toml", "--set", "staffing.phone_share=2"],
            "scenarios/cph2020.toml: --set staffing.phone_share=2: must be between 0 and 1, got 2".to_string(),
        ),
    ];
    for (args, message) in cases {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end(), format!("error: {message}"), "{args:?}");
        assert!(stdout.is_empty());
    }
}

#[test]
fn problems_are_reported_in_the_file_that_wrote_them_through_every_layer() {
    let dir = tempfile::tempdir().unwrap();
    let small = small();
    write(
        dir.path(),
        "middle.toml",
        &format!(
            "extends = {small:?}\nname = \"middle\"\n\n[[groups]]\nid = \"extra\"\ninflow_per_day = -2\nduration = {{ distribution = \"never\" }}\n"
        ),
    );
    // The child lists kh second; merged by id it is the first group, yet the problem is found in the child.
    let child = write(
        dir.path(),
        "child.toml",
        "extends = \"middle.toml\"\n\n[[groups]]\nid = \"new\"\ninflow_per_day = 1\nduration = { distribution = \"never\" }\n\n[[groups]]\nid = \"kh\"\ninflow_per_day = 1e9\n",
    );
    let (code, _, stderr) = run(&["validate", child.to_str().unwrap()]);
    assert_eq!(code, 2);
    let middle = dir.path().join("middle.toml");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: {}:10:1: groups[0].inflow_per_day: must be between 0 and 1000000, got 1000000000\n{}:6:1: groups[1].inflow_per_day: must be between 0 and 1000000, got -2",
            child.display(),
            middle.display()
        )
    );
    // A child naming a distribution replaces the parent's duration table whole.
    let weibull = write(
        dir.path(),
        "weibull.toml",
        &format!("extends = {small:?}\n[[groups]]\nid = \"kh\"\nduration = {{ distribution = \"weibull\", shape = 1.5, scale_days = 100 }}\n"),
    );
    let scenario = backlog::scenario::load(&weibull).unwrap();
    assert_eq!(
        scenario.groups[0].duration.base,
        backlog::scenario::Duration::Weibull {
            shape: 1.5,
            scale: 100.0
        }
    );
    // `replace = true` replaces any table whole: the group's meeting rules go with it.
    let replaced = write(
        dir.path(),
        "replaced.toml",
        &format!("extends = {small:?}\n[[groups]]\nid = \"kh\"\nreplace = true\ninflow_per_day = 1\nduration = {{ distribution = \"never\" }}\n"),
    );
    let scenario = backlog::scenario::load(&replaced).unwrap();
    assert!(scenario.groups[0].meetings.is_empty() && scenario.groups[0].followup.is_none());
    let merged = write(
        dir.path(),
        "merged.toml",
        &format!("extends = {small:?}\n[[groups]]\nid = \"kh\"\ninflow_per_day = 1\n"),
    );
    let scenario = backlog::scenario::load(&merged).unwrap();
    assert_eq!(scenario.groups[0].meetings.len(), 2);
}

#[test]
fn layers_apply_in_order_each_file_once_and_loops_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let small = small();
    // Two overlays of the same base, laid over each other: the base is applied once, so neither undoes the other.
    write(
        dir.path(),
        "staff.toml",
        &format!("extends = {small:?}\n[staffing]\ncaseworkers = 4\nphone_share = 0.5\n"),
    );
    write(
        dir.path(),
        "inflow.toml",
        &format!("extends = {small:?}\n[staffing]\nphone_share = 0.25\n[[groups]]\nid = \"kh\"\ninflow_per_day = 5\n"),
    );
    let both = write(
        dir.path(),
        "both.toml",
        "extends = [\"staff.toml\", \"inflow.toml\"]\nname = \"both\"\n",
    );
    let scenario = backlog::scenario::load(&both).unwrap();
    assert_eq!(scenario.name, "both");
    assert_eq!(scenario.municipalities[0].caseworkers, 4.0);
    assert_eq!(scenario.groups[0].inflow_per_day.base, 5.0);
    // A conflict goes to the later layer.
    assert_eq!(scenario.staffing.level.base.phone_share, 0.25);
    let (code, _, stderr) = run(&["validate", both.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");

    write(dir.path(), "a.toml", "extends = [\"b.toml\"]\n");
    let b = write(
        dir.path(),
        "b.toml",
        "name = \"b\"\nextends = [\"c.toml\", \"a.toml\"]\n",
    );
    write(dir.path(), "c.toml", "name = \"c\"\n");
    let (code, _, stderr) = run(&["validate", b.to_str().unwrap()]);
    assert_eq!(code, 2);
    let a = dir.path().join("a.toml");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: {}:1:12: extends[0]: `b.toml` closes a loop: {} -> {} -> {}",
            a.display(),
            b.display(),
            a.display(),
            dir.path().join("b.toml").display()
        )
    );
}

#[test]
fn temporary_caseworkers_are_added_from_their_date_until_the_next_change_sets_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let small = small();
    let temporary = write(
        dir.path(),
        "temporary.toml",
        &format!(
            "extends = {small:?}\n\n[[staffing.changes]]\nid = \"temp\"\ndate = 2021-06-01\nadd_caseworkers = 5\n\n[[staffing.changes]]\nid = \"gone\"\ndate = 2021-07-01\nadd_caseworkers = 0\n"
        ),
    );
    let caseworkers_on = |out: &Path, date: &str| -> f64 {
        let daily = std::fs::read_to_string(out.join("capacity.csv")).unwrap();
        let column = daily
            .lines()
            .next()
            .unwrap()
            .split(',')
            .position(|c| c == "caseworkers")
            .unwrap();
        let row = daily.lines().find(|l| l.starts_with(date)).unwrap();
        row.split(',').nth(column).unwrap().parse().unwrap()
    };
    for (set, added) in [
        (None, 5.0),
        (Some("staffing.changes.temp.add_caseworkers=8"), 8.0),
    ] {
        let out = dir.path().join(format!("out{added}"));
        let mut args = vec![
            "simulate",
            temporary.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(set) = set {
            args.extend(["--set", set]);
        }
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 0, "{stderr}");
        // The reference population is the fixture's population: FTE are added one for one.
        assert_eq!(caseworkers_on(&out, "2021-05-31"), 10.0);
        assert_eq!(caseworkers_on(&out, "2021-06-01"), 10.0 + added);
        assert_eq!(caseworkers_on(&out, "2021-06-30"), 10.0 + added);
        assert_eq!(caseworkers_on(&out, "2021-07-01"), 10.0);
    }
}

#[test]
fn setting_a_value_to_what_the_files_say_changes_nothing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/dk2020.toml");
    let plain = backlog::scenario::load(&path).unwrap();
    for set in [
        "staffing.caseworkers=2567",
        "suspensions.spring.end=2020-05-25",
        "suspension_end=2020-05-25",
        "groups.dagpenge.duration.mean_days=113",
        "groups.dagpenge.duration_changes.lockdown.mean_days=180",
        "staffing.changes.reopen.phone_share=1.0",
        "groups.dagpenge.inflow_changes.march.inflow_per_day=2400.0",
        "caseworkers_factor=1",
        "inflow_factor=1",
        // A path given with --set is relative to the scenario file given, as a path written in it is.
        "municipalities.file=\"../data/municipalities.csv\"",
    ] {
        let o = backlog::scenario::Override::parse("--set", set).unwrap();
        let mut changed = backlog::scenario::load_with(&path, &[o]).unwrap();
        assert_eq!(changed.overrides, [set]);
        changed.overrides.clear();
        assert_eq!(format!("{changed:?}"), format!("{plain:?}"), "{set}");
    }
}

#[test]
fn any_key_and_value_is_taken_or_refused_never_a_panic() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    const PARTS: &[&str] = &[
        "staffing",
        "groups",
        "kh",
        "*",
        "[0]",
        "[7]",
        "changes",
        "duration",
        "mean_days",
        "end",
        "suspensions",
        "municipalities",
        "list",
        "1",
        "caseworkers",
        "x",
        "inflow_factor",
        "meetings",
        "followup",
        "every_days",
        "calendar",
        "closed",
    ];
    const VALUES: &[&str] = &[
        "1",
        "-1",
        "0",
        "1e400",
        "nan",
        "inf",
        "2021-05-01",
        "true",
        "[]",
        "[1, 2]",
        "{}",
        "\"text\"",
        "weibull",
        "18446744073709551616",
        "0.5",
    ];
    let path = fixture("small.toml");
    let base = backlog::scenario::Base::read(&path).unwrap();
    let mut runner = TestRunner::new(Config {
        cases: crate::fuzz::cases(48) * 4,
        failure_persistence: None,
        ..Config::default()
    });
    let key = proptest::collection::vec(proptest::sample::select(PARTS), 1..5);
    runner
        .run(
            &(key, proptest::sample::select(VALUES)),
            |(parts, value)| {
                let key = parts.join(".").replace(".[", "[");
                if let Ok(o) =
                    backlog::scenario::Override::parse("--set", &format!("{key}={value}"))
                {
                    match base.build(&[o]) {
                        Ok(scenario) => prop_assert_eq!(scenario.overrides.len(), 1),
                        Err(error) => prop_assert!(!error.problems.is_empty()),
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn a_number_beyond_the_largest_float_is_out_of_range_not_a_text() {
    for value in ["1e400", "-1_0e4_00"] {
        let output = backlog()
            .args(["validate", fixture("small.toml").to_str().unwrap()])
            .args(["--set", &format!("staffing.caseworkers={value}")])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!("error: --set: `staffing.caseworkers={value}`: {value} is out of range: no number a scenario takes is that large\n")
        );
    }
}

#[test]
fn a_huge_key_is_named_in_a_short_message() {
    let key = format!("staffing.{}", "k".repeat(100_000));
    for argument in [format!("{key}=1"), key.clone()] {
        let output = backlog()
            .args(["validate", fixture("small.toml").to_str().unwrap()])
            .args(["--set", &argument])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.len() < 300, "{} bytes: {stderr}", stderr.len());
        assert!(
            stderr.contains(&format!("`{}... ({} bytes)`", &key[..60], key.len())),
            "{stderr}"
        );
    }
}
