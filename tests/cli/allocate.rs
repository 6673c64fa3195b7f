//! `backlog allocate` as a user runs it: the split it finds is the best of every split, each checked by a
//! plain `simulate` of a scenario that adds that split's staff; a municipality run alone gives what it gives in
//! the whole scenario; the map holds the 98 municipalities in the colours of its scale; the HTML page holds the
//! numbers of the JSON, the map with a hover title per municipality, and no English in Danish; bad input is
//! refused.

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
    // Each of the scenario's timeliness rules has a map of its flags, in two colours, and a column.
    for id in ["map-timeliness-early80", "map-timeliness-supervision12"] {
        let figure = section
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no {id}"));
        let shapes: Vec<_> = figure
            .descendants()
            .filter(|n| n.attribute("class") == Some("municipality"))
            .collect();
        assert_eq!(shapes.len(), 98, "{id}");
        let fills: std::collections::BTreeSet<&str> =
            shapes.iter().filter_map(|s| s.attribute("fill")).collect();
        assert!(
            fills.is_subset(&["#d55e00", "#56b4e9", "#d9d9d9"].into()),
            "{id}: {fills:?}"
        );
    }
    let header = table
        .descendants()
        .find(|n| n.has_tag_name("tr"))
        .unwrap()
        .children()
        .filter(|n| n.has_tag_name("th"))
        .count();
    assert_eq!(header, 2 + 3 + 2, "code, name, three maps and two rules");
}

fn parse_page(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, options).expect("the page is well-formed XML")
}

fn element<'a, 'input>(
    document: &'a roxmltree::Document<'input>,
    id: &str,
) -> roxmltree::Node<'a, 'input> {
    document
        .descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no element with id {id}"))
}

/// The cells of each body row of a table.
fn rows<'a, 'input>(table: roxmltree::Node<'a, 'input>) -> Vec<Vec<roxmltree::Node<'a, 'input>>> {
    table
        .descendants()
        .filter(|n| n.has_tag_name("tbody"))
        .flat_map(|body| body.children().filter(|n| n.has_tag_name("tr")))
        .map(|row| row.children().filter(|n| n.has_tag_name("td")).collect())
        .collect()
}

fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap_or(""))
        .collect()
}

/// The unrounded number a cell sorts by.
fn sorted_by(node: roxmltree::Node) -> f64 {
    node.attribute("data-sort")
        .unwrap()
        .parse()
        .unwrap_or_else(|e| panic!("{:?}: {e}", node.attribute("data-sort")))
}

/// Writes the allocation page of `args` in `lang` into `dir` and returns its text.
fn allocation_page(dir: &Path, args: &[&str], lang: &str) -> String {
    let page = dir.join(format!("allocation-{lang}.html"));
    backlog()
        .arg("allocate")
        .args(args)
        .args(["-q", "--lang", lang, "--report"])
        .arg(&page)
        .assert()
        .success();
    std::fs::read_to_string(&page).unwrap()
}

#[test]
fn the_report_page_holds_the_numbers_of_the_json_for_the_same_arguments() {
    use backlog::report::lang::Lang;
    let dir = tempfile::tempdir().unwrap();
    let three = fixture("three.toml");
    let args = [
        three.to_str().unwrap(),
        "--add",
        "4",
        "--from",
        FROM,
        "--objective",
        "overdue-days",
        "--reps",
        "3",
    ];
    let json = allocate_json(&args);
    let text = allocation_page(dir.path(), &args, "en");
    let document = parse_page(&text);
    assert_eq!(document.root_element().attribute("lang"), Some("en"));
    // Self-contained, the sorting script inline, as the run report.
    for node in document.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(!["link", "img", "iframe", "object", "embed"].contains(&tag));
        assert!(node.attribute("src").is_none(), "<{tag} src>");
    }
    assert!(text.contains("<script>//<![CDATA[\ndocument.querySelectorAll('table.sortable')"));
    let heading = text_of(
        document
            .descendants()
            .find(|n| n.has_tag_name("h1"))
            .unwrap(),
    );
    assert_eq!(
        heading,
        "three towns: where 4 extra FTE cut overdue meeting-days most"
    );
    let lead = text_of(element(&document, "lead"));
    assert!(
        lead.contains("at work from 1 March 2021 to 31 December 2021")
            && lead.contains("3 replications, seed 5, 15 runs."),
        "{lead}"
    );

    let count = |v: f64| Lang::En.thousands(v);
    let national = rows(element(&document, "table-national"));
    assert_eq!(national.len(), 5, "no extra staff, optimal and three naive");
    assert_eq!(text_of(national[0][0]), "no extra staff");
    assert_eq!(sorted_by(national[0][1]), json["before"].as_f64().unwrap());
    assert_eq!(
        text_of(national[0][1]),
        count(json["before"].as_f64().unwrap())
    );
    let splits = json["splits"].as_array().unwrap();
    let names = ["optimal", "by population", "by caseload", "by backlog peak"];
    for ((row, split), name) in national[1..].iter().zip(splits).zip(names) {
        let number = |key: &str| split[key].as_f64().unwrap();
        assert_eq!(text_of(row[0]), name);
        assert_eq!(sorted_by(row[1]), number("objective"), "{name}");
        assert_eq!(text_of(row[1]), count(number("objective")), "{name}");
        assert_eq!(
            text_of(row[2]),
            format!("{}-{}", count(number("p5")), count(number("p95"))),
            "{name}"
        );
        assert_eq!(sorted_by(row[3]), number("margin"), "{name}");
        assert_eq!(text_of(row[3]), count(number("margin")), "{name}");
        let share = 100.0 * number("margin") / splits[0]["objective"].as_f64().unwrap();
        assert!((sorted_by(row[4]) - share).abs() < 1e-9, "{name}");
        assert_eq!(
            text_of(row[5]),
            format!(
                "{} – {}",
                count(number("margin_p5")),
                count(number("margin_p95"))
            ),
            "{name}"
        );
    }

    let municipalities = json["municipalities"].as_array().unwrap();
    let table = rows(element(&document, "table-allocation"));
    assert_eq!(table.len(), municipalities.len());
    assert_eq!(table.len(), 3);
    let mut fte = 0.0;
    for (row, municipality) in table.iter().zip(municipalities) {
        let number = |key: &str| municipality[key].as_f64().unwrap();
        assert_eq!(text_of(row[0]), municipality["code"].to_string());
        assert_eq!(text_of(row[1]), municipality["name"].as_str().unwrap());
        assert_eq!(sorted_by(row[2]), number("fte_added"));
        assert_eq!(sorted_by(row[3]), number("before"));
        assert_eq!(text_of(row[3]), count(number("before")));
        assert_eq!(sorted_by(row[4]), number("after"));
        assert_eq!(text_of(row[4]), count(number("after")));
        assert_eq!(
            text_of(row[5]),
            format!(
                "{}-{}",
                count(number("after_p5")),
                count(number("after_p95"))
            )
        );
        fte += number("fte_added");
    }
    assert_eq!(fte, 4.0);
    // The three towns' codes are not on the map of Denmark: no map section.
    assert!(!text.contains("id=\"map\""));
    // The same page whatever the number of threads.
    let again = allocation_page(dir.path(), &[&args[..], &["--jobs", "2"]].concat(), "en");
    assert_eq!(
        text.replace(" -q --lang en", " --jobs 2 -q --lang en"),
        again
    );
}

#[test]
fn the_report_page_maps_the_fte_and_has_no_english_in_danish() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "scenarios/dk2020.toml",
        "--add",
        "2",
        "--step",
        "1",
        "--from",
        "2020-05-26",
        "--objective",
        "overdue-days",
        "--reps",
        "1",
        "--municipality",
        "101",
        "--municipality",
        "400",
        "--municipality",
        "825",
    ];
    let json = allocate_json(&args);
    let fte: Vec<(String, f64)> = json["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_string(),
                m["fte_added"].as_f64().unwrap(),
            )
        })
        .collect();
    let (english, danish) = (
        allocation_page(dir.path(), &args, "en"),
        allocation_page(dir.path(), &args, "da"),
    );
    for (text, unit) in [(&english, "FTE added"), (&danish, "årsværk tilføjet")] {
        let document = parse_page(text);
        let figure = element(&document, "map-fte-added");
        let shapes: Vec<_> = figure
            .descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("class") == Some("municipality"))
            .collect();
        assert_eq!(shapes.len(), 98, "one shape per municipality of the map");
        let titles: Vec<String> = shapes
            .iter()
            .map(|s| {
                text_of(
                    s.children()
                        .find(|c| c.has_tag_name("title"))
                        .expect("every municipality has a hover title"),
                )
            })
            .collect();
        for (name, value) in &fte {
            let title = format!("{name}: {value} {unit}");
            assert!(titles.contains(&title), "{title} in {unit}");
        }
        // The figures of the map in a table, one row per municipality of the scenario.
        let table = rows(element(&document, "table-map"));
        assert_eq!(table.len(), 3);
        for (row, (name, value)) in table.iter().zip(&fte) {
            assert_eq!(&text_of(row[1]), name);
            assert_eq!(text_of(row[2]), value.to_string());
        }
        assert_eq!(rows(element(&document, "table-allocation")).len(), 3);
    }
    let danish_document = parse_page(&danish);
    assert_eq!(danish_document.root_element().attribute("lang"), Some("da"));
    // No label the page uses is left in English.
    for (key, en, da) in backlog::report::lang::STRINGS {
        let used = [
            "alloc_",
            "split_",
            "section_",
            "objective_",
            "col_",
            "prov_",
            "map_no_data",
        ]
        .iter()
        .any(|prefix| key.starts_with(prefix));
        if used && en != da && !en.contains("{}") {
            assert!(
                !danish.contains(&format!(">{en}<")),
                "`{key}` in English in the Danish page"
            );
        }
    }
    // And no English word: the words both pages share are names, flags and words both languages spell alike.
    let (da, en) = (
        crate::report::words_of(&danish),
        crate::report::words_of(&english),
    );
    const ALIKE: &[&str] = &[
        "København",
        "Bornholm",
        "Aarhus",
        "Kortdata",
        "Geodatastyrelsen",
        "Danske",
        "Kommuner",
        "DAGI/FOT",
        "backlog",
        "allocate",
        "overdue-days",
        "seed",
        // Words both languages spell alike (Danish "at", "en", "end": to, a, than), and signs.
        "over",
        "for",
        "at",
        "en",
        "end",
        "start",
        "data",
        "&",
        "–",
    ];
    // The municipalities' names in the map's hover titles are proper names.
    let names: Vec<&str> = backlog::report::map::shapes()
        .iter()
        .flat_map(|s| s.name.split_whitespace())
        .collect();
    let left: Vec<&String> = da
        .intersection(&en)
        .filter(|w| !ALIKE.contains(&w.as_str()) && !names.contains(&w.as_str()))
        .collect();
    assert!(left.is_empty(), "English in the Danish page: {left:?}");
}

/// three.toml with a timeliness rule strict enough that every municipality is flagged without extra staff:
/// under `threshold` in a month after the spring suspension (March and April left out, one month flags).
fn strict_rule_scenario(dir: &Path, threshold: f64) -> std::path::PathBuf {
    let path = dir.join(format!("strict-{threshold}.toml"));
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\n\n[[timeliness]]\nid = \"strict\"\nmeasure = \"monthly\"\nthreshold = {threshold}\nperiods = 1\nexclude = [\"2021-03..2021-04\"]\n",
            fixture("three.toml").display().to_string()
        ),
    )
    .unwrap();
    path
}

/// `simulate` of `base` with `add[i]` FTE added in municipality `i + 1` from `FROM`: the municipalities the
/// rule `strict` flags in a month from `FROM`'s on (timeliness.csv), and the overdue meeting-days from `FROM`.
fn simulated_flags(dir: &Path, base: &Path, add: &[u64]) -> (u64, u64) {
    let table: Vec<String> = add
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{} = {a}", i + 1))
        .collect();
    let name = format!(
        "flags-{}",
        add.iter().map(u64::to_string).collect::<Vec<_>>().join("-")
    );
    let scenario = dir.join(format!("{name}.toml"));
    std::fs::write(
        &scenario,
        format!(
            "extends = {:?}\n\n[[staffing.changes]]\ndate = {FROM}\nadd_caseworkers = {{ {} }}\n",
            base.display().to_string(),
            table.join(", ")
        ),
    )
    .unwrap();
    let out = dir.join(&name);
    backlog()
        .args(["simulate", "-q", "--daily", "municipality", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let table = |file: &str| -> (Vec<String>, Vec<Vec<String>>) {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        let header = lines.next().unwrap().split(',').map(String::from).collect();
        let rows = lines
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        (header, rows)
    };
    let column = |header: &[String], name: &str| header.iter().position(|h| h == name).unwrap();
    let (header, rows) = table("timeliness.csv");
    let (code, month, flagged) = (
        column(&header, "code"),
        column(&header, "month"),
        column(&header, "flagged"),
    );
    let mut codes: Vec<&String> = rows
        .iter()
        .filter(|r| r[flagged] == "1" && r[month].as_str() >= &FROM[..7])
        .map(|r| &r[code])
        .collect();
    codes.dedup();
    let (header, rows) = table("daily.csv");
    let (date, overdue) = (column(&header, "date"), column(&header, "overdue"));
    let overdue_days = rows
        .iter()
        .filter(|r| r[date].as_str() >= FROM)
        .map(|r| r[overdue].parse::<u64>().unwrap())
        .sum();
    (codes.len() as u64, overdue_days)
}

#[test]
fn the_split_that_flags_fewest_is_the_best_of_every_split_and_ties_go_to_fewer_overdue_days() {
    let dir = tempfile::tempdir().unwrap();
    // 0.3: 4 FTE can unflag all three, in one way only; 0.5: only Lilleby can be unflagged, and the overdue
    // meeting-days choose where the other steps go.
    for threshold in [0.3, 0.5] {
        let base = strict_rule_scenario(dir.path(), threshold);
        let add = 4;
        let report = allocate_json(&[
            base.to_str().unwrap(),
            "--add",
            &add.to_string(),
            "--step",
            "1",
            "--from",
            FROM,
            "--objective",
            "flagged",
            "--rule",
            "strict",
        ]);
        assert_eq!(report["objective"], "flagged");
        assert_eq!(report["rule"], "strict");
        assert_eq!(report["tie_break"], "overdue-days");
        assert_eq!(report["before"].as_f64().unwrap(), 3.0, "all flagged");
        let optimal = &report["splits"][0];
        let found: Vec<u64> = optimal["fte"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_f64().unwrap() as u64)
            .collect();
        let mut every = Vec::new();
        for a in 0..=add {
            for b in 0..=add - a {
                let split = [a, b, add - a - b];
                every.push((simulated_flags(dir.path(), &base, &split), split));
            }
        }
        let best = every.iter().map(|(value, _)| *value).min().unwrap();
        assert!(best.0 < 3, "some split unflags a municipality: {every:?}");
        let (value_found, _) = every
            .iter()
            .find(|(_, split)| split[..] == found[..])
            .unwrap();
        assert_eq!(*value_found, best, "every split: {every:?}");
        assert_eq!(optimal["objective"].as_f64().unwrap(), best.0 as f64);
        assert_eq!(optimal["overdue_days"].as_f64().unwrap(), best.1 as f64);
        if threshold == 0.5 {
            // Several splits flag as few; the overdue meeting-days decide.
            let fewest = every.iter().filter(|((f, _), _)| *f == best.0).count();
            assert!(fewest > 1, "{every:?}");
        }
        for split in &report["splits"].as_array().unwrap()[1..] {
            let value = (
                split["objective"].as_f64().unwrap() as u64,
                split["overdue_days"].as_f64().unwrap() as u64,
            );
            assert!(value >= best, "{}", split["name"]);
        }
    }
}

#[test]
fn the_csv_names_the_objective_and_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let base = strict_rule_scenario(dir.path(), 0.3);
    let output = backlog()
        .arg("allocate")
        .arg(&base)
        .args(["--add", "4", "--step", "1", "--from", FROM])
        .args([
            "--objective",
            "flagged",
            "--rule",
            "strict",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "code,name,fte_added,objective,rule,before,after,after_p5,after_p95,fte_by_population,\
         fte_by_caseload,fte_by_backlog_peak,overdue_days_before,overdue_days_after"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!((row[3], row[4]), ("flagged", "strict"));
        assert_eq!(
            row[5], "1",
            "every municipality flagged without extra staff"
        );
    }
}

#[test]
fn an_unknown_rule_is_refused_naming_the_rules_the_scenario_has() {
    let dir = tempfile::tempdir().unwrap();
    let base = strict_rule_scenario(dir.path(), 0.3);
    let run = |scenario: &Path, extra: &[&str]| {
        backlog()
            .arg("allocate")
            .arg(scenario)
            .args(["--add", "4", "--from", FROM])
            .args(extra)
            .assert()
            .code(2)
    };
    run(&base, &["--objective", "flagged", "--rule", "early80"]).stderr(
        "error: --rule: the scenario has no timeliness rule `early80`; its rules: strict\n",
    );
    run(&base, &["--objective", "flagged"]).stderr(
        "error: --rule: --objective flagged needs --rule ID, one of the scenario's timeliness rules: strict\n",
    );
    run(&base, &["--objective", "overdue-days", "--rule", "strict"])
        .stderr("error: --rule: only applies with --objective flagged, not overdue-days\n");
    let three = fixture("three.toml");
    run(&three, &["--objective", "flagged", "--rule", "strict"]).stderr(format!(
        "error: --objective: flagged counts the municipalities a timeliness rule flags, and {} has no [[timeliness]] rules\n",
        three.display()
    ));
}
