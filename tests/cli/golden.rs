//! Golden results: what the engine computes, pinned byte for byte.
//!
//! Each case runs `backlog simulate` on a scenario with one replication and compares the table on stdout,
//! `summary.json` and `daily.csv` with the files under tests/golden/CASE/. Any change of a simulated number
//! therefore fails here, and is made on purpose by regenerating the files and committing the diff:
//!
//! ```sh
//! scripts/bless-golden.sh          # or: BACKLOG_BLESS=1 cargo test --test cli golden
//! ```
//!
//! The commit that regenerates them says which numbers moved and why.

use crate::common::backlog;
use std::path::{Path, PathBuf};

/// (case, scenario relative to the project root): small fixtures of one municipality, of three, and of most
/// features (every suspension action among them), and the reference scenario of the README.
const CASES: [(&str, &str); 4] = [
    ("small", "tests/fixtures/small.toml"),
    ("three", "tests/fixtures/three.toml"),
    ("rich", "tests/fixtures/rich.toml"),
    ("cph2020", "scenarios/cph2020.toml"),
];

fn golden_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(case)
}

fn blessing() -> bool {
    std::env::var_os("BACKLOG_BLESS").is_some_and(|v| v == "1")
}

/// The outputs of one case, by the file name they are kept under.
fn outputs(scenario: &str) -> Vec<(&'static str, Vec<u8>)> {
    let table = backlog()
        .args(["simulate", scenario, "--reps", "1", "--quiet"])
        .output()
        .unwrap();
    assert!(
        table.status.success(),
        "simulate {scenario} failed: {table:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let files = backlog()
        .args(["simulate", scenario, "--reps", "1", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        files.status.success(),
        "simulate {scenario} --out failed: {files:?}"
    );
    let read = |name: &str| std::fs::read(out.join(name)).unwrap();
    vec![
        ("table.txt", table.stdout),
        ("summary.json", read("summary.json")),
        ("daily.csv", read("daily.csv")),
    ]
}

/// The first line where two texts differ, for a message a reviewer can act on.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}:\n  golden: {e}\n  now:    {a}", i + 1);
        }
    }
    format!(
        "one is a prefix of the other ({} against {} lines)",
        expected.lines().count(),
        actual.lines().count()
    )
}

#[test]
fn simulated_results_match_the_golden_files() {
    let mut failures = Vec::new();
    for (case, scenario) in CASES {
        let dir = golden_dir(case);
        for (name, actual) in outputs(scenario) {
            let path = dir.join(name);
            if blessing() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &actual).unwrap();
                continue;
            }
            let expected = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("{}: {e}; run scripts/bless-golden.sh", path.display()));
            if expected != actual {
                failures.push(format!(
                    "{case}/{name} differs from tests/golden: {}",
                    first_difference(&expected, &actual)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "simulated results moved; if on purpose, run scripts/bless-golden.sh and say in the commit which \
         numbers moved and why:\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_changed_number_is_caught() {
    // The comparison itself can fail: one digit changed in a golden daily.csv is a difference.
    let (_, actual) = outputs(CASES[0].1).remove(2);
    let mut changed = actual.clone();
    let digit = changed
        .iter()
        .rposition(u8::is_ascii_digit)
        .expect("daily.csv holds numbers");
    changed[digit] = if changed[digit] == b'9' {
        b'8'
    } else {
        changed[digit] + 1
    };
    assert_ne!(actual, changed);
    assert!(first_difference(&actual, &changed).starts_with("line "));
}
