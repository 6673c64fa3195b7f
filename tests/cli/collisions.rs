//! No output may land on another output or on an input of the run: every such collision is refused before the
//! run with exit code 2 and one message naming both, and nothing is written.

use crate::common::{backlog, fixture};
use predicates::prelude::*;
use std::path::Path;

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A temporary directory holding a copy of tests/fixtures/small.toml as `small.toml`.
fn with_small() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("small.toml"), dir.path().join("small.toml")).unwrap();
    dir
}

/// Copies `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn two_outputs_on_one_file_are_refused_and_nothing_is_written() {
    let dir = with_small();
    backlog()
        .current_dir(dir.path())
        .args(["sweep", "small.toml", "--vary", "caseworkers=5..6:1"])
        .args(["--reps", "1", "--out", "s.svg", "--plot", "s.svg"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr("error: --out and --plot name the same file `s.svg`; give each its own file\n");
    assert_eq!(names(dir.path()), ["small.toml"]);

    // The directory form of --out against a file output of the same name; `./` names the same place.
    backlog()
        .current_dir(dir.path())
        .args([
            "simulate",
            "small.toml",
            "--out",
            "a.xlsx",
            "--xlsx",
            "./a.xlsx",
        ])
        .assert()
        .code(2)
        .stderr("error: --out and --xlsx name the same file `./a.xlsx`; give each its own file\n");
    assert_eq!(names(dir.path()), ["small.toml"]);

    // --out and --per-rep through a symbolic link to the directory.
    std::fs::create_dir(dir.path().join("results")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("results", dir.path().join("link")).unwrap();
        backlog()
            .current_dir(dir.path())
            .args(["sweep", "small.toml", "--vary", "caseworkers=5..6:1", "--reps", "1"])
            .args(["--out", "results/s.csv", "--per-rep", "link/s.csv"])
            .assert()
            .code(2)
            .stderr(
                "error: --out and --per-rep name the same file `link/s.csv`; give each its own file\n",
            );
        assert!(names(&dir.path().join("results")).is_empty());
    }
}

#[test]
fn a_file_inside_the_out_directory_is_refused() {
    let dir = with_small();
    backlog()
        .current_dir(dir.path())
        .args(["simulate", "small.toml", "--out", "out", "-q"])
        .assert()
        .success();
    let before = std::fs::read(dir.path().join("out/summary.json")).unwrap();
    backlog()
        .current_dir(dir.path())
        .args(["simulate", "small.toml", "--out", "out", "--plot", "out/chart.svg"])
        .args(["--seed", "8"])
        .assert()
        .code(2)
        .stderr(
            "error: --plot names `out/chart.svg`, inside the --out directory `out`, which is replaced whole; give a file outside it\n",
        );
    assert_eq!(
        std::fs::read(dir.path().join("out/summary.json")).unwrap(),
        before
    );
    assert_eq!(names(dir.path()), ["out", "small.toml"]);
}

#[test]
fn an_output_on_a_scenario_file_is_refused_and_the_file_kept() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("expect.toml");
    std::fs::copy(fixture("expect-fail.toml"), &scenario).unwrap();
    std::fs::copy(fixture("small.toml"), dir.path().join("small.toml")).unwrap();
    let layer = std::fs::read(dir.path().join("small.toml")).unwrap();
    let text = std::fs::read(&scenario).unwrap();
    backlog()
        .current_dir(dir.path())
        .args(["check", "expect.toml", "--junit", "expect.toml"])
        .assert()
        .code(2)
        .stderr(
            "error: --junit names `expect.toml`, which this run reads; give another file, or the input would be lost\n",
        );
    assert_eq!(std::fs::read(&scenario).unwrap(), text);
    // The file it extends is an input as well.
    backlog()
        .current_dir(dir.path())
        .args(["check", "expect.toml", "--xlsx", "small.xlsx", "--junit", "small.toml"])
        .assert()
        .code(2)
        .stderr(
            "error: --junit names `small.toml`, which this run reads; give another file, or the input would be lost\n",
        );
    assert_eq!(std::fs::read(dir.path().join("small.toml")).unwrap(), layer);
    assert_eq!(names(dir.path()), ["expect.toml", "small.toml"]);
}

#[test]
fn an_output_on_a_layer_or_data_file_the_scenario_reads_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&manifest.join("scenarios"), &root.path().join("scenarios"));
    copy_tree(&manifest.join("data"), &root.path().join("data"));
    let before = std::fs::read(root.path().join("data/municipalities.csv")).unwrap();
    let layer = std::fs::read(root.path().join("scenarios/dk2020.toml")).unwrap();
    for (flag, path, read_as) in [
        (
            "--per-rep",
            "data/municipalities.csv",
            "scenarios/examples/../../data/municipalities.csv",
        ),
        (
            "--out",
            "scenarios/dk2020.toml",
            "scenarios/examples/../dk2020.toml",
        ),
        (
            "--out",
            "scenarios/examples/aarhus2020.csv",
            "scenarios/examples/aarhus2020.csv",
        ),
    ] {
        let mut command = backlog();
        command
            .current_dir(root.path())
            .args(["sweep", "scenarios/examples/aarhus2020.toml"])
            .args(["--vary", "caseworkers=100..101:1", "--reps", "1"]);
        if flag == "--per-rep" {
            command.args(["--out", "sweep.csv"]);
        }
        let output = command.args([flag, path]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag} {path}: {stderr}");
        let read_as = if read_as == path {
            String::new()
        } else {
            format!(" as `{read_as}`")
        };
        assert_eq!(
            stderr,
            format!("error: {flag} names `{path}`, which this run reads{read_as}; give another file, or the input would be lost\n"),
        );
    }
    assert_eq!(
        std::fs::read(root.path().join("data/municipalities.csv")).unwrap(),
        before
    );
    assert_eq!(
        std::fs::read(root.path().join("scenarios/dk2020.toml")).unwrap(),
        layer
    );
    assert_eq!(names(root.path()), ["data", "scenarios"]);
}

#[test]
fn an_out_directory_holding_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("small.toml")).unwrap();
    // A data file named like a file `simulate --out` writes, so the directory is not refused for holding it.
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(
        dir.path().join("out/municipalities.csv"),
        "code,name,population\n1,Testby,1000\n",
    )
    .unwrap();
    let text = text.replace(
        "list = [{ code = 1, name = \"Testby\", population = 1000 }]",
        "file = \"out/municipalities.csv\"",
    );
    std::fs::write(dir.path().join("small.toml"), text).unwrap();
    backlog()
        .current_dir(dir.path())
        .args(["simulate", "small.toml", "--out", "out"])
        .assert()
        .code(2)
        .stderr(
            "error: --out names `out`, which holds `out/municipalities.csv`, an input of this run; the directory is replaced whole, so give another\n",
        );
    assert_eq!(names(&dir.path().join("out")), ["municipalities.csv"]);
}

#[test]
fn merge_may_not_write_over_a_shard() {
    let dir = with_small();
    for shard in ["0/2", "1/2"] {
        let name = format!("s{}.csv", &shard[..1]);
        backlog()
            .current_dir(dir.path())
            .args([
                "sweep",
                "small.toml",
                "--vary",
                "caseworkers=5..8:1",
                "--reps",
                "1",
            ])
            .args(["--shard", shard, "--out", &name, "-q"])
            .assert()
            .success();
    }
    let shard = std::fs::read(dir.path().join("s0.csv")).unwrap();
    backlog()
        .current_dir(dir.path())
        .args(["merge", "s0.csv", "s1.csv", "--out", "s0.csv"])
        .assert()
        .code(2)
        .stderr(
            "error: --out names `s0.csv`, which this run reads; give another file, or the input would be lost\n",
        );
    assert_eq!(std::fs::read(dir.path().join("s0.csv")).unwrap(), shard);
    assert_eq!(names(dir.path()), ["s0.csv", "s1.csv", "small.toml"]);
    // Two outputs on /dev/null lose nothing and stay allowed.
    backlog()
        .current_dir(dir.path())
        .args([
            "sweep",
            "small.toml",
            "--vary",
            "caseworkers=5..6:1",
            "--reps",
            "1",
            "-q",
        ])
        .args(["--out", "/dev/null", "--per-rep", "/dev/null"])
        .assert()
        .success();
}

/// An --out directory that is a mount point cannot be renamed (EBUSY): its files are replaced one by one, run.json
/// last, and a second run that writes fewer files leaves only its own. Needs user namespaces (`unshare -rm`) to
/// mount without root; the detection itself is unit-tested in src/output.rs.
#[cfg(target_os = "linux")]
#[test]
fn an_out_directory_that_is_a_mount_point_gets_its_files_one_by_one_and_run_json_last() {
    let usable = std::process::Command::new("unshare")
        .args(["-rm", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !usable {
        eprintln!("skipped: unshare -rm is not available here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (volume, source) = (dir.path().join("volume"), dir.path().join("source"));
    std::fs::create_dir(&volume).unwrap();
    std::fs::create_dir(&source).unwrap();
    // Two runs into the same mount: the full outputs, then the summaries only.
    let script = "mount --bind \"$1\" \"$2\" && \"$3\" simulate \"$4\" --out \"$2\" -q && exec \"$3\" simulate \"$4\" --out \"$2\" --summary-only -q";
    let output = std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", script, "sh"])
        .arg(&source)
        .arg(&volume)
        .arg(assert_cmd::cargo::cargo_bin("backlog"))
        .arg(fixture("small.toml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stderr, "");
    // The bind mount's source holds what the second run wrote, and nothing else: no daily file of the first,
    // no staging directory.
    let written = names(&source);
    assert_eq!(
        written,
        [
            "episodes.csv",
            "groups.csv",
            "municipalities.csv",
            "run.json",
            "summary.json"
        ]
    );
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(source.join("run.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = record["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, written);
    assert!(
        names(&volume).is_empty(),
        "the mount ended with its namespace"
    );
}
