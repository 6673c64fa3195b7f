//! Peak memory of whole runs: the national scenario on one thread and on two, and Copenhagen, as
//! `backlog simulate SCENARIO --reps 1 --jobs N --summary-only` in a child process (its peak resident set, from
//! `wait4`), five times each. The target row of docs/performance.md is the national peak.
//!
//! `cargo bench --bench memory` runs it (a few seconds); it prints the smallest and largest peak of each case, in KiB (what
//! `/usr/bin/time -f %M` prints; docs/performance.md gives them in MB as KiB / 1000).

use std::path::Path;
use std::process::{Command, Stdio};

/// Runs of each case.
const RUNS: usize = 5;

/// (scenario, threads)
const CASES: [(&str, usize); 3] = [
    ("scenarios/cph2020.toml", 1),
    ("scenarios/dk2020.toml", 1),
    ("scenarios/dk2020.toml", 2),
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("a temporary directory");
    for (scenario, threads) in CASES {
        let peaks: Vec<u64> = (0..RUNS)
            .map(|run| peak_kib(root, scenario, threads, &out.path().join(run.to_string())))
            .collect();
        let low = peaks.iter().min().copied().unwrap_or(0);
        let high = peaks.iter().max().copied().unwrap_or(0);
        println!(
            "memory {scenario} --jobs {threads}: peak resident {low}-{high} KiB ({RUNS} runs)"
        );
    }
}

/// The peak resident set, in KiB, of one run of `scenario` on `threads` threads, writing into `out`.
#[allow(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also gives its resource usage"
)]
fn peak_kib(root: &Path, scenario: &str, threads: usize, out: &Path) -> u64 {
    let child = Command::new(env!("CARGO_BIN_EXE_backlog"))
        .current_dir(root)
        .args([
            "simulate",
            scenario,
            "--reps",
            "1",
            "--summary-only",
            "--quiet",
        ])
        .arg("--jobs")
        .arg(threads.to_string())
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .spawn()
        .expect("the backlog binary runs");
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct that `wait4` fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `wait4` on our own child's pid, with pointers to live locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "waiting for the run failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{scenario} --jobs {threads} failed: status {status}"
    );
    // Linux reports `ru_maxrss` in KiB.
    usage.ru_maxrss as u64
}
