//! `backlog sensitivity` as a user runs it: an input the metric cannot depend on ranks last with indices of zero,
//! the output does not depend on the threads, and bad input is refused with one clear message.

use crate::common::{backlog, fixture};
use std::path::{Path, PathBuf};

/// The small fixture with two ranged inputs: the staffing, which cannot change how many people arrive (the
/// engine draws its random numbers for people only), and the inflow, which can.
const RANGED: &str = r#"
name = "ranged"
seed = 7
start = 2021-01-01
end = 2021-12-31

[warmup]
days = 200

[municipalities]
reference_population = 1000
list = [{ code = 1, name = "Testby", population = 1000 }]

[staffing]
caseworkers = { low = 5, high = 15 }
meetings_per_caseworker_day = 5

[[groups]]
id = "kh"
inflow_per_day = { low = 2.0, high = 4.0 }
duration = { distribution = "exponential", mean_days = 120 }
meetings = [{ due_day = 0, deadline_day = 7 }, { due_day = 60, deadline_day = 90 }]
followup = { every_days = 90, deadline_days = 30 }

[[suspensions]]
start = 2021-03-01
end = 2021-04-30
groups.kh = { action = "catch_up" }
"#;

fn ranged() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ranged.toml");
    std::fs::write(&path, RANGED).unwrap();
    (dir, path)
}

fn sensitivity(scenario: &Path, args: &[&str]) -> Vec<u8> {
    let output = backlog()
        .arg("sensitivity")
        .arg(scenario)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "sensitivity {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

fn input<'a>(report: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("no input {key} in {report}"))
}

#[test]
fn an_input_the_metric_cannot_depend_on_has_indices_of_zero_and_ranks_last() {
    let (_dir, path) = ranged();
    let report = json(&sensitivity(
        &path,
        &["--metric", "arrivals", "--n", "32", "--format", "json"],
    ));
    assert_eq!(report["points"], 5 + 32 * 4);
    let staff = input(&report, "staffing.caseworkers");
    let inflow = input(&report, "groups.kh.inflow_per_day");
    // The same people arrive whatever the staffing: exactly no effect, in the indices and in the tornado.
    for index in ["first", "total"] {
        for field in ["value", "p5", "p95"] {
            assert_eq!(staff[index][field], 0.0, "{index}.{field}");
        }
    }
    assert_eq!(staff["swing"], 0.0);
    assert_eq!(staff["rank"], 2);
    assert_eq!(inflow["rank"], 1);
    let total = inflow["total"]["value"].as_f64().unwrap();
    assert!(total > 0.9, "{total}");
    assert!(inflow["swing"].as_f64().unwrap() > 0.0);
    // More inflow, more arrivals.
    assert!(inflow["at_high"].as_f64().unwrap() > inflow["at_low"].as_f64().unwrap());
}

#[test]
fn the_output_is_the_same_on_any_number_of_threads() {
    let (_dir, path) = ranged();
    let args = |jobs| {
        vec![
            "--metric",
            "backlog_peak",
            "--n",
            "16",
            "--reps",
            "2",
            "--format",
            "csv",
            "--jobs",
            jobs,
        ]
    };
    let one = sensitivity(&path, &args("1"));
    let two = sensitivity(&path, &args("2"));
    assert_eq!(one, two);
    let text = String::from_utf8(one).unwrap();
    assert!(
        text.starts_with("rank,input,range,central_value,low_value,high_value,total,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3);
}

#[test]
fn the_tornado_alone_runs_one_point_and_two_per_input_and_draws_its_chart() {
    let (dir, path) = ranged();
    let plot = dir.path().join("tornado.svg");
    let out = dir.path().join("ranking.csv");
    let stdout = sensitivity(
        &path,
        &[
            "--metric",
            "overdue_end",
            "--by",
            "2021-06-30",
            "--tornado-only",
            "--plot",
            plot.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let table = String::from_utf8(stdout).unwrap();
    assert!(
        table.starts_with("overdue_end of ranged by 2021-06-30: 2 ranged inputs, 5 points x 1 replication, seed 7\n"),
        "{table}"
    );
    assert!(!table.contains("total order"), "{table}");
    let svg = std::fs::read_to_string(&plot).unwrap();
    for text in [
        "staffing.caseworkers",
        "groups.kh.inflow_per_day",
        "central: ",
    ] {
        assert!(svg.contains(text), "{text}");
    }
    let csv = std::fs::read_to_string(&out).unwrap();
    let first = csv.lines().nth(1).unwrap();
    // Without the design the index columns are empty.
    assert!(first.contains(",,,,,,overdue_end,"), "{first}");
}

#[test]
fn bad_input_is_refused_with_one_message() {
    let (_dir, path) = ranged();
    let small = fixture("small.toml");
    let cases: Vec<(Vec<&str>, &Path, String)> = vec![
        (
            vec!["--metric", "backlog_peak"],
            &small,
            format!(
                "error: {}: has no ranged input, so there is nothing to rank; write an input as a range, e.g. `phone_share = {{ low = 0.4, high = 0.8 }}`, or give one with --set\n",
                small.display()
            ),
        ),
        (
            vec!["--metric", "backlog"],
            &path,
            format!(
                "error: --metric: unknown metric `backlog`; one of: {}\n",
                backlog::metric::Metric::names()
            ),
        ),
        (
            vec!["--metric", "arrivals", "--by", "2022-01-01"],
            &path,
            "error: --by: 2022-01-01 is outside the scenario's period (2021-01-01 to 2021-12-31)\n".into(),
        ),
        (
            vec!["--metric", "arrivals", "--municipality", "99"],
            &path,
            "error: --municipality: no municipality with code 99 in ranged (".into(),
        ),
    ];
    for (args, scenario, message) in cases {
        let output = backlog()
            .arg("sensitivity")
            .arg(scenario)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.starts_with(&message), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
    backlog()
        .args([
            "sensitivity",
            path.to_str().unwrap(),
            "--metric",
            "arrivals",
            "--n",
            "1",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--n <N>"));
}

/// Runs `backlog ARGS` and returns its stdout, failing on a non-zero exit.
fn run(args: &[&str]) -> Vec<u8> {
    let output = backlog().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Runs shard `k` of `n` of `backlog sensitivity SCENARIO ARGS` into `dir` and returns the shard file's path.
fn shard(dir: &Path, scenario: &Path, args: &[&str], k: usize, n: usize) -> String {
    let path = dir.join(format!("shard-{k}-of-{n}.csv"));
    let spec = format!("{k}/{n}");
    let mut all = vec!["sensitivity", scenario.to_str().unwrap()];
    all.extend(args);
    all.extend(["--shard", &spec, "--out", path.to_str().unwrap()]);
    assert!(run(&all).is_empty(), "a shard writes only its file");
    path.to_str().unwrap().to_string()
}

/// Runs `backlog ARGS`, which must fail with exit code 2 and exactly `message`.
fn refuses(args: &[&str], message: &str) {
    let output = backlog().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end(), format!("error: {message}"), "{args:?}");
    assert!(output.stdout.is_empty(), "{args:?} wrote output");
}

#[test]
fn merged_shards_equal_the_unsharded_analysis_byte_for_byte_in_every_format() {
    let (dir, path) = ranged();
    let scenario = path.to_str().unwrap();
    let cases: [(&[&str], usize); 3] = [
        (&["--n", "8", "--reps", "2", "--format", "json"], 3),
        (&["--n", "8", "--reps", "2", "--by", "2021-09-30"], 2),
        (&["--tornado-only", "--reps", "3", "--format", "csv"], 2),
    ];
    for (case, (args, n)) in cases.into_iter().enumerate() {
        let mut common = vec!["--metric", "backlog_peak"];
        common.extend(args);
        let plot = dir.path().join(format!("unsharded-{case}.svg"));
        let mut unsharded = vec!["sensitivity", scenario];
        unsharded.extend(&common);
        unsharded.extend(["--jobs", "2", "--plot", plot.to_str().unwrap()]);
        let expected = run(&unsharded);
        let shards_dir = dir.path().join(format!("case-{case}"));
        std::fs::create_dir(&shards_dir).unwrap();
        let mut sharded = common.clone();
        sharded.extend(["--jobs", "1"]);
        let mut shards: Vec<String> = (0..n)
            .map(|k| shard(&shards_dir, &path, &sharded, k, n))
            .collect();
        // Any order: the last shard first.
        shards.rotate_right(1);
        let merged_plot = dir.path().join(format!("merged-{case}.svg"));
        let mut merge = vec!["merge"];
        merge.extend(shards.iter().map(String::as_str));
        merge.extend(["--plot", merged_plot.to_str().unwrap()]);
        assert_eq!(run(&merge), expected, "{args:?}: merged output differs");
        assert_eq!(
            std::fs::read(&merged_plot).unwrap(),
            std::fs::read(&plot).unwrap(),
            "{args:?}: merged chart differs"
        );
        // --out FILE holds what stdout did.
        let out = dir.path().join(format!("merged-{case}.txt"));
        merge.truncate(merge.len() - 2);
        merge.extend(["--out", out.to_str().unwrap()]);
        assert!(run(&merge).is_empty());
        assert_eq!(std::fs::read(&out).unwrap(), expected);
    }
}

#[test]
fn a_shard_is_the_same_on_any_number_of_threads() {
    let (dir, path) = ranged();
    let args = |jobs| ["--metric", "backlog_peak", "--n", "8", "--jobs", jobs];
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    std::fs::create_dir(&one).unwrap();
    std::fs::create_dir(&two).unwrap();
    let a = shard(&one, &path, &args("1"), 1, 2);
    let b = shard(&two, &path, &args("2"), 1, 2);
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn shards_of_another_analysis_or_a_changed_scenario_are_refused_naming_the_file() {
    let (dir, path) = ranged();
    let scenario = path.to_str().unwrap();
    let args = ["--metric", "backlog_peak", "--n", "4"];
    let s: Vec<String> = (0..3)
        .map(|k| shard(dir.path(), &path, &args, k, 3))
        .collect();
    refuses(
        &["merge", &s[0], &s[2]],
        "SHARD_FILE: shard 1/3 is missing; merge needs all 3 shards of the sensitivity design",
    );
    refuses(
        &["merge", &s[0], &s[1], &s[1], &s[2]],
        &format!(
            "{}: is shard 1/3 again; {} is that shard already",
            s[1], s[1]
        ),
    );
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let seeded = shard(
        &other,
        &path,
        &["--metric", "backlog_peak", "--n", "4", "--seed", "8"],
        1,
        3,
    );
    refuses(
        &["merge", &s[0], &seeded, &s[2]],
        &format!(
            "{seeded}: comes from a different sensitivity design than {}: seed is `8`, not `7`",
            s[0]
        ),
    );
    let metric = shard(
        &other,
        &path,
        &["--metric", "overdue_end", "--n", "4"],
        2,
        3,
    );
    refuses(
        &["merge", &s[0], &s[1], &metric],
        &format!(
            "{metric}: comes from a different sensitivity design than {}: metric is `overdue_end`, not `backlog_peak`",
            s[0]
        ),
    );
    let halves = shard(&other, &path, &args, 1, 2);
    refuses(
        &["merge", &s[0], &halves],
        &format!(
            "{halves}: is shard 1/2 of a sensitivity design split 2 ways, but {} is shard 0/3",
            s[0]
        ),
    );
    // A shard file of another command is not read as this one's.
    refuses(
        &["merge", &s[0], fixture("small.toml").to_str().unwrap()],
        &format!(
            "{}: is not a shard file of `backlog sensitivity --shard` (its columns do not start with sensitivity,points,shard,point,digest,sha256,set,metric,municipality,by,n,seed,reps,format,version and a value column)",
            fixture("small.toml").display()
        ),
    );
    // An edited value.
    let text = std::fs::read_to_string(&s[1]).unwrap();
    let edited = dir.path().join("edited.csv");
    let last = text.trim_end().rsplit_once(',').unwrap().0;
    std::fs::write(&edited, format!("{last},1\n")).unwrap();
    let edited = edited.to_str().unwrap();
    refuses(
        &["merge", &s[0], edited, &s[2]],
        &format!("{edited}: does not match its digest: the file was edited or damaged after `backlog sensitivity --shard` wrote it (run its shard again)"),
    );
    // The scenario changed after the shards ran.
    let changed = format!("{}# changed\n", std::fs::read_to_string(&path).unwrap());
    std::fs::write(&path, changed).unwrap();
    let output = backlog()
        .args(["merge", &s[2], &s[0], &s[1]])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: {}: was run on {scenario} with sha256 ",
            s[2]
        )) && stderr
            .trim_end()
            .ends_with(": the scenario or its data changed since; run the shards again"),
        "{stderr}"
    );
    // What a shard cannot do.
    refuses(
        &["sensitivity", scenario, "--metric", "backlog_peak", "--n", "4", "--shard", "0/2", "--plot", "x.svg"],
        "--plot: a shard has only some of the points; give --plot to `backlog merge`, which draws the whole tornado",
    );
    refuses(
        &["sensitivity", scenario, "--metric", "backlog_peak", "--tornado-only", "--shard", "0/6"],
        "--shard: 0/6: the analysis has only 5 points, so some shards would be empty; use at most 5 shards",
    );
    refuses(
        &[
            "sensitivity",
            scenario,
            "--metric",
            "backlog_peak",
            "--shard",
            "2/2",
        ],
        "--shard: K must be less than N (shards are numbered 0 to 1), got `2/2`",
    );
}
