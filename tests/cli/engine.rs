//! The engine against answers known in closed form, and the books on every run.

use crate::common::scenario_from;
use backlog::engine::metrics::Series;
use backlog::engine::Simulation;
use backlog::summary::{day_index, summarise, Selection};
use chrono::NaiveDate;

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn total(series: &Series, day: usize, pick: fn(&backlog::engine::metrics::GroupDay) -> u32) -> i64 {
    (0..series.municipalities)
        .flat_map(|m| series.group_rows(day, m).iter().map(pick))
        .map(i64::from)
        .sum()
}

/// A stock of `persons` who never leave and each owe one meeting every day (deadline the same day): demand is
/// exactly `persons` meetings a day, with no randomness in it.
fn daily_meetings(persons: u32, caseworkers: f64, extra: &str) -> String {
    format!(
        r#"
name = "daily meetings"
seed = 1
start = 2021-03-01
end = 2021-05-31
calendar = {{ holidays = "none" }}

[municipalities]
reference_population = 1
list = [{{ code = 1, name = "A", population = 1 }}]

[staffing]
caseworkers = {caseworkers}
meetings_per_caseworker_day = 1

[[groups]]
id = "g"
inflow_per_day = 0
initial_stock = {persons}
initial_age_buckets = [{{ up_to_days = 1, share = 1.0 }}]
duration = {{ distribution = "never" }}
followup = {{ every_days = 1, deadline_days = 0 }}
{extra}
"#
    )
}

#[test]
fn ample_capacity_and_no_exits_hold_inflow_times_meetings_per_spell() {
    let (_dir, scenario) = scenario_from(
        r#"
name = "steady"
seed = 11
start = 2021-01-01
end = 2022-12-31
warmup = { days = 200 }
calendar = { holidays = "none" }
[municipalities]
reference_population = 1
list = [{ code = 1, name = "A", population = 1 }]
[staffing]
caseworkers = 100
meetings_per_caseworker_day = 10
[[groups]]
id = "g"
inflow_per_day = 20
duration = { distribution = "never" }
meetings = [{ due_day = 0, deadline_day = 7 }, { due_day = 30, deadline_day = 60 }, { due_day = 91, deadline_day = 120 }, { due_day = 150, deadline_day = 182 }]
"#,
    );
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    // Exactly: what falls due on a day is the arrivals of 0, 30, 91 and 150 days before.
    let arrivals = |day: usize| total(&series, day, |r| r.arrivals);
    for day in 150..series.days {
        let expected: i64 = [0, 30, 91, 150].iter().map(|&k| arrivals(day - k)).sum();
        assert_eq!(total(&series, day, |r| r.due), expected, "day {day}");
    }
    // In expectation: 4 meetings per spell x 20 arrivals a day = 80 meetings a day, held in full.
    let metrics = summarise(&scenario, &series, Selection::whole(&series));
    let days = series.days as f64;
    let per_day = metrics.held / days;
    // Held per day is a sum of 4 Poisson(20) counts: its mean over `days` days has sd sqrt(80 / days).
    let standard_error = (80.0 / days).sqrt();
    assert!(
        (per_day - 80.0).abs() < 4.0 * standard_error,
        "held per day {per_day}"
    );
    assert_eq!(metrics.on_time_share, 1.0);
    assert_eq!(metrics.overdue_end, 0.0);
    assert!(metrics.books_balance());
}

/// A steady inflow of persons who never leave, with ample capacity, owing the meetings `meetings`.
fn never_leaving(meetings: &str) -> String {
    format!(
        r#"
name = "never leaving"
seed = 12
start = 2021-01-01
end = 2021-12-31
warmup = {{ days = 300 }}
[municipalities]
reference_population = 1
list = [{{ code = 1, name = "A", population = 1 }}]
[staffing]
caseworkers = 100
meetings_per_caseworker_day = 10
[[groups]]
id = "g"
inflow_per_day = 20
duration = {{ distribution = "never" }}
meetings = [{meetings}]
"#
    )
}

#[test]
fn meetings_count_as_early_exactly_when_held_in_the_first_half_year_of_the_spell() {
    // With ample capacity a meeting is held by its deadline: four due in the first 150 days (deadlines before
    // day 182) are all held early, one due on day 200 is held late. The arrivals do not depend on the meetings,
    // so the three runs see the same persons.
    let early = "{ due_day = 0, deadline_day = 7 }, { due_day = 30, deadline_day = 60 }, \
                 { due_day = 91, deadline_day = 120 }, { due_day = 150, deadline_day = 175 }";
    let late = "{ due_day = 200, deadline_day = 210 }";
    let run = |meetings: &str| {
        let (_dir, scenario) = scenario_from(&never_leaving(meetings));
        let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
        summarise(&scenario, &series, Selection::whole(&series))
    };
    let (only_early, only_late, both) = (run(early), run(late), run(&format!("{early}, {late}")));
    assert!(only_early.held > 0.0 && only_late.held > 0.0);
    assert_eq!(only_early.held_early, only_early.held);
    assert_eq!(only_early.held_early_share, 1.0);
    assert_eq!(only_late.held_early, 0.0);
    assert_eq!(both.held_early, only_early.held);
    assert_eq!(both.held - both.held_early, only_late.held);
    assert_eq!(both.held_early_share, both.held_early / both.held);
}

#[test]
fn a_stock_owing_a_meeting_a_day_holds_365_meetings_per_person_year() {
    // 40 persons who never leave each owe a meeting every day, all held (the weekend's on the Monday): per
    // person-year on benefit 365 meetings, less at most the meetings of the last weekend still pending.
    let (_dir, scenario) = scenario_from(&daily_meetings(40, 100.0, ""));
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let metrics = summarise(&scenario, &series, Selection::whole(&series));
    assert_eq!(metrics.active_mean, 40.0);
    let days = series.days as f64;
    let expected =
        (metrics.pending_start + metrics.due - metrics.pending_end) / (40.0 * days / 365.0);
    assert_eq!(metrics.held_per_person_year, expected);
    assert!(
        (metrics.held_per_person_year - 365.0).abs() <= 365.0 * 2.0 / days,
        "{}",
        metrics.held_per_person_year
    );
}

#[test]
fn capacity_below_demand_grows_the_backlog_by_the_difference_each_working_day() {
    // 50 meetings due a day, 30 caseworkers x 1 meeting: the backlog grows by 20 on each working day and by 50
    // on each weekend day.
    let (_dir, scenario) = scenario_from(&daily_meetings(50, 30.0, ""));
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let overdue = |day: usize| total(&series, day, |r| r.overdue);
    for day in 1..series.days {
        let growth = overdue(day) - overdue(day - 1);
        let expected = if series.working[day] { 50 - 30 } else { 50 };
        assert_eq!(growth, expected, "{}", series.date(day));
        assert_eq!(
            total(&series, day, |r| r.held),
            if series.working[day] { 30 } else { 0 }
        );
    }
}

/// The daily-meetings stock (40 persons, ample capacity) with a two-week suspension from Monday 5 April 2021 whose
/// rule for the group is `action`: the run, and the reported days of Sunday 4 and Sunday 18 April.
fn suspended_fortnight(action: &str) -> (backlog::scenario::Scenario, Series, usize, usize) {
    let suspension = format!(
        "\n[[suspensions]]\nstart = 2021-04-05\nend = 2021-04-18\ncapacity_share = 0\ngroups.g = {{ action = \"{action}\" }}\n"
    );
    let (_dir, scenario) = scenario_from(&daily_meetings(40, 1000.0, &suspension));
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let before = day_index(&series, date("2021-04-04")).unwrap();
    let end = day_index(&series, date("2021-04-18")).unwrap();
    (scenario, series, before, end)
}

#[test]
fn catch_up_leaves_a_backlog_of_what_fell_due_inside_the_window() {
    let (scenario, series, before, end) = suspended_fortnight("catch_up");
    let pending = |day: usize| total(&series, day, |r| r.pending);
    // Sunday 4 April: the weekend's meetings wait for Monday.
    assert_eq!(pending(before), 80);
    // 14 days x 40 meetings fell due inside the window, none could be held.
    assert_eq!(pending(end) - pending(before), 14 * 40);
    let inside = Selection {
        from: before + 1,
        to: end,
        ..Selection::whole(&series)
    };
    let metrics = summarise(&scenario, &series, inside);
    assert_eq!(metrics.suspended, 14.0 * 40.0);
    assert_eq!(metrics.held, 0.0);
    // Ample capacity clears it on the first working day after the window.
    assert_eq!(pending(end + 1), 0);
}

#[test]
fn waive_leaves_no_backlog() {
    let (scenario, series, before, end) = suspended_fortnight("waive");
    let pending = |day: usize| total(&series, day, |r| r.pending);
    // The weekend's 80 were pending before the window and stay pending (no capacity); nothing is added.
    assert_eq!(pending(end), pending(before));
    let metrics = summarise(
        &scenario,
        &series,
        Selection {
            from: before + 1,
            to: end,
            ..Selection::whole(&series)
        },
    );
    assert_eq!(metrics.waived, 14.0 * 40.0);
    assert_eq!(metrics.suspended, 14.0 * 40.0);
}

/// 25 persons who start on 1 March 2021 (day 0) and never leave, owing `meetings`; days 20-29 (21-30 March) are a
/// dead period for their group.
fn shifted_cohort(meetings: &str) -> String {
    format!(
        r#"
name = "shift"
seed = 3
start = 2021-03-01
end = 2021-05-31
calendar = {{ holidays = "none" }}
[municipalities]
reference_population = 1
list = [{{ code = 1, name = "A", population = 1 }}]
[staffing]
caseworkers = 100
meetings_per_caseworker_day = 10
[[groups]]
id = "g"
inflow_per_day = 0
initial_stock = 25
initial_age_buckets = [{{ up_to_days = 1, share = 1.0 }}]
duration = {{ distribution = "never" }}
meetings = {meetings}
[[suspensions]]
start = 2021-03-21
end = 2021-03-30
capacity_share = 0
groups.g = {{ action = "shift" }}
"#
    )
}

#[test]
fn shift_resumes_the_schedule_later_by_the_length_of_the_window() {
    // 25 persons start on day 0 with meetings due on spell days 10 and 40; days 20-29 are a dead period.
    let (_dir, scenario) = scenario_from(&shifted_cohort(
        "[{ due_day = 10, deadline_day = 12 }, { due_day = 40, deadline_day = 45 }]",
    ));
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let due: Vec<(usize, i64)> = (0..series.days)
        .map(|d| (d, total(&series, d, |r| r.due)))
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(due, vec![(10, 25), (50, 25)]);
    // The second meeting would have fallen due on day 40, outside the window, so nothing counts as suspended;
    // the deadline moved with it (day 55), so it is held on time.
    let metrics = summarise(&scenario, &series, Selection::whole(&series));
    assert_eq!(metrics.suspended, 0.0);
    assert_eq!(metrics.held_on_time, 50.0);
}

#[test]
fn shift_counts_meetings_that_would_have_fallen_due_inside_the_window() {
    let (_dir, scenario) = scenario_from(&shifted_cohort("[{ due_day = 25, deadline_day = 27 }]"));
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    // Spell day 25 is 26 March, inside the dead period (days 20-29): it falls due on day 35 instead, and counts
    // as suspended on 26 March.
    assert_eq!(total(&series, 25, |r| r.suspended), 25);
    assert_eq!(total(&series, 35, |r| r.due), 25);
    assert_eq!(
        (0..series.days)
            .map(|d| total(&series, d, |r| r.due))
            .sum::<i64>(),
        25
    );
}

#[test]
fn books_balance_with_exits_suspensions_and_scarce_capacity() {
    let (_dir, scenario) = scenario_from(
        r#"
name = "busy"
seed = 5
start = 2020-01-01
end = 2020-12-31
warmup = { days = 365 }
[municipalities]
reference_population = 1000
list = [{ code = 1, name = "A", population = 600 }, { code = 2, name = "B", population = 400, inflow_factor = 1.5 }]
[staffing]
caseworkers = 4
meetings_per_caseworker_day = 6
phone_share = 0.2
phone_time = 0.6
[[groups]]
id = "dp"
insured = true
inflow_per_day = 3
inflow_changes = [{ date = 2020-03-15, inflow_per_day = 9 }, { date = 2020-05-01, inflow_per_day = 3 }]
duration = { distribution = "lognormal", mean_days = 120, sd_days = 100 }
meetings = [{ due_day = 0, deadline_day = 30 }, { due_day = 60, deadline_day = 91 }, { due_day = 120, deadline_day = 182 }]
followup = { every_days = 91, deadline_days = 30 }
[[groups]]
id = "kh"
inflow_per_day = 2
duration = { distribution = "weibull", shape = 0.8, scale_days = 300 }
meetings = [{ due_day = 0, deadline_day = 7 }, { due_day = 45, deadline_day = 91 }]
followup = { every_days = 60, deadline_days = 30 }
[[suspensions]]
start = 2020-03-12
end = 2020-05-25
capacity_share = 0.1
groups.dp = { action = "shift", from = 2020-03-01, to = 2020-08-31 }
groups.kh = { action = "catch_up", from = 2020-03-01, to = 2020-08-31, catch_up_from = 2020-09-01, catch_up_by = 2020-12-31, catch_up_pacing = "even" }
"#,
    );
    for seed in 0..5 {
        let series = Simulation::new(&scenario, seed).run().unwrap();
        let whole = Selection::whole(&series);
        for selection in [
            whole,
            Selection {
                municipality: Some(1),
                ..whole
            },
            Selection {
                groups: backlog::summary::GroupSet::one(0),
                ..whole
            },
            Selection {
                from: 60,
                to: 200,
                ..whole
            },
        ] {
            let metrics = summarise(&scenario, &series, selection);
            assert!(metrics.books_balance(), "seed {seed}: {metrics:?}");
            // What was owed and not dropped was held or is still pending.
            assert_eq!(metrics.owed_kept, metrics.held + metrics.pending_end);
        }
        let metrics = summarise(&scenario, &series, whole);
        assert!(metrics.dropped > 0.0 && metrics.suspended > 0.0 && metrics.backlog_peak > 0.0);
        // Pending and overdue as recorded each day agree with the flows.
        for day in 1..series.days {
            let flows = total(&series, day, |r| r.due)
                - total(&series, day, |r| r.held)
                - total(&series, day, |r| r.waived)
                - total(&series, day, |r| r.dropped);
            assert_eq!(
                total(&series, day, |r| r.pending) - total(&series, day - 1, |r| r.pending),
                flows
            );
            assert!(total(&series, day, |r| r.overdue) <= total(&series, day, |r| r.pending));
        }
    }
}

#[test]
fn run_until_stops_on_the_given_day() {
    let (_dir, scenario) = scenario_from(&daily_meetings(10, 5.0, ""));
    let mut simulation = Simulation::new(&scenario, 1);
    simulation.run_until(date("2021-03-03")).unwrap();
    assert_eq!(simulation.today(), date("2021-03-04"));
    // Follow-ups start one day into the spell: 10 meetings fall due on each of 2 and 3 March, and Tuesday 2 and
    // Wednesday 3 March hold 5 each.
    assert_eq!(simulation.levels().pending, 20 - 10);
    assert_eq!(simulation.levels().active, 10);
}

#[test]
fn run_until_refuses_a_day_already_passed() {
    let (_dir, scenario) = scenario_from(&daily_meetings(10, 5.0, ""));
    let mut simulation = Simulation::new(&scenario, 1);
    simulation.run_until(date("2021-03-03")).unwrap();
    // The last day simulated is where the simulation is: nothing to do.
    simulation.run_until(date("2021-03-03")).unwrap();
    let error = simulation.run_until(date("2021-03-02")).unwrap_err();
    assert_eq!(
        (error.date, error.today),
        (date("2021-03-02"), date("2021-03-04"))
    );
    assert_eq!(simulation.today(), date("2021-03-04"));
}

/// Three towns with a steady-state stock in one group and aged buckets in the other, a `shift` group, and both
/// orders of holding: `municipalities` is the inline list, `order` the holding order.
fn towns(municipalities: &str, order: &str) -> String {
    format!(
        r#"
name = "towns"
seed = 5
start = 2021-01-01
end = 2021-09-30
order = "{order}"
[warmup]
days = 120
[municipalities]
reference_population = 1000
list = [{municipalities}]
[staffing]
caseworkers = 3
meetings_per_caseworker_day = 5
[[groups]]
id = "dp"
priority = 2
inflow_per_day = 2
initial_stock = 150
duration = {{ distribution = "lognormal", mean_days = 120, sd_days = 90 }}
meetings = [{{ due_day = 0, deadline_day = 14 }}, {{ due_day = 60, deadline_day = 90 }}]
[[groups]]
id = "kh"
priority = 1
inflow_per_day = 1
initial_stock = 80
initial_age_buckets = [{{ up_to_days = 90, share = 0.5 }}, {{ up_to_days = 365, share = 0.5 }}]
duration = {{ distribution = "exponential", mean_days = 200 }}
meetings = [{{ due_day = 0, deadline_day = 7 }}]
followup = {{ every_days = 60, deadline_days = 30 }}
[[suspensions]]
name = "spring"
start = 2021-03-01
end = 2021-04-30
default_action = "catch_up"
groups.dp = {{ action = "shift" }}
"#
    )
}

const STORBY: &str = r#"{ code = 1, name = "Storby", population = 3000 }"#;
const MELLEMBY: &str = r#"{ code = 2, name = "Mellemby", population = 1500 }"#;
const LILLEBY: &str = r#"{ code = 3, name = "Lilleby", population = 500 }"#;

#[test]
fn a_municipality_sees_the_same_people_whichever_others_are_in_the_scenario() {
    for order in ["earliest_deadline", "group_priority"] {
        let (_a, all) = scenario_from(&towns(&[STORBY, MELLEMBY, LILLEBY].join(", "), order));
        let (_b, alone) = scenario_from(&towns(MELLEMBY, order));
        let (_c, reordered) = scenario_from(&towns(&[LILLEBY, MELLEMBY].join(", "), order));
        let runs = [(&all, 1), (&alone, 0), (&reordered, 1)]
            .map(|(scenario, m)| (Simulation::new(scenario, 9).run().unwrap(), m));
        let (reference, m) = &runs[1];
        assert!(total(reference, reference.days - 1, |r| r.held) > 0);
        for (series, index) in &runs {
            for day in 0..series.days {
                assert_eq!(
                    series.group_rows(day, *index),
                    reference.group_rows(day, *m),
                    "{order}, day {day}"
                );
                assert_eq!(
                    series.municipality_row(day, *index),
                    reference.municipality_row(day, *m)
                );
            }
            assert_eq!(
                series.initial[index * 2..index * 2 + 2],
                reference.initial[..2]
            );
        }
        // The others differ from Mellemby and from each other: each has a stream of its own.
        let (series, _) = &runs[0];
        assert_ne!(series.group_rows(40, 0), series.group_rows(40, 2));
    }
}

#[test]
fn stepping_every_municipality_a_day_at_a_time_gives_the_same_run() {
    let (_dir, scenario) = scenario_from(&towns(
        &[STORBY, MELLEMBY, LILLEBY].join(", "),
        "earliest_deadline",
    ));
    let whole = Simulation::new(&scenario, 3).run().unwrap();
    for stop in ["2020-11-01", "2021-01-01", "2021-03-15", "2021-09-29"] {
        let mut simulation = Simulation::new(&scenario, 3);
        simulation.run_until(date(stop)).unwrap();
        let series = simulation.run().unwrap();
        assert_eq!(series.rows, whole.rows, "stepped to {stop}");
        assert_eq!(series.initial, whole.initial, "stepped to {stop}");
        assert_eq!(series.municipality_rows, whole.municipality_rows);
    }
}

/// The daily-meetings stock (40 persons, ample capacity) with the fortnight's suspension from Monday 5 April
/// 2021 and a catch-up rule with the keys `keys`: the run and the reported day of each date.
fn caught_up_fortnight(keys: &str) -> (Series, impl Fn(&str) -> usize) {
    let suspension = format!(
        "\n[[suspensions]]\nstart = 2021-04-05\nend = 2021-04-18\ncapacity_share = 0\ngroups.g = {{ action = \"catch_up\", {keys} }}\n"
    );
    let (_dir, scenario) = scenario_from(&daily_meetings(40, 1000.0, &suspension));
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let index = {
        let series = series.clone();
        move |text: &str| day_index(&series, date(text)).unwrap()
    };
    (series, index)
}

#[test]
fn caught_up_meetings_wait_for_catch_up_from() {
    let (series, day) = caught_up_fortnight("catch_up_from = 2021-04-26");
    let pending = |d: usize| total(&series, d, |r| r.pending);
    let overdue = |d: usize| total(&series, d, |r| r.overdue);
    let held = |d: usize| total(&series, d, |r| r.held);
    // The week after the window holds only the day's own 40 (on Monday also the 80 of 3-4 April, which fell
    // due before the window); the 14 x 40 caught-up meetings wait, overdue (their deadlines were the days they
    // fell due).
    for text in [
        "2021-04-19",
        "2021-04-20",
        "2021-04-21",
        "2021-04-22",
        "2021-04-23",
    ] {
        let before_the_window = if text == "2021-04-19" { 80 } else { 0 };
        assert_eq!(held(day(text)), 40 + before_the_window, "{text}");
        assert_eq!(pending(day(text)), 14 * 40, "{text}");
        assert_eq!(overdue(day(text)), 14 * 40, "{text}");
    }
    // Monday 26 April: all of them, the weekend's 80 and the day's 40.
    assert_eq!(held(day("2021-04-26")), 14 * 40 + 80 + 40);
    assert_eq!(pending(day("2021-04-26")), 0);
}

#[test]
fn even_pacing_spreads_the_caught_up_meetings_over_the_window() {
    let (series, day) = caught_up_fortnight(
        "catch_up_from = 2021-04-19, catch_up_by = 2021-04-30, catch_up_pacing = \"even\"",
    );
    let held = |d: usize| total(&series, d, |r| r.held);
    let overdue = |d: usize| total(&series, d, |r| r.overdue);
    // 14 x 40 = 560 caught-up meetings over the 10 working days of 19-30 April: 56 a day on top of the day's
    // own meetings (40, and on the Mondays also the weekend's 80: 3-4 April, due before the window, and 24-25).
    let window = day("2021-04-19")..=day("2021-04-30");
    for d in window.clone() {
        let own = match series.date(d).format("%a").to_string().as_str() {
            "Sat" | "Sun" => continue,
            "Mon" => 40 + 80,
            _ => 40,
        };
        assert_eq!(held(d), own + 56, "{}", series.date(d));
        // Their deadline is 30 April: none of them is overdue while it waits its turn.
        assert_eq!(overdue(d), 0, "{}", series.date(d));
    }
    let caught_up: i64 = window.map(held).sum::<i64>() - (10 * 40 + 2 * 80);
    assert_eq!(caught_up, 560);
    assert_eq!(total(&series, day("2021-04-30"), |r| r.pending), 0);
}

#[test]
fn one_replication_gives_the_same_series_on_any_number_of_threads() {
    let (_dir, scenario) = scenario_from(&towns(
        &[STORBY, MELLEMBY, LILLEBY].join(", "),
        "group_priority",
    ));
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| Simulation::new(&scenario, 4).run().unwrap())
    };
    let one = on(1);
    assert!(total(&one, one.days - 1, |r| r.active) > 0);
    for threads in [2, 3, 8] {
        let many = on(threads);
        assert_eq!(many.rows, one.rows, "{threads} threads");
        assert_eq!(many.initial, one.initial, "{threads} threads");
        assert_eq!(many.municipality_rows, one.municipality_rows);
    }
}

/// A person keeps up to 31 pending meetings after their earliest one in place and the rest aside: with a meeting
/// every day, a deadline the same day and a tenth of the capacity needed, persons owe many more than that at
/// once. Every meeting is still held, dropped when its person leaves, or pending, and the recorded levels
/// agree with the flows every day.
#[test]
fn books_balance_when_persons_owe_more_meetings_than_fit_beside_their_earliest() {
    let (_dir, scenario) = scenario_from(
        r#"
name = "many pending"
seed = 3
start = 2021-01-01
end = 2021-06-30
calendar = { holidays = "none" }
[municipalities]
reference_population = 1
list = [{ code = 1, name = "A", population = 1 }]
[staffing]
caseworkers = 1
meetings_per_caseworker_day = 4
[[groups]]
id = "g"
inflow_per_day = 1
duration = { distribution = "exponential", mean_days = 40 }
meetings = [{ due_day = 0, deadline_day = 0 }]
followup = { every_days = 1, deadline_days = 0 }
"#,
    );
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let metrics = summarise(&scenario, &series, Selection::whole(&series));
    assert!(metrics.books_balance(), "{metrics:?}");
    assert_eq!(metrics.owed_kept, metrics.held + metrics.pending_end);
    let last = series.days - 1;
    // About 40 persons each owe a meeting a day and 4 are held: the backlog per person passes 32 in a few weeks.
    assert!(
        total(&series, last, |r| r.pending) > 40 * 32,
        "pending at the end: {}",
        total(&series, last, |r| r.pending)
    );
    assert!(metrics.dropped > 1000.0, "{metrics:?}");
    for day in 1..series.days {
        let flows = total(&series, day, |r| r.due)
            - total(&series, day, |r| r.held)
            - total(&series, day, |r| r.dropped);
        assert_eq!(
            total(&series, day, |r| r.pending) - total(&series, day - 1, |r| r.pending),
            flows,
            "day {day}"
        );
        // Every meeting's deadline is the day it falls due: all pending ones but today's unheld are overdue.
        assert_eq!(
            total(&series, day, |r| r.overdue),
            total(&series, day, |r| r.pending),
            "day {day}"
        );
    }
}

#[test]
fn a_run_after_other_runs_on_the_same_thread_is_the_run_on_a_fresh_thread() {
    // Whole runs hand their jobcentre's memory to the next run on the same thread: it must carry nothing else.
    let (_dir, three) = scenario_from(&towns(
        &[STORBY, MELLEMBY, LILLEBY].join(", "),
        "earliest_deadline",
    ));
    let (_dir2, priority) =
        scenario_from(&towns(&[MELLEMBY, LILLEBY].join(", "), "group_priority"));
    let one_thread = || {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
    };
    let fresh = one_thread().install(|| Simulation::new(&three, 5).run().unwrap());
    let after_others = one_thread().install(|| {
        Simulation::new(&three, 6).run().unwrap();
        Simulation::new(&priority, 5).run().unwrap();
        Simulation::new(&three, 7).run().unwrap();
        Simulation::new(&three, 5).run().unwrap()
    });
    assert_eq!(after_others.rows, fresh.rows);
    assert_eq!(after_others.initial, fresh.initial);
    assert_eq!(after_others.municipality_rows, fresh.municipality_rows);
}

#[test]
fn the_whole_run_summaries_from_one_pass_are_each_selection_summarised() {
    for order in ["earliest_deadline", "group_priority"] {
        let (_dir, scenario) =
            scenario_from(&towns(&[STORBY, MELLEMBY, LILLEBY].join(", "), order));
        let series = Simulation::new(&scenario, 8).run().unwrap();
        let whole = Selection::whole(&series);
        let (total, municipalities, groups) = backlog::summary::summarise_whole(&scenario, &series);
        assert_eq!(total, summarise(&scenario, &series, whole));
        assert_eq!(municipalities.len(), series.municipalities);
        for (m, metrics) in municipalities.iter().enumerate() {
            let selection = Selection {
                municipality: Some(m),
                ..whole
            };
            assert_eq!(*metrics, summarise(&scenario, &series, selection), "{m}");
        }
        assert_eq!(groups.len(), series.groups);
        for (g, metrics) in groups.iter().enumerate() {
            let selection = Selection {
                groups: backlog::summary::GroupSet::one(g),
                ..whole
            };
            assert_eq!(*metrics, summarise(&scenario, &series, selection), "{g}");
        }
    }
}
