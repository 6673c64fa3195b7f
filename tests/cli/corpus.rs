//! The malformed-input corpus: every file under tests/corpus must be refused by `validate` and `simulate` with
//! exit code 2 and the message tests/corpus/expected.toml gives for it, naming the key path and the line.

use crate::common::backlog;
use std::collections::BTreeMap;
use std::path::Path;

fn corpus() -> BTreeMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        cases: BTreeMap<String, String>,
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/expected.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    toml::from_str::<Manifest>(&text).unwrap().cases
}

#[test]
fn every_corpus_file_has_an_expected_message() {
    let cases = corpus();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name == "expected.toml" || name == "support" {
            continue;
        }
        assert!(cases.contains_key(&name), "{name} is not in expected.toml");
    }
    for name in cases.keys() {
        assert!(
            dir.join(name).exists(),
            "expected.toml names {name}, which is missing"
        );
    }
}

#[test]
fn malformed_inputs_exit_2_with_the_expected_message() {
    let mut failures = Vec::new();
    for (name, expected) in corpus() {
        let file = format!("tests/corpus/{name}");
        for command in ["validate", "simulate"] {
            let output = backlog().args([command, &file]).output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let mut wrong = Vec::new();
            if output.status.code() != Some(2) {
                wrong.push(format!("exit code {:?}", output.status.code()));
            }
            if !stderr.contains(&expected) {
                wrong.push(format!("message does not contain {expected:?}"));
            }
            if stderr.contains("panicked") {
                wrong.push("panicked".to_string());
            }
            if command == "simulate" && !output.stdout.is_empty() {
                wrong.push("printed on stdout".to_string());
            }
            if !wrong.is_empty() {
                failures.push(format!(
                    "{command} {file}: {}\n    stderr: {}",
                    wrong.join("; "),
                    stderr.trim()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Writes `text` as a scenario in a temporary directory and runs `validate` on it.
fn validate_generated(text: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    std::fs::write(&path, text).unwrap();
    backlog()
        .args(["validate", path.to_str().unwrap()])
        .output()
        .unwrap()
}

fn base() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.toml"))
        .unwrap()
}

#[test]
fn oversized_and_overlong_inputs_are_refused_before_the_work_they_would_cause() {
    let group = |i: usize| {
        format!("\n[[groups]]\nid = \"g{i}\"\ninflow_per_day = 0\nduration = {{ distribution = \"never\" }}\n")
    };
    // Over the size limit: refused before parsing, so the one problem is the size (not the 20,000 groups).
    let huge: String = base() + &(0..20_000).map(group).collect::<String>();
    let output = validate_generated(&huge);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.ends_with("scenario files are limited to 1048576 bytes (put large data in a CSV)\n"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Under the size limit but with far too many groups and suspensions: refused before comparing them pairwise.
    let suspension = "\n[[suspensions]]\nstart = 2021-01-01\nend = 2021-01-02\n";
    let long = base() + &(0..5_000).map(group).collect::<String>() + &suspension.repeat(5_000);
    let output = validate_generated(&long);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("groups[64]: 5001 benefit groups; the limit is 64"),
        "{stderr}"
    );
    assert!(
        stderr.contains("suspensions[100]: 5001 suspensions; the limit is 100"),
        "{stderr}"
    );
    // The 5001 identical suspensions all overlap; compared pairwise, they would be reported as overlapping.
    assert!(!stderr.contains("overlaps"), "{stderr}");
}

#[test]
fn thousands_of_problems_are_reported_as_the_first_hundred_and_a_count() {
    let entries: Vec<String> = (1..=500)
        .map(|code| format!("{{ code = {code}, name = \"M\", population = -1 }}"))
        .collect();
    let text = base().replace(
        "list = [{ code = 1, name = \"Testby\", population = 1000 }]",
        &format!("list = [{}]", entries.join(", ")),
    );
    let output = validate_generated(&text);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("municipalities.list[0].population: must be greater than 0, got -1"));
    assert!(stderr.contains("... and 400 more problems"), "{stderr}");
    assert_eq!(stderr.lines().count(), 101);
}

#[cfg(target_os = "linux")]
#[test]
fn a_device_or_a_fifo_is_refused_not_read_for_ever() {
    backlog()
        .args(["validate", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
        "/dev/zero: is not a regular file (a FIFO, a socket or a device); give the path of a file",
    ));
    // A FIFO nobody writes to would block the reader for ever.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("scenario.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    backlog()
        .arg("validate")
        .arg(&fifo)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not a regular file"));
}
