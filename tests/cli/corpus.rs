//! The malformed-input corpus: every file under tests/corpus must be refused by `validate` and `simulate` with
//! exit code 2 and the message tests/corpus/expected.toml gives for it, naming the key path and the line.

use crate::common::backlog;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// Long enough for a slow shared machine; a loader that hangs fails instead of stalling the suite.
const TIMEOUT: Duration = Duration::from_secs(30);

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
            let output = backlog()
                .args([command, &file])
                .timeout(TIMEOUT)
                .output()
                .unwrap();
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
