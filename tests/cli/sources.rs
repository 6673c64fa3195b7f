//! Errors at their source: a problem caused by a layer (`extends`) or by a `--set` argument names that file or
//! that argument, not the base file it happens to meet.

use crate::common::backlog;
use std::path::{Path, PathBuf};

const BASE: &str = r#"name = "base"
seed = 7
start = 2021-01-01
end = 2021-12-31

[municipalities]
reference_population = 1000
list = [{ code = 1, name = "Testby", population = 1000 }]

[staffing]
caseworkers = 10
meetings_per_caseworker_day = 5
changes = [{ id = "more", date = 2021-06-01, caseworkers = 12 }]

[[groups]]
id = "kh"
inflow_per_day = 3
duration = { distribution = "exponential", mean_days = 120 }
meetings = [{ due_day = 0, deadline_day = 7 }]

[[suspensions]]
id = "spring"
start = 2021-03-01
end = 2021-04-30
groups.kh = { action = "catch_up" }
"#;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `validate FILE ARGS` in `dir`: its exit code and stderr.
fn validate(dir: &Path, file: &str, args: &[&str]) -> (Option<i32>, String) {
    let output = backlog()
        .current_dir(dir)
        .arg("validate")
        .arg(file)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `replace = true` on a suspension, on staffing and on a group keeps nothing of the base's table: a key the
/// layer left out is missing in the layer, which the message names at the replaced table.
#[test]
fn a_key_missing_under_replace_is_reported_in_the_layer_that_replaced_the_table() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "base.toml", BASE);
    let replaced =
        " (the table is replaced whole here, so nothing of the files it extends is kept)\n";
    let cases = [
        (
            "[[suspensions]]\nid = \"spring\"\nreplace = true\nstart = 2021-03-01\n",
            "layer.toml:2:1: suspensions[0].end: is required but missing",
        ),
        (
            "[staffing]\nreplace = true\ncaseworkers = 10\n",
            "layer.toml:2:2: staffing.meetings_per_caseworker_day: is required but missing",
        ),
        (
            "[[groups]]\nid = \"kh\"\nreplace = true\ninflow_per_day = 3\n",
            "layer.toml:2:1: groups[0].duration: is required but missing",
        ),
    ];
    for (layer, expected) in cases {
        write(
            dir.path(),
            "layer.toml",
            &format!("extends = \"base.toml\"\n{layer}"),
        );
        let (code, stderr) = validate(dir.path(), "layer.toml", &[]);
        assert_eq!(code, Some(2), "{stderr}");
        assert_eq!(stderr, format!("error: {expected}{replaced}"));
    }
    // The same table given whole is accepted: `replace` drops the base's keys, nothing else.
    write(
        dir.path(),
        "layer.toml",
        "extends = \"base.toml\"\n[staffing]\nreplace = true\ncaseworkers = 20\nmeetings_per_caseworker_day = 4\n",
    );
    let (code, stderr) = validate(dir.path(), "layer.toml", &[]);
    assert_eq!(code, Some(0), "{stderr}");
}

/// A `--set` that makes one entry conflict with another is named in the message reported at the other entry.
#[test]
fn a_conflict_made_by_a_set_names_the_set() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "base.toml",
        &format!("{BASE}\n[[suspensions]]\nid = \"autumn\"\nstart = 2021-09-01\nend = 2021-09-30\ngroups.kh = {{ action = \"catch_up\" }}\n"),
    );
    let (code, stderr) = validate(
        dir.path(),
        "base.toml",
        &["--set", "suspensions.spring.end=2021-09-10"],
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error: base.toml:29:1: suspensions[1].start: window 2021-09-01 to 2021-09-30 overlaps suspensions[0] (2021-03-01 to 2021-09-10) (with --set suspensions.spring.end=2021-09-10)\n"
    );
    // Without the --set the files agree.
    assert_eq!(validate(dir.path(), "base.toml", &[]).0, Some(0));
}

/// A layer's list that gives some entries an id and others none would replace the base's list instead of
/// merging with it: refused at the first entry without one, in the layer.
#[test]
fn a_layer_list_mixing_entries_with_and_without_ids_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "base.toml", BASE);
    let cases = [
        (
            "[[suspensions]]\nid = \"spring\"\nphone_counts = true\n\n[[suspensions]]\nstart = 2021-09-01\nend = 2021-09-30\ngroups.kh = { action = \"catch_up\" }\n",
            "layer.toml:6:1: suspensions[1]: has no `id` where other entries of `suspensions` have one",
        ),
        (
            "[staffing]\nchanges = [{ id = \"more\", caseworkers = 11 }, { date = 2021-08-01, caseworkers = 9 }]\n",
            "layer.toml:3:47: staffing.changes[1]: has no `id` where other entries of `staffing.changes` have one",
        ),
    ];
    for (layer, expected) in cases {
        write(
            dir.path(),
            "layer.toml",
            &format!("extends = \"base.toml\"\n{layer}"),
        );
        let (code, stderr) = validate(dir.path(), "layer.toml", &[]);
        assert_eq!(code, Some(2), "{stderr}");
        assert_eq!(stderr, format!("error: {expected}; entries with ids merge with the extended files' by id and a list without ids replaces theirs, so give every entry an id or none\n"));
    }
    // A list with no ids at all replaces the base's, as documented.
    write(
        dir.path(),
        "layer.toml",
        "extends = \"base.toml\"\n[[suspensions]]\nstart = 2021-09-01\nend = 2021-09-30\ngroups.kh = { action = \"catch_up\" }\n",
    );
    let (code, stderr) = validate(dir.path(), "layer.toml", &[]);
    assert_eq!(code, Some(0), "{stderr}");
}
