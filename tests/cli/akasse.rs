//! The a-kasse side: closed-form answers when only the a-kasse is short, both sides' books, joint meetings on
//! closed days, and today's outputs when the a-kasse side changes nothing.

use crate::common::scenario_from;
use backlog::engine::metrics::Series;
use backlog::engine::Simulation;
use backlog::summary::{day_index, summarise, Selection};

/// 50 persons who never leave and each owe one meeting a day for 92 days (deadline the same day), held by
/// `held_by`; the jobcentre has ample capacity, the a-kasse `akasse_fte` FTE at one meeting a day.
fn daily(held_by: &str, akasse_fte: f64, extra: &str) -> String {
    let meetings: Vec<String> = (0..92)
        .map(|d| format!("{{ due_day = {d}, deadline_day = {d}, held_by = \"{held_by}\" }}"))
        .collect();
    format!(
        r#"
name = "daily a-kasse meetings"
seed = 1
start = 2021-03-01
end = 2021-05-31
calendar = {{ holidays = "none" }}

[municipalities]
reference_population = 1
list = [{{ code = 1, name = "A", population = 1 }}]

[staffing]
caseworkers = 1000
meetings_per_caseworker_day = 1

[akasse]
caseworkers = {akasse_fte}
meetings_per_caseworker_day = 1

[[groups]]
id = "g"
insured = true
inflow_per_day = 0
initial_stock = 50
initial_age_buckets = [{{ up_to_days = 1, share = 1.0 }}]
duration = {{ distribution = "never" }}
meetings = [{}]
{extra}
"#,
        meetings.join(", ")
    )
}

fn akasse_total(
    series: &Series,
    day: usize,
    pick: fn(&backlog::engine::metrics::AkasseDay) -> u32,
) -> i64 {
    (0..series.municipalities)
        .map(|m| i64::from(pick(series.akasse_row(day, m))))
        .sum()
}

fn jobcentre_total(
    series: &Series,
    day: usize,
    pick: fn(&backlog::engine::metrics::GroupDay) -> u32,
) -> i64 {
    (0..series.municipalities)
        .flat_map(|m| series.group_rows(day, m).iter().map(pick))
        .map(i64::from)
        .sum()
}

#[test]
fn only_the_akasse_short_grows_its_backlog_by_the_difference_each_working_day() {
    // 50 a-kasse meetings due a day, 30 a-kasse FTE x 1 meeting: the recurrence overdue(d) = overdue(d - 1) +
    // 50 - held(d), held(d) = 30 on a working day and 0 otherwise, exactly; the jobcentre holds nothing.
    let (_dir, scenario) = scenario_from(&daily("akasse", 30.0, ""));
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let overdue = |day: usize| akasse_total(&series, day, |r| r.meetings.overdue);
    let mut checked = 0;
    for day in 2..80 {
        let due = akasse_total(&series, day, |r| r.meetings.due);
        if due != 50 {
            continue;
        }
        let held = if series.working[day] { 30 } else { 0 };
        assert_eq!(akasse_total(&series, day, |r| r.meetings.held), held);
        assert_eq!(
            overdue(day) - overdue(day - 1),
            50 - held,
            "{}",
            series.date(day)
        );
        assert_eq!(jobcentre_total(&series, day, |r| r.due), 0);
        checked += 1;
    }
    assert!(checked > 60, "only {checked} days with 50 meetings due");
}

#[test]
fn a_joint_meeting_waits_for_the_short_side_and_costs_both() {
    let (_dir, scenario) = scenario_from(&daily("joint", 30.0, ""));
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    for day in 2..80 {
        if !series.working[day] || akasse_total(&series, day, |r| r.meetings.due) != 50 {
            continue;
        }
        // The a-kasse binds: 30 joint meetings held, on both sides, and the rest waited for the a-kasse.
        assert_eq!(jobcentre_total(&series, day, |r| r.held), 30);
        assert_eq!(akasse_total(&series, day, |r| r.meetings.held), 30);
        assert_eq!(akasse_total(&series, day, |r| r.joint_held), 30);
        let pending = akasse_total(&series, day, |r| r.meetings.pending);
        assert!(pending > 0);
        assert_eq!(akasse_total(&series, day, |r| r.waited_akasse), pending);
        assert_eq!(akasse_total(&series, day, |r| r.waited_jobcentre), 0);
    }
}

#[test]
fn a_joint_meeting_is_never_held_on_a_day_either_side_is_closed() {
    for closes in ["akasse", "jobcentre"] {
        let window = format!(
            "[[suspensions]]\nstart = 2021-04-05\nend = 2021-04-18\ncapacity_share = 0\ncloses = \"{closes}\"\ndefault_action = \"catch_up\"\n"
        );
        let (_dir, scenario) = scenario_from(&daily("joint", 1000.0, &window));
        let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
        let from = day_index(&series, "2021-04-05".parse().unwrap()).unwrap();
        let to = day_index(&series, "2021-04-18".parse().unwrap()).unwrap();
        for day in from..=to {
            assert_eq!(akasse_total(&series, day, |r| r.joint_held), 0, "{closes}");
            assert_eq!(jobcentre_total(&series, day, |r| r.held), 0, "{closes}");
        }
        // Ample capacity on both sides holds them all the first day after.
        assert!(akasse_total(&series, to + 1, |r| r.joint_held) > 0);
    }
}

#[test]
fn the_books_balance_on_both_sides() {
    for held_by in ["akasse", "joint", "jobcentre"] {
        let window = "[[suspensions]]\nstart = 2021-04-05\nend = 2021-04-18\ncapacity_share = 0.2\ncloses = \"akasse\"\ndefault_action = \"catch_up\"\n";
        let (_dir, scenario) = scenario_from(&daily(held_by, 35.0, window));
        let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
        let metrics = summarise(&scenario, &series, Selection::whole(&series));
        assert!(metrics.books_balance(), "{held_by}");
        let mut pending = i64::from(series.akasse_initial[0].pending);
        for day in 0..series.days {
            let row = series.akasse_row(day, 0).meetings;
            pending += i64::from(row.due) - i64::from(row.waived + row.held + row.dropped);
            assert_eq!(
                pending,
                i64::from(row.pending),
                "{held_by} {}",
                series.date(day)
            );
            assert!(row.overdue <= row.pending);
        }
    }
}

#[test]
fn an_ample_akasse_without_meetings_of_its_own_changes_no_jobcentre_figure() {
    let plain = std::fs::read_to_string("tests/fixtures/small.toml").unwrap();
    let with = format!("{plain}\n[akasse]\ncaseworkers = 1e6\nmeetings_per_caseworker_day = 10\n");
    let (_a, without_akasse) = scenario_from(&plain);
    let (_b, with_akasse) = scenario_from(&with);
    let before = Simulation::new(&without_akasse, 7).run().unwrap();
    let after = Simulation::new(&with_akasse, 7).run().unwrap();
    assert_eq!(before.rows, after.rows);
    assert_eq!(before.municipality_rows, after.municipality_rows);
    assert_eq!(before.initial, after.initial);
    assert!(after.has_akasse() && !before.has_akasse());
}

/// Writes the small fixture with `find` replaced by `replace` and runs `validate` on it.
fn validate_small_with(find: &str, replace: &str) -> assert_cmd::assert::Assert {
    let text = std::fs::read_to_string(crate::common::fixture("small.toml")).unwrap();
    assert!(text.contains(find), "fixture has no `{find}`");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text.replacen(find, replace, 1)).unwrap();
    crate::common::backlog()
        .args(["validate", path.to_str().unwrap()])
        .assert()
}

#[test]
fn bad_akasse_input_names_the_file_key_and_line_and_exits_2() {
    use predicates::prelude::*;
    let akasse = "[akasse]\ncaseworkers = 5\nmeetings_per_caseworker_day = 4\n\n[[groups]]";
    let cases: &[(&str, &str, &str)] = &[
        (
            "{ due_day = 60, deadline_day = 90 }",
            "{ due_day = 60, deadline_day = 90, held_by = \"akasse\" }",
            "bad.toml:22:83: groups[0].meetings[1].held_by: a meeting held by the a-kasse needs an [akasse] section",
        ),
        (
            "{ due_day = 60, deadline_day = 90 }",
            "{ due_day = 60, deadline_day = 90, joint = true, held_by = \"jobcentre\" }",
            "groups[0].meetings[1].joint: `joint = true` says held_by = \"joint\", but held_by is \"jobcentre\"",
        ),
        (
            "{ due_day = 60, deadline_day = 90 }",
            "{ due_day = 60, deadline_day = 90, held_by = \"fund\" }",
            "bad.toml:22:83: groups[0].meetings[1].held_by: unknown variant `fund`; expected one of `jobcentre`, `akasse`, `joint`",
        ),
        (
            "end = 2021-04-30",
            "end = 2021-04-30\ncloses = \"akasse\"",
            "suspensions[0].closes: closes one side only, but the scenario has no [akasse] section",
        ),
        (
            "[[groups]]",
            "[akasse]\ncaseworkers = -5\nmeetings_per_caseworker_day = 4\n\n[[groups]]",
            "bad.toml:19:1: akasse.caseworkers: must be between 0 and 10000000, got -5",
        ),
        (
            "[[groups]]",
            "[akasse]\ncaseworkers = 5\nmeetings_per_caseworker_day = 4\ncapacity = 3\n\n[[groups]]",
            "akasse.capacity: unknown field `capacity`",
        ),
        (
            "[[groups]]",
            "[akasse]\ncaseworkers = 5\nmeetings_per_caseworker_day = 4\ntakeovers = [{ group = \"dp\", from = 2021-06-01, share = 0.25, before_day = 91 }]\n\n[[groups]]",
            "akasse.takeovers[0].group: group `dp` does not exist (groups: kh)",
        ),
        (
            "[[groups]]",
            "[akasse]\ncaseworkers = 5\nmeetings_per_caseworker_day = 4\ntakeovers = [{ group = \"kh\", from = 2021-06-01, share = 1.5, before_day = 91 }]\n\n[[groups]]",
            "akasse.takeovers[0].share: must be between 0 and 1, got 1.5",
        ),
    ];
    for (find, replace, message) in cases {
        validate_small_with(find, replace)
            .code(2)
            .stderr(predicate::str::contains(*message));
    }
    // A shift stops the whole spell clock: only a window closing both sides may use it.
    let shift = format!("{akasse}\n",);
    let text = std::fs::read_to_string(crate::common::fixture("small.toml"))
        .unwrap()
        .replacen("[[groups]]", &shift, 1)
        .replacen(
            "groups.kh = { action = \"catch_up\" }",
            "closes = \"akasse\"\ngroups.kh = { action = \"shift\" }",
            1,
        );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shift.toml");
    std::fs::write(&path, text).unwrap();
    crate::common::backlog()
        .args(["validate", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "suspensions[0].groups.kh.action: \"shift\" stops the whole spell clock",
        ));
}

#[test]
fn a_takeover_moves_exactly_its_share_of_new_spells_first_meetings_to_the_akasse() {
    let (_dir, scenario) = scenario_from(
        r#"
name = "takeover"
seed = 5
start = 2021-01-01
end = 2021-06-30
calendar = { holidays = "none" }
[municipalities]
reference_population = 1
list = [{ code = 1, name = "A", population = 1 }]
[staffing]
caseworkers = 100
meetings_per_caseworker_day = 10
[akasse]
caseworkers = 100
meetings_per_caseworker_day = 10
takeovers = [{ group = "g", from = 2021-02-01, share = 0.25, before_day = 30 }]
[[groups]]
id = "g"
insured = true
inflow_per_day = 7
duration = { distribution = "never" }
meetings = [{ due_day = 0, deadline_day = 7 }, { due_day = 20, deadline_day = 40, joint = true }, { due_day = 60, deadline_day = 90 }]
"#,
    );
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let from = day_index(&series, "2021-02-01".parse().unwrap()).unwrap();
    let sum = |days: std::ops::Range<usize>,
               pick: fn(&backlog::engine::metrics::AkasseDay) -> u32|
     -> i64 { days.map(|d| akasse_total(&series, d, pick)).sum() };
    let arrivals: i64 = (from..series.days)
        .map(|d| jobcentre_total(&series, d, |r| r.arrivals))
        .sum();
    let before: i64 = (0..from)
        .map(|d| jobcentre_total(&series, d, |r| r.arrivals))
        .sum();
    // Meeting 0 falls due on the day of arrival: the a-kasse's due meetings from the takeover on are exactly a
    // quarter of the new spells (rounded down) plus the joint meetings (day 20) of everyone, taken over or not.
    let joint_due: i64 = (0..series.days)
        .map(|d| {
            let day = d as i64 - 20;
            if day < 0 {
                0
            } else {
                jobcentre_total(&series, day as usize, |r| r.arrivals)
            }
        })
        .sum();
    let taken = arrivals / 4;
    assert!(taken > 100, "{taken} spells taken over");
    assert_eq!(sum(0..series.days, |r| r.meetings.due), taken + joint_due);
    // The jobcentre's: meeting 0 of everyone before the takeover and of the others after it, the joint meetings
    // of those not taken over (the n-th new spell from the takeover on is taken over when n = 3 mod 4), and
    // every meeting at day 60.
    let arrived = |days: std::ops::Range<usize>| -> i64 {
        days.map(|d| jobcentre_total(&series, d, |r| r.arrivals))
            .sum()
    };
    let taken_by_day_20 = arrived(from..series.days - 20) / 4;
    let expected =
        before + arrivals - taken + joint_due - taken_by_day_20 + arrived(0..series.days - 60);
    let jobcentre_due: i64 = (0..series.days)
        .map(|d| jobcentre_total(&series, d, |r| r.due))
        .sum();
    assert_eq!(jobcentre_due, expected);
}

#[test]
fn outputs_show_the_akasse_side_only_when_the_scenario_declares_it() {
    let plain = std::fs::read_to_string(crate::common::fixture("small.toml")).unwrap();
    let with = plain
        .replacen(
            "{ due_day = 60, deadline_day = 90 }",
            "{ due_day = 30, deadline_day = 45, held_by = \"akasse\" }, { due_day = 60, deadline_day = 90, joint = true }",
            1,
        )
        .replacen("id = \"kh\"", "id = \"kh\"\ninsured = true", 1)
        + "\n[akasse]\ncaseworkers = 0.5\nmeetings_per_caseworker_day = 5\n";
    for (text, declared) in [(plain, false), (with, true)] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, text).unwrap();
        let out = dir.path().join("out");
        let assert = crate::common::backlog()
            .args(["simulate", path.to_str().unwrap(), "--reps", "2", "--out"])
            .arg(&out)
            .arg("--xlsx")
            .arg(dir.path().join("book.xlsx"))
            .assert()
            .success();
        let book = std::fs::read(dir.path().join("book.xlsx")).unwrap();
        let mut book = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
        let mut sheets = String::new();
        std::io::Read::read_to_string(&mut book.by_name("xl/workbook.xml").unwrap(), &mut sheets)
            .unwrap();
        assert_eq!(sheets.contains("name=\"A-kasse\""), declared);
        let capacity = std::fs::read_to_string(out.join("capacity.csv")).unwrap();
        assert_eq!(capacity.contains("joint_waited_for_akasse"), declared);
        let report = dir.path().join("report.html");
        crate::common::backlog()
            .args(["report", path.to_str().unwrap(), "--reps", "1", "--out"])
            .arg(&report)
            .assert()
            .success();
        let html = std::fs::read_to_string(&report).unwrap();
        assert_eq!(html.contains("<section id=\"akasse\">"), declared);
        assert_eq!(html.contains("href=\"#akasse\""), declared);
        let table = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        assert_eq!(table.contains("a-kasse books"), declared);
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        let csv = std::fs::read_to_string(out.join("municipalities.csv")).unwrap();
        assert_eq!(csv.contains("akasse_held"), declared);
        assert_eq!(csv.contains("joint_waited_for_akasse_days"), declared);
        let Some(akasse) = summary.get("akasse") else {
            assert!(!declared);
            continue;
        };
        assert!(declared);
        let total = &akasse["total"];
        let get = |key: &str| total[key].as_f64().unwrap();
        let books =
            get("pending_start") + get("due") - get("held") - get("waived") - get("dropped");
        assert!(
            (books - get("pending_end")).abs() < 1e-6,
            "a-kasse books {books}"
        );
        // Held no more than its capacity, and a joint meeting is held on both sides.
        assert!(get("held") <= get("capacity") + 1e-9);
        assert!(akasse["joint"]["joint_held"].as_f64().unwrap() > 0.0);
        assert!(akasse["joint"]["joint_held"].as_f64().unwrap() <= get("held"));
        assert_eq!(akasse["municipalities"][0]["code"], 1);
    }
}

#[test]
fn a_thread_that_ran_a_scenario_without_the_akasse_side_runs_one_with_it() {
    // A thread keeps the memory of the last jobcentre it ran for the next run of the same shape: a run with an
    // a-kasse side and a takeover must not be given one made for a run without.
    let plain = std::fs::read_to_string(crate::common::fixture("small.toml")).unwrap();
    let with = plain.replacen("id = \"kh\"", "id = \"kh\"\ninsured = true", 1)
        + "\n[akasse]\ncaseworkers = 5\nmeetings_per_caseworker_day = 5\ntakeovers = [{ group = \"kh\", from = 2021-02-01, share = 0.5, before_day = 30 }]\n";
    let (_a, without_akasse) = scenario_from(&plain);
    let (_b, with_akasse) = scenario_from(&with);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let alone = Simulation::new(&with_akasse, 7).run().unwrap();
    let after = pool.install(|| {
        Simulation::new(&without_akasse, 7).run().unwrap();
        Simulation::new(&with_akasse, 7).run().unwrap()
    });
    assert_eq!(after.akasse, alone.akasse);
    assert_eq!(after.rows, alone.rows);
}

/// The a-kasse's lists are bounded like the jobcentre's: too many dated changes or takeovers are refused before
/// any entry is compared with another.
#[test]
fn too_many_akasse_changes_or_takeovers_are_refused_at_the_first_past_the_limit() {
    let change = "\n[[akasse.changes]]\ndate = 2021-03-02\ncaseworkers = 30\n";
    let takeover =
        "\n[[akasse.takeovers]]\ngroup = \"g\"\nfrom = 2021-03-02\nshare = 0.5\nbefore_day = 10\n";
    let text = daily(
        "akasse",
        30.0,
        &(change.repeat(7_400) + &takeover.repeat(1_001)),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    let output = crate::common::backlog()
        .args(["validate"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("akasse.changes[7320]: 7400 changes; the limit is 7320"),
        "{stderr}"
    );
    assert!(
        stderr.contains("akasse.takeovers[1000]: 1001 takeovers; the limit is 1000"),
        "{stderr}"
    );
}
