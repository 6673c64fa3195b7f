//! A choice of whole tables and lists (`one_of` over tables and arrays): each draw writes one alternative whole,
//! the weights are honoured, every alternative is checked at load time, `--set` picks one by its label, and
//! draws.csv shows the label.

use crate::common::{layer, run};
use backlog::scenario::ranges::Space;
use backlog::scenario::{Base, Scenario};
use std::path::{Path, PathBuf};

/// The suspension's group rules as a choice of two tables, and the closed days as a choice of two lists.
const CHOICE: &str = r#"calendar.closed = { one_of = [[2021-12-24, 2021-12-31], []], weights = [3, 1] }

[[suspensions]]
id = "spring"
start = 2021-03-01
end = 2021-04-30

[suspensions.groups]
labels = ["late", "waive"]
weights = [3, 1]

[[suspensions.groups.one_of]]
kh = { action = "catch_up", catch_up_from = 2021-06-01, catch_up_by = 2021-08-31, catch_up_pacing = "even" }

[[suspensions.groups.one_of]]
kh = { action = "waive" }
"#;

/// The same scenario with one alternative of each choice written in plainly.
fn plain(groups: &str, closed: &str) -> String {
    format!(
        "calendar.closed = {closed}\n\n[[suspensions]]\nid = \"spring\"\nstart = 2021-03-01\nend = 2021-04-30\ngroups.kh = {groups}\n"
    )
}

const LATE: &str = r#"{ action = "catch_up", catch_up_from = 2021-06-01, catch_up_by = 2021-08-31, catch_up_pacing = "even" }"#;
const WAIVE: &str = r#"{ action = "waive" }"#;

/// A scenario without what only says where it came from.
fn content(mut scenario: Scenario) -> Scenario {
    scenario.sha256.clear();
    scenario.file = PathBuf::new();
    scenario
}

#[test]
fn a_draw_writes_the_chosen_table_or_list_whole() {
    let dir = tempfile::tempdir().unwrap();
    let choice = layer(dir.path(), "choice.toml", CHOICE);
    let base = Base::read(&choice).unwrap();
    let space = Space::of(&base, &[]).unwrap();
    let keys: Vec<&str> = space.inputs.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["calendar.closed", "suspensions.spring.groups"]);
    let alternatives = [
        ("late", LATE, "[2021-12-24, 2021-12-31]", "1"),
        ("waive", WAIVE, "[]", "2"),
    ];
    // Weights 3 : 1: the first three quarters of the unit interval draw the first alternative, the rest the second.
    for (u, (label, groups, closed, closed_label)) in [0.1, 0.9].iter().zip(alternatives) {
        let drawn = content(space.build_at(&[*u, *u]).unwrap());
        let written = layer(dir.path(), &format!("{label}.toml"), &plain(groups, closed));
        let expected = content(Base::read(&written).unwrap().build(&[]).unwrap());
        assert_eq!(drawn, expected, "{label}");
        assert_eq!(space.inputs[1].text_at(*u), label);
        assert_eq!(space.inputs[0].text_at(*u), closed_label);
    }
    // Without draws: the highest weight, the first alternative of each.
    let central = content(base.build(&[]).unwrap());
    let first = layer(
        dir.path(),
        "first.toml",
        &plain(LATE, "[2021-12-24, 2021-12-31]"),
    );
    assert_eq!(
        central,
        content(Base::read(&first).unwrap().build(&[]).unwrap())
    );
}

#[test]
fn without_draws_a_choice_runs_byte_identical_to_its_central_alternative_written_in() {
    let dir = tempfile::tempdir().unwrap();
    let choice = layer(dir.path(), "choice.toml", CHOICE);
    let first = layer(
        dir.path(),
        "first.toml",
        &plain(LATE, "[2021-12-24, 2021-12-31]"),
    );
    let mut results = Vec::new();
    for (path, name) in [(&choice, "c"), (&first, "f")] {
        let out = dir.path().join(name);
        let (code, _, stderr) = run(&[
            "simulate",
            path.to_str().unwrap(),
            "--reps",
            "2",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stderr}");
        let files: Vec<Vec<u8>> = ["daily.csv", "municipalities.csv", "groups.csv"]
            .iter()
            .map(|f| std::fs::read(out.join(f)).unwrap())
            .collect();
        results.push(files);
    }
    assert_eq!(results[0], results[1]);
}

#[test]
fn draws_follow_the_weights_and_draws_csv_shows_the_labels() {
    let dir = tempfile::tempdir().unwrap();
    let choice = layer(dir.path(), "choice.toml", CHOICE);
    let out = dir.path().join("out");
    let draws: u32 = 400;
    let (code, _, stderr) = run(&[
        "simulate",
        choice.to_str().unwrap(),
        "--reps",
        "1",
        "--draws",
        &draws.to_string(),
        "--summary-only",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let csv = std::fs::read_to_string(out.join("draws.csv")).unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..3],
        ["draw", "calendar.closed", "suspensions.spring.groups"]
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), draws as usize);
    let n = f64::from(draws);
    for (column, labels) in [(1, ["1", "2"]), (2, ["late", "waive"])] {
        assert!(rows.iter().all(|r| labels.contains(&r[column])), "{csv}");
        // Weights 3 : 1; the count of the first within four binomial standard deviations of n p.
        let p = 0.75;
        let count = rows.iter().filter(|r| r[column] == labels[0]).count() as f64;
        let tolerance = 4.0 * (n * p * (1.0 - p)).sqrt();
        assert!(
            (count - n * p).abs() <= tolerance,
            "{}: {count} of {n}, expected {} ± {tolerance}",
            header[column],
            n * p
        );
    }
}

#[test]
fn an_ensemble_over_a_choice_is_the_same_on_one_thread_and_two() {
    let dir = tempfile::tempdir().unwrap();
    let choice = layer(dir.path(), "choice.toml", CHOICE);
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.path().join(format!("out{jobs}"));
        let (code, stdout, stderr) = run(&[
            "simulate",
            choice.to_str().unwrap(),
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
        let files: Vec<Vec<u8>> = ["summary.json", "municipalities.csv", "draws.csv"]
            .iter()
            .map(|f| std::fs::read(out.join(f)).unwrap())
            .collect();
        outputs.push((stdout.replace(&format!("out{jobs}"), "out"), files));
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn an_alternative_the_scenario_does_not_take_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            CHOICE.replace(WAIVE, r#"{ action = "pause" }"#),
            "17:8: suspensions[0].groups: the choice (one of late, waive, weights 3, 1) with alternative 2 (waive): kh.action: unknown variant `pause`; expected one of `waive`, `catch_up`, `shift`",
        ),
        (
            CHOICE.replace("catch_up_by = 2021-08-31", "catch_up_by = 2021-02-01"),
            "14:57: suspensions[0].groups: the choice (one of late, waive, weights 3, 1) with alternative 1 (late): kh.catch_up_by: 2021-02-01 is before the window starts (2021-03-01)",
        ),
        (
            CHOICE.replace(
                "catch_up_by = 2021-08-31",
                "catch_up_by = { low = 2021-07-01, high = 2021-08-31 }",
            ),
            "13:22: suspensions[0].groups.one_of: alternative 1 holds a range at `kh.catch_up_by`; a choice's alternatives are written at one value each (a range inside one would be drawn only when it is chosen, which the draws' design does not give)",
        ),
        (
            CHOICE.replace("labels = [\"late\", \"waive\"]", "labels = [\"late\"]"),
            "10:1: suspensions[0].groups.labels: has 1 entry but one_of has 2: one label per value",
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
fn set_picks_an_alternative_by_its_label_and_refuses_a_key_inside_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    let choice = layer(dir.path(), "choice.toml", CHOICE);
    let base = Base::read(&choice).unwrap();
    let set = |text: &str| backlog::scenario::Override::parse("--set", text).unwrap();
    let picked = content(
        base.build(&[
            set("suspensions.spring.groups=waive"),
            set("calendar.closed=2"),
        ])
        .unwrap(),
    );
    let written = layer(dir.path(), "waive.toml", &plain(WAIVE, "[]"));
    let mut expected = content(Base::read(&written).unwrap().build(&[]).unwrap());
    expected.overrides = picked.overrides.clone();
    assert_eq!(picked, expected);
    let (code, _, stderr) = run(&[
        "validate",
        choice.to_str().unwrap(),
        "--set",
        "suspensions.spring.groups.kh.action=waive",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "error: {}: --set suspensions.spring.groups.kh.action=waive: `suspensions.spring.groups` is a range: set it whole (`suspensions.spring.groups=VALUE`) or pick one of its alternatives by its label (`suspensions.spring.groups=late`); a key inside it cannot be set\n",
            choice.display()
        )
    );
    let (code, stdout, stderr) = run(&["validate", choice.to_str().unwrap()]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(
        stdout.ends_with(
            "  2 inputs given as ranges (central value: range):\n    calendar.closed = 1: one of 1, 2, weights 3, 1\n    suspensions.spring.groups = late: one of late, waive, weights 3, 1\n"
        ),
        "{stdout}"
    );
}

#[test]
fn a_plain_table_in_a_later_layer_replaces_a_choice_whole() {
    let dir = tempfile::tempdir().unwrap();
    layer(dir.path(), "choice.toml", CHOICE);
    let over = dir.path().join("over.toml");
    std::fs::write(
        &over,
        format!(
            "extends = \"choice.toml\"\n\n[[suspensions]]\nid = \"spring\"\ngroups.kh = {WAIVE}\n"
        ),
    )
    .unwrap();
    let base = Base::read(&over).unwrap();
    let space = Space::of(&base, &[]).unwrap();
    let keys: Vec<&str> = space.inputs.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["calendar.closed"]);
    let written = layer(
        dir.path(),
        "waive.toml",
        &plain(WAIVE, "[2021-12-24, 2021-12-31]"),
    );
    let expected = content(Base::read(&written).unwrap().build(&[]).unwrap());
    assert_eq!(content(base.build(&[]).unwrap()), expected);
    // The reference scenarios' readings replace the suspension of cph2020.toml, whose group rules are a choice.
    let reading =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/readings/cph2020-benefit-clock.toml");
    let space = Space::of(&Base::read(&reading).unwrap(), &[]).unwrap();
    assert!(space.inputs.iter().all(|i| !i.key.ends_with(".groups")));
}
