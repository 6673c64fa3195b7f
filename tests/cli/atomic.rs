//! Outputs are replaced whole or not at all: a run killed midway leaves no partial daily.csv or summary.json,
//! and outputs of an earlier run stay intact; a bad output path fails at once with exit code 3.

use crate::common::{backlog, fixture};
use predicates::prelude::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const OUTPUTS: [&str; 2] = ["summary.json", "daily.csv"];

/// Starts a long `simulate --out dir`, waits until it has prepared `dir` and is busy, and kills it (SIGKILL).
fn kill_midway(dir: &Path) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("backlog"))
        .args(["simulate", fixture("long.toml").to_str().unwrap()])
        .args([
            "--reps",
            "1000",
            "--jobs",
            "1",
            "--out",
            dir.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !dir.exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run ended before it could be killed; make tests/fixtures/long.toml longer"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Files in `dir` other than leftover temporaries of the atomic writer.
fn visible_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !(name.starts_with(".backlog-") && name.ends_with(".tmp")))
        .collect()
}

#[test]
fn a_run_killed_midway_leaves_no_output() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("out");
    kill_midway(&dir);
    assert_eq!(visible_files(&dir), Vec::<String>::new());
}

#[test]
fn a_run_killed_midway_leaves_earlier_outputs_intact() {
    let dir = tempfile::tempdir().unwrap();
    backlog()
        .args(["simulate", fixture("small.toml").to_str().unwrap()])
        .args(["--out", dir.path().to_str().unwrap()])
        .assert()
        .success();
    let before: Vec<Vec<u8>> = OUTPUTS
        .iter()
        .map(|file| std::fs::read(dir.path().join(file)).unwrap())
        .collect();
    kill_midway(dir.path());
    for (file, before) in OUTPUTS.iter().zip(before) {
        let after = std::fs::read(dir.path().join(file)).unwrap();
        assert!(
            after == before,
            "{file} changed although the run was killed"
        );
    }
    let mut files = visible_files(dir.path());
    files.sort();
    assert_eq!(files, ["daily.csv", "summary.json"]);
}

#[test]
fn stale_temporary_files_are_removed_and_fresh_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".backlog-killed.tmp");
    let fresh = dir.path().join(".backlog-writing.tmp");
    std::fs::write(&stale, "half a file").unwrap();
    std::fs::write(&fresh, "a file being written").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    backlog()
        .args(["simulate", fixture("small.toml").to_str().unwrap()])
        .args(["--out", dir.path().to_str().unwrap()])
        .assert()
        .success();
    assert!(!stale.exists());
    assert!(fresh.exists());
}

#[test]
fn an_output_path_under_a_file_fails_at_once_with_exit_code_3() {
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
            .code(3)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(format!(
                "cannot create output directory {}: {} is a file, not a directory",
                out.display(),
                file.display()
            )));
        // Checked before the long work (1000 replications would take minutes).
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}

#[test]
fn an_output_file_that_is_a_directory_fails_at_once_with_exit_code_3() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("daily.csv")).unwrap();
    let started = Instant::now();
    backlog()
        .args([
            "simulate",
            fixture("long.toml").to_str().unwrap(),
            "--reps",
            "1000",
        ])
        .args(["--out", dir.path().to_str().unwrap()])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "cannot write {}: it is a directory",
            dir.path().join("daily.csv").display()
        )));
    assert!(started.elapsed() < Duration::from_secs(20));
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
