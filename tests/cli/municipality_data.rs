//! Per-municipality data: columns of the municipality file and of data files, declared in the scenario, that
//! share out the national stocks, flows, surge and staff; and the messages for bad data.

use crate::common::backlog;
use backlog::engine::Simulation;
use backlog::scenario::Scenario;
use std::path::Path;

/// Two groups, `dp` and `kh`; `kh` has a surge from 1 March to 30 April. `{municipalities}` is replaced.
const BASE: &str = r#"
name = "data"
seed = 11
start = 2021-01-01
end = 2021-06-30

{municipalities}

[staffing]
caseworkers = 90
meetings_per_caseworker_day = 5

[[groups]]
id = "dp"
initial_stock = 3000
inflow_per_day = 30
duration = { distribution = "exponential", mean_days = 100 }
meetings = [{ due_day = 0, deadline_day = 30 }]

[[groups]]
id = "kh"
initial_stock = 600
inflow_per_day = 0
inflow_changes = [{ date = 2021-03-01, inflow_per_day = 40 }, { date = 2021-05-01, inflow_per_day = 0 }]
duration = { distribution = "exponential", mean_days = 200 }
meetings = [{ due_day = 0, deadline_day = 7 }]
"#;

const FILE: &str = "code,name,population,rate,region,q1,q2\n\
                    1,Aby,1000,5,North,10,10\n\
                    2,Bby,3000,2,North,20,40\n\
                    3,Cby,6000,1,South,30,90\n";

const COLUMNS: &str = r#"[municipalities]
reference_population = 10000
file = "m.csv"
caseworkers_by = "caseload"

[municipalities.columns]
region = { use = "ignore" }
rate = { use = "weight", times = "population", groups = ["dp"] }
q1 = { use = "stock_weight", groups = ["kh"] }
q2 = { use = "surge", over = "q1", groups = ["kh"], from = 2021-03-01, to = 2021-04-30 }
"#;

/// Writes the scenario and its CSV files into a temporary directory and returns the scenario path.
fn write(municipalities: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, BASE.replace("{municipalities}", municipalities)).unwrap();
    (dir, path)
}

fn load(municipalities: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, Scenario) {
    let (dir, path) = write(municipalities, files);
    let scenario = backlog::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    (dir, scenario)
}

/// The error `validate` prints for a scenario, with the temporary directory shown as `DIR`.
fn error(municipalities: &str, files: &[(&str, &str)]) -> String {
    let (dir, path) = write(municipalities, files);
    let output = backlog().arg("validate").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty());
    String::from_utf8(output.stderr)
        .unwrap()
        .replace(&dir.path().display().to_string(), "DIR")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn weights_share_out_the_national_stock_and_inflow_exactly() {
    let (_dir, scenario) = load(COLUMNS, &[("m.csv", FILE)]);
    let m = &scenario.municipalities;
    // dp by rate x population: 5000, 6000, 6000 of 17000.
    let dp_shares = [5.0 / 17.0, 6.0 / 17.0, 6.0 / 17.0];
    for (i, share) in dp_shares.iter().enumerate() {
        assert!(close(m[i].initial_stock[0], 3000.0 * share), "{m:?}");
        assert!(close(m[i].inflow_scale[0], *share));
    }
    // kh stock by q1 (10, 20, 30 of 60); its inflow keeps the population share.
    for (i, (stock, population_share)) in [(100.0, 0.1), (200.0, 0.3), (300.0, 0.6)]
        .iter()
        .enumerate()
    {
        assert!(close(m[i].initial_stock[1], *stock), "{m:?}");
        assert!(close(m[i].inflow_scale[1], *population_share));
    }
    for g in 0..2 {
        let stock: f64 = m.iter().map(|m| m.initial_stock[g]).sum();
        let inflow: f64 = m.iter().map(|m| m.inflow_scale[g]).sum();
        assert!(close(stock, scenario.groups[g].initial_stock));
        assert!(close(inflow, 1.0));
    }
    // Caseworkers by caseload: each municipality's share of the 3,600 persons of the national initial stock.
    let national: f64 = m.iter().map(|m| m.caseworkers).sum();
    assert!(close(national, 90.0));
    let aby = (3000.0 * 5.0 / 17.0 + 100.0) / 3600.0 * 90.0;
    assert!(close(m[0].caseworkers, aby), "{}", m[0].caseworkers);
}

#[test]
fn the_surge_shares_out_the_national_rise_exactly() {
    let (_dir, scenario) = load(COLUMNS, &[("m.csv", FILE)]);
    let m = &scenario.municipalities;
    // Rises q2/q1 - 1: 0, 1, 2; weighted by the inflow shares 0.1, 0.3, 0.6 their mean is 1.5.
    let expected = [0.0, 1.0 / 1.5, 2.0 / 1.5];
    for (municipality, factor) in m.iter().zip(expected) {
        assert!(close(municipality.surge[1], factor), "{m:?}");
        // dp has no surge column: the national shape.
        assert_eq!(municipality.surge[0], 1.0);
    }
    assert_eq!(
        scenario.groups[1].surge,
        Some((ymd(2021, 3, 1), ymd(2021, 4, 30)))
    );
    // The national rate, any level, is the sum of the local rates inside and outside the window.
    for national in [0.0, 40.0, 55.5] {
        let inside: f64 = m
            .iter()
            .map(|m| m.inflow_rate(1, national, Some(0.0)))
            .sum();
        let outside: f64 = m.iter().map(|m| m.inflow_rate(1, national, None)).sum();
        assert!(close(inside, national) && close(outside, national));
    }
}

#[test]
fn a_municipality_without_a_rise_gets_no_surge_inflow() {
    let (_dir, scenario) = load(COLUMNS, &[("m.csv", FILE)]);
    let series = Simulation::new(&scenario, scenario.seed).run().unwrap();
    let day = |date: chrono::NaiveDate| (date - scenario.start).num_days() as usize;
    let arrivals = |m: usize| -> u32 {
        (day(ymd(2021, 3, 1))..=day(ymd(2021, 4, 30)))
            .map(|d| series.row(d, m, 1).arrivals)
            .sum()
    };
    // kh's inflow is 0 before the surge, so Aby (q2 = q1) has none in it; the others share 40 a day.
    assert_eq!(arrivals(0), 0);
    assert!(arrivals(1) > 0 && arrivals(2) > arrivals(1));
}

#[test]
fn counts_from_a_data_file_replace_the_allocated_figures() {
    let counts = "code,dp_stock,fte\n2,1234,17.5\n";
    let municipalities = format!(
        "{COLUMNS}\n[[municipalities.data]]\nfile = \"counts.csv\"\n\
         columns = {{ dp_stock = {{ use = \"stock\", groups = [\"dp\"] }}, fte = {{ use = \"caseworkers\" }} }}\n"
    );
    let (_dir, scenario) = load(&municipalities, &[("m.csv", FILE), ("counts.csv", counts)]);
    let bby = &scenario.municipalities[1];
    assert_eq!(bby.initial_stock[0], 1234.0);
    // Without an inflow count the inflow follows the stock: the national mean spell is kept.
    assert!(close(bby.inflow_scale[0], 1234.0 / 3000.0));
    assert_eq!(bby.caseworkers, 17.5);
    // The others keep their allocation.
    assert!(close(
        scenario.municipalities[0].initial_stock[0],
        3000.0 * 5.0 / 17.0
    ));
}

#[test]
fn dk2020_keeps_the_national_totals_and_differs_by_municipality() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = backlog::scenario::load(&root.join("scenarios/dk2020.toml")).unwrap();
    let m = &scenario.municipalities;
    assert_eq!(m.len(), 98);
    for (g, group) in scenario.groups.iter().enumerate() {
        let stock: f64 = m.iter().map(|m| m.initial_stock[g]).sum();
        let inflow: f64 = m.iter().map(|m| m.inflow_scale[g]).sum();
        assert!(close(stock, group.initial_stock), "{}: {stock}", group.id);
        assert!(close(inflow, 1.0), "{}: {inflow}", group.id);
        let surge: f64 = m.iter().map(|m| m.inflow_scale[g] * m.surge[g]).sum();
        assert!(close(surge, 1.0), "{}: {surge}", group.id);
    }
    let caseworkers: f64 = m.iter().map(|m| m.caseworkers).sum();
    assert!(close(caseworkers, 2567.0));
    // København's dagpenge share is its 2019 unemployment x population share, not its population share.
    let cph = &m[scenario.municipality_index(101).unwrap()];
    let population_share = cph.population / 5822679.0;
    assert!(cph.inflow_scale[0] > 1.1 * population_share);
    // Sygedagpenge has no local data: population share.
    let sygedagpenge = scenario.group_index("sygedagpenge").unwrap();
    assert!(close(cph.inflow_scale[sygedagpenge], population_share));
}

#[test]
fn the_municipality_file_matches_its_sources() {
    // data/municipalities.csv carries 2019 and 2020Q1-Q2 figures derived from the two Statistics Denmark files
    // beside it; they must stay the same numbers.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let read = |name: &str| -> Vec<std::collections::HashMap<String, String>> {
        csv::Reader::from_path(root.join(name))
            .unwrap()
            .deserialize()
            .map(Result::unwrap)
            .collect()
    };
    let municipalities = read("municipalities.csv");
    let rates = read("unemployment_rate_annual_2018_2021.csv");
    let kontanthjaelp = read("kontanthjaelp_nettoledige_quarterly_2018_2021.csv");
    assert_eq!(municipalities.len(), 98);
    let number = |row: &std::collections::HashMap<String, String>, key: &str| -> f64 {
        row[key].parse().unwrap()
    };
    for row in &municipalities {
        let by_code = |rows: &[std::collections::HashMap<String, String>]| {
            rows.iter()
                .find(|r| r["kommunekode"] == row["code"])
                .cloned()
                .unwrap()
        };
        let rate = by_code(&rates);
        let kh = by_code(&kontanthjaelp);
        assert_eq!(row["unemployment_rate_2019"], rate["rate_pct_2019"]);
        let mean_2019 = ["2019Q1", "2019Q2", "2019Q3", "2019Q4"]
            .iter()
            .map(|q| number(&kh, q))
            .sum::<f64>()
            / 4.0;
        assert_eq!(number(row, "kontanthjaelp_2019"), mean_2019);
        assert_eq!(row["kontanthjaelp_2020q1"], kh["2020Q1"]);
        assert_eq!(row["kontanthjaelp_2020q2"], kh["2020Q2"]);
    }
}

#[test]
fn an_undeclared_column_is_an_error_naming_file_column_and_line() {
    let columns = COLUMNS.replace("region = { use = \"ignore\" }\n", "");
    assert_eq!(
        error(&columns, &[("m.csv", FILE)]),
        "error: DIR/m.csv:1:27: municipalities.file: column `region` is not declared: add `region = { use = \"...\" }` to `municipalities.columns` (use = \"ignore\" if nothing should read it)\n"
    );
}

#[test]
fn bad_values_name_file_line_and_column() {
    let cases = [
        (
            "3,Cby,6000,x,South,30,90",
            "DIR/m.csv:4:12: municipalities.columns.rate: column `rate`: `x` is not a number",
        ),
        (
            "3,Cby,6000,-1,South,30,90",
            "DIR/m.csv:4:12: municipalities.columns.rate: column `rate`: -1 is negative; municipality data must be 0 or more",
        ),
        (
            "3,Cby,6000,,South,30,90",
            "DIR/m.csv:4:12: municipalities.columns.rate: column `rate`: the value is missing",
        ),
        (
            "3,Cby,6000,1,South,0,90",
            "DIR/m.csv:4:20: municipalities.columns.q2: column `q1`: 0 cannot divide `q2`",
        ),
        (
            "2,Cby,6000,1,South,30,90",
            "DIR/m.csv:4:1: municipalities.file: municipality code 2 appears twice (first on line 3)",
        ),
    ];
    for (last_row, expected) in cases {
        let file = FILE.replace("3,Cby,6000,1,South,30,90", last_row);
        let message = error(COLUMNS, &[("m.csv", &file)]);
        assert!(
            message.contains(expected),
            "{last_row}: expected {expected:?}\n got {message}"
        );
    }
}

#[test]
fn a_data_file_with_no_row_for_the_scenario_is_a_mistyped_code() {
    let include = COLUMNS.replace("file = \"m.csv\"", "file = \"m.csv\"\ninclude = [1]");
    let with_data = format!(
        "{include}\n[[municipalities.data]]\nfile = \"d.csv\"\ncolumns = {{ n = {{ use = \"caseworkers\" }} }}\n"
    );
    let message = error(&with_data, &[("m.csv", FILE), ("d.csv", "code,n\n2,5\n")]);
    assert_eq!(
        message,
        "error: DIR/d.csv:2:1: municipalities.data[0].file: has no row for a municipality of this scenario (1); is code 2 mistyped?\n"
    );
    // A file with rows for other municipalities too (a national file) is read.
    let (dir, path) = write(
        &with_data,
        &[("m.csv", FILE), ("d.csv", "code,n\n1,5\n2,5\n")],
    );
    backlog::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    drop(dir);
}

#[test]
fn bad_data_files_name_file_line_and_column() {
    let with_data = |columns: &str| {
        format!("{COLUMNS}\n[[municipalities.data]]\nfile = \"d.csv\"\ncolumns = {{ {columns} }}\n")
    };
    let stock = "n = { use = \"stock\", groups = [\"dp\"] }";
    let weight = "n = { use = \"inflow_weight\", groups = [\"kh\"] }";
    let cases = [
        (
            stock,
            "code,n\n1,5\n9,5\n",
            "DIR/d.csv:3:1: municipalities.data[0].columns.n: municipality code 9 is not a municipality of this scenario",
        ),
        (
            stock,
            "code,n\n1,5\n1,6\n",
            "DIR/d.csv:3:1: municipalities.data[0].columns.n: municipality code 1 appears twice (first on line 2)",
        ),
        (
            weight,
            "code,n\n1,0\n2,0\n3,0\n",
            "DIR/d.csv:1:6: municipalities.data[0].columns.n: the weights in column `n` sum to zero: nothing to share out by",
        ),
        (
            weight,
            "code,n\n1,3\n3,4\n",
            "municipalities.data[0].columns.n: DIR/d.csv has no `n` for municipality 2: a weight or a surge needs every municipality",
        ),
        (
            stock,
            "code,n,extra\n1,5,1\n",
            "DIR/d.csv:1:8: municipalities.data[0].file: column `extra` is not declared",
        ),
        // A value from a column is held to the bound of the key it stands for.
        (
            "n = { use = \"caseworkers\" }",
            "code,n\n1,1e308\n",
            "DIR/d.csv:2:3: municipalities.data[0].columns.n: column `n`: 1e308 is above 1000000, the most caseworker FTE of one municipality (as `municipalities.adjust.caseworkers`)",
        ),
        (
            weight,
            "code,n\n1,1e308\n2,1e308\n3,1\n",
            "DIR/d.csv:1:6: municipalities.data[0].columns.n: the weights in column `n` add up to more than a number holds; scale them down",
        ),
        (
            stock,
            "code,n,n\n1,5,6\n",
            "DIR/d.csv:1:8: municipalities.data[0].file: column `n` appears twice in the header (columns 2 and 3); rename or remove one",
        ),
        (
            stock,
            "code;n\n1;5\n",
            "DIR/d.csv:1:1: municipalities.data[0].file: the header is one column: the file looks separated by `;` (as Danish Excel saves CSV); save it as comma-separated CSV, with `.` as the decimal point",
        ),
        // Blank lines and CRLF line ends count as lines.
        (
            stock,
            "code,n\r\n1,5\r\n\r\n2\r\n",
            "DIR/d.csv:4:1: municipalities.data[0].file: this row has 1 fields, the header has 2",
        ),
    ];
    for (columns, data, expected) in cases {
        let message = error(&with_data(columns), &[("m.csv", FILE), ("d.csv", data)]);
        assert!(
            message.contains(expected),
            "{data}: expected {expected:?}\n got {message}"
        );
    }
}

#[test]
fn a_surge_without_any_rise_is_refused() {
    // Every q2 equals its q1 (Aby's already does).
    let file = FILE.replace("20,40", "20,20").replace("30,90", "30,30");
    let message = error(COLUMNS, &[("m.csv", &file)]);
    assert!(
        message.contains("DIR/m.csv:1:37: municipalities.columns.q2: the rises (ratio - 1), weighted by inflow, in column `q2` sum to zero"),
        "{message}"
    );
}

fn ymd(year: i32, month: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// Three municipalities with 100, 200 and 300 persons who never leave and no inflow: every replication has the
/// same active stock, so the check's numbers are exact.
const FIXED: &str = r#"
name = "fixed"
seed = 3
start = 2021-01-01
end = 2021-03-31
replications = 2

[municipalities]
reference_population = 600
file = "m.csv"
columns = { stock = { use = "stock", groups = ["g"] } }

[staffing]
caseworkers = 10
meetings_per_caseworker_day = 5

[[groups]]
id = "g"
initial_stock = 600
inflow_per_day = 0
duration = { distribution = "never" }
meetings = [{ due_day = 0, deadline_day = 30 }]

[[expect_municipalities]]
figure = "persons by municipality"
source = "a table"
file = "published.csv"
column = "value"
metric = "active_mean"
tolerance = 0.5
"#;

const FIXED_FILE: &str =
    "code,name,population,stock\n1,Aby,100,100\n2,Bby,200,200\n3,Cby,300,300\n";

fn fixed(published: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.csv"), FIXED_FILE).unwrap();
    std::fs::write(dir.path().join("published.csv"), published).unwrap();
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, FIXED).unwrap();
    (dir, path)
}

#[test]
fn the_municipality_check_reports_the_mape_and_the_worst_municipalities() {
    // Published 1, 2, 6 scaled to the simulated 600: 66.7, 133.3, 400; errors +50 %, +50 %, -25 %.
    let (_dir, path) = fixed("code,value\n1,1\n2,2\n3,6\n");
    let output = backlog()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let spread = &results[0]["spread"];
    assert_eq!(spread["municipalities"], 3);
    assert!(close(spread["scaled_by"].as_f64().unwrap(), 600.0 / 9.0));
    assert!(close(spread["mape"].as_f64().unwrap(), 1.25 / 3.0));
    let worst: Vec<(u64, f64)> = spread["worst"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["code"].as_u64().unwrap(), w["error"].as_f64().unwrap()))
        .collect();
    assert_eq!(worst.len(), 3);
    assert_eq!((worst[0].0, worst[1].0, worst[2].0), (1, 2, 3));
    assert!(close(worst[0].1, 0.5) && close(worst[2].1, -0.25));
    assert_eq!(results[0]["pass"], true);

    let junit = path.with_file_name("check.xml");
    let table = backlog()
        .arg("check")
        .arg(&path)
        .arg("--junit")
        .arg(&junit)
        .output()
        .unwrap();
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("MAPE 41.7% over 3 municipalities (a table); worst: Aby +50.0%, Bby +50.0%, Cby -25.0%; tolerance 50%"),
        "{xml}"
    );
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains(
            "MAPE  41.7% over 3 municipalities [41.7%-41.7% per replication]  tolerance   50%"
        ),
        "{text}"
    );
    assert!(
        text.contains("worst: Aby                      1  simulated       100  published        67  error   +50.0%"),
        "{text}"
    );
}

#[test]
fn a_municipality_check_outside_its_tolerance_fails() {
    let (_dir, path) = fixed("code,value\n1,1\n2,1\n3,10\n");
    let output = backlog().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8(output.stdout)
        .unwrap()
        .contains("  FAIL persons by municipality"));
}

#[test]
fn a_bad_published_series_is_refused_with_file_line_and_column() {
    let cases = [
        (
            "code,value\n1,1\n2,2\n",
            "expect_municipalities[0].file: DIR/published.csv has no row for municipality 3",
        ),
        (
            "code,value\n1,1\n2,0\n3,2\n",
            "DIR/published.csv:3:3: expect_municipalities[0].file: column `value`: 0 leaves the percentage error of municipality 2 undefined",
        ),
        (
            "code,value\n1,1\n2,x\n3,2\n",
            "DIR/published.csv:3:3: expect_municipalities[0].file: column `value`: `x` is not a number",
        ),
        (
            "code,v\n1,1\n2,1\n3,2\n",
            "expect_municipalities[0].column: DIR/published.csv has no column `value`",
        ),
    ];
    for (published, expected) in cases {
        let (dir, path) = fixed(published);
        let output = backlog().arg("validate").arg(&path).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        let message = String::from_utf8(output.stderr)
            .unwrap()
            .replace(&dir.path().display().to_string(), "DIR");
        assert!(message.contains(expected), "{published}: {message}");
    }
}

#[test]
fn the_aarhus_example_is_dk2020s_aarhus_with_its_own_caseworkers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example =
        backlog::scenario::load(&root.join("scenarios/examples/aarhus2020.toml")).unwrap();
    let national = backlog::scenario::load(&root.join("scenarios/dk2020.toml")).unwrap();
    assert_eq!(example.municipalities.len(), 1);
    let aarhus = &example.municipalities[0];
    let in_dk2020 = &national.municipalities[national.municipality_index(751).unwrap()];
    assert_eq!(aarhus.code, 751);
    assert_eq!(aarhus.caseworkers, 150.0);
    assert_eq!(aarhus.initial_stock, in_dk2020.initial_stock);
    assert_eq!(aarhus.inflow_scale, in_dk2020.inflow_scale);
    assert_eq!(aarhus.surge, in_dk2020.surge);
    let output = backlog()
        .args([
            "simulate",
            "scenarios/examples/aarhus2020.toml",
            "--reps",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn an_inflow_count_scales_the_national_rate_and_its_dated_changes() {
    let counts = "code,dp_inflow,kh_inflow\n3,12,1\n";
    let data = |columns: &str| {
        format!("{COLUMNS}\n[[municipalities.data]]\nfile = \"counts.csv\"\ncolumns = {{ {columns} }}\n")
    };
    let (_dir, scenario) = load(
        &data(
            "dp_inflow = { use = \"inflow\", groups = [\"dp\"] }, kh_inflow = { use = \"ignore\" }",
        ),
        &[("m.csv", FILE), ("counts.csv", counts)],
    );
    let cby = &scenario.municipalities[2];
    // 12 a day against the national 30: 0.4 of the national rate on every date.
    assert!(close(cby.inflow_scale[0], 0.4));
    assert!(close(cby.inflow_rate(0, 30.0, None), 12.0));
    // The stock keeps its allocation.
    assert!(close(cby.initial_stock[0], 3000.0 * 6.0 / 17.0));
    // kh has no inflow before its dated changes: a local count cannot scale it.
    let message = error(
        &data(
            "dp_inflow = { use = \"ignore\" }, kh_inflow = { use = \"inflow\", groups = [\"kh\"] }",
        ),
        &[("m.csv", FILE), ("counts.csv", counts)],
    );
    assert!(
        message.contains("municipalities.data[0].columns.kh_inflow: group `kh` has inflow_per_day = 0: a local inflow cannot scale its dated changes"),
        "{message}"
    );
}
