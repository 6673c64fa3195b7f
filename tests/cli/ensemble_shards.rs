//! `simulate --draws N --shard K/N` and `backlog merge` of its shards: the merge writes what one unsharded run
//! writes, byte for byte, and refuses shards that are not all of one ensemble's.

use crate::common::{backlog, fixture};
use std::path::{Path, PathBuf};

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = backlog().current_dir(dir).args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The small fixture with one ranged input (staff from 2 to 4, so the range moves the results), and a daily
/// band; written as `ranged.toml` in `dir`.
fn ranged(dir: &Path) -> PathBuf {
    let path = dir.join("ranged.toml");
    std::fs::write(
        &path,
        format!(
            "extends = {:?}\n[staffing]\ncaseworkers = {{ low = 2, high = 4 }}\n",
            fixture("small.toml").to_str().unwrap()
        ),
    )
    .unwrap();
    path
}

/// Every file of a directory, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Runs shard `k` of `n` of `args` (after `simulate ranged.toml`) into `s{k}.json`.
fn shard(dir: &Path, k: usize, n: usize, args: &[&str], jobs: &str) {
    let spec = format!("{k}/{n}");
    let out = format!("s{k}.json");
    let mut all = vec!["simulate", "ranged.toml", "--jobs", jobs];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--shard", &spec, "--out", &out]);
    let (code, stdout, stderr) = run(dir, &all);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "a shard prints nothing: {stdout}");
}

#[test]
fn two_shards_merge_to_the_unsharded_ensemble_byte_for_byte_on_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    ranged(dir);
    let args = ["--draws", "200", "--reps", "2"];
    let mut whole = vec!["simulate", "ranged.toml", "--out", "whole", "--jobs", "2"];
    whole.extend_from_slice(&args);
    let (code, table, stderr) = run(dir, &whole);
    assert_eq!(code, 0, "{stderr}");
    // Shard 0 on one thread, shard 1 on two; merged in the other order.
    shard(dir, 0, 2, &args, "1");
    shard(dir, 1, 2, &args, "2");
    let (code, merged_table, stderr) =
        run(dir, &["merge", "s1.json", "s0.json", "--out", "merged"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        merged_table.replace(" in merged\n", " in whole\n"),
        table,
        "the table"
    );
    let (whole, merged) = (files(&dir.join("whole")), files(&dir.join("merged")));
    assert_eq!(
        whole.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        [
            "capacity.csv",
            "daily.csv",
            "draws.csv",
            "episodes.csv",
            "groups.csv",
            "municipalities.csv",
            "run.json",
            "summary.json"
        ]
    );
    for ((name, a), (_, b)) in whole.iter().zip(&merged) {
        assert!(a == b, "{name} differs");
    }
    // The band over the ensemble holds the dice-only band.
    let summary: serde_json::Value =
        serde_json::from_slice(&merged.iter().find(|f| f.0 == "summary.json").unwrap().1).unwrap();
    let band = |key: &str| summary["bands"]["backlog_peak"][key].as_f64().unwrap();
    assert!(band("p5") <= band("dice_p5") && band("dice_p95") <= band("p95"));
}

#[test]
fn merge_refuses_a_missing_shard_a_repeated_one_and_a_damaged_one() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    ranged(dir);
    let args = ["--draws", "6", "--reps", "1"];
    for k in 0..3 {
        shard(dir, k, 3, &args, "1");
    }
    let (code, _, stderr) = run(dir, &["merge", "s0.json", "s2.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("shard 1/3 is missing; merge needs all 3 shards of the ensemble"),
        "{stderr}"
    );
    let (code, _, stderr) = run(dir, &["merge", "s0.json", "s1.json", "s1.json", "s2.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("s1.json: is shard 1/3 again; s1.json is that shard already"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(dir.join("s2.json")).unwrap();
    let at = text.find("\"held\": ").unwrap() + "\"held\": ".len();
    let damaged = format!("{}9{}", &text[..at], &text[at..]);
    std::fs::write(dir.join("s2.json"), damaged).unwrap();
    let (code, stdout, stderr) = run(dir, &["merge", "s0.json", "s1.json", "s2.json"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "error: s2.json: its runs do not give its digest; the file was edited or damaged (run its shard again)\n"
    );
}

#[test]
fn merge_refuses_shards_of_another_run_or_of_a_scenario_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    ranged(dir);
    shard(dir, 0, 2, &["--draws", "4", "--seed", "1"], "1");
    shard(dir, 1, 2, &["--draws", "4", "--seed", "2"], "1");
    let (code, _, stderr) = run(dir, &["merge", "s0.json", "s1.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "s1.json: comes from a different ensemble than s0.json: seed is `2`, not `1`"
        ),
        "{stderr}"
    );
    shard(dir, 1, 2, &["--draws", "4", "--seed", "1"], "1");
    let path = dir.join("ranged.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("high = 4", "high = 5")).unwrap();
    let (code, _, stderr) = run(dir, &["merge", "s0.json", "s1.json", "--out", "merged"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("s0.json: ran scenario ranged.toml when its files had sha256 "),
        "{stderr}"
    );
    assert!(stderr.contains(" now, so run the shards again"), "{stderr}");
    assert!(!dir.join("merged").exists(), "nothing is written");
}

#[test]
fn a_shard_needs_draws_and_leaves_the_outputs_to_the_merge() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    ranged(dir);
    let (code, _, stderr) = run(dir, &["simulate", "ranged.toml", "--shard", "0/2"]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            2,
            "error: --shard: splits an ensemble's draws; give --draws N or --plausible FILE\n"
        )
    );
    let (code, _, stderr) = run(
        dir,
        &[
            "simulate",
            "ranged.toml",
            "--draws",
            "4",
            "--shard",
            "0/2",
            "--xlsx",
            "a.xlsx",
        ],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: --xlsx: is not written by a shard: with --shard, --out is the shard file, and `backlog merge` of all the shards writes simulate's --out DIR and --plot\n"
    );
    let (code, _, stderr) = run(
        dir,
        &["simulate", "ranged.toml", "--draws", "4", "--shard", "0/5"],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: --shard: 0/5: the ensemble has only 4 draws, so some shards would be empty; use at most 4 shards\n"
    );
    assert_eq!(
        std::fs::read_dir(dir).unwrap().count(),
        1,
        "nothing written"
    );
}

#[test]
fn the_merge_prints_in_the_format_the_shards_were_given() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    ranged(dir);
    let args = ["--draws", "6", "--reps", "1", "--format", "json"];
    let mut whole = vec!["simulate", "ranged.toml"];
    whole.extend_from_slice(&args);
    let (code, json, stderr) = run(dir, &whole);
    assert_eq!(code, 0, "{stderr}");
    assert!(json.starts_with('{'), "{json}");
    shard(dir, 0, 2, &args, "1");
    shard(dir, 1, 2, &args, "1");
    let (code, merged, stderr) = run(dir, &["merge", "s0.json", "s1.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(merged, json);
}
