//! Returning persons (`groups.ID.returning`): a share of a group's new spells resume an earlier unemployment
//! clock. Checked against runs without the key, against schedules known in closed form, and on the books.

use crate::common::{backlog, fixture, scenario_from};
use backlog::engine::metrics::Series;
use backlog::engine::Simulation;
use backlog::summary::{summarise, Metrics, Selection};
use predicates::prelude::*;

fn run(text: &str) -> (backlog::scenario::Scenario, Series) {
    let (_dir, scenario) = scenario_from(text);
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    (scenario, series)
}

fn whole(scenario: &backlog::scenario::Scenario, series: &Series) -> Metrics {
    summarise(scenario, series, Selection::whole(series))
}

/// One group's flow `pick` on reported day `day`, summed over the municipalities.
fn total(series: &Series, day: usize, pick: fn(&backlog::engine::metrics::GroupDay) -> u32) -> i64 {
    (0..series.municipalities)
        .flat_map(|m| series.group_rows(day, m).iter().map(pick))
        .map(i64::from)
        .sum()
}

/// The rich fixture (two municipalities, a stock drawn by age buckets and in steady state, a `shift` dead
/// period, catch-up, waiving) with `returning` added to its groups `dp` and `kh`.
fn rich_with(returning: &str) -> String {
    let text = std::fs::read_to_string(fixture("rich.toml")).unwrap();
    let dp = "rules = \"insured\"\n";
    let kh = "followup = { every_days = 60, deadline_days = 30 }\n";
    assert!(text.contains(dp) && text.contains(kh));
    text.replacen(dp, &format!("{dp}returning = {returning}\n"), 1)
        .replacen(kh, &format!("{kh}returning = {returning}\n"), 1)
}

#[test]
fn a_share_of_0_is_the_same_run_as_no_returning_persons() {
    let (_, without) = run(&std::fs::read_to_string(fixture("rich.toml")).unwrap());
    let (_, with_none) = run(&rich_with(
        "{ share = 0, prior_days = { distribution = \"exponential\", mean_days = 200 } }",
    ));
    assert_eq!(format!("{without:?}"), format!("{with_none:?}"));
    // And some returning persons change the run.
    let (_, with_some) = run(&rich_with(
        "{ share = 0.5, prior_days = { distribution = \"exponential\", mean_days = 200 } }",
    ));
    assert_ne!(format!("{without:?}"), format!("{with_some:?}"));
}

#[test]
fn books_balance_with_returning_persons_a_shift_and_catch_up() {
    for share in ["0.3", "1"] {
        let text = rich_with(&format!(
            "{{ share = {share}, prior_days = {{ distribution = \"gamma\", shape = 2, scale_days = 100 }} }}"
        ));
        for seed in 1..4 {
            let (_dir, scenario) = scenario_from(&text);
            let series = Simulation::new(&scenario, seed).run().unwrap();
            let all = whole(&scenario, &series);
            assert!(all.books_balance(), "share {share}, seed {seed}: {all:?}");
            for g in 0..scenario.groups.len() {
                let mut selection = Selection::whole(&series);
                selection.groups = backlog::summary::GroupSet::one(g);
                let group = summarise(&scenario, &series, selection);
                assert!(
                    group.books_balance(),
                    "share {share}, seed {seed}, group {g}"
                );
            }
        }
    }
}

/// Persons who never leave, arriving at 20 a day from the first day, with four fixed meetings in the first
/// half-year and a follow-up every 40 days after the last; `extra` goes into the group.
fn never_leaving(extra: &str) -> String {
    format!(
        r#"
name = "returning"
seed = 5
start = 2021-01-01
end = 2021-12-31
calendar = {{ holidays = "none" }}
[municipalities]
reference_population = 1
list = [{{ code = 1, name = "A", population = 1 }}]
[staffing]
caseworkers = 100
meetings_per_caseworker_day = 10
[[groups]]
id = "g"
inflow_per_day = 20
meetings = [{{ due_day = 0, deadline_day = 7 }}, {{ due_day = 30, deadline_day = 60 }}, {{ due_day = 91, deadline_day = 120 }}, {{ due_day = 150, deadline_day = 175 }}]
followup = {{ every_days = 40, deadline_days = 20 }}
{extra}
"#
    )
}

#[test]
fn returning_persons_past_the_first_half_year_owe_only_follow_ups_and_none_counts_as_early() {
    let (scenario, series) = run(&never_leaving(
        "duration = { distribution = \"never\" }\n\
         returning = { share = 1, prior_days = { distribution = \"fixed\", mean_days = 400 } }",
    ));
    // A person arriving on day a resumes at clock day 400: the fixed meetings (days 0-150) are not owed, and
    // the follow-ups (150 + 40n) fall due from clock day 430 on, that is on days a + 30, a + 70, ...
    let arrivals = |day: usize| total(&series, day, |r| r.arrivals);
    for day in 0..series.days {
        let expected: i64 = (30..=day)
            .step_by(40)
            .map(|back| arrivals(day - back))
            .sum();
        assert_eq!(total(&series, day, |r| r.due), expected, "day {day}");
    }
    let metrics = whole(&scenario, &series);
    assert!(metrics.held > 10_000.0, "{metrics:?}");
    assert_eq!(metrics.held_early, 0.0);
    assert!(metrics.books_balance());
}

#[test]
fn a_stationary_stock_of_returning_persons_holds_nothing_early_either() {
    let (scenario, series) = run(&never_leaving(
        "duration = { distribution = \"exponential\", mean_days = 150 }\n\
         returning = { share = 1, prior_days = { distribution = \"fixed\", mean_days = 182 } }\n\
         [warmup]\nstart = \"stationary\"\ndays = 28",
    ));
    let metrics = whole(&scenario, &series);
    assert!(metrics.active_mean > 2_000.0, "{metrics:?}");
    assert!(metrics.held > 10_000.0, "{metrics:?}");
    assert_eq!(metrics.held_early, 0.0);
    assert!(metrics.books_balance());
}

#[test]
fn fixed_spells_resumed_at_a_fixed_day_owe_the_meetings_of_the_resumed_window() {
    // Spells of 100 days resumed at clock day 60 cover clock days 60-159: of the schedule, the meetings due on
    // clock days 91 and 150 (days a + 31 and a + 90 of a spell that starts on day a), two a spell; a spell
    // starting afresh would owe those of days 0, 30 and 91.
    let (scenario, series) = run(&never_leaving(
        "duration = { distribution = \"fixed\", mean_days = 100 }\n\
         returning = { share = 1, prior_days = { distribution = \"fixed\", mean_days = 60 } }",
    ));
    let arrivals = |day: usize| total(&series, day, |r| r.arrivals);
    let mut owed = 0;
    for day in 0..series.days {
        let expected: i64 = [31, 90]
            .iter()
            .filter(|&&back| back <= day)
            .map(|&back| arrivals(day - back))
            .sum();
        assert_eq!(total(&series, day, |r| r.due), expected, "day {day}");
        owed += expected;
    }
    let metrics = whole(&scenario, &series);
    // Ample capacity: every meeting owed is held, but those still pending at the end.
    assert_eq!(metrics.dropped, 0.0);
    assert_eq!(metrics.held + metrics.pending_end, owed as f64);
    // Both fall in the clock's first half-year.
    assert_eq!(metrics.held_early, metrics.held);
    assert!(metrics.books_balance());
}

fn validate_with(returning: &str) -> assert_cmd::assert::Assert {
    let text = std::fs::read_to_string(fixture("small.toml")).unwrap();
    let followup = "followup = { every_days = 90, deadline_days = 30 }\n";
    assert!(text.contains(followup));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        text.replacen(followup, &format!("{followup}returning = {returning}\n"), 1),
    )
    .unwrap();
    backlog()
        .args(["validate", path.to_str().unwrap()])
        .assert()
}

#[test]
fn bad_returning_input_names_the_file_key_and_line_and_exits_2() {
    let prior = "prior_days = { distribution = \"fixed\", mean_days = 100 }";
    let cases = [
        (
            format!("{{ share = 1.5, {prior} }}"),
            "bad.toml:24:15: groups[0].returning.share: must be between 0 and 1, got 1.5\n",
        ),
        (
            format!("{{ share = -0.1, {prior} }}"),
            "bad.toml:24:15: groups[0].returning.share: must be between 0 and 1, got -0.1\n",
        ),
        (
            format!("{{ share = {{ low = 0.2, high = 1.4 }}, {prior} }}"),
            "bad.toml:24:15: groups[0].returning.share: the range (uniform 0.2 to 1.4) at its high end (1.4): \
             must be between 0 and 1, got 1.4\n",
        ),
        (
            "{ share = 0.5, prior_days = { distribution = \"exponential\", mean_days = -3 } }".into(),
            "groups[0].returning.prior_days.mean_days: must be greater than 0, got -3\n",
        ),
        (
            "{ share = 0.5, prior_days = { distribution = \"never\" } }".into(),
            "groups[0].returning.prior_days: earlier unemployment must be finite",
        ),
        (
            "{ share = 0.5 }".into(),
            "groups[0].returning.prior_days",
        ),
    ];
    for (returning, message) in cases {
        validate_with(&returning)
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn returning_inputs_take_ranges() {
    validate_with(
        "{ share = { low = 0.3, high = 0.7 }, prior_days = { distribution = \"gamma\", shape = 2, \
         scale_days = { low = 80, high = 140 } } }",
    )
    .success()
    .stdout(predicate::str::contains("groups.kh.returning.share"))
    .stdout(predicate::str::contains(
        "groups.kh.returning.prior_days.scale_days",
    ));
}
