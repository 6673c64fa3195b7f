//! Properties of random valid scenarios, generated from a few parameters: the books balance for the total, each
//! municipality and each group; and the written results do not depend on the number of threads.
//!
//! `BACKLOG_PROPERTY_CASES` sets the number of scenarios per property (defaults are small for `cargo test`).

use crate::common::backlog;
use backlog::engine::Simulation;
use backlog::summary::{summarise, Metrics, Selection};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::fmt::Write;

fn cases(default: u32) -> u32 {
    std::env::var("BACKLOG_PROPERTY_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Debug, Clone)]
struct GroupSpec {
    inflow: f64,
    stock: u32,
    /// 0 exponential, 1 lognormal, 2 weibull, 3 gamma, 4 fixed, 5 never.
    distribution: u8,
    mean: f64,
    /// Meeting rules as (due_day, extra days to the deadline).
    meetings: Vec<(u32, u32)>,
    followup: Option<(u32, u32)>,
    priority: u32,
    /// One per suspension: 0 waive, 1 catch_up, 2 shift.
    actions: Vec<u8>,
}

#[derive(Debug, Clone)]
struct ScenarioSpec {
    period_days: u32,
    warmup_days: u32,
    danish_holidays: bool,
    group_priority: bool,
    populations: Vec<u32>,
    caseworkers: f64,
    meetings_per_day: f64,
    phone_share: f64,
    staffing_change: Option<(u32, f64)>,
    groups: Vec<GroupSpec>,
    /// Non-overlapping windows as (first day, length) inside the period, with their capacity share.
    suspensions: Vec<(u32, u32, f64)>,
}

fn group_spec(suspensions: usize) -> impl Strategy<Value = GroupSpec> {
    (
        0.0..6.0f64,
        0..150u32,
        0..6u8,
        2.0..300.0f64,
        prop::collection::vec((0..120u32, 0..60u32), 0..4),
        prop::option::of((7..120u32, 0..30u32)),
        0..3u32,
        prop::collection::vec(0..3u8, suspensions),
    )
        .prop_map(
            |(inflow, stock, distribution, mean, mut meetings, followup, priority, actions)| {
                meetings.sort();
                GroupSpec {
                    inflow,
                    stock,
                    distribution,
                    mean,
                    meetings,
                    followup,
                    priority,
                    actions,
                }
            },
        )
}

fn scenario_spec() -> impl Strategy<Value = ScenarioSpec> {
    (30..200u32, 0..60u32, 0..3usize).prop_flat_map(|(period_days, warmup_days, suspensions)| {
        // Split the period into as many windows as wanted, each inside its own slice, so none overlap.
        let slice = period_days / (suspensions as u32 + 1);
        let windows =
            prop::collection::vec((0..slice / 2, 1..slice / 2 + 1, 0.0..1.0f64), suspensions)
                .prop_map(move |windows| {
                    windows
                        .into_iter()
                        .enumerate()
                        .map(|(i, (offset, length, share))| {
                            (i as u32 * slice + offset, length, share)
                        })
                        .collect::<Vec<_>>()
                });
        (
            Just(period_days),
            Just(warmup_days),
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec(100..3000u32, 1..4),
            0.0..8.0f64,
            0.5..8.0f64,
            0.0..1.0f64,
            prop::option::of((0..period_days, 0.0..2.0f64)),
            prop::collection::vec(group_spec(suspensions), 1..4),
            windows,
        )
            .prop_map(
                |(
                    period_days,
                    warmup_days,
                    danish_holidays,
                    group_priority,
                    populations,
                    caseworkers,
                    meetings_per_day,
                    phone_share,
                    staffing_change,
                    groups,
                    suspensions,
                )| ScenarioSpec {
                    period_days,
                    warmup_days,
                    danish_holidays,
                    group_priority,
                    populations,
                    caseworkers,
                    meetings_per_day,
                    phone_share,
                    staffing_change,
                    groups,
                    suspensions,
                },
            )
    })
}

fn date(day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + chrono::Days::new(u64::from(day))
}

/// Writes the scenario file a spec describes.
fn scenario_text(spec: &ScenarioSpec, seed: u64) -> String {
    let mut text = String::new();
    let w = &mut text;
    writeln!(w, "name = \"generated\"\nseed = {seed}").unwrap();
    writeln!(
        w,
        "start = {}\nend = {}",
        date(0),
        date(spec.period_days - 1)
    )
    .unwrap();
    if spec.group_priority {
        writeln!(w, "order = \"group_priority\"").unwrap();
    }
    writeln!(w, "warmup = {{ days = {} }}", spec.warmup_days).unwrap();
    let holidays = if spec.danish_holidays {
        "denmark"
    } else {
        "none"
    };
    writeln!(w, "calendar = {{ holidays = \"{holidays}\" }}").unwrap();
    writeln!(
        w,
        "\n[municipalities]\nreference_population = 1000\nlist = ["
    )
    .unwrap();
    for (i, population) in spec.populations.iter().enumerate() {
        writeln!(
            w,
            "  {{ code = {}, name = \"M{i}\", population = {population} }},",
            i + 1
        )
        .unwrap();
    }
    writeln!(w, "]\n\n[staffing]").unwrap();
    writeln!(w, "caseworkers = {}", spec.caseworkers).unwrap();
    writeln!(w, "meetings_per_caseworker_day = {}", spec.meetings_per_day).unwrap();
    writeln!(w, "phone_share = {}\nphone_time = 0.5", spec.phone_share).unwrap();
    if let Some((day, factor)) = spec.staffing_change {
        writeln!(
            w,
            "changes = [{{ date = {}, caseworkers_factor = {factor} }}]",
            date(day)
        )
        .unwrap();
    }
    for (g, group) in spec.groups.iter().enumerate() {
        writeln!(
            w,
            "\n[[groups]]\nid = \"g{g}\"\npriority = {}",
            group.priority
        )
        .unwrap();
        writeln!(
            w,
            "inflow_per_day = {}\ninitial_stock = {}",
            group.inflow, group.stock
        )
        .unwrap();
        let mean = group.mean;
        let duration = match group.distribution {
            0 => format!("distribution = \"exponential\", mean_days = {mean}"),
            1 => format!(
                "distribution = \"lognormal\", mean_days = {mean}, sd_days = {}",
                mean / 2.0
            ),
            2 => format!("distribution = \"weibull\", shape = 1.5, scale_days = {mean}"),
            3 => format!("distribution = \"gamma\", shape = 0.7, scale_days = {mean}"),
            4 => format!("distribution = \"fixed\", mean_days = {}", mean.max(1.0)),
            _ => "distribution = \"never\"".to_string(),
        };
        writeln!(w, "duration = {{ {duration} }}").unwrap();
        let meetings: Vec<String> = group
            .meetings
            .iter()
            .map(|(due, extra)| format!("{{ due_day = {due}, deadline_day = {} }}", due + extra))
            .collect();
        writeln!(w, "meetings = [{}]", meetings.join(", ")).unwrap();
        if let Some((every, deadline)) = group.followup {
            writeln!(
                w,
                "followup = {{ every_days = {every}, deadline_days = {deadline} }}"
            )
            .unwrap();
        }
    }
    for (s, (first, length, share)) in spec.suspensions.iter().enumerate() {
        writeln!(w, "\n[[suspensions]]").unwrap();
        writeln!(
            w,
            "start = {}\nend = {}",
            date(*first),
            date(first + length - 1)
        )
        .unwrap();
        writeln!(w, "capacity_share = {share}").unwrap();
        for (g, group) in spec.groups.iter().enumerate() {
            let action = ["waive", "catch_up", "shift"][group.actions[s] as usize];
            writeln!(w, "groups.g{g} = {{ action = \"{action}\" }}").unwrap();
        }
    }
    text
}

fn load(text: &str) -> (tempfile::TempDir, backlog::scenario::Scenario) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    match backlog::scenario::load(&path) {
        Ok(scenario) => (dir, scenario),
        Err(error) => panic!("the generator wrote an invalid scenario: {error}\n{text}"),
    }
}

fn balanced(what: &str, metrics: &Metrics) -> Result<(), TestCaseError> {
    prop_assert!(
        metrics.books_balance(),
        "{what}: pending_start {} + due {} != held {} + waived {} + dropped {} + pending_end {}",
        metrics.pending_start,
        metrics.due,
        metrics.held,
        metrics.waived,
        metrics.dropped,
        metrics.pending_end
    );
    Ok(())
}

#[test]
fn books_balance_for_the_total_each_municipality_and_each_group() {
    let config = Config {
        cases: cases(32),
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&(scenario_spec(), 0..i64::MAX as u64), |(spec, seed)| {
            let text = scenario_text(&spec, seed);
            let (_dir, scenario) = load(&text);
            let series = Simulation::new(&scenario, seed).run().unwrap();
            let whole = Selection::whole(&series);
            balanced("total", &summarise(&scenario, &series, whole))?;
            for m in 0..series.municipalities {
                let selection = Selection {
                    municipality: Some(m),
                    ..whole
                };
                balanced(
                    &format!("municipality {m}"),
                    &summarise(&scenario, &series, selection),
                )?;
            }
            for g in 0..series.groups {
                let selection = Selection {
                    groups: backlog::summary::GroupSet::one(g),
                    ..whole
                };
                balanced(
                    &format!("group {g}"),
                    &summarise(&scenario, &series, selection),
                )?;
            }
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
}

#[test]
fn written_results_do_not_depend_on_the_thread_count() {
    let config = Config {
        cases: cases(6),
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(
            &(scenario_spec(), 0..i64::MAX as u64, 2..5u32),
            |(spec, seed, reps)| {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("scenario.toml");
                std::fs::write(&path, scenario_text(&spec, seed)).unwrap();
                let mut outputs = Vec::new();
                for jobs in ["1", "2"] {
                    let out = dir.path().join(format!("jobs-{jobs}"));
                    backlog()
                        .args(["simulate", path.to_str().unwrap(), "--jobs", jobs])
                        .args(["--reps", &reps.to_string(), "--out", out.to_str().unwrap()])
                        .assert()
                        .success();
                    let read = |file: &str| std::fs::read(out.join(file)).unwrap();
                    outputs.push((read("summary.json"), read("daily.csv")));
                }
                prop_assert!(
                    outputs[0].0 == outputs[1].0,
                    "summary.json differs between --jobs 1 and 2"
                );
                prop_assert!(
                    outputs[0].1 == outputs[1].1,
                    "daily.csv differs between --jobs 1 and 2"
                );
                Ok(())
            },
        )
        .unwrap_or_else(|failure| panic!("{failure}"));
}

/// The series of `scenario` with seed `seed`, and with every person's meetings scheduled alone (no runs): the
/// same, row for row. A run's meeting must do exactly what its members' own meetings would.
fn same_without_runs(
    scenario: &backlog::scenario::Scenario,
    seed: u64,
) -> Result<(), TestCaseError> {
    let with = Simulation::new(scenario, seed).run().unwrap();
    let without = Simulation::new(scenario, seed)
        .without_runs()
        .run()
        .unwrap();
    prop_assert!(
        with.rows == without.rows,
        "{}: daily rows differ",
        scenario.name
    );
    prop_assert_eq!(&with.initial, &without.initial);
    prop_assert_eq!(&with.municipality_rows, &without.municipality_rows);
    let whole = Selection::whole(&with);
    prop_assert_eq!(
        summarise(scenario, &with, whole),
        summarise(scenario, &without, whole)
    );
    Ok(())
}

#[test]
fn runs_give_the_same_series_as_every_person_alone() {
    let config = Config {
        cases: cases(24),
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&(scenario_spec(), 0..i64::MAX as u64), |(spec, seed)| {
            let text = scenario_text(&spec, seed);
            let (_dir, scenario) = load(&text);
            same_without_runs(&scenario, seed)
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
}

#[test]
fn runs_give_the_same_series_as_every_person_alone_on_the_fixtures() {
    for name in [
        "small.toml",
        "rich.toml",
        "scarce.toml",
        "three.toml",
        "long.toml",
    ] {
        let scenario = backlog::scenario::load(&crate::common::fixture(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for seed in [scenario.seed, 7] {
            same_without_runs(&scenario, seed)
                .unwrap_or_else(|e| panic!("{name}, seed {seed}: {e}"));
        }
    }
}
