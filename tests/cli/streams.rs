//! Standard output and standard error under every fault, for every command: a full device, a closed
//! descriptor and a broken pipe end with an exit code and a message, never a panic (exit 101).

use crate::common::fixture;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// One command line per subcommand, each of which writes its results to stdout; merge reads shards made here.
fn every_command(dir: &Path) -> Vec<Vec<String>> {
    let scarce = fixture("scarce.toml").display().to_string();
    let small = fixture("small.toml").display().to_string();
    let shards: Vec<PathBuf> = (0..2).map(|k| dir.join(format!("shard-{k}.csv"))).collect();
    for (k, path) in shards.iter().enumerate() {
        let status = Command::new(assert_cmd::cargo::cargo_bin("backlog"))
            .args(["sweep", &scarce, "--vary", "caseworkers=1,2", "--reps", "2"])
            .args([
                "--shard",
                &format!("{k}/2"),
                "--out",
                path.to_str().unwrap(),
            ])
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let strings = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        strings(&["simulate", &small]),
        // Two different scenarios: the same one twice is warned of on stderr.
        strings(&["compare", &small, &scarce]),
        strings(&["validate", &small]),
        strings(&["report", &small, "--out", "-"]),
        strings(&["check", &fixture("expect-fail.toml").display().to_string()]),
        strings(&["sweep", &scarce, "--vary", "caseworkers=1,2", "--reps", "2"]),
        strings(&[
            "merge",
            shards[0].to_str().unwrap(),
            shards[1].to_str().unwrap(),
        ]),
    ]
}

fn backlog(args: &[String]) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("backlog"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn dev_full() -> std::fs::File {
    std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_exit_code_3_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for args in every_command(dir.path()) {
        let output = backlog(&args).stdout(dev_full()).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(3),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).ends_with(
                "error: cannot write to standard output: No space left on device (os error 28)\n"
            ),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_is_exit_code_3_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for args in every_command(dir.path()) {
        // `exec ... >&-` starts backlog with descriptor 1 closed.
        let output = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" >&-")
            .arg(assert_cmd::cargo::cargo_bin("backlog"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(3),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).ends_with(
                "error: cannot write to standard output: it is closed; redirect it to a file, or to /dev/null to discard it\n"
            ),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // Redirected to /dev/null is not closed: the output is discarded on purpose.
    let output = backlog(&every_command(dir.path())[0])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success());
}

#[cfg(unix)]
#[test]
fn a_broken_pipe_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    for args in every_command(dir.path()) {
        // The reading end is closed before backlog starts, so its first write finds the pipe broken.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = backlog(&args).stdout(writer).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(141),
            "{args:?}: {}",
            stderr(&output)
        );
        // Nothing but progress lines: no error message, no panic.
        assert!(
            stderr(&output).lines().all(|l| l.starts_with("sweep: ")),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stderr_loses_no_sweep_results_and_is_exit_code_3() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let reference = dir.path().join("reference.csv");
    let sweep = |out: &Path| {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("backlog"));
        command
            .args(["sweep", fixture("scarce.toml").to_str().unwrap()])
            .args(["--vary", "caseworkers=1..4:1", "--reps", "2", "--jobs", "1"])
            .args(["--out", out.to_str().unwrap()]);
        command
    };
    let output = sweep(&results).stderr(dev_full()).output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(sweep(&reference).output().unwrap().status.success());
    assert_eq!(
        std::fs::read(&results).unwrap(),
        std::fs::read(&reference).unwrap()
    );
    // A command that writes nothing to stderr does not notice it is full; an error keeps its own code.
    let args = vec![
        "validate".to_string(),
        fixture("small.toml").display().to_string(),
    ];
    let quiet = backlog(&args)
        .stdout(Stdio::null())
        .stderr(dev_full())
        .status()
        .unwrap();
    assert!(quiet.success());
    let bad = vec!["validate".to_string(), "no-such-file.toml".to_string()];
    assert_eq!(
        backlog(&bad).stderr(dev_full()).status().unwrap().code(),
        Some(2)
    );
}
