//! `backlog sweep --target` that means what it says: a window held on every day, a `--by` answer that warns when
//! its condition breaks later, `backlog_cleared_date` as a target, and a search with no answer saying why.

use crate::common::{backlog, fixture};
use std::path::{Path, PathBuf};

/// The scarce fixture with a second suspension in summer: a backlog cleared by June comes back in July.
fn relapse(dir: &Path) -> PathBuf {
    let mut text = std::fs::read_to_string(fixture("scarce.toml")).unwrap();
    text.push_str(
        "\n[[suspensions]]\nstart = 2021-07-01\nend = 2021-08-15\ngroups.kh = { action = \"catch_up\" }\n",
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

/// One column of a CSV, by name.
fn column(bytes: &[u8], name: &str) -> Vec<String> {
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

/// The overdue meetings of each day of replication 0 of `scenario` at `caseworkers` FTE, from simulate's
/// daily.csv (a byte-order mark before the first column's name).
/// The total overdue meetings of each day of `scenario` at `caseworkers` FTE, with the overrides `sets` (each
/// `KEY=VALUE`) laid over it.
fn overdue_by_day(
    scenario: &str,
    caseworkers: &str,
    reps: &str,
    sets: &[&str],
) -> Vec<(String, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let set = format!("caseworkers={caseworkers}");
    let args = [
        "simulate", scenario, "--set", &set, "--reps", reps, "--daily", "total", "--out",
    ];
    let mut args = args.to_vec();
    args.push(out.to_str().unwrap());
    for set in sets {
        args.extend(["--set", set]);
    }
    run(&args);
    let daily = std::fs::read(out.join("daily.csv")).unwrap();
    let daily = daily.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&daily);
    let dates = column(daily, "date");
    let overdue = column(daily, "overdue");
    dates
        .into_iter()
        .zip(overdue.iter().map(|v| v.parse::<f64>().unwrap()))
        .collect()
}

#[test]
fn a_target_by_a_date_warns_naming_the_day_its_condition_breaks_and_the_level_reached() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = relapse(dir.path());
    let scenario = scenario.to_str().unwrap();
    let (stdout, stderr) = run(&[
        "sweep",
        scenario,
        "--target",
        "overdue_end<=0",
        "--by",
        "2021-06-15",
        "--reps",
        "1",
    ]);
    let answer = column(&stdout, "caseworkers").remove(0);
    assert_eq!(column(&stdout, "target_met"), ["true"]);
    // One replication: the medians are replication 0's, which simulate's daily.csv shows.
    let after: Vec<(String, f64)> = overdue_by_day(scenario, &answer, "1", &[])
        .into_iter()
        .filter(|(date, _)| date.as_str() > "2021-06-15")
        .collect();
    let first = &after.iter().find(|(_, overdue)| *overdue > 0.0).unwrap().0;
    let worst = after
        .iter()
        .map(|(_, overdue)| *overdue)
        .fold(0.0, f64::max);
    assert!(first.as_str() >= "2021-07-01", "{first}");
    assert!(
        stderr.contains(&format!(
            "warning: overdue_end<=0 by 2021-06-15 breaks after 2021-06-15 in 1 of 1 runs: first on {first}, overdue reaching {worst} after it (medians over those runs); for a target that holds to the end of the run, give --target \"overdue<=0\" --from 2021-06-15\n"
        )),
        "{stderr}"
    );
    // A window that ends before the summer suspension has the same warning, pointing at the window's end.
    let (_, stderr) = run(&[
        "sweep",
        scenario,
        "--target",
        "overdue<=0",
        "--from",
        "2021-06-01",
        "--to",
        "2021-06-15",
        "--reps",
        "1",
    ]);
    assert!(
        stderr.contains("warning: overdue<=0 from 2021-06-01 to 2021-06-15 breaks after 2021-06-15 in 1 of 1 runs: first on "),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "for a target that holds to the end of the run, give --from 2021-06-01 without --to\n"
        ),
        "{stderr}"
    );
}

#[test]
fn a_window_to_the_end_of_the_run_gives_an_answer_with_no_overdue_meeting_in_it() {
    let (stdout, stderr) = run(&[
        "sweep",
        fixture("scarce.toml").to_str().unwrap(),
        "--target",
        "overdue<=0",
        "--from",
        "2021-06-01",
        "--reps",
        "4",
    ]);
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(column(&stdout, "target"), ["overdue<=0 from 2021-06-01"]);
    assert_eq!(column(&stdout, "by"), ["2021-09-30"]);
    // The row's backlog_peak is over the window: no meeting overdue on any of its days.
    assert_eq!(column(&stdout, "backlog_peak_p95"), ["0"]);
    let answer = column(&stdout, "caseworkers").remove(0);
    let scarce = fixture("scarce.toml");
    let daily = overdue_by_day(scarce.to_str().unwrap(), &answer, "4", &[]);
    assert!(daily
        .iter()
        .filter(|(date, _)| date.as_str() >= "2021-06-01")
        .all(|(_, overdue)| *overdue == 0.0));
    // One FTE less leaves a meeting overdue on some day of the window.
    let fewer = (answer.parse::<u32>().unwrap() - 1).to_string();
    let daily = overdue_by_day(scarce.to_str().unwrap(), &fewer, "4", &[]);
    assert!(daily
        .iter()
        .any(|(date, overdue)| date.as_str() >= "2021-06-01" && *overdue > 0.0));
}

#[test]
fn the_readme_staffing_answer_has_no_overdue_meeting_after_its_date() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let command = readme
        .lines()
        .find(|line| {
            line.starts_with("cargo run --release -- sweep scenarios/cph2020.toml --target")
        })
        .expect("the README's staffing question");
    let words = shell_words(command.trim_start_matches("cargo run --release -- "));
    let from = &words[words.iter().position(|w| w == "--from").expect("a window") + 1];
    // Fewer replications than the README's, for time: the answer at 4 holds on every day in every one of them.
    let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
    let reps = args.iter().position(|w| *w == "--reps").unwrap();
    args[reps + 1] = "4";
    let dir = tempfile::tempdir().unwrap();
    let per_rep = dir.path().join("per-rep.csv");
    args.extend(["--per-rep", per_rep.to_str().unwrap()]);
    let (stdout, stderr) = run(&args);
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(column(&stdout, "target_met"), ["true"]);
    let per_rep = std::fs::read(&per_rep).unwrap();
    assert!(column(&per_rep, "backlog_peak")
        .iter()
        .all(|peak| peak == "0"));
    let answer = column(&stdout, "caseworkers").remove(0);
    // The README's own overrides (the a-kasse's staffing) hold for the day-by-day run too.
    let sets: Vec<&str> = words
        .windows(2)
        .filter(|pair| pair[0] == "--set")
        .map(|pair| pair[1].as_str())
        .collect();
    let daily = overdue_by_day("scenarios/cph2020.toml", &answer, "1", &sets);
    let after: Vec<_> = daily.iter().filter(|(date, _)| date >= from).collect();
    assert!(!after.is_empty());
    assert!(
        after.iter().all(|(_, overdue)| *overdue == 0.0),
        "{after:?}"
    );
}

/// Splits a command line on spaces, keeping double-quoted words whole.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn backlog_cleared_date_is_a_target_and_a_run_never_cleared_misses_it() {
    let scarce = fixture("scarce.toml");
    let scarce = scarce.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let per_rep = dir.path().join("per-rep.csv");
    let per_rep_arg = per_rep.to_str().unwrap();
    let (stdout, stderr) = run(&[
        "sweep",
        scarce,
        "--target",
        "backlog_cleared_date<=2021-05-15",
        "--reps",
        "4",
        "--per-rep",
        per_rep_arg,
    ]);
    assert_eq!(
        column(&stdout, "target"),
        ["backlog_cleared_date<=2021-05-15"]
    );
    let answer = column(&stdout, "caseworkers").remove(0);
    assert!(
        stderr.contains(&format!("target: smallest caseworkers meeting backlog_cleared_date<=2021-05-15 by 2021-09-30 with confidence 0.95: {answer}\n")),
        "{stderr}"
    );
    // Each replication's value is the date its backlog cleared; at 95 % of 4, all four are by 15 May.
    let rows = std::fs::read(&per_rep).unwrap();
    let cleared = column(&rows, "target_value");
    assert_eq!(cleared.len(), 4);
    assert!(
        cleared
            .iter()
            .all(|date| date.len() == 10 && date.as_str() <= "2021-05-15"),
        "{cleared:?}"
    );
    assert_eq!(column(&rows, "target_holds"), ["true"; 4]);
    // A backlog not cleared by --by has no date, and misses even a target at the end of the run.
    run(&[
        "sweep",
        scarce,
        "--vary",
        "caseworkers=2",
        "--target",
        "backlog_cleared_date<=2021-09-30",
        "--by",
        "2021-05-01",
        "--reps",
        "4",
        "--per-rep",
        per_rep_arg,
    ]);
    let rows = std::fs::read(&per_rep).unwrap();
    assert_eq!(column(&rows, "target_value"), [""; 4]);
    assert_eq!(column(&rows, "target_holds"), ["false"; 4]);
}

#[test]
fn a_search_with_no_answer_says_the_target_value_it_reached_and_why_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let per_rep = dir.path().join("per-rep.csv");
    let (stdout, stderr) = run(&[
        "sweep",
        fixture("scarce.toml").to_str().unwrap(),
        "--target",
        "overdue<=0",
        "--from",
        "2021-04-01",
        "--to",
        "2021-04-30",
        "--reps",
        "4",
        "--per-rep",
        per_rep.to_str().unwrap(),
    ]);
    assert_eq!(column(&stdout, "target_met"), ["false"]);
    let last = column(&stdout, "caseworkers").remove(0);
    // The message gives the median over replications of the target's value at the last staffing tried (the
    // lower middle one of four); the row's peak backlog is over the window, the same values.
    let rows = std::fs::read(&per_rep).unwrap();
    let mut values: Vec<u32> = column(&rows, "target_value")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(
        column(&rows, "backlog_peak"),
        values.iter().map(u32::to_string).collect::<Vec<_>>()
    );
    values.sort_unstable();
    let peak = values[1];
    let before = last.parse::<u32>().unwrap() / 2;
    assert!(
        stderr.contains(&format!(
            "target: no caseworkers up to {last} FTE meets overdue<=0 from 2021-04-01 to 2021-04-30 with confidence 0.95: at {last} FTE overdue is still {peak} at its highest from 2021-04-01 to 2021-04-30 (median over 4 replications); going from {before} FTE to {last} FTE changed no run's overdue, so more staff will not meet it; the window overlaps the suspension from 2021-03-01 to 2021-04-15\n"
        )),
        "{stderr}"
    );
}

#[test]
fn window_arguments_are_checked_before_anything_runs() {
    let scarce = fixture("scarce.toml");
    let scarce = scarce.to_str().unwrap();
    for (args, message) in [
        (&["--target", "overdue<=0", "--from", "2021-10-01"][..], "--from: 2021-10-01 is outside the scenario's period (2021-01-01 to 2021-09-30)"),
        (&["--target", "overdue<=0", "--from", "2021-06-01", "--to", "2021-05-01"], "--to: 2021-05-01 is before --from 2021-06-01"),
        (&["--target", "overdue<=0", "--from", "June"], "--from: `June` is not a date (YYYY-MM-DD)"),
        (&["--target", "days_to_clear<=30", "--from", "2021-06-01"], "--from: days_to_clear counts from the end of the first suspension, not over a window; give --by DATE, or target a level such as overdue<=0 from a date"),
        (&["--target", "backlog_cleared_date<=30"], "--target: backlog_cleared_date takes a date (YYYY-MM-DD), got `30`"),
    ] {
        let output = backlog().arg("sweep").arg(scarce).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8(output.stderr).unwrap(),
            format!("error: {message}\n"),
            "{args:?}"
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
