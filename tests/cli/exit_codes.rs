//! Exit codes, as documented in docs/exit-codes.md and in every `--help`: 0 success, 2 bad input or usage,
//! 3 an I/O error. (1 is `backlog check`'s failed check.)

use crate::common::{backlog, fixture};
use clap::CommandFactory;
use predicates::prelude::*;

const EXIT_CODES: &str = "Exit codes: 0 success; 1 a published-figure check failed (`check`); 2 bad input or usage (including an unwritable output or a run over --max-memory); 3 an I/O error while writing outputs; 130 and 143 stopped by SIGINT or SIGTERM; 141";

#[test]
fn every_help_lists_the_exit_codes() {
    backlog()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(EXIT_CODES));
    let command = backlog::cli::Cli::command();
    let subcommands: Vec<&str> = command.get_subcommands().map(|s| s.get_name()).collect();
    assert!(subcommands.contains(&"simulate") && subcommands.contains(&"validate"));
    for name in subcommands {
        backlog()
            .args([name, "--help"])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(EXIT_CODES));
    }
}

#[test]
fn success_is_0() {
    let small = fixture("small.toml");
    backlog()
        .args(["validate", small.to_str().unwrap()])
        .assert()
        .code(0);
    backlog()
        .args(["simulate", small.to_str().unwrap()])
        .assert()
        .code(0);
    backlog().arg("--version").assert().code(0);
}

#[test]
fn usage_errors_are_2() {
    let small = fixture("small.toml");
    let small = small.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &[],
        &["--bogus"],
        &["frobnicate"],
        &["simulate"],
        &["validate"],
        &["simulate", small, "--bogus"],
        &["simulate", small, "--format", "xml"],
        &["simulate", small, "--reps", "many"],
        &["simulate", small, "--reps", "0"],
        &["simulate", small, "--jobs", "0"],
        &["simulate", small, "--seed", "-1"],
        &["simulate", small, "--summary-only"],
    ];
    for args in cases {
        backlog()
            .args(*args)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains("error"));
    }
}

#[test]
fn bad_input_is_2() {
    backlog()
        .args(["simulate", "tests/corpus/unknown-top.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown-top.toml:4:1: sede: unknown field `sede`",
        ));
}

#[cfg(target_os = "linux")]
#[test]
fn io_errors_are_3() {
    backlog()
        .args(["sweep", fixture("scarce.toml").to_str().unwrap()])
        .args(["--vary", "caseworkers=1,2", "--out", "/dev/full"])
        .assert()
        .code(3)
        .stderr(predicate::str::ends_with(
            "error: cannot write /dev/full: No space left on device (os error 28)\n",
        ));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_3() {
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("backlog"))
        .args(["simulate", fixture("small.toml").to_str().unwrap()])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write to standard output"),
        "{stderr}"
    );
}
