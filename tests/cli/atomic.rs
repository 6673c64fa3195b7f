//! One run, one transaction: `--out DIR` holds the complete outputs of one run at every instant, whatever
//! stops the process and whenever; SIGINT and SIGTERM leave no temporary file; bad output paths fail at once.

use crate::common::{backlog, fixture};
use predicates::prelude::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn spawn_simulate(scenario: &str, dir: &Path, extra: &[&str]) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("backlog"))
        .args(["simulate", fixture(scenario).to_str().unwrap()])
        .args(["--out", dir.to_str().unwrap()])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn send(child: &std::process::Child, signal: i32) {
    // SAFETY: sends a signal to our own child, which has not been waited for yet.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0);
}

/// The seed of the run that wrote `dir`, after checking that summary.json and run.json come from that one run
/// and that daily.csv is complete.
fn run_in(dir: &Path) -> u64 {
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
    };
    let seed = read("summary.json")["scenario"]["seed"].as_u64().unwrap();
    assert_eq!(
        read("run.json")["scenario"]["seed"].as_u64(),
        Some(seed),
        "run.json is from another run than summary.json (seed {seed})"
    );
    let daily = std::fs::read_to_string(dir.join("daily.csv")).unwrap();
    assert!(daily.ends_with('\n'));
    // long.toml: 2 municipalities x 1 group x 1826 days, under the header.
    assert_eq!(daily.lines().count() - 1, 2 * 1826, "daily.csv is complete");
    seed
}

/// Kills `simulate --out` with SIGKILL, SIGTERM and SIGINT in turn, each run with its own seed: four in five
/// in the write window (from the staging directory's appearance to a little past the commit), one in five at
/// any point of the run. After every kill the directory holds the
/// complete outputs of exactly one run that was started; after SIGTERM and SIGINT no temporary is left.
/// `BACKLOG_KILLS` sets the number of kills (default 9; docs/outputs.md records a run of 240).
#[cfg(unix)]
#[test]
fn kills_at_any_point_never_leave_a_mixture_of_two_runs() {
    let kills: u64 = std::env::var("BACKLOG_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(9);
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("out");
    let mut child = spawn_simulate("long.toml", &dir, &["--seed", "0"]);
    assert!(child.wait().unwrap().success());
    assert_eq!(run_in(&dir), 0);
    // Find the write window: from the staging directory's appearance to the commit, watched every 0.2 ms.
    let started = Instant::now();
    let mut child = spawn_simulate("long.toml", &dir, &["--seed", "0"]);
    let (mut staged, mut committed_at) = (None, None);
    while child.try_wait().unwrap().is_none() {
        let staging = names(parent.path()).len() > 1;
        match (staged, staging) {
            (None, true) => staged = Some(started.elapsed()),
            (Some(_), false) if committed_at.is_none() => committed_at = Some(started.elapsed()),
            _ => {}
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let whole_run = started.elapsed();
    let window_start = staged.unwrap_or(whole_run / 2);
    let window_end = committed_at.unwrap_or(whole_run);
    let window = window_end.saturating_sub(window_start) + Duration::from_millis(2);
    // Kills that found this run's outputs committed, and SIGKILLs that left a staging directory with files in
    // it (they hit the write window).
    let (mut committed, mut mid_write) = (0, 0);
    for kill in 1..=kills {
        let signal = [libc::SIGKILL, libc::SIGTERM, libc::SIGINT][(kill % 3) as usize];
        let seed = kill.to_string();
        let mut child = spawn_simulate("long.toml", &dir, &["--seed", &seed]);
        let spread = (kill as f64 * 0.618_034).fract();
        if kill % 5 == 0 {
            // A fifth at any point of the run.
            std::thread::sleep(whole_run.mul_f64(1.2 * spread));
        } else {
            // The rest in the write window: once the staging directory appears, after up to 1.5 windows.
            let waiting = Instant::now();
            while names(parent.path()).len() < 2
                && child.try_wait().unwrap().is_none()
                && waiting.elapsed() < Duration::from_secs(30)
            {
                std::thread::sleep(Duration::from_micros(100));
            }
            std::thread::sleep(window.mul_f64(1.5 * spread));
        }
        send(&child, signal);
        let pid = child.id();
        let status = child.wait().unwrap();
        let found = run_in(&dir);
        assert!(found <= kill, "outputs of seed {found}, never started");
        if status.success() {
            assert_eq!(found, kill, "the run finished, so its outputs are in place");
        }
        committed += u64::from(found == kill);
        let staged = std::fs::read_dir(parent.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir() && p.file_name().unwrap() != "out")
            .any(|p| std::fs::read_dir(p).unwrap().count() > 0);
        mid_write += u64::from(signal == libc::SIGKILL && staged && found != kill);
        if signal != libc::SIGKILL {
            use std::os::unix::process::ExitStatusExt;
            let stopped = status.code() == Some(128 + signal) || status.signal() == Some(signal);
            assert!(status.success() || stopped, "signal {signal}: {status:?}");
            // (A SIGKILLed run before may have left one, removed by the next run that gets that far.)
            let own = format!(".backlog-{pid}-");
            let left: Vec<String> = names(parent.path())
                .into_iter()
                .filter(|n| n.contains(&own))
                .collect();
            assert!(left.is_empty(), "signal {signal} left {left:?}");
            assert_eq!(
                names(&dir),
                [
                    "capacity.csv",
                    "daily.csv",
                    "groups.csv",
                    "municipalities.csv",
                    "run.json",
                    "summary.json"
                ]
            );
        }
    }
    // Whatever SIGKILL left behind goes with the next run.
    let mut child = spawn_simulate("long.toml", &dir, &["--seed", "0"]);
    assert!(child.wait().unwrap().success());
    assert_eq!(names(parent.path()), ["out"]);
    assert_eq!(
        names(&dir),
        [
            "capacity.csv",
            "daily.csv",
            "groups.csv",
            "municipalities.csv",
            "run.json",
            "summary.json"
        ]
    );
    println!(
        "{kills} kills (write window {window_start:?} to {window_end:?} of {whole_run:?}): {committed} after the commit, {mid_write} SIGKILLs while the outputs were being written"
    );
}

/// SIGTERM and SIGINT during a long run stop the workers at once: exit 128 + the signal, no output.
#[cfg(unix)]
#[test]
fn a_stop_signal_ends_a_long_run_quickly_and_writes_nothing() {
    for (signal, code) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("out");
        let mut child = spawn_simulate("long.toml", &dir, &["--reps", "1000", "--jobs", "1"]);
        std::thread::sleep(Duration::from_millis(700));
        assert!(child.try_wait().unwrap().is_none(), "still running");
        let sent = Instant::now();
        send(&child, signal);
        assert_eq!(child.wait().unwrap().code(), Some(code));
        assert!(sent.elapsed() < Duration::from_secs(10));
        assert!(
            names(parent.path()).is_empty(),
            "{:?}",
            names(parent.path())
        );
    }
}

#[test]
fn a_failing_run_leaves_earlier_outputs_intact() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("out");
    let mut child = spawn_simulate("long.toml", &dir, &["--seed", "7"]);
    assert!(child.wait().unwrap().success());
    // Every output is checked before the run: a bad --plot stops it before anything is written.
    backlog()
        .args(["simulate", fixture("long.toml").to_str().unwrap()])
        .args([
            "--out",
            dir.to_str().unwrap(),
            "--plot",
            "no-such-dir/x.svg",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--plot: directory `no-such-dir` does not exist; create it first",
        ));
    assert_eq!(run_in(&dir), 7);
}

#[test]
fn an_output_directory_holding_other_files_is_refused_not_emptied() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    backlog()
        .args(["simulate", fixture("small.toml").to_str().unwrap()])
        .args(["--out", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "error: --out: `{}` holds `notes.txt`, which backlog does not write there (it writes summary.json, municipalities.csv, groups.csv, daily.csv, capacity.csv, daily_bands.csv, draws.csv, run.json)",
            dir.path().display()
        )));
    assert_eq!(names(dir.path()), ["notes.txt"]);
}

#[test]
fn stale_temporaries_of_killed_runs_are_removed_and_live_ones_kept() {
    let parent = tempfile::tempdir().unwrap();
    // Process ids stop below 2^22 on Linux, so these processes cannot exist; one of a live process stays.
    let stale_dir = parent.path().join(".out.backlog-4194999-ab12.tmp");
    let stale_file = parent.path().join(".backlog-4194998-cd34.tmp");
    let live = parent
        .path()
        .join(format!(".out.backlog-{}-ef56.tmp", std::process::id()));
    for dir in [&stale_dir, &live] {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("summary.json"), "half").unwrap();
    }
    std::fs::write(&stale_file, "half a file").unwrap();
    backlog()
        .args(["simulate", fixture("small.toml").to_str().unwrap()])
        .args(["--out", parent.path().join("out").to_str().unwrap()])
        .assert()
        .success();
    assert!(!stale_dir.exists() && !stale_file.exists());
    assert!(live.exists());
}

#[test]
fn an_output_path_under_a_file_fails_at_once_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    for out in [file.clone(), file.join("out")] {
        let started = Instant::now();
        backlog()
            .args([
                "simulate",
                fixture("long.toml").to_str().unwrap(),
                "--reps",
                "1000",
            ])
            .args(["--out", out.to_str().unwrap()])
            .timeout(Duration::from_secs(60))
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(format!(
                "error: --out: cannot use `{}` as output directory: `{}` is a file, not a directory\n",
                out.display(),
                file.display()
            ));
        // Checked before the long work (1000 replications would take minutes).
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}

/// Every command checks every output before it runs, with exit code 2 naming the flag.
#[test]
fn every_output_flag_is_checked_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing/x");
    let small = fixture("small.toml");
    let small = small.to_str().unwrap();
    let scarce = fixture("scarce.toml");
    let scarce = scarce.to_str().unwrap();
    let expect = fixture("expect-fail.toml");
    let expect = expect.to_str().unwrap();
    let svg = format!("{}.svg", missing.display());
    let file = missing.display().to_string();
    let directory = dir.path().to_str().unwrap();
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["simulate", small, "--plot", &svg],
            format!("--plot: directory `{}` does not exist; create it first", missing.parent().unwrap().display()),
        ),
        (
            vec!["simulate", small, "--plot", directory],
            format!("--plot: `{directory}` must end in .svg or .png (the formats written), or be `-` for standard output"),
        ),
        (
            vec!["compare", small, small, "--plot", &svg],
            format!("--plot: directory `{}` does not exist; create it first", missing.parent().unwrap().display()),
        ),
        (
            vec!["check", expect, "--junit", directory],
            format!("--junit: `{directory}` is a directory; give a file name"),
        ),
        (
            vec!["check", expect, "--junit", &file],
            format!("--junit: directory `{}` does not exist; create it first", missing.parent().unwrap().display()),
        ),
        (
            vec!["sweep", scarce, "--vary", "caseworkers=1,2", "--out", directory],
            format!("--out: `{directory}` is a directory; give a file name"),
        ),
        (
            vec!["sweep", scarce, "--vary", "caseworkers=1,2", "--per-rep", &file],
            format!("--per-rep: directory `{}` does not exist; create it first", missing.parent().unwrap().display()),
        ),
        (
            vec!["sweep", scarce, "--vary", "caseworkers=1,2", "--per-rep", "-"],
            "--per-rep: `-` is standard output, which --out already writes; give a file".to_string(),
        ),
        (
            vec!["merge", small, "--out", directory],
            format!("--out: `{directory}` is a directory; give a file name"),
        ),
        (
            vec!["simulate", small, "--plot", "-"],
            "--plot: `-` is standard output, which stdout already writes; give a file".to_string(),
        ),
    ];
    for (args, message) in cases {
        backlog()
            .args(&args)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(format!("error: {message}\n"));
    }
}

#[test]
fn a_single_file_output_can_be_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let output = backlog()
        .args(["sweep", fixture("scarce.toml").to_str().unwrap()])
        .args([
            "--vary",
            "caseworkers=1,2",
            "--reps",
            "2",
            "--out",
            "results.csv",
            "--per-rep",
            "-",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + 2 * 2, "{text}");
}

/// `--out` naming a pipe or a device writes into it and leaves it what it was: renaming a temporary file over
/// `/dev/null` would turn the device into an ordinary file for every program on the machine.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("results.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    crate::common::backlog()
        .args([
            "sweep",
            crate::common::fixture("scarce.toml").to_str().unwrap(),
            "--vary",
            "caseworkers=1,2",
            "--reps",
            "2",
            "--out",
            fifo.to_str().unwrap(),
        ])
        .assert()
        .success();
    // Checked before waiting for the reader: had the pipe been replaced, the reader would wait forever.
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let text = reader.join().unwrap();
    assert!(
        text.starts_with("scenario,sha256,seed,reps,version,set,caseworkers,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left beside it"
    );
}

/// A run refused after its outputs were checked (here by the memory estimate) leaves nothing on disk, not even
/// the missing directories above `--out`; a run that goes ahead creates them.
#[test]
fn a_refused_run_creates_no_directory() {
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("deep/er/out");
    backlog()
        .args(["simulate", fixture("huge.toml").to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .code(2);
    assert!(names(parent.path()).is_empty());
    backlog()
        .args(["simulate", fixture("small.toml").to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(
        names(&out),
        [
            "capacity.csv",
            "daily.csv",
            "groups.csv",
            "municipalities.csv",
            "run.json",
            "summary.json"
        ]
    );
}

/// A sweep stopped by SIGTERM writes no result file and leaves no temporary beside it.
#[cfg(unix)]
#[test]
fn a_stopped_sweep_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("backlog"))
        .args(["sweep", fixture("long.toml").to_str().unwrap()])
        .args([
            "--vary",
            "caseworkers_factor=0.5..1.5:0.01",
            "--reps",
            "20",
            "--jobs",
            "1",
        ])
        .args(["--out", results.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    assert!(child.try_wait().unwrap().is_none(), "still running");
    send(&child, libc::SIGTERM);
    assert_eq!(child.wait().unwrap().code(), Some(143));
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}
