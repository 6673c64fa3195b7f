//! FTE in a municipality's own units: the table form `{ CODE = FTE }` of a staffing change, beside the national
//! number shared out by the staff key.

use crate::common::backlog;
use std::path::Path;

/// Two municipalities: code 1 with a quarter of the reference population, code 2 with the rest; 10 national FTE.
const TWO: &str = r#"name = "two"
seed = 3
start = 2021-01-01
end = 2021-06-30

[municipalities]
reference_population = 1000
list = [{ code = 1, name = "Lille", population = 250 }, { code = 2, name = "Store", population = 750 }]

[staffing]
caseworkers = 10
meetings_per_caseworker_day = 5

[[staffing.changes]]
id = "more"
date = 2021-03-01
phone_share = 0.0

[[groups]]
id = "kh"
initial_stock = 500
inflow_per_day = 3
duration = { distribution = "exponential", mean_days = 120 }
meetings = [{ due_day = 0, deadline_day = 7 }, { due_day = 60, deadline_day = 90 }]
followup = { every_days = 30, deadline_days = 14 }
"#;

/// Runs `simulate` with the overrides and returns capacity.csv's rows as (date, code, caseworkers).
fn staff(dir: &Path, name: &str, sets: &[&str]) -> Vec<(String, String, String)> {
    let scenario = dir.join("two.toml");
    std::fs::write(&scenario, TWO).unwrap();
    let out = dir.join(name);
    let mut command = backlog();
    command.args([
        "simulate",
        scenario.to_str().unwrap(),
        "--reps",
        "1",
        "--out",
    ]);
    command.arg(&out);
    for set in sets {
        command.args(["--set", set]);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let capacity = std::fs::read_to_string(out.join("capacity.csv")).unwrap();
    capacity
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (
                cells[0].to_string(),
                cells[1].to_string(),
                cells[4].to_string(),
            )
        })
        .collect()
}

fn on(rows: &[(String, String, String)], date: &str, code: &str) -> f64 {
    rows.iter()
        .find(|(d, c, _)| d == date && c == code)
        .map(|(_, _, fte)| fte.parse().unwrap())
        .unwrap_or_else(|| panic!("no row for {date} {code}"))
}

#[test]
fn a_table_of_fte_adds_in_the_municipalitys_own_units_and_a_number_shares_out() {
    let dir = tempfile::tempdir().unwrap();
    let plain = staff(dir.path(), "plain", &[]);
    let local = staff(
        dir.path(),
        "local",
        &["staffing.changes.more.add_caseworkers={1=4}"],
    );
    let national = staff(
        dir.path(),
        "national",
        &["staffing.changes.more.add_caseworkers=4"],
    );
    let (before, after) = ("2021-02-26", "2021-03-01");
    for rows in [&local, &national] {
        assert_eq!(on(rows, before, "1"), on(&plain, before, "1"));
    }
    // The table: 4 FTE in municipality 1, none in 2.
    assert_eq!(on(&local, after, "1"), on(&plain, after, "1") + 4.0);
    assert_eq!(on(&local, after, "2"), on(&plain, after, "2"));
    // The number: 4 national FTE, shared out by population (a quarter and three quarters).
    assert_eq!(on(&national, after, "1"), on(&plain, after, "1") + 1.0);
    assert_eq!(on(&national, after, "2"), on(&plain, after, "2") + 3.0);
}

#[test]
fn a_table_of_fte_sets_a_municipalitys_own_staff_until_a_national_change() {
    let dir = tempfile::tempdir().unwrap();
    let plain = staff(dir.path(), "plain", &[]);
    let rows = staff(
        dir.path(),
        "local",
        &[
            "staffing.changes.more.caseworkers={2=20}",
            "staffing.changes.later={date=2021-05-03, caseworkers_factor=2}",
        ],
    );
    assert_eq!(on(&rows, "2021-03-01", "2"), 20.0);
    assert_eq!(on(&rows, "2021-03-01", "1"), on(&plain, "2021-03-01", "1"));
    // A national factor sets every municipality's staff again, from its base.
    assert_eq!(
        on(&rows, "2021-05-03", "2"),
        2.0 * on(&plain, "2021-05-03", "2")
    );
    // The same as adding what it lacks, in its own units.
    let added = staff(
        dir.path(),
        "added",
        &[&format!(
            "staffing.changes.more.add_caseworkers={{2={}}}",
            20.0 - on(&plain, "2021-03-01", "2")
        )],
    );
    assert_eq!(on(&added, "2021-03-01", "2"), 20.0);
}

#[test]
fn an_unknown_code_in_a_table_of_fte_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = TWO.replace(
        "phone_share = 0.0\n",
        "phone_share = 0.0\nadd_caseworkers = { 1 = 2, 751 = 5 }\n",
    );
    let path = dir.path().join("two.toml");
    std::fs::write(&path, &text).unwrap();
    let output = backlog()
        .args(["validate", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("add_caseworkers"))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!(
            "two.toml:{line}:28: staffing.changes[0].add_caseworkers.751: municipality 751 is not simulated in this scenario (it simulates 1, 2)"
        )),
        "{stderr}"
    );
    let not_a_code = TWO.replace(
        "phone_share = 0.0\n",
        "phone_share = 0.0\nadd_caseworkers = { one = 2 }\n",
    );
    std::fs::write(&path, &not_a_code).unwrap();
    let output = backlog()
        .args(["validate", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains("staffing.changes[0].add_caseworkers.one: `one` is not a municipality code"));
}
