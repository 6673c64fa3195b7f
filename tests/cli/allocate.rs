//! `backlog allocate` as a user runs it: the split it finds is the best of every split, each checked by a
//! plain `simulate` of a scenario that adds that split's staff; a municipality run alone gives what it gives in
//! the whole scenario; the map holds the 98 municipalities in the colours of its scale; bad input is refused.

use crate::common::{backlog, fixture};
use serde_json::Value;
use std::path::Path;

const FROM: &str = "2021-03-01";

fn allocate_json(args: &[&str]) -> Value {
    let output = backlog()
        .arg("allocate")
        .args(args)
        .args(["--format", "json", "-q"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Overdue meeting-days from `FROM` to the end of three.toml with `add[i]` FTE added in municipality `i + 1`
/// from `FROM`, by `simulate` of a scenario written for it (the way a user would add the staff).
fn simulated_overdue_days(dir: &Path, add: &[u64]) -> u64 {
    let three = fixture("three.toml");
    let mut text = format!("extends = {:?}\n", three.display().to_string());
    if add.iter().any(|&a| a > 0) {
        let table: Vec<String> = add
            .iter()
            .enumerate()
            .map(|(i, a)| format!("{} = {a}", i + 1))
            .collect();
        text.push_str(&format!(
            "\n[[staffing.changes]]\ndate = {FROM}\nadd_caseworkers = {{ {} }}\n",
            table.join(", ")
        ));
    }
    let name = format!(
        "split-{}",
        add.iter().map(u64::to_string).collect::<Vec<_>>().join("-")
    );
    let scenario = dir.join(format!("{name}.toml"));
    std::fs::write(&scenario, text).unwrap();
    let out = dir.join(&name);
    backlog()
        .args(["simulate", "-q", "--daily", "municipality", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let daily = std::fs::read_to_string(out.join("daily.csv")).unwrap();
    let daily = daily.trim_start_matches('\u{feff}');
    let mut lines = daily.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (date, overdue) = (column("date"), column("overdue"));
    lines
        .map(|line| line.split(',').collect::<Vec<_>>())
        .filter(|row| row[date] >= FROM)
        .map(|row| row[overdue].parse::<u64>().unwrap())
        .sum()
}

#[test]
fn the_split_found_is_the_best_of_every_split_simulated_on_its_own() {
    let add = 4;
    let report = allocate_json(&[
        fixture("three.toml").to_str().unwrap(),
        "--add",
        &add.to_string(),
        "--step",
        "1",
        "--from",
        FROM,
        "--objective",
        "overdue-days",
    ]);
    let optimal = &report["splits"][0];
    assert_eq!(optimal["name"], "optimal");
    let found: Vec<u64> = optimal["fte"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_f64().unwrap() as u64)
        .collect();
    assert_eq!(found.iter().sum::<u64>(), add);

    let dir = tempfile::tempdir().unwrap();
    let mut every = Vec::new();
    for a in 0..=add {
        for b in 0..=add - a {
            let split = [a, b, add - a - b];
            every.push((simulated_overdue_days(dir.path(), &split), split));
        }
    }
    assert_eq!(every.len(), 15);
    let best = every.iter().map(|(value, _)| *value).min().unwrap();
    // The municipalities are independent: each split simulated as a whole is the sum of the curves.
    let curves: Vec<Vec<f64>> = report["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["curve"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        })
        .collect();
    for (value, split) in &every {
        let from_curves: f64 = (0..3).map(|m| curves[m][split[m] as usize]).sum();
        assert_eq!(from_curves, *value as f64, "split {split:?}");
    }
    let (value_found, _) = every
        .iter()
        .find(|(_, split)| split[..] == found[..])
        .unwrap();
    assert_eq!(*value_found, best, "every split: {every:?}");
    assert_eq!(optimal["objective"].as_f64().unwrap(), best as f64);
    let winners: Vec<_> = every.iter().filter(|(v, _)| *v == best).collect();
    if winners.len() == 1 {
        assert_eq!(winners[0].1[..], found[..]);
    }
    // No naive split does better, and each places all the staff.
    for split in &report["splits"].as_array().unwrap()[1..] {
        assert!(split["objective"].as_f64().unwrap() >= best as f64);
        let placed: f64 = split["fte"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_f64().unwrap())
            .sum();
        assert_eq!(placed, add as f64, "{}", split["name"]);
    }
}

#[test]
fn a_municipality_alone_has_the_curve_it_has_in_the_whole_scenario() {
    let args = |extra: &[&str]| {
        let mut args = vec![
            fixture("three.toml").to_str().unwrap().to_string(),
            "--add".into(),
            "3".into(),
            "--from".into(),
            FROM.into(),
            "--objective".into(),
            "held-late".into(),
            "--reps".into(),
            "2".into(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let whole = allocate_json(&args(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    let alone = allocate_json(
        &args(&["--municipality", "2"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(alone["municipalities"].as_array().unwrap().len(), 1);
    assert_eq!(alone["municipalities"][0]["code"], 2);
    assert_eq!(
        alone["municipalities"][0]["curve"],
        whole["municipalities"][1]["curve"]
    );
    // Alone, the one municipality takes everything.
    assert_eq!(alone["municipalities"][0]["fte_added"], 3.0);
}

#[test]
fn the_map_holds_the_98_municipalities_in_the_colours_of_its_scale() {
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.svg");
    backlog()
        .args([
            "allocate",
            "scenarios/dk2020.toml",
            "--add",
            "2",
            "--step",
            "1",
        ])
        .args([
            "--from",
            "2020-05-26",
            "--objective",
            "overdue-days",
            "--reps",
            "1",
            "-q",
        ])
        .args([
            "--municipality",
            "101",
            "--municipality",
            "400",
            "--municipality",
            "825",
        ])
        .arg("--map")
        .arg(&map)
        .assert()
        .success();
    let text = std::fs::read_to_string(&map).unwrap();
    let document = roxmltree::Document::parse(&text).expect("the map is well-formed XML");
    let shapes: Vec<_> = document
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("class") == Some("municipality"))
        .collect();
    assert_eq!(shapes.len(), 98);
    let title = |node: &roxmltree::Node| {
        node.children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap()
            .to_string()
    };
    let grey = shapes
        .iter()
        .filter(|s| s.attribute("fill") == Some("#d9d9d9"))
        .count();
    assert_eq!(
        grey, 95,
        "the municipalities outside the scenario have no data"
    );
    let coloured: Vec<(String, String)> = shapes
        .iter()
        .filter(|s| s.attribute("fill") != Some("#d9d9d9"))
        .map(|s| (s.attribute("fill").unwrap().to_string(), title(s)))
        .collect();
    assert_eq!(coloured.len(), 3);
    // The scale runs from 0 to the largest value: viridis' ends.
    let fte = |title: &str| -> f64 {
        title
            .split(": ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let largest = coloured.iter().map(|(_, t)| fte(t)).fold(0.0, f64::max);
    for (fill, title) in &coloured {
        let value = fte(title);
        if value == largest {
            assert_eq!(fill, "#fde725", "{title}");
        } else if value == 0.0 {
            assert_eq!(fill, "#440154", "{title}");
        }
    }
    assert!(coloured.iter().any(|(_, t)| t.starts_with("Bornholm: ")));
    assert!(
        text.contains("Geodatastyrelsen"),
        "the attribution is printed"
    );
}

#[test]
fn staff_that_is_not_a_whole_number_of_steps_is_refused() {
    backlog()
        .args(["allocate"])
        .arg(fixture("three.toml"))
        .args([
            "--add",
            "5",
            "--step",
            "2",
            "--from",
            FROM,
            "--objective",
            "held-late",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--step"));
    backlog()
        .args(["allocate"])
        .arg(fixture("three.toml"))
        .args([
            "--add",
            "4",
            "--from",
            "2030-01-01",
            "--objective",
            "held-late",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--from"));
}

#[test]
fn the_report_maps_its_municipalities_with_the_figures_in_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    backlog()
        .args([
            "report",
            "scenarios/dk2020.toml",
            "--reps",
            "1",
            "-q",
            "--out",
        ])
        .arg(&page)
        .args([
            "--municipality",
            "101",
            "--municipality",
            "400",
            "--municipality",
            "825",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&page).unwrap();
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let document = roxmltree::Document::parse_with_options(&text, options)
        .expect("the report is well-formed XML");
    let section = document
        .descendants()
        .find(|n| n.attribute("id") == Some("maps"))
        .expect("a maps section");
    for id in [
        "map-backlog-peak-per-caseworker",
        "map-days-to-clear",
        "map-on-time-share",
    ] {
        let figure = section
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no {id}"));
        let shapes: Vec<_> = figure
            .descendants()
            .filter(|n| n.attribute("class") == Some("municipality"))
            .collect();
        assert_eq!(shapes.len(), 98, "{id}");
        let titled = shapes
            .iter()
            .filter(|s| s.children().any(|c| c.has_tag_name("title")))
            .count();
        assert_eq!(titled, 98, "{id}: every municipality has a hover title");
    }
    let table = section
        .descendants()
        .find(|n| n.attribute("id") == Some("table-maps"))
        .expect("the maps' figures in a table");
    let rows = table.descendants().filter(|n| n.has_tag_name("tr")).count();
    assert_eq!(rows, 1 + 3, "a header and one row per municipality shown");
}
