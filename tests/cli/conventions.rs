//! Command-line conventions: --quiet, Markdown output, shell completions and the man page, and the wording of
//! runs without a backlog.

use crate::common::{backlog, fixture};
use predicates::prelude::*;

/// small.toml whose suspension keeps all capacity open: meetings fall due in it but none goes overdue.
fn without_backlog(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("small.toml")).unwrap();
    assert!(text.contains("end = 2021-04-30\n"));
    let path = dir.join("open.toml");
    std::fs::write(
        &path,
        text.replace(
            "end = 2021-04-30\n",
            "end = 2021-04-30\ncapacity_share = 1.0\n",
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_run_without_a_backlog_says_so_instead_of_a_clearing_date() {
    let dir = tempfile::tempdir().unwrap();
    let open = without_backlog(dir.path());
    let output = backlog()
        .args(["compare", fixture("small.toml").to_str().unwrap()])
        .arg(&open)
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let line = |label: &str| {
        text.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} row in\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        line("backlog peak (overdue)").ends_with(" 0 -200 (-100.0%)"),
        "{text}"
    );
    assert_eq!(
        line("backlog cleared on (median)"),
        "backlog cleared on (median) 2021-05-07 no backlog -"
    );
    assert!(line("days to clear").contains("no backlog"));
    backlog()
        .arg("simulate")
        .arg(&open)
        .assert()
        .success()
        .stdout(predicate::str::contains("0         no backlog"));
}

#[test]
fn a_run_without_a_backlog_has_no_dates_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let open = without_backlog(dir.path());
    let out = dir.path().join("out");
    backlog()
        .arg("simulate")
        .arg(&open)
        .args(["--summary-only", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let mut entries = vec![&summary["total"]];
    for list in ["municipalities", "groups"] {
        entries.extend(
            summary[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| &e["metrics"]),
        );
    }
    for metrics in entries {
        assert_eq!(metrics["backlog_peak"], 0.0, "{metrics}");
        assert!(metrics["backlog_peak_date"].is_null(), "{metrics}");
        assert!(metrics["backlog_cleared_date"].is_null(), "{metrics}");
    }
    for file in ["municipalities.csv", "groups.csv"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let header = reader.headers().unwrap().clone();
        for record in reader.records() {
            let record = record.unwrap();
            for column in ["backlog_peak_date", "backlog_cleared_date"] {
                let c = header.iter().position(|h| h == column).unwrap();
                assert_eq!(&record[c], "", "{file} {column}");
            }
        }
    }
}

#[test]
fn quiet_prints_nothing_but_still_writes_files_and_asked_for_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    backlog()
        .args([
            "simulate",
            fixture("small.toml").to_str().unwrap(),
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert!(out.join("summary.json").is_file());
    backlog()
        .args(["-q", "check", fixture("expect-fail.toml").to_str().unwrap()])
        .assert()
        .code(1)
        .stdout("")
        .stderr("");
    let output = backlog()
        .args([
            "simulate",
            fixture("small.toml").to_str().unwrap(),
            "-q",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["scenario"]["name"], "small");
}

#[test]
fn markdown_tables_for_simulate_compare_and_check() {
    let small = fixture("small.toml");
    backlog()
        .args(["simulate", small.to_str().unwrap(), "--format", "markdown"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "| municipality | due | held | on time | waived | dropped | suspended | backlog peak | cleared (median) | mtg/cw | pers/cw | caseworkers | peak/cw |\n|---|---:|",
        ))
        .stdout(predicate::str::contains("| Testby | 2,373 | 2,259 | 90.0% |"));
    backlog()
        .args([
            "compare",
            small.to_str().unwrap(),
            small.to_str().unwrap(),
            "--format",
            "markdown",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "| metric | A | B | B - A |\n|---|---:|---:|---:|",
        ))
        .stdout(predicate::str::contains(
            "| meetings held | 2,259 | 2,259 | 0 (0.0%) |",
        ));
    backlog()
        .args([
            "check",
            fixture("expect-fail.toml").to_str().unwrap(),
            "--format",
            "markdown",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "| FAIL | small with expectations | an impossible figure | 1 |",
        ))
        .stdout(predicate::str::contains(
            "\n1 passed, 1 failed, 0 known misses\n",
        ));
}

#[test]
fn bash_loads_the_completion_script() {
    let output = backlog().args(["completions", "bash"]).output().unwrap();
    assert!(output.status.success());
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("backlog.bash");
    std::fs::write(&script, &output.stdout).unwrap();
    let Ok(bash) = std::process::Command::new("bash")
        .arg("-c")
        .arg("source \"$1\" && complete -p backlog")
        .arg("bash")
        .arg(&script)
        .output()
    else {
        eprintln!("bash not found: skipped");
        return;
    };
    assert!(
        bash.status.success(),
        "{}",
        String::from_utf8_lossy(&bash.stderr)
    );
    assert!(String::from_utf8(bash.stdout).unwrap().contains("backlog"));
    for shell in ["zsh", "fish", "powershell"] {
        backlog()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("simulate"));
    }
}

#[test]
fn the_man_page_is_roff_naming_every_command() {
    let output = backlog().arg("man").output().unwrap();
    assert!(output.status.success());
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.starts_with(".TH"),
        "{}",
        &page[..80]
    );
    assert!(page.contains(".TH backlog 1"));
    for command in ["simulate", "compare", "check", "sweep", "completions"] {
        assert!(page.contains(command), "{command}");
    }
}

/// `man --out-dir DIR` writes a page for backlog and one for every subcommand, each naming every option of its
/// command; the main page printed on stdout is the one written there, and every page it refers to exists.
#[test]
fn man_out_dir_writes_a_page_per_subcommand_naming_its_options() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("share/man/man1");
    backlog()
        .args(["man", "--quiet", "--out-dir"])
        .arg(&pages)
        .assert()
        .success()
        .stdout("");
    let command = <backlog::cli::Cli as clap::CommandFactory>::command();
    let read = |name: &str| {
        std::fs::read_to_string(pages.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let main = read("backlog.1");
    assert!(main.contains(".TH backlog 1"));
    let printed = backlog().arg("man").output().unwrap();
    assert!(printed.status.success());
    assert_eq!(String::from_utf8(printed.stdout).unwrap(), main);
    let mut written = 1;
    for sub in command.get_subcommands() {
        let name = sub.get_name();
        let page = read(&format!("backlog-{name}.1"));
        written += 1;
        assert!(page.contains(&format!(".TH backlog-{name} 1")), "{name}");
        // The main page refers to it by name.
        assert!(main.contains(&format!("backlog\\-{name}(1)")), "{name}");
        for arg in sub.get_arguments() {
            let named = match (arg.get_long(), arg.get_short()) {
                (Some(long), _) => format!("\\-\\-{}", long.replace('-', "\\-")),
                (None, Some(short)) => format!("\\-{short}"),
                // A positional argument by its value name.
                (None, None) => arg
                    .get_value_names()
                    .and_then(|names| names.first())
                    .map_or(arg.get_id().to_string().to_uppercase(), |n| n.to_string()),
            };
            assert!(
                page.contains(&named),
                "backlog-{name}.1 does not name {named}"
            );
        }
    }
    // No page for the main page to refer to that is not there, and none more.
    assert!(!main.contains("backlog\\-help(1)"));
    assert_eq!(std::fs::read_dir(&pages).unwrap().count(), written);
    // Writing again replaces the pages.
    backlog()
        .args(["man", "--out-dir"])
        .arg(&pages)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "wrote {written} manual pages in "
        )));
}

#[test]
fn suspended_above_due_under_shift_is_marked_and_explained() {
    let text = std::fs::read_to_string(fixture("small.toml")).unwrap();
    let catch_up = "groups.kh = { action = \"catch_up\" }";
    assert!(text.contains(catch_up));
    let dir = tempfile::tempdir().unwrap();
    let shifted = dir.path().join("shift.toml");
    std::fs::write(
        &shifted,
        text.replace(
            catch_up,
            "groups.kh = { action = \"shift\", from = 2021-03-01, to = 2021-10-31 }",
        ),
    )
    .unwrap();
    let table = |path: &std::path::Path| {
        let output = backlog().arg("simulate").arg(path).output().unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stdout).unwrap()
    };
    let note = "*: suspended exceeds due: a `shift` rule counts";
    let shown = table(&shifted);
    let row = shown.lines().find(|l| l.starts_with("Testby")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    let count = |cell: &str| {
        cell.trim_end_matches('*')
            .replace(',', "")
            .parse::<f64>()
            .unwrap()
    };
    // due is the second cell, suspended the seventh: marked because it is the larger.
    assert!(
        cells[6].ends_with('*') && count(cells[6]) > count(cells[1]),
        "{row}"
    );
    assert!(shown.contains(note), "{shown}");
    let plain = table(&fixture("small.toml"));
    assert!(!plain.contains(note) && !plain.contains("*"), "{plain}");
}

#[test]
fn quiet_sweep_writes_its_results_and_nothing_on_stderr() {
    let scarce = fixture("scarce.toml");
    let args = [
        "sweep",
        scarce.to_str().unwrap(),
        "--vary",
        "caseworkers=2,8",
        "--target",
        "overdue_end<=0",
        "--reps",
        "2",
    ];
    let loud = backlog().args(args).output().unwrap();
    assert!(loud.status.success());
    let told = String::from_utf8(loud.stderr).unwrap();
    assert!(told.contains("target: "), "{told}");
    let quiet = backlog().args(args).arg("--quiet").output().unwrap();
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8(quiet.stderr).unwrap(), "");
    assert_eq!(quiet.stdout, loud.stdout);
}

#[test]
fn quiet_never_hides_an_error() {
    backlog()
        .args(["simulate", "missing.toml", "-q"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::starts_with("error: ").and(predicate::str::contains("missing.toml")),
        );
    backlog()
        .args([
            "simulate",
            fixture("small.toml").to_str().unwrap(),
            "-q",
            "--set",
            "staffing.caseworkers=-3",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("staffing.caseworkers"));
}
