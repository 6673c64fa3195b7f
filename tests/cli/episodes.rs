//! Backlog episodes: every suspension measured from its own end, to its own level before it, in every selection;
//! targets on one episode; and a scenario that starts past its base's dated entries.

use crate::common::{backlog, fixture};
use chrono::NaiveDate;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The scarce fixture with ids and a second suspension in summer (the first's backlog may not be cleared by then),
/// and any `extra` text after it.
fn relapse(dir: &Path, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixture("scarce.toml"))
        .unwrap()
        .replace(
            "[[suspensions]]\nstart = 2021-03-01",
            "[[suspensions]]\nid = \"spring\"\nstart = 2021-03-01",
        );
    assert!(text.contains("id = \"spring\""));
    let text = format!(
        "{text}\n[[suspensions]]\nid = \"summer\"\nstart = 2021-07-01\nend = 2021-08-15\ngroups.kh = {{ action = \"catch_up\" }}\n{extra}"
    );
    let path = dir.join("relapse.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `backlog ARGS`, which must succeed; returns stdout and stderr.
fn run(args: &[&str]) -> (Vec<u8>, String) {
    let output = backlog().args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{args:?} failed: {stderr}");
    (output.stdout, stderr)
}

/// One column of a CSV (a byte-order mark before the first name is skipped), by name.
fn column(bytes: &[u8], name: &str) -> Vec<String> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::Reader::from_reader(bytes);
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    reader
        .records()
        .map(|r| r.unwrap()[at].to_string())
        .collect()
}

/// summary.json and the overdue count of each day (date, overdue) of one replication of `scenario`.
fn one_run(scenario: &Path, set: &[&str]) -> (Value, Vec<(NaiveDate, f64)>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut args = vec!["simulate", scenario.to_str().unwrap(), "--reps", "1"];
    for s in set {
        args.extend(["--set", s]);
    }
    args.extend([
        "--daily",
        "total",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    run(&args);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let daily = std::fs::read(out.join("daily.csv")).unwrap();
    let days = column(&daily, "date")
        .iter()
        .zip(column(&daily, "overdue"))
        .map(|(d, o)| (d.parse().unwrap(), o.parse().unwrap()))
        .collect();
    (summary, days)
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// An episode worked out by hand from the daily overdue counts: (level before, peak, peak day, cleared day).
fn by_hand(
    days: &[(NaiveDate, f64)],
    start: NaiveDate,
    last: NaiveDate,
) -> (f64, f64, NaiveDate, Option<NaiveDate>) {
    let before = days
        .iter()
        .find(|(d, _)| d.succ_opt() == Some(start))
        .unwrap()
        .1;
    let inside: Vec<&(NaiveDate, f64)> = days
        .iter()
        .filter(|(d, _)| (start..=last).contains(d))
        .collect();
    let peak = inside.iter().map(|(_, o)| *o).fold(0.0, f64::max);
    let peak_day = inside.iter().find(|(_, o)| *o == peak).unwrap().0;
    let cleared = inside
        .iter()
        .find(|(d, o)| *d >= peak_day && *o <= before)
        .map(|(d, _)| *d);
    (before, peak, peak_day, cleared)
}

#[test]
fn a_second_suspension_is_measured_from_its_own_end_to_its_own_level() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = relapse(dir.path(), "");
    // At 3 FTE the spring backlog clears before summer; at 2 it may not. Either way each episode is its own.
    for caseworkers in ["caseworkers=3", "caseworkers=2"] {
        let (summary, days) = one_run(&scenario, &[caseworkers]);
        let episodes = summary["total"]["episodes"].as_array().unwrap();
        assert_eq!(episodes.len(), 2);
        let windows = [
            (
                "spring",
                date("2021-03-01"),
                date("2021-04-15"),
                date("2021-06-30"),
            ),
            (
                "summer",
                date("2021-07-01"),
                date("2021-08-15"),
                date("2021-09-30"),
            ),
        ];
        for (episode, (id, start, end, last)) in episodes.iter().zip(windows) {
            let (before, peak, peak_day, cleared) = by_hand(&days, start, last);
            assert_eq!(episode["id"], id);
            assert_eq!(episode["backlog_before"], before, "{episode}");
            assert_eq!(episode["backlog_peak"], peak, "{episode}");
            assert_eq!(
                episode["backlog_peak_date"],
                peak_day.to_string(),
                "{episode}"
            );
            match cleared {
                Some(day) => {
                    assert_eq!(episode["backlog_cleared_date"], day.to_string());
                    let days_to_clear = (day - end).num_days().max(0) as f64;
                    assert_eq!(episode["days_to_clear"], days_to_clear, "{episode}");
                }
                None => {
                    assert!(episode["backlog_cleared_date"].is_null(), "{episode}");
                    assert!(episode["days_to_clear"].is_null(), "{episode}");
                }
            }
        }
        assert_eq!(episodes[0]["next"], "summer");
        assert!(episodes[1]["next"].is_null());
        // The headline is the first episode's.
        let total = &summary["total"];
        assert_eq!(total["days_to_clear"], episodes[0]["days_to_clear"]);
        assert_eq!(
            total["backlog_cleared_date"],
            episodes[0]["backlog_cleared_date"]
        );
    }
}

#[test]
fn a_groups_mean_days_to_clear_never_reaches_past_the_next_suspension() {
    // Two groups, three towns, two suspensions, replications that clear on different days: each group's
    // figures of each episode are its own, and a mean over replications of days counted inside the episode
    // cannot exceed the days from the suspension's end to the next one's start.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let three = fixture("three.toml");
    run(&[
        "simulate",
        three.to_str().unwrap(),
        "--reps",
        "6",
        "--summary-only",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let mut selections = vec![&summary["total"]];
    for list in ["municipalities", "groups"] {
        selections.extend(
            summary[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| &e["metrics"]),
        );
    }
    let mut checked = 0;
    for metrics in selections {
        let episodes = metrics["episodes"].as_array().unwrap();
        assert_eq!(episodes.len(), 2, "{metrics}");
        assert_eq!(metrics["days_to_clear"], episodes[0]["days_to_clear"]);
        let next_start = date(episodes[1]["start"].as_str().unwrap());
        let end = date(episodes[0]["end"].as_str().unwrap());
        if let Some(mean) = episodes[0]["days_to_clear"].as_f64() {
            assert!(mean <= (next_start - end).num_days() as f64, "{metrics}");
            checked += 1;
        }
        if let Some(cleared) = episodes[0]["backlog_cleared_date"].as_str() {
            assert!(date(cleared) < next_start, "{metrics}");
        }
        if let Some(cleared) = episodes[1]["backlog_cleared_date"].as_str() {
            let winter_end = date(episodes[1]["end"].as_str().unwrap());
            let median = episodes[1]["days_to_clear_median"].as_f64().unwrap();
            assert_eq!(
                median,
                (date(cleared) - winter_end).num_days().max(0) as f64
            );
        }
    }
    assert!(checked > 0, "no selection cleared its first episode");
    // episodes.csv holds the same figures, a row per episode and selection.
    let csv = std::fs::read(out.join("episodes.csv")).unwrap();
    assert_eq!(column(&csv, "scope").len(), 2 * (1 + 3 + 2));
    assert_eq!(
        column(&csv, "days_to_clear_median")[1],
        summary["total"]["episodes"][1]["days_to_clear_median"]
            .as_f64()
            .map_or(String::new(), |v| v.to_string())
    );
}

#[test]
fn a_days_to_clear_target_on_two_suspensions_has_an_answer() {
    // Measured from the first suspension to a clearing after the second, no staffing met it: the search
    // doubled to its limit and gave up.
    let dir = tempfile::tempdir().unwrap();
    let scenario = relapse(dir.path(), "");
    let (stdout, _) = run(&[
        "sweep",
        scenario.to_str().unwrap(),
        "--target",
        "days_to_clear<=60",
        "--reps",
        "4",
    ]);
    assert_eq!(column(&stdout, "target_met"), ["true"]);
}

#[test]
fn a_target_on_one_episode_takes_that_episodes_days() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = relapse(dir.path(), "");
    let path = scenario.to_str().unwrap();
    let per_rep = dir.path().join("per-rep.csv");
    for (target, episode) in [("days_to_clear.summer<=400", 1), ("days_to_clear<=400", 0)] {
        let (stdout, _) = run(&[
            "sweep",
            path,
            "--vary",
            "caseworkers=4",
            "--target",
            target,
            "--reps",
            "1",
            "--per-rep",
            per_rep.to_str().unwrap(),
        ]);
        assert_eq!(column(&stdout, "target"), [target]);
        let rows = std::fs::read(&per_rep).unwrap();
        let (summary, _) = one_run(&scenario, &["caseworkers=4"]);
        let days = summary["total"]["episodes"][episode]["days_to_clear"]
            .as_f64()
            .unwrap();
        assert_eq!(column(&rows, "target_value"), [days.to_string()]);
    }
    // The summer episode's days count from its own end, not from the spring's.
    let (summary, _) = one_run(&scenario, &["caseworkers=4"]);
    let summer = &summary["total"]["episodes"][1];
    let cleared = date(summer["backlog_cleared_date"].as_str().unwrap());
    assert_eq!(
        summer["days_to_clear"],
        (cleared - date("2021-08-15")).num_days().max(0) as f64
    );
    // An id the scenario does not have, or a suspension after --by, is refused before anything runs.
    let refused = |target: &str, by: &str| {
        let output = backlog()
            .args(["sweep", path, "--target", target, "--by", by])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8(output.stderr).unwrap()
    };
    let message = refused("days_to_clear.winter<=30", "2021-09-30");
    assert!(
        message.contains("has no suspension `winter` (suspensions: spring, summer)"),
        "{message}"
    );
    let message = refused("days_to_clear.summer<=30", "2021-06-30");
    assert!(
        message.contains(
            "suspension `summer` starts on 2021-07-01, outside the window 2021-01-01 to 2021-06-30"
        ),
        "{message}"
    );
    let message = refused("overdue_end.summer<=0", "2021-09-30");
    assert!(
        message.contains("only days_to_clear and backlog_cleared_date"),
        "{message}"
    );
}

#[test]
fn a_days_to_clear_answer_whose_backlog_returns_warns() {
    // The spring's backlog clears, then a cut to 30 % of the staff from 1 July brings it back with no new
    // suspension: days_to_clear is met all the same, and the sweep says the backlog returns.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("scarce.toml")).unwrap()
        + "\n[[staffing.changes]]\ndate = 2021-07-01\ncaseworkers_factor = 0.3\n";
    let scenario = dir.path().join("returns.toml");
    std::fs::write(&scenario, text).unwrap();
    let (stdout, stderr) = run(&[
        "sweep",
        scenario.to_str().unwrap(),
        "--vary",
        "caseworkers=4",
        "--target",
        "days_to_clear<=60",
        "--reps",
        "1",
    ]);
    assert_eq!(column(&stdout, "target_met"), ["true"]);
    let (summary, days) = one_run(&scenario, &["caseworkers=4"]);
    let episode = &summary["total"]["episodes"][0];
    let cleared = date(episode["backlog_cleared_date"].as_str().unwrap());
    let before = episode["backlog_before"].as_f64().unwrap();
    let after: Vec<&(NaiveDate, f64)> = days.iter().filter(|(d, _)| *d > cleared).collect();
    let first = after.iter().find(|(_, o)| *o > before).unwrap().0;
    let worst = after
        .iter()
        .filter(|(d, _)| *d >= first)
        .map(|(_, o)| *o)
        .fold(0.0, f64::max);
    assert!(
        stderr.contains(&format!(
            "warning: days_to_clear<=60 by 2021-09-30 is met, but the backlog returns after it clears in 1 of 1 runs: above its level before the suspension ({before}) again on {first}, reaching {worst} before the end of the run (medians over those runs); for a backlog that stays cleared, give --target \"overdue<={before}\" --from {cleared}\n"
        )),
        "{stderr}"
    );
    // Without the cut the backlog stays cleared: no warning.
    let (_, stderr) = run(&[
        "sweep",
        fixture("scarce.toml").to_str().unwrap(),
        "--vary",
        "caseworkers=4",
        "--target",
        "days_to_clear<=60",
        "--reps",
        "1",
    ]);
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn a_scenario_starting_past_its_bases_dated_entries_starts_from_their_state() {
    // A base with dated entries in the first half of 2021; a child that starts on 1 July; and the same child
    // written with the values in force on 1 July and no dated entries. They are the same run.
    let dir = tempfile::tempdir().unwrap();
    let common = "seed = 7\nend = 2021-12-31\n\n[warmup]\nstart = \"stationary\"\ndays = 28\n\n\
        [municipalities]\nreference_population = 1000\nlist = [{ code = 1, name = \"Testby\", population = 1000 }]\n";
    let group = "[[groups]]\nid = \"kh\"\nmeetings = [{ due_day = 0, deadline_day = 7 }, { due_day = 60, deadline_day = 90 }]\n\
        followup = { every_days = 90, deadline_days = 30 }\n";
    std::fs::write(
        dir.path().join("base.toml"),
        format!(
            "name = \"base\"\nstart = 2021-01-01\n{common}\n[calendar]\nclosed = [2021-02-01]\n\n\
             [staffing]\ncaseworkers = 10\nmeetings_per_caseworker_day = 5\n\
             changes = [{{ date = 2021-02-01, caseworkers = 5 }}, {{ date = 2021-05-01, meetings_per_caseworker_day = 4 }}]\n\n\
             {group}inflow_per_day = 3\ninflow_changes = [{{ date = 2021-03-01, inflow_per_day = 6 }}]\n\
             duration = {{ distribution = \"exponential\", mean_days = 120 }}\n\
             duration_changes = [{{ date = 2021-03-01, distribution = \"exponential\", mean_days = 200 }}]\n\n\
             [[suspensions]]\nstart = 2021-03-01\nend = 2021-04-30\ngroups.kh = {{ action = \"catch_up\" }}\n"
        ),
    )
    .unwrap();
    let child = dir.path().join("child.toml");
    std::fs::write(
        &child,
        "extends = \"base.toml\"\nname = \"later\"\nstart = 2021-07-01\n",
    )
    .unwrap();
    let flat = dir.path().join("flat.toml");
    std::fs::write(
        &flat,
        format!(
            "name = \"later\"\nstart = 2021-07-01\n{common}\n\
             [staffing]\ncaseworkers = 5\nmeetings_per_caseworker_day = 4\n\n\
             {group}inflow_per_day = 6\nduration = {{ distribution = \"exponential\", mean_days = 200 }}\n"
        ),
    )
    .unwrap();
    let outputs = |scenario: &Path| {
        let out = dir.path().join(scenario.file_stem().unwrap());
        run(&[
            "simulate",
            scenario.to_str().unwrap(),
            "--reps",
            "2",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        let mut summary: Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        summary.as_object_mut().unwrap().remove("scenario");
        (summary, std::fs::read(out.join("daily.csv")).unwrap())
    };
    let (later, later_daily) = outputs(&child);
    let (flat, flat_daily) = outputs(&flat);
    assert_eq!(later, flat);
    assert_eq!(later_daily, flat_daily);
    assert_eq!(later["total"]["episodes"], Value::Array(Vec::new()));
    assert!(later["total"]["arrivals"].as_f64().unwrap() > 0.0);
    // cph2020.toml's 2020 changes, surge, closed days and spring suspension no longer stop a 2021 scenario. (Without
    // the warm-up: the suspension's readings B catch up until 31 December 2020, inside a warm-up of 28 days.)
    let cph2021 = dir.path().join("cph2021.toml");
    let cph2020 = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cph2020.toml");
    std::fs::write(
        &cph2021,
        format!(
            "extends = {:?}\nname = \"2021\"\nstart = 2021-01-01\nend = 2021-12-31\nexpect = []\nwarmup.days = 0\n",
            cph2020.to_str().unwrap()
        ),
    )
    .unwrap();
    let (stdout, _) = run(&["validate", cph2021.to_str().unwrap()]);
    let stdout = String::from_utf8(stdout).unwrap();
    assert!(
        stdout.contains("2021-01-01 to 2021-12-31, 1 municipality, 6 groups, 0 suspensions"),
        "{stdout}"
    );
}
