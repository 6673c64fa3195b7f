//! Stop signals and broken pipes that strike inside a writer (the CSV and JSON writers wrap the I/O error) keep
//! their exit codes, and a writer blocked on a reader that stopped reading still obeys SIGTERM and SIGINT.
#![cfg(target_os = "linux")]

use crate::common::{fixture, send};
use rustix::process::Signal;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// How long the harness waits for a child before it kills it and fails: far longer than any step needs.
const HARNESS_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// A one-week scenario whose 20,000-character name is repeated on every output row, so that a few hundred grid
/// points make megabytes of CSV: writers are busy long after the first block, and fill any pipe.
fn wide_rows(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("small.toml")).unwrap();
    let name = "x".repeat(20_000);
    let text = text
        .replace("name = \"small\"", &format!("name = \"{name}\""))
        .replace("end = 2021-12-31", "end = 2021-01-07")
        .replace("days = 200", "days = 0")
        .replace("start = 2021-03-01", "start = 2021-01-04")
        .replace("end = 2021-04-30", "end = 2021-01-05");
    let path = dir.join("wide.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn sweep(scenario: &Path) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("backlog"));
    command.arg("sweep").arg(scenario).args([
        "--vary",
        "caseworkers=1..200:1",
        "--reps",
        "2",
        "-q",
    ]);
    command
}

/// The two shards of the wide sweep, in `dir`.
fn shards(dir: &Path) -> [PathBuf; 2] {
    let scenario = wide_rows(dir);
    ["0/2", "1/2"].map(|shard| {
        let path = dir.join(format!("s{}.csv", &shard[..1]));
        let status = sweep(&scenario)
            .args(["--shard", shard, "--out"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        path
    })
}

/// Waits for the child to exit, killing it and failing after [`HARNESS_LIMIT`].
fn wait_bounded(child: &mut Child, what: &str) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > HARNESS_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {HARNESS_LIMIT:?}; killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Waits until the pipe the child writes its stdout into is full: the child is then blocked writing.
fn wait_until_full(child: &mut Child, reader: &impl AsRawFd, what: &str) {
    let fd = reader.as_raw_fd();
    // SAFETY: `fd` is the open reading end of the child's stdout; both calls only read its state.
    let size = unsafe { libc::fcntl(fd, libc::F_GETPIPE_SZ) };
    assert!(size > 0);
    let start = std::time::Instant::now();
    loop {
        let mut queued: libc::c_int = 0;
        // SAFETY: as above; FIONREAD writes one int.
        assert_eq!(unsafe { libc::ioctl(fd, libc::FIONREAD, &mut queued) }, 0);
        if queued >= size {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{what}: exited ({status}) before filling the pipe");
        }
        if start.elapsed() > HARNESS_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: the pipe did not fill within {HARNESS_LIMIT:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_broken_pipe_inside_the_csv_and_json_writers_is_141() {
    let dir = tempfile::tempdir().unwrap();
    let [s0, s1] = shards(dir.path());
    let scenario = dir.path().join("wide.toml");
    let runs: [(&str, Command); 3] = [
        ("sweep --per-rep -", {
            let mut c = sweep(&scenario);
            c.args(["--out", "/dev/null", "--per-rep", "-"]);
            c
        }),
        ("sweep --format json --out -", {
            let mut c = sweep(&scenario);
            c.args(["--format", "json", "--out", "-"]);
            c
        }),
        ("merge --out -", {
            let mut c = Command::new(assert_cmd::cargo::cargo_bin("backlog"));
            c.arg("merge").arg(&s0).arg(&s1).args(["--out", "-"]);
            c
        }),
    ];
    for (what, mut command) in runs {
        // The reader is gone before the first block (64 KiB, inside the writer) is written.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = command.stdout(writer).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(141), "{what}: {stderr}");
        assert_eq!(stderr, "", "{what}");
    }
}

/// SIGTERM while `merge --out FILE` writes its file: each merge is stopped (SIGSTOP) once its temporary file
/// holds a first block, its size read off the disk while it stands still, and only then sent SIGTERM; the
/// test fails unless a signal landed while the file was incomplete.
#[test]
fn sigterm_inside_merges_csv_writer_is_143_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let [s0, s1] = shards(dir.path());
    let merge = |out: &Path| {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("backlog"));
        command.arg("merge").arg(&s0).arg(&s1).arg("--out").arg(out);
        command
    };
    let reference = dir.path().join("reference.csv");
    assert!(merge(&reference).status().unwrap().success());
    let complete = std::fs::metadata(&reference).unwrap().len();
    std::fs::remove_file(&reference).unwrap();

    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("merged.csv");
    let mut landed = 0;
    for _ in 0..20 {
        let mut child = merge(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Some(whether the file was incomplete when stopped), or None when the merge ended first.
        let partial = loop {
            let temporary = std::fs::read_dir(&out_dir)
                .unwrap()
                .flatten()
                .find(|e| e.file_name().to_string_lossy().starts_with(".backlog-"));
            if let Some(size) = temporary.and_then(|t| t.metadata().ok()).map(|m| m.len()) {
                if size > 0 {
                    send(&child, Signal::STOP);
                    break Some(
                        std::fs::read_dir(&out_dir)
                            .unwrap()
                            .flatten()
                            .filter_map(|e| e.metadata().ok())
                            .any(|m| m.len() < complete),
                    );
                }
            }
            if child.try_wait().unwrap().is_some() {
                break None;
            }
        };
        let Some(partial) = partial else {
            let _ = std::fs::remove_file(&out);
            continue;
        };
        send(&child, Signal::TERM);
        send(&child, Signal::CONT);
        let status = wait_bounded(&mut child, "merge");
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        if partial {
            landed += 1;
            assert_eq!(status.code(), Some(143), "{stderr}");
            assert!(
                stderr.ends_with("stopped by SIGTERM; no output of this run was written, earlier outputs are untouched\n"),
                "{stderr}"
            );
            assert!(names(&out_dir).is_empty(), "{:?}", names(&out_dir));
        }
        let _ = std::fs::remove_file(&out);
        if landed >= 3 {
            break;
        }
    }
    assert!(landed > 0, "no SIGTERM landed while the file was written");
}

/// A sweep whose --per-rep rows go to a pipe nobody reads blocks once the pipe is full; SIGTERM still ends it,
/// and the message says that --out, written before, is complete.
#[test]
fn sigterm_ends_a_writer_blocked_on_a_stalled_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = wide_rows(dir.path());
    let (out, reference) = (dir.path().join("out.csv"), dir.path().join("ref.csv"));
    assert!(sweep(&scenario)
        .arg("--out")
        .arg(&reference)
        .status()
        .unwrap()
        .success());
    let (reader, writer) = std::io::pipe().unwrap();
    let mut child = sweep(&scenario)
        .arg("--out")
        .arg(&out)
        .args(["--per-rep", "-"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_full(&mut child, &reader, "sweep --per-rep -");
    send(&child, Signal::TERM);
    let status = wait_bounded(&mut child, "sweep after SIGTERM");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: cannot write to standard output: stopped by SIGTERM after --out `{}` was written complete; no other output of this run was written\n",
            out.display()
        )
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&reference).unwrap()
    );
    drop(reader);
}

/// The same with SIGINT, for `merge --out -` (the CSV writer of a merge).
#[test]
fn sigint_ends_a_merge_blocked_on_a_stalled_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let [s0, s1] = shards(dir.path());
    let (reader, writer) = std::io::pipe().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("backlog"))
        .arg("merge")
        .arg(&s0)
        .arg(&s1)
        .args(["--out", "-"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_full(&mut child, &reader, "merge --out -");
    send(&child, Signal::INT);
    let status = wait_bounded(&mut child, "merge after SIGINT");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.ends_with(
            "stopped by SIGINT; no output of this run was written, earlier outputs are untouched\n"
        ),
        "{stderr}"
    );
    drop(reader);
}
