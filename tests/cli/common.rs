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

/// Loads a scenario written inline into a temporary directory.
pub fn scenario_from(text: &str) -> (tempfile::TempDir, backlog::scenario::Scenario) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    let scenario = backlog::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    (dir, scenario)
}
