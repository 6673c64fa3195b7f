//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// Path of a file under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The `backlog` binary, run from the project root.
pub fn backlog() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("backlog").expect("binary built");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs `backlog ARGS` from the project root: its exit code, stdout and stderr.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = backlog().args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A layer over the small fixture with `body` below its `extends` line (so `body` starts on line 2), written as
/// `name` in `dir`.
pub fn layer(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    let small = fixture("small.toml");
    std::fs::write(
        &path,
        format!("extends = {:?}\n{body}", small.to_str().unwrap()),
    )
    .unwrap();
    path
}

/// Loads a scenario written inline into a temporary directory.
pub fn scenario_from(text: &str) -> (tempfile::TempDir, backlog::scenario::Scenario) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    let scenario = backlog::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    (dir, scenario)
}

/// Starts `backlog ARGS` and waits for the note that announces its long run, printed once the signal handlers
/// are in place and the runs are about to start. Returns the child, the note and the rest of its stderr.
#[cfg(unix)]
pub fn spawn_announced(
    args: &[&str],
) -> (
    std::process::Child,
    String,
    std::io::BufReader<std::process::ChildStderr>,
) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("backlog"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("note: ") && line.ends_with("; progress follows\n"),
        "{args:?}: {line}"
    );
    (child, line, stderr)
}

/// Reads the rest of a stopped run's stderr and checks that it ends with the message for `signal`.
#[cfg(unix)]
pub fn assert_stopped_by(mut stderr: impl std::io::Read, signal: &str) {
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(
        rest.ends_with(&format!(
            "error: stopped by {signal}; no output of this run was written, earlier outputs are untouched\n"
        )),
        "{rest}"
    );
}

/// Sends `signal` to a child not yet waited for.
#[cfg(unix)]
pub fn send(child: &std::process::Child, signal: rustix::process::Signal) {
    rustix::process::kill_process(rustix::process::Pid::from_child(child), signal).unwrap();
}
