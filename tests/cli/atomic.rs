//! One run, one transaction: `--out DIR` holds the complete outputs of one run at every instant, whatever
//! stops the process and whenever; SIGINT and SIGTERM leave no temporary file; bad output paths fail at once.

#[cfg(unix)]
use crate::common::{assert_stopped_by, send, spawn_announced};
use crate::common::{backlog, fixture};
use predicates::prelude::*;
use std::path::Path;
use std::process::{Command, Stdio};

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

/// Where a signal found `simulate --out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Nothing of this run written yet: loading or simulating.
    Simulating,
    /// Some of this run's files in its staging directory, the previous outputs still in place.
    Writing,
    /// This run's outputs in place.
    Committed,
}

const PHASES: [Phase; 3] = [Phase::Simulating, Phase::Writing, Phase::Committed];

/// Fields of /proc/PID/stat after the command name: the state is the first, the user and system CPU time
/// (in clock ticks) the 12th and 13th.
#[cfg(target_os = "linux")]
fn proc_stat(pid: u32) -> Vec<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 1..];
    after_name.split_whitespace().map(str::to_string).collect()
}

/// Whether the process is stopped or has exited (and not been waited for): either way it changes nothing more.
#[cfg(target_os = "linux")]
fn frozen(pid: u32) -> bool {
    matches!(proc_stat(pid)[0].as_str(), "T" | "t" | "Z")
}

/// Clock ticks of CPU time the process has used.
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> u64 {
    let stat = proc_stat(pid);
    stat[11].parse::<u64>().unwrap() + stat[12].parse::<u64>().unwrap()
}

/// Files in the staging directory of process `pid` beside `dir` (0 when there is none).
fn staged_files(parent: &Path, pid: u32) -> usize {
    let own = format!(".backlog-{pid}-");
    names(parent)
        .iter()
        .filter(|name| name.contains(&own))
        .filter_map(|name| std::fs::read_dir(parent.join(name)).ok())
        .map(|entries| entries.count())
        .sum()
}

/// The seed in `dir`/summary.json, if the file can be read whole.
fn committed_seed(dir: &Path) -> Option<u64> {
    let text = std::fs::read(dir.join("summary.json")).ok()?;
    let summary: serde_json::Value = serde_json::from_slice(&text).ok()?;
    summary["scenario"]["seed"].as_u64()
}

/// Polls (every 0.1 ms, the clock deciding nothing) until `reached` holds or the process is frozen.
#[cfg(target_os = "linux")]
fn wait_for(pid: u32, mut reached: impl FnMut() -> bool) {
    while !reached() && !frozen(pid) {
        std::thread::sleep(std::time::Duration::from_micros(100));
    }
}

/// Signals `simulate --out` with SIGKILL, SIGTERM and SIGINT in each of the three phases of a run: while it
/// simulates, while it writes its files into the staging directory, and after the commit; each run with its own
/// seed. The run is first stopped (SIGSTOP) at the event that marks its phase: some CPU time used; the staging
/// directory holding 1 to 5 of its 6 files; this run's summary.json in place. While it is stopped, the phase is
/// read off the disk, then the signal is sent and the run continued, so every signal lands exactly where it was
/// counted. After every signal the directory holds the complete outputs of exactly one run that was started;
/// after SIGTERM and SIGINT no temporary is left. Signals must have landed in every phase.
/// `BACKLOG_KILLS` sets the number of signals (default 9: each signal in each phase once; at least 3).
#[cfg(target_os = "linux")]
#[test]
fn kills_at_any_point_never_leave_a_mixture_of_two_runs() {
    use rustix::process::Signal;
    use std::os::unix::process::ExitStatusExt;
    let kills: u64 = std::env::var("BACKLOG_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(9);
    assert!(kills >= 3, "BACKLOG_KILLS={kills}: at least one per phase");
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("out");
    let mut child = spawn_simulate("long.toml", &dir, &["--seed", "0"]);
    assert!(child.wait().unwrap().success());
    assert_eq!(run_in(&dir), 0);
    // Signals that landed in each phase of PHASES.
    let mut landed = [0u64; 3];
    for kill in 0..kills {
        let (signal, name) = [
            (Signal::KILL, "SIGKILL"),
            (Signal::TERM, "SIGTERM"),
            (Signal::INT, "SIGINT"),
        ][(kill % 3) as usize];
        let aim = PHASES[((kill / 3) % 3) as usize];
        let seed = kill + 1;
        let mut child = spawn_simulate("long.toml", &dir, &["--seed", &seed.to_string()]);
        let pid = child.id();
        match aim {
            Phase::Simulating => {
                let ticks = 1u64 << (kill / 9 % 6);
                wait_for(pid, || cpu_ticks(pid) >= ticks);
            }
            Phase::Writing => {
                let files = 1 + (kill / 9 % 5) as usize;
                wait_for(pid, || {
                    staged_files(parent.path(), pid) >= files || committed_seed(&dir) == Some(seed)
                });
            }
            Phase::Committed => wait_for(pid, || committed_seed(&dir) == Some(seed)),
        }
        send(&child, Signal::STOP);
        wait_for(pid, || false);
        let found = run_in(&dir);
        assert!(found <= seed, "outputs of seed {found}, never started");
        let phase = if found == seed {
            Phase::Committed
        } else if staged_files(parent.path(), pid) > 0 {
            Phase::Writing
        } else {
            Phase::Simulating
        };
        landed[PHASES.iter().position(|p| *p == phase).unwrap()] += 1;
        send(&child, signal);
        send(&child, Signal::CONT);
        let status = child.wait().unwrap();
        // The previous outputs or this run's: a signal just before the commit may not stop it any more.
        let after = run_in(&dir);
        assert!(
            after == found || after == seed,
            "outputs of seed {after} after {name}"
        );
        if status.success() {
            assert_eq!(after, seed, "the run finished, so its outputs are in place");
        }
        if signal == Signal::KILL {
            continue;
        }
        let code = 128 + signal.as_raw();
        let stopped = status.code() == Some(code) || status.signal() == Some(signal.as_raw());
        assert!(
            status.success() || stopped,
            "{name} while {phase:?}: {status:?}"
        );
        // (A SIGKILLed run before may have left one, removed by the next run that gets that far.)
        let own = format!(".backlog-{pid}-");
        let left: Vec<String> = names(parent.path())
            .into_iter()
            .filter(|n| n.contains(&own))
            .collect();
        assert!(left.is_empty(), "{name} while {phase:?} left {left:?}");
        assert_eq!(
            names(&dir),
            [
                "capacity.csv",
                "daily.csv",
                "episodes.csv",
                "groups.csv",
                "municipalities.csv",
                "run.json",
                "summary.json"
            ]
        );
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
            "episodes.csv",
            "groups.csv",
            "municipalities.csv",
            "run.json",
            "summary.json"
        ]
    );
    println!("{kills} signals: {landed:?} while {PHASES:?}");
    for (phase, count) in PHASES.iter().zip(landed) {
        assert!(
            count > 0,
            "no signal landed while {phase:?}: {landed:?} of {kills}"
        );
    }
}

/// SIGTERM and SIGINT during a long run stop the workers at once: exit 128 + the signal, no output. (Unstopped,
/// the 1000 replications would run for minutes and then write their outputs.)
#[cfg(unix)]
#[test]
fn a_stop_signal_ends_a_long_run_and_writes_nothing() {
    use rustix::process::Signal;
    for (signal, name, code) in [(Signal::TERM, "SIGTERM", 143), (Signal::INT, "SIGINT", 130)] {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("out");
        let long = fixture("long.toml");
        let (mut child, _, stderr) = spawn_announced(&[
            "simulate",
            long.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
            "--reps",
            "1000",
            "--jobs",
            "1",
        ]);
        send(&child, signal);
        assert_stopped_by(stderr, name);
        assert_eq!(child.wait().unwrap().code(), Some(code));
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
            "error: --out: `{}` holds `notes.txt`, which backlog does not write there (it writes summary.json, municipalities.csv, groups.csv, episodes.csv, timeliness.csv, daily.csv, capacity.csv, daily_bands.csv, draws.csv, run.json)",
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
        backlog()
            .args([
                "simulate",
                fixture("long.toml").to_str().unwrap(),
                "--reps",
                "1000",
            ])
            .args(["--out", out.to_str().unwrap()])
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(format!(
                "error: --out: cannot use `{}` as output directory: `{}` is a file, not a directory\n",
                out.display(),
                file.display()
            ));
        // Checked before the long work: stderr holds the error alone, not the note that announces the 1000
        // replications (minutes of work) before they start.
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
            "--plot: `-` is standard output, which the table (--quiet leaves it out) already writes; give a file".to_string(),
        ),
        (
            vec!["simulate", small, "--plot", "-", "--xlsx", "-", "--quiet"],
            "--xlsx: `-` is standard output, which --plot already writes; give a file".to_string(),
        ),
        (
            vec!["simulate", small, "--xlsx", "-", "--format", "json", "--quiet"],
            "--xlsx: `-` is standard output, which the JSON document of --format json already writes; give a file".to_string(),
        ),
        (
            vec!["check", expect, "--junit", "-"],
            "--junit: `-` is standard output, which the table (--quiet leaves it out) already writes; give a file".to_string(),
        ),
        (
            vec!["compare", small, small, "--plot", "-", "--format", "markdown"],
            "--plot: `-` is standard output, which the Markdown table (--quiet leaves it out) already writes; give a file".to_string(),
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

/// With `--quiet` the table leaves standard output free, and `-` takes any one single-file output: the bytes are
/// those the same output writes to a file.
#[test]
fn under_quiet_any_one_output_may_be_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let small = fixture("small.toml");
    let expect = fixture("expect-fail.toml");
    let small = small.to_str().unwrap();
    let expect = expect.to_str().unwrap();
    let cases: [(&[&str], &str, i32); 5] = [
        (&["simulate", small, "--xlsx"], "x.xlsx", 0),
        (&["simulate", small, "--plot"], "x.svg", 0),
        (&["compare", small, small, "--plot"], "x.svg", 0),
        (&["check", expect, "--junit"], "x.xml", 1),
        (&["check", expect, "--xlsx"], "x.xlsx", 1),
    ];
    for (args, name, code) in cases {
        let file = dir.path().join(name);
        backlog()
            .args(args)
            .arg(&file)
            .arg("--quiet")
            .assert()
            .code(code)
            .stdout("");
        let piped = backlog()
            .args(args)
            .args(["-", "--quiet"])
            .output()
            .unwrap();
        assert_eq!(piped.status.code(), Some(code), "{args:?}: {piped:?}");
        assert!(piped.stderr.is_empty(), "{args:?}: {piped:?}");
        assert_eq!(piped.stdout, std::fs::read(&file).unwrap(), "{args:?}");
    }
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
        text.starts_with("scenario,sha256,seed,reps,version,set,draws,caseworkers,"),
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
            "episodes.csv",
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
    let long = fixture("long.toml");
    let (mut child, _, stderr) = spawn_announced(&[
        "sweep",
        long.to_str().unwrap(),
        "--vary",
        "caseworkers_factor=0.5..1.5:0.01",
        "--reps",
        "20",
        "--jobs",
        "1",
        "--out",
        results.to_str().unwrap(),
    ]);
    send(&child, rustix::process::Signal::TERM);
    assert_stopped_by(stderr, "SIGTERM");
    assert_eq!(child.wait().unwrap().code(), Some(143));
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}
