//! Bounded resources, known in advance: the memory estimate refuses runs too large for `--max-memory` before
//! anything is allocated, for every scenario that will be simulated (each sweep point too); `--jobs` is capped.

use crate::common::{backlog, fixture};
use predicates::prelude::*;

const HUGE_MESSAGE: &str = "a run would need about 8.0 GB of memory at its peak (364,800 persons on benefit and 333,062,400 pending meetings at the largest, in the largest municipality, and 3,648 daily cells), more than the limit of 4.0 GB; raise it with --max-memory if the machine has the memory, or shorten the period, lengthen followup.every_days or let spells end";

/// Runs `backlog args` under an address-space limit of `kilobytes` (`ulimit -v`).
#[cfg(unix)]
fn under_ulimit(kilobytes: u64, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kilobytes} && exec \"$0\" \"$@\""))
        .arg(assert_cmd::cargo::cargo_bin("backlog"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// Asserts a refusal with exit code 2 (never an abort, 134) whose one line names the address-space limit.
#[cfg(unix)]
fn assert_refused_by_ulimit(output: &std::process::Output, file: &str, needs: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: {file}: ")) && stderr.contains(needs),
        "{stderr}"
    );
    assert!(
        stderr.contains("left under the process's address-space limit of ")
            && stderr.ends_with("(ulimit -v); raise the limit (ulimit) if the machine has the memory, or shorten the period, lengthen followup.every_days or let spells end\n")
            || stderr.contains("(ulimit -v); raise the limit (ulimit) if the machine has the memory, or run fewer replications"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(output.stdout.is_empty());
}

/// The scenario that grew to 6 GB and aborted is refused with exit code 2 under a 2 GB address-space limit,
/// below `--max-memory`: the message names the limit that bound it, and nothing is allocated for the run.
#[cfg(unix)]
#[test]
fn the_6_gb_case_is_refused_under_a_2_gb_memory_limit() {
    let output = under_ulimit(2_000_000, &["simulate", "tests/fixtures/huge.toml"]);
    assert_refused_by_ulimit(
        &output,
        "tests/fixtures/huge.toml",
        "a run would need about 8.0 GB of memory at its peak (364,800 persons on benefit",
    );
}

/// The daily bands keep two levels of every daily row of every replication until the runs are done: 10,000
/// replications of the national scenario need some 17 GB for them, refused under --max-memory and under a
/// process limit below it.
#[cfg(unix)]
#[test]
fn daily_bands_over_many_replications_are_refused_under_a_limit() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("out");
    let args = [
        "simulate",
        "scenarios/dk2020.toml",
        "--reps",
        "10000",
        "--daily-bands",
        "--out",
        dir.to_str().unwrap(),
    ];
    let needs = "the daily bands' levels 17.2 GB)";
    assert_refused_by_ulimit(
        &under_ulimit(3_000_000, &args),
        "scenarios/dk2020.toml",
        needs,
    );
    backlog().args(args).assert().code(2).stderr(
        predicate::str::contains(needs)
            .and(predicate::str::contains(
                "kept over the runs (the summaries of 10,000 runs ",
            ))
            .and(predicate::str::contains("more than the ")),
    );
    assert!(!dir.exists());
}

/// A scenario of 1,000 municipalities and two groups over ten years: a recorded series of some 440 MB.
fn wide_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let list: Vec<String> = (1..=1000)
        .map(|code| format!("{{ code = {code}, name = \"M{code}\", population = 1 }}"))
        .collect();
    let group = |id: &str| {
        format!("[[groups]]\nid = \"{id}\"\ninflow_per_day = 0.001\nduration = {{ distribution = \"exponential\", mean_days = 10 }}\nmeetings = [{{ due_day = 0, deadline_day = 7 }}]\n")
    };
    let text = format!(
        "name = \"wide\"\nseed = 1\nstart = 2016-01-01\nend = 2025-12-31\n\n[municipalities]\nreference_population = 1000\nlist = [{}]\n\n[staffing]\ncaseworkers = 10\nmeetings_per_caseworker_day = 5\n\n{}\n{}",
        list.join(", "),
        group("a"),
        group("b")
    );
    let path = dir.join("wide.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The daily files and charts keep the first replication's series while the others run: with --out that is a
/// second series beside the one each run records, counted in the estimate and refused under a limit that one
/// run alone fits in.
#[cfg(unix)]
#[test]
fn the_series_kept_for_daily_output_is_refused_under_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = wide_scenario(dir.path());
    let estimate =
        backlog::scenario::SizeEstimate::of_scenario(&backlog::scenario::load(&scenario).unwrap());
    assert!(estimate.series > 0.9 * estimate.memory, "{estimate:?}");
    // Room for one run and half a series more (beside the 30-odd MB the process holds at start), not for a
    // whole second series.
    let limit = ((1.5 * estimate.memory + 100e6) / 1024.0) as u64;
    let out = dir.path().join("out");
    let file = scenario.to_str().unwrap();
    let output = under_ulimit(
        limit,
        &[
            "simulate",
            file,
            "--out",
            out.to_str().unwrap(),
            "--reps",
            "2",
        ],
    );
    assert_refused_by_ulimit(&output, file, "the daily series kept ");
    // Without daily output nothing is kept but the summaries, and `validate` sees one run, which fits.
    assert!(under_ulimit(limit, &["validate", file]).status.success());
    assert!(!out.exists());
}

#[test]
fn validate_reports_the_estimate_and_refuses_above_the_limit() {
    backlog()
        .args(["validate", "tests/fixtures/huge.toml"])
        .assert()
        .code(2)
        .stderr(format!("error: tests/fixtures/huge.toml: {HUGE_MESSAGE}\n"));
    backlog()
        .args([
            "validate",
            "tests/fixtures/huge.toml",
            "--max-memory",
            "20G",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::ends_with("1 suspension; a run needs about 8.0 GB of memory\n").or(
                predicate::str::ends_with("0 suspensions; a run needs about 8.0 GB of memory\n"),
            ),
        );
    backlog()
        .args(["validate", "tests/fixtures/small.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("; a run needs about "));
}

/// The estimate's arithmetic, checked by hand for the huge case: 100 a day over 3,648 days never leave, so
/// 364,800 persons; due meetings: each arrival sees on average half the horizon, 1 + 1,824/2 = 913 meetings
/// (a follow-up every 2 days over 1,824 days), 364,800 x 913 = 333,062,400; memory 2 x (364,800 x 40 +
/// 333,062,400 x 12) + 3,648 x 52 + 3,648 x 24 = 8.02 GB, with the engine's bytes per person and per pending
/// meeting (`backlog::engine::bytes`).
#[test]
fn the_estimate_is_the_documented_arithmetic() {
    let scenario = backlog::scenario::load(&fixture("huge.toml")).unwrap();
    let estimate = backlog::scenario::SizeEstimate::of_scenario(&scenario);
    assert_eq!(estimate.days, 3648.0);
    assert_eq!(estimate.peak_persons, 364_800.0);
    assert_eq!(estimate.peak_pending, 333_062_400.0);
    assert_eq!(
        (
            backlog::engine::bytes::PER_PERSON,
            backlog::engine::bytes::PER_PENDING
        ),
        (40, 12)
    );
    let memory = 2.0 * (364_800.0 * 40.0 + 333_062_400.0 * 12.0) + 3648.0 * 52.0 + 3648.0 * 24.0;
    assert_eq!(estimate.memory, memory);
}

/// Each sweep point is checked with its values applied, by the same estimate: a grid of inflow factors
/// whose largest point is too big is refused before any run, naming the point.
#[test]
fn every_sweep_point_passes_the_size_checks() {
    backlog()
        .args(["sweep", "tests/fixtures/scarce.toml"])
        .args(["--vary", "inflow_factor=1,1000", "--max-memory", "1M"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::starts_with(
                "error: --vary: at inflow_factor=1000: a run would need about ",
            )
            .and(predicate::str::contains(
                "more than the limit of 1.0 MB; raise it with --max-memory",
            )),
        );
    backlog()
        .args(["sweep", "tests/fixtures/scarce.toml"])
        .args([
            "--vary",
            "inflow_factor=1,2",
            "--reps",
            "1",
            "--max-memory",
            "1M",
        ])
        .assert()
        .success();
}

#[test]
fn max_memory_takes_sizes_and_refuses_nonsense() {
    for bad in ["lots", "0", "4X", "1e30"] {
        backlog()
            .args(["simulate", "tests/fixtures/small.toml", "--max-memory", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "invalid value '{bad}' for '--max-memory <SIZE>': `{bad}` is not a size"
            )));
    }
    assert_eq!(backlog::scenario::parse_bytes("8G"), Ok(8_000_000_000));
    assert_eq!(backlog::scenario::parse_bytes("1.5 GiB"), Ok(1_610_612_736));
    assert_eq!(backlog::scenario::parse_bytes("512"), Ok(512));
}

/// Far more threads than cores are capped with a note; the results are those of any thread count.
#[test]
fn jobs_above_the_available_parallelism_are_capped() {
    let capped = backlog()
        .args(["simulate", "tests/fixtures/small.toml", "--jobs", "100000"])
        .output()
        .unwrap();
    assert!(capped.status.success());
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(
        String::from_utf8_lossy(&capped.stderr),
        format!("note: --jobs 100000 is more than the {cores} threads this machine runs at once; using {cores}\n")
    );
    let one = backlog()
        .args(["simulate", "tests/fixtures/small.toml", "--jobs", "1"])
        .output()
        .unwrap();
    assert_eq!(capped.stdout, one.stdout);
}

/// A run estimated at over a minute says so before it starts and shows its progress; a stop signal sent once
/// it has started ends it with exit code 143 and says that nothing was written.
#[cfg(unix)]
#[test]
fn a_long_run_is_announced_and_stops_on_a_signal() {
    let (mut child, note, stderr) = crate::common::spawn_announced(&[
        "simulate",
        "tests/fixtures/huge.toml",
        "--max-memory",
        "20G",
        "--reps",
        "4",
        "--jobs",
        "1",
    ]);
    crate::common::send(&child, rustix::process::Signal::TERM);
    assert!(
        note.starts_with("note: 4 runs on 1 thread, estimated at about "),
        "{note}"
    );
    crate::common::assert_stopped_by(stderr, "SIGTERM");
    assert_eq!(child.wait().unwrap().code(), Some(143));
}
/// The per-run cost model behind the "over a minute" note: the huge fixture, whose one run took 97 s of CPU
/// (230 s on a shared machine) against an estimate of 25 s before the model counted waits for memory, is now
/// estimated above a minute, and announced when run alone; the national scenario's run stays a few seconds.
#[test]
fn runs_whose_state_is_far_beyond_the_cache_are_estimated_slower() {
    let huge = backlog::scenario::load(&fixture("huge.toml")).unwrap();
    let estimate = backlog::scenario::SizeEstimate::of_scenario(&huge);
    let in_cache = (3.0 * estimate.meetings + estimate.persons) / 40e6;
    assert!(
        estimate.seconds() > 3.9 * in_cache,
        "{}",
        estimate.seconds()
    );
    assert!(estimate.seconds() > 60.0);
    let dk2020 = backlog::scenario::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/dk2020.toml"
    )))
    .unwrap();
    let seconds = backlog::scenario::SizeEstimate::of_scenario(&dk2020).seconds();
    assert!(seconds > 1.0 && seconds < 5.0, "{seconds}");
}
